//! The receiving side: the `snapsign_request_verifier` handle, the header, issued-token and
//! replay-guard callbacks, `snapsign_verify_request` and its `snapsign_verification` outcome;
//! `snapsign_token_grant_issue` (merchant-side token issuing) and `snapsign_service_code_for_path`.
//! Every check is the core's (`snapsign_core::request_verifier`); this module only adapts the C
//! callbacks to the core's traits and copies the answer out.

use core::cell::Cell;
use core::ffi::{c_int, c_void};
use core::ptr;

use rand_core::TryCryptoRng;
use snapsign_core::replay_guard::{MemoryReplayGuard, ReplayGuard, ReplayGuardError, ReplayKey};
use snapsign_core::request_verifier::{
    Accepted, CallKind, HeaderLookup, IssuedTokens, Reason, Received, Rejection, RequestVerifier, TokenState,
    MAX_REJECTION_MESSAGE_LEN,
};
use snapsign_core::response_code::service_code_for_path;
use snapsign_core::rng::FillRng;
use snapsign_core::snap_response::{TokenGrant, ISSUED_TOKEN_LEN};
use snapsign_core::{Field, HmacSigner, RsaVerifier};

use super::args::{
    check_disjoint, free_handle, handle, handle_out, opt_in, raw_in, raw_out, struct_out, FfiResult, RawOut,
};
use super::boundary::ffi_boundary;
use super::entropy::{snapsign_fill_fn, CallbackRng};
use super::last_error::{Failure, Problem};
use super::request::find_profile;
use super::response_code::snapsign_text;
use super::result::snapsign_result;
use super::rsa::key_options;

/// The allowed difference between `X-TIMESTAMP` and the receiver's clock that the standard's
/// examples use (`max_skew_seconds` of `snapsign_request_verifier_new`).
pub const SNAPSIGN_DEFAULT_MAX_SKEW_SECONDS: u32 = 900;
const _: () = assert!(SNAPSIGN_DEFAULT_MAX_SKEW_SECONDS == snapsign_core::request_verifier::DEFAULT_MAX_SKEW_SECONDS);
/// Bytes of `snapsign_verification.response_message` at most.
pub const SNAPSIGN_REJECTION_MESSAGE_MAX_LEN: usize = 64;
const _: () = assert!(SNAPSIGN_REJECTION_MESSAGE_MAX_LEN == MAX_REJECTION_MESSAGE_LEN);
/// Bytes of `snapsign_verification.body` at most: the JSON of a message of
/// `SNAPSIGN_REJECTION_MESSAGE_MAX_LEN` bytes every one of which is escaped.
pub const SNAPSIGN_REJECTION_BODY_MAX_LEN: usize = 432;
const _: () = assert!(SNAPSIGN_REJECTION_BODY_MAX_LEN == 48 + 6 * MAX_REJECTION_MESSAGE_LEN);
/// Characters of an access token issued by `snapsign_token_grant_issue` (base64url of 32 random
/// bytes).
pub const SNAPSIGN_ISSUED_TOKEN_LEN: usize = 43;
const _: () = assert!(SNAPSIGN_ISSUED_TOKEN_LEN == ISSUED_TOKEN_LEN);

/// What a `snapsign_replay_check_fn` returns for an id not seen before, now recorded.
pub const SNAPSIGN_REPLAY_FRESH: c_int = 1;
/// What a `snapsign_replay_check_fn` returns for an id already recorded (a replay). Any negative
/// value means the guard could not answer (`500xx00 General Error`).
pub const SNAPSIGN_REPLAY_SEEN: c_int = 0;

/// Checks received SNAP requests from one sender (a provider's notification, a partner's call):
/// a provider profile, the sender's public key and/or the client secret, and optionally the only
/// `X-CLIENT-KEY` / `X-PARTNER-ID` accepted.
///
/// Create with `snapsign_request_verifier_new`, free with `snapsign_request_verifier_free`
/// (which zeroizes the secret). Immutable: one verifier may be used from several threads at once.
pub struct snapsign_request_verifier {
    verifier: RequestVerifier<'static>,
}

/// Records `X-EXTERNAL-ID`s (unique per partner per WIB day): the built-in memory guard
/// (`snapsign_memory_replay_guard_new`) or the application's own store through a callback
/// (`snapsign_replay_guard_new_callback`). Free with `snapsign_replay_guard_free`. May be used
/// from several threads at once (the callback must then be thread-safe).
pub struct snapsign_replay_guard {
    guard: Guard,
}

enum Guard {
    Memory(MemoryReplayGuard),
    Callback(CallbackGuard),
}

