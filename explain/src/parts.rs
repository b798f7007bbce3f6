//! What a string-to-sign is made of, as text, and joining it with the core's layouts unchecked:
//! explain must show what a mistaken client signed (a lower-case method, an absolute URL, ...).

use snapsign_core::string_to_sign::unchecked;

use crate::visible::visible;

/// Which of the three signatures is explained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Token,
    Transaction,
    Service,
}

impl Kind {
    /// The formula, in one line.
    pub fn title(self) -> &'static str {
        match self {
            Kind::Token => "access-token signature: SHA256withRSA(clientId + \"|\" + X-TIMESTAMP)",
            Kind::Transaction => {
                "transaction signature: HMAC-SHA512(clientSecret, METHOD:path:token:sha256hex(minify(body)):X-TIMESTAMP)"
            }
            Kind::Service => "service signature: SHA256withRSA(METHOD:path:sha256hex(minify(body)):X-TIMESTAMP)",
        }
    }

    /// `token`, `transaction` or `service`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Token => "token",
            Kind::Transaction => "transaction",
            Kind::Service => "service",
        }
    }
}

/// The parts a string-to-sign is made of, as text; those a kind does not sign stay empty.
#[derive(Debug, Clone, Default)]
pub struct Parts {
    pub client_id: String,
    pub method: String,
    pub path: String,
    pub token: String,
    pub digest: String,
    pub timestamp: String,
    /// How the parts are joined: the standard layout, or a mistake explain tries.
    pub layout: Layout,
}

/// How the parts of a string-to-sign are joined.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Layout {
    /// The core's layout for the kind.
    #[default]
    Standard,
    /// The token string-to-sign joined with ':' instead of '|'.
    TokenColon,
    /// The token string-to-sign with its fields swapped: `timestamp|clientId`.
    TokenSwapped,
    /// A service string-to-sign laid out as a transaction with an empty token field
    /// (`METHOD:path::digest:timestamp`), as some server libraries sign calls without a token.
    EmptyTokenField,
}

impl Parts {
    /// The string-to-sign of these parts, however wrong they are.
    pub fn build(&self, kind: Kind) -> String {
        match kind {
            Kind::Token if self.layout == Layout::TokenColon => {
                token_joined_with_colon(&self.client_id, &self.timestamp)
            }
            // The core's layout, its two fields given in the other order.
            Kind::Token if self.layout == Layout::TokenSwapped => unchecked::token(&self.timestamp, &self.client_id),
            Kind::Token => unchecked::token(&self.client_id, &self.timestamp),
            Kind::Transaction => {
                unchecked::transaction(&self.method, &self.path, &self.token, &self.digest, &self.timestamp)
            }
            Kind::Service if self.layout == Layout::EmptyTokenField => {
                unchecked::transaction(&self.method, &self.path, "", &self.digest, &self.timestamp)
            }
            Kind::Service => unchecked::service(&self.method, &self.path, &self.digest, &self.timestamp),
        }
    }

    /// The string-to-sign with each part made visible on its own, so that a space at the end of
    /// one part (before a separator) shows as `\u{20}`.
    pub fn build_visible(&self, kind: Kind) -> String {
        let v = Parts {
            client_id: visible(&self.client_id),
            method: visible(&self.method),
            path: visible(&self.path),
            token: visible(&self.token),
            digest: visible(&self.digest),
            timestamp: visible(&self.timestamp),
            layout: self.layout,
        };
        v.build(kind)
    }

    /// The parts a kind takes from the command line: label, flag and value.
    pub fn fields(&self, kind: Kind) -> Vec<(&'static str, &'static str, &str)> {
        match kind {
            Kind::Token => {
                vec![("client id", "--client-id", &self.client_id), ("X-TIMESTAMP", "--timestamp", &self.timestamp)]
            }
            Kind::Transaction => vec![
                ("method", "--method", &self.method),
                ("path", "--path", &self.path),
                ("access token", "--token", &self.token),
                ("X-TIMESTAMP", "--timestamp", &self.timestamp),
            ],
            Kind::Service => vec![
                ("method", "--method", &self.method),
                ("path", "--path", &self.path),
                ("X-TIMESTAMP", "--timestamp", &self.timestamp),
            ],
        }
    }
}

/// The core's token layout with its '|' written as ':', as clients that copy the separator of
/// the other two layouts sign it.
fn token_joined_with_colon(client_id: &str, timestamp: &str) -> String {
    let mut s = unchecked::token(client_id, timestamp);
    s.replace_range(client_id.len()..=client_id.len(), ":");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_layouts() {
        let mut p = Parts { client_id: "a|b".into(), timestamp: "ts".into(), ..Parts::default() };
        assert_eq!(p.build(Kind::Token), "a|b|ts");
        p.layout = Layout::TokenColon;
        assert_eq!(p.build(Kind::Token), "a|b:ts");
        p.client_id = "id ".into();
        assert_eq!(p.build_visible(Kind::Token), "id\\u{20}:ts");
        let mut q = Parts {
            method: "POST".into(),
            path: "/p".into(),
            digest: "d".into(),
            timestamp: "ts".into(),
            ..Parts::default()
        };
        assert_eq!(q.build(Kind::Service), "POST:/p:d:ts");
        q.layout = Layout::EmptyTokenField;
        assert_eq!(q.build(Kind::Service), "POST:/p::d:ts");
    }
}
