//! HMAC-SHA512 transaction signatures: the `snapsign_hmac` handle and one-shot functions.

use snapsign_core::HmacSigner;

use super::args::{check_disjoint, free_handle, handle, handle_out, raw_in, raw_out, FfiResult, RawOut};
use super::boundary::ffi_boundary;
use super::inputs::{Transaction, TransactionInputs};
use super::result::snapsign_result;

/// Length of a base64 HMAC-SHA512 signature.
pub const SNAPSIGN_HMAC_SIGNATURE_LEN: usize = 88;
const _: () = assert!(SNAPSIGN_HMAC_SIGNATURE_LEN == snapsign_core::hmac::SIGNATURE_LEN);

/// A client secret keyed into HMAC-SHA512, for transaction signatures
/// (`METHOD:path:accessToken:sha256hex(minify(body)):timestamp`).
///
/// Create with `snapsign_hmac_new`, free with `snapsign_hmac_free`, which zeroizes the keyed
/// state (the secret itself is not kept). Immutable: usable from several threads at once.
pub struct snapsign_hmac {
    signer: HmacSigner,
}

fn sign_transaction(signer: &HmacSigner, t: &Transaction<'_>, out: RawOut) -> FfiResult {
    out.write_with::<SNAPSIGN_HMAC_SIGNATURE_LEN>(|buf| {
        signer.sign_transaction_into(t.method, t.path, t.access_token, t.body, t.timestamp, buf)
    })
}

fn verify_transaction(signer: &HmacSigner, t: &Transaction<'_>, signature: &[u8]) -> FfiResult {
    Ok(signer.verify_transaction(t.method, t.path, t.access_token, t.body, t.timestamp, signature)?)
}

/// Keys HMAC-SHA512 with the client secret's bytes (UTF-8, as the standard says; used as
/// given). On success `*out` receives a new handle (free with `snapsign_hmac_free`); on error it
/// is NULL. An empty secret is `SNAPSIGN_RESULT_EMPTY_FIELD`.
///
/// # Safety
/// `secret` readable for `secret_len` bytes; `out` a writable `snapsign_hmac *`.
#[no_mangle]
pub unsafe extern "C" fn snapsign_hmac_new(
    secret: *const u8,
    secret_len: usize,
    out: *mut *mut snapsign_hmac,
) -> snapsign_result {
    ffi_boundary! {
        // SAFETY: forwarded contract for every pointer below.
        let out = unsafe { handle_out!(out) }?;
        let secret = raw_in!(secret, secret_len)?;
        check_disjoint(&[out.region()], &[secret.region()])?;
        out.set(snapsign_hmac { signer: HmacSigner::new(unsafe { secret.bytes() })? });
        Ok(())
    }
}

/// Frees (and zeroizes) an HMAC handle. NULL is ignored.
///
/// # Safety
/// `hmac` must be NULL or a handle from `snapsign_hmac_new` that is not used afterwards and not
/// freed twice.
#[no_mangle]
pub unsafe extern "C" fn snapsign_hmac_free(hmac: *mut snapsign_hmac) {
    // SAFETY: forwarded contract.
    ffi_boundary! { unsafe { free_handle(hmac) } }
}

