"""Parity of the fast path with the uniffi-generated functions.

`snapsign.TransactionSigner`, `sign_transaction`, `verify_transaction`, `body_digest` and
`minify_json` call the C ABI through ctypes (python/snapsign/__init__.py) and, whenever that does
not succeed, the generated function with the same arguments, which gives the value or raises; the
generated functions stay reachable as `snapsign.snapsign.<name>`. For the vectors, random inputs,
bad inputs and bad argument types, both must return the same value or raise the same exception
type with the same fields (every attribute: `reason`, `offset`, `field`, `max`, `kind`, ...; for
TypeError and friends, the same args) and the same chaining (no context added by the fast path).

SNAPSIGN_SEED=<int> repeats a run; SNAPSIGN_ROUNDS scales the number of random cases."""

import array
import base64
import ctypes
import gc
import hashlib
import inspect
import json
import os
import random
import re
import string
import threading
import time
import weakref

import pytest
import snapsign
from conftest import ROOT
from snapsign.snapsign import snapsign as generated  # the uniffi-generated module

SEED = int(os.environ.get("SNAPSIGN_SEED", random.SystemRandom().randrange(2**32)))
ROUNDS = int(os.environ.get("SNAPSIGN_ROUNDS", "40"))
TS = "2020-01-01T04:10:00+07:00"
FAST = ("TransactionSigner", "sign_transaction", "verify_transaction", "body_digest", "minify_json")
# Subclasses of the generated class that only widen what the constructor accepts (no fast path).
CONVENIENCES = ("TokenCache",)


@pytest.fixture
def rng():
    print(f"SNAPSIGN_SEED={SEED}")
    return random.Random(SEED)


def outcome(fn, *args):
    """What a call does: ("ok", value type, value) or ("raise", exception type, its args, its
    fields, the types of its __context__ and __cause__)."""
    try:
        value = fn(*args)
    except Exception as e:  # noqa: BLE001 (the point is to compare any exception)
        fields = {k: v for k, v in vars(e).items() if not k.startswith("_")}
        return ("raise", type(e), e.args, fields, type(e.__context__), type(e.__cause__))
    return ("ok", type(value), value)


def same(fast, slow, *args):
    a, b = outcome(fast, *args), outcome(slow, *args)
    assert a == b, f"fast path {a} != generated {b} for {args!r}"
    return a


class Pair:
    """Counts what kinds of outcome the parity checks saw, to show the inputs reach the errors."""

    def __init__(self):
        self.seen = set()

    def check(self, name, *args):
        r = same(getattr(snapsign, name), getattr(generated, name), *args)
        self.seen.add(r[0] if r[0] == "ok" else r[1].__name__)
        return r

    def transaction(self, secret, method, path, token, body, ts, signature):
        """sign/verify through the free functions and through TransactionSigner objects."""
        self.check("sign_transaction", secret, method, path, token, body, ts)
        self.check("verify_transaction", secret, method, path, token, body, ts, signature)
        fast, slow = outcome(snapsign.TransactionSigner, secret), outcome(generated.TransactionSigner, secret)
        if fast[0] == "raise" or slow[0] == "raise":
            assert fast == slow
            self.seen.add(fast[1].__name__)
            return
        f, g = fast[2], slow[2]
        assert type(f) is snapsign.TransactionSigner and type(g) is generated.TransactionSigner
        r = same(f.sign, g.sign, method, path, token, body, ts)
        self.seen.add(r[0] if r[0] == "ok" else r[1].__name__)
        same(f.verify, g.verify, method, path, token, body, ts, signature)
        if r[0] == "ok":
            assert outcome(f.verify, method, path, token, body, ts, r[2]) == ("ok", bool, True)


# The front's own additions: helpers over the generated API (no types, errors or results of their own).
FRONT = ["verify_request", "explain_request", "MemoryReplayGuard", "HeaderSource"]


