"""Every API test also checks that the server logged no unhandled error."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def no_unhandled_server_errors(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    caplog.set_level(logging.ERROR, logger="callboard")
    yield
    errors = [r for r in caplog.get_records("call") if r.name.startswith("callboard") and r.levelno >= logging.ERROR]
    assert errors == [], [r.getMessage() for r in errors]
