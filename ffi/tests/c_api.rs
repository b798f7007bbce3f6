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
#[cfg_attr(
    miri,
    ignore = "loads and signs with an RSA-2048 key (minutes under Miri); handles.rs has the panic boundary with HMAC"
)]
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
        (R::MissingCredential, 28),
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
#[cfg_attr(miri, ignore = "RSA-2048 key (minutes under Miri); handles.rs checks short buffers")]
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
#[cfg_attr(miri, ignore = "RSA-2048 signatures from threads (hours under Miri); tests/tsan covers sharing")]
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
#[cfg_attr(miri, ignore = "loads an RSA-2048 private key (minutes under Miri)")]
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
    use snapsign_core::{Credential, Error, Field, JsonErrorKind, KeyErrorKind, ResponseErrorKind, TimestampErrorKind};
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
        Error::MissingCredential { needed: Credential::ClientSecret },
        Error::MissingCredential { needed: Credential::PrivateKey },
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
#[cfg_attr(miri, ignore = "reads a key file (Miri isolation); handles.rs has the same case with the key compiled in")]
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
    assert_eq!(snapsign_result::from_u32(29), None);
    assert_eq!(snapsign_result::from_u32(105), None);
}

#[test]
#[cfg_attr(miri, ignore = "RSA-2048 signing (minutes under Miri); core/tests/parsing.rs loads the certificate")]
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

// ---------------------------------------------------------------- request signing

const BODY: &str = r#"{ "amount": { "value": "10000.00", "currency": "IDR" } }"#;
const WIB_TS: &str = "2020-01-01T04:10:00+07:00";
/// `snapsign request --provider bca --secret-env S (a-client-secret) --token eyJ0b2tlbiJ9
/// --method POST --path '/openapi/v1.0/x?b=2&a=%7e1' --body BODY --partner-id PARTNER01
/// --timestamp 2020-01-01T04:10:00+07:00 --external-id 12345678901234567890 --json`.
const BCA_SIGNATURE: &str = "IFHDSLNnlnerJWnY4hdicyB8HIzMqdBVHSuppyDvcnvA2LVf1nl4V++saXBk+I3rR/p4BpCNJSd5H3D5H7WXeA==";
/// `snapsign request --provider dana --key rsa2048-pkcs8.pem --method POST
/// --path /v1.0/debit/payment-host-to-host.htm --body BODY --partner-id C1 --external-id
/// 12345678901234567890 --timestamp 2020-01-01T04:10:00+07:00 --json`.
const DANA_SIGNATURE: &str = "fZ3NlKsAF7fzh6zlsiMV6EJxucMv2eZpFmvWl1pz4k7pfBpvpJFpg5yy7p7X+NRt/zEVNS85FrYGYPo2G6ifbSjO88wW0AW2AN0St58aFTAN9mpgppH0NZ40vDccWiQy5Keu7A7yHtuCj1ZS5VO10jd0KoJ6WyxzVz1CF20cZwcN73aEkP3xFu057GCXjRTWEkfFGrlkvqljw9RJGEgAuCvJiaCRoH0p3PMjlgZOwrIKsNv21qm7Qm5AqeHZKgQ/DvVXW4Q7bkWG1SGH06OIDTtbW415+PXqJNuUcwdJ03/z9aLOaMXpc9sNkAozdN5rkT09rglwHJGoz3dPXBz0oQ==";

fn text(s: &str) -> (*const u8, usize) {
    (s.as_ptr(), s.len())
}

fn empty_call() -> snapsign_call {
    snapsign_call {
        method: ptr::null(),
        method_len: 0,
        target: ptr::null(),
        target_len: 0,
        body: ptr::null(),
        body_len: 0,
        access_token: ptr::null(),
        access_token_len: 0,
        partner_id: ptr::null(),
        partner_id_len: 0,
        external_id: ptr::null(),
        external_id_len: 0,
        channel_id: ptr::null(),
        channel_id_len: 0,
        origin: ptr::null(),
        origin_len: 0,
        device_id: ptr::null(),
        device_id_len: 0,
        customer_token: ptr::null(),
        customer_token_len: 0,
        ip_address: ptr::null(),
        ip_address_len: 0,
        latitude: ptr::null(),
        latitude_len: 0,
        longitude: ptr::null(),
        longitude_len: 0,
    }
}

