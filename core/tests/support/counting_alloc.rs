//! A counting global allocator: the bytes live, their peak, and the number of allocations.
//!
//! One copy, included by `core/tests/heap.rs` (the heap-use assertions) and
//! `core/benches/footprint.rs` (the footprint table) with `#[path = ...] mod counting_alloc;`.
//! Each of them installs it with `#[global_allocator] static A: Counting = Counting;` and runs
//! one measurement at a time (the counters are process-wide).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

/// Forwards to [`System`], counting as it goes.
pub struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static COUNT: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded to `System` with the caller's own arguments; the counters are
// atomics and never affect what is returned.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let now = CURRENT.fetch_add(layout.size(), Relaxed) + layout.size();
        PEAK.fetch_max(now, Relaxed);
        COUNT.fetch_add(1, Relaxed);
        // SAFETY: forwarded contract.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        CURRENT.fetch_sub(layout.size(), Relaxed);
        // SAFETY: forwarded contract.
        unsafe { System.dealloc(ptr, layout) }
    }
}

/// Runs `f` and returns (allocations, peak bytes live above the level before the call, its result).
pub fn measure<T>(f: impl FnOnce() -> T) -> (usize, usize, T) {
    let base = CURRENT.load(Relaxed);
    PEAK.store(base, Relaxed);
    COUNT.store(0, Relaxed);
    let out = f();
    (COUNT.load(Relaxed), PEAK.load(Relaxed) - base, out)
}
