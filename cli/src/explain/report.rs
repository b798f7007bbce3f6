//! The explanation, written as text (every step, for a person) or as one JSON object.

use serde_json::{json, Map, Value};
use snapsign_core::timestamp::{Timestamp, TimestampFormat};
use snapsign_explain::visible::visible;
use snapsign_explain::{CauseId, Check, Explanation, Verdict};

/// Every step, for a person.
pub(super) fn text(e: &Explanation) -> String {
    let (kind, p) = (e.kind, &e.parts);
    let mut lines: Vec<String> = vec![format!("snapsign explain {}: {}", kind.name(), kind.title()), String::new()];
    for (label, _, value) in p.fields(kind) {
        lines.push(format!("{label:<15}\"{}\"", visible(value)));
    }
    if let Some(utc) = instant_in_utc(&p.timestamp) {
        lines.push(format!("{:<15}{utc} in UTC", "  instant"));
    }
    if let Some(body) = &e.body {
        lines.push(format!("{:<15}{} bytes from {}", "body", body.len, body.source));
        match &body.minified {
            Ok(m) => {
                lines.push(format!("{:<15}{}", "  minified", visible(&String::from_utf8_lossy(m))));
                lines.push(format!("{:<15}{}  (lower-case hex SHA-256 of the minified body)", "  sha256", p.digest));
                if m.is_empty() {
                    lines.push(format!("{:<15}empty body: SHA-256 of the empty string", ""));
                }
            }
            Err(e) => {
                lines.push(format!("{:<15}{}  (SHA-256 of the raw bytes: {})", "  sha256", p.digest, e.summary()))
            }
        }
    }
    lines.push(String::new());
    lines.push(format!("string-to-sign ({} bytes):", e.string_to_sign.len()));
    lines.push(format!("  \"{}\"", p.build_visible(kind)));
    for w in &e.warnings {
        lines.push(format!("warning: {w}"));
    }
    if !e.problems.is_empty() {
        lines.push(String::new());
        lines.push("problems (snapsign and most providers refuse this input):".into());
        for p in &e.problems {
            lines.push(format!("  - {p}"));
        }
    }
    if let Some(sig) = &e.signature {
        lines.push(String::new());
        lines.push(format!("signature      {sig}"));
    }
    if let Some(check) = &e.check {
        check_text(e, check, &mut lines);
    }
    lines.push(String::new());
    lines.join("\n")
}

fn check_text(e: &Explanation, check: &Check, lines: &mut Vec<String>) {
    lines.push(String::new());
    lines.push(format!("given signature {}", check.given));
    for note in &check.notes {
        lines.push(format!("note: {note}"));
    }
    match &check.verdict {
        Verdict::Valid => {
            lines.push("result         VALID: the signature matches this string-to-sign".into());
            lines.push(String::new());
            lines.push("if the provider still rejects it, check:".into());
            lines.extend(snapsign_explain::VALID_BUT_REJECTED.iter().map(|c| format!("  - {c}")));
        }
        Verdict::ValidOnceNormalized if check.causes().iter().any(|c| c.ids.contains(&CauseId::HexSignature)) => lines
            .push("result         INVALID as given; it verifies once decoded from hex and written in base64".into()),
        Verdict::ValidOnceNormalized => {
            lines.push("result         INVALID as given; it verifies once written as standard padded base64".into())
        }
        Verdict::Invalid { error, search } => {
            lines.push(format!("result         INVALID: {error}"));
            if search.is_none() {
                return;
            }
            if check.causes().is_empty() {
                if let Some(u) = e.unexplained() {
                    lines.push(String::new());
                    lines.push(u.message.clone());
                    lines.push("  tried:".into());
                    lines.extend(u.tried.iter().map(|t| format!("    - {t}")));
                    lines.push("  taken as given:".into());
                    lines.extend(u.taken_as_given.iter().map(|t| format!("    - {t}")));
                    if !u.not_tried.is_empty() {
                        lines.push("  not tried:".into());
                        lines.extend(u.not_tried.iter().map(|t| format!("    - {t}")));
                    }
                }
            } else {
                lines.push(String::new());
                lines.push("likely cause (this variant verifies):".into());
                for v in check.causes() {
                    lines.push(format!("  * {}", v.message));
                    if let Some(b) = &v.body {
                        lines.push(format!("    body hashed:    {}", visible(b)));
                    }
                    lines.push(format!("    string-to-sign: \"{}\"", visible(&v.string_to_sign)));
                }
            }
        }
    }
}

/// One JSON object.
pub(super) fn json(e: &Explanation) -> Value {
    let (kind, p) = (e.kind, &e.parts);
    let mut inputs = Map::new();
    for (_, flag, value) in p.fields(kind) {
        inputs.insert(flag.trim_start_matches('-').replace('-', "_"), Value::String(value.to_string()));
    }
    let check = e.check.as_ref();
    let search = e.search();
    let causes: Vec<Value> = e
        .causes()
        .iter()
        .map(|c| json!({"id": c.id, "cause": c.message, "fix": c.fix, "also": c.also, "string_to_sign": c.string_to_sign, "body": c.body}))
        .collect();
    let mut obj = json!({
        "kind": kind.name(),
        "inputs": Value::Object(inputs),
        "string_to_sign": e.string_to_sign,
        "string_to_sign_visible": p.build_visible(kind),
        "signature": e.signature,
        "warnings": e.warnings,
        "problems": e.problems,
        "given_signature": check.map(|c| &c.given),
        "signature_notes": check.map(|c| c.notes.as_slice()).unwrap_or_default(),
        "valid": e.valid(),
        "variants_checked": search.map_or(0, |s| s.checked),
        "causes": causes,
        "unexplained": e.unexplained(),
        "if_still_rejected": if e.valid() == Some(true) { snapsign_explain::VALID_BUT_REJECTED } else { &[] },
    });
    if let (Some(body), Some(m)) = (&e.body, obj.as_object_mut()) {
        m.insert("body_minified".into(), json!(body.minified.as_deref().ok().map(String::from_utf8_lossy)));
        m.insert("body_sha256_hex".into(), json!(p.digest));
    }
    obj
}

/// The timestamp's instant in UTC, when it parses.
fn instant_in_utc(timestamp: &str) -> Option<String> {
    let t = Timestamp::parse(timestamp).ok()?;
    let utc = Timestamp::from_unix_millis(t.unix_millis(), 0).ok()?;
    Some(utc.format(TimestampFormat { millis: t.unix_millis() % 1000 != 0, utc_as_z: true }).to_string())
}
