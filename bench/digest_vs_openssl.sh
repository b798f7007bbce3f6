#!/usr/bin/env bash
# `snapsign digest` of a pretty-printed body against `openssl dgst -sha256`, whole processes.
#   bash bench/digest_vs_openssl.sh [--quick] [--rounds N] [--size-mib M] [--keep]
# SIZE_MIB (default 64) and ROUNDS (default 15) also set the size and rounds; --quick: 3 rounds
# of 4 MiB (CI smoke, bench/smoke.sh). Fails only on a wrong digest. See digest_vs_openssl.py.
set -euo pipefail
exec python3 "$(dirname "$0")/digest_vs_openssl.py" "$@"
