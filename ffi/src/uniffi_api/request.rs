//! Provider profiles, complete signed transaction headers and `responseCode` descriptions.

use snapsign_core::endpoint::EndpointRule;
use snapsign_core::provider::{
    self, Confidence, Fact, MissingHeaderAnswer, Profile, TimestampStyle, TransactionSignature, PROFILES,
};
use snapsign_core::request::{Call, Customer, ProfileSigner, SigningKey, When};
use snapsign_core::timestamp::TimestampFormat;
use snapsign_core::{describe_response_code as core_describe, Error, Field, KeyOptions, RsaSigner};
use zeroize::Zeroizing;

use super::{hmac_signer, now_unix_millis, SnapError};

// ---------------------------------------------------------------- profiles

/// How sure a profile value is.
#[uniffi::remote(Enum)]
pub enum Confidence {
    Documented,
    Observed,
    Weak,
    Caller,
}

/// Which signature a provider's transaction calls carry: HMAC-SHA512 with the client secret over
/// `METHOD:EndpointUrl:AccessToken:digest:X-TIMESTAMP`, or SHA256withRSA with the private key
/// over `METHOD:EndpointUrl:digest:X-TIMESTAMP`.
#[uniffi::remote(Enum)]
pub enum TransactionSignature {
    Hmac,
    RsaService,
}

/// How a provider answers a request that lacks a mandatory header: the standard's `400xx02
/// Invalid Mandatory Field {X-TIMESTAMP}`, or iFortepay's `400xx00 Bad Request - X-TIMESTAMP is
/// Required`.
#[uniffi::remote(Enum)]
pub enum MissingHeaderAnswer {
    Standard,
    BadRequestIsRequired,
}

/// What `EndpointUrl` is in the string-to-sign: the target as sent (the standard), the path
/// without its query, or the path with the sorted, re-encoded query (BCA).
#[uniffi::remote(Enum)]
pub enum EndpointRule {
    AsSent,
    PathOnly,
    CanonicalQuery,
}

/// How an `X-TIMESTAMP` is written: `.SSS` milliseconds, and `Z` for a zero offset.
#[uniffi::remote(Record)]
pub struct TimestampFormat {
    pub millis: bool,
    pub utc_as_z: bool,
}

/// A provider's `X-TIMESTAMP` style: minutes east of UTC (420 for WIB) and the format.
#[uniffi::remote(Record)]
pub struct TimestampStyle {
    pub offset_minutes: i16,
    pub format: TimestampFormat,
}

/// A path (or a fixed header value), `None` when the provider has none, with its source.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TextFact {
    pub value: Option<String>,
    /// One line: the document or SDK it was taken from.
    pub source: String,
    pub confidence: Confidence,
}

/// A yes/no profile value with its source.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FlagFact {
    pub value: bool,
    pub source: String,
    pub confidence: Confidence,
}

/// The `X-TIMESTAMP` style with its source; `example` is 2020-01-01T04:10:00 WIB written so.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TimestampFact {
    pub value: TimestampStyle,
    pub example: String,
    pub source: String,
    pub confidence: Confidence,
}

/// The transaction signature with its source.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SignatureFact {
    pub value: TransactionSignature,
    pub source: String,
    pub confidence: Confidence,
}

/// The `EndpointUrl` rule with its source.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct EndpointFact {
    pub value: EndpointRule,
    pub source: String,
    pub confidence: Confidence,
}

/// What one provider expects as the inputs of the standard's formulas (`snapsign providers`):
/// every value with the document it comes from and how sure it is. Check your provider's current
/// documentation before relying on a `Weak` one.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ProviderProfile {
    /// `generic`, `doku`, `ifortepay`, `midtrans`, `dana`, `bca`, `bri`, `mandiri`, `winpay`, `ovo`.
    pub name: String,
    /// Path of the B2B access-token call.
    pub token_path_b2b: TextFact,
    /// Path of the B2B2C access-token call.
    pub token_path_b2b2c: TextFact,
    /// How `X-TIMESTAMP` is written.
    pub timestamp: TimestampFact,
    /// The signature of transaction calls (the credential a [`RequestSigner`] needs).
    pub transaction_signature: SignatureFact,
    /// What `EndpointUrl` is.
    pub endpoint_rule: EndpointFact,
    /// A fixed `CHANNEL-ID` (`None`: per merchant).
    pub channel_id: TextFact,
    /// `X-PARTNER-ID` is the client id.
    pub partner_id_is_client_id: FlagFact,
    /// `X-DEVICE-ID` must be sent on every transaction call.
    pub device_id_required: FlagFact,
    /// How the provider answers a missing mandatory header (the receiving side answers alike).
    pub missing_header: MissingHeaderFact,
    /// Whatever else an integrator must know.
    pub notes: String,
}