/// Looks up a received header: `name` (ASCII, as the standard spells it, e.g. `X-TIMESTAMP`;
/// compare it case-insensitively) of `name_len` bytes. When the request has it, store a pointer
/// to its value and the value's length in `*value` / `*value_len` and return non-zero; otherwise
/// return 0. The value must stay valid and unchanged until `snapsign_verify_request` returns
/// (and as long as the accepted identifiers in `snapsign_verification` are read: they point into
/// it). A value returned as NULL with a non-zero length fails the call with
/// `SNAPSIGN_RESULT_NULL_POINTER` naming `headers`. Called only from the calling thread, during
/// the call. It must not unwind.
pub type snapsign_header_fn = Option<
    unsafe extern "C" fn(
        userdata: *mut c_void,
        name: *const u8,
        name_len: usize,
        value: *mut *const u8,
        value_len: *mut usize,
    ) -> c_int,
>;

/// A token the application never issued, or forgot (`snapsign_token_state_fn`): `401xx01`.
pub const SNAPSIGN_TOKEN_STATE_UNKNOWN: u32 = 0;
/// A token issued and not expired.
pub const SNAPSIGN_TOKEN_STATE_LIVE: u32 = 1;
/// A token issued, but expired: `401xx01`.
pub const SNAPSIGN_TOKEN_STATE_EXPIRED: u32 = 2;

/// The state (`SNAPSIGN_TOKEN_STATE_LIVE`, `_EXPIRED` or `_UNKNOWN`) of `token` (`token_len` bytes of UTF-8, without
/// `Bearer `) at `now_unix_millis`. Any other value counts as `SNAPSIGN_TOKEN_STATE_UNKNOWN`.
/// Called only for HMAC transactions, from the calling thread, during the call.
pub type snapsign_token_state_fn = Option<
    unsafe extern "C" fn(userdata: *mut c_void, token: *const u8, token_len: usize, now_unix_millis: i64) -> u32,
>;

/// One `X-EXTERNAL-ID` of one partner on one WIB day, given to a `snapsign_replay_check_fn`.
/// The pointers (UTF-8, not NUL-terminated) are valid only during the callback.
///
/// `storage_key`: one string naming the entry, for a store keyed by strings
/// (`snapsign:replay:<yyyy-mm-dd>:<partner id length>:<partner id>:<external id>`). `day`: the
/// WIB day of the request's `X-TIMESTAMP`, in days since 1970-01-01. `expires_at_unix_millis`:
/// when the entry may be forgotten (the end of that day plus the allowed skew).
/// `now_unix_millis`: the verifier's now (judge expiry on it, not on another clock);
/// `ttl_seconds`: whole seconds from now to the expiry, at least 1 (a store's TTL, Redis `EX`).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct snapsign_replay_key {
    pub partner_id: *const u8,
    pub partner_id_len: usize,
    pub external_id: *const u8,
    pub external_id_len: usize,
    pub storage_key: *const u8,
    pub storage_key_len: usize,
    pub day: i64,
    pub expires_at_unix_millis: i64,
    pub now_unix_millis: i64,
    pub ttl_seconds: u64,
}

/// Checks and records `key` in the application's store, **atomically** (of concurrent calls with
/// the same key exactly one may see it fresh: an `INSERT` into a unique column, Redis `SET NX`).
/// Returns `SNAPSIGN_REPLAY_FRESH` (1) when it was not recorded and now is,
/// `SNAPSIGN_REPLAY_SEEN` (0) when it was, a negative value when the store cannot answer. Called
/// last, only for a request that passed every other check, from the calling thread; possibly
/// from several threads at once when the guard is shared. It must not unwind.
pub type snapsign_replay_check_fn =
    Option<unsafe extern "C" fn(userdata: *mut c_void, key: *const snapsign_replay_key) -> c_int>;

/// Which call a request was (`snapsign_verification.kind`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum snapsign_call_kind {
    /// A transaction or notification.
    Transaction = 0,
    /// The B2B access-token call.
    TokenB2b = 1,
    /// The B2B2C access-token call.
    TokenB2b2c = 2,
}

impl From<CallKind> for snapsign_call_kind {
    fn from(kind: CallKind) -> Self {
        match kind {
            CallKind::TokenB2b => Self::TokenB2b,
            CallKind::TokenB2b2c => Self::TokenB2b2c,
            CallKind::Transaction => Self::Transaction,
        }
    }
}

/// Why a request was rejected (`snapsign_verification.reason`); the core's reasons, one each.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum snapsign_reason {
    /// Not rejected.
    None = 0,
    /// A mandatory header is missing (`400xx02`; `header` names it).
    MissingHeader = 1,
    /// A header breaks the standard's length or format (`400xx01`; `header` names it).
    MalformedHeader = 2,
    /// The target or body cannot be signed at all: an absolute URL, invalid JSON (`400xx00`).
    BadRequest = 3,
    /// `X-CLIENT-KEY` or `X-PARTNER-ID` is not the expected one (`401xx00`).
    UnknownClient = 4,
    /// The verifier has no key for this kind of call (`401xx00`).
    NoKey = 5,
    /// `X-TIMESTAMP` is further from now than the allowed skew (`401xx00`).
    Timestamp = 6,
    /// The signature does not verify (`401xx00`).
    WrongSignature = 7,
    /// The access token was not issued, or has expired (`401xx01`).
    InvalidToken = 8,
    /// `X-EXTERNAL-ID` was already used by this partner today (`409xx00`).
    Replayed = 9,
    /// The replay guard could not answer (`500xx00`).
    ReplayGuardFailed = 10,
    /// A reason of a newer core this version does not know.
    Other = 255,
}

