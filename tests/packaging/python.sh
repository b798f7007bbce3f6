#!/usr/bin/env bash
# tests/packaging/python.sh OUT: the Python package as its users get it, from OUT/python/ only.
#   1. the wheels' names and WHEEL tags: py3-none-manylinux_2_NN_<arch>, never linux_<arch>; NN is
#      at least the newest glibc symbol version the bundled library needs (readelf, independently
#      of maturin's check), and it links only libraries the manylinux policy allows;
#   2. the aarch64 wheel's library is an AArch64 ELF shared object (it is not run: that would need
#      an aarch64 Python under qemu-user, which the project's machines do not have);
#   3. the sdist carries every crate its build needs, bindings/uniffi-bindgen included
#      (SNAPSIGN_TEST_SDIST=1 also builds a wheel from it with cargo: about 5 minutes cold on 2 cores);
#   4. the x86_64 wheel installed into a fresh venv by a process whose PATH has no cargo or rustc;
#      then bindings/python/tests, copied with the vectors, docs/examples and the C header they read
#      to a temp dir outside the source tree, run against it (plus tests/packaging/python/, which checks the
#      package was imported from the venv and that every version is the workspace's);
#   5. mypy --strict on the installed package's hand-written files and on a typed user program
#      (tests/packaging/python/typed_use.py), and a program with a type error must be refused.
# About 1 minute once PyPI's wheels are in pip's cache (pytest itself: ~30 s).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$(cd "${1:?usage: tests/packaging/python.sh OUT}" && pwd)"
python="$(command -v "${PYTHON:-python3}")"
version="$(bash "$root/tests/version.sh" --print)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
fail() { echo "python package: $*" >&2; exit 1; }