def test_the_public_api_is_the_generated_one():
    assert snapsign.__all__ == generated.__all__ + FRONT
    for name in generated.__all__:
        if name not in FAST + CONVENIENCES:
            assert getattr(snapsign, name) is getattr(generated, name), name
    for name in CONVENIENCES:
        assert getattr(generated, name) in getattr(snapsign, name).__mro__, name
    for name in FAST:
        assert getattr(snapsign, name) is not getattr(generated, name), name
        assert getattr(snapsign, name).__doc__ == getattr(generated, name).__doc__, name
    assert generated.TransactionSignerProtocol in snapsign.TransactionSigner.__mro__
    # One library: the file next to the generated module, which the loader hands out once (this
    # test may look at the generated module's private loader; the package does not).
    assert os.path.samefile(os.path.dirname(snapsign._lib._name), os.path.dirname(generated.__file__))
    assert snapsign._lib._handle == generated._UniffiLib._handle
    assert snapsign.snapsign.sign_transaction is generated.sign_transaction  # as before the fast path


def test_the_package_uses_only_public_names_of_the_generated_module():
    """No error table, no regular expressions over messages, no private uniffi names: errors are
    the generated code's, the library is found next to the generated module."""
    source = open(snapsign.__file__, encoding="utf-8").read()
    assert "_Uniffi" not in source and "import re" not in source
    assert not re.search(r"\bre\.", source)
    for name in re.findall(r"\b_gen\.(\w+)", source):
        assert not name.startswith("_") or (name.startswith("__") and name.endswith("__")), name
    assert not re.search(r"SNAPSIGN_RESULT_(?!OK\b)", source), "the fast path looks only at OK"


def test_vectors(vectors):
    p = Pair()
    for t in vectors["transaction_hmac"]:
        body = t["body"].encode()
        args = (t["client_secret"], t["method"], t["path"], t["access_token"], body, t["timestamp"])
        assert snapsign.sign_transaction(*args) == t["signature"]
        assert snapsign.TransactionSigner(t["client_secret"]).sign(*args[1:]) == t["signature"]
        assert snapsign.body_digest(body) == t["body_sha256_hex"]
        assert snapsign.minify_json(body) == t["body_minified"].encode()
        p.transaction(*args, t["signature"])
        p.transaction(*args, t["signature"][:-4] + "AAA=")
        p.transaction(*args, t["signature"][4:])
        p.check("body_digest", body)
        p.check("minify_json", body)
    for t in vectors["service_rsa"]:
        p.check("body_digest", t["body"].encode())
    for t in vectors["minify"]:
        assert p.check("minify_json", t["input"].encode()) == ("ok", bytes, t["output"].encode())
    for t in vectors["minify_invalid"]:
        body = base64.b64decode(t["input_b64"])
        r = p.check("minify_json", body)
        assert r[1] is snapsign.SnapError.InvalidJson, r
        p.check("body_digest", body)
        p.transaction("secret", "POST", "/p", "tok", body, TS, "sig")
    assert p.seen >= {"ok", "InvalidJson"}


# --- bad inputs ---------------------------------------------------------------------------------

GOOD = ("secret", "POST", "/snap/v1.0/transfer-interbank", "token", b'{"amount": "10000.00"}', TS)


def variants(i, values):
    for v in values:
        args = list(GOOD)
        args[i] = v
        yield args


