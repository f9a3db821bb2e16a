"""The console rides out a server restart: it says so, keeps what was typed, and recovers."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from textual.widgets import Input

from console.server.runner import ServerThread
from console.tui.app import CallboardApp
from console.tui.screens import AgentScreen
from console.tui.widgets.chat import ChatTabs, Transcript
from console.tui.widgets.connection import ConnectionBanner
from tests.tui.conftest import WebVisitor, stop_server, wait_for

pytestmark = pytest.mark.tui


async def test_banner_shows_while_server_is_down_and_typed_reply_survives(data_dir: Path, config_file: Path):
    server = ServerThread(data_dir).start()
    port = server.port
    app = CallboardApp(server_url=server.url, username="alicia", password="demo", config_path=config_file)
    try:
        async with app.run_test(size=(100, 32), notifications=True) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, AgentScreen), what="the agent screen")
            async with httpx.AsyncClient(base_url=server.url) as http:
                vera = WebVisitor(http, "Vera")
                await vera.start("Sales")
            await wait_for(pilot, lambda: app.screen.state.first_alerting(), what="the alert")
            await pilot.press("alt+a")
            chats = app.screen.query_one(ChatTabs)
            window = await wait_for(pilot, lambda: chats.active, what="the chat window")
            banner = app.screen.query_one(ConnectionBanner)
            assert not banner.display

            await stop_server(server)
            await wait_for(pilot, lambda: banner.display, what="the offline banner")
            assert "Connection to server lost — reconnecting (attempt" in str(banner.render())

            # Still usable: the reply is typed and sent, fails, and stays in the input.
            reply = window.query_one(Input)
            reply.focus()
            await pilot.press(*"Still there?", "enter")
            await wait_for(pilot, lambda: not window._sending and app.screen.query("Toast"), what="the failure")
            assert reply.value == "Still there?"

            server = ServerThread(data_dir, port=port).start()
            await wait_for(pilot, lambda: not banner.display, timeout=15, what="the banner to clear")

            await pilot.press("enter")
            await wait_for(pilot, lambda: reply.value == "", what="the reply to be sent")
            await wait_for(
                pilot,
                lambda: any(e.entry.text == "Still there?" for e in window.query_one(Transcript).query("ChatEntry")),
                what="the reply in the transcript",
            )
    finally:
        await stop_server(server)
