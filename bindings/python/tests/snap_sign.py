"""An independent SNAP transaction signer for the tests (hmac/hashlib only, no snapsign):
/work/shared/SNAP-SIGNING.md section 2, HMAC-SHA512 over
METHOD:EndpointUrl:AccessToken:lowerhex(sha256(minify(body))):X-TIMESTAMP, base64."""

import base64
import datetime
import hashlib
import hmac
import json
import time

SECRET = "TEST-client-secret"
TOKEN = "TEST-access-token-0123456789"
PARTNER = "PARTNER01"
PATH = "/v1.0/transfer-va/payment"
BODY = b'{ "partnerServiceId": "  088899", "virtualAccountNo": "  08889912345678901234", "paidAmount": { "value": "10000.00", "currency": "IDR" } }'
WIB = datetime.timezone(datetime.timedelta(hours=7))


def minify(body: bytes) -> bytes:
    # The test bodies have no escapes and no numbers: re-serialising compactly is the same as
    # dropping the whitespace outside strings.
    if not body:
        return b""
    return json.dumps(json.loads(body), separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def timestamp(unix_seconds: float) -> str:
    return datetime.datetime.fromtimestamp(int(unix_seconds), WIB).isoformat()


def sign(method: str, path: str, token: str, body: bytes, ts: str, secret: str = SECRET) -> str:
    digest = hashlib.sha256(minify(body)).hexdigest()
    message = f"{method}:{path}:{token}:{digest}:{ts}".encode("utf-8")
    return base64.b64encode(hmac.new(secret.encode("utf-8"), message, hashlib.sha512).digest()).decode("ascii")


def headers(external_id: str, *, at: float = None, token: str = TOKEN, path: str = PATH, body: bytes = BODY,
            secret: str = SECRET, method: str = "POST") -> dict:
    ts = timestamp(time.time() if at is None else at)
    return {
        "Content-Type": "application/json",
        "Authorization": f"Bearer {token}",
        "X-TIMESTAMP": ts,
        "X-SIGNATURE": sign(method, path, token, body, ts, secret),
        "X-PARTNER-ID": PARTNER,
        "X-EXTERNAL-ID": external_id,
        "CHANNEL-ID": "95221",
    }
