"""What desktop chat looks like, compared with an approved SVG (``--snapshot-update``)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from console.tui.screens import AgentScreen
from tests.tui.desk_snapshot_apps import DESK_LATER, desk_screen_app
from tests.tui.snapshot_apps import T0

pytestmark = pytest.mark.tui


@pytest.fixture
def utc(monkeypatch):
    """Clock times in the picture read the same on every machine."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_desktop_chat_with_groups_a_file_offer_and_an_unread_tab(snap_compare, tmp_path: Path, utc):
    app = desk_screen_app(tmp_path)

    async def open_desktop_chat_on_bens_conversation(pilot) -> None:
        agent = pilot.app.screen
        await pilot.pause(0.3)
        await pilot.press("f6")
        await pilot.pause(0.3)
        await pilot.press("alt+2")  # Ben's conversation (Carmen's came first, from the history)
        await pilot.pause(0.2)
        agent.post_message(AgentScreen.ServerEvent({"seq": 5, "topic": "desk.typing", "kind": "put", "ts": T0 + 95,
                                                    "data": {"from": "ben", "name": "Ben Brooks", "typing": True}}))
        agent.post_message(AgentScreen.ServerEvent({"seq": 6, "topic": "desk.message", "kind": "post",
                                                    "ts": T0 + 95, "data": DESK_LATER}))
        await pilot.pause(0.3)
        pilot.app.clear_notifications()
        await pilot.pause(0.2)

    assert snap_compare(app, terminal_size=(80, 24), run_before=open_desktop_chat_on_bens_conversation)
