//! HMAC-SHA512: the symmetric transaction signature.
//!
//! `X-SIGNATURE = base64(HMAC-SHA512(key = clientSecret as UTF-8 bytes, stringToSign))`, 88
//! characters, over `METHOD:path:accessToken:sha256hex(minify(body)):timestamp`.
//!
//! An [`HmacSigner`] holds the keyed HMAC state (the secret itself is not kept), is zeroized on
//! drop, and verifies in constant time.

use core::fmt;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha512;

use crate::b64::{decode_signature, encode_into};
use crate::body_digest::body_digest;
use crate::error::{Error, Field, Result};
use crate::string_to_sign;

/// Length of a base64 HMAC-SHA512 signature.
pub const SIGNATURE_LEN: usize = 88;
const MAC_LEN: usize = 64;

/// A base64 HMAC-SHA512 signature.
pub type HmacSignature = heapless::String<SIGNATURE_LEN>;

/// A client secret keyed into HMAC-SHA512, ready to sign many transactions.
///
/// ```
/// use snapsign_core::HmacSigner;
/// let signer = HmacSigner::new(b"a-secret")?;
/// let sig = signer.sign_transaction(
///     "POST",
///     "/api/v1.0/debit/payment-host-to-host",
///     "eyJhbGciOiJSUzI1NiJ9.AQfgX3Jda3HmLegbUIbXmX1eGMTjLc56",
///     b"{\n  \"grantType\": \"client_credentials\"\n}",
///     "2021-05-24T09:37:37Z",
/// )?;
/// assert_eq!(sig, "RBr5w0o9yX8lcSvQrUwLBEzHIgGlwQUmuhWkNDi7TMPGwa5m60D7Ped7Ygerh0wf6y368TG89B6ELGtbbLSftQ==");
/// # Ok::<(), snapsign_core::Error>(())
/// ```
#[derive(Clone)]
pub struct HmacSigner {
    mac: Hmac<Sha512>,
}

impl fmt::Debug for HmacSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HmacSigner(<redacted>)")
    }
}

impl HmacSigner {
    /// Keys HMAC-SHA512 with the client secret's bytes (UTF-8, as the standard says).
    ///
    /// ```
    /// use snapsign_core::{Error, Field, HmacSigner};
    /// assert!(HmacSigner::new("k\u{e9}y with spaces".as_bytes()).is_ok());
    /// assert_eq!(HmacSigner::new(b"").unwrap_err(), Error::EmptyField { field: Field::ClientSecret });
    /// ```
    ///
    /// # Errors
    /// [`Error::EmptyField`] for an empty secret, almost always a missing configuration value.
    pub fn new(client_secret: &[u8]) -> Result<Self> {
        if client_secret.is_empty() {
            return Err(Error::EmptyField { field: Field::ClientSecret });
        }
        let mac = Hmac::<Sha512>::new_from_slice(client_secret).map_err(|_| Error::Crypto)?;
        Ok(HmacSigner { mac })
    }

