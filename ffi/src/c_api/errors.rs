//! The C functions that describe results and the last error, and the library version.

use core::ffi::c_char;

use super::args::raw_out;
use super::boundary::{ffi_boundary, PanicOrDefault};
use super::last_error;
use super::result::snapsign_result;

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
    ffi_boundary! { snapsign_result::from_u32(code).unwrap_or(snapsign_result::Unknown).c_description().as_ptr() }
}

/// The library version, a static NUL-terminated string such as "0.1.0". Do not free it.
#[no_mangle]
pub extern "C" fn snapsign_version() -> *const c_char {
    ffi_boundary! { concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast::<c_char>() }
}

/// A byte offset, `SNAPSIGN_NO_OFFSET` when there is none (also after a caught panic).
struct Offset(Option<usize>);

impl PanicOrDefault for Offset {
    type C = usize;
    fn finish(self) -> usize {
        self.0.unwrap_or(SNAPSIGN_NO_OFFSET)
    }
    fn on_panic() -> usize {
        SNAPSIGN_NO_OFFSET
    }
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
    ffi_boundary! { Offset(last_error::get().and_then(|f| f.offset())) }
}

/// Writes a readable message about the last error on the calling thread into `out` (UTF-8,
/// not NUL-terminated; empty when the last call succeeded), e.g.
/// "invalid JSON body at byte 7: unexpected character", or for a bad argument which one it was
/// and what was wrong with it ("NULL pointer ...: body is NULL but body_len is not 0").
/// Follows the output-buffer rules; does not change the last error.
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
    let saved = last_error::get();
    let result = ffi_boundary! {
        // SAFETY: the caller's contract for `out`/`out_len`, checked for NULL and alignment there.
        let out = unsafe { raw_out!(out, out_cap, out_len) }?;
        out.write(saved.map(|f| f.message()).unwrap_or_default().as_bytes())
    };
    last_error::set(saved);
    result
}
