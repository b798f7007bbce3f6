//! SNAP `responseCode`s: HTTP status (3 digits) + service code (2) + case code (2), e.g. `4017300`
//! is HTTP 401, service 73 (Access Token B2B), case 00 (`Unauthorized. [reason]`), and what each
//! part means.
//!
//! A provider's `responseMessage` is free text and often says little ("Unauthorized. Unknown
//! Client"); the code is what the standard fixes, so [`describe`] reads it back: the standard's
//! message and description for the case, the service's name, and for the 401 family the usual
//! reasons an integration gets it.
//!
//! # Sources
//!
//! - Case codes: the "Daftar Response Code" table of the ASPI SNAP Developer Site
//!   (<https://apidevportal.aspi-indonesia.or.id>, "Response Code" tab, the same table on every
//!   service page), also copied by providers, e.g. DOKU's "Error Response - SNAP"
//!   (<https://dashboard.doku.com/docs/docs/technical-references/error-response>). Messages are
//!   the portal's except for three spelling slips, normalised here because providers copy both
//!   spellings: 403xx13 "OTP Sent To Cardholer", 405xx01 "Requested Opearation Is Not Allowed", and
//!   403xx15 "Transaction Not Permitted.\[reason\]" (no space; written like 403xx06 here).
//!   404xx09 is "No Issuer" and 404xx10 "Invalid API Transition" on the portal and in SDKs that copy
//!   it; no source was found for other wordings of those two. 404xx18's description is cut after
//!   its first two sentences (the portal goes on to list which services count it as a success).
//! - Service codes: the "Informasi Umum" box of each API on the same portal (its "Name" row,
//!   without the leading "API "). Where that name is generic ("Query Payment" exists for both QR
//!   MPM and QR CPM, "Capture" only makes sense under Auth Payment), the portal's sub-group is put
//!   in front. 36, 40, 41, 42 and 43 come from a transcription of the portal
//!   (github.com/koriebruh/go-snap-bi, `docs/research/2026-09-11-transfer-kredit-portal-research.md`),
//!   not from the portal pages themselves. 73 and 74 are also in the standard's text (Standar
//!   Teknis dan Keamanan v1.0.2, section 2.1.5).
//! - Likely causes: this crate's own knowledge of how signatures go wrong (see the crate docs), not
//!   the standard's.
//!
//! Codes outside these tables (a provider's own case codes, service codes 00 and 82–99) are not
//! errors: they are split and their names are `None`.

use crate::error::{Error, ResponseErrorKind, Result};

/// `responseCode`: HTTP status (3 digits) + service code (2) + case code (2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ResponseCode {
    /// The HTTP status, e.g. 200 or 401.
    pub http_status: u16,
    /// The service code, e.g. 73 for the B2B access token.
    pub service_code: u8,
    /// The case code, e.g. 00.
    pub case_code: u8,
}

impl ResponseCode {
    /// Parses seven digits.
    ///
    /// # Errors
    /// [`ResponseErrorKind::BadResponseCode`].
    ///
    /// ```
    /// use snapsign_core::access_token::ResponseCode;
    /// let c = ResponseCode::parse("4017301")?;
    /// assert_eq!((c.http_status, c.service_code, c.case_code), (401, 73, 1));
    /// assert!(!c.is_success());
    /// # Ok::<(), snapsign_core::Error>(())
    /// ```
    #[allow(clippy::arithmetic_side_effects, reason = "at most three decimal digits are folded into a u16")]
    #[allow(clippy::cast_possible_truncation, reason = "two-digit values fit in u8")]
    pub fn parse(code: &str) -> Result<Self> {
        let bad = Error::InvalidResponse { kind: ResponseErrorKind::BadResponseCode };
        let b = code.as_bytes();
        if b.len() != 7 || !b.iter().all(u8::is_ascii_digit) {
            return Err(bad);
        }
        let num = |r: core::ops::Range<usize>| {
            b.get(r).unwrap_or_default().iter().fold(0u16, |acc, d| acc * 10 + u16::from(d - b'0'))
        };
        Ok(ResponseCode { http_status: num(0..3), service_code: num(3..5) as u8, case_code: num(5..7) as u8 })
    }

