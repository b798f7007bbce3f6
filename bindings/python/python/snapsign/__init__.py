"""snapsign: byte-exact SNAP (Bank Indonesia open payment API) request signing.

The API is the uniffi-generated module `snapsign.snapsign` (built by maturin from ffi/), re-exported
here unchanged, except for the calls on the hot path of a payment request:

    TransactionSigner (its constructor, sign and verify), sign_transaction, verify_transaction,
    body_digest, minify_json

These have a fast path for the common case: plain `str` and `bytes` arguments and a call that
succeeds go through the C ABI (include/snapsign.h) of the same bundled libsnapsign with ctypes, one
foreign call with the arguments' own bytes (uniffi's generated lowering copies each argument into a
RustBuffer with several foreign calls, which costs more than the signing itself). Everything else
is the generated function's: other argument types, text that is not valid UTF-8 (lone surrogates)
and any call the C ABI does not answer with SNAPSIGN_RESULT_OK are handed to the generated function
with the same arguments, which returns the value or raises the exception (TypeError,
UnicodeEncodeError, ctypes.ArgumentError, `SnapError.<Variant>` with all its fields, as the core
computes them). So for a `verify_*`, a wrong signature (False) costs one generated call.
bindings/python/tests/test_fast_path.py checks that both give the same results; the generated
functions stay reachable as `snapsign.snapsign.<name>`.

TransactionSigner also has close() and is a context manager.

`__version__` is the bundled library's snapsign_version(): the workspace version of Cargo.toml, which
is also the package's version (maturin takes it from there) and the jar's SnapSignVersion.VERSION.

The package is typed (py.typed): this front has complete annotations (checked with mypy --strict by
tests/packaging/python.sh), the generated module has uniffi's. One name no type checker sees:
SignedRequest.headers_dict(), which is attached to the generated class at import time; with mypy
write `{h.name: h.value for h in signed.headers}` or cast.

Two conveniences on top of generated classes (no logic of their own):

    SignedRequest.headers_dict()   the headers of RequestSigner.sign() as a dict in the standard's
                                   order, for requests / httpx: headers=signed.headers_dict()
    TokenCache(fetch)              also takes a plain function returning the token response body
                                   (bytes), besides a TokenFetcher subclass
"""

from __future__ import annotations  # as the generated module: the same signatures

import ctypes as _C
import inspect as _inspect
import os as _os
import sys as _sys
import threading as _threading
import typing as _typing

# maturin puts the generated module and the library in a subpackage: snapsign/snapsign/ holds
# __init__.py (`from .snapsign import *`), snapsign.py and libsnapsign.so. Star-import the module
# itself, whose __all__ is the API (SnapError carries its variants as attributes:
# SnapError.InvalidJson, ...); the subpackage's namespace also holds the name `snapsign` (the
# module), which must not replace `snapsign.snapsign` in this package.
#
# For type checkers the star import is at the end of this file instead (mypy skips this block): a
# name defined here first and then star-imported keeps the type of the definition here, so
# TransactionSigner, TokenCache and the fast functions have the types of this file's definitions.
if not _typing.TYPE_CHECKING:
    from .snapsign.snapsign import *  # noqa: F401,F403 (the uniffi-generated API)
from .snapsign import snapsign as _gen  # the generated module

__all__ = list(_gen.__all__)

# --- the C ABI of the bundled library -------------------------------------------------------------

# The library file next to the generated module, under the platform's name for it (the file the
# generated module loads, as maturin packs it). Loading the same path again gives the loader's
# handle of the library already loaded: one copy of the library in the process.
if _sys.platform == "darwin":
    _LIB_FILE = "libsnapsign.dylib"
elif _sys.platform.startswith("win"):
    _LIB_FILE = "snapsign.dll"
else:
    _LIB_FILE = "libsnapsign.so"
_lib = _C.CDLL(_os.path.join(_os.path.dirname(_gen.__file__), _LIB_FILE))

