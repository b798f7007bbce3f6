"""End to end: the snapsign binary's output, sent with real curl, against an independent SNAP server.

The binary is SNAPSIGN_BIN, or target/debug/snapsign at the repository root.
"""

import datetime
import json
import os
import pathlib
import subprocess

import pytest

from snap_server import Client, SnapServer

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
KEYS = ROOT / "tests" / "vectors" / "keys"
BIN = os.environ.get("SNAPSIGN_BIN") or str(ROOT / "target" / "debug" / "snapsign")

CLIENT_ID = "MCPD00000006"
OTHER_CLIENT = "CLIENT-3072"
SECRET = "kéy with spaces"


def snapsign(*args, env=None, input=None):
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run(
        [BIN, *map(str, args)], capture_output=True, text=True, env=full_env, input=input, timeout=60
    )


def run_curl(command):
    """Runs a curl command line through the shell, adding -sS and --max-time; returns (status, json body)."""
    assert command.startswith("curl ")
    out = subprocess.run(
        ["sh", "-c", "curl -sS --max-time 20 -w '\\n%{http_code}' " + command[len("curl "):]],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    body, _, status = out.stdout.rpartition("\n")
    return int(status), json.loads(body)


def headers_of(text):
    pairs = [line.split(": ", 1) for line in text.splitlines() if line]
    return {k: v for k, v in pairs}


def curl_with_headers(url, headers, data: bytes):
    cmd = ["curl", "-sS", "--max-time", "20", "-w", "\n%{http_code}", "-X", "POST", url, "--data-binary", "@-"]
    for k, v in headers.items():
        cmd += ["-H", f"{k}: {v}"]
    out = subprocess.run(cmd, input=data, capture_output=True, timeout=60)
    assert out.returncode == 0, out.stderr
    body, _, status = out.stdout.decode().rpartition("\n")
    return int(status), json.loads(body)


@pytest.fixture(scope="module")
def server():
    if not os.path.exists(BIN):
        pytest.fail(f"snapsign binary not found at {BIN}: run cargo build -p snapsign-cli or set SNAPSIGN_BIN")
    s = SnapServer(
        [
            Client(CLIENT_ID, (KEYS / "rsa2048-public.pem").read_bytes(), SECRET),
            Client(OTHER_CLIENT, (KEYS / "rsa3072-public.pem").read_bytes(), "other-secret"),
        ]
    ).start()
    yield s
    s.stop()


def token_curl(server, *extra, path="/api/v1.0/access-token/b2b", key="rsa2048-pkcs8.pem", client=CLIENT_ID):
    out = snapsign("token", "--key", KEYS / key, "--client-id", client, "--curl", server.base_url + path, *extra)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_token_success_pkcs8_pem(server):
    status, body = run_curl(token_curl(server))
    assert status == 200
    assert body["responseCode"] == "2007300"
    assert body["tokenType"] == "Bearer"
    assert body["expiresIn"] == "900"
    assert body["accessToken"] in server.tokens


@pytest.mark.parametrize("key", ["rsa2048-pkcs1.pem", "rsa2048-pkcs8.der", "rsa2048-pkcs1.der"])
def test_token_success_other_key_encodings(server, key):
    status, body = run_curl(token_curl(server, key=key))
    assert (status, body["responseCode"]) == (200, "2007300")


@pytest.mark.parametrize("fmt", [[], ["--offset", "Z"], ["--offset", "+00:00", "--millis"], ["--offset", "+08:00"]])
def test_token_success_doku_path_and_timestamp_forms(server, fmt):
    status, body = run_curl(token_curl(server, *fmt, path="/authorization/v1/access-token/b2b"))
    assert (status, body["responseCode"]) == (200, "2007300")


def test_token_with_origin(server):
    command = token_curl(server, "--origin", "https://merchant.example")
    assert "--header 'ORIGIN: https://merchant.example'" in command
    status, body = run_curl(command)
    assert body["responseCode"] == "2007300"


def test_token_wrong_key(server):
    status, body = run_curl(token_curl(server, key="rsa3072-pkcs8.pem"))
    assert (status, body["responseCode"], body["responseMessage"]) == (401, "4017300", "Unauthorized. Invalid Signature")


def test_token_unknown_client(server):
    status, body = run_curl(token_curl(server, client="MCPD99999999"))
    assert (status, body["responseCode"], body["responseMessage"]) == (401, "4017300", "Unauthorized. Unknown Client")


@pytest.mark.parametrize(
    "header,message",
    [
        ("X-TIMESTAMP", "Bad Request - X-TIMESTAMP is Required"),
        ("X-CLIENT-KEY", "Bad Request - X-CLIENT-KEY is Required"),
        ("X-SIGNATURE", "Bad Request - X-SIGNATURE is Required"),
    ],
)
def test_token_missing_header(server, header, message):
    lines = token_curl(server).split(" \\\n")
    kept = [line for line in lines if not line.startswith(f"--header '{header}:")]
    assert len(kept) == len(lines) - 1
    status, body = run_curl(" \\\n".join(kept))
    assert (status, body["responseCode"], body["responseMessage"]) == (400, "4007300", message)


def test_token_stale_timestamp(server):
    stale = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    command = token_curl(server, "--timestamp", stale)
    status, body = run_curl(command)
    assert (status, body["responseCode"]) == (401, "4017300")
    assert body["responseMessage"] == "Unauthorized. Stale Timestamp"


def test_token_timestamp_rewritten_in_another_format(server):
    """The same instant written as Z instead of +07:00: the signed text differs, so 4017300."""
    now = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=7))).replace(microsecond=0)
    signed = now.isoformat()
    sent = now.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    command = token_curl(server, "--timestamp", signed)
    assert f"'X-TIMESTAMP: {signed}'" in command
    status, body = run_curl(command.replace(f"'X-TIMESTAMP: {signed}'", f"'X-TIMESTAMP: {sent}'"))
    assert (status, body["responseCode"], body["responseMessage"]) == (401, "4017300", "Unauthorized. Invalid Signature")


