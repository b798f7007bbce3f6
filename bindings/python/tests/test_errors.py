"""The error mapping: one SnapError subclass per core error variant, with its details and the
core's message in `reason`; signature problems are `False`, not exceptions."""

import pytest
import snapsign
from snapsign import Field, KeyErrorKind, SnapError
from conftest import key_bytes
from cryptography.hazmat.primitives import serialization

TS = "2020-01-01T04:10:00+07:00"

# Every variant of snapsign_core::Error, plus Internal for variants a newer core might add.
ALL_VARIANTS = [
    "BufferTooSmall", "InvalidJson", "InvalidTimestamp", "TimestampOutOfRange", "TimestampSkew",
    "EmptyField", "FieldTooLong", "ControlCharacter", "InvalidUtf8", "PipeInClientId",
    "InvalidMethod", "AbsoluteUrl", "PathWithoutLeadingSlash", "BearerPrefix", "InvalidBase64",
    "InvalidKey", "WeakKey", "SignatureLength", "SignatureMismatch", "Rng", "Crypto",
    "InvalidResponse", "MissingCredential", "UnknownProvider", "TokenRefused", "FetchFailed", "Internal",
]


def test_every_variant_is_an_exception_class():
    for name in ALL_VARIANTS:
        cls = getattr(SnapError, name)
        assert issubclass(cls, SnapError) and issubclass(cls, Exception), name


@pytest.fixture(scope="module")
def signer():
    return snapsign.SnapSigner(key_bytes("rsa2048-pkcs8.pem"))


@pytest.fixture(scope="module")
def verifier():
    return snapsign.SnapVerifier(key_bytes("rsa2048-public.pem"))


def raises(cls, fn, *args, **kwargs):
    with pytest.raises(cls) as e:
        fn(*args, **kwargs)
    assert isinstance(e.value, SnapError)
    assert e.value.reason, "every error carries the core's message"
    return e.value


def test_invalid_json_has_offset_and_message(signer):
    e = raises(SnapError.InvalidJson, signer.sign_service, "POST", "/v1.0/x", b'{"a" 1}', TS)
    assert e.offset == 5
    assert e.reason == "invalid JSON body at byte 5: unexpected character"
    # str() is the core's sentence alone; repr() names the variant and every field.
    assert str(e) == "invalid JSON body at byte 5: unexpected character"
    assert repr(e) == "SnapError.InvalidJson(offset=5, reason='invalid JSON body at byte 5: unexpected character')"
    assert e.args == ("offset=5, reason='invalid JSON body at byte 5: unexpected character'",)
    e = raises(SnapError.InvalidJson, snapsign.minify_json, b'{"a":1')
    assert e.offset == 6 and "unexpected end" in e.reason
    e = raises(SnapError.InvalidJson, snapsign.minify_json, b'\xef\xbb\xbf{}')
    assert e.offset == 0 and "byte order mark" in e.reason


def test_verify_raises_for_bad_inputs_not_for_bad_signatures(verifier):
    raises(SnapError.InvalidJson, verifier.verify_service, "POST", "/x", b"{", TS, "sig")
    raises(SnapError.InvalidTimestamp, verifier.verify_token, "c", "yesterday", "sig")
    raises(SnapError.InvalidMethod, snapsign.verify_transaction, "s", "get", "/p", "t", b"", TS, "sig")
    assert verifier.verify_token("c", TS, "not base64!") is False          # InvalidBase64
    assert verifier.verify_token("c", TS, "QUJD") is False                 # SignatureLength
    assert verifier.verify_token("c", TS, "A" * 342 + "==") is False       # SignatureMismatch
    assert snapsign.verify_transaction("s", "GET", "/p", "t", b"", TS, "") is False
    assert snapsign.verify_transaction("s", "GET", "/p", "t", b"", TS, "A" * 86 + "==") is False


def test_timestamp_errors(signer):
    e = raises(SnapError.InvalidTimestamp, signer.sign_token, "c", "2023-02-29T00:00:00Z")
    assert e.offset == 8 and "day" in e.reason
    e = raises(SnapError.InvalidTimestamp, snapsign.token_string_to_sign, "c", "2023-02-01 00:00:00Z")
    assert e.offset == 10
    raises(SnapError.TimestampOutOfRange, snapsign.format_timestamp, 0, 19 * 60, False)
    raises(SnapError.TimestampOutOfRange, snapsign.format_timestamp, 2**62, 0, False)
    raises(SnapError.TimestampOutOfRange, snapsign.now_timestamp, 1 << 20, False)
    e = raises(SnapError.TimestampSkew, snapsign.check_timestamp, TS)
    assert e.allowed_seconds == 900 and e.skew_seconds < 0


def test_field_errors(signer):
    e = raises(SnapError.EmptyField, snapsign.sign_transaction, "", "GET", "/p", "t", b"", TS)
    assert e.field == Field.CLIENT_SECRET
    e = raises(SnapError.EmptyField, signer.sign_token, "", TS)
    assert e.field == Field.CLIENT_ID
    e = raises(SnapError.FieldTooLong, signer.sign_token, "c" * 1000, TS)
    assert e.field == Field.CLIENT_ID and e.max == 256
    e = raises(SnapError.FieldTooLong, snapsign.external_id, 37)
    assert e.field == Field.EXTERNAL_ID and e.max == 36
    e = raises(SnapError.ControlCharacter, signer.sign_token, "a\nb", TS)
    assert e.field == Field.CLIENT_ID and e.offset == 1
    e = raises(SnapError.ControlCharacter, snapsign.token_request_headers, signer, "c", TS, "a\x00")
    assert e.field == Field.ORIGIN
    e = raises(SnapError.PipeInClientId, signer.sign_token, "ab|c", TS)
    assert e.offset == 2


