//! Differential tests: random inputs, each checked against an independent implementation
//! (tests/oracle/snap_oracle.py: Python's json, hashlib, hmac and the `cryptography` package).
//! Nothing here compares the core with itself.

#[path = "support/oracle.rs"]
mod support_oracle;
use support_oracle::{oracle, repo};

use base64ct::{Base64, Encoding};
use proptest::prelude::*;
use serde_json::{json, Value};
use snapsign_core::minify::minify_to;
use snapsign_core::timestamp::{Timestamp, TimestampFormat};
use snapsign_core::{body_digest, string_to_sign, HmacSigner, KeyOptions, RsaSigner, RsaVerifier};

fn key_path(name: &str) -> String {
    repo().join("tests/vectors/keys").join(name).to_string_lossy().into_owned()
}

fn b64(bytes: &[u8]) -> String {
    Base64::encode_string(bytes)
}

/// A tiny deterministic generator, seeded by proptest, for whitespace and spelling choices.
struct Choices(u64);

impl Choices {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) % n
    }

    fn ws(&mut self, out: &mut String) {
        for _ in 0..self.next(3) {
            out.push([' ', '\t', '\n', '\r', ' '][self.next(5) as usize]);
        }
    }
}

#[derive(Debug, Clone)]
enum Json {
    Null,
    Bool(bool),
    Num(&'static str),
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

fn json_strategy() -> impl Strategy<Value = Json> {
    let text = proptest::collection::vec(
        prop_oneof![
            Just('a'),
            Just(' '),
            Just('"'),
            Just('\\'),
            Just('/'),
            Just('\u{e9}'),
            Just('\u{65e5}'),
            Just('\u{1F600}'),
            Just('\t'),
            Just('\u{1}'),
            Just('Z'),
            Just('0'),
            Just(':'),
            Just(','),
            Just('{'),
            Just(']'),
        ],
        0..12,
    )
    .prop_map(|cs| cs.into_iter().collect::<String>());
    let leaf = prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::Bool),
        prop_oneof![Just("0"), Just("-12"), Just("3.50"), Just("1e10"), Just("-2.5E-3"), Just("12345678901234567890")]
            .prop_map(Json::Num),
        text.clone().prop_map(Json::Str),
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Json::Arr),
            proptest::collection::vec((text.clone(), inner), 0..6).prop_map(Json::Obj),
        ]
    })
}

/// Writes a JSON string, choosing among equivalent spellings, as different SDKs do.
fn write_string(s: &str, c: &mut Choices, out: &mut String) {
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '/' if c.next(2) == 0 => out.push_str("\\/"),
            '\t' => out.push_str(if c.next(2) == 0 { "\\t" } else { "\\u0009" }),
            '\u{1}' => out.push_str("\\u0001"),
            '\u{e9}' if c.next(2) == 0 => out.push_str("\\u00e9"),
            '\u{1F600}' if c.next(2) == 0 => out.push_str("\\ud83d\\ude00"),
            _ => out.push(ch),
        }
    }
    out.push('"');
}

fn write_json(v: &Json, c: &mut Choices, out: &mut String) {
    c.ws(out);
    match v {
        Json::Null => out.push_str("null"),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Num(n) => out.push_str(n),
        Json::Str(s) => write_string(s, c, out),
        Json::Arr(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    c.ws(out);
                    out.push(',');
                }
                write_json(item, c, out);
            }
            c.ws(out);
            out.push(']');
        }
        Json::Obj(fields) => {
            out.push('{');
            for (i, (k, item)) in fields.iter().enumerate() {
                if i > 0 {
                    c.ws(out);
                    out.push(',');
                }
                c.ws(out);
                write_string(k, c, out);
                c.ws(out);
                out.push(':');
                write_json(item, c, out);
            }
            c.ws(out);
            out.push('}');
        }
    }
    c.ws(out);
}

fn body_strategy() -> impl Strategy<Value = String> {
    (json_strategy(), any::<u64>()).prop_map(|(v, seed)| {
        let mut out = String::new();
        write_json(&v, &mut Choices(seed), &mut out);
        out
    })
}

/// Random instants 1970–2100 in Indonesian and other offsets, in every written form.
fn timestamp_strategy() -> impl Strategy<Value = String> {
    (
        0i64..4_102_444_800_000,
        prop_oneof![Just(420i16), Just(480), Just(540), Just(0), Just(-210), Just(345), Just(-720), Just(840)],
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(ms, off, millis, utc_as_z)| {
            Timestamp::from_unix_millis(ms, off).unwrap().format(TimestampFormat { millis, utc_as_z }).to_string()
        })
}

