//! The public `Minifier` (with its token-level fast path) against the byte-at-a-time reference
//! state machine, `snapsign_core::minify::reference`: same output bytes, same errors (kind and
//! absolute offset), from the same call, however the body is split into chunks.
//!
//! The fast path engages only between tokens and on bulk input, so the generated bodies are long
//! (mostly 100 bytes to 4 KiB) with long whitespace runs (indentation of 2 to 40 spaces, tabs,
//! CR/LF), long strings, escapes, multibyte UTF-8, numbers, literals and nesting; then the same
//! with random mutations, and arbitrary bytes. Every input goes through [`check`]:
//! - `minify_to` of the whole body: `Ok` with equal bytes, or an equal `Err`;
//! - streamed (`update` per chunk, then `finish`, stopping at the first error) in 2 and 3 chunks
//!   split at random points, at points next to token and whitespace-run boundaries, in chunks of
//!   a fixed random size, and (bodies of at most 300 bytes) in 2 chunks at every split point: the
//!   same sequence of results, and after every successful `update` the same output so far;
//! - `minify` into a buffer of exactly the reference's output length gives those bytes, a
//!   shorter one `BufferTooSmall { needed }` with that length, and an invalid body the same error.
//!
//! Bodies that are valid by construction also check the reference itself against the expected
//! minified text (built by leaving the whitespace out), so a generator that silently produced
//! only invalid JSON would fail here.

use std::path::PathBuf;

use base64ct::{Base64, Encoding};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use serde_json::Value;
use snapsign_core::minify::{self, reference, Minifier, MAX_DEPTH};
use snapsign_core::{Error, JsonErrorKind};

// ---------------------------------------------------------------------------------------------
// The comparison.

/// The two minifiers behind one interface.
trait Streaming {
    fn start() -> Self;
    fn feed(&mut self, chunk: &[u8], out: &mut Vec<u8>) -> Result<(), Error>;
    fn end(self) -> Result<(), Error>;
}

impl Streaming for Minifier {
    fn start() -> Self {
        Minifier::new()
    }
    fn feed(&mut self, chunk: &[u8], out: &mut Vec<u8>) -> Result<(), Error> {
        self.update(chunk, out)
    }
    fn end(self) -> Result<(), Error> {
        self.finish()
    }
}

impl Streaming for reference::Minifier {
    fn start() -> Self {
        reference::Minifier::new()
    }
    fn feed(&mut self, chunk: &[u8], out: &mut Vec<u8>) -> Result<(), Error> {
        self.update(chunk, out)
    }
    fn end(self) -> Result<(), Error> {
        self.finish()
    }
}

/// What a streamed run did: the result of every call made (the `update`s, then `finish`,
/// stopping after the first error), the output length after each successful `update`, and the
/// output up to the last successful `update` (all of it when everything succeeded).
#[derive(Debug, PartialEq, Eq)]
struct Trace {
    calls: Vec<Result<(), Error>>,
    lens: Vec<usize>,
    out: Vec<u8>,
}

impl Trace {
    fn result(&self) -> Result<(), Error> {
        *self.calls.last().expect("at least finish() is called")
    }
}

fn stream<M: Streaming>(chunks: &[&[u8]]) -> Trace {
    let mut m = M::start();
    let mut out = Vec::new();
    let mut calls = Vec::new();
    let mut lens = Vec::new();
    for chunk in chunks {
        let r = m.feed(chunk, &mut out);
        calls.push(r);
        if r.is_err() {
            // What reached the sink in the failing call is unspecified: keep what came before.
            out.truncate(lens.last().copied().unwrap_or(0));
            return Trace { calls, lens, out };
        }
        lens.push(out.len());
    }
    calls.push(m.end());
    Trace { calls, lens, out }
}

/// The body cut at `cuts` (sorted, each at most `body.len()`).
fn split_at<'a>(body: &'a [u8], cuts: &[usize]) -> Vec<&'a [u8]> {
    let mut chunks = Vec::with_capacity(cuts.len() + 1);
    let mut start = 0;
    for &c in cuts {
        chunks.push(&body[start..c]);
        start = c;
    }
    chunks.push(&body[start..]);
    chunks
}

/// Compares the two minifiers streaming `body` cut at `cuts`; `whole` is the reference's
/// one-shot result, which the chunking must not change either.
fn check_stream(body: &[u8], cuts: &[usize], whole: &Result<Vec<u8>, Error>) -> Result<(), TestCaseError> {
    let chunks = split_at(body, cuts);
    let fast = stream::<Minifier>(&chunks);
    let slow = stream::<reference::Minifier>(&chunks);
    prop_assert_eq!(&fast, &slow, "public vs reference, body {:?} cut at {:?}", Bytes(body), cuts);
    match whole {
        Ok(out) => {
            prop_assert_eq!(slow.result(), Ok(()), "reference: chunking changed the result, cuts {:?}", cuts);
            prop_assert_eq!(&slow.out, out, "reference: chunking changed the output, cuts {:?}", cuts);
        }
        Err(e) => prop_assert_eq!(slow.result(), Err(*e), "reference: chunking changed the error, cuts {:?}", cuts),
    }
    Ok(())
}

