//! The receiving side (issue #12): [`RequestVerifier`] checks a received SNAP request (a
//! provider's notification, DOKU's token request to a merchant) with the core's
//! `request_verifier`, and answers with a [`Verification`] record. A rejection is a result, not
//! an exception: it carries the SNAP `responseCode`, message, HTTP status and JSON body to answer
//! with. Exceptions (`SnapError`) are for bad configuration only (a bad key, an unknown profile).
//!
//! `X-EXTERNAL-ID` replay protection is a [`ReplayGuard`]: the built-in in-memory one
//! ([`memory_replay_guard`]) or the application's own, implemented in Python or Kotlin over its
//! database (an atomic insert-if-absent). Access tokens the application issued (HMAC
//! transactions) are in a [`TokenStore`], which also issues them (the merchant side of DOKU's
//! notifications).

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use snapsign_core::provider::Profile;
use snapsign_core::replay_guard::{
    MemoryReplayGuard as CoreMemoryGuard, ReplayGuard as CoreReplayGuard, ReplayGuardError as CoreGuardError,
    ReplayKey as CoreReplayKey,
};
use snapsign_core::request_verifier::{
    CallKind, IssuedTokens, Reason, Received, RequestVerifier as CoreVerifier, TokenState, SERVICE_ACCESS_TOKEN_B2B,
};
use snapsign_core::response_code::service_code_for_path;
use snapsign_core::snap_response::{TokenGrant, DEFAULT_TOKEN_LIFETIME_SECONDS};
use snapsign_core::{KeyOptions, RsaVerifier};
use zeroize::Zeroize;

use super::request::{find_profile, Header};
use super::{hmac_signer, SnapError};

/// Which call a request is: the profile's B2B or B2B2C access-token call, or anything else (a
/// transaction or notification).
#[uniffi::remote(Enum)]
pub enum CallKind {
    TokenB2b,
    TokenB2b2c,
    Transaction,
}

/// What the application knows of an access token it issued.
#[uniffi::remote(Enum)]
pub enum TokenState {
    Live,
    Expired,
    Unknown,
}

/// Why a request was rejected (the precise wording is [`Verification::detail`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum RejectionKind {
    /// A mandatory header is missing (`400xx02 Invalid Mandatory Field {name}`; iFortepay:
    /// `400xx00 Bad Request - name is Required`); [`Verification::header`] names it.
    MissingHeader,
    /// A header breaks the standard's length or format (`400xx01`); `header` names it.
    MalformedHeader,
    /// The target or body cannot be signed at all (an absolute URL, invalid JSON): `400xx00`.
    BadRequest,
    /// `X-CLIENT-KEY` or `X-PARTNER-ID` is not the configured one: `401xx00`.
    UnknownClient,
    /// The verifier has no key for this kind of call: `401xx00`.
    NoKey,
    /// `X-TIMESTAMP` is further from now than the allowed skew: `401xx00`.
    Timestamp,
    /// The signature does not verify over the received request: `401xx00`.
    WrongSignature,
    /// The access token was not issued by the [`TokenStore`], or has expired: `401xx01`.
    InvalidToken,
    /// `X-EXTERNAL-ID` was already used by this partner today: `409xx00 Conflict`.
    Replayed,
    /// The replay guard could not answer (it threw): `500xx00 General Error`.
    ReplayGuardFailed,
    /// A reason this version of the bindings does not know (a newer core).
    Other,
}

/// The outcome of [`RequestVerifier::verify`]: accepted, or the SNAP answer to send.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Verification {
    /// Every check passed (and the replay guard recorded `X-EXTERNAL-ID`).
    pub accepted: bool,
    /// Which call it was (by the profile's token paths).
    pub kind: CallKind,
    /// The HTTP status to answer with (200 when accepted).
    pub http_status: u16,
    /// The seven-digit `responseCode` (`200xx00` when accepted, e.g. `4012400`).
    pub response_code: String,
    /// The standard's `responseMessage` (`Successful` when accepted, e.g. `Unauthorized.
    /// Signature`).
    pub response_message: String,
    /// Why it was rejected; `None` when accepted.
    pub reason: Option<RejectionKind>,
    /// The header a `MissingHeader` or `MalformedHeader` rejection is about, as the standard
    /// spells it (`X-TIMESTAMP`).
    pub header: Option<String>,
    /// The precise reason, for logs; never send it (it would help an attacker). `accepted` when
    /// accepted.
    pub detail: String,
    /// The JSON body to answer a rejection with, `{"responseCode":"…","responseMessage":"…"}`;
    /// `None` when accepted (the application writes its own answer).
    pub body: Option<String>,
    /// The service code used in the codes (73/74 for the token calls).
    pub service_code: u8,
    /// `X-PARTNER-ID` of an accepted transaction.
    pub partner_id: Option<String>,
    /// `X-EXTERNAL-ID` of an accepted transaction.
    pub external_id: Option<String>,
    /// `X-CLIENT-KEY` of an accepted token call.
    pub client_id: Option<String>,
    /// `X-TIMESTAMP` of an accepted request, as received.
    pub timestamp: Option<String>,
}

