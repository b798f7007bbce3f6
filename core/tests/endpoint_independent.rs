//! Differential test of the `EndpointUrl` rules against Python's `urllib.parse`
//! (tests/oracle/snap_oracle.py, op `endpoint`: `urlsplit`, `unquote_to_bytes`, `quote`).
//! The targets come from a fixed seed, so every run compares the same cases.

#[path = "support/oracle.rs"]
mod support_oracle;
use support_oracle::oracle;

use serde_json::{json, Value};
use snapsign_core::endpoint::{as_sent, canonical_query, path_only, EndpointRule};
use snapsign_core::string_to_sign::{check_path, MAX_PATH_LEN};
use snapsign_core::{Error, Field};

const CASES: usize = 5000;

/// SplitMix64: deterministic, and independent of any crate's idea of randomness.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) % n as u64) as usize
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.below(from.len())]
    }
}

/// What a name or value is made of: unreserved and reserved characters, spaces, `+`, raw
/// non-ASCII, escapes in both cases (some of characters that are also written raw, some of
/// bytes that are not UTF-8), and malformed escapes.
const ATOMS: &[&str] = &[
    "a",
    "b",
    "A",
    "B",
    "z",
    "0",
    "9",
    "-",
    ".",
    "_",
    "~", // unreserved
    ":",
    "/",
    "?",
    "#",
    "[",
    "]",
    "@",
    "!",
    "$",
    "&",
    "'",
    "(",
    ")",
    "*",
    "+",
    ",",
    ";",
    "=", // reserved
    " ",
    "+",
    "%20",
    "%2B",
    "%2b", // spaces and plus
    "\u{e9}",
    "\u{65e5}",
    "\u{1F600}", // raw UTF-8
    "%41",
    "%61",
    "%7e",
    "%7E",
    "%26",
    "%3D",
    "%3d",
    "%25",
    "%C3%A9",
    "%c3%a9",
    "%2F",
    "%3f",
    "%00",
    "%0A",
    "%ff",
    "%FF",
    "%e6%97",
    "%80", // escapes
    "%",
    "%G1",
    "%4",
    "%%",
    "%zz",
    "%2",
    "%-1", // malformed
];

const PATH_CHARS: &[&str] =
    &["a", "v1.0", "x-y", "_", "~", "%7e", "%2F", "%41", ":", "@", " ", "\u{e9}", "#", "+", "="];

fn token(rng: &mut Rng, max_atoms: usize) -> String {
    (0..rng.below(max_atoms + 1)).map(|_| rng.pick(ATOMS)).collect()
}

fn target(rng: &mut Rng) -> String {
    let mut t = String::new();
    // Non-empty segments: no `//`, so never an absolute URL.
    for _ in 0..1 + rng.below(4) {
        t.push('/');
        for _ in 0..1 + rng.below(3) {
            t.push_str(rng.pick(PATH_CHARS));
        }
    }
    match rng.below(10) {
        0 => return t,
        1 => return t + "?",
        _ => {}
    }
    t.push('?');
    // A few names per target, so that names repeat, with values that sometimes repeat too.
    let names: Vec<String> = (0..1 + rng.below(3)).map(|_| token(rng, 3)).collect();
    let values: Vec<String> = (0..1 + rng.below(3)).map(|_| token(rng, 4)).collect();
    let pieces = if rng.below(20) == 0 { 20 + rng.below(200) } else { rng.below(9) };
    for i in 0..pieces {
        if i > 0 {
            t.push('&');
        }
        let name = if rng.below(3) == 0 { token(rng, 4) } else { names[rng.below(names.len())].clone() };
        let value = if rng.below(3) == 0 { token(rng, 5) } else { values[rng.below(values.len())].clone() };
        match rng.below(8) {
            0 => {}                                // empty piece
            1 => t.push_str(&name),                // no `=`
            2 => t.push_str(&format!("={value}")), // empty name
            3 => t.push_str(&format!("{name}=")),  // empty value
            _ => t.push_str(&format!("{name}={value}")),
        }
    }
    t
}