/// How a body is cut, drawn by proptest.
#[derive(Debug, Clone, Copy)]
struct Splits {
    a: u64,
    b: u64,
    near: u64,
    chunk: usize,
}

fn splits() -> impl Strategy<Value = Splits> {
    (any::<u64>(), any::<u64>(), any::<u64>(), 1usize..=96).prop_map(|(a, b, near, chunk)| Splits { a, b, near, chunk })
}

/// The reference's one-shot result.
fn reference_minify(body: &[u8]) -> Result<Vec<u8>, Error> {
    let mut out = Vec::new();
    reference::minify_to(body, &mut out).map(|()| out)
}

/// Every comparison of the module docs for one body; returns the reference's result.
fn check(body: &[u8], s: Splits) -> Result<Result<Vec<u8>, Error>, TestCaseError> {
    let whole = reference_minify(body);

    // One shot.
    let mut out = Vec::new();
    let fast = minify::minify_to(body, &mut out);
    match &whole {
        Ok(expected) => {
            prop_assert_eq!(fast, Ok(()), "public minify_to refused {:?}", Bytes(body));
            prop_assert_eq!(&out, expected, "public minify_to output for {:?}", Bytes(body));
        }
        Err(e) => prop_assert_eq!(fast, Err(*e), "public minify_to error for {:?}", Bytes(body)),
    }

    // Into a buffer, sized by the reference.
    match &whole {
        Ok(expected) => {
            let mut exact = vec![0u8; expected.len()];
            prop_assert_eq!(minify::minify(body, &mut exact), Ok(expected.len()));
            prop_assert_eq!(&exact, expected);
            if !expected.is_empty() {
                let needed = Err(Error::BufferTooSmall { needed: expected.len() });
                let mut short = vec![0u8; expected.len() - 1];
                prop_assert_eq!(minify::minify(body, &mut short), needed);
                let mut half = vec![0u8; expected.len() / 2];
                prop_assert_eq!(minify::minify(body, &mut half), needed);
            }
        }
        Err(e) => {
            let mut roomy = vec![0u8; body.len()];
            prop_assert_eq!(minify::minify(body, &mut roomy), Err(*e));
            prop_assert_eq!(minify::minify(body, &mut []), Err(*e));
        }
    }

    // Streamed.
    let len = body.len() as u64;
    let (x, y) = ((s.a % (len + 1)) as usize, (s.b % (len + 1)) as usize);
    check_stream(body, &[x], &whole)?;
    check_stream(body, &[x.min(y), x.max(y)], &whole)?;
    check_stream(body, &[], &whole)?;
    // Next to boundaries between token and whitespace run, and around string quotes.
    let edges: Vec<usize> = (1..body.len())
        .filter(|&i| is_ws(body[i - 1]) != is_ws(body[i]) || body[i] == b'"' || body[i] == b'\\')
        .collect();
    if !edges.is_empty() {
        let mut n = s.near;
        for _ in 0..3 {
            let e = edges[(n % edges.len() as u64) as usize];
            n = n.wrapping_mul(0x5851_f42d_4c95_7f2d).wrapping_add(0x1405_7b7e_f767_814f) >> 1;
            for c in e.saturating_sub(1)..=(e + 1).min(body.len()) {
                check_stream(body, &[c], &whole)?;
            }
        }
    }
    // Fixed-size chunks: every alignment of the fast path's blocks against chunk ends.
    let cuts: Vec<usize> = (1..=body.len() / s.chunk).map(|k| k * s.chunk).filter(|&c| c < body.len()).collect();
    check_stream(body, &cuts, &whole)?;
    if body.len() <= 300 {
        for c in 0..=body.len() {
            check_stream(body, &[c], &whole)?;
        }
    }
    Ok(whole)
}

/// [`check`] for the deterministic tests, splitting short bodies at every point (which `check`
/// already does up to 300 bytes) and with fixed split parameters.
fn check_all(body: &[u8]) -> Result<Vec<u8>, Error> {
    let s = Splits { a: 0x9e37_79b9_7f4a_7c15, b: 0x2545_f491_4f6c_dd1d, near: 7, chunk: 13 };
    let whole = check(body, s).unwrap_or_else(|e| panic!("{e}"));
    if (300..=700).contains(&body.len()) {
        for c in 0..=body.len() {
            check_stream(body, &[c], &whole).unwrap_or_else(|e| panic!("{e}"));
        }
    }
    whole
}

const fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// Bytes shown as text where they are UTF-8, for failure messages.
struct Bytes<'a>(&'a [u8]);

impl std::fmt::Debug for Bytes<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "b\"{}\" ({} bytes)", self.0.escape_ascii(), self.0.len())
    }
}

// ---------------------------------------------------------------------------------------------
// Generated JSON.

/// A JSON tree whose scalars, keys included, are already spelled (possibly invalid) tokens.
#[derive(Debug, Clone)]
enum Json {
    Token(Vec<u8>),
    Array(Vec<Json>),
    Object(Vec<(Vec<u8>, Json)>),
}

/// SplitMix64, seeded by proptest, for the whitespace between tokens.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// How the whitespace between tokens looks in one body.
#[derive(Debug, Clone, Copy)]
enum Style {
    /// No whitespace at all.
    Compact,
    /// One space here and there.
    Spaces,
    /// Pretty-printed: a line break (LF or CRLF) and `unit` spaces per level before each element.
    Indent { unit: usize, crlf: bool },
    /// Pretty-printed with tabs.
    Tabs { crlf: bool },
    /// Runs of 0 to 60 random whitespace bytes between every two tokens.
    Random,
}

fn style() -> impl Strategy<Value = Style> {
    prop_oneof![
        1 => Just(Style::Compact),
        1 => Just(Style::Spaces),
        4 => (2usize..=40, any::<bool>()).prop_map(|(unit, crlf)| Style::Indent { unit, crlf }),
        2 => any::<bool>().prop_map(|crlf| Style::Tabs { crlf }),
        3 => Just(Style::Random),
    ]
}

struct Printer {
    style: Style,
    rng: Rng,
    out: Vec<u8>,
}

impl Printer {
    /// Whitespace between two tokens; `level` is the indentation level of what follows when it
    /// starts a line (`line`).
    fn gap(&mut self, line: bool, level: usize) {
        let r = self.rng.below(100);
        match self.style {
            Style::Compact => {}
            Style::Spaces => {
                if r < 50 {
                    self.out.push(b' ');
                }
            }
            Style::Indent { crlf, .. } | Style::Tabs { crlf } if line => {
                let (byte, n) = match self.style {
                    Style::Indent { unit, .. } => (b' ', unit * level),
                    _ => (b'\t', level),
                };
                self.out.extend_from_slice(if crlf { b"\r\n" } else { b"\n" });
                self.out.extend(std::iter::repeat_n(byte, n));
                // Now and then a stray trailing space or tab.
                if r < 5 {
                    self.out.extend_from_slice(b" \t");
                }
            }
            Style::Indent { .. } | Style::Tabs { .. } => {
                if r < 60 {
                    self.out.push(b' ');
                }
            }
            Style::Random => {
                let n = match r {
                    0..=29 => 0,
                    30..=59 => self.rng.below(4),
                    60..=89 => self.rng.below(24),
                    _ => 24 + self.rng.below(37),
                };
                for _ in 0..n {
                    self.out.push([b' ', b' ', b' ', b'\t', b'\n', b'\r'][self.rng.below(6) as usize]);
                }
            }
        }
    }

    fn value(&mut self, v: &Json, level: usize) {
        match v {
            Json::Token(t) => self.out.extend_from_slice(t),
            Json::Array(items) => {
                self.out.push(b'[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.gap(false, 0);
                        self.out.push(b',');
                    }
                    self.gap(true, level + 1);
                    self.value(item, level + 1);
                }
                self.gap(!items.is_empty(), level);
                self.out.push(b']');
            }
            Json::Object(members) => {
                self.out.push(b'{');
                for (i, (key, item)) in members.iter().enumerate() {
                    if i > 0 {
                        self.gap(false, 0);
                        self.out.push(b',');
                    }
                    self.gap(true, level + 1);
                    self.out.extend_from_slice(key);
                    self.gap(false, 0);
                    self.out.push(b':');
                    self.gap(false, 0);
                    self.value(item, level + 1);
                }
                self.gap(!members.is_empty(), level);
                self.out.push(b'}');
            }
        }
    }
}

/// `v` printed with whitespace in `style` before, between and after all tokens.
fn render(v: &Json, style: Style, seed: u64) -> Vec<u8> {
    let mut p = Printer { style, rng: Rng(seed), out: Vec::new() };
    p.gap(false, 0);
    p.value(v, 0);
    p.gap(true, 0);
    p.out
}

/// `v` without any whitespace: the expected minified form of a valid body.
fn compact(v: &Json) -> Vec<u8> {
    render(v, Style::Compact, 0)
}

