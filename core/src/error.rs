//! The one error type of the crate.
//!
//! Every variant names precisely what was wrong, and where (a byte offset) for JSON and
//! timestamps, because "401 Invalid signature" is all a provider will ever tell you.

use core::fmt;

/// Which input a field-level error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// The client id (`X-CLIENT-KEY`).
    ClientId,
    /// The HTTP method.
    Method,
    /// The endpoint path (relative URL, with its query string).
    Path,
    /// The access token (without `Bearer `).
    AccessToken,
    /// The client secret used as the HMAC key.
    ClientSecret,
    /// The `X-TIMESTAMP` value.
    Timestamp,
    /// The `ORIGIN` header value.
    Origin,
    /// An authorization code or refresh token in a B2B2C token request.
    GrantValue,
    /// A signature (`X-SIGNATURE`).
    Signature,
    /// The `X-EXTERNAL-ID` header.
    ExternalId,
    /// The `X-PARTNER-ID` header.
    PartnerId,
    /// The `CHANNEL-ID` header.
    ChannelId,
    /// The `X-DEVICE-ID` header.
    DeviceId,
    /// The `X-IP-ADDRESS` header.
    IpAddress,
    /// The `X-LATITUDE` header.
    Latitude,
    /// The `X-LONGITUDE` header.
    Longitude,
    /// The customer's access token (`Authorization-Customer`, without `Bearer `).
    CustomerToken,
}

impl Field {
    /// The field's name as the SNAP standard spells it.
    ///
    /// ```
    /// assert_eq!(snapsign_core::Field::Timestamp.name(), "X-TIMESTAMP");
    /// ```
    pub const fn name(self) -> &'static str {
        match self {
            Field::ClientId => "client id (X-CLIENT-KEY)",
            Field::Method => "HTTP method",
            Field::Path => "endpoint path",
            Field::AccessToken => "access token",
            Field::ClientSecret => "client secret",
            Field::Timestamp => "X-TIMESTAMP",
            Field::Origin => "ORIGIN",
            Field::GrantValue => "authCode/refreshToken",
            Field::Signature => "X-SIGNATURE",
            Field::ExternalId => "X-EXTERNAL-ID",
            Field::PartnerId => "X-PARTNER-ID",
            Field::ChannelId => "CHANNEL-ID",
            Field::DeviceId => "X-DEVICE-ID",
            Field::IpAddress => "X-IP-ADDRESS",
            Field::Latitude => "X-LATITUDE",
            Field::Longitude => "X-LONGITUDE",
            Field::CustomerToken => "Authorization-Customer",
        }
    }
}

/// What made a JSON body invalid (RFC 8259).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JsonErrorKind {
    /// A byte that cannot start or continue the value at this point.
    UnexpectedByte,
    /// The body ended inside a value.
    UnexpectedEnd,
    /// A second value after the top-level one.
    TrailingData,
    /// A UTF-8 byte order mark; RFC 8259 forbids it in network JSON.
    ByteOrderMark,
    /// A raw control character (below U+0020) inside a string.
    ControlCharacterInString,
    /// A backslash escape other than `\" \\ \/ \b \f \n \r \t \uXXXX`.
    InvalidEscape,
    /// A `\uXXXX` escape that is a lone or misordered UTF-16 surrogate.
    InvalidSurrogate,
    /// Bytes that are not valid UTF-8.
    InvalidUtf8,
    /// A number that breaks the JSON grammar (leading zero, lone `-`, `1.`, `1e`).
    InvalidNumber,
    /// Nesting deeper than [`crate::minify::MAX_DEPTH`].
    TooDeep,
}

impl JsonErrorKind {
    /// What was wrong, in words (the tail of the [`Error`] message).
    pub const fn message(self) -> &'static str {
        match self {
            JsonErrorKind::UnexpectedByte => "unexpected character",
            JsonErrorKind::UnexpectedEnd => "unexpected end of input",
            JsonErrorKind::TrailingData => "data after the top-level value",
            JsonErrorKind::ByteOrderMark => "byte order mark (BOM) is not allowed",
            JsonErrorKind::ControlCharacterInString => "raw control character in string (escape it)",
            JsonErrorKind::InvalidEscape => "invalid escape sequence",
            JsonErrorKind::InvalidSurrogate => "invalid UTF-16 surrogate in \\u escape",
            JsonErrorKind::InvalidUtf8 => "invalid UTF-8",
            JsonErrorKind::InvalidNumber => "invalid number",
            JsonErrorKind::TooDeep => "nesting too deep",
        }
    }
}

