//! RSA handles: `snapsign_signer` (private key: token and service signatures) and
//! `snapsign_verifier` (public key).

use core::ffi::{c_int, c_void};
use std::panic::{catch_unwind, AssertUnwindSafe};

use snapsign_core::body_digest::body_digest;
use snapsign_core::rng::{EntropyError, FillRng};
use snapsign_core::{string_to_sign, Error, Field, KeyOptions, RsaSigner, RsaVerifier};

use super::io::{free_handle, guard, handle, FfiResult, HandleOut, RawIn, RawOut};
use super::result::{snapsign_result, Failure};

/// Flag for `snapsign_signer_new` / `snapsign_verifier_new`: accept RSA keys shorter than 2048
/// bits (legacy test systems only). Without it such keys give `SNAPSIGN_RESULT_WEAK_KEY`.
pub const SNAPSIGN_KEY_ALLOW_WEAK: u32 = 1;

/// The longest base64 RSA signature (an 8192-bit key); 344 for a 2048-bit key, 512 for 3072 and
/// 684 for 4096. `snapsign_signer_signature_len` gives the exact length for a key.
pub const SNAPSIGN_RSA_SIGNATURE_MAX_LEN: usize = 1368;
const _: () = assert!(SNAPSIGN_RSA_SIGNATURE_MAX_LEN == snapsign_core::rsa::MAX_SIGNATURE_LEN);

/// An entropy callback: fill `buf[0..len]` with cryptographically secure random bytes and
/// return 0, or return non-zero on failure (the call that needed the bytes then fails with
/// `SNAPSIGN_RESULT_RNG`). `userdata` is the pointer given with the callback
/// (`snapsign_signer_new_with_rng`, `snapsign_external_id_with_rng`).
///
/// A signer's callback is called during signing (RSA blinding), possibly from several threads at
/// once when the signer is shared, so it must be thread-safe in that case. It must not unwind (no
/// C++ exceptions, no longjmp).
pub type snapsign_fill_fn = Option<unsafe extern "C" fn(userdata: *mut c_void, buf: *mut u8, len: usize) -> c_int>;

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

/// The terminal's entropy callback (a source for [`FillRng`]).
#[derive(Clone, Copy)]
pub(crate) struct CallbackRng {
    pub(crate) fill: unsafe extern "C" fn(*mut c_void, *mut u8, usize) -> c_int,
    pub(crate) userdata: *mut c_void,
}

// SAFETY: the C caller guarantees (documented on `snapsign_signer_new_with_rng`) that `fill`
// may be called with `userdata` from any thread, concurrently when the signer is shared.
unsafe impl Send for CallbackRng {}
// SAFETY: as above; the struct itself is never mutated after creation.
unsafe impl Sync for CallbackRng {}

impl CallbackRng {
    /// Fills `dst` through the callback.
    pub(crate) fn fill(&self, dst: &mut [u8]) -> Result<(), EntropyError> {
        // SAFETY: `dst` is a valid, initialised, writable buffer of `dst.len()` bytes; the
        // callback's own contract (fill at most `len` bytes) is the caller's.
        match unsafe { (self.fill)(self.userdata, dst.as_mut_ptr(), dst.len()) } {
            0 => Ok(()),
            _ => Err(EntropyError),
        }
    }
}

impl snapsign_signer {
    fn sign_into(&self, message: &[u8], out: &mut [u8]) -> snapsign_core::Result<usize> {
        match self.rng {
            RngSource::Os => self.signer.sign_into(message, &mut getrandom::SysRng, out),
            RngSource::Callback(callback) => {
                self.signer.sign_into(message, &mut FillRng::new(|buf: &mut [u8]| callback.fill(buf)), out)
            }
        }
    }

    /// Signs `message` into `out` (capacity checked before any work).
    fn sign_out(&self, message: &[u8], out: RawOut) -> FfiResult {
        let needed = self.signer.signature_len();
        out.reserve(needed)?;
        let mut buf = [0u8; SNAPSIGN_RSA_SIGNATURE_MAX_LEN];
        let n = self.sign_into(message, &mut buf)?;
        out.write(buf.get(..n).ok_or(Failure::Core(Error::Crypto))?)
    }
}

