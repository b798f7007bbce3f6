#!/usr/bin/env bash
# Runs the README's first command exactly as written and checks with the OpenSSL CLI that the
# X-SIGNATURE it prints verifies over X-CLIENT-KEY|X-TIMESTAMP with the bundled public key.
set -euo pipefail
cd "$(dirname "$0")/.."
cmd=$(awk '/^```/{n++; next} n==1 {print; exit}' README.md)
echo "README command: $cmd"
out=$(bash -c "$cmd")
echo "$out"
header() { printf '%s\n' "$out" | sed -n "s/^$1: //p"; }
ts=$(header X-TIMESTAMP); client=$(header X-CLIENT-KEY); sig=$(header X-SIGNATURE)
[ -n "$ts" ] && [ -n "$client" ] && [ -n "$sig" ] || { echo "missing headers"; exit 1; }
[ "$(header Content-Type)" = "application/json" ] || { echo "missing Content-Type"; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
printf '%s' "$sig" | openssl base64 -d -A > "$tmp/sig.bin"
printf '%s|%s' "$client" "$ts" > "$tmp/message"
openssl dgst -sha256 -verify tests/vectors/keys/rsa2048-public.pem -signature "$tmp/sig.bin" "$tmp/message"
