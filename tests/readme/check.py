"""Runs every code block of README.md, or checks it is a fragment of a file (tests/readme/run.sh).

Each fenced block is preceded by one marker line (an HTML comment, invisible on GitHub):

  <!-- run -->              sh: run in one bash session, in README order (set -euo pipefail),
                            as if pasted one after another into one terminal;
                            python: run in one interpreter, in README order (shared globals);
                            rust: compiled with rustc against target/debug's snapsign_core, and run.
  <!-- run: exit=N -->      sh: the block must exit with status N (it runs in a subshell).
  <!-- file: NAME -->       the block is written to NAME in the scratch directory (a later run
                            block compiles and runs it: the Kotlin example).
  <!-- output -->           the block is the standard output of the previous run block; a line
                            "..." stands for any number of lines.
  <!-- fragment: PATH -->   the block is contained, byte for byte, in PATH (a file a suite runs,
                            or for Swift, which cannot be compiled here, a committed file).

A block without a marker fails the check. Blocks run in a scratch directory that links the
repository's folders (tests, include, bindings, cli, target), so files they write stay there.
The environment (PATH with target/debug and kotlinc; a `cargo` that runs in the repository and
takes `cargo install --path cli` as done, since target/debug is on PATH) is set by run.sh.
"""

import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MARKER = re.compile(r"^<!-- (run|run: exit=(\d+)|file: (\S+)|output|fragment: (\S+)) -->$")


def blocks(text):
    """(line, lang, marker match or None, body) for every fenced block."""
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        m = re.match(r"^```(\w*)\s*$", lines[i])
        if not m:
            i += 1
            continue
        start, lang = i, m.group(1)
        j = i + 1
        while not lines[j].startswith("```"):
            j += 1
        marker = MARKER.match(lines[start - 1]) if start else None
        yield start + 1, lang, marker, "\n".join(lines[start + 1 : j]) + "\n"
        i = j + 1


def matches(expected, actual):
    """Every line of expected, in order, with "..." matching any run of lines."""
    exp, act = expected.rstrip("\n").split("\n"), actual.rstrip("\n").split("\n")

    def go(e, a):
        if e == len(exp):
            return a == len(act)
        if exp[e] == "...":
            return any(go(e + 1, k) for k in range(a, len(act) + 1))
        return a < len(act) and exp[e] == act[a] and go(e + 1, a + 1)

    return go(0, 0)


