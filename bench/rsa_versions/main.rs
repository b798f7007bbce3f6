//! One side of the `rsa` version comparison (bench/rsa_versions.sh): the same source is built
//! against several `rsa` / `crypto-bigint` versions (one throwaway cargo project each, under
//! target/rsa-versions/), and bench/rsa_versions/drive.py runs the builds interleaved.
//!
//! Protocol (one line per request on stdin, one line per answer on stdout):
//!   start:                 prints `ready <sha256 of the 2048/3072/4096 signatures>`
//!   `<op> <bits> <iters>`  runs `op` `iters` times, prints the elapsed nanoseconds
//!   `quit`
//! `profile <op> <bits> <iters>` as arguments runs one batch and exits (for callgrind / perf).
//!
//! Ops (PKCS#1 v1.5, SHA-256, the TEST-ONLY keys of tests/vectors/keys):
//!   sign            `SigningKey::<Sha256>::try_sign_with_rng` with the OS RNG (blinded, as snapsign signs)
//!   sign_unblinded  `Signer::sign` (no RNG, so no blinding at all in either version)
//!   verify          `Verifier::verify`
//! and the pieces of one CRT half (mod p), written here with crypto-bigint's public API the way
//! rsa 0.10.0's `rsa_decrypt` / `algorithms/blinding.rs` compute them:
//!   half_plain      c^dP mod p (what rc.20 does, blinded or not)
//!   half_expblind   c^(dP + b(p-1)) mod p, b a 128-bit random (exponent blinding only)
//!   half_modblind   c^dP mod p*g, g a 129-bit odd random, then back to mod p (modulus blinding only)
//!   half_both       both (what 0.10.0 does per CRT half when signing with an RNG)
//!   params_blinded  `BoxedMontyParams::new(p*g)` alone (per-signature cost of modulus blinding)
//! Montgomery exponentiation in crypto-bigint is constant-time in the values, so fixed blinding
//! factors (drawn once at start) cost the same as fresh ones.

use std::hint::black_box;
use std::io::{BufRead, Write};
use std::time::Instant;

use crypto_bigint::modular::{BoxedMontyForm, BoxedMontyParams};
use crypto_bigint::{BoxedUint, ConcatenatingMul, Odd, Resize};
use rsa::pkcs1v15::{Signature, SigningKey, VerifyingKey};
use rsa::pkcs8::DecodePrivateKey;
use rsa::signature::{RandomizedSigner, SignatureEncoding, Signer, Verifier};
use rsa::traits::PrivateKeyParts;
use sha2::{Digest, Sha256};

#[cfg(feature = "stable")]
use rsa::PrivateKey;
#[cfg(not(feature = "stable"))]
use rsa::RsaPrivateKey as PrivateKey;

const MSG: &[u8] = b"POST:/snap/v1.0/transfer-interbank:6f1ed002ab5595859014ebf0951522d9b0b8e14c1c0e5c03a1b1ffb0d2e6a2a6:2024-10-04T17:55:58+07:00";

struct Key {
    bits: usize,
    signing: SigningKey<Sha256>,
    verifying: VerifyingKey<Sha256>,
    sig: Signature,
    /// The message representative of MSG (what the CRT halves exponentiate), full modulus width.
    c: BoxedUint,
    p: BoxedMontyParams,
    dp: BoxedUint,
    /// dP + b (p - 1)
    dp_blinded: BoxedUint,
    /// a 129-bit odd g, as rsa's blind_modulus draws it
    g: BoxedUint,
}

/// rsa's `algorithms/reduction.rs::to_monty` (not public): any width into Montgomery form.
fn to_monty(x: &BoxedUint, p: &BoxedMontyParams) -> BoxedMontyForm {
    let bits = p.bits_precision();
    if x.bits_precision() <= bits {
        return BoxedMontyForm::new(x.resize_unchecked(bits), p);
    }
    let radix = BoxedMontyForm::from_montgomery(p.as_ref().r2().clone(), p);
    let digit = |limbs: &[crypto_bigint::Limb]| {
        let mut value = BoxedUint::zero_with_precision(bits);
        value.as_mut_limbs()[..limbs.len()].copy_from_slice(limbs);
        BoxedMontyForm::new(value, p)
    };
    let mut chunks = x.as_limbs().chunks(p.modulus().as_limbs().len()).rev();
    let mut acc = digit(chunks.next().unwrap());
    for chunk in chunks {
        acc *= &radix;
        acc += &digit(chunk);
    }
    acc
}

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).unwrap();
    b
}

