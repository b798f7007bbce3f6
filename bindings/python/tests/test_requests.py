"""RequestSigner, provider profiles, response codes and TokenCache through the installed package.

Signed headers are compared with the CLI (`snapsign request --json`, the same core) on the same
inputs, and checked independently: the HMAC with Python's own `hmac`/`hashlib`, BCA's canonical
query with `urllib.parse`, the RSA signature with `cryptography`.
"""

import base64
import hashlib
import hmac
import json
import os
import pathlib
import re
import subprocess
import threading
import time
import urllib.parse

import pytest
import snapsign
from snapsign import Credential, Field, SnapError
from conftest import ROOT, key_bytes
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

BODY = b'{ "amount": { "value": "10000.00", "currency": "IDR" } }'
TS = "2020-01-01T04:10:00+07:00"
SECRET = "a-client-secret"
# `snapsign request --provider bca --secret-env S --token eyJ0b2tlbiJ9 --method POST
#  --path '/openapi/v1.0/x?b=2&a=%7e1' --body BODY --partner-id PARTNER01 --timestamp TS
#  --external-id 12345678901234567890 --json`
BCA_SIGNATURE = "IFHDSLNnlnerJWnY4hdicyB8HIzMqdBVHSuppyDvcnvA2LVf1nl4V++saXBk+I3rR/p4BpCNJSd5H3D5H7WXeA=="


def cli():
    """The CLI of the same tree (bindings/python/run.sh builds it), or skip."""
    path = pathlib.Path(os.environ.get("SNAPSIGN_CLI") or ROOT / "target" / "debug" / "snapsign")
    if not path.exists():
        pytest.skip(f"{path} is not built")
    return path


def cli_json(*args, env=None):
    out = subprocess.run([str(cli()), *args], check=True, capture_output=True, env={**os.environ, **(env or {})})
    return json.loads(out.stdout)


def digest(body: bytes) -> str:
    # This body has no string, number or escape that json.dumps would change.
    minified = json.dumps(json.loads(body), separators=(",", ":")).encode() if body else b""
    return hashlib.sha256(minified).hexdigest()


def canonical_query(target: str) -> str:
    """BCA's rule, written here from its description with urllib (not the core's code)."""
    path, _, query = target.partition("?")
    # Not parse_qsl: it reads "+" as a space (HTML forms); RFC 3986 gives "+" no meaning.
    pieces = (p.split("=", 1) if "=" in p else (p, "") for p in query.split("&") if p)
    pairs = sorted((urllib.parse.unquote_to_bytes(k), urllib.parse.unquote_to_bytes(v)) for k, v in pieces)
    enc = [urllib.parse.quote(k, safe="-._~") + "=" + urllib.parse.quote(v, safe="-._~") for k, v in pairs]
    return path + ("?" + "&".join(enc) if enc else "")


@pytest.fixture(scope="module")
def bca():
    return snapsign.RequestSigner.with_client_secret("bca", SECRET)


def sign_bca(signer, **extra):
    return signer.sign("POST", "/openapi/v1.0/x?b=2&a=%7e1", BODY, "PARTNER01", access_token="eyJ0b2tlbiJ9",
                       external_id="12345678901234567890", timestamp=TS, **extra)


