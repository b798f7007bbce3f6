//! Provider profiles: what each provider expects as the *inputs* of the standard's formulas.
//!
//! A profile never changes a formula. It chooses the token path, how `X-TIMESTAMP` is written,
//! which signature a transaction carries (HMAC-SHA512 over the transaction form, or
//! SHA256withRSA over the service form), which `EndpointUrl` rule applies, and the fixed header
//! values. Profiles are data: one const table. Every value is a [`Fact`] with a one-line source
//! and a [`Confidence`], and every field is public, so a caller overrides any of them:
//!
//! ```
//! use snapsign_core::provider::{self, Fact};
//! let mut bri = *provider::find("bri").unwrap();
//! assert_eq!(bri.token_path_b2b.value, Some("/snap/v1.0/access-token/b2b"));
//! bri.channel_id = Fact::caller(Some("95221"));
//! assert_eq!(bri.channel_id.value, Some("95221"));
//! ```
//!
//! Providers change their documentation: `docs/providers.md` lists the sources, and users should
//! check their provider's current documentation before relying on a profile.

use crate::endpoint::EndpointRule;
use crate::timestamp::{TimestampFormat, WIB};

/// How sure a profile value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Confidence {
    /// Stated in the provider's own documentation, or the standard's rule for `generic`.
    Documented,
    /// Seen in the provider's official SDK or sample code, not stated in its documentation.
    Observed,
    /// From a single secondary source, or inferred: verify it with the provider.
    Weak,
    /// Set by the caller, overriding the profile.
    Caller,
}

impl Confidence {
    /// The name used in listings (`documented`, `observed`, `weak`, `caller`).
    pub const fn name(self) -> &'static str {
        match self {
            Confidence::Documented => "documented",
            Confidence::Observed => "observed",
            Confidence::Weak => "weak",
            Confidence::Caller => "caller",
        }
    }
}

/// A profile value with where it comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fact<T> {
    /// The value.
    pub value: T,
    /// One line: the document or SDK it was taken from.
    pub source: &'static str,
    /// How sure it is.
    pub confidence: Confidence,
}

impl<T> Fact<T> {
    const fn doc(value: T, source: &'static str) -> Self {
        Fact { value, source, confidence: Confidence::Documented }
    }

    const fn seen(value: T, source: &'static str) -> Self {
        Fact { value, source, confidence: Confidence::Observed }
    }

    const fn weak(value: T, source: &'static str) -> Self {
        Fact { value, source, confidence: Confidence::Weak }
    }

    /// A value the caller sets in place of the profile's.
    pub const fn caller(value: T) -> Self {
        Fact { value, source: "set by the caller", confidence: Confidence::Caller }
    }
}

/// Which signature a transaction call carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TransactionSignature {
    /// HMAC-SHA512 with the client secret over `METHOD:EndpointUrl:AccessToken:digest:X-TIMESTAMP`.
    Hmac,
    /// SHA256withRSA with the private key over `METHOD:EndpointUrl:digest:X-TIMESTAMP` (no token).
    RsaService,
}

impl TransactionSignature {
    /// `hmac` or `rsa-service`.
    pub const fn name(self) -> &'static str {
        match self {
            TransactionSignature::Hmac => "hmac",
            TransactionSignature::RsaService => "rsa-service",
        }
    }
}

/// How a provider writes `X-TIMESTAMP`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimestampStyle {
    /// Minutes east of UTC (420 for WIB, 0 for UTC).
    pub offset_minutes: i16,
    /// Milliseconds and `Z`.
    pub format: TimestampFormat,
}

impl TimestampStyle {
    /// `2020-01-01T04:10:00+07:00`: the standard's example.
    pub const WIB_SECONDS: Self =
        TimestampStyle { offset_minutes: WIB, format: TimestampFormat { millis: false, utc_as_z: false } };
    /// `2020-01-01T04:10:00.000+07:00`.
    pub const WIB_MILLIS: Self =
        TimestampStyle { offset_minutes: WIB, format: TimestampFormat { millis: true, utc_as_z: false } };
    /// `2020-09-22T01:51:00Z`.
    pub const UTC_Z_SECONDS: Self =
        TimestampStyle { offset_minutes: 0, format: TimestampFormat { millis: false, utc_as_z: true } };
    /// `2020-09-22T01:51:00.000Z`.
    pub const UTC_Z_MILLIS: Self =
        TimestampStyle { offset_minutes: 0, format: TimestampFormat { millis: true, utc_as_z: true } };
}

