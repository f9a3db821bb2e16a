"""What the agent screen looks like, compared with an approved SVG (``--snapshot-update``)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from console.tui.widgets.queue import QueueView
from console.tui.widgets.supervisor.dashboard import WorkgroupTable
from tests.tui.snapshot_apps import (
    agent_screen_app,
    callback_screen_app,
    conference_app,
    sidebar_app,
    supervisor_screen_app,
)

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


def test_supervisor_dashboard_with_a_workgroup_behind_its_goal(snap_compare, tmp_path: Path):
    app = supervisor_screen_app(tmp_path)

    async def highlight_sales(pilot) -> None:
        await pilot.pause(0.3)
        table = pilot.app.screen.query_one(WorkgroupTable)
        table.move_cursor(row=table.get_row_index("Sales"))
        await pilot.pause(0.2)

    assert snap_compare(app, terminal_size=(80, 24), run_before=highlight_sales)


def test_team_view_with_a_pending_sign_out(snap_compare, tmp_path: Path):
    app = supervisor_screen_app(tmp_path)

    async def show_team(pilot) -> None:
        await pilot.pause(0.3)
        await pilot.press("alt+2")
        await pilot.pause(0.2)

    assert snap_compare(app, terminal_size=(80, 24), run_before=show_team)


def test_responses_sidebar_beside_a_chat_at_80_columns(snap_compare, tmp_path: Path, utc):
    app = sidebar_app(tmp_path)

    async def open_responses(pilot) -> None:
        await pilot.pause(0.3)
        await pilot.press("alt+c", "f3")
        await pilot.pause(0.3)
        await pilot.press("down", "down", "down")  # onto a favorite: its text shows below the tree
        await pilot.pause(0.2)

    assert snap_compare(app, terminal_size=(80, 24), run_before=open_responses)


def test_faq_sidebar_with_an_answer_expanded(snap_compare, tmp_path: Path, utc):
    app = sidebar_app(tmp_path)

    async def search_and_expand(pilot) -> None:
        await pilot.pause(0.3)
        await pilot.press("alt+c", "f4", *"refund")
        await pilot.pause(0.5)
        await pilot.press("down", "enter")
        await pilot.pause(0.2)

    assert snap_compare(app, terminal_size=(80, 24), run_before=search_and_expand)


def test_chat_in_conference_names_everyone_in_it_at_80_columns(snap_compare, tmp_path: Path, utc):
    app = conference_app(tmp_path)

    async def into_the_chat(pilot) -> None:
        await pilot.pause(0.3)
        await pilot.press("alt+c")
        await pilot.pause(0.3)

    assert snap_compare(app, terminal_size=(80, 24), run_before=into_the_chat)
