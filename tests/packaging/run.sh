#!/usr/bin/env bash
# Consumer tests: build every artefact with packaging/dist.sh, then use each one the way its users
# do, from OUT/ only (never the source tree).
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${SNAPSIGN_DIST:-$PWD/target/dist}"
bash packaging/dist.sh "$out"
for consumer in c python java; do
  echo "packaging: $consumer consumer"
  bash "tests/packaging/$consumer.sh" "$out"
done