def test_bca_headers_equal_the_cli_and_verify_with_pythons_hmac(bca, tmp_path):
    signed = sign_bca(bca)
    h = signed.headers_dict()
    assert type(h) is dict
    assert list(h) == ["Content-Type", "Authorization", "X-TIMESTAMP", "X-SIGNATURE", "X-PARTNER-ID",
                       "X-EXTERNAL-ID", "CHANNEL-ID"]
    assert h == {
        "Content-Type": "application/json",
        "Authorization": "Bearer eyJ0b2tlbiJ9",
        "X-TIMESTAMP": TS,
        "X-SIGNATURE": BCA_SIGNATURE,
        "X-PARTNER-ID": "PARTNER01",
        "X-EXTERNAL-ID": "12345678901234567890",
        "CHANNEL-ID": "95051",
    }
    assert (signed.signature, signed.timestamp) == (BCA_SIGNATURE, TS)
    assert signed.header("x-signature") == BCA_SIGNATURE and signed.header("ORIGIN") is None
    # BCA's canonical query and the standard's HMAC, computed here.
    url = canonical_query("/openapi/v1.0/x?b=2&a=%7e1")
    assert signed.endpoint_url == url == "/openapi/v1.0/x?a=~1&b=2"
    sts = f"POST:{url}:eyJ0b2tlbiJ9:{digest(BODY)}:{TS}"
    mac = hmac.new(SECRET.encode(), sts.encode(), hashlib.sha512).digest()
    assert signed.signature == base64.b64encode(mac).decode()
    # The CLI on the same inputs.
    body = tmp_path / "body.json"
    body.write_bytes(BODY)
    j = cli_json("request", "--provider", "bca", "--secret-env", "S", "--token", "eyJ0b2tlbiJ9", "--method",
                 "POST", "--path", "/openapi/v1.0/x?b=2&a=%7e1", "--body", str(body), "--partner-id", "PARTNER01",
                 "--timestamp", TS, "--external-id", "12345678901234567890", "--json", env={"S": SECRET})
    assert j["headers"] == h and j["string_to_sign"] == sts and j["endpoint_url"] == url


@pytest.mark.parametrize("target", ["/v1.0/x?b=2&a=1", "/v1.0/x?a=%7e&a=~&A=1", "/v1.0/x?z&y=&=v&&a=b c+d",
                                    "/v1.0/x?", "/v1.0/x?q=%e2%82%ac%2f"])
def test_bca_canonical_query_matches_urllib(bca, target):
    assert bca.sign("GET", target, b"", "P", access_token="t", timestamp=TS).endpoint_url == canonical_query(target)


def test_dana_signs_the_service_form_with_the_key(tmp_path):
    signer = snapsign.RequestSigner.with_private_key("dana", key_bytes("rsa2048-pkcs8.pem"))
    path = "/v1.0/debit/payment-host-to-host.htm"
    signed = signer.sign("POST", path, BODY, "C1", external_id="12345678901234567890", timestamp=TS)
    h = signed.headers_dict()
    assert list(h) == ["Content-Type", "X-TIMESTAMP", "X-SIGNATURE", "X-PARTNER-ID", "X-EXTERNAL-ID", "CHANNEL-ID"]
    assert h["CHANNEL-ID"] == "95221"
    public = serialization.load_pem_public_key(key_bytes("rsa2048-public.pem"))
    public.verify(base64.b64decode(signed.signature), f"POST:{path}:{digest(BODY)}:{TS}".encode(),
                  padding.PKCS1v15(), hashes.SHA256())
    body = tmp_path / "body.json"
    body.write_bytes(BODY)
    j = cli_json("request", "--provider", "dana", "--key", str(ROOT / "tests/vectors/keys/rsa2048-pkcs8.pem"),
                 "--method", "POST", "--path", path, "--body", str(body), "--partner-id", "C1", "--external-id",
                 "12345678901234567890", "--timestamp", TS, "--json")
    assert j["headers"] == h


def test_the_clock_is_written_in_the_profiles_style():
    bri = snapsign.RequestSigner.with_client_secret("bri", SECRET)
    signed = bri.sign("GET", "/snap/v1.0/balance", b"", "P", access_token="t", channel_id="12345",
                      unix_millis=1_577_826_600_123)
    assert signed.timestamp == "2020-01-01T04:10:00.123+07:00"
    assert re.fullmatch(r"\d{32}", signed.header("X-EXTERNAL-ID"))
    sts = f"GET:/snap/v1.0/balance:t:{digest(b'')}:{signed.timestamp}"
    assert signed.signature == base64.b64encode(hmac.new(SECRET.encode(), sts.encode(), hashlib.sha512).digest()).decode()
    # This machine's clock, by default.
    now = bri.sign("GET", "/snap/v1.0/balance", b"", "P", access_token="t", channel_id="12345").timestamp
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+07:00", now)
    snapsign.check_timestamp(now, 60)


