//! The `snapsign` binary, run as a user would: signatures compared with tests/vectors (made with
//! OpenSSL and Python), exit codes, `--json` fields, key error messages, verify round trips and the
//! causes `explain` finds.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_snapsign");

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn key(name: &str) -> String {
    root().join("tests/vectors/keys").join(name).to_string_lossy().into_owned()
}

fn vectors() -> Value {
    let text = std::fs::read_to_string(root().join("tests/vectors/snap-vectors.json")).expect("vectors");
    serde_json::from_str(&text).expect("vectors JSON")
}

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Out {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.stdout))
    }
}

fn run_with(args: &[&str], env: &[(&str, &str)], stdin: Option<&[u8]>) -> Out {
    let mut cmd = Command::new(BIN);
    cmd.args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("spawn snapsign");
    if let Some(mut input) = child.stdin.take() {
        // The binary may exit before reading (a bad flag): a closed pipe is fine.
        let _ = input.write_all(stdin.unwrap_or_default());
    }
    let out = child.wait_with_output().expect("wait");
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn run(args: &[&str]) -> Out {
    run_with(args, &[], None)
}

/// A fresh temporary directory for one test.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("snapsign-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("write temp file");
    p.to_string_lossy().into_owned()
}

fn s(v: &Value) -> &str {
    v.as_str().expect("string")
}

// ------------------------------------------------------------------ token

