"""The provider facts the test server acts on, copied by hand from docs/providers.md.

One row per profile of the table in docs/providers.md, in its order. The test suite checks every
field against `snapsign providers --json` and the docs table (test_profiles_e2e.py:
test_server_table_matches_snapsign_providers, test_server_table_matches_docs), so this copy cannot
drift from either; the server itself never asks snapsign anything.

Fields (the names of `snapsign providers --json`):

- token_path_b2b / token_path_b2b2c: the access-token paths ("none" in the docs: None).
- timestamp: how the profile writes X-TIMESTAMP: offset in minutes east of UTC, milliseconds or
  not, UTC written as `Z`.
- transaction_signature: "hmac" (HMAC-SHA512 over METHOD:EndpointUrl:token:digest:ts) or
  "rsa-service" (SHA256withRSA over METHOD:EndpointUrl:digest:ts, no token).
- endpoint_rule: "as-sent", "path-only" or "canonical-query".
- channel_id: the CHANNEL-ID the provider gives everybody, or None (per partner).
- partner_id_is_client_id: X-PARTNER-ID must be the client id (X-CLIENT-KEY).
- device_id_required: X-DEVICE-ID on every transaction call.

Server-only facts (not in `snapsign providers --json`, taken from the docs' prose):

- also_accepted: X-TIMESTAMP styles the provider accepts besides its own ("DOKU accepts both",
  BCA "`Z` or `±hh:mm`", the standard's `yyyy-MM-ddTHH:mm:ssTZD`); "any-offset" means seconds with
  `Z` or any `±hh:mm`.
- numeric_external_id: BRI's "X-EXTERNAL-ID numeric".
- token_response: how the token response differs (DOKU: expiresIn a number; iFortepay: spelled
  expiredIn; BCA: tokenType lower-case).
- product_path: the transaction path this test server serves for the profile. Not a profile fact
  (profiles have no transaction paths): a VA inquiry (service code 24) under the provider's prefix.
"""

WIB = 420


def style(offset_minutes, millis, utc_as_z):
    return {"offset_minutes": offset_minutes, "millis": millis, "utc_as_z": utc_as_z}


WIB_SECONDS = style(WIB, False, False)
WIB_MILLIS = style(WIB, True, False)
UTC_Z_SECONDS = style(0, False, True)
UTC_Z_MILLIS = style(0, True, True)


def profile(
    name,
    token_b2b,
    token_b2b2c,
    timestamp,
    signature,
    endpoint,
    channel_id,
    partner_is_client,
    device_id_required,
    product_path,
    also_accepted=(),
    numeric_external_id=False,
    token_response=None,
):
    return {
        "name": name,
        "token_path_b2b": token_b2b,
        "token_path_b2b2c": token_b2b2c,
        "timestamp": timestamp,
        "transaction_signature": signature,
        "endpoint_rule": endpoint,
        "channel_id": channel_id,
        "partner_id_is_client_id": partner_is_client,
        "device_id_required": device_id_required,
        "also_accepted": tuple(also_accepted),
        "numeric_external_id": numeric_external_id,
        "token_response": token_response or {},
        "product_path": product_path,
    }


PROFILES = {
    p["name"]: p
    for p in [
        profile(
            "generic", "/v1.0/access-token/b2b", "/v1.0/access-token/b2b2c", WIB_SECONDS, "hmac", "as-sent",
            None, False, False, "/v1.0/transfer-va/inquiry", also_accepted=["any-offset"],
        ),
        profile(
            "doku", "/authorization/v1/access-token/b2b", "/authorization/v1/access-token/b2b2c", UTC_Z_SECONDS,
            "hmac", "as-sent", None, True, False, "/virtual-accounts/bi-snap-va/v1.1/transfer-va/inquiry",
            also_accepted=[WIB_SECONDS], token_response={"expiresIn": 900},
        ),
        profile(
            "ifortepay", "/api/v1.0/access-token/b2b", None, WIB_SECONDS, "rsa-service", "as-sent",
            None, True, False, "/api/v1.0/transfer-va/inquiry", token_response={"expiresIn": None, "expiredIn": "900"},
        ),
        profile(
            "midtrans", "/v1.0/access-token/b2b", None, UTC_Z_MILLIS, "hmac", "as-sent",
            None, False, False, "/v1.0/transfer-va/inquiry",
        ),
        profile(
            "dana", "/v1.0/access-token/b2b.htm", "/v1.0/access-token/b2b2c.htm", WIB_SECONDS, "rsa-service",
            "as-sent", "95221", True, False, "/v1.0/transfer-va/inquiry.htm",
        ),
        profile(
            "bca", "/openapi/v1.0/access-token/b2b", None, WIB_SECONDS, "hmac", "canonical-query",
            "95051", False, False, "/openapi/v1.0/transfer-va/inquiry", also_accepted=["any-offset"],
            token_response={"tokenType": "bearer"},
        ),
        profile(
            "bri", "/snap/v1.0/access-token/b2b", None, WIB_MILLIS, "hmac", "as-sent",
            None, False, False, "/snap/v1.0/transfer-va/inquiry", numeric_external_id=True,
        ),
        profile(
            "mandiri", "/openapi/auth/v2.0/access-token/b2b", None, WIB_SECONDS, "hmac", "as-sent",
            "95051", False, False, "/openapi/transactions/v1.0/transfer-va/inquiry",
        ),
        profile(
            "winpay", None, None, WIB_SECONDS, "rsa-service", "as-sent",
            None, False, False, "/v1.0/transfer-va/inquiry",
        ),
        profile(
            "ovo", "/OVOSNAP/v1.0/access-token/b2b", None, WIB_MILLIS, "hmac", "as-sent",
            None, False, True, "/OVOSNAP/v1.0/transfer-va/inquiry",
        ),
    ]
}

# The fields `snapsign providers --json` also has, compared one by one.
CLI_FIELDS = (
    "token_path_b2b",
    "token_path_b2b2c",
    "timestamp",
    "transaction_signature",
    "endpoint_rule",
    "channel_id",
    "partner_id_is_client_id",
    "device_id_required",
)
