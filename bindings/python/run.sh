#!/usr/bin/env bash
# Builds and installs the Python package (pip install ./bindings/python: maturin, uniffi
# bindings, libsnapsign inside) and runs bindings/python/tests with pytest.
#
# SNAPSIGN_WHEEL_PROFILE=dev (the default here) reuses target/debug, already built by the other
# checks, so the wheel is ready in seconds; =release builds what `pip install` gives users
# (several minutes on 2 cores). Extra arguments go to pytest.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
profile="${SNAPSIGN_WHEEL_PROFILE:-dev}"
python="${PYTHON:-python3}"

"$python" -m pip install --quiet --disable-pip-version-check -r "$here/tests/requirements.txt"
# --no-build-isolation: use the maturin just installed rather than fetching another one.
# The README's command, plus the options above.
cd "$root"
MATURIN_PEP517_ARGS="--profile $profile" \
    "$python" -m pip install ./bindings/python --quiet --disable-pip-version-check --no-build-isolation --force-reinstall --no-deps
# The CLI of the same tree: tests/test_requests.py compares with `snapsign request/providers/code`.
cargo build --quiet -p snapsign-cli
export SNAPSIGN_CLI="${CARGO_TARGET_DIR:-$root/target}/debug/snapsign"
cd "$here"
"$python" -m pytest -q -p no:cacheprovider tests "$@"
