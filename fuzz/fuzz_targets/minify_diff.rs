//! minify_diff: the public `Minifier` (with its token-level fast path) against the byte-at-a-time
//! reference state machine `snapsign_core::minify::reference`.
//!
//! Properties, for any bytes:
//! - `minify_to` of the whole body: both `Ok` with the same output bytes, or the same `Err`
//!   (kind and absolute offset);
//! - the body split into 1 to 3 chunks (count and split points chosen from the first 8 bytes and
//!   the length): `update` per chunk, then `finish`, stopping at the first error; both give the
//!   same result from the same call, and after every successful call the same output so far;
//! - `minify` into a buffer of exactly the reference's output length succeeds with those bytes;
//!   one byte less is `BufferTooSmall` with that length.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use snapsign_core::minify::{minify, minify_to, reference, Minifier};
use snapsign_core::Error;

/// One step of a streamed run: which call (`0..chunks` for `update`, `chunks` for `finish`)
/// and its result, and the output written so far.
type Trace = (Vec<(usize, Result<(), Error>)>, Vec<u8>);

/// The streaming API of both minifiers, so one function drives either.
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

fn stream<M: Streaming>(chunks: &[&[u8]]) -> (Trace, Vec<Vec<u8>>) {
    let mut m = M::start();
    let mut out = Vec::new();
    let mut steps = Vec::new();
    let mut snapshots = Vec::new();
    for (i, c) in chunks.iter().enumerate() {
        let r = m.feed(c, &mut out);
        let failed = r.is_err();
        steps.push((i, r));
        if failed {
            return ((steps, out), snapshots);
        }
        snapshots.push(out.clone());
    }
    steps.push((chunks.len(), m.end()));
    ((steps, out), snapshots)
}

fuzz_target!(|data: &[u8]| {
    // Whole body.
    let mut fast_out = Vec::new();
    let fast = minify_to(data, &mut fast_out);
    let mut ref_out = Vec::new();
    let expected = reference::minify_to(data, &mut ref_out);
    assert_eq!(fast, expected, "minify_to: public vs reference");
    if expected.is_ok() {
        assert_eq!(fast_out, ref_out, "minify_to output: public vs reference");
    }

    // 1..3 chunks at points chosen by the first bytes and the length.
    let mut h = common::mix(&data[..data.len().min(8)]) ^ (data.len() as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    let mut next = || {
        h = h.wrapping_mul(0x5851_f42d_4c95_7f2d).wrapping_add(0x1405_7b7e_f767_814f);
        h >> 17
    };
    let count = 1 + (next() % 3) as usize;
    let len = data.len() as u64;
    let mut cuts: Vec<usize> = (1..count).map(|_| (next() % (len + 1)) as usize).collect();
    cuts.sort_unstable();
    let mut chunks = Vec::new();
    let mut start = 0;
    for &c in &cuts {
        chunks.push(&data[start..c]);
        start = c;
    }
    chunks.push(&data[start..]);
    let ((fast_steps, fast_out_s), fast_snaps) = stream::<Minifier>(&chunks);
    let ((ref_steps, ref_out_s), ref_snaps) = stream::<reference::Minifier>(&chunks);
    assert_eq!(fast_steps, ref_steps, "streamed results differ (cuts {cuts:?})");
    assert_eq!(fast_snaps, ref_snaps, "output after each update differs (cuts {cuts:?})");
    if ref_steps.last().is_some_and(|(_, r)| r.is_ok()) {
        assert_eq!(fast_out_s, ref_out_s, "streamed output differs (cuts {cuts:?})");
        assert_eq!(ref_out_s, ref_out, "reference: streamed vs whole");
    } else {
        // Where the first error is does not depend on the chunking.
        assert_eq!(ref_steps.last().map(|&(_, r)| r), Some(expected), "reference: streamed vs whole");
    }

    // The buffer API of the public minifier, sized by the reference.
    match expected {
        Ok(()) => {
            let mut exact = vec![0u8; ref_out.len()];
            assert_eq!(minify(data, &mut exact), Ok(ref_out.len()));
            assert_eq!(exact, ref_out);
            if !ref_out.is_empty() {
                let mut short = vec![0u8; ref_out.len() - 1];
                assert_eq!(minify(data, &mut short), Err(Error::BufferTooSmall { needed: ref_out.len() }));
            }
        }
        Err(e) => {
            let mut buf = vec![0u8; data.len()];
            assert_eq!(minify(data, &mut buf), Err(e));
        }
    }
});