/// The outcome of `snapsign_verify_request`. Zero-initialise it or not: every field is written.
///
/// `accepted`: 1 when the request passed every check, 0 when it is rejected; `reason` says why
/// (`SNAPSIGN_REASON_NONE` when accepted). `kind`: which call it was.
///
/// A rejection's answer: `http_status` (400, 401, 409, 500), `response_code` (7 ASCII digits,
/// not NUL-terminated; also as `service_code`, `case_code`), `response_message`
/// (`response_message_len` bytes, not NUL-terminated; e.g. `Invalid Mandatory Field
/// {X-TIMESTAMP}`) and `body` (`body_len` bytes: the JSON to send,
/// `{"responseCode":"...","responseMessage":"..."}`). `header`: the header a
/// missing/malformed rejection is about (static text), else NULL/0. `error`: for a malformed
/// header, a wrong signature, a timestamp or a bad request, the `snapsign_result` of the core's
/// precise error (for logs; never sent), else `SNAPSIGN_RESULT_OK`. When accepted these are 0.
///
/// An accepted request's identifiers: `partner_id`, `external_id` (transactions), `client_id`
/// (token calls), `access_token` (transactions that carry one, without `Bearer `) and
/// `timestamp` (`X-TIMESTAMP` as received, also as `timestamp_unix_millis`). They are NOT
/// copies: they point into the header values the header callback returned, and are valid as
/// long as those are. Absent ones are NULL/0. When rejected they are NULL/0.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct snapsign_verification {
    pub accepted: c_int,
    pub kind: snapsign_call_kind,
    pub reason: snapsign_reason,
    pub error: snapsign_result,
    pub http_status: u16,
    pub service_code: u8,
    pub case_code: u8,
    pub response_code: [u8; 7],
    pub response_message: [u8; SNAPSIGN_REJECTION_MESSAGE_MAX_LEN],
    pub response_message_len: usize,
    pub header: snapsign_text,
    pub body: [u8; SNAPSIGN_REJECTION_BODY_MAX_LEN],
    pub body_len: usize,
    pub partner_id: *const u8,
    pub partner_id_len: usize,
    pub external_id: *const u8,
    pub external_id_len: usize,
    pub client_id: *const u8,
    pub client_id_len: usize,
    pub access_token: *const u8,
    pub access_token_len: usize,
    pub timestamp: *const u8,
    pub timestamp_len: usize,
    pub timestamp_unix_millis: i64,
}

fn slice_of(text: Option<&str>) -> (*const u8, usize) {
    text.map_or((ptr::null(), 0), |t| (t.as_ptr(), t.len()))
}

/// Copies `bytes` into `dst` (cut to fit; the core's texts always fit) and returns the length.
fn copy_into(dst: &mut [u8], bytes: &[u8]) -> usize {
    let n = bytes.len().min(dst.len());
    if let (Some(d), Some(s)) = (dst.get_mut(..n), bytes.get(..n)) {
        d.copy_from_slice(s);
    }
    n
}

impl snapsign_verification {
    fn empty(kind: CallKind) -> Self {
        snapsign_verification {
            accepted: 0,
            kind: kind.into(),
            reason: snapsign_reason::None,
            error: snapsign_result::Ok,
            http_status: 0,
            service_code: 0,
            case_code: 0,
            response_code: [0; 7],
            response_message: [0; SNAPSIGN_REJECTION_MESSAGE_MAX_LEN],
            response_message_len: 0,
            header: snapsign_text { ptr: ptr::null(), len: 0 },
            body: [0; SNAPSIGN_REJECTION_BODY_MAX_LEN],
            body_len: 0,
            partner_id: ptr::null(),
            partner_id_len: 0,
            external_id: ptr::null(),
            external_id_len: 0,
            client_id: ptr::null(),
            client_id_len: 0,
            access_token: ptr::null(),
            access_token_len: 0,
            timestamp: ptr::null(),
            timestamp_len: 0,
            timestamp_unix_millis: 0,
        }
    }

    fn accepted(a: &Accepted<'_>) -> Self {
        let mut v = Self::empty(a.kind);
        v.accepted = 1;
        (v.partner_id, v.partner_id_len) = slice_of(a.partner_id);
        (v.external_id, v.external_id_len) = slice_of(a.external_id);
        (v.client_id, v.client_id_len) = slice_of(a.client_id);
        (v.access_token, v.access_token_len) = slice_of(a.access_token);
        (v.timestamp, v.timestamp_len) = slice_of(Some(a.timestamp));
        v.timestamp_unix_millis = a.instant.unix_millis();
        v
    }