fn call(method: &str, target: &str, body: &str, partner_id: &str) -> snapsign_call {
    let mut c = empty_call();
    (c.method, c.method_len) = text(method);
    (c.target, c.target_len) = text(target);
    (c.body, c.body_len) = text(body);
    (c.partner_id, c.partner_id_len) = text(partner_id);
    c
}

struct RequestSigner(*mut snapsign_request_signer);

impl Drop for RequestSigner {
    fn drop(&mut self) {
        unsafe { snapsign_request_signer_free(self.0) };
    }
}

fn hmac_request_signer(profile: &str, secret: &str) -> Result<RequestSigner, snapsign_result> {
    let mut out = ptr::dangling_mut();
    let rc = unsafe {
        snapsign_request_signer_new_hmac(profile.as_ptr(), profile.len(), secret.as_ptr(), secret.len(), &mut out)
    };
    if rc != snapsign_result::Ok {
        assert!(out.is_null());
        return Err(rc);
    }
    Ok(RequestSigner(out))
}

fn rsa_request_signer(profile: &str) -> Result<RequestSigner, snapsign_result> {
    let k = key("rsa2048-pkcs8.pem");
    let mut out = ptr::dangling_mut();
    let rc = unsafe {
        snapsign_request_signer_new_rsa(
            profile.as_ptr(),
            profile.len(),
            k.as_ptr(),
            k.len(),
            ptr::null(),
            0,
            0,
            &mut out,
        )
    };
    if rc != snapsign_result::Ok {
        assert!(out.is_null());
        return Err(rc);
    }
    Ok(RequestSigner(out))
}

struct Headers(*mut snapsign_request_headers);

impl Drop for Headers {
    fn drop(&mut self) {
        unsafe { snapsign_request_headers_free(self.0) };
    }
}

impl Headers {
    fn list(&self) -> Vec<(String, String)> {
        let n = unsafe { snapsign_request_headers_count(self.0) };
        (0..n)
            .map(|i| {
                let (rc, name) = out_text(|o, c, l| unsafe { snapsign_request_headers_name(self.0, i, o, c, l) });
                assert_eq!(rc, snapsign_result::Ok);
                let (rc, value) = out_text(|o, c, l| unsafe { snapsign_request_headers_value(self.0, i, o, c, l) });
                assert_eq!(rc, snapsign_result::Ok);
                (name, value)
            })
            .collect()
    }

    fn get(&self, name: &str) -> String {
        let (rc, value) =
            out_text(|o, c, l| unsafe { snapsign_request_headers_get(self.0, name.as_ptr(), name.len(), o, c, l) });
        assert_eq!(rc, snapsign_result::Ok);
        value
    }

    fn text(
        &self,
        f: unsafe extern "C" fn(*const snapsign_request_headers, *mut u8, usize, *mut usize) -> snapsign_result,
    ) -> String {
        let (rc, value) = out_text(|o, c, l| unsafe { f(self.0, o, c, l) });
        assert_eq!(rc, snapsign_result::Ok);
        value
    }
}

fn sign_call(s: &RequestSigner, c: &snapsign_call, now: i64, ts: Option<&str>) -> Result<Headers, snapsign_result> {
    let (tp, tl) = ts.map_or((ptr::null(), 0), text);
    let mut out = ptr::dangling_mut();
    let rc = unsafe { snapsign_request_signer_sign(s.0, c, now, tp, tl, &mut out) };
    if rc != snapsign_result::Ok {
        assert!(out.is_null());
        return Err(rc);
    }
    Ok(Headers(out))
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())).collect()
}

fn core_headers(
    profile: &snapsign_core::provider::Profile,
    signer: snapsign_core::request::Signer<'_>,
    call: &snapsign_core::request::Call<'_>,
) -> Vec<(String, String)> {
    use snapsign_core::request::{RequestHeaders, When};
    let h = RequestHeaders::sign(profile, signer, call, When::Header(WIB_TS), &mut getrandom::SysRng).unwrap();
    h.iter().map(|(n, v)| (n.to_owned(), v.to_owned())).collect()
}

