//! The `explain` member of a rejection: a summary and the likely causes. For a wrong signature
//! it runs `snapsign-explain` with the received inputs and the right key or secret, so the
//! cause it names is the variant the client's signature verifies (the timestamp in another
//! form, the query left out, a re-serialised body, ...).

use serde::Serialize;
use snapsign_core::provider::Profile;
use snapsign_core::request_verifier::{CallKind, HeaderLookup, Reason, Received, Rejection, RequestVerifier};
use snapsign_core::response_code::ResponseCode;
use snapsign_explain::Checker;

use crate::{Answer, Client, Incoming};

/// What the sandbox found out about a rejected request.
#[derive(Debug, Clone, Serialize)]
pub struct Explain {
    /// One sentence: the precise reason.
    pub summary: String,
    /// What usually causes it, most likely first; for a wrong signature, the variants the
    /// signature verifies (`id: what the client did (fix: ...)`).
    pub likely_causes: Vec<String>,
    /// For a wrong signature: each cause `snapsign explain` found, with its stable id.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub causes: Vec<CauseOut>,
    /// For a wrong signature: the string-to-sign the sandbox verified against.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected_string_to_sign: Option<String>,
}

/// One cause, as `snapsign explain --json` names it.
#[derive(Debug, Clone, Serialize)]
pub struct CauseOut {
    pub id: String,
    pub cause: String,
    pub fix: String,
    pub string_to_sign: String,
}

impl Explain {
    pub(crate) fn new(summary: String, likely_causes: Vec<String>) -> Self {
        Explain { summary, likely_causes, causes: Vec::new(), expected_string_to_sign: None }
    }
}

pub(crate) struct Context<'a> {
    pub(crate) profile: &'static Profile,
    pub(crate) client: &'a Client,
    pub(crate) clients: &'a [Client],
    pub(crate) request: &'a Incoming<'a>,
    pub(crate) now: i64,
    pub(crate) max_skew_seconds: u32,
    pub(crate) hmac: bool,
}

fn header<'a>(ctx: &'a Context<'_>, name: &str) -> &'a str {
    ctx.request.headers.header(name).and_then(|v| std::str::from_utf8(v).ok()).unwrap_or_default()
}

