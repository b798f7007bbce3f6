//! Loading RSA keys the way they actually arrive: PKCS#8 or PKCS#1, PEM or DER, with CRLF line
//! ends, with literal `\n` sequences (a PEM pasted into an environment variable), or as a bare
//! base64 body without PEM markers. Encrypted PKCS#8 (`BEGIN ENCRYPTED PRIVATE KEY`) is decrypted
//! with a passphrase when the `encrypted-keys` feature is on.
//!
//! Wrong inputs are named: a public key where a private one is needed, a certificate, an
//! encrypted key without passphrase, an EC key, a key under 2048 bits.

use alloc::vec::Vec;

use base64ct::{Base64, Encoding};
use pkcs8::der::Decode;
use rsa::pkcs1::{DecodeRsaPrivateKey, DecodeRsaPublicKey};
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey};
use rsa::traits::PublicKeyParts;
use rsa::{PrivateKey, PublicKey};
use zeroize::Zeroizing;

use crate::error::{Error, KeyErrorKind, Result};

/// The smallest modulus accepted without [`KeyOptions::allow_weak`].
pub const MIN_KEY_BITS: usize = 2048;

/// `rsaEncryption`, the only key algorithm SNAP uses.
const RSA_ENCRYPTION: pkcs8::ObjectIdentifier = pkcs8::ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");

/// How to load a key.
#[derive(Clone, Copy, Default)]
pub struct KeyOptions<'a> {
    /// Accept moduli under 2048 bits (legacy test systems only).
    pub allow_weak: bool,
    /// The passphrase of an encrypted PKCS#8 private key.
    pub passphrase: Option<&'a [u8]>,
}

impl core::fmt::Debug for KeyOptions<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("KeyOptions")
            .field("allow_weak", &self.allow_weak)
            .field("passphrase", &self.passphrase.map(|_| "<redacted>"))
            .finish()
    }
}

/// What kind of structure a PEM label or DER blob is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Label {
    Pkcs8,
    Pkcs1,
    EncryptedPkcs8,
    Spki,
    Pkcs1Public,
    Certificate,
    /// PEM with a label this crate does not load (EC, OpenSSH, ...).
    Other,
    /// DER or bare base64: the structure is found by trying each.
    Unknown,
    /// OpenSSL's traditional PEM encryption (`Proc-Type: 4,ENCRYPTED`).
    #[cfg(feature = "encrypted-keys")]
    LegacyEncrypted(crate::legacy_pem::Dek),
}

fn label_of(name: &[u8]) -> Label {
    match name {
        b"PRIVATE KEY" => Label::Pkcs8,
        b"RSA PRIVATE KEY" => Label::Pkcs1,
        b"ENCRYPTED PRIVATE KEY" => Label::EncryptedPkcs8,
        b"PUBLIC KEY" => Label::Spki,
        b"RSA PUBLIC KEY" => Label::Pkcs1Public,
        b"CERTIFICATE" | b"X509 CERTIFICATE" | b"TRUSTED CERTIFICATE" => Label::Certificate,
        _ => Label::Other,
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Base64 text with line breaks in any form removed: whitespace, and the two-character
/// sequences `\n` and `\r` that environment variables carry instead of real line breaks.
#[allow(clippy::arithmetic_side_effects, reason = "i indexes the text and grows by at most 2 per step")]
fn base64_body(text: &[u8]) -> Zeroizing<Vec<u8>> {
    let mut out = Zeroizing::new(Vec::with_capacity(text.len()));
    let mut i = 0;
    while let Some(&b) = text.get(i) {
        if b == b'\\' && matches!(text.get(i + 1), Some(b'n' | b'r')) {
            i += 2;
            continue;
        }
        if !b.is_ascii_whitespace() {
            out.push(b);
        }
        i += 1;
    }
    out
}

fn decode_base64(text: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
    let body = base64_body(text);
    Base64::decode_vec(core::str::from_utf8(&body).map_err(|_| malformed())?)
        .map(Zeroizing::new)
        .map_err(|_| malformed())
}

const fn malformed() -> Error {
    Error::InvalidKey { kind: KeyErrorKind::Malformed }
}

/// A key's DER: the caller's own bytes when it was given as DER (not copied), else decoded or
/// decrypted here, and then wiped when dropped.
enum Der<'a> {
    Given(&'a [u8]),
    Decoded(Zeroizing<Vec<u8>>),
    /// Decrypted PKCS#8 (`SecretDocument` zeroizes itself on drop).
    #[cfg(feature = "encrypted-keys")]
    Decrypted(pkcs8::SecretDocument),
}

impl core::ops::Deref for Der<'_> {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            Der::Given(der) => der,
            Der::Decoded(der) => der,
            #[cfg(feature = "encrypted-keys")]
            Der::Decrypted(doc) => doc.as_bytes(),
        }
    }
}

