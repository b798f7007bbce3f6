//! Peak heap and peak stack per operation.
//!
//! Heap: the counting global allocator of core/tests/heap.rs (core/tests/support/counting_alloc.rs):
//! bytes live at the peak above the level before the call, and the number of allocations.
//!
//! Stack: "stack painting". Each operation runs on a fresh thread with a large stack; a
//! never-inlined function first fills 768 KiB of that thread's stack below the current frame with
//! a pattern (as an ordinary local array), then the operation runs, then the lowest address whose
//! byte no longer holds the pattern is the deepest point the operation reached. The same
//! measurement of an empty closure is subtracted, so the figure is the operation's own use
//! (frames of the call and everything it calls, including `getrandom` for RSA).
//! Reading the dead stack below the current frame is outside Rust's memory model; it is done with
//! volatile reads of memory that is mapped (the thread's own stack), in a benchmark only.
//!
//! cargo bench -p snapsign-core --bench footprint

mod common;
#[path = "../tests/support/counting_alloc.rs"]
mod counting_alloc;

use std::hint::black_box;

use common::{body_1k, key_file, snap_body, METHOD, PATH, SECRET, TIMESTAMP, TOKEN};
use counting_alloc::Counting;
use snapsign_core::body_digest::BodyHasher;
use snapsign_core::minify::minify;
use snapsign_core::{body_digest, HmacSigner, KeyOptions, RsaSigner, RsaVerifier};

#[global_allocator]
static A: Counting = Counting;

const PAINT: usize = 768 * 1024;
const PATTERN: u8 = 0xA5;

/// Fills PAINT bytes of stack below the caller with the pattern; returns their lowest address.
#[inline(never)]
fn paint() -> usize {
    let mut buf = [0u8; PAINT];
    for b in buf.iter_mut() {
        // SAFETY: b is a valid &mut u8; volatile so the fill is not optimised away.
        unsafe { std::ptr::write_volatile(b, PATTERN) };
    }
    black_box(&mut buf);
    buf.as_ptr() as usize
}

#[inline(never)]
fn run<T>(f: &mut dyn FnMut() -> T) -> T {
    black_box(f())
}

/// Stack bytes used below the caller's frame by `f` (including the call itself), and its result.
fn stack_of<T: Send + 'static>(mut f: impl FnMut() -> T + Send + 'static) -> (usize, T) {
    std::thread::Builder::new()
        .stack_size(PAINT + 512 * 1024)
        .spawn(move || {
            let marker = 0u8;
            let base = black_box(&marker) as *const u8 as usize;
            let lo = paint();
            let out = run(&mut f);
            let mut deepest = base;
            for a in lo..base {
                // SAFETY: lo..base lies in this thread's mapped stack (painted just above).
                if unsafe { std::ptr::read_volatile(a as *const u8) } != PATTERN {
                    deepest = a;
                    break;
                }
            }
            assert!(deepest > lo, "stack use reached the end of the painted area");
            (base - deepest, out)
        })
        .unwrap()
        .join()
        .unwrap()
}

struct Row {
    op: String,
    heap_peak: usize,
    allocs: usize,
    stack: usize,
}