    /// A 2xx status.
    ///
    /// ```
    /// use snapsign_core::access_token::ResponseCode;
    /// assert!(ResponseCode::parse("2007300")?.is_success());
    /// # Ok::<(), snapsign_core::Error>(())
    /// ```
    pub const fn is_success(&self) -> bool {
        self.http_status >= 200 && self.http_status < 300
    }

    /// What the code means; see [`describe`].
    ///
    /// ```
    /// use snapsign_core::access_token::ResponseCode;
    /// let info = ResponseCode::parse("4092500")?.describe();
    /// assert_eq!(info.description, Some("Cannot use same X-EXTERNAL-ID in same day"));
    /// # Ok::<(), snapsign_core::Error>(())
    /// ```
    pub fn describe(&self) -> ResponseCodeInfo {
        let case = CASES.iter().find(|c| c.http_status == self.http_status && c.case_code == self.case_code);
        ResponseCodeInfo {
            http_status: self.http_status,
            service_code: self.service_code,
            service_name: SERVICES.iter().find(|(code, _)| *code == self.service_code).map(|(_, name)| *name),
            case_code: self.case_code,
            message: case.map(|c| c.message),
            description: case.map(|c| c.description),
            likely_causes: likely_causes(self),
        }
    }
}

/// The seven digits, e.g. `4017300`.
///
/// ```
/// use snapsign_core::ResponseCode;
/// let c = ResponseCode { http_status: 409, service_code: 24, case_code: 0 };
/// assert_eq!(c.to_string(), "4092400");
/// assert_eq!(ResponseCode::parse(&c.to_string()), Ok(c));
/// ```
impl core::fmt::Display for ResponseCode {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{:03}{:02}{:02}", self.http_status, self.service_code, self.case_code)
    }
}

/// The SNAP service code of a transaction path, for the `xx` of a receiver's response codes:
/// `/v1.0/transfer-va/inquiry` is 24. The standard's API path is matched after the last version
/// segment (`/v1.0/`, `/v2.0/`), so a provider's prefix (`/snap/`, DOKU's product paths) and a
/// `.htm` suffix (DANA) do not matter; the query is ignored. Paths it does not know give 0.
///
/// Source: the API paths of the ASPI SNAP Developer Site's service pages (the Virtual Account
/// family and the access tokens also appear in providers' documentation). Check a code your
/// answers depend on against your counterpart's documentation.
///
/// ```
/// use snapsign_core::response_code::service_code_for_path;
/// assert_eq!(service_code_for_path("/v1.0/transfer-va/inquiry"), 24);
/// assert_eq!(service_code_for_path("/snap/v1.0/transfer-va/payment?x=1"), 25);
/// assert_eq!(service_code_for_path("/v1.0/debit/notify.htm"), 56);
/// assert_eq!(service_code_for_path("/my/own/webhook"), 0);
/// ```
pub fn service_code_for_path(target: &str) -> u8 {
    let path = target.split_once('?').map_or(target, |(p, _)| p);
    let path = path.strip_suffix(".htm").unwrap_or(path);
    let is_version = |seg: &str| {
        seg.strip_prefix('v').and_then(|v| v.split_once('.')).is_some_and(|(a, b)| {
            !a.is_empty() && !b.is_empty() && a.bytes().chain(b.bytes()).all(|c| c.is_ascii_digit())
        })
    };
    let mut tail = None;
    let mut rest = path;
    while let Some(i) = rest.find('/') {
        rest = rest.get(i.saturating_add(1)..).unwrap_or_default();
        let seg = rest.split('/').next().unwrap_or_default();
        if is_version(seg) {
            tail = rest.get(seg.len()..);
        }
    }
    tail.and_then(|t| SERVICE_PATHS.iter().find(|(p, _)| *p == t)).map_or(0, |(_, code)| *code)
}

