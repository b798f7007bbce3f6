#!/usr/bin/env python3
"""Cross-implementation benchmark: snapsign from Rust, through the C ABI (ctypes) and through the
Python package (its public API, and the uniffi-generated functions underneath), against the same
pipeline in the Python standard library.

    python3 bench/compare.py            # full run (a few minutes); appends to target/snapsign-bench/compare.md
    python3 bench/compare.py --quick    # smoke: every side once, for CI
    python3 bench/compare.py --only transaction   # just the transaction-signature row

Every comparison runs all its sides in the same invocation, interleaved: each round runs one
batch of every side (in a rotating order), and the reported ratio is the median over rounds of
time(side) / time(Python stdlib) in that round, so load that varies between rounds cancels out.
The Rust side is the `transaction` bench executable in its native-loop mode: it times its own
loop and prints ns per call, so process start-up is not counted.

Rows:
  * transaction signature, 1 KiB body: minify, SHA-256, string-to-sign, HMAC-SHA512, base64.
    Python stdlib = what the DOKU Python SDK does:
    json.dumps(json.loads(body), separators=(',', ':')) + hashlib + hmac + base64.
    The Python package is timed as the free function and as a TransactionSigner keyed once, each
    twice: `snapsign.<name>`, the public API (for these calls, python/snapsign/__init__.py's fast
    path through the C ABI), and `snapsign.snapsign.<name>`, the uniffi-generated function.
  * body digest on 1 KiB, 64 KiB, 16 MiB (the bodies of core/benches/body_digest.rs), public API
    and generated function likewise.

Needs: cargo (builds target/release/libsnapsign.so and the bench executables; reuses target/).
The Python package is staged from this checkout in the layout maturin gives it
(bindings/python/python/snapsign/__init__.py; snapsign/snapsign/ with bindings/python/generated/
snapsign.py and the freshly built release libsnapsign.so), so it measures this checkout; with
--installed-binding, the installed `snapsign` package is used instead (an older one without the
fast path gets only the public-API rows). Rows whose side is unavailable are reported as skipped.
"""

import argparse
import base64
import ctypes
import hashlib
import hmac
import importlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))

METHOD = "POST"
PATH = "/snap/v1.0/transfer-interbank"
TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJNQ1BEMDAwMDAwMDYiLCJleHAiOjE2MDE4MTI1NTh9.AQfgX3Jda3HmLegbUIbXmX1eGMTjLc56"
TIMESTAMP = "2024-10-04T17:55:58+07:00"
SECRET = b"b2f6e1c4d8a94f0e9c3b7a5d1e2f4a6c"


def log(*a):
    print(*a, file=sys.stderr, flush=True)


# --- building and locating the Rust sides -------------------------------------------------------

def cargo(*args, capture=False):
    cmd = ["cargo", *args]
    log("+", " ".join(cmd))
    return subprocess.run(cmd, cwd=ROOT, check=True, text=True,
                          stdout=subprocess.PIPE if capture else None)


def bench_executables():
    out = cargo("bench", "-p", "snapsign-core", "--bench", "transaction", "--bench", "body_digest",
                "--no-run", "--message-format=json", capture=True).stdout
    exes = {}
    for line in out.splitlines():
        try:
            msg = json.loads(line)
        except ValueError:
            continue
        if msg.get("reason") == "compiler-artifact" and msg.get("executable"):
            exes[msg["target"]["name"]] = msg["executable"]
    return exes


# --- the Python standard-library pipeline (the baseline) -----------------------------------------

def py_digest(body: bytes) -> str:
    minified = json.dumps(json.loads(body), separators=(",", ":"))
    return hashlib.sha256(minified.encode("utf-8")).hexdigest().lower()


def py_sign_transaction(secret: bytes, method, path, token, body: bytes, ts) -> str:
    s = f"{method}:{path}:{token}:{py_digest(body)}:{ts}"
    return base64.b64encode(hmac.new(secret, s.encode("utf-8"), hashlib.sha512).digest()).decode()


# --- the C ABI through ctypes ---------------------------------------------------------------------

