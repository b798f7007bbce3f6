//! Values held in environment variables (secrets and passphrases never go on the command line).

use crate::failure::{Failure, Outcome};

/// A POSIX environment variable name: letters, digits and `_`, not starting with a digit.
fn is_variable_name(text: &str) -> bool {
    let mut bytes = text.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// The bytes of the variable that `flag` names. A value that cannot be a variable name is most
/// likely the secret itself, pasted where its name belongs: it is never echoed.
pub(crate) fn read_variable(flag: &str, name: &str, example: &str) -> Outcome<Vec<u8>> {
    if !is_variable_name(name) {
        return Err(Failure::input(
            flag,
            format!(
                "takes the name of an environment variable (letters, digits and _), not the value itself; \
                 for example: export {example}=... then {flag} {example}"
            ),
        ));
    }
    match std::env::var_os(name) {
        Some(v) if !v.is_empty() => Ok(v.into_encoded_bytes()),
        _ => Err(Failure::input(flag, format!("environment variable {name} is not set or empty"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(is_variable_name("CLIENT_SECRET"));
        assert!(is_variable_name("_x1"));
        assert!(!is_variable_name("1X"));
        assert!(!is_variable_name("SK-8dPqZ"));
        assert!(!is_variable_name("a b"));
        assert!(!is_variable_name(""));
    }
}