def test_bad_inputs():
    p = Pair()
    sig = snapsign.sign_transaction(*GOOD)
    cases = []
    cases += variants(0, ["", "s", "\t", "rahasia é 日", "x" * 5000])  # secret
    cases += variants(1, ["", "post", "Post", "GET ", "CONNECT", "PATCH", "DELETE", "G\x00T", "POSTT"])  # method
    cases += variants(2, [  # path
        "", "p", "snap/v1", "https://h/p", "http://h", "//h/p", "/p?next=https://x", "/a\tb", "/a\x7fb",
        "/\x00", "/é?q=日", "/" + "a" * 2047, "/" + "a" * 2048, "/x\n", " /p",
    ])
    cases += variants(3, [  # access token
        "", "Bearer abc", "bearer abc", "Bearer", "a\x01b", "a\x7f", "t" * 2048, "t" * 2049, "tok én",
    ])
    cases += variants(5, [  # timestamp
        "", "yesterday", "2020-01-01", "2020-13-01T00:00:00Z", "2020-02-30T00:00:00+07:00",
        "2020-01-01T24:00:00Z", "2020-01-01T00:60:00Z", "2020-01-01T00:00:60Z", "2020-01-01T00:00:00+19:00",
        "2020-01-01T00:00:00+07:60", "2020-01-01T00:00:00.123456789+07:00", "2020-01-01T00:00:00Z" + "0" * 40,
        "2020-01-01T00:00:00\t+07:00", "2020-01-01T00:00:00z",
    ])
    bodies = [
        b"", b"   ", b"\n\t ", b"{}", b"[]", b"null", b"0", b"-0", b"01", b"1.", b"1e", b'"\\x"', b'"\\ud800"',
        b'"\\ud800\\udc00"', b"{", b"}", b'{"a" 1}', b'{"a":1,}', b"[1,]", b"[1] [2]", b"\xef\xbb\xbf{}",
        b'"\xff"', b'"\xc3"', b'"\x01"', b"[" * 2000 + b"]" * 2000, b'{"a":"b\xc3\xa9"}', b"\x00", b"tru",
        b'{"a":\n  [1, 2,\t3]\r\n}',
    ]
    cases += variants(4, bodies)
    for args in cases:
        for signature in (sig, "", "abc", "A" * 88, "A" * 86 + "==", sig[:-2] + "==", sig + " ", sig[1:] + "A",
                          "é" * 88, base64.b64encode(b"x" * 63).decode(), base64.b64encode(b"x" * 65).decode()):
            p.transaction(*args, signature)
    for body in bodies:
        p.check("body_digest", body)
        p.check("minify_json", body)
    assert p.seen >= {
        "ok", "InvalidJson", "InvalidTimestamp", "EmptyField", "FieldTooLong", "ControlCharacter",
        "InvalidMethod", "AbsoluteUrl", "PathWithoutLeadingSlash", "BearerPrefix",
    }, p.seen


def test_error_details():
    e = outcome(snapsign.TransactionSigner, "")
    assert e[1] is snapsign.SnapError.EmptyField and e[3]["field"] == snapsign.Field.CLIENT_SECRET
    e = outcome(snapsign.sign_transaction, "s", "POST", "/p", "t\x01", b"", TS)
    assert e[1] is snapsign.SnapError.ControlCharacter
    assert e[3] == {"field": snapsign.Field.ACCESS_TOKEN, "offset": 1,
                    "reason": "access token has a control character at byte 1"}
    e = outcome(snapsign.sign_transaction, "s", "POST", "/" + "a" * 2048, "t", b"", TS)
    assert e[1] is snapsign.SnapError.FieldTooLong and e[3]["max"] == 2048 and e[3]["field"] == snapsign.Field.PATH
    e = outcome(snapsign.minify_json, b'{"a" 1}')
    assert e[3] == {"offset": 5, "reason": "invalid JSON body at byte 5: unexpected character"}
    assert e[4:] == (type(None), type(None)), "raised by the generated code, not chained to a fast-path error"
    # The comparison sees every field, InvalidKey's kind included (no fast call takes a key, but
    # the exceptions they raise are the same generated classes).
    e = outcome(generated.SnapSigner, (ROOT / "tests/vectors/keys/rsa2048-public.pem").read_bytes())
    assert e[1] is snapsign.SnapError.InvalidKey
    assert e[3] == {"kind": snapsign.KeyErrorKind.PUBLIC_KEY_GIVEN,
                    "reason": "invalid key: found a public key where a private key is needed"}


