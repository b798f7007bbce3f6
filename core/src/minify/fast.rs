//! The minifier's fast path: a whole token per decision, between the state machine's steps.
//!
//! Between tokens (the states `Value`, `ArrayFirst`, `ObjectFirst`, `Key`, `Colon` and `After`)
//! JSON's grammar is one choice per token, so this path decides once per token instead of once
//! per byte: it skips whitespace and string contents sixteen bytes at a time ([`crate::scan`]),
//! checks an escape, a UTF-8 sequence, a number or a literal in one pass, and keeps the bracket
//! stack exactly as the state machine does.
//!
//! It consumes only a token it has checked completely, inside the chunk, by the state machine's
//! own rules, and leaves the state as the state machine would have left it. Anything else (an
//! error, a token cut by the end of the chunk, a surrogate escape without its pair, the depth
//! limit) it leaves at the token's first byte to the state machine, which then reports the same
//! error at the same offset as if it had read every byte itself. So the output, the errors and
//! their offsets are the state machine's, for any input and any split into chunks; the
//! differential tests (core/tests/minify_fast.rs, fuzz target `minify_diff`) check exactly that.

use super::{
    grammar::{literal, Between, Token},
    hex_value, is_ws, Minifier, Sink, Stage,
};
use crate::scan;

impl Minifier {
    /// Consumes whole tokens from `chunk[i..]`, writing output runs as the state machine does
    /// (`run_start` is the start of the pending run), and returns where it stopped.
    #[allow(
        clippy::arithmetic_side_effects,
        reason = "i only moves to indexes the scans return (at most chunk.len()) or past bytes just read"
    )]
    pub(super) fn fast<S: Sink + ?Sized>(
        &mut self,
        chunk: &[u8],
        mut i: usize,
        run_start: &mut usize,
        stage: &mut Stage,
        sink: &mut S,
    ) -> usize {
        let mut g = Between::of(self);
        while let Some(&b) = chunk.get(i) {
            if is_ws(b) {
                stage.write_run(chunk.get(*run_start..i), sink);
                // Most runs are one space (after `:` or `,`): no scan for those.
                i = if chunk.get(i + 1).is_some_and(|&c| !is_ws(c)) { i + 1 } else { scan::ws_stop(chunk, i + 1) };
                *run_start = i;
                continue;
            }
            let Some((next, token)) = g.token(b) else { break };
            let end = match token {
                Token::Punct => Some(i + 1),
                Token::Str { .. } => string_end(chunk, i + 1).map(|end| end + 1),
                Token::Scalar => match literal(b) {
                    Some(text) => (chunk.get(i..i + text.len()) == Some(text)).then_some(i + text.len()),
                    None => number_end(chunk, i),
                },
            };
            let Some(end) = end else { break };
            i = end;
            g = next;
        }
        g.store(self);
        i
    }
}

/// The index of the closing quote of a string whose contents start at `j`, if the whole string
/// is in `s` and valid (escapes, surrogate pairs, UTF-8, no control characters).
#[allow(clippy::arithmetic_side_effects, reason = "j only moves past bytes just read")]
fn string_end(s: &[u8], mut j: usize) -> Option<usize> {
    loop {
        j = scan::string_stop(s, j);
        j = match *s.get(j)? {
            b'"' => return Some(j),
            b'\\' => escape_end(s, j + 1)?,
            0x80.. => utf8_end(s, j)?,
            _ => return None,
        };
    }
}

/// The end of the escape whose letter is at `j` (after the backslash). A high surrogate must be
/// followed by its low surrogate's escape; a low one alone is refused (left to the state machine).
#[allow(clippy::arithmetic_side_effects, reason = "j only moves past bytes just read")]
fn escape_end(s: &[u8], j: usize) -> Option<usize> {
    match *s.get(j)? {
        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => Some(j + 1),
        b'u' => {
            let code = hex4(s, j + 1)?;
            match code {
                0xD800..=0xDBFF => {
                    if s.get(j + 5..j + 7)? != b"\\u" || !(0xDC00..=0xDFFF).contains(&hex4(s, j + 7)?) {
                        return None;
                    }
                    Some(j + 11)
                }
                0xDC00..=0xDFFF => None,
                _ => Some(j + 5),
            }
        }
        _ => None,
    }
}

/// The four hex digits at `j`.
pub(super) fn hex4(s: &[u8], j: usize) -> Option<u16> {
    s.get(j..j.checked_add(4)?)?.iter().try_fold(0u16, |code, &h| Some((code << 4) | hex_value(h)?))
}

/// The end of the UTF-8 sequence that starts at `j` (RFC 3629: no overlongs, no surrogates,
/// nothing above U+10FFFF), if it is complete in `s`.
#[allow(clippy::arithmetic_side_effects, reason = "k <= 3 continuation bytes past j, each read before use")]
fn utf8_end(s: &[u8], j: usize) -> Option<usize> {
    let (more, lo, hi) = match *s.get(j)? {
        0xC2..=0xDF => (1, 0x80, 0xBF),
        0xE0 => (2, 0xA0, 0xBF),
        0xE1..=0xEC | 0xEE..=0xEF => (2, 0x80, 0xBF),
        0xED => (2, 0x80, 0x9F),
        0xF0 => (3, 0x90, 0xBF),
        0xF1..=0xF3 => (3, 0x80, 0xBF),
        0xF4 => (3, 0x80, 0x8F),
        _ => return None,
    };
    if !(lo..=hi).contains(s.get(j + 1)?) {
        return None;
    }
    for k in 2..=more {
        if !(0x80..=0xBF).contains(s.get(j + k)?) {
            return None;
        }
    }
    Some(j + 1 + more)
}

/// The end of the number that starts at `i`, if it is valid and the byte after it is in `s` (a
/// number at the end of the chunk may go on in the next one).
#[allow(clippy::arithmetic_side_effects, reason = "j only moves past bytes just read")]
pub(super) fn number_end(s: &[u8], i: usize) -> Option<usize> {
    let mut j = i;
    if s.get(j) == Some(&b'-') {
        j += 1;
    }
    match *s.get(j)? {
        b'0' => {
            j += 1;
            // A digit after a leading zero is an error the state machine reports.
            if s.get(j)?.is_ascii_digit() {
                return None;
            }
        }
        b'1'..=b'9' => j = digits_end(s, j + 1),
        _ => return None,
    }
    if *s.get(j)? == b'.' {
        if !s.get(j + 1)?.is_ascii_digit() {
            return None;
        }
        j = digits_end(s, j + 2);
    }
    if matches!(*s.get(j)?, b'e' | b'E') {
        j += 1;
        if matches!(*s.get(j)?, b'+' | b'-') {
            j += 1;
        }
        if !s.get(j)?.is_ascii_digit() {
            return None;
        }
        j = digits_end(s, j + 1);
    }
    s.get(j)?;
    Some(j)
}

#[allow(clippy::arithmetic_side_effects, reason = "j < s.len() when incremented")]
fn digits_end(s: &[u8], mut j: usize) -> usize {
    while s.get(j).is_some_and(u8::is_ascii_digit) {
        j += 1;
    }
    j
}
