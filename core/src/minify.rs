//! `minify(RequestBody)`: JSON with the insignificant whitespace removed, every other byte kept.
//!
//! The standard signs `SHA-256(minify(body))`. Re-serialising the JSON (as many SDKs do) can change
//! escapes and number spelling, so this module never rewrites a byte: it drops space, tab, CR and
//! LF outside strings and copies everything else. It validates the body as RFC 8259 JSON while it
//! goes, since a body the provider cannot parse cannot be signed meaningfully, and reports the byte
//! offset of the first error.
//!
//! The [`Minifier`] is a streaming state machine with a fixed-size state (no heap): feed it chunks
//! of any size and it writes runs of output bytes to a [`Sink`], such as a SHA-256 hasher, so a
//! 100 MB body is hashed in O(1) memory.

use crate::error::{Error, JsonErrorKind, Result};
use crate::scan;

mod block;
mod fast;
mod grammar;

/// The deepest nesting of arrays and objects accepted (the same limit as `serde_json`).
pub const MAX_DEPTH: usize = 128;

/// Where minified bytes go.
pub trait Sink {
    /// Append `bytes` to the output.
    fn write(&mut self, bytes: &[u8]);
}

impl<S: Sink + ?Sized> Sink for &mut S {
    fn write(&mut self, bytes: &[u8]) {
        (**self).write(bytes);
    }
}

impl Sink for sha2::Sha256 {
    fn write(&mut self, bytes: &[u8]) {
        sha2::Digest::update(self, bytes);
    }
}

impl Sink for alloc::vec::Vec<u8> {
    fn write(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

/// A [`Sink`] that only counts bytes: the length [`minify`] needs.
#[derive(Debug, Default, Clone, Copy)]
pub struct Counter(pub usize);

impl Sink for Counter {
    fn write(&mut self, bytes: &[u8]) {
        self.0 = self.0.saturating_add(bytes.len());
    }
}

/// Writes into a caller buffer; past its end it keeps counting so the needed length is known.
struct SliceSink<'a> {
    out: &'a mut [u8],
    len: usize,
    overflow: bool,
}

impl Sink for SliceSink<'_> {
    fn write(&mut self, bytes: &[u8]) {
        let end = self.len.saturating_add(bytes.len());
        match self.out.get_mut(self.len..end) {
            Some(dst) if !self.overflow => dst.copy_from_slice(bytes),
            _ => self.overflow = true,
        }
        self.len = end;
    }
}

/// Minifies `body` into `out` and returns the number of bytes written.
///
/// An empty or whitespace-only body minifies to the empty string (length 0).
///
/// # Errors
/// [`Error::InvalidJson`] with the byte offset when `body` is not valid JSON (checked first);
/// [`Error::BufferTooSmall`] with the needed length when `out` is too short (nothing useful is
/// written then).
///
/// ```
/// let mut out = [0u8; 64];
/// let n = snapsign_core::minify::minify(br#"{ "a" : "x  y", "b": [1, 2] }"#, &mut out)?;
/// assert_eq!(&out[..n], br#"{"a":"x  y","b":[1,2]}"#);
///
/// let err = snapsign_core::minify::minify(br#"{"a":1,}"#, &mut out).unwrap_err();
/// assert_eq!(err.to_string(), "invalid JSON body at byte 7: unexpected character");
/// # Ok::<(), snapsign_core::Error>(())
/// ```
pub fn minify(body: &[u8], out: &mut [u8]) -> Result<usize> {
    let mut sink = SliceSink { out, len: 0, overflow: false };
    minify_to(body, &mut sink)?;
    if sink.overflow {
        return Err(Error::BufferTooSmall { needed: sink.len });
    }
    Ok(sink.len)
}