def main():
    readme = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    scratch = tempfile.mkdtemp(prefix="snapsign-readme-")
    for name in ("tests", "include", "bindings", "cli", "target", "core", "Cargo.toml", "Cargo.lock"):
        os.symlink(os.path.join(ROOT, name), os.path.join(scratch, name))
    failures, counts = [], {}
    sh, py, outputs, last_sh = [], [], {}, None
    for line, lang, marker, body in blocks(readme):
        where = f"README.md:{line} ({lang or 'text'})"
        if marker is None:
            failures.append(f"{where}: no marker (<!-- run -->, <!-- fragment: FILE -->, ...) on the line before")
            continue
        kind = marker.group(1).split(":")[0]
        counts[f"{kind} {lang or 'text'}"] = counts.get(f"{kind} {lang or 'text'}", 0) + 1
        if kind == "fragment":
            path = marker.group(4)
            try:
                content = open(os.path.join(ROOT, path), encoding="utf-8").read()
            except OSError as e:
                failures.append(f"{where}: fragment of {path}: {e.strerror}")
                continue
            if body.rstrip("\n") not in content:
                failures.append(f"{where}: not contained in {path}")
        elif kind == "file":
            with open(os.path.join(scratch, marker.group(3)), "w", encoding="utf-8") as f:
                f.write(body)
        elif kind == "output":
            if last_sh is None:
                failures.append(f"{where}: an output block with no run block before it")
            else:
                outputs[line] = (last_sh, body)
        elif lang == "sh":
            sh.append((line, marker.group(2), body))
            last_sh = line
        elif lang == "python":
            py.append((line, body))
        elif lang == "rust":
            failures += run_rust(scratch, line, body)
        else:
            failures.append(f"{where}: cannot run a {lang or 'text'} block (mark it a fragment)")

    # The shell session: each block's stdout goes to out/LINE, and is echoed.
    out = os.path.join(scratch, ".out")
    os.mkdir(out)
    script = ["set -euo pipefail", "trap 'echo \"${SERVER_PID:-}\" > .server-pid' EXIT"]
    for line, status, body in sh:
        script.append(f"echo '--- README.md:{line}' >&2")
        if status is None:
            script.append(f"{{\n{body}}} > {out}/{line}")
        else:
            script.append(f"set +e; (\n{body}) > {out}/{line}; rc=$?; set -e")
            script.append(f"[ $rc -eq {status} ] || {{ echo 'README.md:{line}: exit '$rc', not {status}' >&2; exit 1; }}")
        script.append(f"cat {out}/{line}")
    r = subprocess.run(["bash", "-c", "\n".join(script)], cwd=scratch)
    if r.returncode:
        failures.append(f"the shell blocks stopped (status {r.returncode}); the last '--- README.md:N' above is the block")
    for line, (sh_line, expected) in outputs.items():
        try:
            actual = open(f"{out}/{sh_line}", encoding="utf-8").read()
        except OSError:
            failures.append(f"README.md:{line}: the block at line {sh_line} did not run")
            continue
        if not matches(expected, actual):
            failures.append(f"README.md:{line}: not what README.md:{sh_line} prints:\n{actual}")

    # The Python session.
    if py:
        prog = ["g = {'__name__': '__main__'}"]
        for line, body in py:
            prog.append(f"print('--- README.md:{line}', flush=True)")
            prog.append(f"exec(compile({body!r}, 'README.md:{line}', 'exec'), g)")
        r = subprocess.run([sys.executable, "-c", "\n".join(prog)], cwd=scratch)
        if r.returncode:
            failures.append("the Python blocks failed (traceback above: README.md:LINE)")

    # The test server the end-to-end section started (serve.py), if any.
    try:
        pid = open(os.path.join(scratch, ".server-pid")).read().strip()
        if pid:
            os.kill(int(pid), 15)
    except (OSError, ValueError):
        pass

    print("\nREADME blocks:", ", ".join(f"{n} {k}" for k, n in sorted(counts.items())))
    for f in failures:
        print("FAIL:", f)
    if not failures:
        print("ok: every README.md block runs as pasted or is a fragment of a file")
    return 1 if failures else 0


def run_rust(scratch, line, body):
    """Compiles the block with rustc against the dev build's snapsign_core and its dependencies."""
    debug = os.path.join(ROOT, "target", "debug")
    deps = os.path.join(debug, "deps")
    src = os.path.join(scratch, f"readme_{line}.rs")
    exe = os.path.join(scratch, f"readme_{line}")
    open(src, "w", encoding="utf-8").write(body)
    errors = ""
    # getrandom: the 0.4 rlib snapsign-core was built with (the first candidate that links).
    candidates = sorted(f for f in os.listdir(deps) if f.startswith("libgetrandom-") and f.endswith(".rlib"))
    for rlib in candidates:
        cmd = ["rustc", "--edition", "2021", "-L", f"dependency={deps}",
               "--extern", f"snapsign_core={debug}/libsnapsign_core.rlib",
               "--extern", f"getrandom={deps}/{rlib}", "-o", exe, src]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode == 0:
            r = subprocess.run([exe], cwd=scratch)
            return [] if r.returncode == 0 else [f"README.md:{line} (rust): exit {r.returncode}"]
        errors = r.stderr
    return [f"README.md:{line} (rust) does not compile:\n{errors}"]


if __name__ == "__main__":
    sys.exit(main())
