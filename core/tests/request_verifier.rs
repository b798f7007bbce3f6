//! The receiving side: every rejection the standard prescribes, from requests signed by the
//! sending side, and the replay guard's atomicity under threads.

use std::sync::atomic::{AtomicUsize, Ordering};

use snapsign_core::provider::{self, Profile};
use snapsign_core::replay_guard::{MemoryReplayGuard, NoReplayGuard, ReplayGuard, ReplayGuardError, ReplayKey};
use snapsign_core::request::{Call, RequestHeaders, Signer, When};
use snapsign_core::request_verifier::{CallKind, Reason, Received, RequestVerifier, TokenState};
use snapsign_core::timestamp::Timestamp;
use snapsign_core::{Error, HmacSigner, KeyOptions, RsaSigner};

const NOW: i64 = 1_577_826_600_000; // 2020-01-01T04:10:00+07:00
const SECRET: &[u8] = b"a-secret";
const BODY: &[u8] = br#"{ "partnerServiceId": "  088899", "virtualAccountNo": "  08889912345678901234" }"#;
const PATH: &str = "/v1.0/transfer-va/inquiry?channel=web&b=2&a=1";

fn tokens(t: &str, _now: i64) -> TokenState {
    match t {
        "tok" => TokenState::Live,
        "old" => TokenState::Expired,
        _ => TokenState::Unknown,
    }
}

fn rsa() -> RsaSigner {
    let pem = std::fs::read("../tests/vectors/keys/rsa2048-pkcs8.pem").unwrap();
    RsaSigner::from_bytes(&pem, &KeyOptions::default()).unwrap()
}

fn signed(profile: &Profile, external_id: &str, token: &str, when: i64) -> Vec<(String, String)> {
    let hmac = HmacSigner::new(SECRET).unwrap();
    let call = Call {
        access_token: Some(token),
        external_id: Some(external_id),
        channel_id: Some("95221"),
        ..Call::new("POST", PATH, BODY, "P1")
    };
    let h = RequestHeaders::sign(profile, Signer::Hmac(&hmac), &call, When::UnixMillis(when), &mut getrandom::SysRng)
        .unwrap();
    h.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect()
}

fn pairs(h: &[(String, String)]) -> Vec<(&str, &str)> {
    h.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect()
}

fn hmac_verifier(profile: &Profile) -> RequestVerifier<'_> {
    RequestVerifier::new(profile).with_client_secret(HmacSigner::new(SECRET).unwrap())
}

fn verify(
    v: &RequestVerifier<'_>,
    h: &[(&str, &str)],
    target: &str,
    body: &[u8],
    guard: &dyn ReplayGuard,
) -> Result<String, (String, String, Reason)> {
    let r = Received { method: "POST", target, headers: h, body };
    match v.verify(&r, NOW, 24, &tokens, guard) {
        Ok(a) => Ok(a.external_id.unwrap_or_default().to_string()),
        Err(e) => Err((e.response_code().to_string(), e.response_message().to_string(), e.reason())),
    }
}

#[test]
fn a_signed_transaction_is_accepted_once() {
    let h = signed(&provider::GENERIC, "7", "tok", NOW);
    let v = hmac_verifier(&provider::GENERIC);
    let guard = MemoryReplayGuard::new(100);
    assert_eq!(verify(&v, &pairs(&h), PATH, BODY, &guard), Ok("7".into()));
    let (code, message, reason) = verify(&v, &pairs(&h), PATH, BODY, &guard).unwrap_err();
    assert_eq!((code.as_str(), message.as_str(), reason), ("4092400", "Conflict", Reason::Replayed));
}

#[test]
fn header_names_are_case_insensitive() {
    let h: Vec<(String, String)> =
        signed(&provider::GENERIC, "7", "tok", NOW).into_iter().map(|(n, v)| (n.to_ascii_lowercase(), v)).collect();
    let v = hmac_verifier(&provider::GENERIC);
    assert_eq!(verify(&v, &pairs(&h), PATH, BODY, &NoReplayGuard), Ok("7".into()));
}

#[test]
fn every_mandatory_header_missing_is_named() {
    let h = signed(&provider::GENERIC, "7", "tok", NOW);
    let v = hmac_verifier(&provider::GENERIC);
    for name in ["Authorization", "X-TIMESTAMP", "X-SIGNATURE", "X-PARTNER-ID", "X-EXTERNAL-ID", "CHANNEL-ID"] {
        let without: Vec<(&str, &str)> = pairs(&h).into_iter().filter(|(n, _)| *n != name).collect();
        let (code, message, reason) = verify(&v, &without, PATH, BODY, &NoReplayGuard).unwrap_err();
        assert_eq!(code, "4002402", "{name}");
        assert_eq!(message, format!("Invalid Mandatory Field {{{name}}}"));
        assert_eq!(reason, Reason::MissingHeader { header: name });
    }
}