/// Minifies `body` into any [`Sink`] (for example a `sha2::Sha256`).
///
/// # Errors
/// [`Error::InvalidJson`] when `body` is not valid JSON; what reached the sink is then meaningless.
///
/// ```
/// use snapsign_core::minify::{minify_to, Counter};
/// let mut count = Counter::default();
/// minify_to(b"[1, 2, 3]", &mut count)?;
/// assert_eq!(count.0, 7);
/// # Ok::<(), snapsign_core::Error>(())
/// ```
pub fn minify_to<S: Sink + ?Sized>(body: &[u8], sink: &mut S) -> Result<()> {
    let mut m = Minifier::new();
    m.update(body, sink)?;
    m.finish()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Literal {
    True,
    False,
    Null,
}

impl Literal {
    const fn text(self) -> &'static [u8] {
        match self {
            Literal::True => b"true",
            Literal::False => b"false",
            Literal::Null => b"null",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Expecting a value: the top level, after `:`, after `,` in an array.
    Value,
    /// Just after `[`: a value or `]`.
    ArrayFirst,
    /// Just after `{`: a key or `}`.
    ObjectFirst,
    /// After `,` in an object: a key.
    Key,
    /// After a key: `:`.
    Colon,
    /// After a complete value: `,`, a closing bracket, or (at depth 0) the end.
    After,
    /// Inside a string (`key`: it is an object key).
    Str {
        key: bool,
    },
    /// After a backslash in a string.
    Escape {
        key: bool,
    },
    /// Inside `\uXXXX`: `done` hex digits read so far, value `code`.
    Hex {
        key: bool,
        done: u8,
        code: u16,
    },
    /// Inside a multi-byte UTF-8 sequence: `left` continuation bytes to come; the next must be in
    /// `lo..=hi` (the first continuation byte excludes overlongs and surrogates).
    Utf8 {
        key: bool,
        left: u8,
        lo: u8,
        hi: u8,
    },
    /// Number states, named for what was read last.
    Minus,
    Zero,
    Int,
    Dot,
    Frac,
    Exp,
    ExpSign,
    ExpDigits,
    /// Inside `true`, `false` or `null`, `pos` bytes matched.
    Lit {
        lit: Literal,
        pos: u8,
    },
}

/// Streaming minifier and validator. Feed chunks with [`update`](Self::update), then call
/// [`finish`](Self::finish). Its state is a few dozen bytes; it never allocates.
///
/// ```
/// use snapsign_core::minify::Minifier;
/// let mut out = Vec::new();
/// let mut m = Minifier::new();
/// m.update(b"{ \"a\" :", &mut out)?;
/// m.update(b" [1 , 2] }\n", &mut out)?;
/// m.finish()?;
/// assert_eq!(out, br#"{"a":[1,2]}"#);
/// # Ok::<(), snapsign_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Minifier {
    state: State,
    /// One bit per open bracket, 1 for an object; bit 0 is the innermost.
    stack: u128,
    depth: u8,
    /// Bytes consumed before the current chunk.
    offset: usize,
    /// A value has started at the top level.
    started: bool,
    /// A high surrogate escape was read; the next thing must be its low `\uXXXX`.
    want_low_surrogate: bool,
}

impl Default for Minifier {
    fn default() -> Self {
        Self::new()
    }
}

const fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

#[allow(clippy::arithmetic_side_effects, reason = "each arm subtracts the low end of its own matched range")]
const fn hex_value(b: u8) -> Option<u16> {
    match b {
        b'0'..=b'9' => Some((b - b'0') as u16),
        b'a'..=b'f' => Some((b - b'a' + 10) as u16),
        b'A'..=b'F' => Some((b - b'A' + 10) as u16),
        _ => None,
    }
}

impl Minifier {
    /// A minifier at the start of a body.
    ///
    /// ```
    /// // Nothing fed: an empty body, which minifies to the empty string.
    /// assert!(snapsign_core::minify::Minifier::new().finish().is_ok());
    /// ```
    pub const fn new() -> Self {
        Minifier { state: State::Value, stack: 0, depth: 0, offset: 0, started: false, want_low_surrogate: false }
    }

    /// Consumes the next chunk of the body, writing minified bytes to `sink` in runs.
    ///
    /// ```
    /// use snapsign_core::{minify::Minifier, Error, JsonErrorKind};
    /// let mut m = Minifier::new();
    /// let mut out = Vec::new();
    /// m.update(b"[1, ", &mut out)?;
    /// // Offsets count from the start of the body, across chunks.
    /// assert_eq!(m.update(b"2,]", &mut out), Err(Error::InvalidJson { offset: 6, kind: JsonErrorKind::UnexpectedByte }));
    /// # Ok::<(), snapsign_core::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidJson`] at the first invalid byte; the minifier must not be used afterwards.
    pub fn update<S: Sink + ?Sized>(&mut self, chunk: &[u8], sink: &mut S) -> Result<()> {
        self.run::<true, S>(chunk, sink)
    }

    /// The state machine, with the token-level fast path (`FAST`) or without it (the reference).
    #[allow(clippy::arithmetic_side_effects, reason = "i counts bytes of the chunk, so it stays below chunk.len() + 1")]
    fn run<const FAST: bool, S: Sink + ?Sized>(&mut self, chunk: &[u8], sink: &mut S) -> Result<()> {
        let mut stage = Stage::new();
        let mut i = 0usize;
        if FAST {
            // The block path where it can check a whole block, the token path and the state
            // machine where it declines; the latter stop at the block's end, so that the next
            // block starts from their state.
            while let Some(block) = chunk.get(i..i + 64).and_then(|b| <&[u8; 64]>::try_from(b).ok()) {
                match self.block(block, &mut stage, sink) {
                    0 => {
                        self.range::<true, S>(chunk.get(..i + 64).unwrap_or(chunk), i, &mut stage, sink)?;
                        i += 64;
                    }
                    taken => i += taken,
                }
            }
        }
        self.range::<FAST, S>(chunk, i, &mut stage, sink)?;
        stage.flush(sink);
        self.offset = self.offset.saturating_add(chunk.len());
        Ok(())
    }

    /// The state machine over `chunk[i..]`, with the token path (`FAST`) or without it. Offsets
    /// count from the start of the whole chunk, which `chunk` starts with.
    #[allow(clippy::arithmetic_side_effects, reason = "i counts bytes of the chunk, so it stays below chunk.len() + 1")]
    fn range<const FAST: bool, S: Sink + ?Sized>(
        &mut self,
        chunk: &[u8],
        mut i: usize,
        stage: &mut Stage,
        sink: &mut S,
    ) -> Result<()> {
        let mut run_start = i;
        loop {
            if FAST && self.between_tokens() {
                i = self.fast(chunk, i, &mut run_start, stage, sink);
            }
            // Fast paths over the bulk of a body, which need no state change: the plain ASCII
            // content of a string, whitespace between tokens (dropped as one run), the digits of
            // a number. Each stops at the first byte that needs the state machine.
            match self.state {
                State::Str { .. } if !self.want_low_surrogate => i = scan::swar::string_stop(chunk, i),
                State::Value | State::ArrayFirst | State::ObjectFirst | State::Key | State::Colon | State::After
                    if chunk.get(i).is_some_and(|&c| is_ws(c)) =>
                {
                    stage.write_run(chunk.get(run_start..i), sink);
                    i = scan::swar::ws_stop(chunk, i + 1);
                    run_start = i;
                }
                State::Int | State::Frac | State::ExpDigits => i = skip_digits(chunk, i),
                _ => {}
            }
            let Some(&b) = chunk.get(i) else { break };
            // The most frequent transitions, taken here without the general state machine
            // (`step` does exactly the same for these bytes).
            match (self.state, b) {
                (State::Str { key }, b'"') if !self.want_low_surrogate => {
                    self.state = if key { State::Colon } else { State::After };
                }
                (State::Colon, b':') => self.state = State::Value,
                (State::Key | State::ObjectFirst, b'"') => self.state = State::Str { key: true },
                (State::Value | State::ArrayFirst, b'"') => {
                    self.started = true;
                    self.state = State::Str { key: false };
                }
                (State::After, b',') if self.depth > 0 => {
                    self.state = if self.in_object() { State::Key } else { State::Value };
                }
                _ => {
                    if !self.step(b, self.offset.saturating_add(i))? {
                        stage.write_run(chunk.get(run_start..i), sink);
                        run_start = i.saturating_add(1);
                    }
                }
            }
            i += 1;
        }
        stage.write_run(chunk.get(run_start..), sink);
        Ok(())
    }

    /// Ends the body.
    ///
    /// ```
    /// use snapsign_core::{minify::Minifier, Error, JsonErrorKind};
    /// let mut m = Minifier::new();
    /// m.update(b"{\"a\":", &mut Vec::new())?;
    /// assert_eq!(m.finish(), Err(Error::InvalidJson { offset: 5, kind: JsonErrorKind::UnexpectedEnd }));
    /// # Ok::<(), snapsign_core::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidJson`] with [`JsonErrorKind::UnexpectedEnd`] (or `InvalidNumber`) when the
    /// body stopped inside a value.
    pub fn finish(self) -> Result<()> {
        let at_top = self.depth == 0;
        match self.state {
            State::Value if !self.started => Ok(()),
            State::After | State::Zero | State::Int | State::Frac | State::ExpDigits if at_top => Ok(()),
            State::Minus | State::Dot | State::Exp | State::ExpSign => {
                Err(Error::InvalidJson { offset: self.offset, kind: JsonErrorKind::InvalidNumber })
            }
            _ => Err(Error::InvalidJson { offset: self.offset, kind: JsonErrorKind::UnexpectedEnd }),
        }
    }

    /// Whether the state is between tokens, where the fast path can take over.
    const fn between_tokens(&self) -> bool {
        matches!(
            self.state,
            State::Value | State::ArrayFirst | State::ObjectFirst | State::Key | State::Colon | State::After
        )
    }

    fn push(&mut self, object: bool, offset: usize) -> Result<()> {
        if usize::from(self.depth) >= MAX_DEPTH {
            return Err(Error::InvalidJson { offset, kind: JsonErrorKind::TooDeep });
        }
        self.stack = (self.stack << 1) | u128::from(object);
        self.depth = self.depth.saturating_add(1);
        Ok(())
    }

    /// Closes the innermost bracket if it is an object (`object`) or an array.
    fn pop(&mut self, object: bool, offset: usize) -> Result<()> {
        if self.depth == 0 || (self.stack & 1 == 1) != object {
            return Err(unexpected(offset));
        }
        self.stack >>= 1;
        self.depth = self.depth.saturating_sub(1);
        self.state = State::After;
        Ok(())
    }

    fn in_object(&self) -> bool {
        self.depth > 0 && self.stack & 1 == 1
    }

    /// Starts a value with byte `b` (whitespace already handled).
    fn begin_value(&mut self, b: u8, offset: usize) -> Result<()> {
        self.started = true;
        self.state = match b {
            b'{' => {
                self.push(true, offset)?;
                State::ObjectFirst
            }
            b'[' => {
                self.push(false, offset)?;
                State::ArrayFirst
            }
            b'"' => State::Str { key: false },
            b'-' => State::Minus,
            b'0' => State::Zero,
            b'1'..=b'9' => State::Int,
            b't' => State::Lit { lit: Literal::True, pos: 1 },
            b'f' => State::Lit { lit: Literal::False, pos: 1 },
            b'n' => State::Lit { lit: Literal::Null, pos: 1 },
            0xEF if offset == 0 => return Err(Error::InvalidJson { offset, kind: JsonErrorKind::ByteOrderMark }),
            _ => return Err(unexpected(offset)),
        };
        Ok(())
    }

    /// One byte; returns whether it belongs in the output.
    #[allow(
        clippy::arithmetic_side_effects,
        reason = "done < 3, left > 1 and pos < 5 where they are incremented or decremented"
    )]
    fn step(&mut self, b: u8, offset: usize) -> Result<bool> {
        match self.state {
            State::Value | State::ArrayFirst | State::ObjectFirst | State::Key | State::Colon | State::After
                if is_ws(b) =>
            {
                return Ok(false);
            }
            State::Value => self.begin_value(b, offset)?,
            State::ArrayFirst => {
                if b == b']' {
                    self.pop(false, offset)?;
                } else {
                    self.begin_value(b, offset)?;
                }
            }
            State::ObjectFirst | State::Key => match b {
                b'"' => self.state = State::Str { key: true },
                b'}' if self.state == State::ObjectFirst => self.pop(true, offset)?,
                _ => return Err(unexpected(offset)),
            },
            State::Colon => {
                if b != b':' {
                    return Err(unexpected(offset));
                }
                self.state = State::Value;
            }
            State::After => match b {
                _ if self.depth == 0 => return Err(Error::InvalidJson { offset, kind: JsonErrorKind::TrailingData }),
                b',' => self.state = if self.in_object() { State::Key } else { State::Value },
                b']' => self.pop(false, offset)?,
                b'}' => self.pop(true, offset)?,
                _ => return Err(unexpected(offset)),
            },
            State::Str { key } => self.string_byte(b, key, offset)?,
            State::Escape { key } => {
                if self.want_low_surrogate && b != b'u' {
                    return Err(Error::InvalidJson { offset, kind: JsonErrorKind::InvalidSurrogate });
                }
                self.state = match b {
                    b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => State::Str { key },
                    b'u' => State::Hex { key, done: 0, code: 0 },
                    _ => return Err(Error::InvalidJson { offset, kind: JsonErrorKind::InvalidEscape }),
                };
            }
            State::Hex { key, done, code } => {
                let digit = hex_value(b).ok_or(Error::InvalidJson { offset, kind: JsonErrorKind::InvalidEscape })?;
                let code = (code << 4) | digit;
                if done < 3 {
                    self.state = State::Hex { key, done: done + 1, code };
                } else {
                    self.surrogate_check(code, offset)?;
                    self.state = State::Str { key };
                }
            }
            State::Utf8 { key, left, lo, hi } => {
                if b < lo || b > hi {
                    return Err(Error::InvalidJson { offset, kind: JsonErrorKind::InvalidUtf8 });
                }
                self.state =
                    if left > 1 { State::Utf8 { key, left: left - 1, lo: 0x80, hi: 0xBF } } else { State::Str { key } };
            }
            State::Lit { lit, pos } => {
                let text = lit.text();
                if text.get(usize::from(pos)) != Some(&b) {
                    return Err(unexpected(offset));
                }
                let pos = pos + 1;
                self.state = if usize::from(pos) == text.len() { State::After } else { State::Lit { lit, pos } };
            }
            State::Minus => {
                self.state = match b {
                    b'0' => State::Zero,
                    b'1'..=b'9' => State::Int,
                    _ => return Err(Error::InvalidJson { offset, kind: JsonErrorKind::InvalidNumber }),
                }
            }
            State::Zero | State::Int | State::Frac | State::ExpDigits => {
                let next = match (self.state, b) {
                    (State::Int, b'0'..=b'9') => Some(State::Int),
                    (State::Zero, b'0'..=b'9') => {
                        return Err(Error::InvalidJson { offset, kind: JsonErrorKind::InvalidNumber })
                    }
                    (State::Zero | State::Int, b'.') => Some(State::Dot),
                    (State::Frac, b'0'..=b'9') => Some(State::Frac),
                    (State::ExpDigits, b'0'..=b'9') => Some(State::ExpDigits),
                    (State::Zero | State::Int | State::Frac, b'e' | b'E') => Some(State::Exp),
                    _ => None,
                };
                match next {
                    Some(s) => self.state = s,
                    None => {
                        // The number ended; this byte belongs to what follows it.
                        self.state = State::After;
                        return self.step(b, offset);
                    }
                }
            }
            State::Dot => {
                if !b.is_ascii_digit() {
                    return Err(Error::InvalidJson { offset, kind: JsonErrorKind::InvalidNumber });
                }
                self.state = State::Frac;
            }
            State::Exp => {
                self.state = match b {
                    b'+' | b'-' => State::ExpSign,
                    b'0'..=b'9' => State::ExpDigits,
                    _ => return Err(Error::InvalidJson { offset, kind: JsonErrorKind::InvalidNumber }),
                }
            }
            State::ExpSign => {
                if !b.is_ascii_digit() {
                    return Err(Error::InvalidJson { offset, kind: JsonErrorKind::InvalidNumber });
                }
                self.state = State::ExpDigits;
            }
        }
        Ok(true)
    }

    fn string_byte(&mut self, b: u8, key: bool, offset: usize) -> Result<()> {
        if self.want_low_surrogate && b != b'\\' {
            return Err(Error::InvalidJson { offset, kind: JsonErrorKind::InvalidSurrogate });
        }
        self.state = match b {
            b'"' => {
                if key {
                    State::Colon
                } else {
                    State::After
                }
            }
            b'\\' => State::Escape { key },
            0x00..=0x1F => return Err(Error::InvalidJson { offset, kind: JsonErrorKind::ControlCharacterInString }),
            0x20..=0x7F => State::Str { key },
            0xC2..=0xDF => State::Utf8 { key, left: 1, lo: 0x80, hi: 0xBF },
            0xE0 => State::Utf8 { key, left: 2, lo: 0xA0, hi: 0xBF },
            0xE1..=0xEC | 0xEE..=0xEF => State::Utf8 { key, left: 2, lo: 0x80, hi: 0xBF },
            0xED => State::Utf8 { key, left: 2, lo: 0x80, hi: 0x9F },
            0xF0 => State::Utf8 { key, left: 3, lo: 0x90, hi: 0xBF },
            0xF1..=0xF3 => State::Utf8 { key, left: 3, lo: 0x80, hi: 0xBF },
            0xF4 => State::Utf8 { key, left: 3, lo: 0x80, hi: 0x8F },
            _ => return Err(Error::InvalidJson { offset, kind: JsonErrorKind::InvalidUtf8 }),
        };
        Ok(())
    }

    fn surrogate_check(&mut self, code: u16, offset: usize) -> Result<()> {
        let high = (0xD800..=0xDBFF).contains(&code);
        let low = (0xDC00..=0xDFFF).contains(&code);
        if self.want_low_surrogate {
            if !low {
                return Err(Error::InvalidJson { offset, kind: JsonErrorKind::InvalidSurrogate });
            }
            self.want_low_surrogate = false;
        } else if low {
            return Err(Error::InvalidJson { offset, kind: JsonErrorKind::InvalidSurrogate });
        } else if high {
            self.want_low_surrogate = true;
        }
        Ok(())
    }
}

