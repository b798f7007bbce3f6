//! RSA SHA256withRSA (PKCS#1 v1.5) sign (blinded) and verify with a pre-loaded key, and key
//! loading, for 2048/3072/4096 bits: snapsign against OpenSSL (the `openssl` crate) and `ring`,
//! plus the bare `rsa` crate (blinded and unblinded) to separate our wrapper from the arithmetic.
//! All implementations must produce the identical signature (PKCS#1 v1.5 is deterministic).
//!
//! cargo bench -p snapsign-core --bench rsa

mod common;

use std::hint::black_box;

use base64ct::{Base64, Encoding};
use common::{compare, key_file, side};
use criterion::{BenchmarkId, Criterion};
use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Private, Public};
use ring::signature::{RsaKeyPair, UnparsedPublicKey, RSA_PKCS1_2048_8192_SHA256, RSA_PKCS1_SHA256};
use rsa::signature::{RandomizedSigner, SignatureEncoding, Signer as _};
use snapsign_core::{KeyOptions, RsaSigner, RsaVerifier};

const MSG: &[u8] = b"POST:/snap/v1.0/transfer-interbank:6f1ed002ab5595859014ebf0951522d9b0b8e14c1c0e5c03a1b1ffb0d2e6a2a6:2024-10-04T17:55:58+07:00";
const BITS: [usize; 3] = [2048, 3072, 4096];

struct Keys {
    bits: usize,
    pem: Vec<u8>,
    der: Vec<u8>,
    public_pem: Vec<u8>,
    ours: RsaSigner,
    verifier: RsaVerifier,
    raw: rsa::pkcs1v15::SigningKey<sha2::Sha256>,
    ossl: PKey<Private>,
    ossl_pub: PKey<Public>,
    ring: RsaKeyPair,
    ring_pub: Vec<u8>,
    sig_b64: String,
    sig: Vec<u8>,
}

fn keys(bits: usize) -> Keys {
    let pem = key_file(&format!("rsa{bits}-pkcs8.pem"));
    let der = key_file(&format!("rsa{bits}-pkcs8.der"));
    let public_pem = key_file(&format!("rsa{bits}-public.pem"));
    let ours = RsaSigner::from_bytes(&pem, &KeyOptions::default()).unwrap();
    let verifier = RsaVerifier::from_bytes(&public_pem, &KeyOptions::default()).unwrap();
    let raw = {
        use rsa::pkcs8::DecodePrivateKey;
        rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new(rsa::PrivateKey::from_pkcs8_der(&der).unwrap())
    };
    let ossl = PKey::private_key_from_pem(&pem).unwrap();
    let ossl_pub = PKey::public_key_from_pem(&public_pem).unwrap();
    let ring = RsaKeyPair::from_pkcs8(&der).unwrap();
    let ring_pub = ring::signature::KeyPair::public_key(&ring).as_ref().to_vec();

    // Every implementation must agree byte for byte.
    let sig_b64 = ours.sign(MSG, &mut getrandom::SysRng).unwrap().to_string();
    let sig = Base64::decode_vec(&sig_b64).unwrap();
    assert_eq!(ossl_sign(&ossl), sig, "OpenSSL disagrees at {bits} bits");
    assert_eq!(ring_sign(&ring), sig, "ring disagrees at {bits} bits");
    assert_eq!(raw.sign(MSG).to_vec(), sig, "rsa crate (unblinded) disagrees");
    assert_eq!(
        raw.try_sign_with_rng(&mut getrandom::SysRng, MSG).unwrap().to_vec(),
        sig,
        "rsa crate (blinded) disagrees"
    );
    verifier.verify(MSG, sig_b64.as_bytes()).unwrap();
    assert!(ossl_verify(&ossl_pub, &sig));
    UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, &ring_pub).verify(MSG, &sig).unwrap();
    Keys { bits, pem, der, public_pem, ours, verifier, raw, ossl, ossl_pub, ring, ring_pub, sig_b64, sig }
}

fn ossl_sign(k: &PKey<Private>) -> Vec<u8> {
    // OpenSSL blinds RSA private-key operations by default.
    let mut s = openssl::sign::Signer::new(MessageDigest::sha256(), k).unwrap();
    s.update(MSG).unwrap();
    s.sign_to_vec().unwrap()
}

fn ossl_verify(k: &PKey<Public>, sig: &[u8]) -> bool {
    let mut v = openssl::sign::Verifier::new(MessageDigest::sha256(), k).unwrap();
    v.update(MSG).unwrap();
    v.verify(sig).unwrap()
}

fn ring_sign(k: &RsaKeyPair) -> Vec<u8> {
    // ring blinds too.
    let rng = ring::rand::SystemRandom::new();
    let mut sig = vec![0u8; k.public().modulus_len()];
    k.sign(&RSA_PKCS1_SHA256, &rng, MSG, &mut sig).unwrap();
    sig
}

