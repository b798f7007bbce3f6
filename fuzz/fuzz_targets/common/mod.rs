//! Shared by the fuzz targets: the TEST-ONLY keys of tests/vectors and tests/fixtures (compiled
//! in, so the binaries run from any directory) and small JSON helpers.
#![allow(dead_code)]

pub const PKCS8_2048_PEM: &[u8] = include_bytes!("../../../tests/vectors/keys/rsa2048-pkcs8.pem");
pub const PKCS8_2048_DER: &[u8] = include_bytes!("../../../tests/vectors/keys/rsa2048-pkcs8.der");
pub const PKCS1_2048_DER: &[u8] = include_bytes!("../../../tests/vectors/keys/rsa2048-pkcs1.der");
pub const PUBLIC_2048_DER: &[u8] = include_bytes!("../../../tests/vectors/keys/rsa2048-public.der");
pub const ENCRYPTED_2048_DER: &[u8] = include_bytes!("../../../tests/fixtures/rsa2048-encrypted-pkcs8.der");
pub const CERT_2048_DER: &[u8] = include_bytes!("../../../tests/fixtures/rsa2048-cert.der");
/// The passphrase of the encrypted fixtures.
pub const PASSPHRASE: &[u8] = b"test-passphrase";

/// Nesting depth of arrays/objects in a JSON text (strings skipped). Only meaningful for text
/// the minifier accepted.
pub fn max_depth(json: &[u8]) -> usize {
    let (mut depth, mut max, mut in_str, mut esc) = (0usize, 0usize, false, false);
    for &b in json {
        if in_str {
            if esc {
                esc = false;
            } else if b == b'\\' {
                esc = true;
            } else if b == b'"' {
                in_str = false;
            }
            continue;
        }
        match b {
            b'"' => in_str = true,
            b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

/// Whether `json` has a space, tab, CR or LF outside string literals.
pub fn has_whitespace_outside_strings(json: &[u8]) -> bool {
    let (mut in_str, mut esc) = (false, false);
    for &b in json {
        if in_str {
            if esc {
                esc = false;
            } else if b == b'\\' {
                esc = true;
            } else if b == b'"' {
                in_str = false;
            }
        } else if b == b'"' {
            in_str = true;
        } else if matches!(b, b' ' | b'\t' | b'\r' | b'\n') {
            return true;
        }
    }
    false
}

/// serde_json refuses nesting of 128 and more (its recursion limit); snapsign allows exactly 128.
pub const SERDE_DEPTH_LIMIT: usize = 128;

/// The private key of serde_json's `arbitrary_precision` number encoding (`TOKEN` in its
/// src/number.rs).
pub const SERDE_NUMBER_KEY: &str = "$serde_json::private::Number";

/// What [`without_serde_number_key`] writes instead of that key: a valid JSON string that is no
/// key of serde_json's (nor of the access-token response).
const RENAMED_NUMBER_KEY: &[u8] = b"\"$serde_json::private::Number (renamed)\"";

/// `json` with every object key that decodes to [`SERDE_NUMBER_KEY`] replaced by another
/// string, for serde_json to judge; `json` itself (borrowed) when it has no such key.
///
/// Why: `arbitrary_precision`, enabled here so that numbers compare by their text, makes
/// `serde_json::Value` read an object whose FIRST key is `$serde_json::private::Number` as a
/// number written as a string (its own private encoding; `KeyClassifier` in serde_json
/// src/value/de.rs, 1.0.154). So serde_json refuses the valid RFC 8259 texts
/// `{"$serde_json::private::Number":""}` ("EOF while parsing a value"), `..."x"}` ("invalid
/// number"), `...:1}` ("invalid type"), `{"$serde_json::private::Number":"1","a":2}` ("trailing
/// comma"), also with the key spelled with escapes, at any depth; and it reads
/// `{"$serde_json::private::Number":"1"}` as the number 1, not an object. snapsign rightly treats
/// that key as any other. Replacing a valid string literal by another valid string literal keeps
/// valid text valid and invalid text invalid (the literal is found the way serde_json's parser
/// finds it whenever the text before it is valid), so serde_json still judges every body, only
/// without the private meaning of that one key. (`raw_value`, which would add
/// `$serde_json::private::RawValue`, is not enabled in this crate.)
pub fn without_serde_number_key(json: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    let mut out: Option<Vec<u8>> = None;
    let (mut copied, mut start, mut in_str, mut esc) = (0usize, 0usize, false, false);
    for (i, &b) in json.iter().enumerate() {
        if !in_str {
            if b == b'"' {
                (in_str, start) = (true, i);
            }
            continue;
        }
        if esc {
            esc = false;
        } else if b == b'\\' {
            esc = true;
        } else if b == b'"' {
            in_str = false;
            let literal = &json[start..=i];
            // Each character of the key is at least one byte of the literal.
            if literal.len() < SERDE_NUMBER_KEY.len() + 2 {
                continue;
            }
            let is_key = json[i + 1..].iter().find(|c| !matches!(c, b' ' | b'\t' | b'\r' | b'\n')) == Some(&b':');
            if is_key && serde_json::from_slice::<String>(literal).is_ok_and(|s| s == SERDE_NUMBER_KEY) {
                let o = out.get_or_insert_with(Vec::new);
                o.extend_from_slice(&json[copied..start]);
                o.extend_from_slice(RENAMED_NUMBER_KEY);
                copied = i + 1;
            }
        }
    }
    match out {
        None => std::borrow::Cow::Borrowed(json),
        Some(mut o) => {
            o.extend_from_slice(&json[copied..]);
            std::borrow::Cow::Owned(o)
        }
    }
}

/// A cheap deterministic mix of the input, to pick split points and mutation positions
/// without consuming input bytes.
pub fn mix(data: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in data {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// A copy of `base` with patches from `data` applied: each 3 bytes (hi, lo, value) set byte
/// `(hi:lo) % len` to `value`; one byte left over truncates at that fraction of the length.
pub fn patch(base: &[u8], data: &[u8]) -> Vec<u8> {
    let mut out = base.to_vec();
    if out.is_empty() {
        return out;
    }
    let mut chunks = data.chunks_exact(3);
    for c in chunks.by_ref() {
        let pos = usize::from(u16::from_be_bytes([c[0], c[1]])) % out.len();
        out[pos] = c[2];
    }
    if let [cut] = chunks.remainder() {
        let keep = out.len() * usize::from(*cut) / 256;
        out.truncate(keep);
    }
    out
}