_u8p, _size, _sizep, _ptr = _C.c_char_p, _C.c_size_t, _C.POINTER(_C.c_size_t), _C.c_void_p
_TEXT: _typing.List[_typing.Any] = [_u8p, _size]
_OUT: _typing.List[_typing.Any] = [_C.c_void_p, _size, _sizep]  # out, out_cap, out_len
_F = _typing.TypeVar("_F", bound=_typing.Callable[..., _typing.Any])


def _fn(name: str, argtypes: _typing.List[_typing.Any],
        restype: _typing.Any = _C.c_uint32) -> _typing.Callable[..., _typing.Any]:  # snapsign_result
    f = getattr(_lib, name)
    f.argtypes = argtypes
    f.restype = restype
    return _typing.cast(_typing.Callable[..., _typing.Any], f)


_hmac_new = _fn("snapsign_hmac_new", _TEXT + [_C.POINTER(_ptr)])
_hmac_free = _fn("snapsign_hmac_free", [_ptr], None)
_hmac_sign_tx = _fn("snapsign_hmac_sign_transaction", [_ptr] + _TEXT * 5 + _OUT)
_hmac_verify_tx = _fn("snapsign_hmac_verify_transaction", [_ptr] + _TEXT * 6)
_sign_tx_secret = _fn("snapsign_hmac_sign_transaction_with_secret", _TEXT * 6 + _OUT)
_verify_tx_secret = _fn("snapsign_hmac_verify_transaction_with_secret", _TEXT * 7)
_minify = _fn("snapsign_minify", _TEXT + _OUT)
_body_digest = _fn("snapsign_body_digest", _TEXT + _OUT)
# The version of the library loaded (a static NUL-terminated ASCII string).
__version__: str = _typing.cast(bytes, _fn("snapsign_version", [], _C.c_char_p)()).decode("ascii")
del _fn

_OK = 0  # SNAPSIGN_RESULT_OK: the only result code this module looks at
_HMAC_SIGNATURE_LEN = 88  # SNAPSIGN_HMAC_SIGNATURE_LEN
_BODY_DIGEST_LEN = 64  # SNAPSIGN_BODY_DIGEST_LEN


class _Buffers(_threading.local):
    """Per-thread output buffers of the exact size of the one result they receive (the C ABI's
    fixed lengths), so a successful call fills them: (bytearray, ctypes view of it, out_len)."""

    sig: _typing.Tuple[bytearray, _C.Array[_C.c_char], _C.c_size_t]
    digest: _typing.Tuple[bytearray, _C.Array[_C.c_char], _C.c_size_t]

    def __init__(self) -> None:
        n = _size()
        sig, digest = bytearray(_HMAC_SIGNATURE_LEN), bytearray(_BODY_DIGEST_LEN)
        self.sig = (sig, (_C.c_char * _HMAC_SIGNATURE_LEN).from_buffer(sig), n)
        self.digest = (digest, (_C.c_char * _BODY_DIGEST_LEN).from_buffer(digest), n)


_buffers = _Buffers()


def _same_doc(generated: _typing.Callable[..., _typing.Any]) -> _typing.Callable[[_F], _F]:
    def wrap(fn: _F) -> _F:
        fn.__doc__ = generated.__doc__
        return fn
    return wrap


# --- the fast calls -------------------------------------------------------------------------------
#
# Each one: if every argument has exactly the type the generated signature names (str, bytes) and
# the text encodes as UTF-8, one C call; if that returns SNAPSIGN_RESULT_OK, its result. In every
# other case, `return <the generated function>(<the same arguments>)`, outside any `except` block
# (so the exception it raises carries no context from here).

