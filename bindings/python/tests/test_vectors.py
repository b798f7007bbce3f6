"""Every vector of tests/vectors/snap-vectors.json, through the installed `snapsign` package."""

import base64

import pytest
import snapsign
from conftest import key_bytes

KEYS = ("rsa2048", "rsa3072", "rsa4096")


def test_the_installed_package_carries_the_native_library():
    import pathlib

    pkg = pathlib.Path(snapsign.__file__).parent
    # Mixed layout: snapsign/__init__.py (hand-written), snapsign/snapsign/ (generated + library).
    assert any(p.name.startswith("libsnapsign") for p in (pkg / "snapsign").iterdir()), list(pkg.rglob("*"))
    assert "site-packages" in str(pkg) or "dist-packages" in str(pkg), pkg


def flip(sig: str) -> str:
    raw = bytearray(base64.b64decode(sig))
    raw[len(raw) // 2] ^= 1
    return base64.b64encode(bytes(raw)).decode()


def test_token_b2b(vectors, signers, verifiers):
    assert len(vectors["token_b2b"]) > 0
    for t in vectors["token_b2b"]:
        cid, ts, sig = t["client_id"], t["timestamp"], t["signature"]
        assert snapsign.token_string_to_sign(cid, ts) == t["string_to_sign"]
        assert signers[t["key"]].sign_token(cid, ts) == sig
        assert verifiers[t["key"]].verify_token(cid, ts, sig) is True
        assert verifiers[t["key"]].verify_token(cid + "X", ts, sig) is False
        assert verifiers[t["key"]].verify_token(cid, ts, flip(sig)) is False
        headers = snapsign.token_request_headers(signers[t["key"]], cid, ts)
        assert headers == {
            "X-TIMESTAMP": ts,
            "X-CLIENT-KEY": cid,
            "X-SIGNATURE": sig,
            "Content-Type": "application/json",
        }


def test_transaction_hmac(vectors):
    assert len(vectors["transaction_hmac"]) > 0
    for t in vectors["transaction_hmac"]:
        body = t["body"].encode()
        args = (t["method"], t["path"], t["access_token"], body, t["timestamp"])
        assert snapsign.minify_json(body) == t["body_minified"].encode()
        assert snapsign.body_digest(body) == t["body_sha256_hex"]
        assert snapsign.transaction_string_to_sign(*args) == t["string_to_sign"]
        assert snapsign.sign_transaction(t["client_secret"], *args) == t["signature"]
        assert snapsign.verify_transaction(t["client_secret"], *args, t["signature"]) is True
        assert snapsign.verify_transaction(t["client_secret"] + "x", *args, t["signature"]) is False
        assert snapsign.verify_transaction(t["client_secret"], *args, flip(t["signature"])) is False


def test_service_rsa(vectors, signers, verifiers):
    assert len(vectors["service_rsa"]) > 0
    for t in vectors["service_rsa"]:
        body = t["body"].encode()
        args = (t["method"], t["path"], body, t["timestamp"])
        assert snapsign.minify_json(body) == t["body_minified"].encode()
        assert snapsign.body_digest(body) == t["body_sha256_hex"]
        assert snapsign.service_string_to_sign(*args) == t["string_to_sign"]
        assert signers[t["key"]].sign_service(*args) == t["signature"]
        assert verifiers[t["key"]].verify_service(*args, t["signature"]) is True
        assert verifiers[t["key"]].verify_service(t["method"], t["path"] + "x", body, t["timestamp"], t["signature"]) is False
        assert verifiers[t["key"]].verify_service(*args, t["signature"][4:]) is False


def test_minify(vectors):
    assert len(vectors["minify"]) > 0
    for t in vectors["minify"]:
        assert snapsign.minify_json(t["input"].encode()) == t["output"].encode()


def test_minify_invalid(vectors):
    assert len(vectors["minify_invalid"]) > 0
    for t in vectors["minify_invalid"]:
        body = base64.b64decode(t["input_b64"])
        with pytest.raises(snapsign.SnapError.InvalidJson) as e:
            snapsign.minify_json(body)
        assert 0 <= e.value.offset <= len(body)
        assert e.value.reason.startswith(f"invalid JSON body at byte {e.value.offset}: ")
        with pytest.raises(snapsign.SnapError.InvalidJson):
            snapsign.body_digest(body)
        with pytest.raises(snapsign.SnapError.InvalidJson):
            snapsign.sign_transaction("s", "POST", "/p", "t", body, "2020-01-01T00:00:00Z")


@pytest.mark.parametrize("bits", [2048, 3072, 4096])
@pytest.mark.parametrize("form", ["pkcs8.pem", "pkcs1.pem", "pkcs8.der", "pkcs1.der"])
def test_every_private_key_form(bits, form, vectors, verifiers):
    signer = snapsign.SnapSigner(key_bytes(f"rsa{bits}-{form}"))
    assert signer.key_bits() == bits
    assert signer.signature_len() == (bits // 8 + 2) // 3 * 4
    t = next(t for t in vectors["token_b2b"] if t["key"] == f"rsa{bits}")
    assert signer.sign_token(t["client_id"], t["timestamp"]) == t["signature"]
    assert signer.verifier().verify_token(t["client_id"], t["timestamp"], t["signature"])


@pytest.mark.parametrize("bits", [2048, 3072, 4096])
@pytest.mark.parametrize("form", ["public.pem", "public.der", "public-pkcs1.pem"])
def test_every_public_key_form(bits, form, vectors):
    verifier = snapsign.SnapVerifier(key_bytes(f"rsa{bits}-{form}"))
    assert verifier.key_bits() == bits
    t = next(t for t in vectors["token_b2b"] if t["key"] == f"rsa{bits}")
    assert verifier.verify_token(t["client_id"], t["timestamp"], t["signature"])


def test_pem_from_an_environment_variable(vectors):
    pem = key_bytes("rsa2048-pkcs8.pem").decode().replace("\n", "\\n").encode()
    t = vectors["token_b2b"][0]
    assert snapsign.SnapSigner(pem).sign_token(t["client_id"], t["timestamp"]) == t["signature"]
