//! The C ABI (ffi/src/c_api, the `snapsign` rlib) with arbitrary inputs, lengths and capacities.
//!
//! Input: byte 0 picks the output capacity and which empty inputs are passed as NULL; the rest
//! is split on 0x1F into method, path, access token, body, timestamp, client id, and
//! signature/secret.
//!
//! For every function that writes to a caller buffer:
//! - the size query (`out == NULL`, `out_cap == 0`) gives BUFFER_TOO_SMALL with the exact length
//!   needed (or OK with 0 for an empty output, or the same error as a full call, `*out_len == 0`);
//! - a buffer of exactly that length succeeds and is filled completely; one byte less is
//!   BUFFER_TOO_SMALL and leaves the buffer untouched;
//! - an arbitrary capacity behaves consistently with the above;
//! - `out == NULL` with a non-zero capacity, and any NULL input with a non-zero length, is
//!   NULL_POINTER (never dereferenced: ASan would report it);
//! - the results agree with snapsign-core called directly.
//! The access-token helpers (token response parser and accessors, B2B2C body, external id) are
//! driven the same way, the response parser with the body field; the request signer (client
//! secret, a profile picked by byte 0) signs the fields as a call and must give the core's headers
//! or its error; the timestamp field is described as a responseCode.
//! No call may return INTERNAL_PANIC.
#![no_main]

mod common;

use std::ptr;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use snapsign::c_api::*;

/// Signer and verifier handles for the TEST-ONLY 2048-bit key, made once.
struct Handles {
    signer: *mut snapsign_signer,
    verifier: *mut snapsign_verifier,
}
// SAFETY: the C ABI documents handles as immutable and usable from several threads.
unsafe impl Send for Handles {}
unsafe impl Sync for Handles {}

fn handles() -> &'static Handles {
    static H: OnceLock<Handles> = OnceLock::new();
    H.get_or_init(|| unsafe {
        let key = common::PKCS8_2048_PEM;
        let mut signer = ptr::null_mut();
        assert_eq!(snapsign_signer_new(key.as_ptr(), key.len(), ptr::null(), 0, 0, &mut signer), snapsign_result::Ok);
        let mut verifier = ptr::null_mut();
        assert_eq!(snapsign_signer_verifier(signer, &mut verifier), snapsign_result::Ok);
        Handles { signer, verifier }
    })
}

const SENTINEL: u8 = 0xA5;

/// Checks one output-writing call made through `f(out, out_cap, out_len)`; returns the result
/// and the output of a successful call.
fn check_out(
    name: &str,
    cap: usize,
    f: &dyn Fn(*mut u8, usize, *mut usize) -> snapsign_result,
) -> (snapsign_result, Vec<u8>) {
    assert_ne!(f(ptr::null_mut(), 0, ptr::null_mut()), snapsign_result::Ok, "{name}: NULL out_len accepted");
    // Size query.
    let mut needed = usize::MAX;
    let rc = f(ptr::null_mut(), 0, &mut needed);
    assert_ne!(rc, snapsign_result::InternalPanic, "{name}: panic");
    let (rc, out) = match rc {
        snapsign_result::BufferTooSmall => {
            assert!(needed > 0 && needed < 1 << 20, "{name}: needed {needed}");
            let mut buf = vec![SENTINEL; needed];
            let mut len = usize::MAX;
            assert_eq!(f(buf.as_mut_ptr(), needed, &mut len), snapsign_result::Ok, "{name}: exact buffer");
            assert_eq!(len, needed, "{name}: length written");
            let mut short = vec![SENTINEL; needed - 1];
            let mut len2 = usize::MAX;
            assert_eq!(f(short.as_mut_ptr(), needed - 1, &mut len2), snapsign_result::BufferTooSmall, "{name}: short");
            assert_eq!(len2, needed, "{name}: needed from a short buffer");
            assert!(short.iter().all(|&b| b == SENTINEL), "{name}: a short buffer was written to");
            (snapsign_result::Ok, buf)
        }
        snapsign_result::Ok => {
            assert_eq!(needed, 0, "{name}: OK from a size query with a non-empty output");
            (rc, Vec::new())
        }
        err => {
            assert_eq!(needed, 0, "{name}: *out_len after {err:?}");
            (err, Vec::new())
        }
    };
    // An arbitrary capacity.
    let mut buf = vec![SENTINEL; cap];
    let mut len = usize::MAX;
    let rc2 = f(if cap == 0 { ptr::null_mut() } else { buf.as_mut_ptr() }, cap, &mut len);
    match rc {
        snapsign_result::Ok if cap >= out.len() => {
            assert_eq!(rc2, snapsign_result::Ok, "{name}: cap {cap}");
            assert_eq!(&buf[..len], &out[..], "{name}: output differs between calls");
        }
        snapsign_result::Ok => {
            assert_eq!(rc2, snapsign_result::BufferTooSmall, "{name}: cap {cap}");
            assert_eq!(len, out.len());
            assert!(buf.iter().all(|&b| b == SENTINEL), "{name}: a short buffer was written to");
        }
        err => assert_eq!(rc2, err, "{name}: result depends on the capacity"),
    }
    // NULL out with a capacity.
    if cap > 0 {
        let mut len = 0;
        assert_eq!(f(ptr::null_mut(), cap, &mut len), snapsign_result::NullPointer, "{name}: NULL out, cap {cap}");
    }
    (rc, out)
}

