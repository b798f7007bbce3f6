//! The clients file: several clients for one sandbox, as a JSON list.
//!
//! ```json
//! [
//!   {"client_id": "MCPD00000006", "public_key": "keys/client-a.pem", "secret_env": "CLIENT_A_SECRET"},
//!   {"client_id": "CLIENT-3072", "public_key": "keys/client-b.pem", "secret_env": "CLIENT_B_SECRET",
//!    "partner_id": "PARTNER-3072"}
//! ]
//! ```
//!
//! `public_key` is a path, relative to the clients file's folder unless absolute; `secret_env`
//! names the environment variable that holds the client secret (secrets are never in the file);
//! `partner_id` is optional. Unknown members are refused, so a misspelt one is not ignored.

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// One entry of the clients file.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientSpec {
    pub client_id: String,
    pub public_key: PathBuf,
    pub secret_env: String,
    #[serde(default)]
    pub partner_id: Option<String>,
}

/// The entries of a clients file's text; `public_key` paths resolved against `dir`.
///
/// # Errors
/// The JSON error (with its line and column), or an empty list.
pub fn parse(text: &str, dir: &Path) -> Result<Vec<ClientSpec>, String> {
    let mut specs: Vec<ClientSpec> = serde_json::from_str(text).map_err(|e| {
        format!("{e} (expected a JSON list of {{\"client_id\", \"public_key\", \"secret_env\", \"partner_id\"?}})")
    })?;
    if specs.is_empty() {
        return Err("the list of clients is empty".into());
    }
    for s in &mut specs {
        if s.public_key.is_relative() {
            s.public_key = dir.join(&s.public_key);
        }
    }
    Ok(specs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries() {
        let text = r#"[{"client_id":"A","public_key":"k.pem","secret_env":"S"},
                       {"client_id":"B","public_key":"/abs.pem","secret_env":"T","partner_id":"P"}]"#;
        let specs = parse(text, Path::new("/etc/sb")).unwrap();
        assert_eq!(specs[0].public_key, PathBuf::from("/etc/sb/k.pem"));
        assert_eq!(specs[1].public_key, PathBuf::from("/abs.pem"));
        assert_eq!(specs[1].partner_id.as_deref(), Some("P"));
        assert!(parse("[]", Path::new(".")).unwrap_err().contains("empty"));
        assert!(parse(r#"[{"client_id":"A","public_key":"k","secret_env":"S","secret":"x"}]"#, Path::new("."))
            .unwrap_err()
            .contains("unknown field"));
    }
}