def test_argument_types():
    """Wrong types raise what the generated code raises: its TypeError (all arguments are checked
    before any is converted), UnicodeEncodeError for a lone surrogate, ctypes.ArgumentError for a
    non-empty bytearray/memoryview body; str and bytes subclasses work."""

    class Str(str):
        pass

    class Bytes(bytes):
        pass

    p = Pair()
    odd = [None, 1, 1.5, b"POST", bytearray(b"x"), ["POST"], "\ud800", "a\udfffb", Str("POST"), Str("\ud800")]
    odd_body = [None, 1, "{}", "", bytearray(b"{}"), bytearray(), memoryview(b"{}"), memoryview(b""),
                array.array("B", b"{}"), array.array("i", [1]), Bytes(b'{"a": 1}'), Bytes(b""), [1]]
    for i in range(6):
        for v in odd_body if i == 4 else odd:
            p.transaction(*next(variants(i, [v])), "sig")
    # Several bad arguments: which one is reported first.
    p.transaction("\ud800", "POST", "/p", "t", b"{}", 5, "sig")  # TypeError before the surrogate
    p.transaction("s", "POST", "/\ud800", "t", bytearray(b"{}"), TS, "sig")  # surrogate before body
    p.transaction("s", "POST", "/p", "t", bytearray(b"{}"), "\ud800", "sig")  # body before timestamp
    p.transaction("s", "POST", "/p", "t", b"{}", TS, None)
    p.transaction("s", "POST", "/p", "t", b"{}", TS, "\ud800")
    p.transaction("s", "POST", "/p", "t", b"{}", TS, b"sig")
    for body in odd_body:
        p.check("body_digest", body)
        p.check("minify_json", body)
    assert p.seen >= {"ok", "TypeError", "UnicodeEncodeError", "ArgumentError"}, p.seen
    # Wrong number of arguments / keywords: both are plain functions with the same parameters.
    for name in FAST[1:]:
        assert inspect.signature(getattr(snapsign, name)) == inspect.signature(getattr(generated, name)), name
    for name in ("sign", "verify"):
        f, g = getattr(snapsign.TransactionSigner, name), getattr(generated.TransactionSigner, name)
        assert inspect.signature(f) == inspect.signature(g), name
    assert (inspect.signature(snapsign.TransactionSigner.__init__)
            == inspect.signature(generated.TransactionSigner.__init__))


def test_every_failed_c_call_goes_to_the_generated_function(monkeypatch):
    """Whatever a C function returns other than OK (any code, even one the fast path could not
    get, or one newer than this package), the call's answer is the generated function's: its
    value, False or its exception. Simulated by C functions that fail without looking."""
    codes = (1, 2, 15, 21, 23, 24, 27, 100, 103, 104, 2**32 - 1)
    sig = snapsign.sign_transaction(*GOOD)
    bad = ("secret", "POST", "/p", "Bearer t", b'{"a" 1}', TS)
    names = ("_sign_tx_secret", "_verify_tx_secret", "_hmac_sign_tx", "_hmac_verify_tx", "_body_digest", "_minify")
    tx, gtx = snapsign.TransactionSigner("secret"), generated.TransactionSigner("secret")
    for code in codes:
        for name in names:
            monkeypatch.setattr(snapsign, name, lambda *args, code=code: code)
        for args in (GOOD, bad):
            for signature in (sig, "A" * 86 + "==", "abc"):
                same(snapsign.verify_transaction, generated.verify_transaction, *args, signature)
                same(tx.verify, gtx.verify, *args[1:], signature)
            same(snapsign.sign_transaction, generated.sign_transaction, *args)
            same(tx.sign, gtx.sign, *args[1:])
            same(snapsign.body_digest, generated.body_digest, args[4])
            same(snapsign.minify_json, generated.minify_json, args[4])
        assert snapsign.sign_transaction(*GOOD) == sig and tx.sign(*GOOD[1:]) == sig
        assert snapsign.verify_transaction(*GOOD, sig) is True and tx.verify(*GOOD[1:], sig) is True
        e = outcome(snapsign.sign_transaction, *bad)
        assert e[1] is snapsign.SnapError.InvalidJson and e[3]["offset"] == 5 and e[4:] == (type(None), type(None)), e
    monkeypatch.undo()
    # The one C failure the package checks for itself: the generated constructor accepted the
    # secret, snapsign_hmac_new refused it (not reachable: both are the core's HmacSigner::new).
    monkeypatch.setattr(snapsign, "_hmac_new", lambda *args: 6)
    e = outcome(snapsign.TransactionSigner, "secret")
    assert e[1] is snapsign.InternalError, e
    assert outcome(snapsign.TransactionSigner, "")[1] is snapsign.SnapError.EmptyField


