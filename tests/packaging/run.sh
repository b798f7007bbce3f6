#!/usr/bin/env bash
# Consumer tests: build every artefact with packaging/dist.sh, then use each one the way its users
# do, from OUT/ only (never the source tree).
set -euo pipefail
cd "$(dirname "$0")/../.."
# SNAPSIGN_DIST_PARTS (see packaging/dist.sh) and SNAPSIGN_CONSUMERS="c" select parts (default: all; `install` runs the
# README's Install commands, tests/packaging/install.sh).
out="${SNAPSIGN_DIST:-$PWD/target/dist}"
bash packaging/dist.sh "$out"
for consumer in ${SNAPSIGN_CONSUMERS:-c python java install}; do
  echo "packaging: $consumer consumer"
  start=$SECONDS
  bash "tests/packaging/$consumer.sh" "$out"
  echo "packaging: $consumer consumer ok ($((SECONDS - start)) s)"
done
