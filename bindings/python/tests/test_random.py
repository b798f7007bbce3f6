"""Random inputs cross-checked against independent implementations: Python's `cryptography`
(RSA PKCS#1 v1.5 / SHA-256), `hmac`/`hashlib`, `json` and `datetime`.

SNAPSIGN_SEED=<int> repeats a run; SNAPSIGN_ROUNDS scales the number of cases."""

import base64
import datetime
import hashlib
import hmac
import json
import os
import random
import string

import pytest
import snapsign
from conftest import key_bytes
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

SEED = int(os.environ.get("SNAPSIGN_SEED", random.SystemRandom().randrange(2**32)))
ROUNDS = int(os.environ.get("SNAPSIGN_ROUNDS", "40"))
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
HEADER_CHARS = string.ascii_letters + string.digits + "-_.:~!@#$%^&*()+=[]{};',<>?/ é日"


@pytest.fixture
def rng():
    print(f"SNAPSIGN_SEED={SEED}")
    return random.Random(SEED)


@pytest.fixture(scope="module")
def keys():
    out = {}
    for bits in (2048, 3072, 4096):
        private = serialization.load_pem_private_key(key_bytes(f"rsa{bits}-pkcs8.pem"), password=None)
        out[bits] = (private, snapsign.SnapSigner(key_bytes(f"rsa{bits}-pkcs1.der")),
                     snapsign.SnapVerifier(key_bytes(f"rsa{bits}-public.der")))
    return out


def random_text(rng, alphabet, lo, hi):
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(lo, hi)))


def random_client_id(rng):
    return random_text(rng, HEADER_CHARS, 1, 64)


