//! Complete transaction headers: every limit, the B2B2C set, the signature per profile, one clock
//! reading.

use snapsign_core::provider::{self, Fact, TransactionSignature};
use snapsign_core::request::{Call, Customer, RequestHeaders, Signer, When};
use snapsign_core::{Credential, Error, Field, HmacSigner, KeyOptions, RsaSigner};

const NOW: i64 = 1_577_826_600_123; // 2020-01-01T04:10:00.123+07:00
const BODY: &[u8] = br#"{ "partnerReferenceNo": "2020102900000000000001" }"#;

fn rsa() -> RsaSigner {
    let pem = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/keys/rsa2048-pkcs8.pem")).unwrap();
    RsaSigner::from_bytes(&pem, &KeyOptions::default()).unwrap()
}

fn hmac() -> HmacSigner {
    HmacSigner::new(b"a-client-secret").unwrap()
}

fn call<'a>() -> Call<'a> {
    Call {
        access_token: Some("eyJ0b2tlbiJ9"),
        external_id: Some("12345678901234567890"),
        channel_id: Some("95051"),
        ..Call::new("POST", "/v1.0/transfer-va/inquiry?b=2&a=1", BODY, "PARTNER01")
    }
}

fn sign(profile: &provider::Profile, signer: Signer<'_>, call: &Call<'_>) -> Result<RequestHeaders, Error> {
    RequestHeaders::sign(profile, signer, call, When::UnixMillis(NOW), &mut getrandom::SysRng)
}

fn names(h: &RequestHeaders) -> Vec<&'static str> {
    h.iter().map(|(n, _)| n).collect()
}

#[test]
fn b2b_hmac_headers_in_the_standards_order_and_the_signature_over_the_sent_timestamp() {
    let secret = hmac();
    let h = sign(&provider::GENERIC, Signer::Hmac(&secret), &call()).unwrap();
    assert_eq!(
        names(&h),
        ["Content-Type", "Authorization", "X-TIMESTAMP", "X-SIGNATURE", "X-PARTNER-ID", "X-EXTERNAL-ID", "CHANNEL-ID"]
    );
    assert_eq!(h.get("content-type"), Some("application/json"));
    assert_eq!(h.get("Authorization"), Some("Bearer eyJ0b2tlbiJ9"));
    assert_eq!(h.timestamp(), "2020-01-01T04:10:00+07:00");
    assert_eq!(h.endpoint_url(), "/v1.0/transfer-va/inquiry?b=2&a=1");
    secret
        .verify_transaction("POST", h.endpoint_url(), "eyJ0b2tlbiJ9", BODY, h.timestamp(), h.signature().as_bytes())
        .unwrap();
    assert_eq!(h.get("X-PARTNER-ID"), Some("PARTNER01"));
    assert_eq!(h.get("X-EXTERNAL-ID"), Some("12345678901234567890"));
    assert_eq!(h.get("CHANNEL-ID"), Some("95051"));
    assert_eq!(h.at(0), Some(("Content-Type", "application/json")));
    assert_eq!(h.len(), 7);
}

#[test]
fn each_profile_writes_its_timestamp_style_and_signs_that_text() {
    let secret = hmac();
    let key = rsa();
    let expected = [
        ("generic", "2020-01-01T04:10:00+07:00"),
        ("doku", "2019-12-31T21:10:00Z"),
        ("midtrans", "2019-12-31T21:10:00.123Z"),
        ("bri", "2020-01-01T04:10:00.123+07:00"),
        ("dana", "2020-01-01T04:10:00+07:00"),
    ];
    for (name, ts) in expected {
        let profile = provider::find(name).unwrap();
        let c = call();
        let h = match profile.transaction_signature.value {
            TransactionSignature::Hmac => sign(profile, Signer::Hmac(&secret), &c).unwrap(),
            TransactionSignature::RsaService => sign(profile, Signer::Rsa(&key), &c).unwrap(),
        };
        assert_eq!(h.timestamp(), ts, "{name}");
        match profile.transaction_signature.value {
            TransactionSignature::Hmac => secret
                .verify_transaction("POST", h.endpoint_url(), "eyJ0b2tlbiJ9", BODY, ts, h.signature().as_bytes())
                .unwrap(),
            TransactionSignature::RsaService => {
                key.verifier().verify_service("POST", h.endpoint_url(), BODY, ts, h.signature().as_bytes()).unwrap()
            }
        }
    }
}

#[test]
fn the_profile_chooses_the_signer_and_the_endpoint_rule() {
    let secret = hmac();
    let key = rsa();
    assert_eq!(
        sign(&provider::DANA, Signer::Hmac(&secret), &call()).unwrap_err(),
        Error::MissingCredential { needed: Credential::PrivateKey }
    );
    assert_eq!(
        sign(&provider::BCA, Signer::Rsa(&key), &call()).unwrap_err(),
        Error::MissingCredential { needed: Credential::ClientSecret }
    );
    // BCA signs the canonical query, and sends the target as it is.
    let h = sign(&provider::BCA, Signer::Hmac(&secret), &call()).unwrap();
    assert_eq!(h.endpoint_url(), "/v1.0/transfer-va/inquiry?a=1&b=2");
    // DANA: RSA service form, its CHANNEL-ID.
    let c = Call { access_token: None, channel_id: None, ..call() };
    let h = sign(&provider::DANA, Signer::Rsa(&key), &c).unwrap();
    assert_eq!(h.get("CHANNEL-ID"), Some("95221"));
    assert_eq!(h.get("Authorization"), None);
    assert_eq!(h.signature().len(), 344);
    // An override is honoured.
    let mut bca = provider::BCA;
    bca.transaction_signature = Fact::caller(TransactionSignature::RsaService);
    assert!(sign(&bca, Signer::Rsa(&key), &call()).is_ok());
}

