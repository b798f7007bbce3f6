//! The three strings-to-sign, built by the core, for debugging a rejected signature.

use snapsign_core::{body_digest, string_to_sign};

use super::args::raw_out;
use super::boundary::ffi_boundary;
use super::inputs::{ServiceInputs, TokenInputs, TransactionInputs};
use super::result::snapsign_result;

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
    ffi_boundary! {
        // SAFETY: forwarded contract for every pointer below.
        let out = unsafe { raw_out!(out, out_cap, out_len) }?;
        let inputs = TokenInputs::new(client_id, client_id_len, timestamp, timestamp_len)?;
        out.check_disjoint(&inputs.regions())?;
        let (client_id, timestamp) = unsafe { inputs.read() }?;
        out.write(string_to_sign::token(client_id, timestamp)?.as_bytes())
    }
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
    ffi_boundary! {
        // SAFETY: forwarded contract for every pointer below.
        let out = unsafe { raw_out!(out, out_cap, out_len) }?;
        let inputs = TransactionInputs::new(
            method, method_len, path, path_len, access_token, access_token_len, body, body_len, timestamp,
            timestamp_len,
        )?;
        out.check_disjoint(&inputs.regions())?;
        let t = unsafe { inputs.read() }?;
        let s = string_to_sign::transaction(t.method, t.path, t.access_token, &body_digest(t.body)?, t.timestamp)?;
        out.write(s.as_bytes())
    }
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
    ffi_boundary! {
        // SAFETY: forwarded contract for every pointer below.
        let out = unsafe { raw_out!(out, out_cap, out_len) }?;
        let inputs = ServiceInputs::new(method, method_len, path, path_len, body, body_len, timestamp, timestamp_len)?;
        out.check_disjoint(&inputs.regions())?;
        let r = unsafe { inputs.read() }?;
        out.write(string_to_sign::service(r.method, r.path, &body_digest(r.body)?, r.timestamp)?.as_bytes())
    }
}
