"""Copied beside bindings/python/tests by tests/packaging/python.sh: the package these tests import is
the wheel installed into the fresh venv, and its versions are the workspace version."""

import importlib.metadata
import os
import pathlib
import sys

import snapsign

EXPECTED_VERSION = os.environ["SNAPSIGN_EXPECTED_VERSION"]  # Cargo.toml's, read by python.sh
WHEEL = pathlib.Path(os.environ["SNAPSIGN_WHEEL"])  # the file that was installed


def test_imported_from_the_venv_not_the_source_tree():
    location = pathlib.Path(snapsign.__file__).resolve()
    assert location.is_relative_to(pathlib.Path(sys.prefix).resolve()), (location, sys.prefix)
    assert sys.prefix != sys.base_prefix, "not running in a venv"
    # The generated module and the library sit in the installed package too.
    assert pathlib.Path(snapsign.snapsign.__file__).resolve().is_relative_to(location.parent)
    assert (location.parent / "snapsign" / "libsnapsign.so").is_file()


def test_one_version():
    assert snapsign.__version__ == EXPECTED_VERSION  # snapsign_version() of the bundled library
    assert importlib.metadata.version("snapsign") == EXPECTED_VERSION  # the wheel's METADATA
    assert WHEEL.name.startswith(f"snapsign-{EXPECTED_VERSION}-py3-none-manylinux_2_"), WHEEL.name


def test_typed_package():
    files = importlib.metadata.files("snapsign")
    assert any(str(f) == "snapsign/py.typed" for f in files), [str(f) for f in files]
