//! Checking the given signature: as given; then decoded from hex, or written as standard padded
//! base64, if it is neither; then (if it is well-formed but does not match) by the variant search,
//! or, if its length is that of another RSA key size, by saying so.

use snapsign_core::Error;

use crate::cause::{Cause, CauseId};
use crate::key::Checker;
use crate::variants::{search, Context, Search};

/// The given signature, checked.
pub struct Check {
    pub given: String,
    /// How the given signature is not standard padded base64 (or base64 at all).
    pub notes: Vec<String>,
    /// The likely causes (see [`Check::causes`]).
    causes: Vec<Cause>,
    pub verdict: Verdict,
}

/// Whether the given signature verifies.
pub enum Verdict {
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
    /// Whether the signature verifies as given.
    pub fn is_valid(&self) -> bool {
        matches!(self.verdict, Verdict::Valid)
    }

    /// The variant search, when it ran.
    pub fn search(&self) -> Option<&Search> {
        match &self.verdict {
            Verdict::Invalid { search, .. } => search.as_ref(),
            _ => None,
        }
    }

    /// The likely causes: the signature's spelling when it verifies once normalised; else the
    /// variants the search found (after a hex signature decoded, that change first), or a
    /// signature of another key size.
    pub fn causes(&self) -> &[Cause] {
        &self.causes
    }
}

/// Checks `given` over `sts`, searching the variants of the inputs when it does not match.
pub(crate) fn check(ctx: &Context<'_>, sts: &str, given: &str, checker: &Checker) -> Check {
    let mut notes = Vec::new();
    let mut ids = Vec::new();
    let mut sig = given.to_string();
    let first = checker.verify(sts.as_bytes(), sig.as_bytes(), false);
    let mut hex = false;
    if first.is_err_and(|e| e.is_wrong_signature()) {
        if let Some(decoded) = hex_signature(given, checker.signature_len()) {
            notes.push(format!(
                "the signature is hex ({} hex digits for {} bytes), not base64; checked as those bytes",
                given.trim().len(),
                checker.signature_len()
            ));
            ids.push(CauseId::HexSignature);
            sig = decoded;
            hex = true;
        } else if let Some((fixed, id, what)) = normalize_signature(given) {
            notes.push(what.to_string());
            ids.push(id);
            sig = fixed;
        }
    }
    let result = if sig == given { first } else { checker.verify(sts.as_bytes(), sig.as_bytes(), false) };
    let mut causes: Vec<Cause> = Vec::new();
    let verdict = match result {
        Ok(()) if notes.is_empty() => Verdict::Valid,
        Ok(()) => {
            causes =
                ids.iter().zip(&notes).map(|(id, note)| Cause::one(*id, note.clone(), sts.to_string(), None)).collect();
            Verdict::ValidOnceNormalized
        }
        Err(error) => {
            let search = (error == Error::SignatureMismatch).then(|| search(ctx, checker, &sig));
            if let Some(s) = &search {
                causes = s.causes.clone();
                if hex {
                    causes = causes.into_iter().map(|c| c.after(CauseId::HexSignature, &notes[0])).collect();
                }
            }
            if let (Error::SignatureLength { expected, actual }, Checker::Rsa(_)) = (&error, checker) {
                if is_rsa_size(*actual) {
                    let note = format!(
                        "this signature is {} bits: it was made with another key ({}-bit), not the one you gave ({}-bit)",
                        actual * 8,
                        actual * 8,
                        expected * 8
                    );
                    causes.push(Cause::one(CauseId::OtherKeySize, note.clone(), sts.to_string(), None));
                    notes.push(note);
                }
            }
            Verdict::Invalid { error, search }
        }
    };
    Check { given: given.to_string(), notes, causes, verdict }
}

/// An RSA modulus size in bytes that keys are made with (1024 to 16384 bits, a multiple of 256).
fn is_rsa_size(bytes: usize) -> bool {
    (128..=2048).contains(&bytes) && bytes.is_multiple_of(32)
}

/// A signature written in hex: `2 × len` hex digits (around whitespace), as standard base64.
fn hex_signature(sig: &str, len: usize) -> Option<String> {
    let hex = sig.trim().as_bytes();
    if hex.len() != 2 * len || !hex.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    let digit = |b: u8| (b as char).to_digit(16).unwrap_or(0) as u8;
    let bytes: Vec<u8> = hex.chunks(2).map(|p| digit(p[0]) << 4 | digit(p[1])).collect();
    Some(<base64ct::Base64 as base64ct::Encoding>::encode_string(&bytes))
}

/// A signature pasted with whitespace, in URL-safe base64, or without padding, made standard.
fn normalize_signature(sig: &str) -> Option<(String, CauseId, &'static str)> {
    let compact: String = sig.chars().filter(|c| !c.is_whitespace()).collect();
    let mut fixed = compact.replace('-', "+").replace('_', "/");
    while !fixed.len().is_multiple_of(4) {
        fixed.push('=');
    }
    if fixed == sig {
        return None;
    }
    Some(if compact != sig {
        (fixed, CauseId::SignatureWhitespace, "the signature contains whitespace or line breaks")
    } else if compact.contains(['-', '_']) {
        (
            fixed,
            CauseId::SignatureBase64Url,
            "the signature is URL-safe base64 ('-' and '_'); SNAP uses standard base64 ('+' and '/')",
        )
    } else {
        (fixed, CauseId::SignaturePadding, "the signature lacks its '=' padding")
    })
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
