//! Invisible differences: look-alike characters a value may carry (no-break spaces, zero-width
//! characters, full-width digits and letters) and other percent-encodings of a path.

/// Zero-width characters (and the soft hyphen), which show as nothing.
fn is_zero_width(c: char) -> bool {
    matches!(c, '\u{ad}' | '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}')
}

/// Characters that look like a space.
fn is_space_like(c: char) -> bool {
    matches!(c, '\u{a0}' | '\u{2000}'..='\u{200a}' | '\u{202f}' | '\u{205f}' | '\u{3000}')
}

/// The value with look-alikes made plain: zero-width characters dropped, full-width ASCII
/// (U+FF01..U+FF5E, e.g. `０`) as ASCII, space-like characters as a space (`spaces`) or dropped.
/// `None` when nothing changes.
pub(crate) fn plain(value: &str, spaces: bool) -> Option<String> {
    let out: String = value
        .chars()
        .filter(|&c| !is_zero_width(c) && (spaces || !is_space_like(c)))
        .map(|c| match c {
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(u32::from(c) - 0xfee0).unwrap_or(c),
            c if is_space_like(c) => ' ',
            c => c,
        })
        .collect();
    (out != value).then_some(out)
}

/// The look-alikes in a value, as `\u{..}` escapes, for messages.
pub(crate) fn look_alikes(value: &str) -> String {
    let found: Vec<String> = value
        .chars()
        .filter(|&c| is_zero_width(c) || is_space_like(c) || ('\u{ff01}'..='\u{ff5e}').contains(&c))
        .map(|c| format!("\\u{{{:x}}}", u32::from(c)))
        .collect();
    found.join(" ")
}

/// Other percent-encodings of a path: `(form, path)`, each different from `path`: `%2F` decoded
/// to `/`; every escape in upper-case hex; in lower-case hex; every escape decoded; and the
/// characters a client library escapes (space, non-ASCII, `"<>\^`{|}`) percent-encoded.
pub(crate) fn percent_forms(path: &str) -> Vec<(&'static str, String)> {
    let mut out: Vec<(&'static str, String)> = Vec::new();
    let mut add = |form: &'static str, v: String| {
        if v != path && !out.iter().any(|(_, o)| *o == v) {
            out.push((form, v));
        }
    };
    add("'%2F' decoded to '/'", path.replace("%2F", "/").replace("%2f", "/"));
    add("with upper-case hex in its escapes", recase_escapes(path, true));
    add("with lower-case hex in its escapes", recase_escapes(path, false));
    if let Some(d) = percent_decoded(path) {
        add("percent-decoded", d);
    }
    add("percent-encoded (space, non-ASCII and the like as %XX)", percent_encoded(path));
    out
}

fn hex_at(b: &[u8], i: usize) -> Option<u8> {
    let h = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
    u8::from_str_radix(h, 16).ok()
}

fn recase_escapes(path: &str, upper: bool) -> String {
    let b = path.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && hex_at(b, i).is_some() {
            out.push(b'%');
            for &h in &b[i + 1..i + 3] {
                out.push(if upper { h.to_ascii_uppercase() } else { h.to_ascii_lowercase() });
            }
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| path.to_string())
}

fn percent_decoded(path: &str) -> Option<String> {
    let b = path.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match (b[i], hex_at(b, i)) {
            (b'%', Some(v)) => {
                out.push(v);
                i += 3;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

fn percent_encoded(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        if c.is_ascii_graphic() && !matches!(c, '"' | '<' | '>' | '\\' | '^' | '`' | '{' | '|' | '}') {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_forms() {
        assert_eq!(plain("MCPD\u{ff10}\u{ff16}", true).as_deref(), Some("MCPD06"));
        assert_eq!(plain("a\u{200b}b\u{a0}c", true).as_deref(), Some("ab c"));
        assert_eq!(plain("a\u{200b}b\u{a0}c", false).as_deref(), Some("abc"));
        assert_eq!(plain("abc", true), None);
        assert_eq!(look_alikes("a\u{200b}\u{ff10}"), "\\u{200b} \\u{ff10}");
    }

    #[test]
    fn percent() {
        let f = percent_forms("/a%2fb%c3%a9 x");
        let v: Vec<&str> = f.iter().map(|(_, p)| p.as_str()).collect();
        assert_eq!(v, ["/a/b%c3%a9 x", "/a%2Fb%C3%A9 x", "/a/bé x", "/a%2fb%c3%a9%20x"]);
    }
}
