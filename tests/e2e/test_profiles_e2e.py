"""End to end, per provider profile: `snapsign token --provider NAME` and `snapsign request --provider
NAME` printed as curl commands, run with real curl against the test server acting as that provider.

One SnapServer per profile (snap_server.py, profile mode), each on its own 127.0.0.1 port, all
stopped when the module ends. The server verifies with hmac/hashlib, cryptography and
urllib.parse only; the profile facts it uses (profiles.py) are checked against
`snapsign providers --json` and docs/providers.md first.
"""

import datetime
import os
import json
import re

import pytest

from profiles import CLI_FIELDS, PROFILES, UTC_Z_MILLIS, UTC_Z_SECONDS, WIB_MILLIS, WIB_SECONDS, style
from snap_server import Client, SnapServer, canonical_query, format_timestamp, style_regex
from test_snap_e2e import BIN, BODY, KEYS, ROOT, run_curl, snapsign

CLIENT_ID = "MCPD00000006"
OTHER_CLIENT = "CLIENT-3072"
SECRET = "kéy with spaces"
# What a provider assigned the client where the profile has no rule of its own.
PARTNER_ID = "82150823919040624621823174737537"
OTHER_PARTNER = "PARTNER-3072"
CHANNEL = "95999"
OTHER_CHANNEL = "95998"
DEVICE_ID = "09864ADCASA"
KEY = KEYS / "rsa2048-pkcs8.pem"
WRONG_KEY = KEYS / "rsa3072-pkcs8.pem"

NAMES = list(PROFILES)
WITH_TOKEN = [n for n in NAMES if PROFILES[n]["token_path_b2b"]]
HMAC = [n for n in NAMES if PROFILES[n]["transaction_signature"] == "hmac"]
RSA = [n for n in NAMES if PROFILES[n]["transaction_signature"] == "rsa-service"]
AS_SENT = [n for n in NAMES if PROFILES[n]["endpoint_rule"] == "as-sent"]
FIXED_CHANNEL = [n for n in NAMES if PROFILES[n]["channel_id"]]
PER_PARTNER_CHANNEL = [n for n in NAMES if not PROFILES[n]["channel_id"]]

# A style each profile's provider does not accept (it accepts its own and profiles.py's also_accepted).
OTHER_STYLE = {
    "generic": WIB_MILLIS,  # the standard's yyyy-MM-ddTHH:mm:ssTZD has no fraction
    "doku": UTC_Z_MILLIS,
    "ifortepay": UTC_Z_SECONDS,
    "midtrans": UTC_Z_SECONDS,  # milliseconds required
    "dana": WIB_MILLIS,  # 29 characters, not 25
    "bca": WIB_MILLIS,
    "bri": WIB_SECONDS,  # milliseconds required
    "mandiri": UTC_Z_SECONDS,
    "winpay": UTC_Z_SECONDS,
    "ovo": UTC_Z_MILLIS,
}
# A style besides its own that a provider accepts (docs/providers.md), or the standard's other zones.
ALSO_ACCEPTED = {
    "generic": style(480, False, False),  # +08:00 (WITA)
    "doku": WIB_SECONDS,  # "DOKU accepts both"
    "bca": UTC_Z_SECONDS,  # "`Z` or `±hh:mm`"
}


def now_in(style_):
    return format_timestamp(datetime.datetime.now(datetime.timezone.utc), style_)


def partner_for(name, client_id=CLIENT_ID):
    if PROFILES[name]["partner_id_is_client_id"]:
        return client_id
    return PARTNER_ID if client_id == CLIENT_ID else OTHER_PARTNER


@pytest.fixture(scope="module")
def servers():
    if not os.path.exists(BIN):
        pytest.fail(f"snapsign binary not found at {BIN}: run cargo build -p snapsign-cli or set SNAPSIGN_BIN")
    started = {}
    try:
        public_2048 = (KEYS / "rsa2048-public.pem").read_bytes()
        public_3072 = (KEYS / "rsa3072-public.pem").read_bytes()
        for name, p in PROFILES.items():
            clients = [
                Client(CLIENT_ID, public_2048, SECRET, PARTNER_ID, CHANNEL),
                Client(OTHER_CLIENT, public_3072, "other-secret", OTHER_PARTNER, OTHER_CHANNEL),
            ]
            started[name] = SnapServer(clients, profile=p).start()
        yield started
    finally:
        for s in started.values():
            s.stop()