#[test]
fn bca_signs_the_canonical_query_as_the_cli_and_the_core_do() {
    let s = hmac_request_signer("bca", "a-client-secret").unwrap();
    let mut c = call("POST", "/openapi/v1.0/x?b=2&a=%7e1", BODY, "PARTNER01");
    (c.access_token, c.access_token_len) = text("eyJ0b2tlbiJ9");
    (c.external_id, c.external_id_len) = text("12345678901234567890");
    let h = sign_call(&s, &c, 0, Some(WIB_TS)).unwrap();
    let want = pairs(&[
        ("Content-Type", "application/json"),
        ("Authorization", "Bearer eyJ0b2tlbiJ9"),
        ("X-TIMESTAMP", WIB_TS),
        ("X-SIGNATURE", BCA_SIGNATURE),
        ("X-PARTNER-ID", "PARTNER01"),
        ("X-EXTERNAL-ID", "12345678901234567890"),
        ("CHANNEL-ID", "95051"),
    ]);
    assert_eq!(h.list(), want);
    assert_eq!(h.text(snapsign_request_headers_signature), BCA_SIGNATURE);
    assert_eq!(h.text(snapsign_request_headers_timestamp), WIB_TS);
    assert_eq!(h.text(snapsign_request_headers_endpoint_url), "/openapi/v1.0/x?a=~1&b=2");
    assert_eq!(h.get("x-signature"), BCA_SIGNATURE);
    assert_eq!(h.get("ORIGIN"), "", "absent: OK with length 0");
    // The core, on the same inputs.
    let hmac = snapsign_core::HmacSigner::new(b"a-client-secret").unwrap();
    let core_call = snapsign_core::request::Call {
        access_token: Some("eyJ0b2tlbiJ9"),
        external_id: Some("12345678901234567890"),
        ..snapsign_core::request::Call::new("POST", "/openapi/v1.0/x?b=2&a=%7e1", BODY.as_bytes(), "PARTNER01")
    };
    let bca = snapsign_core::provider::find("bca").unwrap();
    assert_eq!(core_headers(bca, snapsign_core::request::Signer::Hmac(&hmac), &core_call), want);
}

#[test]
#[cfg_attr(miri, ignore = "RSA-2048 signing (minutes under Miri)")]
fn dana_signs_the_service_form_with_the_key_as_the_cli_and_the_core_do() {
    let s = rsa_request_signer("dana").unwrap();
    let mut c = call("POST", "/v1.0/debit/payment-host-to-host.htm", BODY, "C1");
    (c.external_id, c.external_id_len) = text("12345678901234567890");
    let h = sign_call(&s, &c, 0, Some(WIB_TS)).unwrap();
    let want = pairs(&[
        ("Content-Type", "application/json"),
        ("X-TIMESTAMP", WIB_TS),
        ("X-SIGNATURE", DANA_SIGNATURE),
        ("X-PARTNER-ID", "C1"),
        ("X-EXTERNAL-ID", "12345678901234567890"),
        ("CHANNEL-ID", "95221"),
    ]);
    assert_eq!(h.list(), want);
    let rsa = snapsign_core::RsaSigner::from_bytes(&key("rsa2048-pkcs8.pem"), &Default::default()).unwrap();
    let core_call = snapsign_core::request::Call {
        external_id: Some("12345678901234567890"),
        ..snapsign_core::request::Call::new("POST", "/v1.0/debit/payment-host-to-host.htm", BODY.as_bytes(), "C1")
    };
    let dana = snapsign_core::provider::find("dana").unwrap();
    assert_eq!(core_headers(dana, snapsign_core::request::Signer::Rsa(&rsa), &core_call), want);
}

