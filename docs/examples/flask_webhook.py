"""A SNAP notification endpoint in Flask (docs/receiving.md): HMAC-signed payment notifications
verified with snapsign, answered with the exact SNAP JSON. Tested by
bindings/python/tests/test_examples.py with Flask's test client."""

import os

from flask import Flask, Response, request

import snapsign

app = Flask(__name__)

verifier = snapsign.RequestVerifier(
    "generic",
    client_secret=os.environ.get("SNAP_CLIENT_SECRET", "TEST-client-secret"),
    partner_id=os.environ.get("SNAP_PARTNER_ID", "PARTNER01"),
)
tokens = snapsign.TokenStore("generic")  # tokens this app issued (its token endpoint: tokens.issue)
replay_guard = snapsign.MemoryReplayGuard()  # one process; several: snapsign.redis_guard


def target() -> str:
    # The request target as received: path and undecoded query.
    query = request.query_string.decode("latin-1")
    return request.path + ("?" + query if query else "")


@app.post("/v1.0/transfer-va/payment")
def payment() -> Response:
    result = snapsign.verify_request(
        verifier, request.method, target(), request.headers, request.get_data(),
        tokens=tokens, replay_guard=replay_guard,
    )
    if not result.accepted:
        app.logger.warning("SNAP request rejected: %s", result.detail)
        return Response(result.body, status=result.http_status, mimetype="application/json")
    # ... record the payment of request.get_json() ...
    body = '{"responseCode":"%s","responseMessage":"Successful"}' % result.response_code
    return Response(body, status=200, mimetype="application/json")
