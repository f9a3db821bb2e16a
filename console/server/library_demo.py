"""The demo's response libraries and e-FAQ (``demo/responses.json``, ``demo/faq.json``).

Loaded with the demo directory by ``callboard server --demo`` and ``callboard demo``;
loading again adds nothing, so a demo data directory can be reused.
"""

from __future__ import annotations

from console.server.faq import demo_faq, load_faq
from console.server.response_library import demo_responses, load_response_library
from console.server.store import SqliteStore


def load_demo_libraries(store: SqliteStore) -> tuple[int, int]:
    """Adds the demo libraries the store lacks; returns (responses, FAQ entries) added."""
    data, files = demo_responses()
    return load_response_library(store, data, files), load_faq(store, demo_faq())
