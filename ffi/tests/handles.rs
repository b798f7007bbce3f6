//! Every handle of the C ABI through its whole life: new (and each way new is refused), use,
//! free, and free(NULL). Small enough for Miri (tests/miri/run.sh runs this file under Stacked
//! and Tree Borrows): the inputs are compiled in (`include_bytes!`, no file system), the RSA
//! private key is the 480-bit fixture (loading a 2048-bit key takes minutes under Miri), and
//! nothing needs the OS RNG (external ids are given, the token grant uses a caller RNG).

use core::ffi::{c_int, c_void};
use std::ptr;

use snapsign_ffi::c_api::*;

const PUBLIC_2048: &[u8] = include_bytes!("../../tests/vectors/keys/rsa2048-public.pem");
const WEAK_480: &[u8] = include_bytes!("../../tests/fixtures/weak480-pkcs8.pem");
const CLIENT_ID: &str = "MCPD00000006";
const TS: &str = "2020-10-04T17:55:58+07:00";
/// openssl's signature of `MCPD00000006|2020-10-04T17:55:58+07:00` (tests/vectors).
const TOKEN_SIG: &str = "2JlCK1mKDbeEMX1wtG6jJvRBn+6tvbhqVjaD+FfsGo2Db0ISlRiUbhZGpfHlhhdkAzpGyRkPf+gcq2pPHYqMXDLRyuv9anGNJXcUaWk8e1awFCGnDITdx8SJDWBaM206CuxTgexzixKHRfXNz27nOIYdDruEgyDAPjo4cm+tMOJg+o6s/s4hShnEZ6JySgxgGsunI3p1KS2qd7VZ5futmIun3awYVM+TPJA0HRKDyF1Ciczp4PYxYX5Gno4hsuuA4nVTxhvJuasLrgFfMU9+bllkqwK2KjX/vt93COeaIVEQ0ZPblasAZ7WCSyzfdj6cuzUTl3HbdJ8TBIlNO2SF8w==";

fn out_text(f: impl FnOnce(*mut u8, usize, *mut usize) -> snapsign_result) -> (snapsign_result, String) {
    let mut buf = vec![0u8; 1024];
    let mut n = 0usize;
    let rc = f(buf.as_mut_ptr(), buf.len(), &mut n);
    buf.truncate(n);
    (rc, String::from_utf8(buf).unwrap())
}

#[test]
fn hmac_handle_new_use_free() {
    let secret = b"key";
    unsafe {
        let mut h = ptr::dangling_mut::<snapsign_hmac>();
        assert_eq!(snapsign_hmac_new(secret.as_ptr(), 0, &mut h), snapsign_result::EmptyField);
        assert!(h.is_null(), "a refused new writes NULL");
        assert_eq!(snapsign_hmac_new(secret.as_ptr(), 3, ptr::null_mut()), snapsign_result::NullPointer);
        assert_eq!(snapsign_hmac_new(secret.as_ptr(), secret.len(), &mut h), snapsign_result::Ok);
        assert!(!h.is_null());

        let msg = b"The quick brown fox jumps over the lazy dog";
        // Python's hmac.new(b"key", msg, "sha512"), base64.
        let want = "tCrwkFe6weLUFwjkipAuCbX/fxKrQopP6GZTxz3SSPuC+UilSfe3kaW0GRXuTR7Dk1NX5OIxclDQNyr6Lr7rOg==";
        let (rc, sig) = out_text(|o, c, n| snapsign_hmac_sign(h, msg.as_ptr(), msg.len(), o, c, n));
        assert_eq!((rc, sig.as_str()), (snapsign_result::Ok, want));
        // A short buffer: nothing written, the length needed reported.
        let mut small = [b'Z'; 87];
        let mut n = 0usize;
        assert_eq!(
            snapsign_hmac_sign(h, msg.as_ptr(), msg.len(), small.as_mut_ptr(), small.len(), &mut n),
            snapsign_result::BufferTooSmall
        );
        assert_eq!(n, SNAPSIGN_HMAC_SIGNATURE_LEN);
        assert!(small.iter().all(|&b| b == b'Z'));
        // The output overlapping the message.
        let mut both = [b'm'; 200];
        let p = both.as_mut_ptr();
        assert_eq!(snapsign_hmac_sign(h, p, 100, p.add(50), 150, &mut n), snapsign_result::OverlappingBuffers);

        assert_eq!(snapsign_hmac_verify(h, msg.as_ptr(), msg.len(), want.as_ptr(), want.len()), snapsign_result::Ok);
        let mut bad = want.as_bytes().to_vec();
        bad[0] = b'u';
        assert_eq!(
            snapsign_hmac_verify(h, msg.as_ptr(), msg.len(), bad.as_ptr(), bad.len()),
            snapsign_result::SignatureMismatch
        );
        assert_eq!(snapsign_hmac_verify(h, msg.as_ptr(), msg.len(), want.as_ptr(), 10), snapsign_result::InvalidBase64);
        snapsign_hmac_free(h);
        snapsign_hmac_free(ptr::null_mut());
    }
}

