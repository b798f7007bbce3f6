"""snapsign: byte-exact SNAP (Bank Indonesia open payment API) request signing.

The API is the uniffi-generated module `snapsign.snapsign` (built by maturin from ffi/), re-exported
here unchanged, except for the calls on the hot path of a payment request:

    TransactionSigner (its constructor, sign and verify), sign_transaction, verify_transaction,
    body_digest, minify_json

These call the C ABI (include/snapsign.h) of the same loaded libsnapsign through ctypes: one
foreign call with the arguments' own bytes, where uniffi's generated lowering copies each argument
into a RustBuffer with several foreign calls, which costs more than the signing itself. They take
the same arguments, return the same values and raise the same exceptions (TypeError,
UnicodeEncodeError or ctypes.ArgumentError for arguments the generated code refuses,
`SnapError.<Variant>` with the same fields for errors); bindings/python/tests/test_fast_path.py
checks that against the generated functions, which stay reachable as `snapsign.snapsign.<name>`.
TransactionSigner also has close() and is a context manager.
"""

from __future__ import annotations  # as the generated module: the same signatures

import ctypes as _C
import re as _re
import threading as _threading

# maturin puts the generated module and the library in a subpackage: snapsign/snapsign/ holds
# __init__.py (`from .snapsign import *`), snapsign.py and libsnapsign.so. Star-import the module
# itself, whose __all__ is the API (SnapError carries its variants as attributes:
# SnapError.InvalidJson, ...); the subpackage's namespace also holds the name `snapsign` (the
# module), which must not replace `snapsign.snapsign` here.
from .snapsign.snapsign import *  # noqa: F401,F403 (the uniffi-generated API)
from .snapsign import snapsign as _gen  # the generated module (it holds the loaded library)

__all__ = list(_gen.__all__)

SnapError = _gen.SnapError
SnapField = _gen.SnapField
InternalError = _gen.InternalError

# --- the C ABI of the library the generated module loaded ---------------------------------------

# Same dlopen handle as the generated module (no second lookup by path): the C functions share
# the library's state, e.g. its per-thread last error.
_lib = _C.CDLL(_gen._UniffiLib._name, handle=_gen._UniffiLib._handle)

_u8p, _size, _sizep, _ptr = _C.c_char_p, _C.c_size_t, _C.POINTER(_C.c_size_t), _C.c_void_p
_res = _C.c_uint32
_TEXT = [_u8p, _size]
_OUT = [_C.c_void_p, _size, _sizep]  # out, out_cap, out_len


def _fn(name, argtypes, restype):
    f = getattr(_lib, name)
    f.argtypes = argtypes
    f.restype = restype
    return f


_hmac_new = _fn("snapsign_hmac_new", _TEXT + [_C.POINTER(_ptr)], _res)
_hmac_free = _fn("snapsign_hmac_free", [_ptr], None)
_hmac_sign_tx = _fn("snapsign_hmac_sign_transaction", [_ptr] + _TEXT * 5 + _OUT, _res)
_hmac_verify_tx = _fn("snapsign_hmac_verify_transaction", [_ptr] + _TEXT * 6, _res)
_sign_tx_secret = _fn("snapsign_hmac_sign_transaction_with_secret", _TEXT * 6 + _OUT, _res)
_verify_tx_secret = _fn("snapsign_hmac_verify_transaction_with_secret", _TEXT * 7, _res)
_minify = _fn("snapsign_minify", _TEXT + _OUT, _res)
_body_digest = _fn("snapsign_body_digest", _TEXT + _OUT, _res)
_last_error_offset = _fn("snapsign_last_error_offset", [], _size)
_last_error_message = _fn("snapsign_last_error_message", _OUT, _res)

# snapsign_result codes (fixed by the ABI) and output sizes (include/snapsign.h).
_OK, _BUFFER_TOO_SMALL = 0, 1
_INVALID_BASE64, _SIGNATURE_LENGTH, _SIGNATURE_MISMATCH = 15, 23, 24
_HMAC_SIGNATURE_LEN = 88  # SNAPSIGN_HMAC_SIGNATURE_LEN
_BODY_DIGEST_LEN = 64  # SNAPSIGN_BODY_DIGEST_LEN


