//! Standard padded base64 for signatures, into and out of fixed buffers.

use base64ct::{Base64, Encoding};

use crate::error::{Error, Field, Result};

/// Base64 length of `len` bytes.
pub(crate) const fn encoded_len(len: usize) -> usize {
    len.div_ceil(3).saturating_mul(4)
}

/// Writes `bytes` as base64 into `out`, returning the length.
pub(crate) fn encode_into(bytes: &[u8], out: &mut [u8]) -> Result<usize> {
    let needed = encoded_len(bytes.len());
    let dst = out.get_mut(..needed).ok_or(Error::BufferTooSmall { needed })?;
    Base64::encode(bytes, dst).map(str::len).map_err(|_| Error::BufferTooSmall { needed })
}

/// Decodes a signature that must be `expected` bytes long. Only standard, padded base64 is
/// accepted: whitespace and the URL-safe alphabet are refused, since a header value that needs
/// cleaning was not produced by a SNAP signer.
///
/// # Errors
/// [`Error::InvalidBase64`], or [`Error::SignatureLength`] for a truncated or padded signature.
pub(crate) fn decode_signature<'o>(signature: &[u8], expected: usize, out: &'o mut [u8]) -> Result<&'o [u8]> {
    let invalid = Error::InvalidBase64 { field: Field::Signature };
    if signature.is_empty() {
        return Err(Error::SignatureLength { expected, actual: 0 });
    }
    if !signature.len().is_multiple_of(4) {
        return Err(invalid);
    }
    let padding = signature.iter().rev().take(2).take_while(|&&b| b == b'=').count();
    let actual = (signature.len() / 4).saturating_mul(3).saturating_sub(padding);
    if actual != expected {
        // Still report bad characters before a bad length: they say more about the cause.
        if !signature.iter().all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=')) {
            return Err(invalid);
        }
        return Err(Error::SignatureLength { expected, actual });
    }
    let text = core::str::from_utf8(signature).map_err(|_| invalid)?;
    let dst = out.get_mut(..expected).ok_or(Error::Crypto)?;
    match Base64::decode(text, dst) {
        Ok(decoded) => Ok(decoded),
        Err(_) => Err(invalid),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_decoding() {
        let mut buf = [0u8; 8];
        assert_eq!(decode_signature(b"AAEC", 3, &mut buf), Ok(&[0u8, 1, 2][..]));
        assert_eq!(decode_signature(b"AAE=", 2, &mut buf), Ok(&[0u8, 1][..]));
        assert_eq!(decode_signature(b"AAE=", 3, &mut buf), Err(Error::SignatureLength { expected: 3, actual: 2 }));
        assert_eq!(decode_signature(b"", 3, &mut buf), Err(Error::SignatureLength { expected: 3, actual: 0 }));
        let invalid = Err(Error::InvalidBase64 { field: Field::Signature });
        assert_eq!(decode_signature(b"AA-_", 3, &mut buf), invalid);
        assert_eq!(decode_signature(b"AA E", 3, &mut buf), invalid);
        assert_eq!(decode_signature(b"AAE", 2, &mut buf), invalid);
        assert_eq!(decode_signature(b"AA-_AAAA", 3, &mut buf), invalid);
        // Non-canonical padding bits are refused too.
        assert_eq!(decode_signature(b"AAF=", 2, &mut buf), invalid);
    }
}
