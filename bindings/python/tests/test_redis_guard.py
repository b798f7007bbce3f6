"""snapsign.redis_guard.RedisReplayGuard against a real redis-server started here (free port, no
persistence): replay, TTL, and two processes racing on one id (exactly one accepted)."""

import multiprocessing
import shutil
import socket
import subprocess
import time
import uuid

import pytest

redis = pytest.importorskip("redis")

import snapsign  # noqa: E402
from snapsign.redis_guard import RedisReplayGuard  # noqa: E402
from snap_sign import PARTNER, PATH, SECRET, TOKEN, BODY, headers  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def port():
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed (tests/setup.sh installs it)")
    port = free_port()
    proc = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    yield port
    proc.terminate()
    proc.wait(10)


def verify(port: int, h: dict) -> str:
    v = snapsign.RequestVerifier("generic", client_secret=SECRET, partner_id=PARTNER)
    store = snapsign.TokenStore("generic")
    store.register(TOKEN, int(time.time() * 1000) + 900_000)
    guard = RedisReplayGuard(redis.Redis(port=port))
    return snapsign.verify_request(v, "POST", PATH, h, BODY, tokens=store, replay_guard=guard).response_code


def test_replay_and_ttl(port):
    x = uuid.uuid4().hex
    h = headers(x)
    assert verify(port, h) == "2002500"
    assert verify(port, h) == "4092500"
    client = redis.Redis(port=port)
    (key,) = client.keys(f"snapsign:replay:*:{x}")
    assert 900 < client.ttl(key) <= 86_400 + 900


def test_two_processes_racing_on_one_id(port):
    h = headers(uuid.uuid4().hex)
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(4) as pool:
        codes = pool.starmap(verify, [(port, h)] * 8)
    assert sorted(codes) == ["2002500"] + ["4092500"] * 7


def test_redis_down_is_a_500():
    guard = RedisReplayGuard(redis.Redis(port=free_port(), socket_connect_timeout=0.5))
    v = snapsign.RequestVerifier("generic", client_secret=SECRET, partner_id=PARTNER)
    store = snapsign.TokenStore("generic")
    store.register(TOKEN, int(time.time() * 1000) + 900_000)
    r = snapsign.verify_request(v, "POST", PATH, headers(uuid.uuid4().hex), BODY, tokens=store, replay_guard=guard)
    assert (r.accepted, r.response_code, r.reason) == (False, "5002500", snapsign.RejectionKind.REPLAY_GUARD_FAILED)
    assert "redis:" in r.detail
