"""A small SNAP server for end-to-end tests, independent of snapsign.

Standard library plus the `cryptography` package only. Serves:

- POST /api/v1.0/access-token/b2b and POST /authorization/v1/access-token/b2b (service code 73):
  checks X-TIMESTAMP (presence, ISO 8601 format, skew), X-CLIENT-KEY (registered clients),
  X-SIGNATURE (SHA256withRSA, PKCS#1 v1.5, over clientId|X-TIMESTAMP) and answers 2007300 with a
  Bearer token, or 4007300 / 4017300 with the reason.
- POST /api/v1.0/transfer-va/inquiry (service code 24): checks the Bearer token it issued and the
  HMAC-SHA512 transaction signature over METHOD:path:token:sha256hex(minify(body)):timestamp, with
  its own minify, and answers 2002400, 4002400 or 4012400.

With `profile=` (a row of profiles.py) it acts as that provider instead (`SnapServer.profile_*`):
its token path, its X-TIMESTAMP styles, its transaction path (the row's product_path, any method)
signed the profile's way (HMAC-SHA512 transaction form with the access token it issued, or
SHA256withRSA service form without token) over the profile's EndpointUrl (as sent, path only, or
the canonical query rebuilt here with urllib.parse), its fixed CHANNEL-ID, X-PARTNER-ID, X-DEVICE-ID
and X-EXTERNAL-ID rules. Its error messages follow the standard's response-code table.

Listens on 127.0.0.1 only.
"""

import base64
import binascii
import datetime
import hashlib
import hmac
import json
import re
import secrets
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

TOKEN_PATHS = ("/api/v1.0/access-token/b2b", "/authorization/v1/access-token/b2b")
INQUIRY_PATH = "/api/v1.0/transfer-va/inquiry"
MAX_SKEW_SECONDS = 900

TIMESTAMP_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$")


def parse_timestamp(text):
    """The instant of an X-TIMESTAMP, or None when it is not ISO 8601 with an offset."""
    if not TIMESTAMP_RE.match(text):
        return None
    t = text.replace("Z", "+00:00")
    main, _, rest = t.partition(".")
    if rest:
        frac, offset = rest[:-6], rest[-6:]
        t = main + "." + (frac + "000000")[:6] + offset
    try:
        return datetime.datetime.fromisoformat(t)
    except ValueError:
        return None


def minify(body: bytes) -> bytes:
    """Removes space, tab, CR and LF outside JSON strings (no validation)."""
    out = bytearray()
    in_string = False
    escaped = False
    for b in body:
        if in_string:
            out.append(b)
            if escaped:
                escaped = False
            elif b == 0x5C:  # backslash
                escaped = True
            elif b == 0x22:  # quote
                in_string = False
        elif b in (0x20, 0x09, 0x0D, 0x0A):
            continue
        else:
            out.append(b)
            if b == 0x22:
                in_string = True
    return bytes(out)


# ------------------------------------------------------------ profile mode: independent rules

_DATE_TIME = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}"


def style_offset(style):
    """The offset text a timestamp style writes: `Z`, or `+hh:mm` / `-hh:mm`."""
    minutes = style["offset_minutes"]
    if minutes == 0 and style["utc_as_z"]:
        return "Z"
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def style_regex(style):
    """The X-TIMESTAMP texts a style allows: exactly its digits, fraction and offset.

    "any-offset" is the standard's yyyy-MM-ddTHH:mm:ssTZD: seconds, then `Z` or any `±hh:mm`."""
    if style == "any-offset":
        return re.compile(f"^{_DATE_TIME}(Z|[+-]\\d{{2}}:\\d{{2}})$")
    fraction = r"\.\d{3}" if style["millis"] else ""
    return re.compile(f"^{_DATE_TIME}{fraction}{re.escape(style_offset(style))}$")


def format_timestamp(instant, style):
    """`instant` (an aware datetime) written in `style`, as the provider writes it."""
    minutes = style["offset_minutes"]
    local = instant.astimezone(datetime.timezone(datetime.timedelta(minutes=minutes)))
    text = local.strftime("%Y-%m-%dT%H:%M:%S")
    if style["millis"]:
        text += f".{local.microsecond // 1000:03d}"
    return text + style_offset(style)


