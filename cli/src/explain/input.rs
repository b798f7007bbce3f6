//! What explain was given: the parts of the string-to-sign, the body and the keys, taken as given
//! even when the core would refuse them.

use super::checker::{hmac_keys, rsa_keys, Checker, Signer};
use super::parts::{Kind, Parts};
use crate::args::{ExplainCommand, ExplainCommon};
use crate::failure::Outcome;
use crate::input::file::{input_name, read_input};
use crate::input::timestamp::resolve_timestamp;

pub(super) struct Input {
    pub(super) kind: Kind,
    /// The parts as given; the body digest is filled in once the body is minified.
    pub(super) parts: Parts,
    pub(super) body_raw: Vec<u8>,
    pub(super) body_name: String,
    pub(super) base_url: Option<String>,
    pub(super) signer: Option<Signer>,
    pub(super) checker: Option<Checker>,
    pub(super) common: ExplainCommon,
}

impl Input {
    /// Loads everything the command names (keys, secret, body), in the order errors are reported.
    pub(super) fn load(cmd: ExplainCommand) -> Outcome<Self> {
        Ok(match cmd {
            ExplainCommand::Token { keys, client_id, time, common } => {
                let (signer, checker) = rsa_keys(&keys, common.signature.is_some())?;
                Input {
                    kind: Kind::Token,
                    parts: Parts { client_id, timestamp: resolve_timestamp(&time)?, ..Parts::default() },
                    body_raw: Vec::new(),
                    body_name: String::new(),
                    base_url: None,
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
                    signer,
                    checker,
                    common,
                }
            }
        })
    }
}

fn body_name(spec: Option<&str>) -> String {
    spec.map(input_name).unwrap_or_else(|| "(no body)".into())
}