#[test]
fn ifortepay_answers_a_missing_timestamp_its_way() {
    let v = RequestVerifier::new(&provider::IFORTEPAY).with_public_key(rsa().verifier());
    let h = [("X-CLIENT-KEY", "C1"), ("X-SIGNATURE", "AAAA")];
    let (code, message, _) = verify(&v, &h, "/api/v1.0/access-token/b2b", b"{}", &NoReplayGuard).unwrap_err();
    assert_eq!((code.as_str(), message.as_str()), ("4007300", "Bad Request - X-TIMESTAMP is Required"));
}

#[test]
fn malformed_headers_are_400_01() {
    let v = hmac_verifier(&provider::GENERIC);
    let h = signed(&provider::GENERIC, "7", "tok", NOW);
    let cases: [(&str, &str); 5] = [
        ("X-TIMESTAMP", "2020-01-01 04:10:00"),
        ("X-EXTERNAL-ID", "1234567890123456789012345678901234567"),
        ("CHANNEL-ID", "952210"),
        ("Authorization", "tok"),
        ("X-PARTNER-ID", "P\u{1}"),
    ];
    for (name, bad) in cases {
        let mutated: Vec<(&str, &str)> =
            pairs(&h).into_iter().map(|(n, val)| if n == name { (n, bad) } else { (n, val) }).collect();
        let (code, message, reason) = verify(&v, &mutated, PATH, BODY, &NoReplayGuard).unwrap_err();
        assert_eq!((code.as_str(), message), ("4002401", format!("Invalid Field Format {{{name}}}")), "{name}");
        assert!(matches!(reason, Reason::MalformedHeader { header, .. } if header == name));
    }
}

#[test]
fn non_utf8_header_is_malformed_not_a_panic() {
    let v = hmac_verifier(&provider::GENERIC);
    let h: [(&[u8], &[u8]); 2] = [(b"authorization", b"Bearer tok"), (b"X-TIMESTAMP", b"\xff")];
    let r = Received { method: "POST", target: PATH, headers: &h[..], body: BODY };
    let e = v.verify(&r, NOW, 24, &tokens, &NoReplayGuard).unwrap_err();
    assert_eq!(
        e.reason(),
        Reason::MalformedHeader {
            header: "X-TIMESTAMP",
            error: Error::InvalidUtf8 { field: snapsign_core::Field::Timestamp, offset: 0 }
        }
    );
}

#[test]
fn stale_or_future_timestamps_are_401_00() {
    let v = hmac_verifier(&provider::GENERIC).with_max_skew(60);
    for when in [NOW - 61_000, NOW + 61_000] {
        let h = signed(&provider::GENERIC, "7", "tok", when);
        let (code, message, reason) = verify(&v, &pairs(&h), PATH, BODY, &NoReplayGuard).unwrap_err();
        assert_eq!((code.as_str(), message.as_str()), ("4012400", "Unauthorized. Timestamp"));
        assert!(matches!(reason, Reason::Timestamp { error: Error::TimestampSkew { allowed_seconds: 60, .. } }));
    }
    let h = signed(&provider::GENERIC, "7", "tok", NOW - 59_000);
    assert!(verify(&v, &pairs(&h), PATH, BODY, &NoReplayGuard).is_ok());
}

#[test]
fn unknown_and_expired_tokens_are_401_01() {
    let v = hmac_verifier(&provider::GENERIC);
    for (token, state) in [("nope", TokenState::Unknown), ("old", TokenState::Expired)] {
        let h = signed(&provider::GENERIC, "7", token, NOW);
        let (code, message, reason) = verify(&v, &pairs(&h), PATH, BODY, &NoReplayGuard).unwrap_err();
        assert_eq!((code.as_str(), message.as_str()), ("4012401", "Invalid Token (B2B)"));
        assert_eq!(reason, Reason::InvalidToken { state });
    }
}