/// Turns PEM, DER or bare base64 into DER and what the PEM label says it is.
#[allow(clippy::arithmetic_side_effects, reason = "offsets are positions found inside the input plus marker lengths")]
fn to_der(input: &[u8]) -> Result<(Label, Der<'_>)> {
    let start = input.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(input.len());
    let input = input.get(start..).unwrap_or_default();
    if let Some(begin) = find(input, b"-----BEGIN ") {
        let rest = input.get(begin + 11..).unwrap_or_default();
        let label_end = find(rest, b"-----").ok_or_else(malformed)?;
        let label = label_of(rest.get(..label_end).unwrap_or_default());
        let body = rest.get(label_end + 5..).unwrap_or_default();
        let end = find(body, b"-----END ").ok_or_else(malformed)?;
        let body = body.get(..end).unwrap_or_default();
        if label == Label::Other {
            return Err(Error::InvalidKey { kind: KeyErrorKind::Unsupported });
        }
        #[cfg(feature = "encrypted-keys")]
        if let Some((dek, text)) = crate::legacy_pem::split(body)? {
            return Ok((Label::LegacyEncrypted(dek), Der::Decoded(decode_base64(&text)?)));
        }
        #[cfg(not(feature = "encrypted-keys"))]
        if find(body, b"Proc-Type:").is_some() || find(body, b"DEK-Info:").is_some() {
            return Err(Error::InvalidKey { kind: KeyErrorKind::Unsupported });
        }
        return Ok((label, Der::Decoded(decode_base64(body)?)));
    }
    if input.first() == Some(&0x30) {
        return Ok((Label::Unknown, Der::Given(input)));
    }
    Ok((Label::Unknown, Der::Decoded(decode_base64(input)?)))
}

fn check_bits(bits: usize, options: &KeyOptions<'_>) -> Result<()> {
    if bits < MIN_KEY_BITS && !options.allow_weak {
        return Err(Error::WeakKey { bits });
    }
    Ok(())
}

/// The modulus length of a DER RSA structure the `rsa` crate refused, to tell a weak key
/// (under its 1024-bit floor) from a malformed one.
#[allow(clippy::arithmetic_side_effects, reason = "a modulus is at most a few thousand bytes, so its bit length fits")]
fn modulus_bits_of(der: &[u8]) -> Option<usize> {
    let pkcs1_der = match pkcs8::PrivateKeyInfoRef::from_der(der) {
        Ok(info) => info.private_key.as_bytes(),
        Err(_) => der,
    };
    let modulus = match rsa::pkcs1::RsaPrivateKeyRef::from_der(pkcs1_der) {
        Ok(k) => k.modulus,
        Err(_) => {
            let pkcs1_pub = match pkcs8::SubjectPublicKeyInfoRef::from_der(der) {
                Ok(spki) => spki.subject_public_key.raw_bytes(),
                Err(_) => der,
            };
            rsa::pkcs1::RsaPublicKeyRef::from_der(pkcs1_pub).ok()?.modulus
        }
    };
    let bytes = modulus.as_bytes();
    let first = bytes.iter().position(|&b| b != 0)?;
    let top = bytes.get(first)?;
    Some((bytes.len() - first) * 8 - top.leading_zeros() as usize)
}

