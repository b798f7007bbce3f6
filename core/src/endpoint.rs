//! The `EndpointUrl` of the transaction and service string-to-sign, from the request target.
//!
//! The standard signs `HTTPMethod + ":" + EndpointUrl + ":" + ...`, where `EndpointUrl` is the
//! relative path with its query string. Providers do not all read that the same way, so each
//! reading is one [`EndpointRule`]:
//!
//! | rule | `/v1.0/x?b=2&a=1 %7e` gives | who |
//! |---|---|---|
//! | [`EndpointRule::AsSent`], [`as_sent`] | `/v1.0/x?b=2&a=1 %7e` | the standard; most providers |
//! | [`EndpointRule::PathOnly`], [`path_only`] | `/v1.0/x` | providers that sign without the query |
//! | [`EndpointRule::CanonicalQuery`], [`canonical_query`] | `/v1.0/x?a=1%20~&b=2` | BCA |
//!
//! Every rule takes the request target exactly as it appears on the HTTP request line (a path
//! starting with `/`, then optionally `?` and the query) and validates it with [`check_path`],
//! so an absolute URL is refused with [`Error::AbsoluteUrl`] here just as the string-to-sign
//! builders refuse it. The query begins at the first `?`; later ones are part of it. No rule
//! touches the path: dot segments and the path's own escapes are signed as sent, since the
//! rules differ only in what they do with the query.
//!
//! Every result is itself a valid path for [`check_path`], so it can go straight into
//! [`transaction`](crate::string_to_sign::transaction) or
//! [`service`](crate::string_to_sign::service).
//!
//! # The canonical query
//!
//! 1. The query is split on `&`; **empty pieces are dropped** (`a=1&&b=2&` has two parameters),
//!    since they carry no name or value to sign. This is also what Python's
//!    `urllib.parse.parse_qsl` and the WHATWG form decoder do.
//! 2. Each piece is split on its first `=` into name and value. A piece without `=` (`a`) is a
//!    name with an empty value and is written `a=`; an empty name (`=x`) is kept and written `=x`.
//!    Both therefore still change the signature, as they change the request.
//! 3. Names and values are percent-decoded to bytes: `%XX` with upper- or lower-case hex becomes
//!    one byte. A `%` not followed by two hex digits (`%G1`, `%4`, a trailing `%`) is **kept as a
//!    literal `%`**, exactly as Python's `urllib.parse.unquote_to_bytes` keeps it, rather than
//!    refused: the request was sent that way, and this keeps the rule comparable byte for byte
//!    with Python (`core/tests/endpoint_independent.rs`). `+` is **a literal plus**, not a space:
//!    RFC 3986 gives it no meaning in a query (only HTML form encoding does), so it is re-encoded
//!    as `%2B`. The decoded bytes need not be UTF-8; nothing here requires them to be.
//! 4. Parameters are sorted by decoded name, then by decoded value, comparing bytes (so `B` sorts
//!    before `a`, and `a` before `aa`). Repeated names keep all their values, sorted among themselves.
//! 5. Each name and value is percent-encoded per RFC 3986: the unreserved characters
//!    `A-Z a-z 0-9 - . _ ~` as they are, every other byte as `%XX` with **upper-case** hex (a
//!    space as `%20`). Spellings of the same byte (`%7e`, `%7E`, `~`) thus sign the same.
//! 6. The result is `path + "?" + name=value&name=value...`. When no parameter is left (`/p`,
//!    `/p?`, `/p?&&`) it is **the path alone, without `?`**: the three targets carry the same
//!    (empty) set of parameters, which is all a canonical form may depend on, and some HTTP
//!    clients drop a bare trailing `?` before sending (Python's `requests` does; `urlunsplit`
//!    does too), so the two sides may not even agree on whether it was there.
//!
//! The result is held in [`MAX_PATH_LEN`] bytes, the same limit as every endpoint the
//! string-to-sign builders accept; an encoded query that would be longer (encoding can triple a
//! query) is refused with [`Error::FieldTooLong`] for [`Field::Path`] rather than given a buffer
//! three times the size, because a longer `EndpointUrl` could not be signed anyway.

use core::cmp::Ordering;
use core::fmt;
use core::ops::Deref;

use crate::error::{Error, Field, Result};
use crate::string_to_sign::{check_path, MAX_PATH_LEN};

/// An `EndpointUrl` ready to sign: a valid relative path of at most [`MAX_PATH_LEN`] bytes,
/// held in a fixed buffer.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct EndpointUrl(heapless::String<MAX_PATH_LEN>);

