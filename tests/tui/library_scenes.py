"""Scenes the Response Management and e-FAQ tests share: a visitor in a chat the agent picked up."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from textual.widgets import Input

from console.server.runner import ServerThread
from console.tui.app import CallboardApp
from console.tui.screens import AgentScreen
from console.tui.widgets.chat import ChatTabs, ChatWindow
from tests.tui.conftest import WebVisitor, wait_for


async def start_visitor(http: httpx.AsyncClient, name: str, **extra: Any) -> WebVisitor:
    visitor = WebVisitor(http, name)
    chat = await visitor._call("/chat/start", {
        "participant": {"name": name, "credentials": None}, "target": "Sales", "targetType": "Workgroup",
        "language": "en-US", **extra,
    })
    visitor.pid = chat["participantID"]
    return visitor


async def signed_in_with_chat(pilot, app: CallboardApp) -> ChatWindow:
    """Waits for the agent screen and the alert, picks the chat up; returns its window."""
    await wait_for(pilot, lambda: isinstance(app.screen, AgentScreen), what="the agent screen")
    await wait_for(pilot, lambda: app.screen.state.first_alerting() is not None, what="the alert")
    await pilot.press("alt+a")
    chats = app.screen.query_one(ChatTabs)
    window = await wait_for(pilot, lambda: chats.active, what="the chat window")
    await wait_for(pilot, lambda: window.view.state == "Connected", what="the connected chat")
    return window


async def visitor_gets(pilot, visitor: WebVisitor, predicate, what: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = []

    async def check() -> bool:
        await visitor.poll()
        found[:] = [e for e in visitor.events if predicate(e)]
        return bool(found)

    for _ in range(100):
        if await check():
            return found[-1]
        await pilot.pause(0.05)
    pytest.fail(f"the visitor never received {what}")


def reply(window: ChatWindow) -> Input:
    return window.query_one("#chat-input", Input)


def app_for(server: ServerThread, config_file: Path) -> CallboardApp:
    return CallboardApp(server_url=server.url, username="alicia", password="demo", config_path=config_file)
