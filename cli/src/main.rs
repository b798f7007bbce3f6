//! `snapsign`: sign, verify and explain SNAP (Bank Indonesia open payment API) request signatures
//! from the command line. A thin layer over `snapsign-core`.
//!
//! Exit codes: 0 success (or valid signature), 1 invalid signature (or a problem `explain` found),
//! 2 bad input (unreadable file, wrong key, malformed value, usage error).

mod args;
mod code;
mod explain;
mod failure;
mod input;
mod minify;
mod output;
mod providers;
mod request;
mod sandbox;
mod sign;
mod verify;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use crate::args::{Cli, Command};
use crate::failure::Outcome;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(code) => ExitCode::from(code),
        Err(f) => {
            let _ = writeln!(std::io::stderr(), "snapsign: {}", f.message);
            ExitCode::from(f.code)
        }
    }
}

fn run(command: Command) -> Outcome<u8> {
    match command {
        Command::Token(a) => sign::token(a),
        Command::Transaction(a) => sign::transaction(a),
        Command::Service(a) => sign::service(a),
        Command::Verify(v) => verify::run(v),
        Command::Minify(a) => minify::minify(a),
        Command::Digest(a) => minify::digest(a),
        Command::Explain(e) => explain::run(e),
        Command::Providers(a) => providers::run(a),
        Command::Request(a) => request::run(a),
        Command::Code(a) => code::run(a),
        Command::Sandbox(a) => sandbox::run(a),
    }
}