impl EndpointUrl {
    /// The text to sign.
    ///
    /// ```
    /// let url = snapsign_core::endpoint::path_only("/v1.0/x?a=1")?;
    /// assert_eq!(url.as_str(), "/v1.0/x");
    /// # Ok::<(), snapsign_core::Error>(())
    /// ```
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    fn push(&mut self, text: &str) -> Result<()> {
        self.0.push_str(text).map_err(|_| Error::FieldTooLong { field: Field::Path, max: MAX_PATH_LEN })
    }
}

impl Deref for EndpointUrl {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for EndpointUrl {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq<str> for EndpointUrl {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for EndpointUrl {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl fmt::Debug for EndpointUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for EndpointUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a provider turns the request target into the `EndpointUrl` it signs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum EndpointRule {
    /// Path and query byte for byte as sent: the standard's rule, and the default. See [`as_sent`].
    #[default]
    AsSent,
    /// The path without the query. See [`path_only`].
    PathOnly,
    /// The path and the sorted, re-encoded query (BCA). See [`canonical_query`].
    CanonicalQuery,
}

impl EndpointRule {
    /// `as-sent`, `path-only` or `canonical-query`.
    ///
    /// ```
    /// assert_eq!(snapsign_core::endpoint::EndpointRule::CanonicalQuery.name(), "canonical-query");
    /// ```
    pub const fn name(self) -> &'static str {
        match self {
            EndpointRule::AsSent => "as-sent",
            EndpointRule::PathOnly => "path-only",
            EndpointRule::CanonicalQuery => "canonical-query",
        }
    }

