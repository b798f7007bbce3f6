//! Shared by the benchmarks: realistic SNAP bodies, the fixture keys, and an interleaved
//! comparison harness that reports ratios.
//!
//! Criterion measures one function after another, so on a shared, noisy machine two of its
//! numbers can come from different load conditions. [`compare`] instead runs every side of a
//! comparison in the same round, one batch each, in a rotating order, for many rounds, and reports
//! the median over rounds of `time(side) / time(baseline)`: load that changes between rounds
//! cancels out of each ratio.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::hint::black_box;
use std::io::Write as _;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// `cargo bench -- --test` (criterion's smoke mode): run everything once, time nothing.
pub fn quick() -> bool {
    std::env::args().any(|a| a == "--test") || std::env::var_os("SNAPSIGN_BENCH_QUICK").is_some()
}

/// Skip the criterion part and only print the interleaved ratios (`SNAPSIGN_BENCH_RATIOS_ONLY=1`).
pub fn ratios_only() -> bool {
    std::env::var_os("SNAPSIGN_BENCH_RATIOS_ONLY").is_some()
}

/// Skip the interleaved ratios (`SNAPSIGN_BENCH_CRITERION_ONLY=1`).
pub fn criterion_only() -> bool {
    std::env::var_os("SNAPSIGN_BENCH_CRITERION_ONLY").is_some()
}

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

pub fn key_file(name: &str) -> Vec<u8> {
    let p = repo_root().join("tests/vectors/keys").join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// A small deterministic generator (xorshift), so every run hashes the same bytes.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed | 1)
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    pub fn digits(&mut self, n: usize) -> String {
        (0..n).map(|_| char::from(b'0' + self.below(10) as u8)).collect()
    }
    pub fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len() as u64) as usize]
    }
}

const NAMES: &[&str] = &[
    "Budi Santoso",
    "Siti Rahayu",
    "Andi Wijaya",
    "Dewi Lestari",
    "Agus Pratama",
    "Ni Luh Putu Ayu",
    "Rina Kusuma",
    "Hendra Gunawan",
    "Renée Pangemanan",
];
const BANKS: &[&str] = &["014", "008", "009", "002", "022", "451"];
const CITIES: &[&str] = &["Jakarta Selatan", "Surabaya", "Bandung", "Denpasar", "Medan", "Yogyakarta", "Makassar"];
const NOTES: &[&str] = &[
    "Pembayaran tagihan listrik bulan Oktober",
    "Transfer ke rekening tabungan",
    "Top up e-wallet \\/ QRIS",
    "Pembelian pulsa \\u0026 paket data",
    "Cicilan ke-3 dari 12",
    "Catatan: \\\"segera\\\" diproses",
];

/// One pretty-printed (2-space indent, CRLF-free) SNAP-like transfer record, as a JSON object.
fn record(r: &mut Rng, i: usize, indent: &str) -> String {
    let amount = format!("{}.{:02}", 10_000 + r.below(50_000_000), r.below(100));
    let fee = format!("{}.00", r.below(7) * 1000);
    let name = r.pick(NAMES);
    let bank = r.pick(BANKS);
    let city = r.pick(CITIES);
    let note = r.pick(NOTES);
    let acct = r.digits(10);
    let ref_no = r.digits(12);
    let phone = r.digits(10);
    let ts = format!(
        "2024-{:02}-{:02}T{:02}:{:02}:{:02}+07:00",
        1 + r.below(12),
        1 + r.below(28),
        r.below(24),
        r.below(60),
        r.below(60)
    );
    let flags = if r.below(2) == 0 { "true" } else { "false" };
    let i2 = format!("{indent}  ");
    let i3 = format!("{indent}    ");
    format!(
        "{indent}{{\n\
         {i2}\"partnerReferenceNo\": \"{ref_no}{i:06}\",\n\
         {i2}\"amount\": {{\n{i3}\"value\": \"{amount}\",\n{i3}\"currency\": \"IDR\"\n{i2}}},\n\
         {i2}\"feeAmount\": {{ \"value\": \"{fee}\", \"currency\": \"IDR\" }},\n\
         {i2}\"beneficiaryAccountNo\": \"{acct}\",\n\
         {i2}\"beneficiaryAccountName\": \"{name}\",\n\
         {i2}\"beneficiaryBankCode\": \"{bank}\",\n\
         {i2}\"beneficiaryAddress\": \"Jl. Sudirman No. {no}, {city}\",\n\
         {i2}\"beneficiaryPhoneNo\": \"62{phone}\",\n\
         {i2}\"remark\": \"{note}\",\n\
         {i2}\"transactionDate\": \"{ts}\",\n\
         {i2}\"originatorInfos\": [\n{i3}{{ \"originatorCustomerNo\": \"{cust}\", \"originatorBankCode\": \"{bank}\" }}\n{i2}],\n\
         {i2}\"additionalInfo\": {{\n{i3}\"deviceId\": \"{dev:08x}\",\n{i3}\"channel\": \"mobilephone\",\n{i3}\"retry\": {retry},\n{i3}\"instant\": {flags},\n{i3}\"rate\": 1.5e-3,\n{i3}\"promo\": null\n{i2}}}\n\
         {indent}}}",
        no = 1 + r.below(200),
        cust = r.digits(16),
        dev = r.next() as u32,
        retry = r.below(4),
    )
}

