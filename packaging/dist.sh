#!/usr/bin/env bash
# Builds every artefact users install into OUT/ (default: dist/):
#   OUT/c/<target>/...  and  OUT/snapsign-<version>-<target>.tar.gz   C SDK   (packaging/c-sdk.sh)
#   OUT/apple/, OUT/android/                                           static libraries (packaging/mobile.sh)
#   OUT/python/*.whl, *.tar.gz                                         wheels and sdist (packaging/python.sh)
#   OUT/kotlin/snapsign-<version>.jar                                  JVM jar (packaging/jvm.sh)
# Run after the README's set-up command (tests/setup.sh), which installs the cross linkers.
# SNAPSIGN_DIST_PARTS="c-sdk mobile" builds only those parts (default: all four).
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-dist}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
for part in ${SNAPSIGN_DIST_PARTS:-c-sdk mobile python jvm}; do
  echo "dist: $part"
  start=$SECONDS
  bash "packaging/$part.sh" "$out"
  echo "dist: $part done ($((SECONDS - start)) s)"
done
echo "dist: done, artefacts in $out"
