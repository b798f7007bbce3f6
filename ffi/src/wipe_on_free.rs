//! The shipped library's global allocator (installed by `ffi/bundle`) wipes every heap block
//! before freeing it.
//!
//! Why: the core zeroizes what it owns (key DER, HMAC state, the private exponent), but the `rsa`
//! crate's bignum temporaries leave copies of the primes `p` and `q`, multiples of them, and
//! (0.10.0) the blinded CRT moduli in freed memory (`core/tests/zeroize.rs` asserts which). Each
//! of them factors the modulus. The C, Kotlin, Swift and
//! Python hosts of this library cannot reach into `rsa`, so the library wipes every block it frees:
//! no secret outlives its allocation, whichever crate allocated it. The cost is one pass of
//! zero writes per freed byte.

use core::alloc::{GlobalAlloc, Layout};

use zeroize::Zeroize;

/// An allocator that zeroes each block before handing it back to the allocator it wraps.
pub struct WipeOnFree<A>(pub A);

// SAFETY: every method forwards to the wrapped allocator with the caller's own arguments; the
// only additions are writes of zeros into the block being freed, which the caller still owns.
unsafe impl<A: GlobalAlloc> GlobalAlloc for WipeOnFree<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded contract.
        unsafe { self.0.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded contract.
        unsafe { self.0.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` is a live block of `layout.size()` bytes allocated by this allocator
        // (GlobalAlloc's contract), so it may be written before it is freed.
        unsafe {
            core::slice::from_raw_parts_mut(ptr, layout.size()).zeroize();
            self.0.dealloc(ptr, layout);
        }
    }

    /// Always moves, so the old block can be wiped (an in-place `realloc` of the wrapped
    /// allocator could leave a shrunk tail or a moved-from block unwiped).
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: GlobalAlloc's contract for realloc guarantees `new_size`, rounded up to
        // `layout.align()`, does not overflow isize, so this layout is valid.
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        // SAFETY: forwarded contract; `new_size` is non-zero (realloc's contract).
        let new = unsafe { self.0.alloc(new_layout) };
        if !new.is_null() {
            // SAFETY: both blocks are live and distinct; the copy stays within the smaller one.
            unsafe {
                core::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
        }
        new
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::alloc::System;
    use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};

    /// Records, at each free, whether the block still held any non-zero byte.
    struct Inspecting {
        frees: AtomicUsize,
        dirty: AtomicUsize,
    }

    unsafe impl GlobalAlloc for Inspecting {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            unsafe { System.alloc(layout) }
        }

        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            let block = unsafe { core::slice::from_raw_parts(ptr, layout.size()) };
            self.frees.fetch_add(1, SeqCst);
            if block.iter().any(|&b| b != 0) {
                self.dirty.fetch_add(1, SeqCst);
            }
            unsafe { System.dealloc(ptr, layout) }
        }
    }

    #[test]
    fn freed_and_moved_blocks_are_wiped() {
        let a = WipeOnFree(Inspecting { frees: AtomicUsize::new(0), dirty: AtomicUsize::new(0) });
        let layout = Layout::from_size_align(64, 8).unwrap();
        unsafe {
            let p = a.alloc(layout);
            core::ptr::write_bytes(p, 0xA5, 64);
            // Growing and shrinking move the contents and wipe the old block.
            let p = a.realloc(p, layout, 4096);
            assert_eq!(*p.add(63), 0xA5);
            let big = Layout::from_size_align(4096, 8).unwrap();
            core::ptr::write_bytes(p, 0x5A, 4096);
            let p = a.realloc(p, big, 16);
            assert_eq!(*p, 0x5A);
            a.dealloc(p, Layout::from_size_align(16, 8).unwrap());
        }
        assert_eq!(a.0.frees.load(SeqCst), 3);
        assert_eq!(a.0.dirty.load(SeqCst), 0);
        // And the inspector does see a block freed without wiping.
        unsafe {
            let p = a.0.alloc(layout);
            core::ptr::write_bytes(p, 1, 64);
            a.0.dealloc(p, layout);
        }
        assert_eq!(a.0.dirty.load(SeqCst), 1);
    }
}
