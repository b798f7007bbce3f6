//! SNAP response bodies a receiver sends: the error answer, and the access token it issues.
//!
//! ```
//! use snapsign_core::snap_response::error_body;
//! use snapsign_core::ResponseCode;
//! let code = ResponseCode { http_status: 401, service_code: 73, case_code: 0 };
//! assert_eq!(error_body(code, "Unauthorized. Signature").as_str(),
//!            r#"{"responseCode":"4017300","responseMessage":"Unauthorized. Signature"}"#);
//! ```

use alloc::string::String;
use core::fmt::Write;

use base64ct::{Base64UrlUnpadded, Encoding};
use rand_core::TryCryptoRng;
use zeroize::Zeroize;

use crate::access_token::MAX_RESPONSE_MESSAGE_LEN;
use crate::error::{Error, Result};
use crate::provider::Profile;
use crate::request_verifier::Rejection;
use crate::response_code::ResponseCode;
use crate::string_to_sign::check_client_id;
use crate::timestamp::{Timestamp, TimestampString};

/// Room for [`error_body`]: the fixed text, the code, and a message of
/// [`MAX_RESPONSE_MESSAGE_LEN`] bytes every one of which might need `\u00XX`.
pub const ERROR_BODY_CAPACITY: usize = 48 + 6 * MAX_RESPONSE_MESSAGE_LEN;
/// Characters of an access token made by [`TokenGrant::issue`] (32 random bytes, base64url).
pub const ISSUED_TOKEN_LEN: usize = 43;
/// The lifetime of an issued token unless the caller chooses another: 900 s, as the standard's
/// examples and every provider use.
pub const DEFAULT_TOKEN_LIFETIME_SECONDS: u32 = 900;

/// Appends `text` as a JSON string body (without the quotes).
fn push_json_str<const N: usize>(out: &mut heapless::String<N>, text: &str) {
    for c in text.chars() {
        // Capacity is sized for the worst case of every character escaped, so pushes cannot fail.
        let _ = match c {
            '"' => out.write_str("\\\""),
            '\\' => out.write_str("\\\\"),
            c if u32::from(c) < 0x20 => write!(out, "\\u{:04x}", u32::from(c)),
            c => out.write_char(c),
        };
    }
}

/// `{"responseCode":"…","responseMessage":"…"}`: the body of every SNAP error answer. A message
/// longer than [`MAX_RESPONSE_MESSAGE_LEN`] bytes is cut at a character boundary.
pub fn error_body(code: ResponseCode, message: &str) -> heapless::String<ERROR_BODY_CAPACITY> {
    let mut end = message.len().min(MAX_RESPONSE_MESSAGE_LEN);
    while !message.is_char_boundary(end) {
        end = end.saturating_sub(1);
    }
    let mut out = heapless::String::new();
    let _ = write!(out, "{{\"responseCode\":\"{code}\",\"responseMessage\":\"");
    push_json_str(&mut out, message.get(..end).unwrap_or_default());
    let _ = out.push_str("\"}");
    out
}

impl Rejection {
    /// The JSON body to answer with ([`error_body`] of this rejection's code and message).
    ///
    /// ```
    /// use snapsign_core::request_verifier::{Reason, Rejection};
    /// use snapsign_core::provider;
    /// let r = Rejection::new(&provider::GENERIC, Reason::Replayed, 24);
    /// assert_eq!(r.body().as_str(), r#"{"responseCode":"4092400","responseMessage":"Conflict"}"#);
    /// ```
    pub fn body(&self) -> heapless::String<ERROR_BODY_CAPACITY> {
        error_body(self.response_code(), self.response_message())
    }
}

/// An access token a receiver issues (the merchant side of DOKU's notifications, a sandbox),
/// with the response headers and body the standard prescribes.
///
/// The token is a secret: it is wiped when the grant is dropped (the [`body`](Self::body) string
/// holds a copy; drop it once sent).
pub struct TokenGrant {
    // ASCII (base64url); wiped on drop.
    access_token: zeroize::Zeroizing<[u8; ISSUED_TOKEN_LEN]>,
    code: ResponseCode,
    expires_in_seconds: u32,
    timestamp: TimestampString,
    client_key: String,
}