/// What made an `X-TIMESTAMP` invalid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimestampErrorKind {
    /// The text does not follow `yyyy-MM-ddTHH:mm:ss[.SSS](Z|±HH:mm)`.
    Syntax,
    /// The month is not 01–12.
    Month,
    /// The day does not exist in that month and year.
    Day,
    /// The hour is not 00–23.
    Hour,
    /// The minute is not 00–59.
    Minute,
    /// The second is not 00–59.
    Second,
    /// The offset is beyond ±18:00 or its minutes are not 00–59.
    Offset,
}

impl TimestampErrorKind {
    /// What was wrong, in words (the tail of the [`Error`] message).
    pub const fn message(self) -> &'static str {
        match self {
            TimestampErrorKind::Syntax => "expected yyyy-MM-ddTHH:mm:ss[.SSS] followed by Z or +HH:mm",
            TimestampErrorKind::Month => "month out of range",
            TimestampErrorKind::Day => "day does not exist in this month",
            TimestampErrorKind::Hour => "hour out of range",
            TimestampErrorKind::Minute => "minute out of range",
            TimestampErrorKind::Second => "second out of range",
            TimestampErrorKind::Offset => "UTC offset out of range (max ±18:00)",
        }
    }
}

/// What is wrong with a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyErrorKind {
    /// Not PEM, DER or base64 of a key structure this crate knows.
    Malformed,
    /// A public key was given where a private key is needed.
    PublicKeyGiven,
    /// An X.509 certificate was given where a key is needed.
    CertificateGiven,
    /// An encrypted private key, and no passphrase was given.
    Encrypted,
    /// The passphrase did not decrypt the key.
    WrongPassphrase,
    /// A key of another algorithm (EC, Ed25519, OpenSSH, ...) or an RSA form not supported
    /// (multi-prime; OpenSSL's traditional PEM encryption without the `encrypted-keys` feature).
    Unsupported,
}

impl KeyErrorKind {
    /// What was wrong, in words (the tail of the [`Error`] message).
    pub const fn message(self) -> &'static str {
        match self {
            KeyErrorKind::Malformed => "invalid key: not a PEM or DER RSA key",
            KeyErrorKind::PublicKeyGiven => "invalid key: found a public key where a private key is needed",
            KeyErrorKind::CertificateGiven => "invalid key: found a certificate where a key is needed",
            KeyErrorKind::Encrypted => "invalid key: the private key is encrypted and no passphrase was given",
            KeyErrorKind::WrongPassphrase => "invalid key: the passphrase does not decrypt the private key",
            KeyErrorKind::Unsupported => "invalid key: not an RSA key in a supported form (EC, OpenSSH or multi-prime)",
        }
    }
}