def test_request_errors():
    raises(SnapError.InvalidMethod, snapsign.sign_transaction, "s", "post", "/p", "t", b"", TS)
    raises(SnapError.InvalidMethod, snapsign.service_string_to_sign, "HEAD", "/p", b"", TS)
    raises(SnapError.AbsoluteUrl, snapsign.sign_transaction, "s", "GET", "https://h/p", "t", b"", TS)
    raises(SnapError.PathWithoutLeadingSlash, snapsign.sign_transaction, "s", "GET", "p", "t", b"", TS)
    e = raises(SnapError.BearerPrefix, snapsign.sign_transaction, "s", "GET", "/p", "Bearer t", b"", TS)
    assert "Bearer" in e.reason


def test_key_errors(tmp_path):
    e = raises(SnapError.InvalidKey, snapsign.SnapSigner, key_bytes("rsa2048-public.pem"))
    assert e.kind == KeyErrorKind.PUBLIC_KEY_GIVEN
    assert e.reason == "invalid key: found a public key where a private key is needed"
    assert raises(SnapError.InvalidKey, snapsign.SnapSigner, b"not a key").kind == KeyErrorKind.MALFORMED
    assert raises(SnapError.InvalidKey, snapsign.SnapVerifier, b"").kind == KeyErrorKind.MALFORMED
    e = raises(SnapError.WeakKey, snapsign.SnapSigner, key_bytes("weak1024-pkcs8.pem"))
    assert e.bits == 1024
    raises(SnapError.WeakKey, snapsign.SnapVerifier, key_bytes("weak1024-pkcs8.pem"))
    assert snapsign.SnapSigner(key_bytes("weak1024-pkcs8.pem"), allow_weak_key=True).key_bits() == 1024
    assert snapsign.SnapVerifier(key_bytes("weak1024-pkcs8.pem"), allow_weak_key=True).key_bits() == 1024


def test_encrypted_private_key():
    key = serialization.load_pem_private_key(key_bytes("rsa2048-pkcs8.pem"), password=None)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"s3cret pass"),
    )
    assert b"ENCRYPTED PRIVATE KEY" in pem
    plain = snapsign.SnapSigner(key_bytes("rsa2048-pkcs8.pem"))
    enc = snapsign.SnapSigner(pem, passphrase="s3cret pass")
    assert enc.sign_token("c", TS) == plain.sign_token("c", TS)
    e = raises(SnapError.InvalidKey, snapsign.SnapSigner, pem)
    assert e.kind == KeyErrorKind.ENCRYPTED and "no passphrase" in e.reason
    e = raises(SnapError.InvalidKey, snapsign.SnapSigner, pem, passphrase="wrong")
    assert e.kind == KeyErrorKind.WRONG_PASSPHRASE and "passphrase" in e.reason


def test_invalid_token_response():
    raises(SnapError.InvalidResponse, snapsign.parse_token_response, b"[]")
    raises(SnapError.InvalidResponse, snapsign.parse_token_response, b'{"responseCode":"200"}')
    raises(SnapError.InvalidJson, snapsign.parse_token_response, b"{")


def test_token_response():
    r = snapsign.parse_token_response(
        b'{"responseCode":"2007300","responseMessage":"Successful","accessToken":"abc",'
        b'"tokenType":"Bearer","expiresIn":"900"}'
    )
    assert (r.response_code, r.http_status, r.service_code, r.case_code) == ("2007300", 200, 73, 0)
    assert r.is_success and r.access_token == "abc" and r.token_type == "Bearer" and r.expires_in == 900
    r = snapsign.parse_token_response(b'{"responseCode":"4017300","responseMessage":"Unauthorized. Unknown Client"}')
    assert not r.is_success and r.http_status == 401 and r.access_token == "" and r.expires_in is None


def test_type_errors_stay_python_errors(signer):
    with pytest.raises(TypeError):
        signer.sign_service("POST", "/p", "a str, not bytes", TS)


def test_help_shows_real_defaults_and_no_sentinel_objects():
    import inspect
    import pydoc

    sig = inspect.signature(snapsign.SnapSigner.__init__)
    assert sig.parameters["passphrase"].default is None
    assert sig.parameters["allow_weak_key"].default is False
    assert "Union[object" not in str(sig), sig
    sign = inspect.signature(snapsign.RequestSigner.sign)
    assert all(sign.parameters[n].default is None for n in ("access_token", "external_id", "unix_millis"))
    text = pydoc.render_doc(snapsign, renderer=pydoc.plaintext)
    assert "object object at" not in text
    assert "Union[object" not in text
    # The calls behave as before: an omitted optional argument is None.
    assert snapsign.SnapSigner(key_bytes("rsa2048-pkcs8.pem")).key_bits() == 2048
