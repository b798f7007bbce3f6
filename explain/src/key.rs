//! What explain signs with, and checks the given signature with: an RSA key (pair) or the client
//! secret, which it also tries as the file held it (trailing newline kept).

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