/// [`MissingHeaderAnswer`] with its source.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct MissingHeaderFact {
    pub value: MissingHeaderAnswer,
    pub source: String,
    pub confidence: Confidence,
}

fn text_fact(f: &Fact<Option<&'static str>>) -> TextFact {
    TextFact { value: f.value.map(str::to_owned), source: f.source.to_owned(), confidence: f.confidence }
}

fn flag_fact(f: &Fact<bool>) -> FlagFact {
    FlagFact { value: f.value, source: f.source.to_owned(), confidence: f.confidence }
}

fn profile_record(p: &Profile) -> ProviderProfile {
    let style = p.timestamp.value;
    let example = snapsign_core::timestamp::Timestamp::from_unix_millis(1_577_826_600_000, style.offset_minutes)
        .map(|t| t.format(style.format).as_str().to_owned())
        .unwrap_or_default();
    ProviderProfile {
        name: p.name.to_owned(),
        token_path_b2b: text_fact(&p.token_path_b2b),
        token_path_b2b2c: text_fact(&p.token_path_b2b2c),
        timestamp: TimestampFact {
            value: style,
            example,
            source: p.timestamp.source.to_owned(),
            confidence: p.timestamp.confidence,
        },
        transaction_signature: SignatureFact {
            value: p.transaction_signature.value,
            source: p.transaction_signature.source.to_owned(),
            confidence: p.transaction_signature.confidence,
        },
        endpoint_rule: EndpointFact {
            value: p.endpoint.value,
            source: p.endpoint.source.to_owned(),
            confidence: p.endpoint.confidence,
        },
        channel_id: text_fact(&p.channel_id),
        partner_id_is_client_id: flag_fact(&p.partner_id_is_client_id),
        device_id_required: flag_fact(&p.device_id_required),
        missing_header: MissingHeaderFact {
            value: p.missing_header.value,
            source: p.missing_header.source.to_owned(),
            confidence: p.missing_header.confidence,
        },
        notes: p.notes.to_owned(),
    }
}

/// Every provider profile, `generic` (the standard itself) first.
#[uniffi::export]
pub fn provider_profiles() -> Vec<ProviderProfile> {
    PROFILES.iter().map(profile_record).collect()
}

pub(super) fn find_profile(name: &str) -> Result<&'static Profile, SnapError> {
    provider::find(name).ok_or_else(|| {
        let known: Vec<&str> = PROFILES.iter().map(|p| p.name).collect();
        SnapError::UnknownProvider {
            name: name.to_owned(),
            reason: format!("no provider profile is called {name:?}; the profiles are {}", known.join(", ")),
        }
    })
}

/// The profile called `name` (exact, lower case); `UnknownProvider` for another name.
#[uniffi::export]
pub fn provider_profile(name: String) -> Result<ProviderProfile, SnapError> {
    find_profile(&name).map(profile_record)
}

// ---------------------------------------------------------------- request signing

/// One header of a signed request.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Header {
    pub name: String,
    pub value: String,
}

/// The signed headers of one call, in the order the standard lists them, with what was signed.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SignedRequest {
    /// Every header to send, in the standard's order (Python: `headers_dict()`; Kotlin:
    /// `headers.associate { it.name to it.value }`, a map in the same order).
    pub headers: Vec<Header>,
    /// `X-SIGNATURE`.
    pub signature: String,
    /// `X-TIMESTAMP`: the exact text that was signed.
    pub timestamp: String,
    /// The `EndpointUrl` that was signed (the profile's rule applied to the target; for BCA the
    /// canonical query). Send the target as given.
    pub endpoint_url: String,
}

