//! What a SNAP `responseCode` means: the core's tables, as static text.

use core::ptr;

use snapsign_core::{describe_response_code, Error, ResponseCodeInfo, ResponseErrorKind};

use super::args::{check_disjoint, index_out_of_range, raw_in, struct_out, FfiResult, Region};
use super::boundary::ffi_boundary;
use super::result::snapsign_result;

/// Static text of the library: `len` bytes of UTF-8 at `ptr`, not NUL-terminated, valid for the
/// life of the process; never free it. `ptr` is NULL (and `len` 0) when there is no text.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct snapsign_text {
    pub ptr: *const u8,
    pub len: usize,
}

impl snapsign_text {
    fn of(text: Option<&'static str>) -> Self {
        match text {
            Some(t) => snapsign_text { ptr: t.as_ptr(), len: t.len() },
            None => snapsign_text { ptr: ptr::null(), len: 0 },
        }
    }
}

/// What a `responseCode` means, as far as the standard says (`snapsign_describe_response_code`).
///
/// `http_status`, `service_code`, `case_code`: the three parts (`4017300`: 401, 73, 0).
/// `service_name`: e.g. `Access Token B2B`. `message`: the standard's `responseMessage` for the
/// case (e.g. `Unauthorized. [reason]`, the provider fills in `[reason]`). `description`: the
/// standard's description of the case. Each is NULL/0 when the standard does not list the
/// service or the case. `likely_causes_count`: for 401 (cases 00-04) the number of usual reasons
/// an integration gets this code, read with `snapsign_response_code_likely_cause`; 0 otherwise.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct snapsign_response_code_info {
    pub http_status: u16,
    pub service_code: u8,
    pub case_code: u8,
    pub service_name: snapsign_text,
    pub message: snapsign_text,
    pub description: snapsign_text,
    pub likely_causes_count: usize,
}

/// The code given as `code`/`code_len`, described.
///
/// # Safety
/// `code` readable for `code_len` bytes.
unsafe fn describe(code: *const u8, code_len: usize) -> FfiResult<(ResponseCodeInfo, Region)> {
    let input = raw_in!(code, code_len)?;
    // SAFETY: forwarded contract.
    let info = match core::str::from_utf8(unsafe { input.bytes() }) {
        Ok(text) => describe_response_code(text)?,
        // Bytes that are not UTF-8 are not seven ASCII digits either.
        Err(_) => return Err(Error::InvalidResponse { kind: ResponseErrorKind::BadResponseCode }.into()),
    };
    Ok((info, input.region()))
}

/// Describes a SNAP `responseCode` (seven ASCII digits: HTTP status, service code, case code,
/// e.g. `4017300`) from the standard's tables into `*info` (which must not be NULL). A code the
/// standard does not list is not an error: its texts are NULL/0. The texts are static (see
/// `snapsign_text`).
///
/// Errors: `SNAPSIGN_RESULT_INVALID_RESPONSE` when `code` is not exactly seven ASCII digits,
/// `SNAPSIGN_RESULT_NULL_POINTER`.
///
/// # Safety
/// `code` readable for `code_len` bytes; `info` writable.
#[no_mangle]
pub unsafe extern "C" fn snapsign_describe_response_code(
    code: *const u8,
    code_len: usize,
    info: *mut snapsign_response_code_info,
) -> snapsign_result {
    ffi_boundary! {
        // SAFETY: forwarded contract for every pointer below.
        let info = unsafe { struct_out!(info) }?;
        let (d, region) = unsafe { describe(code, code_len) }?;
        check_disjoint(&[info.region()], &[region])?;
        info.set(snapsign_response_code_info {
            http_status: d.http_status,
            service_code: d.service_code,
            case_code: d.case_code,
            service_name: snapsign_text::of(d.service_name),
            message: snapsign_text::of(d.message),
            description: snapsign_text::of(d.description),
            likely_causes_count: d.likely_causes.len(),
        });
        Ok(())
    }
}

/// The likely cause at `index` (0 to `likely_causes_count - 1`, most common first) of a
/// `responseCode`, as static text into `*cause` (which must not be NULL). An `index` not below
/// the count is `SNAPSIGN_RESULT_INVALID_ARGUMENT`; a malformed code as for
/// `snapsign_describe_response_code`.
///
/// # Safety
/// `code` readable for `code_len` bytes; `cause` writable.
#[no_mangle]
pub unsafe extern "C" fn snapsign_response_code_likely_cause(
    code: *const u8,
    code_len: usize,
    index: usize,
    cause: *mut snapsign_text,
) -> snapsign_result {
    ffi_boundary! {
        // SAFETY: forwarded contract for every pointer below.
        let cause = unsafe { struct_out!(cause) }?;
        let (d, region) = unsafe { describe(code, code_len) }?;
        check_disjoint(&[cause.region()], &[region])?;
        let text = d.likely_causes.get(index).ok_or(index_out_of_range("index", "likely_causes_count"))?;
        cause.set(snapsign_text::of(Some(text)));
        Ok(())
    }
}
