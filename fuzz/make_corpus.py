#!/usr/bin/env python3
"""Writes the seed corpora fuzz/corpus/<target>/ from the shared test vectors (tests/vectors)
and the key fixtures (tests/fixtures), plus a few hand-written edge cases per target.

Run from anywhere: python3 fuzz/make_corpus.py. Deterministic: re-running gives the same files
(old seeds are removed first, so the directories hold exactly what this script writes).
"""
import base64
import json
import shutil
from pathlib import Path

FUZZ = Path(__file__).resolve().parent
REPO = FUZZ.parent
VECTORS = REPO / "tests" / "vectors"
FIXTURES = REPO / "tests" / "fixtures"
CORPUS = FUZZ / "corpus"

TARGETS = ["minify", "minify_diff", "timestamp", "private_key", "public_key", "verify", "base64", "access_token_response", "c_api", "endpoint"]
SEP = b"\x1f"  # field separator of the c_api target


def b(s):
    return s if isinstance(s, bytes) else s.encode("utf-8")


def long_bodies():
    """Deterministic pretty-printed SNAP-like bodies of 2 to 8 KiB (and a few broken ones)."""
    state = [0x2545F4914F6CDD1D]

    def rnd(n):  # a 64-bit LCG: the same numbers on every Python version
        state[0] = (state[0] * 6364136223846793005 + 1442695040888963407) % 2**64
        return (state[0] >> 33) % n

    words = ["payment", "Rp", "BCA", "transfer", "Jl. Sudirman No. 1", "caf\u00e9", "\u65e5\u672c", "\U0001F600",
             'quote " and \\ slash /', "tab\tnewline\n", "\u0001ctl"]

    def text(n):
        return " ".join(words[rnd(len(words))] for _ in range(n))

    def item(i):
        return {
            "partnerReferenceNo": f"{2020102900000000000 + i * 7919}",
            "amount": {"value": f"{rnd(10**9)}.{rnd(100):02d}", "currency": "IDR"},
            "beneficiaryAccountName": text(1 + rnd(4)),
            "remark": text(rnd(30)),
            "feeRate": rnd(1000) / 1000,
            "exponent": float(f"{rnd(9) + 1}e{rnd(300)}"),
            "count": -rnd(10**12),
            "active": rnd(2) == 1,
            "note": None,
            "tags": [text(1) for _ in range(rnd(5))],
            "additionalInfo": {"deviceId": "12345679237", "channel": "mobilephone", "nested": [[{"a": []}], {}]},
        }

    bodies = {}
    for n, (indent, target) in enumerate([(2, 2048), (4, 4096), (8, 6144), (40, 8192), (3, 3000), (16, 5000)]):
        items, i = [], 0
        while True:
            items.append(item(i))
            i += 1
            body = {"responseCode": "2001700", "responseMessage": "Successful", "items": items}
            text_ = json.dumps(body, indent=indent, ensure_ascii=n % 2 == 0)
            if len(text_.encode()) >= target:
                break
        bodies[f"long-pretty-{indent}"] = text_.encode()
    bodies["long-pretty-tabs-crlf"] = b"[" + b",\r\n".join(
        json.dumps(item(k), indent="\t").replace("\n", "\r\n").encode() for k in range(6)) + b"]\r\n"
    # Broken near the end of a long body: the error comes after the bulk.
    good = bodies["long-pretty-4"]
    bodies["long-pretty-4-trailing-comma"] = good[:-2] + b",\n}"
    bodies["long-pretty-4-truncated"] = good[: len(good) * 9 // 10]
    bodies["long-pretty-4-bad-utf8"] = good[:-2] + b',\n    "x": "\xed\xa0\x80"\n}'
    return bodies


def main():
    v = json.loads((VECTORS / "snap-vectors.json").read_text(encoding="utf-8"))
    seeds = {t: {} for t in TARGETS}

    def add(target, name, data):
        seeds[target][name] = b(data)

    # minify: every body of the vectors, valid and invalid, and the documented edge cases.
    for i, c in enumerate(v["minify"]):
        add("minify", f"vector-minify-{i}", c["input"])
        add("minify", f"vector-minify-out-{i}", c["output"])
    for i, c in enumerate(v["minify_invalid"]):
        add("minify", f"vector-invalid-{i}", base64.b64decode(c["input_b64"]))
    for sec in ("transaction_hmac", "service_rsa"):
        for i, c in enumerate(v[sec]):
            add("minify", f"vector-{sec}-body-{i}", c["body"])
    edge = {
        "empty": b"",
        "whitespace": b" \t\r\n",
        "surrogate-pair": b'"\\ud83d\\ude00"',
        "lone-high": b'"\\ud800"',
        "lone-low": b'"\\udc00"',
        "bom": b"\xef\xbb\xbf{}",
        "depth-128": b"[" * 128 + b"]" * 128,
        "depth-129": b"[" * 129 + b"]" * 129,
        "numbers": b"[0,-0,1.5e+10,-2E-3,1e400,123456789012345678901234567890]",
        "escapes": b'{"a\\/b":"\\b\\f\\n\\r\\t\\"\\\\\\u00e9","k":[true,false,null]}',
        "utf8": '{"caf\u00e9":"\u65e5\u672c \U0001F600"}'.encode(),
        "dup-keys": b'{"a":1,"a":2}',
        "trailing": b"{} {}",
        # serde_json's arbitrary_precision key (common::without_serde_number_key): valid JSON.
        "serde-number-key": b'{"$serde_json::private::Number":0}',
        "serde-number-key-string": b'{"$serde_json::private::Number":"1"}',
        "serde-number-key-nested": b'[{"$serde_json::private::Numbe\\u0072":"x","a":1}]',
    }
    for k, d in edge.items():
        add("minify", k, d)

    # minify_diff: the same seeds, plus long pretty-printed bodies, where the fast path engages
    # (long whitespace runs and strings between tokens).
    seeds["minify_diff"] = dict(seeds["minify"])
    for k, d in long_bodies().items():
        add("minify_diff", k, d)

    # timestamp: the vectors' X-TIMESTAMPs and the forms of the spec.
    for sec in ("token_b2b", "transaction_hmac", "service_rsa"):
        for i, c in enumerate(v[sec]):
            add("timestamp", f"vector-{sec}-{i}", c["timestamp"])
    for k, d in {
        "wib": "2020-01-01T04:10:00+07:00",
        "z": "2020-09-22T01:51:00Z",
        "millis": "2024-03-05T10:37:16.196+07:00",
        "nanos": "2024-03-05T03:37:16.123456789Z",
        "neg-offset": "1969-12-31T05:59:59.999-18:00",
        "leap": "2024-02-29T00:00:00Z",
        "first": "0000-01-01T00:00:00+00:00",
        "last": "9999-12-31T23:59:59.999Z",
        # 10 bytes for the (unix_ms, offset) half: ms = 1_577_826_600_000, offset = 420.
        "raw-ms-offset": (1_577_826_600_000).to_bytes(8, "little") + (420).to_bytes(2, "little"),
    }.items():
        add("timestamp", k, d)

    # Keys: every TEST-ONLY key file.
    for f in sorted(VECTORS.glob("keys/*")) + sorted(FIXTURES.glob("*.pem")) + sorted(FIXTURES.glob("*.der")):
        data = f.read_bytes()
        private = "public" not in f.name and "cert" not in f.name
        if f.name.startswith(("rsa3072", "rsa4096")) and f.suffix == ".pem":
            continue  # the DER forms are enough for the bigger sizes
        add("private_key" if private else "public_key", f.name, data)
        if f.suffix == ".pem":
            # the environment-variable form: literal \n instead of line breaks
            add("private_key" if private else "public_key", f.name + ".env", data.replace(b"\n", b"\\n"))
    add("public_key", "rsa2048-pkcs8.der", (VECTORS / "keys" / "rsa2048-pkcs8.der").read_bytes())
    add("private_key", "rsa2048-public.der", (VECTORS / "keys" / "rsa2048-public.der").read_bytes())
    add("private_key", "openssh", b"-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaA==\n-----END OPENSSH PRIVATE KEY-----\n")

    # verify: string-to-sign followed by the vector's signature (the target splits them).
    for sec in ("token_b2b", "transaction_hmac", "service_rsa"):
        for i, c in enumerate(v[sec]):
            add("verify", f"vector-{sec}-{i}", b(c["string_to_sign"]) + b(c["signature"]))
            add("base64", f"vector-{sec}-{i}", c["signature"])
    for k, d in {"empty": b"", "pad1": b"AAE=", "url-safe": b"AA-_", "space": b"AA E", "noncanonical": b"AAF="}.items():
        add("base64", k, d)

    # access-token responses: the spec's examples and error shapes.
    for k, d in {
        "ifortepay": b'{\n"responseCode": "2007300",\n"responseMessage": "Successful",\n"accessToken": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...",\n"tokenType": "Bearer",\n"expiredIn": "900"\n}',
        "doku": b'{"responseCode":"2007300","responseMessage":"Successful","accessToken":"a\\/b\\u00e9\\ud83d\\ude00","tokenType":"Bearer","expiresIn":900,"additionalInfo":{"x":[1,{"y":"}"}],"z":"\\""}}',
        "error-400": b'{"responseCode":"4007300","responseMessage":"Bad Request - X-TIMESTAMP is Required"}',
        "error-401": b'{"responseCode":"4017300","responseMessage":"Unauthorized. Unknown Client"}',
        "no-token": b'{"responseCode":"2007300"}',
        "expires-null": b'{"responseCode":"2007300","accessToken":"t","expiresIn":null}',
        "dup-token": b'{"responseCode":"2007300","accessToken":"a","accessToken":"b"}',
        "array": b"[]",
        # serde_json's arbitrary_precision key (common::without_serde_number_key): valid JSON,
        # refused by serde_json's Value (found by CI's fuzz/run.sh 15).
        "serde-number-key": b'{"$serde_json::private::Number":0}',
        "serde-number-key-nested": b'{"responseCode":"4017300","x":{"$serde_json::private::Number":"1","a":1}}',
    }.items():
        add("access_token_response", k, d)

    # c_api: control byte, then method, path, token, body, timestamp, client id, secret.
    for i, c in enumerate(v["transaction_hmac"]):
        fields = [c["method"], c["path"], c["access_token"], c["body"], c["timestamp"], "MCPD00000006", c["client_secret"]]
        add("c_api", f"vector-transaction-{i}", bytes([i * 37 % 256]) + SEP.join(b(f) for f in fields))
    for i, c in enumerate(v["token_b2b"][:3]):
        fields = ["POST", "/v1.0/access-token/b2b", "", "", c["timestamp"], c["client_id"], c["signature"]]
        # 0x60: the target signs with RSA only when both bits are set.
        add("c_api", f"vector-token-{i}", bytes([0x69 + i]) + SEP.join(b(f) for f in fields))
    # Access-token helpers: a token response as the body, an auth code as the token field.
    for i, (code, body) in enumerate([
        ("auth-code-\"1\\", b'{"responseCode":"2007300","responseMessage":"Successful","accessToken":"eyJ.x","tokenType":"Bearer","expiresIn":"900"}'),
        ("rt", b'{"responseCode":"4017300","responseMessage":"Unauthorized. Unknown Client"}'),
    ]):
        fields = ["POST", "/v1.0/access-token/b2b2c", code, body, "", "", ""]
        add("c_api", f"token-response-{i}", bytes([0x0F + i * 0x15]) + SEP.join(b(f) for f in fields))

    # endpoint: the vectors' paths and the canonical-query edge cases.
    for sec in ("transaction_hmac", "service_rsa"):
        for i, c in enumerate(v[sec]):
            add("endpoint", f"vector-{sec}-path-{i}", c["path"])
    for k, d in {
        "unsorted": "/v1.0/x?b=2&a=1",
        "escapes-both-cases": "/p?a=%7e&a=%7E&+=x&&b",
        "malformed-escapes": "/openapi/v1.0/x?q=a b&r=%G1&s=%",
        "bare-question-mark": "/p?",
        "absolute": "https://h/x?a=1",
        "non-ascii": "/p?k=caf\u00e9".encode().decode("unicode_escape"),
    }.items():
        add("endpoint", k, d)

    for t in TARGETS:
        d = CORPUS / t
        if d.exists():
            shutil.rmtree(d)
        d.mkdir(parents=True)
        for name, data in sorted(seeds[t].items()):
            (d / name).write_bytes(data)
        print(f"{t}: {len(seeds[t])} seeds, {sum(len(x) for x in seeds[t].values())} bytes")


if __name__ == "__main__":
    main()