/// An `rsa` decoding failure, explained by looking at what the bytes are.
fn explain_failure(der: &[u8], options: &KeyOptions<'_>) -> Error {
    if let Some(bits) = modulus_bits_of(der) {
        if bits < PublicKey::MIN_SIZE {
            return if options.allow_weak {
                Error::InvalidKey { kind: KeyErrorKind::Unsupported }
            } else {
                Error::WeakKey { bits }
            };
        }
    }
    if let Ok(info) = pkcs8::PrivateKeyInfoRef::from_der(der) {
        if info.algorithm.oid != RSA_ENCRYPTION {
            return Error::InvalidKey { kind: KeyErrorKind::Unsupported };
        }
    }
    if let Ok(spki) = pkcs8::SubjectPublicKeyInfoRef::from_der(der) {
        if spki.algorithm.oid != RSA_ENCRYPTION {
            return Error::InvalidKey { kind: KeyErrorKind::Unsupported };
        }
    }
    malformed()
}

fn is_public_der(der: &[u8]) -> bool {
    pkcs8::SubjectPublicKeyInfoRef::from_der(der).is_ok() || rsa::pkcs1::RsaPublicKeyRef::from_der(der).is_ok()
}

fn is_encrypted_der(der: &[u8]) -> bool {
    pkcs8::EncryptedPrivateKeyInfoRef::from_der(der).is_ok()
}

/// Looks like an X.509 certificate: SEQUENCE { SEQUENCE { [0] version ... } ... }.
fn is_certificate_der(der: &[u8]) -> bool {
    #[allow(clippy::arithmetic_side_effects, reason = "a DER length-of-length is at most 127")]
    fn header_len(der: &[u8]) -> Option<usize> {
        match der.get(1)? {
            l if *l < 0x80 => Some(2),
            l => Some(2 + usize::from(*l & 0x7F)),
        }
    }
    let Some(outer) = header_len(der) else { return false };
    let Some(inner) = der.get(outer..) else { return false };
    let Some(tbs) = header_len(inner) else { return false };
    der.first() == Some(&0x30) && inner.first() == Some(&0x30) && inner.get(tbs) == Some(&0xA0)
}

#[cfg(feature = "encrypted-keys")]
fn decrypt(der: &[u8], passphrase: &[u8]) -> Result<Der<'static>> {
    let info = pkcs8::EncryptedPrivateKeyInfoRef::from_der(der).map_err(|_| malformed())?;
    let doc = info.decrypt(passphrase).map_err(|_| Error::InvalidKey { kind: KeyErrorKind::WrongPassphrase })?;
    Ok(Der::Decrypted(doc))
}

#[cfg(not(feature = "encrypted-keys"))]
fn decrypt(_der: &[u8], _passphrase: &[u8]) -> Result<Der<'static>> {
    Err(Error::InvalidKey { kind: KeyErrorKind::Unsupported })
}

/// Loads an RSA private key from PEM, DER or bare base64, PKCS#8 or PKCS#1.
///
/// # Errors
/// [`Error::InvalidKey`] naming what was found instead, or [`Error::WeakKey`].
pub(crate) fn private_key(input: &[u8], options: &KeyOptions<'_>) -> Result<PrivateKey> {
    let (label, der) = to_der(input)?;
    private_key_from_der(label, der, options)
}

