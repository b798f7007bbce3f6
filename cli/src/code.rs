//! `snapsign code CODE`: what a SNAP `responseCode` means, from the core's tables.

use serde_json::json;
use snapsign_core::{describe_response_code, Error};

use crate::args::CodeArgs;
use crate::failure::{Failure, Outcome};
use crate::output::{emit, emit_json};

pub(crate) fn run(a: CodeArgs) -> Outcome<u8> {
    // The response parser's wording ("invalid access-token response: ...") does not fit a code
    // typed on its own; the kind's message does.
    let info = describe_response_code(&a.code).map_err(|e| match e {
        Error::InvalidResponse { kind } => Failure::input("CODE", kind.message()),
        e => Failure::input("CODE", e),
    })?;
    let unknown = "unknown";
    if a.json {
        emit_json(&json!({
            "code": a.code,
            "http_status": info.http_status,
            "service_code": info.service_code,
            "service_name": info.service_name,
            "case_code": info.case_code,
            "message": info.message,
            "description": info.description,
            "likely_causes": info.likely_causes,
        }));
        return Ok(0);
    }
    let mut out = format!(
        "{}\n  HTTP status  {}\n  service      {:02} {}\n  case         {:02} {}\n",
        a.code,
        info.http_status,
        info.service_code,
        info.service_name.unwrap_or(unknown),
        info.case_code,
        info.message.unwrap_or(unknown),
    );
    if let Some(d) = info.description {
        out.push_str(&format!("  description  {d}\n"));
    }
    if !info.likely_causes.is_empty() {
        out.push_str("\nlikely causes:\n");
        for cause in info.likely_causes {
            out.push_str(&format!("  * {cause}\n"));
        }
    }
    emit(&out);
    Ok(0)
}
