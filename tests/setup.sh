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
# Packaging (packaging/python.sh, jvm.sh; tests/packaging/python.sh, java.sh): the aarch64 cross
# linker, readelf, unzip, and venv for the wheel's consumer test (Debian's python3 needs python3-venv).
command -v aarch64-linux-gnu-gcc >/dev/null || need_apt+=(gcc-aarch64-linux-gnu)
command -v readelf >/dev/null || need_apt+=(binutils)
command -v unzip >/dev/null || need_apt+=(unzip)
python3 -c 'import ensurepip, venv' 2>/dev/null || need_apt+=(python3-venv)
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
# The wheels and the jar carry x86_64 and aarch64 Linux libraries (packaging/python.sh, jvm.sh).
rustup target add x86_64-unknown-linux-gnu aarch64-unknown-linux-gnu >/dev/null
# The fuzz smoke run (fuzz/run.sh) needs cargo-fuzz; from source, about 2 minutes.
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked --quiet
echo "setup: done"
