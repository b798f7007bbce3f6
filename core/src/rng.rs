//! Bringing your own entropy: [`FillRng`] turns a "fill this buffer" function (a terminal's
//! hardware RNG, a C callback) into the `rand_core` RNG the RSA blinding needs.

use core::fmt;

/// The entropy source reported a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntropyError;

impl fmt::Display for EntropyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("entropy source failed")
    }
}

impl core::error::Error for EntropyError {}

/// A cryptographic RNG over a function that fills a buffer with secure random bytes.
///
/// The function must be a real cryptographic source: its output blinds RSA private-key
/// operations. A failure surfaces from signing as [`crate::Error::Rng`].
///
/// ```
/// use snapsign_core::rng::{EntropyError, FillRng};
/// use snapsign_core::{Error, KeyOptions, RsaSigner};
/// # let pem = std::fs::read("../tests/vectors/keys/rsa2048-pkcs8.pem").unwrap();
/// let signer = RsaSigner::from_bytes(&pem, &KeyOptions::default())?;
/// let mut os = FillRng::new(|buf: &mut [u8]| getrandom::fill(buf).map_err(|_| EntropyError));
/// signer.sign(b"hello", &mut os)?;
/// let mut broken = FillRng::new(|_: &mut [u8]| Err(EntropyError));
/// assert_eq!(signer.sign(b"hello", &mut broken), Err(Error::Rng));
/// # Ok::<(), snapsign_core::Error>(())
/// ```
pub struct FillRng<F>(F);

impl<F: FnMut(&mut [u8]) -> Result<(), EntropyError>> FillRng<F> {
    /// Wraps `fill`.
    pub const fn new(fill: F) -> Self {
        FillRng(fill)
    }
}

impl<F: FnMut(&mut [u8]) -> Result<(), EntropyError>> rand_core::TryRng for FillRng<F> {
    type Error = EntropyError;

    fn try_next_u32(&mut self) -> Result<u32, EntropyError> {
        let mut b = [0u8; 4];
        (self.0)(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    fn try_next_u64(&mut self) -> Result<u64, EntropyError> {
        let mut b = [0u8; 8];
        (self.0)(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), EntropyError> {
        if dst.is_empty() {
            return Ok(());
        }
        (self.0)(dst)
    }
}

impl<F: FnMut(&mut [u8]) -> Result<(), EntropyError>> rand_core::TryCryptoRng for FillRng<F> {}
