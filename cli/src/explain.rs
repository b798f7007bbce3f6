//! `snapsign explain`: every intermediate step of a signature, the problems the core would refuse,
//! and, for a signature that does not verify, the variants of the inputs that do (the likely cause).

use serde_json::{json, Value};
use snapsign_core::body_digest::BodyDigest;
use snapsign_core::string_to_sign::{check_access_token, check_client_id, check_path, Method};
use snapsign_core::timestamp::{Timestamp, TimestampFormat, WIB, WIT, WITA};
use snapsign_core::{Error, HmacSigner, RsaSigner, RsaVerifier};

use crate::text::{caret_context, field_warnings, visible};
use crate::{
    emit, input_name, load_secret, load_signer, load_verifier, read_input, resolve_timestamp, ExplainCommand,
    ExplainCommon, ExplainKeys, Failure, Outcome,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Token,
    Transaction,
    Service,
}

impl Kind {
    fn title(self) -> &'static str {
        match self {
            Kind::Token => "access-token signature: SHA256withRSA(clientId + \"|\" + X-TIMESTAMP)",
            Kind::Transaction => {
                "transaction signature: HMAC-SHA512(clientSecret, METHOD:path:token:sha256hex(minify(body)):X-TIMESTAMP)"
            }
            Kind::Service => "service signature: SHA256withRSA(METHOD:path:sha256hex(minify(body)):X-TIMESTAMP)",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Token => "token",
            Kind::Transaction => "transaction",
            Kind::Service => "service",
        }
    }
}

/// The parts a string-to-sign is made of, as text.
#[derive(Debug, Clone)]
struct Parts {
    client_id: String,
    method: String,
    path: String,
    token: String,
    digest: String,
    timestamp: String,
    /// `|` in the token string-to-sign.
    separator: char,
}

impl Parts {
    /// The string-to-sign with each part made visible on its own, so that a space at the end of
    /// one part (before a separator) shows as `\u{20}`.
    fn build_visible(&self, kind: Kind) -> String {
        let v = Parts {
            client_id: visible(&self.client_id),
            method: visible(&self.method),
            path: visible(&self.path),
            token: visible(&self.token),
            digest: visible(&self.digest),
            timestamp: visible(&self.timestamp),
            separator: self.separator,
        };
        v.build(kind)
    }

    fn build(&self, kind: Kind) -> String {
        match kind {
            Kind::Token => format!("{}{}{}", self.client_id, self.separator, self.timestamp),
            Kind::Transaction => {
                format!("{}:{}:{}:{}:{}", self.method, self.path, self.token, self.digest, self.timestamp)
            }
            Kind::Service => format!("{}:{}:{}:{}", self.method, self.path, self.digest, self.timestamp),
        }
    }
}

/// Another way the other side may have built the string-to-sign.
struct Variant {
    cause: String,
    string_to_sign: String,
    /// A body the other side hashed instead of the minified one.
    body: Option<String>,
    /// Verify with the secret as the file held it (trailing newline kept).
    unstripped_secret: bool,
    /// How many parts differ from the given inputs.
    changes: usize,
}

enum Signer {
    Rsa(RsaSigner),
    Hmac(HmacSigner),
}

enum Checker {
    Rsa(RsaVerifier),
    Hmac { secret: Box<HmacSigner>, unstripped: Option<Box<HmacSigner>> },
}

impl Checker {
    fn verify(&self, message: &[u8], signature: &[u8], unstripped: bool) -> Result<(), Error> {
        match self {
            Checker::Rsa(v) => v.verify(message, signature),
            Checker::Hmac { secret, unstripped: alt } => match (unstripped, alt) {
                (false, _) => secret.verify(message, signature),
                (true, Some(alt)) => alt.verify(message, signature),
                (true, None) => Err(Error::SignatureMismatch),
            },
        }
    }
}

struct Input {
    kind: Kind,
    parts: Parts,
    body_raw: Vec<u8>,
    body_name: String,
    base_url: Option<String>,
    signer: Option<Signer>,
    checker: Option<Checker>,
    common: ExplainCommon,
}

