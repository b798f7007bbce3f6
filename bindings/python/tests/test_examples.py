"""docs/examples/flask_webhook.py and fastapi_webhook.py, through the frameworks' test clients:
an accepted notification, a rejected one and a replay, with the exact SNAP JSON."""

import importlib.util
import time
import uuid

import pytest

from conftest import ROOT
from snap_sign import BODY, PATH, TOKEN, headers


def load(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "docs" / "examples" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.tokens.register(TOKEN, int(time.time() * 1000) + 900_000)
    return module


def exercise(post):
    h = headers(uuid.uuid4().hex)
    status, text = post(h)
    assert (status, text) == (200, '{"responseCode":"2002500","responseMessage":"Successful"}')
    assert post(h) == (409, '{"responseCode":"4092500","responseMessage":"Conflict"}')
    bad = headers(uuid.uuid4().hex, secret="wrong")
    assert post(bad) == (401, '{"responseCode":"4012500","responseMessage":"Unauthorized. Signature"}')
    missing = headers(uuid.uuid4().hex)
    del missing["X-EXTERNAL-ID"]
    assert post(missing) == (400, '{"responseCode":"4002502","responseMessage":"Invalid Mandatory Field {X-EXTERNAL-ID}"}')


def test_flask_example():
    pytest.importorskip("flask")
    client = load("flask_webhook").app.test_client()

    def post(h):
        r = client.post(PATH, data=BODY, headers=h)
        assert r.mimetype == "application/json"
        return r.status_code, r.get_data(as_text=True)

    exercise(post)


def test_fastapi_example():
    pytest.importorskip("fastapi")
    pytest.importorskip("httpx")
    from fastapi.testclient import TestClient

    client = TestClient(load("fastapi_webhook").app)

    def post(h):
        r = client.post(PATH, content=BODY, headers=h)
        return r.status_code, r.text

    exercise(post)