class CApi:
    def __init__(self, path):
        lib = ctypes.CDLL(path)
        u8p, sz, szp = ctypes.c_char_p, ctypes.c_size_t, ctypes.POINTER(ctypes.c_size_t)
        lib.snapsign_hmac_new.argtypes = [u8p, sz, ctypes.POINTER(ctypes.c_void_p)]
        lib.snapsign_hmac_new.restype = ctypes.c_uint32
        lib.snapsign_hmac_sign_transaction.argtypes = [ctypes.c_void_p] + [u8p, sz] * 5 + [ctypes.c_void_p, sz, szp]
        lib.snapsign_hmac_sign_transaction.restype = ctypes.c_uint32
        lib.snapsign_hmac_sign_transaction_with_secret.argtypes = [u8p, sz] * 6 + [ctypes.c_void_p, sz, szp]
        lib.snapsign_hmac_sign_transaction_with_secret.restype = ctypes.c_uint32
        lib.snapsign_body_digest.argtypes = [u8p, sz, ctypes.c_void_p, sz, szp]
        lib.snapsign_body_digest.restype = ctypes.c_uint32
        self.lib = lib
        self.handle = ctypes.c_void_p()
        assert lib.snapsign_hmac_new(SECRET, len(SECRET), ctypes.byref(self.handle)) == 0
        self.out = ctypes.create_string_buffer(88)
        self.n = ctypes.c_size_t()
        self.m, self.p, self.t, self.ts = METHOD.encode(), PATH.encode(), TOKEN.encode(), TIMESTAMP.encode()

    def sign(self, body: bytes) -> str:
        r = self.lib.snapsign_hmac_sign_transaction(self.handle, self.m, len(self.m), self.p, len(self.p), self.t, len(self.t),
                                                    body, len(body), self.ts, len(self.ts), self.out, 88, ctypes.byref(self.n))
        assert r == 0, r
        return self.out.raw[: self.n.value].decode()

    def sign_with_secret(self, body: bytes) -> str:
        r = self.lib.snapsign_hmac_sign_transaction_with_secret(SECRET, len(SECRET), self.m, len(self.m), self.p, len(self.p),
                                                                self.t, len(self.t), body, len(body), self.ts, len(self.ts),
                                                                self.out, 88, ctypes.byref(self.n))
        assert r == 0, r
        return self.out.raw[: self.n.value].decode()

    def digest(self, body: bytes) -> str:
        out = ctypes.create_string_buffer(64)
        r = self.lib.snapsign_body_digest(body, len(body), out, 64, ctypes.byref(self.n))
        assert r == 0, r
        return out.raw[: self.n.value].decode()


def load_binding(lib_path, installed):
    """The Python package (this checkout's, with the release library; or the installed one) and
    its uniffi-generated module, or None for each that is unavailable."""
    if not installed:
        init = os.path.join(ROOT, "bindings/python/python/snapsign/__init__.py")
        gen = os.path.join(ROOT, "bindings/python/generated/snapsign.py")
        if os.path.exists(init) and os.path.exists(gen) and os.path.exists(lib_path):
            # maturin's mixed layout: snapsign/__init__.py + snapsign/snapsign/{__init__,snapsign}.py
            stage = tempfile.mkdtemp(prefix="snapsign-bench-")
            sub = os.path.join(stage, "snapsign", "snapsign")
            os.makedirs(sub)
            shutil.copy(init, os.path.join(stage, "snapsign", "__init__.py"))
            shutil.copy(gen, os.path.join(sub, "snapsign.py"))
            os.symlink(lib_path, os.path.join(sub, "libsnapsign.so"))
            with open(os.path.join(sub, "__init__.py"), "w") as f:
                f.write("from .snapsign import *  # NOQA\n")
            sys.path.insert(0, stage)
    try:
        import snapsign  # noqa
    except Exception as e:  # missing, or generated bindings out of step with the library
        log(f"Python binding unavailable: {e!r}")
        return None, None, None
    generated = None
    for name in ("snapsign.snapsign.snapsign", "snapsign.snapsign"):  # mixed layout; older flat one
        try:
            generated = importlib.import_module(name)
        except ImportError:
            continue
        if hasattr(generated, "_UniffiLib"):
            break
        generated = None
    if generated is not None and getattr(generated, "sign_transaction", None) is snapsign.sign_transaction:
        generated = None  # no fast path in this package: the public API is the generated one
    return snapsign, generated, os.path.dirname(snapsign.__file__)


# --- the interleaved harness ------------------------------------------------------------------------

class Side:
    def __init__(self, name, fn=None, native=None):
        """fn: a Python callable timed in-process; native: (exe, env) of a Rust native loop."""
        self.name, self.fn, self.native = name, fn, native
        self.iters = 1

    def calibrate(self, target_s, quick):
        if quick:
            self.iters = 1
            return
        if self.native:
            per = self.run_native(3) / 1e9
        else:
            self.fn()
            n = 1
            while True:
                t = time.perf_counter()
                for _ in range(n):
                    self.fn()
                el = time.perf_counter() - t
                if el > 0.02:
                    break
                n *= 4
            per = el / n
        self.iters = max(1, int(target_s / max(per, 1e-9)))

    def run_native(self, iters):
        exe, env = self.native
        e = dict(os.environ, SNAPSIGN_NATIVE_ITERS=str(iters), **env)
        out = subprocess.run([exe], env=e, check=True, text=True, stdout=subprocess.PIPE).stdout.split()
        self.check = out[1] if len(out) > 1 else None
        return float(out[0])

    def once_ns(self):
        if self.native:
            return self.run_native(self.iters)
        fn, n = self.fn, self.iters
        t = time.perf_counter_ns()
        for _ in range(n):
            fn()
        return (time.perf_counter_ns() - t) / n


