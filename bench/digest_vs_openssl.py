#!/usr/bin/env python3
"""`snapsign digest FILE` against `openssl dgst -sha256 FILE`, each timed as a whole process.

The target: the digest of a 64 MiB pretty-printed body takes at most 1.5x what openssl needs to
hash the same file (snapsign also minifies and validates it). Usage (or bench/digest_vs_openssl.sh):

    python3 bench/digest_vs_openssl.py [--quick] [--rounds N] [--size-mib M] [--keep]

Environment: SIZE_MIB (default 64), ROUNDS (default 15); --quick means 3 rounds of 4 MiB, with
the debug build of the CLI (a smoke run for CI: its times mean nothing).

The body is a deterministic SNAP-like JSON array written in a temporary directory. It is built
by inserting only insignificant whitespace (newlines, two-space indentation, a space after `:`)
between the tokens of its minified form, so the expected digest, sha256(minified), is known
without re-serialising. The CLI is built once (`cargo build --release -p snapsign-cli`, a no-op
when target/ is current); its digest must equal the expected one, and openssl's must equal the
SHA-256 of the file, or the script exits 1. Then the two commands run interleaved (the order
alternates per round) and a markdown table gives the median wall time of each, the median of
the per-round ratios snapsign/openssl with its interquartile range, and throughputs. The ratio
never makes the script fail.
"""
import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def pieces(value, level):
    """(pretty, minified) text of `value`; pretty = minified plus whitespace between tokens."""
    pad = "  " * (level + 1)
    if isinstance(value, dict):
        if not value:
            return "{}", "{}"
        pretty, mini = [], []
        for k, v in value.items():
            key = json.dumps(k, ensure_ascii=False)
            p, m = pieces(v, level + 1)
            pretty.append(f"{pad}{key}: {p}")
            mini.append(f"{key}:{m}")
        return "{\n" + ",\n".join(pretty) + "\n" + "  " * level + "}", "{" + ",".join(mini) + "}"
    if isinstance(value, list):
        if not value:
            return "[]", "[]"
        parts = [pieces(v, level + 1) for v in value]
        return ("[\n" + ",\n".join(pad + p for p, _ in parts) + "\n" + "  " * level + "]",
                "[" + ",".join(m for _, m in parts) + "]")
    if isinstance(value, Number):
        return value.text, value.text
    text = json.dumps(value, ensure_ascii=False)  # strings, true/false/null
    return text, text


class Number:
    """A number spelled exactly as given."""

    def __init__(self, text):
        self.text = text


def record_templates(count):
    """`count` distinct transaction records as %-templates (one %d: the record number)."""
    state = [0x9E3779B97F4A7C15]

    def rnd(n):
        state[0] = (state[0] * 6364136223846793005 + 1442695040888963407) % 2**64
        return (state[0] >> 33) % n

    notes = ["Pembayaran tagihan", "Transfer antar bank", "caf\u00e9 \u65e5\u672c \U0001F600", 'quote " backslash \\',
             "Jl. Jend. Sudirman Kav. 52-53, Jakarta Selatan", "tab\there", "100%% lunas"]
    out = []
    for i in range(count):
        rec = {
            "partnerReferenceNo": "2020102900000000000%d",
            "referenceNo": f"{rnd(10**12):012d}",
            "amount": {"value": f"{rnd(10**8)}.{rnd(100):02d}", "currency": "IDR"},
            "beneficiaryAccountNo": f"{rnd(10**10):010d}",
            "beneficiaryAccountName": notes[rnd(len(notes))],
            "transactionDate": f"2024-03-{1 + rnd(28):02d}T{rnd(24):02d}:{rnd(60):02d}:00+07:00",
            "feeRate": Number(f"{rnd(1000)}.{rnd(1000)}e-{rnd(9)}"),
            "count": Number(str(-rnd(10**9))),
            "settled": rnd(2) == 1,
            "reversal": None,
            "remark": " ".join(notes[rnd(len(notes))] for _ in range(rnd(6))),
            "additionalInfo": {"deviceId": "12345679237", "channel": "mobilephone", "tags": ["a", "b"][: rnd(3)]},
        }
        p, m = pieces(rec, 1)
        out.append(("  " + p, m))
    return out


