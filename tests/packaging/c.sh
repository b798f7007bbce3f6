#!/usr/bin/env bash
# Consumer test of the C SDK and the mobile static libraries in OUT/ (packaging/c-sdk.sh,
# packaging/mobile.sh), used the way their users do: from the tarballs, unpacked elsewhere, with
# nothing from the source tree but the tests themselves (tests/c/*.c, the vectors and fixtures,
# copied into a temporary folder).
#   1. symbols: every function of snapsign.h and of the uniffi header is defined in every library
#      of every target (tests/packaging/c/symbols.py, llvm-nm);
#   2. x86-64: tests/c/test_snapsign.c (vectors, every result code), tests/c/verifier_test.c and
#      a version check, built with nothing but pkg-config (shared, static through snapsign.pc
#      --static with only the archive installed, static through snapsign-static.pc) and with
#      CMake (find_package + snapsign::snapsign, shared and static), plus the CMake version rules;
#   3. aarch64 and armv7: the same C tests cross-compiled with the SDK's pkg-config files, static
#      and shared, run under qemu-user.
# Needs: gcc, pkg-config, cmake, rustup's llvm-tools (llvm-nm), gcc-aarch64-linux-gnu,
# gcc-arm-linux-gnueabihf, qemu-user (tests/setup.sh). Usage: tests/packaging/c.sh OUT
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
out="$(cd "${1:?usage: tests/packaging/c.sh OUT}" && pwd)"

version="$(cargo metadata --no-deps --format-version 1 | python3 -c '
import json, sys
print(next(p for p in json.load(sys.stdin)["packages"] if p["name"] == "libsnapsign")["version"])')"
IFS=. read -r major minor _ <<<"$version"
# The documented SONAME rule (packaging/c-sdk/README.md.in).
if [ "$major" -eq 0 ]; then soname="libsnapsign.so.0.$minor"; else soname="libsnapsign.so.$major"; fi

tmp="$(mktemp -d "${TMPDIR:-/tmp}/snapsign-c-consumer.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

echo "--- symbols (llvm-nm of rustup's llvm-tools)"
python3 tests/packaging/c/symbols.py "$out" include/snapsign.h bindings/swift/snapsignFFI.h

# The tests, copied; the vector header generated from the vectors. They run from $tmp/run, where
# verifier_test finds tests/vectors/keys/ and test_snapsign gets the two folders as arguments.
src="$tmp/src"
mkdir -p "$src" "$tmp/run/tests"
cp tests/c/test_snapsign.c tests/c/verifier_test.c tests/packaging/c/version_check.c \
  tests/packaging/c/CMakeLists.txt "$src/"
python3 tests/c/gen_vectors.py tests/vectors/snap-vectors.json "$src/snap_vectors.h"
cp -r tests/vectors tests/fixtures "$tmp/run/tests/"

# Each SDK from its tarball, unpacked away from OUT/; it must be the folder OUT/c/<target>.
declare -A sdk
for t in x86_64-unknown-linux-gnu aarch64-unknown-linux-gnu armv7-unknown-linux-gnueabihf; do
  tarball="$out/snapsign-$version-$t.tar.gz"
  [ -f "$tarball" ] || fail "$tarball is missing"
  mkdir -p "$tmp/sdk"
  tar -C "$tmp/sdk" -xzf "$tarball"
  sdk[$t]="$tmp/sdk/snapsign-$version-$t"
  diff -r --no-dereference "$out/c/$t" "${sdk[$t]}" >/dev/null || fail "$tarball differs from $out/c/$t"
  [ "$(readlink "${sdk[$t]}/lib/libsnapsign.so")" = "$soname" ] || fail "$t: lib/libsnapsign.so is not a link to $soname"
done

# The oldest glibc the shared libraries run on, as docs/packaging.md states it: the newest
# GLIBC_ symbol version they need.
glibc_max=2.34
for t in "${!sdk[@]}"; do
  need="$(objdump -T "${sdk[$t]}/lib/libsnapsign.so.$version" | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -1)"
  [ "$(printf '%s\n%s\n' "$need" "$glibc_max" | sort -V | tail -1)" = "$glibc_max" ] ||
    fail "$t: libsnapsign.so needs glibc $need, docs/packaging.md says $glibc_max"
  echo "ok: $t: libsnapsign.so needs glibc $need (at most $glibc_max)"
done

# needed BINARY: its DT_NEEDED entries, one a line.
needed() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'; }
expect_linked() { # BINARY shared|static
  if needed "$1" | grep -q '^libsnapsign'; then
    [ "$2" = shared ] || fail "$1 should not need libsnapsign.so: $(needed "$1" | tr '\n' ' ')"
    needed "$1" | grep -qx "$soname" || fail "$1 needs $(needed "$1" | grep libsnapsign), want $soname"
  else
    [ "$2" = static ] || fail "$1 does not load libsnapsign.so"
  fi
}
# run_suite LABEL BINDIR [RUNNER...]: the version check, the vector/error-code test, the verifier test.
run_suite() {
  local label="$1" bin="$2"; shift 2
  local start=$SECONDS
  (
    cd "$tmp/run"
    "$@" "$bin/version_check" "$version" >/dev/null
    "$@" "$bin/test_snapsign" tests/vectors tests/fixtures >"$bin/test_snapsign.log" 2>&1 ||
      { cat "$bin/test_snapsign.log"; fail "$label: test_snapsign"; }
    "$@" "$bin/verifier_test" >"$bin/verifier_test.log" 2>&1 ||
      { cat "$bin/verifier_test.log"; fail "$label: verifier_test"; }
  )
  echo "ok: $label: version $version, test_snapsign $(tail -1 "$bin/test_snapsign.log"), $(tail -1 "$bin/verifier_test.log") ($((SECONDS - start)) s)"
}
CFLAGS=(-std=c99 -Wall -Wextra -Werror -pedantic -O1 -I"$src")
# build_pc CC SDK BINDIR shared|static PKG-CONFIG-ARGS...: the three programs, compiled and
# linked with only what pkg-config says, plus -pthread (the tests themselves use threads) and,
# for a shared build, an rpath to the SDK's lib/ as its README shows.
build_pc() {
  local cc="$1" prefix="$2" bin="$3" kind="$4"; shift 4
  local flags rpath=()
  flags="$(PKG_CONFIG_LIBDIR="$prefix/lib/pkgconfig" PKG_CONFIG_PATH='' pkg-config "$@")"
  [ "$kind" = static ] || rpath=(-Wl,-rpath,"$prefix/lib")
  mkdir -p "$bin"
  for prog in version_check test_snapsign verifier_test; do
    # shellcheck disable=SC2086
    "$cc" "${CFLAGS[@]}" -o "$bin/$prog" "$src/$prog.c" $flags "${rpath[@]}" -pthread
  done
  expect_linked "$bin/test_snapsign" "$kind"
}

