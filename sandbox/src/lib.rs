//! `snapsign-sandbox`: a local SNAP provider that integrators test their client against.
//!
//! It serves the profile's access-token paths (B2B and B2B2C) and issues tokens that expire; every
//! other path is a transaction, verified with the core's
//! [`RequestVerifier`](snapsign_core::request_verifier::RequestVerifier) (skew, issued token,
//! signature over the exact received bytes, `X-EXTERNAL-ID` replay). A rejection is answered with
//! the SNAP code the standard prescribes, and its JSON body also carries an `explain` member: the
//! diagnosis `snapsign explain` would give (the sandbox holds the right key and secret, so it can
//! name what the client signed instead).
//!
//! Layers: [`handle`](Sandbox::handle) is the whole decision (a pure function of the request and
//! the time, testable without HTTP); [`http`] is the hyper connection around it, with its limits;
//! [`clients_file`] reads the clients file. `snapsign sandbox` (the CLI) is a thin front.
//!
//! ```
//! use snapsign_sandbox::{Client, Config, Incoming, Sandbox};
//! use snapsign_core::{provider, HmacSigner, KeyOptions, RsaVerifier};
//!
//! let pem = std::fs::read("../tests/vectors/keys/rsa2048-public.pem").unwrap();
//! let client = Client {
//!     client_id: "MCPD00000006".into(),
//!     partner_id: None,
//!     public_key: RsaVerifier::from_bytes(&pem, &KeyOptions::default()).unwrap(),
//!     secret: HmacSigner::new(b"TEST-client-secret").unwrap(),
//! };
//! let sandbox = Sandbox::new(Config::new(&provider::GENERIC, vec![client])).unwrap();
//! let headers: Vec<(&[u8], &[u8])> = vec![(b"x-client-key", b"MCPD00000006")];
//! let answer = sandbox.handle(&Incoming { method: "POST", target: "/v1.0/access-token/b2b", headers: &headers, body: b"{}" }, 1_700_000_000_000);
//! assert_eq!((answer.status, answer.response_code.as_str()), (400, "4007302"));
//! assert!(answer.body.contains("\"explain\":{\"summary\":\"the X-TIMESTAMP header is missing\""));
//! ```

pub mod clients_file;
mod diagnosis;
pub mod http;
mod tokens;

use std::sync::Mutex;
use std::time::Duration;

use serde::Serialize;
use snapsign_core::provider::{Profile, TransactionSignature};
use snapsign_core::replay_guard::MemoryReplayGuard;
use snapsign_core::request_verifier::{
    CallKind, HeaderLookup, Received, Rejection, RequestVerifier, TokenState, DEFAULT_MAX_SKEW_SECONDS,
};
use snapsign_core::response_code::{service_code_for_path, ResponseCode};
use snapsign_core::snap_response::{error_body, TokenGrant, DEFAULT_TOKEN_LIFETIME_SECONDS};
use snapsign_core::{HmacSigner, RsaVerifier};

pub use self::diagnosis::Explain;
use self::tokens::Tokens;

/// One registered client: its `X-CLIENT-KEY`, public key (token calls, RSA transactions) and
/// client secret (HMAC transactions).
#[derive(Clone)]
pub struct Client {
    /// `X-CLIENT-KEY`.
    pub client_id: String,
    /// The `X-PARTNER-ID` its transactions carry; `None`: the client id when the profile says
    /// so, else any.
    pub partner_id: Option<String>,
    /// Verifies its token requests (and RSA service-form transactions).
    pub public_key: RsaVerifier,
    /// Verifies its HMAC transactions.
    pub secret: HmacSigner,
}

/// What bounds the server: every limit has a SNAP-style or HTTP answer.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest request body; larger ones get 413 (checked on `Content-Length` and while reading).
    pub max_body_bytes: usize,
    /// Most header fields in one request; more get 431.
    pub max_headers: usize,
    /// hyper's read buffer: the request line and headers must fit (else 431), at least 8192.
    pub max_header_bytes: usize,
    /// Time allowed to receive the request line and headers (slow clients are closed).
    pub header_read_timeout: Duration,
    /// Time allowed to receive the body (else 408).
    pub body_read_timeout: Duration,
    /// Connections served at once; more wait to be accepted.
    pub max_connections: usize,
    /// Live access tokens remembered; the oldest is forgotten first.
    pub max_tokens: usize,
    /// `X-EXTERNAL-ID`s remembered (per WIB day); when full, transactions get 500xx00.
    pub max_external_ids: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body_bytes: 1024 * 1024,
            max_headers: 64,
            max_header_bytes: 16 * 1024,
            header_read_timeout: Duration::from_secs(10),
            body_read_timeout: Duration::from_secs(10),
            max_connections: 512,
            max_tokens: 100_000,
            max_external_ids: 1_000_000,
        }
    }
}

