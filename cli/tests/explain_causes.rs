//! The causes `snapsign explain` names, each against a wrong signature made by an independent
//! implementation (Python's `hmac`, `hashlib`, `json` and `cryptography`; node's `crypto` where
//! noted), never by snapsign: the wrong string-to-sign is built and signed in Python, then
//! explain must find it and give its stable id.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_snapsign");

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn key(name: &str) -> String {
    root().join("tests/vectors/keys").join(name).to_string_lossy().into_owned()
}

/// Signs each message in Python: `{"key": PEM path}` with SHA256withRSA (PKCS#1 v1.5), or
/// `{"secret": ...}` with HMAC-SHA512; `{digest}` in a message becomes the lower-case hex SHA-256
/// of `body`; `"hex": true` writes the signature in hex instead of base64.
fn python_sign(cases: &[Value]) -> Vec<String> {
    const SIGN: &str = r#"
import base64, hashlib, hmac, json, sys
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
out = []
for c in json.load(sys.stdin):
    m = c["message"].replace("{digest}", hashlib.sha256(c.get("body", "").encode()).hexdigest()).encode()
    if "key" in c:
        k = serialization.load_pem_private_key(open(c["key"], "rb").read(), None)
        sig = k.sign(m, padding.PKCS1v15(), hashes.SHA256())
    else:
        sig = hmac.new(c["secret"].encode(), m, hashlib.sha512).digest()
    out.append(sig.hex() if c.get("hex") else base64.b64encode(sig).decode())
print(json.dumps(out))
"#;
    let out = pipe(Command::new("python3").args(["-c", SIGN]), json!(cases).to_string().as_bytes());
    serde_json::from_slice(&out).expect("python output")
}

fn pipe(cmd: &mut Command, stdin: &[u8]) -> Vec<u8> {
    let mut child =
        cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn python3");
    child.stdin.take().expect("stdin").write_all(stdin).expect("write");
    let out = child.wait_with_output().expect("wait");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

/// `snapsign explain ARGS --json`, with `S=a-secret` in the environment and `body` on stdin.
fn explain(args: &[&str], body: &[u8]) -> (i32, Value) {
    let mut cmd = Command::new(BIN);
    cmd.arg("explain").args(args).arg("--json").env("S", "a-secret");
    cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn snapsign");
    let _ = child.stdin.take().expect("stdin").write_all(body);
    let out = child.wait_with_output().expect("wait");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let j = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}{}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code().unwrap_or(-1), j)
}

fn ids(j: &Value) -> Vec<String> {
    j["causes"].as_array().expect("causes").iter().map(|c| c["id"].as_str().expect("id").to_string()).collect()
}

fn explain_token(client_id: &str, ts: &str, sig: &str) -> Value {
    let pubkey = key("rsa2048-public.pem");
    let (code, j) = explain(
        &["token", "--public-key", &pubkey, "--client-id", client_id, "--timestamp", ts, "--signature", sig],
        b"",
    );
    assert_eq!(code, 1, "{j}");
    j
}

const TS: &str = "2024-03-05T10:37:16+07:00";

#[test]
fn every_cause_has_an_id_and_a_fix() {
    // The empty-token-field form (issue item 2), made by Python.
    let body = r#"{"a":1}"#;
    let sig = python_sign(&[
        json!({"key": key("rsa2048-pkcs8.pem"), "message": format!("POST:/v1.0/notify::{{digest}}:{TS}"), "body": body}),
    ]);
    let pubkey = key("rsa2048-public.pem");
    let (code, j) = explain(
        &[
            "service",
            "--public-key",
            &pubkey,
            "--method",
            "POST",
            "--path",
            "/v1.0/notify",
            "--timestamp",
            TS,
            "--body",
            "-",
            "--signature",
            &sig[0],
        ],
        body.as_bytes(),
    );
    assert_eq!(code, 1);
    assert_eq!(ids(&j), ["empty-token-field"], "{j}");
    let fix = j["causes"][0]["fix"].as_str().unwrap();
    assert!(fix.contains("METHOD:path:digest:timestamp"), "{fix}");
}