@pytest.fixture(scope="module")
def body_file(tmp_path_factory):
    p = tmp_path_factory.mktemp("body") / "body.json"
    p.write_bytes(BODY)
    return p


def standard_entry(code):
    out = snapsign("code", code, "--json")
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def template_regex(message):
    """The standard's message with its placeholders ([reason], {field name}) as wildcards."""
    return re.compile("^" + re.sub(r"\\\[[^\]]*\\\]|\\\{[^}]*\\\}", ".+", re.escape(message)) + "$")


def assert_failure(status, body, http, code, message):
    """The server's answer, and `snapsign code CODE` agreeing with it: the same HTTP status and
    service, and a message that is the standard's (placeholders filled in)."""
    assert (status, body["responseCode"], body["responseMessage"]) == (http, code, message)
    entry = standard_entry(code)
    assert entry["http_status"] == http
    assert entry["service_code"] == int(code[3:5])
    assert entry["case_code"] == int(code[5:7])
    assert entry["message"] and template_regex(entry["message"]).match(message), (entry["message"], message)


# ------------------------------------------------------------ commands


def token_command(server, name, *extra, key=KEY, client=CLIENT_ID):
    out = snapsign(
        "token", "--provider", name, "--key", key, "--client-id", client,
        "--curl", "--base-url", server.base_url, *extra,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout


def get_token(servers, name, client=CLIENT_ID, key=KEY):
    status, body = run_curl(token_command(servers[name], name, client=client, key=key))
    assert (status, body["responseCode"]) == (200, "2007300"), body
    return body["accessToken"]


def request_args(
    name, *, token=None, secret=SECRET, key=KEY, path=None, method="POST", body=None, partner=None, channel=None,
    device=None, extra=(),
):
    p = PROFILES[name]
    args = ["request", "--provider", name, "--method", method, "--path", path or p["product_path"]]
    env = {}
    if p["transaction_signature"] == "hmac":
        args += ["--secret-env", "SNAP_SECRET"]
        env["SNAP_SECRET"] = secret
    else:
        args += ["--key", key]
    if token is not None:
        args += ["--token", token]
    if body is not None:
        args += ["--body", body]
    args += ["--partner-id", partner or partner_for(name)]
    if channel is None and not p["channel_id"]:
        channel = CHANNEL
    if channel is not None:
        args += ["--channel-id", channel]
    if device is None and p["device_id_required"]:
        device = DEVICE_ID
    if device is not None:
        args += ["--device-id", device]
    return [*args, *extra], env


def request_command(server, name, *, url=None, **kw):
    """`snapsign request ... --curl --base-url BASE` (or `--curl URL` when url is given)."""
    args, env = request_args(name, **kw)
    args += ["--curl", url] if url else ["--curl", "--base-url", server.base_url]
    out = snapsign(*args, env=env)
    assert out.returncode == 0, out.stderr
    return out.stdout


def first_token(servers, name):
    """A fresh token for profiles with a token call (HMAC ones need it; RSA ones send it unsigned)."""
    return get_token(servers, name) if PROFILES[name]["token_path_b2b"] else None


def header_of(command, name):
    m = re.search(rf"--header '{re.escape(name)}: ([^']*)'", command)
    return m.group(1) if m else None


def without_header(command, name):
    lines = command.split(" \\\n")
    kept = [line for line in lines if not line.startswith(f"--header '{name}:")]
    assert len(kept) == len(lines) - 1, name
    return " \\\n".join(kept)


def with_url(command, old, new):
    assert f"'{old}'" in command
    return command.replace(f"'{old}'", f"'{new}'", 1)


# ------------------------------------------------------------ the server's table


def test_server_table_matches_snapsign_providers():
    out = snapsign("providers", "--json")
    assert out.returncode == 0, out.stderr
    cli = json.loads(out.stdout)
    assert [p["name"] for p in cli] == NAMES
    example_instant = datetime.datetime(2020, 1, 1, 4, 10, tzinfo=datetime.timezone(datetime.timedelta(hours=7)))
    for c in cli:
        mine = PROFILES[c["name"]]
        for field in CLI_FIELDS:
            value = c[field]["value"]
            if field == "timestamp":
                example = value.pop("example")
                # The server writes the style the way snapsign does.
                assert format_timestamp(example_instant, mine["timestamp"]) == example, c["name"]
                assert style_regex(mine["timestamp"]).match(example), c["name"]
            assert value == mine[field], (c["name"], field)


def docs_rows():
    rows = {}
    for line in (ROOT / "docs" / "providers.md").read_text(encoding="utf-8").splitlines():
        m = re.match(r"^\| `(\w+)`", line)
        if m:
            cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", line)[1:-1]]
            rows[m.group(1)] = cells
    return rows


def test_server_table_matches_docs():
    rows = docs_rows()
    assert list(rows) == NAMES
    for name, (_, tokens, ts, signature, endpoint, channel, other) in rows.items():
        p = PROFILES[name]
        parts = tokens.split(" / ")
        for path, cell in [(p["token_path_b2b"], parts[0]), (p["token_path_b2b2c"], parts[-1])]:
            assert (f"`{path}`" in cell) if path else cell.startswith("none"), (name, cell)
        st = p["timestamp"]
        assert ("milliseconds" in ts) == st["millis"], name
        assert ("`Z`" if st["utc_as_z"] else f"`+{st['offset_minutes'] // 60:02d}:00`") in ts, name
        assert signature.startswith("RSA" if p["transaction_signature"] == "rsa-service" else "HMAC"), name
        assert ("canonical query" in endpoint) == (p["endpoint_rule"] == "canonical-query"), name
        if p["endpoint_rule"] == "as-sent":
            assert "as sent" in endpoint, name
        assert (f"`{p['channel_id']}`" in channel) if p["channel_id"] else not re.search(r"`\d+`", channel), name
        assert ("`X-DEVICE-ID` mandatory" in other) == p["device_id_required"], name
        assert ("`X-EXTERNAL-ID` numeric" in other) == p["numeric_external_id"], name
        for key in p["token_response"]:
            if p["token_response"][key] is not None:
                assert f"`{key}`" in other or f"`{p['token_response'][key]}`" in other, (name, key)
    # The extra styles: DOKU "accepts both", BCA "`Z` or `±hh:mm`" (generic's: the standard's TZD).
    assert "accepts both" in rows["doku"][2] and PROFILES["doku"]["also_accepted"] == (WIB_SECONDS,)
    assert "`Z` or `±hh:mm`" in rows["bca"][2] and PROFILES["bca"]["also_accepted"] == ("any-offset",)
    assert [n for n in NAMES if PROFILES[n]["also_accepted"]] == ["generic", "doku", "bca"]


# ------------------------------------------------------------ token calls


@pytest.mark.parametrize("name", WITH_TOKEN)
def test_token_success(servers, name):
    command = token_command(servers[name], name)
    assert f"'{servers[name].base_url}{PROFILES[name]['token_path_b2b']}'" in command
    assert style_regex(PROFILES[name]["timestamp"]).match(header_of(command, "X-TIMESTAMP"))
    status, body = run_curl(command)
    assert (status, body["responseCode"], body["responseMessage"]) == (200, "2007300", "Successful")
    assert body["tokenType"].lower() == "bearer"
    assert body["accessToken"] in servers[name].tokens
    for key, value in PROFILES[name]["token_response"].items():
        assert body.get(key) == value, key


@pytest.mark.parametrize("name", WITH_TOKEN)
def test_token_wrong_key(servers, name):
    status, body = run_curl(token_command(servers[name], name, key=WRONG_KEY))
    assert_failure(status, body, 401, "4017300", "Unauthorized. Invalid Signature")


@pytest.mark.parametrize("name", WITH_TOKEN)
def test_token_unknown_client(servers, name):
    status, body = run_curl(token_command(servers[name], name, client="MCPD99999999"))
    assert_failure(status, body, 401, "4017300", "Unauthorized. Unknown Client")


@pytest.mark.parametrize("name", WITH_TOKEN)
def test_token_timestamp_in_another_style(servers, name):
    """Signed correctly, but the provider does not write its time that way: 4007301."""
    command = token_command(servers[name], name, "--timestamp", now_in(OTHER_STYLE[name]))
    status, body = run_curl(command)
    assert_failure(status, body, 400, "4007301", "Invalid Field Format X-TIMESTAMP")


@pytest.mark.parametrize("name", WITH_TOKEN)
def test_token_missing_timestamp(servers, name):
    status, body = run_curl(without_header(token_command(servers[name], name), "X-TIMESTAMP"))
    assert_failure(status, body, 400, "4007302", "Invalid Mandatory Field X-TIMESTAMP")


def test_token_at_another_profiles_path_is_not_found(servers):
    command = token_command(servers["bri"], "generic")
    status, body = run_curl(command)
    assert (status, body["responseCode"]) == (404, "4040000")


def test_winpay_has_no_token_call(servers):
    out = snapsign(
        "token", "--provider", "winpay", "--key", KEY, "--client-id", CLIENT_ID, "--curl", "--base-url",
        servers["winpay"].base_url,
    )
    assert out.returncode != 0
    assert "no path" in out.stderr
    # Nor does the WinPay server answer the standard's token path.
    status, body = run_curl(token_command(servers["winpay"], "generic"))
    assert (status, body["responseCode"]) == (404, "4040000")


# ------------------------------------------------------------ transaction calls


@pytest.mark.parametrize("name", NAMES)
def test_request_success(servers, name, body_file):
    """Token first where the profile has one, then the transaction call, bare --curl --base-url."""
    token = first_token(servers, name)
    command = request_command(servers[name], name, token=token, body=body_file)
    p = PROFILES[name]
    assert f"'{servers[name].base_url}{p['product_path']}'" in command
    assert style_regex(p["timestamp"]).match(header_of(command, "X-TIMESTAMP"))
    assert header_of(command, "Authorization") == (f"Bearer {token}" if token else None)
    assert header_of(command, "CHANNEL-ID") == (p["channel_id"] or CHANNEL)
    assert header_of(command, "X-DEVICE-ID") == (DEVICE_ID if p["device_id_required"] else None)
    status, body = run_curl(command)
    assert (status, body["responseCode"], body["responseMessage"]) == (200, "2002400", "Successful"), body
    assert body["virtualAccountData"]["virtualAccountNo"] == "  08889912345678901234567890"


@pytest.mark.parametrize("name", NAMES)
def test_request_success_curl_with_url(servers, name, body_file):
    """`--curl URL` with a query string, sent and signed as the profile's rule says."""
    token = first_token(servers, name)
    path = PROFILES[name]["product_path"] + "?channel=web&id=7"
    url = servers[name].base_url + path
    command = request_command(servers[name], name, token=token, body=body_file, path=path, url=url)
    status, body = run_curl(command)
    assert (status, body["responseCode"]) == (200, "2002400"), body


@pytest.mark.parametrize("name", NAMES)
def test_request_wrong_credential(servers, name, body_file):
    """HMAC profiles: a wrong client secret; RSA profiles: a key that is not the client's."""
    token = first_token(servers, name)
    command = request_command(servers[name], name, token=token, body=body_file, secret="not-the-secret", key=WRONG_KEY)
    status, body = run_curl(command)
    assert_failure(status, body, 401, "4012400", "Unauthorized. Invalid Signature")


@pytest.mark.parametrize("name", NAMES)
def test_request_tampered_body(servers, name, body_file):
    token = first_token(servers, name)
    command = request_command(servers[name], name, token=token, body=body_file)
    tampered = command.replace("12345678901234567890", "12345678901234567891", 1)
    assert tampered != command
    status, body = run_curl(tampered)
    assert_failure(status, body, 401, "4012400", "Unauthorized. Invalid Signature")


@pytest.mark.parametrize("name", NAMES)
def test_request_timestamp_in_another_style(servers, name, body_file):
    """Signed correctly over the sent text, but not in a style the provider accepts: 4002401."""
    token = first_token(servers, name)
    ts = now_in(OTHER_STYLE[name])
    command = request_command(servers[name], name, token=token, body=body_file, extra=["--timestamp", ts])
    assert header_of(command, "X-TIMESTAMP") == ts
    status, body = run_curl(command)
    assert_failure(status, body, 400, "4002401", "Invalid Field Format X-TIMESTAMP")


@pytest.mark.parametrize("name", list(ALSO_ACCEPTED))
def test_request_timestamp_in_an_accepted_other_style(servers, name, body_file):
    token = first_token(servers, name)
    ts = now_in(ALSO_ACCEPTED[name])
    command = request_command(servers[name], name, token=token, body=body_file, extra=["--timestamp", ts])
    status, body = run_curl(command)
    assert (status, body["responseCode"]) == (200, "2002400"), body


@pytest.mark.parametrize("name", NAMES)
def test_request_stale_timestamp(servers, name, body_file):
    token = first_token(servers, name)
    an_hour_ago = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=1)
    stale = format_timestamp(an_hour_ago, PROFILES[name]["timestamp"])
    command = request_command(servers[name], name, token=token, body=body_file, extra=["--timestamp", stale])
    status, body = run_curl(command)
    assert_failure(status, body, 401, "4012400", "Unauthorized. Stale Timestamp")