#[test]
fn the_clock_reading_is_written_in_the_profiles_style_and_that_text_is_signed() {
    let s = hmac_request_signer("bri", "a-client-secret").unwrap();
    let mut c = call("GET", "/snap/v1.0/balance?x=1", "", "P");
    (c.access_token, c.access_token_len) = text("tok");
    (c.channel_id, c.channel_id_len) = text("12345");
    let h = sign_call(&s, &c, 1_577_826_600_123, None).unwrap();
    let ts = h.text(snapsign_request_headers_timestamp);
    assert_eq!(ts, "2020-01-01T04:10:00.123+07:00");
    let id = h.get("X-EXTERNAL-ID");
    assert!(id.len() == 32 && id.bytes().all(|b| b.is_ascii_digit()), "{id}");
    let hmac = snapsign_core::HmacSigner::new(b"a-client-secret").unwrap();
    let sig = h.text(snapsign_request_headers_signature);
    hmac.verify_transaction("GET", "/snap/v1.0/balance?x=1", "tok", b"", &ts, sig.as_bytes()).unwrap();
}

#[test]
#[cfg_attr(miri, ignore = "loads an RSA-2048 private key (minutes under Miri)")]
fn the_wrong_credential_and_an_unknown_profile_are_refused_when_the_signer_is_made() {
    assert_eq!(hmac_request_signer("dana", "secret").err(), Some(snapsign_result::MissingCredential));
    assert_eq!(
        last_message(),
        "this provider signs transaction calls with the private key (SHA256withRSA, no token); give it, or override the profile"
    );
    assert_eq!(rsa_request_signer("bca").err(), Some(snapsign_result::MissingCredential));
    assert!(last_message().contains("with the client secret (HMAC-SHA512)"), "{}", last_message());
    assert_eq!(hmac_request_signer("BCA", "secret").err(), Some(snapsign_result::InvalidArgument));
    assert_eq!(
        last_message(),
        "invalid argument (unknown flags, impossible length or misaligned pointer): profile is not a provider \
         profile this version knows (generic, doku, ifortepay, midtrans, dana, bca, bri, mandiri, winpay, ovo)"
    );
    assert_eq!(hmac_request_signer("", "secret").err(), Some(snapsign_result::InvalidArgument));
    assert_eq!(hmac_request_signer("doku", "").err(), Some(snapsign_result::EmptyField));
    let mut out = ptr::null_mut();
    let rc =
        unsafe { snapsign_request_signer_new_rsa(b"dana".as_ptr(), 4, b"x".as_ptr(), 1, ptr::null(), 0, 0, &mut out) };
    assert_eq!(rc, snapsign_result::KeyMalformed);
    let k = key("rsa2048-pkcs8.pem");
    let rc = unsafe {
        snapsign_request_signer_new_rsa(b"dana".as_ptr(), 4, k.as_ptr(), k.len(), ptr::null(), 0, 4, &mut out)
    };
    assert_eq!(rc, snapsign_result::InvalidArgument);
    let rc = unsafe { snapsign_request_signer_new_hmac(b"dana".as_ptr(), 4, b"s".as_ptr(), 1, ptr::null_mut()) };
    assert_eq!(rc, snapsign_result::NullPointer);
}