#[test]
fn verifier_handle_new_use_free() {
    unsafe {
        let mut v = ptr::dangling_mut::<snapsign_verifier>();
        assert_eq!(snapsign_verifier_new(b"junk".as_ptr(), 4, 0, &mut v), snapsign_result::KeyMalformed);
        assert!(v.is_null());
        assert_eq!(
            snapsign_verifier_new(PUBLIC_2048.as_ptr(), PUBLIC_2048.len(), 8, &mut v),
            snapsign_result::InvalidArgument
        );
        assert_eq!(snapsign_verifier_new(PUBLIC_2048.as_ptr(), PUBLIC_2048.len(), 0, &mut v), snapsign_result::Ok);
        assert_eq!(snapsign_verifier_signature_len(v), 344);
        let (c, t, s) = (CLIENT_ID.as_bytes(), TS.as_bytes(), TOKEN_SIG.as_bytes());
        // Length and base64 are checked before any arithmetic.
        assert_eq!(
            snapsign_verifier_verify_token(v, c.as_ptr(), c.len(), t.as_ptr(), t.len(), s.as_ptr(), s.len() - 4),
            snapsign_result::SignatureLength
        );
        assert_eq!(
            snapsign_verifier_verify_token(v, c.as_ptr(), c.len(), t.as_ptr(), t.len(), ptr::null(), 4),
            snapsign_result::NullPointer
        );
        // One public-key operation each (e = 65537: 17 multiplications).
        assert_eq!(
            snapsign_verifier_verify_token(v, c.as_ptr(), c.len(), t.as_ptr(), t.len(), s.as_ptr(), s.len()),
            snapsign_result::Ok
        );
        let other = b"MCPD00000007";
        assert_eq!(
            snapsign_verifier_verify_token(v, other.as_ptr(), other.len(), t.as_ptr(), t.len(), s.as_ptr(), s.len()),
            snapsign_result::SignatureMismatch
        );
        snapsign_verifier_free(v);
        snapsign_verifier_free(ptr::null_mut());
        assert_eq!(snapsign_verifier_signature_len(ptr::null()), 0);
    }
}