fn rsa_keys(keys: &ExplainKeys, signature_given: bool) -> Outcome<(Option<Signer>, Option<Checker>)> {
    let signer = match &keys.key {
        Some(path) => Some(load_signer(path, keys.passphrase_env.as_deref(), keys.allow_weak_key)?),
        None => None,
    };
    let checker = match (&keys.public_key, &signer) {
        (Some(path), _) => Some(Checker::Rsa(load_verifier(path, keys.allow_weak_key)?)),
        (None, Some(s)) => Some(Checker::Rsa(s.verifier())),
        (None, None) => None,
    };
    if signature_given && checker.is_none() {
        return Err(Failure::input("--signature", "checking a signature needs --public-key FILE (or --key FILE)"));
    }
    Ok((signer.map(Signer::Rsa), checker))
}

pub(crate) fn run(cmd: ExplainCommand) -> Outcome<u8> {
    let input = match cmd {
        ExplainCommand::Token { keys, client_id, time, common } => {
            let (signer, checker) = rsa_keys(&keys, common.signature.is_some())?;
            Input {
                kind: Kind::Token,
                parts: Parts {
                    client_id,
                    method: String::new(),
                    path: String::new(),
                    token: String::new(),
                    digest: String::new(),
                    timestamp: resolve_timestamp(&time)?,
                    separator: '|',
                },
                body_raw: Vec::new(),
                body_name: String::new(),
                base_url: None,
                signer,
                checker,
                common,
            }
        }
        ExplainCommand::Service { keys, request, time, common } => {
            let (signer, checker) = rsa_keys(&keys, common.signature.is_some())?;
            Input {
                kind: Kind::Service,
                parts: Parts {
                    client_id: String::new(),
                    method: request.method,
                    path: request.path,
                    token: String::new(),
                    digest: String::new(),
                    timestamp: resolve_timestamp(&time)?,
                    separator: '|',
                },
                body_raw: read_input(request.body.as_deref())?,
                body_name: request.body.as_deref().map(input_name).unwrap_or_else(|| "(no body)".into()),
                base_url: request.base_url,
                signer,
                checker,
                common,
            }
        }
        ExplainCommand::Transaction { secret, request, token, time, common } => {
            let secret = load_secret(secret.secret_env.as_deref(), secret.secret_file.as_deref())?;
            let (signer, checker) = match &secret {
                Some(s) => {
                    let main = HmacSigner::new(&s.bytes).map_err(|e| Failure::input(&s.source, e))?;
                    let unstripped = s.unstripped.as_deref().and_then(|u| HmacSigner::new(u).ok()).map(Box::new);
                    (Some(Signer::Hmac(main.clone())), Some(Checker::Hmac { secret: Box::new(main), unstripped }))
                }
                None => (None, None),
            };
            if common.signature.is_some() && checker.is_none() {
                return Err(Failure::input(
                    "--signature",
                    "checking a signature needs the client secret (--secret-env VAR or --secret-file FILE)",
                ));
            }
            Input {
                kind: Kind::Transaction,
                parts: Parts {
                    client_id: String::new(),
                    method: request.method,
                    path: request.path,
                    token,
                    digest: String::new(),
                    timestamp: resolve_timestamp(&time)?,
                    separator: '|',
                },
                body_raw: read_input(request.body.as_deref())?,
                body_name: request.body.as_deref().map(input_name).unwrap_or_else(|| "(no body)".into()),
                base_url: request.base_url,
                signer,
                checker,
                common,
            }
        }
    };
    explain(input)
}

/// Where a relative path starts in an absolute URL (`https://host/p?q` → `/p?q`).
fn relative_part(path: &str) -> Option<String> {
    let after_scheme = if let Some(rest) = path.strip_prefix("//") {
        rest
    } else {
        let i = path.split('?').next().unwrap_or(path).find("://")?;
        path.get(i + 3..)?
    };
    Some(match after_scheme.find(['/', '?']) {
        Some(i) if after_scheme[i..].starts_with('/') => after_scheme[i..].to_string(),
        Some(i) => format!("/{}", &after_scheme[i..]),
        None => "/".to_string(),
    })
}

fn is_absolute(path: &str) -> bool {
    path.starts_with("//") || path.split('?').next().unwrap_or(path).contains("://")
}

fn has_bearer(token: &str) -> bool {
    token.as_bytes().get(..7).is_some_and(|h| h.eq_ignore_ascii_case(b"bearer "))
}