/// Everything that can go wrong in snapsign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Error {
    /// The output buffer is too small; `needed` bytes are required.
    BufferTooSmall {
        /// Bytes needed for the whole output.
        needed: usize,
    },
    /// The body is not valid JSON; `offset` is the byte where it went wrong.
    InvalidJson {
        /// Byte offset of the first offending byte (the body length for a premature end).
        offset: usize,
        /// What was wrong there.
        kind: JsonErrorKind,
    },
    /// The `X-TIMESTAMP` text is malformed; `offset` is the byte where it went wrong.
    InvalidTimestamp {
        /// Byte offset into the timestamp text.
        offset: usize,
        /// What was wrong there.
        kind: TimestampErrorKind,
    },
    /// A Unix time or offset that cannot be written as a four-digit-year timestamp.
    TimestampOutOfRange,
    /// A timestamp further from "now" than the allowed skew.
    ///
    /// ```
    /// use snapsign_core::Error;
    /// let e = Error::TimestampSkew { skew_seconds: -194_336_590, allowed_seconds: 900 };
    /// assert_eq!(e.to_string(), "X-TIMESTAMP is 6 years 1 month in the past (allowed: \u{b1}900 s)");
    /// let e = Error::TimestampSkew { skew_seconds: 61, allowed_seconds: 30 };
    /// assert_eq!(e.to_string(), "X-TIMESTAMP is 1 minute 1 second in the future (allowed: \u{b1}30 s)");
    /// ```
    TimestampSkew {
        /// Timestamp minus now, in seconds (negative: in the past).
        skew_seconds: i64,
        /// The allowed skew in seconds.
        allowed_seconds: u32,
    },
    /// A required field is empty.
    EmptyField {
        /// Which field.
        field: Field,
    },
    /// A field is longer than the standard allows (or than this crate's fixed buffers hold).
    FieldTooLong {
        /// Which field.
        field: Field,
        /// The maximum length in bytes.
        max: usize,
    },
    /// A control character (U+0000–U+001F or U+007F) in a field that goes into a header.
    ControlCharacter {
        /// Which field.
        field: Field,
        /// Byte offset in that field.
        offset: usize,
    },
    /// A field that must be UTF-8 text is not.
    InvalidUtf8 {
        /// Which field.
        field: Field,
        /// Byte offset of the first invalid byte.
        offset: usize,
    },
    /// The client id contains `|`, which would make `clientId|timestamp` ambiguous.
    PipeInClientId {
        /// Byte offset of the `|`.
        offset: usize,
    },
    /// The HTTP method is not one of upper-case `GET`, `POST`, `PUT`, `PATCH`, `DELETE`.
    InvalidMethod,
    /// The endpoint is an absolute URL (`https://host/...` or `//host/...`); SNAP signs the relative path.
    AbsoluteUrl,
    /// The endpoint path does not start with `/`.
    PathWithoutLeadingSlash,
    /// The access token still starts with `Bearer `; SNAP signs the bare token.
    BearerPrefix,
    /// Text that should be standard, padded base64 is not.
    InvalidBase64 {
        /// Which field.
        field: Field,
    },
    /// A key could not be used.
    InvalidKey {
        /// Why.
        kind: KeyErrorKind,
    },
    /// The RSA key is shorter than 2048 bits and weak keys were not allowed.
    WeakKey {
        /// The modulus length in bits.
        bits: usize,
    },
    /// A decoded signature has the wrong length for the key or algorithm.
    SignatureLength {
        /// The length the key or algorithm produces, in bytes.
        expected: usize,
        /// The decoded length, in bytes.
        actual: usize,
    },
    /// The signature does not match the message and key.
    SignatureMismatch,
    /// The random number generator failed.
    Rng,
    /// The RSA computation failed; for example signing with a key loaded with
    /// [`allow_weak`](crate::KeyOptions::allow_weak) whose modulus has 488 bits or fewer, too short
    /// for a SHA-256 PKCS#1 v1.5 signature (62 bytes).
    Crypto,
    /// An access-token response could not be understood.
    InvalidResponse {
        /// What was missing or malformed.
        kind: ResponseErrorKind,
    },
    /// The provider signs this call with another credential than the one given.
    MissingCredential {
        /// The credential the provider's profile needs.
        needed: Credential,
    },
}

/// A signing credential, in a [`Error::MissingCredential`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Credential {
    /// The client secret (HMAC-SHA512 transaction signatures).
    ClientSecret,
    /// The private key (SHA256withRSA service signatures).
    PrivateKey,
}

impl Credential {
    /// What the provider signs with, in words.
    pub const fn message(self) -> &'static str {
        match self {
            Credential::ClientSecret => "this provider signs transaction calls with the client secret (HMAC-SHA512)",
            Credential::PrivateKey => {
                "this provider signs transaction calls with the private key (SHA256withRSA, no token)"
            }
        }
    }
}

/// What is wrong with an access-token response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResponseErrorKind {
    /// The body is not a JSON object.
    NotAnObject,
    /// `responseCode` is missing.
    MissingResponseCode,
    /// `responseCode` is not seven digits (HTTP status, service code, case code).
    BadResponseCode,
    /// A successful response without `accessToken`.
    MissingAccessToken,
    /// A field has the wrong JSON type.
    WrongType,
    /// A string field is longer than its fixed buffer.
    FieldTooLong,
    /// `expiresIn` is not a non-negative whole number of seconds.
    BadExpiresIn,
}