/// API paths (after the version segment) and their service codes.
const SERVICE_PATHS: &[(&str, u8)] = &[
    ("/balance-inquiry", 11),
    ("/transaction-history-list", 12),
    ("/transaction-history-detail", 13),
    ("/bank-statement", 14),
    ("/account-inquiry-internal", 15),
    ("/account-inquiry-external", 16),
    ("/transfer-intrabank", 17),
    ("/transfer-interbank", 18),
    ("/transfer-rtgs", 22),
    ("/transfer-skn", 23),
    ("/transfer-va/inquiry", 24),
    ("/transfer-va/payment", 25),
    ("/transfer-va/status", 26),
    ("/transfer-va/create-va", 27),
    ("/transfer-va/update-va", 28),
    ("/transfer-va/update-status", 29),
    ("/transfer-va/inquiry-va", 30),
    ("/transfer-va/delete-va", 31),
    ("/transfer-va/inquiry-intrabank", 32),
    ("/transfer-va/payment-intrabank", 33),
    ("/transfer-va/notify-payment-intrabank", 34),
    ("/transfer-va/report", 35),
    ("/transfer/status", 36),
    ("/emoney/account-inquiry", 37),
    ("/emoney/topup", 38),
    ("/emoney/topup-status", 39),
    ("/qr/qr-mpm-generate", 47),
    ("/qr/qr-mpm-decode", 48),
    ("/qr/apply-ott", 49),
    ("/qr/qr-mpm-payment", 50),
    ("/qr/qr-mpm-query", 51),
    ("/qr/qr-mpm-notify", 52),
    ("/debit/payment-host-to-host", 54),
    ("/debit/status", 55),
    ("/debit/notify", 56),
    ("/debit/cancel", 57),
    ("/debit/refund", 58),
    ("/access-token/b2b", 73),
    ("/access-token/b2b2c", 74),
    ("/qr/qr-mpm-cancel", 77),
    ("/qr/qr-mpm-refund", 78),
];

/// What a `responseCode` means, as far as the standard says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResponseCodeInfo {
    /// The HTTP status, e.g. 401.
    pub http_status: u16,
    /// The service code, e.g. 73.
    pub service_code: u8,
    /// The service's name, e.g. "Access Token B2B"; `None` for a code the standard does not list.
    pub service_name: Option<&'static str>,
    /// The case code, e.g. 0.
    pub case_code: u8,
    /// The standard's `responseMessage`, e.g. `Unauthorized. [reason]` (a provider fills in
    /// `[reason]` and `{field name}`); `None` for a case the standard does not list under this
    /// HTTP status.
    pub message: Option<&'static str>,
    /// The standard's description of the case, e.g. "Cannot use same X-EXTERNAL-ID in same day"
    /// for 409xx00; `None` when the message is.
    pub description: Option<&'static str>,
    /// For 401 (cases 00–04): what usually makes a request fail this way, most common first.
    /// Empty for every other code.
    pub likely_causes: &'static [&'static str],
}

/// Splits a `responseCode` and says what its parts mean.
///
/// # Errors
/// [`ResponseErrorKind::BadResponseCode`] unless the code is exactly seven ASCII digits. A code
/// the standard does not list is not an error: its names are `None`.
///
/// ```
/// use snapsign_core::describe_response_code;
///
/// let info = describe_response_code("4017300")?;
/// assert_eq!((info.http_status, info.service_code, info.case_code), (401, 73, 0));
/// assert_eq!(info.service_name, Some("Access Token B2B"));
/// assert_eq!(info.message, Some("Unauthorized. [reason]"));
/// assert!(!info.likely_causes.is_empty());
///
/// let info = describe_response_code("4042414")?;
/// assert_eq!(info.service_name, Some("Virtual Account - Inquiry"));
/// assert_eq!(info.message, Some("Paid Bill"));
///
/// let info = describe_response_code("9999999")?;
/// assert_eq!((info.http_status, info.service_name, info.message), (999, None, None));
///
/// assert!(describe_response_code("401730").is_err());
/// # Ok::<(), snapsign_core::Error>(())
/// ```
pub fn describe(code: &str) -> Result<ResponseCodeInfo> {
    Ok(ResponseCode::parse(code)?.describe())
}

