#!/usr/bin/env bash
# Secrets, from the outside: a separate C process loads the RSA test key and an HMAC client
# secret through libsnapsign.a (the shipped library, with its wipe-on-free allocator), uses them,
# frees them, and searches its own memory (/proc/self/mem) for d, p, q, dP, dQ and the secret
# (tests/memdump/scan.c). A control scan while they are alive must find them.
# Needs: gcc, python3 with `cryptography` (tests/requirements.txt), Linux /proc.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
out="$root/target/memdump"
mkdir -p "$out"

cargo build -p libsnapsign --quiet
python3 tests/memdump/gen_needles.py tests/vectors/keys/rsa2048-pkcs8.pem tests/vectors/snap-vectors.json \
  "$out/needles.h"
gcc -std=c11 -Wall -Wextra -Werror -O2 -g -I"$root/include" -I"$out" tests/memdump/scan.c \
  "$root/target/debug/libsnapsign.a" -lpthread -ldl -lm -o "$out/scan"
"$out/scan"
