#!/usr/bin/env bash
# Regenerates the uniffi bindings from the dev build of libsnapsign (library mode):
#   bindings/kotlin/id/snapsign/snapsign.kt                      (package id.snapsign)
#   bindings/swift/SnapSign.swift, snapsignFFI.h, snapsignFFI.modulemap
#   bindings/python/generated/snapsign.py                        (the wheel's snapsign/snapsign/snapsign.py)
# usage: bindings/generate.sh [OUT_ROOT]   (default: bindings/; check-fresh.sh passes a temp dir)
# The output depends only on the exported interface and ffi/uniffi.toml (no formatter runs),
# so it is the same on every machine and in both profiles.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/bindings}"
target_dir="${CARGO_TARGET_DIR:-$root/target}"

cd "$root"
# Two cargo runs, not one: built together, uniffi-bindgen's features of the crates they share
# would make a second build of the library and what it depends on, next to the one the C and
# Kotlin suites make (which build it alone); about 45 s of CI. The generated code is the same.
cargo build --quiet -p libsnapsign
cargo build --quiet -p uniffi-bindgen
case "$(uname -s)" in
    Darwin) lib="$target_dir/debug/libsnapsign.dylib" ;;
    MINGW*|MSYS*|CYGWIN*) lib="$target_dir/debug/snapsign.dll" ;;
    *) lib="$target_dir/debug/libsnapsign.so" ;;
esac

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
"$target_dir/debug/uniffi-bindgen" generate --library "$lib" \
    --language kotlin --language swift --language python \
    --config "$root/ffi/uniffi.toml" --out-dir "$stage" >/dev/null

mkdir -p "$out/kotlin/id/snapsign" "$out/swift" "$out/python/generated"
cp "$stage/id/snapsign/snapsign.kt" "$out/kotlin/id/snapsign/snapsign.kt"
cp "$stage/SnapSign.swift" "$stage/snapsignFFI.h" "$stage/snapsignFFI.modulemap" "$out/swift/"
cp "$stage/snapsign.py" "$out/python/generated/snapsign.py"
echo "bindings generated in $out/{kotlin,swift,python/generated}"