#[test]
fn token_signatures_match_the_vectors() {
    let v = vectors();
    for t in v["token_b2b"].as_array().expect("token_b2b") {
        let k = key(&format!("{}-pkcs8.pem", s(&t["key"])));
        let out = run(&[
            "token",
            "--key",
            &k,
            "--client-id",
            s(&t["client_id"]),
            "--timestamp",
            s(&t["timestamp"]),
            "--json",
        ]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        let j = out.json();
        assert_eq!(j["string_to_sign"], t["string_to_sign"]);
        assert_eq!(j["signature"], t["signature"]);
        assert_eq!(j["headers"]["X-SIGNATURE"], t["signature"]);
        assert_eq!(j["headers"]["X-TIMESTAMP"], t["timestamp"]);
        assert_eq!(j["headers"]["X-CLIENT-KEY"], t["client_id"]);
    }
}

#[test]
fn token_headers_and_every_key_encoding() {
    let v = vectors();
    let t = &v["token_b2b"][0];
    let expected = format!(
        "X-TIMESTAMP: 2020-10-04T17:55:58+07:00\nX-CLIENT-KEY: MCPD00000006\nX-SIGNATURE: {}\nContent-Type: application/json\n",
        s(&t["signature"])
    );
    for name in ["rsa2048-pkcs8.pem", "rsa2048-pkcs1.pem", "rsa2048-pkcs8.der", "rsa2048-pkcs1.der"] {
        let out = run(&[
            "token",
            "--key",
            &key(name),
            "--client-id",
            "MCPD00000006",
            "--timestamp",
            "2020-10-04T17:55:58+07:00",
        ]);
        assert_eq!(out.code, 0, "{name}: {}", out.stderr);
        assert_eq!(out.stdout, expected, "{name}");
    }
    // A PEM with CRLF line ends.
    let dir = temp_dir("crlf");
    let pem = std::fs::read_to_string(key("rsa2048-pkcs8.pem")).expect("pem");
    let crlf = write(&dir, "crlf.pem", pem.replace('\n', "\r\n").as_bytes());
    let out =
        run(&["token", "--key", &crlf, "--client-id", "MCPD00000006", "--timestamp", "2020-10-04T17:55:58+07:00"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, expected);
    // With ORIGIN.
    let out = run(&[
        "token",
        "--key",
        &key("rsa2048-pkcs8.pem"),
        "--client-id",
        "MCPD00000006",
        "--timestamp",
        "2020-10-04T17:55:58+07:00",
        "--origin",
        "https://www.finalunion.co.id",
    ]);
    assert_eq!(out.stdout, format!("{expected}ORIGIN: https://www.finalunion.co.id\n"));
}

#[test]
fn token_curl_command() {
    let v = vectors();
    let sig = s(&v["token_b2b"][0]["signature"]);
    let out = run(&[
        "token",
        "--key",
        &key("rsa2048-pkcs8.pem"),
        "--client-id",
        "MCPD00000006",
        "--timestamp",
        "2020-10-04T17:55:58+07:00",
        "--curl",
        "https://api-stage.senmo.id/api/v1.0/access-token/b2b",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let expected = format!(
        "curl --request 'POST' --location 'https://api-stage.senmo.id/api/v1.0/access-token/b2b' \\\n\
         --header 'X-TIMESTAMP: 2020-10-04T17:55:58+07:00' \\\n\
         --header 'X-CLIENT-KEY: MCPD00000006' \\\n\
         --header 'X-SIGNATURE: {sig}' \\\n\
         --header 'Content-Type: application/json' \\\n\
         --data '{{\"grantType\":\"client_credentials\"}}'\n"
    );
    assert_eq!(out.stdout, expected);
}

#[test]
fn token_current_time_formats() {
    let k = key("rsa2048-pkcs8.pem");
    let cases: [(&[&str], &str, usize); 4] = [
        (&[], "+07:00", 25),
        (&["--offset", "Z"], "Z", 20),
        (&["--offset", "+00:00", "--millis"], "+00:00", 29),
        (&["--offset", "+09:00", "--millis"], "+09:00", 29),
    ];
    for (extra, suffix, len) in cases {
        let mut args = vec!["token", "--key", k.as_str(), "--client-id", "C1", "--json"];
        args.extend_from_slice(extra);
        let out = run(&args);
        assert_eq!(out.code, 0, "{}", out.stderr);
        let j = out.json();
        let ts = s(&j["timestamp"]).to_string();
        assert!(ts.ends_with(suffix) && ts.len() == len, "{extra:?}: {ts}");
        assert_eq!(s(&j["string_to_sign"]), format!("C1|{ts}"));
        // And it verifies.
        let sig = s(&j["signature"]).to_string();
        let out = run(&[
            "verify",
            "token",
            "--public-key",
            &key("rsa2048-public.pem"),
            "--client-id",
            "C1",
            "--timestamp",
            &ts,
            "--signature",
            &sig,
            "--max-skew",
            "900",
        ]);
        assert_eq!((out.code, out.stdout.as_str()), (0, "valid\n"));
    }
    let out = run(&["token", "--key", &k, "--client-id", "C1", "--offset", "+7"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.starts_with("snapsign: --offset: "), "{}", out.stderr);
}

#[test]
fn bad_keys_are_named() {
    let dir = temp_dir("badkeys");
    let garbage = write(&dir, "garbage.pem", b"this is not a key\n");
    let empty = write(&dir, "empty.pem", b"");
    let public = key("rsa2048-public.pem");
    let weak = key("weak1024-pkcs8.pem");
    let cases: [(&str, &str); 5] = [
        (&public, "found a public key where a private key is needed"),
        (&weak, "RSA key has 1024 bits; at least 2048 are required"),
        (&garbage, "not a PEM or DER RSA key"),
        (&empty, "the file is empty"),
        ("/nonexistent/key.pem", "cannot read: no such file"),
    ];
    for (file, reason) in cases {
        let out = run(&["token", "--key", file, "--client-id", "C1", "--timestamp", "2020-01-01T00:00:00Z"]);
        assert_eq!(out.code, 2, "{file}");
        assert!(out.stdout.is_empty());
        let prefix = format!("snapsign: {file}: ");
        assert!(out.stderr.starts_with(&prefix), "{}", out.stderr);
        assert!(out.stderr.contains(reason), "{}", out.stderr);
        assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    }
    // The public key as --key of service too, and the public DER.
    let out = run(&[
        "service",
        "--key",
        &key("rsa2048-public.der"),
        "--method",
        "GET",
        "--path",
        "/x",
        "--timestamp",
        "2020-01-01T00:00:00Z",
    ]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("public key"), "{}", out.stderr);
    // A weak key is accepted when asked for.
    let out = run(&[
        "token",
        "--key",
        &weak,
        "--allow-weak-key",
        "--client-id",
        "C1",
        "--timestamp",
        "2020-01-01T00:00:00Z",
        "--json",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(s(&out.json()["signature"]).len(), 172);
    // A passphrase variable that is not set.
    let out = run_with(
        &[
            "token",
            "--key",
            &key("rsa2048-pkcs8.pem"),
            "--passphrase-env",
            "SNAPSIGN_TEST_UNSET_VAR",
            "--client-id",
            "C1",
        ],
        &[],
        None,
    );
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("SNAPSIGN_TEST_UNSET_VAR"), "{}", out.stderr);
}

#[test]
fn token_bad_inputs() {
    let k = key("rsa2048-pkcs8.pem");
    let out = run(&["token", "--key", &k, "--client-id", "A|B", "--timestamp", "2020-01-01T00:00:00Z"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.starts_with("snapsign: --client-id: client id contains '|'"), "{}", out.stderr);
    let out = run(&["token", "--key", &k, "--client-id", "C1", "--timestamp", "2020-01-01 00:00:00Z"]);
    assert_eq!(out.code, 2);
    assert_eq!(out.stderr, "snapsign: --timestamp: invalid X-TIMESTAMP at byte 10: expected yyyy-MM-ddTHH:mm:ss[.SSS] followed by Z or +HH:mm\n");
    // Usage errors: clap's exit code 2.
    assert_eq!(run(&["token", "--key", &k]).code, 2);
    assert_eq!(
        run(&["token", "--key", &k, "--client-id", "C", "--timestamp", "2020-01-01T00:00:00Z", "--millis"]).code,
        2
    );
}

// ------------------------------------------------------------------ transaction and service

fn body_args(dir: &Path, i: usize, body: &str) -> Vec<String> {
    if body.is_empty() {
        Vec::new()
    } else {
        vec!["--body".into(), write(dir, &format!("body{i}.json"), body.as_bytes())]
    }
}

#[test]
fn transaction_signatures_match_the_vectors() {
    let v = vectors();
    let dir = temp_dir("tx");
    for (i, t) in v["transaction_hmac"].as_array().expect("transaction_hmac").iter().enumerate() {
        let mut args: Vec<String> =
            ["transaction", "--secret-env", "SNAP_SECRET", "--method", s(&t["method"]), "--path", s(&t["path"])]
                .map(String::from)
                .to_vec();
        args.extend([
            "--token".into(),
            s(&t["access_token"]).into(),
            "--timestamp".into(),
            s(&t["timestamp"]).into(),
            "--json".into(),
        ]);
        args.extend(body_args(&dir, i, s(&t["body"])));
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = run_with(&refs, &[("SNAP_SECRET", s(&t["client_secret"]))], None);
        assert_eq!(out.code, 0, "{}", out.stderr);
        let j = out.json();
        for field in ["string_to_sign", "signature", "body_minified", "body_sha256_hex"] {
            assert_eq!(j[field], t[field], "vector {i}: {field}");
        }
        assert_eq!(s(&j["headers"]["Authorization"]), format!("Bearer {}", s(&t["access_token"])));

        // verify: valid, then the same with another timestamp: invalid.
        let mut vargs: Vec<String> = [
            "verify",
            "transaction",
            "--secret-env",
            "SNAP_SECRET",
            "--method",
            s(&t["method"]),
            "--path",
            s(&t["path"]),
        ]
        .map(String::from)
        .to_vec();
        vargs.extend(["--token".into(), s(&t["access_token"]).into(), "--signature".into(), s(&t["signature"]).into()]);
        vargs.extend(body_args(&dir, i, s(&t["body"])));
        let mut ok = vargs.clone();
        ok.extend(["--timestamp".into(), s(&t["timestamp"]).into()]);
        let refs: Vec<&str> = ok.iter().map(String::as_str).collect();
        let out = run_with(&refs, &[("SNAP_SECRET", s(&t["client_secret"]))], None);
        assert_eq!((out.code, out.stdout.as_str()), (0, "valid\n"), "{}", out.stderr);
        let mut bad = vargs.clone();
        bad.extend(["--timestamp".into(), "2020-01-01T00:00:00Z".into(), "--json".into()]);
        let refs: Vec<&str> = bad.iter().map(String::as_str).collect();
        let out = run_with(&refs, &[("SNAP_SECRET", s(&t["client_secret"]))], None);
        assert_eq!(out.code, 1);
        assert_eq!(out.json()["valid"], Value::Bool(false));
        assert_eq!(out.json()["reason"], "signature does not match");
    }
}

#[test]
fn transaction_secret_file_and_headers() {
    let v = vectors();
    let t = &v["transaction_hmac"][1];
    let dir = temp_dir("secretfile");
    let secret = write(&dir, "secret", format!("{}\r\n", s(&t["client_secret"])).as_bytes());
    let body = write(&dir, "body.json", s(&t["body"]).as_bytes());
    let out = run(&[
        "transaction",
        "--secret-file",
        &secret,
        "--method",
        "POST",
        "--path",
        s(&t["path"]),
        "--token",
        s(&t["access_token"]),
        "--timestamp",
        s(&t["timestamp"]),
        "--body",
        &body,
        "--partner-id",
        "P1",
        "--external-id",
        "123",
        "--channel-id",
        "95221",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        format!(
            "Authorization: Bearer {}\nX-TIMESTAMP: {}\nX-SIGNATURE: {}\nContent-Type: application/json\nX-PARTNER-ID: P1\nX-EXTERNAL-ID: 123\nCHANNEL-ID: 95221\n",
            s(&t["access_token"]),
            s(&t["timestamp"]),
            s(&t["signature"])
        )
    );
    // Body from standard input.
    let out = run_with(
        &[
            "transaction",
            "--secret-file",
            &secret,
            "--method",
            "POST",
            "--path",
            s(&t["path"]),
            "--token",
            s(&t["access_token"]),
            "--timestamp",
            s(&t["timestamp"]),
            "--body",
            "-",
            "--json",
        ],
        &[],
        Some(s(&t["body"]).as_bytes()),
    );
    assert_eq!(out.json()["signature"], t["signature"]);
    // A generated external id.
    let out = run(&[
        "transaction",
        "--secret-file",
        &secret,
        "--method",
        "GET",
        "--path",
        "/x",
        "--token",
        "t",
        "--new-external-id",
        "--json",
    ]);
    let id = s(&out.json()["headers"]["X-EXTERNAL-ID"]).to_string();
    assert!(id.len() == 32 && id.bytes().all(|b| b.is_ascii_digit()), "{id}");
}

#[test]
fn transaction_bad_inputs() {
    let env = [("SNAP_SECRET", "a-secret")];
    let base =
        ["transaction", "--secret-env", "SNAP_SECRET", "--method", "POST", "--timestamp", "2020-01-01T00:00:00Z"];
    let cases: [(&[&str], &str); 5] = [
        (&["--path", "/x", "--token", "Bearer abc"], "snapsign: --token: access token starts with 'Bearer '"),
        (&["--path", "https://api.example.com/x", "--token", "abc"], "snapsign: --path: endpoint is an absolute URL"),
        (&["--path", "x", "--token", "abc"], "snapsign: --path: endpoint path must start with '/'"),
        (
            &["--path", "/x", "--token", "abc", "--body", "/nonexistent.json"],
            "snapsign: /nonexistent.json: cannot read: no such file",
        ),
        (
            &["--path", "/x", "--token", "abc", "--body", "-"],
            "snapsign: <stdin>: invalid JSON body at byte 7: unexpected character",
        ),
    ];
    for (extra, message) in cases {
        let mut args = base.to_vec();
        args.extend_from_slice(extra);
        let out = run_with(&args, &env, Some(br#"{"a":1,}"#));
        assert_eq!(out.code, 2, "{extra:?}");
        assert!(out.stderr.starts_with(message), "{}", out.stderr);
    }
    // Lower-case method.
    let out = run_with(
        &["transaction", "--secret-env", "SNAP_SECRET", "--method", "post", "--path", "/x", "--token", "t"],
        &env,
        None,
    );
    assert_eq!(out.code, 2);
    assert!(out.stderr.starts_with("snapsign: --method: "), "{}", out.stderr);
    // The secret variable is not set; no secret at all; both.
    let out = run(&[
        "transaction",
        "--secret-env",
        "SNAPSIGN_TEST_UNSET_VAR",
        "--method",
        "GET",
        "--path",
        "/x",
        "--token",
        "t",
    ]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.starts_with("snapsign: --secret-env: environment variable SNAPSIGN_TEST_UNSET_VAR is not set"));
    assert_eq!(run(&["transaction", "--method", "GET", "--path", "/x", "--token", "t"]).code, 2);
    assert_eq!(
        run(&[
            "transaction",
            "--secret-env",
            "A",
            "--secret-file",
            "B",
            "--method",
            "GET",
            "--path",
            "/x",
            "--token",
            "t"
        ])
        .code,
        2
    );
    // --secret is not an option: secrets never come from the command line.
    assert_eq!(run(&["transaction", "--secret", "x", "--method", "GET", "--path", "/x", "--token", "t"]).code, 2);
}

#[test]
fn service_signatures_match_the_vectors() {
    let v = vectors();
    let dir = temp_dir("svc");
    for (i, t) in v["service_rsa"].as_array().expect("service_rsa").iter().enumerate() {
        let k = key(&format!("{}-pkcs1.pem", s(&t["key"])));
        let mut args: Vec<String> = [
            "service",
            "--key",
            &k,
            "--method",
            s(&t["method"]),
            "--path",
            s(&t["path"]),
            "--timestamp",
            s(&t["timestamp"]),
            "--json",
        ]
        .map(String::from)
        .to_vec();
        args.extend(body_args(&dir, i, s(&t["body"])));
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = run(&refs);
        assert_eq!(out.code, 0, "{}", out.stderr);
        let j = out.json();
        for field in ["string_to_sign", "signature", "body_minified", "body_sha256_hex"] {
            assert_eq!(j[field], t[field], "vector {i}: {field}");
        }
        // verify with the public key: valid; with the method changed: invalid.
        let public = key(&format!("{}-public.pem", s(&t["key"])));
        let mut vargs: Vec<String> = [
            "verify",
            "service",
            "--public-key",
            &public,
            "--path",
            s(&t["path"]),
            "--timestamp",
            s(&t["timestamp"]),
            "--signature",
            s(&t["signature"]),
            "--json",
        ]
        .map(String::from)
        .to_vec();
        vargs.extend(body_args(&dir, i, s(&t["body"])));
        for (method, code) in [(s(&t["method"]), 0), ("PUT", 1)] {
            let mut a = vargs.clone();
            a.extend(["--method".into(), method.into()]);
            let refs: Vec<&str> = a.iter().map(String::as_str).collect();
            let out = run(&refs);
            assert_eq!(out.code, code, "{}", out.stderr);
            let j = out.json();
            assert_eq!(j["valid"], Value::Bool(code == 0));
            assert_eq!(j["body_sha256_hex"], t["body_sha256_hex"]);
        }
    }
}

// ------------------------------------------------------------------ verify

#[test]
fn verify_token_outcomes() {
    let v = vectors();
    let t = &v["token_b2b"][0];
    let public = key("rsa2048-public.pem");
    let sig = s(&t["signature"]);
    let args = |client: &'static str, ts: &'static str, sig: String| -> Vec<String> {
        ["verify", "token", "--public-key", &public, "--client-id", client, "--timestamp", ts, "--signature", &sig]
            .map(String::from)
            .to_vec()
    };
    let exec = |a: Vec<String>| {
        let refs: Vec<&str> = a.iter().map(String::as_str).collect();
        run(&refs)
    };
    let out = exec(args("MCPD00000006", "2020-10-04T17:55:58+07:00", sig.into()));
    assert_eq!((out.code, out.stdout.as_str()), (0, "valid\n"));
    // The private key file verifies too (its public half).
    let mut a = args("MCPD00000006", "2020-10-04T17:55:58+07:00", sig.into());
    a[3] = key("rsa2048-pkcs1.der");
    assert_eq!(exec(a).code, 0);
    // Another client: invalid.
    let out = exec(args("MCPD00000007", "2020-10-04T17:55:58+07:00", sig.into()));
    assert_eq!((out.code, out.stdout.as_str()), (1, "invalid: signature does not match\n"));
    // Same instant in UTC: invalid (the exact text is signed).
    assert_eq!(exec(args("MCPD00000006", "2020-10-04T10:55:58Z", sig.into())).code, 1);
    // Truncated and non-base64 signatures: invalid with a reason.
    let out = exec(args("MCPD00000006", "2020-10-04T17:55:58+07:00", sig[..340].to_string()));
    assert_eq!(out.code, 1);
    assert!(out.stdout.starts_with("invalid: "), "{}", out.stdout);
    let out = exec(args("MCPD00000006", "2020-10-04T17:55:58+07:00", "not base64!".into()));
    assert_eq!(out.code, 1);
    assert!(out.stdout.contains("base64"), "{}", out.stdout);
    // A stale timestamp with --max-skew: invalid even though the signature matches.
    let mut a = args("MCPD00000006", "2020-10-04T17:55:58+07:00", sig.into());
    a.extend(["--max-skew".into(), "900".into(), "--json".into()]);
    let out = exec(a);
    assert_eq!(out.code, 1);
    let j = out.json();
    assert_eq!(j["valid"], Value::Bool(false));
    assert!(s(&j["reason"]).contains(" in the past (allowed: ±900 s)"), "{j}");
    assert_eq!(j["string_to_sign"], t["string_to_sign"]);
    // Bad input: a malformed timestamp, a missing key file, a weak key.
    assert_eq!(exec(args("MCPD00000006", "2020-10-04", sig.into())).code, 2);
    let mut a = args("MCPD00000006", "2020-10-04T17:55:58+07:00", sig.into());
    a[3] = "/nonexistent.pem".into();
    let out = exec(a);
    assert_eq!(out.code, 2);
    assert!(out.stderr.starts_with("snapsign: /nonexistent.pem: "), "{}", out.stderr);
    let mut a = args("MCPD00000006", "2020-10-04T17:55:58+07:00", sig.into());
    a[3] = key("weak1024-pkcs8.pem");
    assert_eq!(exec(a).code, 2);
}

// ------------------------------------------------------------------ minify and digest

#[test]
fn minify_and_digest_match_the_vectors() {
    let v = vectors();
    let dir = temp_dir("minify");
    for (i, m) in v["minify"].as_array().expect("minify").iter().enumerate() {
        let input = s(&m["input"]);
        let out = run_with(&["minify", "--no-newline"], &[], Some(input.as_bytes()));
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert_eq!(out.stdout, s(&m["output"]), "minify vector {i}");
        let file = write(&dir, &format!("m{i}.json"), input.as_bytes());
        let out = run(&["minify", &file]);
        assert_eq!(out.stdout, format!("{}\n", s(&m["output"])));
    }
    for t in v["transaction_hmac"].as_array().expect("transaction_hmac") {
        let out = run_with(&["digest", "-"], &[], Some(s(&t["body"]).as_bytes()));
        assert_eq!(out.code, 0);
        assert_eq!(out.stdout, format!("{}\n", s(&t["body_sha256_hex"])));
    }
}

#[test]
fn invalid_bodies_are_refused() {
    let v = vectors();
    let dir = temp_dir("invalid");
    for (i, m) in v["minify_invalid"].as_array().expect("minify_invalid").iter().enumerate() {
        let bytes = decode_base64(s(&m["input_b64"]));
        let file = write(&dir, &format!("bad{i}.json"), &bytes);
        for cmd in ["minify", "digest"] {
            let out = run(&[cmd, &file]);
            assert_eq!(out.code, 2, "vector {i}");
            assert!(out.stdout.is_empty());
            assert!(out.stderr.starts_with(&format!("snapsign: {file}: invalid JSON body at byte ")), "{}", out.stderr);
        }
    }
}

/// `digest` reads its input in pieces: a body of many read buffers gives the core's digest of the
/// whole body, and an error past the first buffer keeps its offset from the start of the body.
#[test]
fn digest_streams_large_bodies() {
    let dir = temp_dir("digest_large");
    let mut body = b"[\n".to_vec();
    for i in 0..40_000 {
        body.extend_from_slice(format!("  {{\"id\": {i}, \"name\": \"caf\u{e9} \\u00e9 {i}\"}},\n").as_bytes());
    }
    body.extend_from_slice(b"  null\n]\n");
    assert!(body.len() > 3 << 18, "spans several read buffers");
    let want = snapsign_core::body_digest(&body).unwrap();
    let file = write(&dir, "large.json", &body);
    let out = run(&["digest", &file]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, format!("{want}\n"));
    let out = run_with(&["digest", "-"], &[], Some(&body));
    assert_eq!(out.stdout, format!("{want}\n"));

    let bad_at = body.len() - 3;
    body[bad_at] = b'x';
    let file = write(&dir, "large_bad.json", &body);
    let out = run(&["digest", &file]);
    assert_eq!(out.code, 2);
    assert_eq!(out.stderr, format!("snapsign: {file}: invalid JSON body at byte {bad_at}: unexpected character\n"));
    assert_eq!(run(&["minify", &file]).stderr, out.stderr);
}

fn decode_base64(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for c in text.bytes().filter(|&c| c != b'=') {
        let v = ALPHABET.iter().position(|&a| a == c).expect("base64") as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

// ------------------------------------------------------------------ explain

fn sign_tx(path: &str, token: &str, ts: &str, body: &[u8], method: &str) -> String {
    let out = run_with(
        &[
            "transaction",
            "--secret-env",
            "S",
            "--method",
            method,
            "--path",
            path,
            "--token",
            token,
            "--timestamp",
            ts,
            "--body",
            "-",
            "--json",
        ],
        &[("S", "a-secret")],
        Some(body),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    s(&out.json()["signature"]).to_string()
}

fn explain_tx(path: &str, token: &str, ts: &str, body: &[u8], sig: &str, method: &str) -> Out {
    run_with(
        &[
            "explain",
            "transaction",
            "--secret-env",
            "S",
            "--method",
            method,
            "--path",
            path,
            "--token",
            token,
            "--timestamp",
            ts,
            "--body",
            "-",
            "--signature",
            sig,
            "--json",
        ],
        &[("S", "a-secret")],
        Some(body),
    )
}

fn causes(j: &Value) -> Vec<String> {
    j["causes"].as_array().expect("causes").iter().map(|c| s(&c["cause"]).to_string()).collect()
}

#[test]
fn explain_steps_and_valid_signature() {
    let v = vectors();
    let t = &v["transaction_hmac"][1];
    let out = run_with(
        &[
            "explain",
            "transaction",
            "--secret-env",
            "S",
            "--method",
            "POST",
            "--path",
            s(&t["path"]),
            "--token",
            s(&t["access_token"]),
            "--timestamp",
            s(&t["timestamp"]),
            "--body",
            "-",
            "--signature",
            s(&t["signature"]),
        ],
        &[("S", s(&t["client_secret"]))],
        Some(s(&t["body"]).as_bytes()),
    );
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    for needle in
        [s(&t["body_minified"]), s(&t["body_sha256_hex"]), s(&t["string_to_sign"]), s(&t["signature"]), "VALID"]
    {
        assert!(out.stdout.contains(needle), "missing {needle}:\n{}", out.stdout);
    }
    // JSON, no signature given: the computed signature and every intermediate value.
    let out = run_with(
        &[
            "explain",
            "transaction",
            "--secret-env",
            "S",
            "--method",
            "POST",
            "--path",
            s(&t["path"]),
            "--token",
            s(&t["access_token"]),
            "--timestamp",
            s(&t["timestamp"]),
            "--body",
            "-",
            "--json",
        ],
        &[("S", s(&t["client_secret"]))],
        Some(s(&t["body"]).as_bytes()),
    );
    assert_eq!(out.code, 0);
    let j = out.json();
    for field in ["string_to_sign", "signature", "body_minified", "body_sha256_hex"] {
        assert_eq!(j[field], t[field], "{field}");
    }
    assert_eq!(j["valid"], Value::Null);
}

#[test]
fn explain_finds_timestamp_format() {
    let sig = sign_tx("/v1.0/x", "tok", "2024-03-05T03:37:16Z", b"{}", "POST");
    let out = explain_tx("/v1.0/x", "tok", "2024-03-05T10:37:16+07:00", b"{}", &sig, "POST");
    assert_eq!(out.code, 1);
    let j = out.json();
    assert_eq!(j["valid"], Value::Bool(false));
    assert_eq!(causes(&j), ["the timestamp was written as 2024-03-05T03:37:16Z (the same instant)"]);
    // Token signature, signed with milliseconds.
    let v = vectors();
    let t = &v["token_b2b"][0];
    let out = run(&[
        "explain",
        "token",
        "--public-key",
        &key("rsa2048-public.pem"),
        "--client-id",
        "MCPD00000006",
        "--timestamp",
        "2020-10-04T10:55:58.000Z",
        "--signature",
        s(&t["signature"]),
    ]);
    assert_eq!(out.code, 1);
    assert!(
        out.stdout.contains("the timestamp was written as 2020-10-04T17:55:58+07:00 (the same instant)"),
        "{}",
        out.stdout
    );
}

#[test]
fn explain_finds_query_string_bearer_and_method() {
    // Signed without the query string.
    let sig = sign_tx("/v1.0/va/inquiry", "tok", "2024-03-05T10:37:16+07:00", b"{}", "POST");
    let j = explain_tx("/v1.0/va/inquiry?channel=web", "tok", "2024-03-05T10:37:16+07:00", b"{}", &sig, "POST").json();
    assert_eq!(causes(&j), ["the path was signed without its query string (/v1.0/va/inquiry)"]);
    // Signed with the query string, but checked without it: nothing to guess, no match.
    let sig_q = sign_tx("/v1.0/va/inquiry?channel=web", "tok", "2024-03-05T10:37:16+07:00", b"{}", "POST");
    let j = explain_tx("/v1.0/va/inquiry", "tok", "2024-03-05T10:37:16+07:00", b"{}", &sig_q, "POST").json();
    assert!(causes(&j).is_empty());
    assert!(j["variants_checked"].as_u64().unwrap_or(0) > 10);
    // The token given with "Bearer ": a problem, and the bare token verifies.
    let out = explain_tx("/v1.0/va/inquiry", "Bearer tok", "2024-03-05T10:37:16+07:00", b"{}", &sig, "POST");
    assert_eq!(out.code, 1);
    let j = out.json();
    assert!(s(&j["problems"][0]).starts_with("--token: access token starts with 'Bearer '"), "{j}");
    assert_eq!(causes(&j), ["the bare token (without 'Bearer ') was signed"]);
    // Bearer and a timestamp format at once: two changes.
    let j = explain_tx("/v1.0/va/inquiry", "Bearer tok", "2024-03-05T03:37:16Z", b"{}", &sig, "POST").json();
    assert_eq!(
        causes(&j),
        ["the timestamp was written as 2024-03-05T10:37:16+07:00 (the same instant), and the bare token (without 'Bearer ') was signed"]
    );
    // Lower-case method given.
    let out = explain_tx("/v1.0/va/inquiry", "tok", "2024-03-05T10:37:16+07:00", b"{}", &sig, "post");
    let j = out.json();
    assert!(s(&j["problems"][0]).starts_with("--method: "), "{j}");
    assert_eq!(causes(&j), ["the method was signed as POST"]);
}

#[test]
fn explain_finds_reserialised_bodies() {
    let ts = "2024-03-05T10:37:16+07:00";
    let sent = "{\n  \"name\": \"café\",\n  \"url\": \"https://x.id/a\"\n}\n".as_bytes();
    // Python json.dumps(separators=(',', ':')) escapes non-ASCII: the other side hashed that.
    let sig = sign_tx("/v1.0/x", "tok", ts, br#"{"name":"caf\u00e9","url":"https://x.id/a"}"#, "POST");
    let j = explain_tx("/v1.0/x", "tok", ts, sent, &sig, "POST").json();
    let c = causes(&j);
    assert_eq!(c.len(), 1, "{c:?}");
    assert!(
        c[0].starts_with("the body was re-serialised before hashing: Python json.dumps(body, separators=(',', ':'))"),
        "{c:?}"
    );
    assert_eq!(j["causes"][0]["body"], r#"{"name":"caf\u00e9","url":"https://x.id/a"}"#);
    // PHP json_encode escapes '/'.
    let sig = sign_tx("/v1.0/x", "tok", ts, br#"{"name":"caf\u00e9","url":"https:\/\/x.id\/a"}"#, "POST");
    let c = causes(&explain_tx("/v1.0/x", "tok", ts, sent, &sig, "POST").json());
    assert!(c.len() == 1 && c[0].contains("PHP json_encode(body) ("), "{c:?}");
    // An empty body signed as {}.
    let sig = sign_tx("/v1.0/x", "tok", ts, b"{}", "GET");
    let c = causes(&explain_tx("/v1.0/x", "tok", ts, b"", &sig, "GET").json());
    assert_eq!(c, ["an empty body was signed as {}"]);
}

#[test]
fn explain_service_absolute_url_and_invisible_characters() {
    let k = key("rsa2048-pkcs8.pem");
    let ts = "2024-03-05T10:37:16+07:00";
    let out = run(&["service", "--key", &k, "--method", "POST", "--path", "/v1.0/notify", "--timestamp", ts, "--json"]);
    let sig = s(&out.json()["signature"]).to_string();
    let out = run(&[
        "explain",
        "service",
        "--public-key",
        &key("rsa2048-public.pem"),
        "--method",
        "POST",
        "--path",
        "https://api.example.com/v1.0/notify",
        "--timestamp",
        ts,
        "--signature",
        &sig,
        "--json",
    ]);
    assert_eq!(out.code, 1);
    let j = out.json();
    assert!(s(&j["problems"][0]).starts_with("--path: endpoint is an absolute URL"), "{j}");
    assert_eq!(causes(&j), ["the relative path /v1.0/notify was signed, not the absolute URL"]);
    // Invisible characters are shown, and the core's refusal is explained.
    let out = run(&["explain", "token", "--key", &k, "--client-id", "MCPD\u{a0}0006\t ", "--timestamp", ts]);
    assert_eq!(out.code, 1);
    assert!(out.stdout.contains("\"MCPD\\u{a0}0006\\t\\u{20}|2024-03-05T10:37:16+07:00\""), "{}", out.stdout);
    assert!(
        out.stdout.contains("--client-id: client id (X-CLIENT-KEY) has a control character at byte 10"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("--client-id ends with whitespace"), "{}", out.stdout);
    // A malformed timestamp is explained with a caret.
    let out = run(&["explain", "token", "--key", &k, "--client-id", "C1", "--timestamp", "2024-03-05 10:37:16+07:00"]);
    assert_eq!(out.code, 1);
    assert!(out.stdout.contains("invalid X-TIMESTAMP at byte 10"), "{}", out.stdout);
    assert!(out.stdout.contains("2024-03-05\\u{20}10:37:16+07:00\n                ^"), "{}", out.stdout);
}

#[test]
fn explain_exit_codes_for_bad_input() {
    // A signature without anything to check it with.
    let out =
        run(&["explain", "token", "--client-id", "C1", "--timestamp", "2024-03-05T10:37:16Z", "--signature", "abc="]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.starts_with("snapsign: --signature: "), "{}", out.stderr);
    let out =
        run(&["explain", "transaction", "--method", "GET", "--path", "/x", "--token", "t", "--signature", "abc="]);
    assert_eq!(out.code, 2);
    // A wrong key file.
    let out = run(&["explain", "service", "--key", &key("rsa2048-public.pem"), "--method", "GET", "--path", "/x"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("found a public key where a private key is needed"), "{}", out.stderr);
    // Nothing wrong and nothing to check: exit 0, with the signature computed.
    let out = run(&[
        "explain",
        "token",
        "--key",
        &key("rsa2048-pkcs8.pem"),
        "--client-id",
        "MCPD00000006",
        "--timestamp",
        "2020-10-04T17:55:58+07:00",
        "--json",
    ]);
    assert_eq!(out.code, 0);
    let v = vectors();
    assert_eq!(out.json()["signature"], v["token_b2b"][0]["signature"]);
}

#[test]
fn explain_url_safe_signature() {
    let v = vectors();
    let t = &v["token_b2b"][0];
    let url_safe = s(&t["signature"]).replace('+', "-").replace('/', "_").trim_end_matches('=').to_string();
    let out = run(&[
        "explain",
        "token",
        "--public-key",
        &key("rsa2048-public.pem"),
        "--client-id",
        "MCPD00000006",
        "--timestamp",
        "2020-10-04T17:55:58+07:00",
        "--signature",
        &url_safe,
        "--json",
    ]);
    assert_eq!(out.code, 1);
    let j = out.json();
    assert_eq!(j["valid"], Value::Bool(false));
    assert!(s(&j["signature_notes"][0]).contains("URL-safe base64"), "{j}");
    assert_eq!(causes(&j), [s(&j["signature_notes"][0])]);
}

// Access tokens are often base64url, so about one in 64 starts with '-'; client ids and
// signatures can too. Each must be taken as the value, never as an unknown flag.
#[test]
fn values_starting_with_a_hyphen() {
    let token = "-GsZrPSlXFzJXEK5l1rLSOS99TWab0DxiXmFcMdVGYk";
    let ts = "2020-01-01T00:00:00+07:00";
    let sig = sign_tx("/v1.0/x", token, ts, b"{}", "POST");
    let out = run_with(
        &[
            "verify",
            "transaction",
            "--secret-env",
            "S",
            "--method",
            "POST",
            "--path",
            "/v1.0/x",
            "--token",
            token,
            "--timestamp",
            ts,
            "--signature",
            &sig,
            "--body",
            "-",
            "--json",
        ],
        &[("S", "a-secret")],
        Some(b"{}"),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        s(&out.json()["string_to_sign"]),
        format!("POST:/v1.0/x:{token}:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a:{ts}")
    );
    let out = explain_tx("/v1.0/x", token, ts, b"{}", &sig, "POST");
    assert_eq!(out.code, 0, "{}", out.stderr);

    let out =
        run(&["token", "--key", &key("rsa2048-pkcs8.pem"), "--client-id", "-client", "--timestamp", ts, "--json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(s(&out.json()["string_to_sign"]), format!("-client|{ts}"));

    // A signature starting with '-' reaches the base64 decoder, which names the problem.
    let out = run_with(
        &[
            "verify",
            "transaction",
            "--secret-env",
            "S",
            "--method",
            "GET",
            "--path",
            "/x",
            "--token",
            "t",
            "--timestamp",
            ts,
            "--signature",
            "-abc",
        ],
        &[("S", "a-secret")],
        None,
    );
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (1, "invalid: X-SIGNATURE is not standard padded base64 (no whitespace, '+' and '/' alphabet)\n"),
        "{}",
        out.stderr
    );
    // Flags still work as flags after a hyphen-valued option.
    let out = run(&["token", "--key", &key("rsa2048-pkcs8.pem"), "--client-id", "-c", "--timestamp", ts, "--json"]);
    assert!(out.json().is_object());
}

#[test]
fn providers_lists_every_profile_with_sources() {
    let out = run(&["providers", "--json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let list = out.json();
    let names: Vec<&str> = list.as_array().unwrap().iter().map(|p| s(&p["name"])).collect();
    assert_eq!(names, ["generic", "doku", "ifortepay", "midtrans", "dana", "bca", "bri", "mandiri", "winpay", "ovo"]);
    let bca = &list[5];
    assert_eq!(s(&bca["endpoint_rule"]["value"]), "canonical-query");
    assert_eq!(s(&bca["channel_id"]["value"]), "95051");
    assert_eq!(s(&list[4]["transaction_signature"]["value"]), "rsa-service");
    assert_eq!(s(&list[3]["timestamp"]["value"]["example"]), "2019-12-31T21:10:00.000Z");
    assert!(list[8]["token_path_b2b"]["value"].is_null());
    assert_eq!(s(&list[7]["token_path_b2b"]["confidence"]), "weak");
    let text = run(&["providers"]);
    assert!(text.stdout.contains("bri\n  token path     B2B /snap/v1.0/access-token/b2b"), "{}", text.stdout);
}

#[test]
fn request_signs_for_the_profile() {
    let dir = temp_dir("request");
    let body = write(&dir, "body.json", b"{ \"amount\": { \"value\": \"10000.00\" } }");
    let ts = "2020-01-01T04:10:00+07:00";
    let env = [("SECRET", "a-client-secret")];
    let bca = run_with(
        &[
            "request",
            "--provider",
            "bca",
            "--secret-env",
            "SECRET",
            "--token",
            "tok",
            "--method",
            "POST",
            "--path",
            "/openapi/v1.0/x?b=2&a=%7e1",
            "--body",
            &body,
            "--partner-id",
            "P1",
            "--timestamp",
            ts,
            "--external-id",
            "42",
            "--json",
        ],
        &env,
        None,
    );
    assert_eq!(bca.code, 0, "{}", bca.stderr);
    let j = bca.json();
    assert_eq!(s(&j["endpoint_url"]), "/openapi/v1.0/x?a=~1&b=2");
    let digest = s(&j["body_sha256_hex"]).to_owned();
    assert_eq!(s(&j["string_to_sign"]), format!("POST:/openapi/v1.0/x?a=~1&b=2:tok:{digest}:{ts}"));
    assert_eq!(s(&j["headers"]["CHANNEL-ID"]), "95051");
    assert_eq!(s(&j["headers"]["X-TIMESTAMP"]), ts);
    assert_eq!(s(&j["headers"]["X-SIGNATURE"]), s(&j["signature"]));
    assert_eq!(s(&j["headers"]["Authorization"]), "Bearer tok");
    // The same string-to-sign through `transaction` gives the same signature.
    let tx = run_with(
        &[
            "transaction",
            "--secret-env",
            "SECRET",
            "--token",
            "tok",
            "--method",
            "POST",
            "--path",
            "/openapi/v1.0/x?a=~1&b=2",
            "--body",
            &body,
            "--timestamp",
            ts,
            "--json",
        ],
        &env,
        None,
    );
    assert_eq!(s(&tx.json()["signature"]), s(&j["signature"]));

    // DANA signs with the private key, in the service form, and has its CHANNEL-ID.
    let dana = run(&[
        "request",
        "--provider",
        "dana",
        "--key",
        &key("rsa2048-pkcs8.pem"),
        "--method",
        "POST",
        "--path",
        "/v1.0/debit/payment-host-to-host.htm",
        "--partner-id",
        "C1",
        "--timestamp",
        ts,
        "--json",
    ]);
    assert_eq!(dana.code, 0, "{}", dana.stderr);
    let d = dana.json();
    assert_eq!(s(&d["headers"]["CHANNEL-ID"]), "95221");
    assert!(d["headers"].get("Authorization").is_none());
    let svc = run(&[
        "service",
        "--key",
        &key("rsa2048-pkcs8.pem"),
        "--method",
        "POST",
        "--path",
        "/v1.0/debit/payment-host-to-host.htm",
        "--timestamp",
        ts,
        "--json",
    ]);
    assert_eq!(s(&svc.json()["signature"]), s(&d["signature"]));
    // The wrong credential is named.
    let wrong = run_with(
        &[
            "request",
            "--provider",
            "dana",
            "--secret-env",
            "SECRET",
            "--method",
            "POST",
            "--path",
            "/v1.0/x.htm",
            "--partner-id",
            "C1",
        ],
        &env,
        None,
    );
    assert_eq!(wrong.code, 2);
    assert!(
        wrong.stderr.starts_with("snapsign: --key: this provider signs transaction calls with the private key"),
        "{}",
        wrong.stderr
    );
    // A header over its limit names its flag.
    let long = run_with(
        &[
            "request",
            "--secret-env",
            "SECRET",
            "--token",
            "t",
            "--method",
            "GET",
            "--path",
            "/v1.0/x",
            "--partner-id",
            "P1",
            "--channel-id",
            "123456",
        ],
        &env,
        None,
    );
    assert_eq!(long.code, 2);
    assert_eq!(long.stderr, "snapsign: --channel-id: CHANNEL-ID is longer than 5 bytes\n");
    // A bare --curl appends the path to --base-url.
    let curl = run_with(
        &[
            "request",
            "--secret-env",
            "SECRET",
            "--token",
            "t",
            "--method",
            "GET",
            "--path",
            "/v1.0/x?q=1",
            "--partner-id",
            "P1",
            "--channel-id",
            "1",
            "--curl",
            "--base-url",
            "https://api.example.com/",
        ],
        &env,
        None,
    );
    assert_eq!(curl.code, 0, "{}", curl.stderr);
    assert!(
        curl.stdout.starts_with("curl --request 'GET' --location 'https://api.example.com/v1.0/x?q=1'"),
        "{}",
        curl.stdout
    );
}

#[test]
fn b2b2c_request_headers() {
    let env = [("SECRET", "a-client-secret")];
    let out = run_with(
        &[
            "request",
            "--secret-env",
            "SECRET",
            "--token",
            "t",
            "--method",
            "POST",
            "--path",
            "/v1.0/x",
            "--partner-id",
            "P1",
            "--channel-id",
            "1",
            "--customer-token",
            "ct",
            "--device-id",
            "dev-1",
            "--ip-address",
            "10.0.0.1",
            "--latitude",
            "-6.2",
            "--longitude",
            "106.8",
            "--timestamp",
            "2020-01-01T04:10:00+07:00",
        ],
        &env,
        None,
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let names: Vec<&str> = out.stdout.lines().map(|l| l.split(':').next().unwrap()).collect();
    assert_eq!(
        names,
        [
            "Content-Type",
            "Authorization",
            "Authorization-Customer",
            "X-TIMESTAMP",
            "X-SIGNATURE",
            "X-PARTNER-ID",
            "X-EXTERNAL-ID",
            "X-IP-ADDRESS",
            "X-DEVICE-ID",
            "X-LATITUDE",
            "X-LONGITUDE",
            "CHANNEL-ID"
        ]
    );
    assert!(out.stdout.contains("Authorization-Customer: Bearer ct\n"));
    let no_device = run_with(
        &[
            "request",
            "--secret-env",
            "SECRET",
            "--token",
            "t",
            "--method",
            "POST",
            "--path",
            "/v1.0/x",
            "--partner-id",
            "P1",
            "--channel-id",
            "1",
            "--customer-token",
            "ct",
        ],
        &env,
        None,
    );
    assert_eq!(no_device.stderr, "snapsign: --device-id: X-DEVICE-ID is empty\n");
}

#[test]
fn token_provider_style_and_bare_curl() {
    let k = key("rsa2048-pkcs8.pem");
    let out = run(&["token", "--key", &k, "--client-id", "C1", "--provider", "midtrans", "--json"]);
    let ts = s(&out.json()["timestamp"]).to_owned();
    // Midtrans: milliseconds, Z.
    assert_eq!(ts.len(), 24, "{ts}");
    assert!(ts.ends_with('Z') && ts.as_bytes()[19] == b'.', "{ts}");
    let doku = run(&[
        "token",
        "--key",
        &k,
        "--client-id",
        "C1",
        "--provider",
        "doku",
        "--curl",
        "--base-url",
        "https://x.test",
    ]);
    assert!(
        doku.stdout.starts_with("curl --request 'POST' --location 'https://x.test/authorization/v1/access-token/b2b'"),
        "{}",
        doku.stdout
    );
    let explicit =
        run(&["token", "--key", &k, "--client-id", "C1", "--provider", "doku", "--offset", "+07:00", "--json"]);
    assert!(s(&explicit.json()["timestamp"]).ends_with("+07:00"));
    let winpay = run(&[
        "token",
        "--key",
        &k,
        "--client-id",
        "C1",
        "--provider",
        "winpay",
        "--curl",
        "--base-url",
        "https://x.test",
    ]);
    assert_eq!(winpay.code, 2);
    assert!(winpay.stderr.contains("no path for this call"), "{}", winpay.stderr);
    let bare = run(&["token", "--key", &k, "--client-id", "C1", "--curl"]);
    assert_eq!(bare.stderr, "snapsign: --curl: give a URL, or --base-url with a bare --curl\n");
}

#[test]
fn code_describes_response_codes() {
    let out = run(&["code", "4017300", "--json"]);
    assert_eq!(out.code, 0);
    let j = out.json();
    assert_eq!(j["http_status"], 401);
    assert_eq!(s(&j["service_name"]), "Access Token B2B");
    assert_eq!(s(&j["message"]), "Unauthorized. [reason]");
    assert!(j["likely_causes"].as_array().unwrap().len() >= 3);
    let text = run(&["code", "4092501"]);
    assert!(text.stdout.contains("case         01 Duplicate partnerReferenceNo"), "{}", text.stdout);
    let unknown = run(&["code", "9999999"]);
    assert!(unknown.stdout.contains("service      99 unknown"), "{}", unknown.stdout);
    let bad = run(&["code", "12"]);
    assert_eq!(bad.code, 2);
}

#[test]
fn explain_with_a_provider_uses_its_endpoint_rule_and_timestamp_style() {
    let ts = "2020-01-01T04:10:00+07:00";
    // A BCA client signed the query as sent; BCA expects it sorted.
    let sig = sign_tx("/openapi/v1.0/x?b=2&a=1", "tok", ts, b"{}", "POST");
    let out = run_with(
        &[
            "explain",
            "transaction",
            "--secret-env",
            "S",
            "--method",
            "POST",
            "--path",
            "/openapi/v1.0/x?b=2&a=1",
            "--token",
            "tok",
            "--timestamp",
            ts,
            "--body",
            "-",
            "--signature",
            &sig,
            "--provider",
            "bca",
            "--json",
        ],
        &[("S", "a-secret")],
        Some(b"{}"),
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    let j = out.json();
    assert!(s(&j["string_to_sign"]).starts_with("POST:/openapi/v1.0/x?a=1&b=2:tok:"), "{j}");
    assert_eq!(
        causes(&j),
        ["the path was signed as sent (/openapi/v1.0/x?b=2&a=1), not in the canonical-query form bca expects"]
    );
    // DOKU's style is UTC Z: a +07:00 timestamp is pointed out.
    let doku = run_with(
        &[
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
            ts,
            "--body",
            "-",
            "--provider",
            "doku",
            "--json",
        ],
        &[("S", "a-secret")],
        Some(b"{}"),
    );
    let w = doku.json()["warnings"].to_string();
    assert!(
        w.contains("--timestamp is not in doku's style: the same instant is written 2019-12-31T21:10:00Z there"),
        "{w}"
    );
}

#[test]
fn explain_service_finds_the_empty_token_field_form() {
    let pem = std::fs::read(key("rsa2048-pkcs8.pem")).unwrap();
    let signer = snapsign_core::RsaSigner::from_bytes(&pem, &snapsign_core::KeyOptions::default()).unwrap();
    let ts = "2020-01-01T04:10:00+07:00";
    let digest = snapsign_core::body_digest(b"{\"a\":1}").unwrap();
    // What some server libraries sign for a call without a token: the transaction layout, token empty.
    let wrong = format!("POST:/v1.0/notify::{digest}:{ts}");
    let sig = signer.sign(wrong.as_bytes(), &mut getrandom::SysRng).unwrap();
    let dir = temp_dir("empty-token");
    let body = write(&dir, "b.json", b"{\"a\":1}");
    let out = run(&[
        "explain",
        "service",
        "--key",
        &key("rsa2048-pkcs8.pem"),
        "--method",
        "POST",
        "--path",
        "/v1.0/notify",
        "--timestamp",
        ts,
        "--body",
        &body,
        "--signature",
        &sig,
        "--json",
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let j = out.json();
    let c = causes(&j);
    assert_eq!(c.len(), 1, "{c:?}");
    assert!(c[0].starts_with("the string was laid out with an empty access-token field"), "{c:?}");
    assert_eq!(s(&j["causes"][0]["string_to_sign"]), wrong);
}

#[test]
fn verify_accepts_a_certificate_and_warns_about_a_private_key() {
    let v = vectors();
    let sig = s(&v["token_b2b"][0]["signature"]).to_owned();
    let ts = "2020-10-04T17:55:58+07:00";
    let cert = root().join("tests/fixtures/rsa2048-cert.pem").to_string_lossy().into_owned();
    let args = |k: &str| {
        vec![
            "verify",
            "token",
            "--public-key",
            k,
            "--client-id",
            "MCPD00000006",
            "--timestamp",
            ts,
            "--signature",
            &sig,
        ]
        .into_iter()
        .map(String::from)
        .collect::<Vec<_>>()
    };
    let a = args(&cert);
    let out = run(&a.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!((out.code, out.stdout.as_str(), out.stderr.as_str()), (0, "valid\n", ""));
    let private = key("rsa2048-pkcs8.pem");
    let a = args(&private);
    let out = run(&a.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!((out.code, out.stdout.as_str()), (0, "valid\n"));
    assert_eq!(
        out.stderr,
        format!("snapsign: warning: {private} is a private key; verifying needs only the public key (openssl pkey -pubout)\n")
    );
}

#[test]
fn a_secret_pasted_where_its_variable_name_belongs_is_not_echoed() {
    let secret = "SK-8dPqZ/secret+value";
    let out = run(&["transaction", "--secret-env", secret, "--method", "GET", "--path", "/x", "--token", "t"]);
    assert_eq!(out.code, 2);
    assert!(!out.stderr.contains("8dPqZ"), "{}", out.stderr);
    assert!(
        out.stderr.starts_with("snapsign: --secret-env: takes the name of an environment variable"),
        "{}",
        out.stderr
    );
    let out =
        run(&["token", "--key", &key("rsa2048-pkcs8.pem"), "--client-id", "C", "--passphrase-env", "pass phrase!"]);
    assert_eq!(out.code, 2);
    assert!(!out.stderr.contains("phrase!"), "{}", out.stderr);
    assert!(out.stderr.contains("--passphrase-env KEY_PASSPHRASE"), "{}", out.stderr);
}

#[test]
fn explain_a_valid_signature_lists_what_else_to_check_and_an_unexplained_one_what_was_not_tried() {
    let ts = "2020-01-01T04:10:00+07:00";
    let sig = sign_tx("/v1.0/x", "tok", ts, b"{}", "POST");
    let valid = explain_tx("/v1.0/x", "tok", ts, b"{}", &sig, "POST");
    assert_eq!(valid.code, 0, "{}", valid.stderr);
    let j = valid.json();
    let checklist: Vec<&str> = j["if_still_rejected"].as_array().unwrap().iter().map(s).collect();
    assert_eq!(checklist.len(), 4);
    assert!(checklist[2].starts_with("the X-TIMESTAMP header sent differs from the timestamp signed"), "{checklist:?}");
    let text = run_with(
        &[
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
            ts,
            "--body",
            "-",
            "--signature",
            &sig,
        ],
        &[("S", "a-secret")],
        Some(b"{}"),
    );
    assert!(
        text.stdout.contains("if the provider still rejects it, check:\n  - the bytes sent differ"),
        "{}",
        text.stdout
    );
    // Another secret signed: nothing verifies, and the absolute URL could not be tried.
    let other = run_with(
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
            ts,
            "--body",
            "-",
            "--json",
        ],
        &[("S", "another-secret")],
        Some(b"{}"),
    );
    let wrong = s(&other.json()["signature"]).to_owned();
    let out = explain_tx("/v1.0/x", "tok", ts, b"{}", &wrong, "POST");
    assert_eq!(out.code, 1);
    let u = &out.json()["unexplained"];
    assert_eq!(s(&u["id"]), "no-variant-verifies");
    assert_eq!(
        s(&u["not_tried"][0]),
        "the absolute URL signed as the path: give --base-url https://your-provider-host to try it"
    );
    assert!(out.json()["if_still_rejected"].as_array().unwrap().is_empty());
}

#[test]
fn docs_providers_lists_every_source_of_every_profile() {
    let docs = std::fs::read_to_string(root().join("docs/providers.md")).unwrap();
    let list = run(&["providers", "--json"]).json();
    let fields = [
        "token_path_b2b",
        "token_path_b2b2c",
        "timestamp",
        "transaction_signature",
        "endpoint_rule",
        "channel_id",
        "partner_id_is_client_id",
        "device_id_required",
        "missing_header",
    ];
    for p in list.as_array().unwrap() {
        let name = s(&p["name"]);
        let heading = format!("### `{name}`");
        let section = docs.split(&heading).nth(1).unwrap_or_else(|| panic!("docs/providers.md has no {heading}"));
        let section = section.split("\n### ").next().unwrap();
        for f in fields {
            let row = format!("| {} | {} |", s(&p[f]["confidence"]), s(&p[f]["source"]));
            assert!(section.contains(&row), "{name}.{f}: docs/providers.md lacks {row}");
        }
    }
}
