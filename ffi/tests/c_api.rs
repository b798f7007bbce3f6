//! The C ABI's wrapper behaviour, called from Rust exactly as C would call it.

use std::path::PathBuf;
use std::ptr;

use snapsign_ffi::c_api::*;

fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors")
}

fn key(name: &str) -> Vec<u8> {
    std::fs::read(vectors_dir().join("keys").join(name)).unwrap()
}

const CLIENT_ID: &str = "MCPD00000006";
const TS: &str = "2020-10-04T17:55:58+07:00";
const TOKEN_SIG: &str = "2JlCK1mKDbeEMX1wtG6jJvRBn+6tvbhqVjaD+FfsGo2Db0ISlRiUbhZGpfHlhhdkAzpGyRkPf+gcq2pPHYqMXDLRyuv9anGNJXcUaWk8e1awFCGnDITdx8SJDWBaM206CuxTgexzixKHRfXNz27nOIYdDruEgyDAPjo4cm+tMOJg+o6s/s4hShnEZ6JySgxgGsunI3p1KS2qd7VZ5futmIun3awYVM+TPJA0HRKDyF1Ciczp4PYxYX5Gno4hsuuA4nVTxhvJuasLrgFfMU9+bllkqwK2KjX/vt93COeaIVEQ0ZPblasAZ7WCSyzfdj6cuzUTl3HbdJ8TBIlNO2SF8w==";

struct Signer(*mut snapsign_signer);
// SAFETY: the C ABI documents signers as immutable and shareable across threads.
unsafe impl Send for Signer {}
unsafe impl Sync for Signer {}

fn signer() -> Signer {
    let k = key("rsa2048-pkcs8.pem");
    let mut out = ptr::null_mut();
    let rc = unsafe { snapsign_signer_new(k.as_ptr(), k.len(), ptr::null(), 0, 0, &mut out) };
    assert_eq!(rc, snapsign_result::Ok);
    Signer(out)
}

impl Drop for Signer {
    fn drop(&mut self) {
        unsafe { snapsign_signer_free(self.0) };
    }
}

fn sign_token(s: &Signer, client_id: &str) -> (snapsign_result, String) {
    let mut buf = vec![0u8; 512];
    let mut n = 0usize;
    let rc = unsafe {
        snapsign_signer_sign_token(
            s.0,
            client_id.as_ptr(),
            client_id.len(),
            TS.as_ptr(),
            TS.len(),
            buf.as_mut_ptr(),
            buf.len(),
            &mut n,
        )
    };
    buf.truncate(n);
    (rc, String::from_utf8(buf).unwrap())
}

#[test]
fn a_panic_becomes_internal_panic() {
    assert_eq!(catch_panic_for_tests(|| panic!("boom")), snapsign_result::InternalPanic);
    assert_eq!(catch_panic_for_tests(|| {}), snapsign_result::Ok);
    assert_eq!(snapsign_internal_test_panic(), snapsign_result::InternalPanic);
    // The library still works afterwards, on the same thread.
    assert_eq!(sign_token(&signer(), CLIENT_ID), (snapsign_result::Ok, TOKEN_SIG.to_string()));
}