fn client_id_strategy() -> impl Strategy<Value = String> {
    "[A-Za-z0-9._-]{1,40}"
}

fn path_strategy() -> impl Strategy<Value = String> {
    "(/[a-z0-9.-]{1,12}){1,4}(\\?[a-z]{1,5}=[a-zA-Z0-9%]{0,8}(&[a-z]{1,5}=[0-9]{1,4}){0,2})?"
}

fn method_strategy() -> impl Strategy<Value = &'static str> {
    prop_oneof![Just("GET"), Just("POST"), Just("PUT"), Just("PATCH"), Just("DELETE")]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, max_shrink_iters: 64, ..ProptestConfig::default() })]

    #[test]
    fn minify_and_digest_match_python(bodies in proptest::collection::vec(body_strategy(), 40)) {
        let cases: Vec<Value> = bodies.iter().map(|b| json!({"op": "minify", "body_b64": b64(b.as_bytes())})).collect();
        for (body, answer) in bodies.iter().zip(oracle(&cases)) {
            prop_assert_eq!(answer["valid"].as_bool(), Some(true), "generator made invalid JSON: {}", body);
            let mut ours = Vec::new();
            minify_to(body.as_bytes(), &mut ours).unwrap();
            let theirs = Base64::decode_vec(answer["minified_b64"].as_str().unwrap()).unwrap();
            prop_assert_eq!(&ours, &theirs, "body {:?}", body);
            let d = body_digest(body.as_bytes()).unwrap();
            prop_assert_eq!(d.as_str(), answer["sha256_hex"].as_str().unwrap());
            // And the minified text is the same JSON value.
            let a: Value = serde_json::from_str(body).unwrap();
            let b: Value = serde_json::from_slice(&ours).unwrap();
            prop_assert_eq!(a, b);
        }
    }

    #[test]
    fn mutated_bodies_are_rejected_exactly_when_python_rejects(
        bodies in proptest::collection::vec((body_strategy(), any::<prop::sample::Index>(), any::<u8>()), 40)
    ) {
        // Flip one byte to a JSON-significant character, then compare verdicts.
        let mutated: Vec<Vec<u8>> = bodies.iter().map(|(b, at, byte)| {
            let mut v = b.clone().into_bytes();
            if !v.is_empty() {
                let i = at.index(v.len());
                let pool = b"{}[]:,\"\\ 0e-.tnfx\x01";
                v[i] = pool[usize::from(*byte) % pool.len()];
            }
            v
        }).collect();
        let cases: Vec<Value> = mutated.iter().map(|b| json!({"op": "minify", "body_b64": b64(b)})).collect();
        for (body, answer) in mutated.iter().zip(oracle(&cases)) {
            let ours = body_digest(body);
            let lossy = String::from_utf8_lossy(body);
            // Python accepts lone surrogate escapes; the core (like serde_json) refuses them.
            if lossy.contains("\\ud8") || lossy.contains("\\ude") {
                continue;
            }
            prop_assert_eq!(ours.is_ok(), answer["valid"].as_bool().unwrap(), "body {:?}: {:?}", lossy, ours);
            if let Ok(d) = ours {
                prop_assert_eq!(d.as_str(), answer["sha256_hex"].as_str().unwrap());
            }
        }
    }

    #[test]
    fn token_signatures_match_python(
        cases in proptest::collection::vec((client_id_strategy(), timestamp_strategy()), 6),
        key in prop_oneof![Just("rsa2048"), Just("rsa3072"), Just("rsa4096")],
    ) {
        let pem = key_path(&format!("{key}-pkcs8.pem"));
        let signer = RsaSigner::from_bytes(&std::fs::read(&pem).unwrap(), &KeyOptions::default()).unwrap();
        let requests: Vec<Value> = cases.iter()
            .map(|(id, ts)| json!({"op": "token", "client_id": id, "timestamp": ts, "key": pem}))
            .collect();
        for ((id, ts), answer) in cases.iter().zip(oracle(&requests)) {
            let sts = string_to_sign::token(id, ts).unwrap();
            prop_assert_eq!(sts.as_str(), answer["string_to_sign"].as_str().unwrap());
            let sig = signer.sign_token(id, ts, &mut getrandom::SysRng).unwrap();
            prop_assert_eq!(sig.as_str(), answer["signature"].as_str().unwrap());
        }
    }

    #[test]
    fn transaction_signatures_match_python(
        cases in proptest::collection::vec(
            (method_strategy(), path_strategy(), "[A-Za-z0-9._~+/-]{1,200}", body_strategy(), timestamp_strategy(), "[ -~\u{e9}\u{65e5}]{1,40}"),
            30,
        )
    ) {
        let requests: Vec<Value> = cases.iter().map(|(m, p, t, b, ts, secret)| json!({
            "op": "transaction", "method": m, "path": p, "access_token": t, "body_b64": b64(b.as_bytes()),
            "timestamp": ts, "client_secret": secret,
        })).collect();
        for ((m, p, t, b, ts, secret), answer) in cases.iter().zip(oracle(&requests)) {
            let d = body_digest(b.as_bytes()).unwrap();
            let sts = string_to_sign::transaction(m, p, t, &d, ts).unwrap();
            prop_assert_eq!(sts.as_str(), answer["string_to_sign"].as_str().unwrap());
            let signer = HmacSigner::new(secret.as_bytes()).unwrap();
            let sig = signer.sign_transaction(m, p, t, b.as_bytes(), ts).unwrap();
            prop_assert_eq!(sig.as_str(), answer["signature"].as_str().unwrap());
            prop_assert!(signer.verify_transaction(m, p, t, b.as_bytes(), ts, sig.as_bytes()).is_ok());
        }
    }

    #[test]
    fn service_signatures_match_python_and_verify_there(
        cases in proptest::collection::vec((method_strategy(), path_strategy(), body_strategy(), timestamp_strategy()), 4),
    ) {
        let pem = key_path("rsa2048-pkcs1.pem");
        let public = key_path("rsa2048-public.pem");
        let signer = RsaSigner::from_bytes(&std::fs::read(&pem).unwrap(), &KeyOptions::default()).unwrap();
        let mut requests = Vec::new();
        let mut ours = Vec::new();
        for (m, p, b, ts) in &cases {
            let sig = signer.sign_service(m, p, b.as_bytes(), ts, &mut getrandom::SysRng).unwrap();
            let sts = string_to_sign::service(m, p, &body_digest(b.as_bytes()).unwrap(), ts).unwrap();
            requests.push(json!({"op": "service", "method": m, "path": p, "body_b64": b64(b.as_bytes()), "timestamp": ts, "key": pem}));
            requests.push(json!({"op": "verify_rsa", "message_b64": b64(sts.as_bytes()), "signature": sig.as_str(), "public_key": public}));
            // A signature over another timestamp must not verify there either.
            let other = signer.sign(format!("{}x", sts).as_bytes(), &mut getrandom::SysRng).unwrap();
            requests.push(json!({"op": "verify_rsa", "message_b64": b64(sts.as_bytes()), "signature": other.as_str(), "public_key": public}));
            ours.push((sts, sig));
        }
        let answers = oracle(&requests);
        for ((sts, sig), a) in ours.iter().zip(answers.chunks(3)) {
            prop_assert_eq!(sts.as_str(), a[0]["string_to_sign"].as_str().unwrap());
            prop_assert_eq!(sig.as_str(), a[0]["signature"].as_str().unwrap());
            prop_assert_eq!(a[1]["valid"].as_bool(), Some(true));
            prop_assert_eq!(a[2]["valid"].as_bool(), Some(false));
            let verifier = RsaVerifier::from_bytes(&std::fs::read(&public).unwrap(), &KeyOptions::default()).unwrap();
            prop_assert!(verifier.verify(sts.as_bytes(), sig.as_bytes()).is_ok());
        }
    }

    #[test]
    fn timestamps_match_python_datetime(
        cases in proptest::collection::vec((0i64..4_102_444_800_000, -1080i16..=1080, any::<bool>(), any::<bool>()), 60)
    ) {
        let requests: Vec<Value> = cases.iter().map(|(ms, off, millis, z)| json!({
            "op": "timestamp", "unix_millis": ms, "offset_minutes": off, "millis": millis, "utc_as_z": z,
        })).collect();
        for ((ms, off, millis, z), answer) in cases.iter().zip(oracle(&requests)) {
            let ts = Timestamp::from_unix_millis(*ms, *off).unwrap();
            let text = ts.format(TimestampFormat { millis: *millis, utc_as_z: *z });
            prop_assert_eq!(text.as_str(), answer["text"].as_str().unwrap());
            let back = Timestamp::parse(&text).unwrap();
            prop_assert_eq!(back.offset_minutes(), *off);
            prop_assert_eq!(back.unix_millis(), if *millis { *ms } else { ms - ms.rem_euclid(1000) });
        }
    }
}