#[test]
fn token_layouts_swapped_padded_and_quoted() {
    let k = key("rsa2048-pkcs8.pem");
    let wrong = [
        (format!("{TS}|MCPD00000006"), "token-fields-swapped"),
        (format!("MCPD00000006\n|{TS}"), "client-id-whitespace"),
        (format!("MCPD00000006\r\n|{TS}"), "client-id-whitespace"),
        (format!("MCPD00000006 |{TS}"), "client-id-whitespace"),
        (format!("MCPD00000006|{TS}\n"), "timestamp-whitespace"),
        (format!("MCPD00000006|{TS}\r"), "timestamp-whitespace"),
        (format!("\"MCPD00000006\"|{TS}"), "client-id-quoted"),
        (format!("'MCPD00000006'|{TS}"), "client-id-quoted"),
    ];
    let cases: Vec<Value> = wrong.iter().map(|(m, _)| json!({"key": k, "message": m})).collect();
    let sigs = python_sign(&cases);
    for ((message, id), sig) in wrong.iter().zip(&sigs) {
        let j = explain_token("MCPD00000006", TS, sig);
        assert_eq!(ids(&j), [*id], "{message:?}: {j}");
        assert_eq!(j["causes"][0]["string_to_sign"], *message);
    }
    // Quotes given that the other side did not sign.
    let sig = python_sign(&[json!({"key": k, "message": format!("MCPD00000006|{TS}")})]);
    let j = explain_token("\"MCPD00000006\"", TS, &sig[0]);
    assert_eq!(ids(&j), ["client-id-quoted"], "{j}");
}

#[test]
fn hex_signatures_and_other_key_sizes() {
    let k = key("rsa2048-pkcs8.pem");
    let right = format!("MCPD00000006|{TS}");
    let sigs = python_sign(&[
        json!({"key": k, "message": right, "hex": true}),
        json!({"key": k, "message": "MCPD00000006|2024-03-05T03:37:16Z", "hex": true}),
        json!({"key": key("rsa3072-pkcs8.pem"), "message": right}),
        json!({"key": key("rsa4096-pkcs8.pem"), "message": right}),
        json!({"secret": "a-secret", "message": format!("POST:/v1.0/x:tok:{{digest}}:{TS}"), "body": "{}", "hex": true}),
    ]);
    // Hex over the right string: it verifies once decoded.
    let j = explain_token("MCPD00000006", TS, &sigs[0]);
    assert_eq!(ids(&j), ["hex-signature"], "{j}");
    assert!(j["signature_notes"][0].as_str().unwrap().starts_with("the signature is hex (512 hex digits"), "{j}");
    // Hex over another timestamp form: decoded, then the search finds the form.
    let j = explain_token("MCPD00000006", TS, &sigs[1]);
    assert_eq!(ids(&j), ["hex-signature+timestamp-format"], "{j}");
    // Made with a 3072-bit and a 4096-bit key, checked with a 2048-bit one.
    for (sig, bits) in [(&sigs[2], 3072), (&sigs[3], 4096)] {
        let j = explain_token("MCPD00000006", TS, sig);
        assert_eq!(ids(&j), ["other-key-size"], "{j}");
        let msg = j["causes"][0]["cause"].as_str().unwrap();
        assert_eq!(
            msg,
            format!("this signature is {bits} bits: it was made with another key ({bits}-bit), not the one you gave (2048-bit)")
        );
    }
    // An HMAC-SHA512 signature in hex.
    let (code, j) = explain(
        &[
            "transaction",
            "--secret-env",
            "S",
            "--method",
            "POST",
            "--path",
            "/v1.0/x",
            "--token",
            "tok",
            "--timestamp",
            TS,
            "--body",
            "-",
            "--signature",
            &sigs[4],
        ],
        b"{}",
    );
    assert_eq!(code, 1);
    assert_eq!(ids(&j), ["hex-signature"], "{j}");
}