def random_instant(rng):
    """A random instant in 1970..2200 and offset, with Python's own rendering of it."""
    millis = rng.randrange(0, 7_258_118_400_000)
    offset = rng.choice([0, 420, 480, 540, -300, 330, 345, rng.randrange(-18 * 60, 18 * 60 + 1)])
    with_millis, utc_as_z = rng.random() < 0.5, rng.random() < 0.5
    tz = datetime.timezone(datetime.timedelta(minutes=offset))
    dt = datetime.datetime.fromtimestamp(millis // 1000, tz) + datetime.timedelta(milliseconds=millis % 1000)
    text = dt.isoformat(timespec="milliseconds" if with_millis else "seconds")
    if utc_as_z and offset == 0:
        text = text[:-6] + "Z"
    return millis, offset, with_millis, utc_as_z, text


def random_timestamp(rng):
    millis, offset, with_millis, utc_as_z, _ = random_instant(rng)
    return snapsign.format_timestamp(millis, offset, with_millis, utc_as_z)


def random_json_value(rng, depth=0):
    kind = rng.randrange(8 if depth < 3 else 5)
    if kind == 0:
        return random_text(rng, string.printable + "é日😀\u2028\"\\", 0, 12)
    if kind == 1:
        return rng.randint(-10**12, 10**12)
    if kind == 2:
        return rng.choice([True, False, None])
    if kind == 3:
        return round(rng.uniform(-1e6, 1e6), rng.randrange(4))
    if kind == 4:
        return random_text(rng, " ab", 0, 5)
    if kind in (5, 6):
        return {random_text(rng, string.ascii_letters + " ", 1, 8): random_json_value(rng, depth + 1)
                for _ in range(rng.randrange(5))}
    return [random_json_value(rng, depth + 1) for _ in range(rng.randrange(5))]


def random_body(rng):
    """(bytes sent, the expected minified bytes)."""
    if rng.random() < 0.1:
        return b"", b""
    value = {"partnerReferenceNo": random_text(rng, string.digits, 6, 20), "data": random_json_value(rng)}
    ascii_only = rng.random() < 0.5
    pretty = json.dumps(value, ensure_ascii=ascii_only, indent=rng.choice([None, 1, 2, 4, "\t"]),
                        separators=rng.choice([(", ", ": "), (",", ":"), (" ,  ", " :\r\n ")]))
    minified = json.dumps(value, ensure_ascii=ascii_only, separators=(",", ":"))
    return pretty.encode(), minified.encode()


def random_path(rng):
    path = "/" + "/".join(random_text(rng, string.ascii_letters + string.digits + "-._~%", 1, 12)
                          for _ in range(rng.randint(1, 4)))
    if rng.random() < 0.4:
        path += "?" + "&".join(f"{random_text(rng, string.ascii_lowercase, 1, 5)}={random_text(rng, string.digits, 0, 5)}"
                               for _ in range(rng.randint(1, 3)))
    return path


def test_timestamps_match_datetime(rng):
    for _ in range(ROUNDS * 25):
        millis, offset, with_millis, utc_as_z, expected = random_instant(rng)
        assert snapsign.format_timestamp(millis, offset, with_millis, utc_as_z) == expected
        assert snapsign.token_string_to_sign("c", expected) == "c|" + expected


def test_now_timestamp_is_now():
    now = datetime.datetime.now(datetime.timezone.utc)
    ts = snapsign.now_timestamp(420, True)
    parsed = datetime.datetime.fromisoformat(ts)
    assert parsed.utcoffset() == datetime.timedelta(hours=7)
    assert abs((parsed - now).total_seconds()) < 5
    assert abs(snapsign.check_timestamp(ts, 10) / 1000 - now.timestamp()) < 5


def test_token_signatures_match_cryptography(rng, keys):
    for i in range(ROUNDS):
        bits = rng.choice([2048, 3072, 4096])
        private, signer, verifier = keys[bits]
        cid, ts = random_client_id(rng), random_timestamp(rng)
        message = f"{cid}|{ts}".encode()
        assert snapsign.token_string_to_sign(cid, ts).encode() == message
        sig = signer.sign_token(cid, ts)
        assert len(sig) == signer.signature_len()
        # PKCS#1 v1.5 is deterministic: the same bytes as cryptography's, which verifies them.
        theirs = private.sign(message, padding.PKCS1v15(), hashes.SHA256())
        assert base64.b64decode(sig) == theirs, (i, cid, ts)
        private.public_key().verify(base64.b64decode(sig), message, padding.PKCS1v15(), hashes.SHA256())
        assert verifier.verify_token(cid, ts, base64.b64encode(theirs).decode())
        # One bit off, and neither side accepts it.
        bad = bytearray(theirs)
        bad[rng.randrange(len(bad))] ^= 1 << rng.randrange(8)
        assert not verifier.verify_token(cid, ts, base64.b64encode(bytes(bad)).decode())
        with pytest.raises(InvalidSignature):
            private.public_key().verify(bytes(bad), message, padding.PKCS1v15(), hashes.SHA256())


def test_service_signatures_match_cryptography(rng, keys):
    for _ in range(ROUNDS):
        bits = rng.choice([2048, 3072, 4096])
        private, signer, verifier = keys[bits]
        method, path, ts = rng.choice(METHODS), random_path(rng), random_timestamp(rng)
        body, minified = random_body(rng)
        assert snapsign.minify_json(body) == minified
        digest = hashlib.sha256(minified).hexdigest()
        assert snapsign.body_digest(body) == digest
        message = f"{method}:{path}:{digest}:{ts}"
        assert snapsign.service_string_to_sign(method, path, body, ts) == message
        sig = signer.sign_service(method, path, body, ts)
        private.public_key().verify(base64.b64decode(sig), message.encode(), padding.PKCS1v15(), hashes.SHA256())
        theirs = base64.b64encode(private.sign(message.encode(), padding.PKCS1v15(), hashes.SHA256())).decode()
        assert sig == theirs
        assert verifier.verify_service(method, path, body, ts, theirs)
        # The same body minified verifies too (whitespace is not signed) ...
        assert verifier.verify_service(method, path, minified, ts, theirs)
        # ... a changed value does not.
        if minified:
            assert not verifier.verify_service(method, path + "x", body, ts, theirs)


def test_transaction_signatures_match_hmac(rng):
    for _ in range(ROUNDS * 5):
        secret = random_text(rng, HEADER_CHARS + "\t", 1, 80)
        method, path, ts = rng.choice(METHODS), random_path(rng), random_timestamp(rng)
        token = random_text(rng, string.ascii_letters + string.digits + "-._~+/=", 1, 300)
        body, minified = random_body(rng)
        message = f"{method}:{path}:{token}:{hashlib.sha256(minified).hexdigest()}:{ts}"
        assert snapsign.transaction_string_to_sign(method, path, token, body, ts) == message
        expected = base64.b64encode(hmac.new(secret.encode(), message.encode(), hashlib.sha512).digest()).decode()
        sig = snapsign.sign_transaction(secret, method, path, token, body, ts)
        assert sig == expected
        assert snapsign.verify_transaction(secret, method, path, token, body, ts, expected)
        assert not snapsign.verify_transaction(secret + "!", method, path, token, body, ts, expected)


def test_headers_and_external_ids(rng, keys):
    private, signer, _ = keys[2048]
    for _ in range(ROUNDS // 4 + 1):
        cid, ts = random_client_id(rng), random_timestamp(rng)
        origin = rng.choice([None, "www.example.co.id"])
        h = snapsign.token_request_headers(signer, cid, ts, origin)
        assert h["X-TIMESTAMP"] == ts and h["X-CLIENT-KEY"] == cid and h["Content-Type"] == "application/json"
        assert h.get("ORIGIN") == origin
        private.public_key().verify(base64.b64decode(h["X-SIGNATURE"]), f"{cid}|{ts}".encode(),
                                    padding.PKCS1v15(), hashes.SHA256())
    ids = {snapsign.external_id() for _ in range(200)}
    assert len(ids) == 200 and all(len(i) == 32 and i.isdigit() for i in ids)
    assert all(len(snapsign.external_id(d)) == d for d in range(1, 37))
