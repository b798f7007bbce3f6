//! The variant search stays bounded: with every part of the inputs at its most varied (the
//! inputs of `examples/worst_case.rs`, which times them), at most 7,000 variants are checked.

use snapsign_core::HmacSigner;
use snapsign_explain::{explain, Checker, Inputs, Kind, Parts};

#[test]
fn the_largest_search_checks_at_most_7000_variants() {
    let mut body = String::from("{\n  \"items\": [\n");
    for i in 0..12 {
        body.push_str(&format!(
            "    {{\"sku\": \"A/{i}\", \"name\": \"kopi \\u00e9 <{i}> & susu\", \"price\": {i}00.50, \"qty\": 1.0e{i}}},\n"
        ));
    }
    body.push_str("    {}\n  ]\n}\n");
    assert!(body.len() >= 1024);
    let secret = HmacSigner::new(b"a-secret").unwrap();
    let unstripped = Some(Box::new(HmacSigner::new(b"a-secret\n").unwrap()));
    let inputs = Inputs {
        parts: Parts {
            method: "post ".into(),
            path: "https://api.example.com/openapi/v1.0/a%2fb\u{a0}c?b=2&a=1 ".into(),
            token: "Bearer t\u{200b}ok ".into(),
            timestamp: "2024-03-05T09:07:16.347+05:30".into(),
            ..Parts::default()
        },
        body: body.into_bytes(),
        profile: snapsign_core::provider::find("bca"),
        checker: Some(Checker::Hmac { secret: Box::new(secret), unstripped }),
        signature: Some(HmacSigner::new(b"another").unwrap().sign(b"x").to_string()),
        ..Inputs::new(Kind::Transaction)
    };
    let e = explain(inputs).unwrap();
    let checked = e.search().expect("searched").checked;
    assert!((6000..=7000).contains(&checked), "{checked}");
    assert!(e.causes().is_empty());
    assert_eq!(e.unexplained().map(|u| u.id), Some("no-variant-verifies"));
}
