"""TransactionSigner: the transaction_hmac vectors and the error mapping through the object keyed
once, which must agree with the free functions sign_transaction / verify_transaction."""

import base64
import threading

import pytest
import snapsign
from snapsign import SnapError, Field

TS = "2020-01-01T04:10:00+07:00"


def flip(sig: str) -> str:
    raw = bytearray(base64.b64decode(sig))
    raw[len(raw) // 2] ^= 1
    return base64.b64encode(bytes(raw)).decode()


def test_transaction_hmac_vectors(vectors):
    assert len(vectors["transaction_hmac"]) > 0
    for t in vectors["transaction_hmac"]:
        body = t["body"].encode()
        args = (t["method"], t["path"], t["access_token"], body, t["timestamp"])
        signer = snapsign.TransactionSigner(t["client_secret"])
        # Twice: signing does not consume or alter the key.
        assert signer.sign(*args) == t["signature"]
        assert signer.sign(*args) == t["signature"]
        assert signer.sign(*args) == snapsign.sign_transaction(t["client_secret"], *args)
        assert signer.verify(*args, t["signature"]) is True
        assert signer.verify(*args, flip(t["signature"])) is False
        assert signer.verify(*args, t["signature"][4:]) is False
        assert signer.verify(t["method"], t["path"], t["access_token"] + "x", body, t["timestamp"], t["signature"]) is False
        assert snapsign.TransactionSigner(t["client_secret"] + "x").verify(*args, t["signature"]) is False


def raises(cls, fn, *args):
    with pytest.raises(cls) as e:
        fn(*args)
    assert isinstance(e.value, SnapError)
    assert e.value.reason, "every error carries the core's message"
    return e.value


def test_errors_match_the_free_functions():
    e = raises(SnapError.EmptyField, snapsign.TransactionSigner, "")
    assert e.field == Field.CLIENT_SECRET
    s = snapsign.TransactionSigner("s")
    raises(SnapError.InvalidMethod, s.sign, "post", "/p", "t", b"", TS)
    raises(SnapError.AbsoluteUrl, s.sign, "GET", "https://h/p", "t", b"", TS)
    raises(SnapError.PathWithoutLeadingSlash, s.sign, "GET", "p", "t", b"", TS)
    raises(SnapError.BearerPrefix, s.sign, "GET", "/p", "Bearer t", b"", TS)
    raises(SnapError.InvalidTimestamp, s.sign, "GET", "/p", "t", b"", "yesterday")
    e = raises(SnapError.InvalidJson, s.sign, "POST", "/p", "t", b'{"a" 1}', TS)
    assert e.offset == 5 and e.reason == "invalid JSON body at byte 5: unexpected character"
    free = raises(SnapError.InvalidJson, snapsign.sign_transaction, "s", "POST", "/p", "t", b'{"a" 1}', TS)
    assert (free.offset, free.reason) == (e.offset, e.reason)
    # verify: bad inputs raise, bad signatures are False.
    raises(SnapError.InvalidJson, s.verify, "POST", "/p", "t", b"{", TS, "sig")
    raises(SnapError.InvalidMethod, s.verify, "get", "/p", "t", b"", TS, "sig")
    assert s.verify("GET", "/p", "t", b"", TS, "") is False
    assert s.verify("GET", "/p", "t", b"", TS, "QUJD") is False
    assert s.verify("GET", "/p", "t", b"", TS, "not base64!") is False


def test_wrong_argument_types():
    s = snapsign.TransactionSigner("s")
    with pytest.raises(TypeError):
        s.sign("GET", "/p", "t", "a str body", TS)
    with pytest.raises(TypeError):
        snapsign.TransactionSigner(b"bytes secret")


def test_shared_between_threads(vectors):
    t = vectors["transaction_hmac"][0]
    args = (t["method"], t["path"], t["access_token"], t["body"].encode(), t["timestamp"])
    signer = snapsign.TransactionSigner(t["client_secret"])
    results = []

    def work():
        results.extend(signer.sign(*args) for _ in range(50))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert results == [t["signature"]] * 200
