//! Re-serialising a JSON body the way common SDKs do (`JSON.stringify(JSON.parse(x))`, Python's
//! `json.dumps`, PHP's `json_encode`, Go's `json.Marshal`), so that `explain` can tell whether the
//! other side hashed a re-serialised body instead of the minified bytes.
//!
//! Only used on bodies the core minifier has already accepted as valid JSON.

use std::fmt::{self, Write as _};

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::Value;

use crate::cause::CauseId;

/// A parsed body. Not a `serde_json::Value`, even with `preserve_order` and `arbitrary_precision`:
/// it cannot hold what the styles that keep numbers write back, as it respells exponents
/// (`-3e10` as `-3e+10`, `1E5` as `1e+5`) and keeps one member per repeated key; nor does it
/// parse the 128 levels of nesting the core's minifier accepts.
enum Json<'a> {
    Null,
    Bool(bool),
    /// The number's text as written.
    Num(&'a str),
    Str(String),
    Arr(Vec<Json<'a>>),
    Obj(Vec<(String, Json<'a>)>),
}

/// Parses one JSON value. serde_json checks and decodes it one level at a time, handing each
/// element and member over as its raw text: numbers keep their spelling, and its recursion limit
/// never applies. A nested value is scanned once per enclosing level, cheap for request bodies.
fn parse(text: &str) -> Option<Json<'_>> {
    Some(match text.as_bytes().first()? {
        b'[' => {
            let items: Vec<&RawValue> = serde_json::from_str(text).ok()?;
            Json::Arr(items.into_iter().map(|v| parse(v.get())).collect::<Option<_>>()?)
        }
        b'{' => {
            let Members(members) = serde_json::from_str(text).ok()?;
            Json::Obj(members.into_iter().map(|(k, v)| Some((k, parse(v.get())?))).collect::<Option<_>>()?)
        }
        b'-' | b'0'..=b'9' => Json::Num(text),
        _ => match serde_json::from_str(text).ok()? {
            Value::Null => Json::Null,
            Value::Bool(b) => Json::Bool(b),
            Value::String(s) => Json::Str(s),
            Value::Number(_) | Value::Array(_) | Value::Object(_) => return None,
        },
    })
}

/// An object's members in order, a repeated key as often as it is written, each value raw.
struct Members<'a>(Vec<(String, &'a RawValue)>);

impl<'de> Deserialize<'de> for Members<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MembersVisitor;

        impl<'de> Visitor<'de> for MembersVisitor {
            type Value = Members<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Members<'de>, A::Error> {
                let mut members = Vec::new();
                while let Some(member) = map.next_entry()? {
                    members.push(member);
                }
                Ok(Members(members))
            }
        }

        deserializer.deserialize_map(MembersVisitor)
    }
}

#[derive(Debug, Clone, Copy)]
enum Numbers {
    /// As written.
    Keep,
    /// Parsed as a double and written as JavaScript does.
    Js,
    /// Integers kept, other numbers as Python's `repr(float)`.
    Python,
    /// As PHP 8's `json_encode` of `json_decode`d numbers (`serialize_precision = -1`): integers
    /// that fit 64 bits kept, others as doubles written without a zero fraction (`1.0` as `1`),
    /// in exponent form `1.0e-7` below 1e-4 or from 1e17.
    Php,
}

/// One way of writing JSON.
#[derive(Debug, Clone, Copy)]
struct Style {
    id: CauseId,
    name: &'static str,
    item_sep: &'static str,
    key_sep: &'static str,
    /// `\uXXXX` for every non-ASCII character.
    ascii: bool,
    /// `\/` for `/`.
    slash: bool,
    /// Go's HTML escaping: `<`, `>`, `&`, U+2028, U+2029 as `\uXXXX`.
    html: bool,
    numbers: Numbers,
    sort_keys: bool,
    /// PHP's string escapes: DEL kept, U+2028 and U+2029 always escaped.
    php: bool,
    /// PHP's `json_decode(body, true)`: objects become arrays, so `{}` is written back as `[]`.
    php_assoc: bool,
}

