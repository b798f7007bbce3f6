//! The whole transaction signature (minify, digest, string-to-sign, HMAC-SHA512, base64) for a
//! typical 1 KiB body, and the cost of the C ABI: the same calls made through `libsnapsign.so`
//! (dlopen'ed, so exactly what a C program or ctypes calls), interleaved with the direct Rust
//! calls, in one process.
//!
//! cargo build --release -p libsnapsign   # for the C ABI rows (target/release/libsnapsign.so)
//! cargo bench -p snapsign-core --bench transaction
//!
//! Also the native side of bench/compare.py: with `SNAPSIGN_NATIVE=op` it times `op` in a loop
//! and prints nanoseconds per call (see `native`).

mod common;

use std::ffi::{c_char, c_int, c_void, CStr, CString};
use std::hint::black_box;
use std::time::Instant;

use common::{body_1k, compare, side, METHOD, PATH, SECRET, TIMESTAMP, TOKEN};
use criterion::Criterion;
use snapsign_core::{body_digest, HmacSigner};

// --- the C ABI, loaded at run time ------------------------------------------------------------

extern "C" {
    fn dlopen(filename: *const c_char, flag: c_int) -> *mut c_void;
    fn dlsym(handle: *mut c_void, symbol: *const c_char) -> *mut c_void;
    fn dlerror() -> *const c_char;
}
const RTLD_NOW: c_int = 2;

type Res = u32;
type HmacNew = unsafe extern "C" fn(*const u8, usize, *mut *mut c_void) -> Res;
type HmacSignTx = unsafe extern "C" fn(
    *const c_void,
    *const u8,
    usize,
    *const u8,
    usize,
    *const u8,
    usize,
    *const u8,
    usize,
    *const u8,
    usize,
    *mut u8,
    usize,
    *mut usize,
) -> Res;
type HmacSignTxSecret = unsafe extern "C" fn(
    *const u8,
    usize,
    *const u8,
    usize,
    *const u8,
    usize,
    *const u8,
    usize,
    *const u8,
    usize,
    *const u8,
    usize,
    *mut u8,
    usize,
    *mut usize,
) -> Res;
type BodyDigestFn = unsafe extern "C" fn(*const u8, usize, *mut u8, usize, *mut usize) -> Res;
type ResultStr = unsafe extern "C" fn(u32) -> *const c_char;

struct CApi {
    hmac_new: HmacNew,
    hmac_sign_tx: HmacSignTx,
    hmac_sign_tx_secret: HmacSignTxSecret,
    body_digest: BodyDigestFn,
    result_str: ResultStr,
}

fn lib_path() -> String {
    std::env::var("SNAPSIGN_LIB")
        .unwrap_or_else(|_| common::repo_root().join("target/release/libsnapsign.so").display().to_string())
}

fn load_c_api() -> Result<CApi, String> {
    let path = lib_path();
    if !std::path::Path::new(&path).exists() {
        return Err(format!("{path} not found (cargo build --release -p libsnapsign)"));
    }
    let c = CString::new(path.clone()).unwrap();
    // SAFETY: dlopen/dlsym with NUL-terminated names; each symbol is cast to the signature that
    // include/snapsign.h declares for it.
    unsafe {
        let h = dlopen(c.as_ptr(), RTLD_NOW);
        if h.is_null() {
            return Err(format!("dlopen {path}: {}", CStr::from_ptr(dlerror()).to_string_lossy()));
        }
        let sym = |name: &str| -> Result<*mut c_void, String> {
            let n = CString::new(name).unwrap();
            let p = dlsym(h, n.as_ptr());
            if p.is_null() {
                Err(format!("{name} missing from {path}"))
            } else {
                Ok(p)
            }
        };
        Ok(CApi {
            hmac_new: std::mem::transmute::<*mut c_void, HmacNew>(sym("snapsign_hmac_new")?),
            hmac_sign_tx: std::mem::transmute::<*mut c_void, HmacSignTx>(sym("snapsign_hmac_sign_transaction")?),
            hmac_sign_tx_secret: std::mem::transmute::<*mut c_void, HmacSignTxSecret>(sym(
                "snapsign_hmac_sign_transaction_with_secret",
            )?),
            body_digest: std::mem::transmute::<*mut c_void, BodyDigestFn>(sym("snapsign_body_digest")?),
            result_str: std::mem::transmute::<*mut c_void, ResultStr>(sym("snapsign_result_str")?),
        })
    }
}

impl CApi {
    fn sign_tx(&self, h: *const c_void, body: &[u8], out: &mut [u8; 88]) -> usize {
        let mut n = 0usize;
        // SAFETY: per the header; every input is a live slice, out is 88 bytes.
        let r = unsafe {
            (self.hmac_sign_tx)(
                h,
                METHOD.as_ptr(),
                METHOD.len(),
                PATH.as_ptr(),
                PATH.len(),
                TOKEN.as_ptr(),
                TOKEN.len(),
                body.as_ptr(),
                body.len(),
                TIMESTAMP.as_ptr(),
                TIMESTAMP.len(),
                out.as_mut_ptr(),
                out.len(),
                &mut n,
            )
        };
        assert_eq!(r, 0);
        n
    }

