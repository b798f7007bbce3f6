//! The variant search: other ways the other side may have built the string-to-sign (timestamp
//! forms, paths, method case, the Bearer prefix, body serialisations, the secret's newline), one
//! or two changes at a time, and which of them the given signature verifies.

use std::collections::HashSet;

use snapsign_core::body_digest::BodyDigest;
use snapsign_core::string_to_sign::{has_bearer_prefix, is_absolute_url};
use snapsign_core::timestamp::{Timestamp, TimestampFormat, WIB, WIT, WITA};

use crate::cause::{Cause, CauseId};
use crate::fold;
use crate::key::Checker;
use crate::parts::{Kind, Layout, Parts};
use crate::reserialize;
use crate::url::relative_part;
use crate::visible::visible;
use crate::Inputs;

/// What the search works from: the inputs, the path as sent when a provider's rule changed it,
/// and the minified body.
pub(crate) struct Context<'a> {
    pub(crate) input: &'a Inputs,
    pub(crate) sent_path: Option<&'a str>,
    pub(crate) min: Option<&'a [u8]>,
}

/// Another way the other side may have built the string-to-sign.
struct Variant {
    changes: Vec<(CauseId, String)>,
    string_to_sign: String,
    /// A body the other side hashed instead of the minified one.
    body: Option<String>,
    /// Verify with the secret as the file held it (trailing newline kept).
    unstripped_secret: bool,
    also: Vec<CauseId>,
}

impl Variant {
    fn into_cause(self) -> Cause {
        let changes: Vec<(CauseId, &str)> = self.changes.iter().map(|(id, m)| (*id, m.as_str())).collect();
        let mut cause = Cause::of(&changes, self.string_to_sign, self.body);
        cause.also = self.also;
        cause
    }
}

/// The variants a signature verifies, among how many were tried.
#[derive(Debug, Clone)]
pub struct Search {
    /// How many variants were checked.
    pub checked: usize,
    /// Those that verify with the fewest changes.
    pub causes: Vec<Cause>,
    /// When none verifies: what that means.
    pub unexplained: Option<Unexplained>,
}

/// What a search that found nothing says: the key or secret is probably not the one that signed,
/// what was tried, and which inputs were taken as given.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Unexplained {
    /// `no-variant-verifies`.
    pub id: &'static str,
    pub message: String,
    /// The kinds of change tried.
    pub tried: Vec<&'static str>,
    /// The inputs no variant changes.
    pub taken_as_given: Vec<&'static str>,
    /// Changes that could not be tried without more input, and the flag that gives it.
    pub not_tried: Vec<&'static str>,
}

impl Unexplained {
    pub(crate) fn new(kind: Kind, checked: usize, unstripped_secret: bool, has_base_url: bool) -> Self {
        let key = if kind == Kind::Transaction { "client secret" } else { "key" };
        let mut tried =
            vec!["timestamp forms and offsets (WIB, WITA, WIT, Z, +00:00)", "every millisecond of the second"];
        let taken_as_given: Vec<&'static str>;
        if kind == Kind::Token {
            tried.extend([
                "whitespace, line ends, quotes and look-alike characters on the client id and timestamp",
                "the ':' separator and swapped fields (timestamp|clientId)",
            ]);
            taken_as_given = vec![
                "the key (--public-key, or the public half of --key)",
                "the client id's characters",
                "the instant of the timestamp (to the second)",
            ];
        } else {
            tried.extend([
                "method case",
                "the path: query string, absolute URL, trailing slash, percent-encoding, whitespace, look-alike characters",
                "the body: unminified, empty vs {}, re-serialised (JavaScript, Python, PHP, Go, sorted keys), upper-case digest",
            ]);
            if kind == Kind::Transaction {
                tried.push("the token: 'Bearer ' prefix, whitespace, look-alike characters");
                if unstripped_secret {
                    tried.push("the secret file's trailing newline");
                }
                taken_as_given = vec![
                    "the client secret",
                    "the method's letters and the path's characters",
                    "the access token's characters",
                    "the body's values",
                    "the instant of the timestamp (to the second)",
                ];
            } else {
                tried.push("the empty token field layout (METHOD:path::digest:timestamp)");
                taken_as_given = vec![
                    "the key (--public-key, or the public half of --key)",
                    "the method's letters and the path's characters",
                    "the body's values",
                    "the instant of the timestamp (to the second)",
                ];
            }
        }
        tried.push("two of these changes at once");
        let mut not_tried = Vec::new();
        if kind != Kind::Token && !has_base_url {
            not_tried.push("the absolute URL signed as the path: give --base-url https://your-provider-host to try it");
        }
        Unexplained {
            id: "no-variant-verifies",
            message: format!(
                "no variant verifies ({checked} checked): the {key} is probably not the one that signed (or the \
                 signature is of another request)"
            ),
            tried,
            taken_as_given,
            not_tried,
        }
    }
}

