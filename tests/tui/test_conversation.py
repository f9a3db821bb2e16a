"""An agent and a website visitor hold a whole conversation through the console."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from textual.widgets import Input, Label

from console.server.runner import ServerThread
from console.tui.app import CallboardApp
from console.tui.screens import AgentScreen
from console.tui.widgets.chat import ChatTabs, ChatWindow, Transcript
from console.tui.widgets.queue import QueueView
from tests.tui.conftest import CountingBells, WebVisitor, wait_for

pytestmark = pytest.mark.tui


def transcript_texts(window: ChatWindow) -> list[str]:
    return [entry.entry.text for entry in window.query_one(Transcript).query("ChatEntry")]  # type: ignore[attr-defined]


def my_interactions(app: CallboardApp) -> dict[str, str]:
    """Interaction id -> state as shown in the My Interactions table."""
    table = app.screen.query_one(QueueView).tables[0]
    assert table.queue_id == "my-interactions"
    return {row.value: str(table.get_cell(row, "state")) for row in table.rows}


async def test_agent_picks_up_alerting_chat_and_converses_with_visitor(
    demo_server: ServerThread, visitor_http: httpx.AsyncClient, config_file: Path
):
    app = CountingBells(server_url=demo_server.url, config_path=config_file)
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        # Sign in by typing, as an agent would: the server address is filled in already.
        await wait_for(pilot, lambda: app.screen.focused.id == "username", what="focus on the user name")
        await pilot.press(*"alicia", "enter")
        await wait_for(pilot, lambda: app.screen.focused.id == "password", what="focus on the password")
        await pilot.press(*"demo", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, AgentScreen), what="the agent screen")
        await wait_for(pilot, lambda: app.screen.query_one(QueueView).tables, what="the queue tabs")

        vera = WebVisitor(visitor_http, "Vera")
        await vera.start("Sales")
        await vera.say("Hello, my parcel never arrived.")

        await wait_for(pilot, lambda: "Alerting" in my_interactions(app).values(), what="the alert")
        assert app.bells == 1
        await wait_for(pilot, lambda: any("Vera" in str(toast.render()) for toast in app.screen.query("Toast")),
                       what="the alert notification")

        await pilot.press("alt+a")
        chats = app.screen.query_one(ChatTabs)
        window = await wait_for(pilot, lambda: chats.active, what="the chat window")
        await wait_for(pilot, lambda: "Hello, my parcel never arrived." in transcript_texts(window),
                       what="the visitor's first message")
        reply = window.query_one(Input)
        await wait_for(pilot, lambda: app.screen.focused is reply, what="the reply line to have focus after pickup")

        await pilot.press(*"Sorry to hear that, Vera. Let me check.", "enter")
        await wait_for(pilot, lambda: window.query_one(Input).value == "", what="the sent reply to clear")

        async def visitor_received() -> bool:
            await vera.poll()
            return "Sorry to hear that, Vera. Let me check." in vera.agent_texts()

        for _ in range(100):
            if await visitor_received():
                break
            await pilot.pause(0.05)
        assert "Sorry to hear that, Vera. Let me check." in vera.agent_texts()

        await vera.typing(True)
        typing = window.query_one("#typing", Label)
        await wait_for(pilot, lambda: "Vera is typing…" in str(typing.render()), what="the typing indicator")
        await vera.say("Order 4411.")
        await wait_for(pilot, lambda: "Order 4411." in transcript_texts(window), what="the visitor's reply")
        assert "typing" not in str(typing.render())

        await vera.leave()
        await wait_for(pilot, lambda: window.view.state == "Disconnected", what="the disconnect")
        assert str(window.query_one("#chat-state", Label).render()) == "Disconnected"
        assert any("Vera has left" in text for text in transcript_texts(window))
        assert window.query_one(Input).disabled, "no replies to a visitor who left"

        # The ended chat stays until the agent closes it.
        await pilot.press("alt+w")
        await wait_for(pilot, lambda: chats.get(window.interaction_id) is None, what="the chat to close")
        assert my_interactions(app) == {}
