//! `snapsign-explain`: why a SNAP signature does not verify.
//!
//! Given the parts of a string-to-sign as the other side gave them (taken as given, even when the
//! core would refuse them), the body, the key or secret and the signature to check, [`explain`]
//! returns every intermediate step (minified body, digest, string-to-sign), the problems the core
//! would refuse, warnings about invisible characters, and, for a signature that does not verify,
//! the variants of the inputs that it does verify: the likely causes, each with a stable
//! [`CauseId`] and a one-line fix.
//!
//! The string-to-sign is always joined by the core's `string_to_sign::unchecked` layouts: this
//! crate never writes a SNAP formula of its own. It is the library behind `snapsign explain`; the
//! CLI only turns flags into [`Inputs`] and the [`Explanation`] into text or JSON.
//!
//! ```
//! use snapsign_explain::{explain, Checker, Inputs, Kind, Parts, Verdict};
//! use snapsign_core::HmacSigner;
//!
//! let secret = HmacSigner::new(b"a-secret").unwrap();
//! let sig = secret.sign_transaction("POST", "/v1.0/x", "tok", b"{}", "2024-03-05T03:37:16Z").unwrap();
//! let inputs = Inputs {
//!     parts: Parts {
//!         method: "POST".into(),
//!         path: "/v1.0/x".into(),
//!         token: "tok".into(),
//!         timestamp: "2024-03-05T10:37:16+07:00".into(),
//!         ..Parts::default()
//!     },
//!     body: b"{}".to_vec(),
//!     checker: Some(Checker::Hmac { secret: Box::new(secret), unstripped: None }),
//!     signature: Some(sig.to_string()),
//!     ..Inputs::new(Kind::Transaction)
//! };
//! let e = explain(inputs).unwrap();
//! assert_eq!(e.valid(), Some(false));
//! let cause = &e.causes()[0];
//! assert_eq!(cause.id, "timestamp-format");
//! assert!(cause.string_to_sign.ends_with(":2024-03-05T03:37:16Z"));
//! ```

mod cause;
mod fold;
mod key;
mod parts;
mod problems;
pub mod received;
mod reserialize;
mod signature;
mod url;
mod variants;
pub mod visible;

use snapsign_core::body_digest::BodyDigest;
use snapsign_core::provider::Profile;
use snapsign_core::timestamp::Timestamp;
use snapsign_core::Error;

pub use self::cause::{Cause, CauseId};
pub use self::key::{Checker, Signer};
pub use self::parts::{Kind, Layout, Parts};
pub use self::signature::{Check, Verdict};
pub use self::variants::{Search, Unexplained};

/// What explain is given: the parts of the string-to-sign, the body, the keys and the signature.
pub struct Inputs {
    pub kind: Kind,
    /// The parts as given (the body digest is computed from `body`; a given one is ignored).
    pub parts: Parts,
    /// The body as sent (ignored for the token signature).
    pub body: Vec<u8>,
    /// Where the body came from, for messages (a file name, "standard input").
    pub body_name: String,
    /// Scheme and host, to also try the absolute URL as the signed path.
    pub base_url: Option<String>,
    /// The provider's profile: its EndpointUrl rule and timestamp style are what is expected.
    pub profile: Option<&'static Profile>,
    /// To compute the expected signature.
    pub signer: Option<Signer>,
    /// To check `signature` (and its variants) with.
    pub checker: Option<Checker>,
    /// The X-SIGNATURE to check, as given.
    pub signature: Option<String>,
}

impl Inputs {
    /// Empty inputs of one kind, to fill in with struct update syntax.
    pub fn new(kind: Kind) -> Self {
        Inputs {
            kind,
            parts: Parts::default(),
            body: Vec::new(),
            body_name: "(no body)".into(),
            base_url: None,
            profile: None,
            signer: None,
            checker: None,
            signature: None,
        }
    }

    /// The path as given, when the profile's rule signs another form of it (BCA's canonical
    /// query): the expected string-to-sign uses that form; the path as given becomes a variant.
    fn apply_endpoint_rule(&mut self) -> Option<String> {
        let profile = self.profile?;
        if self.kind == Kind::Token {
            return None;
        }
        let url = profile.endpoint.value.apply(&self.parts.path).ok()?;
        (url.as_str() != self.parts.path).then(|| std::mem::replace(&mut self.parts.path, url.as_str().to_owned()))
    }
}