    fn sign_tx_secret(&self, body: &[u8], out: &mut [u8; 88]) -> usize {
        let mut n = 0usize;
        // SAFETY: as above.
        let r = unsafe {
            (self.hmac_sign_tx_secret)(
                SECRET.as_ptr(),
                SECRET.len(),
                METHOD.as_ptr(),
                METHOD.len(),
                PATH.as_ptr(),
                PATH.len(),
                TOKEN.as_ptr(),
                TOKEN.len(),
                body.as_ptr(),
                body.len(),
                TIMESTAMP.as_ptr(),
                TIMESTAMP.len(),
                out.as_mut_ptr(),
                out.len(),
                &mut n,
            )
        };
        assert_eq!(r, 0);
        n
    }

    fn digest(&self, body: &[u8], out: &mut [u8; 64]) -> usize {
        let mut n = 0usize;
        // SAFETY: as above.
        let r = unsafe { (self.body_digest)(body.as_ptr(), body.len(), out.as_mut_ptr(), out.len(), &mut n) };
        assert_eq!(r, 0);
        n
    }

    fn hmac(&self) -> *mut c_void {
        let mut h = std::ptr::null_mut();
        // SAFETY: as above.
        assert_eq!(unsafe { (self.hmac_new)(SECRET.as_ptr(), SECRET.len(), &mut h) }, 0);
        h
    }
}

fn rust_sign(signer: &HmacSigner, body: &[u8]) -> snapsign_core::hmac::HmacSignature {
    signer.sign_transaction(METHOD, PATH, TOKEN, body, TIMESTAMP).unwrap()
}

fn rust_sign_oneshot(body: &[u8]) -> snapsign_core::hmac::HmacSignature {
    HmacSigner::new(SECRET).unwrap().sign_transaction(METHOD, PATH, TOKEN, body, TIMESTAMP).unwrap()
}

/// `SNAPSIGN_NATIVE=op SNAPSIGN_NATIVE_ITERS=n [SNAPSIGN_NATIVE_BODY=file]`: times `n` calls of
/// `op` (transaction, transaction_oneshot, digest) and prints ns per call; for bench/compare.py.
fn native(op: &str) {
    let iters: u64 = std::env::var("SNAPSIGN_NATIVE_ITERS").ok().and_then(|s| s.parse().ok()).unwrap_or(1000);
    let body = match std::env::var("SNAPSIGN_NATIVE_BODY") {
        Ok(p) => std::fs::read(p).unwrap(),
        Err(_) => body_1k(),
    };
    let signer = HmacSigner::new(SECRET).unwrap();
    let mut run: Box<dyn FnMut() -> String> = match op {
        "transaction" => Box::new(|| rust_sign(&signer, black_box(&body)).to_string()),
        "transaction_oneshot" => Box::new(|| rust_sign_oneshot(black_box(&body)).to_string()),
        "digest" => Box::new(|| body_digest(black_box(&body)).unwrap().to_string()),
        _ => panic!("unknown SNAPSIGN_NATIVE op {op}"),
    };
    let check = run();
    let t = Instant::now();
    for _ in 0..iters {
        black_box(run());
    }
    let ns = t.elapsed().as_secs_f64() * 1e9 / iters as f64;
    println!("{ns:.1} {check}");
}

