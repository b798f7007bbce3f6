//! Making invisible characters visible, so that a stray tab or no-break space in a signed value
//! shows in messages.

use std::fmt::Write as _;

/// Characters that look like nothing (or like a plain space) but change the signed bytes.
pub fn is_invisible(c: char) -> bool {
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
pub fn visible(s: &str) -> String {
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
}
