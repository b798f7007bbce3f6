//! JSON's grammar between tokens, one decision per token: what the first byte of a token does to
//! the state and the bracket stack. The token path and the block path both take it from here
//! (the state machine keeps its own byte-by-byte form, which is the reference they agree with).

use super::{Literal, Minifier, State, MAX_DEPTH};

/// The minifier's state between tokens.
#[derive(Clone, Copy)]
pub(super) struct Between {
    pub(super) state: State,
    pub(super) depth: u8,
    pub(super) stack: u128,
    pub(super) started: bool,
}

/// The token a byte starts, as far as the grammar decides it.
pub(super) enum Token {
    /// `,` `:` or a bracket, one byte, complete.
    Punct,
    /// A string (`key`: an object key), which the caller checks up to its closing quote.
    Str { key: bool },
    /// A number or a literal, which the caller checks whole.
    Scalar,
}

impl Between {
    pub(super) const fn of(m: &Minifier) -> Self {
        Between { state: m.state, depth: m.depth, stack: m.stack, started: m.started }
    }

    pub(super) fn store(self, m: &mut Minifier) {
        m.state = self.state;
        m.depth = self.depth;
        m.stack = self.stack;
        m.started = self.started;
    }

    /// The token that `b` starts, and the state after it once the caller has checked it (a
    /// string's or scalar's contents). `None` where the grammar refuses `b`, or at the depth
    /// limit: the state machine then reports it.
    #[allow(clippy::arithmetic_side_effects, reason = "depth < MAX_DEPTH when incremented and > 0 when decremented")]
    #[inline(always)]
    pub(super) fn token(self, b: u8) -> Option<(Self, Token)> {
        let mut next = self;
        let in_object = self.stack & 1 == 1;
        let token = match (self.state, b) {
            (State::After, b',') if self.depth > 0 => {
                next.state = if in_object { State::Key } else { State::Value };
                Token::Punct
            }
            (State::Colon, b':') => {
                next.state = State::Value;
                Token::Punct
            }
            (State::Key | State::ObjectFirst, b'"') => {
                next.state = State::Colon;
                Token::Str { key: true }
            }
            (State::ObjectFirst | State::After, b'}') | (State::ArrayFirst | State::After, b']')
                if self.depth > 0 && in_object == (b == b'}') =>
            {
                next.stack >>= 1;
                next.depth -= 1;
                next.state = State::After;
                Token::Punct
            }
            (State::Value | State::ArrayFirst, _) => {
                next.started = true;
                match b {
                    b'"' => {
                        next.state = State::After;
                        Token::Str { key: false }
                    }
                    b'{' | b'[' => {
                        if usize::from(self.depth) >= MAX_DEPTH {
                            return None;
                        }
                        let object = b == b'{';
                        next.stack = (self.stack << 1) | u128::from(object);
                        next.depth += 1;
                        next.state = if object { State::ObjectFirst } else { State::ArrayFirst };
                        Token::Punct
                    }
                    b'-' | b'0'..=b'9' | b't' | b'f' | b'n' => {
                        next.state = State::After;
                        Token::Scalar
                    }
                    _ => return None,
                }
            }
            _ => return None,
        };
        Some((next, token))
    }
}

/// The literal a scalar token's first byte starts (`None` for a number's first byte).
pub(super) const fn literal(b: u8) -> Option<&'static [u8]> {
    match b {
        b't' => Some(Literal::True.text()),
        b'f' => Some(Literal::False.text()),
        b'n' => Some(Literal::Null.text()),
        _ => None,
    }
}
