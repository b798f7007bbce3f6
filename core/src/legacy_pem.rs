//! OpenSSL's traditional PEM encryption (`openssl genrsa -aes256`, `openssl rsa -des3`, and every
//! tool that writes `Proc-Type: 4,ENCRYPTED`): RFC 1421 headers, the key derived from the
//! passphrase by `EVP_BytesToKey` with MD5, one iteration and the IV's first 8 bytes as salt,
//! then CBC with PKCS#7 padding. Weak by today's standards, but it is what providers' onboarding
//! documents and older tooling produce, so it is read; it is never written.

use alloc::vec::Vec;

use zeroize::Zeroizing;

use crate::error::{Error, KeyErrorKind, Result};

/// The ciphers OpenSSL writes in `DEK-Info`, all in CBC mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cipher {
    Aes128,
    Aes192,
    Aes256,
    DesEde3,
}

impl Cipher {
    const fn key_len(self) -> usize {
        match self {
            Cipher::Aes128 => 16,
            Cipher::Aes192 | Cipher::DesEde3 => 24,
            Cipher::Aes256 => 32,
        }
    }

    const fn iv_len(self) -> usize {
        match self {
            Cipher::DesEde3 => 8,
            _ => 16,
        }
    }
}

/// `DEK-Info: <cipher>,<hex IV>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Dek {
    cipher: Cipher,
    iv: [u8; 16],
}

const fn unsupported() -> Error {
    Error::InvalidKey { kind: KeyErrorKind::Unsupported }
}

const fn malformed() -> Error {
    Error::InvalidKey { kind: KeyErrorKind::Malformed }
}

fn hex_digit(b: u8) -> Option<u8> {
    char::from(b).to_digit(16).and_then(|d| u8::try_from(d).ok())
}

/// Splits a PEM body into its encryption header and its base64 text, when it has the header.
/// The text is key material: it is wiped when dropped, and not copied at all without a header.
pub(crate) fn split(body: &[u8]) -> Result<Option<(Dek, Zeroizing<Vec<u8>>)>> {
    let has = |needle: &[u8]| body.windows(needle.len()).any(|w| w == needle);
    if !has(b"Proc-Type:") && !has(b"DEK-Info:") {
        return Ok(None);
    }
    let mut dek = None;
    let mut proc_type = false;
    let mut text = Zeroizing::new(Vec::with_capacity(body.len()));
    for line in body.split(|&b| b == b'\n').map(<[u8]>::trim_ascii) {
        if let Some(value) = line.strip_prefix(b"DEK-Info:") {
            dek = Some(parse_dek(value.trim_ascii())?);
        } else if line.starts_with(b"Proc-Type:") {
            proc_type = true;
        } else {
            text.extend_from_slice(line);
        }
    }
    match (proc_type, dek) {
        (false, None) => Ok(None),
        (true, Some(dek)) => Ok(Some((dek, text))),
        _ => Err(malformed()),
    }
}

fn parse_dek(value: &[u8]) -> Result<Dek> {
    let comma = value.iter().position(|&b| b == b',').ok_or_else(malformed)?;
    let (name, hex) =
        (value.get(..comma).unwrap_or_default(), value.get(comma.saturating_add(1)..).unwrap_or_default());
    let cipher = match name {
        b"AES-128-CBC" => Cipher::Aes128,
        b"AES-192-CBC" => Cipher::Aes192,
        b"AES-256-CBC" => Cipher::Aes256,
        b"DES-EDE3-CBC" => Cipher::DesEde3,
        _ => return Err(unsupported()),
    };
    if hex.len() != cipher.iv_len().saturating_mul(2) {
        return Err(malformed());
    }
    let mut iv = [0u8; 16];
    for (slot, pair) in iv.iter_mut().zip(hex.chunks_exact(2)) {
        let (Some(&hi), Some(&lo)) = (pair.first(), pair.get(1)) else { return Err(malformed()) };
        let (Some(hi), Some(lo)) = (hex_digit(hi), hex_digit(lo)) else { return Err(malformed()) };
        *slot = hi.wrapping_shl(4) | lo;
    }
    Ok(Dek { cipher, iv })
}

