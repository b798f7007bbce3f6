//! Receiving a SNAP request: every check the standard requires, and the answer it prescribes.
//!
//! A [`RequestVerifier`] is the receiving side of [`RequestHeaders::sign`](crate::request::RequestHeaders::sign):
//! a provider's notification to a merchant, DOKU's token request to a merchant, a partner's call
//! to a bank. It takes the request exactly as received (method, target with its query, a
//! case-insensitive [`HeaderLookup`], the raw body bytes) and the time, and checks, in order:
//!
//! 1. which call it is: the profile's B2B or B2B2C token path (the target's path, exactly), or a
//!    transaction;
//! 2. every mandatory header is present (`400xx02 Invalid Mandatory Field {name}`) and within the
//!    standard's length and format (`400xx01 Invalid Field Format {name}`);
//! 3. `X-CLIENT-KEY` (token calls) or `X-PARTNER-ID` is the expected one (`401xx00 Unauthorized.
//!    Unknown Client`);
//! 4. `X-TIMESTAMP` is within the allowed skew of now (`401xx00`);
//! 5. the access token was issued by the application and is live (HMAC transactions: `401xx01
//!    Invalid Token (B2B)`);
//! 6. the signature, over the exact received bytes: the body as received is minified and hashed,
//!    never re-serialised, and `EndpointUrl` is the profile's rule applied to the received target
//!    (`401xx00 Unauthorized. Signature`);
//! 7. last, and only if all else passed, the [`ReplayGuard`] records `X-EXTERNAL-ID`
//!    (`409xx00 Conflict`).
//!
//! Every [`Rejection`] carries its SNAP response code, message and HTTP status; its
//! [`Display`](core::fmt::Display) is the precise reason for logs (never sent: it would help an
//! attacker).
//!
//! ```
//! use snapsign_core::request::{Call, RequestHeaders, Signer, When};
//! use snapsign_core::request_verifier::{Received, RequestVerifier, TokenState};
//! use snapsign_core::replay_guard::MemoryReplayGuard;
//! use snapsign_core::{provider, HmacSigner};
//!
//! let secret = HmacSigner::new(b"a-secret")?;
//! let body = br#"{"partnerServiceId":"  088899"}"#;
//! let call = Call { access_token: Some("tok"), external_id: Some("1"), channel_id: Some("95221"),
//!                   ..Call::new("POST", "/v1.0/transfer-va/inquiry", body, "P1") };
//! let now = 1_577_826_600_000;
//! let signed = RequestHeaders::sign(&provider::GENERIC, Signer::Hmac(&secret), &call, When::UnixMillis(now), &mut getrandom::SysRng)?;
//! let headers: Vec<(&str, &str)> = signed.iter().collect();
//!
//! let verifier = RequestVerifier::new(&provider::GENERIC).with_client_secret(HmacSigner::new(b"a-secret")?);
//! let tokens = |t: &str, _now: i64| if t == "tok" { TokenState::Live } else { TokenState::Unknown };
//! let guard = MemoryReplayGuard::new(1000);
//! let received = Received { method: "POST", target: "/v1.0/transfer-va/inquiry", headers: &headers[..], body };
//! let accepted = verifier.verify(&received, now, 24, &tokens, &guard).map_err(|r| r.to_string()).unwrap();
//! assert_eq!(accepted.external_id, Some("1"));
//!
//! // The same request again is a replay.
//! let again = verifier.verify(&received, now, 24, &tokens, &guard).unwrap_err();
//! assert_eq!((again.response_code().to_string().as_str(), again.response_message()), ("4092400", "Conflict"));
//! # Ok::<(), snapsign_core::Error>(())
//! ```

use alloc::string::String;
use core::fmt;

use crate::access_token::MAX_EXTERNAL_ID_LEN;
use crate::error::{Error, Field};
use crate::hmac::HmacSigner;
use crate::provider::{MissingHeaderAnswer, Profile, TransactionSignature};
use crate::replay_guard::{ReplayGuard, ReplayKey};
use crate::request::{MAX_CHANNEL_ID_LEN, MAX_PARTNER_ID_LEN};
use crate::response_code::ResponseCode;
use crate::rsa::{RsaVerifier, MAX_SIGNATURE_LEN};
use crate::string_to_sign::{check_access_token, check_client_id, check_path, check_text};
use crate::timestamp::{self, Timestamp, MAX_TIMESTAMP_LEN};

