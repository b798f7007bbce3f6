//! The argument groups several entry points share: the fields of a transaction and of a service
//! request, checked as C arguments and read as text. They are handed to the core as they are;
//! no string-to-sign is joined here.

use snapsign_core::Field;

use super::args::{raw_in, FfiResult, RawIn, Region};

/// `method`, `path`, `access_token`, `body`, `timestamp`, checked.
pub(crate) struct TransactionInputs {
    method: RawIn,
    path: RawIn,
    access_token: RawIn,
    body: RawIn,
    timestamp: RawIn,
}

/// The fields of a transaction, read.
pub(crate) struct Transaction<'a> {
    pub(crate) method: &'a str,
    pub(crate) path: &'a str,
    pub(crate) access_token: &'a str,
    pub(crate) body: &'a [u8],
    pub(crate) timestamp: &'a str,
}

impl TransactionInputs {
    pub(crate) fn new(
        method: *const u8,
        method_len: usize,
        path: *const u8,
        path_len: usize,
        access_token: *const u8,
        access_token_len: usize,
        body: *const u8,
        body_len: usize,
        timestamp: *const u8,
        timestamp_len: usize,
    ) -> FfiResult<Self> {
        Ok(TransactionInputs {
            method: raw_in!(method, method_len)?,
            path: raw_in!(path, path_len)?,
            access_token: raw_in!(access_token, access_token_len)?,
            body: raw_in!(body, body_len)?,
            timestamp: raw_in!(timestamp, timestamp_len)?,
        })
    }

    pub(crate) fn regions(&self) -> [Region; 5] {
        [self.method, self.path, self.access_token, self.body, self.timestamp].map(|r| r.region())
    }

    /// # Safety
    /// The inputs are readable for the duration of the C call.
    pub(crate) unsafe fn read<'a>(&self) -> FfiResult<Transaction<'a>> {
        // SAFETY: forwarded contract.
        unsafe {
            Ok(Transaction {
                method: self.method.text(Field::Method)?,
                path: self.path.text(Field::Path)?,
                access_token: self.access_token.text(Field::AccessToken)?,
                body: self.body.bytes(),
                timestamp: self.timestamp.text(Field::Timestamp)?,
            })
        }
    }
}

/// `method`, `path`, `body`, `timestamp`, checked.
pub(crate) struct ServiceInputs {
    method: RawIn,
    path: RawIn,
    body: RawIn,
    timestamp: RawIn,
}

/// The fields of a service request, read.
pub(crate) struct Service<'a> {
    pub(crate) method: &'a str,
    pub(crate) path: &'a str,
    pub(crate) body: &'a [u8],
    pub(crate) timestamp: &'a str,
}

impl ServiceInputs {
    pub(crate) fn new(
        method: *const u8,
        method_len: usize,
        path: *const u8,
        path_len: usize,
        body: *const u8,
        body_len: usize,
        timestamp: *const u8,
        timestamp_len: usize,
    ) -> FfiResult<Self> {
        Ok(ServiceInputs {
            method: raw_in!(method, method_len)?,
            path: raw_in!(path, path_len)?,
            body: raw_in!(body, body_len)?,
            timestamp: raw_in!(timestamp, timestamp_len)?,
        })
    }

    pub(crate) fn regions(&self) -> [Region; 4] {
        [self.method, self.path, self.body, self.timestamp].map(|r| r.region())
    }

    /// # Safety
    /// The inputs are readable for the duration of the C call.
    pub(crate) unsafe fn read<'a>(&self) -> FfiResult<Service<'a>> {
        // SAFETY: forwarded contract.
        unsafe {
            Ok(Service {
                method: self.method.text(Field::Method)?,
                path: self.path.text(Field::Path)?,
                body: self.body.bytes(),
                timestamp: self.timestamp.text(Field::Timestamp)?,
            })
        }
    }
}

/// `client_id`, `timestamp`, checked: the access-token fields.
pub(crate) struct TokenInputs {
    client_id: RawIn,
    timestamp: RawIn,
}

impl TokenInputs {
    pub(crate) fn new(
        client_id: *const u8,
        client_id_len: usize,
        timestamp: *const u8,
        timestamp_len: usize,
    ) -> FfiResult<Self> {
        Ok(TokenInputs { client_id: raw_in!(client_id, client_id_len)?, timestamp: raw_in!(timestamp, timestamp_len)? })
    }

    pub(crate) fn regions(&self) -> [Region; 2] {
        [self.client_id.region(), self.timestamp.region()]
    }

    /// `(client_id, timestamp)`.
    ///
    /// # Safety
    /// The inputs are readable for the duration of the C call.
    pub(crate) unsafe fn read<'a>(&self) -> FfiResult<(&'a str, &'a str)> {
        // SAFETY: forwarded contract.
        unsafe { Ok((self.client_id.text(Field::ClientId)?, self.timestamp.text(Field::Timestamp)?)) }
    }
}