/// Pointer for an input: NULL for an empty one when `null_empty` is set.
fn p(field: &[u8], null_empty: bool) -> *const u8 {
    if field.is_empty() && null_empty {
        ptr::null()
    } else {
        field.as_ptr()
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&ctl, rest)) = data.split_first() else {
        return;
    };
    let cap = match ctl & 0x0F {
        0 => 0,
        1..=8 => usize::from(ctl & 0x0F) * 11,
        9 => 344,
        10 => 343,
        11 => 88,
        12 => 87,
        13 => 64,
        14 => 29,
        _ => 4096,
    };
    let null_empty = ctl & 0x10 != 0;
    let mut fields = rest.split(|&b| b == 0x1F);
    let mut next = || fields.next().unwrap_or(&[]);
    let (method, path, token, body, ts, client, sig) = (next(), next(), next(), next(), next(), next(), next());
    let n = |f: &[u8]| p(f, null_empty);
    let h = handles();

    unsafe {
        // Text functions.
        let (rc, out) = check_out("minify", cap, &|o, c, l| snapsign_minify(n(body), body.len(), o, c, l));
        let mut core_out = Vec::new();
        match snapsign_core::minify::minify_to(body, &mut core_out) {
            Ok(()) => assert_eq!((rc, out), (snapsign_result::Ok, core_out)),
            Err(_) => assert_eq!(rc, snapsign_result::InvalidJson),
        }
        let (rc, out) = check_out("body_digest", cap, &|o, c, l| snapsign_body_digest(n(body), body.len(), o, c, l));
        match snapsign_core::body_digest(body) {
            Ok(d) => assert_eq!((rc, &out[..]), (snapsign_result::Ok, &d.as_bytes()[..])),
            Err(_) => assert_eq!(rc, snapsign_result::InvalidJson),
        }
        check_out("string_to_sign_token", cap, &|o, c, l| {
            snapsign_string_to_sign_token(n(client), client.len(), n(ts), ts.len(), o, c, l)
        });
        let (rc_tx, tx) = check_out("string_to_sign_transaction", cap, &|o, c, l| {
            snapsign_string_to_sign_transaction(
                n(method),
                method.len(),
                n(path),
                path.len(),
                n(token),
                token.len(),
                n(body),
                body.len(),
                n(ts),
                ts.len(),
                o,
                c,
                l,
            )
        });
        check_out("string_to_sign_service", cap, &|o, c, l| {
            snapsign_string_to_sign_service(
                n(method),
                method.len(),
                n(path),
                path.len(),
                n(body),
                body.len(),
                n(ts),
                ts.len(),
                o,
                c,
                l,
            )
        });
        let mut ms = 0i64;
        let mut off = 0i32;
        let rc = snapsign_timestamp_parse(n(ts), ts.len(), &mut ms, &mut off);
        let core_ts = std::str::from_utf8(ts).ok().map(snapsign_core::timestamp::Timestamp::parse);
        match core_ts {
            Some(Ok(t)) => {
                assert_eq!((rc, ms, off), (snapsign_result::Ok, t.unix_millis(), i32::from(t.offset_minutes())))
            }
            _ => assert_ne!(rc, snapsign_result::Ok),
        }
        let raw_ms = i64::from_le_bytes(sig.get(..8).and_then(|b| b.try_into().ok()).unwrap_or([0; 8]));
        let raw_off = i32::from_le_bytes(sig.get(8..12).and_then(|b| b.try_into().ok()).unwrap_or([0; 4]));
        check_out("timestamp_format", cap, &|o, c, l| {
            snapsign_timestamp_format(raw_ms, raw_off, u32::from(ctl >> 5), o, c, l)
        });
        let mut skew = 0i64;
        let _ = snapsign_timestamp_check_skew(n(ts), ts.len(), raw_ms, raw_off as u32, &mut skew);

        // HMAC.
        let mut hmac = ptr::null_mut();
        let rc = snapsign_hmac_new(n(sig), sig.len(), &mut hmac);
        if sig.is_empty() {
            assert_ne!(rc, snapsign_result::Ok);
        } else {
            assert_eq!(rc, snapsign_result::Ok);
            let (rc, mac) =
                check_out("hmac_sign", cap, &|o, c, l| snapsign_hmac_sign(hmac, n(body), body.len(), o, c, l));
            assert_eq!(rc, snapsign_result::Ok);
            assert_eq!(snapsign_hmac_verify(hmac, n(body), body.len(), mac.as_ptr(), mac.len()), snapsign_result::Ok);
            assert_ne!(
                snapsign_hmac_verify(hmac, n(body), body.len(), n(token), token.len()),
                snapsign_result::Ok,
                "forged HMAC accepted"
            );
            let (rc, mac) = check_out("hmac_sign_transaction", cap, &|o, c, l| {
                snapsign_hmac_sign_transaction(
                    hmac,
                    n(method),
                    method.len(),
                    n(path),
                    path.len(),
                    n(token),
                    token.len(),
                    n(body),
                    body.len(),
                    n(ts),
                    ts.len(),
                    o,
                    c,
                    l,
                )
            });
            assert_eq!(rc, rc_tx, "sign_transaction vs string_to_sign_transaction");
            if rc == snapsign_result::Ok {
                let core = snapsign_core::HmacSigner::new(sig).unwrap().sign(&tx);
                assert_eq!(mac, core.as_bytes());
                let v = snapsign_hmac_verify_transaction(
                    hmac,
                    n(method),
                    method.len(),
                    n(path),
                    path.len(),
                    n(token),
                    token.len(),
                    n(body),
                    body.len(),
                    n(ts),
                    ts.len(),
                    mac.as_ptr(),
                    mac.len(),
                );
                assert_eq!(v, snapsign_result::Ok);
            }
        }
        snapsign_hmac_free(hmac);

        // RSA with the fixed handles. A signature costs milliseconds under ASan: sign for a
        // quarter of the inputs only, so the cheap paths get most of the executions.
        if ctl & 0x60 == 0x60 {
            let (rc, rsa_sig) = check_out("signer_sign_token", cap, &|o, c, l| {
                snapsign_signer_sign_token(h.signer, n(client), client.len(), n(ts), ts.len(), o, c, l)
            });
            if rc == snapsign_result::Ok {
                assert_eq!(rsa_sig.len(), snapsign_signer_signature_len(h.signer));
                let v = snapsign_verifier_verify_token(
                    h.verifier,
                    n(client),
                    client.len(),
                    n(ts),
                    ts.len(),
                    rsa_sig.as_ptr(),
                    rsa_sig.len(),
                );
                assert_eq!(v, snapsign_result::Ok);
            }
        }
        let v = snapsign_verifier_verify(h.verifier, n(body), body.len(), n(sig), sig.len());
        assert!(
            matches!(
                v,
                snapsign_result::InvalidBase64 | snapsign_result::SignatureLength | snapsign_result::SignatureMismatch
            ),
            "verify of arbitrary text: {v:?}"
        );

        // NULL inputs with a length are refused before any dereference.
        let mut len = 0;
        let mut buf = [0u8; 8];
        if !body.is_empty() {
            assert_eq!(
                snapsign_minify(ptr::null(), body.len(), buf.as_mut_ptr(), buf.len(), &mut len),
                snapsign_result::NullPointer
            );
            assert_eq!(
                snapsign_verifier_verify(h.verifier, ptr::null(), body.len(), n(sig), sig.len()),
                snapsign_result::NullPointer
            );
        }
        // Handle constructors on arbitrary bytes; NULL handles.
        let mut s2 = ptr::null_mut();
        let _ = snapsign_signer_new(n(body), body.len(), n(token), token.len(), u32::from(ctl >> 7), &mut s2);
        snapsign_signer_free(s2);
        let mut v2 = ptr::null_mut();
        let _ = snapsign_verifier_new(n(body), body.len(), u32::from(ctl >> 7), &mut v2);
        snapsign_verifier_free(v2);
        assert_eq!(
            snapsign_verifier_verify(ptr::null(), n(body), body.len(), n(sig), sig.len()),
            snapsign_result::NullPointer
        );

        // Access-token helpers: the body field as a token response and as a B2B2C grant value.
        let mut resp = ptr::null_mut();
        let rc = snapsign_token_response_parse(n(body), body.len(), &mut resp);
        match snapsign_core::access_token::TokenResponse::parse(body) {
            Ok(r) => {
                assert_eq!(rc, snapsign_result::Ok);
                let (_, at) = check_out("token_response_access_token", cap, &|o, c, l| {
                    snapsign_token_response_access_token(resp, o, c, l)
                });
                assert_eq!(at, r.access_token.as_bytes());
                let (_, msg) =
                    check_out("token_response_message", cap, &|o, c, l| snapsign_token_response_message(resp, o, c, l));
                assert_eq!(msg, r.response_message.as_bytes());
                let (mut status, mut service, mut case) = (0u16, 0u8, 0u8);
                assert_eq!(
                    snapsign_token_response_code(resp, &mut status, &mut service, &mut case),
                    snapsign_result::Ok
                );
                let c = r.response_code;
                assert_eq!((status, service, case), (c.http_status, c.service_code, c.case_code));
                assert_eq!(snapsign_token_response_is_success(resp) != 0, c.is_success());
                let (mut has, mut secs) = (0, 0u64);
                assert_eq!(snapsign_token_response_expires_in(resp, &mut has, &mut secs), snapsign_result::Ok);
                assert_eq!(if has != 0 { Some(secs) } else { None }, r.expires_in);
            }
            Err(e) => {
                assert_eq!(rc, snapsign_result::from_error(&e));
                assert!(resp.is_null());
            }
        }
        snapsign_token_response_free(resp);
        for grant in [SNAPSIGN_GRANT_AUTHORIZATION_CODE, SNAPSIGN_GRANT_REFRESH_TOKEN, u32::from(ctl)] {
            check_out("b2b2c_request_body", cap, &|o, c, l| {
                snapsign_b2b2c_request_body(grant, n(token), token.len(), o, c, l)
            });
        }
        let digits = usize::from(ctl) % 40;
        let mut id = [0u8; 40];
        let mut id_len = 0;
        let rc = snapsign_external_id(digits, id.as_mut_ptr(), id.len(), &mut id_len);
        if (1..=36).contains(&digits) {
            assert_eq!((rc, id_len), (snapsign_result::Ok, digits));
            assert!(id[..digits].iter().all(u8::is_ascii_digit));
        } else {
            assert_ne!(rc, snapsign_result::Ok);
        }

        // Request signing with the client secret (the `sig` field) for a profile chosen by `ctl`:
        // method, path as the target, body, token, client as X-PARTNER-ID, the timestamp text;
        // the same headers as the core, or the same error.
        fn text(f: &[u8]) -> Option<&str> {
            std::str::from_utf8(f).ok()
        }
        let profile = snapsign_core::provider::PROFILES[usize::from(ctl) % snapsign_core::provider::PROFILES.len()];
        let mut rs = ptr::null_mut();
        let rc =
            snapsign_request_signer_new_hmac(profile.name.as_ptr(), profile.name.len(), n(sig), sig.len(), &mut rs);
        let core_hmac = snapsign_core::HmacSigner::new(sig);
        let core_signer = core_hmac.as_ref().map(snapsign_core::request::Signer::Hmac).map_err(|e| *e);
        match core_signer.and_then(|s| s.check_profile(&profile).map(|()| s)) {
            Err(e) => assert_eq!((rc, rs.is_null()), (snapsign_result::from_error(&e), true)),
            Ok(core_signer) => {
                assert_eq!(rc, snapsign_result::Ok);
                let opt = |f: &[u8]| if f.is_empty() { ptr::null() } else { f.as_ptr() };
                let call = snapsign_call {
                    method: n(method),
                    method_len: method.len(),
                    target: n(path),
                    target_len: path.len(),
                    body: n(body),
                    body_len: body.len(),
                    access_token: opt(token),
                    access_token_len: token.len(),
                    partner_id: n(client),
                    partner_id_len: client.len(),
                    external_id: b"1".as_ptr(),
                    external_id_len: 1,
                    channel_id: b"95051".as_ptr(),
                    channel_id_len: 5,
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
                };
                let mut headers = ptr::null_mut();
                let rc = snapsign_request_signer_sign(rs, &call, raw_ms, opt(ts), ts.len(), &mut headers);
                let core = match (text(method), text(path), text(token), text(client), text(ts)) {
                    (Some(m), Some(t), Some(at), Some(pid), Some(when)) => {
                        let c = snapsign_core::request::Call {
                            access_token: (!at.is_empty()).then_some(at),
                            external_id: Some("1"),
                            channel_id: Some("95051"),
                            ..snapsign_core::request::Call::new(m, t, body, pid)
                        };
                        let when = if when.is_empty() {
                            snapsign_core::request::When::UnixMillis(raw_ms)
                        } else {
                            snapsign_core::request::When::Header(when)
                        };
                        Some(snapsign_core::request::RequestHeaders::sign(
                            &profile,
                            core_signer,
                            &c,
                            when,
                            &mut getrandom::SysRng,
                        ))
                    }
                    _ => None,
                };
                match core {
                    Some(Ok(want)) => {
                        assert_eq!(rc, snapsign_result::Ok);
                        assert_eq!(snapsign_request_headers_count(headers), want.len());
                        for (i, (name, value)) in want.iter().enumerate() {
                            let (_, got) = check_out("request_headers_name", cap, &|o, c, l| {
                                snapsign_request_headers_name(headers, i, o, c, l)
                            });
                            assert_eq!(got, name.as_bytes());
                            let (_, got) = check_out("request_headers_value", cap, &|o, c, l| {
                                snapsign_request_headers_value(headers, i, o, c, l)
                            });
                            assert_eq!(got, value.as_bytes());
                        }
                        let (_, url) = check_out("request_headers_endpoint_url", cap, &|o, c, l| {
                            snapsign_request_headers_endpoint_url(headers, o, c, l)
                        });
                        assert_eq!(url, want.endpoint_url().as_bytes());
                    }
                    Some(Err(e)) => assert_eq!((rc, headers.is_null()), (snapsign_result::from_error(&e), true)),
                    None => assert_eq!((rc, headers.is_null()), (snapsign_result::InvalidUtf8, true)),
                }
                snapsign_request_headers_free(headers);
            }
        }
        snapsign_request_signer_free(rs);

        // The timestamp field as a responseCode: the core's description, or its error.
        let mut info = std::mem::MaybeUninit::<snapsign_response_code_info>::uninit();
        let rc = snapsign_describe_response_code(n(ts), ts.len(), info.as_mut_ptr());
        match text(ts).map(snapsign_core::describe_response_code) {
            Some(Ok(want)) => {
                assert_eq!(rc, snapsign_result::Ok);
                let info = info.assume_init();
                assert_eq!((info.http_status, info.likely_causes_count), (want.http_status, want.likely_causes.len()));
            }
            _ => assert_eq!(rc, snapsign_result::InvalidResponse),
        }

        // The last-error message is always retrievable, with the same buffer protocol.
        let _ = snapsign_minify(n(body), body.len(), ptr::null_mut(), 0, &mut len);
        let mut mlen = 0;
        let rc = snapsign_last_error_message(ptr::null_mut(), 0, &mut mlen);
        assert!(matches!(rc, snapsign_result::Ok | snapsign_result::BufferTooSmall), "{rc:?}");
        let _ = snapsign_last_error_offset();
        let _ = snapsign_result_str(u32::from(ctl) * 7);
    }
});