def test_a_call_that_succeeds_does_not_reach_the_generated_code(monkeypatch):
    """The fast path really is one: with the generated functions and methods broken, plain
    arguments still sign, verify, digest and minify (only the constructor uses the generated
    TransactionSigner, which it keeps for the failures)."""
    sig = snapsign.sign_transaction(*GOOD)
    tx = snapsign.TransactionSigner(GOOD[0])

    def broken(*args, **kwargs):
        raise AssertionError("the generated code was called")

    for name in FAST[1:]:
        monkeypatch.setattr(generated, name, broken)
    monkeypatch.setattr(generated.TransactionSigner, "sign", broken)
    monkeypatch.setattr(generated.TransactionSigner, "verify", broken)
    assert snapsign.sign_transaction(*GOOD) == sig and tx.sign(*GOOD[1:]) == sig
    assert snapsign.verify_transaction(*GOOD, sig) is True and tx.verify(*GOOD[1:], sig) is True
    assert snapsign.body_digest(GOOD[4]) == hashlib.sha256(b'{"amount":"10000.00"}').hexdigest()
    assert snapsign.minify_json(GOOD[4]) == b'{"amount":"10000.00"}'
    with pytest.raises(AssertionError, match="generated code was called"):
        snapsign.verify_transaction(*GOOD, sig[4:])  # a failure goes there


def test_wrong_signatures_are_false_through_the_generated_code():
    """The C ABI's SIGNATURE_MISMATCH, SIGNATURE_LENGTH and INVALID_BASE64 are not read by the
    package: the generated verify_* give False for them, and raise for bad requests."""
    sig = snapsign.sign_transaction(*GOOD)
    tx = snapsign.TransactionSigner(GOOD[0])
    for wrong in (sig[:-4] + "AAA=", sig[4:], "not base64!", "", base64.b64encode(b"x" * 65).decode()):
        assert snapsign.verify_transaction(*GOOD, wrong) is False
        assert tx.verify(*GOOD[1:], wrong) is False
    e = outcome(snapsign.verify_transaction, "s", "get", "/p", "t", b"", TS, sig)
    assert e[1] is snapsign.SnapError.InvalidMethod


# --- random inputs ------------------------------------------------------------------------------

TEXT = string.ascii_letters + string.digits + "-_.:~!@#$%^&*()+=[]{};',<>?/ é日\t\x00\x7f|"


def random_text(rng, lo, hi, alphabet=TEXT):
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(lo, hi)))


def random_json(rng, depth=0):
    kind = rng.randrange(7 if depth < 4 else 4)
    if kind == 0:
        return rng.randint(-10**12, 10**12)
    if kind == 1:
        return rng.random() * 10**rng.randint(-5, 5)
    if kind == 2:
        return random_text(rng, 0, 12, string.printable + "é日\u2028\"\\")
    if kind == 3:
        return rng.choice([True, False, None])
    if kind in (4, 5):
        return {random_text(rng, 1, 8, string.ascii_letters): random_json(rng, depth + 1)
                for _ in range(rng.randint(0, 5))}
    return [random_json(rng, depth + 1) for _ in range(rng.randint(0, 5))]


def random_body(rng):
    value = random_json(rng)
    text = json.dumps(value, indent=rng.choice([None, 1, 2, "\t"]), ensure_ascii=rng.random() < 0.5)
    body = bytearray(text.encode())
    mutation = rng.randrange(4)
    if mutation == 1 and body:  # a byte changed at a random offset
        body[rng.randrange(len(body))] = rng.choice(b'{}[],:"\\x\x00\x01\xff\xc3 \n01e.-')
    elif mutation == 2 and body:  # cut short
        del body[rng.randrange(len(body)):]
    elif mutation == 3:  # something inserted
        at = rng.randrange(len(body) + 1)
        body[at:at] = rng.choice([b" ", b",", b"\xef\xbb\xbf", b"}", b'"', b"\\", b"\xe9", b"\n\t", b"0"])
    return bytes(body)


def test_random(rng):
    p = Pair()
    for _ in range(ROUNDS * 10):
        secret = rng.choice(["", random_text(rng, 1, 80)])
        method = rng.choice(["GET", "POST", "PUT", "PATCH", "DELETE", "get", "Post", "", "OPTIONS"])
        path = rng.choice(["/", "/snap/v1.0/", "", "https://h/", "//", "x/"]) + random_text(rng, 0, 40)
        token = rng.choice(["", "Bearer ", ""]) + random_text(rng, 0, 60)
        body = random_body(rng)
        ts = rng.choice([
            TS, "2024-03-05T10:37:16.196Z", "2024-02-29T23:59:59-03:30",
            f"{rng.randint(0, 9999):04d}-{rng.randint(0, 13):02d}-{rng.randint(0, 32):02d}T"
            f"{rng.randint(0, 24):02d}:{rng.randint(0, 60):02d}:{rng.randint(0, 60):02d}"
            + rng.choice(["Z", "+07:00", "-18:00", "+18:01", "", ".5Z", "+0700"]),
            random_text(rng, 0, 30),
        ])
        good = outcome(snapsign.sign_transaction, secret, method, path, token, body, ts)
        sig = good[2] if good[0] == "ok" else base64.b64encode(rng.randbytes(64)).decode()
        signature = rng.choice([sig, sig[:-1], base64.b64encode(rng.randbytes(rng.randint(0, 70))).decode(),
                                random_text(rng, 0, 100)])
        p.transaction(secret, method, path, token, body, ts, signature)
        p.check("body_digest", body)
        p.check("minify_json", body)
    assert {"ok", "InvalidJson"} <= p.seen, p.seen


