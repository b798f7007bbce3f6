//! The access-token exchange: request bodies, `X-EXTERNAL-ID`, and the `snapsign_token_response`
//! handle over a parsed response.

use core::ffi::{c_char, c_int, c_void};
use core::mem::size_of;

use rand_core::TryCryptoRng;
use snapsign_core::access_token::{
    b2b2c_request_body, external_id, Grant, TokenResponse, B2B_REQUEST_BODY, MAX_AUTH_CODE_LEN, MAX_EXTERNAL_ID_LEN,
    MAX_REFRESH_TOKEN_LEN, MAX_RESPONSE_MESSAGE_LEN, MAX_TOKEN_TYPE_LEN,
};
use snapsign_core::rng::FillRng;
use snapsign_core::string_to_sign::MAX_ACCESS_TOKEN_LEN;
use snapsign_core::Field;

use super::args::{
    check_disjoint, free_handle, handle, handle_out, opt_out, raw_in, raw_out, unknown_value, FfiResult, RawOut, Region,
};
use super::boundary::ffi_boundary;
use super::entropy::{snapsign_fill_fn, CallbackRng};
use super::result::snapsign_result;

/// Grant kind for `snapsign_b2b2c_request_body`: `AUTHORIZATION_CODE`, with the `authCode` the
/// user's consent produced (at most `SNAPSIGN_AUTH_CODE_MAX_LEN` bytes).
pub const SNAPSIGN_GRANT_AUTHORIZATION_CODE: u32 = 1;

/// Grant kind for `snapsign_b2b2c_request_body`: `REFRESH_TOKEN`, with a `refreshToken` (at most
/// `SNAPSIGN_REFRESH_TOKEN_MAX_LEN` bytes).
pub const SNAPSIGN_GRANT_REFRESH_TOKEN: u32 = 2;

/// Longest `authCode` (the standard's `String(256)`).
pub const SNAPSIGN_AUTH_CODE_MAX_LEN: usize = 256;
const _: () = assert!(SNAPSIGN_AUTH_CODE_MAX_LEN == MAX_AUTH_CODE_LEN);

/// Longest `refreshToken` (the standard's `String(512)`).
pub const SNAPSIGN_REFRESH_TOKEN_MAX_LEN: usize = 512;
const _: () = assert!(SNAPSIGN_REFRESH_TOKEN_MAX_LEN == MAX_REFRESH_TOKEN_LEN);

/// Longest `X-EXTERNAL-ID` (the standard's `String(36)`): the largest `digits` accepted by
/// `snapsign_external_id`.
pub const SNAPSIGN_EXTERNAL_ID_MAX_LEN: usize = 36;
const _: () = assert!(SNAPSIGN_EXTERNAL_ID_MAX_LEN == MAX_EXTERNAL_ID_LEN);

/// Longest access token a `snapsign_token_response` holds; a longer `accessToken` fails the parse
/// with `SNAPSIGN_RESULT_INVALID_RESPONSE`.
pub const SNAPSIGN_ACCESS_TOKEN_MAX_LEN: usize = 2048;
const _: () = assert!(SNAPSIGN_ACCESS_TOKEN_MAX_LEN == MAX_ACCESS_TOKEN_LEN);

/// Longest `tokenType` a `snapsign_token_response` holds (`Bearer`); a longer one fails the parse
/// with `SNAPSIGN_RESULT_INVALID_RESPONSE`.
pub const SNAPSIGN_TOKEN_TYPE_MAX_LEN: usize = 16;
const _: () = assert!(SNAPSIGN_TOKEN_TYPE_MAX_LEN == MAX_TOKEN_TYPE_LEN);

/// Longest `responseMessage` a `snapsign_token_response` keeps; a longer message is cut at a
/// UTF-8 character boundary (not an error).
pub const SNAPSIGN_RESPONSE_MESSAGE_MAX_LEN: usize = 256;
const _: () = assert!(SNAPSIGN_RESPONSE_MESSAGE_MAX_LEN == MAX_RESPONSE_MESSAGE_LEN);

/// A parsed access-token response (`POST .../access-token/b2b` or `b2b2c`), successful or not.
///
/// Create with `snapsign_token_response_parse`, free with `snapsign_token_response_free` (which
/// wipes the access token from memory). Read it with the `snapsign_token_response_*` accessors.
/// Immutable: usable from several threads at once.
pub struct snapsign_token_response {
    response: TokenResponse,
}

// `snapsign_b2b_request_body` documents the length.
const _: () = assert!(B2B_REQUEST_BODY.len() == 34);