one() {  # the single file matching a glob
  local matches=("$@")
  [ "${#matches[@]}" = 1 ] && [ -f "${matches[0]}" ] || fail "expected one file, found: ${matches[*]}"
  echo "${matches[0]}"
}
wheel_x86="$(one "$out"/python/snapsign-"$version"-py3-none-manylinux_2_*_x86_64.whl)"
wheel_arm="$(one "$out"/python/snapsign-"$version"-py3-none-manylinux_2_*_aarch64.whl)"
sdist="$(one "$out"/python/snapsign-"$version".tar.gz)"
! ls "$out"/python/*linux_x86_64.whl "$out"/python/*linux_aarch64.whl 2>/dev/null | grep -v manylinux \
  || fail "a bare linux_<arch> wheel is in $out/python"

# 1-3. Tags, libraries, sdist.
"$python" - "$wheel_x86" x86_64 "Advanced Micro Devices X86-64" "$wheel_arm" aarch64 AArch64 "$sdist" <<'EOF'
import re, subprocess, sys, tarfile, tempfile, zipfile

# Libraries a manylinux_2_x wheel may link (PEP 600 / auditwheel's policy, the ones relevant here).
ALLOWED = {"libc.so.6", "libm.so.6", "libdl.so.2", "libpthread.so.0", "librt.so.1", "libgcc_s.so.1",
           "ld-linux-x86-64.so.2", "ld-linux-aarch64.so.1"}
args = sys.argv[1:]
for wheel, arch, machine in (args[0:3], args[3:6]):
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        info = next(n for n in names if n.endswith(".dist-info/WHEEL"))
        meta = z.read(info).decode()
        tags = re.findall(r"^Tag: (.+)$", meta, re.M)
        m = re.fullmatch(rf"py3-none-manylinux_2_(\d+)_{arch}", tags[0]) if len(tags) == 1 else None
        assert m, f"{wheel}: tags {tags}"
        assert wheel.endswith(f"-{tags[0]}.whl"), (wheel, tags)
        assert "Root-Is-Purelib: false" in meta, meta
        for required in ("snapsign/__init__.py", "snapsign/py.typed", "snapsign/redis_guard.py",
                         "snapsign/snapsign/__init__.py", "snapsign/snapsign/snapsign.py",
                         "snapsign/snapsign/libsnapsign.so"):
            assert required in names, (wheel, required, names)
        lib = tempfile.NamedTemporaryFile(suffix=".so")
        lib.write(z.read("snapsign/snapsign/libsnapsign.so"))
        lib.flush()
    glibc = int(m.group(1))
    header = subprocess.run(["readelf", "-h", lib.name], check=True, capture_output=True, text=True).stdout
    assert re.search(rf"Machine:\s+{machine}$", header, re.M), header
    assert re.search(r"Type:\s+DYN", header), header
    needs = subprocess.run(["readelf", "-V", "-d", lib.name], check=True, capture_output=True, text=True).stdout
    versions = {tuple(map(int, v.split("."))) for v in re.findall(r"GLIBC_(\d+\.\d+(?:\.\d+)?)", needs)}
    newest = max(versions)
    assert newest[:2] <= (2, glibc), f"{wheel}: needs GLIBC_{'.'.join(map(str, newest))}, tagged 2_{glibc}"
    # The tag is the lowest that is true: maturin picked it from the same symbols.
    assert newest[:2] == (2, glibc), f"{wheel}: tagged 2_{glibc} but needs only {newest}"
    needed = set(re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", needs))
    assert needed and needed <= ALLOWED, f"{wheel}: links {needed - ALLOWED}"
    print(f"{wheel.rsplit('/', 1)[1]}: {machine} library, GLIBC_2.{glibc} at most, links {sorted(needed)}")

sdist = args[6]
with tarfile.open(sdist) as t:
    names = set(t.getnames())
    top = next(iter(names)).split("/")[0]
    workspace = t.extractfile(f"{top}/Cargo.toml").read().decode()
    members = re.search(r"^members = \[(.*)\]$", workspace, re.M).group(1)
    for member in re.findall(r'"([^"]+)"', members):
        assert f"{top}/{member}/Cargo.toml" in names, (sdist, member)
    for needed in ("bindings/uniffi-bindgen/Cargo.toml", "bindings/uniffi-bindgen/src/main.rs",
                   "ffi/bundle/Cargo.toml", "pyproject.toml", "python/snapsign/py.typed", "Cargo.lock"):
        assert f"{top}/{needed}" in names, (sdist, needed)
    assert '"bindings/uniffi-bindgen"' in members, members
print(f"{sdist.rsplit('/', 1)[1]}: workspace members {members}")
EOF

# 4. A fresh venv; the wheel installed with no cargo or rustc on PATH.
"$python" -m venv "$tmp/venv"
venv_python="$tmp/venv/bin/python"
clean_path="$tmp/venv/bin"
for dir in /usr/local/bin /usr/bin /bin; do
  if [ -d "$dir" ] && [ ! -e "$dir/cargo" ] && [ ! -e "$dir/rustc" ]; then clean_path="$clean_path:$dir"; fi
done
no_rust() {  # runs "$@" with that PATH and no Rust variables
  env -u CARGO_HOME -u RUSTUP_HOME -u CARGO_TARGET_DIR -u RUSTC -u RUSTFLAGS PATH="$clean_path" "$@"
}
no_rust bash -c '! command -v cargo && ! command -v rustc' >/dev/null || fail "cargo or rustc on PATH $clean_path"
no_rust "$venv_python" -m pip install --quiet --disable-pip-version-check --no-index --only-binary :all: "$wheel_x86"
no_rust "$venv_python" -m pip install --quiet --disable-pip-version-check \
  -r "$root/bindings/python/tests/requirements.txt" mypy

# The tests and what they read, outside the source tree (conftest.py's ROOT is three levels up).
work="$tmp/consumer"
mkdir -p "$work/bindings/python" "$work/tests" "$work/docs"
cp -r "$root/bindings/python/tests" "$work/bindings/python/tests"
cp -r "$root/tests/vectors" "$work/tests/vectors"
cp -r "$root/docs/examples" "$work/docs/examples"
cp "$here/python/test_installed_wheel.py" "$work/bindings/python/tests/"
# test_fast_path.py reads the buffer sizes from the C header: the C SDK's copy in OUT when
# packaging/c-sdk.sh made it, else the committed one (the same file).
mkdir -p "$work/include"
header="$out/c/x86_64-unknown-linux-gnu/include/snapsign.h"
[ -f "$header" ] || header="$root/include/snapsign.h"
cp "$header" "$work/include/snapsign.h"
[ ! -e "$work/bindings/python/python" ] || fail "the package source was copied"
cd "$work/bindings/python/tests"
# test_requests.py compares with the CLI when SNAPSIGN_CLI names one: not part of OUT, so those
# comparisons skip here (bindings/python/run.sh runs them); everything else must pass.
no_rust env -u SNAPSIGN_CLI SNAPSIGN_EXPECTED_VERSION="$version" SNAPSIGN_WHEEL="$wheel_x86" \
  "$venv_python" -m pytest -q -p no:cacheprovider -rs . | tee "$tmp/pytest.log"
# Only the CLI comparisons may skip.
if grep -E '^SKIPPED' "$tmp/pytest.log" | grep -v 'snapsign is not built'; then
  fail "tests skipped for another reason than the absent CLI"
fi
grep -Eq '^[0-9]+ passed' "$tmp/pytest.log" || tail -1 "$tmp/pytest.log" | grep -Eq '[0-9]+ passed' \
  || fail "pytest reported no passed test"

# 5. Types: the installed hand-written front with mypy --strict (the generated module is uniffi's
# and is followed silently), a typed user program, and a wrong one that mypy must refuse.
site="$("$venv_python" -c 'import pathlib, snapsign; print(pathlib.Path(snapsign.__file__).parent)')"
case "$site" in "$tmp/venv/"*) ;; *) fail "snapsign imported from $site, not the venv" ;; esac
cat > "$tmp/mypy.ini" <<'EOF'
[mypy]
strict = True
[mypy-snapsign.snapsign.*]
follow_imports = silent
[mypy-redis.*]
ignore_missing_imports = True
EOF
# Modules by name, not files (files under site-packages would make it a source root), from an
# empty directory.
mkdir "$tmp/empty"
cd "$tmp/empty"
no_rust "$venv_python" -m mypy --config-file "$tmp/mypy.ini" --no-incremental -m snapsign -m snapsign.redis_guard
no_rust "$venv_python" -m mypy --config-file "$tmp/mypy.ini" --no-incremental "$here/python/typed_use.py"
if no_rust "$venv_python" -m mypy --config-file "$tmp/mypy.ini" --no-incremental "$here/python/typed_misuse.py" \
  >"$tmp/misuse.log" 2>&1; then
  fail "mypy accepted typed_misuse.py: the package's types are not seen"
fi
expected_lines="$(grep -n '# error:' "$here/python/typed_misuse.py" | cut -d: -f1 | tr '\n' ' ')"
found_lines="$(sed -n 's/^[^:]*typed_misuse\.py:\([0-9]*\): error:.*/\1/p' "$tmp/misuse.log" | sort -nu | tr '\n' ' ')"
[ "$found_lines" = "$expected_lines" ] || { cat "$tmp/misuse.log"; fail "mypy's errors in typed_misuse.py are on lines $found_lines, expected $expected_lines"; }
echo "mypy: typed_misuse.py refused, errors on exactly lines $expected_lines"

# 3b. Optionally, the sdist's own build (cargo; reuses the workspace target dir where it can).
if [ "${SNAPSIGN_TEST_SDIST:-0}" = 1 ]; then
  "$venv_python" -m pip wheel --quiet --no-deps --no-build-isolation -w "$tmp/from-sdist" "$sdist"
  built="$(one "$tmp/from-sdist"/snapsign-"$version"-*.whl)"
  no_rust "$venv_python" -m pip install --quiet --force-reinstall --no-deps --no-index "$built"
  cd "$work/bindings/python/tests"
  no_rust "$venv_python" -m pytest -q -p no:cacheprovider test_vectors.py test_fast_path.py
  echo "sdist: builds, and the wheel built from it passes the vector tests"
fi
echo "python package: ok ($(basename "$wheel_x86"), $(basename "$wheel_arm"), $(basename "$sdist"))"