/// How a provider answers a request that lacks a mandatory header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MissingHeaderAnswer {
    /// The standard's `400xx02 Invalid Mandatory Field {X-TIMESTAMP}`.
    Standard,
    /// `400xx00 Bad Request - X-TIMESTAMP is Required` (iFortepay).
    BadRequestIsRequired,
}

impl MissingHeaderAnswer {
    /// `standard` or `bad-request-is-required`.
    pub const fn name(self) -> &'static str {
        match self {
            MissingHeaderAnswer::Standard => "standard",
            MissingHeaderAnswer::BadRequestIsRequired => "bad-request-is-required",
        }
    }
}

/// What one provider expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Profile {
    /// The profile's name (`generic`, `doku`, ...).
    pub name: &'static str,
    /// Path of the B2B access-token call; `None` for a provider without access tokens.
    pub token_path_b2b: Fact<Option<&'static str>>,
    /// Path of the B2B2C access-token call; `None` when the provider has none.
    pub token_path_b2b2c: Fact<Option<&'static str>>,
    /// How `X-TIMESTAMP` is written.
    pub timestamp: Fact<TimestampStyle>,
    /// The signature of transaction calls.
    pub transaction_signature: Fact<TransactionSignature>,
    /// What `EndpointUrl` is in the string-to-sign.
    pub endpoint: Fact<EndpointRule>,
    /// A fixed `CHANNEL-ID`, when the provider assigns one to everybody; `None`: per merchant.
    pub channel_id: Fact<Option<&'static str>>,
    /// `X-PARTNER-ID` is the client id (`X-CLIENT-KEY`).
    pub partner_id_is_client_id: Fact<bool>,
    /// `X-DEVICE-ID` must be sent on every transaction call.
    pub device_id_required: Fact<bool>,
    /// How a request missing a mandatory header is answered (by the provider, and by a
    /// [`RequestVerifier`](crate::request_verifier::RequestVerifier) in its place).
    pub missing_header: Fact<MissingHeaderAnswer>,
    /// Whatever else an integrator must know (notifications, response spellings).
    pub notes: &'static str,
}

const STANDARD: &str = "SNAP Standar Teknis Keamanan v1.0.2";
const STANDARD_CODES: &str = "ASPI SNAP response codes: 400xx02 Invalid Mandatory Field {field name}";

/// The standard itself: what every provider starts from.
pub const GENERIC: Profile = Profile {
    name: "generic",
    token_path_b2b: Fact::doc(Some("/v1.0/access-token/b2b"), STANDARD),
    token_path_b2b2c: Fact::doc(Some("/v1.0/access-token/b2b2c"), STANDARD),
    timestamp: Fact::doc(TimestampStyle::WIB_SECONDS, "SNAP standard: X-TIMESTAMP example 2020-01-01T04:10:00+07:00"),
    transaction_signature: Fact::doc(TransactionSignature::Hmac, "SNAP standard: symmetric signature HMAC_SHA512"),
    endpoint: Fact::doc(EndpointRule::AsSent, "SNAP standard: EndpointUrl is the relative URL with its query string"),
    channel_id: Fact::doc(None, "SNAP standard: CHANNEL-ID is assigned per partner"),
    partner_id_is_client_id: Fact::doc(false, "SNAP standard: X-PARTNER-ID is assigned per partner"),
    device_id_required: Fact::doc(false, "SNAP standard: X-DEVICE-ID is for B2B2C calls"),
    missing_header: Fact::doc(MissingHeaderAnswer::Standard, STANDARD_CODES),
    notes: "The standard itself.",
};