#[test]
fn result_codes_are_fixed() {
    use snapsign_result as R;
    let fixed = [
        (R::Ok, 0),
        (R::BufferTooSmall, 1),
        (R::InvalidJson, 2),
        (R::InvalidTimestamp, 3),
        (R::TimestampOutOfRange, 4),
        (R::TimestampSkew, 5),
        (R::EmptyField, 6),
        (R::FieldTooLong, 7),
        (R::ControlCharacter, 8),
        (R::InvalidUtf8, 9),
        (R::PipeInClientId, 10),
        (R::InvalidMethod, 11),
        (R::AbsoluteUrl, 12),
        (R::PathWithoutLeadingSlash, 13),
        (R::BearerPrefix, 14),
        (R::InvalidBase64, 15),
        (R::KeyMalformed, 16),
        (R::KeyIsPublic, 17),
        (R::KeyIsCertificate, 18),
        (R::KeyEncrypted, 19),
        (R::KeyWrongPassphrase, 20),
        (R::KeyUnsupported, 21),
        (R::WeakKey, 22),
        (R::SignatureLength, 23),
        (R::SignatureMismatch, 24),
        (R::Rng, 25),
        (R::Crypto, 26),
        (R::InvalidResponse, 27),
        (R::NullPointer, 100),
        (R::OverlappingBuffers, 101),
        (R::InvalidArgument, 102),
        (R::InternalPanic, 103),
        (R::Unknown, 104),
    ];
    assert_eq!(fixed.len(), snapsign_result::all().len());
    for (code, value) in fixed {
        assert_eq!(code as u32, value);
        assert_eq!(snapsign_result::from_u32(value), Some(code));
        let text = unsafe { std::ffi::CStr::from_ptr(snapsign_result_str(value)) };
        assert!(!text.to_bytes().is_empty());
    }
}

