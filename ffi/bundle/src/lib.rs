//! `libsnapsign`: the C ABI (`include/snapsign.h`) and the uniffi interface of `snapsign-ffi`,
//! linked as a static and a dynamic library.

pub use snapsign_ffi::*;

/// No secret outlives its heap block in a process using this library: see
/// `snapsign_ffi::wipe_on_free`.
#[global_allocator]
static GLOBAL: snapsign_ffi::wipe_on_free::WipeOnFree<std::alloc::System> =
    snapsign_ffi::wipe_on_free::WipeOnFree(std::alloc::System);