    fn rejected(kind: CallKind, r: &Rejection) -> Self {
        let mut v = Self::empty(kind);
        let (reason, header, error) = match r.reason() {
            Reason::MissingHeader { header } => (snapsign_reason::MissingHeader, Some(header), None),
            Reason::MalformedHeader { header, error } => (snapsign_reason::MalformedHeader, Some(header), Some(error)),
            Reason::BadRequest { error } => (snapsign_reason::BadRequest, None, Some(error)),
            Reason::UnknownClient => (snapsign_reason::UnknownClient, None, None),
            Reason::NoKey => (snapsign_reason::NoKey, None, None),
            Reason::Timestamp { error } => (snapsign_reason::Timestamp, None, Some(error)),
            Reason::WrongSignature { error } => (snapsign_reason::WrongSignature, None, Some(error)),
            Reason::InvalidToken { .. } => (snapsign_reason::InvalidToken, None, None),
            Reason::Replayed => (snapsign_reason::Replayed, None, None),
            Reason::ReplayGuardFailed => (snapsign_reason::ReplayGuardFailed, None, None),
            _ => (snapsign_reason::Other, None, None),
        };
        let code = r.response_code();
        v.reason = reason;
        v.header = snapsign_text { ptr: header.map_or(ptr::null(), str::as_ptr), len: header.map_or(0, str::len) };
        v.error = error.map_or(snapsign_result::Ok, |e| snapsign_result::from_error(&e));
        v.http_status = code.http_status;
        v.service_code = code.service_code;
        v.case_code = code.case_code;
        copy_into(&mut v.response_code, code.to_string().as_bytes());
        v.response_message_len = copy_into(&mut v.response_message, r.response_message().as_bytes());
        v.body_len = copy_into(&mut v.body, r.body().as_bytes());
        v
    }
}

/// The header callback as the core's `HeaderLookup`; a misbehaving callback is remembered.
struct CallbackHeaders {
    lookup: unsafe extern "C" fn(*mut c_void, *const u8, usize, *mut *const u8, *mut usize) -> c_int,
    userdata: *mut c_void,
    bad: Cell<bool>,
}

impl HeaderLookup for CallbackHeaders {
    fn header(&self, name: &str) -> Option<&[u8]> {
        let (mut value, mut len): (*const u8, usize) = (ptr::null(), 0);
        // SAFETY: the callback's contract (documented on `snapsign_header_fn`); `name` is ours
        // and the out-pointers are our locals.
        let found = unsafe { (self.lookup)(self.userdata, name.as_ptr(), name.len(), &mut value, &mut len) };
        if found == 0 {
            return None;
        }
        if len == 0 {
            return Some(&[]);
        }
        if value.is_null() || len > isize::MAX as usize || (value as usize).checked_add(len).is_none() {
            self.bad.set(true);
            return None;
        }
        // SAFETY: the callback's contract: readable for `len` bytes, unchanged until the call
        // returns.
        Some(unsafe { core::slice::from_raw_parts(value, len) })
    }
}

/// The issued-tokens callback (or none: every token unknown) as the core's `IssuedTokens`.
struct CallbackTokens {
    state: snapsign_token_state_fn,
    userdata: *mut c_void,
}

impl IssuedTokens for CallbackTokens {
    fn token_state(&self, access_token: &str, now_unix_millis: i64) -> TokenState {
        let Some(state) = self.state else { return TokenState::Unknown };
        // SAFETY: the callback's contract (documented on `snapsign_token_state_fn`).
        let value = unsafe { state(self.userdata, access_token.as_ptr(), access_token.len(), now_unix_millis) };
        match value {
            SNAPSIGN_TOKEN_STATE_LIVE => TokenState::Live,
            SNAPSIGN_TOKEN_STATE_EXPIRED => TokenState::Expired,
            _ => TokenState::Unknown,
        }
    }
}

/// The replay callback with its userdata.
struct CallbackGuard {
    check: unsafe extern "C" fn(*mut c_void, *const snapsign_replay_key) -> c_int,
    userdata: *mut c_void,
}

// SAFETY: the C caller guarantees (documented on `snapsign_replay_guard_new_callback`) that
// `check` may be called with `userdata` from any thread, concurrently when the guard is shared.
unsafe impl Send for CallbackGuard {}
// SAFETY: as above; never mutated after creation.
unsafe impl Sync for CallbackGuard {}

