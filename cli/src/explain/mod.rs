//! `snapsign explain`: a thin front over `snapsign-explain`. The flags become its `Inputs`
//! (`input`), its `Explanation` becomes text or one JSON object (`report`).

mod input;
mod report;

use crate::args::ExplainCommand;
use crate::failure::{Failure, Outcome};
use crate::output::{emit, emit_json};

pub(crate) fn run(cmd: ExplainCommand) -> Outcome<u8> {
    let (inputs, json) = input::load(cmd)?;
    let explanation = snapsign_explain::explain(inputs).map_err(|e| Failure::input("--key", e))?;
    if json {
        emit_json(&report::json(&explanation));
    } else {
        emit(&report::text(&explanation));
    }
    let ok = explanation.problems.is_empty() && explanation.valid() != Some(false);
    Ok(if ok { 0 } else { 1 })
}
