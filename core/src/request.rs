//! Every header of a SNAP transaction call, signed, from one clock reading.
//!
//! [`RequestHeaders::sign`] takes a [`Profile`], what signs (the client secret or the private
//! key), the call, and the time. It writes `X-TIMESTAMP` once, in the profile's style, and signs
//! exactly that text over the profile's `EndpointUrl`; reading the clock twice (once for the
//! header, once for the signature) is a classic cause of "401 Invalid signature", and here it
//! cannot happen. Each header is checked against the standard's limit, with an error naming it.
//!
//! ```
//! use snapsign_core::request::{Call, RequestHeaders, Signer, When};
//! use snapsign_core::{provider, HmacSigner};
//! let hmac = HmacSigner::new(b"a-secret")?;
//! let call = Call {
//!     access_token: Some("tok"),
//!     external_id: Some("41807553358950093184162180797837"),
//!     channel_id: Some("95221"),
//!     ..Call::new("POST", "/v1.0/transfer-va/inquiry", br#"{"partnerServiceId":"  088899"}"#, "82150823919040624621823174737537")
//! };
//! let h = RequestHeaders::sign(&provider::GENERIC, Signer::Hmac(&hmac), &call, When::UnixMillis(1_577_826_600_000), &mut getrandom::SysRng)?;
//! assert_eq!(h.get("X-TIMESTAMP"), Some("2020-01-01T04:10:00+07:00"));
//! assert_eq!(h.get("authorization"), Some("Bearer tok"));
//! let signed = hmac.sign_transaction("POST", "/v1.0/transfer-va/inquiry", "tok", call.body, "2020-01-01T04:10:00+07:00")?;
//! assert_eq!(h.signature(), signed.as_str());
//! # Ok::<(), snapsign_core::Error>(())
//! ```

use rand_core::TryCryptoRng;

use crate::access_token::{external_id, CONTENT_TYPE, MAX_EXTERNAL_ID_LEN, MAX_ORIGIN_LEN};
use crate::endpoint::EndpointUrl;
use crate::error::{Credential, Error, Field, Result};
use crate::hmac::HmacSigner;
use crate::provider::{Profile, TransactionSignature};
use crate::rsa::{RsaSignature, RsaSigner, MAX_SIGNATURE_LEN};
use crate::string_to_sign::{check_access_token, check_text, MAX_ACCESS_TOKEN_LEN};
use crate::timestamp::{self, Timestamp, MAX_TIMESTAMP_LEN};

/// Longest `X-PARTNER-ID` (the standard's `String(36)`).
pub const MAX_PARTNER_ID_LEN: usize = 36;
/// Longest `CHANNEL-ID` (the standard's `String(5)`).
pub const MAX_CHANNEL_ID_LEN: usize = 5;
/// Longest `X-DEVICE-ID` (the standard's `String(400)`).
pub const MAX_DEVICE_ID_LEN: usize = 400;
/// Longest `X-IP-ADDRESS` (the standard's `String(15)`: a dotted IPv4 address).
pub const MAX_IP_ADDRESS_LEN: usize = 15;
/// Longest `X-LATITUDE` and `X-LONGITUDE` (the standard's `String(10)`).
pub const MAX_COORDINATE_LEN: usize = 10;
/// Digits of a generated `X-EXTERNAL-ID` (numeric, as BRI requires; the standard allows 36).
pub const GENERATED_EXTERNAL_ID_DIGITS: usize = 32;

const BEARER: &str = "Bearer ";

/// Room for every header value at its maximum length.
const CAPACITY: usize = 2 * (BEARER.len() + MAX_ACCESS_TOKEN_LEN)
    + MAX_TIMESTAMP_LEN
    + MAX_SIGNATURE_LEN
    + MAX_ORIGIN_LEN
    + MAX_PARTNER_ID_LEN
    + MAX_EXTERNAL_ID_LEN
    + MAX_IP_ADDRESS_LEN
    + MAX_DEVICE_ID_LEN
    + 2 * MAX_COORDINATE_LEN
    + MAX_CHANNEL_ID_LEN
    + CONTENT_TYPE.len();
const MAX_HEADERS: usize = 13;