/// Everything the sandbox is started with.
pub struct Config {
    pub profile: &'static Profile,
    /// The registered clients; the first is the default (its verifier answers requests that
    /// name no registered client).
    pub clients: Vec<Client>,
    pub max_skew_seconds: u32,
    /// `expiresIn` of the tokens issued.
    pub token_lifetime_seconds: u32,
    pub limits: Limits,
}

impl Config {
    /// A configuration with the default skew (900 s), token lifetime (900 s) and limits.
    pub fn new(profile: &'static Profile, clients: Vec<Client>) -> Self {
        Config {
            profile,
            clients,
            max_skew_seconds: DEFAULT_MAX_SKEW_SECONDS,
            token_lifetime_seconds: DEFAULT_TOKEN_LIFETIME_SECONDS,
            limits: Limits::default(),
        }
    }
}

/// Why a configuration cannot be served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(pub String);

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

/// A request as received: method and target as on the request line, the headers, the body bytes.
pub struct Incoming<'r> {
    pub method: &'r str,
    pub target: &'r str,
    pub headers: &'r [(&'r [u8], &'r [u8])],
    pub body: &'r [u8],
}

/// The answer to one request, and what the log line says about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    /// Headers besides `Content-Type: application/json` (the token grant's `X-TIMESTAMP`,
    /// `X-CLIENT-KEY`).
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
    /// `responseCode`.
    pub response_code: String,
    /// The precise reason (a rejection's `Display`), or `ok`.
    pub reason: String,
}

impl Answer {
    /// An answer that carries the standard's body with an `explain` member.
    fn rejected(code: ResponseCode, message: &str, reason: String, explain: Explain) -> Self {
        #[derive(Serialize)]
        struct Body<'a> {
            #[serde(rename = "responseCode")]
            code: String,
            #[serde(rename = "responseMessage")]
            message: &'a str,
            explain: Explain,
        }
        let body = serde_json::to_string(&Body { code: code.to_string(), message, explain })
            .unwrap_or_else(|_| error_body(code, message).to_string());
        Answer { status: code.http_status, headers: Vec::new(), body, response_code: code.to_string(), reason }
    }

    /// A SNAP error answer with an explanation of a single cause (limits, grantType).
    pub(crate) fn simple(code: ResponseCode, message: &str, reason: &str, likely: &[&str]) -> Self {
        let explain = Explain::new(reason.to_string(), likely.iter().map(|s| s.to_string()).collect());
        Answer::rejected(code, message, reason.to_string(), explain)
    }

    fn ok(code: ResponseCode, body: String, headers: Vec<(&'static str, String)>) -> Self {
        Answer { status: code.http_status, headers, body, response_code: code.to_string(), reason: "ok".into() }
    }
}

/// The sandbox's state: the clients' verifiers, the tokens issued, the `X-EXTERNAL-ID`s seen.
pub struct Sandbox {
    profile: &'static Profile,
    clients: Vec<Client>,
    verifiers: Vec<RequestVerifier<'static>>,
    token_lifetime_seconds: u32,
    limits: Limits,
    tokens: Mutex<Tokens>,
    replay: MemoryReplayGuard,
}

/// The current time in milliseconds since 1970.
pub fn now_unix_millis() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

impl Sandbox {
    /// A sandbox for `config`.
    ///
    /// # Errors
    /// No client, two clients with one id, or an id the standard refuses.
    pub fn new(config: Config) -> Result<Self, ConfigError> {
        if config.clients.is_empty() {
            return Err(ConfigError("no client: give --client, --public-key and --secret-env, or --clients".into()));
        }
        let mut verifiers = Vec::with_capacity(config.clients.len());
        for (i, c) in config.clients.iter().enumerate() {
            if config.clients[..i].iter().any(|o| o.client_id == c.client_id) {
                return Err(ConfigError(format!("client {} is registered twice", c.client_id)));
            }
            let bad = |e: snapsign_core::Error| ConfigError(format!("client {}: {e}", c.client_id));
            let mut v = RequestVerifier::new(config.profile)
                .with_public_key(c.public_key.clone())
                .with_client_secret(c.secret.clone())
                .with_client_id(&c.client_id)
                .map_err(bad)?
                .with_max_skew(config.max_skew_seconds);
            if let Some(p) = partner_of(config.profile, c) {
                v = v.with_partner_id(p).map_err(bad)?;
            }
            verifiers.push(v);
        }
        Ok(Sandbox {
            profile: config.profile,
            clients: config.clients,
            verifiers,
            token_lifetime_seconds: config.token_lifetime_seconds,
            limits: config.limits,
            tokens: Mutex::new(Tokens::new(config.limits.max_tokens)),
            replay: MemoryReplayGuard::new(config.limits.max_external_ids),
        })
    }

