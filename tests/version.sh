#!/usr/bin/env bash
# One version everywhere: fails when any place that states the snapsign version disagrees with the
# workspace version (`[workspace.package] version` in Cargo.toml). No build needed; about 1 s.
#
#   bash tests/version.sh            checks the sources (below)
#   bash tests/version.sh OUT        also checks the names of the packaged files in OUT/
#                                    (packaging/dist.sh OUT): wheels, sdist, jar, C SDK tarballs
#   bash tests/version.sh --print    prints the workspace version (for the consumer tests)
#
# The places, and how each one follows the workspace version:
#   every crate's Cargo.toml          `version.workspace = true`, so CARGO_PKG_VERSION, and with it
#                                     snapsign_version() of the C ABI (ffi/src/c_api/errors.rs), is it
#   path dependencies' `version = `   Cargo.toml [workspace.dependencies], ffi/bundle/Cargo.toml
#   bindings/python/pyproject.toml    `dynamic = ["version"]`: maturin takes libsnapsign's version;
#                                     snapsign.__version__ is snapsign_version() of the bundled library
#   bindings/kotlin/id/snapsign/Version.kt   SnapSignVersion.VERSION, a constant Java can read
#   CHANGELOG.md                      the newest version heading
# The built artefacts report their version at run time; tests/packaging/{python,java}.sh check those
# values (snapsign.__version__, the wheel's metadata, SnapSignVersion.library()) against --print.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
exec python3 - "$root" "$@" <<'EOF'
import pathlib
import re
import sys
import tomllib

root = pathlib.Path(sys.argv[1])
args = sys.argv[2:]
workspace = tomllib.loads((root / "Cargo.toml").read_text(encoding="utf-8"))
version = workspace["workspace"]["package"]["version"]
if args == ["--print"]:
    print(version)
    sys.exit(0)

problems = []


def expect(place, found):
    if found != version:
        problems.append(f"{place}: {found!r}, but the workspace version is {version!r}")


if not re.fullmatch(r"\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?", version):
    problems.append(f"Cargo.toml: {version!r} is not a semantic version")

# Every crate of the workspace inherits the version.
for member in workspace["workspace"]["members"]:
    package = tomllib.loads((root / member / "Cargo.toml").read_text(encoding="utf-8"))["package"]
    if package.get("version") != {"workspace": True}:
        problems.append(f"{member}/Cargo.toml: version is {package.get('version')!r}, not `version.workspace = true`")

# Path dependencies between the crates name the same version.
for name, dep in workspace["workspace"].get("dependencies", {}).items():
    if isinstance(dep, dict) and "path" in dep:
        expect(f"Cargo.toml [workspace.dependencies] {name}", dep.get("version"))
for member in workspace["workspace"]["members"]:
    manifest = tomllib.loads((root / member / "Cargo.toml").read_text(encoding="utf-8"))
    for table in ("dependencies", "dev-dependencies", "build-dependencies"):
        for name, dep in manifest.get(table, {}).items():
            if isinstance(dep, dict) and "path" in dep and "version" in dep:
                expect(f"{member}/Cargo.toml [{table}] {name}", dep["version"])

# Python: the version comes from Cargo (maturin), never a second copy.
project = tomllib.loads((root / "bindings/python/pyproject.toml").read_text(encoding="utf-8"))["project"]
if "version" in project:
    expect("bindings/python/pyproject.toml [project] version", project["version"])
elif "version" not in project.get("dynamic", []):
    problems.append("bindings/python/pyproject.toml: neither a version nor dynamic = [\"version\"]")
init = (root / "bindings/python/python/snapsign/__init__.py").read_text(encoding="utf-8")
if not re.search(r"^__version__: str = .*snapsign_version", init, re.M):
    problems.append("bindings/python/python/snapsign/__init__.py: __version__ is not snapsign_version()")

# Kotlin: the constant.
kotlin = (root / "bindings/kotlin/id/snapsign/Version.kt").read_text(encoding="utf-8")
found = re.findall(r'const val VERSION: String = "([^"]*)"', kotlin)
expect("bindings/kotlin/id/snapsign/Version.kt SnapSignVersion.VERSION", found[0] if len(found) == 1 else found)

# CHANGELOG.md: the newest version heading (after [Unreleased]).
headings = re.findall(r"^## \[([^\]]+)\]", (root / "CHANGELOG.md").read_text(encoding="utf-8"), re.M)
released = [h for h in headings if h != "Unreleased"]
expect("CHANGELOG.md newest version heading", released[0] if released else None)

# The packaged files, when OUT is given.
if args:
    out = pathlib.Path(args[0])
    names = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    patterns = {
        "python/*.whl": (r"python/snapsign-([^-]+)-py3-none-[^/]+\.whl", 2),
        "python/*.tar.gz": (r"python/snapsign-(.+)\.tar\.gz", 1),
        "kotlin/snapsign-*.jar": (r"kotlin/snapsign-(\d[^/]*)\.jar", 1),
        "snapsign-*-<target>.tar.gz": (r"snapsign-(\d+\.\d+\.\d+(?:-[0-9A-Za-z.]+)?)-[a-z0-9_]+-[a-z0-9_-]+\.tar\.gz", 0),
    }
    for what, (pattern, at_least) in patterns.items():
        matched = [m.group(1) for n in names if (m := re.fullmatch(pattern, n))]
        if len(matched) < at_least:
            problems.append(f"{out}: {len(matched)} file(s) {what}, expected at least {at_least}")
        for found in matched:
            expect(f"{out}/{what} file name", found)
    print(f"version: {len(names)} files in {out} checked")

if problems:
    print("version mismatch:", *problems, sep="\n  ", file=sys.stderr)
    sys.exit(1)
print(f"version: {version} everywhere")
EOF