fn main() {
    let baseline = (0..5).map(|_| stack_of(|| ()).0).min().unwrap();
    let body1k = std::sync::Arc::new(body_1k());
    let body16m = std::sync::Arc::new(snap_body(16 * 1024 * 1024));
    let mut rows: Vec<Row> = Vec::new();

    // Measures op's heap in this thread, and its stack in a painted thread.
    let mut measure = |name: &str, op: std::sync::Arc<dyn Fn() + Send + Sync>| {
        op(); // warm up (lazy statics, getrandom's first-use probe)
        let (allocs, heap_peak, ()) = counting_alloc::measure(|| op());
        let op2 = op.clone();
        let stack = (0..3)
            .map(|_| {
                stack_of({
                    let o = op2.clone();
                    move || o()
                })
                .0
            })
            .max()
            .unwrap();
        rows.push(Row { op: name.to_string(), heap_peak, allocs, stack: stack.saturating_sub(baseline) });
    };

    let b = body1k.clone();
    measure(
        "minify 1 KiB into a caller buffer",
        std::sync::Arc::new(move || {
            let mut out = [0u8; 2048];
            black_box(minify(&b, &mut out).unwrap());
        }),
    );
    let b = body1k.clone();
    measure(
        "body_digest, 1 KiB",
        std::sync::Arc::new(move || {
            black_box(body_digest(&b).unwrap());
        }),
    );
    let b = body16m.clone();
    measure(
        "body_digest, 16 MiB",
        std::sync::Arc::new(move || {
            black_box(body_digest(&b).unwrap());
        }),
    );
    let b = body16m.clone();
    measure(
        "BodyHasher, 16 MiB in 64 KiB chunks",
        std::sync::Arc::new(move || {
            let mut h = BodyHasher::new();
            for c in b.chunks(64 * 1024) {
                h.update(c).unwrap();
            }
            black_box(h.finish().unwrap());
        }),
    );
    let b = body1k.clone();
    let signer = std::sync::Arc::new(HmacSigner::new(SECRET).unwrap());
    let s2 = signer.clone();
    measure(
        "HMAC transaction signature, 1 KiB (pre-keyed)",
        std::sync::Arc::new(move || {
            black_box(s2.sign_transaction(METHOD, PATH, TOKEN, &b, TIMESTAMP).unwrap());
        }),
    );
    let b = body1k.clone();
    measure(
        "HMAC transaction signature, 1 KiB (HmacSigner::new + sign)",
        std::sync::Arc::new(move || {
            black_box(HmacSigner::new(SECRET).unwrap().sign_transaction(METHOD, PATH, TOKEN, &b, TIMESTAMP).unwrap());
        }),
    );
    let b = body1k.clone();
    let sig = signer.sign_transaction(METHOD, PATH, TOKEN, &b, TIMESTAMP).unwrap();
    let s2 = signer.clone();
    measure(
        "HMAC transaction verification, 1 KiB",
        std::sync::Arc::new(move || {
            s2.verify_transaction(METHOD, PATH, TOKEN, &b, TIMESTAMP, sig.as_bytes()).unwrap();
        }),
    );

    for bits in [2048usize, 3072, 4096] {
        let pem = std::sync::Arc::new(key_file(&format!("rsa{bits}-pkcs8.pem")));
        let public = std::sync::Arc::new(key_file(&format!("rsa{bits}-public.pem")));
        let p = pem.clone();
        measure(
            &format!("RSA-{bits} private key load (PEM)"),
            std::sync::Arc::new(move || {
                black_box(RsaSigner::from_bytes(&p, &KeyOptions::default()).unwrap());
            }),
        );
        let d = std::sync::Arc::new(key_file(&format!("rsa{bits}-pkcs8.der")));
        measure(
            &format!("RSA-{bits} private key load (DER)"),
            std::sync::Arc::new(move || {
                black_box(RsaSigner::from_bytes(&d, &KeyOptions::default()).unwrap());
            }),
        );
        let p = public.clone();
        measure(
            &format!("RSA-{bits} public key load (PEM)"),
            std::sync::Arc::new(move || {
                black_box(RsaVerifier::from_bytes(&p, &KeyOptions::default()).unwrap());
            }),
        );
        let signer = std::sync::Arc::new(RsaSigner::from_bytes(&pem, &KeyOptions::default()).unwrap());
        let s2 = signer.clone();
        measure(
            &format!("RSA-{bits} sign (blinded)"),
            std::sync::Arc::new(move || {
                black_box(s2.sign(b"MCPD00000006|2024-10-04T17:55:58+07:00", &mut getrandom::SysRng).unwrap());
            }),
        );
        let s2 = signer.clone();
        measure(
            &format!("RSA-{bits} sign_into a caller buffer (blinded)"),
            std::sync::Arc::new(move || {
                let mut out = [0u8; 1368];
                black_box(
                    s2.sign_into(b"MCPD00000006|2024-10-04T17:55:58+07:00", &mut getrandom::SysRng, &mut out).unwrap(),
                );
            }),
        );
        let sig = std::sync::Arc::new(
            signer.sign(b"MCPD00000006|2024-10-04T17:55:58+07:00", &mut getrandom::SysRng).unwrap(),
        );
        let v = std::sync::Arc::new(signer.verifier());
        let (v2, sig2) = (v.clone(), sig.clone());
        measure(
            &format!("RSA-{bits} verify"),
            std::sync::Arc::new(move || {
                v2.verify(b"MCPD00000006|2024-10-04T17:55:58+07:00", sig2.as_bytes()).unwrap();
            }),
        );
        measure(
            &format!("RSA-{bits} signed_digest"),
            std::sync::Arc::new(move || {
                black_box(v.signed_digest(sig.as_bytes()).unwrap());
            }),
        );
    }

    let mut s = String::from("\n### Footprint per operation (x86_64 release build)\n\n");
    s.push_str(&format!("Stack: painted-stack high-water mark minus an empty call ({baseline} B).\n\n"));
    s.push_str("| operation | peak heap | allocations | peak stack |\n|---|---:|---:|---:|\n");
    for r in &rows {
        s.push_str(&format!("| {} | {} B | {} | {} B |\n", r.op, r.heap_peak, r.allocs, r.stack));
    }
    print!("{s}");
    if !common::quick() {
        common::append_results(&s);
    }
    // The targets that must hold: no heap outside RSA.
    for r in &rows {
        if !r.op.starts_with("RSA") {
            assert_eq!(r.allocs, 0, "{} allocated", r.op);
        }
    }
}
