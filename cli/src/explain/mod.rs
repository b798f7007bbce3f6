//! `snapsign explain`: every intermediate step of a signature, the problems the core would refuse,
//! and, for a signature that does not verify, the variants of the inputs that do (the likely cause).

mod checker;
mod input;
mod parts;
mod problems;
mod report;
mod reserialize;
mod signature;
mod url;
mod variants;

use snapsign_core::body_digest::BodyDigest;

use self::input::Input;
use self::parts::Kind;
use self::problems::{field_warnings, problems};
use self::report::{BodyStep, Explanation};
use crate::args::ExplainCommand;
use crate::failure::Outcome;
use crate::output::{emit, emit_json};

pub(crate) fn run(cmd: ExplainCommand) -> Outcome<u8> {
    let input = Input::load(cmd)?;
    let json = input.common.json;
    let explanation = explain(input)?;
    if json {
        emit_json(&explanation.json());
    } else {
        emit(&explanation.text());
    }
    let ok = explanation.problems.is_empty() && explanation.valid() != Some(false);
    Ok(if ok { 0 } else { 1 })
}

/// With `--provider`, a timestamp written in another style than the profile's.
fn profile_timestamp_warning(input: &Input) -> Option<String> {
    let profile = input.profile?;
    let style = profile.timestamp.value;
    let ts = snapsign_core::timestamp::Timestamp::parse(&input.parts.timestamp).ok()?;
    let expected = snapsign_core::timestamp::Timestamp::from_unix_millis(ts.unix_millis(), style.offset_minutes)
        .ok()?
        .format(style.format);
    (expected.as_str() != input.parts.timestamp).then(|| {
        format!("--timestamp is not in {}'s style: the same instant is written {expected} there", profile.name)
    })
}

/// The steps: inputs, body, string-to-sign, our signature, the given signature.
fn explain(mut input: Input) -> Outcome<Explanation> {
    let kind = input.kind;
    let mut warnings: Vec<String> =
        input.parts.fields(kind).into_iter().flat_map(|(_, flag, value)| field_warnings(flag, value)).collect();
    warnings.extend(profile_timestamp_warning(&input));

    let body = (kind != Kind::Token).then(|| {
        let raw = &input.body_raw;
        let mut min = Vec::with_capacity(raw.len());
        let minified = snapsign_core::minify::minify_to(raw, &mut min).map(|()| min);
        // A body that is not JSON is hashed as it is: what was signed, if it was signed anyway.
        let hashed = minified.as_deref().unwrap_or(raw.as_slice());
        input.parts.digest = BodyDigest::of_minified(hashed).as_str().to_string();
        BodyStep { len: raw.len(), source: input.body_name.clone(), minified }
    });
    let problems = problems(&input, body.as_ref().and_then(|b| b.minified.as_ref().err()));

    let sts = input.parts.build(kind);
    let signature = input.signer.as_ref().map(|s| s.sign(&sts)).transpose()?;
    let min = body.as_ref().and_then(|b| b.minified.as_deref().ok());
    let check = match (&input.common.signature, &input.checker) {
        (Some(given), Some(checker)) => Some(signature::check(&input, &sts, min, given, checker)),
        _ => None,
    };
    Ok(Explanation { kind, parts: input.parts, body, string_to_sign: sts, warnings, problems, signature, check })
}
