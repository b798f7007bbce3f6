//! RSA keys: loading them, and saying what a file that is not the right key holds instead.

use std::io::Write;
use std::path::Path;

use snapsign_core::{Error, KeyErrorKind, KeyOptions, RsaSigner, RsaVerifier};

use super::env::read_variable;
use super::file::read_file;
use crate::failure::{Failure, Outcome};
use snapsign_explain::visible::visible;

/// Loads a private key for signing.
pub(crate) fn load_signer(path: &Path, passphrase_env: Option<&str>, allow_weak: bool) -> Outcome<RsaSigner> {
    let bytes = read_file(path)?;
    let pass = passphrase(passphrase_env)?;
    let options = KeyOptions { allow_weak, passphrase: pass.as_deref() };
    RsaSigner::from_bytes(&bytes, &options).map_err(|e| key_failure(path, &bytes, e, true))
}

/// Loads a public key (or a certificate's, or a private key's public half) for verifying.
pub(crate) fn load_verifier(path: &Path, allow_weak: bool) -> Outcome<RsaVerifier> {
    let bytes = read_file(path)?;
    let options = KeyOptions { allow_weak, passphrase: None };
    let verifier = RsaVerifier::from_bytes(&bytes, &options).map_err(|e| key_failure(path, &bytes, e, false))?;
    if RsaSigner::from_bytes(&bytes, &options).is_ok() {
        // It works, but a private key copied to where verification happens is a key leaked.
        let _ = writeln!(
            std::io::stderr(),
            "snapsign: warning: {} is a private key; verifying needs only the public key (openssl pkey -pubout)",
            path.display()
        );
    }
    Ok(verifier)
}

fn passphrase(var: Option<&str>) -> Outcome<Option<Vec<u8>>> {
    var.map(|name| read_variable("--passphrase-env", name, "KEY_PASSPHRASE")).transpose()
}

/// A key error, naming the file and what was found instead.
fn key_failure(path: &Path, bytes: &[u8], e: Error, want_private: bool) -> Failure {
    let hint = match e {
        Error::InvalidKey { kind: KeyErrorKind::PublicKeyGiven } => {
            " (a public key can only verify: pass it as --public-key; signing needs the private key)".to_string()
        }
        Error::InvalidKey { kind: KeyErrorKind::CertificateGiven } => {
            if want_private {
                " (a certificate holds only the public key; signing needs the private key file)".into()
            } else {
                " (extract its key with: openssl x509 -pubkey -noout -in CERT)".into()
            }
        }
        Error::InvalidKey { kind: KeyErrorKind::Encrypted } => {
            " (put the passphrase in an environment variable and pass its name with --passphrase-env)".into()
        }
        Error::WeakKey { .. } => " (--allow-weak-key accepts it, for legacy test systems only)".into(),
        Error::InvalidKey { kind: KeyErrorKind::Malformed | KeyErrorKind::Unsupported } => {
            describe_key_file(bytes).map(|d| format!(" ({d})")).unwrap_or_default()
        }
        _ => String::new(),
    };
    Failure::input(path.display(), format!("{e}{hint}"))
}

/// What a file that failed to load as a key looks like, for the error message.
fn describe_key_file(bytes: &[u8]) -> Option<String> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Some("the file is empty".into());
    }
    if let Some(start) = find(bytes, b"-----BEGIN ") {
        let rest = &bytes[start + 11..];
        let end = find(rest, b"-----").unwrap_or(rest.len().min(40));
        let label = String::from_utf8_lossy(&rest[..end]);
        return Some(format!("found a PEM block labelled '{label}'"));
    }
    if bytes.first() == Some(&0x30) {
        return Some(format!("found {} bytes of binary (DER) data that is not an RSA key", bytes.len()));
    }
    if bytes.starts_with(b"ssh-rsa ") || bytes.starts_with(b"ssh-") {
        return Some("found an OpenSSH public key; convert it with ssh-keygen -e -m PKCS8".into());
    }
    if std::str::from_utf8(bytes).is_ok() {
        let first: String = String::from_utf8_lossy(bytes).lines().next().unwrap_or("").chars().take(40).collect();
        return Some(format!("found text starting with \"{}\", not PEM or base64 DER", visible(&first)));
    }
    Some(format!("found {} bytes of binary data that is not DER", bytes.len()))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
