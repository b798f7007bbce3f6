//! Checking the given signature: as given, then written as standard padded base64 if it is not,
//! then (if it is well-formed but does not match) by the variant search.

use snapsign_core::Error;

use super::checker::Checker;
use super::input::Input;
use super::variants::{search, Search};

/// The given signature, checked.
pub(super) struct Check {
    pub(super) given: String,
    /// How the given signature is not standard padded base64.
    pub(super) notes: Vec<String>,
    pub(super) verdict: Verdict,
}

pub(super) enum Verdict {
    Valid,
    /// It verifies once written as standard padded base64 (the notes say how it was not).
    ValidOnceNormalized,
    Invalid {
        error: Error,
        /// The variant search, run when the signature is well-formed but does not match.
        search: Option<Search>,
    },
}

impl Check {
    pub(super) fn is_valid(&self) -> bool {
        matches!(self.verdict, Verdict::Valid)
    }
}

/// Checks `given` over `sts`, searching the variants of the inputs when it does not match.
pub(super) fn check(input: &Input, sts: &str, min: Option<&[u8]>, given: &str, checker: &Checker) -> Check {
    let mut notes = Vec::new();
    let mut sig = given.to_string();
    let first = checker.verify(sts.as_bytes(), sig.as_bytes(), false);
    if first.is_err_and(|e| e.is_wrong_signature()) {
        if let Some((fixed, what)) = normalize_signature(given) {
            notes.push(what.to_string());
            sig = fixed;
        }
    }
    let result = if sig == given { first } else { checker.verify(sts.as_bytes(), sig.as_bytes(), false) };
    let verdict = match result {
        Ok(()) if notes.is_empty() => Verdict::Valid,
        Ok(()) => Verdict::ValidOnceNormalized,
        Err(error) => {
            let search = (error == Error::SignatureMismatch).then(|| search(input, min, checker, &sig));
            Verdict::Invalid { error, search }
        }
    };
    Check { given: given.to_string(), notes, verdict }
}

/// A signature pasted with whitespace, in URL-safe base64, or without padding, made standard.
fn normalize_signature(sig: &str) -> Option<(String, &'static str)> {
    let compact: String = sig.chars().filter(|c| !c.is_whitespace()).collect();
    let mut fixed = compact.replace('-', "+").replace('_', "/");
    while fixed.len() % 4 != 0 {
        fixed.push('=');
    }
    if fixed == sig {
        return None;
    }
    let what = if compact != sig {
        "the signature contains whitespace or line breaks"
    } else if compact.contains(['-', '_']) {
        "the signature is URL-safe base64 ('-' and '_'); SNAP uses standard base64 ('+' and '/')"
    } else {
        "the signature lacks its '=' padding"
    };
    Some((fixed, what))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_normalized() {
        assert_eq!(normalize_signature("ab-_").map(|x| x.0), Some("ab+/".into()));
        assert_eq!(normalize_signature("abc").map(|x| x.0), Some("abc=".into()));
        assert_eq!(normalize_signature("ab\ncd").map(|x| x.0), Some("abcd".into()));
        assert!(normalize_signature("abcd").is_none());
    }
}
