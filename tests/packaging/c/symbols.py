#!/usr/bin/env python3
"""Checks the symbols of every library in OUT/ (packaging/c-sdk.sh, packaging/mobile.sh) with llvm-nm.

Usage: symbols.py OUT INCLUDE_H UNIFFI_H

For each of OUT/c/<target>/lib/libsnapsign.a and libsnapsign.so.*, the xcframework's two
libsnapsign.a and OUT/android/<abi>/libsnapsign.a:
  - every function declared in snapsign.h (INCLUDE_H, the source tree's; the copies in OUT/ must
    be identical to it) is defined there as code;
  - every uniffi scaffolding function declared in snapsignFFI.h (UNIFFI_H) is too;
  - the shared libraries export nothing else (no Rust std symbol leaks into a C program's
    namespace), apart from the deliberately undeclared snapsign_internal_test_panic and uniffi's
    metadata and checksums;
  - each library is built for its target: the ELF machine, or the Mach-O platform (device or
    simulator), of every object in it.
Prints one line per library; exits 1 on the first list of problems.
"""
import filecmp
import glob
import os
import re
import subprocess
import sys

# ELF e_machine names as llvm-readelf prints them.
ELF_MACHINE = {
    "x86_64-unknown-linux-gnu": "EM_X86_64",
    "aarch64-unknown-linux-gnu": "EM_AARCH64",
    "armv7-unknown-linux-gnueabihf": "EM_ARM",
    "arm64-v8a": "EM_AARCH64",
    "armeabi-v7a": "EM_ARM",
}
# LC_BUILD_VERSION platforms (mach-o/loader.h): PLATFORM_IOS = 2, PLATFORM_IOSSIMULATOR = 7;
# llvm-objdump prints the name, or the number for one it does not know.
MACHO_PLATFORM = {"ios-arm64": "ios", "ios-arm64-simulator": "iossimulator"}
PLATFORM_NAMES = {"2": "ios", "7": "iossimulator"}
# Exported on purpose but not declared: tests/c/test_snapsign.c declares it itself.
UNDECLARED = {"snapsign_internal_test_panic"}
# uniffi's own exports that its C header need not declare: the interface metadata that
# library-mode bindgen reads, and checksums of methods whose check the generator omits (such as
# a record's methods).
UNDECLARED_PREFIXES = ("UNIFFI_META_", "uniffi_snapsign_ffi_checksum_")


def declared_functions(header: str, prefix: str) -> set:
    """Names of the functions a C header declares, comments and function-pointer typedefs aside."""
    text = open(header, encoding="utf-8").read()
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    text = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    return set(re.findall(r"\b(" + prefix + r"\w*)\s*\(", text))


def llvm_bin() -> str:
    """rustup's llvm-tools: the LLVM of the rustc that built the libraries. An older LLVM (such as
    Debian 12's llvm 14) cannot read the objects rustc's LLVM writes into the archives."""
    sysroot = subprocess.run(["rustc", "--print", "sysroot"], check=True, capture_output=True,
                             text=True).stdout.strip()
    host = re.search(r"^host: (\S+)$", subprocess.run(["rustc", "-vV"], check=True,
                     capture_output=True, text=True).stdout, flags=re.M).group(1)
    path = os.path.join(sysroot, "lib", "rustlib", host, "bin")
    if not os.path.isfile(os.path.join(path, "llvm-nm")):
        sys.exit(f"{path}/llvm-nm is missing: rustup component add llvm-tools")
    return path


LLVM_BIN = None


def run(tool: str, *args: str) -> str:
    global LLVM_BIN
    LLVM_BIN = LLVM_BIN or llvm_bin()
    cmd = [os.path.join(LLVM_BIN, tool), *args]
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def defined(lib: str, dynamic: bool, macho: bool) -> dict:
    """Global defined symbols of a library: name -> set of llvm-nm type letters."""
    cmd = ["llvm-nm", "--defined-only", "--extern-only", "--portability"]
    if dynamic:
        cmd.append("--dynamic")
    syms = {}
    for line in run(*cmd, lib).splitlines():
        fields = line.split()
        if len(fields) < 2 or len(fields[1]) != 1:
            continue  # an archive member's header line
        name = fields[0]
        if macho:
            if not name.startswith("_"):
                continue
            name = name[1:]  # C names carry a leading underscore in Mach-O
        syms.setdefault(name, set()).add(fields[1])
    return syms


def macho_platforms(lib: str) -> dict:
    """Per archive member: (cputype, platform), the platform from LC_BUILD_VERSION, or "ios" for
    LC_VERSION_MIN_IPHONEOS (what rustc writes for deployment targets below iOS 12, which
    predate LC_BUILD_VERSION)."""
    members, current = {}, None
    out = run("llvm-objdump", "--macho", "--private-headers", lib)
    for line in out.splitlines():
        m = re.match(r"^\S.*\((.+)\):$", line)
        if m:
            current = m.group(1)
            members[current] = [None, None]
        elif current is None:
            continue
        elif re.match(r"^MH_MAGIC", line):
            members[current][0] = line.split()[1]
        elif re.match(r"^\s*cmd LC_VERSION_MIN_IPHONEOS$", line):
            members[current][1] = "ios"
        elif re.match(r"^\s*platform \S+$", line):
            platform = line.split()[1]
            members[current][1] = PLATFORM_NAMES.get(platform, platform)
    return members


