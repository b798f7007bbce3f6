//! Checked C arguments: pointers and lengths validated before any slice is made, outputs disjoint
//! from inputs, outputs copied only when they fit. The macros take the parameters themselves, so
//! every error names the argument it is about.

use core::mem::{align_of, size_of};
use core::ptr::{self, NonNull};
use core::slice;

use snapsign_core::{Error, Field};

use super::last_error::{Failure, Problem};

/// What an entry point's body returns (see `ffi_boundary!`).
pub(crate) type FfiResult<T = ()> = Result<T, Failure>;

const fn fail(name: &'static str, problem: Problem) -> Failure {
    Failure::Argument { name, problem }
}

/// A named memory region `[start, start + len)`, for overlap checks.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Region {
    name: &'static str,
    start: usize,
    len: usize,
}

impl Region {
    pub(crate) fn of<T>(name: &'static str, ptr: *const T, len: usize) -> Self {
        Region { name, start: ptr as usize, len }
    }

    fn overlaps(self, other: Region) -> bool {
        // Lengths were checked not to wrap the address space.
        self.len != 0 && other.len != 0 && self.start < other.start + other.len && other.start < self.start + self.len
    }
}

/// Fails with `OverlappingBuffers`, naming both, when an output overlaps an input or another
/// output.
pub(crate) fn check_disjoint(outputs: &[Region], inputs: &[Region]) -> FfiResult {
    for (i, out) in outputs.iter().enumerate() {
        let others = inputs.iter().chain(outputs.get(i + 1..).unwrap_or_default());
        if let Some(other) = others.into_iter().find(|r| out.overlaps(**r)) {
            return Err(fail(out.name, Problem::Overlaps { other: other.name }));
        }
    }
    Ok(())
}

fn check_span(ptr: *const u8, len: usize, len_name: &'static str) -> FfiResult {
    if len > isize::MAX as usize || (ptr as usize).checked_add(len).is_none() {
        return Err(fail(len_name, Problem::BeyondAddressSpace));
    }
    Ok(())
}

/// A checked input buffer: NULL only with length 0, inside the address space.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RawIn {
    name: &'static str,
    ptr: *const u8,
    len: usize,
}

impl RawIn {
    /// Checks `ptr`/`len`; `name` and `len_name` are the parameters' names. Use [`raw_in!`].
    pub(crate) fn new(ptr: *const u8, len: usize, name: &'static str, len_name: &'static str) -> FfiResult<Self> {
        if len == 0 {
            return Ok(RawIn { name, ptr: NonNull::dangling().as_ptr(), len: 0 });
        }
        if ptr.is_null() {
            return Err(fail(name, Problem::NullWithLength { length: len_name }));
        }
        check_span(ptr, len, len_name)?;
        Ok(RawIn { name, ptr, len })
    }

