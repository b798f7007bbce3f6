//! RSA handles: `snapsign_signer` (private key: token and service signatures) and
//! `snapsign_verifier` (public key).

use core::ffi::c_void;

use snapsign_core::rng::{EntropyError, FillRng};
use snapsign_core::{KeyOptions, RsaSigner, RsaVerifier};

use super::args::{
    check_disjoint, check_flags, free_handle, handle, handle_out, raw_in, raw_out, FfiResult, HandleOut, Region,
};
use super::boundary::ffi_boundary;
use super::entropy::{snapsign_fill_fn, CallbackRng};
use super::inputs::{ServiceInputs, TokenInputs};
use super::result::snapsign_result;

/// Flag for `snapsign_signer_new` / `snapsign_verifier_new`: accept RSA keys shorter than 2048
/// bits (legacy test systems only). Without it such keys give `SNAPSIGN_RESULT_WEAK_KEY`.
pub const SNAPSIGN_KEY_ALLOW_WEAK: u32 = 1;

/// The longest base64 RSA signature (an 8192-bit key); 344 for a 2048-bit key, 512 for 3072 and
/// 684 for 4096. `snapsign_signer_signature_len` gives the exact length for a key.
pub const SNAPSIGN_RSA_SIGNATURE_MAX_LEN: usize = 1368;
const _: () = assert!(SNAPSIGN_RSA_SIGNATURE_MAX_LEN == snapsign_core::rsa::MAX_SIGNATURE_LEN);

/// A loaded RSA private key that signs access-token (`clientId|timestamp`) and service
/// (`METHOD:path:digest:timestamp`) strings with SHA256withRSA.
///
/// Create with `snapsign_signer_new` or `snapsign_signer_new_with_rng`, free with
/// `snapsign_signer_free`. Immutable after creation: one signer may be used from several threads
/// at once. The key is zeroized when freed.
pub struct snapsign_signer {
    signer: RsaSigner,
    rng: RngSource,
}

/// A loaded RSA public key that verifies access-token and service signatures.
///
/// Create with `snapsign_verifier_new` (or `snapsign_signer_verifier`), free with
/// `snapsign_verifier_free`. Immutable: usable from several threads at once.
pub struct snapsign_verifier {
    verifier: RsaVerifier,
}

#[derive(Clone, Copy)]
enum RngSource {
    Os,
    Callback(CallbackRng),
}

/// The blinding RNG handed to the core: either source behind one type.
type Blinding<'a> = FillRng<&'a mut dyn FnMut(&mut [u8]) -> Result<(), EntropyError>>;

impl snapsign_signer {
    /// Runs a core signing function with this signer's blinding RNG.
    fn sign_with<T>(&self, sign: impl FnOnce(&RsaSigner, &mut Blinding<'_>) -> T) -> T {
        let mut os = |buf: &mut [u8]| getrandom::fill(buf).map_err(|_| EntropyError);
        let mut callback;
        let fill: &mut dyn FnMut(&mut [u8]) -> Result<(), EntropyError> = match self.rng {
            RngSource::Os => &mut os,
            RngSource::Callback(source) => {
                callback = move |buf: &mut [u8]| source.fill(buf);
                &mut callback
            }
        };
        sign(&self.signer, &mut FillRng::new(fill))
    }
}

pub(crate) fn key_options(flags: u32, passphrase: Option<&[u8]>) -> FfiResult<KeyOptions<'_>> {
    check_flags(flags, SNAPSIGN_KEY_ALLOW_WEAK, "flags")?;
    Ok(KeyOptions { allow_weak: flags & SNAPSIGN_KEY_ALLOW_WEAK != 0, passphrase })
}

/// Loads a private key from the `key`, `passphrase` (NULL: none) and `flags` arguments of a C
/// constructor whose handle goes to `out` (a region the inputs must not overlap).
///
/// # Safety
/// As for `snapsign_signer_new`.
pub(crate) unsafe fn load_private_key(
    key: *const u8,
    key_len: usize,
    passphrase: *const u8,
    passphrase_len: usize,
    flags: u32,
    out: Region,
) -> FfiResult<RsaSigner> {
    let key = raw_in!(key, key_len)?;
    // NULL is "no passphrase", unlike every other input.
    let pass = if passphrase.is_null() { None } else { Some(raw_in!(passphrase, passphrase_len)?) };
    let inputs = [Some(key.region()), pass.map(|p| p.region())];
    check_disjoint(&[out], &inputs.into_iter().flatten().collect::<Vec<_>>())?;
    // SAFETY: caller's contract: readable for the call.
    let (key, pass) = unsafe { (key.bytes(), pass.map(|p| p.bytes())) };
    Ok(RsaSigner::from_bytes(key, &key_options(flags, pass)?)?)
}

