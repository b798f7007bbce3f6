"""RequestVerifier / verify_request (issue #12): exact SNAP answers to requests signed by an
independent implementation (tests/snap_sign.py), replay protection under threads, the token store."""

import threading
import time
import uuid

import pytest

import snapsign
from snap_sign import BODY, PARTNER, PATH, SECRET, TOKEN, headers

# /v1.0/transfer-va/payment is service 25.


def eid() -> str:
    return uuid.uuid4().hex[:32]


@pytest.fixture
def tokens():
    store = snapsign.TokenStore("generic")
    store.register(TOKEN, int(time.time() * 1000) + 900_000)
    return store


@pytest.fixture
def verifier():
    return snapsign.RequestVerifier("generic", client_secret=SECRET, partner_id=PARTNER)


def check(v, h, *, tokens=None, guard=None, body=BODY, path=PATH, **kw):
    return snapsign.verify_request(v, "POST", path, h, body, tokens=tokens, replay_guard=guard, **kw)


def answer(r) -> tuple:
    return (r.accepted, r.http_status, r.response_code, r.response_message, r.body)


def test_accepted(verifier, tokens):
    x = eid()
    r = check(verifier, headers(x), tokens=tokens, guard=snapsign.MemoryReplayGuard())
    assert answer(r) == (True, 200, "2002500", "Successful", None)
    assert r.reason is None and r.detail == "accepted"
    assert (r.partner_id, r.external_id, r.kind) == (PARTNER, x, snapsign.CallKind.TRANSACTION)


def test_missing_timestamp_names_it(verifier, tokens):
    h = headers(eid())
    del h["X-TIMESTAMP"]
    r = check(verifier, h, tokens=tokens)
    assert answer(r) == (
        False, 400, "4002502", "Invalid Mandatory Field {X-TIMESTAMP}",
        '{"responseCode":"4002502","responseMessage":"Invalid Mandatory Field {X-TIMESTAMP}"}',
    )
    assert (r.reason, r.header) == (snapsign.RejectionKind.MISSING_HEADER, "X-TIMESTAMP")


def test_wrong_signature(verifier, tokens):
    r = check(verifier, headers(eid(), secret="another-secret"), tokens=tokens)
    assert answer(r) == (
        False, 401, "4012500", "Unauthorized. Signature",
        '{"responseCode":"4012500","responseMessage":"Unauthorized. Signature"}',
    )
    assert r.reason == snapsign.RejectionKind.WRONG_SIGNATURE


def test_tampered_body(verifier, tokens):
    r = check(verifier, headers(eid()), tokens=tokens, body=BODY.replace(b"10000.00", b"99999.00"))
    assert (r.response_code, r.reason) == ("4012500", snapsign.RejectionKind.WRONG_SIGNATURE)


def test_skew(verifier, tokens):
    r = check(verifier, headers(eid(), at=time.time() - 20 * 60), tokens=tokens)
    assert answer(r) == (
        False, 401, "4012500", "Unauthorized. Timestamp",
        '{"responseCode":"4012500","responseMessage":"Unauthorized. Timestamp"}',
    )
    assert r.reason == snapsign.RejectionKind.TIMESTAMP
    assert r.detail == "X-TIMESTAMP is 20 minutes in the past (allowed: ±900 s)"


def test_unknown_token(verifier, tokens):
    r = check(verifier, headers(eid(), token="not-issued"), tokens=tokens)
    assert answer(r) == (
        False, 401, "4012501", "Invalid Token (B2B)",
        '{"responseCode":"4012501","responseMessage":"Invalid Token (B2B)"}',
    )
    assert (r.reason, r.detail) == (snapsign.RejectionKind.INVALID_TOKEN, "the access token is unknown")


def test_replay(verifier, tokens):
    guard = snapsign.MemoryReplayGuard(1000)
    h = headers(eid())
    assert check(verifier, h, tokens=tokens, guard=guard).accepted
    r = check(verifier, h, tokens=tokens, guard=guard)
    assert answer(r) == (False, 409, "4092500", "Conflict", '{"responseCode":"4092500","responseMessage":"Conflict"}')
    assert r.reason == snapsign.RejectionKind.REPLAYED


