#!/usr/bin/env bash
# Runs every code block of README.md as pasted, or checks it is a fragment of a file that is run
# (tests/readme/check.py has the marker convention). Reuses the dev build in target/debug, the
# Python package bindings/python/run.sh installed, and the kotlinc bindings/kotlin/run.sh fetched.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
cargo build -p snapsign-core -p snapsign-cli -p libsnapsign --quiet

# kotlinc: the one bindings/kotlin/run.sh installs through bindings/kotlin/tools.sh (it runs first in tests/run.sh; alone, run it).
kotlin_version="$(sed -n 's/^KOTLIN_VERSION="\${KOTLIN_VERSION:-\(.*\)}"$/\1/p' bindings/kotlin/tools.sh)"
kotlin_bin="${SNAPSIGN_TOOLS:-$root/.tools}/kotlin-compiler-$kotlin_version/bin"
[ -x "$kotlin_bin/kotlinc" ] || bash bindings/kotlin/run.sh >/dev/null
python3 -c 'import snapsign' 2>/dev/null || bash bindings/python/run.sh -q >/dev/null

# `snapsign` on PATH as `cargo install --path cli` puts it, from target/debug; cargo itself runs
# in the repository (the blocks run in a scratch directory), and `cargo install --path cli` is done.
export PATH="$root/target/debug:$kotlin_bin:$PATH"
export SNAPSIGN_README_ROOT="$root"
cargo() {
  if [ "$*" = "install --path cli" ]; then echo "(tests/readme/run.sh: target/debug is on PATH)"; return; fi
  (cd "$SNAPSIGN_README_ROOT" && command cargo "$@")
}
export -f cargo
exec python3 tests/readme/check.py