@pytest.mark.parametrize("name", NAMES)
def test_request_replayed_external_id(servers, name, body_file):
    token = first_token(servers, name)
    command = request_command(servers[name], name, token=token, body=body_file)
    assert run_curl(command)[1]["responseCode"] == "2002400"
    status, body = run_curl(command)
    assert_failure(status, body, 409, "4092400", "Conflict")


@pytest.mark.parametrize("name", NAMES)
def test_request_wrong_partner_id(servers, name, body_file):
    """X-PARTNER-ID must be the caller's: its client id where the profile says so (DOKU, iFortepay,
    DANA), else the partner id the provider assigned."""
    token = first_token(servers, name)
    wrong = PARTNER_ID if PROFILES[name]["partner_id_is_client_id"] else CLIENT_ID
    command = request_command(servers[name], name, token=token, body=body_file, partner=wrong)
    status, body = run_curl(command)
    assert_failure(status, body, 401, "4012400", "Unauthorized. Unknown Client")


@pytest.mark.parametrize("name", HMAC)
def test_hmac_request_with_a_token_not_issued(servers, name, body_file):
    command = request_command(servers[name], name, token="not-issued-token", body=body_file)
    status, body = run_curl(command)
    assert_failure(status, body, 401, "4012401", "Invalid Token (B2B)")


