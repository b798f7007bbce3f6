//! String-to-sign builders, minify, body digest and `X-TIMESTAMP` functions.

use snapsign_core::minify::{minify, minify_to, Counter};
use snapsign_core::timestamp::{check_skew, Timestamp, TimestampFormat};
use snapsign_core::{body_digest, string_to_sign, Error, Field};

use super::hmac::TransactionInputs;
use super::io::{guard, OptOut, RawIn, RawOut};
use super::result::{snapsign_result, Failure};
use super::rsa::ServiceInputs;

/// Length of a body digest (lower-case hex SHA-256).
pub const SNAPSIGN_BODY_DIGEST_LEN: usize = 64;
const _: () = assert!(SNAPSIGN_BODY_DIGEST_LEN == snapsign_core::body_digest::EMPTY_BODY_DIGEST.len());

/// Longest timestamp `snapsign_timestamp_format` writes (`yyyy-MM-ddTHH:mm:ss.SSS+HH:mm`).
pub const SNAPSIGN_TIMESTAMP_MAX_LEN: usize = 29;
const _: () = assert!(SNAPSIGN_TIMESTAMP_MAX_LEN == snapsign_core::timestamp::FORMATTED_MAX_LEN);

/// Flag for `snapsign_timestamp_format`: append `.SSS` milliseconds.
pub const SNAPSIGN_TIMESTAMP_MILLIS: u32 = 1;

/// Flag for `snapsign_timestamp_format`: write a zero offset as `Z` instead of `+00:00`.
pub const SNAPSIGN_TIMESTAMP_UTC_AS_Z: u32 = 2;

