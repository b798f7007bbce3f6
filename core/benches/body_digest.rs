//! Body digest `hex(SHA-256(minify(body)))` on 1 KiB, 64 KiB and 16 MiB pretty-printed SNAP-like
//! JSON, against plain SHA-256 of the same bytes (the physical limit: the minifier can only add
//! work), against serde_json parse + re-serialise + SHA-256 (what many SDKs do), and the
//! streaming `BodyHasher` fed in 64 KiB chunks.
//!
//! cargo bench -p snapsign-core --bench body_digest

mod common;

use std::hint::black_box;

use common::{compare, side, snap_body};
use criterion::{BenchmarkId, Criterion, Throughput};
use sha2::{Digest, Sha256};
use snapsign_core::body_digest::BodyHasher;
use snapsign_core::minify::{minify_to, reference, Counter};

const SIZES: [(usize, &str); 3] = [(1024, "1KiB"), (64 * 1024, "64KiB"), (16 * 1024 * 1024, "16MiB")];

fn plain_sha(b: &[u8]) -> [u8; 32] {
    Sha256::digest(b).into()
}

fn serde_sha(b: &[u8]) -> [u8; 32] {
    let v: serde_json::Value = serde_json::from_slice(b).unwrap();
    Sha256::digest(serde_json::to_vec(&v).unwrap()).into()
}

fn streamed(b: &[u8]) -> snapsign_core::BodyDigest {
    let mut h = BodyHasher::new();
    for c in b.chunks(64 * 1024) {
        h.update(c).unwrap();
    }
    h.finish().unwrap()
}

/// The digest with the byte-at-a-time state machine alone (the minifier before issue #14's fast
/// path), for a before/after in the same run.
fn reference_digest(b: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    reference::minify_to(b, &mut h).unwrap();
    h.finalize().into()
}

fn reference_minify_only(b: &[u8]) -> usize {
    let mut c = Counter::default();
    reference::minify_to(b, &mut c).unwrap();
    c.0
}

fn minify_only(b: &[u8]) -> usize {
    let mut c = Counter::default();
    minify_to(b, &mut c).unwrap();
    c.0
}

fn main() {
    let bodies: Vec<(Vec<u8>, &str)> = SIZES.iter().map(|&(n, name)| (snap_body(n), name)).collect();
    for (b, name) in &bodies {
        let d = snapsign_core::body_digest(b).unwrap();
        assert_eq!(streamed(b), d);
        let mut m = Vec::new();
        minify_to(b.as_slice(), &mut m).unwrap();
        eprintln!(
            "{name}: {} bytes, {} minified ({:.0}% whitespace)",
            b.len(),
            m.len(),
            100.0 * (1.0 - m.len() as f64 / b.len() as f64)
        );
    }
    if let Ok(dir) = std::env::var("SNAPSIGN_BENCH_DUMP") {
        // bench/compare.py hashes the very same bodies.
        for (b, name) in &bodies {
            std::fs::write(format!("{dir}/body-{name}.json"), b).unwrap();
        }
        return;
    }

    if !common::ratios_only() {
        let mut c = Criterion::default().configure_from_args();
        let mut g = c.benchmark_group("body_digest");
        for (b, name) in &bodies {
            g.throughput(Throughput::Bytes(b.len() as u64));
            if b.len() > 1 << 20 {
                g.sample_size(10);
            }
            g.bench_with_input(BenchmarkId::new("snapsign", name), b, |x, b| {
                x.iter(|| snapsign_core::body_digest(black_box(b)).unwrap())
            });
            g.bench_with_input(BenchmarkId::new("plain_sha256", name), b, |x, b| x.iter(|| plain_sha(black_box(b))));
            g.bench_with_input(BenchmarkId::new("serde_json_reserialize_sha256", name), b, |x, b| {
                x.iter(|| serde_sha(black_box(b)))
            });
        }
        g.finish();
        c.final_summary();
    }
    if common::criterion_only() {
        return;
    }
    for (b, name) in &bodies {
        compare(
            &format!("Body digest, {name} pretty-printed JSON"),
            Some(b.len()),
            vec![
                side("plain SHA-256 of the raw bytes (limit)", || {
                    black_box(plain_sha(black_box(b)));
                }),
                side("snapsign body_digest (minify+SHA-256, one pass)", || {
                    black_box(snapsign_core::body_digest(black_box(b)).unwrap());
                }),
                side("body_digest, reference minifier only (before #14)", || {
                    black_box(reference_digest(black_box(b)));
                }),
                side("snapsign BodyHasher, 64 KiB chunks", || {
                    black_box(streamed(black_box(b)));
                }),
                side("minify alone (validate, count output)", || {
                    black_box(minify_only(black_box(b)));
                }),
                side("minify alone, reference state machine", || {
                    black_box(reference_minify_only(black_box(b)));
                }),
                side("serde_json parse + to_vec + SHA-256", || {
                    black_box(serde_sha(black_box(b)));
                }),
            ],
        );
    }
}
