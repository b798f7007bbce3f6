#!/usr/bin/env bash
# Miri: the C ABI's Rust-side tests (ffi/tests/c_api.rs, ffi/tests/handles.rs: NULL pointers,
# short and overlapping buffers, misaligned pointers, every handle's new/use/free, the panic
# boundary, callbacks) and the core's parsers (core/tests/parsing.rs and the unit tests of
# timestamp, minify, access_token, key, legacy_pem, b64), under Stacked Borrows and under Tree
# Borrows. Tests too slow for Miri (RSA-2048 private keys) are #[cfg_attr(miri, ignore = "reason")]
# and listed as ignored in the output.
# Needs the nightly toolchain with miri and rust-src (tests/setup.sh). Without them this FAILS:
# a promise checked by a tool that is not there is not checked.
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TERM_COLOR=never

if ! cargo +nightly miri --version >/dev/null 2>&1; then
  echo "FAIL: Miri is not installed; install it with" >&2
  echo "  rustup toolchain install nightly --profile minimal -c miri,rust-src" >&2
  exit 1
fi
cargo +nightly miri setup >/dev/null 2>&1 || cargo +nightly miri setup

# --ci (tests/run.sh): the C boundary and the core under Tree Borrows only, to keep CI within its
# time budget (Stacked Borrows adds about 70 s of Miri time and found nothing Tree Borrows did not).
# Without --ci, everything under both models. The core's unsafe is only in scan: the minify::
# tests reach its SSE2 loads through the fast paths; cpufeatures reports no AVX-512 or SSSE3
# under Miri, so the block path compacts with the safe fallback. Otherwise only the
# dependencies' unsafe code is exercised.
ci=0; [ "${1:-}" = --ci ] && ci=1
runs() {
  local model="$1" flags="$2" core="$3"
  echo "--- Miri, $model (MIRIFLAGS=$flags)"
  MIRIFLAGS="$flags" cargo +nightly miri test --quiet -p snapsign-ffi --test c_api --test handles
  [ "$core" = 1 ] || return 0
  MIRIFLAGS="$flags" cargo +nightly miri test --quiet -p snapsign-core --test parsing
  MIRIFLAGS="$flags" cargo +nightly miri test --quiet -p snapsign-core --lib -- \
    timestamp:: minify:: access_token:: key:: legacy_pem:: b64::
}

if [ "$ci" = 0 ]; then runs "Stacked Borrows" "" 1; fi
runs "Tree Borrows" "-Zmiri-tree-borrows" 1
if [ "$ci" = 1 ]; then
  echo "ok: no undefined behaviour under Tree Borrows (C boundary and core; both models: bash tests/miri/run.sh)"
else
  echo "ok: no undefined behaviour under Stacked Borrows or Tree Borrows"
fi
