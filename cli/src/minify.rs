//! `snapsign minify` and `snapsign digest`: the body term of the string-to-sign, and the bytes it
//! is the hash of.

use std::io::Read;

use snapsign_core::body_digest::BodyHasher;

use crate::args::{DigestArgs, MinifyArgs};
use crate::failure::{Failure, Outcome};
use crate::input::body::minify_named;
use crate::input::file::{input_name, open_input, read_input};
use crate::output::{emit, emit_bytes};

pub(crate) fn minify(a: MinifyArgs) -> Outcome<u8> {
    let mut out = minified(a.file.as_deref())?;
    if !a.no_newline {
        out.push(b'\n');
    }
    emit_bytes(&out);
    Ok(0)
}

/// Streams the body through the digest: a large file is never held in memory (reading it whole
/// and keeping its minified copy cost more than the hashing, in page faults and copies).
pub(crate) fn digest(a: DigestArgs) -> Outcome<u8> {
    let spec = a.file.as_deref().unwrap_or("-");
    let name = input_name(spec);
    let mut input = open_input(spec)?;
    let mut hasher = BodyHasher::new();
    let mut buf = vec![0u8; 1 << 18];
    loop {
        let n = match input.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Failure::input(&name, format!("cannot read: {e}"))),
        };
        hasher.update(buf.get(..n).unwrap_or_default()).map_err(|e| Failure::input(&name, e))?;
    }
    let digest = hasher.finish().map_err(|e| Failure::input(&name, e))?;
    emit(&format!("{digest}\n"));
    Ok(0)
}

/// The body in `file` (standard input by default), minified.
fn minified(file: Option<&str>) -> Outcome<Vec<u8>> {
    let spec = file.unwrap_or("-");
    let body = read_input(Some(spec))?;
    minify_named(&body, &input_name(spec))
}
