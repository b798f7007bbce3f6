//! The core's parsers on small inputs: keys, timestamps, JSON minify, token responses. Sized for
//! Miri (tests/miri/run.sh runs this file, and the parsers' unit tests, under Stacked and Tree
//! Borrows): inputs are compiled in (no file system), keys are public keys and the 480-bit
//! private fixture (a 2048-bit private key's validation and CRT precomputation take minutes
//! under Miri; `RsaSigner` with real keys is covered natively by core/tests/vectors.rs).

use snapsign_core::access_token::TokenResponse;
use snapsign_core::minify::{minify, Minifier};
use snapsign_core::timestamp::{check_skew, Timestamp, TimestampFormat, WIB};
use snapsign_core::{Error, KeyErrorKind, KeyOptions, RsaSigner, RsaVerifier};

const VECTORS: &str = include_str!("../../tests/vectors/snap-vectors.json");
const PUBLIC_PEM: &[u8] = include_bytes!("../../tests/vectors/keys/rsa2048-public.pem");
const PUBLIC_DER: &[u8] = include_bytes!("../../tests/vectors/keys/rsa2048-public.der");
const PUBLIC_PKCS1: &[u8] = include_bytes!("../../tests/vectors/keys/rsa2048-public-pkcs1.pem");
const CERT_DER: &[u8] = include_bytes!("../../tests/fixtures/rsa2048-cert.der");
const EC_CERT: &[u8] = include_bytes!("../../tests/fixtures/ec-p256-cert.pem");
const WEAK_480: &[u8] = include_bytes!("../../tests/fixtures/weak480-pkcs8.pem");

fn vectors() -> serde_json::Value {
    serde_json::from_str(VECTORS).unwrap()
}

#[test]
fn minify_vectors_whole_and_streamed() {
    let v = vectors();
    let cases = v["minify"].as_array().unwrap();
    assert!(cases.len() >= 8);
    for case in cases {
        let input = case["input"].as_str().unwrap().as_bytes();
        let want = case["output"].as_str().unwrap();
        let mut out = vec![0u8; input.len()];
        let n = minify(input, &mut out).unwrap();
        assert_eq!(std::str::from_utf8(&out[..n]).unwrap(), want);
        // The same through the streaming minifier, fed 3 bytes at a time.
        let mut streamed: Vec<u8> = Vec::new();
        let mut m = Minifier::new();
        for chunk in input.chunks(3) {
            m.update(chunk, &mut streamed).unwrap();
        }
        m.finish().unwrap();
        assert_eq!(streamed, want.as_bytes());
        // A buffer one byte short is refused with the length needed.
        if n > 0 {
            assert_eq!(minify(input, &mut out[..n - 1]), Err(Error::BufferTooSmall { needed: n }));
        }
    }
}

#[test]
fn invalid_json_is_an_error_with_an_offset_inside_the_body() {
    use base64ct::{Base64, Encoding};
    let v = vectors();
    let cases = v["minify_invalid"].as_array().unwrap();
    assert!(cases.len() >= 10);
    for case in cases {
        let input = Base64::decode_vec(case["input_b64"].as_str().unwrap()).unwrap();
        let mut out = vec![0u8; input.len() + 1];
        match minify(&input, &mut out) {
            Err(Error::InvalidJson { offset, .. }) => assert!(offset <= input.len(), "{input:?}: {offset}"),
            other => panic!("{input:?}: {other:?}"),
        }
    }
    assert!(matches!(minify(b"{\"a\":1,}", &mut [0u8; 16]), Err(Error::InvalidJson { offset: 7, .. })));
}

#[test]
fn timestamps_round_trip_and_errors_have_offsets() {
    let v = vectors();
    let mut seen = 0;
    for case in v["token_b2b"].as_array().unwrap().iter().chain(v["transaction_hmac"].as_array().unwrap()) {
        let text = case["timestamp"].as_str().unwrap();
        let ts = Timestamp::parse(text).unwrap();
        let again = Timestamp::from_unix_millis(ts.unix_millis(), ts.offset_minutes()).unwrap();
        assert_eq!(again.format(TimestampFormat { millis: text.contains('.'), utc_as_z: text.ends_with('Z') }), text);
        seen += 1;
    }
    assert!(seen >= 17);
    let ts = Timestamp::from_unix_seconds(1_577_826_600, WIB).unwrap();
    assert_eq!(ts.format(TimestampFormat::default()), "2020-01-01T04:10:00+07:00");
    assert_eq!(Timestamp::parse("2020-01-01T04:10:00+07:00").unwrap().unix_millis(), 1_577_826_600_000);
    for (text, offset) in [
        ("2023-02-01 00:00:00Z", 10),
        ("2023-02-29T00:00:00Z", 8),
        ("2023-13-01T00:00:00Z", 5),
        ("2023-01-01T24:00:00Z", 11),
        ("2023-01-01T00:00:00", 19),
        ("2023-01-01T00:00:00+7:00", 21),
        ("", 0),
    ] {
        match Timestamp::parse(text) {
            Err(Error::InvalidTimestamp { offset: at, .. }) => assert_eq!(at, offset, "{text}"),
            other => panic!("{text}: {other:?}"),
        }
    }
    assert!(Timestamp::parse_bytes(b"2020-01-01T04:10:00\xff07:00").is_err());
    assert!(matches!(
        check_skew("2020-01-01T04:10:00+07:00", 1_577_826_600_000 + 901_000, 900),
        Err(Error::TimestampSkew { allowed_seconds: 900, .. })
    ));
    assert!(check_skew("2020-01-01T04:10:00+07:00", 1_577_826_600_000 + 899_000, 900).is_ok());
}

