#!/usr/bin/env python3
"""An independent SNAP implementation for differential tests: Python's json, hashlib, hmac,
base64 and the `cryptography` package, sharing no code with snapsign.

Reads one JSON array of cases on stdin and writes one JSON array of answers to stdout:
  {"op": "minify", "body_b64": ...}                -> {"valid": bool, "minified_b64": ..., "sha256_hex": ...}
  {"op": "token", "client_id", "timestamp", "key"} -> {"string_to_sign", "signature"}
  {"op": "transaction", "method", "path", "access_token", "body_b64", "timestamp", "client_secret"}
                                                   -> {"string_to_sign", "signature"}
  {"op": "service", "method", "path", "body_b64", "timestamp", "key"} -> {"string_to_sign", "signature"}
  {"op": "verify_rsa", "message_b64", "signature", "public_key"} -> {"valid": bool}
  {"op": "timestamp", "unix_millis", "offset_minutes", "millis", "utc_as_z"} -> {"text"}
  {"op": "endpoint", "target"}                     -> {"as_sent", "path_only", "canonical"}
`key`/`public_key` are PEM file paths.
"""
import base64
import datetime
import hashlib
import hmac
import json
import sys
from urllib.parse import quote, unquote_to_bytes, urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

_keys = {}


def private_key(path):
    if path not in _keys:
        with open(path, "rb") as f:
            _keys[path] = serialization.load_pem_private_key(f.read(), password=None)
    return _keys[path]


def public_key(path):
    if path not in _keys:
        with open(path, "rb") as f:
            _keys[path] = serialization.load_pem_public_key(f.read())
    return _keys[path]


def minify(body: bytes):
    """None when the body is not JSON (RFC 8259 as Python reads it, plus no BOM)."""
    if not body.strip(b" \t\r\n"):
        return b""
    try:
        text = body.decode("utf-8")
        if text.startswith("\ufeff"):
            return None
        json.loads(text, parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c)))
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    out, in_str, esc = bytearray(), False, False
    for b in body:
        if in_str:
            out.append(b)
            if esc:
                esc = False
            elif b == 0x5C:
                esc = True
            elif b == 0x22:
                in_str = False
        elif b in b" \t\r\n":
            continue
        else:
            out.append(b)
            if b == 0x22:
                in_str = True
    return bytes(out)


def digest(body: bytes) -> str:
    return hashlib.sha256(minify(body)).hexdigest()


def rsa_sign(path, message: str) -> str:
    sig = private_key(path).sign(message.encode(), padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(sig).decode()


def endpoint(target: str):
    """The EndpointUrl of a request target under each rule, from urllib.parse (RFC 3986)."""
    # The request line has no fragment: a '#' there is data.
    parts = urlsplit(target, allow_fragments=False)
    params = []
    for piece in parts.query.split("&"):
        if piece:
            name, _, value = piece.partition("=")
            # unquote_to_bytes, not unquote_plus: '+' stays a plus; bytes, as they need not be UTF-8.
            params.append((unquote_to_bytes(name), unquote_to_bytes(value)))
    params.sort()
    canonical = parts.path
    if params:
        canonical += "?" + "&".join(quote(n, safe="-._~") + "=" + quote(v, safe="-._~") for n, v in params)
    return {
        "as_sent": parts.path + ("?" + parts.query if parts.query else ""),
        "path_only": parts.path,
        "canonical": canonical,
    }


def answer(case):
    op = case["op"]
    if op == "minify":
        m = minify(base64.b64decode(case["body_b64"]))
        if m is None:
            return {"valid": False}
        return {"valid": True, "minified_b64": base64.b64encode(m).decode(), "sha256_hex": hashlib.sha256(m).hexdigest()}
    if op == "token":
        s = case["client_id"] + "|" + case["timestamp"]
        return {"string_to_sign": s, "signature": rsa_sign(case["key"], s)}
    if op == "transaction":
        body = base64.b64decode(case["body_b64"])
        s = ":".join([case["method"], case["path"], case["access_token"], digest(body), case["timestamp"]])
        mac = hmac.new(case["client_secret"].encode(), s.encode(), hashlib.sha512).digest()
        return {"string_to_sign": s, "signature": base64.b64encode(mac).decode()}
    if op == "service":
        body = base64.b64decode(case["body_b64"])
        s = ":".join([case["method"], case["path"], digest(body), case["timestamp"]])
        return {"string_to_sign": s, "signature": rsa_sign(case["key"], s)}
    if op == "verify_rsa":
        try:
            public_key(case["public_key"]).verify(
                base64.b64decode(case["signature"], validate=True),
                base64.b64decode(case["message_b64"]),
                padding.PKCS1v15(),
                hashes.SHA256(),
            )
            return {"valid": True}
        except (InvalidSignature, ValueError):
            return {"valid": False}
    if op == "timestamp":
        tz = datetime.timezone(datetime.timedelta(minutes=case["offset_minutes"]))
        ms = case["unix_millis"]
        epoch = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
        t = (epoch + datetime.timedelta(milliseconds=ms)).astimezone(tz)
        text = t.strftime("%Y-%m-%dT%H:%M:%S")
        if case["millis"]:
            text += ".%03d" % (t.microsecond // 1000)
        off = case["offset_minutes"]
        if off == 0 and case["utc_as_z"]:
            text += "Z"
        else:
            sign = "-" if off < 0 else "+"
            text += "%s%02d:%02d" % (sign, abs(off) // 60, abs(off) % 60)
        return {"text": text}
    if op == "endpoint":
        return endpoint(case["target"])
    raise ValueError("unknown op " + op)


def main():
    cases = json.load(sys.stdin)
    json.dump([answer(c) for c in cases], sys.stdout)


if __name__ == "__main__":
    main()
