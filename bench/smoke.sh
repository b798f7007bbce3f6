#!/usr/bin/env bash
# Smoke mode of the benchmarks, for CI, so they never rot: builds every bench and runs each
# measurement once (criterion's --test mode; compare.py --quick; digest_vs_openssl.sh --quick:
# 3 rounds of 4 MiB), checking that every implementation still agrees (signatures, digests) and
# that nothing outside RSA allocates.
# Timings printed here mean nothing. Reuses target/ (the bench profile shares release deps).
#
# Needs: libssl-dev and pkg-config (the openssl dev-dependency), python3.
# Full run: see bench/RESULTS.md ("How to reproduce").
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS
cargo bench -p snapsign-core --bench rsa --bench body_digest --bench transaction --bench footprint -- --test
python3 bench/compare.py --quick
bash bench/digest_vs_openssl.sh --quick
if [ "${SNAPSIGN_SMOKE_FLASH:-0}" = 1 ]; then bash bench/flash/size.sh; fi
echo "bench smoke: ok ($((SECONDS - start)) s)"
