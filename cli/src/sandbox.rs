//! `snapsign sandbox`: a thin front over `snapsign-sandbox`. The flags and the clients file
//! become its `Config` (keys loaded and secrets read here, with the other commands' messages),
//! then it serves until killed.

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use snapsign_core::HmacSigner;
use snapsign_sandbox::{clients_file, Client, Config, Limits, Sandbox};

use crate::args::SandboxArgs;
use crate::failure::{Failure, Outcome};
use crate::input::env::read_variable;
use crate::input::file::read_file;
use crate::input::key::load_verifier;
use crate::input::provider::load_profile;

fn client(
    id: &str,
    key: &Path,
    secret_flag: &str,
    secret_env: &str,
    partner_id: Option<String>,
    weak: bool,
) -> Outcome<Client> {
    let public_key = load_verifier(key, weak)?;
    let secret = read_variable(secret_flag, secret_env, "CLIENT_SECRET")?;
    let secret = HmacSigner::new(&secret).map_err(|e| Failure::input(format!("${secret_env}"), e))?;
    Ok(Client { client_id: id.to_string(), partner_id, public_key, secret })
}

pub(crate) fn run(a: SandboxArgs) -> Outcome<u8> {
    let profile = load_profile(&a.provider)?;
    let mut clients = Vec::new();
    if let (Some(id), Some(key), Some(env)) = (&a.client, &a.public_key, &a.secret_env) {
        clients.push(client(id, key, "--secret-env", env, a.partner_id.clone(), a.allow_weak_key)?);
    }
    if let Some(path) = &a.clients {
        let text = String::from_utf8(read_file(path)?).map_err(|_| Failure::input(path.display(), "is not UTF-8"))?;
        let dir = path.parent().unwrap_or(Path::new("."));
        let specs = clients_file::parse(&text, dir).map_err(|e| Failure::input(path.display(), e))?;
        for s in specs {
            let flag = format!("{}: secret_env of {}", path.display(), s.client_id);
            clients.push(client(&s.client_id, &s.public_key, &flag, &s.secret_env, s.partner_id, a.allow_weak_key)?);
        }
    }
    let timeout = Duration::from_secs(a.read_timeout.max(1));
    let limits = Limits {
        max_body_bytes: a.max_body,
        header_read_timeout: timeout,
        body_read_timeout: timeout,
        ..Limits::default()
    };
    let config = Config {
        max_skew_seconds: a.max_skew,
        token_lifetime_seconds: a.token_lifetime,
        limits,
        ..Config::new(profile, clients)
    };
    let sandbox = Sandbox::new(config).map_err(|e| Failure::input("sandbox", e))?;
    let log = snapsign_sandbox::http::stderr_log();
    snapsign_sandbox::http::run(sandbox, &a.host, a.port, log, |addr| {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "listening on {addr}");
        let _ = out.flush();
    })
    .map_err(|e| Failure::input(format!("{}:{}", a.host, a.port), e))?;
    Ok(0)
}
