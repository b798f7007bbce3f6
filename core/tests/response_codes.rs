//! `describe_response_code`: the standard's case table row for row, the service codes, the 401
//! causes, codes the standard does not list, and malformed input.

use snapsign_core::access_token::{ResponseCode, TokenResponse};
use snapsign_core::{describe_response_code, Error, ResponseErrorKind};

/// The case table of issue #11 item 4, as resolved against the ASPI portal (see the module docs
/// of `response_code`): 404xx09 and 404xx10 are the portal's "No Issuer" and "Invalid API
/// Transition", 404xx11 says `[info]` as the portal does.
const EXPECTED_CASES: &[(u16, u8, &str)] = &[
    (200, 0, "Successful"),
    (202, 0, "Request In Progress"),
    (400, 0, "Bad Request"),
    (400, 1, "Invalid Field Format {field name}"),
    (400, 2, "Invalid Mandatory Field {field name}"),
    (401, 0, "Unauthorized. [reason]"),
    (401, 1, "Invalid Token (B2B)"),
    (401, 2, "Invalid Customer Token"),
    (401, 3, "Token Not Found (B2B)"),
    (401, 4, "Customer Token Not Found"),
    (403, 0, "Transaction Expired"),
    (403, 1, "Feature Not Allowed [Reason]"),
    (403, 2, "Exceeds Transaction Amount Limit"),
    (403, 3, "Suspected Fraud"),
    (403, 4, "Activity Count Limit Exceeded"),
    (403, 5, "Do Not Honor"),
    (403, 6, "Feature Not Allowed At This Time. [reason]"),
    (403, 7, "Card Blocked"),
    (403, 8, "Card Expired"),
    (403, 9, "Dormant Account"),
    (403, 10, "Need To Set Token Limit"),
    (403, 11, "OTP Blocked"),
    (403, 12, "OTP Lifetime Expired"),
    (403, 13, "OTP Sent To Cardholder"),
    (403, 14, "Insufficient Funds"),
    (403, 15, "Transaction Not Permitted. [reason]"),
    (403, 16, "Suspend Transaction"),
    (403, 17, "Token Limit Exceeded"),
    (403, 18, "Inactive Card/Account/Customer"),
    (403, 19, "Merchant Blacklisted"),
    (403, 20, "Merchant Limit Exceed"),
    (403, 21, "Set Limit Not Allowed"),
    (403, 22, "Token Limit Invalid"),
    (403, 23, "Account Limit Exceed"),
    (404, 0, "Invalid Transaction Status"),
    (404, 1, "Transaction Not Found"),
    (404, 2, "Invalid Routing"),
    (404, 3, "Bank Not Supported By Switch"),
    (404, 4, "Transaction Cancelled"),
    (404, 5, "Merchant Is Not Registered For Card Registration Services"),
    (404, 6, "Need To Request OTP"),
    (404, 7, "Journey Not Found"),
    (404, 8, "Invalid Merchant"),
    (404, 9, "No Issuer"),
    (404, 10, "Invalid API Transition"),
    (404, 11, "Invalid Card/Account/Customer [info]/Virtual Account"),
    (404, 12, "Invalid Bill/Virtual Account [Reason]"),
    (404, 13, "Invalid Amount"),
    (404, 14, "Paid Bill"),
    (404, 15, "Invalid OTP"),
    (404, 16, "Partner Not Found"),
    (404, 17, "Invalid Terminal"),
    (404, 18, "Inconsistent Request"),
    (404, 19, "Invalid Bill/Virtual Account"),
    (405, 0, "Requested Function Is Not Supported"),
    (405, 1, "Requested Operation Is Not Allowed"),
    (409, 0, "Conflict"),
    (409, 1, "Duplicate partnerReferenceNo"),
    (429, 0, "Too Many Requests"),
    (500, 0, "General Error"),
    (500, 1, "Internal Server Error"),
    (500, 2, "External Server Error"),
    (504, 0, "Timeout"),
];

fn code(status: u16, service: u8, case: u8) -> String {
    format!("{status:03}{service:02}{case:02}")
}

