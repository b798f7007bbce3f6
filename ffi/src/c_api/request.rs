//! Every header of a transaction call, signed for a provider: the `snapsign_request_signer`
//! handle (a profile and the credential it signs with), `snapsign_call` (the call's fields) and
//! the `snapsign_request_headers` handle the signer makes.

use core::ffi::c_void;
use core::mem::size_of;

use rand_core::TryCryptoRng;
use snapsign_core::provider::{self, Profile};
use snapsign_core::request::{Call, Customer, ProfileSigner, RequestHeaders, SigningKey, When};
use snapsign_core::rng::FillRng;
use snapsign_core::{Field, HmacSigner};

use super::args::{
    check_disjoint, free_handle, handle, handle_out, index_out_of_range, opt_in, raw_in, raw_out, struct_in,
    unknown_profile, FfiResult, HandleOut, RawIn, RawOut, Region,
};
use super::boundary::ffi_boundary;
use super::entropy::{snapsign_fill_fn, CallbackRng};
use super::result::snapsign_result;
use super::rsa::load_private_key;

/// A provider profile (see `snapsign providers`) with the credential its transaction calls are
/// signed with: the client secret (HMAC-SHA512) or the private key (SHA256withRSA, service
/// form).
///
/// Create with `snapsign_request_signer_new_hmac` or `snapsign_request_signer_new_rsa`, free with
/// `snapsign_request_signer_free` (which zeroizes the key). Immutable: one signer may be used
/// from several threads at once.
pub struct snapsign_request_signer {
    signer: ProfileSigner<'static>,
}

/// The signed headers of one call, in the order the standard lists them: `Content-Type`,
/// `Authorization`, `Authorization-Customer`, `X-TIMESTAMP`, `X-SIGNATURE`, `ORIGIN`,
/// `X-PARTNER-ID`, `X-EXTERNAL-ID`, `X-IP-ADDRESS`, `X-DEVICE-ID`, `X-LATITUDE`, `X-LONGITUDE`,
/// `CHANNEL-ID` (those that apply).
///
/// Made by `snapsign_request_signer_sign`, read with `snapsign_request_headers_count`, `_name`,
/// `_value`, `_get`, `_signature`, `_timestamp`, `_endpoint_url`, freed with
/// `snapsign_request_headers_free` (the library wipes every block it frees, the bearer tokens
/// with it). Immutable: usable from several threads at once.
pub struct snapsign_request_headers {
    headers: RequestHeaders,
}

/// The fields of one transaction call: pointer and length pairs, never NUL-terminated, UTF-8
/// text (the body: any bytes).
///
/// `method` (upper case), `target` (the request target exactly as on the request line: the path
/// and its query string) and `partner_id` (`X-PARTNER-ID`) are required; `body` is the exact
/// bytes sent (NULL/0: none). Every other field is optional: a NULL pointer (with length 0) is
/// absent; a non-NULL pointer with length 0 is an empty value, which is refused as
/// `SNAPSIGN_RESULT_EMPTY_FIELD`. Zero-initialise the struct (`snapsign_call call = {0};`) and
/// set what the call has.
///
/// - `access_token`: the B2B token without `Bearer ` (`Authorization`); required by the
///   profiles that sign with the client secret.
/// - `external_id`: `X-EXTERNAL-ID`; absent: 32 random digits.
/// - `channel_id`: `CHANNEL-ID`; absent: the profile's (an error when it has none).
/// - `origin`: `ORIGIN`.
/// - `device_id`: `X-DEVICE-ID`; required with `customer_token` and by some profiles.
/// - `customer_token`: a B2B2C call's customer token without `Bearer `
///   (`Authorization-Customer`); `ip_address`, `latitude`, `longitude` (`X-IP-ADDRESS`,
///   `X-LATITUDE`, `X-LONGITUDE`) belong to it and need it.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct snapsign_call {
    pub method: *const u8,
    pub method_len: usize,
    pub target: *const u8,
    pub target_len: usize,
    pub body: *const u8,
    pub body_len: usize,
    pub access_token: *const u8,
    pub access_token_len: usize,
    pub partner_id: *const u8,
    pub partner_id_len: usize,
    pub external_id: *const u8,
    pub external_id_len: usize,
    pub channel_id: *const u8,
    pub channel_id_len: usize,
    pub origin: *const u8,
    pub origin_len: usize,
    pub device_id: *const u8,
    pub device_id_len: usize,
    pub customer_token: *const u8,
    pub customer_token_len: usize,
    pub ip_address: *const u8,
    pub ip_address_len: usize,
    pub latitude: *const u8,
    pub latitude_len: usize,
    pub longitude: *const u8,
    pub longitude_len: usize,
}

