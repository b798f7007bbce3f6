//! Reading files and standard input, and naming them in messages.

use std::io::Read;
use std::path::Path;

use crate::failure::{Failure, Outcome};

/// How an input is named in messages: the file name, or `<stdin>`.
pub(crate) fn input_name(spec: &str) -> String {
    if spec == "-" {
        "<stdin>".into()
    } else {
        spec.into()
    }
}

/// Reads a file, or standard input for `-`; `None` is an empty body.
pub(crate) fn read_input(spec: Option<&str>) -> Outcome<Vec<u8>> {
    match spec {
        None => Ok(Vec::new()),
        Some("-") => {
            let mut buf = Vec::new();
            std::io::stdin().read_to_end(&mut buf).map_err(|e| Failure::input("<stdin>", e))?;
            Ok(buf)
        }
        Some(path) => read_file(Path::new(path)),
    }
}

/// Opens a file, or standard input for `-`, for reading in pieces.
pub(crate) fn open_input(spec: &str) -> Outcome<Box<dyn Read>> {
    if spec == "-" {
        return Ok(Box::new(std::io::stdin().lock()));
    }
    let file =
        std::fs::File::open(spec).map_err(|e| Failure::input(spec, format!("cannot read: {}", io_reason(&e))))?;
    Ok(Box::new(file))
}

/// Reads a file, naming it and the reason in a failure.
pub(crate) fn read_file(path: &Path) -> Outcome<Vec<u8>> {
    std::fs::read(path).map_err(|e| Failure::input(path.display(), format!("cannot read: {}", io_reason(&e))))
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}