const fn style(id: CauseId, name: &'static str, ascii: bool, slash: bool, numbers: Numbers) -> Style {
    Style {
        id,
        name,
        item_sep: ",",
        key_sep: ":",
        ascii,
        slash,
        html: false,
        numbers,
        sort_keys: false,
        php: false,
        php_assoc: false,
    }
}

/// PHP's `json_encode` with its defaults (`\/`, `\uXXXX` for non-ASCII) changed by the flags.
const fn php(name: &'static str, ascii: bool, slash: bool, assoc: bool) -> Style {
    Style {
        id: CauseId::PhpJsonEncode,
        name,
        item_sep: ",",
        key_sep: ":",
        ascii,
        slash,
        html: false,
        numbers: Numbers::Php,
        sort_keys: false,
        php: true,
        php_assoc: assoc,
    }
}

const STYLES: &[Style] = &[
    style(
        CauseId::JsonStringify,
        "JSON.stringify(JSON.parse(body)) (JavaScript: escapes decoded, numbers as doubles)",
        false,
        false,
        Numbers::Js,
    ),
    Style {
        id: CauseId::PythonJsonDumps,
        name: "Python json.dumps(body) with default separators ', ' and ': ' (ensure_ascii)",
        item_sep: ", ",
        key_sep: ": ",
        ascii: true,
        slash: false,
        html: false,
        numbers: Numbers::Python,
        sort_keys: false,
        php: false,
        php_assoc: false,
    },
    Style {
        id: CauseId::PythonJsonDumps,
        name: "Python json.dumps(body, ensure_ascii=False) with default separators ', ' and ': '",
        item_sep: ", ",
        key_sep: ": ",
        ascii: false,
        slash: false,
        html: false,
        numbers: Numbers::Python,
        sort_keys: false,
        php: false,
        php_assoc: false,
    },
    style(
        CauseId::PythonJsonDumps,
        "Python json.dumps(body, separators=(',', ':')) (non-ASCII as \\uXXXX)",
        true,
        false,
        Numbers::Python,
    ),
    style(
        CauseId::PythonJsonDumps,
        "Python json.dumps(body, separators=(',', ':'), ensure_ascii=False)",
        false,
        false,
        Numbers::Python,
    ),
    Style {
        id: CauseId::PythonJsonDumps,
        name: "Python json.dumps(body, separators=(',', ':'), sort_keys=True)",
        item_sep: ",",
        key_sep: ":",
        ascii: true,
        slash: false,
        html: false,
        numbers: Numbers::Python,
        sort_keys: true,
        php: false,
        php_assoc: false,
    },
    php("PHP json_encode(body) (escapes '/' as '\\/' and non-ASCII as \\uXXXX)", true, true, false),
    php("PHP json_encode(body, JSON_UNESCAPED_UNICODE) ('/' as '\\/')", false, true, false),
    php("PHP json_encode(body, JSON_UNESCAPED_SLASHES) (non-ASCII as \\uXXXX)", true, false, false),
    php("PHP json_encode(body, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE)", false, false, false),
    php("PHP json_encode(json_decode(body, true)) (an empty object {} becomes [], '/' as '\\/')", true, true, true),
    Style {
        id: CauseId::GoJsonMarshal,
        name: "Go json.Marshal (HTML characters < > & as \\u003c..., map keys sorted)",
        item_sep: ",",
        key_sep: ":",
        ascii: false,
        slash: false,
        html: true,
        numbers: Numbers::Keep,
        sort_keys: true,
        php: false,
        php_assoc: false,
    },
    style(
        CauseId::BodyReserialized,
        "escapes decoded (\\/ as /, \\uXXXX as raw UTF-8), numbers kept (e.g. serde_json, Jackson)",
        false,
        false,
        Numbers::Keep,
    ),
    style(CauseId::BodyReserialized, "every non-ASCII character as \\uXXXX, numbers kept", true, false, Numbers::Keep),
    Style {
        id: CauseId::BodyReserialized,
        name: "keys sorted, numbers and escapes otherwise decoded (e.g. a sorted map)",
        item_sep: ",",
        key_sep: ":",
        ascii: false,
        slash: false,
        html: false,
        numbers: Numbers::Keep,
        sort_keys: true,
        php: false,
        php_assoc: false,
    },
];

