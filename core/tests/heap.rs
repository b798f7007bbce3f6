//! Heap use, measured with a counting global allocator: none outside RSA, and the peak of one
//! RSA signature (reported in the README). One test function, so nothing else runs meanwhile.

#[path = "support/counting_alloc.rs"]
mod counting_alloc;

use counting_alloc::{measure, Counting};
use snapsign_core::access_token::TokenResponse;
use snapsign_core::body_digest::BodyHasher;
use snapsign_core::endpoint::EndpointRule;
use snapsign_core::minify::minify;
use snapsign_core::timestamp::{Timestamp, TimestampFormat};
use snapsign_core::{
    body_digest, describe_response_code, string_to_sign, AccessToken, HmacSigner, KeyOptions, RsaSigner,
};

#[global_allocator]
static A: Counting = Counting;

#[test]
fn heap_use() {
    let body =
        br#"{ "partnerServiceId": "  088899", "totalAmount": { "value": "12345678.00", "currency": "IDR" } }"#.to_vec();
    let ts = "2020-01-01T04:10:00.123+07:00";
    let mut out = [0u8; 256];

    let (allocs, _, _) = measure(|| minify(&body, &mut out).unwrap());
    assert_eq!(allocs, 0, "minify allocated");
    let (allocs, _, d) = measure(|| body_digest(&body).unwrap());
    assert_eq!(allocs, 0, "body_digest allocated");
    let (allocs, _, _) = measure(|| {
        let mut h = BodyHasher::new();
        for chunk in body.chunks(7) {
            h.update(chunk).unwrap();
        }
        h.finish().unwrap()
    });
    assert_eq!(allocs, 0, "streaming digest allocated");
    let (allocs, _, _) = measure(|| {
        let t = Timestamp::parse(ts).unwrap();
        t.format(TimestampFormat { millis: true, utc_as_z: false })
    });
    assert_eq!(allocs, 0, "timestamp allocated");
    let (allocs, _, s) = measure(|| string_to_sign::transaction("POST", "/v1.0/x?y=1", "token", &d, ts).unwrap());
    assert_eq!(allocs, 0, "string_to_sign allocated");
    let (allocs, _, _) = measure(|| {
        let target = "/v1.0/x?b=2&a=%7e+z&a&=x&&c=%G1";
        [EndpointRule::AsSent, EndpointRule::PathOnly, EndpointRule::CanonicalQuery].map(|r| r.apply(target).unwrap())
    });
    assert_eq!(allocs, 0, "endpoint rules allocated");
    let (allocs, _, _) = measure(|| {
        let signer = HmacSigner::new(b"a-secret").unwrap();
        let sig = signer.sign(s.as_bytes());
        signer.verify(s.as_bytes(), sig.as_bytes()).unwrap();
        signer.sign_transaction("POST", "/v1.0/x", "token", &body, ts).unwrap()
    });
    assert_eq!(allocs, 0, "HMAC allocated");
    let (allocs, _, _) = measure(|| describe_response_code("4017300").unwrap());
    assert_eq!(allocs, 0, "describe_response_code allocated");
    let response = br#"{"responseCode":"2007300","accessToken":"t","tokenType":"Bearer","expiresIn":"900"}"#;
    let (allocs, _, _) = measure(|| {
        let token = AccessToken::from_response(TokenResponse::parse(response).unwrap(), 0).unwrap();
        token.needs_refresh(840_000, 60)
    });
    assert_eq!(allocs, 0, "access-token lifetime allocated");

    let pem = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/keys/rsa2048-pkcs8.pem")).unwrap();
    let (_, load_peak, signer) = measure(|| RsaSigner::from_bytes(&pem, &KeyOptions::default()).unwrap());
    let mut rng = getrandom::SysRng;
    let (sign_allocs, sign_peak, sig) = measure(|| signer.sign(s.as_bytes(), &mut rng).unwrap());
    let verifier = signer.verifier();
    let (_, verify_peak, ()) = measure(|| verifier.verify(s.as_bytes(), sig.as_bytes()).unwrap());
    println!(
        "heap, RSA-2048: key load peak {load_peak} B; one signature peak {sign_peak} B in {sign_allocs} allocations; \
         one verification peak {verify_peak} B"
    );
    assert!(sign_peak > 0 && sign_peak < 64 * 1024, "signature peak heap {sign_peak} B");
}