    fn mac<'p>(&self, pieces: impl IntoIterator<Item = &'p [u8]>) -> Hmac<Sha512> {
        let mut mac = self.mac.clone();
        for piece in pieces {
            mac.update(piece);
        }
        mac
    }

    fn finish_into(mac: Hmac<Sha512>, out: &mut [u8]) -> Result<usize> {
        if out.len() < SIGNATURE_LEN {
            return Err(Error::BufferTooSmall { needed: SIGNATURE_LEN });
        }
        encode_into(&mac.finalize().into_bytes(), out)
    }

    fn finish(mac: Hmac<Sha512>) -> HmacSignature {
        let mut buf = [0u8; SIGNATURE_LEN];
        let n = Self::finish_into(mac, &mut buf).unwrap_or(0);
        let mut s = HmacSignature::new();
        if let Some(text) = buf.get(..n).and_then(|b| core::str::from_utf8(b).ok()) {
            let _ = s.push_str(text);
        }
        s
    }

    fn check(mac: Hmac<Sha512>, signature: &[u8]) -> Result<()> {
        let mut buf = [0u8; MAC_LEN];
        let raw = decode_signature(signature, MAC_LEN, &mut buf)?;
        mac.verify_slice(raw).map_err(|_| Error::SignatureMismatch)
    }

    /// Signs `message`, writing the base64 signature (88 bytes) into `out`.
    ///
    /// ```
    /// let signer = snapsign_core::HmacSigner::new(b"a-secret")?;
    /// let mut out = [0u8; 88];
    /// assert_eq!(signer.sign_into(b"message", &mut out)?, 88);
    /// assert!(signer.sign_into(b"message", &mut [0u8; 10]).is_err());
    /// # Ok::<(), snapsign_core::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::BufferTooSmall`] when `out` holds fewer than 88 bytes.
    pub fn sign_into(&self, message: &[u8], out: &mut [u8]) -> Result<usize> {
        Self::finish_into(self.mac([message]), out)
    }

    /// Signs `message`.
    ///
    /// ```
    /// let signer = snapsign_core::HmacSigner::new(b"key")?;
    /// // The value Python's hmac module computes.
    /// assert_eq!(
    ///     signer.sign(b"The quick brown fox jumps over the lazy dog"),
    ///     "tCrwkFe6weLUFwjkipAuCbX/fxKrQopP6GZTxz3SSPuC+UilSfe3kaW0GRXuTR7Dk1NX5OIxclDQNyr6Lr7rOg=="
    /// );
    /// # Ok::<(), snapsign_core::Error>(())
    /// ```
    pub fn sign(&self, message: &[u8]) -> HmacSignature {
        Self::finish(self.mac([message]))
    }

    /// Verifies a base64 signature over `message`, comparing the MACs in constant time.
    ///
    /// ```
    /// let signer = snapsign_core::HmacSigner::new(b"key")?;
    /// let sig = signer.sign(b"message");
    /// signer.verify(b"message", sig.as_bytes())?;
    /// assert!(signer.verify(b"messagE", sig.as_bytes()).is_err());
    /// # Ok::<(), snapsign_core::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidBase64`], [`Error::SignatureLength`] or [`Error::SignatureMismatch`].
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> Result<()> {
        Self::check(self.mac([message]), signature)
    }

    /// The transaction signature over `METHOD:path:accessToken:sha256hex(minify(body)):timestamp`.
    ///
    /// ```
    /// let signer = snapsign_core::HmacSigner::new(b"a-secret")?;
    /// let a = signer.sign_transaction("POST", "/v1.0/x", "tok", b"{ \"a\": 1 }", "2020-01-01T00:00:00Z")?;
    /// let b = signer.sign_transaction("POST", "/v1.0/x", "tok", b"{\"a\":1}", "2020-01-01T00:00:00Z")?;
    /// assert_eq!(a, b); // the body is minified before hashing
    /// # Ok::<(), snapsign_core::Error>(())
    /// ```
    ///
    /// # Errors
    /// Invalid JSON, method, path, access token or timestamp.
    pub fn sign_transaction(
        &self,
        method: &str,
        path: &str,
        access_token: &str,
        body: &[u8],
        timestamp: &str,
    ) -> Result<HmacSignature> {
        Ok(Self::finish(self.transaction_mac(method, path, access_token, body, timestamp)?))
    }

    /// [`sign_transaction`](Self::sign_transaction) into `out` (88 bytes), returning the length.
    /// The inputs are checked first, so a bad input is reported before a small buffer.
    ///
    /// ```
    /// use snapsign_core::{Error, HmacSigner};
    /// let signer = HmacSigner::new(b"a-secret")?;
    /// let mut out = [0u8; 88];
    /// assert_eq!(signer.sign_transaction_into("GET", "/x", "tok", b"", "2020-01-01T00:00:00Z", &mut out)?, 88);
    /// assert_eq!(signer.sign_transaction_into("get", "/x", "tok", b"", "2020-01-01T00:00:00Z", &mut []), Err(Error::InvalidMethod));
    /// assert_eq!(
    ///     signer.sign_transaction_into("GET", "/x", "tok", b"", "2020-01-01T00:00:00Z", &mut []),
    ///     Err(Error::BufferTooSmall { needed: 88 })
    /// );
    /// # Ok::<(), snapsign_core::Error>(())
    /// ```
    ///
    /// # Errors
    /// Invalid JSON, method, path, access token or timestamp, then [`Error::BufferTooSmall`].
    pub fn sign_transaction_into(
        &self,
        method: &str,
        path: &str,
        access_token: &str,
        body: &[u8],
        timestamp: &str,
        out: &mut [u8],
    ) -> Result<usize> {
        Self::finish_into(self.transaction_mac(method, path, access_token, body, timestamp)?, out)
    }

    /// Verifies a transaction signature (for example a DOKU notification).
    ///
    /// ```
    /// let signer = snapsign_core::HmacSigner::new(b"a-secret")?;
    /// let sig = signer.sign_transaction("GET", "/v1.0/x?id=1", "tok", b"", "2020-01-01T00:00:00Z")?;
    /// signer.verify_transaction("GET", "/v1.0/x?id=1", "tok", b"", "2020-01-01T00:00:00Z", sig.as_bytes())?;
    /// assert!(signer.verify_transaction("GET", "/v1.0/x", "tok", b"", "2020-01-01T00:00:00Z", sig.as_bytes()).is_err());
    /// # Ok::<(), snapsign_core::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`verify`](Self::verify), or invalid JSON, method, path, access token or timestamp.
    pub fn verify_transaction(
        &self,
        method: &str,
        path: &str,
        access_token: &str,
        body: &[u8],
        timestamp: &str,
        signature: &[u8],
    ) -> Result<()> {
        Self::check(self.transaction_mac(method, path, access_token, body, timestamp)?, signature)
    }

    /// The MAC state over the transaction string-to-sign, fed piece by piece.
    fn transaction_mac(
        &self,
        method: &str,
        path: &str,
        access_token: &str,
        body: &[u8],
        timestamp: &str,
    ) -> Result<Hmac<Sha512>> {
        let digest = body_digest(body)?;
        let parts = string_to_sign::transaction_parts(method, path, access_token, &digest, timestamp)?;
        Ok(self.mac(parts.pieces()))
    }
}