/// `B2B_REQUEST_BODY` with a NUL after it.
static B2B_BODY_NUL: [u8; B2B_REQUEST_BODY.len() + 1] = {
    let text = B2B_REQUEST_BODY.as_bytes();
    let mut out = [0u8; B2B_REQUEST_BODY.len() + 1];
    let mut i = 0;
    while i < text.len() {
        out[i] = text[i];
        i += 1;
    }
    out
};

/// The B2B access-token request body, `{"grantType":"client_credentials"}`: a static,
/// NUL-terminated string (34 bytes before the NUL). Send exactly those 34 bytes, without the NUL,
/// as the body of the request whose `X-SIGNATURE` `snapsign_signer_sign_token` makes. Do not free
/// it.
#[no_mangle]
pub extern "C" fn snapsign_b2b_request_body() -> *const c_char {
    B2B_BODY_NUL.as_ptr().cast()
}

/// Writes the B2B2C access-token request body (not NUL-terminated) to `out`:
/// `{"grantType":"AUTHORIZATION_CODE","authCode":"<value>"}` for
/// `SNAPSIGN_GRANT_AUTHORIZATION_CODE`, `{"grantType":"REFRESH_TOKEN","refreshToken":"<value>"}`
/// for `SNAPSIGN_GRANT_REFRESH_TOKEN`. A `"` or `\` in `value` is escaped with a backslash; the
/// body is already minified, so sign and send these exact bytes.
///
/// `value` (the code or token, UTF-8) must not be empty, longer than
/// `SNAPSIGN_AUTH_CODE_MAX_LEN` / `SNAPSIGN_REFRESH_TOKEN_MAX_LEN` bytes, or contain a control
/// character. Errors: `SNAPSIGN_RESULT_EMPTY_FIELD`, `SNAPSIGN_RESULT_FIELD_TOO_LONG`,
/// `SNAPSIGN_RESULT_CONTROL_CHARACTER`, `SNAPSIGN_RESULT_INVALID_UTF8` (the last two with the
/// offset in `snapsign_last_error_offset`), `SNAPSIGN_RESULT_INVALID_ARGUMENT` (an unknown
/// `grant`).
///
/// # Safety
/// `value` readable for `value_len` bytes; `out` NULL or writable for `out_cap` bytes; `out_len`
/// a writable `size_t`.
#[no_mangle]
pub unsafe extern "C" fn snapsign_b2b2c_request_body(
    grant: u32,
    value: *const u8,
    value_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> snapsign_result {
    ffi_boundary! {
        // SAFETY: forwarded contract for every pointer below.
        let out = unsafe { raw_out!(out, out_cap, out_len) }?;
        let refresh = match grant {
            SNAPSIGN_GRANT_AUTHORIZATION_CODE => false,
            SNAPSIGN_GRANT_REFRESH_TOKEN => true,
            _ => return Err(unknown_value("grant")),
        };
        let value = raw_in!(value, value_len)?;
        out.check_disjoint(&[value.region()])?;
        let value = unsafe { value.text(Field::GrantValue) }?;
        let grant = if refresh { Grant::RefreshToken(value) } else { Grant::AuthorizationCode(value) };
        out.write(b2b2c_request_body(grant)?.as_bytes())
    }
}

/// A new `X-EXTERNAL-ID` of `digits` random decimal digits into `out`.
fn external_id_out<R: TryCryptoRng + ?Sized>(digits: usize, rng: &mut R, out: RawOut) -> FfiResult {
    // Out-of-range counts are the core's errors; a size query draws no random bytes.
    if (1..=MAX_EXTERNAL_ID_LEN).contains(&digits) {
        out.reserve(digits)?;
    }
    out.write(external_id(rng, digits)?.as_bytes())
}

/// Writes a new random numeric `X-EXTERNAL-ID` of exactly `digits` ASCII digits (1 to
/// `SNAPSIGN_EXTERNAL_ID_MAX_LEN`; 32 is a good choice) to `out`, using the operating system's
/// RNG. The standard wants it unique per day: with 32 digits a repeat among a million requests
/// a day has a chance of about 1e-20.
///
/// Errors: `SNAPSIGN_RESULT_EMPTY_FIELD` (`digits` is 0), `SNAPSIGN_RESULT_FIELD_TOO_LONG` (more
/// than `SNAPSIGN_EXTERNAL_ID_MAX_LEN`), `SNAPSIGN_RESULT_RNG`. `SNAPSIGN_RESULT_BUFFER_TOO_SMALL`
/// (with `*out_len = digits`) is reported before any random bytes are drawn.
///
/// # Safety
/// `out` NULL or writable for `out_cap` bytes; `out_len` a writable `size_t`.
#[no_mangle]
pub unsafe extern "C" fn snapsign_external_id(
    digits: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> snapsign_result {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        let out = unsafe { raw_out!(out, out_cap, out_len) }?;
        external_id_out(digits, &mut getrandom::SysRng, out)
    }
}

/// Like `snapsign_external_id`, but the random bytes come from `fill(userdata, buf, len)` (the
/// terminal's own entropy source, see `snapsign_fill_fn`), called from this thread before this
/// function returns and not kept afterwards. A non-zero return from `fill` fails the call with
/// `SNAPSIGN_RESULT_RNG`. `fill` must not be NULL.
///
/// # Safety
/// As for `snapsign_external_id`; `fill` must be safe to call with `userdata` during the call.
#[no_mangle]
pub unsafe extern "C" fn snapsign_external_id_with_rng(
    digits: usize,
    fill: snapsign_fill_fn,
    userdata: *mut c_void,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> snapsign_result {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        let out = unsafe { raw_out!(out, out_cap, out_len) }?;
        let callback = CallbackRng::new(fill, userdata)?;
        let mut rng = FillRng::new(|buf: &mut [u8]| callback.fill(buf));
        external_id_out(digits, &mut rng, out)
    }
}

/// Parses an access-token response body (the bytes received, success or error, e.g.
/// `{"responseCode":"2007300","accessToken":"...","tokenType":"Bearer","expiresIn":"900"}` or
/// `{"responseCode":"4017300","responseMessage":"Unauthorized. Unknown Client"}`).
/// `expiresIn` may be a string or a number (`expiredIn` is accepted too); `additionalInfo` and
/// unknown fields are skipped; for a duplicated key the last one wins. On success `*out` receives
/// a new handle (free it with `snapsign_token_response_free`); on error it is NULL. The body is
/// not kept.
///
/// An error response (non-2xx `responseCode`) parses successfully: check
/// `snapsign_token_response_is_success`. Errors: `SNAPSIGN_RESULT_INVALID_JSON` (not JSON, with
/// the byte offset in `snapsign_last_error_offset`), `SNAPSIGN_RESULT_INVALID_RESPONSE` (not an
/// object, `responseCode` missing or not 7 digits, a field of the wrong JSON type, a 2xx
/// response without `accessToken`, `accessToken` or `tokenType` too long, `expiresIn` not a whole
/// number of seconds; `snapsign_last_error_message` says which), `SNAPSIGN_RESULT_NULL_POINTER`.
///
/// # Safety
/// `body` readable for `body_len` bytes; `out` a writable `snapsign_token_response *`.
#[no_mangle]
pub unsafe extern "C" fn snapsign_token_response_parse(
    body: *const u8,
    body_len: usize,
    out: *mut *mut snapsign_token_response,
) -> snapsign_result {
    ffi_boundary! {
        // SAFETY: forwarded contract for every pointer below.
        let out = unsafe { handle_out!(out) }?;
        let body = raw_in!(body, body_len)?;
        check_disjoint(&[out.region()], &[body.region()])?;
        let response = TokenResponse::parse(unsafe { body.bytes() })?;
        out.set(snapsign_token_response { response });
        Ok(())
    }
}

/// Frees a token response, wiping the access token from memory. NULL is ignored.
///
/// # Safety
/// `response` must be NULL or a handle from `snapsign_token_response_parse` that is not used
/// afterwards and not freed twice.
#[no_mangle]
pub unsafe extern "C" fn snapsign_token_response_free(response: *mut snapsign_token_response) {
    // SAFETY: forwarded contract. A panic while dropping is caught and ignored.
    ffi_boundary! { unsafe { free_handle(response) } }
}

/// The handle and the memory it occupies (outputs must not overlap it).
///
/// # Safety
/// `response` is NULL or a live handle.
unsafe fn response_ref<'a>(response: *const snapsign_token_response) -> FfiResult<(&'a TokenResponse, Region)> {
    // SAFETY: forwarded contract.
    let r = unsafe { handle!(response) }?;
    Ok((&r.response, Region::of("response", response, size_of::<snapsign_token_response>())))
}

