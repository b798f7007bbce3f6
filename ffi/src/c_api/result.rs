//! The result codes: one declaration, from which the list of codes and `from_u32` are derived.

use std::ffi::{CStr, CString};
use std::sync::OnceLock;

use snapsign_core::{Credential, Error, JsonErrorKind, KeyErrorKind, ResponseErrorKind, TimestampErrorKind};

/// The result of every snapsign function that can fail.
///
/// The numeric values are part of the ABI: they are fixed and never renumbered; new codes are
/// only ever added. `SNAPSIGN_RESULT_OK` is 0. Codes 1-99 mirror the core library's errors,
/// codes from 100 on are about the C call itself (NULL pointers, overlapping buffers, panics).
///
/// Functions return it as a `uint32_t`; functions taking a code (`snapsign_result_str`) take a
/// `uint32_t` too, so any value may be passed.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::FromRepr, strum::VariantArray)]
pub enum snapsign_result {
    /// Success.
    Ok = 0,
    /// The output buffer is too small; `*out_len` holds the length needed and nothing was written.
    BufferTooSmall = 1,
    /// The body is not valid JSON (RFC 8259); see `snapsign_last_error_offset`.
    InvalidJson = 2,
    /// The X-TIMESTAMP text is malformed; see `snapsign_last_error_offset`.
    InvalidTimestamp = 3,
    /// A Unix time or UTC offset that cannot be written as a timestamp (years 0000-9999, offset
    /// within +/-18:00).
    TimestampOutOfRange = 4,
    /// The timestamp is further from "now" than the allowed skew.
    TimestampSkew = 5,
    /// A required field (client id, path, access token, client secret, ...) is empty.
    EmptyField = 6,
    /// A field is longer than the standard allows.
    FieldTooLong = 7,
    /// A control character in a header field; see `snapsign_last_error_offset`.
    ControlCharacter = 8,
    /// A text input is not valid UTF-8; see `snapsign_last_error_offset`.
    InvalidUtf8 = 9,
    /// The client id contains `|`; see `snapsign_last_error_offset`.
    PipeInClientId = 10,
    /// The HTTP method is not upper-case GET, POST, PUT, PATCH or DELETE.
    InvalidMethod = 11,
    /// The endpoint is an absolute URL; SNAP signs the relative path (with its query string).
    AbsoluteUrl = 12,
    /// The endpoint path does not start with `/`.
    PathWithoutLeadingSlash = 13,
    /// The access token starts with `Bearer `; SNAP signs the bare token.
    BearerPrefix = 14,
    /// A signature is not standard, padded base64.
    InvalidBase64 = 15,
    /// The key is not a PEM or DER RSA key.
    KeyMalformed = 16,
    /// A public key was given where a private key is needed.
    KeyIsPublic = 17,
    /// An X.509 certificate was given where a key is needed.
    KeyIsCertificate = 18,
    /// The private key is encrypted and no passphrase was given.
    KeyEncrypted = 19,
    /// The passphrase does not decrypt the private key.
    KeyWrongPassphrase = 20,
    /// Not an RSA key in a supported form (EC, OpenSSH, multi-prime).
    KeyUnsupported = 21,
    /// The RSA key is shorter than 2048 bits and `SNAPSIGN_KEY_ALLOW_WEAK` was not given.
    WeakKey = 22,
    /// The decoded signature has the wrong length for the key or algorithm.
    SignatureLength = 23,
    /// The signature does not match the message and key.
    SignatureMismatch = 24,
    /// The random number generator (the OS's, or the entropy callback) failed.
    Rng = 25,
    /// The RSA computation failed; for example signing with a key loaded with
    /// `SNAPSIGN_KEY_ALLOW_WEAK` whose modulus has 488 bits or fewer, too short to hold a SHA-256
    /// PKCS#1 v1.5 signature (62 bytes).
    Crypto = 26,
    /// An access-token response could not be understood.
    InvalidResponse = 27,
    /// The provider's profile signs transaction calls with the other credential: the client
    /// secret (HMAC-SHA512) or the private key (SHA256withRSA); `snapsign_last_error_message`
    /// says which one is needed.
    MissingCredential = 28,
    /// A NULL pointer was passed with a non-zero length, or for a required argument.
    NullPointer = 100,
    /// An output buffer overlaps an input buffer (or another output).
    OverlappingBuffers = 101,
    /// An argument is invalid in a way no other code describes (unknown flag bits, a length
    /// beyond the address space, a misaligned out-pointer).
    InvalidArgument = 102,
    /// A bug: the library panicked. The panic was caught; the call had no effect on its outputs
    /// beyond possibly `*out_len = 0`.
    InternalPanic = 103,
    /// Never returned by this version: every error of the core library it is built with has its
    /// own code. Reserved for an error of a newer core library that a C interface of this version
    /// would not know. `snapsign_result_str` describes it, and any number that is not a code, as
    /// "unknown error".
    Unknown = 104,
}