/// What signs the call.
#[derive(Debug, Clone, Copy)]
pub enum Signer<'a> {
    /// The client secret: HMAC-SHA512 over the transaction form.
    Hmac(&'a HmacSigner),
    /// The private key: SHA256withRSA over the service form.
    Rsa(&'a RsaSigner),
}

impl Signer<'_> {
    /// Checks that this is what `profile` signs transaction calls with, as
    /// [`RequestHeaders::sign`] does first: for a signer made once and used for many calls, so
    /// that a wrong credential is reported when it is given rather than on the first call.
    ///
    /// # Errors
    /// [`Error::MissingCredential`] naming the credential the profile needs.
    ///
    /// ```
    /// use snapsign_core::request::Signer;
    /// use snapsign_core::{provider, Credential, Error, HmacSigner};
    /// let hmac = HmacSigner::new(b"a-secret")?;
    /// assert_eq!(Signer::Hmac(&hmac).check_profile(&provider::BCA), Ok(()));
    /// assert_eq!(
    ///     Signer::Hmac(&hmac).check_profile(&provider::DANA),
    ///     Err(Error::MissingCredential { needed: Credential::PrivateKey })
    /// );
    /// # Ok::<(), snapsign_core::Error>(())
    /// ```
    pub fn check_profile(&self, profile: &Profile) -> Result<()> {
        match (profile.transaction_signature.value, self) {
            (TransactionSignature::Hmac, Signer::Rsa(_)) => {
                Err(Error::MissingCredential { needed: Credential::ClientSecret })
            }
            (TransactionSignature::RsaService, Signer::Hmac(_)) => {
                Err(Error::MissingCredential { needed: Credential::PrivateKey })
            }
            _ => Ok(()),
        }
    }
}

/// A profile and the credential its transaction calls are signed with, checked to match once,
/// for a holder that signs many calls (a C handle, a uniffi object, a command).
///
/// ```
/// use snapsign_core::request::{Call, ProfileSigner, SigningKey, When};
/// use snapsign_core::{provider, Credential, Error, HmacSigner};
/// let bca = ProfileSigner::new(&provider::BCA, SigningKey::Hmac(HmacSigner::new(b"a-secret")?))?;
/// let call = Call { access_token: Some("tok"), ..Call::new("GET", "/openapi/v1.0/x?b=2&a=1", b"", "P1") };
/// let h = bca.sign(&call, When::UnixMillis(0), &mut getrandom::SysRng)?;
/// assert_eq!(h.endpoint_url(), "/openapi/v1.0/x?a=1&b=2");
/// let dana = ProfileSigner::new(&provider::DANA, SigningKey::Hmac(HmacSigner::new(b"a-secret")?));
/// assert_eq!(dana.unwrap_err(), Error::MissingCredential { needed: Credential::PrivateKey });
/// # Ok::<(), snapsign_core::Error>(())
/// ```
#[derive(Debug)]
pub struct ProfileSigner<'p> {
    profile: &'p Profile,
    key: SigningKey,
}

/// An owned signing credential (see [`Signer`] for the borrowed one).
#[derive(Debug)]
pub enum SigningKey {
    /// The client secret, keyed into HMAC-SHA512.
    Hmac(HmacSigner),
    /// The RSA private key.
    Rsa(RsaSigner),
}

impl SigningKey {
    /// The borrowed form [`RequestHeaders::sign`] takes.
    pub fn signer(&self) -> Signer<'_> {
        match self {
            SigningKey::Hmac(h) => Signer::Hmac(h),
            SigningKey::Rsa(r) => Signer::Rsa(r),
        }
    }
}

impl<'p> ProfileSigner<'p> {
    /// Pairs `profile` with `key`.
    ///
    /// # Errors
    /// [`Error::MissingCredential`] when `key` is not what the profile signs with.
    pub fn new(profile: &'p Profile, key: SigningKey) -> Result<Self> {
        key.signer().check_profile(profile)?;
        Ok(ProfileSigner { profile, key })
    }

    /// The profile.
    pub fn profile(&self) -> &'p Profile {
        self.profile
    }

    /// The credential.
    pub fn key(&self) -> &SigningKey {
        &self.key
    }

    /// [`RequestHeaders::sign`] with this profile and credential.
    ///
    /// # Errors
    /// As [`RequestHeaders::sign`].
    pub fn sign<R: TryCryptoRng + ?Sized>(
        &self,
        call: &Call<'_>,
        when: When<'_>,
        rng: &mut R,
    ) -> Result<RequestHeaders> {
        RequestHeaders::sign(self.profile, self.key.signer(), call, when, rng)
    }
}

/// When the call is made: the instant, written in the profile's style, or the exact header text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When<'a> {
    /// Milliseconds since 1970-01-01T00:00:00Z (your clock, read once).
    UnixMillis(i64),
    /// An `X-TIMESTAMP` text to send and sign as it is.
    Header(&'a str),
}

