//! What explain signs with, and checks the given signature with: an RSA key (pair) or the client
//! secret, which it also tries as the file held it (trailing newline kept).

use sha2::{Digest, Sha256};
use snapsign_core::{Error, HmacSigner, RsaSigner, RsaVerifier};

/// The key or secret to compute the expected signature with.
pub enum Signer {
    Rsa(RsaSigner),
    Hmac(HmacSigner),
}

impl Signer {
    /// The signature of `sts`, base64 (RSA blinding draws from the system RNG).
    pub fn sign(&self, sts: &str) -> Result<String, Error> {
        Ok(match self {
            Signer::Rsa(s) => s.sign(sts.as_bytes(), &mut getrandom::SysRng)?.to_string(),
            Signer::Hmac(h) => h.sign(sts.as_bytes()).to_string(),
        })
    }
}

/// The key or secret to check the given signature with.
pub enum Checker {
    Rsa(RsaVerifier),
    Hmac {
        secret: Box<HmacSigner>,
        /// The secret as its file held it, when a trailing newline was stripped from it.
        unstripped: Option<Box<HmacSigner>>,
    },
}

impl Checker {
    /// Verifies with the key or secret, or with the secret file's bytes before the trailing
    /// newline was stripped (`unstripped`).
    pub fn verify(&self, message: &[u8], signature: &[u8], unstripped: bool) -> Result<(), Error> {
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
    pub fn has_unstripped_secret(&self) -> bool {
        matches!(self, Checker::Hmac { unstripped: Some(_), .. })
    }

    /// The length of a signature in bytes: the RSA modulus size, or 64 for HMAC-SHA512.
    pub fn signature_len(&self) -> usize {
        match self {
            Checker::Rsa(v) => v.modulus_bits().div_ceil(8),
            Checker::Hmac { .. } => 64,
        }
    }
}

/// One signature about to be checked against many messages (the variant search). For RSA the
/// public-key operation is done once ([`RsaVerifier::signed_digest`]), so each message costs one
/// SHA-256 instead of one RSA verification: the search takes the same time whatever the key size.
pub(crate) enum Prepared<'c> {
    /// The SHA-256 the signature signs, or `None` when it is no SHA256withRSA signature under the
    /// key at all (then no message verifies, as `verify` would find).
    Rsa(Option<[u8; 32]>),
    Hmac(&'c Checker, &'c [u8]),
}

impl Checker {
    pub(crate) fn prepare<'c>(&'c self, signature: &'c [u8]) -> Prepared<'c> {
        match self {
            Checker::Rsa(v) => Prepared::Rsa(v.signed_digest(signature).ok()),
            Checker::Hmac { .. } => Prepared::Hmac(self, signature),
        }
    }
}

impl Prepared<'_> {
    /// Whether the signature verifies over `message` (with the unstripped secret when asked):
    /// the same answer as [`Checker::verify`].
    pub(crate) fn verifies(&self, message: &[u8], unstripped: bool) -> bool {
        match self {
            // As `verify`: an RSA key has no unstripped form.
            Prepared::Rsa(digest) => digest.is_some_and(|d| d == <[u8; 32]>::from(Sha256::digest(message))),
            Prepared::Hmac(checker, signature) => checker.verify(message, signature, unstripped).is_ok(),
        }
    }
}
