//! Writing results: stdout, pretty JSON, header lists and curl commands.

use std::io::Write;

use serde_json::{Map, Value};

/// Writes to stdout, ignoring a closed pipe.
pub(crate) fn emit(text: &str) {
    emit_bytes(text.as_bytes());
}

/// Writes bytes to stdout as they are (a body need not be UTF-8), ignoring a closed pipe.
pub(crate) fn emit_bytes(bytes: &[u8]) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(bytes);
    let _ = out.flush();
}

/// Writes one pretty-printed JSON value and a newline.
pub(crate) fn emit_json(v: &Value) {
    let text = serde_json::to_string_pretty(v).unwrap_or_else(|_| "{}".into());
    emit(&format!("{text}\n"));
}

/// `Name: value` lines, as a request would carry them.
pub(crate) fn headers_text(headers: &[(&str, String)]) -> String {
    headers.iter().map(|(k, v)| format!("{k}: {v}\n")).collect()
}

/// The headers as one JSON object.
pub(crate) fn headers_json(headers: &[(&str, String)]) -> Value {
    let mut m = Map::new();
    for (k, v) in headers {
        m.insert((*k).to_string(), Value::String(v.clone()));
    }
    Value::Object(m)
}

/// A curl command that sends `body` with `headers` to `url` with `method`. The method is always
/// written: curl would otherwise pick GET, or POST when there is a body, whatever was signed.
pub(crate) fn curl_text(method: &str, url: &str, headers: &[(&str, String)], body: &[u8]) -> String {
    let mut s = format!("curl --request {} --location {}", shell_quote(method), shell_quote(url));
    for (k, v) in headers {
        s.push_str(&format!(" \\\n--header {}", shell_quote(&format!("{k}: {v}"))));
    }
    if !body.is_empty() {
        s.push_str(&format!(" \\\n--data {}", shell_quote(&String::from_utf8_lossy(body))));
    }
    s.push('\n');
    s
}

/// Single-quotes `s` for a POSIX shell.
fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
    }
}
