#!/usr/bin/env bash
# Fails when the committed bindings differ from what the current Rust interface generates.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$root/bindings/generate.sh" "$tmp" >/dev/null
files=(
    kotlin/id/snapsign/snapsign.kt
    swift/SnapSign.swift
    swift/snapsignFFI.h
    swift/snapsignFFI.modulemap
    python/generated/snapsign.py
)
stale=0
for f in "${files[@]}"; do
    if ! diff -u "$root/bindings/$f" "$tmp/$f" >"$tmp/diff" 2>&1; then
        echo "STALE: bindings/$f differs from the generated file:" >&2
        head -40 "$tmp/diff" >&2
        stale=1
    fi
done
if [ "$stale" != 0 ]; then
    echo "The committed uniffi bindings are stale: run bindings/generate.sh and commit the result." >&2
    exit 1
fi
echo "uniffi bindings are fresh (${#files[@]} files)"
