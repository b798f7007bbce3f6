//! The three SNAP string-to-sign formulas, built into fixed-capacity buffers.
//!
//! | signature | formula |
//! |---|---|
//! | access token (asymmetric) | `clientId + "|" + X-TIMESTAMP` |
//! | transaction (symmetric, HMAC-SHA512) | `HTTPMethod + ":" + EndpointUrl + ":" + AccessToken + ":" + Lowercase(HexEncode(SHA-256(minify(RequestBody)))) + ":" + TimeStamp` |
//! | service (asymmetric, no token) | `HTTPMethod + ":" + EndpointUrl + ":" + Lowercase(HexEncode(SHA-256(minify(RequestBody)))) + ":" + TimeStamp` |
//!
//! Each builder refuses inputs that would produce a string the provider never signs the same way:
//! a `|` in a client id, a lower-case or unknown method, an absolute URL, a token that still has
//! `Bearer `, control characters, a malformed timestamp.

use core::fmt;

use crate::body_digest::BodyDigest;
use crate::error::{Error, Field, Result};
use crate::timestamp::{self, MAX_TIMESTAMP_LEN};

/// Longest client id accepted. The standard sets none for `X-CLIENT-KEY`; real ones are under 64.
pub const MAX_CLIENT_ID_LEN: usize = 256;
/// Longest access token: the standard's `accessToken String(2048)`.
pub const MAX_ACCESS_TOKEN_LEN: usize = 2048;
/// Longest endpoint path with its query string (the common practical URL limit).
pub const MAX_PATH_LEN: usize = 2048;
/// Longest method name (`DELETE`).
pub const MAX_METHOD_LEN: usize = 6;
const DIGEST_LEN: usize = 64;

/// Capacity of a token string-to-sign.
pub const TOKEN_CAPACITY: usize = MAX_CLIENT_ID_LEN + 1 + MAX_TIMESTAMP_LEN;
/// Capacity of a transaction string-to-sign.
pub const TRANSACTION_CAPACITY: usize =
    MAX_METHOD_LEN + 1 + MAX_PATH_LEN + 1 + MAX_ACCESS_TOKEN_LEN + 1 + DIGEST_LEN + 1 + MAX_TIMESTAMP_LEN;
/// Capacity of a service string-to-sign.
pub const SERVICE_CAPACITY: usize = MAX_METHOD_LEN + 1 + MAX_PATH_LEN + 1 + DIGEST_LEN + 1 + MAX_TIMESTAMP_LEN;

/// A string-to-sign held in a fixed buffer of `N` bytes.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct StringToSign<const N: usize>(heapless::String<N>);

/// `clientId|timestamp`.
pub type TokenStringToSign = StringToSign<TOKEN_CAPACITY>;
/// `METHOD:path:token:digest:timestamp`.
pub type TransactionStringToSign = StringToSign<TRANSACTION_CAPACITY>;
/// `METHOD:path:digest:timestamp`.
pub type ServiceStringToSign = StringToSign<SERVICE_CAPACITY>;

impl<const N: usize> StringToSign<N> {
    /// The text.
    ///
    /// ```
    /// let s = snapsign_core::string_to_sign::token("C1", "2020-01-01T00:00:00Z")?;
    /// assert_eq!(s.as_str(), "C1|2020-01-01T00:00:00Z");
    /// # Ok::<(), snapsign_core::Error>(())
    /// ```
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The bytes that are signed.
    ///
    /// ```
    /// let s = snapsign_core::string_to_sign::token("C1", "2020-01-01T00:00:00Z")?;
    /// assert_eq!(s.as_bytes(), b"C1|2020-01-01T00:00:00Z");
    /// # Ok::<(), snapsign_core::Error>(())
    /// ```
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

/// The validated fields of a string-to-sign, not yet joined. Signing feeds these pieces straight
/// into the hash, so the 4 KB joined string never has to exist on a small device's stack.
pub(crate) struct Parts<'a, const K: usize> {
    fields: [&'a str; K],
    separator: &'static str,
}

/// Most pieces a string-to-sign has: five fields and four separators.
pub(crate) const MAX_PIECES: usize = 9;

impl<'a, const K: usize> Parts<'a, K> {
    /// The fields with their separators between them, in order.
    pub(crate) fn pieces(&self) -> impl Iterator<Item = &'a [u8]> + '_ {
        self.fields.iter().enumerate().flat_map(|(i, field)| {
            let separator = if i == 0 { "" } else { self.separator };
            [separator.as_bytes(), field.as_bytes()]
        })
    }