/// Builds the access-token string-to-sign `clientId|timestamp` into `out`.
///
/// # Safety
/// Inputs readable for their lengths; `out` NULL or writable for `out_cap` bytes; `out_len` a
/// writable `size_t`.
#[no_mangle]
pub unsafe extern "C" fn snapsign_string_to_sign_token(
    client_id: *const u8,
    client_id_len: usize,
    timestamp: *const u8,
    timestamp_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> snapsign_result {
    guard(|| {
        // SAFETY: forwarded contract for every pointer below.
        let out = unsafe { RawOut::new(out, out_cap, out_len) }?;
        let client_id = RawIn::new(client_id, client_id_len, "client_id is NULL")?;
        let timestamp = RawIn::new(timestamp, timestamp_len, "timestamp is NULL")?;
        out.check_disjoint(&[client_id.region(), timestamp.region()])?;
        let client_id = unsafe { client_id.text(Field::ClientId) }?;
        let timestamp = unsafe { timestamp.text(Field::Timestamp) }?;
        out.write(string_to_sign::token(client_id, timestamp)?.as_bytes())
    })
}

/// Builds the transaction string-to-sign
/// `METHOD:path:accessToken:sha256hex(minify(body)):timestamp` into `out`.
///
/// # Safety
/// Inputs readable for their lengths; `out` NULL or writable for `out_cap` bytes; `out_len` a
/// writable `size_t`.
#[no_mangle]
pub unsafe extern "C" fn snapsign_string_to_sign_transaction(
    method: *const u8,
    method_len: usize,
    path: *const u8,
    path_len: usize,
    access_token: *const u8,
    access_token_len: usize,
    body: *const u8,
    body_len: usize,
    timestamp: *const u8,
    timestamp_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> snapsign_result {
    guard(|| {
        // SAFETY: forwarded contract for every pointer below.
        let out = unsafe { RawOut::new(out, out_cap, out_len) }?;
        let inputs = TransactionInputs::new(
            method,
            method_len,
            path,
            path_len,
            access_token,
            access_token_len,
            body,
            body_len,
            timestamp,
            timestamp_len,
        )?;
        out.check_disjoint(&inputs.regions())?;
        out.write(unsafe { inputs.string_to_sign() }?.as_bytes())
    })
}

/// Builds the service string-to-sign `METHOD:path:sha256hex(minify(body)):timestamp` into `out`.
///
/// # Safety
/// Inputs readable for their lengths; `out` NULL or writable for `out_cap` bytes; `out_len` a
/// writable `size_t`.
#[no_mangle]
pub unsafe extern "C" fn snapsign_string_to_sign_service(
    method: *const u8,
    method_len: usize,
    path: *const u8,
    path_len: usize,
    body: *const u8,
    body_len: usize,
    timestamp: *const u8,
    timestamp_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> snapsign_result {
    guard(|| {
        // SAFETY: forwarded contract for every pointer below.
        let out = unsafe { RawOut::new(out, out_cap, out_len) }?;
        let inputs = ServiceInputs::new(method, method_len, path, path_len, body, body_len, timestamp, timestamp_len)?;
        out.check_disjoint(&inputs.regions())?;
        out.write(unsafe { inputs.string_to_sign() }?.as_bytes())
    })
}

/// Minifies a JSON body (removes whitespace outside strings, keeps every other byte) into `out`.
/// An empty or whitespace-only body gives length 0. Invalid JSON is
/// `SNAPSIGN_RESULT_INVALID_JSON` with the byte offset in `snapsign_last_error_offset`; it is
/// reported before `SNAPSIGN_RESULT_BUFFER_TOO_SMALL`. The output is never longer than the body.
///
/// # Safety
/// `body` readable for `body_len` bytes; `out` NULL or writable for `out_cap` bytes; `out_len` a
/// writable `size_t`.
#[no_mangle]
pub unsafe extern "C" fn snapsign_minify(
    body: *const u8,
    body_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> snapsign_result {
    guard(|| {
        // SAFETY: forwarded contract for every pointer below.
        let out = unsafe { RawOut::new(out, out_cap, out_len) }?;
        let body = RawIn::new(body, body_len, "body is NULL")?;
        out.check_disjoint(&[body.region()])?;
        let body = unsafe { body.bytes() };
        let mut count = Counter::default();
        minify_to(body, &mut count)?;
        out.reserve(count.0)?;
        let mut buf = vec![0u8; count.0];
        let n = minify(body, &mut buf)?;
        out.write(buf.get(..n).ok_or(Failure::Core(Error::Crypto))?)
    })
}

/// Writes the body digest `Lowercase(HexEncode(SHA-256(minify(body))))` (64 ASCII bytes) to
/// `out`. An empty body gives the digest of the empty string (a GET). Invalid JSON is
/// `SNAPSIGN_RESULT_INVALID_JSON` with the byte offset in `snapsign_last_error_offset`.
///
/// # Safety
/// `body` readable for `body_len` bytes; `out` NULL or writable for `out_cap` bytes; `out_len` a
/// writable `size_t`.
#[no_mangle]
pub unsafe extern "C" fn snapsign_body_digest(
    body: *const u8,
    body_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> snapsign_result {
    guard(|| {
        // SAFETY: forwarded contract for every pointer below.
        let out = unsafe { RawOut::new(out, out_cap, out_len) }?;
        let body = RawIn::new(body, body_len, "body is NULL")?;
        out.check_disjoint(&[body.region()])?;
        out.write(body_digest(unsafe { body.bytes() })?.as_bytes())
    })
}

/// Formats an `X-TIMESTAMP` from the terminal's clock: `unix_millis` (milliseconds since
/// 1970-01-01T00:00:00Z) written at `offset_minutes` east of UTC (420 for WIB, 480 WITA, 540 WIT,
/// 0 UTC), e.g. `2020-01-01T04:10:00+07:00`. `flags`: any of `SNAPSIGN_TIMESTAMP_MILLIS`,
/// `SNAPSIGN_TIMESTAMP_UTC_AS_Z`. At most `SNAPSIGN_TIMESTAMP_MAX_LEN` bytes.
///
/// Sign and send the same bytes: format once, use the result for both.
/// Errors: `SNAPSIGN_RESULT_TIMESTAMP_OUT_OF_RANGE` (offset beyond +/-18:00, date outside years
/// 0000-9999), `SNAPSIGN_RESULT_INVALID_ARGUMENT` (unknown flags).
///
/// # Safety
/// `out` NULL or writable for `out_cap` bytes; `out_len` a writable `size_t`.
#[no_mangle]
pub unsafe extern "C" fn snapsign_timestamp_format(
    unix_millis: i64,
    offset_minutes: i32,
    flags: u32,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> snapsign_result {
    guard(|| {
        // SAFETY: forwarded contract.
        let out = unsafe { RawOut::new(out, out_cap, out_len) }?;
        if flags & !(SNAPSIGN_TIMESTAMP_MILLIS | SNAPSIGN_TIMESTAMP_UTC_AS_Z) != 0 {
            return Err(Failure::invalid("unknown bits in flags"));
        }
        let offset = i16::try_from(offset_minutes).map_err(|_| Error::TimestampOutOfRange)?;
        let ts = Timestamp::from_unix_millis(unix_millis, offset)?;
        let format = TimestampFormat {
            millis: flags & SNAPSIGN_TIMESTAMP_MILLIS != 0,
            utc_as_z: flags & SNAPSIGN_TIMESTAMP_UTC_AS_Z != 0,
        };
        out.write(ts.format(format).as_bytes())
    })
}

/// Parses an `X-TIMESTAMP` (`yyyy-MM-ddTHH:mm:ss[.fraction](Z|+HH:mm|-HH:mm)`), validating every
/// field. On success stores the instant in `*unix_millis` and the offset in `*offset_minutes`
/// (either pointer may be NULL when not wanted). Errors: `SNAPSIGN_RESULT_INVALID_TIMESTAMP`
/// (offset in `snapsign_last_error_offset`), `SNAPSIGN_RESULT_INVALID_UTF8`.
///
/// # Safety
/// `timestamp` readable for `timestamp_len` bytes; `unix_millis` and `offset_minutes` NULL or
/// writable.
#[no_mangle]
pub unsafe extern "C" fn snapsign_timestamp_parse(
    timestamp: *const u8,
    timestamp_len: usize,
    unix_millis: *mut i64,
    offset_minutes: *mut i32,
) -> snapsign_result {
    guard(|| {
        // SAFETY: forwarded contract for every pointer below.
        let unix_millis = unsafe { OptOut::new(unix_millis, "unix_millis is not aligned") }?;
        let offset_minutes = unsafe { OptOut::new(offset_minutes, "offset_minutes is not aligned") }?;
        let text = RawIn::new(timestamp, timestamp_len, "timestamp is NULL")?;
        super::io::check_disjoint(&[unix_millis.region(), offset_minutes.region()], &[text.region()])?;
        let text = unsafe { text.text(Field::Timestamp) }?;
        let ts = Timestamp::parse(text)?;
        unix_millis.set(ts.unix_millis());
        offset_minutes.set(i32::from(ts.offset_minutes()));
        Ok(())
    })
}

/// Checks a received `X-TIMESTAMP` against the terminal's clock: `now_unix_millis` is "now",
/// `allowed_seconds` the accepted difference either way (the standard fixes none; 900 is
/// common). Returns `SNAPSIGN_RESULT_OK`, `SNAPSIGN_RESULT_TIMESTAMP_SKEW`, or a parse error.
/// When the timestamp parses, `*skew_seconds` (may be NULL) receives timestamp minus now in
/// whole seconds (negative: in the past), also on `SNAPSIGN_RESULT_TIMESTAMP_SKEW`.
///
/// # Safety
/// `timestamp` readable for `timestamp_len` bytes; `skew_seconds` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn snapsign_timestamp_check_skew(
    timestamp: *const u8,
    timestamp_len: usize,
    now_unix_millis: i64,
    allowed_seconds: u32,
    skew_seconds: *mut i64,
) -> snapsign_result {
    guard(|| {
        // SAFETY: forwarded contract for every pointer below.
        let skew_out = unsafe { OptOut::new(skew_seconds, "skew_seconds is not aligned") }?;
        let text = RawIn::new(timestamp, timestamp_len, "timestamp is NULL")?;
        super::io::check_disjoint(&[skew_out.region()], &[text.region()])?;
        let text = unsafe { text.text(Field::Timestamp) }?;
        match check_skew(text, now_unix_millis, allowed_seconds) {
            Ok(ts) => {
                skew_out.set(ts.unix_millis().saturating_sub(now_unix_millis) / 1000);
                Ok(())
            }
            Err(e @ Error::TimestampSkew { skew_seconds, .. }) => {
                skew_out.set(skew_seconds);
                Err(e.into())
            }
            Err(e) => Err(e.into()),
        }
    })
}