impl ReplayGuard for CallbackGuard {
    fn check_and_record(&self, key: &ReplayKey<'_>) -> Result<bool, ReplayGuardError> {
        let storage_key = key.storage_key();
        let c_key = snapsign_replay_key {
            partner_id: key.partner_id.as_ptr(),
            partner_id_len: key.partner_id.len(),
            external_id: key.external_id.as_ptr(),
            external_id_len: key.external_id.len(),
            storage_key: storage_key.as_ptr(),
            storage_key_len: storage_key.len(),
            day: key.day,
            expires_at_unix_millis: key.expires_at_unix_millis,
            now_unix_millis: key.now_unix_millis,
            ttl_seconds: key.ttl_seconds(),
        };
        // SAFETY: the callback's contract; `c_key` and what it points to live across the call.
        match unsafe { (self.check)(self.userdata, &c_key) } {
            SNAPSIGN_REPLAY_FRESH => Ok(true),
            SNAPSIGN_REPLAY_SEEN => Ok(false),
            _ => Err(ReplayGuardError),
        }
    }
}

impl ReplayGuard for Guard {
    fn check_and_record(&self, key: &ReplayKey<'_>) -> Result<bool, ReplayGuardError> {
        match self {
            Guard::Memory(g) => g.check_and_record(key),
            Guard::Callback(g) => g.check_and_record(key),
        }
    }
}

const fn null(name: &'static str) -> Failure {
    Failure::Argument { name, problem: Problem::Null }
}

/// A request verifier for `profile` (a provider profile name, as for
/// `snapsign_request_signer_new_hmac`). Every other input is optional (NULL with length 0:
/// absent):
///
/// - `public_key`: the sender's RSA public key (as `snapsign_verifier_new` accepts: SPKI or
///   PKCS#1, PEM or DER, or an X.509 certificate), with `key_flags` (0 or
///   `SNAPSIGN_KEY_ALLOW_WEAK`): verifies access-token calls and RSA (service-form)
///   transactions;
/// - `client_secret`: verifies HMAC-SHA512 transactions (keyed into HMAC, not kept);
/// - `client_id`: accept token calls only with this `X-CLIENT-KEY`;
/// - `partner_id`: accept transactions only with this `X-PARTNER-ID`.
///
/// `max_skew_seconds`: the allowed difference between `X-TIMESTAMP` and now, either way
/// (`SNAPSIGN_DEFAULT_MAX_SKEW_SECONDS` is 900). On success `*out` receives the verifier (free it
/// with `snapsign_request_verifier_free`); on error it is NULL.
///
/// Errors: `SNAPSIGN_RESULT_INVALID_ARGUMENT` (an unknown profile, named in the message; unknown
/// flags), the key errors of `snapsign_verifier_new`, `SNAPSIGN_RESULT_EMPTY_FIELD` (an empty
/// secret), the client-id errors (`PIPE_IN_CLIENT_ID`, ...), `SNAPSIGN_RESULT_FIELD_TOO_LONG`,
/// `SNAPSIGN_RESULT_INVALID_UTF8`, `SNAPSIGN_RESULT_NULL_POINTER`.
///
/// # Safety
/// Each input NULL or readable for its length; `out` a writable `snapsign_request_verifier *`.
#[no_mangle]
pub unsafe extern "C" fn snapsign_request_verifier_new(
    profile: *const u8,
    profile_len: usize,
    public_key: *const u8,
    public_key_len: usize,
    key_flags: u32,
    client_secret: *const u8,
    client_secret_len: usize,
    client_id: *const u8,
    client_id_len: usize,
    partner_id: *const u8,
    partner_id_len: usize,
    max_skew_seconds: u32,
    out: *mut *mut snapsign_request_verifier,
) -> snapsign_result {
    ffi_boundary! {
        // SAFETY: forwarded contract for every pointer below.
        let out = unsafe { handle_out!(out) }?;
        let (profile, name) = unsafe { find_profile(profile, profile_len) }?;
        let public_key = opt_in(public_key, public_key_len, "public_key", "public_key_len")?;
        let client_secret = opt_in(client_secret, client_secret_len, "client_secret", "client_secret_len")?;
        let client_id = opt_in(client_id, client_id_len, "client_id", "client_id_len")?;
        let partner_id = opt_in(partner_id, partner_id_len, "partner_id", "partner_id_len")?;
        let inputs: Vec<_> =
            [public_key, client_secret, client_id, partner_id].into_iter().flatten().map(|r| r.region()).collect();
        check_disjoint(&[out.region()], &[&[name][..], &inputs].concat())?;
        let options = key_options(key_flags, None)?;
        let mut verifier = RequestVerifier::new(profile).with_max_skew(max_skew_seconds);
        if let Some(key) = public_key {
            verifier = verifier.with_public_key(RsaVerifier::from_bytes(unsafe { key.bytes() }, &options)?);
        }
        if let Some(secret) = client_secret {
            verifier = verifier.with_client_secret(HmacSigner::new(unsafe { secret.bytes() })?);
        }
        if let Some(id) = client_id {
            verifier = verifier.with_client_id(unsafe { id.text(Field::ClientId) }?)?;
        }
        if let Some(id) = partner_id {
            verifier = verifier.with_partner_id(unsafe { id.text(Field::PartnerId) }?)?;
        }
        out.set(snapsign_request_verifier { verifier });
        Ok(())
    }
}

