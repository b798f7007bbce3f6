//! SHA256withRSA (RSASSA-PKCS1-v1_5 with SHA-256): the access-token and service signatures.
//!
//! `X-SIGNATURE = base64(RSASSA-PKCS1-v1_5(SHA-256, privateKey, stringToSign))`, standard base64
//! with padding (344 characters for a 2048-bit key).
//!
//! A [`RsaSigner`] is parsed once and signs many times. Every private-key operation is blinded
//! with the caller's RNG (the input, and since `rsa` 0.10.0 also the CRT exponents and moduli),
//! on top of the constant-time arithmetic of `rsa` 0.10 (the mitigations for the Marvin timing
//! attack, RUSTSEC-2023-0071). The key is zeroized on drop.

use alloc::boxed::Box;
use core::fmt;

use rand_core::TryCryptoRng;
use rsa::pkcs1v15::{Pkcs1v15Sign, SigningKey};
use rsa::signature::RandomizedMultipartSigner;
use rsa::traits::PublicKeyParts;
use rsa::PublicKey;
use sha2::{Digest, Sha256};

use crate::b64::{decode_signature, encode_into, encoded_len};
use crate::body_digest::body_digest;
use crate::error::{Error, Result};
use crate::key::{self, KeyOptions};
use crate::string_to_sign;

/// The longest RSA signature in base64: an 8192-bit key (the largest the `rsa` crate loads).
pub const MAX_SIGNATURE_LEN: usize = 1368;
const MAX_SIGNATURE_BYTES: usize = 1024;

/// The DER DigestInfo prefix of SHA-256 (RFC 8017 §9.2, note 1): what `rsa`'s
/// `pkcs1v15::SigningKey<Sha256>` puts before the digest, and what a verifier expects there.
const DIGEST_INFO: [u8; 19] =
    [0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20];
/// `T` of EMSA-PKCS1-v1_5 (RFC 8017 §9.2): the DigestInfo prefix, then the SHA-256 digest.
const T_LEN: usize = DIGEST_INFO.len() + 32;

/// A base64 RSA signature in a fixed buffer.
pub type RsaSignature = heapless::String<MAX_SIGNATURE_LEN>;

/// Remembers whether the caller's RNG failed, so that failure is reported as [`Error::Rng`]
/// rather than as a generic signing error.
struct TrackingRng<'a, R: ?Sized> {
    inner: &'a mut R,
    failed: bool,
}

impl<R: TryCryptoRng + ?Sized> rand_core::TryRng for TrackingRng<'_, R> {
    type Error = R::Error;

    fn try_next_u32(&mut self) -> core::result::Result<u32, Self::Error> {
        let r = self.inner.try_next_u32();
        self.failed |= r.is_err();
        r
    }

    fn try_next_u64(&mut self) -> core::result::Result<u64, Self::Error> {
        let r = self.inner.try_next_u64();
        self.failed |= r.is_err();
        r
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> core::result::Result<(), Self::Error> {
        let r = self.inner.try_fill_bytes(dst);
        self.failed |= r.is_err();
        r
    }
}

impl<R: TryCryptoRng + ?Sized> TryCryptoRng for TrackingRng<'_, R> {}

/// A loaded RSA private key that signs SNAP requests.
///
/// ```
/// use snapsign_core::{KeyOptions, RsaSigner};
/// # let pem = std::fs::read("../tests/vectors/keys/rsa2048-pkcs8.pem").unwrap();
/// let signer = RsaSigner::from_bytes(&pem, &KeyOptions::default())?;
/// assert_eq!(signer.signature_len(), 344);
/// let mut rng = getrandom::SysRng;
/// let sig = signer.sign_token("MCPD00000006", "2020-10-04T17:55:58+07:00", &mut rng)?;
/// // PKCS#1 v1.5 is deterministic: this is the value OpenSSL computes (tests/vectors).
/// assert!(sig.starts_with("2JlCK1mKDbeEMX1wtG6jJvRBn+6t"));
/// # Ok::<(), snapsign_core::Error>(())
/// ```
pub struct RsaSigner {
    key: SigningKey<Sha256>,
}