class _Keys:
    """A TransactionSigner's two forms of the same keyed HMAC: the C ABI's snapsign_hmac handle
    (freed, and so zeroized, when the last reference goes) and the generated TransactionSigner,
    which answers every call the C ABI does not (its Rust state is zeroized on drop too).

    A call in progress holds a reference, so TransactionSigner.close() on another thread cannot
    free the handle under it: both are released when that call returns."""

    __slots__ = ("ptr", "generated", "__weakref__")

    ptr: _typing.Optional[_C.c_void_p]
    generated: _gen.TransactionSigner

    def __init__(self, ptr: _C.c_void_p, generated: _gen.TransactionSigner) -> None:
        self.ptr = ptr
        self.generated = generated

    def __del__(self, _free: _typing.Callable[..., _typing.Any] = _hmac_free) -> None:
        ptr, self.ptr = self.ptr, None
        if ptr:
            _free(ptr)


class TransactionSigner(_gen.TransactionSignerProtocol):
    __doc__ = _gen.TransactionSigner.__doc__

    _key: _typing.Optional[_Keys]

    def __init__(self, client_secret: str):  # no "-> None": the generated signature, exactly
        # The generated object first: it checks the argument and raises whatever the secret is
        # wrong with. The secret's UTF-8 copy below lives only for the snapsign_hmac_new call.
        generated = _gen.TransactionSigner(client_secret)
        secret = client_secret.encode("utf-8")  # as the generated lowering: it just succeeded
        handle = _ptr()
        code = _hmac_new(secret, len(secret), handle)
        del secret
        if code != _OK:  # the generated constructor accepted this secret, so the C ABI must too
            raise _gen.InternalError(f"snapsign_hmac_new failed (result {code}) for a secret uniffi accepted")
        self._key = _Keys(handle, generated)

    __init__.__doc__ = _gen.TransactionSigner.__init__.__doc__

    @_same_doc(_gen.TransactionSigner.sign)
    def sign(self, method: str, path: str, access_token: str, body: bytes, timestamp: str) -> str:
        key = self._key  # held for the call: a concurrent close() cannot free it
        if key is None:
            raise ValueError("TransactionSigner is closed")
        if (type(method) is str and type(path) is str and type(access_token) is str
                and type(body) is bytes and type(timestamp) is str):
            try:
                m, p, t, ts = method.encode(), path.encode(), access_token.encode(), timestamp.encode()
            except UnicodeEncodeError:
                pass
            else:
                sig, out, n = _buffers.sig
                if _hmac_sign_tx(key.ptr, m, len(m), p, len(p), t, len(t), body, len(body), ts, len(ts),
                                 out, _HMAC_SIGNATURE_LEN, n) == _OK:
                    return sig.decode()  # all 88 bytes written
        return key.generated.sign(method, path, access_token, body, timestamp)

    @_same_doc(_gen.TransactionSigner.verify)
    def verify(self, method: str, path: str, access_token: str, body: bytes, timestamp: str,
               signature: str) -> bool:
        key = self._key  # held for the call: a concurrent close() cannot free it
        if key is None:
            raise ValueError("TransactionSigner is closed")
        if (type(method) is str and type(path) is str and type(access_token) is str
                and type(body) is bytes and type(timestamp) is str and type(signature) is str):
            try:
                m, p, t, ts, s = (method.encode(), path.encode(), access_token.encode(), timestamp.encode(),
                                  str.encode(signature))
            except UnicodeEncodeError:
                pass
            else:
                if _hmac_verify_tx(key.ptr, m, len(m), p, len(p), t, len(t), body, len(body), ts, len(ts),
                                   s, len(s)) == _OK:
                    return True
        return key.generated.verify(method, path, access_token, body, timestamp, signature)

    def close(self) -> None:
        """Releases the keyed HMAC state now (it is zeroized) rather than when the object is
        garbage-collected; a call already running on another thread finishes first. Calling
        sign or verify afterwards raises ValueError. Idempotent; also `with TransactionSigner(s)
        as tx: ...`."""
        self._key = None

    def __enter__(self) -> TransactionSigner:
        return self

    def __exit__(self, *exc: object) -> _typing.Literal[False]:
        self.close()
        return False


