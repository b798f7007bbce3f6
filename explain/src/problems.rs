//! What is wrong with the inputs themselves: what the core would refuse (one problem per field,
//! with a hint), and whitespace or invisible characters it would sign without complaint.

use snapsign_core::string_to_sign::{check_access_token, check_client_id, check_path, Method};
use snapsign_core::timestamp::{Timestamp, MAX_TIMESTAMP_LEN};
use snapsign_core::Error;

use crate::parts::Kind;
use crate::url::relative_part;
use crate::visible::{is_invisible, visible};
use crate::Inputs;

/// Every check the core makes, one problem per field, with hints.
pub(crate) fn problems(input: &Inputs, body_error: Option<&Error>) -> Vec<String> {
    let p = &input.parts;
    let mut out = Vec::new();
    if input.kind == Kind::Token {
        if let Err(e) = check_client_id(&p.client_id) {
            out.push(format!("--client-id: {e}"));
        }
    } else {
        if let Err(e) = Method::parse(&p.method) {
            let upper = p.method.trim().to_ascii_uppercase();
            let hint = if Method::parse(&upper).is_ok() { format!(" (write {upper})") } else { String::new() };
            out.push(format!("--method: {e}{hint}; got '{}'", visible(&p.method)));
        }
        if let Err(e) = check_path(&p.path) {
            let hint = match (&e, relative_part(&p.path)) {
                (Error::AbsoluteUrl, Some(rel)) => format!(" (here: {rel})"),
                _ => String::new(),
            };
            out.push(format!("--path: {e}{hint}"));
        }
    }
    if input.kind == Kind::Transaction {
        if let Err(e) = check_access_token(&p.token) {
            let hint = if e == Error::BearerPrefix {
                " (the Authorization header carries 'Bearer <token>', the string-to-sign only <token>)"
            } else {
                ""
            };
            out.push(format!("--token: {e}{hint}"));
        }
    }
    match Timestamp::parse(&p.timestamp) {
        Err(e) => out.push(with_caret(format!("--timestamp: {e}"), p.timestamp.as_bytes(), e.offset())),
        // The core's length limit, which parsing alone does not apply.
        Ok(_) if p.timestamp.len() > MAX_TIMESTAMP_LEN => out.push("--timestamp: too many fraction digits".into()),
        Ok(_) => {}
    }
    if let Some(e) = body_error {
        out.push(with_caret(format!("body {}: {e}", input.body_name), &input.body, e.offset()));
    }
    out
}

/// The problem, and when it points at a byte, the text around it with a caret under that byte.
fn with_caret(problem: String, text: &[u8], offset: Option<usize>) -> String {
    match offset {
        Some(offset) => {
            let (line, caret) = caret_context(text, offset);
            format!("{problem}\n      {line}\n      {caret}")
        }
        None => problem,
    }
}

/// Up to 30 bytes of `body` either side of `offset`, visible, and a caret line under `offset`.
fn caret_context(body: &[u8], offset: usize) -> (String, String) {
    let start = offset.saturating_sub(30);
    let end = offset.saturating_add(30).min(body.len());
    let before = visible(&String::from_utf8_lossy(body.get(start..offset.min(body.len())).unwrap_or_default()));
    let after = visible(&String::from_utf8_lossy(body.get(offset.min(body.len())..end).unwrap_or_default()));
    let caret = format!("{}^", " ".repeat(before.chars().count()));
    (format!("{before}{after}"), caret)
}

/// Warnings about whitespace and invisible characters in one input field.
pub(crate) fn field_warnings(name: &str, value: &str) -> Vec<String> {
    let mut w = Vec::new();
    if value.starts_with(char::is_whitespace) {
        w.push(format!("{name} starts with whitespace"));
    }
    if value.ends_with(char::is_whitespace) {
        w.push(format!("{name} ends with whitespace (a trailing space or newline is signed too)"));
    }
    let inner: Vec<String> = value
        .chars()
        .filter(|&c| is_invisible(c) || (c.is_whitespace() && c != ' '))
        .map(|c| format!("\\u{{{:x}}}", u32::from(c)))
        .collect();
    if !inner.is_empty() {
        w.push(format!("{name} contains invisible characters: {}", inner.join(" ")));
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caret_under_the_offset() {
        let (line, caret) = caret_context(b"{\"a\" 1}", 5);
        assert_eq!(line, "{\"a\"\\u{20}1}");
        assert_eq!(caret, "          ^");
        assert_eq!(with_caret("p".into(), b"x", None), "p");
    }

    #[test]
    fn whitespace_warnings() {
        let w = field_warnings("--path", " /x\u{a0}\t");
        assert_eq!(w.len(), 3, "{w:?}");
        assert!(w[2].ends_with("\\u{a0} \\u{9}"), "{w:?}");
        assert!(field_warnings("--path", "/x").is_empty());
    }
}
