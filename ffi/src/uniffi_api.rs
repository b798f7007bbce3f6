//! The uniffi interface behind the generated Kotlin (`id.snapsign`), Swift and Python (`snapsign`)
//! bindings in `bindings/`.
//!
//! Everything here is a thin shell over `snapsign-core`: it converts owned foreign values
//! (`String`, `Vec<u8>`) into the core's borrowed ones, maps the core's [`Error`] onto
//! [`SnapError`] (one variant per core variant, each with the core's message), and turns
//! "this signature does not match" into `false` in the `verify_*` functions.
//!
//! Conventions of the foreign API:
//! - Bodies are bytes (`ByteArray`, `Data`, `bytes`): sign the exact bytes you send, verify the
//!   exact bytes you received. The JSON is minified (whitespace outside strings removed), never
//!   re-serialised.
//! - The client secret is a string (the standard keys HMAC with its UTF-8 bytes). The copy
//!   handed to Rust is zeroized as soon as the HMAC key schedule is built; private keys and
//!   passphrases too.
//! - RSA signing takes milliseconds (4096-bit keys: tens of them): call it off the UI thread.
//!   [`SnapSigner`] and [`SnapVerifier`] are immutable and safe to share between threads.
//! - Nothing is async, so the Kotlin bindings need no kotlinx-coroutines.
//! - [`TokenCache`](token_cache::TokenCache) is the one object with state of its own (the cached
//!   token behind a lock, and the single flight of its foreign `TokenFetcher`); when to refresh
//!   is still the core's rule.
//! - A Rust panic (a bug) unwinds and reaches the caller as uniffi's internal error
//!   (`InternalException` in Kotlin, `InternalError` in Python), never as an abort.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use snapsign_core::access_token::{self, ResponseCode, TokenRequestHeaders, TokenResponse as CoreTokenResponse};
use snapsign_core::timestamp::{self, Timestamp, TimestampFormat};
use snapsign_core::{
    body_digest as core_body_digest, minify, string_to_sign, Credential, Error, Field, HmacSigner, KeyErrorKind,
    KeyOptions, RsaSigner, RsaVerifier,
};

mod request;
mod token_cache;
mod verifier;
use zeroize::{Zeroize, Zeroizing};

// The core's own enums, exported as they are: uniffi checks these mirrors against the real
// definitions at compile time, so a new core variant cannot be forgotten here.

/// Which input a field-level [`SnapError`] is about.
#[uniffi::remote(Enum)]
pub enum Field {
    ClientId,
    Method,
    Path,
    AccessToken,
    ClientSecret,
    Timestamp,
    Origin,
    GrantValue,
    Signature,
    ExternalId,
    PartnerId,
    ChannelId,
    DeviceId,
    IpAddress,
    Latitude,
    Longitude,
    CustomerToken,
}

/// What is wrong with a key, in an `InvalidKey` error.
#[uniffi::remote(Enum)]
pub enum KeyErrorKind {
    Malformed,
    PublicKeyGiven,
    CertificateGiven,
    Encrypted,
    WrongPassphrase,
    Unsupported,
}

/// The credential a provider signs transaction calls with, in a `MissingCredential` error.
#[uniffi::remote(Enum)]
pub enum Credential {
    ClientSecret,
    PrivateKey,
}