/// # Safety
/// As for `snapsign_signer_new`.
unsafe fn new_signer(
    key: *const u8,
    key_len: usize,
    passphrase: *const u8,
    passphrase_len: usize,
    flags: u32,
    rng: RngSource,
    out: HandleOut<snapsign_signer>,
) -> FfiResult {
    // SAFETY: forwarded contract.
    let signer = unsafe { load_private_key(key, key_len, passphrase, passphrase_len, flags, out.region()) }?;
    out.set(snapsign_signer { signer, rng });
    Ok(())
}

/// Loads an RSA private key for signing; blinding uses the operating system's RNG.
///
/// `key`/`key_len`: PEM or DER, PKCS#8 (`BEGIN PRIVATE KEY`, or `BEGIN ENCRYPTED PRIVATE KEY`
/// with a passphrase) or PKCS#1 (`BEGIN RSA PRIVATE KEY`); CRLF line ends, literal `\n`
/// sequences and a bare base64 body are accepted. `passphrase`: NULL for none; otherwise
/// `passphrase_len` bytes (0 for an empty passphrase). `flags`: 0 or `SNAPSIGN_KEY_ALLOW_WEAK`.
/// On success `*out` receives a new signer (free it with `snapsign_signer_free`); on error it is
/// NULL. The key and passphrase buffers are not kept.
///
/// Errors: `SNAPSIGN_RESULT_KEY_*`, `SNAPSIGN_RESULT_WEAK_KEY`, `SNAPSIGN_RESULT_NULL_POINTER`,
/// `SNAPSIGN_RESULT_INVALID_ARGUMENT` (unknown flags).
///
/// # Safety
/// `key` must be valid for reading `key_len` bytes, `passphrase` NULL or valid for reading
/// `passphrase_len` bytes, `out` a writable `snapsign_signer *`.
#[no_mangle]
pub unsafe extern "C" fn snapsign_signer_new(
    key: *const u8,
    key_len: usize,
    passphrase: *const u8,
    passphrase_len: usize,
    flags: u32,
    out: *mut *mut snapsign_signer,
) -> snapsign_result {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        let out = unsafe { handle_out!(out) }?;
        unsafe { new_signer(key, key_len, passphrase, passphrase_len, flags, RngSource::Os, out) }
    }
}

/// Like `snapsign_signer_new`, but blinding takes its randomness from `fill(userdata, buf, len)`
/// (for terminals without an OS RNG, or with a hardware one). A callback failure makes the
/// signing call return `SNAPSIGN_RESULT_RNG`. `fill` must not be NULL.
///
/// # Safety
/// As for `snapsign_signer_new`; in addition `fill` and `userdata` must stay valid until the
/// signer is freed, and `fill` must be safe to call with `userdata` from every thread that
/// uses the signer (concurrently, if the signer is shared).
#[no_mangle]
pub unsafe extern "C" fn snapsign_signer_new_with_rng(
    key: *const u8,
    key_len: usize,
    passphrase: *const u8,
    passphrase_len: usize,
    flags: u32,
    fill: snapsign_fill_fn,
    userdata: *mut c_void,
    out: *mut *mut snapsign_signer,
) -> snapsign_result {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        let out = unsafe { handle_out!(out) }?;
        let rng = RngSource::Callback(CallbackRng::new(fill, userdata)?);
        unsafe { new_signer(key, key_len, passphrase, passphrase_len, flags, rng, out) }
    }
}

/// Frees a signer (zeroizing the key). NULL is ignored.
///
/// # Safety
/// `signer` must be NULL or a signer from `snapsign_signer_new*` that is not used afterwards
/// and not freed twice.
#[no_mangle]
pub unsafe extern "C" fn snapsign_signer_free(signer: *mut snapsign_signer) {
    // SAFETY: forwarded contract.
    ffi_boundary! { unsafe { free_handle(signer) } }
}

/// The length of this signer's base64 signatures (344 for a 2048-bit key); 0 for NULL.
///
/// # Safety
/// `signer` must be NULL or a live signer.
#[no_mangle]
pub unsafe extern "C" fn snapsign_signer_signature_len(signer: *const snapsign_signer) -> usize {
    // SAFETY: forwarded contract.
    ffi_boundary! { unsafe { signer.as_ref() }.map_or(0, |s| s.signer.signature_len()) }
}