/// Every check the core makes, one problem per field, with hints.
fn problems(input: &Input, body_error: Option<&Error>) -> Vec<String> {
    let p = &input.parts;
    let mut out = Vec::new();
    if input.kind == Kind::Token {
        if let Err(e) = check_client_id(&p.client_id) {
            out.push(format!("--client-id: {e}"));
        }
    } else {
        if Method::parse(&p.method).is_err() {
            let upper = p.method.trim().to_ascii_uppercase();
            let hint = if Method::parse(&upper).is_ok() { format!(" (write {upper})") } else { String::new() };
            out.push(format!("--method: {}{hint}; got '{}'", Error::InvalidMethod, visible(&p.method)));
        }
        if let Err(e) = check_path(&p.path) {
            let hint = match (&e, relative_part(&p.path)) {
                (Error::AbsoluteUrl, Some(rel)) => format!(" (here: {rel})"),
                _ => String::new(),
            };
            out.push(format!("--path: {e}{hint}"));
        }
    }
    if input.kind == Kind::Transaction {
        if let Err(e) = check_access_token(&p.token) {
            let hint = if e == Error::BearerPrefix {
                " (the Authorization header carries 'Bearer <token>', the string-to-sign only <token>)"
            } else {
                ""
            };
            out.push(format!("--token: {e}{hint}"));
        }
    }
    match Timestamp::parse(&p.timestamp) {
        Err(e @ Error::InvalidTimestamp { offset, .. }) => {
            let (line, caret) = caret_context(p.timestamp.as_bytes(), offset);
            out.push(format!("--timestamp: {e}\n      {line}\n      {caret}"));
        }
        Err(e) => out.push(format!("--timestamp: {e}")),
        Ok(_) if p.timestamp.len() > snapsign_core::timestamp::MAX_TIMESTAMP_LEN => {
            out.push("--timestamp: too many fraction digits".into());
        }
        Ok(_) => {}
    }
    if let Some(e @ Error::InvalidJson { offset, .. }) = body_error {
        let (line, caret) = caret_context(&input.body_raw, *offset);
        out.push(format!("body {}: {e}\n      {line}\n      {caret}", input.body_name));
    } else if let Some(e) = body_error {
        out.push(format!("body {}: {e}", input.body_name));
    }
    out
}

fn timestamp_variants(ts: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    match Timestamp::parse(ts) {
        Ok(t) => {
            for off in [t.offset_minutes(), WIB, 0, WITA, WIT] {
                let Ok(t2) = Timestamp::from_unix_millis(t.unix_millis(), off) else { continue };
                for millis in [false, true] {
                    for utc_as_z in [true, false] {
                        if off != 0 && !utc_as_z {
                            continue;
                        }
                        let s = t2.format(TimestampFormat { millis, utc_as_z }).to_string();
                        if s != ts {
                            let note = if t.unix_millis() % 1000 != 0 && !millis { ", to the second" } else { "" };
                            out.push((s.clone(), format!("the timestamp was written as {s} (the same instant{note})")));
                        }
                    }
                }
            }
        }
        Err(_) => {
            let mut fixed = ts.trim().replacen(' ', "T", 1).replacen('t', "T", 1);
            if fixed.ends_with('z') {
                fixed.pop();
                fixed.push('Z');
            }
            for candidate in [fixed.clone(), format!("{fixed}+07:00"), format!("{fixed}Z")] {
                if candidate != ts && Timestamp::parse(&candidate).is_ok() {
                    out.push((candidate.clone(), format!("the timestamp was written as {candidate}")));
                }
            }
        }
    }
    out
}

/// One alternative value of one part of the string-to-sign.
struct Alt {
    cause: String,
    apply: Box<dyn Fn(&mut Parts)>,
    body: Option<String>,
    unstripped_secret: bool,
}

fn alt(cause: String, apply: impl Fn(&mut Parts) + 'static) -> Alt {
    Alt { cause, apply: Box::new(apply), body: None, unstripped_secret: false }
}

fn set_timestamp(v: String) -> impl Fn(&mut Parts) {
    move |q| q.timestamp.clone_from(&v)
}

fn set_path(v: String) -> impl Fn(&mut Parts) {
    move |q| q.path.clone_from(&v)
}

fn set_method(v: String) -> impl Fn(&mut Parts) {
    move |q| q.method.clone_from(&v)
}