/// Collects short output runs and hands them to the sink in larger pieces: a pretty-printed body
/// minifies to many runs of a few dozen bytes, and a hasher's per-call cost would dominate.
struct Stage {
    buf: [u8; STAGE_LEN + scan::COMPACT_ROOM - 64],
    len: usize,
}

const STAGE_LEN: usize = 512;

impl Stage {
    const fn new() -> Self {
        Stage { buf: [0; STAGE_LEN + scan::COMPACT_ROOM - 64], len: 0 }
    }

    fn write_run<S: Sink + ?Sized>(&mut self, run: Option<&[u8]>, sink: &mut S) {
        let Some(run) = run else { return };
        if run.is_empty() {
            return;
        }
        let end = self.len.saturating_add(run.len());
        if end > STAGE_LEN {
            self.flush(sink);
            if run.len() >= STAGE_LEN / 2 {
                sink.write(run);
                return;
            }
            self.write_run(Some(run), sink);
            return;
        }
        if let Some(dst) = self.buf.get_mut(self.len..end) {
            dst.copy_from_slice(run);
            self.len = end;
        }
    }

    /// Writes the bytes of `block` whose bit is set in `keep`, in order.
    #[allow(
        clippy::arithmetic_side_effects,
        reason = "len + COMPACT_ROOM <= STAGE_LEN + COMPACT_ROOM - 64 after the flush"
    )]
    fn write_block<S: Sink + ?Sized>(&mut self, block: &[u8; 64], keep: u64, sink: &mut S) {
        if self.len + 64 > STAGE_LEN {
            self.flush(sink);
        }
        let dst = self.buf.get_mut(self.len..self.len + scan::COMPACT_ROOM);
        let Some(dst) = dst.and_then(|d| <&mut [u8; scan::COMPACT_ROOM]>::try_from(d).ok()) else { return };
        if keep == !0 {
            if let Some(d) = dst.get_mut(..64) {
                d.copy_from_slice(block);
            }
            self.len += 64;
        } else {
            self.len += scan::compact(block, keep, dst);
        }
    }

    fn flush<S: Sink + ?Sized>(&mut self, sink: &mut S) {
        if let Some(staged) = self.buf.get(..self.len) {
            if !staged.is_empty() {
                sink.write(staged);
            }
        }
        self.len = 0;
    }
}