    pub(crate) fn region(&self) -> Region {
        Region::of(self.name, self.ptr, self.len)
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

/// A checked input buffer from a pointer and a length parameter: `raw_in!(body, body_len)?`.
macro_rules! raw_in {
    ($ptr:ident, $len:ident) => {
        $crate::c_api::args::RawIn::new($ptr, $len, stringify!($ptr), stringify!($len))
    };
}
pub(crate) use raw_in;

/// A checked output buffer with its `out_len`.
#[derive(Debug)]
pub(crate) struct RawOut {
    name: &'static str,
    ptr: *mut u8,
    cap: usize,
    len_name: &'static str,
    len: *mut usize,
}

impl RawOut {
    /// Checks the output arguments and sets `*len = 0`. Use [`raw_out!`].
    ///
    /// # Safety
    /// `len` is NULL or valid for writing a `usize`; `ptr` is NULL or valid for writing `cap`
    /// bytes, for the duration of the C call.
    pub(crate) unsafe fn new(
        ptr: *mut u8,
        cap: usize,
        len: *mut usize,
        [name, cap_name, len_name]: [&'static str; 3],
    ) -> FfiResult<Self> {
        if len.is_null() {
            return Err(fail(len_name, Problem::Null));
        }
        if !(len as usize).is_multiple_of(align_of::<usize>()) {
            return Err(fail(len_name, Problem::Misaligned));
        }
        // SAFETY: non-NULL and aligned; writable by the caller's contract.
        unsafe { len.write(0) };
        if cap > 0 && ptr.is_null() {
            return Err(fail(name, Problem::NullWithLength { length: cap_name }));
        }
        check_span(ptr, cap, cap_name)?;
        Ok(RawOut { name, ptr, cap, len_name, len })
    }

    pub(crate) fn regions(&self) -> [Region; 2] {
        [Region::of(self.name, self.ptr, self.cap), Region::of(self.len_name, self.len, size_of::<usize>())]
    }

    /// Fails with `OverlappingBuffers` when the buffer or `out_len` overlaps an input.
    pub(crate) fn check_disjoint(&self, inputs: &[Region]) -> FfiResult {
        check_disjoint(&self.regions(), inputs)
    }

    fn too_small(&self, needed: usize) -> Failure {
        // SAFETY: checked non-NULL and aligned in `new`.
        unsafe { self.len.write(needed) };
        Failure::Core(Error::BufferTooSmall { needed })
    }

    /// Fails with `BufferTooSmall` (and `*out_len = needed`) when `needed` bytes do not fit.
    pub(crate) fn reserve(&self, needed: usize) -> FfiResult {
        if needed > self.cap {
            return Err(self.too_small(needed));
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

    /// Runs a core `*_into` function on a scratch buffer of at most `N` bytes, no larger than the
    /// caller's, and copies out what it wrote. The core checks its inputs before the buffer, and
    /// the buffer before any expensive work, so a size query (`out_cap` 0) reports bad input
    /// first and costs no signature.
    pub(crate) fn write_with<const N: usize>(
        self,
        f: impl FnOnce(&mut [u8]) -> snapsign_core::Result<usize>,
    ) -> FfiResult {
        let mut scratch = [0u8; N];
        let limit = self.cap.min(N);
        match f(scratch.get_mut(..limit).unwrap_or_default()) {
            Ok(n) => self.write(scratch.get(..n).unwrap_or_default()),
            Err(Error::BufferTooSmall { needed }) => Err(self.too_small(needed)),
            Err(e) => Err(e.into()),
        }
    }
}

/// The checked output triple: `unsafe { raw_out!(out, out_cap, out_len) }?`.
macro_rules! raw_out {
    ($ptr:ident, $cap:ident, $len:ident) => {
        $crate::c_api::args::RawOut::new($ptr, $cap, $len, [stringify!($ptr), stringify!($cap), stringify!($len)])
    };
}
pub(crate) use raw_out;

/// An optional out-parameter of type `T` (NULL: not wanted).
#[derive(Debug)]
pub(crate) struct OptOut<T> {
    name: &'static str,
    ptr: *mut T,
}

impl<T: Copy> OptOut<T> {
    /// # Safety
    /// `ptr` is NULL or valid for writing a `T` for the duration of the C call.
    pub(crate) unsafe fn new(ptr: *mut T, name: &'static str) -> FfiResult<Self> {
        if !ptr.is_null() && !(ptr as usize).is_multiple_of(align_of::<T>()) {
            return Err(fail(name, Problem::Misaligned));
        }
        Ok(OptOut { name, ptr })
    }

    pub(crate) fn region(&self) -> Region {
        Region::of(self.name, self.ptr, if self.ptr.is_null() { 0 } else { size_of::<T>() })
    }

    pub(crate) fn set(&self, value: T) {
        if !self.ptr.is_null() {
            // SAFETY: non-NULL, aligned (checked in `new`), writable by the caller's contract.
            unsafe { self.ptr.write(value) };
        }
    }
}

impl<T: Copy> OptOut<T> {
    /// Like [`new`](Self::new), but NULL is refused: the out-parameter is the call's result.
    ///
    /// # Safety
    /// As for [`new`](Self::new).
    pub(crate) unsafe fn required(ptr: *mut T, name: &'static str) -> FfiResult<Self> {
        if ptr.is_null() {
            return Err(fail(name, Problem::Null));
        }
        // SAFETY: forwarded contract.
        unsafe { Self::new(ptr, name) }
    }
}

/// A required out-parameter (a struct the call fills): `unsafe { struct_out!(info) }?`.
macro_rules! struct_out {
    ($ptr:ident) => {
        $crate::c_api::args::OptOut::required($ptr, stringify!($ptr))
    };
}
pub(crate) use struct_out;

/// Borrows a caller's input struct: not NULL, aligned for its type. Use [`struct_in!`].
///
/// # Safety
/// `ptr` is NULL or valid for reading a `T`, not written by anyone, for the duration of the C
/// call.
pub(crate) unsafe fn borrow_struct<'a, T>(ptr: *const T, name: &'static str) -> FfiResult<(&'a T, Region)> {
    if ptr.is_null() {
        return Err(fail(name, Problem::Null));
    }
    if !(ptr as usize).is_multiple_of(align_of::<T>()) {
        return Err(fail(name, Problem::Misaligned));
    }
    // SAFETY: non-NULL and aligned; readable by the caller's contract.
    Ok((unsafe { &*ptr }, Region::of(name, ptr, size_of::<T>())))
}

/// A caller's input struct and the memory it occupies: `unsafe { struct_in!(call) }?`.
macro_rules! struct_in {
    ($ptr:ident) => {
        $crate::c_api::args::borrow_struct($ptr, stringify!($ptr))
    };
}
pub(crate) use struct_in;

/// An optional input: absent when `ptr` is NULL (and `len` 0); otherwise checked as [`RawIn`].
pub(crate) fn opt_in(
    ptr: *const u8,
    len: usize,
    name: &'static str,
    len_name: &'static str,
) -> FfiResult<Option<RawIn>> {
    if ptr.is_null() && len == 0 {
        return Ok(None);
    }
    RawIn::new(ptr, len, name, len_name).map(Some)
}

/// An optional out-parameter: `unsafe { opt_out!(unix_millis) }?`.
macro_rules! opt_out {
    ($ptr:ident) => {
        $crate::c_api::args::OptOut::new($ptr, stringify!($ptr))
    };
}
pub(crate) use opt_out;

/// Where a new handle is stored: `*out` is set to NULL first, to the handle on success.
pub(crate) struct HandleOut<T> {
    name: &'static str,
    ptr: *mut *mut T,
}

impl<T> HandleOut<T> {
    /// # Safety
    /// `ptr` is NULL or valid for writing a pointer for the duration of the C call.
    pub(crate) unsafe fn new(ptr: *mut *mut T, name: &'static str) -> FfiResult<Self> {
        if ptr.is_null() {
            return Err(fail(name, Problem::Null));
        }
        if !(ptr as usize).is_multiple_of(align_of::<*mut T>()) {
            return Err(fail(name, Problem::Misaligned));
        }
        // SAFETY: non-NULL, aligned, writable by the caller's contract.
        unsafe { ptr.write(ptr::null_mut()) };
        Ok(HandleOut { name, ptr })
    }

    pub(crate) fn region(&self) -> Region {
        Region::of(self.name, self.ptr, size_of::<*mut T>())
    }

    /// Boxes `value` and hands the pointer to the caller, who frees it with the `_free` function.
    pub(crate) fn set(self, value: T) {
        // SAFETY: checked in `new`.
        unsafe { self.ptr.write(Box::into_raw(Box::new(value))) };
    }
}

/// The out-pointer of a constructor: `unsafe { handle_out!(out) }?`.
macro_rules! handle_out {
    ($ptr:ident) => {
        $crate::c_api::args::HandleOut::new($ptr, stringify!($ptr))
    };
}
pub(crate) use handle_out;

/// Borrows a handle. Use [`handle!`].
///
/// # Safety
/// `ptr` is NULL or a live handle of this type returned by snapsign and not yet freed.
pub(crate) unsafe fn borrow<'a, T>(ptr: *const T, name: &'static str) -> FfiResult<&'a T> {
    // SAFETY: the caller's contract; NULL is reported.
    unsafe { ptr.as_ref() }.ok_or(fail(name, Problem::Null))
}

/// A live handle argument: `unsafe { handle!(signer) }?`.
macro_rules! handle {
    ($ptr:ident) => {
        $crate::c_api::args::borrow($ptr, stringify!($ptr))
    };
}
pub(crate) use handle;

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

/// Flag bits beyond `known` are an `InvalidArgument` naming the parameter.
pub(crate) fn check_flags(flags: u32, known: u32, name: &'static str) -> FfiResult {
    if flags & !known != 0 {
        return Err(fail(name, Problem::UnknownFlags));
    }
    Ok(())
}

/// A selector value this version does not define (`grant`).
pub(crate) const fn unknown_value(name: &'static str) -> Failure {
    fail(name, Problem::UnknownValue)
}

/// A provider profile name that is not in the core's table (`profile`).
pub(crate) const fn unknown_profile(name: &'static str) -> Failure {
    fail(name, Problem::UnknownProfile)
}

/// An index at or past the number of items that `count` (a function's name) reports.
pub(crate) const fn index_out_of_range(name: &'static str, count: &'static str) -> Failure {
    fail(name, Problem::IndexOutOfRange { count })
}
