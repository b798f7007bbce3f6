#!/usr/bin/env python3
"""Runs builds of bench/rsa_versions/main.rs against different rsa versions, interleaved.

    drive.py [--rounds N] [--batch-ms MS] [--bits 2048,3072,4096] [--ops sign,verify,...]
             NAME=BINARY NAME=BINARY ...

The first NAME is the baseline. Every build runs as its own long-lived process (so both stay warm);
each round runs one batch of the op in every process, in a rotating order, with the same number of
iterations, and records time per call. Reported per build: the median time per call over rounds,
and the median (and quartiles) over rounds of time(build) / time(baseline) in the same round, so
load that changes between rounds cancels out of the ratio (the method of core/benches/common).
"""

import argparse
import statistics
import subprocess
import sys
import time

SIGN_OPS = ["sign", "sign_unblinded", "verify"]
PIECE_OPS = ["half_plain", "half_expblind", "half_modblind", "half_both", "params_blinded"]


class Build:
    def __init__(self, name, binary):
        self.name = name
        self.proc = subprocess.Popen([binary], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        ready = self.proc.stdout.readline().split()
        if not ready or ready[0] != "ready":
            sys.exit(f"{name}: did not start ({ready})")
        self.sigs = ready[1]

    def batch(self, op, bits, iters):
        self.proc.stdin.write(f"{op} {bits} {iters}\n")
        self.proc.stdin.flush()
        return int(self.proc.stdout.readline()) / iters

    def close(self):
        self.proc.stdin.write("quit\n")
        self.proc.stdin.flush()
        self.proc.wait()


def quantile(v, q):
    v = sorted(v)
    pos = q * (len(v) - 1)
    lo, hi = int(pos), min(int(pos) + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (pos - lo)


def fmt(ns):
    if ns >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.1f} µs"
    return f"{ns:.0f} ns"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--batch-ms", type=float, default=100)
    ap.add_argument("--bits", default="2048,3072,4096")
    ap.add_argument("--ops", default=",".join(SIGN_OPS + PIECE_OPS))
    ap.add_argument("builds", nargs="+", help="NAME=BINARY; the first is the baseline")
    a = ap.parse_args()

    builds = [Build(*b.split("=", 1)) for b in a.builds]
    for b in builds[1:]:
        if b.sigs != builds[0].sigs:
            sys.exit(f"{b.name} signs differently from {builds[0].name}")
    print(f"All {len(builds)} builds produce identical signatures (sha256 of the three: {builds[0].sigs[:16]}…).")
    print(f"{a.rounds} interleaved rounds, batches of ≈{a.batch_ms:.0f} ms; ratio = time / time of the other build in the same round.\n")

    # Ratios: every build against the baseline, and (with three or more) the last against the one before.
    pairs = [(i, 0) for i in range(1, len(builds))]
    if len(builds) > 2:
        pairs.append((len(builds) - 1, len(builds) - 2))
    cols = " | ".join(b.name for b in builds)
    ratio_cols = " | ".join(f"{builds[i].name} / {builds[j].name} (IQR)" for i, j in pairs)
    print(f"| op | bits | {cols} | {ratio_cols} |")
    print("|---|---:|" + "---:|" * len(builds) + "---|" * len(pairs))
    started = time.time()
    for op in a.ops.split(","):
        for bits in [int(x) for x in a.bits.split(",")]:
            # Calibrate on the baseline: iterations for one batch of about batch_ms.
            per = builds[0].batch(op, bits, 1)
            for b in builds[1:]:
                b.batch(op, bits, 1)  # warm up
            iters = max(1, int(a.batch_ms * 1e6 / per))
            times = [[] for _ in builds]
            for r in range(a.rounds):
                for j in range(len(builds)):
                    i = (r + j) % len(builds)
                    times[i].append(builds[i].batch(op, bits, iters))
            medians = [statistics.median(t) for t in times]
            ratios = []
            for i, j in pairs:
                rr = [times[i][r] / times[j][r] for r in range(a.rounds)]
                ratios.append(f"**{statistics.median(rr):.3f}** ({quantile(rr, 0.25):.3f}–{quantile(rr, 0.75):.3f})")
            print(f"| {op} | {bits} | " + " | ".join(fmt(m) for m in medians) + " | " + " | ".join(ratios) + " |",
                  flush=True)
    for b in builds:
        b.close()
    print(f"\n({time.time() - started:.0f} s)")


if __name__ == "__main__":
    main()