#[uniffi::export]
impl SignedRequest {
    /// A header's value by name, case-insensitively (`x-timestamp` finds `X-TIMESTAMP`); `None`
    /// when the call has no such header.
    pub fn header(&self, name: String) -> Option<String> {
        self.headers.iter().find(|h| h.name.eq_ignore_ascii_case(&name)).map(|h| h.value.clone())
    }
}

/// A provider profile with the credential its transaction calls are signed with, making every
/// header of a call from one clock reading: `X-TIMESTAMP` is written once, in the profile's style,
/// and exactly that text is signed over the profile's `EndpointUrl`. Immutable and thread-safe.
///
/// Made with [`with_client_secret`](Self::with_client_secret) (HMAC-SHA512 profiles) or
/// [`with_private_key`](Self::with_private_key) (SHA256withRSA service-form profiles: DANA,
/// WinPay, iFortepay); the other credential is a `MissingCredential` error naming the one needed.
#[derive(Debug, uniffi::Object)]
pub struct RequestSigner {
    signer: ProfileSigner<'static>,
}

impl RequestSigner {
    fn new(provider: &str, key: SigningKey) -> Result<Self, SnapError> {
        Ok(RequestSigner { signer: ProfileSigner::new(find_profile(provider)?, key)? })
    }
}

#[uniffi::export]
impl RequestSigner {
    /// A signer for `provider` (a profile name: `generic`, `doku`, `bca`, ...) with the client
    /// secret (its UTF-8 bytes key HMAC-SHA512; the copy handed over is zeroized).
    #[uniffi::constructor]
    pub fn with_client_secret(provider: String, client_secret: String) -> Result<Self, SnapError> {
        RequestSigner::new(&provider, SigningKey::Hmac(hmac_signer(client_secret)?))
    }

    /// A signer for `provider` with the RSA private key (PEM or DER, PKCS#8, encrypted too with
    /// `passphrase`, or PKCS#1; as [`SnapSigner`](super::SnapSigner)). The key bytes and
    /// passphrase handed over are zeroized after parsing.
    #[uniffi::constructor(default(passphrase = None, allow_weak_key = false))]
    pub fn with_private_key(
        provider: String,
        private_key: Vec<u8>,
        passphrase: Option<String>,
        allow_weak_key: bool,
    ) -> Result<Self, SnapError> {
        let private_key = Zeroizing::new(private_key);
        let passphrase = passphrase.map(Zeroizing::new);
        let options = KeyOptions { allow_weak: allow_weak_key, passphrase: passphrase.as_ref().map(|p| p.as_bytes()) };
        let rsa = RsaSigner::from_bytes(&private_key, &options)?;
        RequestSigner::new(&provider, SigningKey::Rsa(rsa))
    }

    /// The profile's name.
    pub fn provider(&self) -> String {
        self.signer.profile().name.to_owned()
    }