    /// The pieces as an array (for APIs that take a slice of slices) and how many there are.
    pub(crate) fn piece_array(&self) -> ([&'a [u8]; MAX_PIECES], usize) {
        let mut out: [&[u8]; MAX_PIECES] = [&[]; MAX_PIECES];
        let mut n = 0;
        for piece in self.pieces().filter(|p| !p.is_empty()) {
            if let Some(slot) = out.get_mut(n) {
                *slot = piece;
                n = n.saturating_add(1);
            }
        }
        (out, n)
    }

    fn join<const N: usize>(&self) -> StringToSign<N> {
        let mut s = heapless::String::new();
        for piece in self.pieces() {
            // Capacities are the sum of the validated maximum lengths, so pushes cannot fail;
            // every piece is a whole &str.
            let _ = s.push_str(core::str::from_utf8(piece).unwrap_or_default());
        }
        StringToSign(s)
    }
}

impl<const N: usize> fmt::Debug for StringToSign<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl<const N: usize> fmt::Display for StringToSign<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<const N: usize> AsRef<[u8]> for StringToSign<N> {
    fn as_ref(&self) -> &[u8] {
        self.as_bytes()
    }
}

/// An HTTP method SNAP endpoints use. Parsing is exact: `post` is refused, since the method is
/// signed as written and providers sign it upper-case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// `GET`
    Get,
    /// `POST`
    Post,
    /// `PUT`
    Put,
    /// `PATCH`
    Patch,
    /// `DELETE`
    Delete,
}

impl Method {
    /// Parses an upper-case method name.
    ///
    /// # Errors
    /// [`Error::InvalidMethod`] for anything but `GET`, `POST`, `PUT`, `PATCH`, `DELETE`.
    ///
    /// ```
    /// use snapsign_core::string_to_sign::Method;
    /// assert_eq!(Method::parse("PATCH")?, Method::Patch);
    /// assert!(Method::parse("post").is_err());
    /// # Ok::<(), snapsign_core::Error>(())
    /// ```
    pub fn parse(text: &str) -> Result<Self> {
        Ok(match text {
            "GET" => Method::Get,
            "POST" => Method::Post,
            "PUT" => Method::Put,
            "PATCH" => Method::Patch,
            "DELETE" => Method::Delete,
            _ => return Err(Error::InvalidMethod),
        })
    }

