//! The likely causes explain names, each with a stable identifier and a one-line fix.

use serde::Serialize;

/// One kind of signing mistake. The identifiers are stable: tools may match on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(into = "&'static str")]
#[non_exhaustive]
pub enum CauseId {
    /// The same instant written in another form (offset, `Z`, milliseconds).
    TimestampFormat,
    /// The signature was made over other milliseconds than the header carries (or none).
    TimestampMilliseconds,
    /// A malformed timestamp (a space for `T`, no offset) that the other side signed fixed.
    TimestampSpelling,
    /// Whitespace (a newline, CR or space) around the timestamp, on one side only.
    TimestampWhitespace,
    /// Whitespace around the client id, on one side only.
    ClientIdWhitespace,
    /// The client id signed with surrounding quotes.
    ClientIdQuoted,
    /// `clientId:timestamp` instead of `clientId|timestamp`.
    TokenColonSeparator,
    /// `timestamp|clientId` instead of `clientId|timestamp`.
    TokenFieldsSwapped,
    /// The method in another case.
    MethodCase,
    /// The path signed without its query string.
    PathWithoutQuery,
    /// The relative path signed where the absolute URL was given.
    RelativePath,
    /// The absolute URL signed instead of the relative path.
    AbsoluteUrl,
    /// A trailing slash added or dropped.
    TrailingSlash,
    /// Whitespace around the path.
    PathWhitespace,
    /// The path percent-encoded differently (`%2F` vs `/`, lower- vs upper-case hex).
    PathPercentEncoding,
    /// The path as sent where the provider signs another form of it (BCA's sorted query).
    EndpointRule,
    /// Non-breaking spaces, zero-width characters or full-width digits in a field.
    InvisibleCharacters,
    /// A service signature laid out `METHOD:path::digest:timestamp`.
    EmptyTokenField,
    /// The bare token signed where `Bearer <token>` was given.
    BearerPrefix,
    /// `Bearer <token>` signed where the bare token was given.
    BearerPrefixSigned,
    /// Whitespace around the access token.
    TokenWhitespace,
    /// The body hashed as sent, without minifying.
    BodyNotMinified,
    /// An empty body signed as `{}`.
    EmptyBodyAsBraces,
    /// The body `{}` signed as an empty body.
    BracesAsEmptyBody,
    /// The body re-serialised by `JSON.stringify(JSON.parse(body))`.
    JsonStringify,
    /// The body re-serialised by Python's `json.dumps`.
    PythonJsonDumps,
    /// The body re-serialised by PHP's `json_encode`.
    PhpJsonEncode,
    /// The body re-serialised by Go's `json.Marshal`.
    GoJsonMarshal,
    /// The body re-serialised by another JSON library (escapes decoded or added, keys sorted).
    BodyReserialized,
    /// The body digest written in upper-case hex.
    DigestUpperCase,
    /// The client secret with the trailing newline its file held.
    SecretTrailingNewline,
    /// The signature has whitespace or line breaks.
    SignatureWhitespace,
    /// The signature is URL-safe base64.
    SignatureBase64Url,
    /// The signature lacks its `=` padding.
    SignaturePadding,
    /// The signature is hex, not base64.
    HexSignature,
    /// The signature's length is that of another RSA key size.
    OtherKeySize,
}

