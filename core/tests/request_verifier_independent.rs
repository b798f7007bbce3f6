//! Differential test of the receiving side: random requests signed by an independent
//! implementation (tests/oracle/snap_oracle.py: Python's hmac, hashlib, json and `cryptography`),
//! then verified by the `RequestVerifier`; every one must be accepted, and every one with a
//! changed byte (body, query, timestamp) rejected as a wrong signature.

#[path = "support/oracle.rs"]
mod support_oracle;
use support_oracle::{oracle, repo};

use base64ct::{Base64, Encoding};
use proptest::prelude::*;
use serde_json::json;
use snapsign_core::provider;
use snapsign_core::replay_guard::NoReplayGuard;
use snapsign_core::request_verifier::{Reason, Received, RequestVerifier, TokenState};
use snapsign_core::{HmacSigner, KeyOptions, RsaVerifier};

const NOW: i64 = 1_577_826_600_000;

fn tokens(t: &str, _: i64) -> TokenState {
    if t.starts_with("tok") {
        TokenState::Live
    } else {
        TokenState::Unknown
    }
}

#[derive(Debug, Clone)]
struct Req {
    method: &'static str,
    target: String,
    token: String,
    body: String,
    timestamp: &'static str,
    secret: String,
}

fn request() -> impl Strategy<Value = Req> {
    let value = prop_oneof![
        "[ a-z0-9]{0,8}".prop_map(|s| format!("\"{s}\"")),
        (0i64..100_000).prop_map(|n| n.to_string()),
        Just("null".to_string()),
        Just("\"\\/\\u00e9\"".to_string()),
    ];
    let body = prop_oneof![
        Just(String::new()),
        proptest::collection::vec(("[a-zA-Z]{1,6}", value, "[ \n\t]{0,2}"), 0..5).prop_map(|members| {
            let inner: Vec<String> = members.iter().map(|(k, v, ws)| format!("{ws}\"{k}\"{ws}:{ws}{v}")).collect();
            format!("{{{}}}", inner.join(","))
        }),
    ];
    let query = proptest::collection::vec(("[a-c]{1,2}", "[a-z0-9%~+ ]{0,3}"), 0..4).prop_map(|q| {
        if q.is_empty() {
            String::new()
        } else {
            let pieces: Vec<String> = q.iter().map(|(k, v)| format!("{k}={}", v.replace(' ', "%20"))).collect();
            format!("?{}", pieces.join("&"))
        }
    });
    (
        prop_oneof![Just("POST"), Just("GET"), Just("PUT")],
        "/[a-z]{1,8}(/[a-z0-9.-]{1,8}){0,2}",
        query,
        "tok[A-Za-z0-9._-]{0,20}",
        body,
        prop_oneof![
            Just("2020-01-01T04:10:00+07:00"),
            Just("2019-12-31T21:10:00Z"),
            Just("2020-01-01T04:09:30.123+07:00"),
            Just("2019-12-31T21:15:00.000Z")
        ],
        "[ -~]{1,40}",
    )
        .prop_map(|(method, path, query, token, body, timestamp, secret)| Req {
            method,
            target: format!("{path}{query}"),
            token,
            body,
            timestamp,
            secret,
        })
}

fn headers<'a>(token: &'a str, ts: &'a str, sig: &'a str, id: &'a str) -> [(&'a str, String); 6] {
    [
        ("Authorization", format!("Bearer {token}")),
        ("X-TIMESTAMP", ts.to_string()),
        ("X-SIGNATURE", sig.to_string()),
        ("X-PARTNER-ID", "P1".to_string()),
        ("X-EXTERNAL-ID", id.to_string()),
        ("CHANNEL-ID", "95221".to_string()),
    ]
}

fn check(v: &RequestVerifier<'_>, r: &Req, sig: &str, body: &str, target: &str) -> Result<(), Reason> {
    let h = headers(&r.token, r.timestamp, sig, "1");
    let pairs: Vec<(&str, &str)> = h.iter().map(|(n, v)| (*n, v.as_str())).collect();
    let received = Received { method: r.method, target, headers: &pairs[..], body: body.as_bytes() };
    v.verify(&received, NOW, 0, &tokens, &NoReplayGuard).map(|_| ()).map_err(|e| e.reason())
}

proptest! {
    // Few cases of many requests each: every case starts the Python oracle (about 0.4 s with
    // `cryptography`), so 12 cases of 32 requests (RSA: 16) check as many requests as 48 cases of
    // 8 (4) did, with a quarter of the oracle starts.
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn hmac_requests_signed_by_python_are_accepted(cases in proptest::collection::vec(request(), 32)) {
        // The endpoint each profile signs, computed by the oracle from the target.
        let endpoints = oracle(&cases.iter().map(|r| json!({"op": "endpoint", "target": r.target})).collect::<Vec<_>>());
        for (profile, rule) in [(&provider::GENERIC, "as_sent"), (&provider::BCA, "canonical")] {
            let signed = oracle(&cases.iter().zip(&endpoints).map(|(r, e)| json!({
                "op": "transaction", "method": r.method, "path": e[rule], "access_token": r.token,
                "body_b64": Base64::encode_string(r.body.as_bytes()), "timestamp": r.timestamp, "client_secret": r.secret,
            })).collect::<Vec<_>>());
            for (r, answer) in cases.iter().zip(signed) {
                let sig = answer["signature"].as_str().unwrap();
                let v = RequestVerifier::new(profile).with_client_secret(HmacSigner::new(r.secret.as_bytes()).unwrap());
                prop_assert_eq!(check(&v, r, sig, &r.body, &r.target), Ok(()), "{}: {:?}", profile.name, r);
                // One more byte in the body, or a changed query: a wrong signature.
                let longer = if r.body.is_empty() { "{}".to_string() } else { r.body.replacen('{', "{\"x\":1,", 1).replace(",}", "}") };
                let changed = check(&v, r, sig, &longer, &r.target);
                prop_assert!(matches!(changed, Err(Reason::WrongSignature { .. })), "{:?}", changed);
                let other_target = format!("{}{}z=1", r.target, if r.target.contains('?') { "&" } else { "?" });
                let changed = check(&v, r, sig, &r.body, &other_target);
                prop_assert!(matches!(changed, Err(Reason::WrongSignature { .. })), "{:?}", changed);
            }
        }
    }

    #[test]
    fn rsa_service_requests_signed_by_python_are_accepted(cases in proptest::collection::vec(request(), 16)) {
        let key = repo().join("tests/vectors/keys/rsa2048-pkcs8.pem");
        let public = std::fs::read(repo().join("tests/vectors/keys/rsa2048-public.pem")).unwrap();
        let signed = oracle(&cases.iter().map(|r| json!({
            "op": "service", "method": r.method, "path": r.target, "body_b64": Base64::encode_string(r.body.as_bytes()),
            "timestamp": r.timestamp, "key": key.to_string_lossy(),
        })).collect::<Vec<_>>());
        let v = RequestVerifier::new(&provider::DANA).with_public_key(RsaVerifier::from_bytes(&public, &KeyOptions::default()).unwrap());
        for (r, answer) in cases.iter().zip(signed) {
            let sig = answer["signature"].as_str().unwrap();
            prop_assert_eq!(check(&v, r, sig, &r.body, &r.target), Ok(()), "{:?}", r);
            let other_target = format!("{}{}z=1", r.target, if r.target.contains('?') { "&" } else { "?" });
            let changed = check(&v, r, sig, &r.body, &other_target);
            prop_assert!(matches!(changed, Err(Reason::WrongSignature { .. })), "{:?}", changed);
        }
    }
}