/// Signs an arbitrary `message` with HMAC-SHA512; writes the base64 signature
/// (`SNAPSIGN_HMAC_SIGNATURE_LEN` = 88 bytes) to `out`.
///
/// # Safety
/// `hmac` a live handle; `message` readable for `message_len` bytes; `out` NULL or writable for
/// `out_cap` bytes; `out_len` a writable `size_t`.
#[no_mangle]
pub unsafe extern "C" fn snapsign_hmac_sign(
    hmac: *const snapsign_hmac,
    message: *const u8,
    message_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> snapsign_result {
    ffi_boundary! {
        // SAFETY: forwarded contract for every pointer below.
        let out = unsafe { raw_out!(out, out_cap, out_len) }?;
        let hmac = unsafe { handle!(hmac) }?;
        let message = raw_in!(message, message_len)?;
        out.check_disjoint(&[message.region()])?;
        let message = unsafe { message.bytes() };
        out.write_with::<SNAPSIGN_HMAC_SIGNATURE_LEN>(|buf| hmac.signer.sign_into(message, buf))
    }
}

/// Verifies a base64 HMAC-SHA512 `signature` over an arbitrary `message` (constant-time).
///
/// # Safety
/// `hmac` a live handle; inputs readable for their lengths.
#[no_mangle]
pub unsafe extern "C" fn snapsign_hmac_verify(
    hmac: *const snapsign_hmac,
    message: *const u8,
    message_len: usize,
    signature: *const u8,
    signature_len: usize,
) -> snapsign_result {
    ffi_boundary! {
        // SAFETY: forwarded contract for every pointer below.
        let hmac = unsafe { handle!(hmac) }?;
        let (message, signature) = (raw_in!(message, message_len)?, raw_in!(signature, signature_len)?);
        Ok(hmac.signer.verify(unsafe { message.bytes() }, unsafe { signature.bytes() })?)
    }
}

/// The transaction signature: HMAC-SHA512 over
/// `METHOD:path:accessToken:sha256hex(minify(body)):timestamp`, base64 (88 bytes) into `out`.
///
/// `access_token` without `Bearer `; `path` relative, with its query string; `body` the exact
/// bytes sent (empty for none).
///
/// # Safety
/// `hmac` a live handle; inputs readable for their lengths; `out` NULL or writable for `out_cap`
/// bytes; `out_len` a writable `size_t`.
#[no_mangle]
pub unsafe extern "C" fn snapsign_hmac_sign_transaction(
    hmac: *const snapsign_hmac,
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
        let hmac = unsafe { handle!(hmac) }?;
        let inputs = TransactionInputs::new(
            method, method_len, path, path_len, access_token, access_token_len, body, body_len, timestamp,
            timestamp_len,
        )?;
        out.check_disjoint(&inputs.regions())?;
        sign_transaction(&hmac.signer, &unsafe { inputs.read() }?, out)
    }
}

/// Verifies a transaction signature (for example a DOKU notification), constant-time.
///
/// # Safety
/// `hmac` a live handle; inputs readable for their lengths.
#[no_mangle]
pub unsafe extern "C" fn snapsign_hmac_verify_transaction(
    hmac: *const snapsign_hmac,
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
    signature: *const u8,
    signature_len: usize,
) -> snapsign_result {
    ffi_boundary! {
        // SAFETY: forwarded contract for every pointer below.
        let hmac = unsafe { handle!(hmac) }?;
        let inputs = TransactionInputs::new(
            method, method_len, path, path_len, access_token, access_token_len, body, body_len, timestamp,
            timestamp_len,
        )?;
        let signature = unsafe { raw_in!(signature, signature_len)?.bytes() };
        verify_transaction(&hmac.signer, &unsafe { inputs.read() }?, signature)
    }
}

/// One-shot `snapsign_hmac_sign_transaction` with the client secret instead of a handle (the
/// keyed state is zeroized before returning).
///
/// # Safety
/// As for `snapsign_hmac_sign_transaction`, with `secret` readable for `secret_len` bytes.
#[no_mangle]
pub unsafe extern "C" fn snapsign_hmac_sign_transaction_with_secret(
    secret: *const u8,
    secret_len: usize,
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
        let secret = raw_in!(secret, secret_len)?;
        let inputs = TransactionInputs::new(
            method, method_len, path, path_len, access_token, access_token_len, body, body_len, timestamp,
            timestamp_len,
        )?;
        out.check_disjoint(&[&inputs.regions()[..], &[secret.region()]].concat())?;
        let signer = HmacSigner::new(unsafe { secret.bytes() })?;
        sign_transaction(&signer, &unsafe { inputs.read() }?, out)
    }
}

/// One-shot `snapsign_hmac_verify_transaction` with the client secret instead of a handle.
///
/// # Safety
/// As for `snapsign_hmac_verify_transaction`, with `secret` readable for `secret_len` bytes.
#[no_mangle]
pub unsafe extern "C" fn snapsign_hmac_verify_transaction_with_secret(
    secret: *const u8,
    secret_len: usize,
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
    signature: *const u8,
    signature_len: usize,
) -> snapsign_result {
    ffi_boundary! {
        // SAFETY: forwarded contract for every pointer below.
        let secret = unsafe { raw_in!(secret, secret_len)?.bytes() };
        let inputs = TransactionInputs::new(
            method, method_len, path, path_len, access_token, access_token_len, body, body_len, timestamp,
            timestamp_len,
        )?;
        let signature = unsafe { raw_in!(signature, signature_len)?.bytes() };
        verify_transaction(&HmacSigner::new(secret)?, &unsafe { inputs.read() }?, signature)
    }
}