fn hex4(code: u16, upper: bool) -> Vec<u8> {
    if upper {
        format!("\\u{code:04X}").into_bytes()
    } else {
        format!("\\u{code:04x}").into_bytes()
    }
}

/// A piece of valid string content, as it is spelled in the JSON text.
fn valid_piece() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        // Plain ASCII (no `"` or `\`), up to 200 characters, often long.
        6 => prop::collection::vec(0x20u8..0x7f, 0..=200)
            .prop_map(|v| v.into_iter().map(|b| if b == b'"' || b == b'\\' { b'_' } else { b }).collect()),
        2 => prop::sample::select(vec![
            &b"\\\""[..], b"\\\\", b"\\/", b"\\b", b"\\f", b"\\n", b"\\r", b"\\t",
        ]).prop_map(<[u8]>::to_vec),
        1 => (any::<u16>().prop_filter("not a surrogate", |c| !(0xD800..=0xDFFF).contains(c)), any::<bool>())
            .prop_map(|(c, up)| hex4(c, up)),
        1 => (0xD800u16..=0xDBFF, 0xDC00u16..=0xDFFF, any::<bool>()).prop_map(|(hi, lo, up)| {
            let mut v = hex4(hi, up);
            v.extend(hex4(lo, !up));
            v
        }),
        // Raw UTF-8 of 2, 3 and 4 bytes, in runs.
        2 => prop::collection::vec(
            prop_oneof![
                proptest::char::range('\u{80}', '\u{7ff}'),
                proptest::char::range('\u{800}', '\u{d7ff}'),
                proptest::char::range('\u{e000}', '\u{ffff}'),
                proptest::char::range('\u{10000}', '\u{10ffff}'),
            ],
            1..12,
        )
        .prop_map(|cs| cs.into_iter().collect::<String>().into_bytes()),
    ]
}

/// A piece that makes a string invalid.
fn invalid_piece() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        // Lone surrogates (a high one may be followed by anything but a low escape).
        (0xD800u16..=0xDBFF, any::<bool>()).prop_map(|(c, up)| hex4(c, up)),
        (0xDC00u16..=0xDFFF, any::<bool>()).prop_map(|(c, up)| hex4(c, up)),
        (0xD800u16..=0xDBFF, prop::sample::select(vec![&b"\\n"[..], b"a", b"\\u0041", b"\\ud800", b"\\"]))
            .prop_map(|(c, tail)| [hex4(c, false), tail.to_vec()].concat()),
        // \u with fewer than four hex digits, then something else.
        (0usize..4, prop::sample::select(vec![b'g', b'G', b'"', b' ', b'\\', b'x', 0xC3])).prop_map(|(n, end)| [
            b"\\u".to_vec(),
            b"0aF9"[..n].to_vec(),
            vec![end]
        ]
        .concat()),
        prop::sample::select(vec![&b"\\x"[..], b"\\a", b"\\'", b"\\0", b"\\U0041", b"\\ ", b"\\\xC3\xA9"])
            .prop_map(<[u8]>::to_vec),
        // Invalid UTF-8: overlongs, surrogates, out of range, stray and truncated sequences.
        prop::sample::select(vec![
            &b"\xC0\x80"[..],
            b"\xC1\xBF",
            b"\xE0\x80\x80",
            b"\xE0\x9F\xBF",
            b"\xED\xA0\x80",
            b"\xED\xBF\xBF",
            b"\xF0\x80\x80\x80",
            b"\xF0\x8F\xBF\xBF",
            b"\xF4\x90\x80\x80",
            b"\xF5\x80\x80\x80",
            b"\xF8\x88\x80\x80\x80",
            b"\xFE",
            b"\xFF",
            b"\x80",
            b"\xBF",
            b"\xC3",
            b"\xC3A",
            b"\xE2\x82",
            b"\xE2\x82A",
            b"\xF0\x9F\x98",
            b"\xF0\x9F\x98\"",
            b"\xE2\x28\xA1",
            b"\xC3\xA9\x80",
        ])
        .prop_map(<[u8]>::to_vec),
        // Raw control characters.
        (0u8..0x20).prop_map(|c| vec![c]),
        Just(b"\x7f".to_vec()), // DEL is allowed: a valid piece among the invalid ones
    ]
}

fn string_token(valid: bool) -> BoxedStrategy<Vec<u8>> {
    let piece =
        if valid { valid_piece().boxed() } else { prop_oneof![8 => valid_piece(), 1 => invalid_piece()].boxed() };
    prop::collection::vec(piece, 0..5)
        .prop_map(|pieces| [b"\"".to_vec(), pieces.concat(), b"\"".to_vec()].concat())
        .boxed()
}

fn digits(min: usize, max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(0u8..10, min..=max).prop_map(|d| d.into_iter().map(|x| char::from(b'0' + x)).collect())
}

