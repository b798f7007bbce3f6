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