impl snapsign_result {
    /// The code for a core error.
    pub fn from_error(error: &Error) -> Self {
        use snapsign_result as R;
        match *error {
            Error::BufferTooSmall { .. } => R::BufferTooSmall,
            Error::InvalidJson { .. } => R::InvalidJson,
            Error::InvalidTimestamp { .. } => R::InvalidTimestamp,
            Error::TimestampOutOfRange => R::TimestampOutOfRange,
            Error::TimestampSkew { .. } => R::TimestampSkew,
            Error::EmptyField { .. } => R::EmptyField,
            Error::FieldTooLong { .. } => R::FieldTooLong,
            Error::ControlCharacter { .. } => R::ControlCharacter,
            Error::InvalidUtf8 { .. } => R::InvalidUtf8,
            Error::PipeInClientId { .. } => R::PipeInClientId,
            Error::InvalidMethod => R::InvalidMethod,
            Error::AbsoluteUrl => R::AbsoluteUrl,
            Error::PathWithoutLeadingSlash => R::PathWithoutLeadingSlash,
            Error::BearerPrefix => R::BearerPrefix,
            Error::InvalidBase64 { .. } => R::InvalidBase64,
            Error::InvalidKey { kind } => match kind {
                KeyErrorKind::Malformed => R::KeyMalformed,
                KeyErrorKind::PublicKeyGiven => R::KeyIsPublic,
                KeyErrorKind::CertificateGiven => R::KeyIsCertificate,
                KeyErrorKind::Encrypted => R::KeyEncrypted,
                KeyErrorKind::WrongPassphrase => R::KeyWrongPassphrase,
                KeyErrorKind::Unsupported => R::KeyUnsupported,
            },
            Error::WeakKey { .. } => R::WeakKey,
            Error::SignatureLength { .. } => R::SignatureLength,
            Error::SignatureMismatch => R::SignatureMismatch,
            Error::Rng => R::Rng,
            Error::Crypto => R::Crypto,
            Error::InvalidResponse { .. } => R::InvalidResponse,
            Error::MissingCredential { .. } => R::MissingCredential,
            _ => R::Unknown,
        }
    }

    /// The code for a numeric value, if it is one.
    pub const fn from_u32(code: u32) -> Option<Self> {
        Self::from_repr(code)
    }