fn strings(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

pub(crate) fn explain(ctx: &Context<'_>, r: &Rejection) -> Explain {
    let summary = r.to_string();
    let standard: Vec<String> = strings(r.response_code().describe().likely_causes);
    let kind = RequestVerifier::new(ctx.profile).call_kind(ctx.request.target);
    let token_call = kind != CallKind::Transaction;
    let likely = match r.reason() {
        Reason::WrongSignature { .. } => return wrong_signature(ctx, summary, kind, standard),
        Reason::MissingHeader { header } => vec![
            format!("the request was sent without {header}, or with it empty: this call needs it"),
            format!("a proxy or HTTP client dropped {header}, or it was set under another name"),
        ],
        Reason::MalformedHeader { header, error } => {
            vec![format!("{header} breaks the standard's length or format: {error}")]
        }
        Reason::BadRequest { error } => vec![format!("the request cannot be signed as received: {error}")],
        Reason::UnknownClient if token_call => {
            let ids: Vec<&str> = ctx.clients.iter().map(|c| c.client_id.as_str()).collect();
            let mut v = vec![format!(
                "X-CLIENT-KEY \"{}\" is not a client registered with this sandbox (registered: {})",
                header(ctx, "X-CLIENT-KEY"),
                ids.join(", ")
            )];
            v.extend(standard);
            v
        }
        Reason::UnknownClient => {
            let mut v = vec![format!(
                "X-PARTNER-ID \"{}\" is not the partner id registered for client {} with this sandbox",
                header(ctx, "X-PARTNER-ID"),
                ctx.client.client_id
            )];
            v.extend(standard);
            v
        }
        Reason::Timestamp { .. } => {
            let now = snapsign_core::timestamp::Timestamp::from_unix_millis(ctx.now, 420)
                .map(|t| t.format(ctx.profile.timestamp.value.format).to_string())
                .unwrap_or_default();
            vec![
                format!(
                    "X-TIMESTAMP \"{}\" is more than {} s from the sandbox's clock ({now}): the client's clock is off \
                     (sync it with NTP)",
                    header(ctx, "X-TIMESTAMP"),
                    ctx.max_skew_seconds
                ),
                "the timestamp was made once and reused for a later request (or a request was retried later)".into(),
                "the local time was written with the wrong offset (WIB time marked Z, or UTC marked +07:00)".into(),
            ]
        }
        Reason::InvalidToken { state } => {
            let first = match state.name() {
                "expired" => "the access token has expired: get a new one from the token endpoint".to_string(),
                _ => format!(
                    "the access token was not issued by this sandbox to client {} (or it was forgotten, or it is \
                     a B2B2C customer token)",
                    ctx.client.client_id
                ),
            };
            let mut v = vec![first];
            v.extend(standard);
            v
        }
        Reason::Replayed => vec![
            format!(
                "X-EXTERNAL-ID \"{}\" was already used by X-PARTNER-ID \"{}\" today (WIB day): make a new id for each \
                 request",
                header(ctx, "X-EXTERNAL-ID"),
                header(ctx, "X-PARTNER-ID")
            ),
            "a retry re-sent the same X-EXTERNAL-ID: a retried request is a new request to the provider".into(),
        ],
        Reason::NoKey => vec!["the sandbox has no key for this kind of call".into()],
        Reason::ReplayGuardFailed => {
            vec!["the sandbox's memory of X-EXTERNAL-IDs is full: restart it or raise its limit".into()]
        }
        _ => standard,
    };
    Explain::new(summary, likely)
}

/// Runs `snapsign-explain` over the received request with the right key or secret.
fn wrong_signature(ctx: &Context<'_>, summary: String, call: CallKind, standard: Vec<String>) -> Explain {
    let req = ctx.request;
    let checker = if ctx.hmac && call == CallKind::Transaction {
        Checker::Hmac { secret: Box::new(ctx.client.secret.clone()), unstripped: None }
    } else {
        Checker::Rsa(ctx.client.public_key.clone())
    };
    let received = Received { method: req.method, target: req.target, headers: req.headers, body: req.body };
    let inputs = snapsign_explain::received::inputs(ctx.profile, &received, call, checker);
    let Ok(e) = snapsign_explain::explain(inputs) else {
        return Explain::new(summary, standard);
    };
    let causes: Vec<CauseOut> = e
        .causes()
        .iter()
        .map(|c| CauseOut {
            id: c.id.clone(),
            cause: c.message.clone(),
            fix: c.fix.clone(),
            string_to_sign: c.string_to_sign.clone(),
        })
        .collect();
    let mut likely: Vec<String> = causes.iter().map(|c| format!("{}: {} (fix: {})", c.id, c.cause, c.fix)).collect();
    let summary = match causes.first() {
        Some(c) => format!("{summary}; it verifies over another string-to-sign: {}", c.cause),
        None => {
            if let Some(u) = e.unexplained() {
                likely.push(u.message.clone());
            }
            format!("{summary}; no variant of the inputs that snapsign explain tries verifies")
        }
    };
    if causes.is_empty() {
        likely.extend(standard);
    }
    Explain { summary, likely_causes: likely, causes, expected_string_to_sign: Some(e.string_to_sign) }
}

/// The token request's body: `grantType` `client_credentials` (B2B), or `AUTHORIZATION_CODE`
/// with `authCode` / `REFRESH_TOKEN` with `refreshToken` (B2B2C).
pub(crate) fn check_grant(kind: CallKind, service: u8, body: &[u8]) -> Result<(), Answer> {
    let code = |case_code| ResponseCode { http_status: 400, service_code: service, case_code };
    let missing =
        |field: &str, why: &str| Answer::simple(code(2), &format!("Invalid Mandatory Field {{{field}}}"), why, &[why]);
    let format =
        |field: &str, why: &str| Answer::simple(code(1), &format!("Invalid Field Format {{{field}}}"), why, &[why]);
    let value: serde_json::Value = serde_json::from_slice(body)
        .map_err(|e| format("grantType", &format!("the token request's body is not JSON: {e}")))?;
    let Some(object) = value.as_object() else {
        return Err(format("grantType", "the token request's body is not a JSON object"));
    };
    let Some(grant) = object.get("grantType") else {
        return Err(missing("grantType", "the token request's body has no grantType"));
    };
    let grant = grant.as_str().unwrap_or_default();
    match kind {
        CallKind::TokenB2b if grant == "client_credentials" => Ok(()),
        CallKind::TokenB2b => Err(format(
            "grantType",
            &format!("grantType is \"{grant}\": the B2B token request takes \"client_credentials\""),
        )),
        _ => {
            let needs = match grant {
                "AUTHORIZATION_CODE" => "authCode",
                "REFRESH_TOKEN" => "refreshToken",
                _ => {
                    return Err(format(
                        "grantType",
                        &format!(
                        "grantType is \"{grant}\": the B2B2C token request takes AUTHORIZATION_CODE or REFRESH_TOKEN"
                    ),
                    ))
                }
            };
            match object.get(needs).and_then(|v| v.as_str()) {
                Some(v) if !v.is_empty() => Ok(()),
                _ => Err(missing(needs, &format!("grantType {grant} needs {needs}"))),
            }
        }
    }
}