impl ResponseErrorKind {
    /// What was wrong, in words (the tail of the [`Error`] message).
    pub const fn message(self) -> &'static str {
        match self {
            ResponseErrorKind::NotAnObject => "the body is not a JSON object",
            ResponseErrorKind::MissingResponseCode => "responseCode is missing",
            ResponseErrorKind::BadResponseCode => {
                "responseCode is not 7 digits (HTTP status + service code + case code)"
            }
            ResponseErrorKind::MissingAccessToken => "successful response without accessToken",
            ResponseErrorKind::WrongType => "a field has the wrong JSON type",
            ResponseErrorKind::FieldTooLong => "a field is longer than the standard allows",
            ResponseErrorKind::BadExpiresIn => "expiresIn is not a whole number of seconds",
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Error::BufferTooSmall { needed } => write!(f, "output buffer too small: {needed} bytes needed"),
            Error::InvalidJson { offset, kind } => {
                write!(f, "invalid JSON body at byte {offset}: {}", kind.message())
            }
            Error::InvalidTimestamp { offset, kind } => {
                write!(f, "invalid X-TIMESTAMP at byte {offset}: {}", kind.message())
            }
            Error::TimestampSkew { skew_seconds, allowed_seconds } => {
                let when = if skew_seconds < 0 { "in the past" } else { "in the future" };
                f.write_str("X-TIMESTAMP is ")?;
                write_duration(f, skew_seconds.unsigned_abs())?;
                write!(f, " {when} (allowed: \u{b1}{allowed_seconds} s)")
            }
            Error::EmptyField { field } => write!(f, "{} is empty", field.name()),
            Error::FieldTooLong { field, max } => write!(f, "{} is longer than {max} bytes", field.name()),
            Error::ControlCharacter { field, offset } => {
                write!(f, "{} has a control character at byte {offset}", field.name())
            }
            Error::InvalidUtf8 { field, offset } => {
                write!(f, "{} is not valid UTF-8 (byte {offset})", field.name())
            }
            Error::PipeInClientId { offset } => {
                write!(f, "client id contains '|' at byte {offset}, which the token string-to-sign uses as separator")
            }
            Error::InvalidBase64 { field } => {
                write!(f, "{} is not standard padded base64 (no whitespace, '+' and '/' alphabet)", field.name())
            }
            Error::WeakKey { bits } => write!(f, "RSA key has {bits} bits; at least 2048 are required"),
            Error::SignatureLength { expected, actual } => {
                write!(f, "signature is {actual} bytes, expected {expected}")
            }
            Error::InvalidResponse { kind } => write!(f, "invalid access-token response: {}", kind.message()),
            Error::MissingCredential { needed } => write!(f, "{}; give it, or override the profile", needed.message()),
            Error::TimestampOutOfRange
            | Error::InvalidMethod
            | Error::AbsoluteUrl
            | Error::PathWithoutLeadingSlash
            | Error::BearerPrefix
            | Error::InvalidKey { .. }
            | Error::SignatureMismatch
            | Error::Rng
            | Error::Crypto => f.write_str(self.summary()),
        }
    }
}

/// A duration in its two largest units ("6 years 2 months", "20 minutes"), as people read a
/// clock that is off; a year is 365 days and a month 30.
#[allow(
    clippy::arithmetic_side_effects,
    reason = "division and remainder by non-zero constants, subtraction of a part"
)]
fn write_duration(f: &mut fmt::Formatter<'_>, seconds: u64) -> fmt::Result {
    const UNITS: [(u64, &str); 6] =
        [(31_536_000, "year"), (2_592_000, "month"), (86_400, "day"), (3_600, "hour"), (60, "minute"), (1, "second")];
    let mut rest = seconds;
    let mut written = 0;
    for (size, name) in UNITS {
        let n = rest / size;
        if n == 0 {
            if written > 0 {
                break;
            }
            continue;
        }
        if written > 0 {
            f.write_str(" ")?;
        }
        write!(f, "{n} {name}{}", if n == 1 { "" } else { "s" })?;
        rest -= n * size;
        written += 1;
        if written == 2 {
            break;
        }
    }
    if written == 0 {
        f.write_str("0 seconds")?;
    }
    Ok(())
}

impl core::error::Error for Error {}