    /// The name as signed.
    ///
    /// ```
    /// assert_eq!(snapsign_core::string_to_sign::Method::Delete.as_str(), "DELETE");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

/// Non-empty, at most `max` bytes, no control characters.
pub(crate) fn check_text(field: Field, text: &str, max: usize) -> Result<()> {
    if text.is_empty() {
        return Err(Error::EmptyField { field });
    }
    if text.len() > max {
        return Err(Error::FieldTooLong { field, max });
    }
    if let Some(offset) = text.bytes().position(|b| b < 0x20 || b == 0x7F) {
        return Err(Error::ControlCharacter { field, offset });
    }
    Ok(())
}

/// Validates a client id (`X-CLIENT-KEY`).
///
/// # Errors
/// Empty, too long, a control character, or a `|`.
///
/// ```
/// use snapsign_core::{Error, string_to_sign::check_client_id};
/// assert!(check_client_id("MCPD00000006").is_ok());
/// assert_eq!(check_client_id("a|b"), Err(Error::PipeInClientId { offset: 1 }));
/// ```
pub fn check_client_id(client_id: &str) -> Result<()> {
    check_text(Field::ClientId, client_id, MAX_CLIENT_ID_LEN)?;
    if let Some(offset) = client_id.bytes().position(|b| b == b'|') {
        return Err(Error::PipeInClientId { offset });
    }
    Ok(())
}

/// Validates an endpoint path: relative, starting with `/`, query string allowed.
///
/// # Errors
/// [`Error::AbsoluteUrl`], [`Error::PathWithoutLeadingSlash`], or a field error.
///
/// ```
/// use snapsign_core::{Error, string_to_sign::check_path};
/// assert!(check_path("/snap/v1.0/transfer-va/inquiry?channel=web&id=7").is_ok());
/// assert_eq!(check_path("https://api.example.com/v1.0/x"), Err(Error::AbsoluteUrl));
/// assert_eq!(check_path("v1.0/x"), Err(Error::PathWithoutLeadingSlash));
/// ```
pub fn check_path(path: &str) -> Result<()> {
    check_text(Field::Path, path, MAX_PATH_LEN)?;
    if is_absolute_url(path) {
        return Err(Error::AbsoluteUrl);
    }
    if !path.starts_with('/') {
        return Err(Error::PathWithoutLeadingSlash);
    }
    Ok(())
}

/// Validates an access token as it is signed: the bare token, without `Bearer `.
///
/// # Errors
/// [`Error::BearerPrefix`], or a field error.
///
/// ```
/// use snapsign_core::{Error, string_to_sign::check_access_token};
/// assert!(check_access_token("eyJhbGciOiJSUzI1NiJ9.e30.sig").is_ok());
/// assert_eq!(check_access_token("Bearer eyJhbGciOiJSUzI1NiJ9"), Err(Error::BearerPrefix));
/// ```
pub fn check_access_token(token: &str) -> Result<()> {
    check_text(Field::AccessToken, token, MAX_ACCESS_TOKEN_LEN)?;
    if has_bearer_prefix(token) {
        return Err(Error::BearerPrefix);
    }
    Ok(())
}

/// An absolute URL (`https://host/...`, or `//host/...`) where SNAP signs the relative path;
/// the rule [`check_path`] applies after its length and character checks.
///
/// ```
/// use snapsign_core::string_to_sign::is_absolute_url;
/// assert!(is_absolute_url("https://api.example.com/v1.0/x"));
/// assert!(is_absolute_url("//api.example.com/v1.0/x"));
/// assert!(!is_absolute_url("/v1.0/x?next=https://a"));
/// ```
pub fn is_absolute_url(path: &str) -> bool {
    let before_query = path.split('?').next().unwrap_or(path);
    path.starts_with("//") || before_query.contains("://")
}

/// A token that still starts with `Bearer ` (any case): the rule [`check_access_token`] applies
/// after its length and character checks.
///
/// ```
/// use snapsign_core::string_to_sign::has_bearer_prefix;
/// assert!(has_bearer_prefix("bearer abc"));
/// assert!(!has_bearer_prefix("Bearerabc"));
/// ```
pub fn has_bearer_prefix(token: &str) -> bool {
    token.as_bytes().get(..7).is_some_and(|head| head.eq_ignore_ascii_case(b"bearer "))
}

/// `clientId + "|" + X-TIMESTAMP`, the access-token string-to-sign.
///
/// # Errors
/// An invalid client id or timestamp.
///
/// ```
/// let s = snapsign_core::string_to_sign::token("MCPD00000006", "2020-10-04T17:55:58+07:00")?;
/// assert_eq!(s.as_str(), "MCPD00000006|2020-10-04T17:55:58+07:00");
/// # Ok::<(), snapsign_core::Error>(())
/// ```
pub fn token(client_id: &str, timestamp: &str) -> Result<TokenStringToSign> {
    Ok(token_parts(client_id, timestamp)?.join())
}

pub(crate) fn token_parts<'a>(client_id: &'a str, timestamp: &'a str) -> Result<Parts<'a, 2>> {
    check_client_id(client_id)?;
    timestamp::validate(timestamp)?;
    Ok(token_layout(client_id, timestamp))
}

// The three layouts. Each formula of the standard is written here and nowhere else.

fn token_layout<'a>(client_id: &'a str, timestamp: &'a str) -> Parts<'a, 2> {
    Parts { fields: [client_id, timestamp], separator: "|" }
}

fn transaction_layout<'a>(
    method: &'a str,
    path: &'a str,
    access_token: &'a str,
    body_digest: &'a str,
    timestamp: &'a str,
) -> Parts<'a, 5> {
    Parts { fields: [method, path, access_token, body_digest, timestamp], separator: ":" }
}