/// One variant of the received inputs that the received signature verifies: the likely cause of
/// a wrong signature, as `snapsign explain --json` names it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SignatureCause {
    /// The stable identifier (`timestamp-format`, `python-json-dumps`, `hex-signature`, ...; two
    /// changes at once are joined with `+`).
    pub id: String,
    /// What the sender did, in words.
    pub cause: String,
    /// How to fix it, in one line.
    pub fix: String,
    /// The string-to-sign the signature verifies.
    pub string_to_sign: String,
}

/// What [`RequestVerifier::explain`] found out about a request's signature.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SignatureDiagnosis {
    /// The signature verifies over the request exactly as received (then a rejection was for
    /// another reason).
    pub valid: bool,
    /// The string-to-sign the verifier checked the signature against.
    pub expected_string_to_sign: String,
    /// The variants the signature verifies, most likely first; empty when none does.
    pub causes: Vec<SignatureCause>,
    /// When no variant verifies: `no variant verifies (N checked): the key/client secret is
    /// probably not the one that signed`, with what was tried.
    pub unexplained: Option<String>,
    /// What the core would refuse in the received inputs (an absolute URL, invalid JSON, ...).
    pub problems: Vec<String>,
    /// Invisible or suspicious characters in the received inputs.
    pub warnings: Vec<String>,
}

// ---------------------------------------------------------------- replay guard

/// One `X-EXTERNAL-ID` of one partner on one WIB day, as a [`ReplayGuard`] records it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ReplayKey {
    /// `X-PARTNER-ID`.
    pub partner_id: String,
    /// `X-EXTERNAL-ID`.
    pub external_id: String,
    /// The WIB calendar day of the request's `X-TIMESTAMP`, as days since 1970-01-01.
    pub day: i64,
    /// One string naming the entry, unambiguous whatever the ids contain:
    /// `snapsign:replay:<yyyy-mm-dd>:<partner id length>:<partner id>:<external id>`. Use it as
    /// the primary key / Redis key.
    pub storage_key: String,
    /// When the entry may be forgotten: the end of `day` in WIB plus the allowed skew.
    pub expires_at_unix_millis: i64,
    /// The verification's "now": judge expiry on it, not on another clock.
    pub now_unix_millis: i64,
    /// Seconds from the verification's "now" until `expires_at_unix_millis`, rounded up, at
    /// least 1: a Redis `EX`, a database TTL.
    pub ttl_seconds: u64,
}

/// What a [`ReplayGuard`] throws when it cannot answer (its database is down). Any other
/// exception a foreign guard throws is taken as this, with its text. The request is then
/// rejected with `500xx00 General Error`, never accepted.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Error)]
pub enum ReplayGuardError {
    /// The guard could not check or record the key.
    Unavailable { reason: String },
}

impl std::fmt::Display for ReplayGuardError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReplayGuardError::Unavailable { reason } => f.write_str(reason),
        }
    }
}

impl std::error::Error for ReplayGuardError {}

impl From<uniffi::UnexpectedUniFFICallbackError> for ReplayGuardError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        ReplayGuardError::Unavailable { reason: e.reason }
    }
}

