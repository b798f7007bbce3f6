//! The sandbox's HTTP handling never panics, and whatever it writes back is valid HTTP/1.1.
//!
//! The input is the raw bytes a client sends on one connection. They go through
//! `tokio::io::duplex` into `snapsign_sandbox::http::serve_connection` (the same hyper
//! connection setup, limits and handler the server uses) on a current-thread runtime; the
//! client side is then closed. Checked:
//! - nothing panics (the handler, hyper, the diagnosis of a wrong signature);
//! - the bytes written back are a sequence of complete HTTP/1.1 (or, to an HTTP/1.0 request, 1.0) responses, each with a status
//!   line, at most 64 headers, a `content-length` and exactly that many body bytes;
//! - every response the sandbox itself makes (`application/json`) is a JSON object with a
//!   seven-digit `responseCode` whose first three digits are the HTTP status, and an `explain`
//!   object with `summary` and `likely_causes` on every non-2xx answer.
//!
//! The sandbox accepts any timestamp (skew of a century), so seeds with a fixed X-TIMESTAMP
//! reach the signature checks; the token seed carries a real signature with the TEST-ONLY key.
#![no_main]

mod common;

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use snapsign_core::{provider, HmacSigner, KeyOptions, RsaVerifier};
use snapsign_sandbox::{Client, Config, Limits, Sandbox};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn sandbox() -> Arc<Sandbox> {
    static S: OnceLock<Arc<Sandbox>> = OnceLock::new();
    Arc::clone(S.get_or_init(|| {
        let client = Client {
            client_id: "MCPD00000006".into(),
            partner_id: None,
            public_key: RsaVerifier::from_bytes(common::PUBLIC_2048_DER, &KeyOptions::default()).unwrap(),
            secret: HmacSigner::new(b"TEST-client-secret").unwrap(),
        };
        let limits = Limits {
            max_body_bytes: 4096,
            header_read_timeout: Duration::from_secs(1),
            body_read_timeout: Duration::from_secs(1),
            ..Limits::default()
        };
        let config =
            Config { max_skew_seconds: 3_153_600_000, limits, ..Config::new(&provider::GENERIC, vec![client]) };
        Arc::new(Sandbox::new(config).unwrap())
    }))
}

fn runtime() -> &'static tokio::runtime::Runtime {
    static R: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    R.get_or_init(|| tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap())
}

/// Checks that `out` is a sequence of complete responses.
fn check_responses(mut out: &[u8]) {
    while !out.is_empty() {
        let mut headers = [httparse::EMPTY_HEADER; 64];
        let mut response = httparse::Response::new(&mut headers);
        let head = match response.parse(out) {
            Ok(httparse::Status::Complete(n)) => n,
            other => panic!("not a complete HTTP response: {other:?} in {:?}", String::from_utf8_lossy(out)),
        };
        // HTTP/1.0 requests are answered in HTTP/1.0.
        assert!(matches!(response.version, Some(0 | 1)));
        let status = response.code.unwrap();
        assert!((100..600).contains(&status));
        let header = |name: &str| response.headers.iter().find(|h| h.name.eq_ignore_ascii_case(name)).map(|h| h.value);
        let len: usize =
            std::str::from_utf8(header("content-length").expect("content-length")).unwrap().parse().unwrap();
        let body = out.get(head..head + len).expect("the whole body");
        if header("content-type") == Some(b"application/json") {
            let v: serde_json::Value = serde_json::from_slice(body).expect("a JSON body");
            let code = v["responseCode"].as_str().expect("responseCode");
            assert_eq!(code.len(), 7);
            assert!(code.bytes().all(|b| b.is_ascii_digit()));
            assert_eq!(&code[..3], status.to_string());
            assert!(v["responseMessage"].is_string());
            if status >= 300 {
                assert!(v["explain"]["summary"].is_string(), "{v}");
                assert!(v["explain"]["likely_causes"].is_array(), "{v}");
            }
        }
        out = &out[head + len..];
    }
}

fuzz_target!(|data: &[u8]| {
    let sandbox = sandbox();
    let out = runtime().block_on(async move {
        let (mut client, server) = tokio::io::duplex(64 * 1024);
        let conn =
            tokio::spawn(snapsign_sandbox::http::serve_connection(sandbox, server, snapsign_sandbox::http::no_log()));
        let mut out = Vec::new();
        let talk = async {
            // Write and read at once: a pipelined input's answers could fill the pipe.
            let (mut rd, mut wr) = tokio::io::split(&mut client);
            let write = async {
                let _ = wr.write_all(data).await;
                let _ = wr.shutdown().await;
            };
            let read = async {
                let _ = rd.read_to_end(&mut out).await;
            };
            tokio::join!(write, read);
        };
        tokio::time::timeout(Duration::from_secs(10), talk).await.expect("the connection ends");
        let _ = conn.await.expect("no panic in the connection");
        out
    });
    check_responses(&out);
});