/// The index of the first byte at or after `i` that is not an ASCII digit, or `chunk.len()`.
#[allow(clippy::arithmetic_side_effects, reason = "i < chunk.len() when incremented")]
fn skip_digits(chunk: &[u8], mut i: usize) -> usize {
    while chunk.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    i
}

const fn unexpected(offset: usize) -> Error {
    Error::InvalidJson { offset, kind: JsonErrorKind::UnexpectedByte }
}

/// The byte-at-a-time state machine alone, without the fast path: the reference the fast path is
/// tested against (core/tests/minify_fast.rs, fuzz target `minify_diff`). Same API, same results.
#[doc(hidden)]
pub mod reference {
    use super::{Result, Sink};

    /// [`super::Minifier`] without its fast path.
    #[derive(Debug, Clone, Default)]
    pub struct Minifier(super::Minifier);

    impl Minifier {
        /// A minifier at the start of a body.
        pub const fn new() -> Self {
            Minifier(super::Minifier::new())
        }

        /// As [`super::Minifier::update`].
        ///
        /// # Errors
        /// As [`super::Minifier::update`].
        pub fn update<S: Sink + ?Sized>(&mut self, chunk: &[u8], sink: &mut S) -> Result<()> {
            self.0.run::<false, S>(chunk, sink)
        }