fn key_options(flags: u32, passphrase: Option<&[u8]>) -> FfiResult<KeyOptions<'_>> {
    if flags & !SNAPSIGN_KEY_ALLOW_WEAK != 0 {
        return Err(Failure::invalid("unknown bits in flags"));
    }
    Ok(KeyOptions { allow_weak: flags & SNAPSIGN_KEY_ALLOW_WEAK != 0, passphrase })
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
    out: *mut *mut snapsign_signer,
) -> FfiResult {
    // SAFETY: caller's contract for `out`.
    let out = unsafe { HandleOut::new(out) }?;
    let key = RawIn::new(key, key_len, "key is NULL")?;
    let pass = if passphrase.is_null() { None } else { Some(RawIn::new(passphrase, passphrase_len, "passphrase")?) };
    super::io::check_disjoint(&[out.region()], &[key.region(), pass.map_or(key.region(), |p| p.region())])?;
    // SAFETY: caller's contract: readable for the call.
    let (key, pass) = unsafe { (key.bytes(), pass.map(|p| p.bytes())) };
    let signer = RsaSigner::from_bytes(key, &key_options(flags, pass)?)?;
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
    // SAFETY: forwarded contract.
    guard(|| unsafe { new_signer(key, key_len, passphrase, passphrase_len, flags, RngSource::Os, out) })
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
    guard(|| {
        let Some(fill) = fill else {
            // SAFETY: caller's contract for `out`; set it to NULL as promised.
            let _ = unsafe { HandleOut::new(out) };
            return Err(Failure::null("fill callback is NULL"));
        };
        let rng = RngSource::Callback(CallbackRng { fill, userdata });
        // SAFETY: forwarded contract.
        unsafe { new_signer(key, key_len, passphrase, passphrase_len, flags, rng, out) }
    })
}

/// Frees a signer (zeroizing the key). NULL is ignored.
///
/// # Safety
/// `signer` must be NULL or a signer from `snapsign_signer_new*` that is not used afterwards
/// and not freed twice.
#[no_mangle]
pub unsafe extern "C" fn snapsign_signer_free(signer: *mut snapsign_signer) {
    // SAFETY: forwarded contract. A panic while dropping is caught and ignored.
    let _ = catch_unwind(AssertUnwindSafe(|| unsafe { free_handle(signer) }));
}

/// The length of this signer's base64 signatures (344 for a 2048-bit key); 0 for NULL.
///
/// # Safety
/// `signer` must be NULL or a live signer.
#[no_mangle]
pub unsafe extern "C" fn snapsign_signer_signature_len(signer: *const snapsign_signer) -> usize {
    // SAFETY: forwarded contract.
    catch_unwind(|| unsafe { signer.as_ref() }.map_or(0, |s| s.signer.signature_len())).unwrap_or(0)
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
    guard(|| {
        // SAFETY: forwarded contract.
        let out = unsafe { HandleOut::new(out) }?;
        // SAFETY: forwarded contract.
        let signer = unsafe { handle(signer, "signer is NULL") }?;
        out.set(snapsign_verifier { verifier: signer.signer.verifier() });
        Ok(())
    })
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
    guard(|| {
        // SAFETY: forwarded contract for every pointer below.
        let out = unsafe { RawOut::new(out, out_cap, out_len) }?;
        let signer = unsafe { handle(signer, "signer is NULL") }?;
        let message = RawIn::new(message, message_len, "message is NULL")?;
        out.check_disjoint(&[message.region()])?;
        let message = unsafe { message.bytes() };
        signer.sign_out(message, out)
    })
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
    guard(|| {
        // SAFETY: forwarded contract for every pointer below.
        let out = unsafe { RawOut::new(out, out_cap, out_len) }?;
        let signer = unsafe { handle(signer, "signer is NULL") }?;
        let client_id = RawIn::new(client_id, client_id_len, "client_id is NULL")?;
        let timestamp = RawIn::new(timestamp, timestamp_len, "timestamp is NULL")?;
        out.check_disjoint(&[client_id.region(), timestamp.region()])?;
        let client_id = unsafe { client_id.text(Field::ClientId) }?;
        let timestamp = unsafe { timestamp.text(Field::Timestamp) }?;
        let s = string_to_sign::token(client_id, timestamp)?;
        signer.sign_out(s.as_bytes(), out)
    })
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
    guard(|| {
        // SAFETY: forwarded contract for every pointer below.
        let out = unsafe { RawOut::new(out, out_cap, out_len) }?;
        let signer = unsafe { handle(signer, "signer is NULL") }?;
        let inputs = ServiceInputs::new(method, method_len, path, path_len, body, body_len, timestamp, timestamp_len)?;
        out.check_disjoint(&inputs.regions())?;
        let s = unsafe { inputs.string_to_sign() }?;
        signer.sign_out(s.as_bytes(), out)
    })
}

/// The checked inputs of a service string-to-sign.
pub(crate) struct ServiceInputs {
    method: RawIn,
    path: RawIn,
    body: RawIn,
    timestamp: RawIn,
}