#[test]
fn every_case_of_the_standard_has_its_message() {
    for &(status, case, message) in EXPECTED_CASES {
        for service in [0, 24, 73, 99] {
            let c = code(status, service, case);
            let info = describe_response_code(&c).unwrap();
            assert_eq!((info.http_status, info.service_code, info.case_code), (status, service, case), "{c}");
            assert_eq!(info.message, Some(message), "{c}");
            let description = info.description.unwrap_or_else(|| panic!("{c}: no description"));
            assert!(!description.is_empty(), "{c}");
        }
    }
}

#[test]
fn no_case_beyond_the_standard() {
    // Every case code of 00-99 under every status 100-599: the listed ones and nothing else.
    let mut found = 0;
    for status in 100..600u16 {
        for case in 0..100u8 {
            let info = describe_response_code(&code(status, 11, case)).unwrap();
            let expected = EXPECTED_CASES.iter().find(|e| (e.0, e.1) == (status, case)).map(|e| e.2);
            assert_eq!(info.message, expected, "{status} {case:02}");
            assert_eq!(info.description.is_some(), expected.is_some(), "{status} {case:02}");
            found += usize::from(expected.is_some());
        }
    }
    assert_eq!(found, EXPECTED_CASES.len());
    assert_eq!(found, 63);
}

#[test]
fn descriptions_that_say_more_than_the_message() {
    let d = |c: &str| describe_response_code(c).unwrap().description.unwrap();
    assert_eq!(d("4091700"), "Cannot use same X-EXTERNAL-ID in same day");
    assert_eq!(
        d("4091701"),
        "Transaction has previously been processed indicates the same partnerReferenceNo already success"
    );
    assert_eq!(
        d("4017300"),
        "General unauthorized error (No Interface Def, API is Invalid, Oauth Failed, Verify Client Secret Fail, \
         Client Forbidden Access API, Unknown Client, Key not Found)"
    );
    assert_eq!(d("4012501"), "Token found in request is invalid (Access Token Not Exist, Access Token Expiry)");
    assert_eq!(d("4032406"), "Cut off In Progress");
    assert_eq!(d("4042419"), "The bill is expired. Virtual account is expired.");
    assert!(d("4041718").starts_with("Inconsistent request parameter found for the same partner reference number"));
}

#[test]
fn service_codes() {
    let name = |s: u8| describe_response_code(&code(200, s, 0)).unwrap().service_name;
    assert_eq!(name(73), Some("Access Token B2B"));
    assert_eq!(name(74), Some("Access Token B2B2C"));
    assert_eq!(name(11), Some("Balance Inquiry"));
    assert_eq!(name(12), Some("Transaction History List"));
    assert_eq!(name(14), Some("Bank Statement"));
    assert_eq!(name(15), Some("Internal Account Inquiry"));
    assert_eq!(name(16), Some("External Account Inquiry"));
    assert_eq!(name(17), Some("Intrabank Transfer"));
    assert_eq!(name(18), Some("Interbank Transfer"));
    assert_eq!(name(24), Some("Virtual Account - Inquiry"));
    assert_eq!(name(25), Some("Virtual Account - Payment"));
    assert_eq!(name(27), Some("Virtual Account - Create VA"));
    assert_eq!(name(30), Some("Virtual Account - Inquiry VA"));
    assert_eq!(name(36), Some("Transaction Status Inquiry (Bank)"));
    assert_eq!(name(37), Some("Account Inquiry - Customer Top Up"));
    assert_eq!(name(38), Some("Customer Top Up"));
    assert_eq!(name(39), Some("Customer Top Up Inquiry Status"));
    assert_eq!(name(47), Some("Generate QR MPM"));
    assert_eq!(name(53), Some("Transaction Status Inquiry (Non Bank)"));
    assert_eq!(name(54), Some("Direct Debit Payment"));
    assert_eq!(name(58), Some("Direct Debit Payment Refund"));
    assert_eq!(name(81), Some("OTP"));
    // 01-81 are all allocated; 00 and 82-99 are not.
    for s in 1..=81 {
        assert!(name(s).is_some_and(|n| !n.is_empty()), "service {s:02}");
    }
    for s in (0..1).chain(82..100) {
        assert_eq!(name(s), None, "service {s:02}");
    }
    // Names are distinct, so a name says which service it was.
    let mut names: Vec<&str> = (1..=81).filter_map(name).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), 81);
}