    /// The `EndpointUrl` this rule signs for a request target.
    ///
    /// # Errors
    /// What [`check_path`] refuses; for [`EndpointRule::CanonicalQuery`], also
    /// [`Error::FieldTooLong`] when the encoded form exceeds [`MAX_PATH_LEN`].
    ///
    /// ```
    /// use snapsign_core::endpoint::EndpointRule;
    /// let target = "/v1.0/x?b=2&a=1";
    /// assert_eq!(EndpointRule::AsSent.apply(target)?, "/v1.0/x?b=2&a=1");
    /// assert_eq!(EndpointRule::PathOnly.apply(target)?, "/v1.0/x");
    /// assert_eq!(EndpointRule::CanonicalQuery.apply(target)?, "/v1.0/x?a=1&b=2");
    /// # Ok::<(), snapsign_core::Error>(())
    /// ```
    pub fn apply(self, target: &str) -> Result<EndpointUrl> {
        match self {
            EndpointRule::AsSent => as_sent(target),
            EndpointRule::PathOnly => path_only(target),
            EndpointRule::CanonicalQuery => canonical_query(target),
        }
    }
}

/// The path and its query exactly as the request line has them (the standard's rule), a bare
/// trailing `?` included.
///
/// # Errors
/// What [`check_path`] refuses (empty, too long, a control character, an absolute URL, no
/// leading `/`).
///
/// ```
/// use snapsign_core::{endpoint::as_sent, Error};
/// assert_eq!(as_sent("/v1.0/x?b=2&a=%7e")?, "/v1.0/x?b=2&a=%7e");
/// assert_eq!(as_sent("https://api.example.com/v1.0/x"), Err(Error::AbsoluteUrl));
/// # Ok::<(), snapsign_core::Error>(())
/// ```
pub fn as_sent(target: &str) -> Result<EndpointUrl> {
    check_path(target)?;
    let mut url = EndpointUrl(heapless::String::new());
    url.push(target)?;
    Ok(url)
}

/// The part of the target before the first `?`.
///
/// # Errors
/// What [`check_path`] refuses.
///
/// ```
/// use snapsign_core::endpoint::path_only;
/// assert_eq!(path_only("/v1.0/x?next=/y?z")?, "/v1.0/x");
/// assert_eq!(path_only("/v1.0/x")?, "/v1.0/x");
/// # Ok::<(), snapsign_core::Error>(())
/// ```
pub fn path_only(target: &str) -> Result<EndpointUrl> {
    check_path(target)?;
    let (path, _) = split_target(target);
    let mut url = EndpointUrl(heapless::String::new());
    url.push(path)?;
    Ok(url)
}

/// The path, `?`, and the query's parameters decoded, sorted by name then value, and
/// re-encoded per RFC 3986 with upper-case hex (BCA's rule). The module documentation gives
/// every rule of the form: empty pieces dropped, `a` written `a=`, malformed `%` kept, `+` a
/// literal plus, no `?` when no parameter is left.
///
/// # Errors
/// What [`check_path`] refuses, and [`Error::FieldTooLong`] for [`Field::Path`] when the
/// encoded form exceeds [`MAX_PATH_LEN`].
///
/// ```
/// use snapsign_core::endpoint::canonical_query;
/// assert_eq!(canonical_query("/v1.0/x?b=2&a=z&a=%41")?, "/v1.0/x?a=A&a=z&b=2");
/// assert_eq!(canonical_query("/v1.0/x?q=a+b c&flag&t=%7e")?, "/v1.0/x?flag=&q=a%2Bb%20c&t=~");
/// assert_eq!(canonical_query("/v1.0/x?bad=%G1")?, "/v1.0/x?bad=%25G1");
/// assert_eq!(canonical_query("/v1.0/x?")?, "/v1.0/x");
/// # Ok::<(), snapsign_core::Error>(())
/// ```
pub fn canonical_query(target: &str) -> Result<EndpointUrl> {
    check_path(target)?;
    let (path, query) = split_target(target);
    let mut url = EndpointUrl(heapless::String::new());
    url.push(path)?;
    // A selection sort over the query text itself: each round emits the smallest parameter
    // greater than the last one emitted, with all its duplicates. Quadratic in the number of
    // parameters, but that number is bounded by MAX_PATH_LEN, and no table of parameters has to
    // live on a small device's stack.
    let mut last: Option<Param<'_>> = None;
    let mut separator = "?";
    loop {
        let mut next: Option<(Param<'_>, usize)> = None;
        for param in params(query) {
            if last.is_some_and(|last| param.cmp(&last) != Ordering::Greater) {
                continue;
            }
            next = match next {
                Some((best, count)) => match param.cmp(&best) {
                    Ordering::Less => Some((param, 1)),
                    Ordering::Equal => Some((best, count.saturating_add(1))),
                    Ordering::Greater => Some((best, count)),
                },
                None => Some((param, 1)),
            };
        }
        let Some((param, count)) = next else { break };
        for _ in 0..count {
            url.push(separator)?;
            separator = "&";
            encode_into(&mut url, param.name)?;
            url.push("=")?;
            encode_into(&mut url, param.value)?;
        }
        last = Some(param);
    }
    Ok(url)
}

/// Path and query, split at the first `?` (RFC 3986: the query is everything after it).
fn split_target(target: &str) -> (&str, &str) {
    target.split_once('?').unwrap_or((target, ""))
}

/// One query parameter, still percent-encoded as sent; compared by its decoded bytes.
#[derive(Clone, Copy)]
struct Param<'a> {
    name: &'a [u8],
    value: &'a [u8],
}

impl Param<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        decoded(self.name).cmp(decoded(other.name)).then_with(|| decoded(self.value).cmp(decoded(other.value)))
    }
}

fn params(query: &str) -> impl Iterator<Item = Param<'_>> + '_ {
    query.split('&').filter(|piece| !piece.is_empty()).map(|piece| {
        let (name, value) = piece.split_once('=').unwrap_or((piece, ""));
        Param { name: name.as_bytes(), value: value.as_bytes() }
    })
}

/// The bytes `text` percent-decodes to, as `urllib.parse.unquote_to_bytes` gives them.
fn decoded(text: &[u8]) -> Decoded<'_> {
    Decoded(text)
}

struct Decoded<'a>(&'a [u8]);

impl Iterator for Decoded<'_> {
    type Item = u8;

    fn next(&mut self) -> Option<u8> {
        let (&first, rest) = self.0.split_first()?;
        if first == b'%' {
            if let [high, low, after @ ..] = rest {
                if let (Some(high), Some(low)) = (hex_value(*high), hex_value(*low)) {
                    self.0 = after;
                    return Some((high << 4) | low);
                }
            }
        }
        self.0 = rest;
        Some(first)
    }
}

fn hex_value(digit: u8) -> Option<u8> {
    char::from(digit).to_digit(16).and_then(|value| u8::try_from(value).ok())
}