/// Everything that can go wrong, thrown as an exception (`SnapException` in Kotlin, `SnapError`
/// in Swift and Python). One variant per `snapsign_core::Error` variant; every variant carries
/// `reason`, the core's human-readable message (e.g. `invalid JSON body at byte 7: unexpected
/// character`), plus the structured details. Byte offsets count from 0 in the UTF-8 bytes.
///
/// (The message field is called `reason` because a field named `message` would clash with
/// `Throwable.message` in Kotlin.)
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Error)]
pub enum SnapError {
    /// An output buffer is too small (not reachable through these bindings).
    BufferTooSmall { needed: u64, reason: String },
    /// The body is not valid JSON (RFC 8259); `offset` is the byte where it went wrong.
    InvalidJson { offset: u64, reason: String },
    /// The `X-TIMESTAMP` is malformed; `offset` is the byte where it went wrong.
    InvalidTimestamp { offset: u64, reason: String },
    /// A Unix time or UTC offset that cannot be written as a timestamp (years 0000-9999, ±18:00).
    TimestampOutOfRange { reason: String },
    /// A timestamp further from now than the allowed skew.
    TimestampSkew { skew_seconds: i64, allowed_seconds: u32, reason: String },
    /// A required field is empty (most often a missing configuration value).
    EmptyField { field: Field, reason: String },
    /// A field is longer than the standard allows.
    FieldTooLong { field: Field, max: u64, reason: String },
    /// A control character in a field that goes into a header or the string to sign.
    ControlCharacter { field: Field, offset: u64, reason: String },
    /// A field that must be UTF-8 text is not.
    InvalidUtf8 { field: Field, offset: u64, reason: String },
    /// The client id contains `|`, which would make `clientId|timestamp` ambiguous.
    PipeInClientId { offset: u64, reason: String },
    /// The HTTP method is not upper-case `GET`, `POST`, `PUT`, `PATCH` or `DELETE`.
    InvalidMethod { reason: String },
    /// The endpoint is an absolute URL; SNAP signs the relative path with its query string.
    AbsoluteUrl { reason: String },
    /// The endpoint path does not start with `/`.
    PathWithoutLeadingSlash { reason: String },
    /// The access token still starts with `Bearer `; SNAP signs the bare token.
    BearerPrefix { reason: String },
    /// Text that should be standard padded base64 is not (a signature: `verify_*` return false).
    InvalidBase64 { field: Field, reason: String },
    /// A key could not be used (public key given for a private one, certificate, encrypted
    /// without passphrase, wrong passphrase, EC key, malformed, ...).
    InvalidKey { kind: KeyErrorKind, reason: String },
    /// The RSA key is shorter than 2048 bits and weak keys were not allowed.
    WeakKey { bits: u64, reason: String },
    /// A signature of the wrong length (`verify_*` return false instead).
    SignatureLength { expected: u64, actual: u64, reason: String },
    /// The signature does not match (`verify_*` return false instead).
    SignatureMismatch { reason: String },
    /// The operating system's random number generator failed.
    Rng { reason: String },
    /// The RSA computation failed (should not happen with a validated key).
    Crypto { reason: String },
    /// An access-token response could not be understood.
    InvalidResponse { reason: String },
    /// The provider's profile signs transaction calls with the other credential (`needed`): a
    /// [`RequestSigner`] made with the client secret for a profile that signs with the private
    /// key, or the reverse.
    MissingCredential { needed: Credential, reason: String },
    /// No provider profile has this name (see [`provider_profiles`]).
    UnknownProvider { name: String, reason: String },
    /// The provider answered the access-token request with an error `responseCode` (for example
    /// `4017300`: see [`describe_response_code`]); `response_message` is its
    /// `responseMessage`.
    TokenRefused { response_code: String, response_message: String, reason: String },
    /// A [`TokenFetcher`] failed with an exception that is not a `SnapError` (a network error, ...);
    /// `reason` is its text.
    FetchFailed { reason: String },
    /// An error this version of the bindings does not know (a newer core).
    Internal { reason: String },
}

impl std::fmt::Display for SnapError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.reason())
    }
}

impl std::error::Error for SnapError {}

