//! `Lowercase(HexEncode(SHA-256(minify(RequestBody))))`, the body term of the transaction and
//! service string-to-sign.

use core::fmt;

use sha2::{Digest, Sha256};

use crate::error::Result;
use crate::minify::Minifier;

/// The body digest of an empty body (a GET): SHA-256 of the empty string.
pub const EMPTY_BODY_DIGEST: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// A body digest: 64 lower-case hex characters.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct BodyDigest([u8; 64]);

impl BodyDigest {
    /// The digest of already-minified bytes (no validation). Use [`body_digest`] for a raw body.
    ///
    /// ```
    /// use snapsign_core::body_digest::{BodyDigest, EMPTY_BODY_DIGEST};
    /// assert_eq!(BodyDigest::of_minified(b"").as_str(), EMPTY_BODY_DIGEST);
    /// ```
    pub fn of_minified(minified: &[u8]) -> Self {
        Self::from_sha256(&Sha256::digest(minified).into())
    }

    #[allow(clippy::indexing_slicing, reason = "a nibble is always below 16, the table's length")]
    fn from_sha256(hash: &[u8; 32]) -> Self {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut out = [0u8; 64];
        for (pair, byte) in out.chunks_exact_mut(2).zip(hash) {
            pair.copy_from_slice(&[HEX[usize::from(byte >> 4)], HEX[usize::from(byte & 0x0F)]]);
        }
        BodyDigest(out)
    }

    /// The digest as text.
    ///
    /// ```
    /// let d = snapsign_core::body_digest(b"{}")?;
    /// assert_eq!(d.as_str(), "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
    /// # Ok::<(), snapsign_core::Error>(())
    /// ```
    pub fn as_str(&self) -> &str {
        // Only ASCII hex digits are ever stored.
        core::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// The digest as ASCII bytes.
    ///
    /// ```
    /// let d = snapsign_core::body_digest(b"")?;
    /// assert_eq!(&d.as_bytes()[..8], b"e3b0c442");
    /// # Ok::<(), snapsign_core::Error>(())
    /// ```
    pub const fn as_bytes(&self) -> &[u8; 64] {
        &self.0
    }
}

impl fmt::Debug for BodyDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("BodyDigest").field(&self.as_str()).finish()
    }
}

impl fmt::Display for BodyDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Minifies and hashes `body` in one pass, with no buffer.
///
/// # Errors
/// [`crate::Error::InvalidJson`] when the body is not valid JSON.
///
/// ```
/// use snapsign_core::body_digest::body_digest;
/// let d = body_digest(b"{\n  \"grantType\": \"client_credentials\"\n}")?;
/// assert_eq!(d.as_str(), "2902d47762fbc481fac6e6ca7b0081289f620b5a427b4c37a32ff0d52fe1acce");
/// assert_eq!(body_digest(b"")?.as_str(), snapsign_core::body_digest::EMPTY_BODY_DIGEST);
/// # Ok::<(), snapsign_core::Error>(())
/// ```
pub fn body_digest(body: &[u8]) -> Result<BodyDigest> {
    let mut h = BodyHasher::new();
    h.update(body)?;
    h.finish()
}

/// Streaming body digest: feed chunks of a large body, O(1) memory.
///
/// ```
/// use snapsign_core::body_digest::{body_digest, BodyHasher};
/// let mut h = BodyHasher::new();
/// h.update(b"[1, ")?;
/// h.update(b"2]")?;
/// assert_eq!(h.finish()?, body_digest(b"[1,2]")?);
/// # Ok::<(), snapsign_core::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct BodyHasher {
    minifier: Minifier,
    sha: Sha256,
}

impl BodyHasher {
    /// A hasher at the start of a body.
    ///
    /// ```
    /// let h = snapsign_core::body_digest::BodyHasher::new();
    /// assert_eq!(h.finish()?.as_str(), snapsign_core::body_digest::EMPTY_BODY_DIGEST);
    /// # Ok::<(), snapsign_core::Error>(())
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Consumes the next chunk.
    ///
    /// ```
    /// let mut h = snapsign_core::body_digest::BodyHasher::new();
    /// assert!(h.update(b"{\"a\" 1}").is_err());
    /// ```
    ///
    /// # Errors
    /// [`crate::Error::InvalidJson`] at the first invalid byte.
    pub fn update(&mut self, chunk: &[u8]) -> Result<()> {
        self.minifier.update(chunk, &mut self.sha)
    }

    /// Ends the body and returns its digest.
    ///
    /// ```
    /// let mut h = snapsign_core::body_digest::BodyHasher::new();
    /// h.update(b"[1,")?;
    /// assert!(h.finish().is_err()); // ended inside the array
    /// # Ok::<(), snapsign_core::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`crate::Error::InvalidJson`] when the body stopped inside a value.
    pub fn finish(self) -> Result<BodyDigest> {
        self.minifier.finish()?;
        Ok(BodyDigest::from_sha256(&self.sha.finalize().into()))
    }
}
