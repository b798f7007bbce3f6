"""A user's program, type-checked with mypy --strict against the installed package by
tests/packaging/python.sh (never run): every call of the hand-written front, and the generated
classes it returns, must have types mypy can check without an Any leaking into the program."""

from typing import Callable, Dict, List

import snapsign
from snapsign import SnapError, SnapSigner, TransactionSigner, Verification
from snapsign.redis_guard import RedisReplayGuard

TS = "2020-01-01T00:00:00+07:00"


def sign_everything(pem: bytes, secret: str) -> List[str]:
    signer = SnapSigner(pem)
    token: str = signer.sign_token("client", TS)
    service: str = signer.sign_service("POST", "/v1.0/x", b"{}", TS)
    with TransactionSigner(secret) as tx:
        transaction: str = tx.sign("POST", "/v1.0/x", "token", b"{}", TS)
        ok: bool = tx.verify("POST", "/v1.0/x", "token", b"{}", TS, transaction)
    one_shot: str = snapsign.sign_transaction(secret, "POST", "/v1.0/x", "token", b"{}", TS)
    checked: bool = snapsign.verify_transaction(secret, "POST", "/v1.0/x", "token", b"{}", TS, one_shot)
    digest: str = snapsign.body_digest(b"{}")
    minified: bytes = snapsign.minify_json(b"{ }")
    version: str = snapsign.__version__
    return [token, service, transaction, one_shot, digest, minified.decode(), version, str(ok and checked)]


def receive(verifier: snapsign.RequestVerifier, headers: Dict[str, str], body: bytes) -> int:
    guard: snapsign.ReplayGuard = snapsign.MemoryReplayGuard(10)
    result: Verification = snapsign.verify_request(verifier, "POST", "/v1.0/x", headers, body, replay_guard=guard)
    pairs = snapsign.verify_request(verifier, "POST", "/v1.0/x", [("X-TIMESTAMP", TS)], body.decode())
    return result.http_status + pairs.http_status


def shared_guard(client: object) -> snapsign.ReplayGuard:
    return RedisReplayGuard(client, prefix="app:")


def cached_token(fetch: Callable[[], bytes]) -> str:
    return snapsign.TokenCache(fetch, margin_seconds=30).token()


def reason(pem: bytes) -> str:
    try:
        SnapSigner(pem)
    except SnapError as e:
        return str(e)
    return ""
