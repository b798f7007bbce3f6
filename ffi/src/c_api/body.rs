//! `minify(RequestBody)` and the body digest `Lowercase(HexEncode(SHA-256(minify(body))))`.

use snapsign_core::body_digest;
use snapsign_core::minify::{minify, minify_to, Counter};

use super::args::{raw_in, raw_out};
use super::boundary::ffi_boundary;
use super::result::snapsign_result;

/// Length of a body digest (lower-case hex SHA-256).
pub const SNAPSIGN_BODY_DIGEST_LEN: usize = 64;
const _: () = assert!(SNAPSIGN_BODY_DIGEST_LEN == snapsign_core::body_digest::EMPTY_BODY_DIGEST.len());

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
    ffi_boundary! {
        // SAFETY: forwarded contract for every pointer below.
        let out = unsafe { raw_out!(out, out_cap, out_len) }?;
        let body = raw_in!(body, body_len)?;
        out.check_disjoint(&[body.region()])?;
        let body = unsafe { body.bytes() };
        // Measure first: invalid JSON is reported before a small buffer, and nothing is allocated
        // for a size query.
        let mut count = Counter::default();
        minify_to(body, &mut count)?;
        out.reserve(count.0)?;
        let mut buf = vec![0u8; count.0];
        let n = minify(body, &mut buf)?;
        buf.truncate(n);
        out.write(&buf)
    }
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
    ffi_boundary! {
        // SAFETY: forwarded contract for every pointer below.
        let out = unsafe { raw_out!(out, out_cap, out_len) }?;
        let body = raw_in!(body, body_len)?;
        out.check_disjoint(&[body.region()])?;
        out.write(body_digest(unsafe { body.bytes() })?.as_bytes())
    }
}
