//! The minifier's block path: 64 bytes per decision, where the token path decides once per token.
//!
//! A block is classified in one pass ([`scan::classify`]: a bit per byte for quotes, backslashes,
//! whitespace, control, non-ASCII and structural bytes). Escaped bytes follow from the
//! backslashes, the bytes inside strings from the other quotes by a prefix XOR, and the output is
//! every byte except whitespace outside strings, copied in runs. Escapes and runs of UTF-8 are
//! checked in bulk, and the grammar once per token: a bracket, `:`, `,`, the opening quote of a
//! string, or the first byte of a number or literal (checked whole). A number or literal that
//! reaches the block's end is left to start the next block.
//!
//! It takes bytes only when it can check them by the state machine's rules: it declines
//! (returns 0, changing nothing) on a surrogate escape, an escape or UTF-8 sequence cut by the
//! block's end, a control character in a string, a number or literal as long as the block, the
//! depth limit, or anything the grammar refuses. The caller then gives that block to the token
//! path and the state machine, which write the same output or report the error at its offset.
//! So the results are the state machine's for every input and every split into chunks
//! (core/tests/minify_fast.rs, fuzz target `minify_diff`).

use super::{
    fast::{hex4, number_end},
    grammar::{literal, Between, Token},
    Minifier, Sink, Stage, State,
};
use crate::scan;

/// The bits at and below each set bit's position XORed: bit `k` is the parity of the set bits at
/// positions `0..=k`. For the quotes of a block, the bits inside strings (opening quote included,
/// closing quote not).
const fn prefix_xor(mut x: u64) -> u64 {
    x ^= x << 1;
    x ^= x << 2;
    x ^= x << 4;
    x ^= x << 8;
    x ^= x << 16;
    x ^= x << 32;
    x
}

/// The escaped bytes of a block: the byte after each backslash that is not itself escaped. `None`
/// when the last byte is a backslash that escapes the next block's first byte.
#[allow(clippy::arithmetic_side_effects, reason = "at < 63 where at + 1 is used")]
fn escapes(backslash: u64) -> Option<u64> {
    let mut escaped = 0u64;
    let mut rest = backslash;
    while rest != 0 {
        let at = rest.trailing_zeros();
        if at == 63 {
            return None;
        }
        escaped |= 1 << (at + 1);
        // The escaped byte, if it is a backslash, escapes nothing.
        rest &= !(3 << at);
    }
    Some(escaped)
}

/// Whether every escape (the escaped bytes, `escaped`) is one the state machine takes without a
/// second look: a letter of `"\/bfnrt`, or `u` with four hex digits in the block that are not a
/// surrogate (a surrogate pair is left to the state machine).
#[allow(clippy::arithmetic_side_effects, reason = "at < 64, so at + 1 does not overflow")]
fn escapes_valid(block: &[u8; 64], mut escaped: u64) -> bool {
    while escaped != 0 {
        let at = escaped.trailing_zeros() as usize;
        escaped &= escaped - 1;
        let ok = match block.get(at) {
            Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => true,
            Some(b'u') => hex4(block, at + 1).is_some_and(|code| !(0xD800..=0xDFFF).contains(&code)),
            _ => false,
        };
        if !ok {
            return false;
        }
    }
    true
}

/// Whether each run of non-ASCII bytes in `high` is complete, valid UTF-8 (the state machine's
/// rules are RFC 3629's, which are `str`'s). A run at the block's end may go on in the next one.
#[allow(clippy::arithmetic_side_effects, reason = "start + len <= 64")]
fn utf8_valid(block: &[u8; 64], mut high: u64) -> bool {
    while high != 0 {
        let start = high.trailing_zeros() as usize;
        let len = (high >> start).trailing_ones() as usize;
        let end = start + len;
        if end >= 64 || block.get(start..end).is_none_or(|run| core::str::from_utf8(run).is_err()) {
            return false;
        }
        high = (high >> end) << end;
    }
    true
}

impl Minifier {
    /// Minifies the start of a 64-byte block into `stage` if it can check it (see the module
    /// documentation) and returns how many bytes it took: all 64, or up to a number or literal
    /// that reaches the block's end (the next block starts with it). 0 when it declines, having
    /// changed nothing.
    #[allow(clippy::arithmetic_side_effects, reason = "positions are bit indexes below 64")]
    pub(super) fn block<S: Sink + ?Sized>(&mut self, block: &[u8; 64], stage: &mut Stage, sink: &mut S) -> usize {
        let (state, carry, mut key) = match self.state {
            State::Str { key } if !self.want_low_surrogate => (if key { State::Colon } else { State::After }, !0, key),
            State::Value | State::ArrayFirst | State::ObjectFirst | State::Key | State::Colon | State::After => {
                (self.state, 0, false)
            }
            _ => return 0,
        };
        let c = scan::classify(block);
        let escaped = if c.backslash == 0 {
            0
        } else {
            let Some(escaped) = escapes(c.backslash) else { return 0 };
            escaped
        };
        let quote = c.quote & !escaped;
        let inside = prefix_xor(quote) ^ carry;
        let outside_ws = c.ws & !inside;
        let closing = quote & !inside;
        let structural = c.structural & !inside;
        let scalar = !inside & !outside_ws & !closing & !structural;
        // A number or literal must be checked whole: one that reaches the block's end is left to
        // the next block, which then starts with it.
        let (taken, below) = if scalar >> 63 == 0 {
            (64, !0u64)
        } else {
            let start = 64 - scalar.leading_ones();
            if start == 0 {
                return 0;
            }
            (start as usize, (1u64 << start) - 1)
        };
        let inside = inside & below;
        if c.control & inside != 0
            || (escaped & below != 0 && !escapes_valid(block, escaped & below))
            || (c.high & inside != 0 && !utf8_valid(block, c.high & inside))
        {
            return 0;
        }
        let scalar_starts = scalar & !(scalar << 1) & below;
        let mut tokens = structural & below | (quote & inside) | scalar_starts;
        // A string carried in from the last block ends at the first closing quote: tokens come
        // only after it, and if there is none the whole block is string contents.
        if carry != 0 && closing == 0 {
            stage.write_block(block, !0, sink);
            return 64;
        }
        let mut g = Between { state, ..Between::of(self) };
        while tokens != 0 {
            let at = tokens.trailing_zeros() as usize;
            tokens &= tokens - 1;
            let Some(&b) = block.get(at) else { return 0 };
            let Some((next, token)) = g.token(b) else { return 0 };
            match token {
                Token::Punct => {}
                Token::Str { key: k } => key = k,
                Token::Scalar => {
                    let end = at + (scalar >> at).trailing_ones() as usize;
                    let whole = match literal(b) {
                        Some(text) => block.get(at..end) == Some(text),
                        None => number_end(block, at) == Some(end),
                    };
                    if !whole {
                        return 0;
                    }
                }
            }
            g = next;
        }
        // A string still open at the block's end: the next block starts inside it.
        if inside >> 63 != 0 {
            g.state = State::Str { key };
        }
        g.store(self);
        stage.write_block(block, !outside_ws & below, sink);
        taken
    }
}