/// Frees a request verifier (zeroizing the client secret). NULL is ignored.
///
/// # Safety
/// `verifier` must be NULL or a verifier from `snapsign_request_verifier_new` that is not used
/// afterwards and not freed twice.
#[no_mangle]
pub unsafe extern "C" fn snapsign_request_verifier_free(verifier: *mut snapsign_request_verifier) {
    // SAFETY: forwarded contract.
    ffi_boundary! { unsafe { free_handle(verifier) } }
}

/// A replay guard in this process's memory, holding at most `capacity` live ids, forgetting
/// each once its WIB day plus the skew is over on the verifier's clock (the `now_unix_millis` given to `snapsign_verify_request`). When full of live ids it
/// refuses to record more (the request gets `500xx00`) rather than forget one. One process only:
/// instances behind a load balancer need a shared store (`snapsign_replay_guard_new_callback`).
/// On success `*out` receives the guard (free it with `snapsign_replay_guard_free`).
///
/// # Safety
/// `out` a writable `snapsign_replay_guard *`.
#[no_mangle]
pub unsafe extern "C" fn snapsign_memory_replay_guard_new(
    capacity: usize,
    out: *mut *mut snapsign_replay_guard,
) -> snapsign_result {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        let out = unsafe { handle_out!(out) }?;
        out.set(snapsign_replay_guard { guard: Guard::Memory(MemoryReplayGuard::new(capacity)) });
        Ok(())
    }
}

/// A replay guard over the application's own store: `check(userdata, key)` (see
/// `snapsign_replay_check_fn`) checks and records each id. `check` must not be NULL. On success
/// `*out` receives the guard (free it with `snapsign_replay_guard_free`).
///
/// # Safety
/// `out` a writable `snapsign_replay_guard *`; `check` and `userdata` must stay valid until the
/// guard is freed, and `check` must be safe to call with `userdata` from every thread that uses
/// the guard (concurrently, if it is shared).
#[no_mangle]
pub unsafe extern "C" fn snapsign_replay_guard_new_callback(
    check: snapsign_replay_check_fn,
    userdata: *mut c_void,
    out: *mut *mut snapsign_replay_guard,
) -> snapsign_result {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        let out = unsafe { handle_out!(out) }?;
        let check = check.ok_or(null("check"))?;
        out.set(snapsign_replay_guard { guard: Guard::Callback(CallbackGuard { check, userdata }) });
        Ok(())
    }
}

/// Frees a replay guard (the memory guard's ids with it). NULL is ignored.
///
/// # Safety
/// `guard` must be NULL or a guard from snapsign that is not used afterwards and not freed twice.
#[no_mangle]
pub unsafe extern "C" fn snapsign_replay_guard_free(guard: *mut snapsign_replay_guard) {
    // SAFETY: forwarded contract.
    ffi_boundary! { unsafe { free_handle(guard) } }
}