/// DOKU (`api.doku.com`, `api-sandbox.doku.com`).
pub const DOKU: Profile = Profile {
    name: "doku",
    token_path_b2b: Fact::doc(Some("/authorization/v1/access-token/b2b"), "DOKU SNAP docs: How to generate token B2B"),
    token_path_b2b2c: Fact::doc(Some("/authorization/v1/access-token/b2b2c"), "DOKU SNAP docs: token B2B2C"),
    timestamp: Fact::doc(
        TimestampStyle::UTC_Z_SECONDS,
        "DOKU SNAP docs: X-TIMESTAMP in UTC, e.g. 2020-09-22T01:51:00Z (DOKU's SDKs send +07:00; both accepted)",
    ),
    transaction_signature: Fact::doc(TransactionSignature::Hmac, "DOKU SNAP docs: symmetric signature"),
    endpoint: Fact::doc(EndpointRule::AsSent, "DOKU SNAP docs: EndpointUrl with the product prefix as sent"),
    channel_id: Fact::doc(None, "DOKU SNAP docs: CHANNEL-ID given per merchant"),
    partner_id_is_client_id: Fact::seen(true, "DOKU SDKs: X-PARTNER-ID is the client id"),
    device_id_required: Fact::doc(false, "DOKU SNAP docs"),
    missing_header: Fact::weak(MissingHeaderAnswer::Standard, "no provider wording found: the standard's"),
    notes: "expiresIn is a number. Notifications: DOKU first asks the merchant for an access token (the merchant \
            verifies clientId|X-TIMESTAMP with DOKU's public key and issues one), then sends HMAC-signed \
            notifications.",
};

/// iFortepay (Senmo).
pub const IFORTEPAY: Profile = Profile {
    name: "ifortepay",
    token_path_b2b: Fact::doc(
        Some("/api/v1.0/access-token/b2b"),
        "iFortepay docs: API Access Token B2B /api/{version}/access-token/b2b",
    ),
    token_path_b2b2c: Fact::weak(None, "iFortepay docs: no B2B2C token call found"),
    timestamp: Fact::doc(TimestampStyle::WIB_SECONDS, "iFortepay docs: e.g. 2020-01-01T04:10:00+07:00"),
    transaction_signature: Fact::weak(
        TransactionSignature::RsaService,
        "iFortepay docs: RSA service form or HMAC, chosen per merchant; check your onboarding",
    ),
    endpoint: Fact::doc(EndpointRule::AsSent, "iFortepay docs"),
    channel_id: Fact::weak(None, "iFortepay docs: not stated"),
    partner_id_is_client_id: Fact::weak(true, "iFortepay docs: client id given after registration"),
    device_id_required: Fact::doc(false, "iFortepay docs"),
    missing_header: Fact::doc(
        MissingHeaderAnswer::BadRequestIsRequired,
        "iFortepay docs: 4007300 Bad Request - X-TIMESTAMP is Required",
    ),
    notes: "Send ORIGIN (the domain registered with iFortepay). The token response spells expiredIn. A payments \
            host is reported to use /auth/merchants/v1.0/access-token/b2b (weak).",
};

/// Midtrans (SNAP BI endpoints).
pub const MIDTRANS: Profile = Profile {
    name: "midtrans",
    token_path_b2b: Fact::doc(Some("/v1.0/access-token/b2b"), "Midtrans SNAP BI docs: access token B2B"),
    token_path_b2b2c: Fact::weak(None, "Midtrans SNAP BI docs: no B2B2C token call found"),
    timestamp: Fact::doc(TimestampStyle::UTC_Z_MILLIS, "Midtrans SNAP BI docs and SDK: milliseconds, Z"),
    transaction_signature: Fact::doc(TransactionSignature::Hmac, "Midtrans SNAP BI docs: HMAC-SHA512"),
    endpoint: Fact::doc(EndpointRule::AsSent, "Midtrans SNAP BI docs"),
    channel_id: Fact::doc(None, "Midtrans SNAP BI docs: CHANNEL-ID per merchant"),
    partner_id_is_client_id: Fact::seen(false, "Midtrans SDK: X-PARTNER-ID is the merchant's partner id"),
    device_id_required: Fact::doc(false, "Midtrans SNAP BI docs: X-DEVICE-ID on direct debit only"),
    missing_header: Fact::weak(MissingHeaderAnswer::Standard, "no provider wording found: the standard's"),
    notes: "Notifications are RSA-signed in the service form with Midtrans' key. X-DEVICE-ID is needed on direct \
            debit.",
};