/// Makes a verifier for the signer's public key (`*out`, free with `snapsign_verifier_free`).
///
/// # Safety
/// `signer` must be NULL or a live signer; `out` a writable `snapsign_verifier *`.
#[no_mangle]
pub unsafe extern "C" fn snapsign_signer_verifier(
    signer: *const snapsign_signer,
    out: *mut *mut snapsign_verifier,
) -> snapsign_result {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        let out = unsafe { handle_out!(out) }?;
        let signer = unsafe { handle!(signer) }?;
        out.set(snapsign_verifier { verifier: signer.signer.verifier() });
        Ok(())
    }
}

/// Signs an arbitrary string-to-sign (`message`, any bytes) with SHA256withRSA and writes the
/// base64 signature (`snapsign_signer_signature_len` bytes) to `out`.
///
/// # Safety
/// `signer` a live signer; `message` readable for `message_len` bytes; `out` NULL or writable
/// for `out_cap` bytes; `out_len` a writable `size_t`.
#[no_mangle]
pub unsafe extern "C" fn snapsign_signer_sign(
    signer: *const snapsign_signer,
    message: *const u8,
    message_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> snapsign_result {
    ffi_boundary! {
        // SAFETY: forwarded contract for every pointer below.
        let out = unsafe { raw_out!(out, out_cap, out_len) }?;
        let signer = unsafe { handle!(signer) }?;
        let message = raw_in!(message, message_len)?;
        out.check_disjoint(&[message.region()])?;
        let message = unsafe { message.bytes() };
        out.write_with::<SNAPSIGN_RSA_SIGNATURE_MAX_LEN>(|buf| signer.sign_with(|s, rng| s.sign_into(message, rng, buf)))
    }
}

/// The access-token signature (`X-SIGNATURE` of the B2B/B2B2C token request): signs
/// `clientId|timestamp` and writes the base64 signature to `out`.
///
/// `client_id` is the `X-CLIENT-KEY` value, `timestamp` the exact `X-TIMESTAMP` header value.
///
/// # Safety
/// `signer` a live signer; each input readable for its length; `out` NULL or writable for
/// `out_cap` bytes; `out_len` a writable `size_t`.
#[no_mangle]
pub unsafe extern "C" fn snapsign_signer_sign_token(
    signer: *const snapsign_signer,
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
        let signer = unsafe { handle!(signer) }?;
        let inputs = TokenInputs::new(client_id, client_id_len, timestamp, timestamp_len)?;
        out.check_disjoint(&inputs.regions())?;
        let (client_id, timestamp) = unsafe { inputs.read() }?;
        out.write_with::<SNAPSIGN_RSA_SIGNATURE_MAX_LEN>(|buf| {
            signer.sign_with(|s, rng| s.sign_token_into(client_id, timestamp, rng, buf))
        })
    }
}

/// The service signature (asymmetric, no access token; notifications and some providers'
/// requests): signs `METHOD:path:sha256hex(minify(body)):timestamp`.
///
/// `method` upper case; `path` relative, with its query string; `body` the exact bytes sent
/// (empty for none).
///
/// # Safety
/// `signer` a live signer; each input readable for its length; `out` NULL or writable for
/// `out_cap` bytes; `out_len` a writable `size_t`.
#[no_mangle]
pub unsafe extern "C" fn snapsign_signer_sign_service(
    signer: *const snapsign_signer,
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
        let signer = unsafe { handle!(signer) }?;
        let inputs = ServiceInputs::new(method, method_len, path, path_len, body, body_len, timestamp, timestamp_len)?;
        out.check_disjoint(&inputs.regions())?;
        let r = unsafe { inputs.read() }?;
        out.write_with::<SNAPSIGN_RSA_SIGNATURE_MAX_LEN>(|buf| {
            signer.sign_with(|s, rng| s.sign_service_into(r.method, r.path, r.body, r.timestamp, rng, buf))
        })
    }
}

/// Loads an RSA public key for verification: PEM or DER, SubjectPublicKeyInfo
/// (`BEGIN PUBLIC KEY`) or PKCS#1 (`BEGIN RSA PUBLIC KEY`), or the key of an X.509 certificate
/// (a provider's `.cer`/`.crt`; its validity is not checked: SNAP pins keys and uses no PKI); a
/// private key is accepted too (its public half is used). `flags`: 0 or `SNAPSIGN_KEY_ALLOW_WEAK`. On success `*out` receives a
/// new verifier (free it with `snapsign_verifier_free`); on error it is NULL.
///
/// # Safety
/// `key` readable for `key_len` bytes; `out` a writable `snapsign_verifier *`.
#[no_mangle]
pub unsafe extern "C" fn snapsign_verifier_new(
    key: *const u8,
    key_len: usize,
    flags: u32,
    out: *mut *mut snapsign_verifier,
) -> snapsign_result {
    ffi_boundary! {
        // SAFETY: forwarded contract for every pointer below.
        let out = unsafe { handle_out!(out) }?;
        let key = raw_in!(key, key_len)?;
        check_disjoint(&[out.region()], &[key.region()])?;
        let verifier = RsaVerifier::from_bytes(unsafe { key.bytes() }, &key_options(flags, None)?)?;
        out.set(snapsign_verifier { verifier });
        Ok(())
    }
}

