//! What explain signs with, and checks the given signature with: an RSA key (pair) or the client
//! secret, which it also tries as the file held it (trailing newline kept).

use snapsign_core::{Error, HmacSigner, RsaSigner, RsaVerifier};

use crate::args::{ExplainKeys, OptSecretArgs};
use crate::failure::{Failure, Outcome};
use crate::input::key::{load_signer, load_verifier};
use crate::input::secret::{hmac_signer, load_secret};

pub(super) enum Signer {
    Rsa(RsaSigner),
    Hmac(HmacSigner),
}

impl Signer {
    /// The signature of `sts`, base64.
    pub(super) fn sign(&self, sts: &str) -> Outcome<String> {
        Ok(match self {
            Signer::Rsa(s) => {
                s.sign(sts.as_bytes(), &mut getrandom::SysRng).map_err(|e| Failure::input("--key", e))?.to_string()
            }
            Signer::Hmac(h) => h.sign(sts.as_bytes()).to_string(),
        })
    }
}

pub(super) enum Checker {
    Rsa(RsaVerifier),
    Hmac { secret: Box<HmacSigner>, unstripped: Option<Box<HmacSigner>> },
}

impl Checker {
    /// Verifies with the key or secret, or with the secret file's bytes before the trailing
    /// newline was stripped (`unstripped`).
    pub(super) fn verify(&self, message: &[u8], signature: &[u8], unstripped: bool) -> Result<(), Error> {
        match self {
            Checker::Rsa(v) => v.verify(message, signature),
            Checker::Hmac { secret, unstripped: alt } => match (unstripped, alt) {
                (false, _) => secret.verify(message, signature),
                (true, Some(alt)) => alt.verify(message, signature),
                (true, None) => Err(Error::SignatureMismatch),
            },
        }
    }

    /// Whether the secret came from a file whose trailing newline was stripped.
    pub(super) fn has_unstripped_secret(&self) -> bool {
        matches!(self, Checker::Hmac { unstripped: Some(_), .. })
    }
}

/// The private key to sign with and the key to check `--signature` with (the private key's
/// public half unless `--public-key` is given).
pub(super) fn rsa_keys(keys: &ExplainKeys, signature_given: bool) -> Outcome<(Option<Signer>, Option<Checker>)> {
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

/// The client secret to sign and check `--signature` with, if one is given.
pub(super) fn hmac_keys(secret: &OptSecretArgs, signature_given: bool) -> Outcome<(Option<Signer>, Option<Checker>)> {
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