#[test]
fn b2b2c_adds_the_customer_headers() {
    let secret = hmac();
    let c = Call {
        device_id: Some("09864ADCASA"),
        customer: Some(Customer {
            access_token: "cust-token",
            ip_address: Some("172.24.281.24"),
            latitude: Some("-6.2088"),
            longitude: Some("106.8456"),
        }),
        ..call()
    };
    let h = sign(&provider::GENERIC, Signer::Hmac(&secret), &c).unwrap();
    assert_eq!(
        names(&h),
        [
            "Content-Type",
            "Authorization",
            "Authorization-Customer",
            "X-TIMESTAMP",
            "X-SIGNATURE",
            "X-PARTNER-ID",
            "X-EXTERNAL-ID",
            "X-IP-ADDRESS",
            "X-DEVICE-ID",
            "X-LATITUDE",
            "X-LONGITUDE",
            "CHANNEL-ID"
        ]
    );
    assert_eq!(h.get("Authorization-Customer"), Some("Bearer cust-token"));
    // The device id is mandatory for a customer call, and for OVO always.
    let no_device = Call { device_id: None, ..c };
    assert_eq!(
        sign(&provider::GENERIC, Signer::Hmac(&secret), &no_device).unwrap_err(),
        Error::EmptyField { field: Field::DeviceId }
    );
    assert_eq!(
        sign(&provider::OVO, Signer::Hmac(&secret), &call()).unwrap_err(),
        Error::EmptyField { field: Field::DeviceId }
    );
    let bearer = Call { customer: Some(Customer { access_token: "Bearer x", ..c.customer.unwrap() }), ..c };
    assert_eq!(sign(&provider::GENERIC, Signer::Hmac(&secret), &bearer).unwrap_err(), Error::BearerPrefix);
}

#[test]
fn every_header_limit_names_its_header() {
    let secret = hmac();
    let long = "1".repeat(401);
    let over = |n: usize| &long[..n + 1];
    let base = Call { device_id: Some("dev"), ..call() };
    let cust = Customer { access_token: "ct", ip_address: None, latitude: None, longitude: None };
    let cases: Vec<(Call<'_>, Error)> = vec![
        (Call { partner_id: over(36), ..base }, Error::FieldTooLong { field: Field::PartnerId, max: 36 }),
        (Call { partner_id: "", ..base }, Error::EmptyField { field: Field::PartnerId }),
        (Call { external_id: Some(over(36)), ..base }, Error::FieldTooLong { field: Field::ExternalId, max: 36 }),
        (Call { channel_id: Some(over(5)), ..base }, Error::FieldTooLong { field: Field::ChannelId, max: 5 }),
        (Call { device_id: Some(over(400)), ..base }, Error::FieldTooLong { field: Field::DeviceId, max: 400 }),
        (
            Call { customer: Some(Customer { ip_address: Some(over(15)), ..cust }), ..base },
            Error::FieldTooLong { field: Field::IpAddress, max: 15 },
        ),
        (
            Call { customer: Some(Customer { latitude: Some(over(10)), ..cust }), ..base },
            Error::FieldTooLong { field: Field::Latitude, max: 10 },
        ),
        (
            Call { customer: Some(Customer { longitude: Some(over(10)), ..cust }), ..base },
            Error::FieldTooLong { field: Field::Longitude, max: 10 },
        ),
        (
            Call { customer: Some(Customer { access_token: "", ..cust }), ..base },
            Error::EmptyField { field: Field::CustomerToken },
        ),
        (Call { origin: Some("a\nb"), ..base }, Error::ControlCharacter { field: Field::Origin, offset: 1 }),
        (Call { access_token: None, ..base }, Error::EmptyField { field: Field::AccessToken }),
        (Call { channel_id: None, ..base }, Error::EmptyField { field: Field::ChannelId }),
    ];
    for (c, expected) in cases {
        assert_eq!(sign(&provider::GENERIC, Signer::Hmac(&secret), &c).unwrap_err(), expected);
    }
    // At the limits, everything is accepted.
    let at = |n: usize| &long[..n];
    let c = Call {
        partner_id: at(36),
        external_id: Some(at(36)),
        channel_id: Some(at(5)),
        device_id: Some(at(400)),
        customer: Some(Customer {
            access_token: "ct",
            ip_address: Some(at(15)),
            latitude: Some(at(10)),
            longitude: Some(at(10)),
        }),
        ..base
    };
    let h = sign(&provider::GENERIC, Signer::Hmac(&secret), &c).unwrap();
    assert_eq!(h.get("X-DEVICE-ID").map(str::len), Some(400));
}

#[test]
fn a_generated_external_id_is_numeric_and_a_given_timestamp_is_sent_as_it_is() {
    let secret = hmac();
    let c = Call { external_id: None, ..call() };
    let ts = "2020-01-01T04:10:00.5+07:00";
    let h =
        RequestHeaders::sign(&provider::GENERIC, Signer::Hmac(&secret), &c, When::Header(ts), &mut getrandom::SysRng)
            .unwrap();
    let id = h.get("X-EXTERNAL-ID").unwrap();
    assert_eq!(id.len(), 32);
    assert!(id.bytes().all(|b| b.is_ascii_digit()));
    assert_eq!(h.timestamp(), ts);
    secret.verify_transaction("POST", h.endpoint_url(), "eyJ0b2tlbiJ9", BODY, ts, h.signature().as_bytes()).unwrap();
    let bad = RequestHeaders::sign(
        &provider::GENERIC,
        Signer::Hmac(&secret),
        &c,
        When::Header("2020-01-01 04:10"),
        &mut getrandom::SysRng,
    );
    assert!(matches!(bad, Err(Error::InvalidTimestamp { .. })));
}