/// Checks and records an `X-EXTERNAL-ID`, atomically: of any number of concurrent calls with
/// the same `storage_key`, exactly one may return true. Implement it in Python or Kotlin over
/// your database (`INSERT ... ON CONFLICT DO NOTHING`, Redis `SET key 1 NX EX ttl`) when more
/// than one process receives requests; [`memory_replay_guard`] is the one-process guard.
///
/// The verifier calls it last, only for a request that passed every other check, so a rejected
/// request is never recorded.
#[uniffi::export(with_foreign)]
pub trait ReplayGuard: Send + Sync {
    /// Records `key` unless it is already recorded (and not expired): true when it was not (the
    /// request is fresh), false when it was (a replay).
    fn check_and_record(&self, key: ReplayKey) -> Result<bool, ReplayGuardError>;
}

struct Memory(CoreMemoryGuard);

impl ReplayGuard for Memory {
    fn check_and_record(&self, key: ReplayKey) -> Result<bool, ReplayGuardError> {
        let key = CoreReplayKey {
            partner_id: &key.partner_id,
            external_id: &key.external_id,
            day: key.day,
            expires_at_unix_millis: key.expires_at_unix_millis,
            now_unix_millis: key.now_unix_millis,
        };
        self.0.check_and_record(&key).map_err(|e| ReplayGuardError::Unavailable { reason: e.to_string() })
    }
}

/// The built-in in-memory [`ReplayGuard`] for one process, holding at most `capacity` live ids
/// (entries are forgotten when their day plus the skew is over, on the verification's clock). When
/// it is full of live ids it refuses (the request gets `500xx00`) rather than forget one.
/// Thread-safe. Python: `snapsign.MemoryReplayGuard(capacity)`; Kotlin: `MemoryReplayGuard(capacity)`.
#[uniffi::export(default(capacity = 100_000))]
pub fn memory_replay_guard(capacity: u32) -> Arc<dyn ReplayGuard> {
    Arc::new(Memory(CoreMemoryGuard::new(usize::try_from(capacity).unwrap_or(usize::MAX))))
}

/// The core's guard over a uniffi one; keeps the foreign error's text for the detail.
struct Bridge<'g> {
    guard: &'g dyn ReplayGuard,
    failure: RefCell<Option<String>>,
}

impl CoreReplayGuard for Bridge<'_> {
    fn check_and_record(&self, key: &CoreReplayKey<'_>) -> Result<bool, CoreGuardError> {
        let record = ReplayKey {
            partner_id: key.partner_id.to_owned(),
            external_id: key.external_id.to_owned(),
            day: key.day,
            storage_key: key.storage_key().as_str().to_owned(),
            expires_at_unix_millis: key.expires_at_unix_millis,
            now_unix_millis: key.now_unix_millis,
            ttl_seconds: key.ttl_seconds(),
        };
        self.guard.check_and_record(record).map_err(|e| {
            *self.failure.borrow_mut() = Some(e.to_string());
            CoreGuardError
        })
    }
}

// ---------------------------------------------------------------- tokens

/// An access token issued by [`TokenStore::issue`], with the response to send for it.
#[derive(Clone, PartialEq, Eq, uniffi::Record)]
pub struct IssuedToken {
    /// The token (the client sends it back as `Authorization: Bearer <token>`).
    pub access_token: String,
    /// Seconds it is valid.
    pub expires_in_seconds: u32,
    /// When it expires.
    pub expires_at_unix_millis: i64,
    /// The response headers: `X-TIMESTAMP` (in the profile's style) and `X-CLIENT-KEY`.
    pub headers: Vec<Header>,
    /// The response body: `{"responseCode":"2007300","responseMessage":"Successful",
    /// "accessToken":"…","tokenType":"Bearer","expiresIn":"900"}`.
    pub body: String,
}

impl std::fmt::Debug for IssuedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuedToken")
            .field("expires_in_seconds", &self.expires_in_seconds)
            .field("expires_at_unix_millis", &self.expires_at_unix_millis)
            .finish_non_exhaustive()
    }
}

/// An issued token as a map key, wiped when forgotten.
#[derive(PartialEq, Eq, Hash)]
struct Token(String);

impl std::borrow::Borrow<str> for Token {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl Drop for Token {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

/// The access tokens this application issued, in memory: [`issue`](Self::issue) makes one for
/// the token endpoint's answer (the merchant side of DOKU's notifications: DOKU asks the
/// merchant for a token, then sends notifications with it), and [`RequestVerifier::verify`]
/// accepts HMAC transactions only with a live one. Tokens issued elsewhere are added with
/// [`register`](Self::register). Thread-safe; one per process (tokens live 900 s, so a restart
/// only makes the sender ask for a new one).
#[derive(uniffi::Object)]
pub struct TokenStore {
    profile: &'static Profile,
    tokens: Mutex<HashMap<Token, i64>>,
}

impl std::fmt::Debug for TokenStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenStore").field("profile", &self.profile.name).finish_non_exhaustive()
    }
}