/// Checks one received request, in the standard's order (which call it is; mandatory headers
/// present and well-formed; the expected client; `X-TIMESTAMP` within the skew of
/// `now_unix_millis`; for HMAC transactions the access token is live; the signature over the
/// exact received bytes and the profile's `EndpointUrl` rule; last, the replay guard), and fills
/// `*out` (see `snapsign_verification`).
///
/// `method`, `target`: as on the request line (the target with its query, undecoded; UTF-8).
/// `headers(headers_userdata, ...)`: the header lookup (see `snapsign_header_fn`; not NULL).
/// `body`: the exact bytes received. `service_code`: the transaction's SNAP service code
/// (`snapsign_service_code_for_path`; token calls have theirs, 73/74). `tokens(tokens_userdata,
/// ...)`: the issued access tokens (see `snapsign_token_state_fn`); NULL means none was issued,
/// so every HMAC transaction is rejected `401xx01`. `guard`: the replay guard (not NULL).
///
/// A rejected request is not an error: the function returns `SNAPSIGN_RESULT_OK` with
/// `out->accepted == 0`; answer with `out->http_status` and `out->body`. Errors are about the
/// call: `SNAPSIGN_RESULT_NULL_POINTER` (a NULL `verifier`, `headers`, `guard`, `out`, an input,
/// or a header value returned as NULL with a length; the message names it),
/// `SNAPSIGN_RESULT_INVALID_UTF8` (`method` or `target`). On error `*out` is untouched.
///
/// # Safety
/// `verifier` and `guard` live handles; `method`, `target`, `body` readable for their lengths;
/// the callbacks as documented on their types; `out` a writable `snapsign_verification`.
#[no_mangle]
pub unsafe extern "C" fn snapsign_verify_request(
    verifier: *const snapsign_request_verifier,
    method: *const u8,
    method_len: usize,
    target: *const u8,
    target_len: usize,
    headers: snapsign_header_fn,
    headers_userdata: *mut c_void,
    body: *const u8,
    body_len: usize,
    now_unix_millis: i64,
    service_code: u8,
    tokens: snapsign_token_state_fn,
    tokens_userdata: *mut c_void,
    guard: *const snapsign_replay_guard,
    out: *mut snapsign_verification,
) -> snapsign_result {
    ffi_boundary! {
        // SAFETY: forwarded contract for every pointer below.
        let out = unsafe { struct_out!(out) }?;
        let verifier = &unsafe { handle!(verifier) }?.verifier;
        let guard = &unsafe { handle!(guard) }?.guard;
        let lookup = headers.ok_or(null("headers"))?;
        let (method, target, body) = (raw_in!(method, method_len)?, raw_in!(target, target_len)?, raw_in!(body, body_len)?);
        check_disjoint(&[out.region()], &[method.region(), target.region(), body.region()])?;
        let headers = CallbackHeaders { lookup, userdata: headers_userdata, bad: Cell::new(false) };
        let tokens = CallbackTokens { state: tokens, userdata: tokens_userdata };
        let received = Received {
            method: unsafe { method.text(Field::Method) }?,
            target: unsafe { target.text(Field::Path) }?,
            headers: &headers,
            body: unsafe { body.bytes() },
        };
        let kind = verifier.call_kind(received.target);
        let outcome = verifier.verify(&received, now_unix_millis, service_code, &tokens, guard);
        if headers.bad.get() {
            return Err(Failure::Argument { name: "headers", problem: Problem::NullWithLength { length: "value_len" } });
        }
        out.set(match outcome {
            Ok(accepted) => snapsign_verification::accepted(&accepted),
            Err(rejection) => snapsign_verification::rejected(kind, &rejection),
        });
        Ok(())
    }
}

/// The checked outputs of a token grant.
struct GrantOutputs {
    body: RawOut,
    access_token: RawOut,
    timestamp: RawOut,
}

/// Issues the grant with `rng` and writes it out.
///
/// # Safety
/// As for `snapsign_token_grant_issue`.
unsafe fn issue<R: TryCryptoRng + ?Sized>(
    profile: *const u8,
    profile_len: usize,
    service_code: u8,
    client_id: *const u8,
    client_id_len: usize,
    now_unix_millis: i64,
    expires_in_seconds: u32,
    rng: &mut R,
    out: GrantOutputs,
) -> FfiResult {
    // SAFETY: forwarded contract for every pointer below.
    let (profile, name) = unsafe { find_profile(profile, profile_len) }?;
    let client = raw_in!(client_id, client_id_len)?;
    let inputs = [name, client.region()];
    out.body.check_disjoint(&inputs)?;
    out.access_token.check_disjoint(&inputs)?;
    out.timestamp.check_disjoint(&inputs)?;
    let client_id = unsafe { client.text(Field::ClientId) }?;
    let grant = TokenGrant::issue(profile, service_code, client_id, now_unix_millis, expires_in_seconds, rng)?;
    let body = grant.body();
    let [(_, timestamp), _] = grant.headers();
    // Every buffer is checked before any is written, so each too-small one reports its length.
    let fits = [
        out.body.reserve(body.len()),
        out.access_token.reserve(grant.access_token().len()),
        out.timestamp.reserve(timestamp.len()),
    ];
    fits.into_iter().collect::<FfiResult<Vec<()>>>()?;
    out.body.write(body.as_bytes())?;
    out.access_token.write(grant.access_token().as_bytes())?;
    out.timestamp.write(timestamp.as_bytes())
}