impl SnapError {
    fn reason(&self) -> &str {
        match self {
            SnapError::BufferTooSmall { reason, .. }
            | SnapError::InvalidJson { reason, .. }
            | SnapError::InvalidTimestamp { reason, .. }
            | SnapError::TimestampOutOfRange { reason }
            | SnapError::TimestampSkew { reason, .. }
            | SnapError::EmptyField { reason, .. }
            | SnapError::FieldTooLong { reason, .. }
            | SnapError::ControlCharacter { reason, .. }
            | SnapError::InvalidUtf8 { reason, .. }
            | SnapError::PipeInClientId { reason, .. }
            | SnapError::InvalidMethod { reason }
            | SnapError::AbsoluteUrl { reason }
            | SnapError::PathWithoutLeadingSlash { reason }
            | SnapError::BearerPrefix { reason }
            | SnapError::InvalidBase64 { reason, .. }
            | SnapError::InvalidKey { reason, .. }
            | SnapError::WeakKey { reason, .. }
            | SnapError::SignatureLength { reason, .. }
            | SnapError::SignatureMismatch { reason }
            | SnapError::Rng { reason }
            | SnapError::Crypto { reason }
            | SnapError::InvalidResponse { reason }
            | SnapError::MissingCredential { reason, .. }
            | SnapError::UnknownProvider { reason, .. }
            | SnapError::TokenRefused { reason, .. }
            | SnapError::FetchFailed { reason }
            | SnapError::Internal { reason } => reason,
        }
    }
}

fn n(v: usize) -> u64 {
    u64::try_from(v).unwrap_or(u64::MAX)
}

impl From<Error> for SnapError {
    fn from(e: Error) -> Self {
        let reason = e.to_string();
        match e {
            Error::BufferTooSmall { needed } => SnapError::BufferTooSmall { needed: n(needed), reason },
            Error::InvalidJson { offset, .. } => SnapError::InvalidJson { offset: n(offset), reason },
            Error::InvalidTimestamp { offset, .. } => SnapError::InvalidTimestamp { offset: n(offset), reason },
            Error::TimestampOutOfRange => SnapError::TimestampOutOfRange { reason },
            Error::TimestampSkew { skew_seconds, allowed_seconds } => {
                SnapError::TimestampSkew { skew_seconds, allowed_seconds, reason }
            }
            Error::EmptyField { field } => SnapError::EmptyField { field, reason },
            Error::FieldTooLong { field, max } => SnapError::FieldTooLong { field, max: n(max), reason },
            Error::ControlCharacter { field, offset } => {
                SnapError::ControlCharacter { field, offset: n(offset), reason }
            }
            Error::InvalidUtf8 { field, offset } => SnapError::InvalidUtf8 { field, offset: n(offset), reason },
            Error::PipeInClientId { offset } => SnapError::PipeInClientId { offset: n(offset), reason },
            Error::InvalidMethod => SnapError::InvalidMethod { reason },
            Error::AbsoluteUrl => SnapError::AbsoluteUrl { reason },
            Error::PathWithoutLeadingSlash => SnapError::PathWithoutLeadingSlash { reason },
            Error::BearerPrefix => SnapError::BearerPrefix { reason },
            Error::InvalidBase64 { field } => SnapError::InvalidBase64 { field, reason },
            Error::InvalidKey { kind } => SnapError::InvalidKey { kind, reason },
            Error::WeakKey { bits } => SnapError::WeakKey { bits: n(bits), reason },
            Error::SignatureLength { expected, actual } => {
                SnapError::SignatureLength { expected: n(expected), actual: n(actual), reason }
            }
            Error::SignatureMismatch => SnapError::SignatureMismatch { reason },
            Error::Rng => SnapError::Rng { reason },
            Error::Crypto => SnapError::Crypto { reason },
            Error::InvalidResponse { .. } => SnapError::InvalidResponse { reason },
            Error::MissingCredential { needed } => SnapError::MissingCredential { needed, reason },
            _ => SnapError::Internal { reason },
        }
    }
}

/// What a foreign [`TokenFetcher`] throws that is not a `SnapError` (uniffi hands it over as
/// text: Python's `repr`, Kotlin's `toString`).
impl From<uniffi::UnexpectedUniFFICallbackError> for SnapError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        SnapError::FetchFailed { reason: format!("the token fetcher failed: {}", e.reason) }
    }
}