/// A required field of `call`, checked; its errors name `call.<field>`.
macro_rules! required {
    ($call:ident . $ptr:ident, $len:ident) => {
        RawIn::new($call.$ptr, $call.$len, concat!("call.", stringify!($ptr)), concat!("call.", stringify!($len)))
    };
}

/// An optional field of `call`, checked.
macro_rules! optional {
    ($call:ident . $ptr:ident, $len:ident) => {
        opt_in($call.$ptr, $call.$len, concat!("call.", stringify!($ptr)), concat!("call.", stringify!($len)))
    };
}

/// The checked fields of a `snapsign_call`.
struct CallInputs {
    method: RawIn,
    target: RawIn,
    body: RawIn,
    partner_id: RawIn,
    optional: [(Option<RawIn>, Field); 9],
}

impl CallInputs {
    fn new(c: &snapsign_call) -> FfiResult<Self> {
        Ok(CallInputs {
            method: required!(c.method, method_len)?,
            target: required!(c.target, target_len)?,
            body: required!(c.body, body_len)?,
            partner_id: required!(c.partner_id, partner_id_len)?,
            optional: [
                (optional!(c.access_token, access_token_len)?, Field::AccessToken),
                (optional!(c.external_id, external_id_len)?, Field::ExternalId),
                (optional!(c.channel_id, channel_id_len)?, Field::ChannelId),
                (optional!(c.origin, origin_len)?, Field::Origin),
                (optional!(c.device_id, device_id_len)?, Field::DeviceId),
                (optional!(c.customer_token, customer_token_len)?, Field::CustomerToken),
                (optional!(c.ip_address, ip_address_len)?, Field::IpAddress),
                (optional!(c.latitude, latitude_len)?, Field::Latitude),
                (optional!(c.longitude, longitude_len)?, Field::Longitude),
            ],
        })
    }

    fn regions(&self) -> Vec<Region> {
        let required = [self.method, self.target, self.body, self.partner_id].map(|r| r.region());
        required.into_iter().chain(self.optional.iter().filter_map(|(r, _)| r.map(|r| r.region()))).collect()
    }

    /// The core's call.
    ///
    /// # Safety
    /// The fields are readable for the duration of the C call.
    unsafe fn read<'a>(&self) -> FfiResult<Call<'a>> {
        let mut text = [None; 9];
        for (slot, (input, field)) in text.iter_mut().zip(self.optional) {
            // SAFETY: forwarded contract.
            *slot = input.map(|r| unsafe { r.text(field) }).transpose()?;
        }
        let [access_token, external_id, channel_id, origin, device_id, customer_token, ip_address, latitude, longitude] =
            text;
        let customer = match customer_token {
            Some(access_token) => Some(Customer { access_token, ip_address, latitude, longitude }),
            // The customer's headers without the customer: name the one that is missing.
            None if ip_address.is_some() || latitude.is_some() || longitude.is_some() => {
                return Err(snapsign_core::Error::EmptyField { field: Field::CustomerToken }.into())
            }
            None => None,
        };
        // SAFETY: forwarded contract.
        unsafe {
            Ok(Call {
                access_token,
                external_id,
                channel_id,
                origin,
                device_id,
                customer,
                ..Call::new(
                    self.method.text(Field::Method)?,
                    self.target.text(Field::Path)?,
                    self.body.bytes(),
                    self.partner_id.text(Field::PartnerId)?,
                )
            })
        }
    }
}

/// The profile named by `profile`/`profile_len`.
///
/// # Safety
/// `profile` readable for `profile_len` bytes.
pub(crate) unsafe fn find_profile(profile: *const u8, profile_len: usize) -> FfiResult<(&'static Profile, Region)> {
    let name = raw_in!(profile, profile_len)?;
    // SAFETY: forwarded contract.
    let found = core::str::from_utf8(unsafe { name.bytes() }).ok().and_then(provider::find);
    Ok((found.ok_or(unknown_profile("profile"))?, name.region()))
}