#[test]
fn the_signature_covers_the_exact_received_bytes() {
    let v = hmac_verifier(&provider::GENERIC);
    let h = signed(&provider::GENERIC, "7", "tok", NOW);
    // Whitespace outside strings is minified away, as on the sending side.
    let spaced = br#"{"partnerServiceId":"  088899",    "virtualAccountNo":"  08889912345678901234"}"#;
    assert!(verify(&v, &pairs(&h), PATH, spaced, &NoReplayGuard).is_ok());
    // A re-serialised body (spaces inside strings trimmed), another query order, another path,
    // another secret: all wrong signatures.
    let reserialised = br#"{"partnerServiceId":"088899","virtualAccountNo":"08889912345678901234"}"#;
    let other_query = "/v1.0/transfer-va/inquiry?a=1&b=2&channel=web";
    for (target, body) in [(PATH, &reserialised[..]), (other_query, BODY), ("/v1.0/transfer-va/inquiry", BODY)] {
        let (code, message, reason) = verify(&v, &pairs(&h), target, body, &NoReplayGuard).unwrap_err();
        assert_eq!((code.as_str(), message.as_str()), ("4012400", "Unauthorized. Signature"), "{target}");
        assert_eq!(reason, Reason::WrongSignature { error: Error::SignatureMismatch });
    }
    let other = RequestVerifier::new(&provider::GENERIC).with_client_secret(HmacSigner::new(b"other").unwrap());
    assert!(matches!(
        verify(&other, &pairs(&h), PATH, BODY, &NoReplayGuard),
        Err((_, _, Reason::WrongSignature { .. }))
    ));
}

#[test]
fn bca_verifies_over_the_canonical_query() {
    let h = signed(&provider::BCA, "7", "tok", NOW);
    let v = hmac_verifier(&provider::BCA);
    // BCA signs the sorted query, so the order it arrives in does not matter.
    assert!(verify(&v, &pairs(&h), "/v1.0/transfer-va/inquiry?a=1&channel=web&b=2", BODY, &NoReplayGuard).is_ok());
}

#[test]
fn a_rejected_request_is_never_recorded() {
    let v = hmac_verifier(&provider::GENERIC);
    let guard = MemoryReplayGuard::new(100);
    let h = signed(&provider::GENERIC, "7", "tok", NOW);
    assert!(verify(&v, &pairs(&h), PATH, b"{}", &guard).is_err());
    assert!(guard.is_empty());
    assert_eq!(verify(&v, &pairs(&h), PATH, BODY, &guard), Ok("7".into()));
    assert_eq!(guard.len(), 1);
}

#[test]
fn a_failing_guard_is_500_not_an_acceptance() {
    struct Down;
    impl ReplayGuard for Down {
        fn check_and_record(&self, _: &ReplayKey<'_>) -> Result<bool, ReplayGuardError> {
            Err(ReplayGuardError)
        }
    }
    let v = hmac_verifier(&provider::GENERIC);
    let h = signed(&provider::GENERIC, "7", "tok", NOW);
    let (code, _, reason) = verify(&v, &pairs(&h), PATH, BODY, &Down).unwrap_err();
    assert_eq!((code.as_str(), reason), ("5002400", Reason::ReplayGuardFailed));
}

#[test]
fn partner_and_client_must_be_the_expected_ones() {
    let v = hmac_verifier(&provider::GENERIC).with_partner_id("P2").unwrap();
    let h = signed(&provider::GENERIC, "7", "tok", NOW);
    let (code, message, _) = verify(&v, &pairs(&h), PATH, BODY, &NoReplayGuard).unwrap_err();
    assert_eq!((code.as_str(), message.as_str()), ("4012400", "Unauthorized. Unknown Client"));
}

#[test]
fn token_calls_verify_client_id_and_timestamp_with_the_public_key() {
    let signer = rsa();
    let v = RequestVerifier::new(&provider::DOKU).with_public_key(signer.verifier()).with_client_id("C1").unwrap();
    let target = "/authorization/v1/access-token/b2b";
    assert_eq!(v.call_kind(target), CallKind::TokenB2b);
    let ts = "2020-01-01T04:10:00+07:00";
    let sig = signer.sign_token("C1", ts, &mut getrandom::SysRng).unwrap();
    let h = [("X-TIMESTAMP", ts), ("X-CLIENT-KEY", "C1"), ("X-SIGNATURE", sig.as_str())];
    let body = br#"{"grantType":"client_credentials"}"#;
    let r = Received { method: "POST", target, headers: &h[..], body };
    let a = v.verify(&r, NOW, 0, &tokens, &NoReplayGuard).unwrap();
    assert_eq!((a.kind, a.client_id, a.timestamp), (CallKind::TokenB2b, Some("C1"), ts));
    // The same instant written in another format is another string-to-sign.
    let h2 = [("X-TIMESTAMP", "2019-12-31T21:10:00Z"), ("X-CLIENT-KEY", "C1"), ("X-SIGNATURE", sig.as_str())];
    let e = v.verify(&Received { headers: &h2[..], ..r }, NOW, 0, &tokens, &NoReplayGuard).unwrap_err();
    assert_eq!((e.response_code().to_string().as_str(), e.response_message()), ("4017300", "Unauthorized. Signature"));
    let h3 = [("X-TIMESTAMP", ts), ("X-CLIENT-KEY", "C2"), ("X-SIGNATURE", sig.as_str())];
    let e = v.verify(&Received { headers: &h3[..], ..r }, NOW, 0, &tokens, &NoReplayGuard).unwrap_err();
    assert_eq!(e.response_message(), "Unauthorized. Unknown Client");
    // Without a public key the verifier cannot accept it.
    let keyless = RequestVerifier::new(&provider::DOKU);
    let e = keyless.verify(&r, NOW, 0, &tokens, &NoReplayGuard).unwrap_err();
    assert_eq!((e.response_code().to_string().as_str(), e.reason()), ("4017300", Reason::NoKey));
}

