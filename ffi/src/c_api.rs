//! The C ABI of snapsign, for C/C++ payment terminals and Python `ctypes`.
//!
//! The header is `include/snapsign.h`, generated from this module by cbindgen
//! (`ffi/cbindgen.toml`; the `header` test checks that it is fresh). The conventions, which hold
//! for every function, are repeated at the top of the header:
//!
//! - Every function runs inside one panic boundary (`ffi_boundary!`): no panic crosses into C;
//!   one is reported as `SNAPSIGN_RESULT_INTERNAL_PANIC` (or 0, or NULL-free defaults, by return
//!   type).
//! - Inputs are pointer + length, never NUL-terminated. A NULL pointer with length 0 is an empty
//!   input; a NULL pointer with a non-zero length is `SNAPSIGN_RESULT_NULL_POINTER`. Text inputs
//!   (client id, timestamp, method, path, access token, authorization code / refresh token)
//!   must be UTF-8 (`SNAPSIGN_RESULT_INVALID_UTF8` otherwise).
//! - Outputs go to a caller buffer `out` of `out_cap` bytes; the length written is stored in
//!   `*out_len`. Outputs are **never NUL-terminated**. When the buffer is too small nothing is
//!   written to it, `*out_len` is set to the length needed and `SNAPSIGN_RESULT_BUFFER_TOO_SMALL`
//!   is returned; `out == NULL` with `out_cap == 0` is therefore a size query. On any other error
//!   `*out_len` is 0. An output buffer that overlaps an input is
//!   `SNAPSIGN_RESULT_OVERLAPPING_BUFFERS`.
//! - Details of the last error on the calling thread (the byte offset of a JSON, timestamp,
//!   control-character or UTF-8 error, and a readable message) are available from
//!   `snapsign_last_error_offset` and `snapsign_last_error_message`.
//! - Handles (`snapsign_signer`, `snapsign_verifier`, `snapsign_hmac`,
//!   `snapsign_token_response`, `snapsign_request_signer`, `snapsign_request_headers`,
//!   `snapsign_request_verifier`, `snapsign_replay_guard`) are
//!   immutable after creation and may be used from several threads at once; `_free` accepts
//!   NULL.
//!
//! How the module is layered (each imports only those above it):
//!
//! | module | holds |
//! |---|---|
//! | `result` | the result codes, declared once |
//! | `last_error` | the per-thread failure behind `snapsign_last_error_*` |
//! | `boundary` | `ffi_boundary!`, the one panic boundary, and `PanicOrDefault` |
//! | `args` | checked pointer arguments (`raw_in!`, `raw_out!`, `handle!`, ...) |
//! | `entropy`, `inputs` | the entropy callback; the argument groups several calls share |
//! | `errors`, `rsa`, `hmac`, `string_to_sign`, `body`, `timestamp`, `access_token`, `request`, `response_code`, `request_verifier` | the entry points |
#![deny(unsafe_op_in_unsafe_fn)]
#![allow(non_camel_case_types)]
// C signatures take a pointer and a length per input.
#![allow(clippy::too_many_arguments)]

// Internal layers, bottom up.
mod result;

mod last_error;

mod boundary;

mod args;

mod entropy;

mod inputs;

// Entry points, in the header's order (one group per line so that rustfmt keeps it).
mod errors;

mod rsa;

mod hmac;

mod string_to_sign;

mod body;

mod timestamp;

mod access_token;

mod request;

mod response_code;

mod request_verifier;

pub use self::access_token::*;
pub use self::body::*;
#[doc(hidden)]
pub use self::boundary::{catch_panic_for_tests, snapsign_internal_test_panic};
pub use self::entropy::snapsign_fill_fn;
pub use self::errors::*;
pub use self::hmac::*;
pub use self::request::*;
pub use self::request_verifier::*;
pub use self::response_code::*;
pub use self::result::*;
pub use self::rsa::*;
pub use self::string_to_sign::*;
pub use self::timestamp::*;