class _Buffers(_threading.local):
    """Per-thread output buffers of the exact size of the one result they receive (the C ABI's
    fixed lengths), so a successful call fills them: (bytearray, ctypes view of it, out_len)."""

    def __init__(self):
        n = _size()
        sig, digest = bytearray(_HMAC_SIGNATURE_LEN), bytearray(_BODY_DIGEST_LEN)
        self.sig = (sig, (_C.c_char * _HMAC_SIGNATURE_LEN).from_buffer(sig), n)
        self.digest = (digest, (_C.c_char * _BODY_DIGEST_LEN).from_buffer(digest), n)


_buffers = _Buffers()


# --- C result codes -> the SnapError the generated code raises ----------------------------------

def _last_message():
    buf, n = _C.create_string_buffer(256), _size()
    if _last_error_message(buf, len(buf), n) == _BUFFER_TOO_SMALL:
        buf = _C.create_string_buffer(n.value)
        _last_error_message(buf, len(buf), n)
    return buf.raw[: n.value].decode("utf-8")


# The C ABI reports a code, a byte offset and the core's message, which is the `reason` uniffi
# puts in the exception (both are the core error's Display). The remaining details (which field,
# a maximum length, key bits) are read back from that message, whose wording is the core's
# (core/src/error.rs); a message that does not parse gives SnapError.Internal.
_FIELDS = (
    ("client id (X-CLIENT-KEY) ", SnapField.CLIENT_ID),
    ("HTTP method ", SnapField.METHOD),
    ("endpoint path ", SnapField.PATH),
    ("access token ", SnapField.ACCESS_TOKEN),
    ("client secret ", SnapField.CLIENT_SECRET),
    ("X-TIMESTAMP ", SnapField.TIMESTAMP),
    ("ORIGIN ", SnapField.ORIGIN),
    ("authCode/refreshToken ", SnapField.GRANT_VALUE),
    ("X-SIGNATURE ", SnapField.SIGNATURE),
    ("X-EXTERNAL-ID ", SnapField.EXTERNAL_ID),
)
_MAX = _re.compile(r" is longer than (\d+) bytes$")
_SKEW = _re.compile(r"^X-TIMESTAMP is (-?\d+) s from now, more than the allowed (\d+) s$")
_BITS = _re.compile(r"^RSA key has (\d+) bits")
_SIG_LEN = _re.compile(r"^signature is (\d+) bytes, expected (\d+)$")


class _Unparsed(Exception):
    pass


def _field(reason):
    for prefix, field in _FIELDS:
        if reason.startswith(prefix):
            return field
    raise _Unparsed


def _int(pattern, reason, group=1):
    m = pattern.search(reason)
    if m is None:
        raise _Unparsed
    return int(m.group(group))


def _error(code, needed=0):
    """The exception for a failed C call; call it right after the call, on the same thread (the
    last error is per thread)."""
    offset = _last_error_offset()
    reason = _last_message()
    E = SnapError
    try:
        if code == 1:
            return E.BufferTooSmall(needed, reason)
        if code == 2:
            return E.InvalidJson(offset, reason)
        if code == 3:
            return E.InvalidTimestamp(offset, reason)
        if code == 4:
            return E.TimestampOutOfRange(reason)
        if code == 5:
            return E.TimestampSkew(_int(_SKEW, reason, 1), _int(_SKEW, reason, 2), reason)
        if code == 6:
            return E.EmptyField(_field(reason), reason)
        if code == 7:
            return E.FieldTooLong(_field(reason), _int(_MAX, reason), reason)
        if code == 8:
            return E.ControlCharacter(_field(reason), offset, reason)
        if code == 9:
            return E.InvalidUtf8(_field(reason), offset, reason)
        if code == 10:
            return E.PipeInClientId(offset, reason)
        if code == 11:
            return E.InvalidMethod(reason)
        if code == 12:
            return E.AbsoluteUrl(reason)
        if code == 13:
            return E.PathWithoutLeadingSlash(reason)
        if code == 14:
            return E.BearerPrefix(reason)
        if code == 15:
            return E.InvalidBase64(_field(reason), reason)
        if 16 <= code <= 21:  # KEY_MALFORMED ... KEY_UNSUPPORTED: one InvalidKey in uniffi
            return E.InvalidKey(reason)
        if code == 22:
            return E.WeakKey(_int(_BITS, reason), reason)
        if code == 23:
            return E.SignatureLength(_int(_SIG_LEN, reason, 2), _int(_SIG_LEN, reason, 1), reason)
        if code == 24:
            return E.SignatureMismatch(reason)
        if code == 25:
            return E.Rng(reason)
        if code == 26:
            return E.Crypto(reason)
        if code == 27:
            return E.InvalidResponse(reason)
    except _Unparsed:
        return E.Internal(reason)
    if 100 <= code <= 103:
        # NULL_POINTER, OVERLAPPING_BUFFERS, INVALID_ARGUMENT (a bug in this module), or
        # INTERNAL_PANIC (a bug in the library: uniffi reports a panic as InternalError too).
        return InternalError(reason or "snapsign C ABI error {}".format(code))
    return E.Internal(reason)  # UNKNOWN (104), or a code newer than this module


