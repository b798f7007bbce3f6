//! When to fetch a new access token: an [`AccessToken`] remembers when its response arrived and
//! how long the provider said it lives (`expiresIn`), and [`AccessToken::needs_refresh`] says
//! whether it is time to ask for the next one.
//!
//! What is checked: `now + margin >= received + expiresIn`. The margin matters: a token cached for
//! the full `expiresIn` is still used in its last second, and the request carrying it reaches the
//! provider after it died ("401xx01 Invalid Token (B2B)"), more so with clock differences and
//! retries. Hence [`DEFAULT_REFRESH_MARGIN_SECONDS`].
//!
//! ```
//! use snapsign_core::access_token::TokenResponse;
//! use snapsign_core::token_lifetime::{AccessToken, DEFAULT_REFRESH_MARGIN_SECONDS};
//!
//! let body = br#"{"responseCode":"2007300","accessToken":"eyJ.x","tokenType":"Bearer","expiresIn":"900"}"#;
//! let received = 1_700_000_000_000; // Unix milliseconds when the response arrived
//! let token = AccessToken::from_response(TokenResponse::parse(body)?, received)?;
//! assert_eq!(token.expires_at_unix_millis(), received + 900_000);
//! // Fresh for 840 s with the default 60 s margin, then due for refresh.
//! assert!(!token.needs_refresh(received + 839_999, DEFAULT_REFRESH_MARGIN_SECONDS));
//! assert!(token.needs_refresh(received + 840_000, DEFAULT_REFRESH_MARGIN_SECONDS));
//! # Ok::<(), snapsign_core::Error>(())
//! ```

use core::fmt;

use zeroize::Zeroize;

use crate::access_token::{TokenResponse, MAX_TOKEN_TYPE_LEN};
use crate::error::{Error, ResponseErrorKind, Result};
use crate::string_to_sign::MAX_ACCESS_TOKEN_LEN;

/// How long before expiry [`AccessToken::needs_refresh`] should say so, unless the caller knows
/// better: long enough to cover clock differences and a slow request, short against the
/// standard's 900 s lifetime.
pub const DEFAULT_REFRESH_MARGIN_SECONDS: u32 = 60;

/// The lifetime assumed when a response has no `expiresIn`: the standard's own value ("Session
/// expiry in seconds: 900", Standar Teknis dan Keamanan v1.0.2, 2.1.5 b).
///
/// The standard makes `expiresIn` mandatory, so a response without it is off-standard; assuming
/// "never expires" would keep a dead token until the provider answers 401, while 900 s at worst
/// refreshes a longer-lived token early.
pub const ASSUMED_EXPIRES_IN_SECONDS: u64 = 900;

/// An access token with the time it stops being usable. The token is wiped from memory when the
/// value is dropped.
///
/// Times are Unix milliseconds (`i64`, so times before 1970 are fine) from the caller's clock: the
/// core has no clock of its own.
#[derive(Clone)]
pub struct AccessToken {
    token: heapless::String<MAX_ACCESS_TOKEN_LEN>,
    token_type: heapless::String<MAX_TOKEN_TYPE_LEN>,
    received_at_unix_millis: i64,
    expires_in_seconds: Option<u64>,
    expires_at_unix_millis: i64,
}