/// `Ok` → true; "the signature is not the right one" → false; anything else (bad JSON, method,
/// path, timestamp, ...) is an error, because the caller passed something it can fix.
fn verified(result: Result<(), Error>) -> Result<bool, SnapError> {
    match result {
        Ok(()) => Ok(true),
        Err(e) if e.is_wrong_signature() => Ok(false),
        Err(e) => Err(e.into()),
    }
}

fn hmac_signer(mut client_secret: String) -> Result<HmacSigner, SnapError> {
    let signer = HmacSigner::new(client_secret.as_bytes());
    client_secret.zeroize();
    Ok(signer?)
}

/// An RSA private key that signs access-token (`clientId|timestamp`) and service
/// (`METHOD:path:digest:timestamp`) requests with SHA256withRSA. Immutable and thread-safe.
#[derive(Debug, uniffi::Object)]
pub struct SnapSigner {
    inner: RsaSigner,
}

#[uniffi::export]
impl SnapSigner {
    /// Loads a private key: PEM or DER, PKCS#8 (encrypted too, with `passphrase`) or PKCS#1;
    /// CRLF line ends, literal `\n` sequences (a PEM from an environment variable) and bare
    /// base64 are accepted. Keys under 2048 bits are refused unless `allow_weak_key` is true.
    /// The key bytes and passphrase handed over are zeroized after parsing.
    #[uniffi::constructor(default(passphrase = None, allow_weak_key = false))]
    pub fn new(private_key: Vec<u8>, passphrase: Option<String>, allow_weak_key: bool) -> Result<Self, SnapError> {
        let private_key = Zeroizing::new(private_key);
        let passphrase = passphrase.map(Zeroizing::new);
        let options = KeyOptions { allow_weak: allow_weak_key, passphrase: passphrase.as_ref().map(|p| p.as_bytes()) };
        Ok(SnapSigner { inner: RsaSigner::from_bytes(&private_key, &options)? })
    }

    /// The access-token `X-SIGNATURE`: base64 SHA256withRSA over `clientId|timestamp`.
    /// Send exactly `timestamp` as `X-TIMESTAMP`.
    pub fn sign_token(&self, client_id: String, timestamp: String) -> Result<String, SnapError> {
        Ok(self.inner.sign_token(&client_id, &timestamp, &mut getrandom::SysRng)?.as_str().to_owned())
    }

    /// The service `X-SIGNATURE`: base64 SHA256withRSA over
    /// `METHOD:path:lowercase(hex(sha256(minify(body)))):timestamp`. `body` is the exact bytes
    /// sent (empty for a GET); `path` is relative, with its query string.
    pub fn sign_service(
        &self,
        method: String,
        path: String,
        body: Vec<u8>,
        timestamp: String,
    ) -> Result<String, SnapError> {
        let sig = self.inner.sign_service(&method, &path, &body, &timestamp, &mut getrandom::SysRng)?;
        Ok(sig.as_str().to_owned())
    }

    /// The length of this key's base64 signatures (344 for 2048 bits).
    pub fn signature_len(&self) -> u32 {
        u32::try_from(self.inner.signature_len()).unwrap_or(u32::MAX)
    }

    /// The modulus length in bits (2048, 3072, 4096).
    pub fn key_bits(&self) -> u32 {
        u32::try_from(self.inner.modulus_bits()).unwrap_or(u32::MAX)
    }

    /// The verifier for this key's public half.
    pub fn verifier(&self) -> Arc<SnapVerifier> {
        Arc::new(SnapVerifier { inner: self.inner.verifier() })
    }
}

/// An RSA public key that verifies access-token and service signatures. Immutable and
/// thread-safe.
#[derive(Debug, uniffi::Object)]
pub struct SnapVerifier {
    inner: RsaVerifier,
}

#[uniffi::export]
impl SnapVerifier {
    /// Loads a public key: PEM or DER, SubjectPublicKeyInfo (`BEGIN PUBLIC KEY`) or PKCS#1
    /// (`BEGIN RSA PUBLIC KEY`), or the key of an X.509 certificate (a provider's `.cer`/`.crt`;
    /// its validity is not checked: SNAP pins keys and uses no PKI); a private key is accepted
    /// too and its public half used.
    #[uniffi::constructor(default(allow_weak_key = false))]
    pub fn new(public_key: Vec<u8>, allow_weak_key: bool) -> Result<Self, SnapError> {
        let options = KeyOptions { allow_weak: allow_weak_key, passphrase: None };
        Ok(SnapVerifier { inner: RsaVerifier::from_bytes(&public_key, &options)? })
    }