/// DANA.
pub const DANA: Profile = Profile {
    name: "dana",
    token_path_b2b: Fact::doc(Some("/v1.0/access-token/b2b.htm"), "DANA SNAP docs: apply token B2B"),
    token_path_b2b2c: Fact::doc(Some("/v1.0/access-token/b2b2c.htm"), "DANA SNAP docs: apply token B2B2C"),
    timestamp: Fact::doc(TimestampStyle::WIB_SECONDS, "DANA SNAP docs: GMT+7, exactly 25 characters"),
    transaction_signature: Fact::doc(
        TransactionSignature::RsaService,
        "DANA SNAP docs: asymmetric signature, no token",
    ),
    endpoint: Fact::doc(EndpointRule::AsSent, "DANA SNAP docs: .htm paths as sent"),
    channel_id: Fact::doc(Some("95221"), "DANA SNAP docs: CHANNEL-ID 95221"),
    partner_id_is_client_id: Fact::doc(true, "DANA SNAP docs: X-PARTNER-ID is the client id"),
    device_id_required: Fact::doc(false, "DANA SNAP docs"),
    missing_header: Fact::weak(MissingHeaderAnswer::Standard, "no provider wording found: the standard's"),
    notes: "Notifications are RSA-signed with DANA's key.",
};

/// BCA.
pub const BCA: Profile = Profile {
    name: "bca",
    token_path_b2b: Fact::doc(Some("/openapi/v1.0/access-token/b2b"), "BCA developer docs: SNAP access token B2B"),
    token_path_b2b2c: Fact::weak(None, "BCA developer docs: no B2B2C token call found"),
    timestamp: Fact::doc(TimestampStyle::WIB_SECONDS, "BCA developer docs: Z or +hh:mm accepted"),
    transaction_signature: Fact::doc(TransactionSignature::Hmac, "BCA developer docs: symmetric signature"),
    endpoint: Fact::doc(
        EndpointRule::CanonicalQuery,
        "BCA developer docs: query parameters sorted by name then value, RFC 3986 encoding with upper-case hex",
    ),
    channel_id: Fact::doc(Some("95051"), "BCA developer docs: CHANNEL-ID 95051"),
    partner_id_is_client_id: Fact::weak(false, "BCA developer docs: X-PARTNER-ID is the BCA-assigned partner id"),
    device_id_required: Fact::doc(false, "BCA developer docs"),
    missing_header: Fact::weak(MissingHeaderAnswer::Standard, "no provider wording found: the standard's"),
    notes: "tokenType may come lower-case (bearer).",
};

/// BRI.
pub const BRI: Profile = Profile {
    name: "bri",
    token_path_b2b: Fact::doc(Some("/snap/v1.0/access-token/b2b"), "BRI API docs: SNAP access token B2B"),
    token_path_b2b2c: Fact::weak(None, "BRI API docs: no B2B2C token call found"),
    timestamp: Fact::doc(TimestampStyle::WIB_MILLIS, "BRI API docs: yyyy-MM-ddTHH:mm:ss.SSS+07:00"),
    transaction_signature: Fact::doc(TransactionSignature::Hmac, "BRI API docs: symmetric signature"),
    endpoint: Fact::doc(EndpointRule::AsSent, "BRI API docs: /snap/v1.0/ or /snap/v2.0/ prefix as sent"),
    channel_id: Fact::doc(None, "BRI API docs: CHANNEL-ID per partner"),
    partner_id_is_client_id: Fact::weak(false, "BRI API docs: X-PARTNER-ID assigned by BRI"),
    device_id_required: Fact::doc(false, "BRI API docs"),
    missing_header: Fact::weak(MissingHeaderAnswer::Standard, "no provider wording found: the standard's"),
    notes: "X-EXTERNAL-ID must be numeric.",
};

/// Bank Mandiri (weak: from secondary sources).
pub const MANDIRI: Profile = Profile {
    name: "mandiri",
    token_path_b2b: Fact::weak(
        Some("/openapi/auth/v2.0/access-token/b2b"),
        "secondary sources (Mandiri docs are gated)",
    ),
    token_path_b2b2c: Fact::weak(None, "secondary sources"),
    timestamp: Fact::weak(TimestampStyle::WIB_SECONDS, "secondary sources"),
    transaction_signature: Fact::weak(TransactionSignature::Hmac, "secondary sources"),
    endpoint: Fact::weak(EndpointRule::AsSent, "secondary sources"),
    channel_id: Fact::weak(Some("95051"), "secondary sources"),
    partner_id_is_client_id: Fact::weak(false, "secondary sources"),
    device_id_required: Fact::weak(false, "secondary sources"),
    missing_header: Fact::weak(MissingHeaderAnswer::Standard, "no provider wording found: the standard's"),
    notes: "Every value is weak: confirm each with Mandiri.",
};