/// `EVP_BytesToKey(MD5, salt = IV[..8], count = 1)`: D_i = MD5(D_{i-1} || passphrase || salt).
fn derive_key(passphrase: &[u8], salt: &[u8], len: usize) -> Zeroizing<Vec<u8>> {
    use md5::{Digest, Md5};
    let mut key = Zeroizing::new(Vec::with_capacity(len.saturating_add(16)));
    let mut previous: Zeroizing<[u8; 16]> = Zeroizing::new([0; 16]);
    let mut first = true;
    while key.len() < len {
        let mut md5 = Md5::new();
        if !first {
            md5.update(previous.as_slice());
        }
        md5.update(passphrase);
        md5.update(salt);
        previous.copy_from_slice(&md5.finalize());
        key.extend_from_slice(&*previous);
        first = false;
    }
    key.truncate(len);
    key
}

fn cbc_decrypt<C>(key: &[u8], iv: &[u8], buffer: &mut [u8]) -> Result<usize>
where
    C: cbc::cipher::BlockCipherDecrypt + cbc::cipher::KeyInit,
{
    use cbc::cipher::{block_padding::Pkcs7, BlockModeDecrypt, KeyIvInit};
    let decryptor = cbc::Decryptor::<C>::new_from_slices(key, iv).map_err(|_| malformed())?;
    // A padding error is what a wrong passphrase looks like.
    let plain = decryptor
        .decrypt_padded::<Pkcs7>(buffer)
        .map_err(|_| Error::InvalidKey { kind: KeyErrorKind::WrongPassphrase })?;
    Ok(plain.len())
}

/// Decrypts the DER under `dek` with `passphrase`.
pub(crate) fn decrypt(dek: &Dek, encrypted: &[u8], passphrase: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
    let iv = dek.iv.get(..dek.cipher.iv_len()).unwrap_or_default();
    let key = derive_key(passphrase, iv.get(..8).unwrap_or_default(), dek.cipher.key_len());
    let mut buffer = Zeroizing::new(encrypted.to_vec());
    let n = match dek.cipher {
        Cipher::Aes128 => cbc_decrypt::<aes::Aes128>(&key, iv, &mut buffer)?,
        Cipher::Aes192 => cbc_decrypt::<aes::Aes192>(&key, iv, &mut buffer)?,
        Cipher::Aes256 => cbc_decrypt::<aes::Aes256>(&key, iv, &mut buffer)?,
        Cipher::DesEde3 => cbc_decrypt::<des::TdesEde3>(&key, iv, &mut buffer)?,
    };
    buffer.truncate(n);
    Ok(buffer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evp_bytes_to_key_matches_openssl() {
        // 32 bytes are MD5(pass || salt) || MD5(D1 || pass || salt); OpenSSL's own output is
        // checked end to end by the fixtures (core/tests/keys_and_forgery.rs).
        let salt = [1u8, 2, 3, 4, 5, 6, 7, 8];
        let key = derive_key(b"pw", &salt, 32);
        use md5::{Digest, Md5};
        let d1 = Md5::new_with_prefix(b"pw").chain_update(salt).finalize();
        let d2 = Md5::new_with_prefix(d1).chain_update(b"pw").chain_update(salt).finalize();
        assert_eq!(&key[..16], d1.as_slice());
        assert_eq!(&key[16..], d2.as_slice());
    }

    #[test]
    fn headers() {
        let body = b"\nProc-Type: 4,ENCRYPTED\nDEK-Info: DES-EDE3-CBC,0011223344556677\n\nQUJD\nREVG\n";
        let (dek, text) = split(body).unwrap().unwrap();
        assert_eq!(dek.cipher, Cipher::DesEde3);
        assert_eq!(&dek.iv[..8], &[0, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77]);
        assert_eq!(text.as_slice(), b"QUJDREVG");
        assert_eq!(split(b"QUJD\n").unwrap(), None);
        assert_eq!(split(b"Proc-Type: 4,ENCRYPTED\nQUJD").unwrap_err(), malformed());
        assert_eq!(split(b"Proc-Type: 4,ENCRYPTED\nDEK-Info: RC2-CBC,0011223344556677\n").unwrap_err(), unsupported());
        assert_eq!(split(b"Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n").unwrap_err(), malformed());
    }
}
