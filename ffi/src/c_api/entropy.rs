//! The terminal's own entropy source, a C callback, for RSA blinding and `X-EXTERNAL-ID`s.

use core::ffi::{c_int, c_void};

use snapsign_core::rng::EntropyError;

use super::args::FfiResult;
use super::last_error::{Failure, Problem};

/// An entropy callback: fill `buf[0..len]` with cryptographically secure random bytes and
/// return 0, or return non-zero on failure (the call that needed the bytes then fails with
/// `SNAPSIGN_RESULT_RNG`). `userdata` is the pointer given with the callback
/// (`snapsign_signer_new_with_rng`, `snapsign_external_id_with_rng`).
///
/// A signer's callback is called during signing (RSA blinding), possibly from several threads at
/// once when the signer is shared, so it must be thread-safe in that case. It must not unwind (no
/// C++ exceptions, no longjmp).
pub type snapsign_fill_fn = Option<unsafe extern "C" fn(userdata: *mut c_void, buf: *mut u8, len: usize) -> c_int>;

/// A non-NULL entropy callback with its `userdata` (a source for `snapsign_core::rng::FillRng`).
#[derive(Clone, Copy)]
pub(crate) struct CallbackRng {
    fill: unsafe extern "C" fn(*mut c_void, *mut u8, usize) -> c_int,
    userdata: *mut c_void,
}

// SAFETY: the C caller guarantees (documented on `snapsign_signer_new_with_rng`) that `fill`
// may be called with `userdata` from any thread, concurrently when the signer is shared.
unsafe impl Send for CallbackRng {}
// SAFETY: as above; the struct itself is never mutated after creation.
unsafe impl Sync for CallbackRng {}

impl CallbackRng {
    /// The `fill` argument (NULL is refused, naming it) with its `userdata`.
    pub(crate) fn new(fill: snapsign_fill_fn, userdata: *mut c_void) -> FfiResult<Self> {
        let fill = fill.ok_or(Failure::Argument { name: "fill", problem: Problem::Null })?;
        Ok(CallbackRng { fill, userdata })
    }

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
