//! A received request, as the request verifier saw it, turned into the [`Inputs`] of a
//! diagnosis: the sandbox and the bindings' `RequestVerifier` explain a wrong signature with the
//! very bytes they refused, and the key or secret they verified with.

use snapsign_core::provider::{Profile, TransactionSignature};
use snapsign_core::request_verifier::{CallKind, HeaderLookup, Received, RequestVerifier};
use snapsign_core::Error;

use crate::{explain, Checker, Explanation, Inputs, Kind, Parts};

fn header<H: HeaderLookup + ?Sized>(headers: &H, name: &str) -> String {
    headers.header(name).map(|v| String::from_utf8_lossy(v).into_owned()).unwrap_or_default()
}

/// The diagnosis inputs for `received`: a token call's `X-CLIENT-KEY|X-TIMESTAMP`, or a
/// transaction's method, target, token (`Authorization` without `Bearer `), body and timestamp,
/// under `profile`'s endpoint rule, with the received `X-SIGNATURE` to check against `checker`.
/// An HMAC checker makes it a transaction, an RSA one a service call.
pub fn inputs<H: HeaderLookup + ?Sized>(
    profile: &'static Profile,
    received: &Received<'_, H>,
    call: CallKind,
    checker: Checker,
) -> Inputs {
    let timestamp = header(received.headers, "X-TIMESTAMP");
    let signature = Some(header(received.headers, "X-SIGNATURE"));
    let inputs = if call != CallKind::Transaction {
        let parts = Parts { client_id: header(received.headers, "X-CLIENT-KEY"), timestamp, ..Parts::default() };
        Inputs { parts, ..Inputs::new(Kind::Token) }
    } else {
        let (kind, token) = match checker {
            Checker::Hmac { .. } => {
                let authorization = header(received.headers, "Authorization");
                let token = authorization.get(7..).filter(|_| authorization.len() > 7).unwrap_or_default();
                (Kind::Transaction, token.to_owned())
            }
            Checker::Rsa(_) => (Kind::Service, String::new()),
        };
        let parts = Parts {
            method: received.method.to_owned(),
            path: received.target.to_owned(),
            token,
            timestamp,
            ..Parts::default()
        };
        Inputs { parts, body: received.body.to_vec(), body_name: "the received body".into(), ..Inputs::new(kind) }
    };
    Inputs { profile: Some(profile), signature, checker: Some(checker), ..inputs }
}

/// Why `received`'s signature does not verify with `verifier`'s key or secret: the variants of
/// the received inputs that it does verify. `None` when the verifier has no key or secret for
/// this kind of call. Meant for a request the verifier rejected with a wrong signature; for one
/// whose signature verifies, the explanation says it is valid.
///
/// ```
/// use snapsign_core::request_verifier::{Received, RequestVerifier};
/// use snapsign_core::{provider, HmacSigner};
///
/// let secret = HmacSigner::new(b"a-secret").unwrap();
/// // Signed over the timestamp in UTC, sent in WIB.
/// let sig = secret.sign_transaction("POST", "/v1.0/x", "tok", b"{}", "2024-03-05T03:37:16Z").unwrap();
/// let sig = sig.to_string();
/// let headers = [
///     ("Authorization", "Bearer tok"),
///     ("X-TIMESTAMP", "2024-03-05T10:37:16+07:00"),
///     ("X-SIGNATURE", sig.as_str()),
/// ];
/// let verifier = RequestVerifier::new(&provider::GENERIC).with_client_secret(secret);
/// let received = Received { method: "POST", target: "/v1.0/x", headers: &headers[..], body: b"{}" };
/// let e = snapsign_explain::received::explain_received(&verifier, &received).unwrap().unwrap();
/// assert_eq!(e.causes()[0].id, "timestamp-format");
/// ```
pub fn explain_received<H: HeaderLookup + ?Sized>(
    verifier: &RequestVerifier<'static>,
    received: &Received<'_, H>,
) -> Option<Result<Explanation, Error>> {
    let profile = verifier.profile();
    let call = verifier.call_kind(received.target);
    let hmac = call == CallKind::Transaction && profile.transaction_signature.value == TransactionSignature::Hmac;
    let checker = if hmac {
        Checker::Hmac { secret: Box::new(verifier.client_secret()?.clone()), unstripped: None }
    } else {
        Checker::Rsa(verifier.public_key()?.clone())
    };
    Some(explain(inputs(profile, received, call, checker)))
}
