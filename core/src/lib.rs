//! # snapsign-core
//!
//! Byte-exact signing and verification of SNAP requests (Bank Indonesia's *Standar Nasional Open
//! API Pembayaran*, used by DOKU, iFortepay, Midtrans, DANA and the banks), `no_std`, into fixed
//! buffers. Only the RSA arithmetic (and key loading) uses the heap.
//!
//! Each formula of the standard lives in one module:
//!
//! | what | module |
//! |---|---|
//! | `minify(RequestBody)` | [`minify`] |
//! | `Lowercase(HexEncode(SHA-256(minify(body))))` | [`body_digest`] |
//! | `X-TIMESTAMP` | [`timestamp`] |
//! | `clientId|timestamp`, `METHOD:path:token:digest:timestamp`, `METHOD:path:digest:timestamp` | [`string_to_sign`] |
//! | `EndpointUrl` from the request target: as sent, path only, canonical query (BCA) | [`endpoint`] |
//! | `SHA256withRSA` (token and service signatures) | [`rsa`], keys in [`key`] |
//! | `HMAC_SHA512(clientSecret, stringToSign)` (transaction signature) | [`hmac`] |
//! | access-token request and response, `X-EXTERNAL-ID` | [`access_token`] |
//! | when to refresh the access token (`expiresIn`) | [`token_lifetime`] |
//! | `responseCode` = HTTP status + service code + case code, and what each means | [`response_code`] |
//! | what each provider expects as inputs (token path, timestamp style, signature, EndpointUrl rule) | [`provider`] |
//! | every header of a transaction call, signed from one clock reading | [`request`] |
//!
//! ```
//! use snapsign_core::{HmacSigner, KeyOptions, RsaSigner, RsaVerifier};
//! use snapsign_core::timestamp::{Timestamp, TimestampFormat, WIB};
//!
//! # let pem = std::fs::read("../tests/vectors/keys/rsa2048-pkcs8.pem").unwrap();
//! // 1. The access token: sign clientId|X-TIMESTAMP with the merchant's private key.
//! let signer = RsaSigner::from_bytes(&pem, &KeyOptions::default())?;
//! let ts = Timestamp::from_unix_seconds(1_601_808_958, WIB)?.format(TimestampFormat::default());
//! assert_eq!(ts, "2020-10-04T17:55:58+07:00");
//! let sig = signer.sign_token("MCPD00000006", &ts, &mut getrandom::SysRng)?;
//! signer.verifier().verify_token("MCPD00000006", &ts, sig.as_bytes())?;
//!
//! // 2. Each transaction: HMAC-SHA512 with the client secret over the request.
//! let hmac = HmacSigner::new(b"a-secret")?;
//! let sig = hmac.sign_transaction("POST", "/v1.0/balance-inquiry", "token", br#"{ "a": 1 }"#, &ts)?;
//! assert_eq!(sig.len(), 88);
//! # Ok::<(), snapsign_core::Error>(())
//! ```
#![no_std]
// Unsafe code is forbidden in every module but `scan`, whose SSE2 classifier loads sixteen bytes
// with an intrinsic (each use carries a SAFETY comment).
#![deny(unsafe_code)]
#![warn(missing_docs)]
// Nothing on an input-dependent path may panic: no unwrap, no unchecked indexing, no arithmetic
// that can overflow. Tests are exempt; each exception in the library states its reason.
#![warn(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation,
    clippy::unreachable,
    clippy::todo
)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing, clippy::arithmetic_side_effects))]

extern crate alloc;

#[forbid(unsafe_code)]
pub mod access_token;
#[forbid(unsafe_code)]
mod b64;
#[forbid(unsafe_code)]
pub mod body_digest;
#[forbid(unsafe_code)]
pub mod endpoint;
#[forbid(unsafe_code)]
mod error;
#[forbid(unsafe_code)]
pub mod hmac;
#[forbid(unsafe_code)]
pub mod key;
#[cfg(feature = "encrypted-keys")]
#[forbid(unsafe_code)]
mod legacy_pem;
#[forbid(unsafe_code)]
pub mod minify;
#[forbid(unsafe_code)]
pub mod provider;
#[forbid(unsafe_code)]
pub mod replay_guard;
#[forbid(unsafe_code)]
pub mod request;
#[forbid(unsafe_code)]
pub mod request_verifier;
#[forbid(unsafe_code)]
pub mod response_code;
#[forbid(unsafe_code)]
pub mod rng;
#[forbid(unsafe_code)]
pub mod rsa;
mod scan;
#[forbid(unsafe_code)]
pub mod snap_response;
#[forbid(unsafe_code)]
pub mod string_to_sign;
#[forbid(unsafe_code)]
pub mod timestamp;
#[forbid(unsafe_code)]
pub mod token_lifetime;

pub use crate::body_digest::{body_digest, BodyDigest};
pub use crate::error::{
    Credential, Error, Field, JsonErrorKind, KeyErrorKind, ResponseErrorKind, Result, TimestampErrorKind,
};
pub use crate::hmac::HmacSigner;
pub use crate::key::KeyOptions;
pub use crate::response_code::{describe as describe_response_code, ResponseCode, ResponseCodeInfo};
pub use crate::rsa::{RsaSigner, RsaVerifier};
pub use crate::token_lifetime::AccessToken;