    /// Verifies an access-token signature over `clientId|timestamp`: false when the signature
    /// does not match (or is not base64, or has the wrong length); an error for an invalid
    /// client id or timestamp.
    pub fn verify_token(&self, client_id: String, timestamp: String, signature: String) -> Result<bool, SnapError> {
        verified(self.inner.verify_token(&client_id, &timestamp, signature.as_bytes()))
    }

    /// Verifies a service signature (for example a provider's webhook) over the exact body bytes
    /// received: false when it does not match; an error for invalid JSON, method, path or
    /// timestamp.
    pub fn verify_service(
        &self,
        method: String,
        path: String,
        body: Vec<u8>,
        timestamp: String,
        signature: String,
    ) -> Result<bool, SnapError> {
        verified(self.inner.verify_service(&method, &path, &body, &timestamp, signature.as_bytes()))
    }

    /// The length of this key's base64 signatures.
    pub fn signature_len(&self) -> u32 {
        u32::try_from(self.inner.signature_len()).unwrap_or(u32::MAX)
    }

    /// The modulus length in bits.
    pub fn key_bits(&self) -> u32 {
        u32::try_from(self.inner.modulus_bits()).unwrap_or(u32::MAX)
    }
}

/// The transaction `X-SIGNATURE` (88 characters): base64 HMAC-SHA512 keyed with the client
/// secret's UTF-8 bytes over `METHOD:path:accessToken:lowercase(hex(sha256(minify(body)))):timestamp`.
/// `access_token` is without `Bearer `. The secret's copy is zeroized.
///
/// For many signatures with the same secret, [`TransactionSigner`] is faster (keyed once, one
/// argument fewer to hand over per call).
#[uniffi::export]
pub fn sign_transaction(
    client_secret: String,
    method: String,
    path: String,
    access_token: String,
    body: Vec<u8>,
    timestamp: String,
) -> Result<String, SnapError> {
    hmac_sign(&hmac_signer(client_secret)?, &method, &path, &access_token, &body, &timestamp)
}

/// Verifies a transaction signature (for example a DOKU notification) in constant time: false
/// when it does not match; an error for invalid inputs.
#[uniffi::export]
pub fn verify_transaction(
    client_secret: String,
    method: String,
    path: String,
    access_token: String,
    body: Vec<u8>,
    timestamp: String,
    signature: String,
) -> Result<bool, SnapError> {
    hmac_verify(&hmac_signer(client_secret)?, &method, &path, &access_token, &body, &timestamp, &signature)
}

fn hmac_sign(
    signer: &HmacSigner,
    method: &str,
    path: &str,
    access_token: &str,
    body: &[u8],
    timestamp: &str,
) -> Result<String, SnapError> {
    Ok(signer.sign_transaction(method, path, access_token, body, timestamp)?.as_str().to_owned())
}

fn hmac_verify(
    signer: &HmacSigner,
    method: &str,
    path: &str,
    access_token: &str,
    body: &[u8],
    timestamp: &str,
    signature: &str,
) -> Result<bool, SnapError> {
    verified(signer.verify_transaction(method, path, access_token, body, timestamp, signature.as_bytes()))
}

/// A client secret keyed once, for signing and verifying many transaction signatures: the same
/// results and errors as [`sign_transaction`] / [`verify_transaction`], without re-keying
/// HMAC-SHA512 and without handing the secret over on every call. Immutable and thread-safe.
/// The key schedule is zeroized when the object is dropped (`close()` / `destroy()` / GC).
///
/// For Kotlin and Swift this is the fast form. The Python package replaces it (and the other hot
/// calls) with the same object over the C ABI, because uniffi's generated Python argument
/// lowering costs more than the whole signature (see bench/RESULTS.md).
#[derive(Debug, uniffi::Object)]
pub struct TransactionSigner {
    inner: HmacSigner,
}