fn service_layout<'a>(method: &'a str, path: &'a str, body_digest: &'a str, timestamp: &'a str) -> Parts<'a, 4> {
    Parts { fields: [method, path, body_digest, timestamp], separator: ":" }
}

/// `METHOD:path:accessToken:bodyDigest:timestamp`, the transaction string-to-sign.
///
/// # Errors
/// An invalid method, path, access token or timestamp.
///
/// ```
/// use snapsign_core::{body_digest::body_digest, string_to_sign};
/// let d = body_digest(b"")?;
/// let s = string_to_sign::transaction("GET", "/v1.0/balance?x=1", "tok", &d, "2020-01-01T00:00:00Z")?;
/// assert_eq!(
///     s.as_str(),
///     "GET:/v1.0/balance?x=1:tok:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855:2020-01-01T00:00:00Z"
/// );
/// # Ok::<(), snapsign_core::Error>(())
/// ```
pub fn transaction(
    method: &str,
    path: &str,
    access_token: &str,
    body_digest: &BodyDigest,
    timestamp: &str,
) -> Result<TransactionStringToSign> {
    Ok(transaction_parts(method, path, access_token, body_digest, timestamp)?.join())
}

pub(crate) fn transaction_parts<'a>(
    method: &str,
    path: &'a str,
    access_token: &'a str,
    body_digest: &'a BodyDigest,
    timestamp: &'a str,
) -> Result<Parts<'a, 5>> {
    let method = Method::parse(method)?;
    check_path(path)?;
    check_access_token(access_token)?;
    timestamp::validate(timestamp)?;
    Ok(transaction_layout(method.as_str(), path, access_token, body_digest.as_str(), timestamp))
}

/// `METHOD:path:bodyDigest:timestamp`, the service (asymmetric, no token) string-to-sign.
///
/// # Errors
/// An invalid method, path or timestamp.
///
/// ```
/// use snapsign_core::{body_digest::body_digest, string_to_sign};
/// let d = body_digest(br#"{"a": 1}"#)?;
/// let s = string_to_sign::service("POST", "/v1.0/notify", &d, "2020-01-01T07:00:00+07:00")?;
/// assert_eq!(s.as_str(), format!("POST:/v1.0/notify:{d}:2020-01-01T07:00:00+07:00"));
/// # Ok::<(), snapsign_core::Error>(())
/// ```
pub fn service(method: &str, path: &str, body_digest: &BodyDigest, timestamp: &str) -> Result<ServiceStringToSign> {
    Ok(service_parts(method, path, body_digest, timestamp)?.join())
}

pub(crate) fn service_parts<'a>(
    method: &str,
    path: &'a str,
    body_digest: &'a BodyDigest,
    timestamp: &'a str,
) -> Result<Parts<'a, 4>> {
    let method = Method::parse(method)?;
    check_path(path)?;
    timestamp::validate(timestamp)?;
    Ok(service_layout(method.as_str(), path, body_digest.as_str(), timestamp))
}

/// The same three layouts joined **without any validation**, for diagnostics that must show what a
/// mistaken client signed (an absolute URL, a `Bearer ` token, a lower-case method, an unminified
/// body's digest). Never sign with these: use the checked builders above.
pub mod unchecked {
    use alloc::string::String;

    fn join<const K: usize>(parts: &super::Parts<'_, K>) -> String {
        parts.pieces().filter_map(|p| core::str::from_utf8(p).ok()).collect()
    }

    /// `clientId + "|" + X-TIMESTAMP`, as given.
    ///
    /// ```
    /// let s = snapsign_core::string_to_sign::unchecked::token("a|b", "not a time");
    /// assert_eq!(s, "a|b|not a time");
    /// ```
    pub fn token(client_id: &str, timestamp: &str) -> String {
        join(&super::token_layout(client_id, timestamp))
    }

    /// `METHOD:path:accessToken:bodyDigest:timestamp`, as given.
    ///
    /// ```
    /// let s = snapsign_core::string_to_sign::unchecked::transaction("post", "https://h/x", "Bearer t", "d", "ts");
    /// assert_eq!(s, "post:https://h/x:Bearer t:d:ts");
    /// ```
    pub fn transaction(method: &str, path: &str, access_token: &str, body_digest: &str, timestamp: &str) -> String {
        join(&super::transaction_layout(method, path, access_token, body_digest, timestamp))
    }