fn set_token(v: String) -> impl Fn(&mut Parts) {
    move |q| q.token.clone_from(&v)
}

fn set_digest(v: String) -> impl Fn(&mut Parts) {
    move |q| q.digest.clone_from(&v)
}

/// The alternatives of each part (timestamp, client id, method, path, token, body, secret).
fn dimensions(input: &Input, min: Option<&[u8]>) -> Vec<Vec<Alt>> {
    let kind = input.kind;
    let p = &input.parts;
    let mut dims: Vec<Vec<Alt>> = Vec::new();
    dims.push(timestamp_variants(&p.timestamp).into_iter().map(|(ts, cause)| alt(cause, set_timestamp(ts))).collect());
    if kind == Kind::Token {
        let mut ids = Vec::new();
        let trimmed = p.client_id.trim().to_string();
        if trimmed != p.client_id {
            ids.push(alt(format!("the client id was '{trimmed}' (no surrounding whitespace)"), move |q| {
                q.client_id.clone_from(&trimmed)
            }));
        }
        ids.push(alt("client id and timestamp were joined with ':' instead of '|'".into(), |q| q.separator = ':'));
        dims.push(ids);
    } else {
        let mut methods = Vec::new();
        let upper = p.method.trim().to_ascii_uppercase();
        if upper != p.method {
            methods.push(alt(format!("the method was signed as {upper}"), set_method(upper)));
        }
        let lower = p.method.to_ascii_lowercase();
        if lower != p.method {
            methods.push(alt(format!("the method was signed in lower case ({lower})"), set_method(lower)));
        }
        dims.push(methods);

        let mut paths = Vec::new();
        if let Some((before, _)) = p.path.split_once('?') {
            paths
                .push(alt(format!("the path was signed without its query string ({before})"), set_path(before.into())));
        }
        if is_absolute(&p.path) {
            if let Some(rel) = relative_part(&p.path) {
                if let Some((before, _)) = rel.split_once('?') {
                    paths.push(alt(
                        format!("the relative path without query string ({before}) was signed"),
                        set_path(before.into()),
                    ));
                }
                paths.push(alt(format!("the relative path {rel} was signed, not the absolute URL"), set_path(rel)));
            }
        } else if let Some(base) = &input.base_url {
            let abs = format!("{}{}", base.trim_end_matches('/'), p.path);
            paths.push(alt(format!("the absolute URL {abs} was signed instead of the path"), set_path(abs)));
        }
        let no_query = p.path.split('?').next().unwrap_or(&p.path);
        if no_query.len() > 1 {
            let toggled = match no_query.strip_suffix('/') {
                Some(s) => s.to_string(),
                None => format!("{no_query}/"),
            };
            let v = format!("{toggled}{}", &p.path[no_query.len()..]);
            paths.push(alt(format!("the path was signed as {v} (trailing slash)"), set_path(v)));
        }
        let trimmed = p.path.trim();
        if trimmed != p.path {
            paths.push(alt("the path was signed without surrounding whitespace".into(), set_path(trimmed.into())));
        }
        dims.push(paths);

        if kind == Kind::Transaction {
            let mut tokens = Vec::new();
            if has_bearer(&p.token) {
                let bare = p.token[7..].to_string();
                tokens.push(alt("the bare token (without 'Bearer ') was signed".into(), set_token(bare)));
            } else {
                tokens.push(alt(
                    "the token was signed with its 'Bearer ' prefix (as in the Authorization header)".into(),
                    set_token(format!("Bearer {}", p.token)),
                ));
            }
            let trimmed = p.token.trim();
            if trimmed != p.token {
                tokens
                    .push(alt("the token was signed without surrounding whitespace".into(), set_token(trimmed.into())));
            }
            dims.push(tokens);
        }

        let mut bodies = Vec::new();
        let raw = &input.body_raw;
        let hashed = |bytes: &[u8]| BodyDigest::of_minified(bytes).as_str().to_string();
        if let Some(min) = min {
            if raw.as_slice() != min {
                bodies.push(alt("the body was hashed as sent, without minifying".into(), set_digest(hashed(raw))));
                let trimmed = raw.trim_ascii_end();
                if trimmed != raw.as_slice() && trimmed != min {
                    bodies.push(alt(
                        "the body was hashed un-minified, without its trailing newline".into(),
                        set_digest(hashed(trimmed)),
                    ));
                }
            }
            if min.is_empty() {
                let mut a = alt("an empty body was signed as {}".into(), set_digest(hashed(b"{}")));
                a.body = Some("{}".into());
                bodies.push(a);
            } else if min == b"{}" {
                bodies.push(alt("the body {} was signed as an empty body".into(), set_digest(hashed(b""))));
            }
            for (style, text) in crate::reserialize::variants(raw, min) {
                let mut a = alt(
                    format!("the body was re-serialised before hashing: {style}"),
                    set_digest(hashed(text.as_bytes())),
                );
                a.body = Some(text);
                bodies.push(a);
            }
            bodies.push(alt(
                "the body hash was written in upper-case hex".into(),
                set_digest(p.digest.to_ascii_uppercase()),
            ));
        }
        dims.push(bodies);
    }
    if let Some(Checker::Hmac { unstripped: Some(_), .. }) = &input.checker {
        let mut a =
            alt("the other side's secret includes the trailing newline stripped from --secret-file".into(), |_| {});
        a.unstripped_secret = true;
        dims.push(vec![a]);
    }
    dims
}

