//! HMAC-SHA512 transaction signatures: the `snapsign_hmac` handle and one-shot functions.

use std::panic::{catch_unwind, AssertUnwindSafe};

use snapsign_core::body_digest::body_digest;
use snapsign_core::{string_to_sign, Error, Field, HmacSigner};

use super::io::{free_handle, guard, handle, FfiResult, HandleOut, RawIn, RawOut, Region};
use super::result::{snapsign_result, Failure};

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

/// The checked inputs of a transaction string-to-sign.
pub(crate) struct TransactionInputs {
    method: RawIn,
    path: RawIn,
    access_token: RawIn,
    body: RawIn,
    timestamp: RawIn,
}

impl TransactionInputs {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
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
    ) -> FfiResult<Self> {
        Ok(TransactionInputs {
            method: RawIn::new(method, method_len, "method is NULL")?,
            path: RawIn::new(path, path_len, "path is NULL")?,
            access_token: RawIn::new(access_token, access_token_len, "access_token is NULL")?,
            body: RawIn::new(body, body_len, "body is NULL")?,
            timestamp: RawIn::new(timestamp, timestamp_len, "timestamp is NULL")?,
        })
    }

    pub(crate) fn regions(&self) -> [Region; 5] {
        [
            self.method.region(),
            self.path.region(),
            self.access_token.region(),
            self.body.region(),
            self.timestamp.region(),
        ]
    }

    /// # Safety
    /// The inputs are readable for the duration of the C call.
    pub(crate) unsafe fn string_to_sign(&self) -> FfiResult<string_to_sign::TransactionStringToSign> {
        // SAFETY: forwarded contract.
        let (method, path, token, body, timestamp) = unsafe {
            (
                self.method.text(Field::Method)?,
                self.path.text(Field::Path)?,
                self.access_token.text(Field::AccessToken)?,
                self.body.bytes(),
                self.timestamp.text(Field::Timestamp)?,
            )
        };
        Ok(string_to_sign::transaction(method, path, token, &body_digest(body)?, timestamp)?)
    }
}

fn sign_out(signer: &HmacSigner, message: &[u8], out: RawOut) -> FfiResult {
    out.reserve(SNAPSIGN_HMAC_SIGNATURE_LEN)?;
    let mut buf = [0u8; SNAPSIGN_HMAC_SIGNATURE_LEN];
    let n = signer.sign_into(message, &mut buf)?;
    out.write(buf.get(..n).ok_or(Failure::Core(Error::Crypto))?)
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
    guard(|| {
        // SAFETY: forwarded contract for every pointer below.
        let out = unsafe { HandleOut::new(out) }?;
        let secret = RawIn::new(secret, secret_len, "secret is NULL")?;
        super::io::check_disjoint(&[out.region()], &[secret.region()])?;
        let signer = HmacSigner::new(unsafe { secret.bytes() })?;
        out.set(snapsign_hmac { signer });
        Ok(())
    })
}

/// Frees (and zeroizes) an HMAC handle. NULL is ignored.
///
/// # Safety
/// `hmac` must be NULL or a handle from `snapsign_hmac_new` that is not used afterwards and not
/// freed twice.
#[no_mangle]
pub unsafe extern "C" fn snapsign_hmac_free(hmac: *mut snapsign_hmac) {
    // SAFETY: forwarded contract. A panic while dropping is caught and ignored.
    let _ = catch_unwind(AssertUnwindSafe(|| unsafe { free_handle(hmac) }));
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
    guard(|| {
        // SAFETY: forwarded contract for every pointer below.
        let out = unsafe { RawOut::new(out, out_cap, out_len) }?;
        let hmac = unsafe { handle(hmac, "hmac is NULL") }?;
        let message = RawIn::new(message, message_len, "message is NULL")?;
        out.check_disjoint(&[message.region()])?;
        sign_out(&hmac.signer, unsafe { message.bytes() }, out)
    })
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
    guard(|| {
        // SAFETY: forwarded contract for every pointer below.
        let hmac = unsafe { handle(hmac, "hmac is NULL") }?;
        let message = unsafe { RawIn::new(message, message_len, "message is NULL")?.bytes() };
        let signature = unsafe { RawIn::new(signature, signature_len, "signature is NULL")?.bytes() };
        Ok(hmac.signer.verify(message, signature)?)
    })
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
    guard(|| {
        // SAFETY: forwarded contract for every pointer below.
        let out = unsafe { RawOut::new(out, out_cap, out_len) }?;
        let hmac = unsafe { handle(hmac, "hmac is NULL") }?;
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
        let s = unsafe { inputs.string_to_sign() }?;
        sign_out(&hmac.signer, s.as_bytes(), out)
    })
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
    guard(|| {
        // SAFETY: forwarded contract for every pointer below.
        let hmac = unsafe { handle(hmac, "hmac is NULL") }?;
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
        let signature = unsafe { RawIn::new(signature, signature_len, "signature is NULL")?.bytes() };
        let s = unsafe { inputs.string_to_sign() }?;
        Ok(hmac.signer.verify(s.as_bytes(), signature)?)
    })
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
    guard(|| {
        // SAFETY: forwarded contract for every pointer below.
        let out = unsafe { RawOut::new(out, out_cap, out_len) }?;
        let secret = RawIn::new(secret, secret_len, "secret is NULL")?;
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
        let regions = inputs.regions();
        out.check_disjoint(&[&regions[..], &[secret.region()]].concat())?;
        let signer = HmacSigner::new(unsafe { secret.bytes() })?;
        let s = unsafe { inputs.string_to_sign() }?;
        sign_out(&signer, s.as_bytes(), out)
    })
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
    guard(|| {
        // SAFETY: forwarded contract for every pointer below.
        let secret = unsafe { RawIn::new(secret, secret_len, "secret is NULL")?.bytes() };
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
        let signature = unsafe { RawIn::new(signature, signature_len, "signature is NULL")?.bytes() };
        let signer = HmacSigner::new(secret)?;
        let s = unsafe { inputs.string_to_sign() }?;
        Ok(signer.verify(s.as_bytes(), signature)?)
    })
}
