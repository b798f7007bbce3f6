//! The independent implementation the differential tests compare with:
//! tests/oracle/snap_oracle.py (Python's json, hashlib, hmac and the `cryptography` package).

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde_json::Value;

/// The repository root (not every test that includes this module needs it).
#[allow(dead_code)]
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Sends a batch of cases to the oracle and returns its answers, one per case.
pub fn oracle(cases: &[Value]) -> Vec<Value> {
    let python = std::env::var("SNAPSIGN_PYTHON").unwrap_or_else(|_| "python3".into());
    let mut child = Command::new(python)
        .arg(repo().join("tests/oracle/snap_oracle.py"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 must be installed (with the `cryptography` package)");
    child.stdin.take().unwrap().write_all(Value::from(cases.to_vec()).to_string().as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "oracle failed (is `cryptography` installed?)");
    let answers: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(answers.len(), cases.len());
    answers
}
