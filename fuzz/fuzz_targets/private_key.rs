//! Private-key loading (PEM, DER, bare base64; PKCS#8, PKCS#1, encrypted PKCS#8) on arbitrary
//! bytes and on mutated real keys.
//!
//! Properties: never panics; a key that loads is at least 2048 bits unless weak keys were
//! allowed, and it signs (or, with a modulus under 62 bytes, fails with `Error::Crypto`), and its
//! own verifier accepts that signature (so a mutated key that passes validation cannot produce
//! bad signatures silently).
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use snapsign_core::{Error, KeyOptions, RsaSigner};

const BASES: [&[u8]; 5] = [
    common::PKCS8_2048_DER,
    common::PKCS1_2048_DER,
    common::ENCRYPTED_2048_DER,
    common::PUBLIC_2048_DER,
    common::CERT_2048_DER,
];

fn load(bytes: &[u8]) {
    let options = [
        KeyOptions::default(),
        KeyOptions { allow_weak: true, passphrase: None },
        KeyOptions { allow_weak: false, passphrase: Some(common::PASSPHRASE) },
    ];
    for (i, o) in options.iter().enumerate() {
        match RsaSigner::from_bytes(bytes, o) {
            Ok(signer) => {
                let bits = signer.modulus_bits();
                assert!(o.allow_weak || bits >= 2048, "{bits}-bit key loaded without allow_weak");
                assert_eq!(signer.signature_len(), bits.div_ceil(8).div_ceil(3) * 4);
                if bits.div_ceil(8) < 62 {
                    // Too short for a SHA-256 PKCS#1 v1.5 signature (a weak key that loaded,
                    // e.g. tests/fixtures/weak480-pkcs8.pem): a clean Crypto error.
                    assert_eq!(signer.sign(b"snapsign fuzz", &mut getrandom::SysRng), Err(Error::Crypto));
                } else {
                    let sig = signer.sign(b"snapsign fuzz", &mut getrandom::SysRng).expect("a loaded key signs");
                    assert_eq!(sig.len(), signer.signature_len());
                    signer.verifier().verify(b"snapsign fuzz", sig.as_bytes()).expect("own signature verifies");
                    assert_eq!(
                        signer.verifier().verify(b"snapsign fuzZ", sig.as_bytes()),
                        Err(Error::SignatureMismatch)
                    );
                }
            }
            Err(Error::InvalidKey { .. }) => {}
            Err(Error::WeakKey { bits }) => {
                assert!(!o.allow_weak, "option set {i}: WeakKey ({bits} bits) despite allow_weak")
            }
            Err(e) => panic!("unexpected error {e:?}"),
        }
        // Only the passphrase set differs for encrypted keys: skip it when nothing is encrypted
        // looking, to keep executions fast.
        if i == 1 && !looks_encrypted(bytes) {
            break;
        }
    }
}

fn looks_encrypted(bytes: &[u8]) -> bool {
    bytes.windows(9).any(|w| w == b"ENCRYPTED") || bytes.first() == Some(&0x30)
}

fuzz_target!(|data: &[u8]| {
    load(data);
    let base = BASES[data.len() % BASES.len()];
    load(&common::patch(base, data));
});
