#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian machine with Rust, Python 3 and a JDK.
# Idempotent: installed things are skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v cmake >/dev/null || need_apt+=(cmake)
command -v valgrind >/dev/null || need_apt+=(valgrind)
command -v curl >/dev/null || need_apt+=(curl)
command -v openssl >/dev/null || need_apt+=(openssl)
[ -f /usr/share/java/jna.jar ] || need_apt+=(libjna-java)
# The benchmarks compare against OpenSSL through the `openssl` crate.
dpkg -s libssl-dev >/dev/null 2>&1 || need_apt+=(libssl-dev)
command -v pkg-config >/dev/null || need_apt+=(pkg-config)
# explain's PHP json_encode fixtures are checked against real PHP when it is there.
command -v php >/dev/null || need_apt+=(php-cli)
# snapsign.redis_guard is tested against a real Redis (bindings/python/tests/test_redis_guard.py).
command -v redis-server >/dev/null || need_apt+=(redis-server)
# ThreadSanitizer (tests/tsan/run.sh) builds its C stress test with clang -fsanitize=thread.
command -v clang >/dev/null || need_apt+=(clang)
if [ ${#need_apt[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

python3 -m pip install -q --disable-pip-version-check -r tests/requirements.txt
# The Python package suite's test-only packages (redis client, Flask, FastAPI, httpx).
python3 -m pip install -q --disable-pip-version-check -r bindings/python/tests/requirements.txt

# Bare-metal target for the no_std proof (tests/no_std/check.sh falls back if it cannot be had).
rustup target add thumbv7em-none-eabihf >/dev/null 2>&1 || echo "setup: thumbv7em-none-eabihf unavailable; the no_std proof will use its host fallback"
rustup component add clippy >/dev/null 2>&1 || true
# Miri (tests/miri/run.sh) and the TSan build of the library and std (tests/tsan/run.sh, -Zbuild-std)
# need nightly with miri and rust-src. Idempotent. If it cannot be had, those suites FAIL loudly.
rustup toolchain install nightly --profile minimal -c miri,rust-src >/dev/null 2>&1 ||
  echo "setup: nightly with miri and rust-src unavailable; the Miri and TSan suites will fail"
# The fuzz smoke run (fuzz/run.sh) needs cargo-fuzz; from source, about 2 minutes.
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked --quiet
echo "setup: done"