/// A number in any form of the grammar.
fn valid_number() -> impl Strategy<Value = Vec<u8>> {
    let int = prop_oneof![Just("0".to_string()), (1u8..10, digits(0, 20)).prop_map(|(d, rest)| format!("{d}{rest}"))];
    let frac = prop::option::of(digits(1, 20).prop_map(|d| format!(".{d}")));
    let exp = prop::option::of(
        (prop::sample::select(vec!["e", "E"]), prop::sample::select(vec!["", "+", "-"]), digits(1, 5))
            .prop_map(|(e, s, d)| format!("{e}{s}{d}")),
    );
    prop_oneof![
        4 => (any::<bool>(), int, frac, exp).prop_map(|(neg, i, f, e)| {
            format!("{}{i}{}{}", if neg { "-" } else { "" }, f.unwrap_or_default(), e.unwrap_or_default()).into_bytes()
        }),
        1 => prop::sample::select(vec![
            "0", "-0", "0e0", "0E+0", "1.5e-3", "-0.0", "1e400", "-1e-400", "1E+308", "123456789012345678901234567890",
            "0.000000000000000000000001", "9007199254740993",
        ])
        .prop_map(|s| s.as_bytes().to_vec()),
    ]
}

fn invalid_number() -> impl Strategy<Value = Vec<u8>> {
    prop::sample::select(vec![
        "01", "1.", "-", "1e", "1e+", "1E-", ".5", "-01", "+1", "1.e5", "00", "-.5", "1e+-3", "0x1", "--1", "1..2",
        "-a", "Infinity", "NaN", "1.5.", "0.e", "-00.1", "1e5.5",
    ])
    .prop_map(|s| s.as_bytes().to_vec())
}

fn scalar(valid: bool) -> BoxedStrategy<Vec<u8>> {
    let literal = prop::sample::select(vec!["true", "false", "null"]).prop_map(|s| s.as_bytes().to_vec());
    if valid {
        prop_oneof![3 => string_token(true), 2 => valid_number(), 1 => literal].boxed()
    } else {
        let broken =
            prop::sample::select(vec!["tru", "nulx", "fals", "nul", "t", "True", "NULL", "nan", "falsey", "n"])
                .prop_map(|s| s.as_bytes().to_vec());
        prop_oneof![
            12 => string_token(false),
            8 => valid_number(),
            4 => literal,
            1 => invalid_number(),
            1 => broken,
        ]
        .boxed()
    }
}

/// Objects and arrays nested to depth 6 (valid: every token valid); mostly a container at the
/// top, now and then a lone scalar.
fn tree(valid: bool) -> impl Strategy<Value = Json> {
    let key = string_token(valid);
    let inner_key = key.clone();
    let nested = scalar(valid).prop_map(Json::Token).prop_recursive(5, 48, 8, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Json::Array),
            prop::collection::vec((inner_key.clone(), inner), 0..8).prop_map(Json::Object),
        ]
    });
    prop_oneof![
        1 => scalar(valid).prop_map(Json::Token),
        4 => prop::collection::vec(nested.clone(), 1..6).prop_map(Json::Array),
        5 => prop::collection::vec((key, nested), 1..6).prop_map(Json::Object),
    ]
}

/// A body that is valid JSON by construction, and its expected minified form.
fn valid_body() -> impl Strategy<Value = (Vec<u8>, Vec<u8>)> {
    (tree(true), style(), any::<u64>()).prop_map(|(t, st, seed)| (render(&t, st, seed), compact(&t)))
}

/// A body that may be invalid anywhere: invalid tokens, a BOM, trailing data, or no value.
fn any_body() -> impl Strategy<Value = Vec<u8>> {
    let trailer = prop::option::weighted(
        0.15,
        prop_oneof![
            scalar(false),
            Just(b"{}".to_vec()),
            Just(b"]".to_vec()),
            Just(b",".to_vec()),
            Just(b"\x00".to_vec()),
            Just(b"\xEF\xBB\xBF".to_vec()),
        ],
    );
    let body = (tree(false), style(), any::<u64>(), prop::bool::weighted(0.08), trailer).prop_map(
        |(t, st, seed, bom, trailer)| {
            let mut body = if bom { b"\xEF\xBB\xBF".to_vec() } else { Vec::new() };
            body.extend(render(&t, st, seed));
            if let Some(t) = trailer {
                body.extend(t);
                body.extend_from_slice(b"  \n");
            }
            body
        },
    );
    let blank = (0usize..400, any::<u64>()).prop_map(|(n, seed)| {
        let mut rng = Rng(seed);
        (0..n).map(|_| [b' ', b'\t', b'\n', b'\r'][rng.below(4) as usize]).collect()
    });
    prop_oneof![12 => body, 1 => blank]
}