/// Issues an access token to `client_id` (the caller's answer to a verified token call, e.g.
/// DOKU's token request to a merchant) at `now_unix_millis`, valid `expires_in_seconds`, answering
/// service `service_code` (73 for B2B, 74 for B2B2C), and writes the response: the JSON `body`
/// (`responseCode` `200xx00`, `Successful`, `accessToken`, `tokenType` `Bearer`, `expiresIn`),
/// the token alone (`SNAPSIGN_ISSUED_TOKEN_LEN` characters, to record as issued) and the
/// `X-TIMESTAMP` response header in `profile`'s style (send `X-CLIENT-KEY` as `client_id`). The
/// token uses the OS RNG. The outputs follow the buffer rules; they are written only when all
/// three fit (each too-small one gets its needed length).
///
/// Errors: `SNAPSIGN_RESULT_INVALID_ARGUMENT` (unknown profile), the client-id errors,
/// `SNAPSIGN_RESULT_TIMESTAMP_OUT_OF_RANGE`, `SNAPSIGN_RESULT_RNG`, `BUFFER_TOO_SMALL`,
/// `NULL_POINTER`, `OVERLAPPING_BUFFERS`.
///
/// # Safety
/// Inputs readable for their lengths; each output NULL or writable for its capacity; the
/// `*_len` writable `size_t`s.
#[no_mangle]
pub unsafe extern "C" fn snapsign_token_grant_issue(
    profile: *const u8,
    profile_len: usize,
    service_code: u8,
    client_id: *const u8,
    client_id_len: usize,
    now_unix_millis: i64,
    expires_in_seconds: u32,
    body: *mut u8,
    body_cap: usize,
    body_len: *mut usize,
    access_token: *mut u8,
    access_token_cap: usize,
    access_token_len: *mut usize,
    timestamp: *mut u8,
    timestamp_cap: usize,
    timestamp_len: *mut usize,
) -> snapsign_result {
    ffi_boundary! {
        // SAFETY: forwarded contract for every pointer below.
        let out = unsafe { grant_outputs(body, body_cap, body_len, access_token, access_token_cap, access_token_len, timestamp, timestamp_cap, timestamp_len) }?;
        unsafe { issue(profile, profile_len, service_code, client_id, client_id_len, now_unix_millis, expires_in_seconds, &mut getrandom::SysRng, out) }
    }
}

/// Like `snapsign_token_grant_issue`, with the token's random bytes from `fill(userdata, buf,
/// len)` (see `snapsign_fill_fn`; not NULL), called during the call only.
///
/// # Safety
/// As for `snapsign_token_grant_issue`; `fill` safe to call with `userdata` during the call.
#[no_mangle]
pub unsafe extern "C" fn snapsign_token_grant_issue_with_rng(
    profile: *const u8,
    profile_len: usize,
    service_code: u8,
    client_id: *const u8,
    client_id_len: usize,
    now_unix_millis: i64,
    expires_in_seconds: u32,
    fill: snapsign_fill_fn,
    userdata: *mut c_void,
    body: *mut u8,
    body_cap: usize,
    body_len: *mut usize,
    access_token: *mut u8,
    access_token_cap: usize,
    access_token_len: *mut usize,
    timestamp: *mut u8,
    timestamp_cap: usize,
    timestamp_len: *mut usize,
) -> snapsign_result {
    ffi_boundary! {
        // SAFETY: forwarded contract for every pointer below.
        let out = unsafe { grant_outputs(body, body_cap, body_len, access_token, access_token_cap, access_token_len, timestamp, timestamp_cap, timestamp_len) }?;
        let callback = CallbackRng::new(fill, userdata)?;
        let mut rng = FillRng::new(|buf: &mut [u8]| callback.fill(buf));
        unsafe { issue(profile, profile_len, service_code, client_id, client_id_len, now_unix_millis, expires_in_seconds, &mut rng, out) }
    }
}

/// # Safety
/// As for `snapsign_token_grant_issue`.
unsafe fn grant_outputs(
    body: *mut u8,
    body_cap: usize,
    body_len: *mut usize,
    access_token: *mut u8,
    access_token_cap: usize,
    access_token_len: *mut usize,
    timestamp: *mut u8,
    timestamp_cap: usize,
    timestamp_len: *mut usize,
) -> FfiResult<GrantOutputs> {
    // SAFETY: forwarded contract.
    let out = unsafe {
        GrantOutputs {
            body: raw_out!(body, body_cap, body_len)?,
            access_token: raw_out!(access_token, access_token_cap, access_token_len)?,
            timestamp: raw_out!(timestamp, timestamp_cap, timestamp_len)?,
        }
    };
    // The three outputs must not overlap each other either.
    let regions = |o: &RawOut| o.regions();
    check_disjoint(&[regions(&out.body), regions(&out.access_token), regions(&out.timestamp)].concat(), &[])?;
    Ok(out)
}

/// The SNAP service code of a request target (`/v1.0/transfer-va/inquiry` is 24; a `/snap`
/// prefix, a query and a `.htm` suffix are allowed) into `*service_code`; 0 for a path the
/// standard does not list. For `snapsign_verify_request`'s `service_code`.
///
/// Errors: `SNAPSIGN_RESULT_INVALID_UTF8`, `SNAPSIGN_RESULT_NULL_POINTER`.
///
/// # Safety
/// `target` readable for `target_len` bytes; `service_code` a writable `uint8_t`.
#[no_mangle]
pub unsafe extern "C" fn snapsign_service_code_for_path(
    target: *const u8,
    target_len: usize,
    service_code: *mut u8,
) -> snapsign_result {
    ffi_boundary! {
        // SAFETY: forwarded contract for every pointer below.
        let service_code = unsafe { struct_out!(service_code) }?;
        let target = raw_in!(target, target_len)?;
        check_disjoint(&[service_code.region()], &[target.region()])?;
        service_code.set(service_code_for_path(unsafe { target.text(Field::Path) }?));
        Ok(())
    }
}
