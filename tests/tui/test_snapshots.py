"""What the agent screen looks like, compared with an approved SVG (``--snapshot-update``)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from console.tui.widgets.queue import QueueView
from tests.tui.snapshot_apps import agent_screen_app, callback_screen_app

pytestmark = pytest.mark.tui


@pytest.fixture
def utc(monkeypatch):
    """Clock times in the pictures read the same on every machine."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_agent_screen_shows_queues_with_an_alerting_chat(snap_compare, tmp_path: Path):
    app = agent_screen_app(tmp_path)

    async def settle(pilot) -> None:
        await pilot.pause(0.3)

    assert snap_compare(app, terminal_size=(80, 24), run_before=settle)


def test_callback_window_with_attempts_beside_a_snoozed_callback(snap_compare, tmp_path: Path, utc):
    app = callback_screen_app(tmp_path)

    async def show_sales_and_the_callback(pilot) -> None:
        await pilot.pause(0.3)
        pilot.app.screen.query_one(QueueView).show_queue("workgroup:Sales")  # the snoozed callback counts down
        await pilot.press("alt+c")  # into the callback window: its keys fill the footer
        await pilot.pause(0.3)

    assert snap_compare(app, terminal_size=(80, 24), run_before=show_sales_and_the_callback)