impl TokenStore {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Token, i64>> {
        self.tokens.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl IssuedTokens for TokenStore {
    fn token_state(&self, access_token: &str, now_unix_millis: i64) -> TokenState {
        match self.lock().get(access_token) {
            Some(&expires) if expires > now_unix_millis => TokenState::Live,
            Some(_) => TokenState::Expired,
            None => TokenState::Unknown,
        }
    }
}

#[uniffi::export]
impl TokenStore {
    /// An empty store issuing tokens for `provider` (its `X-TIMESTAMP` style).
    #[uniffi::constructor]
    pub fn new(provider: String) -> Result<Self, SnapError> {
        Ok(TokenStore { profile: find_profile(&provider)?, tokens: Mutex::new(HashMap::new()) })
    }

    /// Issues a new random token (32 bytes, base64url) to `client_id`, valid `lifetime_seconds`
    /// (default 900) from `now_unix_millis` (default this machine's clock), records it, and
    /// returns it with the response to send. `service_code` is 73 (B2B, the default) or 74
    /// (B2B2C). Expired tokens are forgotten here.
    #[uniffi::method(default(lifetime_seconds = None, now_unix_millis = None, service_code = None))]
    pub fn issue(
        &self,
        client_id: String,
        lifetime_seconds: Option<u32>,
        now_unix_millis: Option<i64>,
        service_code: Option<u8>,
    ) -> Result<IssuedToken, SnapError> {
        let now = now_unix_millis.unwrap_or_else(super::now_unix_millis);
        let lifetime = lifetime_seconds.unwrap_or(DEFAULT_TOKEN_LIFETIME_SECONDS);
        let code = service_code.unwrap_or(SERVICE_ACCESS_TOKEN_B2B);
        let grant = TokenGrant::issue(self.profile, code, &client_id, now, lifetime, &mut getrandom::SysRng)?;
        let expires = grant.expires_at_unix_millis(now);
        let mut tokens = self.lock();
        tokens.retain(|_, &mut e| e > now);
        tokens.insert(Token(grant.access_token().to_owned()), expires);
        drop(tokens);
        Ok(IssuedToken {
            access_token: grant.access_token().to_owned(),
            expires_in_seconds: grant.expires_in_seconds(),
            expires_at_unix_millis: expires,
            headers: grant
                .headers()
                .iter()
                .map(|(n, v)| Header { name: (*n).to_owned(), value: (*v).to_owned() })
                .collect(),
            body: grant.body(),
        })
    }

    /// Adds a token issued elsewhere, live until `expires_at_unix_millis`.
    pub fn register(&self, access_token: String, expires_at_unix_millis: i64) {
        self.lock().insert(Token(access_token), expires_at_unix_millis);
    }

    /// Forgets a token (true when it was there).
    pub fn revoke(&self, access_token: String) -> bool {
        self.lock().remove(access_token.as_str()).is_some()
    }

    /// The state of `access_token` at `now_unix_millis` (default this machine's clock).
    #[uniffi::method(default(now_unix_millis = None))]
    pub fn state(&self, access_token: String, now_unix_millis: Option<i64>) -> TokenState {
        self.token_state(&access_token, now_unix_millis.unwrap_or_else(super::now_unix_millis))
    }

    /// Tokens held (expired ones included until the next `issue`).
    pub fn len(&self) -> u32 {
        u32::try_from(self.lock().len()).unwrap_or(u32::MAX)
    }

