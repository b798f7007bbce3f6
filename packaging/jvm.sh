#!/usr/bin/env bash
# packaging/jvm.sh OUT: the JVM jar into OUT/kotlin/:
#   snapsign-<version>.jar          the compiled Kotlin bindings (bindings/kotlin/id/snapsign/*.kt:
#                                   the uniffi-generated snapsign.kt and the hand-written fronts) and
#                                   the release libsnapsign.so under JNA's resource paths,
#                                   linux-x86-64/ and linux-aarch64/, so that
#                                   `java -cp snapsign.jar:jna.jar:kotlin-stdlib.jar` finds the library
#                                   without -Djna.library.path (JNA extracts it from the class path)
#   kotlin-stdlib-<kotlin>.jar      the Kotlin standard library of the compiler that built the jar
#   jna-<jna>.jar                   the JNA jar it was compiled against (Debian's libjna-java)
# The native libraries are those of `cargo build --release -p libsnapsign --target <triple>`, the
# same invocation as packaging/c-sdk.sh, so whichever runs first builds them.
# Needs: a JDK (javac's `jar`), npm (kotlin-compiler), libjna-java, the rustup target
# aarch64-unknown-linux-gnu and gcc-aarch64-linux-gnu (tests/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
out="${1:?usage: packaging/jvm.sh OUT}"
mkdir -p "$out/kotlin"
out="$(cd "$out" && pwd)/kotlin"
target_dir="${CARGO_TARGET_DIR:-$root/target}"
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER="${CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER:-aarch64-linux-gnu-gcc}"

source bindings/kotlin/tools.sh  # $kotlin_home, $jna, $KOTLIN_VERSION
version="$(cargo metadata --format-version 1 --no-deps | python3 -c \
  'import json, sys; print(next(p["version"] for p in json.load(sys.stdin)["packages"] if p["name"] == "libsnapsign"))')"
jna_version="$(unzip -p "$jna" META-INF/MANIFEST.MF | sed -n 's/^Bundle-Version: *\([0-9.]*\).*/\1/p' | tr -d '\r')"
[ -n "$jna_version" ] || { echo "jvm: no Bundle-Version in $jna's manifest" >&2; exit 1; }

# 1. The native libraries, JNA's resource prefix for each target.
declare -A prefix=([x86_64-unknown-linux-gnu]=linux-x86-64 [aarch64-unknown-linux-gnu]=linux-aarch64)
build="$target_dir/jvm-package"
rm -rf "$build"
mkdir -p "$build/classes"
for target in x86_64-unknown-linux-gnu aarch64-unknown-linux-gnu; do
  echo "jvm: libsnapsign.so for $target"
  cargo build --quiet --release -p libsnapsign --target "$target"
  mkdir -p "$build/classes/${prefix[$target]}"
  cp "$target_dir/$target/release/libsnapsign.so" "$build/classes/${prefix[$target]}/libsnapsign.so"
done

# 2. The bindings, compiled against JNA (the stdlib comes from kotlinc itself).
echo "jvm: compiling the Kotlin bindings (kotlinc $KOTLIN_VERSION)"
"$kotlin_home/bin/kotlinc" -nowarn -d "$build/classes" -classpath "$jna" bindings/kotlin/id/snapsign/*.kt

# 3. The jar, with its version in the manifest, and the two jars it needs beside it.
cat > "$build/MANIFEST.MF" <<MF
Implementation-Title: snapsign
Implementation-Version: $version
Automatic-Module-Name: id.snapsign
MF
rm -f "$out"/snapsign-*.jar "$out"/kotlin-stdlib-*.jar "$out"/jna-*.jar
jar --create --file "$out/snapsign-$version.jar" --manifest "$build/MANIFEST.MF" -C "$build/classes" .
cp "$kotlin_home/lib/kotlin-stdlib.jar" "$out/kotlin-stdlib-$KOTLIN_VERSION.jar"
cp "$jna" "$out/jna-$jna_version.jar"
ls -l "$out"
