//! The one panic boundary every C entry point runs inside: no panic crosses into C, and every
//! return type gets a defined value when one is caught.

use core::ffi::{c_char, c_int};

use super::last_error::{self, Failure};
use super::result::snapsign_result;

/// What an entry point's body returns, and what the C caller gets for it, normally and after a
/// caught panic.
pub(crate) trait PanicOrDefault {
    /// The C return type.
    type C;
    /// The value for a body that returned normally.
    fn finish(self) -> Self::C;
    /// The value for a body that panicked.
    fn on_panic() -> Self::C;
}

/// Every fallible entry point: records the failure (or its absence) as the thread's last error.
impl PanicOrDefault for Result<(), Failure> {
    type C = snapsign_result;

    fn finish(self) -> snapsign_result {
        let code = match &self {
            Ok(()) => snapsign_result::Ok,
            Err(failure) => failure.code(),
        };
        last_error::set(self.err());
        code
    }

    fn on_panic() -> snapsign_result {
        last_error::set(Some(Failure::Panic));
        snapsign_result::InternalPanic
    }
}

/// Sizes (signature lengths): 0, which no valid call returns.
impl PanicOrDefault for usize {
    type C = usize;
    fn finish(self) -> usize {
        self
    }
    fn on_panic() -> usize {
        0
    }
}

/// Booleans: false.
impl PanicOrDefault for c_int {
    type C = c_int;
    fn finish(self) -> c_int {
        self
    }
    fn on_panic() -> c_int {
        0
    }
}

/// `_free` functions.
impl PanicOrDefault for () {
    type C = ();
    fn finish(self) {}
    fn on_panic() {}
}

/// Static strings: the description of `SNAPSIGN_RESULT_INTERNAL_PANIC`, never NULL.
impl PanicOrDefault for *const c_char {
    type C = *const c_char;
    fn finish(self) -> *const c_char {
        self
    }
    fn on_panic() -> *const c_char {
        snapsign_result::InternalPanic.c_description().as_ptr()
    }
}

/// Runs an entry point's body. Use it through [`ffi_boundary!`].
pub(crate) fn run<T: PanicOrDefault>(body: impl FnOnce() -> T) -> T::C {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(body)) {
        Ok(value) => value.finish(),
        Err(payload) => {
            // Dropping the payload runs its Drop, which may panic again; that second panic is
            // caught as well, and only its payload is leaked.
            if let Err(again) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || drop(payload))) {
                core::mem::forget(again);
            }
            T::on_panic()
        }
    }
}

/// The body of every C entry point: `ffi_boundary! { ...; Ok(()) }`.
macro_rules! ffi_boundary {
    ($($body:tt)*) => {
        $crate::c_api::boundary::run(move || { $($body)* })
    };
}
pub(crate) use ffi_boundary;

/// Runs `f` inside the same boundary as every C entry point and returns the code a C caller
/// would get (`InternalPanic` when `f` panics). For the boundary's own tests.
#[doc(hidden)]
pub fn catch_panic_for_tests<F: FnOnce()>(f: F) -> snapsign_result {
    run(|| -> Result<(), Failure> {
        f();
        Ok(())
    })
}

fn deliberate_panic() -> Result<(), Failure> {
    panic!("snapsign_internal_test_panic: deliberate panic")
}

/// A test-only entry point that panics inside the boundary, proving from C, C++ and Python that
/// the panic is caught and reported as `SNAPSIGN_RESULT_INTERNAL_PANIC`. Not in the header.
///
/// cbindgen:ignore
#[doc(hidden)]
#[no_mangle]
pub extern "C" fn snapsign_internal_test_panic() -> snapsign_result {
    ffi_boundary! { deliberate_panic() }
}