/// A realistic pretty-printed SNAP-like JSON body of about `target` bytes (never less than one
/// record): a transfer request for small sizes, a bulk transfer (array of records) for large.
pub fn snap_body(target: usize) -> Vec<u8> {
    let mut r = Rng::new(0x5eed_0000 ^ target as u64);
    let head = "{\n  \"partnerServiceId\": \"   88899\",\n  \"customerNo\": \"12345678901234567890\",\n  \"virtualAccountNo\": \"   8889912345678901234567890\",\n  \"bulkId\": \"BULK-20241004-0001\",\n  \"transfers\": [\n";
    let tail = "\n  ],\n  \"totalCount\": 0\n}\n";
    let mut s = String::with_capacity(target + 2048);
    s.push_str(head);
    let mut i = 0;
    loop {
        let rec = record(&mut r, i, "    ");
        if i > 0 && s.len() + rec.len() + 2 + tail.len() > target {
            break;
        }
        if i > 0 {
            s.push_str(",\n");
        }
        s.push_str(&rec);
        i += 1;
    }
    s.push_str(&tail.replace("\"totalCount\": 0", &format!("\"totalCount\": {i}")));
    // Pad with insignificant whitespace to the exact size, as a pretty-printer's trailing lines would.
    while s.len() < target {
        s.push('\n');
    }
    s.into_bytes()
}

/// The typical 1 KiB body of the transaction benchmarks: one transfer request.
pub fn body_1k() -> Vec<u8> {
    snap_body(1024)
}

pub const METHOD: &str = "POST";
pub const PATH: &str = "/snap/v1.0/transfer-interbank";
pub const TOKEN: &str =
    "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJNQ1BEMDAwMDAwMDYiLCJleHAiOjE2MDE4MTI1NTh9.AQfgX3Jda3HmLegbUIbXmX1eGMTjLc56";
pub const TIMESTAMP: &str = "2024-10-04T17:55:58+07:00";
pub const SECRET: &[u8] = b"b2f6e1c4d8a94f0e9c3b7a5d1e2f4a6c";

/// One side of a comparison.
pub struct Side<'a> {
    pub name: String,
    pub f: Box<dyn FnMut() + 'a>,
}

pub fn side<'a>(name: impl Into<String>, f: impl FnMut() + 'a) -> Side<'a> {
    Side { name: name.into(), f: Box::new(f) }
}

/// The outcome for one side: median time per call, and the median and spread (quartiles) over
/// rounds of its time divided by the baseline's time in the same round.
pub struct Outcome {
    pub name: String,
    pub median_ns: f64,
    pub ratio: f64,
    pub ratio_q1: f64,
    pub ratio_q3: f64,
}

fn median(v: &mut [f64]) -> f64 {
    quantile(v, 0.5)
}

