//! `Sandbox::handle` without HTTP: a token, a transaction with it, and the answers to mistakes.

use snapsign_core::request::{Call, RequestHeaders, Signer, When};
use snapsign_core::timestamp::{Timestamp, TimestampFormat, WIB};
use snapsign_core::{provider, HmacSigner, KeyOptions, RsaSigner};
use snapsign_sandbox::{Client, Config, Incoming, Sandbox};

// The real clock: the replay guard forgets ids by the system's time.
static NOW_CELL: std::sync::LazyLock<i64> = std::sync::LazyLock::new(snapsign_sandbox::now_unix_millis);

const SECRET: &[u8] = b"TEST-client-secret";

fn key() -> RsaSigner {
    let pem = std::fs::read("../tests/vectors/keys/rsa2048-pkcs8.pem").unwrap();
    RsaSigner::from_bytes(&pem, &KeyOptions::default()).unwrap()
}

fn sandbox(lifetime: u32) -> Sandbox {
    let client = Client {
        client_id: "MCPD00000006".into(),
        partner_id: Some("P1".into()),
        public_key: key().verifier(),
        secret: HmacSigner::new(SECRET).unwrap(),
    };
    Sandbox::new(Config { token_lifetime_seconds: lifetime, ..Config::new(&provider::GENERIC, vec![client]) }).unwrap()
}

fn ask(
    sb: &Sandbox,
    method: &str,
    target: &str,
    headers: &[(&str, String)],
    body: &[u8],
    now: i64,
) -> (u16, String, serde_json::Value) {
    let h: Vec<(&[u8], &[u8])> = headers.iter().map(|(n, v)| (n.as_bytes(), v.as_bytes())).collect();
    let a = sb.handle(&Incoming { method, target, headers: &h, body }, now);
    let v: serde_json::Value = serde_json::from_str(&a.body).unwrap();
    assert_eq!(v["responseCode"], a.response_code.as_str());
    (a.status, a.response_code, v)
}

fn ts(now: i64) -> String {
    Timestamp::from_unix_millis(now, WIB).unwrap().format(TimestampFormat::default()).to_string()
}

fn token(sb: &Sandbox) -> String {
    let t = ts(*NOW_CELL);
    let sig = key().sign_token("MCPD00000006", &t, &mut getrandom::SysRng).unwrap().to_string();
    let h = [("X-TIMESTAMP", t), ("X-CLIENT-KEY", "MCPD00000006".into()), ("X-SIGNATURE", sig)];
    let (status, code, v) =
        ask(sb, "POST", "/v1.0/access-token/b2b", &h, br#"{"grantType":"client_credentials"}"#, *NOW_CELL);
    assert_eq!((status, code.as_str()), (200, "2007300"), "{v}");
    v["accessToken"].as_str().unwrap().to_string()
}

fn transaction(token: &str, external_id: &str, secret: &[u8], target: &str) -> Vec<(&'static str, String)> {
    let secret = HmacSigner::new(secret).unwrap();
    let call = Call {
        access_token: Some(token),
        external_id: Some(external_id),
        channel_id: Some("95221"),
        ..Call::new("POST", target, b"{}", "P1")
    };
    let signed = RequestHeaders::sign(
        &provider::GENERIC,
        Signer::Hmac(&secret),
        &call,
        When::UnixMillis(*NOW_CELL),
        &mut getrandom::SysRng,
    )
    .unwrap();
    signed.iter().map(|(n, v)| (n, v.to_string())).map(|(n, v)| (static_name(n), v)).collect()
}

fn static_name(n: &str) -> &'static str {
    Box::leak(n.to_string().into_boxed_str())
}

#[test]
fn token_then_transaction_then_replay() {
    let sb = sandbox(900);
    let tok = token(&sb);
    let h = transaction(&tok, "1", SECRET, "/v1.0/transfer-va/inquiry");
    let (status, code, v) = ask(&sb, "POST", "/v1.0/transfer-va/inquiry", &h, b"{}", *NOW_CELL);
    assert_eq!((status, code.as_str()), (200, "2002400"), "{v}");
    assert_eq!(v, serde_json::json!({"responseCode": "2002400", "responseMessage": "Successful"}));
    let (status, code, v) = ask(&sb, "POST", "/v1.0/transfer-va/inquiry", &h, b"{}", *NOW_CELL);
    assert_eq!((status, code.as_str()), (409, "4092400"));
    assert!(v["explain"]["likely_causes"][0].as_str().unwrap().contains("\"1\""));
}

