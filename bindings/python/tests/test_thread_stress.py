"""The thread stress of tests/tsan/stress.c, from Python threads through the installed package.

16 threads share one SnapSigner (RSA-2048), one SnapVerifier and one TransactionSigner
("a-secret": its hot calls go through the ctypes fast path to the C ABI, so this also shares one
snapsign_hmac handle), sign and verify the vectors, reject tampered ones, and each provokes an
error of its own (a '|' at byte <thread index> of a client id) whose offset and message must be
its own. The totals line must be the C program's, number for number.
"""

import threading

import snapsign
from conftest import key_bytes

THREADS = 16
ROUNDS = 4
TS = "2020-10-04T17:55:58+07:00"


class Tally:
    def __init__(self, index):
        self.index = index
        self.signatures = self.verifications = self.rejections = self.own_errors = 0
        self.failures = []

    def check(self, ok, what):
        if not ok:
            self.failures.append(f"thread {self.index}: {what}")


def test_sixteen_threads_share_one_signer_verifier_and_hmac(vectors):
    signer = snapsign.SnapSigner(key_bytes("rsa2048-pkcs8.pem"))
    verifier = snapsign.SnapVerifier(key_bytes("rsa2048-public.pem"))
    hmac = snapsign.TransactionSigner("a-secret")
    rsa_rows = [t for t in vectors["token_b2b"] if t["key"] == "rsa2048"]
    hmac_rows = [t for t in vectors["transaction_hmac"] if t["client_secret"] == "a-secret"]
    assert rsa_rows and hmac_rows

    def rsa_round(t):
        for v in rsa_rows:
            cid, ts, sig = v["client_id"], v["timestamp"], v["signature"]
            t.check(signer.sign_token(cid, ts) == sig, "RSA token signature differs from the vector")
            t.signatures += 1
            t.check(verifier.verify_token(cid, ts, sig) is True, "RSA token vector does not verify")
            t.verifications += 1
            t.check(verifier.verify_token("SOMEONE-ELSE", ts, sig) is False, "RSA: another client id verifies")
            t.rejections += 1

    def hmac_round(t):
        for v in hmac_rows:
            args = (v["method"], v["path"], v["access_token"], v["body"].encode(), v["timestamp"])
            sig = v["signature"]
            t.check(hmac.sign(*args) == sig, "HMAC signature differs from the vector")
            t.signatures += 1
            t.check(hmac.verify(*args, sig) is True, "HMAC vector does not verify")
            t.verifications += 1
            bad = ("B" if sig[0] == "A" else "A") + sig[1:]
            t.check(hmac.verify(*args, bad) is False, "HMAC: a tampered signature verifies")
            t.rejections += 1

    def own_error(t):
        try:
            signer.sign_token("M" * t.index + "|", TS)
            t.check(False, "the client id with '|' was signed")
        except snapsign.SnapError.PipeInClientId as e:
            t.check(e.offset == t.index, f"offset {e.offset} is not this thread's")
            want = f"client id contains '|' at byte {t.index}, which the token string-to-sign uses as separator"
            t.check(e.reason == want, f"message is not this thread's: {e.reason}")
        t.own_errors += 1

    tallies = [Tally(i) for i in range(THREADS)]
    barrier = threading.Barrier(THREADS)

    def work(t):
        barrier.wait()
        try:
            for r in range(ROUNDS):
                for k in range(3):
                    (rsa_round, hmac_round, own_error)[(t.index + r + k) % 3](t)
        except Exception as e:  # noqa: BLE001 - reported as a failure with the thread's index
            t.failures.append(f"thread {t.index}: raised {e!r}")

    threads = [threading.Thread(target=work, args=(t,)) for t in tallies]
    for th in threads:
        th.start()
    for th in threads:
        th.join()

    failures = [f for t in tallies for f in t.failures]
    assert failures == []
    calls = THREADS * ROUNDS * (len(rsa_rows) + len(hmac_rows))
    line = (f"stress: {THREADS} threads x {ROUNDS} rounds: {sum(t.signatures for t in tallies)} signatures, "
            f"{sum(t.verifications for t in tallies)} verifications, {sum(t.rejections for t in tallies)} rejections, "
            f"{sum(t.own_errors for t in tallies)} own-error checks, {len(failures)} failures")
    print(line)
    # tests/tsan/stress.c prints the same line for the same vectors.
    assert line == (f"stress: {THREADS} threads x {ROUNDS} rounds: {calls} signatures, {calls} verifications, "
                    f"{calls} rejections, {THREADS * ROUNDS} own-error checks, 0 failures")
