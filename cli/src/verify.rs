//! `snapsign verify`: check a received signature (and optionally the timestamp's skew).

use serde_json::{json, Value};
use snapsign_core::timestamp::check_skew;
use snapsign_core::{string_to_sign, Error};

use crate::args::VerifyCommand;
use crate::failure::{field_failure, Outcome};
use crate::input::body::load_body;
use crate::input::key::load_verifier;
use crate::input::secret::required_hmac_signer;
use crate::input::timestamp::now_millis;
use crate::output::{emit, emit_json};

/// Why a signature did not verify, or `None` when it did. Errors about the inputs themselves
/// (not the signature) are bad input.
fn verdict(result: Result<(), Error>) -> Outcome<Option<String>> {
    match result {
        Ok(()) => Ok(None),
        Err(e) if e.is_wrong_signature() => Ok(Some(e.to_string())),
        Err(e) => Err(field_failure(e)),
    }
}

pub(crate) fn run(v: VerifyCommand) -> Outcome<u8> {
    let (common, sts, body, result) = match v {
        VerifyCommand::Token { public_key, allow_weak_key, client_id, common } => {
            let verifier = load_verifier(&public_key, allow_weak_key)?;
            let sts = string_to_sign::token(&client_id, &common.timestamp).map_err(field_failure)?;
            let r = verifier.verify(sts.as_bytes(), common.signature.as_bytes());
            (common, sts.as_str().to_string(), None, r)
        }
        VerifyCommand::Service { public_key, allow_weak_key, request, common } => {
            let verifier = load_verifier(&public_key, allow_weak_key)?;
            let body = load_body(request.body.as_deref())?;
            let sts = string_to_sign::service(&request.method, &request.path, &body.digest, &common.timestamp)
                .map_err(field_failure)?;
            let r = verifier.verify(sts.as_bytes(), common.signature.as_bytes());
            (common, sts.as_str().to_string(), Some(body), r)
        }
        VerifyCommand::Transaction { secret, request, token, common } => {
            let signer = required_hmac_signer(&secret)?;
            let body = load_body(request.body.as_deref())?;
            let sts =
                string_to_sign::transaction(&request.method, &request.path, &token, &body.digest, &common.timestamp)
                    .map_err(field_failure)?;
            let r = signer.verify(sts.as_bytes(), common.signature.as_bytes());
            (common, sts.as_str().to_string(), Some(body), r)
        }
    };
    let mut reason = verdict(result)?;
    let mut skew = None;
    if let Some(max) = common.max_skew {
        match check_skew(&common.timestamp, now_millis(), max) {
            Ok(ts) => skew = Some((ts.unix_millis() - now_millis()) / 1000),
            Err(e @ Error::TimestampSkew { skew_seconds, .. }) => {
                skew = Some(skew_seconds);
                if reason.is_none() {
                    reason = Some(e.to_string());
                }
            }
            Err(e) => return Err(field_failure(e)),
        }
    }
    let valid = reason.is_none();
    if common.json {
        let mut obj = json!({
            "valid": valid,
            "reason": reason,
            "string_to_sign": sts,
            "signature": common.signature,
            "timestamp": common.timestamp,
        });
        if let (Some(body), Some(m)) = (&body, obj.as_object_mut()) {
            m.insert("body_minified".into(), Value::String(String::from_utf8_lossy(&body.min).into_owned()));
            m.insert("body_sha256_hex".into(), Value::String(body.digest.as_str().into()));
        }
        if let (Some(s), Some(m)) = (skew, obj.as_object_mut()) {
            m.insert("skew_seconds".into(), json!(s));
        }
        emit_json(&obj);
    } else {
        match &reason {
            None => emit("valid\n"),
            Some(r) => emit(&format!("invalid: {r}\n")),
        }
    }
    Ok(if valid { 0 } else { 1 })
}

#[cfg(test)]
mod tests {
    use super::*;
    use snapsign_core::Field;

    #[test]
    fn wrong_signatures_are_a_verdict_and_bad_input_a_failure() {
        assert_eq!(verdict(Ok(())).ok(), Some(None));
        let mismatch = verdict(Err(Error::SignatureMismatch)).ok().flatten();
        assert_eq!(mismatch, Some(Error::SignatureMismatch.to_string()));
        let base64 = verdict(Err(Error::InvalidBase64 { field: Field::Signature })).ok().flatten();
        assert_eq!(base64, Some(Error::InvalidBase64 { field: Field::Signature }.to_string()));
        assert!(verdict(Err(Error::SignatureLength { expected: 64, actual: 3 })).is_ok_and(|r| r.is_some()));
        let bad = verdict(Err(Error::InvalidMethod)).err().map(|f| (f.code, f.message));
        assert_eq!(bad, Some((2, format!("--method: {}", Error::InvalidMethod))));
    }
}