host=x86_64-unknown-linux-gnu
h="${sdk[$host]}"
echo "--- x86-64: pkg-config"
build_pc gcc "$h" "$tmp/pc-shared" shared --cflags --libs snapsign
run_suite "x86-64 pkg-config shared" "$tmp/pc-shared"

build_pc gcc "$h" "$tmp/pc-static" static --cflags --libs snapsign-static
run_suite "x86-64 pkg-config snapsign-static" "$tmp/pc-static"

# An install with only the archive: then `-lsnapsign` is the static library, and
# `pkg-config --static` must bring everything it needs (Libs.private).
cp -a "$h" "$tmp/static-only"
rm "$tmp/static-only"/lib/libsnapsign.so*
build_pc gcc "$tmp/static-only" "$tmp/pc-static-private" static --static --cflags --libs snapsign
run_suite "x86-64 pkg-config --static snapsign (archive only)" "$tmp/pc-static-private"

echo "--- x86-64: CMake find_package(snapsign CONFIG)"
cmake_build() { # BUILDDIR SDK [CMAKE ARGS...]
  local dir="$1" prefix="$2"; shift 2
  cmake -S "$src" -B "$dir" -DCMAKE_PREFIX_PATH="$prefix" -DSNAPSIGN_REQUEST="$major.$minor" \
    -DSNAPSIGN_VERSION="$version" -DTEST_SOURCES="$src" -DCMAKE_BUILD_TYPE=Release "$@" >"$dir.log" 2>&1 ||
    { cat "$dir.log"; fail "cmake configure $dir"; }
  cmake --build "$dir" -j 2 >>"$dir.log" 2>&1 || { cat "$dir.log"; fail "cmake build $dir"; }
}
cmake_build "$tmp/cmake-shared" "$h"
expect_linked "$tmp/cmake-shared/test_snapsign" shared
run_suite "x86-64 CMake snapsign::snapsign (shared)" "$tmp/cmake-shared"
cmake_build "$tmp/cmake-static" "$h" -Dsnapsign_USE_STATIC_LIBS=ON
expect_linked "$tmp/cmake-static/test_snapsign" static
run_suite "x86-64 CMake snapsign::snapsign, snapsign_USE_STATIC_LIBS=ON" "$tmp/cmake-static"
# The version file: a newer minor (for 0.x: an incompatible one) is refused, and so is an SDK
# for another pointer size (armv7's, on this 64-bit host).
expect_refused() { # LABEL SDK REQUEST PATTERN
  local log="$tmp/refused.log"
  if cmake -S "$src" -B "$tmp/cmake-refused" -DCMAKE_PREFIX_PATH="$2" -DSNAPSIGN_REQUEST="$3" \
    -DSNAPSIGN_VERSION="$version" -DTEST_SOURCES="$src" >"$log" 2>&1; then
    fail "CMake accepted $1"
  fi
  grep -q "$4" "$log" || { cat "$log"; fail "CMake refused $1 without saying '$4'"; }
  rm -rf "$tmp/cmake-refused"
  echo "ok: CMake refuses $1"
}
expect_refused "snapsign $major.$((minor + 1)) from the $version SDK" "$h" "$major.$((minor + 1))" "$version"
expect_refused "the armv7 SDK on x86-64" "${sdk[armv7-unknown-linux-gnueabihf]}" "$major.$minor" "4-byte pointers"

# ARM: both programs cross-compiled with the SDK's own pkg-config files, run under qemu-user.
arm_suite() { # TARGET CC QEMU SYSROOT LABEL
  local t="$1" cc="$2" qemu="$3" sysroot="$4" label="$5" s="${sdk[$1]}"
  echo "--- $label: cross-compiled, under $qemu"
  build_pc "$cc" "$s" "$tmp/$t-static" static --cflags --libs snapsign-static
  run_suite "$label static" "$tmp/$t-static" "$qemu" -L "$sysroot"
  build_pc "$cc" "$s" "$tmp/$t-shared" shared --cflags --libs snapsign
  run_suite "$label shared" "$tmp/$t-shared" "$qemu" -L "$sysroot"
}
arm_suite aarch64-unknown-linux-gnu aarch64-linux-gnu-gcc qemu-aarch64 /usr/aarch64-linux-gnu aarch64
arm_suite armv7-unknown-linux-gnueabihf arm-linux-gnueabihf-gcc qemu-arm /usr/arm-linux-gnueabihf armv7
echo "C SDK consumer tests: ok"