impl fmt::Debug for RsaSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RsaSigner").field("bits", &self.modulus_bits()).finish_non_exhaustive()
    }
}

impl RsaSigner {
    /// ```
    /// use snapsign_core::{Error, KeyErrorKind, KeyOptions, RsaSigner};
    /// # let public = std::fs::read("../tests/vectors/keys/rsa2048-public.pem").unwrap();
    /// assert_eq!(
    ///     RsaSigner::from_bytes(&public, &KeyOptions::default()).unwrap_err(),
    ///     Error::InvalidKey { kind: KeyErrorKind::PublicKeyGiven }
    /// );
    /// ```
    ///
    /// Loads a private key: PEM or DER, PKCS#8 (also encrypted, with `options.passphrase`) or
    /// PKCS#1, tolerating CRLF, literal `\n` sequences and a bare base64 body.
    ///
    /// # Errors
    /// [`Error::InvalidKey`] (naming a public key, certificate, encrypted key, ... found instead)
    /// or [`Error::WeakKey`] for a key under 2048 bits without `options.allow_weak`.
    pub fn from_bytes(key: &[u8], options: &KeyOptions<'_>) -> Result<Self> {
        Ok(RsaSigner { key: SigningKey::new(key::private_key(key, options)?) })
    }

    /// The public half, kept inside the private key (not a copy).
    fn public(&self) -> &PublicKey {
        self.key.as_ref().as_public_key()
    }

    /// The modulus length in bits.
    ///
    /// ```
    /// # use snapsign_core::{KeyOptions, RsaSigner};
    /// # let pem = std::fs::read("../tests/vectors/keys/rsa3072-pkcs1.pem").unwrap();
    /// assert_eq!(RsaSigner::from_bytes(&pem, &KeyOptions::default())?.modulus_bits(), 3072);
    /// # Ok::<(), snapsign_core::Error>(())
    /// ```
    pub fn modulus_bits(&self) -> usize {
        self.public().n().bit_width_vartime() as usize
    }

    /// The length of this key's base64 signatures (344 for 2048 bits).
    ///
    /// ```
    /// # use snapsign_core::{KeyOptions, RsaSigner};
    /// # let pem = std::fs::read("../tests/vectors/keys/rsa4096-pkcs8.der").unwrap();
    /// assert_eq!(RsaSigner::from_bytes(&pem, &KeyOptions::default())?.signature_len(), 684);
    /// # Ok::<(), snapsign_core::Error>(())
    /// ```
    pub fn signature_len(&self) -> usize {
        encoded_len(self.public().size())
    }

    /// The verifier for this key's public half.
    ///
    /// ```
    /// # use snapsign_core::{KeyOptions, RsaSigner};
    /// # let pem = std::fs::read("../tests/vectors/keys/rsa2048-pkcs8.pem").unwrap();
    /// let signer = RsaSigner::from_bytes(&pem, &KeyOptions::default())?;
    /// let sig = signer.sign(b"hello", &mut getrandom::SysRng)?;
    /// signer.verifier().verify(b"hello", sig.as_bytes())?;
    /// # Ok::<(), snapsign_core::Error>(())
    /// ```
    pub fn verifier(&self) -> RsaVerifier {
        RsaVerifier { key: self.public().clone() }
    }

    /// Signs `message` and writes the base64 signature into `out`, returning its length.
    ///
    /// ```
    /// # use snapsign_core::{Error, KeyOptions, RsaSigner};
    /// # let pem = std::fs::read("../tests/vectors/keys/rsa2048-pkcs8.pem").unwrap();
    /// let signer = RsaSigner::from_bytes(&pem, &KeyOptions::default())?;
    /// let mut out = [0u8; 344];
    /// assert_eq!(signer.sign_into(b"hello", &mut getrandom::SysRng, &mut out)?, 344);
    /// assert_eq!(signer.sign_into(b"hello", &mut getrandom::SysRng, &mut out[..100]), Err(Error::BufferTooSmall { needed: 344 }));
    /// # Ok::<(), snapsign_core::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::BufferTooSmall`] (checked before any work), [`Error::Rng`], [`Error::Crypto`].
    pub fn sign_into<R: TryCryptoRng + ?Sized>(&self, message: &[u8], rng: &mut R, out: &mut [u8]) -> Result<usize> {
        self.sign_pieces_into(&[message], rng, out)
    }