#[test]
fn null_pointers_and_empty_inputs() {
    let mut buf = [0u8; 128];
    let mut n = 0usize;
    unsafe {
        assert_eq!(snapsign_minify(ptr::null(), 3, buf.as_mut_ptr(), buf.len(), &mut n), snapsign_result::NullPointer);
        assert_eq!(
            snapsign_minify(b"[]".as_ptr(), 2, buf.as_mut_ptr(), buf.len(), ptr::null_mut()),
            snapsign_result::NullPointer
        );
        assert_eq!(snapsign_minify(b"[]".as_ptr(), 2, ptr::null_mut(), 5, &mut n), snapsign_result::NullPointer);
        // NULL with length 0 is an empty body.
        assert_eq!(snapsign_minify(ptr::null(), 0, ptr::null_mut(), 0, &mut n), snapsign_result::Ok);
        assert_eq!(n, 0);
        assert_eq!(snapsign_body_digest(ptr::null(), 0, buf.as_mut_ptr(), buf.len(), &mut n), snapsign_result::Ok);
        assert_eq!(&buf[..n], b"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        let mut h: *mut snapsign_hmac = ptr::NonNull::dangling().as_ptr();
        assert_eq!(snapsign_hmac_new(ptr::null(), 4, &mut h), snapsign_result::NullPointer);
        assert!(h.is_null());
        assert_eq!(
            snapsign_signer_sign(ptr::null(), b"x".as_ptr(), 1, buf.as_mut_ptr(), buf.len(), &mut n),
            snapsign_result::NullPointer
        );
        assert_eq!(snapsign_signer_signature_len(ptr::null()), 0);
        snapsign_signer_free(ptr::null_mut());
        snapsign_verifier_free(ptr::null_mut());
        snapsign_hmac_free(ptr::null_mut());
    }
}

#[test]
fn overlapping_buffers_are_refused() {
    let mut buf = *b"[1, 2]\0\0\0\0\0\0\0\0\0\0\0\0\0\0";
    let mut n = 0usize;
    let p = buf.as_mut_ptr();
    unsafe {
        assert_eq!(snapsign_minify(p, 6, p, 20, &mut n), snapsign_result::OverlappingBuffers);
        assert_eq!(snapsign_minify(p, 6, p.add(5), 10, &mut n), snapsign_result::OverlappingBuffers);
        assert_eq!(snapsign_minify(p, 6, p.add(6), 10, &mut n), snapsign_result::Ok);
        assert_eq!(&buf[6..6 + n], b"[1,2]");
        // out_len inside the input counts too.
        let mut words = [0usize; 4];
        let wp = words.as_mut_ptr();
        let mut out = [0u8; 8];
        assert_eq!(
            snapsign_minify(wp.cast::<u8>(), 16, out.as_mut_ptr(), out.len(), wp.add(1)),
            snapsign_result::OverlappingBuffers
        );
    }
}

#[test]
fn buffer_too_small_writes_nothing_and_reports_the_length() {
    let s = signer();
    let mut buf = [b'Z'; 100];
    let mut n = 0usize;
    let rc = unsafe {
        snapsign_signer_sign_token(
            s.0,
            CLIENT_ID.as_ptr(),
            CLIENT_ID.len(),
            TS.as_ptr(),
            TS.len(),
            buf.as_mut_ptr(),
            buf.len(),
            &mut n,
        )
    };
    assert_eq!(rc, snapsign_result::BufferTooSmall);
    assert_eq!(n, 344);
    assert!(buf.iter().all(|&b| b == b'Z'));
    let rc = unsafe { snapsign_minify(b"[1, 2]".as_ptr(), 6, buf.as_mut_ptr(), 4, &mut n) };
    assert_eq!((rc, n), (snapsign_result::BufferTooSmall, 5));
    assert!(buf.iter().all(|&b| b == b'Z'));
}

#[test]
fn invalid_utf8_and_error_details() {
    let mut buf = [0u8; 128];
    let mut n = 0usize;
    let bad = b"MC\xffPD";
    let rc = unsafe {
        snapsign_string_to_sign_token(
            bad.as_ptr(),
            bad.len(),
            TS.as_ptr(),
            TS.len(),
            buf.as_mut_ptr(),
            buf.len(),
            &mut n,
        )
    };
    assert_eq!(rc, snapsign_result::InvalidUtf8);
    assert_eq!(snapsign_last_error_offset(), 2);
    let rc = unsafe { snapsign_last_error_message(buf.as_mut_ptr(), buf.len(), &mut n) };
    assert_eq!(rc, snapsign_result::Ok);
    assert_eq!(std::str::from_utf8(&buf[..n]).unwrap(), "client id (X-CLIENT-KEY) is not valid UTF-8 (byte 2)");
    assert_eq!(snapsign_last_error_offset(), 2, "reading the message keeps the detail");
    let rc = unsafe { snapsign_minify(b"[]".as_ptr(), 2, buf.as_mut_ptr(), buf.len(), &mut n) };
    assert_eq!(rc, snapsign_result::Ok);
    assert_eq!(snapsign_last_error_offset(), SNAPSIGN_NO_OFFSET);
}

#[test]
fn one_signer_many_threads() {
    let s = signer();
    std::thread::scope(|scope| {
        for t in 0..4 {
            let s = &s;
            scope.spawn(move || {
                for _ in 0..3 {
                    assert_eq!(sign_token(s, CLIENT_ID), (snapsign_result::Ok, TOKEN_SIG.to_string()));
                    // Per-thread error details do not leak between threads.
                    let (rc, _) = sign_token(s, "a|b");
                    assert_eq!(rc, snapsign_result::PipeInClientId);
                    assert_eq!(snapsign_last_error_offset(), 1, "thread {t}");
                }
            });
        }
    });
}

unsafe extern "C" fn failing_fill(_userdata: *mut core::ffi::c_void, _buf: *mut u8, _len: usize) -> core::ffi::c_int {
    -1
}

#[test]
fn a_failing_entropy_callback_is_an_rng_error() {
    let k = key("rsa2048-pkcs8.pem");
    let mut out = ptr::null_mut();
    let rc = unsafe {
        snapsign_signer_new_with_rng(
            k.as_ptr(),
            k.len(),
            ptr::null(),
            0,
            0,
            Some(failing_fill),
            ptr::null_mut(),
            &mut out,
        )
    };
    assert_eq!(rc, snapsign_result::Ok);
    let s = Signer(out);
    assert_eq!(sign_token(&s, CLIENT_ID).0, snapsign_result::Rng);
}

#[test]
fn every_core_error_has_its_own_code_and_unknown_is_never_returned() {
    use snapsign_core::{Error, Field, JsonErrorKind, KeyErrorKind, ResponseErrorKind, TimestampErrorKind};
    use snapsign_result as R;
    let field = Field::ClientId;
    let mut errors = vec![
        Error::BufferTooSmall { needed: 1 },
        Error::InvalidJson { offset: 0, kind: JsonErrorKind::UnexpectedByte },
        Error::InvalidTimestamp { offset: 0, kind: TimestampErrorKind::Syntax },
        Error::TimestampOutOfRange,
        Error::TimestampSkew { skew_seconds: 1, allowed_seconds: 0 },
        Error::EmptyField { field },
        Error::FieldTooLong { field, max: 1 },
        Error::ControlCharacter { field, offset: 0 },
        Error::InvalidUtf8 { field, offset: 0 },
        Error::PipeInClientId { offset: 0 },
        Error::InvalidMethod,
        Error::AbsoluteUrl,
        Error::PathWithoutLeadingSlash,
        Error::BearerPrefix,
        Error::InvalidBase64 { field },
        Error::WeakKey { bits: 1024 },
        Error::SignatureLength { expected: 256, actual: 3 },
        Error::SignatureMismatch,
        Error::Rng,
        Error::Crypto,
    ];
    errors.extend(
        [
            KeyErrorKind::Malformed,
            KeyErrorKind::PublicKeyGiven,
            KeyErrorKind::CertificateGiven,
            KeyErrorKind::Encrypted,
            KeyErrorKind::WrongPassphrase,
            KeyErrorKind::Unsupported,
        ]
        .map(|kind| Error::InvalidKey { kind }),
    );
    errors.extend(
        [
            ResponseErrorKind::NotAnObject,
            ResponseErrorKind::MissingResponseCode,
            ResponseErrorKind::BadResponseCode,
            ResponseErrorKind::MissingAccessToken,
            ResponseErrorKind::WrongType,
            ResponseErrorKind::FieldTooLong,
            ResponseErrorKind::BadExpiresIn,
        ]
        .map(|kind| Error::InvalidResponse { kind }),
    );
    let mut codes: Vec<u32> = errors.iter().map(|e| snapsign_result::from_error(e) as u32).collect();
    codes.sort_unstable();
    codes.dedup();
    // Codes 1-99 mirror the core's errors: each is produced by some error, and none maps to
    // UNKNOWN (the header says this version never returns it).
    let core_codes: Vec<u32> =
        snapsign_result::all().iter().map(|r| *r as u32).filter(|c| (1..100).contains(c)).collect();
    assert_eq!(codes, core_codes);
    assert!(!codes.contains(&(R::Unknown as u32)));
}

fn out_text(f: impl FnOnce(*mut u8, usize, *mut usize) -> snapsign_result) -> (snapsign_result, String) {
    let mut buf = vec![0u8; 4096];
    let mut n = 0usize;
    let rc = f(buf.as_mut_ptr(), buf.len(), &mut n);
    buf.truncate(n);
    (rc, String::from_utf8(buf).unwrap())
}

#[test]
fn access_token_bodies_ids_and_responses() {
    let b2b = unsafe { std::ffi::CStr::from_ptr(snapsign_b2b_request_body()) };
    assert_eq!(b2b.to_str().unwrap(), snapsign_core::access_token::B2B_REQUEST_BODY);
    let code = "a\"b";
    let (rc, body) = out_text(|o, c, n| unsafe {
        snapsign_b2b2c_request_body(SNAPSIGN_GRANT_AUTHORIZATION_CODE, code.as_ptr(), code.len(), o, c, n)
    });
    assert_eq!(rc, snapsign_result::Ok);
    assert_eq!(body, r#"{"grantType":"AUTHORIZATION_CODE","authCode":"a\"b"}"#);
    let (rc, id) = out_text(|o, c, n| unsafe { snapsign_external_id(20, o, c, n) });
    assert_eq!(rc, snapsign_result::Ok);
    assert!(id.len() == 20 && id.bytes().all(|b| b.is_ascii_digit()));

    let json = br#"{"responseCode":"2007300","accessToken":"tok","expiresIn":"60"}"#;
    let mut r = ptr::null_mut();
    let rc = unsafe { snapsign_token_response_parse(json.as_ptr(), json.len(), &mut r) };
    assert_eq!(rc, snapsign_result::Ok);
    let (mut status, mut service, mut case) = (0u16, 0u8, 0u8);
    let (mut has, mut secs) = (0, 0u64);
    unsafe {
        assert_eq!(snapsign_token_response_code(r, &mut status, &mut service, &mut case), snapsign_result::Ok);
        assert_eq!(snapsign_token_response_expires_in(r, &mut has, &mut secs), snapsign_result::Ok);
        assert_eq!(snapsign_token_response_is_success(r), 1);
    }
    assert_eq!((status, service, case, has, secs), (200, 73, 0, 1, 60));
    let (rc, token) = out_text(|o, c, n| unsafe { snapsign_token_response_access_token(r, o, c, n) });
    assert_eq!((rc, token.as_str()), (snapsign_result::Ok, "tok"));
    unsafe { snapsign_token_response_free(r) };

    let mut r = ptr::dangling_mut::<snapsign_token_response>();
    let rc = unsafe { snapsign_token_response_parse(b"[]".as_ptr(), 2, &mut r) };
    assert_eq!((rc, r.is_null()), (snapsign_result::InvalidResponse, true));
}

#[test]
fn a_key_too_small_for_a_sha256_signature_is_a_crypto_error() {
    let k = std::fs::read(vectors_dir().join("../fixtures/weak480-pkcs8.pem")).unwrap();
    let mut out = ptr::null_mut();
    let rc = unsafe { snapsign_signer_new(k.as_ptr(), k.len(), ptr::null(), 0, SNAPSIGN_KEY_ALLOW_WEAK, &mut out) };
    assert_eq!(rc, snapsign_result::Ok);
    let s = Signer(out);
    assert_eq!(sign_token(&s, CLIENT_ID), (snapsign_result::Crypto, String::new()));
}

fn last_message() -> String {
    let mut buf = vec![0u8; 512];
    let mut n = 0usize;
    assert_eq!(unsafe { snapsign_last_error_message(buf.as_mut_ptr(), buf.len(), &mut n) }, snapsign_result::Ok);
    buf.truncate(n);
    String::from_utf8(buf).unwrap()
}

#[test]
fn argument_errors_name_the_argument_and_the_problem() {
    let mut buf = [0u8; 128];
    let mut n = 0usize;
    unsafe {
        assert_eq!(snapsign_minify(ptr::null(), 3, buf.as_mut_ptr(), buf.len(), &mut n), snapsign_result::NullPointer);
        assert_eq!(
            last_message(),
            "NULL pointer with a non-zero length or for a required argument: body is NULL but body_len is not 0"
        );
        // A length past the end of the address space is not a NULL pointer.
        let body = b"[]";
        assert_eq!(
            snapsign_minify(body.as_ptr(), usize::MAX, buf.as_mut_ptr(), buf.len(), &mut n),
            snapsign_result::InvalidArgument
        );
        assert!(last_message().ends_with(": body_len goes beyond the end of the address space"), "{}", last_message());
        assert_eq!(
            snapsign_minify(body.as_ptr(), 2, buf.as_mut_ptr(), usize::MAX, &mut n),
            snapsign_result::InvalidArgument
        );
        assert!(last_message().ends_with(": out_cap goes beyond the end of the address space"), "{}", last_message());
        assert_eq!(
            snapsign_minify(body.as_ptr(), 2, buf.as_mut_ptr(), buf.len(), ptr::null_mut()),
            snapsign_result::NullPointer
        );
        assert!(last_message().ends_with(": out_len is NULL"), "{}", last_message());
        // In-place output names both buffers.
        let mut inplace = *b"[1, 2]";
        assert_eq!(
            snapsign_minify(inplace.as_ptr(), inplace.len(), inplace.as_mut_ptr(), inplace.len(), &mut n),
            snapsign_result::OverlappingBuffers
        );
        assert!(last_message().ends_with(": out overlaps body"), "{}", last_message());
        let mut ts = 0i64;
        assert_eq!(
            snapsign_timestamp_format(0, 0, 8, buf.as_mut_ptr(), buf.len(), &mut n),
            snapsign_result::InvalidArgument
        );
        assert!(last_message().ends_with(": flags has bits this version does not define"), "{}", last_message());
        let misaligned = (&mut ts as *mut i64).cast::<u8>().wrapping_add(1).cast::<i64>();
        let text = b"2020-01-01T00:00:00Z";
        assert_eq!(
            snapsign_timestamp_parse(text.as_ptr(), text.len(), misaligned, ptr::null_mut()),
            snapsign_result::InvalidArgument
        );
        assert!(last_message().ends_with(": unix_millis is not aligned for its type"), "{}", last_message());
        assert_eq!(
            snapsign_hmac_sign(ptr::null(), text.as_ptr(), text.len(), buf.as_mut_ptr(), buf.len(), &mut n),
            snapsign_result::NullPointer
        );
        assert!(last_message().ends_with(": hmac is NULL"), "{}", last_message());
        assert_eq!(
            snapsign_b2b2c_request_body(9, text.as_ptr(), 1, buf.as_mut_ptr(), buf.len(), &mut n),
            snapsign_result::InvalidArgument
        );
        assert!(last_message().ends_with(": grant is not a value this version defines"), "{}", last_message());
        // A successful call clears it.
        assert_eq!(snapsign_minify(body.as_ptr(), 2, buf.as_mut_ptr(), buf.len(), &mut n), snapsign_result::Ok);
        assert_eq!(last_message(), "");
    }
}

#[test]
fn the_result_list_is_the_enum_and_core_codes_describe_themselves_with_the_core_summary() {
    for code in snapsign_result::all() {
        assert_eq!(snapsign_result::from_u32(*code as u32), Some(*code));
        let c = unsafe { std::ffi::CStr::from_ptr(snapsign_result_str(*code as u32)) };
        assert_eq!(c.to_str().unwrap(), code.description());
    }
    let e = snapsign_core::Error::InvalidKey { kind: snapsign_core::KeyErrorKind::WrongPassphrase };
    assert_eq!(snapsign_result::from_error(&e).description(), e.summary());
    assert_eq!(snapsign_result::from_u32(28), None);
    assert_eq!(snapsign_result::from_u32(105), None);
}

#[test]
fn a_verifier_loads_the_key_of_a_certificate() {
    let cert = std::fs::read(vectors_dir().join("../fixtures/rsa2048-cert.der")).unwrap();
    let ec = std::fs::read(vectors_dir().join("../fixtures/ec-p256-cert.pem")).unwrap();
    let (client, ts) = (b"MCPD00000006", b"2020-10-04T17:55:58+07:00");
    let signer = signer();
    let mut sig = vec![0u8; 512];
    let mut n = 0usize;
    unsafe {
        let rc = snapsign_signer_sign_token(
            signer.0,
            client.as_ptr(),
            12,
            ts.as_ptr(),
            ts.len(),
            sig.as_mut_ptr(),
            512,
            &mut n,
        );
        assert_eq!(rc, snapsign_result::Ok);
        let mut v = ptr::null_mut();
        assert_eq!(snapsign_verifier_new(cert.as_ptr(), cert.len(), 0, &mut v), snapsign_result::Ok);
        assert_eq!(
            snapsign_verifier_verify_token(v, client.as_ptr(), 12, ts.as_ptr(), ts.len(), sig.as_ptr(), n),
            snapsign_result::Ok
        );
        snapsign_verifier_free(v);
        let mut v = ptr::null_mut();
        assert_eq!(snapsign_verifier_new(ec.as_ptr(), ec.len(), 0, &mut v), snapsign_result::KeyUnsupported);
        assert!(v.is_null());
    }
}