def canonical_query(target: bytes) -> bytes:
    """BCA's EndpointUrl, built with urllib.parse only: the path, then the query's parameters
    (empty pieces dropped, `a` read as `a=`) decoded with unquote_to_bytes (`+` stays a plus),
    sorted by decoded name then value (bytes), and each re-encoded by quote(safe="") (RFC 3986
    unreserved characters kept, upper-case hex); no `?` when no parameter is left."""
    path, _, query = target.partition(b"?")
    params = []
    for piece in query.split(b"&"):
        if piece:
            name, _, value = piece.partition(b"=")
            params.append((urllib.parse.unquote_to_bytes(name), urllib.parse.unquote_to_bytes(value)))
    params.sort()
    if not params:
        return path
    encoded = "&".join(urllib.parse.quote(n, safe="") + "=" + urllib.parse.quote(v, safe="") for n, v in params)
    return path + b"?" + encoded.encode("ascii")


def endpoint_url(rule, target: bytes) -> bytes:
    """The EndpointUrl a provider signs for the request target as received."""
    if rule == "as-sent":
        return target
    if rule == "path-only":
        return target.partition(b"?")[0]
    if rule == "canonical-query":
        return canonical_query(target)
    raise ValueError(rule)


class Client:
    """A registered client. partner_id and channel_id are what a provider assigned it (profile mode:
    used where the profile has no rule of its own)."""

    def __init__(self, client_id, public_key_pem: bytes, secret: str, partner_id=None, channel_id=None):
        self.client_id = client_id
        self.public_key = serialization.load_pem_public_key(public_key_pem)
        self.secret = secret
        self.partner_id = partner_id
        self.channel_id = channel_id


