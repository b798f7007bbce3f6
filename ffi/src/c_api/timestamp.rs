//! `X-TIMESTAMP`: formatting from the terminal's clock, parsing, and the verifier's skew check.

use snapsign_core::timestamp::{check_skew, Timestamp, TimestampFormat};
use snapsign_core::{Error, Field};

use super::args::{check_disjoint, check_flags, opt_out, raw_in, raw_out};
use super::boundary::ffi_boundary;
use super::result::snapsign_result;

/// Longest timestamp `snapsign_timestamp_format` writes (`yyyy-MM-ddTHH:mm:ss.SSS+HH:mm`).
pub const SNAPSIGN_TIMESTAMP_MAX_LEN: usize = 29;
const _: () = assert!(SNAPSIGN_TIMESTAMP_MAX_LEN == snapsign_core::timestamp::FORMATTED_MAX_LEN);

/// Flag for `snapsign_timestamp_format`: append `.SSS` milliseconds.
pub const SNAPSIGN_TIMESTAMP_MILLIS: u32 = 1;

/// Flag for `snapsign_timestamp_format`: write a zero offset as `Z` instead of `+00:00`.
pub const SNAPSIGN_TIMESTAMP_UTC_AS_Z: u32 = 2;

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
    ffi_boundary! {
        // SAFETY: forwarded contract.
        let out = unsafe { raw_out!(out, out_cap, out_len) }?;
        check_flags(flags, SNAPSIGN_TIMESTAMP_MILLIS | SNAPSIGN_TIMESTAMP_UTC_AS_Z, "flags")?;
        let offset = i16::try_from(offset_minutes).map_err(|_| Error::TimestampOutOfRange)?;
        let ts = Timestamp::from_unix_millis(unix_millis, offset)?;
        let format = TimestampFormat {
            millis: flags & SNAPSIGN_TIMESTAMP_MILLIS != 0,
            utc_as_z: flags & SNAPSIGN_TIMESTAMP_UTC_AS_Z != 0,
        };
        out.write(ts.format(format).as_bytes())
    }
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
    ffi_boundary! {
        // SAFETY: forwarded contract for every pointer below.
        let unix_millis = unsafe { opt_out!(unix_millis) }?;
        let offset_minutes = unsafe { opt_out!(offset_minutes) }?;
        let text = raw_in!(timestamp, timestamp_len)?;
        check_disjoint(&[unix_millis.region(), offset_minutes.region()], &[text.region()])?;
        let text = unsafe { text.text(Field::Timestamp) }?;
        let ts = Timestamp::parse(text)?;
        unix_millis.set(ts.unix_millis());
        offset_minutes.set(i32::from(ts.offset_minutes()));
        Ok(())
    }
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
    ffi_boundary! {
        // SAFETY: forwarded contract for every pointer below.
        let skew_out = unsafe { opt_out!(skew_seconds) }?;
        let text = raw_in!(timestamp, timestamp_len)?;
        check_disjoint(&[skew_out.region()], &[text.region()])?;
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
    }
}