fn quantile(v: &mut [f64], q: f64) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    if v.is_empty() {
        return f64::NAN;
    }
    let pos = q * (v.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    v[lo] + (v[hi] - v[lo]) * (pos - lo as f64)
}

pub fn fmt_ns(ns: f64) -> String {
    if ns >= 1e9 {
        format!("{:.2} s", ns / 1e9)
    } else if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{ns:.1} ns")
    }
}

/// Runs the sides interleaved and prints a markdown table; the first side is the baseline.
/// `bytes`: the input size, to print throughput.
pub fn compare(title: &str, bytes: Option<usize>, mut sides: Vec<Side<'_>>) -> Vec<Outcome> {
    let quick = quick();
    let rounds: usize =
        if quick { 1 } else { std::env::var("SNAPSIGN_BENCH_ROUNDS").ok().and_then(|s| s.parse().ok()).unwrap_or(21) };
    let batch_target = Duration::from_millis(if quick { 0 } else { 25 });

    // Calibrate: iterations per batch so that a batch lasts about batch_target (at least 1).
    let mut iters = Vec::new();
    for s in &mut sides {
        (s.f)(); // warm up: caches, lazy initialisation, page faults of the body
        let mut n = 1u64;
        loop {
            let t = Instant::now();
            for _ in 0..n {
                (s.f)();
            }
            let el = t.elapsed();
            if el >= batch_target || quick {
                let per = el.as_secs_f64() / n as f64;
                let want = (batch_target.as_secs_f64() / per.max(1e-12)).ceil() as u64;
                iters.push(if quick { 1 } else { want.clamp(1, 1 << 30) });
                break;
            }
            n *= 4;
        }
    }

    let k = sides.len();
    let mut per_call: Vec<Vec<f64>> = vec![Vec::with_capacity(rounds); k];
    for r in 0..rounds {
        for j in 0..k {
            let i = (r + j) % k; // rotate the order so no side always runs first
            let n = iters[i];
            let f = &mut sides[i].f;
            let t = Instant::now();
            for _ in 0..n {
                f();
            }
            per_call[i].push(t.elapsed().as_secs_f64() * 1e9 / n as f64);
        }
    }

    let mut out = Vec::new();
    for i in 0..k {
        let mut ratios: Vec<f64> = (0..rounds).map(|r| per_call[i][r] / per_call[0][r]).collect();
        let mut times = per_call[i].clone();
        out.push(Outcome {
            name: sides[i].name.clone(),
            median_ns: median(&mut times),
            ratio: median(&mut ratios),
            ratio_q1: quantile(&mut ratios, 0.25),
            ratio_q3: quantile(&mut ratios, 0.75),
        });
    }
    report(title, bytes, rounds, &out);
    black_box(&sides);
    out
}

fn report(title: &str, bytes: Option<usize>, rounds: usize, out: &[Outcome]) {
    let mut s = String::new();
    let _ = writeln!(s, "\n### {title}  ({rounds} interleaved rounds; ratio = time / time of `{}`)\n", out[0].name);
    let _ = writeln!(s, "| side | median per call | throughput | ratio (median) | ratio IQR |");
    let _ = writeln!(s, "|---|---:|---:|---:|---|");
    for o in out {
        let tp = bytes
            .map(|b| format!("{:.0} MiB/s", b as f64 / (o.median_ns / 1e9) / 1048576.0))
            .unwrap_or_else(|| "-".into());
        let _ = writeln!(
            s,
            "| {} | {} | {} | {:.3}× | {:.3}–{:.3} |",
            o.name,
            fmt_ns(o.median_ns),
            tp,
            o.ratio,
            o.ratio_q1,
            o.ratio_q3
        );
    }
    print!("{s}");
    if !quick() {
        append_results(&s);
    }
}

/// Appends to `target/snapsign-bench/ratios.md`, from which bench/RESULTS.md is assembled.
pub fn append_results(text: &str) {
    let dir = repo_root().join("target/snapsign-bench");
    let _ = std::fs::create_dir_all(&dir);
    if let Ok(mut f) = std::fs::OpenOptions::new().create(true).append(true).open(dir.join("ratios.md")) {
        let _ = f.write_all(text.as_bytes());
    }
}