/// Checks the credential against the profile and hands the signer to the caller.
fn new_signer(profile: &'static Profile, key: SigningKey, out: HandleOut<snapsign_request_signer>) -> FfiResult {
    out.set(snapsign_request_signer { signer: ProfileSigner::new(profile, key)? });
    Ok(())
}

/// A request signer for `profile` (a provider profile name such as `generic`, `doku`, `bca`:
/// exact, lower case) with the client secret, for the profiles whose transaction calls carry an
/// HMAC-SHA512 signature. On success `*out` receives the signer (free it with
/// `snapsign_request_signer_free`); on error it is NULL. The secret's bytes are keyed into HMAC
/// and not kept.
///
/// Errors: `SNAPSIGN_RESULT_INVALID_ARGUMENT` for a profile name this version does not know
/// (`snapsign_last_error_message` names `profile` and lists the known ones),
/// `SNAPSIGN_RESULT_MISSING_CREDENTIAL` when the profile signs with the private key instead
/// (DANA, WinPay, iFortepay), `SNAPSIGN_RESULT_EMPTY_FIELD` for an empty secret,
/// `SNAPSIGN_RESULT_NULL_POINTER`.
///
/// # Safety
/// `profile` readable for `profile_len` bytes, `secret` for `secret_len` bytes; `out` a writable
/// `snapsign_request_signer *`.
#[no_mangle]
pub unsafe extern "C" fn snapsign_request_signer_new_hmac(
    profile: *const u8,
    profile_len: usize,
    secret: *const u8,
    secret_len: usize,
    out: *mut *mut snapsign_request_signer,
) -> snapsign_result {
    ffi_boundary! {
        // SAFETY: forwarded contract for every pointer below.
        let out = unsafe { handle_out!(out) }?;
        let (profile, name) = unsafe { find_profile(profile, profile_len) }?;
        let secret = raw_in!(secret, secret_len)?;
        check_disjoint(&[out.region()], &[name, secret.region()])?;
        let hmac = HmacSigner::new(unsafe { secret.bytes() })?;
        new_signer(profile, SigningKey::Hmac(hmac), out)
    }
}

/// A request signer for `profile` with an RSA private key, for the profiles whose transaction
/// calls carry a SHA256withRSA signature in the service form (no access token in the
/// string-to-sign). `key`, `passphrase` and `flags` are those of `snapsign_signer_new` (PEM or
/// DER; `passphrase` NULL for none; `flags` 0 or `SNAPSIGN_KEY_ALLOW_WEAK`); blinding and
/// generated `X-EXTERNAL-ID`s use the OS RNG, or the callback given to
/// `snapsign_request_signer_sign_with_rng`.
///
/// Errors: `SNAPSIGN_RESULT_INVALID_ARGUMENT` (an unknown profile name, named in the message;
/// unknown flags), `SNAPSIGN_RESULT_MISSING_CREDENTIAL` when the profile signs with the client
/// secret instead, the key errors of `snapsign_signer_new`.
///
/// # Safety
/// As for `snapsign_signer_new`, with `profile` readable for `profile_len` bytes.
#[no_mangle]
pub unsafe extern "C" fn snapsign_request_signer_new_rsa(
    profile: *const u8,
    profile_len: usize,
    key: *const u8,
    key_len: usize,
    passphrase: *const u8,
    passphrase_len: usize,
    flags: u32,
    out: *mut *mut snapsign_request_signer,
) -> snapsign_result {
    ffi_boundary! {
        // SAFETY: forwarded contract for every pointer below.
        let out = unsafe { handle_out!(out) }?;
        let (profile, name) = unsafe { find_profile(profile, profile_len) }?;
        check_disjoint(&[out.region()], &[name])?;
        let rsa = unsafe { load_private_key(key, key_len, passphrase, passphrase_len, flags, out.region()) }?;
        new_signer(profile, SigningKey::Rsa(rsa), out)
    }
}

/// Frees a request signer (zeroizing the key). NULL is ignored.
///
/// # Safety
/// `signer` must be NULL or a signer from `snapsign_request_signer_new_*` that is not used
/// afterwards and not freed twice.
#[no_mangle]
pub unsafe extern "C" fn snapsign_request_signer_free(signer: *mut snapsign_request_signer) {
    // SAFETY: forwarded contract.
    ffi_boundary! { unsafe { free_handle(signer) } }
}