#[test]
fn signer_handle_new_use_free() {
    unsafe {
        let mut s = ptr::dangling_mut::<snapsign_signer>();
        // Weak keys are refused unless allowed.
        assert_eq!(
            snapsign_signer_new(WEAK_480.as_ptr(), WEAK_480.len(), ptr::null(), 0, 0, &mut s),
            snapsign_result::WeakKey
        );
        assert!(s.is_null());
        assert_eq!(
            snapsign_signer_new(WEAK_480.as_ptr(), WEAK_480.len(), ptr::null(), 0, SNAPSIGN_KEY_ALLOW_WEAK, &mut s),
            snapsign_result::Ok
        );
        assert_eq!(snapsign_signer_signature_len(s), 80);
        let (c, t) = (CLIENT_ID.as_bytes(), TS.as_bytes());
        // 480 bits cannot hold a SHA-256 DigestInfo: refused before any private-key operation.
        let (rc, sig) =
            out_text(|o, cap, n| snapsign_signer_sign_token(s, c.as_ptr(), c.len(), t.as_ptr(), t.len(), o, cap, n));
        assert_eq!((rc, sig.as_str()), (snapsign_result::Crypto, ""));
        // Input errors come before the buffer and the key.
        let bad = b"a|b";
        let (rc, _) = out_text(|o, cap, n| {
            snapsign_signer_sign_token(s, bad.as_ptr(), bad.len(), t.as_ptr(), t.len(), o, cap, n)
        });
        assert_eq!(rc, snapsign_result::PipeInClientId);
        assert_eq!(snapsign_last_error_offset(), 1);

        // The signer's verifier is a handle of its own, alive after the signer is freed.
        let mut v = ptr::null_mut();
        assert_eq!(snapsign_signer_verifier(s, &mut v), snapsign_result::Ok);
        snapsign_signer_free(s);
        assert_eq!(snapsign_verifier_signature_len(v), 80);
        snapsign_verifier_free(v);
        snapsign_signer_free(ptr::null_mut());
        assert_eq!(snapsign_signer_verifier(ptr::null(), &mut v), snapsign_result::NullPointer);
    }
}

#[test]
fn token_response_handle_new_use_free() {
    let json = br#"{"responseCode":"2007300","responseMessage":"Successful","accessToken":"tok","tokenType":"Bearer","expiresIn":"900"}"#;
    unsafe {
        let mut r = ptr::dangling_mut::<snapsign_token_response>();
        assert_eq!(snapsign_token_response_parse(json.as_ptr(), json.len() - 1, &mut r), snapsign_result::InvalidJson);
        assert!(r.is_null());
        assert_eq!(snapsign_token_response_parse(b"[]".as_ptr(), 2, &mut r), snapsign_result::InvalidResponse);
        assert!(r.is_null());
        assert_eq!(snapsign_token_response_parse(json.as_ptr(), json.len(), &mut r), snapsign_result::Ok);
        let (mut status, mut service, mut case) = (0u16, 0u8, 0u8);
        assert_eq!(snapsign_token_response_code(r, &mut status, &mut service, &mut case), snapsign_result::Ok);
        assert_eq!((status, service, case), (200, 73, 0));
        let (mut has, mut secs) = (0, 0u64);
        assert_eq!(snapsign_token_response_expires_in(r, &mut has, &mut secs), snapsign_result::Ok);
        assert_eq!((has, secs), (1, 900));
        let (rc, token) = out_text(|o, c, n| snapsign_token_response_access_token(r, o, c, n));
        assert_eq!((rc, token.as_str()), (snapsign_result::Ok, "tok"));
        let mut two = [0u8; 2];
        let mut n = 0;
        assert_eq!(
            snapsign_token_response_access_token(r, two.as_mut_ptr(), 2, &mut n),
            snapsign_result::BufferTooSmall
        );
        assert_eq!(n, 3);
        snapsign_token_response_free(r);
        snapsign_token_response_free(ptr::null_mut());
    }
}

// ------------------------------------------------- request signer, headers, verifier, guards

const BODY: &str = r#"{ "amount": { "value": "10000.00", "currency": "IDR" } }"#;
const TARGET: &str = "/openapi/v1.0/x?b=2&a=%7e1";
const WIB_TS: &str = "2020-01-01T04:10:00+07:00";
const WIB_MILLIS: i64 = 1_577_826_600_000;
const SECRET: &str = "a-client-secret";
const TOKEN: &str = "eyJ0b2tlbiJ9";
/// `snapsign request --provider bca ...` (ffi/tests/c_api.rs has the whole command).
const BCA_SIGNATURE: &str = "IFHDSLNnlnerJWnY4hdicyB8HIzMqdBVHSuppyDvcnvA2LVf1nl4V++saXBk+I3rR/p4BpCNJSd5H3D5H7WXeA==";

