//! An absolute URL given where SNAP signs the relative path: where that path starts.

/// The relative path (with query string) of an absolute URL (`https://host/p?q` → `/p?q`);
/// `None` when `path` is not an absolute URL.
pub(crate) fn relative_part(path: &str) -> Option<String> {
    let after_scheme = if let Some(rest) = path.strip_prefix("//") {
        rest
    } else {
        let i = path.split('?').next().unwrap_or(path).find("://")?;
        path.get(i + 3..)?
    };
    Some(match after_scheme.find(['/', '?']) {
        Some(i) if after_scheme[i..].starts_with('/') => after_scheme[i..].to_string(),
        Some(i) => format!("/{}", &after_scheme[i..]),
        None => "/".to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_parts() {
        assert_eq!(relative_part("https://api.x.com/v1/a?b=1").as_deref(), Some("/v1/a?b=1"));
        assert_eq!(relative_part("https://api.x.com").as_deref(), Some("/"));
        assert_eq!(relative_part("//api.x.com/v1").as_deref(), Some("/v1"));
        assert_eq!(relative_part("/v1?next=http://a").as_deref(), None);
    }
}