#[test]
fn bad_calls_name_the_field() {
    let s = hmac_request_signer("generic", "a-client-secret").unwrap();
    let mut c = call("POST", "/v1.0/x", "{}", "P");
    (c.access_token, c.access_token_len) = text("tok");
    // No CHANNEL-ID in the generic profile.
    assert_eq!(sign_call(&s, &c, 0, None).err(), Some(snapsign_result::EmptyField));
    assert_eq!(last_message(), "CHANNEL-ID is empty");
    (c.channel_id, c.channel_id_len) = text("95221");
    assert!(sign_call(&s, &c, 0, None).is_ok());
    let long = "P".repeat(37);
    let mut bad = c;
    (bad.partner_id, bad.partner_id_len) = text(&long);
    assert_eq!(sign_call(&s, &bad, 0, None).err(), Some(snapsign_result::FieldTooLong));
    assert_eq!(last_message(), "X-PARTNER-ID is longer than 36 bytes");
    let mut bad = c;
    (bad.origin, bad.origin_len) = (ptr::null(), 3);
    assert_eq!(sign_call(&s, &bad, 0, None).err(), Some(snapsign_result::NullPointer));
    assert!(last_message().ends_with(": call.origin is NULL but call.origin_len is not 0"), "{}", last_message());
    let mut bad = c;
    (bad.origin, bad.origin_len) = (b"x".as_ptr(), 0);
    assert_eq!(sign_call(&s, &bad, 0, None).err(), Some(snapsign_result::EmptyField));
    assert_eq!(last_message(), "ORIGIN is empty");
    let mut bad = c;
    (bad.device_id, bad.device_id_len) = (b"d\xff".as_ptr(), 2);
    assert_eq!(sign_call(&s, &bad, 0, None).err(), Some(snapsign_result::InvalidUtf8));
    assert_eq!((last_message().as_str(), snapsign_last_error_offset()), ("X-DEVICE-ID is not valid UTF-8 (byte 1)", 1));
    let mut bad = c;
    (bad.latitude, bad.latitude_len) = text("-6.2");
    assert_eq!(sign_call(&s, &bad, 0, None).err(), Some(snapsign_result::EmptyField));
    assert_eq!(last_message(), "Authorization-Customer is empty");
    let mut bad = c;
    (bad.customer_token, bad.customer_token_len) = text("cust");
    assert_eq!(sign_call(&s, &bad, 0, None).err(), Some(snapsign_result::EmptyField));
    assert_eq!(last_message(), "X-DEVICE-ID is empty");
    assert_eq!(sign_call(&s, &c, 0, Some("yesterday")).err(), Some(snapsign_result::InvalidTimestamp));
    let mut bad = c;
    (bad.access_token, bad.access_token_len) = (ptr::null(), 0);
    assert_eq!(sign_call(&s, &bad, 0, None).err(), Some(snapsign_result::EmptyField));
    assert_eq!(last_message(), "access token is empty");
    let mut out = ptr::null_mut();
    let rc = unsafe { snapsign_request_signer_sign(s.0, ptr::null(), 0, ptr::null(), 0, &mut out) };
    assert_eq!(rc, snapsign_result::NullPointer);
    assert!(last_message().ends_with(": call is NULL"), "{}", last_message());
    let rc = unsafe { snapsign_request_signer_sign(ptr::null(), &c, 0, ptr::null(), 0, &mut out) };
    assert_eq!(rc, snapsign_result::NullPointer);
    assert!(last_message().ends_with(": signer is NULL"), "{}", last_message());
    // The out-pointer inside the call struct.
    let mut cc = c;
    let inside = (&mut cc.origin as *mut *const u8).cast::<*mut snapsign_request_headers>();
    let rc = unsafe { snapsign_request_signer_sign(s.0, &cc, 0, ptr::null(), 0, inside) };
    assert_eq!(rc, snapsign_result::OverlappingBuffers);
}