fn load(dir: &str, bits: usize) -> Key {
    let der = std::fs::read(format!("{dir}/rsa{bits}-pkcs8.der")).unwrap();
    let key = PrivateKey::from_pkcs8_der(&der).unwrap();
    let signing = SigningKey::<Sha256>::new(key.clone());
    let verifying = VerifyingKey::<Sha256>::new(key.to_public_key());
    let sig = signing.try_sign_with_rng(&mut getrandom::SysRng, MSG).unwrap();
    assert_eq!(signing.sign(MSG).to_vec(), sig.to_vec(), "blinding changed the signature");
    verifying.verify(MSG, &sig).unwrap();

    // EM = 0x00 01 FF.. 00 || DigestInfo(SHA-256) || H, as a full-width integer; any value < n
    // would time the same.
    let k = sig.to_vec().len();
    let mut em = vec![0xFFu8; k];
    em[0] = 0;
    em[1] = 1;
    let digest = Sha256::digest(MSG);
    em[k - 52] = 0;
    em[k - 51..k - 32].copy_from_slice(&[
        0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04,
        0x20,
    ]);
    em[k - 32..].copy_from_slice(&digest);
    let n_bits = rsa::traits::PublicKeyParts::n_bits_precision(&key);
    let c = BoxedUint::from_be_slice(&em, n_bits).unwrap();

    let p = BoxedMontyParams::from(key.p().unwrap().clone());
    let dp = key.dp().unwrap().clone();
    let b = BoxedUint::from_le_slice(&random_bytes::<16>(), 128).unwrap();
    let pm1 = p.modulus().wrapping_sub(BoxedUint::one());
    let mut dp_blinded = pm1.resize_unchecked(dp.bits_precision()).concatenating_mul(&b);
    dp_blinded.wrapping_add_assign(&dp);
    let mut g = BoxedUint::from_le_slice(&random_bytes::<16>(), 129).unwrap();
    g.shl_assign(1);
    g.wrapping_add_assign(BoxedUint::one());
    Key { bits, signing, verifying, sig, c, p, dp, dp_blinded, g }
}

fn blinded_params(k: &Key) -> BoxedMontyParams {
    BoxedMontyParams::new(Odd::new(k.p.modulus().concatenating_mul(&k.g)).unwrap())
}

fn op(k: &Key, name: &str) {
    match name {
        "sign" => {
            black_box(k.signing.try_sign_with_rng(&mut getrandom::SysRng, black_box(MSG)).unwrap());
        }
        "sign_unblinded" => {
            black_box(k.signing.sign(black_box(MSG)));
        }
        "verify" => k.verifying.verify(black_box(MSG), &k.sig).unwrap(),
        "half_plain" => {
            // rsa (both versions) rebuilds the Arc'd params from the stored ones per operation.
            let p = BoxedMontyParams::from(k.p.as_ref().clone());
            black_box(to_monty(&k.c, &p).pow(&k.dp));
        }
        "half_expblind" => {
            let p = BoxedMontyParams::from(k.p.as_ref().clone());
            black_box(to_monty(&k.c, &p).pow(&k.dp_blinded));
        }
        "half_modblind" => {
            let p = BoxedMontyParams::from(k.p.as_ref().clone());
            let params = blinded_params(k);
            let powered = to_monty(&k.c, &params).pow(&k.dp);
            black_box(to_monty(&powered.retrieve(), &p));
        }
        "half_both" => {
            let p = BoxedMontyParams::from(k.p.as_ref().clone());
            let params = blinded_params(k);
            let powered = to_monty(&k.c, &params).pow(&k.dp_blinded);
            black_box(to_monty(&powered.retrieve(), &p));
        }
        "params_blinded" => {
            black_box(blinded_params(k));
        }
        _ => panic!("unknown op {name}"),
    }
}

fn run(keys: &[Key], name: &str, bits: usize, iters: u64) -> u128 {
    let k = keys.iter().find(|k| k.bits == bits).expect("no key of that size");
    let t = Instant::now();
    for _ in 0..iters {
        op(k, name);
    }
    t.elapsed().as_nanos()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let dir = std::env::var("RSA_VERSIONS_KEYS").unwrap_or_else(|_| "tests/vectors/keys".into());
    let keys: Vec<Key> = [2048, 3072, 4096].into_iter().map(|b| load(&dir, b)).collect();
    // A modulus-blinded half must give the unblinded result (checks this file's arithmetic).
    for k in &keys {
        let plain = to_monty(&k.c, &k.p).pow(&k.dp).retrieve();
        let both = to_monty(&to_monty(&k.c, &blinded_params(k)).pow(&k.dp_blinded).retrieve(), &k.p).retrieve();
        assert_eq!(plain, both, "blinded CRT half differs at {} bits", k.bits);
    }
    if args.get(1).map(String::as_str) == Some("profile") {
        let ns = run(&keys, &args[2], args[3].parse().unwrap(), args[4].parse().unwrap());
        eprintln!("{} {} x{}: {} ns", args[2], args[3], args[4], ns);
        return;
    }
    let mut h = Sha256::new();
    for k in &keys {
        h.update(k.sig.to_vec());
    }
    let out = std::io::stdout();
    let mut out = out.lock();
    let hex: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
    writeln!(out, "ready {hex}").unwrap();
    out.flush().unwrap();
    for line in std::io::stdin().lock().lines() {
        let line = line.unwrap();
        let w: Vec<&str> = line.split_whitespace().collect();
        if w.first() == Some(&"quit") || w.is_empty() {
            break;
        }
        let ns = run(&keys, w[0], w[1].parse().unwrap(), w[2].parse().unwrap());
        writeln!(out, "{ns}").unwrap();
        out.flush().unwrap();
    }
}