    /// `METHOD:path:bodyDigest:timestamp`, as given.
    ///
    /// ```
    /// assert_eq!(snapsign_core::string_to_sign::unchecked::service("GET", "/x", "d", "ts"), "GET:/x:d:ts");
    /// ```
    pub fn service(method: &str, path: &str, body_digest: &str, timestamp: &str) -> String {
        join(&super::service_layout(method, path, body_digest, timestamp))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::body_digest::body_digest;
    use alloc::string::String;

    const TS: &str = "2020-01-01T00:00:00Z";

    #[test]
    fn capacities_hold_the_longest_inputs() {
        let d = body_digest(b"").unwrap();
        let path = String::from("/") + &"p".repeat(MAX_PATH_LEN - 1);
        let tok = "t".repeat(MAX_ACCESS_TOKEN_LEN);
        let ts = "2020-01-01T00:00:00.123456789+07:00";
        assert_eq!(ts.len(), MAX_TIMESTAMP_LEN);
        let s = transaction("DELETE", &path, &tok, &d, ts).unwrap();
        assert_eq!(s.as_str().len(), TRANSACTION_CAPACITY);
        let s = service("DELETE", &path, &d, ts).unwrap();
        assert_eq!(s.as_str().len(), SERVICE_CAPACITY);
        let s = token(&"c".repeat(MAX_CLIENT_ID_LEN), ts).unwrap();
        assert_eq!(s.as_str().len(), TOKEN_CAPACITY);
        let long = String::from(path.as_str()) + "x";
        assert_eq!(service("GET", &long, &d, TS), Err(Error::FieldTooLong { field: Field::Path, max: MAX_PATH_LEN }));
    }

    #[test]
    fn refuses_what_providers_never_sign() {
        let d = body_digest(b"").unwrap();
        assert_eq!(token("", TS), Err(Error::EmptyField { field: Field::ClientId }));
        assert_eq!(token("ab\ncd", TS), Err(Error::ControlCharacter { field: Field::ClientId, offset: 2 }));
        assert!(matches!(token("abc", "2020-01-01 00:00:00Z"), Err(Error::InvalidTimestamp { .. })));
        assert_eq!(transaction("get", "/x", "t", &d, TS), Err(Error::InvalidMethod));
        assert_eq!(transaction("HEAD", "/x", "t", &d, TS), Err(Error::InvalidMethod));
        assert_eq!(transaction("GET", "//host/x", "t", &d, TS), Err(Error::AbsoluteUrl));
        assert_eq!(transaction("GET", "http://host/x", "t", &d, TS), Err(Error::AbsoluteUrl));
        assert!(transaction("GET", "/x?next=http://a", "t", &d, TS).is_ok());
        assert_eq!(transaction("GET", "", "t", &d, TS), Err(Error::EmptyField { field: Field::Path }));
        assert_eq!(transaction("GET", "/x", "bearer abc", &d, TS), Err(Error::BearerPrefix));
        assert_eq!(transaction("GET", "/x", "", &d, TS), Err(Error::EmptyField { field: Field::AccessToken }));
        assert_eq!(
            transaction("GET", "/x", "a\u{7f}", &d, TS),
            Err(Error::ControlCharacter { field: Field::AccessToken, offset: 1 })
        );
        assert_eq!(service("GET", "/x\t", &d, TS), Err(Error::ControlCharacter { field: Field::Path, offset: 2 }));
    }

    #[test]
    fn unchecked_layouts_equal_the_checked_ones_on_valid_input() {
        let d = body_digest(b"{}").unwrap();
        let p = "/v1.0/x?a=1";
        assert_eq!(unchecked::token("C", TS), token("C", TS).unwrap().as_str());
        assert_eq!(
            unchecked::transaction("PUT", p, "t", d.as_str(), TS),
            transaction("PUT", p, "t", &d, TS).unwrap().as_str()
        );
        assert_eq!(unchecked::service("PUT", p, d.as_str(), TS), service("PUT", p, &d, TS).unwrap().as_str());
    }
}