/// Tries every variant of the inputs against `signature`, which does not verify as they are.
pub(crate) fn search(ctx: &Context<'_>, checker: &Checker, signature: &str) -> Search {
    let all = variants(ctx);
    let checked = all.len();
    let prepared = checker.prepare(signature.as_bytes());
    let mut found: Vec<Variant> =
        all.into_iter().filter(|v| prepared.verifies(v.string_to_sign.as_bytes(), v.unstripped_secret)).collect();
    let fewest = found.iter().map(|v| v.changes.len()).min().unwrap_or(0);
    found.retain(|v| v.changes.len() == fewest);
    let unexplained = found.is_empty().then(|| {
        Unexplained::new(
            ctx.input.kind,
            checked,
            ctx.input.checker.as_ref().is_some_and(Checker::has_unstripped_secret),
            ctx.input.base_url.is_some(),
        )
    });
    Search { checked, causes: found.into_iter().map(Variant::into_cause).collect(), unexplained }
}

fn timestamp_variants(ts: &str) -> Vec<(String, CauseId, String)> {
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
                            let truncated = t.unix_millis() % 1000 != 0 && !millis;
                            let (id, note) = if truncated {
                                (CauseId::TimestampMilliseconds, ", to the second")
                            } else {
                                (CauseId::TimestampFormat, "")
                            };
                            out.push((
                                s.clone(),
                                id,
                                format!("the timestamp was written as {s} (the same instant{note})"),
                            ));
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
            if let Some(plain) = fold::plain(&fixed, false) {
                fixed = plain;
            }
            for candidate in [fixed.clone(), format!("{fixed}+07:00"), format!("{fixed}Z")] {
                if candidate != ts && Timestamp::parse(&candidate).is_ok() {
                    out.push((
                        candidate.clone(),
                        CauseId::TimestampSpelling,
                        format!("the timestamp was written as {candidate}"),
                    ));
                }
            }
        }
    }
    out
}

/// What a value read from a file or an environment variable may end with.
const LINE_ENDS: [(&str, &str); 4] = [("\n", "newline"), ("\r\n", "CR LF"), ("\r", "carriage return"), (" ", "space")];

/// One alternative value of one part of the string-to-sign.
struct Alt {
    id: CauseId,
    cause: String,
    apply: Box<dyn Fn(&mut Parts)>,
    body: Option<String>,
    unstripped_secret: bool,
    /// Other causes that give the same bytes (serialisers of other families).
    also: Vec<CauseId>,
}