#[test]
fn milliseconds_lost_or_gained_in_every_offset() {
    let k = key("rsa2048-pkcs8.pem");
    // (header, what was signed)
    let cases = [
        (TS, "2024-03-05T10:37:16.347+07:00"),
        (TS, "2024-03-05T10:37:16.000+07:00"),
        (TS, "2024-03-05T03:37:16.999Z"),
        (TS, "2024-03-05T03:37:16.001+00:00"),
        (TS, "2024-03-05T11:37:16.512+08:00"),
        ("2024-03-05T03:37:16Z", "2024-03-05T12:37:16.250+09:00"),
        ("2024-03-05T10:37:16.347+07:00", "2024-03-05T10:37:16+07:00"),
        ("2024-03-05T10:37:16.347+07:00", "2024-03-05T10:37:16.346+07:00"),
    ];
    let sigs = python_sign(
        &cases
            .iter()
            .map(|(_, signed)| json!({"key": k, "message": format!("MCPD00000006|{signed}")}))
            .collect::<Vec<_>>(),
    );
    for ((header, signed), sig) in cases.iter().zip(&sigs) {
        let j = explain_token("MCPD00000006", header, sig);
        let want = if signed.ends_with(".000+07:00") { "timestamp-format" } else { "timestamp-milliseconds" };
        assert_eq!(ids(&j), [want], "{header} signed as {signed}: {j}");
        assert_eq!(j["causes"][0]["string_to_sign"], format!("MCPD00000006|{signed}"));
    }
    // The transaction signature too (HMAC).
    let sig = python_sign(&[json!({
        "secret": "a-secret", "message": "POST:/v1.0/x:tok:{digest}:2024-03-05T10:37:16.789+07:00", "body": "{}"
    })]);
    let (_, j) = explain(
        &[
            "transaction",
            "--secret-env",
            "S",
            "--method",
            "POST",
            "--path",
            "/v1.0/x",
            "--token",
            "tok",
            "--timestamp",
            TS,
            "--body",
            "-",
            "--signature",
            &sig[0],
        ],
        b"{}",
    );
    assert_eq!(ids(&j), ["timestamp-milliseconds"], "{j}");
    assert!(j["causes"][0]["cause"].as_str().unwrap().contains("the header lost the milliseconds (789 ms)"), "{j}");
}

fn explain_transaction(path: &str, token: &str, sig: &str) -> Value {
    let (code, j) = explain(
        &[
            "transaction",
            "--secret-env",
            "S",
            "--method",
            "POST",
            "--path",
            path,
            "--token",
            token,
            "--timestamp",
            TS,
            "--body",
            "-",
            "--signature",
            sig,
        ],
        b"{}",
    );
    assert_eq!(code, 1, "{j}");
    j
}

#[test]
fn invisible_differences_and_percent_encodings() {
    // The client id pasted with full-width digits and a zero-width space; Python signed it plain.
    let k = key("rsa2048-pkcs8.pem");
    let sig = python_sign(&[json!({"key": k, "message": format!("MCPD00000006|{TS}")})]);
    let j = explain_token("MCPD\u{ff10}\u{ff10}\u{ff10}\u{ff10}0006\u{200b}", TS, &sig[0]);
    assert_eq!(ids(&j), ["invisible-characters"], "{j}");
    assert!(j["causes"][0]["cause"].as_str().unwrap().contains("\\u{ff10}"), "{j}");

    // Transaction paths and tokens: (path given, token given, path signed, token signed, id).
    let cases = [
        ("/v1.0/inquiry\u{200b}", "tok", "/v1.0/inquiry", "tok", "invisible-characters"),
        ("/v1.0/a\u{a0}b", "tok", "/v1.0/a b", "tok", "invisible-characters"),
        ("/v1.0/x", "t\u{feff}ok", "/v1.0/x", "tok", "invisible-characters"),
        ("/v1.0/x", "tok\u{a0}", "/v1.0/x", "tok", "invisible-characters"),
        ("/v1.0/files/a%2fb", "tok", "/v1.0/files/a/b", "tok", "path-percent-encoding"),
        ("/v1.0/files/a%2fb", "tok", "/v1.0/files/a%2Fb", "tok", "path-percent-encoding"),
        ("/v1.0/files/a%2Fb", "tok", "/v1.0/files/a%2fb", "tok", "path-percent-encoding"),
        ("/v1.0/caf%C3%A9", "tok", "/v1.0/caf\u{e9}", "tok", "path-percent-encoding"),
        ("/v1.0/q?name=a b", "tok", "/v1.0/q?name=a%20b", "tok", "path-percent-encoding"),
        ("/v1.0/inquiry", "tok", "/v1.0/inquiry/", "tok", "trailing-slash"),
    ];
    let sigs = python_sign(
        &cases
            .iter()
            .map(|c| json!({"secret": "a-secret", "message": format!("POST:{}:{}:{{digest}}:{TS}", c.2, c.3), "body": "{}"}))
            .collect::<Vec<_>>(),
    );
    for (c, sig) in cases.iter().zip(&sigs) {
        let j = explain_transaction(c.0, c.1, sig);
        assert_eq!(ids(&j), [c.4], "{c:?}: {j}");
    }
    // The percent-encoded form, as Python's urllib.parse.quote writes it.
    let quoted = String::from_utf8(pipe(
        Command::new("python3")
            .args(["-c", "import sys, urllib.parse; print(urllib.parse.quote(sys.stdin.read()), end='')"]),
        "/v1.0/caf\u{e9} x".as_bytes(),
    ))
    .unwrap();
    assert_eq!(quoted, "/v1.0/caf%C3%A9%20x");
    let sig = python_sign(&[
        json!({"secret": "a-secret", "message": format!("POST:{quoted}:tok:{{digest}}:{TS}"), "body": "{}"}),
    ]);
    let j = explain_transaction("/v1.0/caf\u{e9} x", "tok", &sig[0]);
    assert_eq!(ids(&j), ["path-percent-encoding"], "{j}");
}