/// Bytes of the longest [`Rejection::response_message`] (`Bad Request - X-EXTERNAL-ID is Required`
/// and the like, with room to spare).
pub const MAX_REJECTION_MESSAGE_LEN: usize = 64;
/// The allowed difference between `X-TIMESTAMP` and the receiver's clock, unless configured.
pub const DEFAULT_MAX_SKEW_SECONDS: u32 = 900;
/// The service code of the B2B access-token call.
pub const SERVICE_ACCESS_TOKEN_B2B: u8 = 73;
/// The service code of the B2B2C access-token call.
pub const SERVICE_ACCESS_TOKEN_B2B2C: u8 = 74;

/// Header values by name, case-insensitively (HTTP header names are).
///
/// Implemented for slices of `(name, value)` pairs; a web framework's header map needs a few
/// lines. Values are bytes: HTTP allows any, and a value that is not UTF-8 is a malformed header,
/// not a reason to fail somewhere else.
pub trait HeaderLookup {
    /// The value of header `name`, compared ASCII case-insensitively; the first one if repeated.
    fn header(&self, name: &str) -> Option<&[u8]>;
}

impl HeaderLookup for [(&str, &str)] {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_bytes())
    }
}

impl HeaderLookup for [(&[u8], &[u8])] {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.iter().find(|(n, _)| n.eq_ignore_ascii_case(name.as_bytes())).map(|(_, v)| *v)
    }
}

impl<H: HeaderLookup + ?Sized> HeaderLookup for &H {
    fn header(&self, name: &str) -> Option<&[u8]> {
        (**self).header(name)
    }
}

/// What the application knows of an access token it issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenState {
    /// Issued and not expired.
    Live,
    /// Issued, but expired.
    Expired,
    /// Never issued (or forgotten).
    Unknown,
}

impl TokenState {
    /// `live`, `expired` or `unknown`.
    pub const fn name(self) -> &'static str {
        match self {
            TokenState::Live => "live",
            TokenState::Expired => "expired",
            TokenState::Unknown => "unknown",
        }
    }
}

/// The access tokens the application issued.
pub trait IssuedTokens {
    /// The state of `access_token` (without `Bearer `) at `now_unix_millis`.
    fn token_state(&self, access_token: &str, now_unix_millis: i64) -> TokenState;
}

impl<F: Fn(&str, i64) -> TokenState> IssuedTokens for F {
    fn token_state(&self, access_token: &str, now_unix_millis: i64) -> TokenState {
        self(access_token, now_unix_millis)
    }
}

/// Which call a request is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CallKind {
    /// The B2B access-token call (signed `clientId|X-TIMESTAMP` with the sender's key).
    TokenB2b,
    /// The B2B2C access-token call.
    TokenB2b2c,
    /// Any other call: a transaction or notification.
    Transaction,
}

impl CallKind {
    /// `token-b2b`, `token-b2b2c` or `transaction`.
    pub const fn name(self) -> &'static str {
        match self {
            CallKind::TokenB2b => "token-b2b",
            CallKind::TokenB2b2c => "token-b2b2c",
            CallKind::Transaction => "transaction",
        }
    }
}

/// A request as received.
#[derive(Debug, Clone, Copy)]
pub struct Received<'r, H: ?Sized> {
    /// The HTTP method as on the request line.
    pub method: &'r str,
    /// The request target as on the request line: the path and its query, undecoded.
    pub target: &'r str,
    /// The headers.
    pub headers: &'r H,
    /// The body bytes exactly as received.
    pub body: &'r [u8],
}

/// What an accepted request said about itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Accepted<'r> {
    /// Which call it was.
    pub kind: CallKind,
    /// `X-CLIENT-KEY` (token calls).
    pub client_id: Option<&'r str>,
    /// `X-PARTNER-ID` (transactions).
    pub partner_id: Option<&'r str>,
    /// `X-EXTERNAL-ID` (transactions).
    pub external_id: Option<&'r str>,
    /// The access token, without `Bearer ` (transactions that carry one).
    pub access_token: Option<&'r str>,
    /// `X-TIMESTAMP` as received.
    pub timestamp: &'r str,
    /// `X-TIMESTAMP` read.
    pub instant: Timestamp,
}