fn likely_causes(code: &ResponseCode) -> &'static [&'static str] {
    // The token request is signed with RSA over clientId|timestamp, every other call with HMAC
    // (or RSA) over the request, so "Unauthorized" has different usual suspects.
    let token_request = matches!(code.service_code, 73 | 74);
    match (code.http_status, code.case_code) {
        (401, 0) if token_request => UNAUTHORIZED_TOKEN_REQUEST,
        (401, 0) => UNAUTHORIZED_TRANSACTION,
        (401, 1) => INVALID_TOKEN_B2B,
        (401, 2) => INVALID_CUSTOMER_TOKEN,
        (401, 3) => TOKEN_NOT_FOUND_B2B,
        (401, 4) => CUSTOMER_TOKEN_NOT_FOUND,
        _ => &[],
    }
}

const UNAUTHORIZED_TOKEN_REQUEST: &[&str] = &[
    "X-SIGNATURE made with a private key whose public key is not the one registered with the provider \
     (another key pair, a rotated key not yet uploaded, the sandbox key in production)",
    "the signed clientId|X-TIMESTAMP differs from the headers sent: the timestamp re-generated after signing, \
     or another client id",
    "X-TIMESTAMP outside the provider's allowed window (clock skew), or in a form it does not accept \
     (offset, milliseconds)",
    "X-CLIENT-KEY not registered with the provider, or registered only in the other environment \
     (sandbox vs production)",
    "X-SIGNATURE not standard padded base64 of a SHA256withRSA (PKCS#1 v1.5) signature: URL-safe base64, \
     line breaks, another algorithm",
    "the caller's IP address or ORIGIN not whitelisted by the provider",
];

const UNAUTHORIZED_TRANSACTION: &[&str] = &[
    "the HMAC key is not the client secret issued for this client id (another environment's secret, \
     stray whitespace)",
    "the body hashed is not byte-identical to the body sent: re-serialised instead of minified, \
     or changed after signing",
    "the signed path differs from the request: an absolute URL instead of the relative path, a missing or extra \
     provider prefix, the query string signed or left out unlike the provider",
    "the access token in the string-to-sign is not the one in Authorization, was signed with its \"Bearer \" \
     prefix, or has expired",
    "the signed X-TIMESTAMP differs from the header, or is outside the provider's window (clock skew)",
    "the HTTP method in the string-to-sign is not the upper-case method sent",
    "X-PARTNER-ID not registered for this service, or registered only in the other environment",
    "the provider expects the asymmetric signature (SHA256withRSA over METHOD:path:digest:timestamp) \
     and got HMAC, or the reverse",
];

const INVALID_TOKEN_B2B: &[&str] = &[
    "the access token has expired (the standard's lifetime is 900 s): refresh it before expiresIn runs out, \
     with a margin",
    "the token was revoked or superseded: some providers invalidate the previous token when a new one is issued, \
     e.g. to another instance of the same service",
    "a token from the other environment (a sandbox token sent to production, or the reverse)",
    "the Authorization header is malformed: not \"Bearer <token>\", quotes or whitespace around the token, \
     the token truncated",
    "the token was issued to another client id than this request's X-PARTNER-ID",
];

const INVALID_CUSTOMER_TOKEN: &[&str] = &[
    "the customer (B2B2C) access token has expired: get a new one with the refresh token \
     (service 74, grantType REFRESH_TOKEN)",
    "the customer revoked the consent, or the account was unbound",
    "Authorization-Customer is malformed (not \"Bearer <token>\"), or holds the B2B token instead of \
     the customer's",
    "a customer token from the other environment, or issued for another customer or client id",
];