    /// No token held.
    pub fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }
}

// ---------------------------------------------------------------- the verifier

/// Checks received SNAP requests from one sender, in the standard's order: mandatory headers,
/// the client, `X-TIMESTAMP` skew, the access token (HMAC transactions), the signature over the
/// exact received bytes, and last the [`ReplayGuard`]. Immutable and thread-safe.
#[derive(Debug, uniffi::Object)]
pub struct RequestVerifier {
    inner: CoreVerifier<'static>,
}

fn rejection_kind(reason: Reason) -> (RejectionKind, Option<&'static str>) {
    match reason {
        Reason::MissingHeader { header } => (RejectionKind::MissingHeader, Some(header)),
        Reason::MalformedHeader { header, .. } => (RejectionKind::MalformedHeader, Some(header)),
        Reason::BadRequest { .. } => (RejectionKind::BadRequest, None),
        Reason::UnknownClient => (RejectionKind::UnknownClient, None),
        Reason::NoKey => (RejectionKind::NoKey, None),
        Reason::Timestamp { .. } => (RejectionKind::Timestamp, None),
        Reason::WrongSignature { .. } => (RejectionKind::WrongSignature, None),
        Reason::InvalidToken { .. } => (RejectionKind::InvalidToken, None),
        Reason::Replayed => (RejectionKind::Replayed, None),
        Reason::ReplayGuardFailed => (RejectionKind::ReplayGuardFailed, None),
        _ => (RejectionKind::Other, None),
    }
}

/// No token was ever issued.
struct NoTokens;

impl IssuedTokens for NoTokens {
    fn token_state(&self, _access_token: &str, _now_unix_millis: i64) -> TokenState {
        TokenState::Unknown
    }
}

#[uniffi::export]
impl RequestVerifier {
    /// A verifier for requests written in `provider`'s way (a profile name: `generic`, `doku`,
    /// ...). `public_key` (PEM or DER, SPKI, PKCS#1 or a certificate) verifies access-token calls
    /// and SHA256withRSA transactions/notifications; `client_secret` verifies HMAC-SHA512
    /// transactions. `client_id` / `partner_id`: accept only this `X-CLIENT-KEY` (token calls) /
    /// `X-PARTNER-ID` (transactions); `max_skew_seconds`: the allowed `X-TIMESTAMP` difference
    /// either way. Errors: an unknown profile, a bad key or secret, an invalid id.
    #[uniffi::constructor(default(
        public_key = None,
        client_secret = None,
        client_id = None,
        partner_id = None,
        max_skew_seconds = 900,
        allow_weak_key = false
    ))]
    pub fn new(
        provider: String,
        public_key: Option<Vec<u8>>,
        client_secret: Option<String>,
        client_id: Option<String>,
        partner_id: Option<String>,
        max_skew_seconds: u32,
        allow_weak_key: bool,
    ) -> Result<Self, SnapError> {
        let mut inner = CoreVerifier::new(find_profile(&provider)?).with_max_skew(max_skew_seconds);
        if let Some(key) = public_key {
            let options = KeyOptions { allow_weak: allow_weak_key, passphrase: None };
            inner = inner.with_public_key(RsaVerifier::from_bytes(&key, &options)?);
        }
        if let Some(secret) = client_secret {
            inner = inner.with_client_secret(hmac_signer(secret)?);
        }
        if let Some(id) = client_id {
            inner = inner.with_client_id(&id)?;
        }
        if let Some(id) = partner_id {
            inner = inner.with_partner_id(&id)?;
        }
        Ok(RequestVerifier { inner })
    }

    /// The profile's name.
    pub fn provider(&self) -> String {
        self.inner.profile().name.to_owned()
    }

    /// The allowed skew in seconds.
    pub fn max_skew_seconds(&self) -> u32 {
        self.inner.max_skew_seconds()
    }

    /// Which call `target` is (the profile's token paths, matched exactly without the query).
    pub fn call_kind(&self, target: String) -> CallKind {
        self.inner.call_kind(&target)
    }

    /// Why a received request's signature does not verify with this verifier's key or secret:
    /// the variants of the received inputs that it does verify (the timestamp in another form,
    /// the query left out, a re-serialised body, ...). Call it for a request [`verify`](Self::verify)
    /// rejected as `WrongSignature`, to log the cause; it tries up to a few thousand variants
    /// (under one second for a 1 KiB body), so do not call it on every request. The arguments
    /// are [`verify`](Self::verify)'s. `None` when the verifier has no key or secret for this
    /// kind of call. Errors: a signature that cannot be checked at all (a weak key).
    pub fn explain(
        &self,
        method: String,
        target: String,
        headers: Vec<Header>,
        body: Vec<u8>,
    ) -> Result<Option<SignatureDiagnosis>, SnapError> {
        let pairs: Vec<(&str, &str)> = headers.iter().map(|h| (h.name.as_str(), h.value.as_str())).collect();
        let received = Received { method: &method, target: &target, headers: &pairs[..], body: &body };
        let Some(explanation) = snapsign_explain::received::explain_received(&self.inner, &received) else {
            return Ok(None);
        };
        let e = explanation?;
        Ok(Some(SignatureDiagnosis {
            valid: e.valid() == Some(true),
            causes: e
                .causes()
                .iter()
                .map(|c| SignatureCause {
                    id: c.id.clone(),
                    cause: c.message.clone(),
                    fix: c.fix.clone(),
                    string_to_sign: c.string_to_sign.clone(),
                })
                .collect(),
            unexplained: e.unexplained().map(|u| u.message.clone()),
            problems: e.problems.clone(),
            warnings: e.warnings.clone(),
            expected_string_to_sign: e.string_to_sign,
        }))
    }

    /// Checks one received request. `target`: the request target exactly as on the request line
    /// (path and undecoded query). `headers`: every header as received, in order, as
    /// `(name, value)` pairs; names compare case-insensitively and, for a repeated header, the
    /// first one counts. `body`: the exact bytes received. `now_unix_millis`: default this
    /// machine's clock. `service_code`: the SNAP service code of the rejection codes, default
    /// from the path's standard API name (`/v1.0/transfer-va/payment` → 25; 0 when the path is
    /// not a standard one); token calls always use 73/74. `tokens`: the issued access tokens
    /// (HMAC transactions need a live one; without a store every token is unknown).
    /// `replay_guard`: records `X-EXTERNAL-ID`; without one, a transaction is
    /// **not** protected against replay.
    ///
    /// Never throws for a bad request: the answer is in the [`Verification`].
    #[uniffi::method(default(now_unix_millis = None, service_code = None, tokens = None, replay_guard = None))]
    #[allow(clippy::too_many_arguments, reason = "the request's parts and the optional context, with defaults")]
    pub fn verify(
        &self,
        method: String,
        target: String,
        headers: Vec<Header>,
        body: Vec<u8>,
        now_unix_millis: Option<i64>,
        service_code: Option<u8>,
        tokens: Option<Arc<TokenStore>>,
        replay_guard: Option<Arc<dyn ReplayGuard>>,
    ) -> Verification {
        let now = now_unix_millis.unwrap_or_else(super::now_unix_millis);
        let pairs: Vec<(&str, &str)> = headers.iter().map(|h| (h.name.as_str(), h.value.as_str())).collect();
        let received = Received { method: &method, target: &target, headers: &pairs[..], body: &body };
        let requested = service_code.unwrap_or_else(|| service_code_for_path(&target));
        let code = self.inner.service_code(&target, requested);
        let kind = self.inner.call_kind(&target);
        let tokens: &dyn IssuedTokens = match &tokens {
            Some(store) => &**store,
            None => &NoTokens,
        };
        let none = snapsign_core::replay_guard::NoReplayGuard;
        let bridge = replay_guard.as_deref().map(|guard| Bridge { guard, failure: RefCell::new(None) });
        let guard: &dyn CoreReplayGuard = match &bridge {
            Some(b) => b,
            None => &none,
        };
        match self.inner.verify(&received, now, requested, tokens, guard) {
            Ok(a) => Verification {
                accepted: true,
                kind,
                http_status: 200,
                response_code: format!("200{code:02}00"),
                response_message: "Successful".to_owned(),
                reason: None,
                header: None,
                detail: "accepted".to_owned(),
                body: None,
                service_code: code,
                partner_id: a.partner_id.map(str::to_owned),
                external_id: a.external_id.map(str::to_owned),
                client_id: a.client_id.map(str::to_owned),
                timestamp: Some(a.timestamp.to_owned()),
            },
            Err(r) => {
                let (reason, header) = rejection_kind(r.reason());
                let mut detail = r.to_string();
                if let Some(failure) = bridge.and_then(|b| b.failure.into_inner()) {
                    detail = format!("{detail}: {failure}");
                }
                Verification {
                    accepted: false,
                    kind,
                    http_status: r.http_status(),
                    response_code: r.response_code().to_string(),
                    response_message: r.response_message().to_owned(),
                    reason: Some(reason),
                    header: header.map(str::to_owned),
                    detail,
                    body: Some(r.body().as_str().to_owned()),
                    service_code: code,
                    partner_id: None,
                    external_id: None,
                    client_id: None,
                    timestamp: None,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use snapsign_core::request::{Call, RequestHeaders, Signer, When};
    use snapsign_core::{provider, HmacSigner};

    const NOW: i64 = 1_577_826_600_000;
    const BODY: &[u8] = br#"{ "partnerServiceId": "  088899", "virtualAccountNo": "  08889912345678901234" }"#;
    const TARGET: &str = "/v1.0/transfer-va/payment";

    fn signed(external_id: &str) -> Vec<Header> {
        let secret = HmacSigner::new(b"a-secret").unwrap();
        let call = Call {
            access_token: Some("tok"),
            external_id: Some(external_id),
            channel_id: Some("95221"),
            ..Call::new("POST", TARGET, BODY, "P1")
        };
        let h = RequestHeaders::sign(
            &provider::GENERIC,
            Signer::Hmac(&secret),
            &call,
            When::UnixMillis(NOW),
            &mut getrandom::SysRng,
        )
        .unwrap();
        h.iter().map(|(n, v)| Header { name: n.to_ascii_lowercase(), value: v.to_owned() }).collect()
    }

    fn verifier() -> RequestVerifier {
        RequestVerifier::new("generic".into(), None, Some("a-secret".into()), None, Some("P1".into()), 900, false)
            .unwrap()
    }

    fn store() -> Arc<TokenStore> {
        let s = Arc::new(TokenStore::new("generic".into()).unwrap());
        s.register("tok".into(), NOW + 900_000);
        s
    }

    #[test]
    fn explain_names_the_variant_a_wrong_signature_verifies() {
        let v = verifier();
        let mut h = signed("9");
        // A valid signature is valid.
        let d = v.explain("POST".into(), TARGET.into(), h.clone(), BODY.to_vec()).unwrap().unwrap();
        assert!(d.valid && d.causes.is_empty(), "{d:?}");
        assert!(d.expected_string_to_sign.starts_with("POST:/v1.0/transfer-va/payment:tok:"), "{d:?}");
        // The same headers over a path with a query the sender left out of its string-to-sign.
        let with_query = format!("{TARGET}?page=1");
        let d = v.explain("POST".into(), with_query.clone(), h.clone(), BODY.to_vec()).unwrap().unwrap();
        assert!(!d.valid);
        assert_eq!(d.causes.first().map(|c| c.id.as_str()), Some("path-without-query"), "{d:?}");
        assert!(d.expected_string_to_sign.starts_with("POST:/v1.0/transfer-va/payment?page=1:tok:"));
        // A signature of another secret: nothing fits, and it says so.
        for header in h.iter_mut().filter(|h| h.name == "x-signature") {
            header.value = secret_signature_of_another_secret();
        }
        let d = v.explain("POST".into(), TARGET.into(), h, BODY.to_vec()).unwrap().unwrap();
        assert!(!d.valid && d.causes.is_empty());
        assert!(d.unexplained.as_deref().is_some_and(|u| u.starts_with("no variant verifies")), "{d:?}");
        // No key for the call: no diagnosis.
        let rsa_only = RequestVerifier::new("generic".into(), None, None, None, None, 900, false).unwrap();
        assert_eq!(rsa_only.explain("POST".into(), TARGET.into(), signed("9"), BODY.to_vec()).unwrap(), None);
    }

    fn secret_signature_of_another_secret() -> String {
        HmacSigner::new(b"another-secret").unwrap().sign(b"POST:/v1.0/transfer-va/payment:tok:x:y").to_string()
    }

    #[test]
    fn accepts_then_answers_a_replay_with_409() {
        let v = verifier();
        // The memory guard on the requests' clock (`memory_replay_guard` reads the system's).
        let guard: Arc<dyn ReplayGuard> = Arc::new(Memory(CoreMemoryGuard::new(100)));
        let go = |h: Vec<Header>| {
            v.verify(
                "POST".into(),
                TARGET.into(),
                h,
                BODY.to_vec(),
                Some(NOW),
                None,
                Some(store()),
                Some(guard.clone()),
            )
        };
        let ok = go(signed("7"));
        assert!(ok.accepted, "{ok:?}");
        assert_eq!((ok.response_code.as_str(), ok.service_code), ("2002500", 25));
        assert_eq!((ok.partner_id.as_deref(), ok.external_id.as_deref()), (Some("P1"), Some("7")));
        let again = go(signed("7"));
        assert_eq!(again.reason, Some(RejectionKind::Replayed));
        assert_eq!(again.body.as_deref(), Some(r#"{"responseCode":"4092500","responseMessage":"Conflict"}"#));
        assert_eq!(again.http_status, 409);
    }

    #[test]
    fn rejections_are_results_with_the_snap_answer() {
        let v = verifier();
        let mut h = signed("8");
        h.retain(|h| h.name != "x-timestamp");
        let r = v.verify("POST".into(), TARGET.into(), h, BODY.to_vec(), Some(NOW), None, Some(store()), None);
        assert_eq!(
            (r.reason, r.header.as_deref(), r.response_code.as_str(), r.response_message.as_str()),
            (
                Some(RejectionKind::MissingHeader),
                Some("X-TIMESTAMP"),
                "4002502",
                "Invalid Mandatory Field {X-TIMESTAMP}"
            )
        );
        let r = v.verify("POST".into(), TARGET.into(), signed("8"), BODY.to_vec(), Some(NOW), None, None, None);
        assert_eq!((r.reason, r.response_code.as_str()), (Some(RejectionKind::InvalidToken), "4012501"));
        assert_eq!(r.detail, "the access token is unknown");
    }

    #[test]
    fn a_failing_guard_is_a_500_with_its_reason_in_the_detail() {
        struct Down;
        impl ReplayGuard for Down {
            fn check_and_record(&self, _key: ReplayKey) -> Result<bool, ReplayGuardError> {
                Err(ReplayGuardError::Unavailable { reason: "database down".into() })
            }
        }
        let r = verifier().verify(
            "POST".into(),
            TARGET.into(),
            signed("9"),
            BODY.to_vec(),
            Some(NOW),
            None,
            Some(store()),
            Some(Arc::new(Down)),
        );
        assert_eq!((r.reason, r.http_status), (Some(RejectionKind::ReplayGuardFailed), 500));
        assert_eq!(r.detail, "the replay guard could not record X-EXTERNAL-ID: database down");
    }

    #[test]
    fn the_guard_gets_the_storage_key_and_a_ttl() {
        struct Seen(Mutex<Vec<ReplayKey>>);
        impl ReplayGuard for Seen {
            fn check_and_record(&self, key: ReplayKey) -> Result<bool, ReplayGuardError> {
                self.0.lock().unwrap().push(key);
                Ok(true)
            }
        }
        let seen = Arc::new(Seen(Mutex::new(vec![])));
        let r = verifier().verify(
            "POST".into(),
            TARGET.into(),
            signed("10"),
            BODY.to_vec(),
            Some(NOW),
            None,
            Some(store()),
            Some(seen.clone()),
        );
        assert!(r.accepted, "{r:?}");
        let key = seen.0.lock().unwrap()[0].clone();
        assert_eq!(key.storage_key, "snapsign:replay:2020-01-01:2:P1:10");
        // 04:10 WIB: 19h50m to midnight WIB, plus 900 s.
        assert_eq!(key.ttl_seconds, 19 * 3600 + 50 * 60 + 900);
    }

    #[test]
    fn the_token_store_issues_tokens_the_verifier_accepts() {
        let s = TokenStore::new("doku".into()).unwrap();
        let t = s.issue("C1".into(), None, Some(NOW), None).unwrap();
        assert_eq!(t.access_token.len(), 43);
        assert_eq!(s.state(t.access_token.clone(), Some(NOW + 899_999)), TokenState::Live);
        assert_eq!(s.state(t.access_token.clone(), Some(NOW + 900_000)), TokenState::Expired);
        assert_eq!(s.state("x".into(), Some(NOW)), TokenState::Unknown);
        assert!(t.body.starts_with(r#"{"responseCode":"2007300","responseMessage":"Successful","accessToken":""#));
        assert!(s.revoke(t.access_token));
        let e =
            RequestVerifier::new("generic".into(), Some(b"nope".to_vec()), None, None, None, 900, false).unwrap_err();
        assert!(matches!(e, SnapError::InvalidKey { .. }), "{e:?}");
    }
}
