//! Request bodies, minified as they are hashed.

use snapsign_core::body_digest::BodyDigest;

use super::file::{input_name, read_input};
use crate::failure::{Failure, Outcome};

/// The body of a request: minified bytes and digest.
pub(crate) struct Body {
    pub(crate) min: Vec<u8>,
    pub(crate) digest: BodyDigest,
}

/// Reads `--body` (a file, `-` for stdin, or none for an empty body) and minifies it.
pub(crate) fn load_body(spec: Option<&str>) -> Outcome<Body> {
    let raw = read_input(spec)?;
    let name = spec.map(input_name).unwrap_or_else(|| "body".into());
    let min = minify_named(&raw, &name)?;
    let digest = BodyDigest::of_minified(&min);
    Ok(Body { min, digest })
}

/// Minifies a body (already read), naming its source in an error.
pub(crate) fn minify_named(body: &[u8], name: &str) -> Outcome<Vec<u8>> {
    let mut out = Vec::with_capacity(body.len());
    snapsign_core::minify::minify_to(body, &mut out).map_err(|e| Failure::input(name, e))?;
    Ok(out)
}
