"""Signing in: what the agent sees when it fails, and what the console remembers."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Label, Static

from console.server.runner import ServerThread, free_port
from console.tui.app import CallboardApp
from console.tui.config import load_config
from console.tui.screens import AgentScreen, LoginScreen
from console.tui.widgets.status import AgentStatusBar
from tests.tui.conftest import wait_for

pytestmark = pytest.mark.tui


def error_text(app: CallboardApp) -> str:
    return str(app.screen.query_one("#login-error", Static).render())


async def test_wrong_password_shows_the_error_and_keeps_the_user_name(demo_server: ServerThread, config_file: Path):
    app = CallboardApp(server_url=demo_server.url, config_path=config_file)
    async with app.run_test() as pilot:
        await pilot.press(*"alicia", "enter", *"not-the-password", "enter")
        await wait_for(pilot, lambda: error_text(app), what="the sign-in error")
        assert "Wrong user name or password" in error_text(app)
        assert isinstance(app.screen, LoginScreen)
        assert app.screen.query_one("#username", Input).value == "alicia"
        assert app.screen.query_one("#server", Input).value == demo_server.url
        password = app.screen.query_one("#password", Input)
        await wait_for(pilot, lambda: app.screen.focused is password, what="focus back on the password")


async def test_unreachable_server_is_explained_in_place(config_file: Path):
    url = f"http://127.0.0.1:{free_port()}"
    app = CallboardApp(server_url=url, username="alicia", password="demo", config_path=config_file)
    async with app.run_test() as pilot:
        await wait_for(pilot, lambda: error_text(app), what="the sign-in error")
        assert f"Cannot reach a server at {url}" in error_text(app)
        assert app.screen.query_one("#username", Input).value == "alicia"


async def test_successful_sign_in_remembers_server_and_user(demo_server: ServerThread, config_file: Path):
    app = CallboardApp(server_url=demo_server.url, username="ben", password="demo", config_path=config_file)
    async with app.run_test() as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, AgentScreen), what="the agent screen")
    remembered = load_config(config_file)
    assert (remembered.server_url, remembered.username) == (demo_server.url, "ben")

    again = CallboardApp(config_path=config_file)
    async with again.run_test() as pilot:
        assert again.screen.query_one("#server", Input).value == demo_server.url
        assert again.screen.query_one("#username", Input).value == "ben"
        password = again.screen.query_one("#password", Input)
        await wait_for(pilot, lambda: again.screen.focused is password, what="focus on the password")


async def test_the_top_line_gives_way_at_80_columns_keeping_name_status_and_desktop_chat(
    demo_server: ServerThread, config_file: Path,
):
    app = CallboardApp(server_url=demo_server.url, username="alicia", password="demo", config_path=config_file)
    async with app.run_test(size=(120, 24)) as pilot:
        screen = await wait_for(pilot, lambda: isinstance(app.screen, AgentScreen) and app.screen, what="the agent")
        bar = screen.query_one(AgentStatusBar)
        await wait_for(pilot, lambda: bar.desk_chat != "", what="desktop chat on the top line")
        shown = lambda: {w.id for w in bar.query(Label) if w.display}  # noqa: E731
        assert shown() == {"agent-name", "agent-status", "status-hint", "desk-chat", "server"}

        await pilot.resize_terminal(80, 24)
        await wait_for(pilot, lambda: "server" not in shown(), what="the server address to give way")
        assert shown() == {"agent-name", "agent-status", "status-hint", "desk-chat"}
        await pilot.resize_terminal(60, 24)
        await wait_for(pilot, lambda: "status-hint" not in shown(), what="the hint to give way")
        assert shown() == {"agent-name", "agent-status", "desk-chat"}
        await pilot.resize_terminal(120, 24)
        await wait_for(pilot, lambda: "server" in shown(), what="everything back")