/// Nesting of 120 to 135 levels (mixed arrays and objects, keys "k"), around a valid scalar.
/// (No indentation: 130 levels of it would make bodies of megabytes.)
fn deep_body() -> impl Strategy<Value = (Vec<u8>, usize)> {
    let style = prop_oneof![Just(Style::Compact), Just(Style::Spaces), Just(Style::Random)];
    (prop::collection::vec(any::<bool>(), 120..=135), scalar(true), style, any::<u64>()).prop_map(
        |(kinds, leaf, st, seed)| {
            let mut v = Json::Token(leaf);
            for &object in kinds.iter().rev() {
                v = if object { Json::Object(vec![(b"\"k\"".to_vec(), v)]) } else { Json::Array(vec![v]) };
            }
            (render(&v, st, seed), kinds.len())
        },
    )
}

/// Applies `(op, position seed, byte)` edits: insert, delete, replace a byte, truncate; or, at a
/// structural byte (`{}[],:"`, which usually follows a whitespace run), swap a closer for the
/// other kind, replace another with any structural byte, or delete it.
fn mutate(mut body: Vec<u8>, edits: &[(u8, u64, u8)]) -> Vec<u8> {
    const STRUCTURAL: &[u8] = b"{}[],:\"";
    for &(op, pos, byte) in edits {
        let n = body.len() as u64;
        let structural: Vec<usize> = match op % 6 {
            4 | 5 => (0..body.len()).filter(|&i| STRUCTURAL.contains(&body[i])).collect(),
            _ => Vec::new(),
        };
        let pick = |list: &[usize]| list[(pos % list.len() as u64) as usize];
        match op % 6 {
            0 => body.insert((pos % (n + 1)) as usize, byte),
            1 if n > 0 => {
                body.remove((pos % n) as usize);
            }
            2 if n > 0 => body[(pos % n) as usize] = byte,
            3 => body.truncate((pos % (n + 1)) as usize),
            4 if !structural.is_empty() => {
                let at = pick(&structural);
                // A closer becomes one of the other kind; anything else any structural byte.
                body[at] = match body[at] {
                    b'}' => b']',
                    b']' => b'}',
                    _ => STRUCTURAL[usize::from(byte) % STRUCTURAL.len()],
                };
            }
            5 if !structural.is_empty() => {
                body.remove(pick(&structural));
            }
            _ => {}
        }
    }
    body
}

fn edit_byte() -> impl Strategy<Value = u8> {
    prop_oneof![
        3 => prop::sample::select(
            b"{}[]\":,\\/ \t\r\n0123456789-+.eEtfnrulsaxu\x00\x1f\x7f\x80\xbf\xc0\xc3\xe0\xed\xef\xf0\xf4\xf5\xff".to_vec()
        ),
        1 => any::<u8>(),
    ]
}

// ---------------------------------------------------------------------------------------------
// Properties.

/// What any result must look like: output no longer than the body, or a JSON error inside it.
fn sane(whole: &Result<Vec<u8>, Error>, body: &[u8]) -> Result<(), TestCaseError> {
    match whole {
        Ok(out) => prop_assert!(out.len() <= body.len()),
        Err(Error::InvalidJson { offset, .. }) => prop_assert!(*offset <= body.len(), "offset {} past the end", offset),
        Err(other) => prop_assert!(false, "not a JSON error: {:?}", other),
    }
    Ok(())
}