    /// Signs the concatenation of `pieces` (a string-to-sign never joined in memory).
    fn sign_pieces_into<R: TryCryptoRng + ?Sized>(
        &self,
        pieces: &[&[u8]],
        rng: &mut R,
        out: &mut [u8],
    ) -> Result<usize> {
        let needed = self.signature_len();
        if out.len() < needed {
            return Err(Error::BufferTooSmall { needed });
        }
        let mut rng = TrackingRng { inner: rng, failed: false };
        let sig = self.key.try_multipart_sign_with_rng(&mut rng, pieces).map_err(|_| {
            if rng.failed {
                Error::Rng
            } else {
                Error::Crypto
            }
        })?;
        // The signature's own bytes (`SignatureEncoding::to_bytes` would copy them first).
        encode_into(&Box::<[u8]>::from(sig), out)
    }

    /// Signs `message`, returning the base64 signature.
    ///
    /// ```
    /// # use snapsign_core::{KeyOptions, RsaSigner};
    /// # let pem = std::fs::read("../tests/vectors/keys/rsa2048-pkcs8.pem").unwrap();
    /// let signer = RsaSigner::from_bytes(&pem, &KeyOptions::default())?;
    /// let a = signer.sign(b"hello", &mut getrandom::SysRng)?;
    /// let b = signer.sign(b"hello", &mut getrandom::SysRng)?;
    /// assert_eq!(a, b); // blinding does not change PKCS#1 v1.5 output
    /// # Ok::<(), snapsign_core::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Rng`], [`Error::Crypto`].
    pub fn sign<R: TryCryptoRng + ?Sized>(&self, message: &[u8], rng: &mut R) -> Result<RsaSignature> {
        self.sign_pieces(&[message], rng)
    }

    fn sign_pieces<R: TryCryptoRng + ?Sized>(&self, pieces: &[&[u8]], rng: &mut R) -> Result<RsaSignature> {
        let mut buf = [0u8; MAX_SIGNATURE_LEN];
        let n = self.sign_pieces_into(pieces, rng, &mut buf)?;
        let mut s = RsaSignature::new();
        let text = buf.get(..n).and_then(|b| core::str::from_utf8(b).ok()).ok_or(Error::Crypto)?;
        s.push_str(text).map_err(|_| Error::Crypto)?;
        Ok(s)
    }

    /// The access-token signature: signs `clientId|timestamp`.
    ///
    /// ```
    /// # use snapsign_core::{Error, KeyOptions, RsaSigner};
    /// # let pem = std::fs::read("../tests/vectors/keys/rsa2048-pkcs8.pem").unwrap();
    /// let signer = RsaSigner::from_bytes(&pem, &KeyOptions::default())?;
    /// let err = signer.sign_token("A|B", "2020-01-01T00:00:00Z", &mut getrandom::SysRng).unwrap_err();
    /// assert_eq!(err, Error::PipeInClientId { offset: 1 });
    /// # Ok::<(), snapsign_core::Error>(())
    /// ```
    ///
    /// # Errors
    /// An invalid client id or timestamp, or a signing failure.
    pub fn sign_token<R: TryCryptoRng + ?Sized>(
        &self,
        client_id: &str,
        timestamp: &str,
        rng: &mut R,
    ) -> Result<RsaSignature> {
        let (pieces, n) = string_to_sign::token_parts(client_id, timestamp)?.piece_array();
        self.sign_pieces(pieces.get(..n).unwrap_or_default(), rng)
    }