@pytest.mark.parametrize("name", HMAC)
def test_hmac_token_of_another_client(servers, name, body_file):
    """The other client's token, signed with this client's secret: the server keys on the token."""
    token = get_token(servers, name, client=OTHER_CLIENT, key=WRONG_KEY)
    channel = None if PROFILES[name]["channel_id"] else OTHER_CHANNEL
    command = request_command(
        servers[name], name, token=token, body=body_file, partner=partner_for(name, OTHER_CLIENT), channel=channel
    )
    status, body = run_curl(command)
    assert_failure(status, body, 401, "4012400", "Unauthorized. Invalid Signature")


@pytest.mark.parametrize("name", RSA)
def test_rsa_request_token_is_optional_and_unsigned(servers, name, body_file):
    """The service form signs no token: without one the call succeeds; with one the server only
    checks it issued it."""
    command = request_command(servers[name], name, body=body_file)
    assert header_of(command, "Authorization") is None
    status, body = run_curl(command)
    assert (status, body["responseCode"]) == (200, "2002400"), body
    if PROFILES[name]["token_path_b2b"]:
        status, body = run_curl(request_command(servers[name], name, token="not-issued-token", body=body_file))
        assert_failure(status, body, 401, "4012401", "Invalid Token (B2B)")


@pytest.mark.parametrize("name", ["generic", "bca"])
def test_request_get_without_body(servers, name):
    token = first_token(servers, name)
    path = PROFILES[name]["product_path"] + "?b=2&a=1"
    status, body = run_curl(request_command(servers[name], name, token=token, method="GET", path=path))
    assert (status, body["responseCode"]) == (200, "2002400"), body