#[test]
fn b2b2c_headers_and_the_accessors_limits() {
    let s = hmac_request_signer("generic", "a-client-secret").unwrap();
    let mut c = call("POST", "/v1.0/debit/payment", BODY, "P");
    (c.access_token, c.access_token_len) = text("tok");
    (c.channel_id, c.channel_id_len) = text("95221");
    (c.external_id, c.external_id_len) = text("1");
    (c.origin, c.origin_len) = text("www.example.com");
    (c.device_id, c.device_id_len) = text("dev-1");
    (c.customer_token, c.customer_token_len) = text("cust");
    (c.ip_address, c.ip_address_len) = text("10.0.0.1");
    (c.latitude, c.latitude_len) = text("-6.2");
    (c.longitude, c.longitude_len) = text("106.8");
    let h = sign_call(&s, &c, 0, Some(WIB_TS)).unwrap();
    let names: Vec<String> = h.list().into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        names,
        [
            "Content-Type",
            "Authorization",
            "Authorization-Customer",
            "X-TIMESTAMP",
            "X-SIGNATURE",
            "ORIGIN",
            "X-PARTNER-ID",
            "X-EXTERNAL-ID",
            "X-IP-ADDRESS",
            "X-DEVICE-ID",
            "X-LATITUDE",
            "X-LONGITUDE",
            "CHANNEL-ID"
        ]
    );
    assert_eq!(h.get("authorization-customer"), "Bearer cust");
    let mut n = 0usize;
    let mut buf = [0u8; 8];
    unsafe {
        assert_eq!(snapsign_request_headers_count(h.0), 13);
        assert_eq!(snapsign_request_headers_count(ptr::null()), 0);
        assert_eq!(
            snapsign_request_headers_name(h.0, 13, buf.as_mut_ptr(), buf.len(), &mut n),
            snapsign_result::InvalidArgument
        );
        assert!(last_message().ends_with(": index is not below snapsign_request_headers_count"), "{}", last_message());
        assert_eq!(
            snapsign_request_headers_value(h.0, 1, buf.as_mut_ptr(), buf.len(), &mut n),
            snapsign_result::BufferTooSmall
        );
        assert_eq!(n, "Bearer tok".len());
        assert_eq!(
            snapsign_request_headers_signature(ptr::null(), buf.as_mut_ptr(), buf.len(), &mut n),
            snapsign_result::NullPointer
        );
        let bad = b"X-\xff";
        assert_eq!(
            snapsign_request_headers_get(h.0, bad.as_ptr(), bad.len(), buf.as_mut_ptr(), buf.len(), &mut n),
            snapsign_result::Ok
        );
        assert_eq!(n, 0);
        // Output into the handle itself.
        let inside = h.0.cast::<u8>();
        assert_eq!(snapsign_request_headers_timestamp(h.0, inside, 4, &mut n), snapsign_result::OverlappingBuffers);
        snapsign_request_headers_free(ptr::null_mut());
        snapsign_request_signer_free(ptr::null_mut());
    }
}

unsafe extern "C" fn sevens(userdata: *mut core::ffi::c_void, buf: *mut u8, len: usize) -> core::ffi::c_int {
    unsafe {
        *userdata.cast::<usize>() += 1;
        ptr::write_bytes(buf, 7, len);
    }
    0
}

#[test]
#[cfg_attr(miri, ignore = "RSA-2048 signing (minutes under Miri)")]
fn the_entropy_callback_makes_the_external_id_and_blinds_rsa() {
    let mut c = call("POST", "/v1.0/debit/payment-host-to-host.htm", BODY, "C1");
    let s = rsa_request_signer("dana").unwrap();
    let mut calls = 0usize;
    let mut out = ptr::null_mut();
    let (tp, tl) = text(WIB_TS);
    let rc = unsafe {
        snapsign_request_signer_sign_with_rng(
            s.0,
            &c,
            0,
            tp,
            tl,
            Some(sevens),
            (&mut calls as *mut usize).cast(),
            &mut out,
        )
    };
    assert_eq!(rc, snapsign_result::Ok);
    let h = Headers(out);
    assert!(calls >= 2, "external id and blinding: {calls} calls");
    let id = h.get("X-EXTERNAL-ID");
    assert!(id.len() == 32 && id.bytes().all(|b| b.is_ascii_digit()), "{id}");
    (c.external_id, c.external_id_len) = text("12345678901234567890");
    let rc = unsafe {
        snapsign_request_signer_sign_with_rng(
            s.0,
            &c,
            0,
            tp,
            tl,
            Some(sevens),
            (&mut calls as *mut usize).cast(),
            &mut out,
        )
    };
    assert_eq!(rc, snapsign_result::Ok);
    assert_eq!(Headers(out).get("X-SIGNATURE"), DANA_SIGNATURE, "blinding does not change PKCS#1 v1.5");
    let rc = unsafe {
        snapsign_request_signer_sign_with_rng(s.0, &c, 0, tp, tl, Some(failing_fill), ptr::null_mut(), &mut out)
    };
    assert_eq!(rc, snapsign_result::Rng);
    let rc = unsafe { snapsign_request_signer_sign_with_rng(s.0, &c, 0, tp, tl, None, ptr::null_mut(), &mut out) };
    assert_eq!(rc, snapsign_result::NullPointer);
}