fn field(s: &str) -> (*const u8, usize) {
    (s.as_ptr(), s.len())
}

fn bca_call() -> snapsign_call {
    let mut c: snapsign_call = unsafe { core::mem::zeroed() };
    (c.method, c.method_len) = field("POST");
    (c.target, c.target_len) = field(TARGET);
    (c.body, c.body_len) = field(BODY);
    (c.partner_id, c.partner_id_len) = field("PARTNER01");
    (c.access_token, c.access_token_len) = field(TOKEN);
    (c.external_id, c.external_id_len) = field("12345678901234567890");
    c
}

/// The signed headers, read back through the headers handle.
fn signed_headers() -> Vec<(String, String)> {
    unsafe {
        let mut s = ptr::dangling_mut::<snapsign_request_signer>();
        let nope = "no-such-bank";
        assert_eq!(
            snapsign_request_signer_new_hmac(nope.as_ptr(), nope.len(), SECRET.as_ptr(), SECRET.len(), &mut s),
            snapsign_result::InvalidArgument
        );
        assert!(s.is_null());
        let bca = "bca";
        assert_eq!(
            snapsign_request_signer_new_hmac(bca.as_ptr(), bca.len(), SECRET.as_ptr(), SECRET.len(), &mut s),
            snapsign_result::Ok
        );
        let call = bca_call();
        let mut h = ptr::dangling_mut::<snapsign_request_headers>();
        let mut no_partner = call;
        no_partner.partner_id = ptr::null();
        no_partner.partner_id_len = 0;
        assert_ne!(
            snapsign_request_signer_sign(s, &no_partner, 0, WIB_TS.as_ptr(), WIB_TS.len(), &mut h),
            snapsign_result::Ok
        );
        assert!(h.is_null());
        assert_eq!(
            snapsign_request_signer_sign(s, &call, 0, WIB_TS.as_ptr(), WIB_TS.len(), &mut h),
            snapsign_result::Ok
        );
        snapsign_request_signer_free(s);
        snapsign_request_signer_free(ptr::null_mut());

        // The headers outlive their signer.
        let list: Vec<(String, String)> = (0..snapsign_request_headers_count(h))
            .map(|i| {
                let (rc, name) = out_text(|o, c, n| snapsign_request_headers_name(h, i, o, c, n));
                assert_eq!(rc, snapsign_result::Ok);
                let (rc, value) = out_text(|o, c, n| snapsign_request_headers_value(h, i, o, c, n));
                assert_eq!(rc, snapsign_result::Ok);
                (name, value)
            })
            .collect();
        let (rc, sig) = out_text(|o, c, n| snapsign_request_headers_signature(h, o, c, n));
        assert_eq!((rc, sig.as_str()), (snapsign_result::Ok, BCA_SIGNATURE));
        let (rc, _) = out_text(|o, c, n| snapsign_request_headers_name(h, 99, o, c, n));
        assert_eq!(rc, snapsign_result::InvalidArgument);
        snapsign_request_headers_free(h);
        snapsign_request_headers_free(ptr::null_mut());
        list
    }
}

unsafe extern "C" fn lookup(
    userdata: *mut c_void,
    name: *const u8,
    name_len: usize,
    value: *mut *const u8,
    value_len: *mut usize,
) -> c_int {
    let headers = unsafe { &*userdata.cast::<Vec<(String, String)>>() };
    let name = unsafe { std::slice::from_raw_parts(name, name_len) };
    match headers.iter().find(|(n, _)| n.as_bytes().eq_ignore_ascii_case(name)) {
        Some((_, v)) => {
            unsafe {
                *value = v.as_ptr();
                *value_len = v.len();
            }
            1
        }
        None => 0,
    }
}