fn criterion_benches(c: &mut Criterion, all: &[Keys]) {
    let mut g = c.benchmark_group("rsa_sign");
    g.sample_size(20);
    for k in all {
        g.bench_with_input(BenchmarkId::new("snapsign", k.bits), k, |b, k| {
            b.iter(|| k.ours.sign(black_box(MSG), &mut getrandom::SysRng).unwrap())
        });
        g.bench_with_input(BenchmarkId::new("openssl", k.bits), k, |b, k| b.iter(|| ossl_sign(&k.ossl)));
        g.bench_with_input(BenchmarkId::new("ring", k.bits), k, |b, k| b.iter(|| ring_sign(&k.ring)));
    }
    g.finish();
    let mut g = c.benchmark_group("rsa_verify");
    for k in all {
        g.bench_with_input(BenchmarkId::new("snapsign", k.bits), k, |b, k| {
            b.iter(|| k.verifier.verify(black_box(MSG), k.sig_b64.as_bytes()).unwrap())
        });
        g.bench_with_input(BenchmarkId::new("openssl", k.bits), k, |b, k| b.iter(|| ossl_verify(&k.ossl_pub, &k.sig)));
        g.bench_with_input(BenchmarkId::new("ring", k.bits), k, |b, k| {
            b.iter(|| UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, &k.ring_pub).verify(MSG, &k.sig).unwrap())
        });
    }
    g.finish();
    let mut g = c.benchmark_group("rsa_key_load");
    g.sample_size(20);
    for k in all {
        g.bench_with_input(BenchmarkId::new("snapsign_pem", k.bits), k, |b, k| {
            b.iter(|| RsaSigner::from_bytes(black_box(&k.pem), &KeyOptions::default()).unwrap())
        });
        g.bench_with_input(BenchmarkId::new("openssl_pem", k.bits), k, |b, k| {
            b.iter(|| PKey::private_key_from_pem(black_box(&k.pem)).unwrap())
        });
        g.bench_with_input(BenchmarkId::new("ring_der", k.bits), k, |b, k| {
            b.iter(|| RsaKeyPair::from_pkcs8(black_box(&k.der)).unwrap())
        });
    }
    g.finish();
}

fn ratios(all: &[Keys]) {
    for k in all {
        let bits = k.bits;
        compare(
            &format!("RSA-{bits} sign (blinded, pre-loaded key)"),
            None,
            vec![
                side("OpenSSL 3 (openssl crate)", || {
                    black_box(ossl_sign(&k.ossl));
                }),
                side("snapsign RsaSigner::sign", || {
                    black_box(k.ours.sign(black_box(MSG), &mut getrandom::SysRng).unwrap());
                }),
                side("ring", || {
                    black_box(ring_sign(&k.ring));
                }),
                side("rsa crate, blinded (sign_with_rng)", || {
                    black_box(k.raw.try_sign_with_rng(&mut getrandom::SysRng, black_box(MSG)).unwrap());
                }),
                side("rsa crate, unblinded (sign)", || {
                    black_box(k.raw.sign(black_box(MSG)));
                }),
            ],
        );
        compare(
            &format!("RSA-{bits} verify (pre-loaded key)"),
            None,
            vec![
                side("OpenSSL 3 (openssl crate)", || assert!(ossl_verify(&k.ossl_pub, &k.sig))),
                side("snapsign RsaVerifier::verify (incl. base64 decode)", || {
                    k.verifier.verify(black_box(MSG), k.sig_b64.as_bytes()).unwrap()
                }),
                side("ring", || {
                    UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, &k.ring_pub).verify(MSG, &k.sig).unwrap()
                }),
                side("snapsign RsaVerifier::signed_digest (incl. base64 decode)", || {
                    black_box(k.verifier.signed_digest(k.sig_b64.as_bytes()).unwrap());
                }),
            ],
        );
        compare(
            &format!("RSA-{bits} private key load (parse + precomputation)"),
            None,
            vec![
                side("OpenSSL PEM", || {
                    black_box(PKey::private_key_from_pem(black_box(&k.pem)).unwrap());
                }),
                side("snapsign PEM (RsaSigner::from_bytes)", || {
                    black_box(RsaSigner::from_bytes(black_box(&k.pem), &KeyOptions::default()).unwrap());
                }),
                side("snapsign DER", || {
                    black_box(RsaSigner::from_bytes(black_box(&k.der), &KeyOptions::default()).unwrap());
                }),
                side("ring DER (no PEM support)", || {
                    black_box(RsaKeyPair::from_pkcs8(black_box(&k.der)).unwrap());
                }),
                side("snapsign public PEM (RsaVerifier::from_bytes)", || {
                    black_box(RsaVerifier::from_bytes(black_box(&k.public_pem), &KeyOptions::default()).unwrap());
                }),
            ],
        );
    }
}

fn main() {
    // SNAPSIGN_RSA_PROFILE=bits: sign in a loop for a profiler (perf record / callgrind), nothing else.
    if let Ok(bits) = std::env::var("SNAPSIGN_RSA_PROFILE") {
        let k = keys(bits.parse().unwrap());
        let n: usize = std::env::var("SNAPSIGN_RSA_PROFILE_N").ok().and_then(|s| s.parse().ok()).unwrap_or(200);
        let t = std::time::Instant::now();
        for _ in 0..n {
            black_box(k.ours.sign(black_box(MSG), &mut getrandom::SysRng).unwrap());
        }
        eprintln!("{n} signatures in {:?}", t.elapsed());
        return;
    }
    let bits: Vec<usize> = match std::env::var("SNAPSIGN_RSA_BITS") {
        Ok(s) => s.split(',').map(|b| b.parse().unwrap()).collect(),
        Err(_) => BITS.to_vec(),
    };
    let all: Vec<Keys> = bits.iter().map(|&b| keys(b)).collect();
    if !common::ratios_only() {
        let mut c = Criterion::default().configure_from_args();
        criterion_benches(&mut c, &all);
        c.final_summary();
    }
    if !common::criterion_only() {
        ratios(&all);
    }
}