impl AccessToken {
    /// The token of a successful response received at `received_at_unix_millis`, expiring
    /// `expiresIn` seconds later ([`ASSUMED_EXPIRES_IN_SECONDS`] when the response has none).
    ///
    /// Takes the response so that its copy of the token can be wiped: only this value holds it
    /// afterwards (best effort: a move may leave a copy on the stack).
    ///
    /// # Errors
    /// - [`ResponseErrorKind::MissingAccessToken`] for an error response (non-2xx) or an empty
    ///   token: check [`ResponseCode::is_success`](crate::response_code::ResponseCode::is_success)
    ///   first and [`describe`](crate::response_code::ResponseCode::describe) the code otherwise;
    /// - [`ResponseErrorKind::BadExpiresIn`] when the expiry does not fit in `i64` milliseconds
    ///   (an `expiresIn` of hundreds of millions of years, or a receipt time near the end of `i64`).
    ///
    /// ```
    /// use snapsign_core::access_token::TokenResponse;
    /// use snapsign_core::token_lifetime::AccessToken;
    ///
    /// let r = TokenResponse::parse(br#"{"responseCode":"2007300","accessToken":"t","expiresIn":900}"#)?;
    /// let token = AccessToken::from_response(r, -5_000)?;
    /// assert_eq!((token.token(), token.expires_at_unix_millis()), ("t", 895_000));
    ///
    /// let refused = TokenResponse::parse(br#"{"responseCode":"4017300","responseMessage":"Unauthorized. Unknown Client"}"#)?;
    /// assert!(AccessToken::from_response(refused, 0).is_err());
    /// # Ok::<(), snapsign_core::Error>(())
    /// ```
    pub fn from_response(mut response: TokenResponse, received_at_unix_millis: i64) -> Result<Self> {
        if !response.response_code.is_success() || response.access_token.is_empty() {
            return Err(Error::InvalidResponse { kind: ResponseErrorKind::MissingAccessToken });
        }
        let lifetime = response.expires_in.unwrap_or(ASSUMED_EXPIRES_IN_SECONDS);
        let expires_at_unix_millis = lifetime
            .checked_mul(1000)
            .and_then(|ms| i64::try_from(ms).ok())
            .and_then(|ms| received_at_unix_millis.checked_add(ms))
            .ok_or(Error::InvalidResponse { kind: ResponseErrorKind::BadExpiresIn })?;
        let token = AccessToken {
            token: response.access_token.clone(),
            token_type: response.token_type.clone(),
            received_at_unix_millis,
            expires_in_seconds: response.expires_in,
            expires_at_unix_millis,
        };
        response.access_token.as_mut_str().zeroize();
        Ok(token)
    }

    /// The token, without `Bearer `: what goes into the string-to-sign.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// `tokenType` as the provider sent it (`Bearer`); empty when absent.
    pub fn token_type(&self) -> &str {
        &self.token_type
    }

    /// When the response arrived, as given to [`from_response`](Self::from_response).
    pub const fn received_at_unix_millis(&self) -> i64 {
        self.received_at_unix_millis
    }

    /// `expiresIn` as the provider sent it; `None` when it did not, and
    /// [`ASSUMED_EXPIRES_IN_SECONDS`] was used.
    pub const fn expires_in_seconds(&self) -> Option<u64> {
        self.expires_in_seconds
    }

    /// When the token stops being valid: received + `expiresIn` seconds.
    pub const fn expires_at_unix_millis(&self) -> i64 {
        self.expires_at_unix_millis
    }

    /// True when this token should no longer be used and a new one must be requested first:
    /// `now + margin >= expiry`, i.e. from `margin_seconds` before the expiry on, that exact
    /// millisecond included. False means the token is still good for at least `margin_seconds`.
    ///
    /// A margin as long as the token's lifetime makes this true from the start, so each use would
    /// fetch a new token; keep the margin well below `expiresIn`. A clock that went back before the
    /// receipt time only delays the refresh.
    ///
    /// ```
    /// use snapsign_core::access_token::TokenResponse;
    /// use snapsign_core::token_lifetime::AccessToken;
    ///
    /// let r = TokenResponse::parse(br#"{"responseCode":"2007300","accessToken":"t","expiresIn":"900"}"#)?;
    /// let token = AccessToken::from_response(r, 0)?;
    /// assert!(!token.needs_refresh(839_999, 60));
    /// assert!(token.needs_refresh(840_000, 60));
    /// assert!(token.needs_refresh(900_000, 0)); // expired
    /// # Ok::<(), snapsign_core::Error>(())
    /// ```
    pub fn needs_refresh(&self, now_unix_millis: i64, margin_seconds: u32) -> bool {
        // Saturating: a `now` near the end of i64 is past any representable expiry anyway.
        let margin_millis = i64::from(margin_seconds).saturating_mul(1000);
        now_unix_millis.saturating_add(margin_millis) >= self.expires_at_unix_millis
    }
}

impl Drop for AccessToken {
    fn drop(&mut self) {
        // Only the first `len` bytes were ever written: the token was copied in, never shortened.
        self.token.as_mut_str().zeroize();
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A token in a log is as good as a password.
        f.debug_struct("AccessToken")
            .field("token", &format_args!("<{} bytes, redacted>", self.token.len()))
            .field("token_type", &self.token_type.as_str())
            .field("received_at_unix_millis", &self.received_at_unix_millis)
            .field("expires_in_seconds", &self.expires_in_seconds)
            .field("expires_at_unix_millis", &self.expires_at_unix_millis)
            .finish()
    }
}