def check_machine(lib: str, key: str) -> list:
    if key in MACHO_PLATFORM:
        members = macho_platforms(lib)
        want = ("ARM64", MACHO_PLATFORM[key])
        bad = sorted(name for name, got in members.items() if tuple(got) != want)
        if not members or bad:
            return [f"{lib}: {len(bad)} of {len(members)} objects are not (cputype, platform) "
                    f"{want}, e.g. {bad[:3]} {[members[b] for b in bad[:3]]}"]
        return []
    out = run("llvm-readobj", "--file-headers", lib)
    machines = set(re.findall(r"Machine:\s+(\S+)", out))
    want = ELF_MACHINE[key]
    if machines != {want}:
        return [f"{lib}: ELF machine {sorted(machines)}, want {want}"]
    return []


def main() -> None:
    # SNAPSIGN_DIST_SMALL=1 (CI): packaging/mobile.sh built only the device libraries.
    small_skips = {"ios-arm64-simulator", "armeabi-v7a"} if os.environ.get("SNAPSIGN_DIST_SMALL") == "1" else set()
    out, include_h, uniffi_h = sys.argv[1:4]
    c_funcs = declared_functions(include_h, "snapsign_")
    uniffi_funcs = declared_functions(uniffi_h, "(?:uniffi|ffi)_snapsign_")
    # A header that parses to few names means the parsing broke, not that the library is fine.
    if len(c_funcs) < 50 or len(uniffi_funcs) < 100:
        sys.exit(f"parsed only {len(c_funcs)} C and {len(uniffi_funcs)} uniffi functions")

    problems = []
    libs = []  # (path, machine key, is shared, is Mach-O)
    for sdk in sorted(glob.glob(os.path.join(out, "c", "*"))):
        target = os.path.basename(sdk)
        header = os.path.join(sdk, "include", "snapsign.h")
        if not filecmp.cmp(header, include_h, shallow=False):
            problems.append(f"{header} is not {include_h}")
        libs.append((os.path.join(sdk, "lib", "libsnapsign.a"), target, False, False))
        shared = [p for p in glob.glob(os.path.join(sdk, "lib", "libsnapsign.so.*"))
                  if not os.path.islink(p)]
        if len(shared) != 1:
            problems.append(f"{sdk}/lib: {len(shared)} shared library files, want 1")
        libs += [(p, target, True, False) for p in shared]
    xcf = os.path.join(out, "apple", "SnapSign.xcframework")
    for slice_id in MACHO_PLATFORM:
        header = os.path.join(xcf, slice_id, "Headers", "snapsignFFI.h")
        if slice_id in small_skips and not os.path.isdir(os.path.join(xcf, slice_id)):
            continue
        if not os.path.isfile(header) or not filecmp.cmp(header, uniffi_h, shallow=False):
            problems.append(f"{header} is missing or not {uniffi_h}")
        libs.append((os.path.join(xcf, slice_id, "libsnapsign.a"), slice_id, False, True))
    for abi in ("arm64-v8a", "armeabi-v7a"):
        libs.append((os.path.join(out, "android", abi, "libsnapsign.a"), abi, False, False))
    if len(glob.glob(os.path.join(out, "c", "*"))) != 3:
        problems.append(f"{out}/c holds {os.listdir(os.path.join(out, 'c'))}, want the 3 targets")

    for lib, key, shared, macho in libs:
        if key in small_skips and not os.path.isfile(lib):
            print(f"skipped (SNAPSIGN_DIST_SMALL=1): {key}")
            continue
        if not os.path.isfile(lib):
            problems.append(f"{lib} is missing")
            continue
        before = len(problems)
        syms = defined(lib, shared, macho)
        for kind, funcs in (("snapsign.h", c_funcs), ("snapsignFFI.h", uniffi_funcs)):
            missing = sorted(f for f in funcs if "T" not in syms.get(f, ()))
            if missing:
                problems.append(f"{lib}: {len(missing)} {kind} functions not defined as code: "
                                + " ".join(missing[:10]))
        if shared:
            extra = sorted(n for n in set(syms) - c_funcs - uniffi_funcs - UNDECLARED
                           if not n.startswith(UNDECLARED_PREFIXES))
            if extra:
                problems.append(f"{lib}: exports undeclared symbols: " + " ".join(extra[:10]))
        problems += check_machine(lib, key)
        if len(problems) == before:
                print(f"ok: {os.path.relpath(lib, out)}: {len(c_funcs)} C and {len(uniffi_funcs)} "
                  f"uniffi functions defined{', nothing else exported' if shared else ''}, "
                  f"built for {key}")

    if problems:
        print("\n".join("FAIL: " + p for p in problems), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
