#!/usr/bin/env bash
# Compiles the generated Kotlin bindings (bindings/kotlin/id/snapsign/snapsign.kt) and runs
# bindings/kotlin/tests on the JVM against target/debug/libsnapsign.so.
#
# Needs: a JDK (17+), cargo, npm (for the kotlin-compiler package, installed once into
# $SNAPSIGN_TOOLS, default <repo>/.tools) and JNA (Debian: libjna-java -> /usr/share/java/jna.jar,
# installed here with apt-get when missing and running as root; or set JNA_JAR).
# Prints "N passed, M failed" and exits non-zero on any failure.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
KOTLIN_VERSION="${KOTLIN_VERSION:-2.2.21}"
tools="${SNAPSIGN_TOOLS:-$root/.tools}"
kotlin_home="$tools/kotlin-compiler-$KOTLIN_VERSION"
target_dir="${CARGO_TARGET_DIR:-$root/target}"
build="$target_dir/kotlin-test"

# 1. kotlinc, from the npm registry's kotlin-compiler package (a full JVM kotlinc).
if [ ! -x "$kotlin_home/bin/kotlinc" ]; then
    echo "installing kotlin-compiler@$KOTLIN_VERSION into $kotlin_home"
    mkdir -p "$tools"
    tmp="$(mktemp -d)"
    (cd "$tmp" && npm pack --silent "kotlin-compiler@$KOTLIN_VERSION" >/dev/null)
    mkdir -p "$kotlin_home.partial"
    tar xzf "$tmp"/kotlin-compiler-*.tgz -C "$kotlin_home.partial" --strip-components=1
    chmod +x "$kotlin_home.partial"/bin/*
    rm -rf "$tmp" "$kotlin_home"
    mv "$kotlin_home.partial" "$kotlin_home"
fi

# 2. JNA, which the generated Kotlin uses to call the C ABI of the uniffi scaffolding.
jna="${JNA_JAR:-/usr/share/java/jna.jar}"
if [ ! -f "$jna" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libjna-java >/dev/null
    fi
    [ -f "$jna" ] || { echo "JNA not found: install libjna-java or set JNA_JAR" >&2; exit 1; }
fi

# 3. The library (dev profile).
(cd "$root" && cargo build -p libsnapsign --quiet)
lib_dir="$target_dir/debug"

# 4. Compile the bindings and the tests, then run.
mkdir -p "$build"
kotlinc="$kotlin_home/bin/kotlinc"
"$kotlinc" -nowarn -d "$build/snapsign.jar" -classpath "$jna" "$here/id/snapsign/snapsign.kt" "$here/id/snapsign/Receive.kt"
# The tests, and the servlet-style example in docs/examples that they exercise.
"$kotlinc" -nowarn -d "$build/snapsign-test.jar" -classpath "$jna:$build/snapsign.jar" "$here"/tests/*.kt \
    "$root/docs/examples/KotlinWebhook.kt"
"$kotlin_home/bin/kotlin" -Djna.library.path="$lib_dir" \
    -classpath "$build/snapsign.jar:$jna:$build/snapsign-test.jar" \
    id.snapsign.test.SnapSignTestKt "$root"