def test_b2b2c_headers(bca):
    h = sign_bca(bca, customer_token="cust", device_id="dev", ip_address="10.0.0.1", latitude="-6.2",
                 longitude="106.8", origin="www.example.com").headers_dict()
    assert list(h) == ["Content-Type", "Authorization", "Authorization-Customer", "X-TIMESTAMP", "X-SIGNATURE",
                       "ORIGIN", "X-PARTNER-ID", "X-EXTERNAL-ID", "X-IP-ADDRESS", "X-DEVICE-ID", "X-LATITUDE",
                       "X-LONGITUDE", "CHANNEL-ID"]
    assert h["Authorization-Customer"] == "Bearer cust"


def test_errors_name_the_credential_and_the_header(bca):
    with pytest.raises(SnapError.MissingCredential) as e:
        snapsign.RequestSigner.with_client_secret("dana", SECRET)
    assert e.value.needed == Credential.PRIVATE_KEY
    assert e.value.reason.startswith("this provider signs transaction calls with the private key")
    with pytest.raises(SnapError.MissingCredential) as e:
        snapsign.RequestSigner.with_private_key("bca", key_bytes("rsa2048-pkcs8.pem"))
    assert e.value.needed == Credential.CLIENT_SECRET
    with pytest.raises(SnapError.UnknownProvider) as e:
        snapsign.RequestSigner.with_client_secret("BCA", SECRET)
    assert e.value.name == "BCA" and "generic, doku" in e.value.reason
    generic = snapsign.RequestSigner.with_client_secret("generic", SECRET)
    with pytest.raises(SnapError.EmptyField) as e:
        generic.sign("POST", "/v1.0/x", b"{}", "P", access_token="t")
    assert e.value.field == Field.CHANNEL_ID
    with pytest.raises(SnapError.FieldTooLong) as e:
        bca.sign("GET", "/x", b"", "P" * 37, access_token="t")
    assert e.value.field == Field.PARTNER_ID and e.value.max == 36
    with pytest.raises(SnapError.EmptyField) as e:
        bca.sign("GET", "/x", b"", "P")
    assert e.value.field == Field.ACCESS_TOKEN
    with pytest.raises(SnapError.EmptyField) as e:
        sign_bca(bca, customer_token="c")
    assert e.value.field == Field.DEVICE_ID
    with pytest.raises(SnapError.EmptyField) as e:
        sign_bca(bca, latitude="-6.2")
    assert e.value.field == Field.CUSTOMER_TOKEN
    with pytest.raises(SnapError.ControlCharacter) as e:
        sign_bca(bca, origin="a\r\nb")
    assert e.value.field == Field.ORIGIN and e.value.offset == 1
    with pytest.raises(SnapError.InvalidTimestamp):
        bca.sign("GET", "/x", b"", "P", access_token="t", timestamp="yesterday")