def get_token(server):
    status, body = run_curl(token_curl(server))
    assert body["responseCode"] == "2007300"
    return body["accessToken"]


BODY = b'{\n  "partnerServiceId": "  088899",\n  "customerNo": "12345678901234567890",\n  "virtualAccountNo": "  08889912345678901234567890",\n  "inquiryRequestId": "abcdef-123456-abcdef",\n  "note": "caf\\u00e9 \xe2\x80\x94 Sleman"\n}\n'


def transaction_headers(server, token, body_path, *extra, secret=SECRET, path="/api/v1.0/transfer-va/inquiry"):
    out = snapsign(
        "transaction",
        "--secret-env",
        "SNAP_SECRET",
        "--method",
        "POST",
        "--path",
        path,
        "--token",
        token,
        "--body",
        body_path,
        "--partner-id",
        "PARTNER1",
        "--new-external-id",
        "--channel-id",
        "95221",
        *extra,
        env={"SNAP_SECRET": secret},
    )
    assert out.returncode == 0, out.stderr
    return headers_of(out.stdout)


@pytest.fixture()
def body_file(tmp_path):
    p = tmp_path / "body.json"
    p.write_bytes(BODY)
    return p


def test_transaction_success(server, body_file):
    token = get_token(server)
    h = transaction_headers(server, token, body_file)
    assert h["Authorization"] == f"Bearer {token}"
    assert len(h["X-EXTERNAL-ID"]) == 32
    status, body = curl_with_headers(server.base_url + "/api/v1.0/transfer-va/inquiry", h, BODY)
    assert (status, body["responseCode"]) == (200, "2002400")
    assert body["virtualAccountData"]["virtualAccountNo"] == "  08889912345678901234567890"


def test_transaction_token_starting_with_hyphen(server, body_file):
    """About 1 in 64 base64url tokens starts with '-': it is a value, not a flag."""
    server.next_token = lambda: "-GsZrPSlXFzJXEK5l1rLSOS99TWab0DxiXmFcMdVGYk"
    try:
        token = get_token(server)
    finally:
        server.next_token = None
    assert token.startswith("-")
    h = transaction_headers(server, token, body_file)
    status, body = curl_with_headers(server.base_url + "/api/v1.0/transfer-va/inquiry", h, BODY)
    assert (status, body["responseCode"]) == (200, "2002400")


