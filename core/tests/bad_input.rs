//! Every kind of bad input, the exact error it gives and that error's message: the table of
//! docs/errors.md, row for row. `docs_table_matches_this_test` keeps the two in step: every row
//! id of the document must be a case here with the same variant and message, and vice versa.

use std::collections::BTreeMap;
use std::fmt;

use snapsign_core::access_token::{
    b2b2c_request_body, external_id, Grant, ResponseCode, TokenRequestHeaders, TokenResponse,
};
use snapsign_core::endpoint;
use snapsign_core::minify::minify;
use snapsign_core::provider;
use snapsign_core::request::{Call, RequestHeaders, Signer, When};
use snapsign_core::string_to_sign::{self, check_access_token, check_client_id, check_path};
use snapsign_core::timestamp::{check_skew, Timestamp};
use snapsign_core::{
    body_digest, describe_response_code, AccessToken, Error, HmacSigner, KeyOptions, RsaSigner, RsaVerifier,
};

fn read(rel: &str) -> Vec<u8> {
    std::fs::read(format!("{}/../{rel}", env!("CARGO_MANIFEST_DIR"))).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

const TS: &str = "2020-01-01T00:00:00Z";

/// An RNG whose every call fails.
struct BrokenRng;

#[derive(Debug)]
struct Broken;

impl fmt::Display for Broken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("broken")
    }
}

impl core::error::Error for Broken {}

impl rand_core::TryRng for BrokenRng {
    type Error = Broken;
    fn try_next_u32(&mut self) -> Result<u32, Broken> {
        Err(Broken)
    }
    fn try_next_u64(&mut self) -> Result<u64, Broken> {
        Err(Broken)
    }
    fn try_fill_bytes(&mut self, _: &mut [u8]) -> Result<(), Broken> {
        Err(Broken)
    }
}

impl rand_core::TryCryptoRng for BrokenRng {}

fn unit<T>(r: Result<T, Error>) -> Result<(), Error> {
    r.map(|_| ())
}

