"""The bundled models, loaded once for the library tests."""

from __future__ import annotations

import pytest

from sidl.bridge.engine import Engine


@pytest.fixture(scope="session")
def drums() -> Engine:
    return Engine.load("drums", provider="cpu")


@pytest.fixture(scope="session")
def piano() -> Engine:
    return Engine.load("piano", provider="cpu")
