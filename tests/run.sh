#!/usr/bin/env bash
# Runs every test suite of the project, in order, and ends with one summary line.
# Each suite is built once per profile; all of them share target/.
set -uo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never

passed=0; failed=0; failures=()
suite() {
  local name="$1"; shift
  echo; echo "=== $name"
  local start=$SECONDS
  if "$@"; then
    passed=$((passed + 1)); echo "=== $name: ok ($((SECONDS - start)) s)"
  else
    failed=$((failed + 1)); failures+=("$name"); echo "=== $name: FAILED ($((SECONDS - start)) s)"
  fi
}

suite "rust: cargo test (workspace, with doc tests)" cargo test --workspace --quiet
suite "rust: clippy" cargo clippy --workspace --all-targets --quiet -- -D warnings
suite "no_std proof" bash tests/no_std/check.sh
suite "README first command, verified by openssl" bash tests/readme_check.sh
suite "e2e: snapsign CLI against a SNAP server" bash tests/e2e/run.sh
suite "C: vectors and every error code, plain, valgrind, ASan+UBSan" bash tests/c/run.sh
suite "C++: RAII wrapper built with CMake" bash tests/cpp/run.sh
suite "Python ctypes over libsnapsign.so" bash tests/python/run.sh
suite "bindings: generated Kotlin/Swift/Python are fresh" bash bindings/check-fresh.sh
suite "bindings: Python package (maturin) with pytest" bash bindings/python/run.sh
suite "bindings: Kotlin on the JVM" bash bindings/kotlin/run.sh
suite "benchmarks: smoke run (criterion --test, compare.py --quick)" bash bench/smoke.sh
suite "fuzz: every target for 15 s (ASan)" env FUZZ_JOBS=2 bash fuzz/run.sh 15

echo
[ "$failed" -eq 0 ] || echo "failed suites: ${failures[*]}"
echo "suites: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
