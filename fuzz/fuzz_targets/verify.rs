//! RSA and HMAC verification never accept anything but the true signature.
//!
//! The input is split into a message and candidate signature text. With the TEST-ONLY 2048-bit
//! key and an HMAC secret taken from the input:
//! - the message is signed (RSA: one input in eight; the others use the token vector's message
//!   and signature, and check that the real signature verifies no other message); the real
//!   signature verifies;
//! - the candidate verifies only if it is byte-for-byte the real signature;
//! - the real signature with one byte replaced (position and value from the input) verifies
//!   only if nothing changed (this covers non-canonical base64 of the same bytes);
//! - the real signature never verifies another message, nor a signature of another message;
//! - nothing panics, and errors are only InvalidBase64, SignatureLength or SignatureMismatch.
#![no_main]

mod common;

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use snapsign_core::{Error, HmacSigner, KeyOptions, RsaSigner, RsaVerifier};

fn signer() -> &'static (RsaSigner, RsaVerifier) {
    static S: OnceLock<(RsaSigner, RsaVerifier)> = OnceLock::new();
    S.get_or_init(|| {
        let s = RsaSigner::from_bytes(common::PKCS8_2048_PEM, &KeyOptions::default()).unwrap();
        let v = s.verifier();
        (s, v)
    })
}

/// The token vector of tests/vectors (rsa2048 key): its string-to-sign and signature.
fn vector() -> (&'static [u8], &'static [u8]) {
    (
        b"MCPD00000006|2020-10-04T17:55:58+07:00",
        b"2JlCK1mKDbeEMX1wtG6jJvRBn+6tvbhqVjaD+FfsGo2Db0ISlRiUbhZGpfHlhhdkAzpGyRkPf+gcq2pPHYqMXDLRyuv9anGNJXcUaWk8e1awFCGnDITdx8SJDWBaM206CuxTgexzixKHRfXNz27nOIYdDruEgyDAPjo4cm+tMOJg+o6s/s4hShnEZ6JySgxgGsunI3p1KS2qd7VZ5futmIun3awYVM+TPJA0HRKDyF1Ciczp4PYxYX5Gno4hsuuA4nVTxhvJuasLrgFfMU9+bllkqwK2KjX/vt93COeaIVEQ0ZPblasAZ7WCSyzfdj6cuzUTl3HbdJ8TBIlNO2SF8w==",
    )
}

fn refused(r: Result<(), Error>, what: &str) {
    match r {
        Err(Error::InvalidBase64 { .. } | Error::SignatureLength { .. } | Error::SignatureMismatch) => {}
        other => panic!("{what}: {other:?}"),
    }
}

fn mutate(real: &[u8], data: &[u8]) -> Vec<u8> {
    let h = common::mix(data);
    let mut m = real.to_vec();
    let pos = (h % real.len() as u64) as usize;
    m[pos] = (h >> 32) as u8;
    m
}

fn check(
    verify: impl Fn(&[u8], &[u8]) -> Result<(), Error>,
    message: &[u8],
    candidate: &[u8],
    real: &[u8],
    data: &[u8],
) {
    verify(message, real).expect("the real signature verifies");
    match verify(message, candidate) {
        Ok(()) => assert_eq!(candidate, real, "a signature other than the real one was accepted"),
        r => refused(r, "candidate"),
    }
    let mutated = mutate(real, data);
    match verify(message, &mutated) {
        Ok(()) => assert_eq!(mutated, real, "a mutated signature was accepted"),
        r => refused(r, "mutated"),
    }
    let mut other = message.to_vec();
    other.push(b'x');
    refused(verify(&other, real), "another message");
    // Truncated, padded, with whitespace: never accepted.
    refused(verify(message, &real[..real.len() - 4]), "truncated");
    refused(verify(message, &[real, b"AAAA"].concat()), "extended");
    refused(verify(message, &[real, b"\n"].concat()), "trailing newline");
}

fuzz_target!(|data: &[u8]| {
    let cut = if data.is_empty() { 0 } else { usize::from(data[0]) % (data.len() + 1) };
    let (message, candidate) = data.split_at(cut);

    let (rsa, verifier) = signer();
    if data.first().is_some_and(|b| b & 0x07 == 0) {
        // One input in eight: sign the input's message afresh (an RSA signature costs
        // milliseconds under ASan).
        let real = rsa.sign(message, &mut getrandom::SysRng).unwrap();
        check(|m, s| verifier.verify(m, s), message, candidate, real.as_bytes(), data);
    } else {
        // The others: the token vector's message and signature (tests/vectors, rsa2048), against
        // the input as candidate signature and as message.
        let (vector_message, vector_signature) = vector();
        check(|m, s| verifier.verify(m, s), vector_message, candidate, vector_signature, data);
        match verifier.verify(message, vector_signature) {
            Ok(()) => assert_eq!(message, vector_message, "the real signature verified another message"),
            r => refused(r, "the real signature over the input as message"),
        }
    }

    let secret = if message.is_empty() { &b"a-secret"[..] } else { message };
    let hmac = HmacSigner::new(secret).unwrap();
    let real = hmac.sign(candidate);
    check(|m, s| hmac.verify(m, s), candidate, message, real.as_bytes(), data);
    // Another secret never accepts it.
    let other = HmacSigner::new(&[secret, b"!"].concat()).unwrap();
    refused(other.verify(candidate, real.as_bytes()), "another secret");
});
