#!/usr/bin/env bash
# tests/packaging/java.sh OUT: the JVM jar as a Java team uses it, from OUT/kotlin/ only.
#   1. the jar: named after the workspace version, its manifest's Implementation-Version, the
#      compiled id.snapsign classes, no Kotlin stdlib or JNA classes inside, and libsnapsign.so
#      under JNA's resource paths: linux-x86-64/ an x86-64 ELF, linux-aarch64/ an AArch64 ELF;
#   2. tests/packaging/java/SignWithJava.java, plain Java, compiled with javac against
#      OUT/kotlin/*.jar only and run with `java -cp snapsign.jar:jna.jar:kotlin-stdlib.jar` and no
#      -Djna.library.path: every token, transaction and service vector signed and checked, a
#      provider request, typed errors, SnapSignVersion against the library's snapsign_version().
# The aarch64 library is not run (that needs an aarch64 JVM under qemu-user; none here).
# About 10 s.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$(cd "${1:?usage: tests/packaging/java.sh OUT}" && pwd)/kotlin"
version="$(bash "$root/tests/version.sh" --print)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
fail() { echo "java: $*" >&2; exit 1; }

one() {
  local matches=("$@")
  [ "${#matches[@]}" = 1 ] && [ -f "${matches[0]}" ] || fail "expected one file, found: ${matches[*]}"
  echo "${matches[0]}"
}
jar="$(one "$out/snapsign-$version.jar")"
jna="$(one "$out"/jna-[0-9]*.jar)"
stdlib="$(one "$out"/kotlin-stdlib-[0-9]*.jar)"

# 1. What the jar holds.
unzip -Z1 "$jar" > "$tmp/entries"
unzip -p "$jar" META-INF/MANIFEST.MF | tr -d '\r' > "$tmp/manifest"
grep -qx "Implementation-Version: $version" "$tmp/manifest" || { cat "$tmp/manifest"; fail "manifest version is not $version"; }
for entry in id/snapsign/SnapSigner.class id/snapsign/SnapsignKt.class id/snapsign/ReceiveKt.class \
             id/snapsign/SnapSignVersion.class linux-x86-64/libsnapsign.so linux-aarch64/libsnapsign.so; do
  grep -qx "$entry" "$tmp/entries" || fail "$jar has no $entry"
done
if grep -E '^(kotlin|com/sun/jna)/' "$tmp/entries" | head -3 | grep .; then
  fail "$jar bundles Kotlin stdlib or JNA classes (they ship beside it)"
fi
check_elf() {  # entry, readelf Machine
  unzip -p "$jar" "$1" > "$tmp/lib.so"
  readelf -h "$tmp/lib.so" > "$tmp/header"
  readelf --dyn-syms --wide "$tmp/lib.so" > "$tmp/symbols"
  grep -Eq "Machine: +$2\$" "$tmp/header" || fail "$1 is not a $2 ELF"
  grep -Eq "Type: +DYN" "$tmp/header" || fail "$1 is not a shared object"
  grep -Eq ' GLOBAL +DEFAULT +[0-9]+ snapsign_version$' "$tmp/symbols" || fail "$1 does not export snapsign_version"
  echo "$1: $2 shared object"
}
check_elf linux-x86-64/libsnapsign.so "Advanced Micro Devices X86-64"
check_elf linux-aarch64/libsnapsign.so AArch64

# 2. The Java program, against the three jars only, and the vectors.
classpath="$jar:$jna:$stdlib"
javac -Xlint:all -Werror -d "$tmp/classes" -cp "$classpath" "$here/java/SignWithJava.java"
cp -r "$root/tests/vectors" "$tmp/vectors"
# No library path of any kind: JNA must take libsnapsign from the jar (the program compares the
# file JNA loaded with the jar's linux-x86-64/libsnapsign.so).
cd "$tmp"
env -u LD_LIBRARY_PATH java -cp "$classpath:$tmp/classes" SignWithJava "$tmp/vectors" "$version"