#[test]
fn endpoint_rules_match_python_urllib_parse() {
    let mut rng = Rng(0x5EED_0E4D_9017_0011);
    let targets: Vec<String> =
        std::iter::repeat_with(|| target(&mut rng)).filter(|t| check_path(t).is_ok()).take(CASES).collect();
    assert_eq!(targets.len(), CASES);
    let cases: Vec<Value> = targets.iter().map(|t| json!({"op": "endpoint", "target": t})).collect();
    let answers = oracle(&cases);

    let mut too_long = 0;
    for (target, answer) in targets.iter().zip(&answers) {
        let (py_sent, py_path, py_canonical) = (
            answer["as_sent"].as_str().unwrap(),
            answer["path_only"].as_str().unwrap(),
            answer["canonical"].as_str().unwrap(),
        );

        // urlsplit cannot tell `/p?` from `/p`; the request line can, and as-sent keeps the `?`.
        let bare_question_mark = target.split_once('?').is_some_and(|(_, query)| query.is_empty());
        let expected = if bare_question_mark { format!("{py_sent}?") } else { py_sent.to_owned() };
        let ours = as_sent(target).unwrap();
        assert_eq!(ours.as_str(), expected, "as sent: {target:?}");
        assert_eq!(ours.as_str(), target.as_str());

        assert_eq!(path_only(target).unwrap().as_str(), py_path, "path only: {target:?}");

        match canonical_query(target) {
            Ok(ours) => {
                assert_eq!(ours.as_str(), py_canonical, "canonical: {target:?}");
                assert_eq!(check_path(&ours), Ok(()));
            }
            Err(e) => {
                assert!(py_canonical.len() > MAX_PATH_LEN, "canonical: {target:?} refused with {e:?}");
                assert_eq!(e, Error::FieldTooLong { field: Field::Path, max: MAX_PATH_LEN });
                too_long += 1;
            }
        }
        for rule in [EndpointRule::AsSent, EndpointRule::PathOnly, EndpointRule::CanonicalQuery] {
            let direct = match rule {
                EndpointRule::AsSent => as_sent(target),
                EndpointRule::PathOnly => path_only(target),
                EndpointRule::CanonicalQuery => canonical_query(target),
            };
            assert_eq!(rule.apply(target), direct);
        }
    }

    // The generator must have produced what the comparison claims to cover.
    let count = |f: &dyn Fn(&str) -> bool| targets.iter().filter(|t| f(t)).count();
    let query = |t: &str| t.split_once('?').map(|(_, q)| q.to_owned()).unwrap_or_default();
    let names_repeat = |t: &str| {
        let q = query(t);
        let names: Vec<&str> = q.split('&').filter(|p| !p.is_empty()).map(|p| p.split('=').next().unwrap()).collect();
        let mut unique = names.clone();
        unique.sort();
        unique.dedup();
        unique.len() < names.len()
    };
    let coverage = [
        ("no query", count(&|t| !t.contains('?'))),
        ("bare `?`", count(&|t| t.ends_with('?') && !t[..t.len() - 1].contains('?'))),
        ("repeated names", count(&|t| names_repeat(t))),
        ("empty pieces", count(&|t| query(t).contains("&&") || query(t).starts_with('&'))),
        ("pieces without `=`", count(&|t| query(t).split('&').any(|p| !p.is_empty() && !p.contains('=')))),
        ("empty names", count(&|t| query(t).split('&').any(|p| p.starts_with('=')))),
        ("`+`", count(&|t| query(t).contains('+'))),
        ("spaces", count(&|t| query(t).contains(' '))),
        ("non-ASCII", count(&|t| !query(t).is_ascii())),
        ("lower-case escapes", count(&|t| query(t).contains("%7e") || query(t).contains("%c3"))),
        ("upper-case escapes", count(&|t| query(t).contains("%7E") || query(t).contains("%C3"))),
        ("malformed escapes", count(&|t| query(t).contains("%G1") || query(t).contains("%zz"))),
        ("reserved characters", count(&|t| query(t).contains(|c| ":/?#[]@!$'()*,;".contains(c)))),
        ("canonical form too long", too_long),
    ];
    for (what, n) in coverage {
        eprintln!("{n:5} of {CASES} targets: {what}");
        assert!(n >= 10, "only {n} targets with {what}");
    }
}