const TOKEN_NOT_FOUND_B2B: &[&str] = &[
    "no Authorization header, or nothing after \"Bearer \"",
    "the header was dropped on the way (a proxy or a redirect that strips Authorization)",
    "the token is not known to this provider: from the other environment or another provider, or mistyped",
];

const CUSTOMER_TOKEN_NOT_FOUND: &[&str] = &[
    "no Authorization-Customer header on a B2B2C call",
    "the header was dropped on the way (a proxy or a redirect that strips it)",
    "the customer token is not known to this provider: from the other environment, or truncated",
];

/// One row of the standard's case table.
struct Case {
    http_status: u16,
    case_code: u8,
    message: &'static str,
    description: &'static str,
}

const fn case(http_status: u16, case_code: u8, message: &'static str, description: &'static str) -> Case {
    Case { http_status, case_code, message, description }
}

/// Case codes by HTTP status, in the portal's order.
const CASES: &[Case] = &[
    case(200, 0, "Successful", "Successful"),
    case(202, 0, "Request In Progress", "Transaction still on process"),
    case(400, 0, "Bad Request", "General request failed error, including message parsing failed."),
    case(400, 1, "Invalid Field Format {field name}", "Invalid format"),
    case(400, 2, "Invalid Mandatory Field {field name}", "Missing or invalid format on mandatory field"),
    case(
        401,
        0,
        "Unauthorized. [reason]",
        "General unauthorized error (No Interface Def, API is Invalid, Oauth Failed, Verify Client Secret Fail, \
         Client Forbidden Access API, Unknown Client, Key not Found)",
    ),
    case(
        401,
        1,
        "Invalid Token (B2B)",
        "Token found in request is invalid (Access Token Not Exist, Access Token Expiry)",
    ),
    case(
        401,
        2,
        "Invalid Customer Token",
        "Token found in request is invalid (Access Token Not Exist, Access Token Expiry)",
    ),
    case(
        401,
        3,
        "Token Not Found (B2B)",
        "Token not found in the system. This occurs on any API that requires token as input parameter",
    ),
    case(
        401,
        4,
        "Customer Token Not Found",
        "Token not found in the system. This occurs on any API that requires token as input parameter",
    ),
    case(403, 0, "Transaction Expired", "Transaction expired"),
    case(403, 1, "Feature Not Allowed [Reason]", "This merchant is not allowed to call Direct Debit APIs"),
    case(403, 2, "Exceeds Transaction Amount Limit", "Exceeds Transaction Amount Limit"),
    case(403, 3, "Suspected Fraud", "Suspected Fraud"),
    case(403, 4, "Activity Count Limit Exceeded", "Too many request, Exceeds Transaction Frequency Limit"),
    case(403, 5, "Do Not Honor", "Account or User status is abnormal"),
    case(403, 6, "Feature Not Allowed At This Time. [reason]", "Cut off In Progress"),
    case(403, 7, "Card Blocked", "The payment card is blocked"),
    case(403, 8, "Card Expired", "The payment card is expired"),
    case(403, 9, "Dormant Account", "The account is dormant"),
    case(403, 10, "Need To Set Token Limit", "Need to set token limit"),
    case(403, 11, "OTP Blocked", "OTP has been blocked"),
    case(403, 12, "OTP Lifetime Expired", "OTP has been expired"),
    case(403, 13, "OTP Sent To Cardholder", "initiates request OTP to the issuer"),
    case(403, 14, "Insufficient Funds", "Insufficient Funds"),
    case(403, 15, "Transaction Not Permitted. [reason]", "Transaction Not Permitted"),
    case(403, 16, "Suspend Transaction", "Suspend Transaction"),
    case(403, 17, "Token Limit Exceeded", "Purchase amount exceeds the token limit set prior"),
    case(403, 18, "Inactive Card/Account/Customer", "Indicates inactive account"),
    case(403, 19, "Merchant Blacklisted", "Merchant is suspended from calling any APIs"),
    case(403, 20, "Merchant Limit Exceed", "Merchant aggregated purchase amount on that day exceeds the agreed limit"),
    case(403, 21, "Set Limit Not Allowed", "Set limit not allowed on particular token"),
    case(
        403,
        22,
        "Token Limit Invalid",
        "The token limit desired by the merchant is not within the agreed range between the merchant and the Issuer",
    ),
    case(403, 23, "Account Limit Exceed", "Account aggregated purchase amount on that day exceeds the agreed limit"),
    case(404, 0, "Invalid Transaction Status", "Invalid transaction status"),
    case(404, 1, "Transaction Not Found", "Transaction not found"),
    case(404, 2, "Invalid Routing", "Invalid Routing"),
    case(404, 3, "Bank Not Supported By Switch", "Bank not supported by switch"),
    case(404, 4, "Transaction Cancelled", "Transaction is cancelled by customer"),
    case(
        404,
        5,
        "Merchant Is Not Registered For Card Registration Services",
        "Merchant is not registered for Card Registration services",
    ),
    case(404, 6, "Need To Request OTP", "Need to request OTP"),
    case(404, 7, "Journey Not Found", "The journeyId cannot be found in the system"),
    case(404, 8, "Invalid Merchant", "Merchant does not exist or status abnormal"),
    case(404, 9, "No Issuer", "No issuer"),
    case(404, 10, "Invalid API Transition", "Invalid API transition within a journey"),
    case(
        404,
        11,
        "Invalid Card/Account/Customer [info]/Virtual Account",
        "Card information may be invalid, or the card account may be blacklisted, or Virtual Account number maybe \
         invalid.",
    ),
    case(
        404,
        12,
        "Invalid Bill/Virtual Account [Reason]",
        "The bill is blocked/ suspended/not found. Virtual account is suspend/not found.",
    ),
    case(404, 13, "Invalid Amount", "The amount doesn't match with what supposed to"),
    case(404, 14, "Paid Bill", "The bill has been paid"),
    case(404, 15, "Invalid OTP", "OTP is incorrect"),
    case(404, 16, "Partner Not Found", "Partner number can't be found"),
    case(404, 17, "Invalid Terminal", "Terminal does not exist in the system"),
    case(
        404,
        18,
        "Inconsistent Request",
        "Inconsistent request parameter found for the same partner reference number/transaction id. It can be \
         considered as failed in transfer debit, but it should be considered as success in transfer credit.",
    ),
    case(404, 19, "Invalid Bill/Virtual Account", "The bill is expired. Virtual account is expired."),
    case(405, 0, "Requested Function Is Not Supported", "Requested function is not supported"),
    case(
        405,
        1,
        "Requested Operation Is Not Allowed",
        "Requested operation to cancel/refund transaction Is not allowed at this time.",
    ),
    case(409, 0, "Conflict", "Cannot use same X-EXTERNAL-ID in same day"),
    case(
        409,
        1,
        "Duplicate partnerReferenceNo",
        "Transaction has previously been processed indicates the same partnerReferenceNo already success",
    ),
    case(429, 0, "Too Many Requests", "Maximum transaction limit exceeded"),
    case(500, 0, "General Error", "General Error"),
    case(500, 1, "Internal Server Error", "Unknown Internal Server Failure, Please retry the process again"),
    case(500, 2, "External Server Error", "Backend system failure, etc"),
    case(504, 0, "Timeout", "timeout from the issuer"),
];

