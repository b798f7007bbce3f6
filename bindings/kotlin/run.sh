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
target_dir="${CARGO_TARGET_DIR:-$root/target}"
build="$target_dir/kotlin-test"

# 1. kotlinc and 2. JNA: $kotlin_home and $jna.
source "$here/tools.sh"

# 3. The library (dev profile).
(cd "$root" && cargo build -p libsnapsign --quiet)
lib_dir="$target_dir/debug"

# 4. Compile the bindings (the generated snapsign.kt and the hand-written fronts beside it) and the
#    tests, then run.
mkdir -p "$build"
kotlinc="$kotlin_home/bin/kotlinc"
"$kotlinc" -nowarn -d "$build/snapsign.jar" -classpath "$jna" "$here"/id/snapsign/*.kt
# The tests, and the servlet-style example in docs/examples that they exercise.
"$kotlinc" -nowarn -d "$build/snapsign-test.jar" -classpath "$jna:$build/snapsign.jar" "$here"/tests/*.kt \
    "$root/docs/examples/KotlinWebhook.kt"
"$kotlin_home/bin/kotlin" -Djna.library.path="$lib_dir" \
    -classpath "$build/snapsign.jar:$jna:$build/snapsign-test.jar" \
    id.snapsign.test.SnapSignTestKt "$root"