impl CauseId {
    /// Every identifier, in the order the README lists them.
    pub const ALL: &'static [CauseId] = &[
        CauseId::TimestampFormat,
        CauseId::TimestampMilliseconds,
        CauseId::TimestampSpelling,
        CauseId::TimestampWhitespace,
        CauseId::ClientIdWhitespace,
        CauseId::ClientIdQuoted,
        CauseId::TokenColonSeparator,
        CauseId::TokenFieldsSwapped,
        CauseId::MethodCase,
        CauseId::PathWithoutQuery,
        CauseId::RelativePath,
        CauseId::AbsoluteUrl,
        CauseId::TrailingSlash,
        CauseId::PathWhitespace,
        CauseId::PathPercentEncoding,
        CauseId::EndpointRule,
        CauseId::InvisibleCharacters,
        CauseId::EmptyTokenField,
        CauseId::BearerPrefix,
        CauseId::BearerPrefixSigned,
        CauseId::TokenWhitespace,
        CauseId::BodyNotMinified,
        CauseId::EmptyBodyAsBraces,
        CauseId::BracesAsEmptyBody,
        CauseId::JsonStringify,
        CauseId::PythonJsonDumps,
        CauseId::PhpJsonEncode,
        CauseId::GoJsonMarshal,
        CauseId::BodyReserialized,
        CauseId::DigestUpperCase,
        CauseId::SecretTrailingNewline,
        CauseId::SignatureWhitespace,
        CauseId::SignatureBase64Url,
        CauseId::SignaturePadding,
        CauseId::HexSignature,
        CauseId::OtherKeySize,
    ];

    /// The stable identifier (`timestamp-milliseconds`, `php-json-encode`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            CauseId::TimestampFormat => "timestamp-format",
            CauseId::TimestampMilliseconds => "timestamp-milliseconds",
            CauseId::TimestampSpelling => "timestamp-spelling",
            CauseId::TimestampWhitespace => "timestamp-whitespace",
            CauseId::ClientIdWhitespace => "client-id-whitespace",
            CauseId::ClientIdQuoted => "client-id-quoted",
            CauseId::TokenColonSeparator => "token-colon-separator",
            CauseId::TokenFieldsSwapped => "token-fields-swapped",
            CauseId::MethodCase => "method-case",
            CauseId::PathWithoutQuery => "path-without-query",
            CauseId::RelativePath => "relative-path",
            CauseId::AbsoluteUrl => "absolute-url",
            CauseId::TrailingSlash => "trailing-slash",
            CauseId::PathWhitespace => "path-whitespace",
            CauseId::PathPercentEncoding => "path-percent-encoding",
            CauseId::EndpointRule => "endpoint-rule",
            CauseId::InvisibleCharacters => "invisible-characters",
            CauseId::EmptyTokenField => "empty-token-field",
            CauseId::BearerPrefix => "bearer-prefix",
            CauseId::BearerPrefixSigned => "bearer-prefix-signed",
            CauseId::TokenWhitespace => "token-whitespace",
            CauseId::BodyNotMinified => "body-not-minified",
            CauseId::EmptyBodyAsBraces => "empty-body-as-braces",
            CauseId::BracesAsEmptyBody => "braces-as-empty-body",
            CauseId::JsonStringify => "json-stringify",
            CauseId::PythonJsonDumps => "python-json-dumps",
            CauseId::PhpJsonEncode => "php-json-encode",
            CauseId::GoJsonMarshal => "go-json-marshal",
            CauseId::BodyReserialized => "body-reserialized",
            CauseId::DigestUpperCase => "digest-upper-case",
            CauseId::SecretTrailingNewline => "secret-trailing-newline",
            CauseId::SignatureWhitespace => "signature-whitespace",
            CauseId::SignatureBase64Url => "signature-base64url",
            CauseId::SignaturePadding => "signature-padding",
            CauseId::HexSignature => "hex-signature",
            CauseId::OtherKeySize => "other-key-size",
        }
    }

    /// The fix, in one line, addressed to whoever builds the string-to-sign.
    pub fn fix(self) -> &'static str {
        match self {
            CauseId::TimestampFormat => "sign the X-TIMESTAMP header byte for byte, in the form it is sent",
            CauseId::TimestampMilliseconds => {
                "format the timestamp once and use that string both in X-TIMESTAMP and in the string-to-sign"
            }
            CauseId::TimestampSpelling => {
                "send X-TIMESTAMP as yyyy-MM-ddTHH:mm:ss[.SSS]±HH:MM (or Z) and sign exactly that text"
            }
            CauseId::TimestampWhitespace => {
                "trim the timestamp (a value read from a file or variable keeps its newline) before signing and sending"
            }
            CauseId::ClientIdWhitespace => {
                "trim the client id (a value read from a file or variable keeps its newline) before signing and sending"
            }
            CauseId::ClientIdQuoted => "remove the quotes around the client id (e.g. from a .env or JSON value)",
            CauseId::TokenColonSeparator => "join the access-token string-to-sign with '|': clientId|X-TIMESTAMP",
            CauseId::TokenFieldsSwapped => "put the client id first: clientId|X-TIMESTAMP",
            CauseId::MethodCase => "sign the HTTP method in upper case (POST, GET, ...)",
            CauseId::PathWithoutQuery => "sign the path with its query string, as sent",
            CauseId::RelativePath => "sign the relative path (from the first '/' after the host), not the URL",
            CauseId::AbsoluteUrl => "sign the relative path (from the first '/' after the host), not the URL",
            CauseId::TrailingSlash => "sign the path exactly as requested, trailing slash included or not",
            CauseId::PathWhitespace => "trim the path before signing and requesting",
            CauseId::PathPercentEncoding => "sign the path percent-encoded exactly as it is sent on the request line",
            CauseId::EndpointRule => "sign the path in the form the provider expects (its EndpointUrl rule)",
            CauseId::InvisibleCharacters => {
                "retype the value in plain ASCII: it holds a no-break space, zero-width or full-width character"
            }
            CauseId::EmptyTokenField => {
                "a service signature has no token field: sign METHOD:path:digest:timestamp (four fields)"
            }
            CauseId::BearerPrefix => "sign the bare access token, without 'Bearer '",
            CauseId::BearerPrefixSigned => "sign the bare access token, without 'Bearer '",
            CauseId::TokenWhitespace => "trim the access token before signing and sending",
            CauseId::BodyNotMinified => "hash the minified body (whitespace outside strings removed)",
            CauseId::EmptyBodyAsBraces => "sign the body exactly as sent: an empty body is hashed as the empty string",
            CauseId::BracesAsEmptyBody => "sign the body exactly as sent: {} is hashed as {}",
            CauseId::JsonStringify
            | CauseId::PythonJsonDumps
            | CauseId::PhpJsonEncode
            | CauseId::GoJsonMarshal
            | CauseId::BodyReserialized => {
                "serialise the body once and hash and send the same bytes (do not re-encode it before hashing)"
            }
            CauseId::DigestUpperCase => "write the body's SHA-256 in lower-case hex",
            CauseId::SecretTrailingNewline => "strip the trailing newline from the client secret on both sides",
            CauseId::SignatureWhitespace => "send the signature on one line, without whitespace",
            CauseId::SignatureBase64Url => "encode the signature in standard base64 ('+' and '/'), not base64url",
            CauseId::SignaturePadding => "keep the '=' padding of the base64 signature",
            CauseId::HexSignature => "encode the signature bytes in base64, not hex",
            CauseId::OtherKeySize => {
                "sign with the private key whose public key the other side has (or check with the right public key)"
            }
        }
    }
}