// Case counts keep the whole file under ~25 s in the debug test profile on 2 cores.
proptest! {
    #![proptest_config(ProptestConfig { cases: 800, ..ProptestConfig::default() })]

    /// Valid bodies: both minifiers agree and give the expected minified text.
    #[test]
    fn valid_json_agrees((body, expected) in valid_body(), s in splits()) {
        let whole = check(&body, s)?;
        prop_assert_eq!(whole, Ok(expected), "reference on a valid body {:?}", Bytes(&body));
    }

    /// Bodies with invalid tokens, BOMs, trailing data, or only whitespace.
    #[test]
    fn any_json_agrees(body in any_body(), s in splits()) {
        sane(&check(&body, s)?, &body)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1500, ..ProptestConfig::default() })]

    /// Valid bodies with edits at random positions: the error paths at every position.
    #[test]
    fn mutated_json_agrees(
        (body, _) in valid_body(),
        edits in prop::collection::vec((any::<u8>(), any::<u64>(), edit_byte()), 1..=4),
        s in splits(),
    ) {
        let body = mutate(body, &edits);
        sane(&check(&body, s)?, &body)?;
    }

}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    /// Arbitrary bytes, and bytes from the characters of JSON.
    #[test]
    fn arbitrary_bytes_agree(
        body in prop_oneof![
            prop::collection::vec(any::<u8>(), 0..2048),
            prop::collection::vec(
                prop::sample::select(b"{}[]\"\":,,\\ \t\r\n   01234-.eEtruefalsnl\xc3\xa9".to_vec()),
                0..2048,
            ),
        ],
        s in splits(),
    ) {
        sane(&check(&body, s)?, &body)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 80, ..ProptestConfig::default() })]

    /// Nesting around the limit: accepted up to MAX_DEPTH, `TooDeep` at the first bracket past it.
    #[test]
    fn deep_nesting_agrees((body, depth) in deep_body(), s in splits()) {
        let whole = check(&body, s)?;
        if depth <= MAX_DEPTH {
            prop_assert!(whole.is_ok(), "depth {} refused: {:?}", depth, whole);
        } else {
            let offset = body
                .iter()
                .enumerate()
                .filter(|&(_, &b)| b == b'[' || b == b'{')
                .nth(MAX_DEPTH)
                .map(|(i, _)| i)
                .expect("brackets");
            prop_assert_eq!(whole, Err(Error::InvalidJson { offset, kind: JsonErrorKind::TooDeep }));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Deterministic inputs.

/// The invalid-JSON table of `minify::tests::error_offsets` (core/src/minify.rs).
fn error_table() -> Vec<(Vec<u8>, usize, JsonErrorKind)> {
    use JsonErrorKind::*;
    let mut table: Vec<(Vec<u8>, usize, JsonErrorKind)> = [
        (&b"{\"a\":1,}"[..], 7, UnexpectedByte),
        (b"{\"a\":1", 6, UnexpectedEnd),
        (b"[1 2]", 3, UnexpectedByte),
        (b"{\"a\":01}", 6, InvalidNumber),
        (b"\xEF\xBB\xBF{}", 0, ByteOrderMark),
        (b"{\"a\":\"\x01\"}", 6, ControlCharacterInString),
        (b"{} {}", 3, TrailingData),
        (b"\"\\x\"", 2, InvalidEscape),
        (b"\"\\ud800\"", 7, InvalidSurrogate),
        (b"\"\\udc00\"", 6, InvalidSurrogate),
        (b"\"\xC0\x80\"", 1, InvalidUtf8),
        (b"\"\xED\xA0\x80\"", 2, InvalidUtf8),
        (b"1.", 2, InvalidNumber),
        (b"-", 1, InvalidNumber),
        (b"[1.e5]", 3, InvalidNumber),
        (b"{\"a\" 1}", 5, UnexpectedByte),
        (b"[}", 1, UnexpectedByte),
        (b"{]", 1, UnexpectedByte),
        (b"nul", 3, UnexpectedEnd),
    ]
    .into_iter()
    .map(|(body, offset, kind)| (body.to_vec(), offset, kind))
    .collect();
    table.push((vec![b'['; MAX_DEPTH + 1], MAX_DEPTH, TooDeep));
    table
}

#[test]
fn error_table_exact_and_agrees() {
    const PREFIX: usize = 300;
    let prefix: Vec<u8> = (0..PREFIX).map(|i| if i % 50 == 49 { b'\n' } else { b' ' }).collect();
    for (body, offset, kind) in error_table() {
        let long = [prefix.clone(), body.clone()].concat();
        // The BOM is refused as such only at offset 0; after whitespace it is an unexpected byte.
        let (long_offset, long_kind) = if kind == JsonErrorKind::ByteOrderMark {
            (PREFIX, JsonErrorKind::UnexpectedByte)
        } else {
            (offset + PREFIX, kind)
        };
        for (body, offset, kind) in [(&body, offset, kind), (&long, long_offset, long_kind)] {
            let mut out = Vec::new();
            assert_eq!(
                minify::minify_to(body, &mut out),
                Err(Error::InvalidJson { offset, kind }),
                "public minifier on {:?}",
                Bytes(body)
            );
            assert_eq!(check_all(body), Err(Error::InvalidJson { offset, kind }), "reference on {:?}", Bytes(body));
        }
    }
}

fn vectors() -> Value {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors");
    let text = std::fs::read_to_string(dir.join("snap-vectors.json")).expect("vectors file");
    serde_json::from_str(&text).expect("vectors JSON")
}

fn field<'a>(v: &'a Value, name: &str) -> &'a str {
    v[name].as_str().unwrap_or_else(|| panic!("field {name} in {v}"))
}

fn section<'a>(v: &'a Value, name: &str) -> &'a [Value] {
    let list = v[name].as_array().unwrap_or_else(|| panic!("section {name}"));
    assert!(!list.is_empty(), "section {name} is empty");
    list
}