/// Every string-to-sign that differs from the given inputs in one part, then in two parts.
fn variants(input: &Input, min: Option<&[u8]>) -> Vec<Variant> {
    let kind = input.kind;
    let dims = dimensions(input, min);
    let mut seen = vec![(false, input.parts.build(kind))];
    let mut out = Vec::new();
    let mut push = |alts: &[&Alt]| {
        let mut q = input.parts.clone();
        for a in alts {
            (a.apply)(&mut q);
        }
        let unstripped = alts.iter().any(|a| a.unstripped_secret);
        let sts = q.build(kind);
        if seen.contains(&(unstripped, sts.clone())) {
            return;
        }
        seen.push((unstripped, sts.clone()));
        out.push(Variant {
            cause: alts.iter().map(|a| a.cause.as_str()).collect::<Vec<_>>().join(", and "),
            string_to_sign: sts,
            body: alts.iter().find_map(|a| a.body.clone()),
            unstripped_secret: unstripped,
            changes: alts.len(),
        });
    };
    for d in &dims {
        for a in d {
            push(&[a]);
        }
    }
    for (i, d1) in dims.iter().enumerate() {
        for d2 in dims.iter().skip(i + 1) {
            for a in d1 {
                for b in d2 {
                    push(&[a, b]);
                }
            }
        }
    }
    out
}

/// A signature pasted with whitespace, in URL-safe base64, or without padding, made standard.
fn normalize_signature(sig: &str) -> Option<(String, &'static str)> {
    let compact: String = sig.chars().filter(|c| !c.is_whitespace()).collect();
    let mut fixed = compact.replace('-', "+").replace('_', "/");
    while fixed.len() % 4 != 0 {
        fixed.push('=');
    }
    if fixed == sig {
        return None;
    }
    let what = if compact != sig {
        "the signature contains whitespace or line breaks"
    } else if compact.contains(['-', '_']) {
        "the signature is URL-safe base64 ('-' and '_'); SNAP uses standard base64 ('+' and '/')"
    } else {
        "the signature lacks its '=' padding"
    };
    Some((fixed, what))
}

