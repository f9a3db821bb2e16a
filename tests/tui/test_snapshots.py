"""What the agent screen looks like, compared with an approved SVG (``--snapshot-update``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.tui.snapshot_apps import agent_screen_app

pytestmark = pytest.mark.tui


def test_agent_screen_shows_queues_with_an_alerting_chat(snap_compare, tmp_path: Path):
    app = agent_screen_app(tmp_path)

    async def settle(pilot) -> None:
        await pilot.pause(0.3)

    assert snap_compare(app, terminal_size=(80, 24), run_before=settle)