def test_a_rejected_request_is_never_recorded(verifier, tokens):
    guard = snapsign.MemoryReplayGuard(1000)
    x = eid()
    bad = headers(x, secret="wrong")
    assert check(verifier, bad, tokens=tokens, guard=guard).response_code == "4012500"
    assert check(verifier, headers(x), tokens=tokens, guard=guard).accepted


def test_threads_racing_on_one_id_exactly_one_accepted(verifier, tokens):
    guard = snapsign.MemoryReplayGuard(1000)
    h = headers(eid())
    start = threading.Barrier(12)
    results = []
    lock = threading.Lock()

    def go():
        start.wait()
        r = check(verifier, h, tokens=tokens, guard=guard)
        with lock:
            results.append(r.response_code)

    threads = [threading.Thread(target=go) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["2002500"] + ["4092500"] * 11


class Recording(snapsign.ReplayGuard):
    def __init__(self):
        self.keys = []

    def check_and_record(self, key):
        seen = any(k.storage_key == key.storage_key for k in self.keys)
        self.keys.append(key)
        return not seen


class Down(snapsign.ReplayGuard):
    def check_and_record(self, key):
        raise ConnectionError("database is down")


def test_a_python_replay_guard(verifier, tokens):
    g = Recording()
    x = eid()
    assert check(verifier, headers(x), tokens=tokens, guard=g).accepted
    assert check(verifier, headers(x), tokens=tokens, guard=g).response_code == "4092500"
    k = g.keys[0]
    assert k.storage_key.startswith("snapsign:replay:") and k.storage_key.endswith(f":{len(PARTNER)}:{PARTNER}:{x}")
    assert (k.partner_id, k.external_id) == (PARTNER, x)
    assert 900 <= k.ttl_seconds <= 86_400 + 900
    assert k.expires_at_unix_millis > time.time() * 1000


def test_a_failing_guard_is_500_never_accepted(verifier, tokens):
    r = check(verifier, headers(eid()), tokens=tokens, guard=Down())
    assert answer(r)[:4] == (False, 500, "5002500", "General Error")
    assert r.reason == snapsign.RejectionKind.REPLAY_GUARD_FAILED
    assert "database is down" in r.detail


@pytest.mark.parametrize("shape", ["dict", "lower", "pairs", "werkzeug", "starlette"])
def test_any_framework_header_mapping(verifier, tokens, shape):
    h = headers(eid())
    if shape == "lower":
        h = {k.lower(): v for k, v in h.items()}
    elif shape == "pairs":
        h = list(h.items())
    elif shape == "werkzeug":
        werkzeug = pytest.importorskip("werkzeug.datastructures")
        h = werkzeug.Headers(list(h.items()))
    elif shape == "starlette":
        starlette = pytest.importorskip("starlette.datastructures")
        h = starlette.Headers(raw=[(k.lower().encode(), v.encode()) for k, v in h.items()])
    assert check(verifier, h, tokens=tokens).accepted


def test_bad_configuration_raises(tokens):
    with pytest.raises(snapsign.SnapError.UnknownProvider):
        snapsign.RequestVerifier("nope", client_secret=SECRET)
    with pytest.raises(snapsign.SnapError.InvalidKey):
        snapsign.RequestVerifier("generic", public_key=b"not a key")


def test_the_token_store_issues_what_the_verifier_then_accepts(verifier):
    store = snapsign.TokenStore("doku")
    grant = store.issue("CLIENT01")
    assert len(grant.access_token) == 43 and grant.expires_in_seconds == 900
    assert grant.body.startswith('{"responseCode":"2007300","responseMessage":"Successful","accessToken":"')
    assert [h.name for h in grant.headers] == ["X-TIMESTAMP", "X-CLIENT-KEY"]
    assert store.state(grant.access_token) == snapsign.TokenState.LIVE
    r = check(verifier, headers(eid(), token=grant.access_token), tokens=store)
    assert r.accepted, r.detail
    assert store.revoke(grant.access_token)
    assert check(verifier, headers(eid(), token=grant.access_token), tokens=store).response_code == "4012501"


def test_a_token_call_is_verified_with_the_public_key():
    from conftest import key_bytes

    signer = snapsign.SnapSigner(key_bytes("rsa2048-pkcs8.pem"))
    v = snapsign.RequestVerifier("doku", public_key=key_bytes("rsa2048-public.pem"), client_id="CLIENT01")
    ts = snapsign.now_timestamp(420, False)
    h = {"X-TIMESTAMP": ts, "X-CLIENT-KEY": "CLIENT01", "X-SIGNATURE": signer.sign_token("CLIENT01", ts),
         "Content-Type": "application/json"}
    path = "/authorization/v1/access-token/b2b"
    r = snapsign.verify_request(v, "POST", path, h, b'{"grantType":"client_credentials"}')
    assert (r.accepted, r.kind, r.client_id, r.response_code) == (True, snapsign.CallKind.TOKEN_B2B, "CLIENT01", "2007300")
    h["X-CLIENT-KEY"] = "SOMEONE"
    r = snapsign.verify_request(v, "POST", path, h, b"{}")
    assert (r.response_code, r.response_message) == ("4017300", "Unauthorized. Unknown Client")


def _signed_over(h: dict, path: str, digest_body: bytes, ts: str) -> dict:
    """`h` with X-SIGNATURE replaced by an HMAC (hmac/hashlib only) over the digest of
    `digest_body` as it is (not minified) and the timestamp `ts`: a sender's mistake."""
    import base64
    import hashlib
    import hmac

    digest = hashlib.sha256(digest_body).hexdigest()
    message = f"POST:{path}:{TOKEN}:{digest}:{ts}".encode()
    sig = base64.b64encode(hmac.new(SECRET.encode(), message, hashlib.sha512).digest()).decode()
    return {**h, "X-SIGNATURE": sig}


def test_explain_names_what_the_sender_did(verifier, tokens):
    import json

    h = headers(eid())
    ts = h["X-TIMESTAMP"]
    # json.dumps with its default separators re-serialised the body before hashing.
    dumped = json.dumps(json.loads(BODY)).encode()
    wrong = _signed_over(h, PATH, dumped, ts)
    r = check(verifier, wrong, tokens=tokens)
    assert r.reason == snapsign.RejectionKind.WRONG_SIGNATURE
    d = snapsign.explain_request(verifier, "POST", PATH, wrong, BODY)
    assert d is not None and not d.valid
    assert d.causes[0].id == "python-json-dumps", d
    assert d.causes[0].fix
    assert d.expected_string_to_sign.startswith(f"POST:{PATH}:{TOKEN}:")
    assert d.expected_string_to_sign.endswith(ts)
    # The timestamp signed in UTC but sent in WIB.
    import datetime

    utc = datetime.datetime.fromisoformat(ts).astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    minified = json.dumps(json.loads(BODY), separators=(",", ":")).encode()
    wrong = _signed_over(h, PATH, minified, utc)
    d = snapsign.explain_request(verifier, "POST", PATH, wrong, BODY)
    assert [c.id for c in d.causes][:1] == ["timestamp-format"], d
    assert d.causes[0].string_to_sign.endswith(":" + utc)
    # Another secret: nothing fits, and it says so.
    d = snapsign.explain_request(verifier, "POST", PATH, headers(eid(), secret="another-secret"), BODY)
    assert d.causes == [] and d.unexplained.startswith("no variant verifies"), d
    # The request as signed is valid.
    d = snapsign.explain_request(verifier, "POST", PATH, h, BODY)
    assert d.valid and d.causes == []
    # A verifier without the call's key has nothing to explain with.
    no_secret = snapsign.RequestVerifier("generic", partner_id=PARTNER)
    assert snapsign.explain_request(no_secret, "POST", PATH, h, BODY) is None