@_same_doc(_gen.sign_transaction)
def sign_transaction(client_secret: str, method: str, path: str, access_token: str, body: bytes,
                     timestamp: str) -> str:
    if (type(client_secret) is str and type(method) is str and type(path) is str
            and type(access_token) is str and type(body) is bytes and type(timestamp) is str):
        try:
            k, m, p, t, ts = (client_secret.encode(), method.encode(), path.encode(), access_token.encode(),
                              timestamp.encode())
        except UnicodeEncodeError:
            pass
        else:
            sig, out, n = _buffers.sig
            if _sign_tx_secret(k, len(k), m, len(m), p, len(p), t, len(t), body, len(body), ts, len(ts),
                               out, _HMAC_SIGNATURE_LEN, n) == _OK:
                return sig.decode()  # all 88 bytes written
    return _gen.sign_transaction(client_secret, method, path, access_token, body, timestamp)


@_same_doc(_gen.verify_transaction)
def verify_transaction(client_secret: str, method: str, path: str, access_token: str, body: bytes,
                       timestamp: str, signature: str) -> bool:
    if (type(client_secret) is str and type(method) is str and type(path) is str
            and type(access_token) is str and type(body) is bytes and type(timestamp) is str
            and type(signature) is str):
        try:
            k, m, p, t, ts, s = (client_secret.encode(), method.encode(), path.encode(), access_token.encode(),
                                 timestamp.encode(), str.encode(signature))
        except UnicodeEncodeError:
            pass
        else:
            if _verify_tx_secret(k, len(k), m, len(m), p, len(p), t, len(t), body, len(body), ts, len(ts),
                                 s, len(s)) == _OK:
                return True
    return _gen.verify_transaction(client_secret, method, path, access_token, body, timestamp, signature)


@_same_doc(_gen.body_digest)
def body_digest(body: bytes) -> str:
    if type(body) is bytes:
        digest, out, n = _buffers.digest
        if _body_digest(body, len(body), out, _BODY_DIGEST_LEN, n) == _OK:
            return digest.decode()  # all 64 bytes written
    return _gen.body_digest(body)


@_same_doc(_gen.minify_json)
def minify_json(body: bytes) -> bytes:
    if type(body) is bytes:
        size = len(body)  # the minified body is never longer
        out, n = _C.create_string_buffer(size), _size()
        if _minify(body, size, out, size, n) == _OK:
            return _C.string_at(out, n.value)
    return _gen.minify_json(body)


# --- conveniences over generated classes ----------------------------------------------------------

def _headers_dict(self: SignedRequest) -> _typing.Dict[str, str]:
    """The headers as a dict, in the standard's order (Content-Type, Authorization, X-TIMESTAMP,
    X-SIGNATURE, ..., CHANNEL-ID), ready for `requests` / `httpx`: `headers=signed.headers_dict()`."""
    return {h.name: h.value for h in self.headers}


# Attached with setattr: the generated class has no such method, so type checkers do not see it.
setattr(_gen.SignedRequest, "headers_dict", _headers_dict)
del _headers_dict


# The generated errors print as "offset=5, reason='...'": str() is the core's sentence alone,
# repr() keeps every field. The exceptions, their fields and args are the generated ones.
def _error_str(self: Exception) -> str:
    return str(getattr(self, "reason", ""))


def _error_repr(self: Exception) -> str:
    fields = ", ".join(f"{name}={value!r}" for name, value in vars(self).items())
    return f"SnapError.{type(self).__name__}({fields})"


setattr(_gen.SnapError, "__str__", _error_str)
for _variant in vars(_gen.SnapError).values():
    if isinstance(_variant, type) and issubclass(_variant, _gen.SnapError):
        setattr(_variant, "__repr__", _error_repr)
del _error_str, _error_repr, _variant