fn main() {
    if let Ok(op) = std::env::var("SNAPSIGN_NATIVE") {
        native(&op);
        return;
    }
    let body = body_1k();
    let signer = HmacSigner::new(SECRET).unwrap();
    let expected = rust_sign(&signer, &body);
    assert_eq!(rust_sign_oneshot(&body), expected);
    eprintln!("1 KiB body: {} bytes; signature {expected}", body.len());

    let capi = match load_c_api() {
        Ok(c) => Some(c),
        Err(e) => {
            eprintln!("C ABI rows skipped: {e}");
            None
        }
    };
    let handle = capi.as_ref().map(|c| c.hmac());
    if let (Some(c), Some(h)) = (&capi, handle) {
        let mut out = [0u8; 88];
        let n = c.sign_tx(h, &body, &mut out);
        assert_eq!(&out[..n], expected.as_bytes(), "C ABI signature differs");
        let n = c.sign_tx_secret(&body, &mut out);
        assert_eq!(&out[..n], expected.as_bytes(), "C ABI one-shot signature differs");
    }

    if !common::ratios_only() {
        let mut cr = Criterion::default().configure_from_args();
        let mut g = cr.benchmark_group("transaction_1KiB");
        g.bench_function("rust_preloaded_signer", |b| b.iter(|| rust_sign(&signer, black_box(&body))));
        g.bench_function("rust_oneshot_new_and_sign", |b| b.iter(|| rust_sign_oneshot(black_box(&body))));
        if let (Some(c), Some(h)) = (&capi, handle) {
            let mut out = [0u8; 88];
            g.bench_function("c_abi_handle", |b| b.iter(|| c.sign_tx(h, black_box(&body), &mut out)));
            g.bench_function("c_abi_with_secret", |b| b.iter(|| c.sign_tx_secret(black_box(&body), &mut out)));
        }
        g.finish();
        let mut g = cr.benchmark_group("trivial_call");
        g.bench_function("rust_body_digest_{}", |b| b.iter(|| body_digest(black_box(b"{}")).unwrap()));
        if let Some(c) = &capi {
            let mut out = [0u8; 64];
            g.bench_function("c_abi_body_digest_{}", |b| b.iter(|| c.digest(black_box(b"{}"), &mut out)));
            // SAFETY: any code is accepted; the result is a static string.
            g.bench_function("c_abi_result_str", |b| b.iter(|| unsafe { (c.result_str)(black_box(3)) }));
        }
        g.finish();
        cr.final_summary();
    }
    if common::criterion_only() {
        return;
    }

    // Issue #14's limit: SHA-256 of the body as it is, plus one pre-keyed HMAC-SHA512 over a
    // string as long as the string-to-sign. The signature must minify and validate on top.
    {
        use hmac::{Hmac, KeyInit, Mac};
        use sha2::{Digest, Sha256, Sha512};
        let keyed = Hmac::<Sha512>::new_from_slice(SECRET).unwrap();
        let sts_len = METHOD.len() + PATH.len() + TOKEN.len() + 64 + TIMESTAMP.len() + 4;
        let sts = vec![b'a'; sts_len];
        let expected_len =
            snapsign_core::string_to_sign::transaction(METHOD, PATH, TOKEN, &body_digest(&body).unwrap(), TIMESTAMP)
                .unwrap()
                .as_bytes()
                .len();
        assert_eq!(sts_len, expected_len, "the limit hashes a string of the string-to-sign's length");
        compare(
            "Transaction signature, 1 KiB body, against its limit (SHA-256 of the raw body + pre-keyed HMAC-SHA512 of the string-to-sign's length)",
            None,
            vec![
                side("limit: SHA-256(raw body) + pre-keyed HMAC-SHA512", || {
                    let digest = Sha256::digest(black_box(&body));
                    let mut mac = keyed.clone();
                    mac.update(black_box(&sts));
                    black_box((digest, mac.finalize().into_bytes()));
                }),
                side("Rust: HmacSigner::sign_transaction (pre-keyed)", || {
                    black_box(rust_sign(&signer, black_box(&body)));
                }),
            ],
        );
    }

    let mut sides = vec![
        side("Rust: HmacSigner::sign_transaction (pre-keyed)", || {
            black_box(rust_sign(&signer, black_box(&body)));
        }),
        side("Rust: HmacSigner::new + sign_transaction", || {
            black_box(rust_sign_oneshot(black_box(&body)));
        }),
    ];
    if let (Some(c), Some(h)) = (&capi, handle) {
        let mut out = [0u8; 88];
        let mut out2 = [0u8; 88];
        let b: &[u8] = &body;
        sides.push(side("C ABI: snapsign_hmac_sign_transaction (handle)", move || {
            black_box(c.sign_tx(h, black_box(b), &mut out));
        }));
        sides.push(side("C ABI: snapsign_hmac_sign_transaction_with_secret", move || {
            black_box(c.sign_tx_secret(black_box(b), &mut out2));
        }));
    }
    let o = compare("Transaction signature, 1 KiB body: Rust vs the C ABI (dlopen'ed libsnapsign.so)", None, sides);
    if o.len() == 4 {
        let line = format!(
            "\nC ABI overhead per call (difference of medians): pre-keyed {:.0} ns, one-shot {:.0} ns\n",
            o[2].median_ns - o[0].median_ns,
            o[3].median_ns - o[1].median_ns
        );
        print!("{line}");
        if !common::quick() {
            common::append_results(&line);
        }
    }

    let mut sides = vec![side("Rust: body_digest(b\"{}\")", || {
        black_box(body_digest(black_box(b"{}")).unwrap());
    })];
    if let Some(c) = &capi {
        let mut out = [0u8; 64];
        sides.push(side("C ABI: snapsign_body_digest(\"{}\")", move || {
            black_box(c.digest(black_box(b"{}"), &mut out));
        }));
        sides.push(side("C ABI: snapsign_result_str(3) (whole call)", move || {
            // SAFETY: any code is accepted; the result is a static string.
            black_box(unsafe { (c.result_str)(black_box(3)) });
        }));
    }
    let o = compare("Trivial call: tiny body digest, Rust vs the C ABI", None, sides);
    if o.len() == 3 {
        let line = format!(
            "\nC ABI overhead per call, tiny body digest (difference of medians): {:.0} ns\n",
            o[1].median_ns - o[0].median_ns
        );
        print!("{line}");
        if !common::quick() {
            common::append_results(&line);
        }
    }
}
