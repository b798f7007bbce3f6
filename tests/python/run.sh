#!/usr/bin/env bash
# Builds the shared library and runs the ctypes tests (pytest) against it.
# Needs: python3 with pytest (tests/requirements.txt).
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build -p libsnapsign --quiet
export SNAPSIGN_LIB="${SNAPSIGN_LIB:-$PWD/target/debug/libsnapsign.so}"
python3 -m pytest -q -p no:cacheprovider tests/python
