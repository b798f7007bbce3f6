//! The result codes, their descriptions, and the per-thread "last error" details.

use core::ffi::c_char;
use std::cell::Cell;

use snapsign_core::{Error, KeyErrorKind};

use super::io::{guard_keeping_last_error, RawOut};

/// The result of every snapsign function that can fail.
///
/// The numeric values are part of the ABI: they are fixed and never renumbered; new codes are
/// only ever added. `SNAPSIGN_RESULT_OK` is 0. Codes 1-99 mirror the core library's errors,
/// codes from 100 on are about the C call itself (NULL pointers, overlapping buffers, panics).
///
/// Functions return it as a `uint32_t`; functions taking a code (`snapsign_result_str`) take a
/// `uint32_t` too, so any value may be passed.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
    /// Not an RSA key in a supported form (EC, OpenSSH, multi-prime, legacy-encrypted PEM).
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

/// Every code, for tests and bindings.
///
/// cbindgen:ignore
#[doc(hidden)]
pub const ALL_RESULTS: [snapsign_result; 33] = {
    use snapsign_result::*;
    [
        Ok,
        BufferTooSmall,
        InvalidJson,
        InvalidTimestamp,
        TimestampOutOfRange,
        TimestampSkew,
        EmptyField,
        FieldTooLong,
        ControlCharacter,
        InvalidUtf8,
        PipeInClientId,
        InvalidMethod,
        AbsoluteUrl,
        PathWithoutLeadingSlash,
        BearerPrefix,
        InvalidBase64,
        KeyMalformed,
        KeyIsPublic,
        KeyIsCertificate,
        KeyEncrypted,
        KeyWrongPassphrase,
        KeyUnsupported,
        WeakKey,
        SignatureLength,
        SignatureMismatch,
        Rng,
        Crypto,
        InvalidResponse,
        NullPointer,
        OverlappingBuffers,
        InvalidArgument,
        InternalPanic,
        Unknown,
    ]
};

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
            _ => R::Unknown,
        }
    }

    /// The code for a numeric value, if it is one.
    pub fn from_u32(code: u32) -> Option<Self> {
        ALL_RESULTS.iter().copied().find(|r| *r as u32 == code)
    }

    /// The static, NUL-terminated description.
    pub const fn description(self) -> &'static str {
        use snapsign_result as R;
        match self {
            R::Ok => "success\0",
            R::BufferTooSmall => "output buffer too small (*out_len holds the length needed)\0",
            R::InvalidJson => "the body is not valid JSON\0",
            R::InvalidTimestamp => "invalid X-TIMESTAMP (expected yyyy-MM-ddTHH:mm:ss[.SSS] followed by Z or +HH:mm)\0",
            R::TimestampOutOfRange => "time or UTC offset outside years 0000-9999 / +-18:00\0",
            R::TimestampSkew => "X-TIMESTAMP is further from now than the allowed skew\0",
            R::EmptyField => "a required field is empty\0",
            R::FieldTooLong => "a field is longer than the standard allows\0",
            R::ControlCharacter => "a header field contains a control character\0",
            R::InvalidUtf8 => "a text input is not valid UTF-8\0",
            R::PipeInClientId => "the client id contains '|'\0",
            R::InvalidMethod => "HTTP method must be upper-case GET, POST, PUT, PATCH or DELETE\0",
            R::AbsoluteUrl => "endpoint is an absolute URL; sign the relative path (with query string)\0",
            R::PathWithoutLeadingSlash => "endpoint path must start with '/'\0",
            R::BearerPrefix => "access token starts with 'Bearer '; sign the bare token\0",
            R::InvalidBase64 => "signature is not standard padded base64\0",
            R::KeyMalformed => "invalid key: not a PEM or DER RSA key\0",
            R::KeyIsPublic => "invalid key: found a public key where a private key is needed\0",
            R::KeyIsCertificate => "invalid key: found a certificate where a key is needed\0",
            R::KeyEncrypted => "invalid key: the private key is encrypted and no passphrase was given\0",
            R::KeyWrongPassphrase => "invalid key: the passphrase does not decrypt the private key\0",
            R::KeyUnsupported => "invalid key: not an RSA key in a supported form\0",
            R::WeakKey => "RSA key shorter than 2048 bits\0",
            R::SignatureLength => "signature has the wrong length for the key or algorithm\0",
            R::SignatureMismatch => "signature does not match\0",
            R::Rng => "random number generator failed\0",
            R::Crypto => "RSA operation failed\0",
            R::InvalidResponse => "invalid access-token response\0",
            R::NullPointer => "NULL pointer with a non-zero length or for a required argument\0",
            R::OverlappingBuffers => "an output buffer overlaps an input\0",
            R::InvalidArgument => "invalid argument (unknown flags, impossible length or misaligned pointer)\0",
            R::InternalPanic => "internal error: snapsign panicked (please report a bug)\0",
            R::Unknown => "unknown error\0",
        }
    }
}

