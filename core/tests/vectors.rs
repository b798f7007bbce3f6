//! Every entry of tests/vectors/snap-vectors.json (made with OpenSSL and Python's hmac).

use std::path::PathBuf;

use base64ct::{Base64, Encoding};
use serde_json::Value;
use snapsign_core::minify::minify;
use snapsign_core::{body_digest, string_to_sign, Error, HmacSigner, KeyOptions, RsaSigner, RsaVerifier};

fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors")
}

fn vectors() -> Value {
    let text = std::fs::read_to_string(vectors_dir().join("snap-vectors.json")).expect("vectors file");
    serde_json::from_str(&text).expect("vectors JSON")
}

fn key(name: &str, form: &str) -> Vec<u8> {
    std::fs::read(vectors_dir().join("keys").join(format!("{name}-{form}"))).expect("key file")
}

fn s<'a>(v: &'a Value, field: &str) -> &'a str {
    v[field].as_str().unwrap_or_else(|| panic!("field {field} in {v}"))
}

fn section<'a>(v: &'a Value, name: &str) -> &'a Vec<Value> {
    let list = v[name].as_array().expect("section");
    assert!(!list.is_empty(), "section {name} is empty");
    list
}

#[test]
fn token_b2b() {
    let v = vectors();
    let mut rng = getrandom::SysRng;
    for case in section(&v, "token_b2b") {
        let name = s(case, "key");
        let sts = string_to_sign::token(s(case, "client_id"), s(case, "timestamp")).unwrap();
        assert_eq!(sts.as_str(), s(case, "string_to_sign"));
        for form in ["pkcs8.pem", "pkcs1.pem", "pkcs8.der", "pkcs1.der"] {
            let signer = RsaSigner::from_bytes(&key(name, form), &KeyOptions::default()).unwrap();
            let sig = signer.sign_token(s(case, "client_id"), s(case, "timestamp"), &mut rng).unwrap();
            assert_eq!(sig.as_str(), s(case, "signature"), "{name} {form}");
        }
        for form in ["public.pem", "public-pkcs1.pem", "public.der"] {
            let path = vectors_dir().join("keys").join(format!("{name}-{form}"));
            if !path.exists() {
                continue;
            }
            let verifier = RsaVerifier::from_bytes(&std::fs::read(path).unwrap(), &KeyOptions::default()).unwrap();
            verifier.verify_token(s(case, "client_id"), s(case, "timestamp"), s(case, "signature").as_bytes()).unwrap();
            assert_eq!(
                verifier.verify_token(s(case, "client_id"), "2000-01-01T00:00:00Z", s(case, "signature").as_bytes()),
                Err(Error::SignatureMismatch)
            );
        }
    }
}

#[test]
fn transaction_hmac() {
    let v = vectors();
    for case in section(&v, "transaction_hmac") {
        let body = s(case, "body").as_bytes();
        let digest = body_digest(body).unwrap();
        assert_eq!(digest.as_str(), s(case, "body_sha256_hex"));
        let sts = string_to_sign::transaction(
            s(case, "method"),
            s(case, "path"),
            s(case, "access_token"),
            &digest,
            s(case, "timestamp"),
        )
        .unwrap();
        assert_eq!(sts.as_str(), s(case, "string_to_sign"));
        let signer = HmacSigner::new(s(case, "client_secret").as_bytes()).unwrap();
        let sig = signer
            .sign_transaction(s(case, "method"), s(case, "path"), s(case, "access_token"), body, s(case, "timestamp"))
            .unwrap();
        assert_eq!(sig.as_str(), s(case, "signature"));
        signer
            .verify_transaction(
                s(case, "method"),
                s(case, "path"),
                s(case, "access_token"),
                body,
                s(case, "timestamp"),
                s(case, "signature").as_bytes(),
            )
            .unwrap();
        let other = HmacSigner::new(b"another secret").unwrap();
        assert_eq!(other.verify(sts.as_bytes(), s(case, "signature").as_bytes()), Err(Error::SignatureMismatch));
    }
}

#[test]
fn service_rsa() {
    let v = vectors();
    let mut rng = getrandom::SysRng;
    for case in section(&v, "service_rsa") {
        let name = s(case, "key");
        let body = s(case, "body").as_bytes();
        let digest = body_digest(body).unwrap();
        assert_eq!(digest.as_str(), s(case, "body_sha256_hex"));
        let sts = string_to_sign::service(s(case, "method"), s(case, "path"), &digest, s(case, "timestamp")).unwrap();
        assert_eq!(sts.as_str(), s(case, "string_to_sign"));
        let signer = RsaSigner::from_bytes(&key(name, "pkcs8.pem"), &KeyOptions::default()).unwrap();
        let sig =
            signer.sign_service(s(case, "method"), s(case, "path"), body, s(case, "timestamp"), &mut rng).unwrap();
        assert_eq!(sig.as_str(), s(case, "signature"));
        let verifier = RsaVerifier::from_bytes(&key(name, "public.pem"), &KeyOptions::default()).unwrap();
        verifier
            .verify_service(
                s(case, "method"),
                s(case, "path"),
                body,
                s(case, "timestamp"),
                s(case, "signature").as_bytes(),
            )
            .unwrap();
    }
}

#[test]
fn minify_valid() {
    let v = vectors();
    for case in section(&v, "minify") {
        let input = s(case, "input").as_bytes();
        let mut out = vec![0u8; input.len()];
        let n = minify(input, &mut out).unwrap();
        assert_eq!(&out[..n], s(case, "output").as_bytes());
    }
}

#[test]
fn minify_invalid() {
    let v = vectors();
    for case in section(&v, "minify_invalid") {
        let input = Base64::decode_vec(s(case, "input_b64")).unwrap();
        let mut out = vec![0u8; input.len() + 1];
        match minify(&input, &mut out) {
            Err(Error::InvalidJson { offset, .. }) => assert!(offset <= input.len()),
            other => panic!("{:?} must be rejected, got {other:?}", String::from_utf8_lossy(&input)),
        }
        assert!(matches!(body_digest(&input), Err(Error::InvalidJson { .. })));
    }
}