unsafe extern "C" fn live(_userdata: *mut c_void, token: *const u8, token_len: usize, _now: i64) -> u32 {
    let token = unsafe { std::slice::from_raw_parts(token, token_len) };
    if token == TOKEN.as_bytes() {
        SNAPSIGN_TOKEN_STATE_LIVE
    } else {
        SNAPSIGN_TOKEN_STATE_UNKNOWN
    }
}

/// A callback guard over a Vec of storage keys.
unsafe extern "C" fn remember(userdata: *mut c_void, key: *const snapsign_replay_key) -> c_int {
    let seen = unsafe { &mut *userdata.cast::<Vec<String>>() };
    let key = unsafe { &*key };
    let storage = unsafe { std::slice::from_raw_parts(key.storage_key, key.storage_key_len) };
    let storage = String::from_utf8(storage.to_vec()).unwrap();
    if seen.contains(&storage) {
        SNAPSIGN_REPLAY_SEEN
    } else {
        seen.push(storage);
        SNAPSIGN_REPLAY_FRESH
    }
}

unsafe fn verify(
    v: *const snapsign_request_verifier,
    headers: &Vec<(String, String)>,
    guard: *const snapsign_replay_guard,
) -> (snapsign_result, snapsign_verification) {
    let mut out: snapsign_verification = unsafe { core::mem::zeroed() };
    let rc = unsafe {
        snapsign_verify_request(
            v,
            "POST".as_ptr(),
            4,
            TARGET.as_ptr(),
            TARGET.len(),
            Some(lookup),
            ptr::from_ref(headers).cast_mut().cast(),
            BODY.as_ptr(),
            BODY.len(),
            WIB_MILLIS,
            0,
            Some(live),
            ptr::null_mut(),
            guard,
            &mut out,
        )
    };
    (rc, out)
}

#[test]
fn request_signer_headers_verifier_and_guards_new_use_free() {
    let headers = signed_headers();
    assert!(headers.contains(&("X-SIGNATURE".to_owned(), BCA_SIGNATURE.to_owned())));
    unsafe {
        let bca = "bca";
        let mut v = ptr::dangling_mut::<snapsign_request_verifier>();
        assert_eq!(
            snapsign_request_verifier_new(
                bca.as_ptr(),
                3,
                ptr::null(),
                0,
                0,
                SECRET.as_ptr(),
                0,
                ptr::null(),
                0,
                ptr::null(),
                0,
                900,
                &mut v
            ),
            snapsign_result::EmptyField
        );
        assert!(v.is_null());
        let partner = "PARTNER01";
        assert_eq!(
            snapsign_request_verifier_new(
                bca.as_ptr(),
                3,
                ptr::null(),
                0,
                0,
                SECRET.as_ptr(),
                SECRET.len(),
                ptr::null(),
                0,
                partner.as_ptr(),
                partner.len(),
                SNAPSIGN_DEFAULT_MAX_SKEW_SECONDS,
                &mut v
            ),
            snapsign_result::Ok
        );

        // The memory guard: accepted once, then replayed.
        let mut g = ptr::dangling_mut::<snapsign_replay_guard>();
        assert_eq!(snapsign_memory_replay_guard_new(16, &mut g), snapsign_result::Ok);
        let (rc, out) = verify(v, &headers, g);
        assert_eq!((rc, out.accepted, out.reason), (snapsign_result::Ok, 1, snapsign_reason::None));
        let id = std::slice::from_raw_parts(out.external_id, out.external_id_len);
        assert_eq!(id, b"12345678901234567890", "the accepted id points into the header value");
        let (rc, out) = verify(v, &headers, g);
        assert_eq!(
            (rc, out.accepted, out.reason, out.http_status),
            (snapsign_result::Ok, 0, snapsign_reason::Replayed, 409)
        );
        snapsign_replay_guard_free(g);

        // The callback guard, with the application's store.
        let mut seen: Vec<String> = Vec::new();
        assert_eq!(snapsign_replay_guard_new_callback(None, ptr::null_mut(), &mut g), snapsign_result::NullPointer);
        assert!(g.is_null());
        assert_eq!(
            snapsign_replay_guard_new_callback(Some(remember), ptr::from_mut(&mut seen).cast(), &mut g),
            snapsign_result::Ok
        );
        let (_, out) = verify(v, &headers, g);
        assert_eq!((out.accepted, out.reason), (1, snapsign_reason::None));
        // A changed signature is rejected before the guard is asked.
        let mut forged = headers.clone();
        for (n, value) in &mut forged {
            if n == "X-SIGNATURE" {
                *value = value.replacen('I', "J", 1);
            }
        }
        let (_, out) = verify(v, &forged, g);
        assert_eq!((out.accepted, out.reason), (0, snapsign_reason::WrongSignature));
        let (_, out) = verify(v, &headers, g);
        assert_eq!((out.accepted, out.reason), (0, snapsign_reason::Replayed));
        snapsign_replay_guard_free(g);
        assert_eq!(seen.len(), 1);
        assert!(seen[0].ends_with(":9:PARTNER01:12345678901234567890"), "{}", seen[0]);

        // NULL handles are refused, not dereferenced.
        let (rc, _) = verify(v, &headers, ptr::null());
        assert_eq!(rc, snapsign_result::NullPointer);
        snapsign_request_verifier_free(v);
        snapsign_request_verifier_free(ptr::null_mut());
        snapsign_replay_guard_free(ptr::null_mut());
    }
}