impl ServiceInputs {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        method: *const u8,
        method_len: usize,
        path: *const u8,
        path_len: usize,
        body: *const u8,
        body_len: usize,
        timestamp: *const u8,
        timestamp_len: usize,
    ) -> FfiResult<Self> {
        Ok(ServiceInputs {
            method: RawIn::new(method, method_len, "method is NULL")?,
            path: RawIn::new(path, path_len, "path is NULL")?,
            body: RawIn::new(body, body_len, "body is NULL")?,
            timestamp: RawIn::new(timestamp, timestamp_len, "timestamp is NULL")?,
        })
    }

    pub(crate) fn regions(&self) -> [super::io::Region; 4] {
        [self.method.region(), self.path.region(), self.body.region(), self.timestamp.region()]
    }

    /// # Safety
    /// The inputs are readable for the duration of the C call.
    pub(crate) unsafe fn string_to_sign(&self) -> FfiResult<string_to_sign::ServiceStringToSign> {
        // SAFETY: forwarded contract.
        let (method, path, body, timestamp) = unsafe {
            (
                self.method.text(Field::Method)?,
                self.path.text(Field::Path)?,
                self.body.bytes(),
                self.timestamp.text(Field::Timestamp)?,
            )
        };
        Ok(string_to_sign::service(method, path, &body_digest(body)?, timestamp)?)
    }
}

/// Loads an RSA public key for verification: PEM or DER, SubjectPublicKeyInfo
/// (`BEGIN PUBLIC KEY`) or PKCS#1 (`BEGIN RSA PUBLIC KEY`); a private key is accepted too and
/// its public half used. `flags`: 0 or `SNAPSIGN_KEY_ALLOW_WEAK`. On success `*out` receives a
/// new verifier (free with `snapsign_verifier_free`); on error it is NULL.
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
    guard(|| {
        // SAFETY: forwarded contract for every pointer below.
        let out = unsafe { HandleOut::new(out) }?;
        let key = RawIn::new(key, key_len, "key is NULL")?;
        super::io::check_disjoint(&[out.region()], &[key.region()])?;
        let key = unsafe { key.bytes() };
        let verifier = RsaVerifier::from_bytes(key, &key_options(flags, None)?)?;
        out.set(snapsign_verifier { verifier });
        Ok(())
    })
}

/// Frees a verifier. NULL is ignored.
///
/// # Safety
/// `verifier` must be NULL or a verifier from snapsign that is not used afterwards and not freed
/// twice.
#[no_mangle]
pub unsafe extern "C" fn snapsign_verifier_free(verifier: *mut snapsign_verifier) {
    // SAFETY: forwarded contract. A panic while dropping is caught and ignored.
    let _ = catch_unwind(AssertUnwindSafe(|| unsafe { free_handle(verifier) }));
}

/// The length of base64 signatures for this key (344 for 2048 bits); 0 for NULL.
///
/// # Safety
/// `verifier` must be NULL or a live verifier.
#[no_mangle]
pub unsafe extern "C" fn snapsign_verifier_signature_len(verifier: *const snapsign_verifier) -> usize {
    // SAFETY: forwarded contract.
    catch_unwind(|| unsafe { verifier.as_ref() }.map_or(0, |v| v.verifier.signature_len())).unwrap_or(0)
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
    guard(|| {
        // SAFETY: forwarded contract for every pointer below.
        let verifier = unsafe { handle(verifier, "verifier is NULL") }?;
        let message = unsafe { RawIn::new(message, message_len, "message is NULL")?.bytes() };
        let signature = unsafe { RawIn::new(signature, signature_len, "signature is NULL")?.bytes() };
        Ok(verifier.verifier.verify(message, signature)?)
    })
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
    guard(|| {
        // SAFETY: forwarded contract for every pointer below.
        let verifier = unsafe { handle(verifier, "verifier is NULL") }?;
        let client_id = RawIn::new(client_id, client_id_len, "client_id is NULL")?;
        let timestamp = RawIn::new(timestamp, timestamp_len, "timestamp is NULL")?;
        let signature = unsafe { RawIn::new(signature, signature_len, "signature is NULL")?.bytes() };
        let client_id = unsafe { client_id.text(Field::ClientId) }?;
        let timestamp = unsafe { timestamp.text(Field::Timestamp) }?;
        Ok(verifier.verifier.verify_token(client_id, timestamp, signature)?)
    })
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
    guard(|| {
        // SAFETY: forwarded contract for every pointer below.
        let verifier = unsafe { handle(verifier, "verifier is NULL") }?;
        let inputs = ServiceInputs::new(method, method_len, path, path_len, body, body_len, timestamp, timestamp_len)?;
        let signature = unsafe { RawIn::new(signature, signature_len, "signature is NULL")?.bytes() };
        let s = unsafe { inputs.string_to_sign() }?;
        Ok(verifier.verifier.verify(s.as_bytes(), signature)?)
    })
}