/// WinPay.
pub const WINPAY: Profile = Profile {
    name: "winpay",
    token_path_b2b: Fact::doc(None, "WinPay SNAP docs: no access token"),
    token_path_b2b2c: Fact::doc(None, "WinPay SNAP docs: no access token"),
    timestamp: Fact::doc(TimestampStyle::WIB_SECONDS, "WinPay SNAP docs: +07:00"),
    transaction_signature: Fact::doc(
        TransactionSignature::RsaService,
        "WinPay SNAP docs: RSA service form on every call",
    ),
    endpoint: Fact::doc(EndpointRule::AsSent, "WinPay SNAP docs"),
    channel_id: Fact::doc(None, "WinPay SNAP docs: CHANNEL-ID is the bank code"),
    partner_id_is_client_id: Fact::weak(false, "WinPay SNAP docs: X-PARTNER-ID given by WinPay"),
    device_id_required: Fact::doc(false, "WinPay SNAP docs"),
    missing_header: Fact::weak(MissingHeaderAnswer::Standard, "no provider wording found: the standard's"),
    notes: "No access token: every call carries an RSA service signature. CHANNEL-ID is the bank code of the call.",
};

/// OVO.
pub const OVO: Profile = Profile {
    name: "ovo",
    token_path_b2b: Fact::doc(Some("/OVOSNAP/v1.0/access-token/b2b"), "OVO SNAP docs: access token B2B"),
    token_path_b2b2c: Fact::weak(None, "OVO SNAP docs: no B2B2C token call found"),
    timestamp: Fact::doc(TimestampStyle::WIB_MILLIS, "OVO SNAP docs: milliseconds, +07:00"),
    transaction_signature: Fact::weak(TransactionSignature::Hmac, "OVO SNAP docs (weak)"),
    endpoint: Fact::doc(EndpointRule::AsSent, "OVO SNAP docs"),
    channel_id: Fact::doc(None, "OVO SNAP docs: CHANNEL-ID per partner"),
    partner_id_is_client_id: Fact::weak(false, "OVO SNAP docs"),
    device_id_required: Fact::doc(true, "OVO SNAP docs: X-DEVICE-ID mandatory"),
    missing_header: Fact::weak(MissingHeaderAnswer::Standard, "no provider wording found: the standard's"),
    notes: "X-DEVICE-ID is mandatory.",
};

/// Every profile, `generic` first.
pub const PROFILES: &[Profile] = &[GENERIC, DOKU, IFORTEPAY, MIDTRANS, DANA, BCA, BRI, MANDIRI, WINPAY, OVO];

/// The profile named `name` (exact, lower-case).
///
/// ```
/// use snapsign_core::provider::{find, TransactionSignature};
/// assert_eq!(find("dana").unwrap().transaction_signature.value, TransactionSignature::RsaService);
/// assert!(find("DANA").is_none());
/// ```
pub fn find(name: &str) -> Option<&'static Profile> {
    PROFILES.iter().find(|p| p.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_the_checked_ones() {
        let names: alloc::vec::Vec<&str> = PROFILES.iter().map(|p| p.name).collect();
        assert_eq!(
            names,
            ["generic", "doku", "ifortepay", "midtrans", "dana", "bca", "bri", "mandiri", "winpay", "ovo"]
        );
        for p in PROFILES {
            assert_eq!(find(p.name), Some(p));
        }
    }

    #[test]
    fn every_fact_has_a_source() {
        for p in PROFILES {
            for source in [
                p.token_path_b2b.source,
                p.token_path_b2b2c.source,
                p.timestamp.source,
                p.transaction_signature.source,
                p.endpoint.source,
                p.channel_id.source,
                p.partner_id_is_client_id.source,
                p.device_id_required.source,
            ] {
                assert!(source.len() > 5, "{}: {source:?}", p.name);
            }
            for path in [p.token_path_b2b.value, p.token_path_b2b2c.value].into_iter().flatten() {
                crate::string_to_sign::check_path(path).unwrap();
            }
            if let Some(id) = p.channel_id.value {
                assert!(id.len() <= 5 && id.bytes().all(|b| b.is_ascii_digit()), "{}: {id}", p.name);
            }
        }
    }
}