def generate(path, size):
    """Writes about `size` bytes of pretty JSON to `path`; returns (sha256 of the minified
    body, sha256 of the file, bytes written)."""
    templates = record_templates(256)
    mini_hash, file_hash = hashlib.sha256(), hashlib.sha256()
    written = 0
    with open(path, "wb") as f:

        def put(pretty, mini):
            nonlocal written
            pb = pretty.encode()
            f.write(pb)
            file_hash.update(pb)
            mini_hash.update(mini.encode())
            written += len(pb)

        put('{\n  "responseCode": "2001700",\n  "responseMessage": "Successful",\n  "transactions": [\n',
            '{"responseCode":"2001700","responseMessage":"Successful","transactions":[')
        n = 0
        while True:
            batch_p, batch_m = [], []
            for _ in range(256):
                p, m = templates[n % len(templates)]
                batch_p.append(p % n)
                batch_m.append(m % n)
                n += 1
            sep_p = ",\n" if n > 256 else ""
            sep_m = "," if n > 256 else ""
            put(sep_p + ",\n".join(batch_p), sep_m + ",".join(batch_m))
            if written >= size - 64:
                break
        put("\n  ]\n}\n", "]}")
    return mini_hash.hexdigest(), file_hash.hexdigest(), written


def run(cmd):
    start = time.perf_counter()
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    elapsed = time.perf_counter() - start
    if r.returncode != 0:
        sys.exit(f"{' '.join(map(str, cmd))} failed ({r.returncode}): {r.stderr.decode(errors='replace')}")
    return elapsed, r.stdout.decode()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="smoke mode: 3 rounds of 4 MiB")
    ap.add_argument("--rounds", type=int, default=None)
    ap.add_argument("--size-mib", type=float, default=None)
    ap.add_argument("--keep", action="store_true", help="keep the generated file")
    a = ap.parse_args()
    rounds = a.rounds or (3 if a.quick else int(os.environ.get("ROUNDS", 15)))
    size_mib = a.size_mib or (4 if a.quick else float(os.environ.get("SIZE_MIB", 64)))

    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    t0 = time.perf_counter()
    # The smoke run checks the script and the digest, not the time: it takes the debug build that
    # the test suites have already made, instead of a release build of its own.
    profile = [] if a.quick else ["--release"]
    subprocess.run(["cargo", "build", *profile, "-q", "-p", "snapsign-cli"], cwd=REPO, check=True)
    snapsign = target / ("debug" if a.quick else "release") / "snapsign"
    build_s = time.perf_counter() - t0
    openssl = shutil.which("openssl")

    tmp = Path(tempfile.mkdtemp(prefix="snapsign-digest-bench-"))
    try:
        body = tmp / "body.json"
        t0 = time.perf_counter()
        expected, file_sha, size = generate(body, int(size_mib * 1024 * 1024))
        gen_s = time.perf_counter() - t0
        print(f"body: {size} bytes ({size / 2**20:.1f} MiB) pretty-printed, generated in {gen_s:.1f} s; "
              f"cli build check {build_s:.1f} s")

        _, out = run([snapsign, "digest", body])
        if out.strip() != expected:
            print(f"WRONG DIGEST: snapsign digest printed {out.strip()!r}, expected sha256(minified) = {expected}")
            return 1
        print(f"snapsign digest = sha256(minified body) = {expected}: ok")
        if openssl is None:
            print("openssl not found: no comparison")
            return 0
        _, out = run([openssl, "dgst", "-sha256", body])
        if file_sha not in out:
            print(f"WRONG DIGEST: openssl printed {out.strip()!r}, expected {file_sha}")
            return 1

        times = {"snapsign": [], "openssl": []}
        cmds = {"snapsign": [snapsign, "digest", body], "openssl": [openssl, "dgst", "-sha256", body]}
        for r in range(rounds):
            order = ["snapsign", "openssl"] if r % 2 == 0 else ["openssl", "snapsign"]
            for name in order:
                times[name].append(run(cmds[name])[0])
        ratios = [s / o for s, o in zip(times["snapsign"], times["openssl"])]
        med = {k: statistics.median(v) for k, v in times.items()}
        if len(ratios) >= 2:
            q1, _, q3 = statistics.quantiles(ratios, n=4, method="inclusive")
        else:
            q1 = q3 = ratios[0]
        mib = size / 2**20
        print()
        print(f"`snapsign digest FILE` vs `openssl dgst -sha256 FILE`, whole process, {mib:.1f} MiB pretty-printed, "
              f"{rounds} rounds (interleaved, order alternating)")
        print()
        print("| command | median wall time | throughput |")
        print("|---|---|---|")
        print(f"| `snapsign digest` | {med['snapsign'] * 1000:.1f} ms | {mib / med['snapsign']:.0f} MiB/s |")
        print(f"| `openssl dgst -sha256` | {med['openssl'] * 1000:.1f} ms | {mib / med['openssl']:.0f} MiB/s |")
        print()
        print("| ratio snapsign/openssl (per round) | median | IQR (q1 to q3) | target |")
        print("|---|---|---|---|")
        verdict = "met" if statistics.median(ratios) <= 1.5 else "NOT met"
        print(f"| {rounds} rounds | {statistics.median(ratios):.2f}x | {q1:.2f}x to {q3:.2f}x | <= 1.5x: {verdict} |")
        return 0
    finally:
        if a.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