impl core::fmt::Debug for TokenGrant {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("TokenGrant")
            .field("code", &self.code)
            .field("expires_in_seconds", &self.expires_in_seconds)
            .field("client_key", &self.client_key)
            .finish_non_exhaustive()
    }
}

impl TokenGrant {
    /// Issues a token to `client_id` at `now_unix_millis`, valid `expires_in_seconds`, answering
    /// service `service_code` (73 for B2B, 74 for B2B2C); `X-TIMESTAMP` is written in
    /// `profile`'s style.
    ///
    /// # Errors
    /// [`Error::Rng`]; a client-id error; [`Error::TimestampOutOfRange`].
    ///
    /// ```
    /// use snapsign_core::snap_response::TokenGrant;
    /// use snapsign_core::provider;
    /// let g = TokenGrant::issue(&provider::GENERIC, 73, "C1", 1_577_826_600_000, 900, &mut getrandom::SysRng)?;
    /// assert_eq!(g.access_token().len(), 43);
    /// assert_eq!(g.headers(), [("X-TIMESTAMP", "2020-01-01T04:10:00+07:00"), ("X-CLIENT-KEY", "C1")]);
    /// let body: serde_json::Value = serde_json::from_str(&g.body()).unwrap();
    /// assert_eq!(body["responseCode"], "2007300");
    /// assert_eq!(body["tokenType"], "Bearer");
    /// assert_eq!(body["expiresIn"], "900");
    /// assert_eq!(body["accessToken"], g.access_token());
    /// # Ok::<(), snapsign_core::Error>(())
    /// ```
    pub fn issue<R: TryCryptoRng + ?Sized>(
        profile: &Profile,
        service_code: u8,
        client_id: &str,
        now_unix_millis: i64,
        expires_in_seconds: u32,
        rng: &mut R,
    ) -> Result<Self> {
        check_client_id(client_id)?;
        let style = profile.timestamp.value;
        let timestamp = Timestamp::from_unix_millis(now_unix_millis, style.offset_minutes)?.format(style.format);
        let mut raw = [0u8; 32];
        rng.try_fill_bytes(&mut raw).map_err(|_| Error::Rng)?;
        let mut access_token = zeroize::Zeroizing::new([0u8; ISSUED_TOKEN_LEN]);
        let encoded = Base64UrlUnpadded::encode(&raw, &mut access_token[..]).map(str::len);
        raw.zeroize();
        if encoded != Ok(ISSUED_TOKEN_LEN) {
            return Err(Error::BufferTooSmall { needed: ISSUED_TOKEN_LEN });
        }
        Ok(TokenGrant {
            access_token,
            code: ResponseCode { http_status: 200, service_code, case_code: 0 },
            expires_in_seconds,
            timestamp,
            client_key: String::from(client_id),
        })
    }

    /// The token (what the client sends back as `Authorization: Bearer <token>`).
    pub fn access_token(&self) -> &str {
        core::str::from_utf8(&self.access_token[..]).unwrap_or_default()
    }

    /// Seconds the token is valid.
    pub fn expires_in_seconds(&self) -> u32 {
        self.expires_in_seconds
    }

    /// When it expires, given when it was issued.
    #[allow(clippy::arithmetic_side_effects, reason = "u32 seconds in millis fit in i64 beside any timestamp")]
    pub fn expires_at_unix_millis(&self, issued_at_unix_millis: i64) -> i64 {
        issued_at_unix_millis.saturating_add(i64::from(self.expires_in_seconds) * 1000)
    }

    /// The response headers: `X-TIMESTAMP` and `X-CLIENT-KEY`.
    pub fn headers(&self) -> [(&'static str, &str); 2] {
        [("X-TIMESTAMP", self.timestamp.as_str()), ("X-CLIENT-KEY", self.client_key.as_str())]
    }

    /// The response body: `responseCode`, `responseMessage` `Successful`, `accessToken`,
    /// `tokenType` `Bearer`, `expiresIn` as a string of seconds.
    pub fn body(&self) -> String {
        let mut s = String::with_capacity(160);
        let _ = write!(
            s,
            "{{\"responseCode\":\"{}\",\"responseMessage\":\"Successful\",\"accessToken\":\"{}\",\"tokenType\":\"Bearer\",\"expiresIn\":\"{}\"}}",
            self.code,
            self.access_token(),
            self.expires_in_seconds
        );
        s
    }
}