/// What went wrong in the last failed call on this thread.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Failure {
    /// A core error.
    Core(Error),
    /// An error of the C call itself, with a static message.
    Ffi(snapsign_result, &'static str),
}

impl Failure {
    pub(crate) fn code(&self) -> snapsign_result {
        match self {
            Failure::Core(e) => snapsign_result::from_error(e),
            Failure::Ffi(code, _) => *code,
        }
    }

    pub(crate) const fn null(what: &'static str) -> Self {
        Failure::Ffi(snapsign_result::NullPointer, what)
    }

    pub(crate) const fn invalid(what: &'static str) -> Self {
        Failure::Ffi(snapsign_result::InvalidArgument, what)
    }

    fn offset(&self) -> Option<usize> {
        match *self {
            Failure::Core(
                Error::InvalidJson { offset, .. }
                | Error::InvalidTimestamp { offset, .. }
                | Error::ControlCharacter { offset, .. }
                | Error::InvalidUtf8 { offset, .. }
                | Error::PipeInClientId { offset },
            ) => Some(offset),
            _ => None,
        }
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Core(e)
    }
}

thread_local! {
    static LAST_FAILURE: Cell<Option<Failure>> = const { Cell::new(None) };
}

pub(crate) fn set_last_failure(failure: Option<Failure>) {
    // `try_with` fails only while the thread is being torn down; the detail is then lost.
    let _ = LAST_FAILURE.try_with(|cell| cell.set(failure));
}

fn last_failure() -> Option<Failure> {
    LAST_FAILURE.try_with(Cell::get).ok().flatten()
}

/// `snapsign_last_error_offset` returns this when the last error has no byte offset.
pub const SNAPSIGN_NO_OFFSET: usize = SIZE_MAX;

/// `SIZE_MAX` (from `<stdint.h>` in C).
///
/// cbindgen:ignore
const SIZE_MAX: usize = usize::MAX;

/// A static, NUL-terminated English description of a result code (never NULL; an unknown code
/// gives "unknown error"). Do not free it.
#[no_mangle]
pub extern "C" fn snapsign_result_str(code: u32) -> *const c_char {
    let text = snapsign_result::from_u32(code).unwrap_or(snapsign_result::Unknown).description();
    text.as_ptr().cast()
}

/// The library version, a static NUL-terminated string such as "0.1.0". Do not free it.
#[no_mangle]
pub extern "C" fn snapsign_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// The byte offset of the last error on the calling thread, or `SNAPSIGN_NO_OFFSET` when the
/// last call succeeded or its error has no offset.
///
/// Set by every function returning `snapsign_result` (and reset by each call) for
/// `SNAPSIGN_RESULT_INVALID_JSON` (offset into the body), `SNAPSIGN_RESULT_INVALID_TIMESTAMP`
/// (into the timestamp text), `SNAPSIGN_RESULT_CONTROL_CHARACTER`, `SNAPSIGN_RESULT_INVALID_UTF8`
/// and `SNAPSIGN_RESULT_PIPE_IN_CLIENT_ID` (into the field named by the error message).
/// This function and `snapsign_last_error_message` do not change it.
#[no_mangle]
pub extern "C" fn snapsign_last_error_offset() -> usize {
    std::panic::catch_unwind(|| last_failure().and_then(|f| f.offset())).ok().flatten().unwrap_or(SNAPSIGN_NO_OFFSET)
}

/// Writes a readable message about the last error on the calling thread into `out` (UTF-8,
/// not NUL-terminated; empty when the last call succeeded), e.g.
/// "invalid JSON body at byte 7: unexpected character". Follows the output-buffer rules; does
/// not change the last error.
///
/// # Safety
/// `out` must be NULL or valid for writing `out_cap` bytes; `out_len` must point to a writable
/// `size_t`.
#[no_mangle]
pub unsafe extern "C" fn snapsign_last_error_message(
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> snapsign_result {
    let saved = last_failure();
    let result = guard_keeping_last_error(|| {
        // SAFETY: the caller's contract for `out`/`out_len`, checked for NULL and alignment there.
        let out = unsafe { RawOut::new(out, out_cap, out_len) }?;
        let message = match saved {
            None => String::new(),
            Some(Failure::Core(e)) => e.to_string(),
            Some(Failure::Ffi(code, what)) => {
                format!("{}: {what}", code.description().trim_end_matches('\0'))
            }
        };
        out.write(message.as_bytes())
    });
    set_last_failure(saved);
    result
}