#[test]
fn token_responses_parse_and_bad_ones_are_typed_errors() {
    let r = TokenResponse::parse(
        br#"{"responseCode":"2007300","responseMessage":"Successful","accessToken":"eyJ.x","tokenType":"Bearer","expiresIn":"900","additionalInfo":{"a":[1,{"b":null}]}}"#,
    )
    .unwrap();
    assert_eq!((r.response_code.http_status, r.response_code.service_code, r.response_code.case_code), (200, 73, 0));
    assert_eq!((r.access_token.as_str(), r.token_type.as_str(), r.expires_in), ("eyJ.x", "Bearer", Some(900)));
    let e = TokenResponse::parse(br#"{"responseCode":"4017300","responseMessage":"Unauthorized. Unknown Client"}"#)
        .unwrap();
    assert_eq!((e.response_code.http_status, e.response_message.as_str()), (401, "Unauthorized. Unknown Client"));
    assert!(matches!(TokenResponse::parse(b"[]"), Err(Error::InvalidResponse { .. })));
    assert!(matches!(TokenResponse::parse(b"{\"responseCode\":"), Err(Error::InvalidJson { offset: 16, .. })));
    assert!(matches!(TokenResponse::parse(br#"{"responseCode":"20073"}"#), Err(Error::InvalidResponse { .. })));
    let long = format!(r#"{{"responseCode":"2007300","accessToken":"{}"}}"#, "t".repeat(5000));
    assert!(matches!(TokenResponse::parse(long.as_bytes()), Err(Error::InvalidResponse { .. })));
}

#[test]
fn public_keys_in_every_form_and_bad_keys_are_typed_errors() {
    let o = KeyOptions::default();
    for (name, key) in
        [("SPKI PEM", PUBLIC_PEM), ("SPKI DER", PUBLIC_DER), ("PKCS#1 PEM", PUBLIC_PKCS1), ("cert", CERT_DER)]
    {
        let v = RsaVerifier::from_bytes(key, &o).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(v.signature_len(), 344, "{name}");
    }
    let malformed = Error::InvalidKey { kind: KeyErrorKind::Malformed };
    assert_eq!(RsaVerifier::from_bytes(b"", &o).unwrap_err(), malformed);
    assert_eq!(RsaVerifier::from_bytes(&PUBLIC_PEM[..PUBLIC_PEM.len() / 2], &o).unwrap_err(), malformed);
    assert_eq!(RsaVerifier::from_bytes(&PUBLIC_DER[..100], &o).unwrap_err(), malformed);
    let mut flipped = PUBLIC_DER.to_vec();
    flipped[1] ^= 0x40;
    assert_eq!(RsaVerifier::from_bytes(&flipped, &o).unwrap_err(), malformed);
    assert_eq!(
        RsaVerifier::from_bytes(EC_CERT, &o).unwrap_err(),
        Error::InvalidKey { kind: KeyErrorKind::Unsupported }
    );
    // A public key where a private one is needed.
    assert_eq!(
        RsaSigner::from_bytes(PUBLIC_PEM, &o).unwrap_err(),
        Error::InvalidKey { kind: KeyErrorKind::PublicKeyGiven }
    );
    assert_eq!(
        RsaSigner::from_bytes(CERT_DER, &o).unwrap_err(),
        Error::InvalidKey { kind: KeyErrorKind::CertificateGiven }
    );
}

#[test]
fn a_small_private_key_parses_and_is_refused_unless_allowed() {
    assert!(matches!(RsaSigner::from_bytes(WEAK_480, &KeyOptions::default()), Err(Error::WeakKey { .. })));
    let allow = KeyOptions { allow_weak: true, passphrase: None };
    let s = RsaSigner::from_bytes(WEAK_480, &allow).unwrap();
    assert_eq!(s.signature_len(), 80);
    // PEM text with \n written as two characters (an environment variable) is the same key.
    let text = std::str::from_utf8(WEAK_480).unwrap().replace('\n', "\\n");
    assert_eq!(RsaSigner::from_bytes(text.as_bytes(), &allow).unwrap().signature_len(), 80);
}