/// Why a request was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Reason {
    /// A mandatory header is missing.
    MissingHeader {
        /// The header, as the standard spells it.
        header: &'static str,
    },
    /// A header breaks the standard's length or format.
    MalformedHeader {
        /// The header, as the standard spells it.
        header: &'static str,
        /// What was wrong with it.
        error: Error,
    },
    /// The request target or body cannot be signed at all (an absolute URL, invalid JSON).
    BadRequest {
        /// What was wrong.
        error: Error,
    },
    /// `X-CLIENT-KEY` or `X-PARTNER-ID` is not the expected one.
    UnknownClient,
    /// The verifier has no key for this kind of call (no public key for a token call or an
    /// RSA transaction, no client secret for an HMAC one).
    NoKey,
    /// `X-TIMESTAMP` is further from now than the allowed skew ([`Error::TimestampSkew`]).
    Timestamp {
        /// The skew error.
        error: Error,
    },
    /// The signature does not verify over the received request.
    WrongSignature {
        /// What the verification said ([`Error::SignatureMismatch`], a length, base64).
        error: Error,
    },
    /// The access token is not one the application issued, or it has expired.
    InvalidToken {
        /// Which.
        state: TokenState,
    },
    /// `X-EXTERNAL-ID` was already used by this partner today.
    Replayed,
    /// The replay guard could not answer.
    ReplayGuardFailed,
}

/// A rejected request: the reason, and the SNAP answer for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    reason: Reason,
    code: ResponseCode,
    message: heapless::String<MAX_REJECTION_MESSAGE_LEN>,
}

impl Rejection {
    /// The SNAP answer to `reason` for service `service_code`, in `profile`'s wording.
    ///
    /// ```
    /// use snapsign_core::request_verifier::{Reason, Rejection};
    /// use snapsign_core::provider;
    /// let r = Rejection::new(&provider::GENERIC, Reason::MissingHeader { header: "X-TIMESTAMP" }, 73);
    /// assert_eq!((r.response_code().to_string().as_str(), r.response_message()), ("4007302", "Invalid Mandatory Field {X-TIMESTAMP}"));
    /// let r = Rejection::new(&provider::IFORTEPAY, Reason::MissingHeader { header: "X-TIMESTAMP" }, 73);
    /// assert_eq!((r.response_code().to_string().as_str(), r.response_message()), ("4007300", "Bad Request - X-TIMESTAMP is Required"));
    /// assert_eq!(r.http_status(), 400);
    /// ```
    pub fn new(profile: &Profile, reason: Reason, service_code: u8) -> Self {
        // The HTTP status, the case code, and the message in pieces (the header name between).
        let (http_status, case_code, parts): (u16, u8, [&str; 3]) = match reason {
            Reason::MissingHeader { header } => match profile.missing_header.value {
                MissingHeaderAnswer::Standard => (400, 2, ["Invalid Mandatory Field {", header, "}"]),
                MissingHeaderAnswer::BadRequestIsRequired => (400, 0, ["Bad Request - ", header, " is Required"]),
            },
            Reason::MalformedHeader { header, .. } => (400, 1, ["Invalid Field Format {", header, "}"]),
            Reason::BadRequest { .. } => (400, 0, ["Bad Request", "", ""]),
            Reason::UnknownClient => (401, 0, ["Unauthorized. Unknown Client", "", ""]),
            Reason::NoKey => (401, 0, ["Unauthorized. Key Not Found", "", ""]),
            Reason::Timestamp { .. } => (401, 0, ["Unauthorized. Timestamp", "", ""]),
            Reason::WrongSignature { .. } => (401, 0, ["Unauthorized. Signature", "", ""]),
            Reason::InvalidToken { .. } => (401, 1, ["Invalid Token (B2B)", "", ""]),
            Reason::Replayed => (409, 0, ["Conflict", "", ""]),
            Reason::ReplayGuardFailed => (500, 0, ["General Error", "", ""]),
        };
        let mut message = heapless::String::new();
        // Header names are at most 22 bytes, so every message fits MAX_REJECTION_MESSAGE_LEN.
        for part in parts {
            let _ = message.push_str(part);
        }
        let code = ResponseCode { http_status, service_code, case_code };
        Rejection { reason, code, message }
    }

    /// Why.
    pub fn reason(&self) -> Reason {
        self.reason
    }

    /// `responseCode`.
    pub fn response_code(&self) -> ResponseCode {
        self.code
    }

    /// `responseMessage`.
    pub fn response_message(&self) -> &str {
        &self.message
    }