/// 200 bytes of mixed whitespace.
fn ws_prefix() -> Vec<u8> {
    (0..200)
        .map(|i| match i % 23 {
            0 => b'\r',
            1 => b'\n',
            7 | 8 => b'\t',
            _ => b' ',
        })
        .collect()
}

/// A valid body of the vectors and its expected minified form, alone and after the prefix.
fn valid_vector(body: &[u8], minified: &[u8]) {
    assert_eq!(check_all(body), Ok(minified.to_vec()), "{:?}", Bytes(body));
    assert_eq!(check_all(&[ws_prefix(), body.to_vec()].concat()), Ok(minified.to_vec()), "prefixed {:?}", Bytes(body));
    // The minified form is a fixed point.
    assert_eq!(check_all(minified), Ok(minified.to_vec()), "{:?}", Bytes(minified));
}

#[test]
fn vector_bodies_agree() {
    let v = vectors();
    let mut count = 0;
    for sec in ["transaction_hmac", "service_rsa"] {
        for case in section(&v, sec) {
            valid_vector(field(case, "body").as_bytes(), field(case, "body_minified").as_bytes());
            count += 1;
        }
    }
    for case in section(&v, "minify") {
        valid_vector(field(case, "input").as_bytes(), field(case, "output").as_bytes());
        count += 1;
    }
    assert_eq!(count, 24, "vectors read");
}

#[test]
fn vector_invalid_bodies_agree() {
    let v = vectors();
    for case in section(&v, "minify_invalid") {
        let body = Base64::decode_vec(field(case, "input_b64")).unwrap();
        let Err(Error::InvalidJson { offset, kind }) = check_all(&body) else {
            panic!("{:?} must be refused", Bytes(&body))
        };
        assert!(offset <= body.len());
        let expected = if kind == JsonErrorKind::ByteOrderMark && offset == 0 {
            Error::InvalidJson { offset: 200, kind: JsonErrorKind::UnexpectedByte }
        } else {
            Error::InvalidJson { offset: offset + 200, kind }
        };
        assert_eq!(check_all(&[ws_prefix(), body.clone()].concat()), Err(expected), "prefixed {:?}", Bytes(&body));
    }
}

/// A few long hand-made bodies: every token kind after long runs of each whitespace byte.
#[test]
fn long_whitespace_runs_agree() {
    let tokens: [&[u8]; 8] =
        [b"\"a\\u00e9\xc3\xa9\\ud83d\\ude00\"", b"-12.5e+7", b"0", b"true", b"false", b"null", b"{}", b"[]"];
    for ws in [b' ', b'\t', b'\n', b'\r'] {
        for run in [1usize, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 200] {
            let gap = vec![ws; run];
            let mut body = b"[".to_vec();
            let mut expected = b"[".to_vec();
            for (i, t) in tokens.iter().enumerate() {
                if i > 0 {
                    body.extend(&gap);
                    body.push(b',');
                    expected.push(b',');
                }
                body.extend(&gap);
                body.extend(*t);
                expected.extend(*t);
            }
            body.extend(&gap);
            body.push(b']');
            expected.push(b']');
            assert_eq!(check_all(&body), Ok(expected), "run of {run} x {ws:#04x}");
        }
    }
}

/// Surrogate escapes (a lone high, a lone low, a pair, a pair cut by a byte or by a non-low
/// escape) at every offset of the first blocks, inside a body longer than a block: the block path
/// must leave each of them to the state machine, which reports the short form's error moved by
/// the offset.
#[test]
fn surrogate_escapes_at_every_offset_agree() {
    let escapes: [&[u8]; 7] =
        [br"\ud800", br"\udc00", br"\ud83d\ude00", br"\udbff\udfff", br"\ud83dx", br"\ud83d\u0041", br"\ud83d\n"];
    for escape in escapes {
        let short = [&b"\""[..], escape, b"\""].concat();
        let short_result = check_all(&short);
        if let Err(Error::InvalidJson { kind, .. }) = short_result {
            assert_eq!(kind, JsonErrorKind::InvalidSurrogate, "{:?}", Bytes(&short));
        }
        for before in 0..140 {
            let mut body = b"[\"".to_vec();
            body.extend((0..before).map(|i| b'a' + (i % 26) as u8));
            body.extend(escape);
            body.extend(b"z\", \"");
            body.extend(vec![b'y'; 150]);
            body.extend(b"\" ]");
            let expected = match &short_result {
                Ok(_) => Ok(body.iter().copied().filter(|&b| b != b' ').collect::<Vec<u8>>()),
                Err(Error::InvalidJson { offset, kind }) => {
                    Err(Error::InvalidJson { offset: offset + 1 + before, kind: *kind })
                }
                Err(e) => panic!("{e:?}"),
            };
            assert_eq!(check_all(&body), expected, "{:?} after {before} bytes", Bytes(escape));
        }
    }
}