impl Error {
    /// The error's message without its details (offsets, lengths, field names): one static
    /// sentence per kind, as the C ABI's `snapsign_result_str` gives it.
    ///
    /// ```
    /// use snapsign_core::{Error, Field};
    /// assert_eq!(Error::EmptyField { field: Field::Path }.summary(), "a required field is empty");
    /// assert_eq!(Error::EmptyField { field: Field::Path }.to_string(), "endpoint path is empty");
    /// ```
    pub const fn summary(&self) -> &'static str {
        match self {
            Error::BufferTooSmall { .. } => "output buffer too small",
            Error::InvalidJson { .. } => "the body is not valid JSON",
            Error::InvalidTimestamp { .. } => {
                "invalid X-TIMESTAMP (expected yyyy-MM-ddTHH:mm:ss[.SSS] followed by Z or +HH:mm)"
            }
            Error::TimestampOutOfRange => "time or offset outside years 0000-9999 / \u{b1}18:00",
            Error::TimestampSkew { .. } => "X-TIMESTAMP is further from now than the allowed skew",
            Error::EmptyField { .. } => "a required field is empty",
            Error::FieldTooLong { .. } => "a field is longer than the standard allows",
            Error::ControlCharacter { .. } => "a header field contains a control character",
            Error::InvalidUtf8 { .. } => "a text input is not valid UTF-8",
            Error::PipeInClientId { .. } => "the client id contains '|'",
            Error::InvalidMethod => "HTTP method must be upper-case GET, POST, PUT, PATCH or DELETE",
            Error::AbsoluteUrl => {
                "endpoint is an absolute URL; sign the relative path (with query string), e.g. /v1.0/..."
            }
            Error::PathWithoutLeadingSlash => "endpoint path must start with '/'",
            Error::BearerPrefix => "access token starts with 'Bearer '; sign the bare token",
            Error::InvalidBase64 { .. } => "not standard padded base64",
            Error::InvalidKey { kind } => kind.message(),
            Error::WeakKey { .. } => "RSA key shorter than 2048 bits",
            Error::SignatureLength { .. } => "signature has the wrong length for the key or algorithm",
            Error::SignatureMismatch => "signature does not match",
            Error::Rng => "random number generator failed",
            Error::Crypto => "RSA operation failed",
            Error::InvalidResponse { .. } => "invalid access-token response",
            Error::MissingCredential { .. } => "the provider signs this call with another credential",
        }
    }

    /// True when the inputs were fine and the signature is simply not the right one: it does not
    /// match, has the wrong length for the key, or is not base64 at all. Verifiers answer these
    /// with "invalid signature" (`false`, exit 1, `401`); every other error is input the caller
    /// can fix.
    ///
    /// ```
    /// use snapsign_core::{Error, Field};
    /// assert!(Error::SignatureLength { expected: 256, actual: 3 }.is_wrong_signature());
    /// assert!(Error::InvalidBase64 { field: Field::Signature }.is_wrong_signature());
    /// assert!(!Error::InvalidMethod.is_wrong_signature());
    /// ```
    pub const fn is_wrong_signature(&self) -> bool {
        matches!(
            self,
            Error::SignatureMismatch | Error::SignatureLength { .. } | Error::InvalidBase64 { field: Field::Signature }
        )
    }

    /// The byte offset the error points at, for JSON, timestamp, control-character, UTF-8 and
    /// `|` errors (into the body, the timestamp text, or the field the error names).
    ///
    /// ```
    /// let e = snapsign_core::minify::minify(b"{\"a\" 1}", &mut [0; 16]).unwrap_err();
    /// assert_eq!(e.offset(), Some(5));
    /// ```
    pub const fn offset(&self) -> Option<usize> {
        match *self {
            Error::InvalidJson { offset, .. }
            | Error::InvalidTimestamp { offset, .. }
            | Error::ControlCharacter { offset, .. }
            | Error::InvalidUtf8 { offset, .. }
            | Error::PipeInClientId { offset } => Some(offset),
            _ => None,
        }
    }

    /// The input the error is about, when it names one.
    ///
    /// ```
    /// use snapsign_core::{Error, Field};
    /// assert_eq!(Error::FieldTooLong { field: Field::Path, max: 2048 }.field(), Some(Field::Path));
    /// assert_eq!(Error::PipeInClientId { offset: 1 }.field(), Some(Field::ClientId));
    /// ```
    pub const fn field(&self) -> Option<Field> {
        match *self {
            Error::EmptyField { field }
            | Error::FieldTooLong { field, .. }
            | Error::ControlCharacter { field, .. }
            | Error::InvalidUtf8 { field, .. }
            | Error::InvalidBase64 { field } => Some(field),
            Error::PipeInClientId { .. } => Some(Field::ClientId),
            Error::InvalidMethod => Some(Field::Method),
            Error::AbsoluteUrl | Error::PathWithoutLeadingSlash => Some(Field::Path),
            Error::BearerPrefix => Some(Field::AccessToken),
            Error::InvalidTimestamp { .. } | Error::TimestampSkew { .. } => Some(Field::Timestamp),
            _ => None,
        }
    }
}

/// Result with this crate's [`Error`].
pub type Result<T> = core::result::Result<T, Error>;