#[test]
fn wrong_signature_names_the_cause() {
    let sb = sandbox(900);
    let tok = token(&sb);
    // Signed without the query that is sent.
    let h = transaction(&tok, "2", SECRET, "/v1.0/transfer-va/inquiry");
    let (status, code, v) = ask(&sb, "POST", "/v1.0/transfer-va/inquiry?a=1", &h, b"{}", *NOW_CELL);
    assert_eq!((status, code.as_str()), (401, "4012400"));
    assert_eq!(v["explain"]["causes"][0]["id"], "path-without-query", "{v}");
    assert!(v["explain"]["expected_string_to_sign"]
        .as_str()
        .unwrap()
        .starts_with("POST:/v1.0/transfer-va/inquiry?a=1:"));
    // Another secret: no variant verifies, and the standard's causes are listed.
    let h = transaction(&tok, "3", b"another-secret", "/v1.0/transfer-va/inquiry");
    let (_, code, v) = ask(&sb, "POST", "/v1.0/transfer-va/inquiry", &h, b"{}", *NOW_CELL);
    assert_eq!(code, "4012400");
    assert!(v["explain"]["likely_causes"].as_array().unwrap().len() > 2, "{v}");
}

#[test]
fn tokens_expire_and_unknown_ones_are_refused() {
    let sb = sandbox(1);
    let tok = token(&sb);
    let h = transaction(&tok, "4", SECRET, "/v1.0/transfer-va/inquiry");
    let (_, code, v) = ask(&sb, "POST", "/v1.0/transfer-va/inquiry", &h, b"{}", *NOW_CELL + 1000);
    assert_eq!(code, "4012401");
    assert!(v["explain"]["likely_causes"][0].as_str().unwrap().contains("expired"));
    let h = transaction("unknown-token", "5", SECRET, "/v1.0/transfer-va/inquiry");
    let (status, code, _) = ask(&sb, "POST", "/v1.0/transfer-va/inquiry", &h, b"{}", *NOW_CELL);
    assert_eq!((status, code.as_str()), (401, "4012401"));
}

#[test]
fn token_request_checks() {
    let sb = sandbox(900);
    let t = ts(*NOW_CELL);
    let sig = key().sign_token("MCPD00000006", &t, &mut getrandom::SysRng).unwrap().to_string();
    let h = [("X-TIMESTAMP", t.clone()), ("X-CLIENT-KEY", "MCPD00000006".into()), ("X-SIGNATURE", sig.clone())];
    let (_, code, v) = ask(&sb, "POST", "/v1.0/access-token/b2b", &h, br#"{"grantType":"password"}"#, *NOW_CELL);
    assert_eq!((code.as_str(), v["responseMessage"].as_str()), ("4007301", Some("Invalid Field Format {grantType}")));
    let (_, code, _) = ask(&sb, "POST", "/v1.0/access-token/b2b", &h, b"{}", *NOW_CELL);
    assert_eq!(code, "4007302");
    let other = [("X-TIMESTAMP", t), ("X-CLIENT-KEY", "OTHER".into()), ("X-SIGNATURE", sig)];
    let (status, code, v) = ask(&sb, "POST", "/v1.0/access-token/b2b", &other, b"{}", *NOW_CELL);
    assert_eq!(
        (status, code.as_str(), v["responseMessage"].as_str()),
        (401, "4017300", Some("Unauthorized. Unknown Client"))
    );
    // Outside the skew.
    let (_, code, v) = ask(&sb, "POST", "/v1.0/access-token/b2b", &h, b"{}", *NOW_CELL + 3_600_000);
    assert_eq!(code, "4017300");
    assert_eq!(v["responseMessage"], "Unauthorized. Timestamp");
}

#[test]
fn config_errors() {
    assert!(Sandbox::new(Config::new(&provider::GENERIC, vec![])).is_err());
    let c = Client {
        client_id: "A".into(),
        partner_id: None,
        public_key: key().verifier(),
        secret: HmacSigner::new(SECRET).unwrap(),
    };
    let e = Sandbox::new(Config::new(&provider::GENERIC, vec![c.clone(), c])).err().unwrap();
    assert!(e.to_string().contains("twice"));
}