# --- the object ---------------------------------------------------------------------------------

def test_transaction_signer_lifetime():
    tx = snapsign.TransactionSigner("secret")
    key, slow = weakref.ref(tx._key), weakref.ref(tx._key.generated)
    assert type(slow()) is generated.TransactionSigner
    sig = tx.sign(*GOOD[1:])
    del tx
    gc.collect()
    assert key() is None and slow() is None, "the handle and the generated object go with the object"

    with snapsign.TransactionSigner("secret") as tx:
        assert tx.sign(*GOOD[1:]) == sig
        key, slow = weakref.ref(tx._key), weakref.ref(tx._key.generated)
    assert key() is None and slow() is None, "leaving the with-block releases both"
    with pytest.raises(ValueError):
        tx.sign(*GOOD[1:])
    with pytest.raises(ValueError):
        tx.verify(*GOOD[1:], sig)
    tx.close()  # idempotent


def test_threads():
    """Buffers are per thread, failures on some threads do not disturb successes on others;
    closing while other threads sign does not free the key under them."""
    tx = snapsign.TransactionSigner("secret")
    expected = snapsign.sign_transaction(*GOOD)
    bad = ("secret", "POST", "/p", "t", b'{"a" 1}', TS)
    errors = []

    def work(i):
        try:
            for j in range(300):
                if (i + j) % 3 == 0:
                    assert tx.sign(*GOOD[1:]) == expected
                elif (i + j) % 3 == 1:
                    assert snapsign.sign_transaction(*GOOD) == expected
                else:
                    r = outcome(snapsign.sign_transaction, *bad)
                    assert r[1] is snapsign.SnapError.InvalidJson and r[3]["offset"] == 5, r
                    assert snapsign.body_digest(GOOD[4]) == generated.body_digest(GOOD[4])
        except Exception as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[:3]

    shared = snapsign.TransactionSigner("secret")
    results = []

    def sign_until_closed():
        while True:
            try:
                results.append(shared.sign(*GOOD[1:]))
            except ValueError:
                return

    threads = [threading.Thread(target=sign_until_closed) for _ in range(4)]
    for t in threads:
        t.start()
    while len(results) < 200:
        time.sleep(0.001)
    shared.close()
    for t in threads:
        t.join()
    assert set(results) == {expected}


def test_buffer_sizes_from_the_header():
    """The buffers have the sizes include/snapsign.h gives (and OK is its code)."""
    header = (ROOT / "include" / "snapsign.h").read_text()
    assert snapsign._OK == 0 and "  SNAPSIGN_RESULT_OK = 0,\n" in header
    for name, value in (("HMAC_SIGNATURE_LEN", snapsign._HMAC_SIGNATURE_LEN),
                        ("BODY_DIGEST_LEN", snapsign._BODY_DIGEST_LEN)):
        assert re.search(rf"#define SNAPSIGN_{name} {value}\n", header), name
    assert snapsign._HMAC_SIGNATURE_LEN == len(snapsign.sign_transaction(*GOOD)) == 88
    assert snapsign._BODY_DIGEST_LEN == len(snapsign.body_digest(b"")) == 64
    snapsign.TransactionSigner("s").sign(*GOOD[1:])
    sig, view, n = snapsign._buffers.sig
    assert len(sig) == ctypes.sizeof(view) == 88 and n.value == 88, "the call wrote the whole buffer"
    snapsign.body_digest(b"{}")
    digest, view, n = snapsign._buffers.digest
    assert len(digest) == ctypes.sizeof(view) == 64 and n.value == 64

