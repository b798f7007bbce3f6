//! `snapsign token`, `transaction` and `service`: sign a request and print its headers, a curl
//! command or one JSON object.

use serde_json::json;
use snapsign_core::access_token::{external_id, B2B_REQUEST_BODY, CONTENT_TYPE};
use snapsign_core::{provider, string_to_sign};

use crate::args::{ExtraHeaders, ServiceArgs, TokenArgs, TransactionArgs};
use crate::failure::{field_failure, Failure, Outcome};
use crate::input::body::{load_body, Body};
use crate::input::key::load_signer;
use crate::input::provider::{curl_url, load_profile};
use crate::input::secret::required_hmac_signer;
use crate::input::timestamp::{resolve_timestamp, resolve_timestamp_for};
use crate::output::{curl_text, emit, emit_json, headers_json, headers_text};

pub(crate) fn token(a: TokenArgs) -> Outcome<u8> {
    let signer = load_signer(&a.key.key, a.key.passphrase_env.as_deref(), a.key.allow_weak_key)?;
    let profile = a.provider.as_deref().map(load_profile).transpose()?;
    let ts = resolve_timestamp_for(&a.time, profile.map(|p| p.timestamp.value))?;
    let sts = string_to_sign::token(&a.client_id, &ts).map_err(field_failure)?;
    if let Some(origin) = &a.origin {
        if origin.is_empty() || origin.chars().any(char::is_control) {
            return Err(Failure::input("--origin", "ORIGIN is empty or has a control character"));
        }
    }
    let sig =
        signer.sign(sts.as_bytes(), &mut getrandom::SysRng).map_err(|e| Failure::input(a.key.key.display(), e))?;
    let mut headers = vec![
        ("X-TIMESTAMP", ts.clone()),
        ("X-CLIENT-KEY", a.client_id.clone()),
        ("X-SIGNATURE", sig.to_string()),
        ("Content-Type", CONTENT_TYPE.to_string()),
    ];
    if let Some(origin) = &a.origin {
        headers.push(("ORIGIN", origin.clone()));
    }
    if let Some(curl) = &a.curl {
        let token_path = profile.unwrap_or(&provider::GENERIC).token_path_b2b.value;
        let url = curl_url(curl, a.base_url.as_deref(), token_path)?;
        emit(&curl_text("POST", &url, &headers, B2B_REQUEST_BODY.as_bytes()));
    } else if a.json {
        emit_json(&json!({
            "string_to_sign": sts.as_str(),
            "signature": sig.as_str(),
            "timestamp": ts,
            "client_id": a.client_id,
            "body": B2B_REQUEST_BODY,
            "headers": headers_json(&headers),
        }));
    } else {
        emit(&headers_text(&headers));
    }
    Ok(0)
}

pub(crate) fn transaction(a: TransactionArgs) -> Outcome<u8> {
    let signer = required_hmac_signer(&a.secret)?;
    let ts = resolve_timestamp(&a.time)?;
    let body = load_body(a.request.body.as_deref())?;
    let sts = string_to_sign::transaction(&a.request.method, &a.request.path, &a.token, &body.digest, &ts)
        .map_err(field_failure)?;
    let sig = signer.sign(sts.as_bytes());
    let mut headers = vec![
        ("Authorization", format!("Bearer {}", a.token)),
        ("X-TIMESTAMP", ts.clone()),
        ("X-SIGNATURE", sig.to_string()),
        ("Content-Type", CONTENT_TYPE.to_string()),
    ];
    extra_headers(&a.extra, &mut headers)?;
    let signed =
        Signed { method: &a.request.method, string_to_sign: sts.as_str(), signature: sig.as_str(), timestamp: &ts };
    output_request(a.curl.as_deref(), a.json, &headers, &body, signed)
}

pub(crate) fn service(a: ServiceArgs) -> Outcome<u8> {
    let signer = load_signer(&a.key.key, a.key.passphrase_env.as_deref(), a.key.allow_weak_key)?;
    let ts = resolve_timestamp(&a.time)?;
    let body = load_body(a.request.body.as_deref())?;
    let sts = string_to_sign::service(&a.request.method, &a.request.path, &body.digest, &ts).map_err(field_failure)?;
    let sig =
        signer.sign(sts.as_bytes(), &mut getrandom::SysRng).map_err(|e| Failure::input(a.key.key.display(), e))?;
    let mut headers =
        vec![("X-TIMESTAMP", ts.clone()), ("X-SIGNATURE", sig.to_string()), ("Content-Type", CONTENT_TYPE.to_string())];
    extra_headers(&a.extra, &mut headers)?;
    let signed =
        Signed { method: &a.request.method, string_to_sign: sts.as_str(), signature: sig.as_str(), timestamp: &ts };
    output_request(a.curl.as_deref(), a.json, &headers, &body, signed)
}

fn extra_headers(extra: &ExtraHeaders, headers: &mut Vec<(&'static str, String)>) -> Outcome<()> {
    if let Some(p) = &extra.partner_id {
        headers.push(("X-PARTNER-ID", p.clone()));
    }
    if let Some(id) = &extra.external_id {
        headers.push(("X-EXTERNAL-ID", id.clone()));
    } else if extra.new_external_id {
        let id = external_id(&mut getrandom::SysRng, 32).map_err(|e| Failure::input("--new-external-id", e))?;
        headers.push(("X-EXTERNAL-ID", id.to_string()));
    }
    if let Some(c) = &extra.channel_id {
        headers.push(("CHANNEL-ID", c.clone()));
    }
    for (name, value) in headers.iter() {
        if value.chars().any(char::is_control) {
            return Err(Failure::input(name, "header value has a control character"));
        }
    }
    Ok(())
}

/// What was signed, and how.
struct Signed<'a> {
    method: &'a str,
    string_to_sign: &'a str,
    signature: &'a str,
    timestamp: &'a str,
}

fn output_request(
    curl: Option<&str>,
    json_out: bool,
    headers: &[(&str, String)],
    body: &Body,
    signed: Signed<'_>,
) -> Outcome<u8> {
    let Signed { method, string_to_sign: sts, signature: sig, timestamp: ts } = signed;
    if let Some(url) = curl {
        // The minified body is sent: its bytes are exactly the ones that were hashed.
        emit(&curl_text(method, url, headers, &body.min));
    } else if json_out {
        emit_json(&json!({
            "string_to_sign": sts,
            "signature": sig,
            "timestamp": ts,
            "body_minified": String::from_utf8_lossy(&body.min),
            "body_sha256_hex": body.digest.as_str(),
            "headers": headers_json(headers),
        }));
    } else {
        emit(&headers_text(headers));
    }
    Ok(0)
}