def fmt_ns(ns):
    for unit, div in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= div:
            return f"{ns / div:.2f} {unit}"
    return f"{ns:.1f} ns"


def compare(title, sides, rounds, quick, nbytes=None, batch_s=0.15):
    sides = [s for s in sides if s is not None]
    for s in sides:
        s.calibrate(batch_s, quick)
    times = {s.name: [] for s in sides}
    for r in range(rounds):
        for j in range(len(sides)):
            s = sides[(r + j) % len(sides)]
            times[s.name].append(s.once_ns())
    base = sides[0].name
    lines = [f"\n### {title}  ({rounds} interleaved rounds; ratio = time / time of `{base}`; speed-up = 1/ratio)\n",
             "| side | median per call | throughput | ratio (median) | ratio IQR | speed-up vs baseline |",
             "|---|---:|---:|---:|---|---:|"]
    result = {}
    for s in sides:
        ratios = sorted(t / b for t, b in zip(times[s.name], times[base]))
        med = statistics.median(ratios)
        q = statistics.quantiles(ratios, n=4) if len(ratios) >= 2 else [med, med, med]
        t = statistics.median(times[s.name])
        tp = f"{nbytes / (t / 1e9) / 1048576:.0f} MiB/s" if nbytes else "-"
        lines.append(f"| {s.name} | {fmt_ns(t)} | {tp} | {med:.4f}× | {q[0]:.4f}–{q[2]:.4f} | {1 / med:.1f}× |")
        result[s.name] = (t, med)
    text = "\n".join(lines) + "\n"
    print(text, flush=True)
    return text, result


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="smoke mode: every side once, no timing claims")
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--installed-binding", action="store_true", help="use the installed snapsign package")
    ap.add_argument("--no-build", action="store_true", help="reuse what target/ holds")
    ap.add_argument("--skip-16mib", action="store_true")
    ap.add_argument("--only", choices=["transaction", "digest"], help="run one kind of row")
    args = ap.parse_args()
    rounds = 1 if args.quick else args.rounds

    lib_path = os.path.join(TARGET, "release", "libsnapsign.so")
    if not args.no_build:
        cargo("build", "--release", "--quiet", "-p", "libsnapsign")
    exes = bench_executables()
    tx_exe, bd_exe = exes["transaction"], exes["body_digest"]

    data = tempfile.mkdtemp(prefix="snapsign-bodies-")
    subprocess.run([bd_exe], env=dict(os.environ, SNAPSIGN_BENCH_DUMP=data), check=True, stderr=subprocess.DEVNULL)
    bodies = {}
    for name in ("1KiB", "64KiB", "16MiB"):
        with open(os.path.join(data, f"body-{name}.json"), "rb") as f:
            bodies[name] = f.read()

    capi = CApi(lib_path) if os.path.exists(lib_path) else None
    if capi is None:
        log(f"C ABI rows skipped: {lib_path} not found")
    binding, generated, binding_dir = load_binding(lib_path, args.installed_binding)
    secret_str = SECRET.decode()

    out = [f"\n## bench/compare.py, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; "
           f"Python {sys.version.split()[0]}; binding from {binding_dir}\n"]

    if args.only in (None, "transaction"):
        out.append(transaction_row(args, rounds, bodies, data, tx_exe, capi, binding, generated, secret_str))
    if args.only in (None, "digest"):
        out.extend(digest_rows(args, rounds, bodies, data, tx_exe, capi, binding, generated))

    if not args.quick:
        os.makedirs(os.path.join(TARGET, "snapsign-bench"), exist_ok=True)
        with open(os.path.join(TARGET, "snapsign-bench", "compare.md"), "a") as f:
            f.write("".join(out))
    shutil.rmtree(data, ignore_errors=True)
    print("compare.py: ok", "(quick: smoke only, timings meaningless)" if args.quick else "")


# --- the rows ----------------------------------------------------------------------------------------

