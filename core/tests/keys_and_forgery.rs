//! Key loading in every form keys arrive in, wrong keys named precisely, and forgeries refused.

use std::path::PathBuf;

use base64ct::{Base64, Base64Url, Encoding};
use snapsign_core::{Error, Field, HmacSigner, KeyErrorKind, KeyOptions, RsaSigner, RsaVerifier};

fn read(rel: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests").join(rel);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

const CLIENT: &str = "MCPD00000006";
const TS: &str = "2020-10-04T17:55:58+07:00";
/// From tests/vectors/snap-vectors.json (OpenSSL): token_b2b[0].
const VECTOR_SIG: &str = "2JlCK1mKDbeEMX1wtG6jJvRBn+6tvbhqVjaD+FfsGo2Db0ISlRiUbhZGpfHlhhdkAzpGyRkPf+gcq2pPHYqMXDLRyuv9anGNJXcUaWk8e1awFCGnDITdx8SJDWBaM206CuxTgexzixKHRfXNz27nOIYdDruEgyDAPjo4cm+tMOJg+o6s/s4hShnEZ6JySgxgGsunI3p1KS2qd7VZ5futmIun3awYVM+TPJA0HRKDyF1Ciczp4PYxYX5Gno4hsuuA4nVTxhvJuasLrgFfMU9+bllkqwK2KjX/vt93COeaIVEQ0ZPblasAZ7WCSyzfdj6cuzUTl3HbdJ8TBIlNO2SF8w==";

fn sign_with(key: &[u8], options: &KeyOptions<'_>) -> Result<String, Error> {
    let signer = RsaSigner::from_bytes(key, options)?;
    Ok(signer.sign_token(CLIENT, TS, &mut getrandom::SysRng)?.to_string())
}

fn kind(r: Result<impl std::fmt::Debug, Error>) -> KeyErrorKind {
    match r {
        Err(Error::InvalidKey { kind }) => kind,
        other => panic!("expected InvalidKey, got {other:?}"),
    }
}

#[test]
fn private_keys_in_every_form_people_paste() {
    let opts = KeyOptions::default();
    let pem = String::from_utf8(read("vectors/keys/rsa2048-pkcs8.pem")).unwrap();
    let pkcs1 = String::from_utf8(read("vectors/keys/rsa2048-pkcs1.pem")).unwrap();
    let crlf = pem.replace('\n', "\r\n");
    let env_style = pem.trim_end().replace('\n', "\\n");
    let one_line_env = format!("  {}  ", pkcs1.trim_end().replace('\n', "\\r\\n"));
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let wrapped_body: String = pkcs1.lines().filter(|l| !l.starts_with("-----")).collect::<Vec<_>>().join("\n");
    for (what, key) in [
        ("pkcs8 pem", pem.clone().into_bytes()),
        ("pkcs1 pem", pkcs1.clone().into_bytes()),
        ("crlf", crlf.into_bytes()),
        ("literal \\n", env_style.into_bytes()),
        ("literal \\r\\n with spaces", one_line_env.into_bytes()),
        ("bare pkcs8 base64", body.into_bytes()),
        ("bare pkcs1 base64 with newlines", wrapped_body.into_bytes()),
        ("pkcs8 der", read("vectors/keys/rsa2048-pkcs8.der")),
        ("pkcs1 der", read("vectors/keys/rsa2048-pkcs1.der")),
    ] {
        assert_eq!(sign_with(&key, &opts).as_deref(), Ok(VECTOR_SIG), "{what}");
    }
}

#[test]
fn encrypted_pkcs8_needs_the_right_passphrase() {
    for file in ["fixtures/rsa2048-encrypted-pkcs8.pem", "fixtures/rsa2048-encrypted-pkcs8.der"] {
        let key = read(file);
        assert_eq!(kind(sign_with(&key, &KeyOptions::default())), KeyErrorKind::Encrypted, "{file}");
        let wrong = KeyOptions { passphrase: Some(b"wrong"), ..KeyOptions::default() };
        assert_eq!(kind(sign_with(&key, &wrong)), KeyErrorKind::WrongPassphrase, "{file}");
        let right = KeyOptions { passphrase: Some(b"test-passphrase"), ..KeyOptions::default() };
        assert_eq!(sign_with(&key, &right).as_deref(), Ok(VECTOR_SIG), "{file}");
    }
}

#[test]
fn legacy_encrypted_pem_loads_with_its_passphrase() {
    // `openssl rsa -aes256|-aes128|-aes192|-des3 -traditional`: what `openssl genrsa -aes256` and
    // older tools write.
    for file in [
        "fixtures/rsa2048-legacy-encrypted.pem",
        "fixtures/rsa2048-legacy-aes128.pem",
        "fixtures/rsa2048-legacy-aes192.pem",
        "fixtures/rsa2048-legacy-des3.pem",
    ] {
        let key = read(file);
        assert_eq!(kind(sign_with(&key, &KeyOptions::default())), KeyErrorKind::Encrypted, "{file}");
        for wrong in [&b"wrong"[..], b"", b"test-passphrasE"] {
            let opts = KeyOptions { passphrase: Some(wrong), ..KeyOptions::default() };
            assert_eq!(kind(sign_with(&key, &opts)), KeyErrorKind::WrongPassphrase, "{file}");
        }
        let right = KeyOptions { passphrase: Some(b"test-passphrase"), ..KeyOptions::default() };
        assert_eq!(sign_with(&key, &right).as_deref(), Ok(VECTOR_SIG), "{file}");
        // CRLF line ends, as a file edited on Windows has them.
        let crlf = String::from_utf8(key.clone()).unwrap().replace('\n', "\r\n");
        assert_eq!(sign_with(crlf.as_bytes(), &right).as_deref(), Ok(VECTOR_SIG), "{file} CRLF");
    }
    // A damaged header is named, never a panic.
    let text = String::from_utf8(read("fixtures/rsa2048-legacy-des3.pem")).unwrap();
    let right = KeyOptions { passphrase: Some(b"test-passphrase"), ..KeyOptions::default() };
    let unknown_cipher = text.replace("DES-EDE3-CBC", "RC2-CBC");
    assert_eq!(kind(sign_with(unknown_cipher.as_bytes(), &right)), KeyErrorKind::Unsupported);
    let short_iv = text.replacen("DES-EDE3-CBC,", "DES-EDE3-CBC,00", 1);
    assert_eq!(kind(sign_with(short_iv.as_bytes(), &right)), KeyErrorKind::Malformed);
}

#[test]
fn wrong_kinds_of_key_are_named() {
    let opts = KeyOptions::default();
    assert_eq!(kind(sign_with(&read("vectors/keys/rsa2048-public.pem"), &opts)), KeyErrorKind::PublicKeyGiven);
    assert_eq!(kind(sign_with(&read("vectors/keys/rsa2048-public-pkcs1.pem"), &opts)), KeyErrorKind::PublicKeyGiven);
    assert_eq!(kind(sign_with(&read("vectors/keys/rsa2048-public.der"), &opts)), KeyErrorKind::PublicKeyGiven);
    assert_eq!(kind(sign_with(&read("fixtures/rsa2048-cert.pem"), &opts)), KeyErrorKind::CertificateGiven);
    assert_eq!(kind(sign_with(&read("fixtures/rsa2048-cert.der"), &opts)), KeyErrorKind::CertificateGiven);
    assert_eq!(kind(sign_with(&read("fixtures/ec-p256-pkcs8.pem"), &opts)), KeyErrorKind::Unsupported);
    assert_eq!(
        kind(sign_with(b"-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n", &opts)),
        KeyErrorKind::Unsupported
    );
    assert_eq!(kind(sign_with(b"not a key at all", &opts)), KeyErrorKind::Malformed);
    assert_eq!(kind(sign_with(b"", &opts)), KeyErrorKind::Malformed);
    assert_eq!(kind(sign_with(b"-----BEGIN PRIVATE KEY-----\nQUJD\n", &opts)), KeyErrorKind::Malformed);
    assert_eq!(
        kind(sign_with(b"-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n", &opts)),
        KeyErrorKind::Malformed
    );
    let mut truncated = read("vectors/keys/rsa2048-pkcs8.der");
    truncated.truncate(600);
    assert_eq!(kind(sign_with(&truncated, &opts)), KeyErrorKind::Malformed);
    assert_eq!(kind(RsaVerifier::from_bytes(&read("fixtures/ec-p256-cert.pem"), &opts)), KeyErrorKind::Unsupported);
    assert_eq!(kind(RsaVerifier::from_bytes(b"garbage", &opts)), KeyErrorKind::Malformed);
}

#[test]
fn a_verifier_takes_the_key_of_a_certificate_and_ignores_its_validity() {
    // Providers hand out their public key as a .cer/.crt file; SNAP pins keys and has no PKI.
    let opts = KeyOptions::default();
    let from_key = RsaVerifier::from_bytes(&read("vectors/keys/rsa2048-public.pem"), &opts).unwrap();
    for file in ["fixtures/rsa2048-cert.pem", "fixtures/rsa2048-cert.der"] {
        let v = RsaVerifier::from_bytes(&read(file), &opts).unwrap();
        assert_eq!(v.modulus_bits(), 2048, "{file}");
        v.verify_token(CLIENT, TS, VECTOR_SIG.as_bytes()).unwrap();
        assert_eq!(v.verify_token("MCPD00000007", TS, VECTOR_SIG.as_bytes()), Err(Error::SignatureMismatch));
        assert_eq!(format!("{v:?}"), format!("{from_key:?}"));
    }
    // The same certificate pasted from an environment variable, and as bare base64.
    let pem = String::from_utf8(read("fixtures/rsa2048-cert.pem")).unwrap();
    let env_style = pem.trim_end().replace('\n', "\\n");
    RsaVerifier::from_bytes(env_style.as_bytes(), &opts)
        .unwrap()
        .verify_token(CLIENT, TS, VECTOR_SIG.as_bytes())
        .unwrap();
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    RsaVerifier::from_bytes(body.as_bytes(), &opts).unwrap().verify_token(CLIENT, TS, VECTOR_SIG.as_bytes()).unwrap();
    // A broken certificate is malformed, never a panic.
    let mut der = read("fixtures/rsa2048-cert.der");
    der.truncate(200);
    assert!(RsaVerifier::from_bytes(&der, &opts).is_err());
}

#[test]
fn weak_keys_are_refused_unless_allowed() {
    let weak = read("vectors/keys/weak1024-pkcs8.pem");
    assert_eq!(sign_with(&weak, &KeyOptions::default()), Err(Error::WeakKey { bits: 1024 }));
    let allow = KeyOptions { allow_weak: true, ..KeyOptions::default() };
    let signer = RsaSigner::from_bytes(&weak, &allow).unwrap();
    assert_eq!(signer.modulus_bits(), 1024);
    assert_eq!(signer.signature_len(), 172);
    let public = read("fixtures/weak1024-public.pem");
    assert_eq!(RsaVerifier::from_bytes(&public, &KeyOptions::default()).unwrap_err(), Error::WeakKey { bits: 1024 });
    let verifier = RsaVerifier::from_bytes(&public, &allow).unwrap();
    let sig = signer.sign_token(CLIENT, TS, &mut getrandom::SysRng).unwrap();
    verifier.verify_token(CLIENT, TS, sig.as_bytes()).unwrap();
    // Below the rsa crate's own floor: still a clear WeakKey, never "malformed".
    assert_eq!(
        sign_with(&read("fixtures/weak512-pkcs8.pem"), &KeyOptions::default()),
        Err(Error::WeakKey { bits: 512 })
    );
}

#[test]
fn round_trips_for_every_size_and_cross_key_rejection() {
    let mut verifiers = Vec::new();
    let mut signatures = Vec::new();
    for (bits, name, b64_len) in [(2048, "rsa2048", 344), (3072, "rsa3072", 512), (4096, "rsa4096", 684)] {
        let signer =
            RsaSigner::from_bytes(&read(&format!("vectors/keys/{name}-pkcs1.der")), &KeyOptions::default()).unwrap();
        assert_eq!(signer.modulus_bits(), bits);
        assert_eq!(signer.signature_len(), b64_len);
        let sig = signer.sign_service("POST", "/v1.0/notify", br#"{"a": 1}"#, TS, &mut getrandom::SysRng).unwrap();
        assert_eq!(sig.len(), signer.signature_len());
        let verifier =
            RsaVerifier::from_bytes(&read(&format!("vectors/keys/{name}-public.pem")), &KeyOptions::default()).unwrap();
        verifier.verify_service("POST", "/v1.0/notify", br#"{"a":1}"#, TS, sig.as_bytes()).unwrap();
        signer.verifier().verify_service("POST", "/v1.0/notify", b"{\"a\" :1 }", TS, sig.as_bytes()).unwrap();
        assert_eq!(
            verifier.verify_service("POST", "/v1.0/notify", br#"{"a":2}"#, TS, sig.as_bytes()),
            Err(Error::SignatureMismatch)
        );
        assert_eq!(
            verifier.verify_service("PUT", "/v1.0/notify", br#"{"a":1}"#, TS, sig.as_bytes()),
            Err(Error::SignatureMismatch)
        );
        verifiers.push(verifier);
        signatures.push(sig);
    }
    // A signature made with another key has the wrong length for these keys.
    let other = RsaSigner::from_bytes(&read("vectors/keys/rsa3072-pkcs8.pem"), &KeyOptions::default()).unwrap();
    let sig3072 = other.sign_token(CLIENT, TS, &mut getrandom::SysRng).unwrap();
    assert_eq!(
        verifiers[0].verify_token(CLIENT, TS, sig3072.as_bytes()),
        Err(Error::SignatureLength { expected: 256, actual: 384 })
    );
    assert_eq!(
        verifiers[2].verify_token(CLIENT, TS, sig3072.as_bytes()),
        Err(Error::SignatureLength { expected: 512, actual: 384 })
    );
}

#[test]
fn forged_and_mangled_rsa_signatures_are_refused() {
    let verifier = RsaVerifier::from_bytes(&read("vectors/keys/rsa2048-public.pem"), &KeyOptions::default()).unwrap();
    let ok = VECTOR_SIG.as_bytes();
    verifier.verify_token(CLIENT, TS, ok).unwrap();
    let raw = Base64::decode_vec(VECTOR_SIG).unwrap();
    let check = |sig: &[u8]| verifier.verify_token(CLIENT, TS, sig);
    // Another message.
    assert_eq!(verifier.verify_token(CLIENT, "2020-10-04T17:55:59+07:00", ok), Err(Error::SignatureMismatch));
    // One bit flipped.
    let mut flipped = raw.clone();
    flipped[100] ^= 1;
    assert_eq!(check(Base64::encode_string(&flipped).as_bytes()), Err(Error::SignatureMismatch));
    // Truncated and padded.
    assert_eq!(
        check(Base64::encode_string(&raw[..255]).as_bytes()),
        Err(Error::SignatureLength { expected: 256, actual: 255 })
    );
    let mut longer = raw.clone();
    longer.push(0);
    assert_eq!(
        check(Base64::encode_string(&longer).as_bytes()),
        Err(Error::SignatureLength { expected: 256, actual: 257 })
    );
    let mut leading_zero = vec![0];
    leading_zero.extend_from_slice(&raw);
    assert_eq!(
        check(Base64::encode_string(&leading_zero).as_bytes()),
        Err(Error::SignatureLength { expected: 256, actual: 257 })
    );
    // Empty.
    assert_eq!(check(b""), Err(Error::SignatureLength { expected: 256, actual: 0 }));
    // Base64 that needs cleaning: whitespace, URL-safe alphabet, missing padding.
    let invalid = Err(Error::InvalidBase64 { field: Field::Signature });
    let spaced = format!("{} {}", &VECTOR_SIG[..100], &VECTOR_SIG[100..]);
    assert_eq!(check(spaced.as_bytes()), invalid);
    let wrapped = format!("{}\n{}", &VECTOR_SIG[..64], &VECTOR_SIG[64..]);
    assert_eq!(check(wrapped.as_bytes()), invalid);
    assert_eq!(check(Base64Url::encode_string(&raw).as_bytes()), invalid);
    assert_eq!(check(VECTOR_SIG.trim_end_matches('=').as_bytes()), invalid);
    // A signature value >= n is refused, not reduced.
    assert_eq!(check(Base64::encode_string(&[0xFF; 256]).as_bytes()), Err(Error::SignatureMismatch));
}

/// Hand-built PKCS#1 v1.5 blocks raised to the private exponent: correctly padded, correctly
/// signed, but carrying a SHA-1 DigestInfo, no DigestInfo, or a malformed one. None may verify.
#[test]
fn other_hash_algorithms_and_malformed_digest_info_are_refused() {
    use rsa::pkcs8::DecodePrivateKey;
    use rsa::traits::{PrivateKeyParts, PublicKeyParts};
    use rsa::BoxedUint;
    let key =
        rsa::PrivateKey::from_pkcs8_pem(std::str::from_utf8(&read("vectors/keys/rsa2048-pkcs8.pem")).unwrap()).unwrap();
    let verifier = RsaVerifier::from_bytes(&read("vectors/keys/rsa2048-public.pem"), &KeyOptions::default()).unwrap();
    let message = format!("{CLIENT}|{TS}");
    let sha256 = <sha2::Sha256 as sha2::Digest>::digest(message.as_bytes());
    let sha1_prefix: &[u8] =
        &[0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14];
    let sha256_prefix: &[u8] = &[
        0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04,
        0x20,
    ];
    let raw_sign = |t: &[u8]| {
        // EM = 00 01 FF..FF 00 || T, then s = EM^d mod n.
        let mut em = vec![0u8; 256];
        em[1] = 1;
        let ps_end = 256 - t.len() - 1;
        em[2..ps_end].fill(0xFF);
        em[ps_end + 1..].copy_from_slice(t);
        let m = BoxedUint::from_be_slice(&em, 2048).unwrap();
        let n = key.n().clone();
        let params =
            crypto_bigint::modular::BoxedMontyParams::new(crypto_bigint::Odd::new(n.as_ref().clone()).unwrap());
        let s = crypto_bigint::modular::BoxedMontyForm::new(m, &params).pow(key.d()).retrieve();
        Base64::encode_string(&s.to_be_bytes())
    };
    // Sanity: the honest construction verifies, so the helper is right.
    let honest = [sha256_prefix, sha256.as_slice()].concat();
    assert_eq!(raw_sign(&honest), VECTOR_SIG);
    // SHA-1 DigestInfo carrying the first 20 bytes of the SHA-256 hash.
    let sha1_info = [sha1_prefix, &sha256[..20]].concat();
    assert_eq!(verifier.verify(message.as_bytes(), raw_sign(&sha1_info).as_bytes()), Err(Error::SignatureMismatch));
    // No DigestInfo at all (raw hash), and a DigestInfo with a wrong length byte.
    assert_eq!(verifier.verify(message.as_bytes(), raw_sign(&sha256).as_bytes()), Err(Error::SignatureMismatch));
    let mut bad_len = honest.clone();
    bad_len[1] = 0x32;
    assert_eq!(verifier.verify(message.as_bytes(), raw_sign(&bad_len).as_bytes()), Err(Error::SignatureMismatch));
    // signed_digest (one RSA operation for many candidate messages) refuses exactly what verify
    // refuses, and gives the honest signature's SHA-256.
    assert_eq!(verifier.signed_digest(VECTOR_SIG.as_bytes()), Ok(<[u8; 32]>::from(sha256)));
    for forged in [&sha1_info[..], &sha256[..], &bad_len[..]] {
        assert_eq!(verifier.signed_digest(raw_sign(forged).as_bytes()), Err(Error::SignatureMismatch));
    }
    // Another block type, a padding byte that is not FF, a missing separator.
    let block = |edit: &dyn Fn(&mut Vec<u8>)| {
        let mut em = vec![0u8; 256];
        em[1] = 1;
        em[2..256 - honest.len() - 1].fill(0xFF);
        em[256 - honest.len()..].copy_from_slice(&honest);
        edit(&mut em);
        let m = BoxedUint::from_be_slice(&em, 2048).unwrap();
        let params =
            crypto_bigint::modular::BoxedMontyParams::new(crypto_bigint::Odd::new(key.n().as_ref().clone()).unwrap());
        Base64::encode_string(
            &crypto_bigint::modular::BoxedMontyForm::new(m, &params).pow(key.d()).retrieve().to_be_bytes(),
        )
    };
    assert_eq!(block(&|_| {}), VECTOR_SIG);
    for edit in [
        &(|em: &mut Vec<u8>| em[1] = 2) as &dyn Fn(&mut Vec<u8>),
        &|em: &mut Vec<u8>| em[50] = 0xFE,
        &|em: &mut Vec<u8>| em[256 - 51 + 5] = 0x07,
        &|em: &mut Vec<u8>| em[256 - 52] = 0xFF,
    ] {
        let sig = block(edit);
        assert_eq!(verifier.verify(message.as_bytes(), sig.as_bytes()), Err(Error::SignatureMismatch));
        assert_eq!(verifier.signed_digest(sig.as_bytes()), Err(Error::SignatureMismatch));
    }
}

/// `signed_digest` agrees with `verify` for every key size, on the honest message and on others,
/// and refuses what `verify` refuses before any arithmetic (length, base64, a value >= n).
#[test]
fn signed_digest_agrees_with_verify() {
    use sha2::Digest;
    for name in ["rsa2048", "rsa3072", "rsa4096"] {
        let signer =
            RsaSigner::from_bytes(&read(&format!("vectors/keys/{name}-pkcs8.pem")), &KeyOptions::default()).unwrap();
        let verifier = signer.verifier();
        for i in 0..4u8 {
            let message = format!("{CLIENT}{i}|{TS}");
            let sig = signer.sign(message.as_bytes(), &mut getrandom::SysRng).unwrap();
            let digest = verifier.signed_digest(sig.as_bytes()).unwrap();
            for candidate in [message.clone(), format!("{message} "), format!("{CLIENT}|{TS}")] {
                let by_digest = digest == <[u8; 32]>::from(sha2::Sha256::digest(candidate.as_bytes()));
                assert_eq!(
                    by_digest,
                    verifier.verify(candidate.as_bytes(), sig.as_bytes()).is_ok(),
                    "{name} {candidate}"
                );
            }
        }
        assert!(matches!(verifier.signed_digest(b"AAAA"), Err(Error::SignatureLength { actual: 3, .. })));
        assert_eq!(verifier.signed_digest(b"not base64!"), Err(Error::InvalidBase64 { field: Field::Signature }));
        let big = Base64::encode_string(&vec![0xFF; verifier.modulus_bits() / 8]);
        assert_eq!(verifier.signed_digest(big.as_bytes()), Err(Error::SignatureMismatch));
    }
}

#[test]
fn hmac_wrong_secret_tamper_and_encoding() {
    let signer = HmacSigner::new(b"a-secret").unwrap();
    let msg = b"POST:/v1.0/x:tok:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855:2020-01-01T00:00:00Z";
    let sig = signer.sign(msg);
    assert_eq!(sig.len(), 88);
    signer.verify(msg, sig.as_bytes()).unwrap();
    assert_eq!(HmacSigner::new(b"a-secreT").unwrap().verify(msg, sig.as_bytes()), Err(Error::SignatureMismatch));
    assert_eq!(signer.verify(&msg[1..], sig.as_bytes()), Err(Error::SignatureMismatch));
    let raw = Base64::decode_vec(&sig).unwrap();
    assert_eq!(
        signer.verify(msg, Base64::encode_string(&raw[..63]).as_bytes()),
        Err(Error::SignatureLength { expected: 64, actual: 63 })
    );
    assert_eq!(signer.verify(msg, b""), Err(Error::SignatureLength { expected: 64, actual: 0 }));
    assert_eq!(
        signer.verify(msg, Base64Url::encode_string(&raw).as_bytes()),
        Err(Error::InvalidBase64 { field: Field::Signature })
    );
    assert_eq!(HmacSigner::new(b"").unwrap_err(), Error::EmptyField { field: Field::ClientSecret });
    let mut short = [0u8; 87];
    assert_eq!(signer.sign_into(msg, &mut short), Err(Error::BufferTooSmall { needed: 88 }));
}

#[test]
fn secrets_never_show_in_debug_output() {
    let signer = RsaSigner::from_bytes(&read("vectors/keys/rsa2048-pkcs8.pem"), &KeyOptions::default()).unwrap();
    let shown = format!("{signer:?}");
    assert_eq!(shown, "RsaSigner { bits: 2048, .. }");
    assert_eq!(format!("{:?}", HmacSigner::new(b"a-secret").unwrap()), "HmacSigner(<redacted>)");
    let opts = KeyOptions { allow_weak: false, passphrase: Some(b"hunter2") };
    assert!(!format!("{opts:?}").contains("hunter2"));
}