/// Appends the decoded bytes of `raw`, percent-encoded per RFC 3986 with upper-case hex.
fn encode_into(url: &mut EndpointUrl, raw: &[u8]) -> Result<()> {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for byte in decoded(raw) {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            let one = [byte];
            url.push(core::str::from_utf8(&one).unwrap_or_default())?;
        } else {
            let digit = |nibble: u8| HEX.get(usize::from(nibble)).copied().unwrap_or(b'0');
            let escape = [b'%', digit(byte >> 4), digit(byte & 0x0F)];
            url.push(core::str::from_utf8(&escape).unwrap_or_default())?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::String;

    fn canon(target: &str) -> String {
        String::from(canonical_query(target).unwrap().as_str())
    }

    #[test]
    fn every_rule_refuses_what_check_path_refuses() {
        let too_long = String::from("/") + &"p".repeat(MAX_PATH_LEN);
        for rule in [EndpointRule::AsSent, EndpointRule::PathOnly, EndpointRule::CanonicalQuery] {
            assert_eq!(rule.apply("https://h/x?a=1"), Err(Error::AbsoluteUrl));
            assert_eq!(rule.apply("//h/x"), Err(Error::AbsoluteUrl));
            assert_eq!(rule.apply("x?a=1"), Err(Error::PathWithoutLeadingSlash));
            assert_eq!(rule.apply(""), Err(Error::EmptyField { field: Field::Path }));
            assert_eq!(rule.apply("/x?a=\n"), Err(Error::ControlCharacter { field: Field::Path, offset: 5 }));
            assert_eq!(rule.apply(&too_long), Err(Error::FieldTooLong { field: Field::Path, max: MAX_PATH_LEN }));
            // A URL in the query is data, not an absolute endpoint.
            assert!(rule.apply("/x?next=https://h/y").is_ok());
        }
    }

    #[test]
    fn as_sent_keeps_every_byte() {
        for target in ["/p", "/p?", "/p?&", "/p?b=2&a=1", "/p?a=%7e+%7E", "/p?x#y", "/p?a=?b", "/caf\u{e9}?q=\u{65e5}"]
        {
            assert_eq!(as_sent(target).unwrap(), target);
        }
    }

    #[test]
    fn path_only_cuts_at_the_first_question_mark() {
        assert_eq!(path_only("/p").unwrap(), "/p");
        assert_eq!(path_only("/p?").unwrap(), "/p");
        assert_eq!(path_only("/p?a=1?b=2").unwrap(), "/p");
        assert_eq!(path_only("/p%3Fq?a").unwrap(), "/p%3Fq");
    }

    #[test]
    fn no_parameter_left_gives_the_path_without_question_mark() {
        assert_eq!(canon("/p"), "/p");
        assert_eq!(canon("/p?"), "/p");
        assert_eq!(canon("/p?&"), "/p");
        assert_eq!(canon("/p?&&&"), "/p");
    }

    #[test]
    fn pieces_without_equals_empty_names_and_empty_pieces() {
        assert_eq!(canon("/p?a&b=1"), "/p?a=&b=1");
        assert_eq!(canon("/p?b=1&a="), "/p?a=&b=1");
        assert_eq!(canon("/p?=x&a=1"), "/p?=x&a=1");
        assert_eq!(canon("/p?="), "/p?=");
        assert_eq!(canon("/p?&a=1&&b=2&"), "/p?a=1&b=2");
        // Only the first `=` splits; later ones belong to the value.
        assert_eq!(canon("/p?a=b=c"), "/p?a=b%3Dc");
    }

    #[test]
    fn sorted_by_decoded_bytes_name_then_value_duplicates_kept() {
        assert_eq!(canon("/p?b=1&a=2&a=1&a=1"), "/p?a=1&a=1&a=2&b=1");
        // Bytes, not case-folded letters: 'B' (0x42) < 'a' (0x61); a prefix sorts first.
        assert_eq!(canon("/p?a=1&B=1&aa=0"), "/p?B=1&a=1&aa=0");
        // Sorted on what the escapes mean: %41 is 'A', which sorts before 'B'.
        assert_eq!(canon("/p?B=1&%41=2"), "/p?A=2&B=1");
        // The same parameter spelled three ways is one parameter, three times.
        assert_eq!(canon("/p?t=%7e&t=~&t=%7E"), "/p?t=~&t=~&t=~");
        // Names are compared before values: sorting whole `name=value` pieces would put `a-b=1`
        // first, since '-' (0x2D) < '=' (0x3D).
        assert_eq!(canon("/p?a-b=1&a=2"), "/p?a=2&a-b=1");
        // Non-UTF-8 decoded bytes sort as bytes (0xFF last) and round-trip.
        assert_eq!(canon("/p?x=%ff&x=%C3%A9&x=z"), "/p?x=z&x=%C3%A9&x=%FF");
    }

    #[test]
    fn encoding_is_rfc3986_upper_case_hex() {
        assert_eq!(canon("/p?k=AZaz09-._~"), "/p?k=AZaz09-._~");
        assert_eq!(canon("/p?k=:/?#[]@!$'()*,;"), "/p?k=%3A%2F%3F%23%5B%5D%40%21%24%27%28%29%2A%2C%3B");
        assert_eq!(canon("/p?k=a b"), "/p?k=a%20b");
        assert_eq!(canon("/p?k=%2f%2F"), "/p?k=%2F%2F");
        assert_eq!(canon("/p?k=\u{e9}\u{65e5}"), "/p?k=%C3%A9%E6%97%A5");
        assert_eq!(canon("/p?k=%00"), "/p?k=%00");
    }

    #[test]
    fn plus_is_a_literal_plus() {
        assert_eq!(canon("/p?q=a+b"), "/p?q=a%2Bb");
        assert_eq!(canon("/p?q=a%2bb"), "/p?q=a%2Bb");
        assert_eq!(canon("/p?q=a%20b"), "/p?q=a%20b");
    }

    #[test]
    fn malformed_escapes_keep_their_percent() {
        assert_eq!(canon("/p?k=%G1"), "/p?k=%25G1");
        assert_eq!(canon("/p?k=%"), "/p?k=%25");
        assert_eq!(canon("/p?k=%4"), "/p?k=%254");
        assert_eq!(canon("/p?k=%%41"), "/p?k=%25A");
        assert_eq!(canon("/p?%=1"), "/p?%25=1");
    }

    #[test]
    fn the_path_is_not_touched() {
        assert_eq!(canon("/a/../b%7e/c d?z=1&y=2"), "/a/../b%7e/c d?y=2&z=1");
        assert_eq!(canon("/p?a=1?b=2"), "/p?a=1%3Fb%3D2");
    }

    #[test]
    fn results_are_valid_paths() {
        for target in ["/p?x=%00%1f%7f", "/p?", "/p?a&b", "/p?next=https://h/y"] {
            for rule in [EndpointRule::AsSent, EndpointRule::PathOnly, EndpointRule::CanonicalQuery] {
                assert_eq!(check_path(rule.apply(target).unwrap().as_str()), Ok(()), "{rule:?} {target}");
            }
        }
    }

    #[test]
    fn an_encoded_form_past_max_path_len_is_refused() {
        // 4 + 681 bytes in, 4 + 3 * 681 = 2047 out; one more byte fits, one more space does not.
        let fits = String::from("/?k=") + &" ".repeat(681);
        assert_eq!(canonical_query(&fits).unwrap().len(), MAX_PATH_LEN - 1);
        let fits = String::from("/?k=") + &" ".repeat(681) + "a";
        assert_eq!(canonical_query(&fits).unwrap().len(), MAX_PATH_LEN);
        let over = String::from("/?k=") + &" ".repeat(682);
        assert_eq!(canonical_query(&over), Err(Error::FieldTooLong { field: Field::Path, max: MAX_PATH_LEN }));
        // Writing `a` as `a=` grows the query too.
        let bare = String::from("/?") + &"a&".repeat((MAX_PATH_LEN - 2) / 2);
        assert_eq!(bare.len(), MAX_PATH_LEN);
        assert_eq!(canonical_query(&bare), Err(Error::FieldTooLong { field: Field::Path, max: MAX_PATH_LEN }));
    }

    #[test]
    fn the_most_distinct_parameters_a_target_can_hold_are_all_sorted() {
        // 511 different `XY=` pieces, descending: the selection sort's most rounds, each a full scan.
        const NAMES: &[u8] = b"zyxwvutsrqponmlkjihgfedcbaZYXWVUTSRQPONMLKJIHGFEDCBA9876543210";
        let name = |i: usize| [NAMES[i / NAMES.len()], NAMES[i % NAMES.len()]];
        let mut pieces: alloc::vec::Vec<String> =
            (0..(MAX_PATH_LEN - 2) / 4).map(|i| String::from_utf8(name(i).to_vec()).unwrap() + "=").collect();
        let target = String::from("/?") + &pieces.join("&") + "&";
        assert!(target.len() <= MAX_PATH_LEN && target.len() + 4 > MAX_PATH_LEN, "one more piece would not fit");
        let out = canonical_query(&target).unwrap();
        pieces.sort();
        pieces.dedup();
        assert_eq!(pieces.len(), (MAX_PATH_LEN - 2) / 4);
        assert_eq!(out.as_str(), String::from("/?") + &pieces.join("&"));
    }

    #[test]
    fn the_module_table_is_right() {
        let target = "/v1.0/x?b=2&a=1 %7e";
        assert_eq!(as_sent(target).unwrap(), "/v1.0/x?b=2&a=1 %7e");
        assert_eq!(path_only(target).unwrap(), "/v1.0/x");
        assert_eq!(canon(target), "/v1.0/x?a=1%20~&b=2");
    }

    #[test]
    fn default_rule_is_the_standards() {
        assert_eq!(EndpointRule::default(), EndpointRule::AsSent);
    }
}