#[uniffi::export]
impl TransactionSigner {
    /// Keys HMAC-SHA512 with the client secret's UTF-8 bytes; the copy handed over is zeroized.
    /// An empty secret is an `EmptyField` error.
    #[uniffi::constructor]
    pub fn new(client_secret: String) -> Result<Self, SnapError> {
        Ok(TransactionSigner { inner: hmac_signer(client_secret)? })
    }

    /// The transaction `X-SIGNATURE`, as [`sign_transaction`] with this secret.
    pub fn sign(
        &self,
        method: String,
        path: String,
        access_token: String,
        body: Vec<u8>,
        timestamp: String,
    ) -> Result<String, SnapError> {
        hmac_sign(&self.inner, &method, &path, &access_token, &body, &timestamp)
    }

    /// Verifies a transaction signature in constant time, as [`verify_transaction`] with this
    /// secret: false when it does not match; an error for invalid inputs.
    pub fn verify(
        &self,
        method: String,
        path: String,
        access_token: String,
        body: Vec<u8>,
        timestamp: String,
        signature: String,
    ) -> Result<bool, SnapError> {
        hmac_verify(&self.inner, &method, &path, &access_token, &body, &timestamp, &signature)
    }
}

/// `minify(RequestBody)`: the JSON with whitespace outside strings removed, every other byte
/// kept. Invalid JSON is an `InvalidJson` error with the byte offset.
#[uniffi::export]
pub fn minify_json(body: Vec<u8>) -> Result<Vec<u8>, SnapError> {
    let mut out = Vec::with_capacity(body.len());
    minify::minify_to(&body, &mut out)?;
    Ok(out)
}

/// `Lowercase(HexEncode(SHA-256(minify(body))))`, 64 hex digits.
#[uniffi::export]
pub fn body_digest(body: Vec<u8>) -> Result<String, SnapError> {
    Ok(core_body_digest(&body)?.as_str().to_owned())
}

fn offset_i16(offset_minutes: i32) -> Result<i16, SnapError> {
    i16::try_from(offset_minutes).map_err(|_| Error::TimestampOutOfRange.into())
}

/// An `X-TIMESTAMP` for `unix_millis` at `offset_minutes` east of UTC (420 for WIB, 480 for
/// WITA, 540 for WIT): `2020-01-01T04:10:00+07:00`, with `.SSS` when `with_millis`, and `Z`
/// for a zero offset when `utc_as_z` (DOKU's form).
#[uniffi::export(default(utc_as_z = false))]
pub fn format_timestamp(
    unix_millis: i64,
    offset_minutes: i32,
    with_millis: bool,
    utc_as_z: bool,
) -> Result<String, SnapError> {
    let ts = Timestamp::from_unix_millis(unix_millis, offset_i16(offset_minutes)?)?;
    Ok(ts.format(TimestampFormat { millis: with_millis, utc_as_z }).as_str().to_owned())
}

fn now_unix_millis() -> i64 {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_millis()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_millis()).unwrap_or(i64::MAX),
    }
}

/// The current time as an `X-TIMESTAMP` (see [`format_timestamp`]). Format it once and use the
/// same string for signing and for the header.
#[uniffi::export(default(utc_as_z = false))]
pub fn now_timestamp(offset_minutes: i32, with_millis: bool, utc_as_z: bool) -> Result<String, SnapError> {
    format_timestamp(now_unix_millis(), offset_minutes, with_millis, utc_as_z)
}

/// Checks a received `X-TIMESTAMP` against this machine's clock: returns its Unix time in
/// milliseconds, or a `TimestampSkew` error when it is more than `allowed_seconds` away (the
/// standard fixes no window; 900 s is common), `InvalidTimestamp` when it does not parse.
#[uniffi::export(default(allowed_seconds = 900))]
pub fn check_timestamp(timestamp: String, allowed_seconds: u32) -> Result<i64, SnapError> {
    Ok(timestamp::check_skew(&timestamp, now_unix_millis(), allowed_seconds)?.unix_millis())
}

