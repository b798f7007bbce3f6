//! The client secret, from an environment variable or a file (never from the command line).

use std::path::Path;

use snapsign_core::HmacSigner;

use super::env::read_variable;
use super::file::read_file;
use crate::args::SecretArgs;
use crate::failure::{Failure, Outcome};

/// The client secret, and (for a file) the file's bytes before the trailing newline was removed.
pub(crate) struct Secret {
    pub(crate) bytes: Vec<u8>,
    pub(crate) unstripped: Option<Vec<u8>>,
    pub(crate) source: String,
}

/// Reads the client secret from an environment variable or a file.
pub(crate) fn load_secret(env: Option<&str>, file: Option<&Path>) -> Outcome<Option<Secret>> {
    if let Some(var) = env {
        let bytes = read_variable("--secret-env", var, "CLIENT_SECRET")?;
        return Ok(Some(Secret { bytes, unstripped: None, source: format!("${var}") }));
    }
    let Some(path) = file else { return Ok(None) };
    let raw = read_file(path)?;
    let mut bytes = raw.clone();
    if bytes.ends_with(b"\n") {
        bytes.pop();
        if bytes.ends_with(b"\r") {
            bytes.pop();
        }
    }
    if bytes.is_empty() {
        return Err(Failure::input(path.display(), "the client secret file is empty"));
    }
    let unstripped = (raw != bytes).then_some(raw);
    Ok(Some(Secret { bytes, unstripped, source: path.display().to_string() }))
}

/// The HMAC signer of the secret `--secret-env` or `--secret-file` names (one is required).
pub(crate) fn required_hmac_signer(args: &SecretArgs) -> Outcome<HmacSigner> {
    let secret = load_secret(args.secret_env.as_deref(), args.secret_file.as_deref())?
        .ok_or_else(|| Failure::input("client secret", "give --secret-env VAR or --secret-file FILE"))?;
    hmac_signer(&secret)
}

/// The HMAC signer of a secret, naming the secret's source if the core refuses it.
pub(crate) fn hmac_signer(secret: &Secret) -> Outcome<HmacSigner> {
    HmacSigner::new(&secret.bytes).map_err(|e| Failure::input(&secret.source, e))
}
