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


@pytest.fixture
def demo_library_server(server_factory, tmp_path, seed_cache):
    """A server on the test directory with the demo's response libraries and e-FAQ loaded."""
    from console.server.library_demo import load_demo_libraries
    from console.server.store import SqliteStore
    from tests.conftest import DB_NAME, directory, seed_data_dir

    data_dir = tmp_path / "demo-libraries"
    seed_data_dir(data_dir, directory(), seed_cache)
    store = SqliteStore(data_dir / DB_NAME)
    try:
        load_demo_libraries(store)
    finally:
        store.close()
    return server_factory(data_dir=data_dir)