/// The customer of a B2B2C call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Customer<'a> {
    /// The customer's access token from the B2B2C token call (sent as `Authorization-Customer:
    /// Bearer <token>`).
    pub access_token: &'a str,
    /// `X-IP-ADDRESS`, optional.
    pub ip_address: Option<&'a str>,
    /// `X-LATITUDE`, optional.
    pub latitude: Option<&'a str>,
    /// `X-LONGITUDE`, optional.
    pub longitude: Option<&'a str>,
}

/// One transaction call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Call<'a> {
    /// The HTTP method, upper case.
    pub method: &'a str,
    /// The request target exactly as on the request line: the path and its query string.
    pub target: &'a str,
    /// The exact body bytes sent (empty for none).
    pub body: &'a [u8],
    /// The B2B access token (`Authorization: Bearer <token>`); required with the client secret.
    pub access_token: Option<&'a str>,
    /// `X-PARTNER-ID` (for DANA and DOKU: the client id).
    pub partner_id: &'a str,
    /// `X-EXTERNAL-ID`, unique per day; `None` generates a random numeric one.
    pub external_id: Option<&'a str>,
    /// `CHANNEL-ID`; `None` takes the profile's.
    pub channel_id: Option<&'a str>,
    /// `ORIGIN`, optional.
    pub origin: Option<&'a str>,
    /// `X-DEVICE-ID`: required for B2B2C calls and by some profiles.
    pub device_id: Option<&'a str>,
    /// The customer, for a B2B2C call.
    pub customer: Option<Customer<'a>>,
}

impl<'a> Call<'a> {
    /// A call with the required fields; the rest are `None`.
    pub const fn new(method: &'a str, target: &'a str, body: &'a [u8], partner_id: &'a str) -> Self {
        Call {
            method,
            target,
            body,
            access_token: None,
            partner_id,
            external_id: None,
            channel_id: None,
            origin: None,
            device_id: None,
            customer: None,
        }
    }
}

/// The signed headers of one call, in the order the standard lists them, in one fixed buffer.
#[derive(Clone)]
pub struct RequestHeaders {
    text: heapless::String<CAPACITY>,
    entries: heapless::Vec<(&'static str, usize, usize), MAX_HEADERS>,
    endpoint_url: EndpointUrl,
}

impl core::fmt::Debug for RequestHeaders {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // The bearer tokens stay out of logs.
        f.debug_struct("RequestHeaders").field("endpoint_url", &self.endpoint_url).finish_non_exhaustive()
    }
}

fn optional(field: Field, value: Option<&str>, max: usize) -> Result<()> {
    value.map_or(Ok(()), |v| check_text(field, v, max))
}

fn bearer_token(field: Field, token: &str) -> Result<()> {
    check_access_token(token).map_err(|e| match e {
        Error::EmptyField { .. } => Error::EmptyField { field },
        Error::FieldTooLong { max, .. } => Error::FieldTooLong { field, max },
        Error::ControlCharacter { offset, .. } => Error::ControlCharacter { field, offset },
        other => other,
    })
}

