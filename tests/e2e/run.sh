#!/usr/bin/env bash
# End-to-end tests: snapsign's output sent with real curl to an independent SNAP server (Python).
# Needs: cargo, curl, python3 with pytest and cryptography.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
cargo build -p snapsign-cli
export PYTHONDONTWRITEBYTECODE=1
export SNAPSIGN_BIN="${SNAPSIGN_BIN:-$ROOT/target/debug/snapsign}"
# Bounded: every curl has --max-time, every subprocess a timeout, and the whole run 5 minutes.
exec timeout 300 python3 -m pytest -q -p no:cacheprovider tests/e2e "$@"
