//! `AccessToken`: expiry from `expiresIn` (string, number, absent), the refresh boundary to the
//! millisecond, and times at the ends of `i64`.

use snapsign_core::access_token::TokenResponse;
use snapsign_core::token_lifetime::{AccessToken, ASSUMED_EXPIRES_IN_SECONDS, DEFAULT_REFRESH_MARGIN_SECONDS};
use snapsign_core::{Error, ResponseErrorKind};

fn response(expires_in: &str) -> TokenResponse {
    let body = format!(
        r#"{{"responseCode":"2007300","responseMessage":"Successful","accessToken":"tok-123","tokenType":"Bearer"{expires_in}}}"#
    );
    TokenResponse::parse(body.as_bytes()).unwrap()
}

fn token(expires_in: &str, received: i64) -> Result<AccessToken, Error> {
    AccessToken::from_response(response(expires_in), received)
}

const RECEIVED: i64 = 1_601_808_958_000; // 2020-10-04T10:55:58Z

#[test]
fn expires_in_as_number_string_or_legacy_spelling() {
    for field in [r#","expiresIn":900"#, r#","expiresIn":"900""#, r#","expiredIn":"900""#, r#","expiredIn":900"#] {
        let t = token(field, RECEIVED).unwrap();
        assert_eq!(t.expires_in_seconds(), Some(900), "{field}");
        assert_eq!(t.expires_at_unix_millis(), RECEIVED + 900_000, "{field}");
        assert_eq!(t.received_at_unix_millis(), RECEIVED);
        assert_eq!((t.token(), t.token_type()), ("tok-123", "Bearer"));
    }
    assert_eq!(token(r#","expiresIn":"3600""#, 0).unwrap().expires_at_unix_millis(), 3_600_000);
}

#[test]
fn without_expires_in_the_standards_900_seconds_are_assumed() {
    assert_eq!(ASSUMED_EXPIRES_IN_SECONDS, 900);
    for field in ["", r#","expiresIn":null"#] {
        let t = token(field, RECEIVED).unwrap();
        assert_eq!(t.expires_in_seconds(), None);
        assert_eq!(t.expires_at_unix_millis(), RECEIVED + 900_000);
        assert!(!t.needs_refresh(RECEIVED + 839_999, DEFAULT_REFRESH_MARGIN_SECONDS));
        assert!(t.needs_refresh(RECEIVED + 840_000, DEFAULT_REFRESH_MARGIN_SECONDS));
    }
}

#[test]
fn refresh_boundary_to_the_millisecond() {
    assert_eq!(DEFAULT_REFRESH_MARGIN_SECONDS, 60);
    let t = token(r#","expiresIn":900"#, RECEIVED).unwrap();
    let expiry = RECEIVED + 900_000;
    let due = expiry - 60_000;
    assert!(!t.needs_refresh(RECEIVED, 60));
    assert!(!t.needs_refresh(due - 1, 60), "one ms before expiry - margin");
    assert!(t.needs_refresh(due, 60), "exactly at expiry - margin");
    assert!(t.needs_refresh(due + 1, 60), "one ms after expiry - margin");
    assert!(t.needs_refresh(expiry + 3_600_000, 60), "long expired");
    // Without a margin the boundary is the expiry itself.
    assert!(!t.needs_refresh(expiry - 1, 0));
    assert!(t.needs_refresh(expiry, 0));
    assert!(t.needs_refresh(expiry + 1, 0));
    // A margin as long as the lifetime: due at once.
    assert!(t.needs_refresh(RECEIVED, 900));
    assert!(!t.needs_refresh(RECEIVED, 899));
    // A clock that went back before the receipt: not due.
    assert!(!t.needs_refresh(RECEIVED - 86_400_000, 60));
}

#[test]
fn zero_and_short_lifetimes() {
    let t = token(r#","expiresIn":0"#, RECEIVED).unwrap();
    assert_eq!(t.expires_at_unix_millis(), RECEIVED);
    assert!(t.needs_refresh(RECEIVED, 0));
    assert!(!t.needs_refresh(RECEIVED - 1, 0));
    let t = token(r#","expiresIn":"30""#, RECEIVED).unwrap();
    assert!(t.needs_refresh(RECEIVED, DEFAULT_REFRESH_MARGIN_SECONDS), "margin longer than the lifetime");
}

#[test]
fn negative_and_pre_epoch_times() {
    let received = -86_400_000; // 1969-12-31T00:00:00Z
    let t = token(r#","expiresIn":900"#, received).unwrap();
    assert_eq!(t.expires_at_unix_millis(), -85_500_000);
    assert!(!t.needs_refresh(-85_560_001, 60));
    assert!(t.needs_refresh(-85_560_000, 60));
    // Expiry exactly at the epoch.
    let t = token(r#","expiresIn":1"#, -1000).unwrap();
    assert_eq!(t.expires_at_unix_millis(), 0);
    assert!(t.needs_refresh(0, 0));
    assert!(!t.needs_refresh(-1, 0));
    // The earliest representable receipt time.
    let t = token(r#","expiresIn":900"#, i64::MIN).unwrap();
    assert_eq!(t.expires_at_unix_millis(), i64::MIN + 900_000);
    assert!(!t.needs_refresh(i64::MIN, 60));
    assert!(t.needs_refresh(0, 0));
}

#[test]
fn huge_values_do_not_overflow() {
    let overflow = Err(Error::InvalidResponse { kind: ResponseErrorKind::BadExpiresIn });
    // expiresIn * 1000 overflows u64.
    assert_eq!(token(r#","expiresIn":"18446744073709551615""#, 0).map(|t| t.expires_at_unix_millis()), overflow);
    assert_eq!(token(r#","expiresIn":18446744073709552"#, 0).map(|t| t.expires_at_unix_millis()), overflow);
    // Fits u64 but not i64 milliseconds.
    assert_eq!(token(r#","expiresIn":9223372036854776"#, 0).map(|t| t.expires_at_unix_millis()), overflow);
    // Fits i64 milliseconds, but not added to the receipt time.
    let max_seconds = i64::MAX / 1000; // 9223372036854775, i.e. 9223372036854775000 ms
    let field = format!(r#","expiresIn":{max_seconds}"#);
    assert_eq!(token(&field, 0).unwrap().expires_at_unix_millis(), max_seconds * 1000);
    assert_eq!(token(&field, 807).unwrap().expires_at_unix_millis(), i64::MAX);
    assert_eq!(token(&field, 808).map(|t| t.expires_at_unix_millis()), overflow);
    assert_eq!(token(r#","expiresIn":900"#, i64::MAX).map(|t| t.expires_at_unix_millis()), overflow);
    // needs_refresh at the ends of its inputs.
    let t = token(&field, 807).unwrap();
    assert!(!t.needs_refresh(0, u32::MAX));
    assert!(!t.needs_refresh(i64::MAX - 1, 0));
    assert!(t.needs_refresh(i64::MAX, 0));
    assert!(t.needs_refresh(i64::MAX, u32::MAX));
    assert!(t.needs_refresh(i64::MAX - 1, u32::MAX));
    let t = token(r#","expiresIn":900"#, 0).unwrap();
    assert!(!t.needs_refresh(i64::MIN, u32::MAX));
    assert!(t.needs_refresh(0, u32::MAX), "a margin of 136 years");
}

#[test]
fn error_responses_give_no_token() {
    let missing = Err(Error::InvalidResponse { kind: ResponseErrorKind::MissingAccessToken });
    for body in [
        &br#"{"responseCode":"4017300","responseMessage":"Unauthorized. Unknown Client"}"#[..],
        br#"{"responseCode":"4017300","accessToken":"looks-like-a-token","expiresIn":900}"#,
        br#"{"responseCode":"5007300","responseMessage":"General Error"}"#,
    ] {
        let r = TokenResponse::parse(body).unwrap();
        assert_eq!(AccessToken::from_response(r, RECEIVED).map(|t| t.token().to_owned()), missing);
    }
}

#[test]
fn debug_output_hides_the_token() {
    let t = token(r#","expiresIn":900"#, RECEIVED).unwrap();
    let debug = format!("{t:?}");
    assert!(!debug.contains("tok-123"), "{debug}");
    assert!(debug.contains("7 bytes, redacted"), "{debug}");
    assert!(debug.contains("Bearer") && debug.contains("1601809858000"), "{debug}");
    let copy = t.clone();
    drop(t);
    assert_eq!(copy.token(), "tok-123");
}
