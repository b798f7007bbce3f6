//! The three EndpointUrl rules on any request target.
//!
//! - Each rule accepts exactly what `check_path` accepts (the canonical rule may also refuse an
//!   encoded form longer than the path limit), and never panics.
//! - `as_sent` is the target itself; `path_only` is its part before the first `?`.
//! - The canonical form passes `check_path`, is unchanged by a second application, and its
//!   parameters are sorted by decoded name, then value, with only unreserved bytes unencoded.
#![no_main]

use libfuzzer_sys::fuzz_target;
use snapsign_core::endpoint::{as_sent, canonical_query, path_only};
use snapsign_core::string_to_sign::{check_path, MAX_PATH_LEN};
use snapsign_core::{Error, Field};

fn decode(text: &str) -> Vec<u8> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let Ok(target) = std::str::from_utf8(data) else { return };
    let valid = check_path(target);
    match (as_sent(target), &valid) {
        (Ok(url), Ok(())) => assert_eq!(url.as_str(), target),
        (Err(e), Err(v)) => assert_eq!(e, *v),
        (a, v) => panic!("as_sent {a:?} but check_path {v:?}"),
    }
    match (path_only(target), &valid) {
        (Ok(url), Ok(())) => assert_eq!(url.as_str(), target.split('?').next().unwrap()),
        (Err(e), Err(v)) => assert_eq!(e, *v),
        (a, v) => panic!("path_only {a:?} but check_path {v:?}"),
    }
    match (canonical_query(target), &valid) {
        (Ok(url), Ok(())) => {
            check_path(&url).unwrap();
            assert_eq!(canonical_query(&url).unwrap().as_str(), url.as_str(), "not idempotent");
            let (path, query) = url.split_once('?').unwrap_or((&url, ""));
            assert_eq!(path, target.split('?').next().unwrap());
            for b in query.bytes() {
                assert!(b.is_ascii_alphanumeric() || b"-._~%&=".contains(&b), "{url}");
            }
            let pairs: Vec<(Vec<u8>, Vec<u8>)> = query
                .split('&')
                .filter(|p| !p.is_empty())
                .map(|p| {
                    let (n, v) = p.split_once('=').unwrap_or((p, ""));
                    (decode(n), decode(v))
                })
                .collect();
            assert!(pairs.windows(2).all(|w| w[0] <= w[1]), "not sorted: {url}");
        }
        (Err(Error::FieldTooLong { field: Field::Path, max }), Ok(())) => assert_eq!(max, MAX_PATH_LEN),
        (Err(e), Err(v)) => assert_eq!(e, *v),
        (a, v) => panic!("canonical_query {a:?} but check_path {v:?}"),
    }
});