    /// [`sign_token`](Self::sign_token) into `out`, returning the length. The inputs are checked
    /// first, then the buffer, before any RSA work.
    ///
    /// ```
    /// # use snapsign_core::{Error, KeyOptions, RsaSigner};
    /// # let pem = std::fs::read("../tests/vectors/keys/rsa2048-pkcs8.pem").unwrap();
    /// let signer = RsaSigner::from_bytes(&pem, &KeyOptions::default())?;
    /// let ts = "2020-10-04T17:55:58+07:00";
    /// assert_eq!(signer.sign_token_into("a|b", ts, &mut getrandom::SysRng, &mut []), Err(Error::PipeInClientId { offset: 1 }));
    /// assert_eq!(signer.sign_token_into("C1", ts, &mut getrandom::SysRng, &mut []), Err(Error::BufferTooSmall { needed: 344 }));
    /// # Ok::<(), snapsign_core::Error>(())
    /// ```
    ///
    /// # Errors
    /// An invalid client id or timestamp, [`Error::BufferTooSmall`], or a signing failure.
    pub fn sign_token_into<R: TryCryptoRng + ?Sized>(
        &self,
        client_id: &str,
        timestamp: &str,
        rng: &mut R,
        out: &mut [u8],
    ) -> Result<usize> {
        let (pieces, n) = string_to_sign::token_parts(client_id, timestamp)?.piece_array();
        self.sign_pieces_into(pieces.get(..n).unwrap_or_default(), rng, out)
    }

    /// The service signature: signs `METHOD:path:sha256hex(minify(body)):timestamp`.
    ///
    /// ```
    /// # use snapsign_core::{KeyOptions, RsaSigner};
    /// # let pem = std::fs::read("../tests/vectors/keys/rsa2048-pkcs8.pem").unwrap();
    /// let signer = RsaSigner::from_bytes(&pem, &KeyOptions::default())?;
    /// let sig = signer.sign_service("POST", "/v1.0/notify", b"{}", "2020-01-01T00:00:00Z", &mut getrandom::SysRng)?;
    /// signer.verifier().verify_service("POST", "/v1.0/notify", b" { } ", "2020-01-01T00:00:00Z", sig.as_bytes())?;
    /// # Ok::<(), snapsign_core::Error>(())
    /// ```
    ///
    /// # Errors
    /// Invalid JSON, method, path or timestamp, or a signing failure.
    pub fn sign_service<R: TryCryptoRng + ?Sized>(
        &self,
        method: &str,
        path: &str,
        body: &[u8],
        timestamp: &str,
        rng: &mut R,
    ) -> Result<RsaSignature> {
        let digest = body_digest(body)?;
        let (pieces, n) = string_to_sign::service_parts(method, path, &digest, timestamp)?.piece_array();
        self.sign_pieces(pieces.get(..n).unwrap_or_default(), rng)
    }

    /// [`sign_service`](Self::sign_service) into `out`, returning the length. The inputs are
    /// checked first, then the buffer, before any RSA work.
    ///
    /// ```
    /// # use snapsign_core::{Error, KeyOptions, RsaSigner};
    /// # let pem = std::fs::read("../tests/vectors/keys/rsa2048-pkcs8.pem").unwrap();
    /// let signer = RsaSigner::from_bytes(&pem, &KeyOptions::default())?;
    /// let mut out = [0u8; 344];
    /// let n = signer.sign_service_into("POST", "/v1.0/notify", b"{}", "2020-01-01T00:00:00Z", &mut getrandom::SysRng, &mut out)?;
    /// assert_eq!(n, 344);
    /// # Ok::<(), snapsign_core::Error>(())
    /// ```
    ///
    /// # Errors
    /// Invalid JSON, method, path or timestamp, [`Error::BufferTooSmall`], or a signing failure.
    pub fn sign_service_into<R: TryCryptoRng + ?Sized>(
        &self,
        method: &str,
        path: &str,
        body: &[u8],
        timestamp: &str,
        rng: &mut R,
        out: &mut [u8],
    ) -> Result<usize> {
        let digest = body_digest(body)?;
        let (pieces, n) = string_to_sign::service_parts(method, path, &digest, timestamp)?.piece_array();
        self.sign_pieces_into(pieces.get(..n).unwrap_or_default(), rng, out)
    }
}