# ------------------------------------------------------------ EndpointUrl rules


@pytest.mark.parametrize("name", AS_SENT)
def test_as_sent_query_in_another_order_fails(servers, name, body_file):
    token = first_token(servers, name)
    path = PROFILES[name]["product_path"]
    base = servers[name].base_url + path
    command = request_command(servers[name], name, token=token, body=body_file, path=path + "?b=2&a=1")
    status, body = run_curl(with_url(command, base + "?b=2&a=1", base + "?a=1&b=2"))
    assert_failure(status, body, 401, "4012400", "Unauthorized. Invalid Signature")


BCA_QUERY = "?b=2&a=%7e+1&a=0&&flag&q=x%2fy"
# The same parameters in other orders and spellings: one canonical form, so one signature.
BCA_RESENT = ["?b=2&a=%7e+1&a=0&&flag&q=x%2fy", "?a=0&flag&a=~%2B1&q=x%2Fy&b=2", "?q=x/y&flag=&a=%7E%2b1&b=2&a=0&"]


@pytest.mark.parametrize("sent", BCA_RESENT)
def test_bca_canonical_query_any_order_and_spelling(servers, body_file, sent):
    token = get_token(servers, "bca")
    path = PROFILES["bca"]["product_path"]
    command = request_command(servers["bca"], "bca", token=token, body=body_file, path=path + BCA_QUERY)
    base = servers["bca"].base_url + path
    status, body = run_curl(with_url(command, base + BCA_QUERY, base + sent))
    assert (status, body["responseCode"]) == (200, "2002400"), body