# --- arguments ----------------------------------------------------------------------------------

_check_str = _gen._UniffiFfiConverterString.check_lower
_check_bytes = _gen._UniffiFfiConverterBytes.check_lower


def _lower(kinds, values):
    """The slow path for anything but plain str/bytes arguments (subclasses, wrong types):
    exactly what the generated code does. It type-checks every argument first (the same
    TypeError, from the generated checks), then converts them in order: `str.encode("utf-8")`
    (UnicodeEncodeError for lone surrogates) and, for a body, a copy of `len(body)` bytes with
    ctypes.memmove, which accepts `bytes` (and subclasses) and refuses other buffers with
    ctypes.ArgumentError, as the generated lowering does (`bytearray(b"")` passes: nothing is
    copied)."""
    for kind, value in zip(kinds, values):
        (_check_str if kind == "s" else _check_bytes)(value)
    out = []
    for kind, value in zip(kinds, values):
        if kind == "s":
            out.append(value.encode("utf-8"))
        else:
            n = len(value)
            buf = _C.create_string_buffer(n)
            if n > 0:
                _C.memmove(buf, value, n)
            out.append(buf.raw)
    return out


def _same_doc(generated):
    def wrap(fn):
        fn.__doc__ = generated.__doc__
        return fn
    return wrap


def _verified(code):
    if code == _OK:
        return True
    # As uniffi's `verify_*`: a signature that does not match, has the wrong length or is not
    # base64 is False (InvalidBase64 can only be about the signature here); anything else raises.
    if code == _SIGNATURE_MISMATCH or code == _SIGNATURE_LENGTH or code == _INVALID_BASE64:
        return False
    raise _error(code)


def _retry_larger(call, code, needed):
    """BUFFER_TOO_SMALL (not expected: the buffers have the documented sizes): once more with a
    buffer of the size the library asked for."""
    if code == _BUFFER_TOO_SMALL:
        out, n = _C.create_string_buffer(needed), _size()
        code = call(out, needed, n)
        if code == _OK:
            return out.raw[: n.value]
        needed = n.value
    raise _error(code, needed)


# --- the fast calls -------------------------------------------------------------------------------

class _HmacKey:
    """Owns a snapsign_hmac handle; frees (and so zeroizes) it when the last reference goes.

    A call in progress holds a reference, so TransactionSigner.close() on another thread cannot
    free the handle under it: the handle is freed when that call returns."""

    __slots__ = ("ptr", "__weakref__")

    def __init__(self, ptr):
        self.ptr = ptr

    def __del__(self, _free=_hmac_free):
        ptr, self.ptr = self.ptr, None
        if ptr:
            _free(ptr)