/// One row: id, what is wrong, and the call that must fail.
type Case = (&'static str, Box<dyn Fn() -> Result<(), Error>>);

fn cases() -> Vec<Case> {
    let pem = read("tests/vectors/keys/rsa2048-pkcs8.pem");
    let signer = std::rc::Rc::new(RsaSigner::from_bytes(&pem, &KeyOptions::default()).unwrap());
    let verifier = std::rc::Rc::new(signer.verifier());
    let hmac = std::rc::Rc::new(HmacSigner::new(b"a-secret").unwrap());
    let real_sig = signer.sign_token("C1", TS, &mut getrandom::SysRng).unwrap();
    let hmac_sig = hmac.sign(b"m");
    let key = |rel: &'static str, options: KeyOptions<'static>| -> Box<dyn Fn() -> Result<(), Error>> {
        Box::new(move || unit(RsaSigner::from_bytes(&read(rel), &options)))
    };
    let deep = "[".repeat(129);
    let digest = body_digest(b"").unwrap();
    let (s, v, h) = (signer.clone(), verifier.clone(), hmac.clone());
    let (v2, v3, v4, v5, v6) =
        (verifier.clone(), verifier.clone(), verifier.clone(), verifier.clone(), verifier.clone());
    let (h2, h3) = (hmac.clone(), hmac.clone());
    let (s2, s3, s4) = (signer.clone(), signer.clone(), signer.clone());
    let real_sig2 = real_sig.clone();
    vec![
        // JSON bodies.
        ("json-unexpected-byte", Box::new(|| unit(minify(br#"{"a":1,}"#, &mut [0; 64])))),
        ("json-unexpected-end", Box::new(|| unit(minify(br#"{"a":1"#, &mut [0; 64])))),
        ("json-trailing-data", Box::new(|| unit(minify(b"{} {}", &mut [0; 64])))),
        ("json-byte-order-mark", Box::new(|| unit(minify(b"\xEF\xBB\xBF{}", &mut [0; 64])))),
        ("json-control-character", Box::new(|| unit(minify(b"{\"a\":\"\x01\"}", &mut [0; 64])))),
        ("json-invalid-escape", Box::new(|| unit(minify(br#""\x""#, &mut [0; 64])))),
        ("json-lone-surrogate", Box::new(|| unit(minify(br#""\ud800""#, &mut [0; 64])))),
        ("json-invalid-utf8", Box::new(|| unit(minify(b"\"\xC0\x80\"", &mut [0; 64])))),
        ("json-invalid-number", Box::new(|| unit(minify(br#"{"a":01}"#, &mut [0; 64])))),
        ("json-too-deep", Box::new(move || unit(body_digest(deep.as_bytes())))),
        ("minify-buffer-too-small", Box::new(|| unit(minify(b"[1, 2, 3]", &mut [0; 4])))),
        // Timestamps.
        ("timestamp-syntax", Box::new(|| unit(Timestamp::parse("2020-01-01 00:00:00Z")))),
        ("timestamp-month", Box::new(|| unit(Timestamp::parse("2020-13-01T00:00:00Z")))),
        ("timestamp-day", Box::new(|| unit(Timestamp::parse("2023-02-29T00:00:00Z")))),
        ("timestamp-hour", Box::new(|| unit(Timestamp::parse("2020-01-01T24:00:00Z")))),
        ("timestamp-minute", Box::new(|| unit(Timestamp::parse("2020-01-01T00:60:00Z")))),
        ("timestamp-second", Box::new(|| unit(Timestamp::parse("2020-01-01T00:00:60Z")))),
        ("timestamp-offset", Box::new(|| unit(Timestamp::parse("2020-01-01T00:00:00+18:01")))),
        ("timestamp-too-long", Box::new(|| unit(string_to_sign::token("C1", "2020-01-01T00:00:00.1234567890+07:00")))),
        ("timestamp-out-of-range", Box::new(|| unit(Timestamp::from_unix_millis(i64::MAX, 0)))),
        ("timestamp-offset-out-of-range", Box::new(|| unit(Timestamp::from_unix_seconds(0, 18 * 60 + 1)))),
        ("timestamp-skew", Box::new(|| unit(check_skew("2020-01-01T04:30:00+07:00", 1_577_826_600_000, 900)))),
        // Header fields.
        ("client-id-empty", Box::new(|| check_client_id(""))),
        ("client-id-too-long", Box::new(|| check_client_id(&"c".repeat(257)))),
        ("client-id-control-character", Box::new(|| check_client_id("ab\ncd"))),
        ("client-id-pipe", Box::new(|| check_client_id("a|b"))),
        ("method-lower-case", Box::new(move || unit(string_to_sign::transaction("post", "/x", "t", &digest, TS)))),
        ("method-unknown", Box::new(move || unit(string_to_sign::service("HEAD", "/x", &digest, TS)))),
        ("path-absolute-url", Box::new(|| check_path("https://api.example.com/v1.0/x"))),
        ("path-scheme-relative-url", Box::new(|| check_path("//api.example.com/v1.0/x"))),
        ("path-without-slash", Box::new(|| check_path("v1.0/x"))),
        ("path-empty", Box::new(|| check_path(""))),
        ("path-too-long", Box::new(|| check_path(&format!("/{}", "p".repeat(2048))))),
        ("path-control-character", Box::new(|| check_path("/x\t"))),
        (
            "endpoint-canonical-too-long",
            Box::new(|| unit(endpoint::canonical_query(&format!("/x?q={}", " ".repeat(700))))),
        ),
        (
            "request-hmac-for-rsa-profile",
            Box::new(|| {
                let hmac = HmacSigner::new(b"secret")?;
                let call = Call { channel_id: Some("1"), ..Call::new("POST", "/v1.0/x", b"{}", "P1") };
                unit(RequestHeaders::sign(
                    &provider::DANA,
                    Signer::Hmac(&hmac),
                    &call,
                    When::UnixMillis(0),
                    &mut getrandom::SysRng,
                ))
            }),
        ),
        (
            "request-partner-id-too-long",
            Box::new(|| {
                let long_partner = "p".repeat(37);
                let hmac = HmacSigner::new(b"secret")?;
                let call = Call {
                    access_token: Some("t"),
                    channel_id: Some("1"),
                    ..Call::new("POST", "/v1.0/x", b"{}", &long_partner)
                };
                unit(RequestHeaders::sign(
                    &provider::GENERIC,
                    Signer::Hmac(&hmac),
                    &call,
                    When::UnixMillis(0),
                    &mut getrandom::SysRng,
                ))
            }),
        ),
        ("access-token-bearer-prefix", Box::new(|| check_access_token("Bearer eyJhbGciOiJSUzI1NiJ9"))),
        ("access-token-empty", Box::new(|| check_access_token(""))),
        ("access-token-too-long", Box::new(|| check_access_token(&"t".repeat(2049)))),
        ("access-token-control-character", Box::new(|| check_access_token("a\u{7f}"))),
        ("client-secret-empty", Box::new(|| unit(HmacSigner::new(b"")))),
        (
            "origin-control-character",
            Box::new(move || unit(TokenRequestHeaders::new(&s4, "C1", TS, Some("a\rb"), &mut getrandom::SysRng))),
        ),
        ("grant-value-empty", Box::new(|| unit(b2b2c_request_body(Grant::AuthorizationCode(""))))),
        ("grant-value-too-long", Box::new(|| unit(b2b2c_request_body(Grant::AuthorizationCode(&"a".repeat(257)))))),
        ("external-id-empty", Box::new(|| unit(external_id(&mut getrandom::SysRng, 0)))),
        ("external-id-too-long", Box::new(|| unit(external_id(&mut getrandom::SysRng, 37)))),
        // Signatures.
        ("signature-not-base64", Box::new(move || v.verify(b"m", b"not base64!"))),
        (
            "signature-url-safe-base64",
            Box::new(move || v2.verify(b"m", &real_sig2.replace('+', "-").replace('/', "_").into_bytes())),
        ),
        ("signature-with-whitespace", Box::new(move || v3.verify(b"m", format!("{}\n", &real_sig[..340]).as_bytes()))),
        ("signature-empty", Box::new(move || v4.verify(b"m", b""))),
        ("signature-truncated", Box::new(move || v5.verify(b"m", b"AAAA"))),
        (
            "signature-mismatch-rsa",
            Box::new(move || v6.verify_token("C2", TS, s.sign_token("C1", TS, &mut getrandom::SysRng)?.as_bytes())),
        ),
        ("signature-mismatch-hmac", Box::new(move || h.verify(b"M", hmac_sig.as_bytes()))),
        ("signature-length-hmac", Box::new(move || h2.verify(b"m", b"AAAA"))),
        // Keys.
        ("key-malformed", Box::new(|| unit(RsaSigner::from_bytes(b"not a key", &KeyOptions::default())))),
        ("key-public-given", key("tests/vectors/keys/rsa2048-public.pem", KeyOptions::default())),
        ("key-certificate-given", key("tests/fixtures/rsa2048-cert.pem", KeyOptions::default())),
        (
            "key-ec-certificate-given-to-verifier",
            Box::new(|| {
                unit(RsaVerifier::from_bytes(&read("tests/fixtures/ec-p256-cert.pem"), &KeyOptions::default()))
            }),
        ),
        ("key-encrypted-no-passphrase", key("tests/fixtures/rsa2048-encrypted-pkcs8.pem", KeyOptions::default())),
        (
            "key-wrong-passphrase",
            key(
                "tests/fixtures/rsa2048-encrypted-pkcs8.der",
                KeyOptions { allow_weak: false, passphrase: Some(b"wrong") },
            ),
        ),
        ("key-ec", key("tests/fixtures/ec-p256-pkcs8.pem", KeyOptions::default())),
        ("key-legacy-encrypted-pem", key("tests/fixtures/rsa2048-legacy-encrypted.pem", KeyOptions::default())),
        (
            "key-openssh",
            Box::new(|| {
                unit(RsaSigner::from_bytes(
                    b"-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaA==\n-----END OPENSSH PRIVATE KEY-----\n",
                    &KeyOptions::default(),
                ))
            }),
        ),
        ("key-weak-1024", key("tests/vectors/keys/weak1024-pkcs8.pem", KeyOptions::default())),
        ("key-weak-512", key("tests/fixtures/weak512-pkcs8.pem", KeyOptions::default())),
        (
            "key-weak-public-1024",
            Box::new(|| {
                unit(RsaVerifier::from_bytes(&read("tests/fixtures/weak1024-public.pem"), &KeyOptions::default()))
            }),
        ),
        (
            "key-too-small-to-sign",
            Box::new(|| {
                let allow = KeyOptions { allow_weak: true, ..KeyOptions::default() };
                let tiny = RsaSigner::from_bytes(&read("tests/fixtures/weak480-pkcs8.pem"), &allow)?;
                unit(tiny.sign(b"m", &mut getrandom::SysRng))
            }),
        ),
        // Output buffers and the RNG.
        ("rsa-buffer-too-small", Box::new(move || unit(s2.sign_into(b"m", &mut getrandom::SysRng, &mut [0; 100])))),
        ("hmac-buffer-too-small", Box::new(move || unit(h3.sign_into(b"m", &mut [0; 10])))),
        ("rng-failure-signing", Box::new(move || unit(s3.sign(b"m", &mut BrokenRng)))),
        ("rng-failure-external-id", Box::new(|| unit(external_id(&mut BrokenRng, 32)))),
        // Access-token responses.
        ("response-invalid-json", Box::new(|| unit(TokenResponse::parse(b"{")))),
        ("response-not-an-object", Box::new(|| unit(TokenResponse::parse(b"[]")))),
        ("response-missing-response-code", Box::new(|| unit(TokenResponse::parse(br#"{"responseMessage":"x"}"#)))),
        ("response-bad-response-code", Box::new(|| unit(TokenResponse::parse(br#"{"responseCode":"200730"}"#)))),
        ("response-code-parse", Box::new(|| unit(ResponseCode::parse("20O7300")))),
        ("response-wrong-type", Box::new(|| unit(TokenResponse::parse(br#"{"responseCode":2007300}"#)))),
        ("response-missing-access-token", Box::new(|| unit(TokenResponse::parse(br#"{"responseCode":"2007300"}"#)))),
        (
            "response-field-too-long",
            Box::new(|| {
                unit(TokenResponse::parse(
                    format!(r#"{{"responseCode":"2007300","accessToken":"{}"}}"#, "a".repeat(2049)).as_bytes(),
                ))
            }),
        ),
        (
            "response-bad-expires-in",
            Box::new(|| unit(TokenResponse::parse(br#"{"responseCode":"2007300","accessToken":"t","expiresIn":9.5}"#))),
        ),
        ("response-code-describe", Box::new(|| unit(describe_response_code("401730")))),
        // Access-token lifetime.
        (
            "access-token-error-response",
            Box::new(|| {
                let r = TokenResponse::parse(br#"{"responseCode":"4017300","responseMessage":"Unauthorized."}"#)?;
                unit(AccessToken::from_response(r, 0))
            }),
        ),
        (
            "access-token-expiry-overflow",
            Box::new(|| {
                let r = TokenResponse::parse(
                    br#"{"responseCode":"2007300","accessToken":"t","expiresIn":"18446744073709551615"}"#,
                )?;
                unit(AccessToken::from_response(r, 0))
            }),
        ),
    ]
}

/// The rows of docs/errors.md: id → (variant as `Debug`, message).
fn doc_rows() -> BTreeMap<String, (String, String)> {
    let text = String::from_utf8(read("docs/errors.md")).unwrap();
    let mut rows = BTreeMap::new();
    for line in text.lines() {
        // | `id` | what | `Variant` | message | C code |
        let cells: Vec<&str> = line.split(" | ").map(str::trim).collect();
        if cells.len() < 5 || !cells[0].starts_with("| `") {
            continue;
        }
        let id = cells[0].trim_start_matches("| ").trim_matches('`').to_owned();
        let variant = cells[2].trim_matches('`').to_owned();
        let message = cells[3].trim_matches('`').replace("\\|", "|");
        assert!(rows.insert(id.clone(), (variant, message)).is_none(), "row {id} twice in docs/errors.md");
    }
    rows
}

#[test]
fn every_bad_input_fails_as_documented() {
    let rows = doc_rows();
    let mut missing = Vec::new();
    for (id, call) in cases() {
        let err = match call() {
            Ok(()) => panic!("{id}: succeeded"),
            Err(e) => e,
        };
        match rows.get(id) {
            Some((variant, message)) => {
                assert_eq!(&format!("{err:?}"), variant, "{id}: variant differs from docs/errors.md");
                assert_eq!(&err.to_string(), message, "{id}: message differs from docs/errors.md");
            }
            None => missing.push(format!("| `{id}` | ? | `{err:?}` | {} |", err)),
        }
    }
    assert!(missing.is_empty(), "cases not in docs/errors.md:\n{}", missing.join("\n"));
}

#[test]
fn docs_table_matches_this_test() {
    let ids: Vec<&str> = cases().iter().map(|(id, _)| *id).collect();
    let rows = doc_rows();
    assert!(!rows.is_empty(), "no rows parsed from docs/errors.md");
    for id in rows.keys() {
        assert!(ids.contains(&id.as_str()), "docs/errors.md row {id} has no case in core/tests/bad_input.rs");
    }
    let mut unique = ids.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "duplicate case ids");
}
