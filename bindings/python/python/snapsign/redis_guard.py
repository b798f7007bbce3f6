"""A ReplayGuard over Redis, shared by every process and machine (`pip install snapsign[redis]`).

    import redis, snapsign
    from snapsign.redis_guard import RedisReplayGuard

    guard = RedisReplayGuard(redis.Redis(host="localhost"))
    result = snapsign.verify_request(verifier, "POST", path, headers, body, replay_guard=guard)

Each X-EXTERNAL-ID is recorded with one atomic `SET <storage_key> 1 NX EX <ttl>`: of any number of
processes racing on one id exactly one SET succeeds. The entry expires when the request's WIB day
plus the allowed skew is over (`ReplayKey.ttl_seconds`, at least 1). A Redis error makes the request
a 500xx00 rejection (never an acceptance), with the error's text in `Verification.detail`.
"""

from __future__ import annotations

import typing

from . import ReplayGuard, ReplayGuardError, ReplayKey

__all__ = ["RedisReplayGuard"]


class RedisReplayGuard(ReplayGuard):
    """A ReplayGuard over a redis-py client (`redis.Redis`, `redis.RedisCluster` or anything with
    the same `set(name, value, nx=, ex=)`). `prefix` is put before `ReplayKey.storage_key`
    (which already starts with `snapsign:replay:`), for several applications sharing a database."""

    def __init__(self, client: typing.Any, prefix: str = "") -> None:
        self._client = client
        self._prefix = prefix

    def check_and_record(self, key: ReplayKey) -> bool:
        try:
            # SET returns True when it set the key, None when NX found it there.
            return bool(self._client.set(self._prefix + key.storage_key, b"1", nx=True, ex=max(1, key.ttl_seconds)))
        except Exception as e:  # noqa: BLE001 - any client error means "cannot answer"
            # uniffi's generated module attaches the variants to ReplayGuardError at run time, where
            # type checkers do not see them.
            unavailable = typing.cast(typing.Any, ReplayGuardError).Unavailable
            raise unavailable(reason=f"redis: {e!r}") from e