#[test]
fn nothing_fits_says_so_and_lists_what_was_taken_as_given() {
    // Signed by Python with another key (of the same size): no variant can verify.
    let sig = python_sign(&[json!({"key": key("rsa2048-pkcs1.pem"), "message": "MCPD00000006|x"})]);
    let j = explain_token("MCPD00000006", TS, &sig[0]);
    assert!(ids(&j).is_empty(), "{j}");
    let u = &j["unexplained"];
    assert_eq!(u["id"], "no-variant-verifies");
    assert!(u["message"].as_str().unwrap().contains("the key is probably not the one that signed"), "{u}");
    let tried = u["tried"].to_string();
    // A token signature signs no body and no path: neither is said to have been tried.
    assert!(!tried.contains("body") && !tried.contains("path"), "{tried}");
    assert!(u["taken_as_given"].to_string().contains("the client id's characters"), "{u}");
    // Text: the same, for a transaction, with the secret named.
    let sig = python_sign(&[
        json!({"secret": "another-secret", "message": format!("POST:/v1.0/x:tok:{{digest}}:{TS}"), "body": "{}"}),
    ]);
    let out = Command::new(BIN)
        .args([
            "explain",
            "transaction",
            "--secret-env",
            "S",
            "--method",
            "POST",
            "--path",
            "/v1.0/x",
            "--token",
            "tok",
            "--timestamp",
            TS,
            "--signature",
            &sig[0],
            "--body",
            "-",
        ])
        .env("S", "a-secret")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("checked): the client secret is probably not the one that signed"), "{text}");
    assert!(text.contains("  taken as given:\n    - the client secret\n"), "{text}");
}

#[test]
fn node_json_stringify_signed_by_node() {
    // node re-serialises the body (JSON.stringify(JSON.parse(body))) and signs it with its own crypto.
    const NODE: &str = r#"
const crypto = require('crypto');
let input = '';
process.stdin.on('data', d => input += d).on('end', () => {
  const { body, ts } = JSON.parse(input);
  const encoded = JSON.stringify(JSON.parse(body));
  const digest = crypto.createHash('sha256').update(encoded).digest('hex');
  const sts = `POST:/v1.0/x:tok:${digest}:${ts}`;
  const signature = crypto.createHmac('sha512', 'a-secret').update(sts).digest('base64');
  process.stdout.write(JSON.stringify({ encoded, signature }));
});
"#;
    if Command::new("node").arg("--version").output().is_err() {
        eprintln!("node is not installed: skipped");
        return;
    }
    let body =
        "{\n  \"amount\": 100.50,\n  \"name\": \"caf\\u00e9\",\n  \"big\": 1E21,\n  \"url\": \"https:\\/\\/x.id\"\n}\n";
    let out = pipe(Command::new("node").args(["-e", NODE]), json!({"body": body, "ts": TS}).to_string().as_bytes());
    let node: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(node["encoded"], "{\"amount\":100.5,\"name\":\"caf\u{e9}\",\"big\":1e+21,\"url\":\"https://x.id\"}");
    let (code, j) = explain(
        &[
            "transaction",
            "--secret-env",
            "S",
            "--method",
            "POST",
            "--path",
            "/v1.0/x",
            "--token",
            "tok",
            "--timestamp",
            TS,
            "--body",
            "-",
            "--signature",
            node["signature"].as_str().unwrap(),
        ],
        body.as_bytes(),
    );
    assert_eq!(code, 1);
    assert_eq!(ids(&j), ["json-stringify"], "{j}");
    assert_eq!(j["causes"][0]["body"], node["encoded"]);
}
