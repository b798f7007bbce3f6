"""A SNAP notification endpoint in FastAPI (docs/receiving.md): HMAC-signed payment notifications
verified with snapsign, answered with the exact SNAP JSON. Tested by
bindings/python/tests/test_examples.py with FastAPI's TestClient."""

import os

from fastapi import FastAPI, Request, Response

import snapsign

app = FastAPI()

verifier = snapsign.RequestVerifier(
    "generic",
    client_secret=os.environ.get("SNAP_CLIENT_SECRET", "TEST-client-secret"),
    partner_id=os.environ.get("SNAP_PARTNER_ID", "PARTNER01"),
)
tokens = snapsign.TokenStore("generic")  # tokens this app issued (its token endpoint: tokens.issue)
replay_guard = snapsign.MemoryReplayGuard()  # one process; several: snapsign.redis_guard


@app.post("/v1.0/transfer-va/payment")
async def payment(request: Request) -> Response:
    target = request.url.path + ("?" + request.url.query if request.url.query else "")
    # The raw body bytes: never a parsed-and-re-serialised model, or the signature breaks.
    body = await request.body()
    # verify_request is CPU work of microseconds (HMAC); an RSA profile's takes about 0.1 ms.
    result = snapsign.verify_request(
        verifier, request.method, target, request.headers, body, tokens=tokens, replay_guard=replay_guard
    )
    if not result.accepted:
        return Response(result.body, status_code=result.http_status, media_type="application/json")
    # ... record the payment ...
    body = '{"responseCode":"%s","responseMessage":"Successful"}' % result.response_code
    return Response(body, status_code=200, media_type="application/json")