/// A loaded RSA public key that verifies SNAP signatures.
///
/// ```
/// use snapsign_core::{KeyOptions, RsaVerifier};
/// # let pem = std::fs::read("../tests/vectors/keys/rsa2048-public.pem").unwrap();
/// let verifier = RsaVerifier::from_bytes(&pem, &KeyOptions::default())?;
/// let sig = "2JlCK1mKDbeEMX1wtG6jJvRBn+6tvbhqVjaD+FfsGo2Db0ISlRiUbhZGpfHlhhdkAzpGyRkPf+gcq2pPHYqMXDLRyuv9anGNJXcUaWk8e1awFCGnDITdx8SJDWBaM206CuxTgexzixKHRfXNz27nOIYdDruEgyDAPjo4cm+tMOJg+o6s/s4hShnEZ6JySgxgGsunI3p1KS2qd7VZ5futmIun3awYVM+TPJA0HRKDyF1Ciczp4PYxYX5Gno4hsuuA4nVTxhvJuasLrgFfMU9+bllkqwK2KjX/vt93COeaIVEQ0ZPblasAZ7WCSyzfdj6cuzUTl3HbdJ8TBIlNO2SF8w==";
/// verifier.verify_token("MCPD00000006", "2020-10-04T17:55:58+07:00", sig.as_bytes())?;
/// assert!(verifier.verify_token("MCPD00000007", "2020-10-04T17:55:58+07:00", sig.as_bytes()).is_err());
/// # Ok::<(), snapsign_core::Error>(())
/// ```
#[derive(Clone)]
pub struct RsaVerifier {
    key: PublicKey,
}

impl fmt::Debug for RsaVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RsaVerifier").field("bits", &self.modulus_bits()).finish()
    }
}

impl RsaVerifier {
    /// ```
    /// # use snapsign_core::{KeyOptions, RsaVerifier};
    /// # let der = std::fs::read("../tests/vectors/keys/rsa3072-public.der").unwrap();
    /// assert_eq!(RsaVerifier::from_bytes(&der, &KeyOptions::default())?.modulus_bits(), 3072);
    /// # Ok::<(), snapsign_core::Error>(())
    /// ```
    ///
    /// Loads a public key: PEM or DER, SubjectPublicKeyInfo (`BEGIN PUBLIC KEY`) or PKCS#1
    /// (`BEGIN RSA PUBLIC KEY`), or the key of an X.509 certificate (`BEGIN CERTIFICATE`, a
    /// provider's `.cer`/`.crt`; its validity is not checked: SNAP pins keys and uses no PKI); a
    /// private key is accepted too and its public half used.
    ///
    /// # Errors
    /// [`Error::InvalidKey`] or [`Error::WeakKey`].
    pub fn from_bytes(key: &[u8], options: &KeyOptions<'_>) -> Result<Self> {
        Ok(RsaVerifier { key: key::public_key(key, options)? })
    }

    /// The modulus length in bits.
    ///
    /// ```
    /// # use snapsign_core::{KeyOptions, RsaVerifier};
    /// # let pem = std::fs::read("../tests/vectors/keys/rsa2048-public.pem").unwrap();
    /// assert_eq!(RsaVerifier::from_bytes(&pem, &KeyOptions::default())?.modulus_bits(), 2048);
    /// # Ok::<(), snapsign_core::Error>(())
    /// ```
    pub fn modulus_bits(&self) -> usize {
        self.key.n().bit_width_vartime() as usize
    }

    /// The length of this key's base64 signatures.
    ///
    /// ```
    /// # use snapsign_core::{KeyOptions, RsaVerifier};
    /// # let pem = std::fs::read("../tests/vectors/keys/rsa2048-public.pem").unwrap();
    /// assert_eq!(RsaVerifier::from_bytes(&pem, &KeyOptions::default())?.signature_len(), 344);
    /// # Ok::<(), snapsign_core::Error>(())
    /// ```
    pub fn signature_len(&self) -> usize {
        encoded_len(self.key.size())
    }

