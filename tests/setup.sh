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
# The C SDK (packaging/c-sdk.sh) and its consumer tests (tests/packaging/c.sh): cross linkers and
# C libraries for aarch64 and armv7, qemu-user to run their tests.
command -v aarch64-linux-gnu-gcc >/dev/null || need_apt+=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross)
command -v arm-linux-gnueabihf-gcc >/dev/null || need_apt+=(gcc-arm-linux-gnueabihf libc6-dev-armhf-cross)
{ command -v qemu-aarch64 >/dev/null && command -v qemu-arm >/dev/null; } || need_apt+=(qemu-user)
# explain's PHP json_encode fixtures are checked against real PHP when it is there.
command -v php >/dev/null || need_apt+=(php-cli)
# snapsign.redis_guard is tested against a real Redis (bindings/python/tests/test_redis_guard.py).
command -v redis-server >/dev/null || need_apt+=(redis-server)
# Packaging (packaging/python.sh, jvm.sh; tests/packaging/python.sh, java.sh): readelf, unzip,
# and venv for the wheel's consumer test (Debian's python3 needs python3-venv).
command -v readelf >/dev/null || need_apt+=(binutils)
command -v unzip >/dev/null || need_apt+=(unzip)
python3 -c 'import ensurepip, venv' 2>/dev/null || need_apt+=(python3-venv)
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
# packaging/dist.sh: the C SDK's Linux targets (the wheels and the jar carry the x86_64 and
# aarch64 ones), the iOS device and the Android static libraries.
for target in x86_64-unknown-linux-gnu aarch64-unknown-linux-gnu armv7-unknown-linux-gnueabihf aarch64-apple-ios \
  aarch64-linux-android armv7-linux-androideabi; do
  rustup target add "$target" >/dev/null
done
# llvm-nm/llvm-objdump/llvm-readobj of rustc's own LLVM for the symbol check of every library
# (tests/packaging/c/symbols.py); Debian 12's llvm 14 cannot read what rustc's LLVM writes.
rustup component add llvm-tools >/dev/null
# The iOS simulator's prebuilt standard library is missing from some mirrors (this project's
# machines get a 404); packaging/mobile.sh then builds it from the toolchain's rust-src.
rustup target add aarch64-apple-ios-sim >/dev/null 2>&1 || {
  echo "setup: no prebuilt rust-std for aarch64-apple-ios-sim; packaging/mobile.sh will build it from rust-src"
  rustup component add rust-src >/dev/null
}
# Miri (tests/miri/run.sh) and the TSan build of the library and std (tests/tsan/run.sh, -Zbuild-std)
# need nightly with miri and rust-src. Idempotent. If it cannot be had, those suites FAIL loudly.
rustup toolchain install nightly --profile minimal -c miri,rust-src >/dev/null 2>&1 ||
  echo "setup: nightly with miri and rust-src unavailable; the Miri and TSan suites will fail"
# The fuzz smoke run (fuzz/run.sh) needs cargo-fuzz; from source, about 2 minutes.
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked --quiet
echo "setup: done"
