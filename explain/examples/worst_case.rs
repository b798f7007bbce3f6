//! The variant search at its largest, timed: every part of the inputs has as many variants as it
//! can (a lower-case method with a space, an absolute URL with a query to sort, percent escapes
//! and a no-break space, a 1 KiB body that every serialiser writes differently, a timestamp with
//! milliseconds in an offset outside the list, BCA's rule, the secret file's newline), and the
//! signature is over another message (RSA: made with the same key, so that its signed digest is
//! well-formed and every variant is hashed and compared; HMAC: another secret), so that every
//! variant is checked.
//!
//!     cargo run --release -p snapsign-explain --example worst_case
//!
//! Prints, for the service (RSA-2048 and RSA-4096) and transaction (HMAC-SHA512) signatures, how
//! many variants were checked and the slowest of 5 runs.

use std::time::{Duration, Instant};

use snapsign_core::{HmacSigner, KeyOptions, RsaSigner};
use snapsign_explain::{explain, Checker, Inputs, Kind, Parts};

/// About 1 KiB of pretty-printed JSON with non-ASCII text, slashes, HTML characters and floats.
pub fn body() -> Vec<u8> {
    let mut items = Vec::new();
    for i in 0..12 {
        items.push(format!(
            "    {{\"sku\": \"A/{i}\", \"name\": \"kopi \\u00e9 <{i}> & susu\", \"price\": {i}00.50, \"qty\": 1.0e{i}}}"
        ));
    }
    format!("{{\n  \"partnerReferenceNo\": \"ref/2024\",\n  \"items\": [\n{}\n  ]\n}}\n", items.join(",\n"))
        .into_bytes()
}

fn inputs(kind: Kind, checker: Checker, rsa_signature: &str) -> Inputs {
    Inputs {
        parts: Parts {
            method: "post ".into(),
            path: "https://api.example.com/openapi/v1.0/a%2fb\u{a0}c?b=2&a=1 ".into(),
            token: "Bearer t\u{200b}ok ".into(),
            timestamp: "2024-03-05T09:07:16.347+05:30".into(),
            ..Parts::default()
        },
        body: body(),
        body_name: "worst case".into(),
        profile: snapsign_core::provider::find("bca"),
        checker: Some(checker),
        // A well-formed signature of another message: nothing verifies, so every variant is checked.
        signature: Some(match kind {
            Kind::Transaction => HmacSigner::new(b"another").unwrap().sign(b"x").to_string(),
            _ => rsa_signature.to_owned(),
        }),
        ..Inputs::new(kind)
    }
}

fn time(name: &str, make: impl Fn() -> Inputs) {
    let mut slowest = Duration::ZERO;
    let mut checked = 0;
    for _ in 0..5 {
        let input = make();
        let start = Instant::now();
        let e = explain(input).unwrap();
        slowest = slowest.max(start.elapsed());
        checked = e.search().map_or(0, |s| s.checked);
        assert!(e.causes().is_empty());
    }
    println!("{name}: {checked} variants checked, slowest of 5 runs {:.0} ms", slowest.as_secs_f64() * 1000.0);
}

fn main() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/keys/");
    println!("body: {} bytes", body().len());
    for bits in [2048, 4096] {
        let pem = std::fs::read(format!("{root}rsa{bits}-pkcs8.pem")).unwrap();
        let signer = RsaSigner::from_bytes(&pem, &KeyOptions::default()).unwrap();
        let other = signer.sign(b"another message", &mut getrandom::SysRng).unwrap().to_string();
        let verifier = signer.verifier();
        time(&format!("service (RSA-{bits})"), || inputs(Kind::Service, Checker::Rsa(verifier.clone()), &other));
    }
    let secret = HmacSigner::new(b"a-secret").unwrap();
    let unstripped = Some(Box::new(HmacSigner::new(b"a-secret\n").unwrap()));
    time("transaction (HMAC-SHA512)", || {
        let checker = Checker::Hmac { secret: Box::new(secret.clone()), unstripped: unstripped.clone() };
        inputs(Kind::Transaction, checker, "")
    });
}
