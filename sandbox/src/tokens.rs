//! The access tokens the sandbox issued: to which client, of which kind, until when. Bounded:
//! when full, expired tokens are swept, then the oldest is forgotten.

use std::collections::{HashMap, VecDeque};

use snapsign_core::request_verifier::TokenState;

struct Issued {
    client: usize,
    /// A B2B token (Authorization); B2B2C tokens are customer tokens and never accepted there.
    b2b: bool,
    expires_at: i64,
}

pub(crate) struct Tokens {
    capacity: usize,
    by_token: HashMap<String, Issued>,
    /// Tokens in the order they were issued (the lifetime is fixed, so also by expiry).
    order: VecDeque<String>,
}

impl Tokens {
    pub(crate) fn new(capacity: usize) -> Self {
        Tokens { capacity: capacity.max(1), by_token: HashMap::new(), order: VecDeque::new() }
    }

    pub(crate) fn insert(&mut self, token: &str, client: usize, b2b: bool, expires_at: i64, now: i64) {
        while let Some(front) = self.order.front() {
            let expired = self.by_token.get(front).is_none_or(|t| t.expires_at <= now);
            if !expired && self.order.len() < self.capacity {
                break;
            }
            if let Some(t) = self.order.pop_front() {
                self.by_token.remove(&t);
            }
        }
        self.by_token.insert(token.to_string(), Issued { client, b2b, expires_at });
        self.order.push_back(token.to_string());
    }

    /// The client a live or expired B2B token was issued to.
    pub(crate) fn client_of(&self, token: &str, _now: i64) -> Option<usize> {
        self.by_token.get(token).filter(|t| t.b2b).map(|t| t.client)
    }

    /// The state of `token` for transactions of `client` at `now`.
    pub(crate) fn state(&self, token: &str, client: usize, now: i64) -> TokenState {
        match self.by_token.get(token) {
            Some(t) if t.b2b && t.client == client && now < t.expires_at => TokenState::Live,
            Some(t) if t.b2b && t.client == client => TokenState::Expired,
            _ => TokenState::Unknown,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_and_expiring() {
        let mut t = Tokens::new(2);
        t.insert("a", 0, true, 100, 0);
        t.insert("b", 1, true, 200, 0);
        assert_eq!(t.state("a", 0, 50), TokenState::Live);
        assert_eq!(t.state("a", 1, 50), TokenState::Unknown);
        assert_eq!(t.state("a", 0, 100), TokenState::Expired);
        t.insert("c", 0, false, 300, 50);
        assert_eq!(t.state("a", 0, 50), TokenState::Unknown, "the oldest is forgotten when full");
        assert_eq!(t.state("c", 0, 60), TokenState::Unknown, "a B2B2C token is not a B2B token");
        assert_eq!(t.by_token.len(), 2);
    }
}