#[test]
fn one_request_signer_many_threads() {
    let s = hmac_request_signer("bca", "a-client-secret").unwrap();
    struct Shared(*const snapsign_request_signer);
    unsafe impl Sync for Shared {}
    let shared = Shared(s.0);
    std::thread::scope(|scope| {
        for _ in 0..4 {
            let shared = &shared;
            scope.spawn(move || {
                let mut c = call("POST", "/openapi/v1.0/x?b=2&a=%7e1", BODY, "PARTNER01");
                (c.access_token, c.access_token_len) = text("eyJ0b2tlbiJ9");
                (c.external_id, c.external_id_len) = text("12345678901234567890");
                for _ in 0..5 {
                    let mut out = ptr::null_mut();
                    let (tp, tl) = text(WIB_TS);
                    let rc = unsafe { snapsign_request_signer_sign(shared.0, &c, 0, tp, tl, &mut out) };
                    assert_eq!(rc, snapsign_result::Ok);
                    assert_eq!(Headers(out).get("X-SIGNATURE"), BCA_SIGNATURE);
                }
            });
        }
    });
}

// ---------------------------------------------------------------- response codes

fn static_text(t: snapsign_text) -> Option<&'static str> {
    if t.ptr.is_null() {
        assert_eq!(t.len, 0);
        return None;
    }
    Some(std::str::from_utf8(unsafe { std::slice::from_raw_parts(t.ptr, t.len) }).unwrap())
}

fn describe(code: &str) -> Result<snapsign_response_code_info, snapsign_result> {
    let mut info = std::mem::MaybeUninit::<snapsign_response_code_info>::uninit();
    let rc = unsafe { snapsign_describe_response_code(code.as_ptr(), code.len(), info.as_mut_ptr()) };
    if rc != snapsign_result::Ok {
        return Err(rc);
    }
    Ok(unsafe { info.assume_init() })
}

#[test]
fn response_codes_are_described_from_the_cores_tables() {
    let info = describe("4017300").unwrap();
    let core = snapsign_core::describe_response_code("4017300").unwrap();
    assert_eq!((info.http_status, info.service_code, info.case_code), (401, 73, 0));
    assert_eq!(static_text(info.service_name), Some("Access Token B2B"));
    assert_eq!(static_text(info.message), Some("Unauthorized. [reason]"));
    assert_eq!(static_text(info.description), core.description);
    assert_eq!(info.likely_causes_count, core.likely_causes.len());
    assert!(info.likely_causes_count > 0);
    for (i, want) in core.likely_causes.iter().enumerate() {
        let mut cause = snapsign_text { ptr: ptr::null(), len: 0 };
        let rc = unsafe { snapsign_response_code_likely_cause(b"4017300".as_ptr(), 7, i, &mut cause) };
        assert_eq!(rc, snapsign_result::Ok);
        assert_eq!(static_text(cause), Some(*want));
    }
    let mut cause = snapsign_text { ptr: ptr::null(), len: 0 };
    let rc =
        unsafe { snapsign_response_code_likely_cause(b"4017300".as_ptr(), 7, info.likely_causes_count, &mut cause) };
    assert_eq!(rc, snapsign_result::InvalidArgument);
    assert!(last_message().ends_with(": index is not below likely_causes_count"), "{}", last_message());

    let info = describe("9999999").unwrap();
    assert_eq!((info.http_status, info.service_code, info.case_code), (999, 99, 99));
    assert_eq!((static_text(info.service_name), static_text(info.message), info.likely_causes_count), (None, None, 0));
    assert_eq!(describe("4042414").map(|i| static_text(i.message)), Ok(Some("Paid Bill")));
    assert_eq!(describe("401730").err(), Some(snapsign_result::InvalidResponse));
    assert_eq!(describe("40173\u{e9}").err(), Some(snapsign_result::InvalidResponse));
    let rc = unsafe { snapsign_describe_response_code(b"4017300".as_ptr(), 7, ptr::null_mut()) };
    assert_eq!(rc, snapsign_result::NullPointer);
    let rc = unsafe { snapsign_response_code_likely_cause(b"4017300".as_ptr(), 7, 0, ptr::null_mut()) };
    assert_eq!(rc, snapsign_result::NullPointer);
}