impl RequestHeaders {
    /// Checks every header, writes `X-TIMESTAMP` once, signs, and gathers the headers.
    ///
    /// # Errors
    /// [`Error::MissingCredential`] when `signer` is not what the profile signs with; a field
    /// error naming the header for a missing or over-long value; the signing errors of the
    /// method, path, body and timestamp.
    pub fn sign<R: TryCryptoRng + ?Sized>(
        profile: &Profile,
        signer: Signer<'_>,
        call: &Call<'_>,
        when: When<'_>,
        rng: &mut R,
    ) -> Result<Self> {
        signer.check_profile(profile)?;
        let access_token = match (signer, call.access_token) {
            (Signer::Hmac(_), None) => return Err(Error::EmptyField { field: Field::AccessToken }),
            (_, token) => token,
        };
        if let Some(token) = access_token {
            check_access_token(token)?;
        }
        check_text(Field::PartnerId, call.partner_id, MAX_PARTNER_ID_LEN)?;
        let channel_id =
            call.channel_id.or(profile.channel_id.value).ok_or(Error::EmptyField { field: Field::ChannelId })?;
        check_text(Field::ChannelId, channel_id, MAX_CHANNEL_ID_LEN)?;
        optional(Field::Origin, call.origin, MAX_ORIGIN_LEN)?;
        optional(Field::DeviceId, call.device_id, MAX_DEVICE_ID_LEN)?;
        if call.device_id.is_none() && (profile.device_id_required.value || call.customer.is_some()) {
            return Err(Error::EmptyField { field: Field::DeviceId });
        }
        if let Some(c) = &call.customer {
            bearer_token(Field::CustomerToken, c.access_token)?;
            optional(Field::IpAddress, c.ip_address, MAX_IP_ADDRESS_LEN)?;
            optional(Field::Latitude, c.latitude, MAX_COORDINATE_LEN)?;
            optional(Field::Longitude, c.longitude, MAX_COORDINATE_LEN)?;
        }
        let generated;
        let external_id = match call.external_id {
            Some(id) => {
                check_text(Field::ExternalId, id, MAX_EXTERNAL_ID_LEN)?;
                id
            }
            None => {
                generated = external_id(rng, GENERATED_EXTERNAL_ID_DIGITS)?;
                generated.as_str()
            }
        };
        let formatted;
        let timestamp = match when {
            When::Header(text) => {
                timestamp::validate(text)?;
                text
            }
            When::UnixMillis(ms) => {
                let style = profile.timestamp.value;
                formatted = Timestamp::from_unix_millis(ms, style.offset_minutes)?.format(style.format);
                formatted.as_str()
            }
        };
        let endpoint_url = profile.endpoint.value.apply(call.target)?;
        // One buffer for either: an HMAC signature (88 bytes) fits an RSA one.
        let signature: RsaSignature = match signer {
            Signer::Hmac(hmac) => {
                let token = access_token.unwrap_or_default();
                let mac = hmac.sign_transaction(call.method, &endpoint_url, token, call.body, timestamp)?;
                let mut s = RsaSignature::new();
                s.push_str(&mac).map_err(|_| Error::BufferTooSmall { needed: mac.len() })?;
                s
            }
            Signer::Rsa(rsa) => rsa.sign_service(call.method, &endpoint_url, call.body, timestamp, rng)?,
        };

        let mut h = RequestHeaders { text: heapless::String::new(), entries: heapless::Vec::new(), endpoint_url };
        h.push("Content-Type", &[CONTENT_TYPE])?;
        if let Some(token) = access_token {
            h.push("Authorization", &[BEARER, token])?;
        }
        if let Some(c) = &call.customer {
            h.push("Authorization-Customer", &[BEARER, c.access_token])?;
        }
        h.push("X-TIMESTAMP", &[timestamp])?;
        h.push("X-SIGNATURE", &[signature.as_str()])?;
        if let Some(origin) = call.origin {
            h.push("ORIGIN", &[origin])?;
        }
        h.push("X-PARTNER-ID", &[call.partner_id])?;
        h.push("X-EXTERNAL-ID", &[external_id])?;
        if let Some(c) = &call.customer {
            if let Some(ip) = c.ip_address {
                h.push("X-IP-ADDRESS", &[ip])?;
            }
        }
        if let Some(device) = call.device_id {
            h.push("X-DEVICE-ID", &[device])?;
        }
        if let Some(c) = &call.customer {
            if let Some(lat) = c.latitude {
                h.push("X-LATITUDE", &[lat])?;
            }
            if let Some(long) = c.longitude {
                h.push("X-LONGITUDE", &[long])?;
            }
        }
        h.push("CHANNEL-ID", &[channel_id])?;
        Ok(h)
    }

    fn push(&mut self, name: &'static str, parts: &[&str]) -> Result<()> {
        // CAPACITY is the sum of every header's checked maximum, so neither push can fail.
        let start = self.text.len();
        for part in parts {
            self.text.push_str(part).map_err(|_| Error::BufferTooSmall { needed: CAPACITY })?;
        }
        self.entries.push((name, start, self.text.len())).map_err(|_| Error::BufferTooSmall { needed: CAPACITY })
    }

    /// The headers as (name, value) pairs, in the standard's order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &str)> + '_ {
        self.entries.iter().map(|&(name, start, end)| (name, self.text.get(start..end).unwrap_or_default()))
    }

    /// How many headers there are.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Never true: every call has at least `Content-Type`, `X-TIMESTAMP` and `X-SIGNATURE`.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The header at `index` in [`iter`](Self::iter)'s order.
    pub fn at(&self, index: usize) -> Option<(&'static str, &str)> {
        self.iter().nth(index)
    }

    /// A header's value by name, case-insensitively (HTTP header names are).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v)
    }

    /// `X-TIMESTAMP`: the text that was signed.
    pub fn timestamp(&self) -> &str {
        self.get("X-TIMESTAMP").unwrap_or_default()
    }

    /// `X-SIGNATURE`.
    pub fn signature(&self) -> &str {
        self.get("X-SIGNATURE").unwrap_or_default()
    }

    /// The `EndpointUrl` that was signed (the profile's rule applied to the target).
    pub fn endpoint_url(&self) -> &str {
        &self.endpoint_url
    }
}
