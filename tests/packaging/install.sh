#!/usr/bin/env bash
# The README's "Install" commands, run as pasted: each README block there is a fragment of this
# file (tests/readme/check.py checks that), and this file runs them against the artefacts of
# packaging/dist.sh OUT, copied into an empty folder as a user would download them.
# Usage: tests/packaging/install.sh OUT   (run by tests/packaging/run.sh)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
out="$(cd "${1:?usage: tests/packaging/install.sh OUT}" && pwd)"

# The README names version 0.1.0 and its file names; a new version must update both.
version="$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1)"
[ "$version" = 0.1.0 ] || { echo "FAIL: README's Install section names 0.1.0; update it and $0 to $version" >&2; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/snapsign-install.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cp "$out"/snapsign-0.1.0-*.tar.gz "$out"/python/*.whl "$out"/kotlin/*.jar "$work/"
# The README's C example, and the TEST key its examples sign with.
cp tests/c/example.c "$work/app.c"
cp tests/vectors/keys/rsa2048-pkcs8.pem "$work/"
expected_token_signature="$(python3 -c '
import json, sys
print(json.load(open(sys.argv[1]))["token_b2b"][0]["signature"])' tests/vectors/snap-vectors.json)"
cd "$work"
# Nothing of the source tree or of the build is on the search paths the commands use.
unset PKG_CONFIG_PATH PKG_CONFIG_LIBDIR CMAKE_PREFIX_PATH LD_LIBRARY_PATH
has_signature() { grep -q '^X-SIGNATURE: .\{344\}$' "$1" || { cat "$1"; echo "FAIL: $2" >&2; exit 1; }; }

echo "--- C SDK, x86-64, pkg-config"
# README: C SDK
tar xzf snapsign-0.1.0-x86_64-unknown-linux-gnu.tar.gz
export PKG_CONFIG_PATH=$PWD/snapsign-0.1.0-x86_64-unknown-linux-gnu/lib/pkgconfig
cc -std=c99 app.c $(pkg-config --cflags --libs snapsign-static) -o app
./app rsa2048-pkcs8.pem
# README end
./app rsa2048-pkcs8.pem >c.out
has_signature c.out "the statically linked example"
unset PKG_CONFIG_PATH

echo "--- C SDK, x86-64, CMake"
mkdir cmake-app && cp app.c cmake-app/
cat >cmake-app/CMakeLists.txt <<'CMAKE'
cmake_minimum_required(VERSION 3.13)
project(app C)
find_package(snapsign 0.1 CONFIG REQUIRED)
add_executable(app app.c)
target_link_libraries(app PRIVATE snapsign::snapsign)
CMAKE
# README: CMake
cmake -S cmake-app -B build -DCMAKE_PREFIX_PATH=$PWD/snapsign-0.1.0-x86_64-unknown-linux-gnu
cmake --build build
./build/app rsa2048-pkcs8.pem
# README end
./build/app rsa2048-pkcs8.pem >cmake.out
has_signature cmake.out "the CMake-built example"
readelf -d build/app | grep -q 'NEEDED.*libsnapsign.so.0.1' || { echo "FAIL: the CMake app does not load libsnapsign.so.0.1" >&2; exit 1; }

echo "--- C SDK, aarch64 terminal, static, under qemu"
# README: ARM terminal
tar xzf snapsign-0.1.0-aarch64-unknown-linux-gnu.tar.gz
sdk=$PWD/snapsign-0.1.0-aarch64-unknown-linux-gnu
aarch64-linux-gnu-gcc -std=c99 app.c $(PKG_CONFIG_LIBDIR=$sdk/lib/pkgconfig pkg-config --cflags --libs snapsign-static) -o app-arm64
qemu-aarch64 -L /usr/aarch64-linux-gnu ./app-arm64 rsa2048-pkcs8.pem
# README end
qemu-aarch64 -L /usr/aarch64-linux-gnu ./app-arm64 rsa2048-pkcs8.pem >arm.out
has_signature arm.out "the aarch64 example"
readelf -h app-arm64 | grep -q 'Machine:.*AArch64' || { echo "FAIL: app-arm64 is not an AArch64 program" >&2; exit 1; }

echo "--- Python wheel, fresh venv"
# README: Python
python3 -m venv .venv
.venv/bin/pip install snapsign-0.1.0-py3-none-manylinux_2_34_x86_64.whl
.venv/bin/python -c 'import snapsign; print(snapsign.__version__)'
# README end
printf '%s\n' \
  'import sys, snapsign' \
  'signer = snapsign.SnapSigner(open("rsa2048-pkcs8.pem", "rb").read())' \
  'print(signer.sign_token("MCPD00000006", "2020-10-04T17:55:58+07:00"))' >sign_token.py
[ "$(.venv/bin/python sign_token.py)" = "$expected_token_signature" ] ||
  { echo "FAIL: the wheel's token signature is not the vector's" >&2; exit 1; }

echo "--- JVM jar, from Java"
cat >SignToken.java <<'JAVA'
import id.snapsign.SnapSigner;
import java.nio.file.Files;
import java.nio.file.Path;

public class SignToken {
    public static void main(String[] args) throws Exception {
        try (SnapSigner signer = new SnapSigner(Files.readAllBytes(Path.of(args[0])), null, false)) {
            System.out.println(signer.signToken("MCPD00000006", "2020-10-04T17:55:58+07:00"));
        }
    }
}
JAVA
# README: JVM
javac -cp snapsign-0.1.0.jar:kotlin-stdlib-2.2.21.jar:jna-5.13.0.jar SignToken.java
java -cp .:snapsign-0.1.0.jar:kotlin-stdlib-2.2.21.jar:jna-5.13.0.jar SignToken rsa2048-pkcs8.pem
# README end
[ "$(java -cp .:snapsign-0.1.0.jar:kotlin-stdlib-2.2.21.jar:jna-5.13.0.jar SignToken rsa2048-pkcs8.pem)" = \
  "$expected_token_signature" ] || { echo "FAIL: the jar's token signature is not the vector's" >&2; exit 1; }

echo "ok: the README's Install commands work as pasted from the artefacts alone"