/// [`private_key`] from what [`to_der`] found.
fn private_key_from_der(label: Label, mut der: Der<'_>, options: &KeyOptions<'_>) -> Result<PrivateKey> {
    match label {
        Label::Spki | Label::Pkcs1Public => return Err(Error::InvalidKey { kind: KeyErrorKind::PublicKeyGiven }),
        Label::Certificate => return Err(Error::InvalidKey { kind: KeyErrorKind::CertificateGiven }),
        _ => {}
    }
    if label == Label::EncryptedPkcs8 || (label == Label::Unknown && is_encrypted_der(&der)) {
        let passphrase = options.passphrase.ok_or(Error::InvalidKey { kind: KeyErrorKind::Encrypted })?;
        der = decrypt(&der, passphrase)?;
    }
    #[cfg(feature = "encrypted-keys")]
    if let Label::LegacyEncrypted(dek) = label {
        let passphrase = options.passphrase.ok_or(Error::InvalidKey { kind: KeyErrorKind::Encrypted })?;
        let der = crate::legacy_pem::decrypt(&dek, &der, passphrase)?;
        // Valid padding from a wrong passphrase happens (about 1 in 256): the DER then fails.
        let key = PrivateKey::from_pkcs1_der(&der)
            .or_else(|_| PrivateKey::from_pkcs8_der(&der))
            .map_err(|_| Error::InvalidKey { kind: KeyErrorKind::WrongPassphrase })?;
        check_bits(key.n().bit_width_vartime() as usize, options)?;
        return Ok(key);
    }
    let key = match label {
        Label::Pkcs1 => PrivateKey::from_pkcs1_der(&der).ok(),
        Label::Pkcs8 | Label::EncryptedPkcs8 => PrivateKey::from_pkcs8_der(&der).ok(),
        _ => PrivateKey::from_pkcs8_der(&der).or_else(|_| PrivateKey::from_pkcs1_der(&der)).ok(),
    };
    let Some(key) = key else {
        if label == Label::Unknown && is_public_der(&der) {
            return Err(Error::InvalidKey { kind: KeyErrorKind::PublicKeyGiven });
        }
        if label == Label::Unknown && is_certificate_der(&der) {
            return Err(Error::InvalidKey { kind: KeyErrorKind::CertificateGiven });
        }
        return Err(explain_failure(&der, options));
    };
    check_bits(key.n().bit_width_vartime() as usize, options)?;
    Ok(key)
}

/// The public key of an X.509 certificate (PEM or DER). Its validity (dates, issuer, signature)
/// is not checked: SNAP pins each partner's key and uses no PKI, and a provider that hands out its
/// key as a `.cer`/`.crt` file means the key inside.
fn certificate_public_key(der: &[u8], options: &KeyOptions<'_>) -> Result<PublicKey> {
    use x509_cert::der::{Decode as _, Encode as _};
    let cert = x509_cert::Certificate::from_der(der).map_err(|_| malformed())?;
    let spki = cert.tbs_certificate().subject_public_key_info().to_der().map_err(|_| malformed())?;
    PublicKey::from_public_key_der(&spki).map_err(|_| explain_failure(&spki, options))
}

/// Loads an RSA public key from PEM, DER or bare base64, SubjectPublicKeyInfo or PKCS#1, or the
/// key of an X.509 certificate. A private key is accepted too (its public half is used).
///
/// # Errors
/// [`Error::InvalidKey`] naming what was found instead, or [`Error::WeakKey`].
pub(crate) fn public_key(input: &[u8], options: &KeyOptions<'_>) -> Result<PublicKey> {
    let (label, der) = to_der(input)?;
    let key = match label {
        Label::Certificate => Some(certificate_public_key(&der, options)?),
        Label::Spki => PublicKey::from_public_key_der(&der).ok(),
        Label::Pkcs1Public => PublicKey::from_pkcs1_der(&der).ok(),
        Label::Unknown => PublicKey::from_public_key_der(&der).or_else(|_| PublicKey::from_pkcs1_der(&der)).ok(),
        _ => None,
    };
    let key = match key {
        Some(key) => key,
        None if label == Label::Unknown && is_certificate_der(&der) => certificate_public_key(&der, options)?,
        None if matches!(label, Label::Spki | Label::Pkcs1Public) || is_public_der(&der) => {
            return Err(explain_failure(&der, options))
        }
        // A private key: its DER is parsed as such (not decoded from the input a second time).
        None => private_key_from_der(label, der, options)?.to_public_key(),
    };
    check_bits(key.n().bit_width_vartime() as usize, options)?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_style_newlines_are_line_breaks() {
        assert_eq!(&*base64_body(b"QU\\nJD\r\nRA==\\r\\n"), b"QUJDRA==");
    }

    #[test]
    fn certificate_shape() {
        assert!(is_certificate_der(&[0x30, 0x82, 0x01, 0x00, 0x30, 0x81, 0x10, 0xA0, 0x03]));
        assert!(!is_certificate_der(&[0x30, 0x03, 0x02, 0x01, 0x00]));
        assert!(!is_certificate_der(&[]));
    }
}