    /// The HTTP status to answer with.
    pub fn http_status(&self) -> u16 {
        self.code.http_status
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.reason {
            Reason::MissingHeader { header } => write!(f, "the {header} header is missing"),
            Reason::MalformedHeader { header, error } => write!(f, "the {header} header is malformed: {error}"),
            Reason::BadRequest { error } => write!(f, "the request cannot be verified: {error}"),
            Reason::UnknownClient => f.write_str("the client (X-CLIENT-KEY or X-PARTNER-ID) is not the expected one"),
            Reason::NoKey => f.write_str("no key is configured to verify this kind of call"),
            Reason::Timestamp { error } => fmt::Display::fmt(&error, f),
            Reason::WrongSignature { error } => write!(f, "X-SIGNATURE does not verify: {error}"),
            Reason::InvalidToken { state } => write!(f, "the access token is {}", state.name()),
            Reason::Replayed => f.write_str("X-EXTERNAL-ID was already used by this partner today"),
            Reason::ReplayGuardFailed => f.write_str("the replay guard could not record X-EXTERNAL-ID"),
        }
    }
}

/// Checks received SNAP requests for one sender: see the [module docs](self).
#[derive(Debug)]
pub struct RequestVerifier<'p> {
    profile: &'p Profile,
    public_key: Option<RsaVerifier>,
    client_secret: Option<HmacSigner>,
    client_id: Option<String>,
    partner_id: Option<String>,
    max_skew_seconds: u32,
}

/// One header's value, checked present and UTF-8.
fn required<'h, H: HeaderLookup + ?Sized>(
    headers: &'h H,
    header: &'static str,
    field: Field,
) -> Result<&'h str, Reason> {
    let raw = headers.header(header).ok_or(Reason::MissingHeader { header })?;
    if raw.is_empty() {
        return Err(Reason::MissingHeader { header });
    }
    core::str::from_utf8(raw)
        .map_err(|e| Reason::MalformedHeader { header, error: Error::InvalidUtf8 { field, offset: e.valid_up_to() } })
}

fn malformed(header: &'static str) -> impl Fn(Error) -> Reason {
    move |error| Reason::MalformedHeader { header, error }
}

impl<'p> RequestVerifier<'p> {
    /// A verifier for requests written in `profile`'s way, with no key yet, the default skew,
    /// and any client.
    pub fn new(profile: &'p Profile) -> Self {
        RequestVerifier {
            profile,
            public_key: None,
            client_secret: None,
            client_id: None,
            partner_id: None,
            max_skew_seconds: DEFAULT_MAX_SKEW_SECONDS,
        }
    }

    /// The sender's public key: verifies token calls and RSA (service form) transactions.
    pub fn with_public_key(mut self, key: RsaVerifier) -> Self {
        self.public_key = Some(key);
        self
    }

    /// The client secret: verifies HMAC transactions.
    pub fn with_client_secret(mut self, secret: HmacSigner) -> Self {
        self.client_secret = Some(secret);
        self
    }

    /// Accepts token calls only with this `X-CLIENT-KEY`.
    ///
    /// # Errors
    /// As [`check_client_id`].
    pub fn with_client_id(mut self, client_id: &str) -> crate::Result<Self> {
        check_client_id(client_id)?;
        self.client_id = Some(String::from(client_id));
        Ok(self)
    }

    /// Accepts transactions only with this `X-PARTNER-ID`.
    ///
    /// # Errors
    /// A field error for an empty or over-long id.
    pub fn with_partner_id(mut self, partner_id: &str) -> crate::Result<Self> {
        check_text(Field::PartnerId, partner_id, MAX_PARTNER_ID_LEN)?;
        self.partner_id = Some(String::from(partner_id));
        Ok(self)
    }

    /// The allowed difference, in seconds either way, between `X-TIMESTAMP` and now.
    pub fn with_max_skew(mut self, seconds: u32) -> Self {
        self.max_skew_seconds = seconds;
        self
    }