def _real_defaults(fn: _typing.Callable[..., _typing.Any]) -> None:
    """uniffi's Python marks an optional argument's `None` default with a bare `object()`
    sentinel, which `help()` prints as `<object object at 0x...>` with a `Union[object, ...]`
    type; give the signature the real default and type. Calls are unchanged: the function still
    maps its sentinel (now never passed by a caller who omits the argument) to None."""
    try:
        sig = _inspect.signature(fn)
    except (TypeError, ValueError):
        return
    params: _typing.List[_inspect.Parameter] = []
    changed = False
    for p in sig.parameters.values():
        if type(p.default) is object:
            ann: _typing.Any = p.annotation
            if isinstance(ann, str) and ann.startswith("typing.Union[object, ") and ann.endswith("]"):
                ann = ann[len("typing.Union[object, ") : -1]
                try:
                    ann = eval(ann, vars(_gen))  # the generated module's own names (typing, records)
                except Exception:  # noqa: BLE001 - keep the text when it does not evaluate
                    pass
            p = p.replace(default=None, annotation=ann)
            changed = True
        params.append(p)
    if changed:
        setattr(fn, "__signature__", sig.replace(parameters=params))


def _fix_generated_signatures() -> None:
    for obj in list(vars(_gen).values()):
        if _inspect.isfunction(obj) and obj.__module__ == _gen.__name__:
            _real_defaults(obj)
        elif _inspect.isclass(obj) and obj.__module__ == _gen.__name__:
            for member in vars(obj).values():
                _real_defaults(getattr(member, "__func__", member))


_fix_generated_signatures()
del _real_defaults, _fix_generated_signatures


class _FunctionFetcher(_gen.TokenFetcher):
    """A plain function as a TokenFetcher."""

    __slots__ = ("_fetch",)

    def __init__(self, fetch: _typing.Callable[[], bytes]) -> None:
        self._fetch = fetch

    def fetch(self) -> bytes:
        return self._fetch()


class TokenCache(_gen.TokenCache):
    __doc__ = (_gen.TokenCache.__doc__ or "") + """
    In Python `fetcher` may also be a plain function taking no argument and returning the response
    body (bytes), e.g. `TokenCache(lambda: requests.post(url, headers=h, data=body).content)`. An
    exception it raises that is not a SnapError reaches the callers as SnapError.FetchFailed, its
    repr() in `reason`."""

    def __init__(self, fetcher: _typing.Union[TokenFetcher, _typing.Callable[[], bytes]],
                 margin_seconds: int = 60) -> None:
        inner: _typing.Any = fetcher  # anything else: the generated constructor raises TypeError
        if callable(fetcher) and not isinstance(fetcher, _gen.TokenFetcher):
            inner = _FunctionFetcher(fetcher)
        super().__init__(inner, margin_seconds)

    __init__.__doc__ = _gen.TokenCache.__init__.__doc__


# --- receiving requests (issue #12): verify_request over any framework's headers ------------------

# A framework's header collection: a dict, werkzeug's Headers / EnvironHeaders, starlette's
# Headers, http.client's HTTPMessage, or an iterable of (name, value) pairs.
HeaderSource = _typing.Union[
    _typing.Mapping[str, str],
    _typing.Iterable[_typing.Tuple[str, str]],
    _typing.Any,
]


def _header_list(headers: HeaderSource) -> _typing.List[Header]:
    """Every (name, value) of `headers` in order, repeated ones included (the Rust side compares
    names case-insensitively and takes the first of a repeated header). `items()` of werkzeug's
    and starlette's Headers and of HTTPMessage yield every repeated header; a dict has one."""
    pairs: _typing.Iterable[_typing.Tuple[_typing.Any, _typing.Any]]
    if isinstance(headers, (list, tuple)):
        pairs = headers
    elif hasattr(headers, "items"):
        pairs = headers.items()
    else:
        pairs = headers
    out: _typing.List[Header] = []
    for name, value in pairs:
        if isinstance(name, bytes):
            name = name.decode("latin-1")
        if isinstance(value, bytes):
            value = value.decode("latin-1")
        out.append(_gen.Header(name=str(name), value=str(value)))
    return out


