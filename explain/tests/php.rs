//! PHP's `json_encode`, from real PHP: `tests/fixtures/php/json_encode.json` holds bodies that PHP
//! decoded, encoded again and signed (`hash_hmac`), made by `tests/fixtures/php/json_encode.php`.
//! When php is installed, the committed file is checked to be that script's output; either way,
//! explain must find each PHP-signed body and name it `php-json-encode`.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use snapsign_core::HmacSigner;
use snapsign_explain::{explain, CauseId, Checker, Inputs, Kind, Parts};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/php")
}

fn committed() -> String {
    std::fs::read_to_string(fixtures().join("json_encode.json")).expect("fixture")
}

#[test]
fn the_fixture_is_what_php_writes() {
    let Ok(out) = Command::new("php").arg(fixtures().join("json_encode.php")).output() else {
        eprintln!("php is not installed: the committed PHP outputs are used as they are");
        return;
    };
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), committed(), "regenerate tests/fixtures/php/json_encode.json");
}

#[test]
fn explain_finds_every_php_encoded_body() {
    let f: Value = serde_json::from_str(&committed()).expect("fixture JSON");
    let s = |v: &Value| v.as_str().expect("string").to_string();
    for case in f["cases"].as_array().expect("cases") {
        let sent = s(&case["sent"]);
        let secret = HmacSigner::new(s(&f["secret"]).as_bytes()).unwrap();
        let inputs = Inputs {
            parts: Parts {
                method: s(&f["method"]),
                path: s(&f["path"]),
                token: s(&f["token"]),
                timestamp: s(&f["timestamp"]),
                ..Parts::default()
            },
            body: sent.clone().into_bytes(),
            checker: Some(Checker::Hmac { secret: Box::new(secret), unstripped: None }),
            signature: Some(s(&case["signature"])),
            ..Inputs::new(Kind::Transaction)
        };
        let e = explain(inputs).unwrap();
        let causes = e.causes();
        assert_eq!(e.valid(), Some(false));
        let what = format!("{} of {sent:?}: {causes:?}", s(&case["php"]));
        assert_eq!(causes.len(), 1, "{what}");
        // JSON.stringify writes many bodies as PHP does: then PHP is named among the alternatives.
        let c = &causes[0];
        assert!(c.ids == [CauseId::PhpJsonEncode] || c.also.contains(&CauseId::PhpJsonEncode), "{what}");
        assert!(c.message.contains("PHP json_encode"), "{what}");
        assert_eq!(causes[0].body.as_deref(), Some(s(&case["encoded"]).as_str()), "{what}");
        assert_eq!(causes[0].string_to_sign, s(&case["string_to_sign"]), "{what}");
    }
}
