//! snapsign's `uniffi-bindgen`: generates the Kotlin, Swift and Python bindings from the built
//! `libsnapsign` cdylib ("library mode": the interface is read from the metadata the
//! proc-macros embed in the library).
//!
//! It calls the `uniffi_bindgen` library directly, without its `cargo-metadata` feature and
//! without clap (what `uniffi = { features = ["cli"] }` would pull in), so it builds quickly in
//! the dev profile. It accepts the subset of the upstream command line that `bindings/generate.sh`
//! and maturin (`bindings = "uniffi"`, which runs `cargo run --bin uniffi-bindgen` in the
//! workspace) use:
//!
//! ```text
//! uniffi-bindgen generate [--library] --language kotlin|swift|python [--language ...]
//!                         --out-dir DIR [--config uniffi.toml] [--crate NAME] [--no-format] LIBRARY
//! ```
//!
//! Output is never formatted (no ktlint/swift-format run), so it is the same on every machine.
//! Each crate's `uniffi.toml` is found in its crate root: the directory of a `--config` file
//! in the per-crate format, or else `ffi/` of this workspace for the `snapsign_ffi` crate.

use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use camino::{Utf8Path, Utf8PathBuf};
use uniffi_bindgen::bindings::{generate_with_bindgen_paths, GenerateOptions, TargetLanguage};
use uniffi_bindgen::{BindgenPaths, BindgenPathsLayer};

const USAGE: &str = "usage: uniffi-bindgen generate [--library] --language kotlin|swift|python [--language ...] \
                     --out-dir DIR [--config uniffi.toml] [--crate NAME] [--no-format] LIBRARY";

/// The crate root of every crate is one directory (that of a per-crate `uniffi.toml`).
struct OneRoot(Utf8PathBuf);

impl BindgenPathsLayer for OneRoot {
    fn get_crate_root(&self, _crate_name: &str) -> Option<Utf8PathBuf> {
        Some(self.0.clone())
    }
}

/// This workspace's uniffi crates by the crate name uniffi records (the lib name).
struct Workspace(Utf8PathBuf);

impl BindgenPathsLayer for Workspace {
    fn get_crate_root(&self, crate_name: &str) -> Option<Utf8PathBuf> {
        match crate_name {
            "snapsign_ffi" => Some(self.0.join("ffi")),
            _ => None,
        }
    }
}

fn workspace_root() -> Utf8PathBuf {
    // `cargo run` sets CARGO_MANIFEST_DIR for the program it runs; a binary run directly
    // falls back to where it was built from.
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR")
        .ok()
        .filter(|d| Utf8Path::new(d).join("src/main.rs").is_file())
        .unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").to_owned());
    Utf8PathBuf::from(manifest_dir).join("../..")
}

fn language(name: &str) -> Result<TargetLanguage> {
    Ok(match name {
        "kotlin" => TargetLanguage::Kotlin,
        "swift" => TargetLanguage::Swift,
        "python" => TargetLanguage::Python,
        "ruby" => TargetLanguage::Ruby,
        other => bail!("unknown language {other:?} (kotlin, swift, python, ruby)"),
    })
}

fn run(args: &[String]) -> Result<()> {
    let mut args = args.iter();
    match args.next().map(String::as_str) {
        Some("generate") => {}
        Some("--version" | "-V") => {
            println!("uniffi-bindgen (snapsign) for uniffi {}", env!("CARGO_PKG_VERSION"));
            return Ok(());
        }
        _ => bail!("{USAGE}"),
    }
    let mut languages = Vec::new();
    let mut out_dir = None;
    let mut config = None;
    let mut crate_filter = None;
    let mut source = None;
    while let Some(arg) = args.next() {
        let mut value = |flag: &str| args.next().cloned().with_context(|| format!("{flag} needs a value\n{USAGE}"));
        match arg.as_str() {
            "--library" | "--no-format" | "-n" | "--metadata-no-deps" => {}
            "--language" | "-l" => languages.push(language(&value(arg)?)?),
            "--out-dir" | "-o" => out_dir = Some(Utf8PathBuf::from(value(arg)?)),
            "--config" | "-c" => config = Some(Utf8PathBuf::from(value(arg)?)),
            "--crate" => crate_filter = Some(value(arg)?),
            flag if flag.starts_with('-') => bail!("unknown option {flag}\n{USAGE}"),
            path if source.is_none() => source = Some(Utf8PathBuf::from(path)),
            extra => bail!("unexpected argument {extra}\n{USAGE}"),
        }
    }
    if languages.is_empty() {
        bail!("give at least one --language\n{USAGE}");
    }
    let out_dir = out_dir.with_context(|| format!("--out-dir is required\n{USAGE}"))?;
    let source = source.with_context(|| format!("the library (.so/.dylib/.dll) is required\n{USAGE}"))?;

    let mut paths = BindgenPaths::default();
    let mut config_override = None;
    if let Some(config) = config {
        let text = std::fs::read_to_string(&config).with_context(|| format!("read {config}"))?;
        let is_global = ["[defaults", "[crates", "[crate-roots"].iter().any(|s| text.contains(s));
        if is_global {
            config_override = Some(config);
        } else {
            // A per-crate uniffi.toml (what maturin passes): its directory is the crate root.
            let dir = config.parent().filter(|p| !p.as_str().is_empty()).unwrap_or(Utf8Path::new("."));
            paths.add_layer(OneRoot(dir.to_owned()));
        }
    }
    paths.add_layer(Workspace(workspace_root()));

    let options = GenerateOptions {
        languages,
        source,
        out_dir,
        config_override,
        format: false,
        crate_filter,
        metadata_no_deps: true,
    };
    generate_with_bindgen_paths(options, paths)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("uniffi-bindgen: {e:#}");
            ExitCode::FAILURE
        }
    }
}