def test_transaction_with_query_string(server, body_file):
    token = get_token(server)
    path = "/api/v1.0/transfer-va/inquiry?channel=web&id=7"
    h = transaction_headers(server, token, body_file, path=path)
    status, body = curl_with_headers(server.base_url + path, h, BODY)
    assert body["responseCode"] == "2002400"


def test_transaction_body_from_stdin(server):
    token = get_token(server)
    out = snapsign(
        "transaction", "--secret-env", "S", "--method", "POST", "--path", "/api/v1.0/transfer-va/inquiry",
        "--token", token, "--body", "-", env={"S": SECRET}, input=BODY.decode(),
    )
    assert out.returncode == 0, out.stderr
    status, body = curl_with_headers(server.base_url + "/api/v1.0/transfer-va/inquiry", headers_of(out.stdout), BODY)
    assert body["responseCode"] == "2002400"


def test_transaction_secret_file_trailing_newline(server, body_file, tmp_path):
    token = get_token(server)
    secret_file = tmp_path / "secret"
    secret_file.write_text(SECRET + "\n", encoding="utf-8")
    out = snapsign(
        "transaction", "--secret-file", secret_file, "--method", "POST", "--path", "/api/v1.0/transfer-va/inquiry",
        "--token", token, "--body", body_file,
    )
    assert out.returncode == 0, out.stderr
    status, body = curl_with_headers(server.base_url + "/api/v1.0/transfer-va/inquiry", headers_of(out.stdout), BODY)
    assert body["responseCode"] == "2002400"


def test_transaction_tampered_body(server, body_file):
    token = get_token(server)
    h = transaction_headers(server, token, body_file)
    tampered = BODY.replace(b"12345678901234567890", b"12345678901234567891", 1)
    status, body = curl_with_headers(server.base_url + "/api/v1.0/transfer-va/inquiry", h, tampered)
    assert (status, body["responseCode"]) == (401, "4012400")


def test_transaction_reformatted_body_still_valid(server, body_file):
    """Whitespace outside strings does not change the signature (the server minifies too)."""
    token = get_token(server)
    h = transaction_headers(server, token, body_file)
    reformatted = BODY.replace(b"\n  ", b" ").replace(b'": "', b'" :  "')
    status, body = curl_with_headers(server.base_url + "/api/v1.0/transfer-va/inquiry", h, reformatted)
    assert body["responseCode"] == "2002400"


def test_transaction_wrong_secret(server, body_file):
    token = get_token(server)
    h = transaction_headers(server, token, body_file, secret="not-the-secret")
    status, body = curl_with_headers(server.base_url + "/api/v1.0/transfer-va/inquiry", h, BODY)
    assert (status, body["responseCode"]) == (401, "4012400")


def test_transaction_stale_timestamp(server, body_file):
    token = get_token(server)
    h = transaction_headers(server, token, body_file, "--timestamp", "2020-01-01T04:10:00+07:00")
    status, body = curl_with_headers(server.base_url + "/api/v1.0/transfer-va/inquiry", h, BODY)
    assert (status, body["responseCode"]) == (401, "4012400")
    assert body["responseMessage"] == "Unauthorized. Stale Timestamp"


def test_transaction_missing_timestamp(server, body_file):
    token = get_token(server)
    h = transaction_headers(server, token, body_file)
    del h["X-TIMESTAMP"]
    status, body = curl_with_headers(server.base_url + "/api/v1.0/transfer-va/inquiry", h, BODY)
    assert (status, body["responseCode"]) == (400, "4002400")


def test_transaction_unknown_token(server, body_file):
    h = transaction_headers(server, "not-issued-token", body_file)
    status, body = curl_with_headers(server.base_url + "/api/v1.0/transfer-va/inquiry", h, BODY)
    assert (status, body["responseCode"]) == (401, "4012401")


def test_server_minify_matches_snapsign(body_file):
    """The server's own minify and snapsign's agree on the test body."""
    from snap_server import minify

    out = subprocess.run([BIN, "minify", "--no-newline", str(body_file)], capture_output=True, timeout=60)
    assert out.returncode == 0
    assert out.stdout == minify(BODY)
