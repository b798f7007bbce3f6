//! `--provider NAME`: a profile from the core's table.

use snapsign_core::provider::{self, Profile};

use crate::failure::{Failure, Outcome};

/// The profile `--provider` names, or a message listing the names there are.
pub(crate) fn load_profile(name: &str) -> Outcome<&'static Profile> {
    provider::find(name).ok_or_else(|| {
        let names: Vec<&str> = provider::PROFILES.iter().map(|p| p.name).collect();
        Failure::input("--provider", format!("no profile '{name}'; the profiles are {}", names.join(", ")))
    })
}

/// The URL a `--curl` flag asks for: its value, or (bare `--curl`) `--base-url` plus `path`.
pub(crate) fn curl_url(curl: &str, base_url: Option<&str>, path: Option<&str>) -> Outcome<String> {
    if !curl.is_empty() {
        return Ok(curl.to_owned());
    }
    let base = base_url.ok_or_else(|| Failure::input("--curl", "give a URL, or --base-url with a bare --curl"))?;
    let path = path.ok_or_else(|| Failure::input("--curl", "the provider has no path for this call; give the URL"))?;
    Ok(format!("{}{path}", base.trim_end_matches('/')))
}
