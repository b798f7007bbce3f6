//! `TokenResponse::parse` on arbitrary bytes, with serde_json as the oracle.
//!
//! Properties: never panics; InvalidJson exactly when serde_json refuses the body (modulo the
//! documented minify differences: whitespace-only body, nesting of exactly 128; and serde_json's
//! private `$serde_json::private::Number` key is renamed for the oracle); a parsed
//! response agrees with serde_json's view of the same object: `responseCode`, `accessToken`,
//! `tokenType` equal (last duplicate wins, as in serde_json), `responseMessage` a prefix cut at
//! a character boundary, a 2xx code always has a token.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use snapsign_core::access_token::{ResponseCode, TokenResponse, MAX_RESPONSE_MESSAGE_LEN};
use snapsign_core::Error;

fn string_field<'a>(obj: &'a serde_json::Map<String, Value>, name: &str) -> Option<&'a str> {
    obj.get(name).and_then(Value::as_str)
}

fuzz_target!(|data: &[u8]| {
    let result = TokenResponse::parse(data);
    // serde_json judges the body with its `arbitrary_precision` private key renamed (see
    // common::without_serde_number_key): `{"$serde_json::private::Number":"x"}` is valid JSON.
    let serde = serde_json::from_slice::<Value>(&common::without_serde_number_key(data));
    let serde_exempt = data.iter().all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
        || common::max_depth(data) >= common::SERDE_DEPTH_LIMIT;
    match result {
        Err(Error::InvalidJson { offset, .. }) => {
            assert!(offset <= data.len());
            assert!(serde.is_err(), "InvalidJson for a body serde_json accepts");
        }
        Err(Error::InvalidResponse { .. }) => {
            assert!(serde.is_ok() || serde_exempt, "valid JSON per snapsign, not per serde_json");
        }
        Err(e) => panic!("unexpected error {e:?}"),
        Ok(r) => {
            if serde_exempt {
                return;
            }
            let value = serde.expect("parsed a body serde_json refuses");
            let obj = value.as_object().expect("parsed a body that is not an object");
            let code = string_field(obj, "responseCode").expect("responseCode");
            assert_eq!(ResponseCode::parse(code), Ok(r.response_code));
            assert_eq!(r.access_token.as_str(), string_field(obj, "accessToken").unwrap_or(""));
            assert_eq!(r.token_type.as_str(), string_field(obj, "tokenType").unwrap_or(""));
            let message = string_field(obj, "responseMessage").unwrap_or("");
            assert!(message.starts_with(r.response_message.as_str()));
            assert!(
                r.response_message.len() == message.len() || r.response_message.len() > MAX_RESPONSE_MESSAGE_LEN - 4
            );
            if r.response_code.is_success() {
                assert!(!r.access_token.is_empty());
            }
            if let Some(v) = r.expires_in {
                let shows = |name| match obj.get(name) {
                    Some(Value::String(s)) => s.parse::<u64>().ok() == Some(v),
                    Some(Value::Number(n)) => n.as_u64() == Some(v),
                    _ => false,
                };
                assert!(shows("expiresIn") || shows("expiredIn"), "expires_in {v} not in the body");
            }
        }
    }
});