def test_provider_profiles_are_complete_and_equal_the_cli():
    profiles = snapsign.provider_profiles()
    assert [p.name for p in profiles] == ["generic", "doku", "ifortepay", "midtrans", "dana", "bca", "bri",
                                          "mandiri", "winpay", "ovo"]
    facts = ("token_path_b2b", "token_path_b2b2c", "timestamp", "transaction_signature", "endpoint_rule",
             "channel_id", "partner_id_is_client_id", "device_id_required", "missing_header")
    for p in profiles:
        for f in facts:
            fact = getattr(p, f)
            assert fact.source and isinstance(fact.confidence, snapsign.Confidence), (p.name, f)
        assert p.notes
        assert snapsign.provider_profile(p.name) == p
    names = {snapsign.Confidence.DOCUMENTED: "documented", snapsign.Confidence.OBSERVED: "observed",
             snapsign.Confidence.WEAK: "weak", snapsign.Confidence.CALLER: "caller"}
    rule = {snapsign.EndpointRule.AS_SENT: "as-sent", snapsign.EndpointRule.PATH_ONLY: "path-only",
            snapsign.EndpointRule.CANONICAL_QUERY: "canonical-query"}
    signature = {snapsign.TransactionSignature.HMAC: "hmac", snapsign.TransactionSignature.RSA_SERVICE: "rsa-service"}
    missing = {snapsign.MissingHeaderAnswer.STANDARD: "standard",
               snapsign.MissingHeaderAnswer.BAD_REQUEST_IS_REQUIRED: "bad-request-is-required"}
    for p, j in zip(profiles, cli_json("providers", "--json"), strict=True):
        assert p.name == j["name"] and p.notes == j["notes"]
        for f, value in (("token_path_b2b", p.token_path_b2b.value), ("token_path_b2b2c", p.token_path_b2b2c.value),
                         ("channel_id", p.channel_id.value),
                         ("partner_id_is_client_id", p.partner_id_is_client_id.value),
                         ("device_id_required", p.device_id_required.value),
                         ("transaction_signature", signature[p.transaction_signature.value]),
                         ("endpoint_rule", rule[p.endpoint_rule.value]),
                         ("missing_header", missing[p.missing_header.value])):
            fact = getattr(p, f)
            assert (value, fact.source, names[fact.confidence]) == \
                (j[f]["value"], j[f]["source"], j[f]["confidence"]), (p.name, f)
        ts = p.timestamp
        assert {"offset_minutes": ts.value.offset_minutes, "millis": ts.value.format.millis,
                "utc_as_z": ts.value.format.utc_as_z, "example": ts.example} == j["timestamp"]["value"]
        assert (ts.source, names[ts.confidence]) == (j["timestamp"]["source"], j["timestamp"]["confidence"])
    with pytest.raises(SnapError.UnknownProvider):
        snapsign.provider_profile("nope")


@pytest.mark.parametrize("code", ["4017300", "4017301", "4012400", "4042414", "2007300", "9999999", "4090000"])
def test_response_codes_equal_the_cli(code):
    info = snapsign.describe_response_code(code)
    j = cli_json("code", code, "--json")
    assert info.response_code == j["code"] == code
    assert (info.http_status, info.service_code, info.service_name, info.case_code, info.message,
            info.description, info.likely_causes) == \
        (j["http_status"], j["service_code"], j["service_name"], j["case_code"], j["message"], j["description"],
         j["likely_causes"])


def test_response_code_errors():
    info = snapsign.describe_response_code("4017300")
    assert (info.http_status, info.service_code, info.case_code) == (401, 73, 0)
    assert info.service_name == "Access Token B2B" and info.message == "Unauthorized. [reason]"
    assert len(info.likely_causes) >= 3
    for bad in ("401730", "40173000", "401730x", ""):
        with pytest.raises(SnapError.InvalidResponse) as e:
            snapsign.describe_response_code(bad)
        assert e.value.reason == "responseCode is not 7 digits (HTTP status + service code + case code)"


# ---------------------------------------------------------------- TokenCache

def token_body(token="tok", expires_in="900", code="2007300"):
    return json.dumps({"responseCode": code, "accessToken": token, "tokenType": "Bearer",
                       "expiresIn": expires_in}).encode()


class Counter:
    """A fetch function that counts its calls and takes a while (so that the others pile up)."""

    def __init__(self, body=token_body(), delay=0.05):
        self.calls, self.body, self.delay = 0, body, delay
        self.lock = threading.Lock()

    def __call__(self):
        with self.lock:
            self.calls += 1
            n = self.calls
        time.sleep(self.delay)
        body = self.body(n) if callable(self.body) else self.body
        if isinstance(body, Exception):
            raise body
        return body


