"""Type errors mypy must report against the installed package: tests/packaging/python.sh checks
that mypy's errors are on exactly the lines with an error comment. Proof that the package's
annotations are seen (an Any would accept all of these)."""

import snapsign
from snapsign import TransactionSigner

signature: int = snapsign.sign_transaction("s", "POST", "/x", "t", b"{}", "ts")  # error: str is not int
digest = snapsign.body_digest("not bytes")  # error: str where bytes
with TransactionSigner("secret") as tx:
    tx.sign("POST", "/x", "t", "body as str", "ts")  # error: str where bytes
version: bytes = snapsign.__version__  # error: str is not bytes


def receive(verifier: snapsign.RequestVerifier) -> bool:
    result = snapsign.verify_request(verifier, "POST", "/x", {}, b"", now="soon")  # error: now is an int
    return result.http_status  # error: int is not bool


cache = snapsign.TokenCache(lambda: "not bytes")  # error: the fetcher returns bytes