    /// The profile.
    pub fn profile(&self) -> &'p Profile {
        self.profile
    }

    /// The allowed skew in seconds.
    pub fn max_skew_seconds(&self) -> u32 {
        self.max_skew_seconds
    }

    /// The public key that token calls and SHA256withRSA transactions are verified with: what a
    /// diagnosis of a wrong signature checks its variants with.
    pub fn public_key(&self) -> Option<&RsaVerifier> {
        self.public_key.as_ref()
    }

    /// The client secret that HMAC-SHA512 transactions are verified with (it signs and verifies
    /// only; the secret bytes never leave it).
    pub fn client_secret(&self) -> Option<&HmacSigner> {
        self.client_secret.as_ref()
    }

    /// Which call `target` is for this profile: its token paths are matched exactly (without
    /// the query), anything else is a transaction.
    ///
    /// ```
    /// use snapsign_core::request_verifier::{CallKind, RequestVerifier};
    /// use snapsign_core::provider;
    /// let v = RequestVerifier::new(&provider::DOKU);
    /// assert_eq!(v.call_kind("/authorization/v1/access-token/b2b"), CallKind::TokenB2b);
    /// assert_eq!(v.call_kind("/v1.0/access-token/b2b"), CallKind::Transaction);
    /// ```
    pub fn call_kind(&self, target: &str) -> CallKind {
        let path = target.split_once('?').map_or(target, |(p, _)| p);
        if self.profile.token_path_b2b.value == Some(path) {
            CallKind::TokenB2b
        } else if self.profile.token_path_b2b2c.value == Some(path) {
            CallKind::TokenB2b2c
        } else {
            CallKind::Transaction
        }
    }

    /// The service code a rejection of this call carries: 73 or 74 for the token calls,
    /// `service_code` for a transaction.
    pub fn service_code(&self, target: &str, service_code: u8) -> u8 {
        match self.call_kind(target) {
            CallKind::TokenB2b => SERVICE_ACCESS_TOKEN_B2B,
            CallKind::TokenB2b2c => SERVICE_ACCESS_TOKEN_B2B2C,
            CallKind::Transaction => service_code,
        }
    }

    /// Checks `request` at `now_unix_millis`; see the [module docs](self) for the order.
    /// `service_code` is the transaction's SNAP service code (the token calls have theirs);
    /// `tokens` says which access tokens were issued; `replay` records `X-EXTERNAL-ID`.
    ///
    /// # Errors
    /// The [`Rejection`] to answer with.
    pub fn verify<'r, H: HeaderLookup + ?Sized>(
        &self,
        request: &Received<'r, H>,
        now_unix_millis: i64,
        service_code: u8,
        tokens: &dyn IssuedTokens,
        replay: &dyn ReplayGuard,
    ) -> Result<Accepted<'r>, Rejection> {
        let code = self.service_code(request.target, service_code);
        self.check(request, now_unix_millis, tokens, replay)
            .map_err(|reason| Rejection::new(self.profile, reason, code))
    }

    fn check<'r, H: HeaderLookup + ?Sized>(
        &self,
        r: &Received<'r, H>,
        now: i64,
        tokens: &dyn IssuedTokens,
        replay: &dyn ReplayGuard,
    ) -> Result<Accepted<'r>, Reason> {
        check_path(r.target).map_err(|error| Reason::BadRequest { error })?;
        match self.call_kind(r.target) {
            kind @ (CallKind::TokenB2b | CallKind::TokenB2b2c) => self.check_token_call(kind, r, now),
            CallKind::Transaction => self.check_transaction(r, now, tokens, replay),
        }
    }

    fn timestamp<'h, H: HeaderLookup + ?Sized>(&self, headers: &'h H) -> Result<&'h str, Reason> {
        let text = required(headers, "X-TIMESTAMP", Field::Timestamp)?;
        if text.len() > MAX_TIMESTAMP_LEN {
            return Err(Reason::MalformedHeader {
                header: "X-TIMESTAMP",
                error: Error::FieldTooLong { field: Field::Timestamp, max: MAX_TIMESTAMP_LEN },
            });
        }
        Timestamp::parse(text).map_err(malformed("X-TIMESTAMP"))?;
        Ok(text)
    }

    fn signature<H: HeaderLookup + ?Sized>(headers: &H) -> Result<&str, Reason> {
        let text = required(headers, "X-SIGNATURE", Field::Signature)?;
        if text.len() > MAX_SIGNATURE_LEN {
            return Err(Reason::MalformedHeader {
                header: "X-SIGNATURE",
                error: Error::FieldTooLong { field: Field::Signature, max: MAX_SIGNATURE_LEN },
            });
        }
        Ok(text)
    }

    fn skew(&self, timestamp: &str, now: i64) -> Result<Timestamp, Reason> {
        timestamp::check_skew(timestamp, now, self.max_skew_seconds).map_err(|error| Reason::Timestamp { error })
    }

    fn check_token_call<'r, H: HeaderLookup + ?Sized>(
        &self,
        kind: CallKind,
        r: &Received<'r, H>,
        now: i64,
    ) -> Result<Accepted<'r>, Reason> {
        let timestamp = self.timestamp(r.headers)?;
        let client_id = required(r.headers, "X-CLIENT-KEY", Field::ClientId)?;
        check_client_id(client_id).map_err(malformed("X-CLIENT-KEY"))?;
        let signature = Self::signature(r.headers)?;
        if self.client_id.as_deref().is_some_and(|expected| expected != client_id) {
            return Err(Reason::UnknownClient);
        }
        let instant = self.skew(timestamp, now)?;
        let key = self.public_key.as_ref().ok_or(Reason::NoKey)?;
        key.verify_token(client_id, timestamp, signature.as_bytes())
            .map_err(|error| Reason::WrongSignature { error })?;
        Ok(Accepted {
            kind,
            client_id: Some(client_id),
            partner_id: None,
            external_id: None,
            access_token: None,
            timestamp,
            instant,
        })
    }

    fn check_transaction<'r, H: HeaderLookup + ?Sized>(
        &self,
        r: &Received<'r, H>,
        now: i64,
        tokens: &dyn IssuedTokens,
        replay: &dyn ReplayGuard,
    ) -> Result<Accepted<'r>, Reason> {
        let hmac = self.profile.transaction_signature.value == TransactionSignature::Hmac;
        let authorization = match required(r.headers, "Authorization", Field::AccessToken) {
            Ok(value) => Some(value),
            Err(Reason::MissingHeader { .. }) if !hmac => None,
            Err(e) => return Err(e),
        };
        let access_token = match authorization {
            Some(value) => {
                let token =
                    value.get(..7).filter(|p| p.eq_ignore_ascii_case("Bearer ")).and_then(|_| value.get(7..)).ok_or(
                        Reason::MalformedHeader {
                            header: "Authorization",
                            error: Error::EmptyField { field: Field::AccessToken },
                        },
                    )?;
                check_access_token(token).map_err(malformed("Authorization"))?;
                Some(token)
            }
            None => None,
        };
        let timestamp = self.timestamp(r.headers)?;
        let signature = Self::signature(r.headers)?;
        let partner_id = required(r.headers, "X-PARTNER-ID", Field::PartnerId)?;
        check_text(Field::PartnerId, partner_id, MAX_PARTNER_ID_LEN).map_err(malformed("X-PARTNER-ID"))?;
        let external_id = required(r.headers, "X-EXTERNAL-ID", Field::ExternalId)?;
        check_text(Field::ExternalId, external_id, MAX_EXTERNAL_ID_LEN).map_err(malformed("X-EXTERNAL-ID"))?;
        let channel_id = required(r.headers, "CHANNEL-ID", Field::ChannelId)?;
        check_text(Field::ChannelId, channel_id, MAX_CHANNEL_ID_LEN).map_err(malformed("CHANNEL-ID"))?;
        if self.partner_id.as_deref().is_some_and(|expected| expected != partner_id) {
            return Err(Reason::UnknownClient);
        }
        let instant = self.skew(timestamp, now)?;
        let endpoint = self.profile.endpoint.value.apply(r.target).map_err(|error| Reason::BadRequest { error })?;
        let verified = if hmac {
            let secret = self.client_secret.as_ref().ok_or(Reason::NoKey)?;
            let token = access_token.unwrap_or_default();
            match tokens.token_state(token, now) {
                TokenState::Live => {}
                state => return Err(Reason::InvalidToken { state }),
            }
            secret.verify_transaction(r.method, &endpoint, token, r.body, timestamp, signature.as_bytes())
        } else {
            let key = self.public_key.as_ref().ok_or(Reason::NoKey)?;
            key.verify_service(r.method, &endpoint, r.body, timestamp, signature.as_bytes())
        };
        // A signature that is not even base64 is still a wrong signature; anything else (invalid
        // JSON, a method the standard does not know) means the request cannot be signed at all.
        verified.map_err(|error| {
            if error.is_wrong_signature() || matches!(error, Error::InvalidBase64 { .. }) {
                Reason::WrongSignature { error }
            } else {
                Reason::BadRequest { error }
            }
        })?;
        let key = ReplayKey::new(partner_id, external_id, &instant, self.max_skew_seconds, now);
        match replay.check_and_record(&key) {
            Ok(true) => {}
            Ok(false) => return Err(Reason::Replayed),
            Err(_) => return Err(Reason::ReplayGuardFailed),
        }
        Ok(Accepted {
            kind: CallKind::Transaction,
            client_id: None,
            partner_id: Some(partner_id),
            external_id: Some(external_id),
            access_token,
            timestamp,
            instant,
        })
    }
}
