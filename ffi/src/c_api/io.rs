//! The checks every entry point makes: panics caught, pointers and lengths validated before any
//! slice is made, outputs disjoint from inputs, outputs copied only when they fit.

use core::mem::{align_of, size_of};
use core::ptr::{self, NonNull};
use core::slice;
use std::panic::{catch_unwind, AssertUnwindSafe};

use snapsign_core::{Error, Field};

use super::result::{set_last_failure, snapsign_result, Failure};

pub(crate) type FfiResult<T = ()> = Result<T, Failure>;

/// Runs an entry point's body: resets the thread's last error, catches any panic.
pub(crate) fn guard(f: impl FnOnce() -> FfiResult) -> snapsign_result {
    set_last_failure(None);
    guard_keeping_last_error(f)
}

/// [`guard`] without resetting the last error first (for `snapsign_last_error_message`).
pub(crate) fn guard_keeping_last_error(f: impl FnOnce() -> FfiResult) -> snapsign_result {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => snapsign_result::Ok,
        Ok(Err(failure)) => {
            set_last_failure(Some(failure));
            failure.code()
        }
        Err(payload) => {
            // Dropping the payload runs foreign code (its Drop); a second panic there is
            // caught too and its payload leaked rather than dropped.
            if let Err(again) = catch_unwind(AssertUnwindSafe(move || drop(payload))) {
                core::mem::forget(again);
            }
            let failure = Failure::Ffi(snapsign_result::InternalPanic, "a panic was caught at the C boundary");
            set_last_failure(Some(failure));
            snapsign_result::InternalPanic
        }
    }
}

/// Runs `f` inside the same wrapper as every C entry point and returns the code a C caller
/// would get (`InternalPanic` when `f` panics). For the wrapper's own tests.
#[doc(hidden)]
pub fn catch_panic_for_tests<F: FnOnce()>(f: F) -> snapsign_result {
    guard(|| {
        f();
        Ok(())
    })
}

/// A test-only entry point that panics inside the wrapper, proving from C, C++ and Python that
/// the panic is caught and reported as `SNAPSIGN_RESULT_INTERNAL_PANIC`. Not in the header.
///
/// cbindgen:ignore
#[doc(hidden)]
#[no_mangle]
pub extern "C" fn snapsign_internal_test_panic() -> snapsign_result {
    guard(|| panic!("snapsign_internal_test_panic: deliberate panic"))
}

/// A memory region `[start, start + len)` as addresses, for overlap checks.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Region {
    start: usize,
    len: usize,
}

impl Region {
    pub(crate) fn of<T>(ptr: *const T, len: usize) -> Self {
        Region { start: ptr as usize, len }
    }

    fn overlaps(self, other: Region) -> bool {
        // Lengths were checked not to wrap the address space.
        self.len != 0 && other.len != 0 && self.start < other.start + other.len && other.start < self.start + self.len
    }
}

/// Fails with `OverlappingBuffers` when any output region overlaps an input or another output.
pub(crate) fn check_disjoint(outputs: &[Region], inputs: &[Region]) -> FfiResult {
    for (i, out) in outputs.iter().enumerate() {
        let clash = inputs.iter().chain(&outputs[i + 1..]).any(|r| out.overlaps(*r));
        if clash {
            return Err(Failure::Ffi(snapsign_result::OverlappingBuffers, "an output buffer overlaps another buffer"));
        }
    }
    Ok(())
}

fn check_span(ptr: *const u8, len: usize, what: &'static str) -> FfiResult {
    if len > isize::MAX as usize || (ptr as usize).checked_add(len).is_none() {
        return Err(Failure::invalid(what));
    }
    Ok(())
}

/// A checked input buffer: NULL only with length 0, in the address space.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RawIn {
    ptr: *const u8,
    len: usize,
}

impl RawIn {
    /// Checks `ptr`/`len`. `what` names the argument in the error message.
    pub(crate) fn new(ptr: *const u8, len: usize, what: &'static str) -> FfiResult<Self> {
        if len == 0 {
            return Ok(RawIn { ptr: NonNull::dangling().as_ptr(), len: 0 });
        }
        if ptr.is_null() {
            return Err(Failure::null(what));
        }
        check_span(ptr, len, what)?;
        Ok(RawIn { ptr, len })
    }

    pub(crate) fn region(&self) -> Region {
        Region::of(self.ptr, self.len)
    }

    /// The bytes.
    ///
    /// # Safety
    /// The caller's contract: `ptr` is valid for reading `len` bytes, not written by anyone,
    /// for `'a` (the duration of the C call).
    pub(crate) unsafe fn bytes<'a>(self) -> &'a [u8] {
        // SAFETY: non-NULL (or dangling with length 0), length within isize::MAX and not
        // wrapping (checked in `new`); validity for reads is the caller's contract.
        unsafe { slice::from_raw_parts(self.ptr, self.len) }
    }

    /// The bytes as UTF-8 text; `field` names the input in an `InvalidUtf8` error.
    ///
    /// # Safety
    /// As for [`bytes`](Self::bytes).
    pub(crate) unsafe fn text<'a>(self, field: Field) -> FfiResult<&'a str> {
        // SAFETY: forwarded contract.
        let bytes = unsafe { self.bytes() };
        core::str::from_utf8(bytes).map_err(|e| Failure::Core(Error::InvalidUtf8 { field, offset: e.valid_up_to() }))
    }
}

/// A checked output buffer with its `out_len`.
#[derive(Debug)]
pub(crate) struct RawOut {
    ptr: *mut u8,
    cap: usize,
    len: *mut usize,
}