class TransactionSigner(_gen.TransactionSignerProtocol):
    __doc__ = _gen.TransactionSigner.__doc__

    def __init__(self, client_secret: str):
        if type(client_secret) is str:
            secret = client_secret.encode()
        else:
            (secret,) = _lower("s", (client_secret,))
        handle = _ptr()
        code = _hmac_new(secret, len(secret), handle)
        if code != _OK:
            raise _error(code)
        self._key = _HmacKey(handle)

    __init__.__doc__ = _gen.TransactionSigner.__init__.__doc__

    @_same_doc(_gen.TransactionSigner.sign)
    def sign(self, method: str, path: str, access_token: str, body: bytes, timestamp: str) -> str:
        if (type(method) is str and type(path) is str and type(access_token) is str
                and type(body) is bytes and type(timestamp) is str):
            m, p, t, ts = method.encode(), path.encode(), access_token.encode(), timestamp.encode()
        else:
            m, p, t, body, ts = _lower("sssbs", (method, path, access_token, body, timestamp))
        key = self._key  # held for the call: a concurrent close() cannot free the handle
        if key is None:
            raise ValueError("TransactionSigner is closed")
        sig, out, n = _buffers.sig
        code = _hmac_sign_tx(key.ptr, m, len(m), p, len(p), t, len(t), body, len(body), ts, len(ts),
                             out, _HMAC_SIGNATURE_LEN, n)
        if code == _OK:
            return sig.decode()  # all 88 bytes written
        return _retry_larger(
            lambda o, c, nn: _hmac_sign_tx(key.ptr, m, len(m), p, len(p), t, len(t), body, len(body),
                                           ts, len(ts), o, c, nn),
            code, n.value).decode()

    @_same_doc(_gen.TransactionSigner.verify)
    def verify(self, method: str, path: str, access_token: str, body: bytes, timestamp: str,
               signature: str) -> bool:
        if (type(method) is str and type(path) is str and type(access_token) is str
                and type(body) is bytes and type(timestamp) is str and type(signature) is str):
            m, p, t, ts, s = (method.encode(), path.encode(), access_token.encode(), timestamp.encode(),
                              signature.encode())
        else:
            m, p, t, body, ts, s = _lower("sssbss", (method, path, access_token, body, timestamp, signature))
        key = self._key
        if key is None:
            raise ValueError("TransactionSigner is closed")
        return _verified(_hmac_verify_tx(key.ptr, m, len(m), p, len(p), t, len(t), body, len(body),
                                         ts, len(ts), s, len(s)))

    def close(self) -> None:
        """Releases the keyed HMAC state now (it is zeroized) rather than when the object is
        garbage-collected; a call already running on another thread finishes first. Calling
        sign or verify afterwards raises ValueError. Idempotent; also `with TransactionSigner(s)
        as tx: ...`."""
        self._key = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


@_same_doc(_gen.sign_transaction)
def sign_transaction(client_secret: str, method: str, path: str, access_token: str, body: bytes,
                     timestamp: str) -> str:
    if (type(client_secret) is str and type(method) is str and type(path) is str
            and type(access_token) is str and type(body) is bytes and type(timestamp) is str):
        k, m, p, t, ts = (client_secret.encode(), method.encode(), path.encode(), access_token.encode(),
                          timestamp.encode())
    else:
        k, m, p, t, body, ts = _lower("ssssbs", (client_secret, method, path, access_token, body, timestamp))
    sig, out, n = _buffers.sig
    code = _sign_tx_secret(k, len(k), m, len(m), p, len(p), t, len(t), body, len(body), ts, len(ts),
                           out, _HMAC_SIGNATURE_LEN, n)
    if code == _OK:
        return sig.decode()  # all 88 bytes written
    return _retry_larger(
        lambda o, c, nn: _sign_tx_secret(k, len(k), m, len(m), p, len(p), t, len(t), body, len(body),
                                         ts, len(ts), o, c, nn),
        code, n.value).decode()


@_same_doc(_gen.verify_transaction)
def verify_transaction(client_secret: str, method: str, path: str, access_token: str, body: bytes,
                       timestamp: str, signature: str) -> bool:
    if (type(client_secret) is str and type(method) is str and type(path) is str
            and type(access_token) is str and type(body) is bytes and type(timestamp) is str
            and type(signature) is str):
        k, m, p, t, ts, s = (client_secret.encode(), method.encode(), path.encode(), access_token.encode(),
                             timestamp.encode(), signature.encode())
    else:
        k, m, p, t, body, ts, s = _lower(
            "ssssbss", (client_secret, method, path, access_token, body, timestamp, signature))
    return _verified(_verify_tx_secret(k, len(k), m, len(m), p, len(p), t, len(t), body, len(body),
                                       ts, len(ts), s, len(s)))


@_same_doc(_gen.body_digest)
def body_digest(body: bytes) -> str:
    if type(body) is not bytes:
        (body,) = _lower("b", (body,))
    digest, out, n = _buffers.digest
    code = _body_digest(body, len(body), out, _BODY_DIGEST_LEN, n)
    if code == _OK:
        return digest.decode()  # all 64 bytes written
    return _retry_larger(lambda o, c, nn: _body_digest(body, len(body), o, c, nn), code, n.value).decode()


@_same_doc(_gen.minify_json)
def minify_json(body: bytes) -> bytes:
    if type(body) is not bytes:
        (body,) = _lower("b", (body,))
    size = len(body)  # the minified body is never longer
    out, n = _C.create_string_buffer(size), _size()
    code = _minify(body, size, out, size, n)
    if code == _OK:
        return _C.string_at(out, n.value)
    return _retry_larger(lambda o, c, nn: _minify(body, size, o, c, nn), code, n.value)


del _fn