/// Signs one call with `rng` for a generated `X-EXTERNAL-ID` and RSA blinding.
///
/// # Safety
/// As for `snapsign_request_signer_sign`.
/// `*out` is set to NULL before `call` is read, so an `out` inside the call struct is refused
/// first: the library must not write into the caller's input, which it then borrows. (Found by
/// Miri, tests/miri/run.sh: the NULL written through `out` invalidated the caller's read-only
/// pointer to the struct before the struct was borrowed.)
fn out_outside_call(out: *mut *mut snapsign_request_headers, call: *const snapsign_call) -> FfiResult {
    if out.is_null() || call.is_null() {
        return Ok(());
    }
    check_disjoint(
        &[Region::of("out", out, size_of::<*mut snapsign_request_headers>())],
        &[Region::of("call", call, size_of::<snapsign_call>())],
    )
}

unsafe fn sign<R: TryCryptoRng + ?Sized>(
    signer: *const snapsign_request_signer,
    call: *const snapsign_call,
    now_unix_millis: i64,
    timestamp: *const u8,
    timestamp_len: usize,
    rng: &mut R,
    out: HandleOut<snapsign_request_headers>,
) -> FfiResult {
    // SAFETY: forwarded contract for every pointer below.
    let signer = unsafe { handle!(signer) }?;
    let (call, call_region) = unsafe { struct_in!(call) }?;
    let inputs = CallInputs::new(call)?;
    let timestamp = opt_in(timestamp, timestamp_len, "timestamp", "timestamp_len")?;
    let mut regions = inputs.regions();
    regions.extend(timestamp.map(|t| t.region()));
    regions.push(call_region);
    check_disjoint(&[out.region()], &regions)?;
    let call = unsafe { inputs.read() }?;
    let when = match timestamp {
        Some(text) => When::Header(unsafe { text.text(Field::Timestamp) }?),
        None => When::UnixMillis(now_unix_millis),
    };
    let headers = signer.signer.sign(&call, when, rng)?;
    out.set(snapsign_request_headers { headers });
    Ok(())
}

/// Signs one transaction call and makes all its headers, from one reading of the terminal's
/// clock: `X-TIMESTAMP` is written once, in the profile's style (offset, milliseconds, `Z`),
/// and exactly that text is signed, over the profile's `EndpointUrl` rule (BCA: the canonical
/// query) applied to `call->target`.
///
/// `now_unix_millis`: the time of the call (milliseconds since 1970-01-01T00:00:00Z), used when
/// `timestamp` is NULL. `timestamp`/`timestamp_len`: an `X-TIMESTAMP` text to send and sign as it
/// is (validated), or NULL. A generated `X-EXTERNAL-ID` and RSA blinding use the OS RNG. On
/// success `*out` receives the headers (free them with `snapsign_request_headers_free`); on
/// error it is NULL, except for an `out` inside `*call` (`SNAPSIGN_RESULT_OVERLAPPING_BUFFERS`),
/// which is left unwritten.
///
/// Errors: `SNAPSIGN_RESULT_EMPTY_FIELD` (a required header missing: the access token with the
/// client secret, `CHANNEL-ID` when the profile has none, `X-DEVICE-ID`; the message names it),
/// `SNAPSIGN_RESULT_FIELD_TOO_LONG` and `SNAPSIGN_RESULT_CONTROL_CHARACTER` naming the header,
/// the signing errors (`INVALID_METHOD`, `ABSOLUTE_URL`, `INVALID_JSON`, `BEARER_PREFIX`,
/// `INVALID_TIMESTAMP`, ...), `SNAPSIGN_RESULT_RNG`, `SNAPSIGN_RESULT_NULL_POINTER`.
///
/// # Safety
/// `signer` a live request signer; `call` a readable `snapsign_call` whose pointers are each
/// readable for their lengths; `timestamp` NULL or readable for `timestamp_len` bytes; `out` a
/// writable `snapsign_request_headers *`.
#[no_mangle]
pub unsafe extern "C" fn snapsign_request_signer_sign(
    signer: *const snapsign_request_signer,
    call: *const snapsign_call,
    now_unix_millis: i64,
    timestamp: *const u8,
    timestamp_len: usize,
    out: *mut *mut snapsign_request_headers,
) -> snapsign_result {
    ffi_boundary! {
        out_outside_call(out, call)?;
        // SAFETY: forwarded contract.
        let out = unsafe { handle_out!(out) }?;
        unsafe { sign(signer, call, now_unix_millis, timestamp, timestamp_len, &mut getrandom::SysRng, out) }
    }
}