fn write_str(out: &mut String, s: &str, st: &Style) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '/' if st.slash => out.push_str("\\/"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' if st.html => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            '\u{2028}' | '\u{2029}' if st.php => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c if (c as u32) < 0x20 || (st.ascii && (c as u32) >= if st.php { 0x80 } else { 0x7f }) => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn exponent_form(f: f64, min_exp_digits: usize, plus: bool) -> String {
    // Rust writes e.g. "1.5e-7" / "1e21".
    let s = format!("{f:e}");
    let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let (sign, digits) = match exp.strip_prefix('-') {
        Some(d) => ("-", d),
        None => (if plus { "+" } else { "" }, exp),
    };
    format!("{mant}e{sign}{digits:0>min_exp_digits$}")
}

fn write_num(out: &mut String, text: &str, numbers: Numbers) {
    let parsed = text.parse::<f64>().ok().filter(|f| f.is_finite());
    match (numbers, parsed) {
        (Numbers::Js, Some(f)) => {
            let a = f.abs();
            if f == 0.0 {
                out.push('0');
            } else if !(1e-6..1e21).contains(&a) {
                out.push_str(&exponent_form(f, 1, true));
            } else {
                let _ = write!(out, "{f}");
            }
        }
        (Numbers::Python, Some(f)) if text.contains(['.', 'e', 'E']) => {
            let a = f.abs();
            if a != 0.0 && !(1e-4..1e16).contains(&a) {
                out.push_str(&exponent_form(f, 2, true));
            } else {
                let s = format!("{f}");
                out.push_str(&s);
                if !s.contains('.') {
                    out.push_str(".0");
                }
            }
        }
        (Numbers::Php, _) => write_php_num(out, text),
        _ => out.push_str(text),
    }
}

/// A number as PHP 8 writes it back after `json_decode` (`serialize_precision = -1`).
fn write_php_num(out: &mut String, text: &str) {
    if !text.contains(['.', 'e', 'E']) {
        if let Ok(i) = text.parse::<i64>() {
            let _ = write!(out, "{i}");
            return;
        }
    }
    let Some(f) = text.parse::<f64>().ok().filter(|f| f.is_finite()) else {
        out.push_str(text);
        return;
    };
    if f == 0.0 {
        out.push_str(if f.is_sign_negative() { "-0" } else { "0" });
        return;
    }
    // The shortest digits that read back as f, and where the decimal point goes: f = 0.DIGITS × 10^point.
    let sci = format!("{:e}", f.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let point = exp.parse::<i32>().unwrap_or(0) + 1;
    if f < 0.0 {
        out.push('-');
    }
    // zend_gcvt with precision 17: exponent form below 1e-4 or from 1e17.
    if !(-3..=17).contains(&point) {
        let (first, rest) = digits.split_at(1);
        let rest = if rest.is_empty() { "0" } else { rest };
        let e = point - 1;
        let _ = write!(out, "{first}.{rest}e{}{}", if e < 0 { "-" } else { "+" }, e.abs());
    } else if point <= 0 {
        let _ = write!(out, "0.{}{digits}", "0".repeat(point.unsigned_abs() as usize));
    } else {
        let point = point as usize;
        if digits.len() <= point {
            let _ = write!(out, "{digits}{}", "0".repeat(point - digits.len()));
        } else {
            let _ = write!(out, "{}.{}", &digits[..point], &digits[point..]);
        }
    }
}

fn write(out: &mut String, v: &Json, st: &Style) {
    match v {
        Json::Null => out.push_str("null"),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Num(n) => write_num(out, n, st.numbers),
        Json::Str(s) => write_str(out, s, st),
        Json::Arr(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(st.item_sep);
                }
                write(out, item, st);
            }
            out.push(']');
        }
        Json::Obj(items) if items.is_empty() && st.php_assoc => out.push_str("[]"),
        Json::Obj(items) => {
            let mut refs: Vec<&(String, Json)> = items.iter().collect();
            if st.sort_keys {
                // Python and Go sort by code point; UTF-8 byte order is the same.
                refs.sort_by(|a, b| a.0.cmp(&b.0));
            }
            out.push('{');
            for (i, (k, item)) in refs.into_iter().enumerate() {
                if i > 0 {
                    out.push_str(st.item_sep);
                }
                write_str(out, k, st);
                out.push_str(st.key_sep);
                write(out, item, st);
            }
            out.push('}');
        }
    }
}