/// The headers of a B2B access-token request, signed: `X-TIMESTAMP`, `X-CLIENT-KEY`,
/// `X-SIGNATURE`, `Content-Type` and, when given, `ORIGIN`. The body to send is
/// `{"grantType":"client_credentials"}`.
#[uniffi::export(default(origin = None))]
pub fn token_request_headers(
    signer: Arc<SnapSigner>,
    client_id: String,
    timestamp: String,
    origin: Option<String>,
) -> Result<HashMap<String, String>, SnapError> {
    let headers =
        TokenRequestHeaders::new(&signer.inner, &client_id, &timestamp, origin.as_deref(), &mut getrandom::SysRng)?;
    Ok(headers.iter().map(|(name, value)| (name.to_owned(), value.to_owned())).collect())
}

/// A random numeric `X-EXTERNAL-ID` of `digits` digits (1 to 36; unique per day is required).
#[uniffi::export(default(digits = 32))]
pub fn external_id(digits: u8) -> Result<String, SnapError> {
    Ok(access_token::external_id(&mut getrandom::SysRng, usize::from(digits))?.as_str().to_owned())
}

/// A parsed access-token response (success or error).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TokenResponse {
    /// `responseCode` as sent, e.g. `2007300`.
    pub response_code: String,
    /// Its HTTP status part, e.g. 200.
    pub http_status: u16,
    /// Its service code part, e.g. 73.
    pub service_code: u8,
    /// Its case code part, e.g. 0.
    pub case_code: u8,
    /// Whether the HTTP status part is 2xx.
    pub is_success: bool,
    /// `responseMessage` (empty when absent).
    pub response_message: String,
    /// `accessToken` (empty in an error response).
    pub access_token: String,
    /// `tokenType`, e.g. `Bearer`.
    pub token_type: String,
    /// `expiresIn` in seconds (sent as a string or a number).
    pub expires_in: Option<u64>,
}

/// `responseCode` as seven digits.
fn response_code_text(c: ResponseCode) -> String {
    format!("{:03}{:02}{:02}", c.http_status, c.service_code, c.case_code)
}

/// Parses an access-token response body.
#[uniffi::export]
pub fn parse_token_response(body: Vec<u8>) -> Result<TokenResponse, SnapError> {
    let r = CoreTokenResponse::parse(&body)?;
    let c = r.response_code;
    Ok(TokenResponse {
        response_code: response_code_text(c),
        http_status: c.http_status,
        service_code: c.service_code,
        case_code: c.case_code,
        is_success: c.is_success(),
        response_message: r.response_message.as_str().to_owned(),
        access_token: r.access_token.as_str().to_owned(),
        token_type: r.token_type.as_str().to_owned(),
        expires_in: r.expires_in,
    })
}

/// The access-token string to sign, `clientId|timestamp` (for debugging a rejected signature).
#[uniffi::export]
pub fn token_string_to_sign(client_id: String, timestamp: String) -> Result<String, SnapError> {
    Ok(string_to_sign::token(&client_id, &timestamp)?.as_str().to_owned())
}

/// The transaction string to sign, `METHOD:path:accessToken:digest:timestamp`.
#[uniffi::export]
pub fn transaction_string_to_sign(
    method: String,
    path: String,
    access_token: String,
    body: Vec<u8>,
    timestamp: String,
) -> Result<String, SnapError> {
    let digest = core_body_digest(&body)?;
    Ok(string_to_sign::transaction(&method, &path, &access_token, &digest, &timestamp)?.as_str().to_owned())
}