    /// Signs one transaction call and returns every header it needs.
    ///
    /// `target` is the request target exactly as sent (path and query string); `body` the exact
    /// bytes sent (empty for a GET); `partner_id` the `X-PARTNER-ID`. `access_token`: the B2B
    /// token without `Bearer ` (required with the client secret). `external_id`: `X-EXTERNAL-ID`
    /// (default: 32 random digits). `channel_id`: default the profile's. `customer_token` makes it
    /// a B2B2C call (`Authorization-Customer`, with `device_id` required and `ip_address`,
    /// `latitude`, `longitude` optional; those three need it). `timestamp`: an `X-TIMESTAMP` to
    /// send and sign as it is; otherwise `unix_millis` (your clock), otherwise this machine's
    /// clock, written in the profile's style.
    ///
    /// Errors name the header (`EmptyField { field: ChannelId }`, `FieldTooLong { field:
    /// PartnerId }`, ...), or are those of the signature (method, path, JSON body, timestamp).
    #[uniffi::method(default(
        access_token = None,
        external_id = None,
        channel_id = None,
        origin = None,
        device_id = None,
        customer_token = None,
        ip_address = None,
        latitude = None,
        longitude = None,
        timestamp = None,
        unix_millis = None
    ))]
    #[allow(clippy::too_many_arguments, reason = "one optional argument per optional header, with defaults")]
    pub fn sign(
        &self,
        method: String,
        target: String,
        body: Vec<u8>,
        partner_id: String,
        access_token: Option<String>,
        external_id: Option<String>,
        channel_id: Option<String>,
        origin: Option<String>,
        device_id: Option<String>,
        customer_token: Option<String>,
        ip_address: Option<String>,
        latitude: Option<String>,
        longitude: Option<String>,
        timestamp: Option<String>,
        unix_millis: Option<i64>,
    ) -> Result<SignedRequest, SnapError> {
        let customer = match customer_token.as_deref() {
            Some(access_token) => Some(Customer {
                access_token,
                ip_address: ip_address.as_deref(),
                latitude: latitude.as_deref(),
                longitude: longitude.as_deref(),
            }),
            // The customer's headers without the customer: name the one that is missing.
            None if ip_address.is_some() || latitude.is_some() || longitude.is_some() => {
                return Err(Error::EmptyField { field: Field::CustomerToken }.into())
            }
            None => None,
        };
        let call = Call {
            access_token: access_token.as_deref(),
            external_id: external_id.as_deref(),
            channel_id: channel_id.as_deref(),
            origin: origin.as_deref(),
            device_id: device_id.as_deref(),
            customer,
            ..Call::new(&method, &target, &body, &partner_id)
        };
        let when = match (&timestamp, unix_millis) {
            (Some(text), _) => When::Header(text),
            (None, Some(ms)) => When::UnixMillis(ms),
            (None, None) => When::UnixMillis(now_unix_millis()),
        };
        let h = self.signer.sign(&call, when, &mut getrandom::SysRng)?;
        Ok(SignedRequest {
            headers: h.iter().map(|(name, value)| Header { name: name.to_owned(), value: value.to_owned() }).collect(),
            signature: h.signature().to_owned(),
            timestamp: h.timestamp().to_owned(),
            endpoint_url: h.endpoint_url().to_owned(),
        })
    }
}

// ---------------------------------------------------------------- response codes

/// What a SNAP `responseCode` means, as far as the standard says.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ResponseCodeInfo {
    /// The code as given, e.g. `4017300`.
    pub response_code: String,
    /// The HTTP status, e.g. 401.
    pub http_status: u16,
    /// The service code, e.g. 73.
    pub service_code: u8,
    /// The service's name, e.g. `Access Token B2B`; `None` when the standard does not list it.
    pub service_name: Option<String>,
    /// The case code, e.g. 0.
    pub case_code: u8,
    /// The standard's `responseMessage`, e.g. `Unauthorized. [reason]`; `None` for a case the
    /// standard does not list.
    pub message: Option<String>,
    /// The standard's description of the case.
    pub description: Option<String>,
    /// For 401 (cases 00-04): what usually causes it, most common first; empty otherwise.
    pub likely_causes: Vec<String>,
}