    /// A core error this code stands for, whose [`Error::summary`] describes the code; `None`
    /// for the codes about the C call itself.
    fn core_example(self) -> Option<Error> {
        use snapsign_core::Field;
        use snapsign_result as R;
        let key = |kind| Some(Error::InvalidKey { kind });
        match self {
            R::BufferTooSmall => Some(Error::BufferTooSmall { needed: 0 }),
            R::InvalidJson => Some(Error::InvalidJson { offset: 0, kind: JsonErrorKind::UnexpectedByte }),
            R::InvalidTimestamp => Some(Error::InvalidTimestamp { offset: 0, kind: TimestampErrorKind::Syntax }),
            R::TimestampOutOfRange => Some(Error::TimestampOutOfRange),
            R::TimestampSkew => Some(Error::TimestampSkew { skew_seconds: 0, allowed_seconds: 0 }),
            R::EmptyField => Some(Error::EmptyField { field: Field::ClientId }),
            R::FieldTooLong => Some(Error::FieldTooLong { field: Field::ClientId, max: 0 }),
            R::ControlCharacter => Some(Error::ControlCharacter { field: Field::ClientId, offset: 0 }),
            R::InvalidUtf8 => Some(Error::InvalidUtf8 { field: Field::ClientId, offset: 0 }),
            R::PipeInClientId => Some(Error::PipeInClientId { offset: 0 }),
            R::InvalidMethod => Some(Error::InvalidMethod),
            R::AbsoluteUrl => Some(Error::AbsoluteUrl),
            R::PathWithoutLeadingSlash => Some(Error::PathWithoutLeadingSlash),
            R::BearerPrefix => Some(Error::BearerPrefix),
            R::InvalidBase64 => Some(Error::InvalidBase64 { field: Field::Signature }),
            R::KeyMalformed => key(KeyErrorKind::Malformed),
            R::KeyIsPublic => key(KeyErrorKind::PublicKeyGiven),
            R::KeyIsCertificate => key(KeyErrorKind::CertificateGiven),
            R::KeyEncrypted => key(KeyErrorKind::Encrypted),
            R::KeyWrongPassphrase => key(KeyErrorKind::WrongPassphrase),
            R::KeyUnsupported => key(KeyErrorKind::Unsupported),
            R::WeakKey => Some(Error::WeakKey { bits: 0 }),
            R::SignatureLength => Some(Error::SignatureLength { expected: 0, actual: 0 }),
            R::SignatureMismatch => Some(Error::SignatureMismatch),
            R::Rng => Some(Error::Rng),
            R::Crypto => Some(Error::Crypto),
            R::InvalidResponse => Some(Error::InvalidResponse { kind: ResponseErrorKind::NotAnObject }),
            R::MissingCredential => Some(Error::MissingCredential { needed: Credential::ClientSecret }),
            R::Ok | R::NullPointer | R::OverlappingBuffers | R::InvalidArgument | R::InternalPanic | R::Unknown => None,
        }
    }

    /// A static English description: the core's own summary for the codes that mirror a core
    /// error, this layer's words for the others.
    pub fn description(self) -> &'static str {
        use snapsign_result as R;
        if let Some(error) = self.core_example() {
            return error.summary();
        }
        match self {
            R::Ok => "success",
            R::NullPointer => "NULL pointer with a non-zero length or for a required argument",
            R::OverlappingBuffers => "an output buffer overlaps an input",
            R::InvalidArgument => "invalid argument (unknown flags, impossible length or misaligned pointer)",
            R::InternalPanic => "internal error: snapsign panicked (please report a bug)",
            _ => "unknown error",
        }
    }

    /// [`description`](Self::description), NUL-terminated, for `snapsign_result_str`.
    pub fn c_description(self) -> &'static CStr {
        static TABLE: OnceLock<Vec<CString>> = OnceLock::new();
        let table = TABLE.get_or_init(|| {
            <Self as strum::VariantArray>::VARIANTS
                .iter()
                .map(|code| CString::new(code.description()).unwrap_or_default())
                .collect()
        });
        let index = <Self as strum::VariantArray>::VARIANTS.iter().position(|c| *c == self);
        index.and_then(|i| table.get(i)).map_or(c"unknown error", CString::as_c_str)
    }

    /// Every code, in the order declared.
    pub fn all() -> &'static [Self] {
        <Self as strum::VariantArray>::VARIANTS
    }
}
