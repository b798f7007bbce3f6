//! A bare-metal entry point over snapsign-core: sign a token request and verify it, with a
//! static heap. Used only to prove (and size) the `no_std` build.
#![no_std]

extern crate alloc;

use core::alloc::{GlobalAlloc, Layout};
use core::cell::UnsafeCell;
use core::sync::atomic::{AtomicUsize, Ordering};

use snapsign_core::rng::{EntropyError, FillRng};
use snapsign_core::{HmacSigner, KeyOptions, RsaSigner};

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    loop {}
}

const ARENA_SIZE: usize = 256 * 1024;

/// A bump allocator over a static arena; memory is reclaimed only when the arena empties.
struct Arena {
    memory: UnsafeCell<[u8; ARENA_SIZE]>,
    next: AtomicUsize,
    live: AtomicUsize,
}

// SAFETY: allocation hands out disjoint ranges, claimed with an atomic compare-and-swap.
unsafe impl Sync for Arena {}

unsafe impl GlobalAlloc for Arena {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let mut start = self.next.load(Ordering::Relaxed);
        loop {
            let aligned = (start + layout.align() - 1) & !(layout.align() - 1);
            let end = match aligned.checked_add(layout.size()) {
                Some(end) if end <= ARENA_SIZE => end,
                _ => return core::ptr::null_mut(),
            };
            match self.next.compare_exchange_weak(start, end, Ordering::Relaxed, Ordering::Relaxed) {
                Ok(_) => {
                    self.live.fetch_add(1, Ordering::Relaxed);
                    // SAFETY: aligned..end lies inside the arena and was claimed by this call.
                    return unsafe { (self.memory.get() as *mut u8).add(aligned) };
                }
                Err(seen) => start = seen,
            }
        }
    }

    unsafe fn dealloc(&self, _ptr: *mut u8, _layout: Layout) {
        if self.live.fetch_sub(1, Ordering::Relaxed) == 1 {
            self.next.store(0, Ordering::Relaxed);
        }
    }
}

#[global_allocator]
static HEAP: Arena =
    Arena { memory: UnsafeCell::new([0; ARENA_SIZE]), next: AtomicUsize::new(0), live: AtomicUsize::new(0) };

extern "C" {
    /// The terminal's hardware RNG, provided by the firmware; 0 on success.
    fn terminal_fill_random(buf: *mut u8, len: usize) -> i32;
}

/// Entropy from the terminal's hardware RNG.
fn hardware_rng() -> FillRng<impl FnMut(&mut [u8]) -> Result<(), EntropyError>> {
    FillRng::new(|buf: &mut [u8]| {
        // SAFETY: buf is a valid, writable buffer of buf.len() bytes.
        match unsafe { terminal_fill_random(buf.as_mut_ptr(), buf.len()) } {
            0 => Ok(()),
            _ => Err(EntropyError),
        }
    })
}

/// Signs `clientId|timestamp` with a DER/PEM key, verifies it, and writes the base64 signature.
/// Returns its length, or -1 on any error.
///
/// # Safety
/// Each pointer must be valid for its length.
#[no_mangle]
pub unsafe extern "C" fn snapsign_nostd_token(
    key: *const u8,
    key_len: usize,
    client_id: *const u8,
    client_id_len: usize,
    timestamp: *const u8,
    timestamp_len: usize,
    out: *mut u8,
    out_cap: usize,
) -> isize {
    // SAFETY: the caller guarantees each pointer is valid for its length.
    let (key, client_id, timestamp, out) = unsafe {
        (
            core::slice::from_raw_parts(key, key_len),
            core::slice::from_raw_parts(client_id, client_id_len),
            core::slice::from_raw_parts(timestamp, timestamp_len),
            core::slice::from_raw_parts_mut(out, out_cap),
        )
    };
    let (Ok(client_id), Ok(timestamp)) = (core::str::from_utf8(client_id), core::str::from_utf8(timestamp)) else {
        return -1;
    };
    let Ok(signer) = RsaSigner::from_bytes(key, &KeyOptions::default()) else { return -1 };
    let Ok(message) = snapsign_core::string_to_sign::token(client_id, timestamp) else { return -1 };
    let Ok(n) = signer.sign_into(message.as_bytes(), &mut hardware_rng(), out) else { return -1 };
    match signer.verifier().verify(message.as_bytes(), out.get(..n).unwrap_or_default()) {
        Ok(()) => n as isize,
        Err(_) => -1,
    }
}

/// The HMAC-SHA512 transaction signature; returns its length (88) or -1.
///
/// # Safety
/// Each pointer must be valid for its length.
#[no_mangle]
pub unsafe extern "C" fn snapsign_nostd_transaction(
    secret: *const u8,
    secret_len: usize,
    message: *const u8,
    message_len: usize,
    out: *mut u8,
    out_cap: usize,
) -> isize {
    // SAFETY: the caller guarantees each pointer is valid for its length.
    let (secret, message, out) = unsafe {
        (
            core::slice::from_raw_parts(secret, secret_len),
            core::slice::from_raw_parts(message, message_len),
            core::slice::from_raw_parts_mut(out, out_cap),
        )
    };
    match HmacSigner::new(secret).and_then(|s| s.sign_into(message, out)) {
        Ok(n) => n as isize,
        Err(_) => -1,
    }
}

/// Verifies a received HMAC-signed notification (generic profile) whose headers arrive as
/// `name\0value\0` pairs, with one live token and no replay store. Returns the SNAP HTTP status
/// the request gets (200 accepted, 400/401/409 rejected), or -1 for unusable arguments.
///
/// # Safety
/// Each pointer must be valid for its length.
#[no_mangle]
pub unsafe extern "C" fn snapsign_nostd_verify_notification(
    secret: *const u8,
    secret_len: usize,
    headers: *const u8,
    headers_len: usize,
    body: *const u8,
    body_len: usize,
    now_unix_millis: i64,
) -> i32 {
    use snapsign_core::replay_guard::NoReplayGuard;
    use snapsign_core::request_verifier::{Received, RequestVerifier, TokenState};
    // SAFETY: the caller guarantees each pointer is valid for its length.
    let (secret, headers, body) = unsafe {
        (
            core::slice::from_raw_parts(secret, secret_len),
            core::slice::from_raw_parts(headers, headers_len),
            core::slice::from_raw_parts(body, body_len),
        )
    };
    let mut pairs: heapless::Vec<(&[u8], &[u8]), 16> = heapless::Vec::new();
    let mut fields = headers.split(|&b| b == 0);
    while let (Some(name), Some(value)) = (fields.next(), fields.next()) {
        if name.is_empty() || pairs.push((name, value)).is_err() {
            break;
        }
    }
    let Ok(hmac) = HmacSigner::new(secret) else { return -1 };
    let verifier = RequestVerifier::new(&snapsign_core::provider::GENERIC).with_client_secret(hmac);
    let tokens = |t: &str, _now: i64| if t == "tok" { TokenState::Live } else { TokenState::Unknown };
    let request = Received { method: "POST", target: "/v1.0/debit/notify", headers: &pairs[..], body };
    match verifier.verify(&request, now_unix_millis, 56, &tokens, &NoReplayGuard) {
        Ok(_) => 200,
        Err(rejection) => i32::from(rejection.http_status()),
    }
}