    /// Verifies a base64 signature over `message`.
    ///
    /// ```
    /// # use snapsign_core::{Error, Field, KeyOptions, RsaVerifier};
    /// # let pem = std::fs::read("../tests/vectors/keys/rsa2048-public.pem").unwrap();
    /// let v = RsaVerifier::from_bytes(&pem, &KeyOptions::default())?;
    /// assert_eq!(v.verify(b"m", b"AAAA"), Err(Error::SignatureLength { expected: 256, actual: 3 }));
    /// assert_eq!(v.verify(b"m", b"not base64!"), Err(Error::InvalidBase64 { field: Field::Signature }));
    /// # Ok::<(), snapsign_core::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidBase64`], [`Error::SignatureLength`] (truncated or padded), or
    /// [`Error::SignatureMismatch`] (another message or key, another hash algorithm, malformed
    /// padding or DigestInfo).
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> Result<()> {
        self.verify_pieces([message], signature)
    }

    /// Verifies a signature over the concatenation of `pieces`.
    fn verify_pieces<'p>(&self, pieces: impl IntoIterator<Item = &'p [u8]>, signature: &[u8]) -> Result<()> {
        let mut buf = [0u8; MAX_SIGNATURE_BYTES];
        let raw = decode_signature(signature, self.key.size(), &mut buf)?;
        let mut hash = Sha256::new();
        for piece in pieces {
            hash.update(piece);
        }
        // `T` (DigestInfo || digest) is built here, on the stack, and checked by `rsa` with an
        // unprefixed scheme: the same RFC 8017 §8.2.2 check as `pkcs1v15::VerifyingKey<Sha256>`
        // (whose prefix is DIGEST_INFO), with its constant-time comparison of the whole encoded
        // message, but on the decoded bytes as they are: a `pkcs1v15::Signature` would first copy
        // them to the heap, and the verifying key holds a heap copy of the prefix.
        let mut t = [0u8; T_LEN];
        let (info, digest) = t.split_at_mut(DIGEST_INFO.len());
        info.copy_from_slice(&DIGEST_INFO);
        digest.copy_from_slice(&hash.finalize());
        self.key.verify(Pkcs1v15Sign::new_unprefixed(), &t, raw).map_err(|_| Error::SignatureMismatch)
    }

    /// The SHA-256 digest that `signature` (base64) signs under this key: RFC 8017 §8.2.2
    /// (RSAVP1, then the EMSA-PKCS1-v1_5 encoding checked byte for byte) done once, so that
    /// checking many candidate messages against one signature costs one hash each instead of
    /// one RSA operation each. [`verify`](Self::verify) of a message succeeds exactly when its
    /// SHA-256 equals this digest. `snapsign explain` searches its variants with it.
    ///
    /// ```
    /// # use snapsign_core::{KeyOptions, RsaSigner, RsaVerifier};
    /// # use sha2::{Digest, Sha256};
    /// # let pem = std::fs::read("../tests/vectors/keys/rsa2048-pkcs8.pem").unwrap();
    /// # let signer = RsaSigner::from_bytes(&pem, &KeyOptions::default())?;
    /// # let verifier = signer.verifier();
    /// let sig = signer.sign(b"clientId|2020-01-01T00:00:00+07:00", &mut getrandom::SysRng)?;
    /// let digest = verifier.signed_digest(sig.as_bytes())?;
    /// assert_eq!(digest, <[u8; 32]>::from(Sha256::digest(b"clientId|2020-01-01T00:00:00+07:00")));
    /// # Ok::<(), snapsign_core::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidBase64`], [`Error::SignatureLength`], or [`Error::SignatureMismatch`]
    /// (made with another key or hash algorithm: the encoding is not a SHA-256 DigestInfo).
    pub fn signed_digest(&self, signature: &[u8]) -> Result<[u8; 32]> {
        // EMSA-PKCS1-v1_5 for SHA-256: 00 01 FF..FF 00, the DigestInfo prefix, the digest.
        let key = &self.key;
        let k = key.size();
        let mut buf = [0u8; MAX_SIGNATURE_BYTES];
        let raw = decode_signature(signature, k, &mut buf)?;
        let s = rsa::BoxedUint::from_be_slice(raw, key.n_bits_precision()).map_err(|_| Error::SignatureMismatch)?;
        if s >= *key.n().as_ref() {
            return Err(Error::SignatureMismatch);
        }
        let m = rsa::hazmat::rsa_encrypt(key, &s).map_err(|_| Error::SignatureMismatch)?;
        // EM = I2OSP(m, k), written from the limbs (least significant first) into the buffer the
        // signature was decoded into (no longer needed), rather than through
        // `BoxedUint::to_be_bytes` (a heap copy). The integer is stored at the modulus' limb
        // precision: every byte above the low k must be 0.
        let em_buf = &mut buf;
        let em = em_buf.get_mut(..k).ok_or(Error::SignatureMismatch)?;
        let mut unfilled = k;
        let mut high = 0u8;
        for byte in m.as_limbs().iter().flat_map(|limb| limb.0.to_le_bytes()) {
            match unfilled.checked_sub(1).and_then(|at| Some((at, em.get_mut(at)?))) {
                Some((at, slot)) => {
                    *slot = byte;
                    unfilled = at;
                }
                None => high |= byte,
            }
        }
        let em = em_buf.get(..k).unwrap_or_default();
        // 00 01, at least 8 bytes of FF, 00, then T: the DigestInfo prefix and the digest.
        const MIN_LEN: usize = 11 + T_LEN;
        if unfilled != 0 || high != 0 || k < MIN_LEN {
            return Err(Error::SignatureMismatch);
        }
        let (head, t) = em.split_at(k.saturating_sub(T_LEN));
        let (info, digest) = t.split_at(DIGEST_INFO.len());
        let ps = head.get(2..head.len().saturating_sub(1)).unwrap_or_default();
        let well_formed = head.starts_with(&[0x00, 0x01])
            && head.ends_with(&[0x00])
            && ps.iter().all(|&b| b == 0xff)
            && info == DIGEST_INFO;
        match <[u8; 32]>::try_from(digest) {
            Ok(digest) if well_formed => Ok(digest),
            _ => Err(Error::SignatureMismatch),
        }
    }

    /// Verifies an access-token signature over `clientId|timestamp`.
    ///
    /// ```
    /// # use snapsign_core::{KeyOptions, RsaSigner};
    /// # let pem = std::fs::read("../tests/vectors/keys/rsa2048-pkcs8.pem").unwrap();
    /// let signer = RsaSigner::from_bytes(&pem, &KeyOptions::default())?;
    /// let sig = signer.sign_token("C1", "2020-01-01T00:00:00Z", &mut getrandom::SysRng)?;
    /// let v = signer.verifier();
    /// v.verify_token("C1", "2020-01-01T00:00:00Z", sig.as_bytes())?;
    /// // The same instant written differently is a different string-to-sign.
    /// assert!(v.verify_token("C1", "2020-01-01T07:00:00+07:00", sig.as_bytes()).is_err());
    /// # Ok::<(), snapsign_core::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`verify`](Self::verify), or an invalid client id or timestamp.
    pub fn verify_token(&self, client_id: &str, timestamp: &str, signature: &[u8]) -> Result<()> {
        self.verify_pieces(string_to_sign::token_parts(client_id, timestamp)?.pieces(), signature)
    }

    /// Verifies a service signature over `METHOD:path:sha256hex(minify(body)):timestamp`.
    ///
    /// ```
    /// # use snapsign_core::{KeyOptions, RsaSigner};
    /// # let pem = std::fs::read("../tests/vectors/keys/rsa2048-pkcs8.pem").unwrap();
    /// let signer = RsaSigner::from_bytes(&pem, &KeyOptions::default())?;
    /// let sig = signer.sign_service("POST", "/n", b"{\"a\":\"\\/\"}", "2020-01-01T00:00:00Z", &mut getrandom::SysRng)?;
    /// // Re-serialising `\/` as `/` changes the digest, so it no longer verifies.
    /// assert!(signer.verifier().verify_service("POST", "/n", b"{\"a\":\"/\"}", "2020-01-01T00:00:00Z", sig.as_bytes()).is_err());
    /// # Ok::<(), snapsign_core::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`verify`](Self::verify), or invalid JSON, method, path or timestamp.
    pub fn verify_service(
        &self,
        method: &str,
        path: &str,
        body: &[u8],
        timestamp: &str,
        signature: &[u8],
    ) -> Result<()> {
        let digest = body_digest(body)?;
        self.verify_pieces(string_to_sign::service_parts(method, path, &digest, timestamp)?.pieces(), signature)
    }
}
