//! `snapsign minify` and `snapsign digest`: the body term of the string-to-sign, and the bytes it
//! is the hash of.

use snapsign_core::body_digest::BodyDigest;

use crate::args::{DigestArgs, MinifyArgs};
use crate::failure::Outcome;
use crate::input::body::minify_named;
use crate::input::file::{input_name, read_input};
use crate::output::{emit, emit_bytes};

pub(crate) fn minify(a: MinifyArgs) -> Outcome<u8> {
    let mut out = minified(a.file.as_deref())?;
    if !a.no_newline {
        out.push(b'\n');
    }
    emit_bytes(&out);
    Ok(0)
}

pub(crate) fn digest(a: DigestArgs) -> Outcome<u8> {
    let min = minified(a.file.as_deref())?;
    emit(&format!("{}\n", BodyDigest::of_minified(&min)));
    Ok(0)
}

/// The body in `file` (standard input by default), minified.
fn minified(file: Option<&str>) -> Outcome<Vec<u8>> {
    let spec = file.unwrap_or("-");
    let body = read_input(Some(spec))?;
    minify_named(&body, &input_name(spec))
}
