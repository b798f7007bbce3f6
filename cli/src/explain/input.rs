//! The flags as `snapsign-explain` inputs: the parts of the string-to-sign (taken as given, even
//! when the core would refuse them), the body, the keys or secret, in the order errors are reported.

use snapsign_core::HmacSigner;
use snapsign_explain::{Checker, Inputs, Kind, Parts, Signer};

use crate::args::{ExplainCommand, ExplainKeys, OptSecretArgs};
use crate::failure::{Failure, Outcome};
use crate::input::file::{input_name, read_input};
use crate::input::key::{load_signer, load_verifier};
use crate::input::provider::load_profile;
use crate::input::secret::{hmac_signer, load_secret};
use crate::input::timestamp::resolve_timestamp_for;

/// Loads everything the command names (keys, secret, body); also says whether `--json` was given.
pub(super) fn load(cmd: ExplainCommand) -> Outcome<(Inputs, bool)> {
    let common = match &cmd {
        ExplainCommand::Token { common, .. }
        | ExplainCommand::Service { common, .. }
        | ExplainCommand::Transaction { common, .. } => common,
    };
    let profile = common.provider.as_deref().map(load_profile).transpose()?;
    let style = profile.map(|p| p.timestamp.value);
    let resolve_timestamp = |t| resolve_timestamp_for(t, style);
    let (inputs, common) = match cmd {
        ExplainCommand::Token { keys, client_id, time, common } => {
            let (signer, checker) = rsa_keys(&keys, common.signature.is_some())?;
            let parts = Parts { client_id, timestamp: resolve_timestamp(&time)?, ..Parts::default() };
            (Inputs { parts, signer, checker, ..Inputs::new(Kind::Token) }, common)
        }
        ExplainCommand::Service { keys, request, time, common } => {
            let (signer, checker) = rsa_keys(&keys, common.signature.is_some())?;
            let parts = Parts {
                method: request.method,
                path: request.path,
                timestamp: resolve_timestamp(&time)?,
                ..Parts::default()
            };
            (with_body(Kind::Service, parts, request.body.as_deref(), request.base_url, signer, checker)?, common)
        }
        ExplainCommand::Transaction { secret, request, token, time, common } => {
            let (signer, checker) = hmac_keys(&secret, common.signature.is_some())?;
            let parts = Parts {
                method: request.method,
                path: request.path,
                token,
                timestamp: resolve_timestamp(&time)?,
                ..Parts::default()
            };
            (with_body(Kind::Transaction, parts, request.body.as_deref(), request.base_url, signer, checker)?, common)
        }
    };
    Ok((Inputs { profile, signature: common.signature, ..inputs }, common.json))
}

/// The inputs of a service or transaction signature: the parts, then the body `--body` names.
fn with_body(
    kind: Kind,
    parts: Parts,
    body: Option<&str>,
    base_url: Option<String>,
    signer: Option<Signer>,
    checker: Option<Checker>,
) -> Outcome<Inputs> {
    let body_name = body.map(input_name).unwrap_or_else(|| "(no body)".into());
    Ok(Inputs { parts, body: read_input(body)?, body_name, base_url, signer, checker, ..Inputs::new(kind) })
}

/// The private key to sign with and the key to check `--signature` with (the private key's
/// public half unless `--public-key` is given).
fn rsa_keys(keys: &ExplainKeys, signature_given: bool) -> Outcome<(Option<Signer>, Option<Checker>)> {
    let signer = match &keys.key {
        Some(path) => Some(load_signer(path, keys.passphrase_env.as_deref(), keys.allow_weak_key)?),
        None => None,
    };
    let checker = match (&keys.public_key, &signer) {
        (Some(path), _) => Some(Checker::Rsa(load_verifier(path, keys.allow_weak_key)?)),
        (None, Some(s)) => Some(Checker::Rsa(s.verifier())),
        (None, None) => None,
    };
    if signature_given && checker.is_none() {
        return Err(Failure::input("--signature", "checking a signature needs --public-key FILE (or --key FILE)"));
    }
    Ok((signer.map(Signer::Rsa), checker))
}

/// The client secret to sign and check `--signature` with (also as its file held it, trailing
/// newline kept), if one is given.
fn hmac_keys(secret: &OptSecretArgs, signature_given: bool) -> Outcome<(Option<Signer>, Option<Checker>)> {
    let secret = load_secret(secret.secret_env.as_deref(), secret.secret_file.as_deref())?;
    let (signer, checker) = match &secret {
        Some(s) => {
            let main = hmac_signer(s)?;
            let unstripped = s.unstripped.as_deref().and_then(|u| HmacSigner::new(u).ok()).map(Box::new);
            (Some(Signer::Hmac(main.clone())), Some(Checker::Hmac { secret: Box::new(main), unstripped }))
        }
        None => (None, None),
    };
    if signature_given && checker.is_none() {
        return Err(Failure::input(
            "--signature",
            "checking a signature needs the client secret (--secret-env VAR or --secret-file FILE)",
        ));
    }
    Ok((signer, checker))
}