class SnapServer:
    """Holds the registered clients and the tokens issued; `start()` serves in a thread."""

    def __init__(self, clients, now=None, profile=None):
        self.clients = {c.client_id: c for c in clients}
        self.tokens = {}  # token -> client id
        # None: the original server (paths and checks of the module docstring); else a profiles.py row.
        self.profile = profile
        self.external_ids = set()  # (client id, X-EXTERNAL-ID) seen, profile mode
        self.now = now or (lambda: datetime.datetime.now(datetime.timezone.utc))
        # Tests may choose the next access token (None: a random base64url one, as providers do).
        self.next_token = None
        self.httpd = None
        self.thread = None

    @property
    def base_url(self):
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self, port=0):
        """Serves on 127.0.0.1:port (0: a free port) in a daemon thread."""
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            timeout = 20  # seconds a connection may stall before the server drops it

            def do_POST(self):
                self.answer("POST")

            def do_GET(self):
                self.answer("GET")

            def do_PUT(self):
                self.answer("PUT")

            def do_PATCH(self):
                self.answer("PATCH")

            def do_DELETE(self):
                self.answer("DELETE")

            def answer(self, method):
                if server.profile is None and method != "POST":
                    self.send_error(501)  # the original server serves POST only
                    return
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                path = self.path
                if server.profile is not None:
                    status, answer = server.profile_dispatch(method, self.headers, path, body)
                elif path.split("?")[0] in TOKEN_PATHS:
                    status, answer = server.access_token(self.headers, body)
                elif path.split("?")[0] == INQUIRY_PATH:
                    status, answer = server.inquiry(self.headers, path, body)
                else:
                    status, answer = 404, {"responseCode": "4040000", "responseMessage": "Not Found"}
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self):
        if self.httpd:
            self.httpd.shutdown()
            self.httpd.server_close()

    # ------------------------------------------------------------ checks

    def check_timestamp(self, headers, service):
        ts = headers.get("X-TIMESTAMP")
        if not ts:
            return None, (400, f"400{service}00", "Bad Request - X-TIMESTAMP is Required")
        instant = parse_timestamp(ts)
        if instant is None:
            return None, (400, f"400{service}01", "Invalid Field Format X-TIMESTAMP")
        skew = abs((instant - self.now()).total_seconds())
        if skew > MAX_SKEW_SECONDS:
            return None, (401, f"401{service}00", "Unauthorized. Stale Timestamp")
        return ts, None

    @staticmethod
    def error(status, code, message):
        return status, {"responseCode": code, "responseMessage": message}

    def access_token(self, headers, body):
        ts, err = self.check_timestamp(headers, "73")
        if err:
            return self.error(*err)
        client_id = headers.get("X-CLIENT-KEY")
        if not client_id:
            return self.error(400, "4007300", "Bad Request - X-CLIENT-KEY is Required")
        signature = headers.get("X-SIGNATURE")
        if not signature:
            return self.error(400, "4007300", "Bad Request - X-SIGNATURE is Required")
        client = self.clients.get(client_id)
        if client is None:
            return self.error(401, "4017300", "Unauthorized. Unknown Client")
        try:
            raw = base64.b64decode(signature, validate=True)
            client.public_key.verify(raw, f"{client_id}|{ts}".encode(), padding.PKCS1v15(), hashes.SHA256())
        except (InvalidSignature, binascii.Error, ValueError):
            return self.error(401, "4017300", "Unauthorized. Invalid Signature")
        try:
            grant = json.loads(body or b"{}").get("grantType")
        except (ValueError, AttributeError):
            grant = None
        if grant != "client_credentials":
            return self.error(400, "4007302", "Invalid Mandatory Field grantType")
        token = self.next_token() if self.next_token else secrets.token_urlsafe(32)
        self.tokens[token] = client_id
        return 200, {
            "responseCode": "2007300",
            "responseMessage": "Successful",
            "accessToken": token,
            "tokenType": "Bearer",
            "expiresIn": "900",
        }

    def inquiry(self, headers, path, body):
        auth = headers.get("Authorization") or ""
        if not auth.startswith("Bearer ") or auth[7:] not in self.tokens:
            return self.error(401, "4012401", "Invalid Token (B2B)")
        token = auth[7:]
        client = self.clients[self.tokens[token]]
        ts, err = self.check_timestamp(headers, "24")
        if err:
            return self.error(*err)
        signature = headers.get("X-SIGNATURE")
        if not signature:
            return self.error(400, "4002402", "Invalid Mandatory Field X-SIGNATURE")
        digest = hashlib.sha256(minify(body)).hexdigest()
        string_to_sign = f"POST:{path}:{token}:{digest}:{ts}"
        expected = base64.b64encode(
            hmac.new(client.secret.encode(), string_to_sign.encode(), hashlib.sha512).digest()
        ).decode()
        if not hmac.compare_digest(expected, signature):
            return self.error(401, "4012400", "Unauthorized. Invalid Signature")
        try:
            request = json.loads(body)
        except ValueError:
            return self.error(400, "4002401", "Invalid Field Format")
        return 200, {
            "responseCode": "2002400",
            "responseMessage": "Successful",
            "virtualAccountData": {"virtualAccountNo": str(request.get("virtualAccountNo", ""))},
        }

    # ------------------------------------------------------------ profile mode

    def profile_dispatch(self, method, headers, target, body):
        """Routes one request the way the profile's provider would."""
        p = self.profile
        path = target.split("?")[0]
        if method == "POST" and p["token_path_b2b"] is not None and path == p["token_path_b2b"]:
            return self.profile_access_token(headers, body)
        if path == p["product_path"]:
            return self.profile_transaction(method, headers, target, body)
        return self.error(404, "4040000", "Not Found")

    def profile_timestamp(self, headers, service):
        """X-TIMESTAMP: present, in one of the profile's styles, within MAX_SKEW_SECONDS."""
        ts = headers.get("X-TIMESTAMP")
        if not ts:
            return None, (400, f"400{service}02", "Invalid Mandatory Field X-TIMESTAMP")
        styles = (self.profile["timestamp"], *self.profile["also_accepted"])
        instant = parse_timestamp(ts)
        if instant is None or not any(style_regex(s).match(ts) for s in styles):
            return None, (400, f"400{service}01", "Invalid Field Format X-TIMESTAMP")
        if abs((instant - self.now()).total_seconds()) > MAX_SKEW_SECONDS:
            return None, (401, f"401{service}00", "Unauthorized. Stale Timestamp")
        return ts, None

    def expected_partner_id(self, client):
        return client.client_id if self.profile["partner_id_is_client_id"] else client.partner_id

    def profile_access_token(self, headers, body):
        ts, err = self.profile_timestamp(headers, "73")
        if err:
            return self.error(*err)
        for name in ("X-CLIENT-KEY", "X-SIGNATURE"):
            if not headers.get(name):
                return self.error(400, "4007302", f"Invalid Mandatory Field {name}")
        client_id, signature = headers["X-CLIENT-KEY"], headers["X-SIGNATURE"]
        client = self.clients.get(client_id)
        if client is None:
            return self.error(401, "4017300", "Unauthorized. Unknown Client")
        try:
            raw = base64.b64decode(signature, validate=True)
            client.public_key.verify(raw, f"{client_id}|{ts}".encode(), padding.PKCS1v15(), hashes.SHA256())
        except (InvalidSignature, binascii.Error, ValueError):
            return self.error(401, "4017300", "Unauthorized. Invalid Signature")
        try:
            grant = json.loads(body or b"{}").get("grantType")
        except (ValueError, AttributeError):
            grant = None
        if grant != "client_credentials":
            return self.error(400, "4007302", "Invalid Mandatory Field grantType")
        token = self.next_token() if self.next_token else secrets.token_urlsafe(32)
        self.tokens[token] = client_id
        answer = {
            "responseCode": "2007300",
            "responseMessage": "Successful",
            "accessToken": token,
            "tokenType": "Bearer",
            "expiresIn": "900",
        }
        for key, value in self.profile["token_response"].items():
            if value is None:
                answer.pop(key, None)
            else:
                answer[key] = value
        return 200, answer

    def profile_transaction(self, method, headers, target, body, service="24"):
        p = self.profile
        bad = lambda case, message: self.error(400, f"400{service}{case}", message)  # noqa: E731
        unauthorized = lambda reason: self.error(401, f"401{service}00", f"Unauthorized. {reason}")  # noqa: E731

        # The access token: required and signed with the secret (HMAC); optional and unsigned with
        # the RSA service form, but when sent it must be one this server issued.
        auth = headers.get("Authorization")
        token = None
        if auth is not None or p["transaction_signature"] == "hmac":
            auth = auth or ""
            if not auth.startswith("Bearer ") or auth[7:] not in self.tokens:
                return self.error(401, f"401{service}01", "Invalid Token (B2B)")
            token = auth[7:]
        ts, err = self.profile_timestamp(headers, service)
        if err:
            return self.error(*err)
        for name in ("X-SIGNATURE", "X-PARTNER-ID", "X-EXTERNAL-ID", "CHANNEL-ID"):
            if not headers.get(name):
                return bad("02", f"Invalid Mandatory Field {name}")
        if p["device_id_required"] and not headers.get("X-DEVICE-ID"):
            return bad("02", "Invalid Mandatory Field X-DEVICE-ID")
        partner_id, external_id = headers["X-PARTNER-ID"], headers["X-EXTERNAL-ID"]
        if len(external_id) > 36 or (p["numeric_external_id"] and not external_id.isdigit()):
            return bad("01", "Invalid Field Format X-EXTERNAL-ID")

        # Who calls: the token's client (HMAC), or the client whose partner id this is (RSA).
        if token is not None:
            client = self.clients[self.tokens[token]]
            if self.expected_partner_id(client) != partner_id:
                return unauthorized("Unknown Client")
        else:
            client = next((c for c in self.clients.values() if self.expected_partner_id(c) == partner_id), None)
            if client is None:
                return unauthorized("Unknown Client")
        channel = p["channel_id"] or client.channel_id
        if channel is not None and headers["CHANNEL-ID"] != channel:
            return bad("01", "Invalid Field Format CHANNEL-ID")

        # The signature, over the profile's EndpointUrl of the target as received (bytes).
        url = endpoint_url(p["endpoint_rule"], target.encode("latin-1"))
        digest = hashlib.sha256(minify(body)).hexdigest().encode()
        if p["transaction_signature"] == "hmac":
            string_to_sign = b":".join([method.encode(), url, token.encode(), digest, ts.encode()])
            expected = base64.b64encode(hmac.new(client.secret.encode(), string_to_sign, hashlib.sha512).digest())
            if not hmac.compare_digest(expected, headers["X-SIGNATURE"].encode()):
                return unauthorized("Invalid Signature")
        else:
            string_to_sign = b":".join([method.encode(), url, digest, ts.encode()])
            try:
                raw = base64.b64decode(headers["X-SIGNATURE"], validate=True)
                client.public_key.verify(raw, string_to_sign, padding.PKCS1v15(), hashes.SHA256())
            except (InvalidSignature, binascii.Error, ValueError):
                return unauthorized("Invalid Signature")

        if (client.client_id, external_id) in self.external_ids:
            return self.error(409, f"409{service}00", "Conflict")
        self.external_ids.add((client.client_id, external_id))
        answer = {"responseCode": f"200{service}00", "responseMessage": "Successful"}
        if body:
            try:
                request = json.loads(body)
            except ValueError:
                return bad("01", "Invalid Field Format body")
            answer["virtualAccountData"] = {"virtualAccountNo": str(request.get("virtualAccountNo", ""))}
        return 200, answer