impl CauseId {
    /// The family of serialisers a re-serialisation cause names, for messages.
    pub fn family(self) -> &'static str {
        match self {
            CauseId::JsonStringify => "JavaScript JSON.stringify",
            CauseId::PythonJsonDumps => "Python json.dumps",
            CauseId::PhpJsonEncode => "PHP json_encode",
            CauseId::GoJsonMarshal => "Go json.Marshal",
            other => other.as_str(),
        }
    }
}

impl From<CauseId> for &'static str {
    fn from(id: CauseId) -> Self {
        id.as_str()
    }
}

impl std::fmt::Display for CauseId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One likely cause: what differs, and the string-to-sign (and body) that verifies.
#[derive(Debug, Clone, Serialize)]
pub struct Cause {
    /// The stable identifier; for two changes at once, both joined with '+'.
    pub id: String,
    /// Each change's identifier.
    pub ids: Vec<CauseId>,
    /// What the other side did, in words (`cause` in the CLI's JSON).
    #[serde(rename = "cause")]
    pub message: String,
    /// How to fix it, in one line (each change's fix, joined with "; ").
    pub fix: String,
    /// The string-to-sign the signature verifies.
    pub string_to_sign: String,
    /// A body the other side hashed instead of the minified one.
    pub body: Option<String>,
    /// Other causes that give the very same string-to-sign (a body that several families of
    /// serialisers write alike): as likely as `ids`.
    pub also: Vec<CauseId>,
}

impl Cause {
    /// A cause of one change.
    pub(crate) fn one(id: CauseId, message: String, string_to_sign: String, body: Option<String>) -> Self {
        Cause::of(&[(id, message.as_str())], string_to_sign, body)
    }

    /// This cause with another change before it.
    pub(crate) fn after(self, id: CauseId, message: &str) -> Self {
        let mut c = Cause {
            id: format!("{id}+{}", self.id),
            ids: [id].into_iter().chain(self.ids).collect(),
            message: format!("{message}, and {}", self.message),
            fix: format!("{}; {}", id.fix(), self.fix),
            ..self
        };
        c.ids.dedup();
        c
    }

    /// A cause of one or more changes at once.
    pub(crate) fn of(changes: &[(CauseId, &str)], string_to_sign: String, body: Option<String>) -> Self {
        let ids: Vec<CauseId> = changes.iter().map(|c| c.0).collect();
        let mut fixes: Vec<&str> = Vec::new();
        for id in &ids {
            if !fixes.contains(&id.fix()) {
                fixes.push(id.fix());
            }
        }
        Cause {
            id: ids.iter().map(|i| i.as_str()).collect::<Vec<_>>().join("+"),
            message: changes.iter().map(|c| c.1).collect::<Vec<_>>().join(", and "),
            fix: fixes.join("; "),
            ids,
            string_to_sign,
            body,
            also: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_unique_kebab_case_with_a_fix() {
        let mut seen = std::collections::HashSet::new();
        for id in CauseId::ALL {
            let s = id.as_str();
            assert!(seen.insert(s), "{s} twice");
            assert!(s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'), "{s}");
            assert!(!id.fix().is_empty() && !id.fix().contains('\n'), "{s}");
            assert_eq!(serde_json::to_value(id).unwrap(), s);
        }
    }

    #[test]
    fn two_changes_join_ids_and_fixes() {
        let c = Cause::of(&[(CauseId::TimestampFormat, "a"), (CauseId::BearerPrefix, "b")], "s".into(), None);
        assert_eq!(c.id, "timestamp-format+bearer-prefix");
        assert_eq!(c.message, "a, and b");
        assert_eq!(c.fix, format!("{}; {}", CauseId::TimestampFormat.fix(), CauseId::BearerPrefix.fix()));
    }
}
