#!/usr/bin/env bash
# packaging/python.sh OUT: the Python package into OUT/python/:
#   snapsign-<version>-py3-none-manylinux_2_34_x86_64.whl
#   snapsign-<version>-py3-none-manylinux_2_34_aarch64.whl
#   snapsign-<version>.tar.gz (sdist: builds the library from source with cargo on the installing machine)
#
# maturin builds bindings/python (bindings = "uniffi": the package loads libsnapsign through ctypes,
# so a wheel is py3-none-<platform>, not tied to one CPython ABI) with --release in the workspace
# target dir: target/<triple>/release/, the same artefacts as `cargo build --release -p libsnapsign
# --target <triple>` (packaging/c-sdk.sh and jvm.sh), so whichever step runs first builds them.
#
# The manylinux tag is maturin's own auditwheel check of the built library (--compatibility fails
# the build when the library needs a newer glibc symbol, or links a library outside the policy).
# 2_34 is what a library built on this Debian 12 (glibc 2.36) needs: dlsym and pthread_key_* are
# GLIBC_2.34 symbols. A lower floor needs building against an older glibc (a manylinux container,
# or maturin --zig), neither of which this project's machines have; see docs/packaging.md.
#
# Needs: maturin (tests/requirements.txt), rustup targets x86_64/aarch64-unknown-linux-gnu, and
# Debian's gcc-aarch64-linux-gnu as the aarch64 linker (tests/setup.sh installs them).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
out="${1:?usage: packaging/python.sh OUT}"
mkdir -p "$out/python"
out="$(cd "$out" && pwd)/python"
python="${PYTHON:-python3}"
manylinux="${SNAPSIGN_MANYLINUX:-manylinux_2_34}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER="${CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER:-aarch64-linux-gnu-gcc}"

rm -f "$out"/snapsign-*.whl "$out"/snapsign-*.tar.gz
cd "$root/bindings/python"
for target in x86_64-unknown-linux-gnu aarch64-unknown-linux-gnu; do
  echo "python: wheel for $target ($manylinux)"
  "$python" -m maturin build --quiet --release --target "$target" --compatibility "$manylinux" --out "$out"
done
echo "python: sdist"
"$python" -m maturin sdist --out "$out"
# maturin's sdist holds the crates libsnapsign depends on, but not this workspace's
# bindings/uniffi-bindgen, which maturin runs to generate the Python module (`cargo run --bin
# uniffi-bindgen`); without it a build from the sdist looks for `uniffi-bindgen` on PATH, and PyPI's
# has another uniffi version (0.31 at most; the library uses 0.32.2, and the generated code checks
# it). So add the crate and its workspace member line, keeping maturin's file attributes.
sdist=("$out"/snapsign-*.tar.gz)
[ "${#sdist[@]}" = 1 ] || { echo "python: expected one sdist, found: ${sdist[*]}" >&2; exit 1; }
"$python" - "${sdist[0]}" "$root" $(git -C "$root" ls-files bindings/uniffi-bindgen) <<'PY'
import gzip, io, pathlib, re, sys, tarfile

sdist, root, files = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), sys.argv[3:]
assert files, "git ls-files bindings/uniffi-bindgen is empty"
with tarfile.open(sdist) as tar:
    entries = [(m, tar.extractfile(m).read() if m.isfile() else None) for m in tar.getmembers()]
top = entries[0][0].name.split("/")[0]
names = {m.name for m, _ in entries}
template = next(m for m, _ in entries if m.name == f"{top}/Cargo.toml")
rebuilt = []
for m, data in entries:
    if m.name == f"{top}/Cargo.toml":
        text = data.decode()
        data = re.sub(r'^(members = \[.*)\]$', r'\1, "bindings/uniffi-bindgen"]', text, count=1, flags=re.M).encode()
        assert data != text.encode(), "no workspace members line in the sdist's Cargo.toml"
    rebuilt.append((m, data))
for rel in files:
    name = f"{top}/{rel}"
    assert name not in names, name
    info = tarfile.TarInfo(name)
    info.mtime, info.mode, info.uid, info.gid = template.mtime, template.mode, template.uid, template.gid
    rebuilt.append((info, (root / rel).read_bytes()))
raw = io.BytesIO()
with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
    for m, data in rebuilt:
        if data is None:
            tar.addfile(m)
        else:
            m.size = len(data)
            tar.addfile(m, io.BytesIO(data))
with gzip.GzipFile(sdist, "wb", mtime=0) as f:
    f.write(raw.getvalue())
print(f"python: added {len(files)} files of bindings/uniffi-bindgen to {sdist.name}")
PY
ls -l "$out"