fn explain(input: Input) -> Outcome<u8> {
    let kind = input.kind;
    let mut parts = input.parts.clone();
    let mut lines: Vec<String> = vec![format!("snapsign explain {}: {}", kind.name(), kind.title()), String::new()];
    let mut warnings = Vec::new();

    // 1. Inputs.
    let fields: Vec<(&str, &str, &str)> = match kind {
        Kind::Token => {
            vec![("client id", "--client-id", &parts.client_id), ("X-TIMESTAMP", "--timestamp", &parts.timestamp)]
        }
        Kind::Transaction => vec![
            ("method", "--method", &parts.method),
            ("path", "--path", &parts.path),
            ("access token", "--token", &parts.token),
            ("X-TIMESTAMP", "--timestamp", &parts.timestamp),
        ],
        Kind::Service => vec![
            ("method", "--method", &parts.method),
            ("path", "--path", &parts.path),
            ("X-TIMESTAMP", "--timestamp", &parts.timestamp),
        ],
    };
    let mut inputs_json = serde_json::Map::new();
    for (label, flag, value) in &fields {
        lines.push(format!("{label:<15}\"{}\"", visible(value)));
        warnings.extend(field_warnings(flag, value));
        inputs_json.insert(flag.trim_start_matches('-').replace('-', "_"), Value::String((*value).to_string()));
    }
    if let Ok(t) = Timestamp::parse(&parts.timestamp) {
        if let Ok(utc) = Timestamp::from_unix_millis(t.unix_millis(), 0) {
            let s = utc.format(TimestampFormat { millis: t.unix_millis() % 1000 != 0, utc_as_z: true });
            lines.push(format!("{:<15}{s} in UTC", "  instant"));
        }
    }

    // 2. Body.
    let mut body_error = None;
    let mut min: Option<Vec<u8>> = None;
    if kind != Kind::Token {
        let raw = &input.body_raw;
        lines.push(format!("{:<15}{} bytes from {}", "body", raw.len(), input.body_name));
        let mut m = Vec::with_capacity(raw.len());
        match snapsign_core::minify::minify_to(raw, &mut m) {
            Ok(()) => {
                lines.push(format!("{:<15}{}", "  minified", visible(&String::from_utf8_lossy(&m))));
                let d = BodyDigest::of_minified(&m);
                lines.push(format!("{:<15}{d}  (lower-case hex SHA-256 of the minified body)", "  sha256"));
                if m.is_empty() {
                    lines.push(format!("{:<15}empty body: SHA-256 of the empty string", ""));
                }
                parts.digest = d.as_str().to_string();
                min = Some(m);
            }
            Err(e) => {
                let d = BodyDigest::of_minified(raw);
                lines.push(format!("{:<15}{d}  (SHA-256 of the raw bytes: the body is not valid JSON)", "  sha256"));
                parts.digest = d.as_str().to_string();
                body_error = Some(e);
            }
        }
    }
    let input = Input { parts, ..input };
    let problems = problems(&input, body_error.as_ref());

    // 3. String-to-sign.
    let sts = input.parts.build(kind);
    lines.push(String::new());
    lines.push(format!("string-to-sign ({} bytes):", sts.len()));
    let sts_visible = input.parts.build_visible(kind);
    lines.push(format!("  \"{sts_visible}\""));
    for w in &warnings {
        lines.push(format!("warning: {w}"));
    }
    if !problems.is_empty() {
        lines.push(String::new());
        lines.push("problems (snapsign and most providers refuse this input):".into());
        for p in &problems {
            lines.push(format!("  - {p}"));
        }
    }

    // 4. Our signature.
    let computed = match &input.signer {
        Some(Signer::Rsa(s)) => {
            Some(s.sign(sts.as_bytes(), &mut getrandom::SysRng).map_err(|e| Failure::input("--key", e))?.to_string())
        }
        Some(Signer::Hmac(h)) => Some(h.sign(sts.as_bytes()).to_string()),
        None => None,
    };
    if let Some(sig) = &computed {
        lines.push(String::new());
        lines.push(format!("signature      {sig}"));
    }

    // 5. The given signature.
    let mut valid = None;
    let mut causes: Vec<Variant> = Vec::new();
    let mut signature_notes: Vec<String> = Vec::new();
    let mut variants_checked = 0;
    if let (Some(given), Some(checker)) = (&input.common.signature, &input.checker) {
        lines.push(String::new());
        lines.push(format!("given signature {given}"));
        let mut sig = given.clone();
        let first = checker.verify(sts.as_bytes(), sig.as_bytes(), false);
        if let Err(Error::InvalidBase64 { .. } | Error::SignatureLength { .. }) = first {
            if let Some((fixed, what)) = normalize_signature(given) {
                signature_notes.push(what.to_string());
                sig = fixed;
            }
        }
        let result = if sig == *given { first } else { checker.verify(sts.as_bytes(), sig.as_bytes(), false) };
        for note in &signature_notes {
            lines.push(format!("note: {note}"));
        }
        match result {
            Ok(()) if signature_notes.is_empty() => {
                valid = Some(true);
                lines.push("result         VALID: the signature matches this string-to-sign".into());
            }
            Ok(()) => {
                valid = Some(false);
                lines
                    .push("result         INVALID as given; it verifies once written as standard padded base64".into());
                for note in &signature_notes {
                    causes.push(Variant {
                        cause: note.clone(),
                        string_to_sign: sts.clone(),
                        body: None,
                        unstripped_secret: false,
                        changes: 1,
                    });
                }
            }
            Err(e) => {
                valid = Some(false);
                lines.push(format!("result         INVALID: {e}"));
                if matches!(e, Error::SignatureMismatch) {
                    let all = variants(&input, min.as_deref());
                    variants_checked = all.len();
                    causes = all
                        .into_iter()
                        .filter(|v| {
                            checker.verify(v.string_to_sign.as_bytes(), sig.as_bytes(), v.unstripped_secret).is_ok()
                        })
                        .collect();
                    let fewest = causes.iter().map(|v| v.changes).min().unwrap_or(0);
                    causes.retain(|v| v.changes == fewest);
                    if causes.is_empty() {
                        lines.push(format!(
                            "no variant matches ({variants_checked} checked, one or two changes at a time: timestamp \
                             formats, path and query, method case, {}body serialisations). Remaining causes: another \
                             key or secret, another client id or body, or a signature of another request.",
                            if kind == Kind::Transaction { "Bearer prefix, " } else { "" }
                        ));
                    } else {
                        lines.push(String::new());
                        lines.push("likely cause (this variant verifies):".into());
                        for v in &causes {
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
    }

    let ok = problems.is_empty() && valid != Some(false);
    if input.common.json {
        let mut obj = json!({
            "kind": kind.name(),
            "inputs": Value::Object(inputs_json),
            "string_to_sign": sts,
            "string_to_sign_visible": sts_visible,
            "signature": computed,
            "warnings": warnings,
            "problems": problems,
            "given_signature": input.common.signature,
            "signature_notes": signature_notes,
            "valid": valid,
            "variants_checked": variants_checked,
            "causes": causes.iter().map(|v| json!({
                "cause": v.cause,
                "string_to_sign": v.string_to_sign,
                "body": v.body,
            })).collect::<Vec<_>>(),
        });
        if kind != Kind::Token {
            if let Some(m) = obj.as_object_mut() {
                m.insert(
                    "body_minified".into(),
                    json!(min.as_deref().map(|b| String::from_utf8_lossy(b).into_owned())),
                );
                m.insert("body_sha256_hex".into(), json!(input.parts.digest));
            }
        }
        let text = serde_json::to_string_pretty(&obj).unwrap_or_else(|_| "{}".into());
        emit(&format!("{text}\n"));
    } else {
        lines.push(String::new());
        emit(&lines.join("\n"));
    }
    Ok(if ok { 0 } else { 1 })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_parts() {
        assert_eq!(relative_part("https://api.x.com/v1/a?b=1").as_deref(), Some("/v1/a?b=1"));
        assert_eq!(relative_part("https://api.x.com").as_deref(), Some("/"));
        assert_eq!(relative_part("//api.x.com/v1").as_deref(), Some("/v1"));
        assert_eq!(relative_part("/v1?next=http://a").as_deref(), None);
    }

    #[test]
    fn timestamp_variants_are_the_same_instant() {
        let v = timestamp_variants("2020-01-01T07:00:00+07:00");
        let texts: Vec<&str> = v.iter().map(|(t, _)| t.as_str()).collect();
        assert!(texts.contains(&"2020-01-01T00:00:00Z"));
        assert!(texts.contains(&"2020-01-01T00:00:00+00:00"));
        assert!(texts.contains(&"2020-01-01T07:00:00.000+07:00"));
        assert!(!texts.contains(&"2020-01-01T07:00:00+07:00"));
        let v = timestamp_variants("2020-01-01 07:00:00+07:00");
        assert_eq!(v.first().map(|x| x.0.as_str()), Some("2020-01-01T07:00:00+07:00"));
    }

    #[test]
    fn signatures_normalized() {
        assert_eq!(normalize_signature("ab-_").map(|x| x.0), Some("ab+/".into()));
        assert_eq!(normalize_signature("abc").map(|x| x.0), Some("abc=".into()));
        assert_eq!(normalize_signature("ab\ncd").map(|x| x.0), Some("abcd".into()));
        assert!(normalize_signature("abcd").is_none());
    }
}