def at_once(fn, threads=32):
    """Runs fn in `threads` threads released together; returns their results (or exceptions)."""
    barrier, results = threading.Barrier(threads), [None] * threads

    def run(i):
        barrier.wait()
        try:
            results[i] = fn()
        except Exception as e:  # noqa: BLE001 (collected and checked by the test)
            results[i] = e

    workers = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return results


def test_token_cache_single_flight_under_32_threads():
    fetch = Counter(lambda n: token_body(f"tok{n}"))
    cache = snapsign.TokenCache(fetch)
    assert cache.margin_seconds() == 60
    t0 = 1_700_000_000_000
    assert at_once(lambda: cache.token_at(t0)) == ["tok1"] * 32
    assert fetch.calls == 1
    assert cache.expires_at_unix_millis() == t0 + 900_000
    # Fresh until expiry - margin: no fetch.
    assert at_once(lambda: cache.token_at(t0 + 839_999)) == ["tok1"] * 32
    assert fetch.calls == 1
    # From expiry - margin on: exactly one more.
    assert at_once(lambda: cache.token_at(t0 + 840_000)) == ["tok2"] * 32
    assert fetch.calls == 2
    assert cache.token_at(t0 + 840_001) == "tok2" and fetch.calls == 2
    cache.invalidate()
    assert cache.token_at(t0 + 840_002) == "tok3" and fetch.calls == 3


def test_token_cache_on_this_machines_clock_with_a_fetcher_class():
    class Fetcher(snapsign.TokenFetcher):
        def __init__(self):
            self.counter = Counter(lambda n: token_body(f"tok{n}", expires_in=64))

        def fetch(self):
            return self.counter()

    f = Fetcher()
    cache = snapsign.TokenCache(f, margin_seconds=60)  # 64 s to live: fresh for 4 s
    assert at_once(cache.token) == ["tok1"] * 32 and f.counter.calls == 1
    assert cache.token() == "tok1" and f.counter.calls == 1
    time.sleep(4.1)
    assert at_once(cache.token) == ["tok2"] * 32 and f.counter.calls == 2


def test_token_cache_errors():
    # A refused request: its code and message.
    cache = snapsign.TokenCache(lambda: b'{"responseCode":"4017300","responseMessage":"Unauthorized. Unknown Client"}')
    with pytest.raises(SnapError.TokenRefused) as e:
        cache.token()
    assert (e.value.response_code, e.value.response_message) == ("4017300", "Unauthorized. Unknown Client")
    assert snapsign.describe_response_code(e.value.response_code).service_name == "Access Token B2B"
    # An exception of the fetch function: FetchFailed for every thread that waited, fetched once.
    fetch = Counter(ConnectionError("network down"), delay=0.5)
    cache = snapsign.TokenCache(fetch)
    results = at_once(cache.token, threads=8)
    assert fetch.calls == 1
    assert all(isinstance(r, SnapError.FetchFailed) for r in results), results
    assert "ConnectionError('network down')" in results[0].reason
    # The next call tries again.
    with pytest.raises(SnapError.FetchFailed):
        cache.token()
    assert fetch.calls == 2
    # A SnapError raised by the fetch (its signing failed) passes through as it is.
    signer = snapsign.SnapSigner(key_bytes("rsa2048-pkcs8.pem"))
    cache = snapsign.TokenCache(lambda: snapsign.token_request_headers(signer, "a|b", TS) and b"")
    with pytest.raises(SnapError.PipeInClientId):
        cache.token()
    with pytest.raises(SnapError.InvalidJson):
        snapsign.TokenCache(lambda: b"{").token()
    with pytest.raises(SnapError.FetchFailed) as e:
        snapsign.TokenCache(lambda: None).token()
    assert "TypeError" in e.value.reason
    with pytest.raises(TypeError):
        snapsign.TokenCache(42)