/// Everything explain found, in the order it is reported.
pub struct Explanation {
    pub kind: Kind,
    /// The parts explained (with the profile's form of the path), and the digest of the body.
    pub parts: Parts,
    /// `None` for the token signature, which signs no body.
    pub body: Option<BodyStep>,
    pub string_to_sign: String,
    pub warnings: Vec<String>,
    /// What the core would refuse, one per field.
    pub problems: Vec<String>,
    /// The signature computed with the given key or secret.
    pub signature: Option<String>,
    /// The given signature, checked.
    pub check: Option<Check>,
}

/// The body as read, and minified, or why it could not be.
pub struct BodyStep {
    pub len: usize,
    pub source: String,
    pub minified: Result<Vec<u8>, Error>,
}

impl Explanation {
    /// Whether the given signature verifies, when one was given.
    pub fn valid(&self) -> Option<bool> {
        self.check.as_ref().map(Check::is_valid)
    }

    /// The likely causes of a mismatch: how the given signature is spelled when it verifies once
    /// normalised, else the variants it verifies with the fewest changes.
    pub fn causes(&self) -> &[Cause] {
        self.check.as_ref().map_or(&[], |c| c.causes())
    }

    /// The variant search, when it ran.
    pub fn search(&self) -> Option<&Search> {
        self.check.as_ref().and_then(Check::search)
    }

    /// When the search ran and no variant verifies: what that means, what was tried, and which
    /// inputs were taken as given.
    pub fn unexplained(&self) -> Option<&Unexplained> {
        self.search().and_then(|s| s.unexplained.as_ref()).filter(|_| self.causes().is_empty())
    }
}

/// With a profile, a timestamp written in another style than the profile's.
fn profile_timestamp_warning(profile: Option<&Profile>, timestamp: &str) -> Option<String> {
    let profile = profile?;
    let style = profile.timestamp.value;
    let ts = Timestamp::parse(timestamp).ok()?;
    let expected = Timestamp::from_unix_millis(ts.unix_millis(), style.offset_minutes).ok()?.format(style.format);
    (expected.as_str() != timestamp).then(|| {
        format!("--timestamp is not in {}'s style: the same instant is written {expected} there", profile.name)
    })
}

/// The steps: inputs, body, string-to-sign, our signature, the given signature. Fails only when
/// the signer cannot sign.
pub fn explain(mut input: Inputs) -> Result<Explanation, Error> {
    let kind = input.kind;
    let sent_path = input.apply_endpoint_rule();
    let mut warnings: Vec<String> = input
        .parts
        .fields(kind)
        .into_iter()
        .flat_map(|(_, flag, value)| problems::field_warnings(flag, value))
        .collect();
    warnings.extend(profile_timestamp_warning(input.profile, &input.parts.timestamp));

    let body = (kind != Kind::Token).then(|| {
        let raw = &input.body;
        let mut min = Vec::with_capacity(raw.len());
        let minified = snapsign_core::minify::minify_to(raw, &mut min).map(|()| min);
        // A body that is not JSON is hashed as it is: what was signed, if it was signed anyway.
        let hashed = minified.as_deref().unwrap_or(raw.as_slice());
        input.parts.digest = BodyDigest::of_minified(hashed).as_str().to_string();
        BodyStep { len: raw.len(), source: input.body_name.clone(), minified }
    });
    let problems = problems::problems(&input, body.as_ref().and_then(|b| b.minified.as_ref().err()));

    let sts = input.parts.build(kind);
    let signature = input.signer.as_ref().map(|s| s.sign(&sts)).transpose()?;
    let min = body.as_ref().and_then(|b| b.minified.as_deref().ok());
    let check = match (&input.signature, &input.checker) {
        (Some(given), Some(checker)) => {
            let ctx = variants::Context { input: &input, sent_path: sent_path.as_deref(), min };
            Some(signature::check(&ctx, &sts, given, checker))
        }
        _ => None,
    };
    Ok(Explanation { kind, parts: input.parts, body, string_to_sign: sts, warnings, problems, signature, check })
}

/// What to check when a signature is VALID here and the provider still answers "401 Invalid
/// signature": the causes that no string-to-sign can show.
pub const VALID_BUT_REJECTED: &[&str] = &[
    "the bytes sent differ from the bytes signed: the HTTP client re-serialises or re-encodes the body, \
     or the path and query it sends are not the ones signed",
    "another secret or key: the provider holds another client secret, or another public key than this one \
     (sandbox vs production, a rotated key)",
    "the X-TIMESTAMP header sent differs from the timestamp signed (the clock read twice)",
    "the wrong base URL or environment: the request goes to a host that does not know this client",
];
