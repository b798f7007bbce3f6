"""Shared fixtures: the vectors and TEST-ONLY keys of tests/vectors/ (repository root)."""

import json
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[3]
VECTORS = ROOT / "tests" / "vectors"
KEYS = VECTORS / "keys"


def key_bytes(name: str) -> bytes:
    return (KEYS / name).read_bytes()


@pytest.fixture(scope="session")
def vectors() -> dict:
    return json.loads((VECTORS / "snap-vectors.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def signers():
    import snapsign

    return {k: snapsign.SnapSigner(key_bytes(f"{k}-pkcs8.pem")) for k in ("rsa2048", "rsa3072", "rsa4096")}


@pytest.fixture(scope="session")
def verifiers():
    import snapsign

    return {k: snapsign.SnapVerifier(key_bytes(f"{k}-public.pem")) for k in ("rsa2048", "rsa3072", "rsa4096")}