def transaction_row(args, rounds, bodies, data, tx_exe, capi, binding, generated, secret_str):
    body = bodies["1KiB"]
    body_path = os.path.join(data, "body-1KiB.json")
    py_sig = py_sign_transaction(SECRET, METHOD, PATH, TOKEN, body, TIMESTAMP)
    rust_pre = Side("Rust: HmacSigner::sign_transaction (pre-keyed)",
                    native=(tx_exe, {"SNAPSIGN_NATIVE": "transaction", "SNAPSIGN_NATIVE_BODY": body_path}))
    ours = rust_pre.run_native(1)
    ours = rust_pre.check
    agree = "the same signature" if ours == py_sig else \
        "a DIFFERENT signature (the stdlib re-serialises: ensure_ascii turns é into \\u00e9, \\/ into /)"
    log(f"1 KiB body: snapsign {ours}; Python stdlib pipeline {py_sig}: {agree}")
    sides = [
        Side("Python stdlib: json.loads/dumps + hashlib + hmac + base64",
             lambda: py_sign_transaction(SECRET, METHOD, PATH, TOKEN, body, TIMESTAMP)),
        rust_pre,
        Side("Rust: HmacSigner::new + sign_transaction",
             native=(tx_exe, {"SNAPSIGN_NATIVE": "transaction_oneshot", "SNAPSIGN_NATIVE_BODY": body_path})),
    ]
    if capi:
        assert capi.sign(body) == ours and capi.sign_with_secret(body) == ours
        sides.append(Side("C ABI via ctypes: snapsign_hmac_sign_transaction (handle)", lambda: capi.sign(body)))
        sides.append(Side("C ABI via ctypes: ..._with_secret", lambda: capi.sign_with_secret(body)))
    if binding:
        assert binding.sign_transaction(secret_str, METHOD, PATH, TOKEN, body, TIMESTAMP) == ours
        sides.append(Side("Python binding: snapsign.sign_transaction (public API)",
                          lambda: binding.sign_transaction(secret_str, METHOD, PATH, TOKEN, body, TIMESTAMP)))
        if hasattr(binding, "TransactionSigner"):  # an installed binding may predate it
            tx_signer = binding.TransactionSigner(secret_str)
            assert tx_signer.sign(METHOD, PATH, TOKEN, body, TIMESTAMP) == ours
            sides.append(Side("Python binding: snapsign.TransactionSigner.sign (public API, keyed once)",
                              lambda: tx_signer.sign(METHOD, PATH, TOKEN, body, TIMESTAMP)))
    if generated:
        assert generated.sign_transaction(secret_str, METHOD, PATH, TOKEN, body, TIMESTAMP) == ours
        sides.append(Side("uniffi-generated: snapsign.snapsign.sign_transaction",
                          lambda: generated.sign_transaction(secret_str, METHOD, PATH, TOKEN, body, TIMESTAMP)))
        gen_signer = generated.TransactionSigner(secret_str)
        assert gen_signer.sign(METHOD, PATH, TOKEN, body, TIMESTAMP) == ours
        sides.append(Side("uniffi-generated: snapsign.snapsign.TransactionSigner.sign (keyed once)",
                          lambda: gen_signer.sign(METHOD, PATH, TOKEN, body, TIMESTAMP)))
    text, _ = compare(f"Transaction signature, 1 KiB body ({len(body)} B); stdlib result: {agree}", sides, rounds, args.quick)
    return text


def digest_rows(args, rounds, bodies, data, tx_exe, capi, binding, generated):
    out = []
    for name, b in bodies.items():
        if name == "16MiB" and (args.quick or args.skip_16mib):
            continue
        path = os.path.join(data, f"body-{name}.json")
        ours_d = None
        sides = [
            Side("Python: sha256(json.dumps(json.loads(b), separators=(',',':')))", lambda b=b: py_digest(b)),
            Side("Python: hashlib.sha256(raw bytes) (limit, OpenSSL)", lambda b=b: hashlib.sha256(b).hexdigest()),
            Side("Rust: body_digest", native=(tx_exe, {"SNAPSIGN_NATIVE": "digest", "SNAPSIGN_NATIVE_BODY": path})),
        ]
        if capi:
            ours_d = capi.digest(b)
            sides.append(Side("C ABI via ctypes: snapsign_body_digest", lambda b=b: capi.digest(b)))
        for label, mod in (("Python binding: snapsign.body_digest (public API)", binding),
                           ("uniffi-generated: snapsign.snapsign.body_digest", generated)):
            if mod:
                d = mod.body_digest(b)
                assert ours_d is None or d == ours_d
                sides.append(Side(label, lambda b=b, mod=mod: mod.body_digest(b)))
        same = "same digest" if ours_d == py_digest(b) else "different digest"
        text, _ = compare(f"Body digest, {name} ({len(b)} B) pretty-printed JSON; stdlib vs snapsign: {same}",
                          sides, max(3, rounds // 3) if name == "16MiB" and not args.quick else rounds,
                          args.quick, nbytes=len(b), batch_s=0.3 if name == "16MiB" else 0.15)
        out.append(text)
    return out


if __name__ == "__main__":
    main()