    /// The profile served.
    pub fn profile(&self) -> &'static Profile {
        self.profile
    }

    /// The limits.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// The service code of a request to `target` (73/74 for the token paths).
    pub fn service_code(&self, target: &str) -> u8 {
        self.verifiers[0].service_code(target, service_code_for_path(target))
    }

    /// Answers one request received at `now` (milliseconds since 1970).
    pub fn handle(&self, request: &Incoming<'_>, now: i64) -> Answer {
        let verifier = &self.verifiers[0];
        match verifier.call_kind(request.target) {
            kind @ (CallKind::TokenB2b | CallKind::TokenB2b2c) => self.token_call(kind, request, now),
            CallKind::Transaction => self.transaction(request, now),
        }
    }

    fn received<'r>(request: &'r Incoming<'r>) -> Received<'r, [(&'r [u8], &'r [u8])]> {
        Received { method: request.method, target: request.target, headers: request.headers, body: request.body }
    }

    fn token_call(&self, kind: CallKind, request: &Incoming<'_>, now: i64) -> Answer {
        let headers = request.headers;
        let index = headers
            .header("X-CLIENT-KEY")
            .and_then(|id| self.clients.iter().position(|c| c.client_id.as_bytes() == id))
            .unwrap_or(0);
        let verifier = &self.verifiers[index];
        let service = self.service_code(request.target);
        let no_tokens = |_: &str, _: i64| TokenState::Unknown;
        let accepted = match verifier.verify(&Self::received(request), now, service, &no_tokens, &self.replay) {
            Ok(a) => a,
            Err(r) => return self.rejection(&r, request, index, now),
        };
        if let Err(answer) = diagnosis::check_grant(kind, service, request.body) {
            return answer;
        }
        let client_id = accepted.client_id.unwrap_or_default();
        let mut rng = getrandom::SysRng;
        let grant =
            match TokenGrant::issue(self.profile, service, client_id, now, self.token_lifetime_seconds, &mut rng) {
                Ok(g) => g,
                Err(e) => {
                    let code = ResponseCode { http_status: 500, service_code: service, case_code: 0 };
                    return Answer::simple(code, "General Error", &format!("the token could not be issued: {e}"), &[]);
                }
            };
        let expires = grant.expires_at_unix_millis(now);
        self.tokens.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(
            grant.access_token(),
            index,
            kind == CallKind::TokenB2b,
            expires,
            now,
        );
        let headers = grant.headers().iter().map(|(k, v)| (*k, (*v).to_string())).collect();
        Answer::ok(ResponseCode { http_status: 200, service_code: service, case_code: 0 }, grant.body(), headers)
    }

    /// The client a transaction is from: the one its access token was issued to, else the one
    /// whose partner id it carries, else the default client.
    fn transaction_client(&self, headers: &[(&[u8], &[u8])], now: i64) -> usize {
        if let Some(token) = bearer(headers) {
            let tokens = self.tokens.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            if let Some(index) = tokens.client_of(token, now) {
                return index;
            }
        }
        headers
            .header("X-PARTNER-ID")
            .and_then(|p| self.clients.iter().position(|c| partner_of(self.profile, c).map(str::as_bytes) == Some(p)))
            .unwrap_or(0)
    }

    fn transaction(&self, request: &Incoming<'_>, now: i64) -> Answer {
        let index = self.transaction_client(request.headers, now);
        let verifier = &self.verifiers[index];
        let service = service_code_for_path(request.target);
        let issued = |token: &str, at: i64| {
            self.tokens.lock().unwrap_or_else(std::sync::PoisonError::into_inner).state(token, index, at)
        };
        match verifier.verify(&Self::received(request), now, service, &issued, &self.replay) {
            Ok(_) => {
                let code = ResponseCode { http_status: 200, service_code: service, case_code: 0 };
                Answer::ok(code, error_body(code, "Successful").to_string(), Vec::new())
            }
            Err(r) => self.rejection(&r, request, index, now),
        }
    }

    fn rejection(&self, r: &Rejection, request: &Incoming<'_>, index: usize, now: i64) -> Answer {
        let ctx = diagnosis::Context {
            profile: self.profile,
            client: &self.clients[index],
            clients: &self.clients,
            request,
            now,
            max_skew_seconds: self.verifiers[index].max_skew_seconds(),
            hmac: self.profile.transaction_signature.value == TransactionSignature::Hmac,
        };
        let explain = diagnosis::explain(&ctx, r);
        Answer::rejected(r.response_code(), r.response_message(), r.to_string(), explain)
    }
}

/// The `X-PARTNER-ID` a client's transactions must carry, if any is fixed.
fn partner_of<'c>(profile: &Profile, c: &'c Client) -> Option<&'c str> {
    match &c.partner_id {
        Some(p) => Some(p),
        None if profile.partner_id_is_client_id.value => Some(&c.client_id),
        None => None,
    }
}

/// The token of `Authorization: Bearer <token>`, if the header is that.
fn bearer<'h>(headers: &'h [(&'h [u8], &'h [u8])]) -> Option<&'h str> {
    let value = std::str::from_utf8(headers.header("Authorization")?).ok()?;
    value.get(..7).filter(|p| p.eq_ignore_ascii_case("Bearer ")).and_then(|_| value.get(7..))
}