/// Splits a `responseCode` (seven digits: HTTP status, service code, case code) and says what
/// each part means, from the standard's tables. A code the standard does not list is not an
/// error (its names are `None`); anything but seven ASCII digits is `InvalidResponse`.
#[uniffi::export]
pub fn describe_response_code(code: String) -> Result<ResponseCodeInfo, SnapError> {
    let info = core_describe(&code).map_err(|e| match e {
        // The response parser's wording ("invalid access-token response: ...") does not fit a
        // code given on its own; the kind's message does (as in `snapsign code`).
        Error::InvalidResponse { kind } => SnapError::InvalidResponse { reason: kind.message().to_owned() },
        e => e.into(),
    })?;
    let text = |t: Option<&str>| t.map(str::to_owned);
    Ok(ResponseCodeInfo {
        response_code: code,
        http_status: info.http_status,
        service_code: info.service_code,
        service_name: text(info.service_name),
        case_code: info.case_code,
        message: text(info.message),
        description: text(info.description),
        likely_causes: info.likely_causes.iter().map(|c| (*c).to_owned()).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use snapsign_core::Credential;

    const KEY: &[u8] = include_bytes!("../../../tests/vectors/keys/rsa2048-pkcs8.pem");
    const BODY: &[u8] = br#"{ "amount": { "value": "10000.00", "currency": "IDR" } }"#;
    const TS: &str = "2020-01-01T04:10:00+07:00";
    /// `snapsign request --provider bca ... --json` (see ffi/tests/c_api.rs).
    const BCA_SIGNATURE: &str =
        "IFHDSLNnlnerJWnY4hdicyB8HIzMqdBVHSuppyDvcnvA2LVf1nl4V++saXBk+I3rR/p4BpCNJSd5H3D5H7WXeA==";

    fn sign_bca(s: &RequestSigner) -> Result<SignedRequest, SnapError> {
        s.sign(
            "POST".into(),
            "/openapi/v1.0/x?b=2&a=%7e1".into(),
            BODY.to_vec(),
            "PARTNER01".into(),
            Some("eyJ0b2tlbiJ9".into()),
            Some("12345678901234567890".into()),
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            Some(TS.into()),
            None,
        )
    }

    #[test]
    fn request_signer_gives_the_cores_headers_in_order() {
        let s = RequestSigner::with_client_secret("bca".into(), "a-client-secret".into()).unwrap();
        let r = sign_bca(&s).unwrap();
        let names: Vec<&str> = r.headers.iter().map(|h| h.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "Content-Type",
                "Authorization",
                "X-TIMESTAMP",
                "X-SIGNATURE",
                "X-PARTNER-ID",
                "X-EXTERNAL-ID",
                "CHANNEL-ID"
            ]
        );
        assert_eq!(r.signature, BCA_SIGNATURE);
        assert_eq!(r.header("x-signature".into()).as_deref(), Some(BCA_SIGNATURE));
        assert_eq!(r.header("ORIGIN".into()), None);
        assert_eq!((r.timestamp.as_str(), r.endpoint_url.as_str()), (TS, "/openapi/v1.0/x?a=~1&b=2"));
        assert_eq!(s.provider(), "bca");
    }

    #[test]
    fn the_wrong_credential_and_unknown_names_are_errors() {
        let e = RequestSigner::with_client_secret("dana".into(), "s".into()).unwrap_err();
        assert!(matches!(e, SnapError::MissingCredential { needed: Credential::PrivateKey, .. }), "{e:?}");
        let e = RequestSigner::with_private_key("bca".into(), KEY.to_vec(), None, false).unwrap_err();
        assert!(matches!(e, SnapError::MissingCredential { needed: Credential::ClientSecret, .. }), "{e:?}");
        let e = RequestSigner::with_client_secret("BCA".into(), "s".into()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "no provider profile is called \"BCA\"; the profiles are generic, doku, ifortepay, midtrans, dana, bca, \
             bri, mandiri, winpay, ovo"
        );
        assert!(matches!(provider_profile("x".into()), Err(SnapError::UnknownProvider { .. })));
        let s = RequestSigner::with_private_key("dana".into(), KEY.to_vec(), None, false).unwrap();
        let e = s
            .sign(
                "POST".into(),
                "/v1.0/x.htm".into(),
                vec![],
                "C1".into(),
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                Some("-6.2".into()),
                None,
                None,
                Some(0),
            )
            .unwrap_err();
        assert!(matches!(e, SnapError::EmptyField { field: Field::CustomerToken, .. }), "{e:?}");
    }

    #[test]
    fn profiles_carry_every_value_with_its_source() {
        let all = provider_profiles();
        assert_eq!(all.len(), PROFILES.len());
        let bca = &all[5];
        assert_eq!(bca.name, "bca");
        assert_eq!(bca.endpoint_rule.value, EndpointRule::CanonicalQuery);
        assert_eq!(bca.channel_id.value.as_deref(), Some("95051"));
        assert_eq!(bca.timestamp.example, "2020-01-01T04:10:00+07:00");
        assert_eq!(
            provider_profile("dana".into()).unwrap().transaction_signature.value,
            TransactionSignature::RsaService
        );
        assert!(all.iter().all(|p| !p.token_path_b2b.source.is_empty() && !p.notes.is_empty()));
    }

    #[test]
    fn response_codes() {
        let i = describe_response_code("4017300".into()).unwrap();
        assert_eq!((i.http_status, i.service_code, i.case_code), (401, 73, 0));
        assert_eq!(i.service_name.as_deref(), Some("Access Token B2B"));
        assert!(!i.likely_causes.is_empty());
        let e = describe_response_code("401730".into()).unwrap_err();
        assert_eq!(e.to_string(), "responseCode is not 7 digits (HTTP status + service code + case code)");
    }
}
