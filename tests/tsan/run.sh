#!/usr/bin/env bash
# ThreadSanitizer: 16 C threads share one RSA signer, one verifier and one HMAC handle
# (tests/tsan/stress.c), against a TSan-instrumented libsnapsign.a: the library and the Rust
# standard library are both built with -Zsanitizer=thread (nightly, -Zbuild-std), in their own
# target directory (target/tsan), so no uninstrumented std hides a race. Zero reports are allowed:
# TSan stops at the first one (halt_on_error=1) with exit code 66.
# Needs: the nightly toolchain with rust-src, clang (tests/setup.sh installs both).
# Usage: tests/tsan/run.sh [ROUNDS]   (default 4; each thread signs 6 vectors per round)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
out="$root/target/tsan/stress"
mkdir -p "$out"
rounds="${1:-4}"

if ! rustup run nightly rustc --version >/dev/null 2>&1; then
  echo "FAIL: the nightly toolchain is not installed (tests/setup.sh installs it)" >&2
  exit 1
fi
if ! command -v clang >/dev/null; then
  echo "FAIL: clang is not installed (tests/setup.sh installs it)" >&2
  exit 1
fi

# The host triple must be explicit: with --target, RUSTFLAGS reach only the target's crates, not
# build scripts and proc macros (which must not be instrumented).
triple=x86_64-unknown-linux-gnu
RUSTFLAGS="-Zsanitizer=thread" cargo +nightly build --quiet -Zbuild-std --target "$triple" \
  -p libsnapsign --target-dir "$root/target/tsan"
lib="$root/target/tsan/$triple/debug/libsnapsign.a"
# Instrumented, not merely built: the library's code (and std's) calls the TSan hooks.
if [ "$(nm "$lib" 2>/dev/null | grep -c ' U __tsan_func_entry')" -eq 0 ]; then
  echo "FAIL: $lib is not instrumented by ThreadSanitizer" >&2
  exit 1
fi

python3 tests/c/gen_vectors.py tests/vectors/snap-vectors.json "$out/snap_vectors.h"
# The C files are instrumented by clang (-fsanitize=thread at compile time), but the program is
# linked with the TSan runtime of the nightly Rust toolchain, not clang's: the library's
# instrumentation comes from nightly's newer LLVM, which calls entry points (__tsan_memcpy,
# __tsan_memset) that Debian 12's clang 14 runtime lacks. The newer runtime serves both.
rt="$(rustc +nightly --print sysroot)/lib/rustlib/$triple/lib/librustc-nightly_rt.tsan.a"
[ -f "$rt" ] || { echo "FAIL: $rt not found (nightly's TSan runtime)" >&2; exit 1; }
link() { clang -g "$@" -Wl,--whole-archive "$rt" -Wl,--no-whole-archive -lpthread -ldl -lm -lrt; }
tsan_cc() { clang -std=c99 -g -O1 -fsanitize=thread -fno-omit-frame-pointer -I"$root/include" -I"$out" "$@"; }

tsan_cc -Wall -Wextra -Werror -c tests/tsan/stress.c -o "$out/stress.o"
link "$out/stress.o" "$lib" -o "$out/stress"

# A control first: the same setup must report a real race, or a silent TSan proves nothing.
tsan_cc -c tests/tsan/race_control.c -o "$out/race_control.o"
link "$out/race_control.o" -o "$out/race_control"
set +e
TSAN_OPTIONS="halt_on_error=1:exitcode=66" "$out/race_control" >"$out/race_control.log" 2>&1
rc=$?
set -e
if [ "$rc" -ne 66 ] || ! grep -q "WARNING: ThreadSanitizer: data race" "$out/race_control.log"; then
  cat "$out/race_control.log"
  echo "FAIL: ThreadSanitizer did not report the deliberate race of race_control.c (exit $rc)" >&2
  exit 1
fi
echo "ok: the control's deliberate data race is reported (exit 66)"

TSAN_OPTIONS="halt_on_error=1:exitcode=66:second_deadlock_stack=1" "$out/stress" "$rounds"
echo "ok: no ThreadSanitizer report"