/// Service codes, by number.
const SERVICES: &[(u8, &str)] = &[
    (1, "Card Registration"),
    (2, "Card Registration - Set Limit"),
    (3, "Card Registration Inquiry"),
    (4, "Verify OTP (Direct Integration)"),
    (5, "Card Registration Unbinding"),
    (6, "Account Creation"),
    (7, "Account Binding"),
    (8, "Account Binding Inquiry"),
    (9, "Account Unbinding"),
    (10, "Get OAuth URL"),
    (11, "Balance Inquiry"),
    (12, "Transaction History List"),
    (13, "Transaction History Detail"),
    (14, "Bank Statement"),
    (15, "Internal Account Inquiry"),
    (16, "External Account Inquiry"),
    (17, "Intrabank Transfer"),
    (18, "Interbank Transfer"),
    (19, "Request for Payment"),
    (20, "Interbank Bulk Transfer"),
    (21, "Interbank Bulk Transfer - Notification"),
    (22, "Transfer RTGS"),
    (23, "Transfer SKNBI"),
    (24, "Virtual Account - Inquiry"),
    (25, "Virtual Account - Payment"),
    (26, "Virtual Account - Inquiry Status"),
    (27, "Virtual Account - Create VA"),
    (28, "Virtual Account - Update VA"),
    (29, "Virtual Account - Update Status VA"),
    (30, "Virtual Account - Inquiry VA"),
    (31, "Virtual Account - Delete VA"),
    (32, "Virtual Account - Inquiry Payment to VA from Intra Bank"),
    (33, "Virtual Account - Payment to VA from Intra Bank"),
    (34, "Virtual Account - Notification for Payment to VA from Intra Bank"),
    (35, "Virtual Account - Get Report"),
    (36, "Transaction Status Inquiry (Bank)"),
    (37, "Account Inquiry - Customer Top Up"),
    (38, "Customer Top Up"),
    (39, "Customer Top Up Inquiry Status"),
    (40, "Submit Bulk Cash In"),
    (41, "Notify Bulk Cash In"),
    (42, "Transfer to Bank - Account Inquiry"),
    (43, "Transfer to Bank - Payment Transaction"),
    (44, "Transfer to OTC - Create Payment"),
    (45, "Transfer to OTC - Transfer Status"),
    (46, "Transfer to OTC - Cancel Payment"),
    (47, "Generate QR MPM"),
    (48, "Decode QR MPM"),
    (49, "QR MPM - Payment Redirect (Apply OTT)"),
    (50, "QR MPM - Payment Host to Host"),
    (51, "QR MPM - Query Payment"),
    (52, "QR MPM - Payment Notification"),
    (53, "Transaction Status Inquiry (Non Bank)"),
    (54, "Direct Debit Payment"),
    (55, "Direct Debit Payment Status"),
    (56, "Direct Debit Payment Notification"),
    (57, "Direct Debit Payment Cancel"),
    (58, "Direct Debit Payment Refund"),
    (59, "Generate QR CPM"),
    (60, "CPM Payment"),
    (61, "QR CPM - Query Payment"),
    (62, "QR CPM - Cancel Payment"),
    (63, "Auth Payment"),
    (64, "Auth Payment - Payment Query"),
    (65, "Auth Payment - Capture"),
    (66, "Auth Payment - Capture Query"),
    (67, "Auth Payment - Void"),
    (68, "Auth Payment - Void Query"),
    (69, "Auth Payment - Refund"),
    (70, "Direct Debit BI-FAST - Registrasi e-Mandate"),
    (71, "Direct Debit BI-FAST - Trigger Direct Debit Transfer"),
    (72, "Direct Debit BI-FAST - Notify"),
    (73, "Access Token B2B"),
    (74, "Access Token B2B2C"),
    (75, "SKNBI - Notification"),
    (76, "RTGS - Notification"),
    (77, "QR MPM - Cancel Payment"),
    (78, "QR MPM - Refund Payment"),
    (79, "QR CPM - Payment Notification"),
    (80, "QR CPM - Refund Payment"),
    (81, "OTP"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_have_no_duplicate_keys() {
        for (i, a) in CASES.iter().enumerate() {
            assert!(
                !CASES[i + 1..].iter().any(|b| (a.http_status, a.case_code) == (b.http_status, b.case_code)),
                "case {} {:02} twice",
                a.http_status,
                a.case_code
            );
        }
        for (i, (a, _)) in SERVICES.iter().enumerate() {
            assert!(!SERVICES[i + 1..].iter().any(|(b, _)| a == b), "service {a} twice");
            assert!(*a < 100);
        }
    }
}
