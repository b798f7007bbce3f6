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

# cargo-deny is built from source, as a debug build (about 3 minutes of CPU against 9 for a
# release build; its check takes 3 s either way): start it now at the lowest priority,
# so it runs on the time the single-threaded suites (valgrind, pytest, JVM) leave idle; the
# supply-chain suite at the end waits for it.
# deny.toml uses the 0.16+ schema: an older cargo-deny elsewhere on PATH is not used.
export PATH="$PWD/target/tools/bin:$PATH"
deny_pid=""
if ! cargo-deny --version 2>/dev/null | grep -q '^cargo-deny 0\.\(1[6-9]\|[2-9][0-9]\)\.'; then
  mkdir -p target/tools
  nice -n 19 cargo install cargo-deny --version 0.20.2 --locked --debug --quiet --root target/tools \
    --target-dir target/tools/build >target/tools/cargo-deny-install.log 2>&1 &
  deny_pid=$!
fi
supply_chain() {
  if [ -n "$deny_pid" ] && ! wait "$deny_pid"; then
    cat target/tools/cargo-deny-install.log; return 1
  fi
  # The advisory database cannot be fetched from CI (no network beyond the registries); see deny.toml.
  cargo deny --log-level error check licenses bans sources
}

# Miri (one core, about 10 minutes), the ThreadSanitizer suite (its own nightly -Zbuild-std
# build in target/tsan) and the fuzz build need nothing the other suites build: start them now
# at the lowest priority, like cargo-deny, so they run on the time the other suites leave idle;
# their suites below wait for them and show their output.
mkdir -p target/logs
background() { # NAME COMMAND...: runs COMMAND at nice 19, output to target/logs/NAME.log
  local name="$1"; shift
  nice -n 19 "$@" >"target/logs/$name.log" 2>&1 &
  eval "${name}_pid=$!"
}
collect() { # PID LOG: waits for a background suite, prints its output, returns its status
  local rc=0
  wait "$1" || rc=$?
  cat "$2"
  return "$rc"
}
background miri bash tests/miri/run.sh --ci
background tsan bash tests/tsan/run.sh
# The fuzz targets' ASan build (fuzz/ is a workspace of its own, with its own target/) likewise.
background fuzzbuild env FUZZ_BUILD_ONLY=1 bash fuzz/run.sh

suite "rust: cargo fmt --check (workspace, fuzz, no_std proof)" bash -c \
  'cargo fmt --all --check && cargo fmt --check --manifest-path fuzz/Cargo.toml && cargo fmt --check --manifest-path tests/no_std/Cargo.toml'
suite "rust: cargo test (workspace, with doc tests)" cargo test --workspace --quiet
suite "rust: clippy" cargo clippy --workspace --all-targets --quiet -- -D warnings
suite "no_std proof" bash tests/no_std/check.sh
suite "README first command, verified by openssl" bash tests/readme_check.sh
suite "e2e: snapsign CLI against a SNAP server" bash tests/e2e/run.sh
suite "C: vectors and every error code, plain, valgrind, ASan+UBSan" bash tests/c/run.sh
# The promises of docs/security.md, measured (issue #15).
suite "secrets: memory of a C process after free (/proc/self/mem)" bash tests/memdump/run.sh
suite "C++: RAII wrapper built with CMake" bash tests/cpp/run.sh
suite "Python ctypes over libsnapsign.so" bash tests/python/run.sh
suite "one version everywhere (Cargo, Python, Kotlin, CHANGELOG)" bash tests/version.sh
suite "bindings: generated Kotlin/Swift/Python are fresh" bash bindings/check-fresh.sh
suite "bindings: Python package (maturin) with pytest" bash bindings/python/run.sh
suite "bindings: Kotlin on the JVM" bash bindings/kotlin/run.sh
suite "packaging: dist.sh and consumer tests (C SDK x86-64/ARM under qemu, CMake, pkg-config, wheel, jar)" env SNAPSIGN_DIST_SMALL=1 bash tests/packaging/run.sh
suite "README: every example runs as pasted" bash tests/readme/run.sh
suite "benchmarks: smoke run (criterion --test, compare.py --quick)" bash bench/smoke.sh
suite "constant time: dudect smoke (10^5 samples; early-exit controls caught)" \
  cargo bench -p snapsign-core --quiet --bench constant_time -- --smoke
# Started in the background above. The fuzzers run one at a time, on the core that Miri (often
# still interpreting at this point) leaves free.
fuzz() { collect "$fuzzbuild_pid" target/logs/fuzzbuild.log && FUZZ_JOBS=1 bash fuzz/run.sh 15; }
suite "fuzz: every target for 15 s (ASan)" fuzz
suite "ThreadSanitizer: 16 C threads share a signer, a verifier and an HMAC handle" collect "$tsan_pid" target/logs/tsan.log
suite "supply chain: cargo deny (licenses, bans, sources)" supply_chain
suite "Miri: C ABI tests and core parsers, Tree Borrows (both models: tests/miri/run.sh)" collect "$miri_pid" target/logs/miri.log

echo
[ "$failed" -eq 0 ] || echo "failed suites: ${failures[*]}"
echo "suites: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