/// The `responseCode`, split: `*http_status` (e.g. 200, 401), `*service_code` (73 for the B2B
/// token, 74 for B2B2C) and `*case_code` (e.g. 0); `2007300` gives 200, 73, 0. Any of the three
/// pointers may be NULL when not wanted.
///
/// # Safety
/// `response` a live handle; each out-pointer NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn snapsign_token_response_code(
    response: *const snapsign_token_response,
    http_status: *mut u16,
    service_code: *mut u8,
    case_code: *mut u8,
) -> snapsign_result {
    ffi_boundary! {
        // SAFETY: forwarded contract for every pointer below.
        let http_status = unsafe { opt_out!(http_status) }?;
        let service_code = unsafe { opt_out!(service_code) }?;
        let case_code = unsafe { opt_out!(case_code) }?;
        let (r, region) = unsafe { response_ref(response) }?;
        check_disjoint(&[http_status.region(), service_code.region(), case_code.region()], &[region])?;
        let code = r.response_code;
        http_status.set(code.http_status);
        service_code.set(code.service_code);
        case_code.set(code.case_code);
        Ok(())
    }
}

/// 1 when the `responseCode`'s HTTP status is 2xx (the response carries an access token), 0
/// otherwise and for NULL.
///
/// # Safety
/// `response` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn snapsign_token_response_is_success(response: *const snapsign_token_response) -> c_int {
    // SAFETY: forwarded contract.
    ffi_boundary! { unsafe { response.as_ref() }.map_or(0, |r| c_int::from(r.response.response_code.is_success())) }
}