#[test]
fn the_401_family_has_likely_causes() {
    for case in 0..=4 {
        for service in [24, 54, 73, 74] {
            let info = describe_response_code(&code(401, service, case)).unwrap();
            assert!(info.likely_causes.len() >= 3, "401 {service} {case:02}: {:?}", info.likely_causes);
            assert!(info.likely_causes.iter().all(|c| !c.is_empty() && !c.ends_with('.')));
        }
    }
    // The token request (RSA over clientId|X-TIMESTAMP) and a transaction (HMAC over the request)
    // fail for different reasons.
    let token = describe_response_code("4017300").unwrap().likely_causes;
    let transaction = describe_response_code("4012500").unwrap().likely_causes;
    assert_ne!(token, transaction);
    assert!(token.iter().any(|c| c.contains("clientId|X-TIMESTAMP")));
    assert!(token.iter().any(|c| c.contains("private key")));
    assert!(token.iter().any(|c| c.contains("clock skew")));
    assert!(token.iter().any(|c| c.contains("X-CLIENT-KEY")));
    assert!(transaction.iter().any(|c| c.contains("minified")));
    assert!(transaction.iter().any(|c| c.contains("query string")));
    assert!(transaction.iter().any(|c| c.contains("\"Bearer \"")));
    assert_eq!(describe_response_code("4017400").unwrap().likely_causes, token);
    assert!(describe_response_code("4012501").unwrap().likely_causes.iter().any(|c| c.contains("expired")));
    assert!(describe_response_code("4012501").unwrap().likely_causes.iter().any(|c| c.contains("sandbox")));
    // Nothing for codes outside 401xx00-04.
    for c in ["4017305", "4017399", "4007300", "4037300", "2007300", "5007300"] {
        assert!(describe_response_code(c).unwrap().likely_causes.is_empty(), "{c}");
    }
}

#[test]
fn codes_the_standard_does_not_list_still_split() {
    let info = describe_response_code("9999999").unwrap();
    assert_eq!((info.http_status, info.service_code, info.case_code), (999, 99, 99));
    assert_eq!((info.service_name, info.message, info.description), (None, None, None));
    assert!(info.likely_causes.is_empty());
    let info = describe_response_code("0000000").unwrap();
    assert_eq!((info.http_status, info.service_code, info.case_code), (0, 0, 0));
    assert_eq!((info.service_name, info.message), (None, None));
    // Known service, a provider's own case code.
    let info = describe_response_code("4012477").unwrap();
    assert_eq!((info.service_name, info.message), (Some("Virtual Account - Inquiry"), None));
    // Unknown service, known case.
    let info = describe_response_code("2008200").unwrap();
    assert_eq!((info.service_name, info.message), (None, Some("Successful")));
    // A case code listed under another status is not borrowed.
    assert_eq!(describe_response_code("4002414").unwrap().message, None);
    assert_eq!(describe_response_code("4042414").unwrap().message, Some("Paid Bill"));
}

#[test]
fn malformed_codes_are_refused() {
    let bad = Err(Error::InvalidResponse { kind: ResponseErrorKind::BadResponseCode });
    for c in [
        "",
        "401730",
        "40173000",
        "40173O0",
        " 4017300",
        "4017300 ",
        "4017300\n",
        "+401730",
        "-401730",
        "401-73-00",
        "4017\u{0}300",
        "\u{ff14}\u{ff10}\u{ff11}\u{ff17}\u{ff13}\u{ff10}\u{ff10}", // full-width digits
        "٤٠١٧٣٠٠",                                                  // Arabic-Indic digits
    ] {
        assert_eq!(describe_response_code(c), bad, "{c:?}");
    }
}

#[test]
fn describe_agrees_with_parse_and_the_token_response() {
    for c in ["2007300", "4017300", "4042414", "9999999"] {
        assert_eq!(ResponseCode::parse(c).unwrap().describe(), describe_response_code(c).unwrap());
    }
    let r = TokenResponse::parse(br#"{"responseCode":"4017300","responseMessage":"Unauthorized. Unknown Client"}"#)
        .unwrap();
    let info = r.response_code.describe();
    assert_eq!((info.service_name, info.message), (Some("Access Token B2B"), Some("Unauthorized. [reason]")));
}
