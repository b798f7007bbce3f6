//! Text helpers: making invisible characters visible, shell quoting, key-file descriptions.

use std::fmt::Write as _;

/// Characters that look like nothing (or like a plain space) but change the signed bytes.
pub(crate) fn is_invisible(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{a0}'
                | '\u{ad}'
                | '\u{180e}'
                | '\u{2000}'..='\u{200f}'
                | '\u{2028}'..='\u{202f}'
                | '\u{205f}'..='\u{2064}'
                | '\u{3000}'
                | '\u{feff}'
        )
}

/// The text with every invisible character written as an escape: `\t`, `\r`, `\n`, `\u{a0}`,
/// and leading or trailing spaces as `\u{20}`. Other characters (including `\`) are unchanged.
pub(crate) fn visible(s: &str) -> String {
    let lead = s.len() - s.trim_start_matches(' ').len();
    let trail = if lead == s.len() { 0 } else { s.len() - s.trim_end_matches(' ').len() };
    let mut out = String::with_capacity(s.len() + 8);
    for (i, c) in s.char_indices() {
        match c {
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            ' ' if i < lead || i >= s.len() - trail => out.push_str("\\u{20}"),
            c if is_invisible(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
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

/// Single-quotes `s` for a POSIX shell.
pub(crate) fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// What a file that failed to load as a key looks like, for the error message.
pub(crate) fn describe_key_file(bytes: &[u8]) -> Option<String> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Some("the file is empty".into());
    }
    if let Some(start) = find(bytes, b"-----BEGIN ") {
        let rest = &bytes[start + 11..];
        let end = find(rest, b"-----").unwrap_or(rest.len().min(40));
        let label = String::from_utf8_lossy(&rest[..end]);
        return Some(format!("found a PEM block labelled '{label}'"));
    }
    if bytes.first() == Some(&0x30) {
        return Some(format!("found {} bytes of binary (DER) data that is not an RSA key", bytes.len()));
    }
    if bytes.starts_with(b"ssh-rsa ") || bytes.starts_with(b"ssh-") {
        return Some("found an OpenSSH public key; convert it with ssh-keygen -e -m PKCS8".into());
    }
    if std::str::from_utf8(bytes).is_ok() {
        let first: String = String::from_utf8_lossy(bytes).lines().next().unwrap_or("").chars().take(40).collect();
        return Some(format!("found text starting with \"{}\", not PEM or base64 DER", visible(&first)));
    }
    Some(format!("found {} bytes of binary data that is not DER", bytes.len()))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Up to 30 bytes of `body` either side of `offset`, visible, and a caret line under `offset`.
pub(crate) fn caret_context(body: &[u8], offset: usize) -> (String, String) {
    let start = offset.saturating_sub(30);
    let end = offset.saturating_add(30).min(body.len());
    let before = visible(&String::from_utf8_lossy(body.get(start..offset.min(body.len())).unwrap_or_default()));
    let after = visible(&String::from_utf8_lossy(body.get(offset.min(body.len())..end).unwrap_or_default()));
    let caret = format!("{}^", " ".repeat(before.chars().count()));
    (format!("{before}{after}"), caret)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visible_marks_invisible() {
        assert_eq!(visible("a\tb\u{a0}c  "), "a\\tb\\u{a0}c\\u{20}\\u{20}");
        assert_eq!(visible(" x\r\n"), "\\u{20}x\\r\\n");
        assert_eq!(visible("a b"), "a b");
        assert_eq!(visible("   "), "\\u{20}\\u{20}\\u{20}");
    }

    #[test]
    fn quoting() {
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
    }
}