/// Like `snapsign_request_signer_sign`, but the random bytes (a generated `X-EXTERNAL-ID`, RSA
/// blinding) come from `fill(userdata, buf, len)` (see `snapsign_fill_fn`), called from this
/// thread before this function returns and not kept. A non-zero return from `fill` fails the
/// call with `SNAPSIGN_RESULT_RNG`. `fill` must not be NULL.
///
/// # Safety
/// As for `snapsign_request_signer_sign`; `fill` must be safe to call with `userdata` during the
/// call.
#[no_mangle]
pub unsafe extern "C" fn snapsign_request_signer_sign_with_rng(
    signer: *const snapsign_request_signer,
    call: *const snapsign_call,
    now_unix_millis: i64,
    timestamp: *const u8,
    timestamp_len: usize,
    fill: snapsign_fill_fn,
    userdata: *mut c_void,
    out: *mut *mut snapsign_request_headers,
) -> snapsign_result {
    ffi_boundary! {
        out_outside_call(out, call)?;
        // SAFETY: forwarded contract.
        let out = unsafe { handle_out!(out) }?;
        let callback = CallbackRng::new(fill, userdata)?;
        let mut rng = FillRng::new(|buf: &mut [u8]| callback.fill(buf));
        unsafe { sign(signer, call, now_unix_millis, timestamp, timestamp_len, &mut rng, out) }
    }
}

/// Frees signed headers, wiping the bearer tokens from memory. NULL is ignored.
///
/// # Safety
/// `headers` must be NULL or headers from `snapsign_request_signer_sign*` that are not used
/// afterwards and not freed twice.
#[no_mangle]
pub unsafe extern "C" fn snapsign_request_headers_free(headers: *mut snapsign_request_headers) {
    // SAFETY: forwarded contract.
    ffi_boundary! { unsafe { free_handle(headers) } }
}

/// How many headers there are (at least 6: `Content-Type`, `X-TIMESTAMP`, `X-SIGNATURE`,
/// `X-PARTNER-ID`, `X-EXTERNAL-ID`, and `CHANNEL-ID`); 0 for NULL.
///
/// # Safety
/// `headers` must be NULL or live headers.
#[no_mangle]
pub unsafe extern "C" fn snapsign_request_headers_count(headers: *const snapsign_request_headers) -> usize {
    // SAFETY: forwarded contract.
    ffi_boundary! { unsafe { headers.as_ref() }.map_or(0, |h| h.headers.len()) }
}

/// The handle and the memory it occupies (outputs must not overlap it).
///
/// # Safety
/// `headers` is NULL or a live handle.
unsafe fn headers_ref<'a>(headers: *const snapsign_request_headers) -> FfiResult<(&'a RequestHeaders, Region)> {
    // SAFETY: forwarded contract.
    let h = unsafe { handle!(headers) }?;
    Ok((&h.headers, Region::of("headers", headers, size_of::<snapsign_request_headers>())))
}

/// Copies the text `pick` chooses to `out`.
///
/// # Safety
/// As for the accessors below.
unsafe fn text_out(
    headers: *const snapsign_request_headers,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
    pick: impl FnOnce(&RequestHeaders) -> FfiResult<&str>,
) -> snapsign_result {
    ffi_boundary! {
        // SAFETY: forwarded contract for every pointer below.
        let out: RawOut = unsafe { raw_out!(out, out_cap, out_len) }?;
        let (h, region) = unsafe { headers_ref(headers) }?;
        out.check_disjoint(&[region])?;
        out.write(pick(h)?.as_bytes())
    }
}

/// The header at `index` (0 to `snapsign_request_headers_count - 1`, in the standard's order).
fn at(h: &RequestHeaders, index: usize) -> FfiResult<(&'static str, &str)> {
    h.at(index).ok_or(index_out_of_range("index", "snapsign_request_headers_count"))
}