def verify_request(
    verifier: RequestVerifier,
    method: str,
    path: str,
    headers: HeaderSource,
    body: _typing.Union[bytes, bytearray, memoryview, str],
    *,
    replay_guard: _typing.Optional[ReplayGuard] = None,
    tokens: _typing.Optional[TokenStore] = None,
    now: _typing.Optional[int] = None,
    service_code: _typing.Optional[int] = None,
) -> Verification:
    """Checks one received SNAP request with `verifier` (RequestVerifier.verify) and returns the
    generated `Verification`: `accepted`, or the answer to send (`http_status`, `body`, the JSON
    `{"responseCode":...,"responseMessage":...}`), with `reason` and `detail` for logs.

    `path` is the request target exactly as received, with its undecoded query string (Flask:
    `request.full_path.rstrip("?")` or better the raw `request.environ["RAW_URI"]`/`REQUEST_URI`
    when the server gives it; FastAPI/starlette: `request.url.path` plus `"?" + request.url.query`
    when there is one). `headers`: the framework's header object as it is (dict, werkzeug
    Headers/EnvironHeaders, starlette Headers, or (name, value) pairs); names are compared
    case-insensitively, and for a repeated header the first counts. `body`: the raw bytes
    received (Flask: `request.get_data()`; starlette: `await request.body()`); a str is taken as
    its UTF-8 bytes. `now`: Unix milliseconds, default this machine's clock; `service_code`:
    default from the path. Without `replay_guard` the request is not protected against replay;
    without `tokens` every access token is unknown (HMAC transactions are rejected with 401xx01).

    Never raises for a bad request: a rejection is a result."""
    if isinstance(body, str):
        body = body.encode("utf-8")
    elif not isinstance(body, bytes):
        body = bytes(body)
    return verifier.verify(
        method,
        path,
        _header_list(headers),
        body,
        now_unix_millis=now,
        service_code=service_code,
        tokens=tokens,
        replay_guard=replay_guard,
    )


def explain_request(
    verifier: RequestVerifier,
    method: str,
    path: str,
    headers: HeaderSource,
    body: _typing.Union[bytes, bytearray, memoryview, str],
) -> _typing.Optional[SignatureDiagnosis]:
    """Why a received request's signature does not verify with `verifier`'s key or secret
    (RequestVerifier.explain), taking the same arguments as `verify_request`: the generated
    `SignatureDiagnosis`, whose `causes` are the variants of the received inputs the signature
    verifies (`id` such as "timestamp-format" or "python-json-dumps", `cause`, `fix`), or
    `unexplained` when none does. Call it to log a `WrongSignature` rejection, not on every
    request: it tries up to a few thousand variants. None when the verifier has no key or secret
    for this kind of call."""
    if isinstance(body, str):
        body = body.encode("utf-8")
    elif not isinstance(body, bytes):
        body = bytes(body)
    return verifier.explain(method, path, _header_list(headers), body)


def MemoryReplayGuard(capacity: int = 100_000) -> ReplayGuard:  # noqa: N802 - reads as a class
    """The built-in in-memory ReplayGuard for one process (`memory_replay_guard`): at most
    `capacity` live ids, thread-safe. Processes behind a load balancer need a shared guard:
    `snapsign.redis_guard.RedisReplayGuard`, or your own ReplayGuard subclass over a database."""
    return _gen.memory_replay_guard(capacity)


__all__ += ["verify_request", "explain_request", "MemoryReplayGuard", "HeaderSource"]

if _typing.TYPE_CHECKING:
    # The generated API for type checkers (see the runtime import at the top). The names this file
    # redefines keep this file's types; for the two classes mypy notes that the generated class
    # differs ("incompatible import"), which is the point.
    from .snapsign.snapsign import *  # type: ignore[assignment]  # noqa: F401,F403,E402