/// Frees a verifier. NULL is ignored.
///
/// # Safety
/// `verifier` must be NULL or a verifier from snapsign that is not used afterwards and not freed
/// twice.
#[no_mangle]
pub unsafe extern "C" fn snapsign_verifier_free(verifier: *mut snapsign_verifier) {
    // SAFETY: forwarded contract.
    ffi_boundary! { unsafe { free_handle(verifier) } }
}

/// The length of base64 signatures for this key (344 for 2048 bits); 0 for NULL.
///
/// # Safety
/// `verifier` must be NULL or a live verifier.
#[no_mangle]
pub unsafe extern "C" fn snapsign_verifier_signature_len(verifier: *const snapsign_verifier) -> usize {
    // SAFETY: forwarded contract.
    ffi_boundary! { unsafe { verifier.as_ref() }.map_or(0, |v| v.verifier.signature_len()) }
}

/// Verifies a base64 SHA256withRSA `signature` over an arbitrary `message`.
///
/// Returns `SNAPSIGN_RESULT_OK` when it matches, else `SNAPSIGN_RESULT_SIGNATURE_MISMATCH`,
/// `SNAPSIGN_RESULT_INVALID_BASE64` or `SNAPSIGN_RESULT_SIGNATURE_LENGTH`.
///
/// # Safety
/// `verifier` a live verifier; inputs readable for their lengths.
#[no_mangle]
pub unsafe extern "C" fn snapsign_verifier_verify(
    verifier: *const snapsign_verifier,
    message: *const u8,
    message_len: usize,
    signature: *const u8,
    signature_len: usize,
) -> snapsign_result {
    ffi_boundary! {
        // SAFETY: forwarded contract for every pointer below.
        let verifier = unsafe { handle!(verifier) }?;
        let (message, signature) = (raw_in!(message, message_len)?, raw_in!(signature, signature_len)?);
        Ok(verifier.verifier.verify(unsafe { message.bytes() }, unsafe { signature.bytes() })?)
    }
}

/// Verifies an access-token signature over `clientId|timestamp` (for example a provider's token
/// request to a merchant). Check the timestamp's freshness with `snapsign_timestamp_check_skew`.
///
/// # Safety
/// `verifier` a live verifier; inputs readable for their lengths.
#[no_mangle]
pub unsafe extern "C" fn snapsign_verifier_verify_token(
    verifier: *const snapsign_verifier,
    client_id: *const u8,
    client_id_len: usize,
    timestamp: *const u8,
    timestamp_len: usize,
    signature: *const u8,
    signature_len: usize,
) -> snapsign_result {
    ffi_boundary! {
        // SAFETY: forwarded contract for every pointer below.
        let verifier = unsafe { handle!(verifier) }?;
        let inputs = TokenInputs::new(client_id, client_id_len, timestamp, timestamp_len)?;
        let signature = unsafe { raw_in!(signature, signature_len)?.bytes() };
        let (client_id, timestamp) = unsafe { inputs.read() }?;
        Ok(verifier.verifier.verify_token(client_id, timestamp, signature)?)
    }
}

/// Verifies a service signature over `METHOD:path:sha256hex(minify(body)):timestamp` (for
/// example a provider's webhook; `body` is the exact bytes received).
///
/// # Safety
/// `verifier` a live verifier; inputs readable for their lengths.
#[no_mangle]
pub unsafe extern "C" fn snapsign_verifier_verify_service(
    verifier: *const snapsign_verifier,
    method: *const u8,
    method_len: usize,
    path: *const u8,
    path_len: usize,
    body: *const u8,
    body_len: usize,
    timestamp: *const u8,
    timestamp_len: usize,
    signature: *const u8,
    signature_len: usize,
) -> snapsign_result {
    ffi_boundary! {
        // SAFETY: forwarded contract for every pointer below.
        let verifier = unsafe { handle!(verifier) }?;
        let inputs = ServiceInputs::new(method, method_len, path, path_len, body, body_len, timestamp, timestamp_len)?;
        let signature = unsafe { raw_in!(signature, signature_len)?.bytes() };
        let r = unsafe { inputs.read() }?;
        Ok(verifier.verifier.verify_service(r.method, r.path, r.body, r.timestamp, signature)?)
    }
}
