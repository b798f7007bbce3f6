//! The signature decoding path (strict standard padded base64) through RSA and HMAC verify, on
//! arbitrary text, against the `base64` crate's strict STANDARD engine as an oracle:
//! - text the oracle refuses is never passed on to the signature check (InvalidBase64, or
//!   SignatureLength when the length alone is already wrong);
//! - text the oracle decodes to the wrong length is SignatureLength with that actual length;
//! - text the oracle decodes to the right length reaches the signature check
//!   (SignatureMismatch: random bytes are never a valid signature).
#![no_main]

mod common;

use std::sync::OnceLock;

use base64::Engine as _;
use libfuzzer_sys::fuzz_target;
use snapsign_core::{Error, Field, HmacSigner, KeyOptions, RsaVerifier};

fn verifiers() -> &'static (RsaVerifier, HmacSigner) {
    static V: OnceLock<(RsaVerifier, HmacSigner)> = OnceLock::new();
    V.get_or_init(|| {
        (
            RsaVerifier::from_bytes(common::PUBLIC_2048_DER, &KeyOptions::default()).unwrap(),
            HmacSigner::new(b"a-secret").unwrap(),
        )
    })
}

fn check(result: Result<(), Error>, text: &[u8], expected: usize) {
    let oracle = base64::engine::general_purpose::STANDARD.decode(text);
    match (oracle, result) {
        (Ok(bytes), Err(Error::SignatureMismatch)) if bytes.len() == expected => {}
        (Ok(bytes), Err(Error::SignatureLength { expected: e, actual })) if bytes.len() != expected => {
            assert_eq!((e, actual), (expected, bytes.len()));
        }
        (Err(_), Err(Error::InvalidBase64 { field: Field::Signature })) => {}
        (Err(_), Err(Error::SignatureLength { expected: e, .. })) => {
            assert_eq!(e, expected);
            // Only when the length is already wrong: a right-length text is checked in full.
            let padding = text.iter().rev().take(2).take_while(|&&b| b == b'=').count();
            assert!(text.is_empty() || text.len() / 4 * 3 - padding != expected, "{text:?}");
        }
        (oracle, result) => panic!("oracle {:?} vs {result:?} for {text:?}", oracle.map(|b| b.len())),
    }
}

fuzz_target!(|data: &[u8]| {
    let (rsa, hmac) = verifiers();
    check(rsa.verify(b"m", data), data, 256);
    check(hmac.verify(b"m", data), data, 64);
});
