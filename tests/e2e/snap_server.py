"""A small SNAP server for end-to-end tests, independent of snapsign.

Standard library plus the `cryptography` package only. Serves:

- POST /api/v1.0/access-token/b2b and POST /authorization/v1/access-token/b2b (service code 73):
  checks X-TIMESTAMP (presence, ISO 8601 format, skew), X-CLIENT-KEY (registered clients),
  X-SIGNATURE (SHA256withRSA, PKCS#1 v1.5, over clientId|X-TIMESTAMP) and answers 2007300 with a
  Bearer token, or 4007300 / 4017300 with the reason.
- POST /api/v1.0/transfer-va/inquiry (service code 24): checks the Bearer token it issued and the
  HMAC-SHA512 transaction signature over METHOD:path:token:sha256hex(minify(body)):timestamp, with
  its own minify, and answers 2002400, 4002400 or 4012400.

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


class Client:
    def __init__(self, client_id, public_key_pem: bytes, secret: str):
        self.client_id = client_id
        self.public_key = serialization.load_pem_public_key(public_key_pem)
        self.secret = secret


class SnapServer:
    """Holds the registered clients and the tokens issued; `start()` serves in a thread."""

    def __init__(self, clients, now=None):
        self.clients = {c.client_id: c for c in clients}
        self.tokens = {}  # token -> client id
        self.now = now or (lambda: datetime.datetime.now(datetime.timezone.utc))
        # Tests may choose the next access token (None: a random base64url one, as providers do).
        self.next_token = None
        self.httpd = None
        self.thread = None

    @property
    def base_url(self):
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                path = self.path
                if path.split("?")[0] in TOKEN_PATHS:
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

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
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