impl RawOut {
    /// Checks the output arguments and sets `*len = 0`.
    ///
    /// # Safety
    /// `len` is NULL or valid for writing a `usize`; `ptr` is NULL or valid for writing `cap`
    /// bytes, for the duration of the C call.
    pub(crate) unsafe fn new(ptr: *mut u8, cap: usize, len: *mut usize) -> FfiResult<Self> {
        if len.is_null() {
            return Err(Failure::null("out_len is NULL"));
        }
        if (len as usize) % align_of::<usize>() != 0 {
            return Err(Failure::invalid("out_len is not aligned for size_t"));
        }
        // SAFETY: non-NULL and aligned; writable by the caller's contract.
        unsafe { len.write(0) };
        if cap > 0 && ptr.is_null() {
            return Err(Failure::null("out is NULL with a non-zero out_cap"));
        }
        check_span(ptr, cap, "out_cap goes beyond the address space")?;
        Ok(RawOut { ptr, cap, len })
    }

    fn regions(&self) -> [Region; 2] {
        [Region::of(self.ptr, self.cap), Region::of(self.len, size_of::<usize>())]
    }

    /// Fails with `OverlappingBuffers` when the buffer or `out_len` overlaps an input.
    pub(crate) fn check_disjoint(&self, inputs: &[Region]) -> FfiResult {
        check_disjoint(&self.regions(), inputs)
    }

    /// Fails with `BufferTooSmall` (and `*out_len = needed`) when `needed` bytes do not fit.
    pub(crate) fn reserve(&self, needed: usize) -> FfiResult {
        if needed > self.cap {
            // SAFETY: checked non-NULL and aligned in `new`.
            unsafe { self.len.write(needed) };
            return Err(Failure::Core(Error::BufferTooSmall { needed }));
        }
        Ok(())
    }

    /// Copies `bytes` out (or fails with `BufferTooSmall`, writing nothing) and sets `*out_len`.
    pub(crate) fn write(self, bytes: &[u8]) -> FfiResult {
        self.reserve(bytes.len())?;
        if !bytes.is_empty() {
            // SAFETY: `ptr` is valid for `cap >= bytes.len()` bytes (non-NULL since cap > 0),
            // and `bytes` is our own buffer, so they do not overlap.
            unsafe { ptr::copy_nonoverlapping(bytes.as_ptr(), self.ptr, bytes.len()) };
        }
        // SAFETY: checked non-NULL and aligned in `new`.
        unsafe { self.len.write(bytes.len()) };
        Ok(())
    }
}

/// An optional out-parameter of type `T` (NULL: not wanted).
#[derive(Debug)]
pub(crate) struct OptOut<T> {
    ptr: *mut T,
}

impl<T: Copy> OptOut<T> {
    /// # Safety
    /// `ptr` is NULL or valid for writing a `T` for the duration of the C call.
    pub(crate) unsafe fn new(ptr: *mut T, what: &'static str) -> FfiResult<Self> {
        if !ptr.is_null() && (ptr as usize) % align_of::<T>() != 0 {
            return Err(Failure::invalid(what));
        }
        Ok(OptOut { ptr })
    }

    pub(crate) fn region(&self) -> Region {
        Region::of(self.ptr, if self.ptr.is_null() { 0 } else { size_of::<T>() })
    }

    pub(crate) fn set(&self, value: T) {
        if !self.ptr.is_null() {
            // SAFETY: non-NULL, aligned (checked in `new`), writable by the caller's contract.
            unsafe { self.ptr.write(value) };
        }
    }
}

/// Where a new handle is stored: `*out` is set to NULL first, to the handle on success.
pub(crate) struct HandleOut<T> {
    ptr: *mut *mut T,
}

impl<T> HandleOut<T> {
    /// # Safety
    /// `ptr` is NULL or valid for writing a pointer for the duration of the C call.
    pub(crate) unsafe fn new(ptr: *mut *mut T) -> FfiResult<Self> {
        if ptr.is_null() {
            return Err(Failure::null("the handle out-pointer is NULL"));
        }
        if (ptr as usize) % align_of::<*mut T>() != 0 {
            return Err(Failure::invalid("the handle out-pointer is not aligned"));
        }
        // SAFETY: non-NULL, aligned, writable by the caller's contract.
        unsafe { ptr.write(ptr::null_mut()) };
        Ok(HandleOut { ptr })
    }

    pub(crate) fn region(&self) -> Region {
        Region::of(self.ptr, size_of::<*mut T>())
    }

    /// Boxes `value` and hands the pointer to the caller, who frees it with the `_free` function.
    pub(crate) fn set(self, value: T) {
        // SAFETY: checked in `new`.
        unsafe { self.ptr.write(Box::into_raw(Box::new(value))) };
    }
}

/// Borrows a handle.
///
/// # Safety
/// `ptr` is NULL or a live handle of this type returned by snapsign and not yet freed.
pub(crate) unsafe fn handle<'a, T>(ptr: *const T, what: &'static str) -> FfiResult<&'a T> {
    // SAFETY: the caller's contract; NULL is reported.
    unsafe { ptr.as_ref() }.ok_or(Failure::null(what))
}

/// Frees a handle made by [`HandleOut::set`]; NULL is ignored.
///
/// # Safety
/// `ptr` is NULL or a handle of this type returned by snapsign, not yet freed and not in use.
pub(crate) unsafe fn free_handle<T>(ptr: *mut T) {
    if !ptr.is_null() {
        // SAFETY: it came from `Box::into_raw` in `HandleOut::set` and is freed only once.
        drop(unsafe { Box::from_raw(ptr) });
    }
}