fn alt(id: CauseId, cause: String, apply: impl Fn(&mut Parts) + 'static) -> Alt {
    Alt { id, cause, apply: Box::new(apply), body: None, unstripped_secret: false, also: Vec::new() }
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
fn dimensions(ctx: &Context<'_>) -> Vec<Vec<Alt>> {
    let (input, min) = (ctx.input, ctx.min);
    let kind = input.kind;
    let p = &input.parts;
    let mut dims: Vec<Vec<Alt>> = Vec::new();
    let mut timestamps: Vec<Alt> =
        timestamp_variants(&p.timestamp).into_iter().map(|(ts, id, cause)| alt(id, cause, set_timestamp(ts))).collect();
    // A timestamp read from a file or an environment variable, signed with its line end.
    for (end, name) in LINE_ENDS {
        timestamps.push(alt(
            CauseId::TimestampWhitespace,
            format!("the timestamp was signed with a trailing {name} ({})", visible(&format!("{}{end}", p.timestamp))),
            set_timestamp(format!("{}{end}", p.timestamp)),
        ));
    }
    dims.push(timestamps);
    if kind == Kind::Token {
        let mut ids = Vec::new();
        for (end, name) in LINE_ENDS {
            let v = format!("{}{end}", p.client_id);
            ids.push(alt(
                CauseId::ClientIdWhitespace,
                format!("the client id was signed with a trailing {name} ({})", visible(&v)),
                move |q| q.client_id.clone_from(&v),
            ));
        }
        for quote in ['"', '\''] {
            let v = format!("{quote}{}{quote}", p.client_id);
            ids.push(alt(
                CauseId::ClientIdQuoted,
                format!("the client id was signed with its quotes ({v})"),
                move |q| q.client_id.clone_from(&v),
            ));
            if let Some(bare) = p.client_id.strip_prefix(quote).and_then(|c| c.strip_suffix(quote)) {
                let bare = bare.to_string();
                ids.push(alt(
                    CauseId::ClientIdQuoted,
                    format!("the client id was signed without the quotes given around it ({bare})"),
                    move |q| q.client_id.clone_from(&bare),
                ));
            }
        }
        for spaces in [true, false] {
            if let Some(v) = fold::plain(&p.client_id, spaces) {
                let cause = format!(
                    "the client id was signed as {} (without the look-alikes {})",
                    visible(&v),
                    fold::look_alikes(&p.client_id)
                );
                ids.push(alt(CauseId::InvisibleCharacters, cause, move |q| q.client_id.clone_from(&v)));
            }
        }
        ids.push(alt(CauseId::TokenFieldsSwapped, "the fields were swapped: timestamp|clientId".into(), |q| {
            q.layout = Layout::TokenSwapped;
        }));
        let trimmed = p.client_id.trim().to_string();
        if trimmed != p.client_id {
            ids.push(alt(
                CauseId::ClientIdWhitespace,
                format!("the client id was '{trimmed}' (no surrounding whitespace)"),
                move |q| q.client_id.clone_from(&trimmed),
            ));
        }
        ids.push(alt(
            CauseId::TokenColonSeparator,
            "client id and timestamp were joined with ':' instead of '|'".into(),
            |q| {
                q.layout = Layout::TokenColon;
            },
        ));
        dims.push(ids);
    } else {
        let mut methods = Vec::new();
        let upper = p.method.trim().to_ascii_uppercase();
        if upper != p.method {
            methods.push(alt(CauseId::MethodCase, format!("the method was signed as {upper}"), set_method(upper)));
        }
        let lower = p.method.to_ascii_lowercase();
        if lower != p.method {
            methods.push(alt(
                CauseId::MethodCase,
                format!("the method was signed in lower case ({lower})"),
                set_method(lower),
            ));
        }
        dims.push(methods);

        let mut paths = Vec::new();
        if let Some((before, _)) = p.path.split_once('?') {
            paths.push(alt(
                CauseId::PathWithoutQuery,
                format!("the path was signed without its query string ({before})"),
                set_path(before.into()),
            ));
        }
        if is_absolute_url(&p.path) {
            if let Some(rel) = relative_part(&p.path) {
                if let Some((before, _)) = rel.split_once('?') {
                    paths.push(alt(
                        CauseId::RelativePath,
                        format!("the relative path without query string ({before}) was signed"),
                        set_path(before.into()),
                    ));
                }
                paths.push(alt(
                    CauseId::RelativePath,
                    format!("the relative path {rel} was signed, not the absolute URL"),
                    set_path(rel),
                ));
            }
        } else if let Some(base) = &input.base_url {
            let abs = format!("{}{}", base.trim_end_matches('/'), p.path);
            paths.push(alt(
                CauseId::AbsoluteUrl,
                format!("the absolute URL {abs} was signed instead of the path"),
                set_path(abs),
            ));
        }
        let no_query = p.path.split('?').next().unwrap_or(&p.path);
        if no_query.len() > 1 {
            let toggled = match no_query.strip_suffix('/') {
                Some(s) => s.to_string(),
                None => format!("{no_query}/"),
            };
            let v = format!("{toggled}{}", &p.path[no_query.len()..]);
            paths.push(alt(
                CauseId::TrailingSlash,
                format!("the path was signed as {v} (trailing slash)"),
                set_path(v),
            ));
        }
        for (form, v) in fold::percent_forms(&p.path) {
            paths.push(alt(
                CauseId::PathPercentEncoding,
                format!("the path was signed {form}: {}", visible(&v)),
                set_path(v),
            ));
        }
        for spaces in [true, false] {
            if let Some(v) = fold::plain(&p.path, spaces) {
                paths.push(alt(
                    CauseId::InvisibleCharacters,
                    format!(
                        "the path was signed as {} (without the look-alikes {})",
                        visible(&v),
                        fold::look_alikes(&p.path)
                    ),
                    set_path(v),
                ));
            }
        }
        let trimmed = p.path.trim();
        if trimmed != p.path {
            paths.push(alt(
                CauseId::PathWhitespace,
                "the path was signed without surrounding whitespace".into(),
                set_path(trimmed.into()),
            ));
        }
        if let (Some(sent), Some(profile)) = (ctx.sent_path, input.profile) {
            paths.push(alt(
                CauseId::EndpointRule,
                format!(
                    "the path was signed as sent ({sent}), not in the {} form {} expects",
                    profile.endpoint.value.name(),
                    profile.name
                ),
                set_path(sent.to_string()),
            ));
        }
        dims.push(paths);

        if kind == Kind::Service {
            dims.push(vec![alt(
                CauseId::EmptyTokenField,
                "the string was laid out with an empty access-token field (METHOD:path::digest:timestamp), as some \
                 server libraries sign calls without a token"
                    .into(),
                |q| q.layout = Layout::EmptyTokenField,
            )]);
        }

        if kind == Kind::Transaction {
            let mut tokens = Vec::new();
            if has_bearer_prefix(&p.token) {
                let bare = p.token["Bearer ".len()..].to_string();
                tokens.push(alt(
                    CauseId::BearerPrefix,
                    "the bare token (without 'Bearer ') was signed".into(),
                    set_token(bare),
                ));
            } else {
                tokens.push(alt(
                    CauseId::BearerPrefixSigned,
                    "the token was signed with its 'Bearer ' prefix (as in the Authorization header)".into(),
                    set_token(format!("Bearer {}", p.token)),
                ));
            }
            for spaces in [true, false] {
                if let Some(v) = fold::plain(&p.token, spaces) {
                    tokens.push(alt(
                        CauseId::InvisibleCharacters,
                        format!(
                            "the token was signed as {} (without the look-alikes {})",
                            visible(&v),
                            fold::look_alikes(&p.token)
                        ),
                        set_token(v),
                    ));
                }
            }
            let trimmed = p.token.trim();
            if trimmed != p.token {
                tokens.push(alt(
                    CauseId::TokenWhitespace,
                    "the token was signed without surrounding whitespace".into(),
                    set_token(trimmed.into()),
                ));
            }
            dims.push(tokens);
        }

        let mut bodies = Vec::new();
        let raw = &input.body;
        let hashed = |bytes: &[u8]| BodyDigest::of_minified(bytes).as_str().to_string();
        if let Some(min) = min {
            if raw.as_slice() != min {
                bodies.push(alt(
                    CauseId::BodyNotMinified,
                    "the body was hashed as sent, without minifying".into(),
                    set_digest(hashed(raw)),
                ));
                let trimmed = raw.trim_ascii_end();
                if trimmed != raw.as_slice() && trimmed != min {
                    bodies.push(alt(
                        CauseId::BodyNotMinified,
                        "the body was hashed un-minified, without its trailing newline".into(),
                        set_digest(hashed(trimmed)),
                    ));
                }
            }
            if min.is_empty() {
                let mut a =
                    alt(CauseId::EmptyBodyAsBraces, "an empty body was signed as {}".into(), set_digest(hashed(b"{}")));
                a.body = Some("{}".into());
                bodies.push(a);
            } else if min == b"{}" {
                bodies.push(alt(
                    CauseId::BracesAsEmptyBody,
                    "the body {} was signed as an empty body".into(),
                    set_digest(hashed(b"")),
                ));
            }
            for r in reserialize::variants(min) {
                let also = if r.also.is_empty() {
                    String::new()
                } else {
                    let names: Vec<&str> = r.also.iter().map(|id| id.family()).collect();
                    format!(" (the same bytes as {})", names.join(" and "))
                };
                let mut a = alt(
                    r.id,
                    format!("the body was re-serialised before hashing: {}{also}", r.style),
                    set_digest(hashed(r.text.as_bytes())),
                );
                a.body = Some(r.text);
                a.also = r.also;
                bodies.push(a);
            }
            bodies.push(alt(
                CauseId::DigestUpperCase,
                "the body hash was written in upper-case hex".into(),
                set_digest(p.digest.to_ascii_uppercase()),
            ));
        }
        dims.push(bodies);
    }
    if input.checker.as_ref().is_some_and(Checker::has_unstripped_secret) {
        let mut a = alt(
            CauseId::SecretTrailingNewline,
            "the other side's secret includes the trailing newline stripped from --secret-file".into(),
            |_| {},
        );
        a.unstripped_secret = true;
        dims.push(vec![a]);
    }
    dims
}

/// Every string-to-sign that differs from the given inputs in one part, then in two parts.
fn variants(ctx: &Context<'_>) -> Vec<Variant> {
    let input = ctx.input;
    let kind = input.kind;
    let dims = dimensions(ctx);
    let mut seen = HashSet::from([(false, input.parts.build(kind))]);
    let mut out = Vec::new();
    let mut push = |alts: &[&Alt]| {
        let mut q = input.parts.clone();
        for a in alts {
            (a.apply)(&mut q);
        }
        let unstripped = alts.iter().any(|a| a.unstripped_secret);
        let sts = q.build(kind);
        if !seen.insert((unstripped, sts.clone())) {
            return;
        }
        out.push(Variant {
            changes: alts.iter().map(|a| (a.id, a.cause.clone())).collect(),
            string_to_sign: sts,
            body: alts.iter().find_map(|a| a.body.clone()),
            unstripped_secret: unstripped,
            also: alts.iter().flat_map(|a| a.also.iter().copied()).collect(),
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
    // Every millisecond of the header's second, alone: a clock read twice, or formatted once with
    // and once without milliseconds.
    for (ts, cause) in millisecond_variants(&input.parts.timestamp) {
        push(&[&alt(CauseId::TimestampMilliseconds, cause, set_timestamp(ts))]);
    }
    out
}

/// The offsets a timestamp is re-tried in: as given, the three Indonesian zones, and UTC.
fn offsets(given: i16) -> Vec<i16> {
    let mut out = vec![given];
    for off in [WIB, WITA, WIT, 0] {
        if !out.contains(&off) {
            out.push(off);
        }
    }
    out
}

/// The 1,000 milliseconds of the timestamp's second, written with milliseconds, in each offset
/// (UTC as `Z` and as `+00:00`): what the other side signed when its header lost (or gained)
/// the milliseconds of the time it signed.
fn millisecond_variants(ts: &str) -> Vec<(String, String)> {
    let Ok(t) = Timestamp::parse(ts) else { return Vec::new() };
    let second = t.unix_millis().div_euclid(1000) * 1000;
    let header_has_millis = ts.contains('.');
    let mut out = Vec::with_capacity(6000);
    for off in offsets(t.offset_minutes()) {
        for utc_as_z in [true, false] {
            if off != 0 && !utc_as_z {
                continue;
            }
            for ms in 0..1000 {
                let Ok(t2) = Timestamp::from_unix_millis(second + ms, off) else { continue };
                let s = t2.format(TimestampFormat { millis: true, utc_as_z }).to_string();
                let cause = if header_has_millis {
                    format!("the signature was made over {s}: another millisecond than the header's")
                } else {
                    format!("the signature was made over {s}: the header lost the milliseconds ({ms} ms) of the time signed")
                };
                out.push((s, cause));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamp_variants_are_the_same_instant() {
        let v = timestamp_variants("2020-01-01T07:00:00+07:00");
        let texts: Vec<&str> = v.iter().map(|(t, _, _)| t.as_str()).collect();
        assert!(texts.contains(&"2020-01-01T00:00:00Z"));
        assert!(texts.contains(&"2020-01-01T00:00:00+00:00"));
        assert!(texts.contains(&"2020-01-01T07:00:00.000+07:00"));
        assert!(!texts.contains(&"2020-01-01T07:00:00+07:00"));
        let v = timestamp_variants("2020-01-01 07:00:00+07:00");
        assert_eq!(v.first().map(|x| x.0.as_str()), Some("2020-01-01T07:00:00+07:00"));
    }
}