        /// As [`super::Minifier::finish`].
        ///
        /// # Errors
        /// As [`super::Minifier::finish`].
        pub fn finish(self) -> Result<()> {
            self.0.finish()
        }
    }

    /// As [`super::minify_to`].
    ///
    /// # Errors
    /// As [`super::minify_to`].
    pub fn minify_to<S: Sink + ?Sized>(body: &[u8], sink: &mut S) -> Result<()> {
        let mut m = Minifier::new();
        m.update(body, sink)?;
        m.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    fn mini(s: &[u8]) -> Result<Vec<u8>> {
        let mut v = Vec::new();
        minify_to(s, &mut v)?;
        Ok(v)
    }

    fn err_at(s: &[u8]) -> (usize, JsonErrorKind) {
        match mini(s) {
            Err(Error::InvalidJson { offset, kind }) => (offset, kind),
            other => panic!("expected JSON error for {:?}, got {other:?}", s),
        }
    }

    #[test]
    fn keeps_string_bytes_and_drops_outside_whitespace() {
        assert_eq!(
            mini(b" { \"a b\" : [ 1 , -0.5e+3 , \"\\u00e9\\/\" ] } ").unwrap(),
            b"{\"a b\":[1,-0.5e+3,\"\\u00e9\\/\"]}"
        );
        assert_eq!(mini("\"caf\u{e9} \u{1F600}\"".as_bytes()).unwrap(), "\"caf\u{e9} \u{1F600}\"".as_bytes());
        assert_eq!(mini(b"\t\r\n ").unwrap(), b"");
        assert_eq!(mini(b"0").unwrap(), b"0");
        assert_eq!(mini(b" 12 ").unwrap(), b"12");
        assert_eq!(mini(b"\"\\ud83d\\ude00\"").unwrap(), b"\"\\ud83d\\ude00\"");
        assert_eq!(mini(b"{\"a\":1,\"a\":2}").unwrap(), b"{\"a\":1,\"a\":2}");
    }

    #[test]
    fn error_offsets() {
        assert_eq!(err_at(b"{\"a\":1,}"), (7, JsonErrorKind::UnexpectedByte));
        assert_eq!(err_at(b"{\"a\":1"), (6, JsonErrorKind::UnexpectedEnd));
        assert_eq!(err_at(b"[1 2]"), (3, JsonErrorKind::UnexpectedByte));
        assert_eq!(err_at(b"{\"a\":01}"), (6, JsonErrorKind::InvalidNumber));
        assert_eq!(err_at(b"\xEF\xBB\xBF{}"), (0, JsonErrorKind::ByteOrderMark));
        assert_eq!(err_at(b"{\"a\":\"\x01\"}"), (6, JsonErrorKind::ControlCharacterInString));
        assert_eq!(err_at(b"{} {}"), (3, JsonErrorKind::TrailingData));
        assert_eq!(err_at(b"\"\\x\""), (2, JsonErrorKind::InvalidEscape));
        assert_eq!(err_at(b"\"\\ud800\""), (7, JsonErrorKind::InvalidSurrogate));
        assert_eq!(err_at(b"\"\\udc00\""), (6, JsonErrorKind::InvalidSurrogate));
        assert_eq!(err_at(b"\"\xC0\x80\""), (1, JsonErrorKind::InvalidUtf8));
        assert_eq!(err_at(b"\"\xED\xA0\x80\""), (2, JsonErrorKind::InvalidUtf8));
        assert_eq!(err_at(b"1."), (2, JsonErrorKind::InvalidNumber));
        assert_eq!(err_at(b"-"), (1, JsonErrorKind::InvalidNumber));
        assert_eq!(err_at(b"[1.e5]"), (3, JsonErrorKind::InvalidNumber));
        assert_eq!(err_at(b"{\"a\" 1}"), (5, JsonErrorKind::UnexpectedByte));
        assert_eq!(err_at(b"[}"), (1, JsonErrorKind::UnexpectedByte));
        assert_eq!(err_at(b"{]"), (1, JsonErrorKind::UnexpectedByte));
        assert_eq!(err_at(b"nul"), (3, JsonErrorKind::UnexpectedEnd));
        let deep: Vec<u8> = core::iter::repeat_n(b'[', MAX_DEPTH + 1).collect();
        assert_eq!(err_at(&deep), (MAX_DEPTH, JsonErrorKind::TooDeep));
    }

    #[test]
    fn chunking_does_not_change_output() {
        let body = "{ \"k\" : [ true , false , null , 1.5E-3 , \"\\u00e9 \u{65e5}\u{1F600}\" ] }\n".as_bytes();
        let whole = mini(body).unwrap();
        for split in 0..body.len() {
            let mut out = Vec::new();
            let mut m = Minifier::new();
            m.update(&body[..split], &mut out).unwrap();
            m.update(&body[split..], &mut out).unwrap();
            m.finish().unwrap();
            assert_eq!(out, whole, "split at {split}");
        }
    }

    #[test]
    fn buffer_too_small_reports_needed_length() {
        let mut small = [0u8; 4];
        assert_eq!(minify(b"[1, 2, 3]", &mut small), Err(Error::BufferTooSmall { needed: 7 }));
        let mut exact = [0u8; 7];
        assert_eq!(minify(b"[1, 2, 3]", &mut exact), Ok(7));
        assert_eq!(&exact, b"[1,2,3]");
        // Invalid JSON wins over a short buffer.
        assert!(matches!(minify(b"[1, 2, ", &mut small), Err(Error::InvalidJson { .. })));
    }
}