/// The service string to sign, `METHOD:path:digest:timestamp`.
#[uniffi::export]
pub fn service_string_to_sign(
    method: String,
    path: String,
    body: Vec<u8>,
    timestamp: String,
) -> Result<String, SnapError> {
    let digest = core_body_digest(&body)?;
    Ok(string_to_sign::service(&method, &path, &digest, &timestamp)?.as_str().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = include_bytes!("../../tests/vectors/keys/rsa2048-pkcs8.pem");

    #[test]
    fn verify_maps_mismatch_to_false_and_bad_input_to_errors() {
        let signer = SnapSigner::new(KEY.to_vec(), None, false).unwrap();
        let ts = "2020-10-04T17:55:58+07:00".to_owned();
        let sig = signer.sign_token("MCPD00000006".into(), ts.clone()).unwrap();
        let v = signer.verifier();
        assert!(v.verify_token("MCPD00000006".into(), ts.clone(), sig.clone()).unwrap());
        assert!(!v.verify_token("MCPD00000007".into(), ts.clone(), sig.clone()).unwrap());
        assert!(!v.verify_token("MCPD00000006".into(), ts.clone(), "abc".into()).unwrap());
        assert!(!v.verify_token("MCPD00000006".into(), ts.clone(), "QUJD".into()).unwrap());
        assert!(matches!(
            v.verify_token("MCPD00000006".into(), "yesterday".into(), sig),
            Err(SnapError::InvalidTimestamp { offset: 0, .. })
        ));
    }

    #[test]
    fn errors_carry_offsets_and_messages() {
        let e = minify_json(b"{\"a\" 1}".to_vec()).unwrap_err();
        assert!(matches!(e, SnapError::InvalidJson { offset: 5, .. }), "{e:?}");
        assert_eq!(e.to_string(), "invalid JSON body at byte 5: unexpected character");
        assert!(matches!(
            sign_transaction(
                String::new(),
                "GET".into(),
                "/".into(),
                "t".into(),
                vec![],
                "2020-01-01T00:00:00Z".into()
            ),
            Err(SnapError::EmptyField { field: Field::ClientSecret, .. })
        ));
        assert!(matches!(format_timestamp(0, 100_000, false, false), Err(SnapError::TimestampOutOfRange { .. })));
    }

    #[test]
    fn transaction_signer_matches_the_free_functions() {
        let (m, p, t, ts) = ("POST", "/snap/v1.0/transfer-interbank", "token", "2020-01-01T00:00:00+07:00");
        let body = b"{ \"a\": 1 }".to_vec();
        let s = TransactionSigner::new("secret".into()).unwrap();
        let sig = s.sign(m.into(), p.into(), t.into(), body.clone(), ts.into()).unwrap();
        assert_eq!(
            sig,
            sign_transaction("secret".into(), m.into(), p.into(), t.into(), body.clone(), ts.into()).unwrap()
        );
        assert!(s.verify(m.into(), p.into(), t.into(), body.clone(), ts.into(), sig.clone()).unwrap());
        assert!(!s.verify(m.into(), p.into(), t.into(), b"{}".to_vec(), ts.into(), sig.clone()).unwrap());
        assert!(!s.verify(m.into(), p.into(), t.into(), body.clone(), ts.into(), "abc".into()).unwrap());
        assert!(matches!(
            s.sign("get".into(), p.into(), t.into(), body, ts.into()),
            Err(SnapError::InvalidMethod { .. })
        ));
        assert!(matches!(
            TransactionSigner::new(String::new()),
            Err(SnapError::EmptyField { field: Field::ClientSecret, .. })
        ));
    }

    #[test]
    fn timestamps() {
        assert_eq!(format_timestamp(1_709_609_836_196, 0, true, true).unwrap(), "2024-03-05T03:37:16.196Z");
        assert_eq!(format_timestamp(1_577_826_600_000, 420, false, false).unwrap(), "2020-01-01T04:10:00+07:00");
        let now = now_timestamp(420, true, false).unwrap();
        assert!(check_timestamp(now, 5).is_ok());
        assert!(matches!(
            check_timestamp("2020-01-01T04:10:00+07:00".into(), 900),
            Err(SnapError::TimestampSkew { .. })
        ));
    }
}
