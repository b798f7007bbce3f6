//! minify: differential against serde_json, plus streaming vs one-shot.
//!
//! Properties, for any bytes:
//! - minify accepts ⇔ serde_json accepts, except the documented differences handled below:
//!   an empty or whitespace-only body (minify: empty output; serde_json: EOF error), and nesting
//!   of exactly 128 (minify's MAX_DEPTH is 128 inclusive; serde_json stops at 128). Lone
//!   surrogate escapes, invalid UTF-8, control characters and a BOM are refused by both.
//!   serde_json sees the body with its private `$serde_json::private::Number` key renamed
//!   (`arbitrary_precision` gives that key a meaning of its own; common::without_serde_number_key).
//! - when minify accepts: the output has no whitespace outside strings, parses with serde_json
//!   (arbitrary_precision: numbers compare by text) to the same value as the input, is a fixed
//!   point of minify, and `minify` into a buffer agrees with `minify_to` (including the
//!   BufferTooSmall needed length);
//! - the streaming Minifier fed in two chunks split anywhere gives the same output and the same
//!   error (with the same absolute offset) as the one-shot call.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use snapsign_core::minify::{minify, minify_to, Minifier, MAX_DEPTH};
use snapsign_core::Error;

fuzz_target!(|data: &[u8]| {
    let mut one_shot = Vec::new();
    let result = minify_to(data, &mut one_shot);

    // Streaming in two chunks at an input-dependent split.
    let split = if data.is_empty() { 0 } else { (common::mix(data) % (data.len() as u64 + 1)) as usize };
    let mut streamed = Vec::new();
    let mut m = Minifier::new();
    let streamed_result = m
        .update(&data[..split], &mut streamed)
        .and_then(|()| m.update(&data[split..], &mut streamed))
        .and_then(|()| m.finish());
    assert_eq!(result, streamed_result, "split at {split} changed the result");
    if result.is_ok() {
        assert_eq!(one_shot, streamed, "split at {split} changed the output");
    }

    // The buffer API agrees, and reports the needed length when short.
    let mut buf = vec![0u8; data.len()];
    match (minify(data, &mut buf), &result) {
        (Ok(n), Ok(())) => assert_eq!(&buf[..n], &one_shot[..]),
        (Err(e), Err(e2)) => assert_eq!(&e, e2),
        (a, b) => panic!("minify {a:?} vs minify_to {b:?}"),
    }
    if result.is_ok() && !one_shot.is_empty() {
        let mut short = vec![0u8; one_shot.len() - 1];
        assert_eq!(minify(data, &mut short), Err(Error::BufferTooSmall { needed: one_shot.len() }));
    }

    // serde_json judges the body with its `arbitrary_precision` private key renamed (see
    // common::without_serde_number_key): `{"$serde_json::private::Number":"x"}` is valid JSON.
    let serde = serde_json::from_slice::<serde_json::Value>(&common::without_serde_number_key(data));
    match result {
        Ok(()) => {
            assert!(one_shot.len() <= data.len());
            assert!(!common::has_whitespace_outside_strings(&one_shot), "whitespace left in {one_shot:?}");
            // A fixed point.
            let mut again = Vec::new();
            minify_to(&one_shot, &mut again).expect("minified output must minify");
            assert_eq!(again, one_shot);
            if one_shot.is_empty() {
                // Documented difference: an empty/whitespace-only body is the empty string for SNAP.
                assert!(data.iter().all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n')));
                assert!(serde.is_err());
                return;
            }
            let depth = common::max_depth(&one_shot);
            assert!(depth <= MAX_DEPTH);
            if depth >= common::SERDE_DEPTH_LIMIT {
                // Documented difference: depth exactly 128 is accepted by minify only.
                return;
            }
            let input_value =
                serde.unwrap_or_else(|e| panic!("minify accepted what serde_json refuses ({e}): {data:?}"));
            let output_value: serde_json::Value = serde_json::from_slice(&common::without_serde_number_key(&one_shot))
                .expect("minified output must parse");
            assert_eq!(input_value, output_value, "minify changed the value");
        }
        Err(Error::InvalidJson { offset, kind }) => {
            assert!(offset <= data.len(), "offset {offset} past the end ({kind:?})");
            if let Ok(v) = serde {
                panic!("minify refused ({kind:?} at {offset}) what serde_json accepts: {v:?}");
            }
        }
        Err(other) => panic!("minify_to returned a non-JSON error: {other:?}"),
    }
});