def test_bca_query_signed_as_sent_fails(servers, body_file):
    """The BCA secret, token and CHANNEL-ID, but EndpointUrl as sent (the generic profile): BCA
    signs the sorted query, so an unsorted query fails; an already sorted one is the same text."""
    token = get_token(servers, "bca")
    path = PROFILES["bca"]["product_path"]
    for query, expected in [("?b=2&a=1", 401), ("?a=1&b=2", 200)]:
        out = snapsign(
            "request", "--provider", "generic", "--secret-env", "S", "--token", token, "--method", "POST",
            "--path", path + query, "--body", body_file, "--partner-id", PARTNER_ID, "--channel-id", "95051",
            "--curl", "--base-url", servers["bca"].base_url, env={"S": SECRET},
        )
        assert out.returncode == 0, out.stderr
        status, body = run_curl(out.stdout)
        if expected == 401:
            assert_failure(status, body, 401, "4012400", "Unauthorized. Invalid Signature")
        else:
            assert (status, body["responseCode"]) == (200, "2002400"), body


CANONICAL_CASES = [
    "/p", "/p?", "/p?&&", "/p?b=2&a=1", "/p?a=z&a=%41&B=1", "/p?q=a+b%20c&flag&t=%7e", "/p?bad=%G1&pct=%",
    "/p?a=b=c&=x", "/p?x=%e6%97%a5&y=caf%C3%A9", "/p?a=1?b=2", "/p?next=https://h/y?z#f",
]


def test_bca_canonical_query_agrees_with_snapsign():
    """The server's urllib.parse canonical form and snapsign's, on the edge cases of endpoint.rs."""
    for target in CANONICAL_CASES:
        out = snapsign(
            "request", "--provider", "bca", "--secret-env", "S", "--token", "t", "--method", "GET", "--path", target,
            "--partner-id", "P", "--json", env={"S": SECRET},
        )
        assert out.returncode == 0, out.stderr
        assert json.loads(out.stdout)["endpoint_url"] == canonical_query(target.encode()).decode(), target


# ------------------------------------------------------------ CHANNEL-ID, X-DEVICE-ID, X-EXTERNAL-ID


@pytest.mark.parametrize("name", FIXED_CHANNEL)
def test_fixed_channel_id(servers, name, body_file):
    token = first_token(servers, name)
    command = request_command(servers[name], name, token=token, body=body_file, channel=OTHER_CHANNEL)
    assert header_of(command, "CHANNEL-ID") == OTHER_CHANNEL
    status, body = run_curl(command)
    assert_failure(status, body, 400, "4002401", "Invalid Field Format CHANNEL-ID")