/// The body re-serialised in one style, and the other families of serialisers (when they differ
/// from the style's) that write the same bytes.
pub(crate) struct Reserialized {
    pub(crate) id: CauseId,
    pub(crate) style: &'static str,
    pub(crate) text: String,
    pub(crate) also: Vec<CauseId>,
}

/// The body re-serialised in each style, distinct and different from `minified`. Empty when the
/// body does not parse (or is empty).
pub(crate) fn variants(minified: &[u8]) -> Vec<Reserialized> {
    let Some(v) = std::str::from_utf8(minified)
        .ok()
        .and_then(|text| serde_json::from_str::<&RawValue>(text).ok())
        .and_then(|root| parse(root.get()))
    else {
        return Vec::new();
    };
    let mut out: Vec<Reserialized> = Vec::new();
    for st in STYLES {
        let mut s = String::new();
        write(&mut s, &v, st);
        if s.as_bytes() == minified {
            continue;
        }
        match out.iter_mut().find(|r| r.text == s) {
            Some(r) => {
                if st.id != r.id && st.id != CauseId::BodyReserialized && !r.also.contains(&st.id) {
                    r.also.push(st.id);
                }
            }
            None => out.push(Reserialized { id: st.id, style: st.name, text: s, also: Vec::new() }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find<'a>(v: &'a [Reserialized], prefix: &str) -> Option<&'a str> {
        v.iter().find(|r| r.style.starts_with(prefix)).map(|r| r.text.as_str())
    }

    #[test]
    fn styles() {
        let raw = r#"{"b":"caf\u00e9 / <x>","a":[2.50,-3e10,1e-7,7]}"#;
        let v = variants(raw.as_bytes());
        assert_eq!(find(&v, "JSON.stringify"), Some(r#"{"b":"café / <x>","a":[2.5,-30000000000,1e-7,7]}"#));
        assert_eq!(
            find(&v, "Python json.dumps(body) with"),
            Some(r#"{"b": "caf\u00e9 / <x>", "a": [2.5, -30000000000.0, 1e-07, 7]}"#)
        );
        assert_eq!(
            find(&v, "PHP json_encode(body) ("),
            Some(r#"{"b":"caf\u00e9 \/ <x>","a":[2.5,-30000000000,1.0e-7,7]}"#)
        );
        assert_eq!(find(&v, "Go json"), Some(r#"{"a":[2.50,-3e10,1e-7,7],"b":"café / \u003cx\u003e"}"#));
        let emoji = "[\"\u{1F600}\"]";
        let v = variants(emoji.as_bytes());
        assert_eq!(find(&v, "Python json.dumps(body) with"), Some(r#"["\ud83d\ude00"]"#));
    }

    #[test]
    fn numbers_and_repeated_keys_stay_as_written() {
        let raw = r#"{"b":"<","a":[1E5,-3e10,2.50],"a":{}}"#;
        let v = variants(raw.as_bytes());
        assert_eq!(find(&v, "Go json"), Some(r#"{"a":[1E5,-3e10,2.50],"a":{},"b":"\u003c"}"#));
        // As deep as the core's minifier accepts (serde_json's Value stops one level short).
        let deep = format!("{}\"\u{e9}\"{}", "[".repeat(128), "]".repeat(128));
        let v = variants(deep.as_bytes());
        let ascii = format!("{}\"\\u00e9\"{}", "[".repeat(128), "]".repeat(128));
        assert_eq!(find(&v, "Python json.dumps(body) with"), Some(ascii.as_str()));
    }
}