unsafe extern "C" fn counting(userdata: *mut c_void, buf: *mut u8, len: usize) -> c_int {
    let next = unsafe { &mut *userdata.cast::<u8>() };
    for i in 0..len {
        unsafe { *buf.add(i) = *next };
        *next = next.wrapping_add(1);
    }
    0
}

#[test]
fn a_token_grant_with_a_caller_rng() {
    let mut next = 0u8;
    let (bca, client) = ("bca", "C1");
    let mut body = [0u8; 512];
    let mut token = [0u8; 64];
    let mut ts = [0u8; 32];
    let (mut bl, mut tl, mut sl) = (0usize, 0usize, 0usize);
    let rc = unsafe {
        snapsign_token_grant_issue_with_rng(
            bca.as_ptr(),
            3,
            73,
            client.as_ptr(),
            2,
            WIB_MILLIS,
            900,
            Some(counting),
            ptr::from_mut(&mut next).cast(),
            body.as_mut_ptr(),
            body.len(),
            &mut bl,
            token.as_mut_ptr(),
            token.len(),
            &mut tl,
            ts.as_mut_ptr(),
            ts.len(),
            &mut sl,
        )
    };
    assert_eq!(rc, snapsign_result::Ok);
    assert_eq!(tl, SNAPSIGN_ISSUED_TOKEN_LEN);
    assert!(next > 0, "the caller's RNG was used");
    let token = std::str::from_utf8(&token[..tl]).unwrap();
    let body = std::str::from_utf8(&body[..bl]).unwrap();
    assert!(body.contains(&format!("\"accessToken\":\"{token}\"")), "{body}");
    assert_eq!(std::str::from_utf8(&ts[..sl]).unwrap(), WIB_TS);
}

#[test]
fn a_panic_is_caught_at_the_boundary_and_the_next_call_works() {
    assert_eq!(catch_panic_for_tests(|| panic!("boom")), snapsign_result::InternalPanic);
    assert_eq!(snapsign_internal_test_panic(), snapsign_result::InternalPanic);
    let (rc, digest) = out_text(|o, c, n| unsafe { snapsign_body_digest(b"{}".as_ptr(), 2, o, c, n) });
    assert_eq!(rc, snapsign_result::Ok);
    assert_eq!(digest, "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
}