/// Copies one text field of the response to `out`.
///
/// # Safety
/// As for the accessors below.
unsafe fn text_field(
    response: *const snapsign_token_response,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
    field: fn(&TokenResponse) -> &str,
) -> snapsign_result {
    ffi_boundary! {
        // SAFETY: forwarded contract for every pointer below.
        let out = unsafe { raw_out!(out, out_cap, out_len) }?;
        let (r, region) = unsafe { response_ref(response) }?;
        out.check_disjoint(&[region])?;
        out.write(field(r).as_bytes())
    }
}

/// Writes the `accessToken` (UTF-8 as unescaped from the JSON, not NUL-terminated; at most
/// `SNAPSIGN_ACCESS_TOKEN_MAX_LEN` bytes) to `out`; empty in an error response. Pass it without
/// `Bearer ` to the transaction-signature functions, and as `Authorization: Bearer <token>`.
///
/// # Safety
/// `response` a live handle; `out` NULL or writable for `out_cap` bytes; `out_len` a writable
/// `size_t`.
#[no_mangle]
pub unsafe extern "C" fn snapsign_token_response_access_token(
    response: *const snapsign_token_response,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> snapsign_result {
    // SAFETY: forwarded contract.
    unsafe { text_field(response, out, out_cap, out_len, |r| r.access_token.as_str()) }
}

/// Writes the `tokenType` (e.g. `Bearer`; UTF-8, not NUL-terminated, at most
/// `SNAPSIGN_TOKEN_TYPE_MAX_LEN` bytes) to `out`; empty when absent.
///
/// # Safety
/// `response` a live handle; `out` NULL or writable for `out_cap` bytes; `out_len` a writable
/// `size_t`.
#[no_mangle]
pub unsafe extern "C" fn snapsign_token_response_token_type(
    response: *const snapsign_token_response,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> snapsign_result {
    // SAFETY: forwarded contract.
    unsafe { text_field(response, out, out_cap, out_len, |r| r.token_type.as_str()) }
}

/// Writes the `responseMessage` (e.g. `Successful` or `Unauthorized. Unknown Client`; UTF-8, not
/// NUL-terminated, cut to at most `SNAPSIGN_RESPONSE_MESSAGE_MAX_LEN` bytes) to `out`; empty when
/// absent.
///
/// # Safety
/// `response` a live handle; `out` NULL or writable for `out_cap` bytes; `out_len` a writable
/// `size_t`.
#[no_mangle]
pub unsafe extern "C" fn snapsign_token_response_message(
    response: *const snapsign_token_response,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> snapsign_result {
    // SAFETY: forwarded contract.
    unsafe { text_field(response, out, out_cap, out_len, |r| r.response_message.as_str()) }
}

/// The `expiresIn` (or `expiredIn`) value in seconds, sent as a string or a number:
/// `*has_value` is set to 1 and `*seconds` to the value when it was present, to 0 and 0 when it
/// was absent or `null`. Either pointer may be NULL when not wanted.
///
/// # Safety
/// `response` a live handle; `has_value` and `seconds` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn snapsign_token_response_expires_in(
    response: *const snapsign_token_response,
    has_value: *mut c_int,
    seconds: *mut u64,
) -> snapsign_result {
    ffi_boundary! {
        // SAFETY: forwarded contract for every pointer below.
        let has_value = unsafe { opt_out!(has_value) }?;
        let seconds = unsafe { opt_out!(seconds) }?;
        let (r, region) = unsafe { response_ref(response) }?;
        check_disjoint(&[has_value.region(), seconds.region()], &[region])?;
        has_value.set(c_int::from(r.expires_in.is_some()));
        seconds.set(r.expires_in.unwrap_or(0));
        Ok(())
    }
}
