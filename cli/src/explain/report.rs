//! The explanation, written as text (every step, for a person) or as one JSON object.

use serde_json::{json, Map, Value};
use snapsign_core::timestamp::{Timestamp, TimestampFormat};
use snapsign_core::Error;

use super::parts::{Kind, Parts};
use super::signature::{Check, Verdict};
use crate::visible::visible;

/// Everything explain found, in the order it is reported.
pub(super) struct Explanation {
    pub(super) kind: Kind,
    /// The parts as given, with the digest of the body.
    pub(super) parts: Parts,
    /// `None` for the token signature, which signs no body.
    pub(super) body: Option<BodyStep>,
    pub(super) string_to_sign: String,
    pub(super) warnings: Vec<String>,
    pub(super) problems: Vec<String>,
    /// The signature computed with the given key or secret.
    pub(super) signature: Option<String>,
    pub(super) check: Option<Check>,
}

/// The body as read, and minified, or why it could not be.
pub(super) struct BodyStep {
    pub(super) len: usize,
    pub(super) source: String,
    pub(super) minified: Result<Vec<u8>, Error>,
}

impl Explanation {
    /// Whether the given signature verifies, when one was given.
    pub(super) fn valid(&self) -> Option<bool> {
        self.check.as_ref().map(Check::is_valid)
    }

    pub(super) fn text(&self) -> String {
        let (kind, p) = (self.kind, &self.parts);
        let mut lines: Vec<String> = vec![format!("snapsign explain {}: {}", kind.name(), kind.title()), String::new()];
        for (label, _, value) in p.fields(kind) {
            lines.push(format!("{label:<15}\"{}\"", visible(value)));
        }
        if let Some(utc) = instant_in_utc(&p.timestamp) {
            lines.push(format!("{:<15}{utc} in UTC", "  instant"));
        }
        if let Some(body) = &self.body {
            lines.push(format!("{:<15}{} bytes from {}", "body", body.len, body.source));
            match &body.minified {
                Ok(m) => {
                    lines.push(format!("{:<15}{}", "  minified", visible(&String::from_utf8_lossy(m))));
                    lines
                        .push(format!("{:<15}{}  (lower-case hex SHA-256 of the minified body)", "  sha256", p.digest));
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
        lines.push(format!("string-to-sign ({} bytes):", self.string_to_sign.len()));
        lines.push(format!("  \"{}\"", p.build_visible(kind)));
        for w in &self.warnings {
            lines.push(format!("warning: {w}"));
        }
        if !self.problems.is_empty() {
            lines.push(String::new());
            lines.push("problems (snapsign and most providers refuse this input):".into());
            for p in &self.problems {
                lines.push(format!("  - {p}"));
            }
        }
        if let Some(sig) = &self.signature {
            lines.push(String::new());
            lines.push(format!("signature      {sig}"));
        }
        if let Some(check) = &self.check {
            self.check_text(check, &mut lines);
        }
        lines.push(String::new());
        lines.join("\n")
    }

    fn check_text(&self, check: &Check, lines: &mut Vec<String>) {
        lines.push(String::new());
        lines.push(format!("given signature {}", check.given));
        for note in &check.notes {
            lines.push(format!("note: {note}"));
        }
        match &check.verdict {
            Verdict::Valid => lines.push("result         VALID: the signature matches this string-to-sign".into()),
            Verdict::ValidOnceNormalized => {
                lines.push("result         INVALID as given; it verifies once written as standard padded base64".into())
            }
            Verdict::Invalid { error, search } => {
                lines.push(format!("result         INVALID: {error}"));
                let Some(search) = search else { return };
                if search.causes.is_empty() {
                    lines.push(format!(
                        "no variant matches ({} checked, one or two changes at a time: timestamp formats, path and \
                         query, method case, {}body serialisations). Remaining causes: another key or secret, another \
                         client id or body, or a signature of another request.",
                        search.checked,
                        if self.kind == Kind::Transaction { "Bearer prefix, " } else { "" }
                    ));
                } else {
                    lines.push(String::new());
                    lines.push("likely cause (this variant verifies):".into());
                    for v in &search.causes {
                        lines.push(format!("  * {}", v.cause));
                        if let Some(b) = &v.body {
                            lines.push(format!("    body hashed:    {}", visible(b)));
                        }
                        lines.push(format!("    string-to-sign: \"{}\"", visible(&v.string_to_sign)));
                    }
                }
            }
        }
    }

    pub(super) fn json(&self) -> Value {
        let (kind, p) = (self.kind, &self.parts);
        let mut inputs = Map::new();
        for (_, flag, value) in p.fields(kind) {
            inputs.insert(flag.trim_start_matches('-').replace('-', "_"), Value::String(value.to_string()));
        }
        let check = self.check.as_ref();
        let search = check.and_then(|c| match &c.verdict {
            Verdict::Invalid { search, .. } => search.as_ref(),
            _ => None,
        });
        let causes: Vec<Value> = match check {
            // The signature's spelling is the cause.
            Some(c @ Check { verdict: Verdict::ValidOnceNormalized, .. }) => c
                .notes
                .iter()
                .map(|note| json!({"cause": note, "string_to_sign": self.string_to_sign, "body": null}))
                .collect(),
            _ => search
                .map(|s| &s.causes)
                .into_iter()
                .flatten()
                .map(|v| json!({"cause": v.cause, "string_to_sign": v.string_to_sign, "body": v.body}))
                .collect(),
        };
        let mut obj = json!({
            "kind": kind.name(),
            "inputs": Value::Object(inputs),
            "string_to_sign": self.string_to_sign,
            "string_to_sign_visible": p.build_visible(kind),
            "signature": self.signature,
            "warnings": self.warnings,
            "problems": self.problems,
            "given_signature": check.map(|c| &c.given),
            "signature_notes": check.map(|c| c.notes.as_slice()).unwrap_or_default(),
            "valid": self.valid(),
            "variants_checked": search.map_or(0, |s| s.checked),
            "causes": causes,
        });
        if let (Some(body), Some(m)) = (&self.body, obj.as_object_mut()) {
            m.insert("body_minified".into(), json!(body.minified.as_deref().ok().map(String::from_utf8_lossy)));
            m.insert("body_sha256_hex".into(), json!(p.digest));
        }
        obj
    }
}

/// The timestamp's instant in UTC, when it parses.
fn instant_in_utc(timestamp: &str) -> Option<String> {
    let t = Timestamp::parse(timestamp).ok()?;
    let utc = Timestamp::from_unix_millis(t.unix_millis(), 0).ok()?;
    Some(utc.format(TimestampFormat { millis: t.unix_millis() % 1000 != 0, utc_as_z: true }).to_string())
}
