//! Why a command stopped, and which flag a core error is about.

use std::fmt::Display;

use snapsign_core::{Error, Field};

/// Why a command stopped: the message (without the `snapsign: ` prefix) and the exit code.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) code: u8,
    pub(crate) message: String,
}

impl Failure {
    /// Bad input (exit 2) about `what` (a file name or a flag).
    pub(crate) fn input(what: impl Display, reason: impl Display) -> Self {
        Failure { code: 2, message: format!("{what}: {reason}") }
    }
}

pub(crate) type Outcome<T> = Result<T, Failure>;

/// The flag a core error about an input field refers to.
pub(crate) fn flag_of(e: &Error) -> &'static str {
    if e.is_wrong_signature() {
        return "--signature";
    }
    // The core names no field for a time it cannot write; here it can only come from --timestamp.
    if *e == Error::TimestampOutOfRange {
        return "--timestamp";
    }
    match e.field() {
        Some(Field::ClientId) => "--client-id",
        Some(Field::Method) => "--method",
        Some(Field::Path) => "--path",
        Some(Field::AccessToken) => "--token",
        Some(Field::ClientSecret) => "client secret",
        Some(Field::Timestamp) => "--timestamp",
        Some(Field::Origin) => "--origin",
        Some(Field::Signature) => "--signature",
        Some(Field::ExternalId) => "--external-id",
        Some(Field::PartnerId) => "--partner-id",
        Some(Field::ChannelId) => "--channel-id",
        Some(Field::DeviceId) => "--device-id",
        Some(Field::IpAddress) => "--ip-address",
        Some(Field::Latitude) => "--latitude",
        Some(Field::Longitude) => "--longitude",
        Some(Field::CustomerToken) => "--customer-token",
        Some(Field::GrantValue) | None => "input",
    }
}

/// A core error about an input field, as a bad-input failure naming the flag.
pub(crate) fn field_failure(e: Error) -> Failure {
    Failure::input(flag_of(&e), e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_of_core_errors() {
        assert_eq!(flag_of(&Error::SignatureMismatch), "--signature");
        assert_eq!(flag_of(&Error::SignatureLength { expected: 64, actual: 3 }), "--signature");
        assert_eq!(flag_of(&Error::InvalidBase64 { field: Field::Signature }), "--signature");
        assert_eq!(flag_of(&Error::TimestampOutOfRange), "--timestamp");
        assert_eq!(flag_of(&Error::TimestampSkew { skew_seconds: 9, allowed_seconds: 1 }), "--timestamp");
        assert_eq!(flag_of(&Error::PipeInClientId { offset: 1 }), "--client-id");
        assert_eq!(flag_of(&Error::AbsoluteUrl), "--path");
        assert_eq!(flag_of(&Error::BearerPrefix), "--token");
        assert_eq!(flag_of(&Error::ControlCharacter { field: Field::Origin, offset: 0 }), "--origin");
        assert_eq!(flag_of(&Error::EmptyField { field: Field::ClientSecret }), "client secret");
        assert_eq!(flag_of(&Error::Rng), "input");
    }
}
