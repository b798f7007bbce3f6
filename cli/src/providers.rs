//! `snapsign providers`: the core's provider profiles, as a table or as JSON with each value's
//! source and confidence.

use serde_json::{json, Value};
use snapsign_core::provider::{Fact, Profile, TimestampStyle, PROFILES};
use snapsign_core::timestamp::{Timestamp, TimestampFormat};

use crate::args::ProvidersArgs;
use crate::failure::Outcome;
use crate::output::{emit, emit_json};

/// An example of the style: 2020-01-01T04:10:00 WIB written that way.
fn timestamp_example(style: TimestampStyle) -> String {
    Timestamp::from_unix_millis(1_577_826_600_000, style.offset_minutes)
        .map(|t| t.format(style.format).to_string())
        .unwrap_or_default()
}

fn fact(f: &Fact<impl Into<Value> + Copy>) -> Value {
    json!({ "value": f.value.into(), "source": f.source, "confidence": f.confidence.name() })
}

fn profile_json(p: &Profile) -> Value {
    let ts = p.timestamp.value;
    let TimestampFormat { millis, utc_as_z } = ts.format;
    json!({
        "name": p.name,
        "token_path_b2b": fact(&p.token_path_b2b),
        "token_path_b2b2c": fact(&p.token_path_b2b2c),
        "timestamp": {
            "value": { "offset_minutes": ts.offset_minutes, "millis": millis, "utc_as_z": utc_as_z,
                       "example": timestamp_example(ts) },
            "source": p.timestamp.source,
            "confidence": p.timestamp.confidence.name(),
        },
        "transaction_signature": {
            "value": p.transaction_signature.value.name(),
            "source": p.transaction_signature.source,
            "confidence": p.transaction_signature.confidence.name(),
        },
        "endpoint_rule": {
            "value": p.endpoint.value.name(),
            "source": p.endpoint.source,
            "confidence": p.endpoint.confidence.name(),
        },
        "channel_id": fact(&p.channel_id),
        "partner_id_is_client_id": fact(&p.partner_id_is_client_id),
        "device_id_required": fact(&p.device_id_required),
        "missing_header": {
            "value": p.missing_header.value.name(),
            "source": p.missing_header.source,
            "confidence": p.missing_header.confidence.name(),
        },
        "notes": p.notes,
    })
}

pub(crate) fn run(a: ProvidersArgs) -> Outcome<u8> {
    if a.json {
        emit_json(&Value::Array(PROFILES.iter().map(profile_json).collect()));
        return Ok(0);
    }
    let mut out = String::from(
        "Values marked * are weak: confirm them with the provider. `snapsign providers --json` has every source.\n\n",
    );
    let weak = |c: snapsign_core::provider::Confidence| if c.name() == "weak" { "*" } else { "" };
    for p in PROFILES {
        let path = |f: &Fact<Option<&str>>| format!("{}{}", f.value.unwrap_or("none"), weak(f.confidence));
        out.push_str(&format!(
            "{}\n  token path     B2B {}  B2B2C {}\n  X-TIMESTAMP    {}{}\n  signature      {}{}\n  EndpointUrl    {}{}\n  CHANNEL-ID     {}{}\n  notes          {}\n\n",
            p.name,
            path(&p.token_path_b2b),
            path(&p.token_path_b2b2c),
            timestamp_example(p.timestamp.value),
            weak(p.timestamp.confidence),
            p.transaction_signature.value.name(),
            weak(p.transaction_signature.confidence),
            p.endpoint.value.name(),
            weak(p.endpoint.confidence),
            p.channel_id.value.unwrap_or("per partner"),
            weak(p.channel_id.confidence),
            p.notes,
        ));
    }
    emit(&out);
    Ok(0)
}
