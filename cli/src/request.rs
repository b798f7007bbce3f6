//! `snapsign request --provider NAME`: every header of a transaction call, signed the way the
//! provider's profile says, from one clock reading.

use serde_json::json;
use snapsign_core::request::{Call, Customer, ProfileSigner, SigningKey, When};
use snapsign_core::string_to_sign;

use crate::args::RequestCallArgs;
use crate::failure::{field_failure, Failure, Outcome};
use crate::input::body::load_body;
use crate::input::key::load_signer;
use crate::input::provider::{curl_url, load_profile};
use crate::input::secret::{hmac_signer, load_secret};
use crate::input::timestamp::now_millis;
use crate::output::{curl_text, emit, emit_json, headers_json, headers_text};

fn credential(a: &RequestCallArgs) -> Outcome<SigningKey> {
    if let Some(path) = &a.signer.key {
        return Ok(SigningKey::Rsa(load_signer(path, a.passphrase_env.as_deref(), false)?));
    }
    let secret = load_secret(a.signer.secret_env.as_deref(), a.signer.secret_file.as_deref())?.ok_or_else(|| {
        Failure::input("signer", "give --secret-env VAR or --secret-file FILE (with --token), or --key FILE")
    })?;
    Ok(SigningKey::Hmac(hmac_signer(&secret)?))
}

pub(crate) fn run(a: RequestCallArgs) -> Outcome<u8> {
    let profile = load_profile(&a.provider)?;
    let key = credential(&a)?;
    let body = load_body(a.request.body.as_deref())?;
    let signer = ProfileSigner::new(profile, key).map_err(request_failure)?;
    let customer = a.customer_token.as_deref().map(|token| Customer {
        access_token: token,
        ip_address: a.ip_address.as_deref(),
        latitude: a.latitude.as_deref(),
        longitude: a.longitude.as_deref(),
    });
    let call = Call {
        access_token: a.token.as_deref(),
        external_id: a.external_id.as_deref(),
        channel_id: a.channel_id.as_deref(),
        origin: a.origin.as_deref(),
        device_id: a.device_id.as_deref(),
        customer,
        ..Call::new(&a.request.method, &a.request.path, &body.min, &a.partner_id)
    };
    let when = a.timestamp.as_deref().map_or(When::UnixMillis(now_millis()), When::Header);
    let headers = signer.sign(&call, when, &mut getrandom::SysRng).map_err(request_failure)?;
    let list: Vec<(&str, String)> = headers.iter().map(|(n, v)| (n, v.to_owned())).collect();

    if let Some(curl) = &a.curl {
        let url = curl_url(curl, a.base_url.as_deref(), Some(&a.request.path))?;
        // The minified body is sent: its bytes are exactly the ones that were hashed.
        emit(&curl_text(call.method, &url, &list, &body.min));
    } else if a.json {
        let (ts, url) = (headers.timestamp(), headers.endpoint_url());
        let sts = match signer.key() {
            SigningKey::Hmac(_) => {
                let token = call.access_token.unwrap_or_default();
                string_to_sign::transaction(call.method, url, token, &body.digest, ts).map(|s| s.to_string())
            }
            SigningKey::Rsa(_) => string_to_sign::service(call.method, url, &body.digest, ts).map(|s| s.to_string()),
        }
        .map_err(field_failure)?;
        emit_json(&json!({
            "provider": profile.name,
            "headers": headers_json(&list),
            "string_to_sign": sts,
            "signature": headers.signature(),
            "timestamp": ts,
            "endpoint_url": url,
            "body_minified": String::from_utf8_lossy(&body.min),
            "body_sha256_hex": body.digest.as_str(),
        }));
    } else {
        emit(&headers_text(&list));
    }
    Ok(0)
}

/// A core refusal, naming the flag; a signer that does not match the profile says which to give.
fn request_failure(e: snapsign_core::Error) -> Failure {
    match e {
        snapsign_core::Error::MissingCredential { needed } => {
            let flag = match needed {
                snapsign_core::Credential::ClientSecret => "--secret-env/--secret-file",
                snapsign_core::Credential::PrivateKey => "--key",
            };
            Failure::input(flag, e)
        }
        e => field_failure(e),
    }
}