@pytest.mark.parametrize("name", PER_PARTNER_CHANNEL)
def test_per_partner_channel_id(servers, name, body_file):
    """No fixed CHANNEL-ID: snapsign wants --channel-id, and the server wants the client's one."""
    token = first_token(servers, name)
    args, env = request_args(name, token=token, body=body_file)
    i = args.index("--channel-id")
    out = snapsign(*(args[:i] + args[i + 2:]), env=env)
    assert out.returncode != 0 and "CHANNEL-ID" in out.stderr, out.stderr
    command = request_command(servers[name], name, token=token, body=body_file)
    status, body = run_curl(without_header(command, "CHANNEL-ID"))
    assert_failure(status, body, 400, "4002402", "Invalid Mandatory Field CHANNEL-ID")
    status, body = run_curl(request_command(servers[name], name, token=token, body=body_file, channel=OTHER_CHANNEL))
    assert_failure(status, body, 400, "4002401", "Invalid Field Format CHANNEL-ID")


def test_ovo_device_id_required(servers, body_file):
    token = get_token(servers, "ovo")
    args, env = request_args("ovo", token=token, body=body_file)
    i = args.index("--device-id")
    out = snapsign(*(args[:i] + args[i + 2:]), env=env)
    assert out.returncode != 0 and "X-DEVICE-ID" in out.stderr, out.stderr
    command = request_command(servers["ovo"], "ovo", token=token, body=body_file)
    status, body = run_curl(without_header(command, "X-DEVICE-ID"))
    assert_failure(status, body, 400, "4002402", "Invalid Mandatory Field X-DEVICE-ID")


@pytest.mark.parametrize("name", [n for n in NAMES if not PROFILES[n]["device_id_required"]])
def test_device_id_not_required(servers, name, body_file):
    command = request_command(servers[name], name, token=first_token(servers, name), body=body_file)
    assert header_of(command, "X-DEVICE-ID") is None
    assert run_curl(command)[1]["responseCode"] == "2002400"


def test_bri_external_id_numeric(servers, body_file):
    token = get_token(servers, "bri")
    command = request_command(servers["bri"], "bri", token=token, body=body_file)
    assert header_of(command, "X-EXTERNAL-ID").isdigit()
    command = request_command(servers["bri"], "bri", token=token, body=body_file, extra=["--external-id", "ABC-123"])
    status, body = run_curl(command)
    assert_failure(status, body, 400, "4002401", "Invalid Field Format X-EXTERNAL-ID")
    # Other profiles take any X-EXTERNAL-ID.
    status, body = run_curl(
        request_command(servers["generic"], "generic", token=get_token(servers, "generic"), body=body_file,
                        extra=["--external-id", "ABC-123"])
    )
    assert body["responseCode"] == "2002400"


def test_curl_quoting_of_apostrophes(servers, tmp_path):
    """A ' in the query and in the body survives the printed command's shell quoting."""
    body = tmp_path / "quote.json"
    body.write_text('{"virtualAccountNo": "it\'s 1", "note": "\'\'"}', encoding="utf-8")
    path = PROFILES["generic"]["product_path"] + "?q='x'"
    token = get_token(servers, "generic")
    status, answer = run_curl(request_command(servers["generic"], "generic", token=token, body=body, path=path))
    assert (status, answer["responseCode"]) == (200, "2002400"), answer
    assert answer["virtualAccountData"]["virtualAccountNo"] == "it's 1"


# ------------------------------------------------------------ the signed method is the one sent


@pytest.mark.parametrize("method,with_body", [("POST", False), ("PUT", True), ("DELETE", False), ("PATCH", True)])
def test_curl_sends_the_signed_method(servers, body_file, method, with_body):
    token = get_token(servers, "generic")
    command = request_command(
        servers["generic"], "generic", token=token, method=method, body=body_file if with_body else None
    )
    status, body = run_curl(command)
    assert (status, body["responseCode"]) == (200, "2002400"), body
