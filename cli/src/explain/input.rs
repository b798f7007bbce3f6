//! What explain was given: the parts of the string-to-sign, the body and the keys, taken as given
//! even when the core would refuse them.

use super::checker::{hmac_keys, rsa_keys, Checker, Signer};
use super::parts::{Kind, Parts};
use crate::args::{ExplainCommand, ExplainCommon};
use crate::failure::Outcome;
use crate::input::file::{input_name, read_input};
use crate::input::provider::load_profile;
use crate::input::timestamp::resolve_timestamp_for;
use snapsign_core::provider::Profile;

pub(super) struct Input {
    pub(super) kind: Kind,
    /// The parts as given; the body digest is filled in once the body is minified.
    pub(super) parts: Parts,
    pub(super) body_raw: Vec<u8>,
    pub(super) body_name: String,
    pub(super) base_url: Option<String>,
    /// `--provider`: what it expects.
    pub(super) profile: Option<&'static Profile>,
    /// The path as given, when the profile's EndpointUrl rule signs another form of it.
    pub(super) sent_path: Option<String>,
    pub(super) signer: Option<Signer>,
    pub(super) checker: Option<Checker>,
    pub(super) common: ExplainCommon,
}

impl Input {
    /// Loads everything the command names (keys, secret, body), in the order errors are reported.
    pub(super) fn load(cmd: ExplainCommand) -> Outcome<Self> {
        let common = match &cmd {
            ExplainCommand::Token { common, .. }
            | ExplainCommand::Service { common, .. }
            | ExplainCommand::Transaction { common, .. } => common,
        };
        let profile = common.provider.as_deref().map(load_profile).transpose()?;
        let style = profile.map(|p| p.timestamp.value);
        let resolve_timestamp = |t| resolve_timestamp_for(t, style);
        let mut input = match cmd {
            ExplainCommand::Token { keys, client_id, time, common } => {
                let (signer, checker) = rsa_keys(&keys, common.signature.is_some())?;
                Input {
                    kind: Kind::Token,
                    parts: Parts { client_id, timestamp: resolve_timestamp(&time)?, ..Parts::default() },
                    body_raw: Vec::new(),
                    body_name: String::new(),
                    base_url: None,
                    profile,
                    sent_path: None,
                    signer,
                    checker,
                    common,
                }
            }
            ExplainCommand::Service { keys, request, time, common } => {
                let (signer, checker) = rsa_keys(&keys, common.signature.is_some())?;
                Input {
                    kind: Kind::Service,
                    parts: Parts {
                        method: request.method,
                        path: request.path,
                        timestamp: resolve_timestamp(&time)?,
                        ..Parts::default()
                    },
                    body_raw: read_input(request.body.as_deref())?,
                    body_name: body_name(request.body.as_deref()),
                    base_url: request.base_url,
                    profile,
                    sent_path: None,
                    signer,
                    checker,
                    common,
                }
            }
            ExplainCommand::Transaction { secret, request, token, time, common } => {
                let (signer, checker) = hmac_keys(&secret, common.signature.is_some())?;
                Input {
                    kind: Kind::Transaction,
                    parts: Parts {
                        method: request.method,
                        path: request.path,
                        token,
                        timestamp: resolve_timestamp(&time)?,
                        ..Parts::default()
                    },
                    body_raw: read_input(request.body.as_deref())?,
                    body_name: body_name(request.body.as_deref()),
                    base_url: request.base_url,
                    profile,
                    sent_path: None,
                    signer,
                    checker,
                    common,
                }
            }
        };
        input.apply_endpoint_rule();
        Ok(input)
    }

    /// With a profile whose rule signs another form of the path (BCA's canonical query), the
    /// expected string-to-sign uses that form; the path as given becomes a variant.
    fn apply_endpoint_rule(&mut self) {
        let Some(profile) = self.profile else { return };
        if self.kind == Kind::Token {
            return;
        }
        if let Ok(url) = profile.endpoint.value.apply(&self.parts.path) {
            if url.as_str() != self.parts.path {
                self.sent_path = Some(std::mem::replace(&mut self.parts.path, url.as_str().to_owned()));
            }
        }
    }
}

fn body_name(spec: Option<&str>) -> String {
    spec.map(input_name).unwrap_or_else(|| "(no body)".into())
}