/// Writes the name of the header at `index` (e.g. `X-TIMESTAMP`; ASCII, not NUL-terminated) to
/// `out`. An `index` not below `snapsign_request_headers_count` is
/// `SNAPSIGN_RESULT_INVALID_ARGUMENT`.
///
/// # Safety
/// `headers` live headers; `out` NULL or writable for `out_cap` bytes; `out_len` a writable
/// `size_t`.
#[no_mangle]
pub unsafe extern "C" fn snapsign_request_headers_name(
    headers: *const snapsign_request_headers,
    index: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> snapsign_result {
    // SAFETY: forwarded contract.
    unsafe { text_out(headers, out, out_cap, out_len, |h| at(h, index).map(|(name, _)| name)) }
}

/// Writes the value of the header at `index` (UTF-8, not NUL-terminated; never empty) to `out`.
/// An `index` not below `snapsign_request_headers_count` is `SNAPSIGN_RESULT_INVALID_ARGUMENT`.
///
/// # Safety
/// As for `snapsign_request_headers_name`.
#[no_mangle]
pub unsafe extern "C" fn snapsign_request_headers_value(
    headers: *const snapsign_request_headers,
    index: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> snapsign_result {
    // SAFETY: forwarded contract.
    unsafe { text_out(headers, out, out_cap, out_len, |h| at(h, index).map(|(_, value)| value)) }
}

/// Writes the value of the header called `name` (compared case-insensitively, as HTTP header
/// names are: `x-timestamp` finds `X-TIMESTAMP`) to `out`. No value is ever empty, so
/// `SNAPSIGN_RESULT_OK` with `*out_len == 0` means the call has no such header (`ORIGIN` when
/// none was given).
///
/// # Safety
/// `headers` live headers; `name` readable for `name_len` bytes; `out` NULL or writable for
/// `out_cap` bytes; `out_len` a writable `size_t`.
#[no_mangle]
pub unsafe extern "C" fn snapsign_request_headers_get(
    headers: *const snapsign_request_headers,
    name: *const u8,
    name_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> snapsign_result {
    ffi_boundary! {
        // SAFETY: forwarded contract for every pointer below.
        let out = unsafe { raw_out!(out, out_cap, out_len) }?;
        let (h, region) = unsafe { headers_ref(headers) }?;
        let name = raw_in!(name, name_len)?;
        out.check_disjoint(&[region, name.region()])?;
        // A name that is not UTF-8 is no header's name.
        let value = core::str::from_utf8(unsafe { name.bytes() }).ok().and_then(|n| h.get(n));
        out.write(value.unwrap_or_default().as_bytes())
    }
}

/// Writes `X-SIGNATURE` (base64: 88 bytes for HMAC-SHA512, `snapsign_signer_signature_len` for
/// RSA) to `out`.
///
/// # Safety
/// As for `snapsign_request_headers_name`.
#[no_mangle]
pub unsafe extern "C" fn snapsign_request_headers_signature(
    headers: *const snapsign_request_headers,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> snapsign_result {
    // SAFETY: forwarded contract.
    unsafe { text_out(headers, out, out_cap, out_len, |h| Ok(h.signature())) }
}

/// Writes `X-TIMESTAMP`, the exact text that was signed (at most `SNAPSIGN_TIMESTAMP_MAX_LEN`
/// bytes when the signer wrote it), to `out`.
///
/// # Safety
/// As for `snapsign_request_headers_name`.
#[no_mangle]
pub unsafe extern "C" fn snapsign_request_headers_timestamp(
    headers: *const snapsign_request_headers,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> snapsign_result {
    // SAFETY: forwarded contract.
    unsafe { text_out(headers, out, out_cap, out_len, |h| Ok(h.timestamp())) }
}

/// Writes the `EndpointUrl` that was signed (the profile's rule applied to `call->target`; for
/// BCA the canonical query, e.g. `/v1.0/x?a=~1&b=2` for `/v1.0/x?b=2&a=%7e1`) to `out`. Send the
/// target as it was given; this is for logs and for comparing with the provider's
/// string-to-sign.
///
/// # Safety
/// As for `snapsign_request_headers_name`.
#[no_mangle]
pub unsafe extern "C" fn snapsign_request_headers_endpoint_url(
    headers: *const snapsign_request_headers,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> snapsign_result {
    // SAFETY: forwarded contract.
    unsafe { text_out(headers, out, out_cap, out_len, |h| Ok(h.endpoint_url())) }
}