#[test]
fn rsa_service_notifications_need_no_token() {
    let signer = rsa();
    let call = Call { external_id: Some("9"), ..Call::new("POST", "/v1.0/debit/notify", BODY, "C1") };
    let h = RequestHeaders::sign(
        &provider::DANA,
        Signer::Rsa(&signer),
        &call,
        When::UnixMillis(NOW),
        &mut getrandom::SysRng,
    )
    .unwrap();
    let h: Vec<(&str, &str)> = h.iter().collect();
    let v = RequestVerifier::new(&provider::DANA).with_public_key(signer.verifier());
    let r = Received { method: "POST", target: "/v1.0/debit/notify", headers: &h[..], body: BODY };
    let a = v.verify(&r, NOW, 56, &tokens, &NoReplayGuard).unwrap();
    assert_eq!((a.partner_id, a.external_id, a.access_token), (Some("C1"), Some("9"), None));
}

#[test]
fn the_replay_day_is_the_wib_day_of_the_timestamp() {
    let a = ReplayKey::new("P", "1", &Timestamp::parse("2020-01-01T23:59:59+07:00").unwrap(), 900, NOW);
    let b = ReplayKey::new("P", "1", &Timestamp::parse("2020-01-01T16:59:59Z").unwrap(), 900, NOW);
    let c = ReplayKey::new("P", "1", &Timestamp::parse("2020-01-01T17:00:00Z").unwrap(), 900, NOW);
    assert_eq!(a.storage_key(), b.storage_key());
    assert_ne!(a.storage_key(), c.storage_key());
    assert_eq!(a.expires_at_unix_millis, Timestamp::parse("2020-01-02T00:15:00+07:00").unwrap().unix_millis());
    // The partner id's length keeps ids containing ':' apart.
    let d = ReplayKey::new("P:1", "2", &Timestamp::parse("2020-01-01T10:00:00+07:00").unwrap(), 0, NOW);
    let e = ReplayKey::new("P", "1:2", &Timestamp::parse("2020-01-01T10:00:00+07:00").unwrap(), 0, NOW);
    assert_ne!(d.storage_key(), e.storage_key());
}

#[test]
fn the_memory_guard_is_bounded_and_forgets_expired_ids() {
    let ts = Timestamp::parse("1970-01-01T10:00:00+07:00").unwrap();
    let key = |id, now| ReplayKey::new("P", id, &ts, 0, now);
    let guard = MemoryReplayGuard::new(2);
    assert_eq!(guard.check_and_record(&key("1", 0)), Ok(true));
    assert_eq!(guard.check_and_record(&key("2", 0)), Ok(true));
    // Full of live ids: refuse rather than forget one.
    assert_eq!(guard.check_and_record(&key("3", 0)), Err(ReplayGuardError));
    assert_eq!(guard.check_and_record(&key("1", 0)), Ok(false));
    // After the day (on the verifier's clock), the old ids are swept and the new one fits.
    let next_day = key("1", 0).expires_at_unix_millis;
    assert_eq!(guard.check_and_record(&key("3", next_day)), Ok(true));
    assert_eq!(guard.len(), 1);
}

#[test]
fn of_concurrent_requests_with_one_id_exactly_one_is_accepted() {
    let v = hmac_verifier(&provider::GENERIC);
    let guard = MemoryReplayGuard::new(10_000);
    for round in 0..20 {
        let id = format!("{round}");
        let h = signed(&provider::GENERIC, &id, "tok", NOW);
        let accepted = AtomicUsize::new(0);
        let conflicts = AtomicUsize::new(0);
        std::thread::scope(|s| {
            for _ in 0..8 {
                s.spawn(|| match verify(&v, &pairs(&h), PATH, BODY, &guard) {
                    Ok(_) => accepted.fetch_add(1, Ordering::SeqCst),
                    Err((_, _, Reason::Replayed)) => conflicts.fetch_add(1, Ordering::SeqCst),
                    Err(e) => panic!("{e:?}"),
                });
            }
        });
        assert_eq!((accepted.into_inner(), conflicts.into_inner()), (1, 7), "round {round}");
    }
}
