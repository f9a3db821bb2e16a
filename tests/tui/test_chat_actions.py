"""Working several chats from the keyboard: unread counts, switching, hold, transfer, disconnect."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from console.server.runner import ServerThread
from console.tui.app import CallboardApp
from console.tui.dialogs import ConfirmDialog, TransferDialog
from console.tui.screens import AgentScreen
from console.tui.widgets.chat import ChatTabs, ChatWindow
from tests.tui.conftest import WebVisitor, wait_for

pytestmark = pytest.mark.tui


def tab_label(chats: ChatTabs, window: ChatWindow) -> str:
    return str(chats.query_one("#chat-tabs").get_tab(f"chat-{window.interaction_id}").label)


async def pick_up_next(pilot, screen: AgentScreen) -> ChatWindow:
    alerting = await wait_for(pilot, screen.state.first_alerting, what="an alert")
    await pilot.press("alt+a")
    chats = screen.query_one(ChatTabs)
    return await wait_for(pilot, lambda: chats.get(alerting.id), what="the chat window")


async def test_agent_switches_holds_transfers_and_disconnects_chats_from_the_keyboard(
    demo_server: ServerThread, visitor_http: httpx.AsyncClient, config_file: Path
):
    app = CallboardApp(demo_server.url, "alicia", "demo", config_path=config_file)
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await wait_for(pilot, lambda: isinstance(app.screen, AgentScreen) and app.screen)
        chats = screen.query_one(ChatTabs)
        vera, tom = WebVisitor(visitor_http, "Vera"), WebVisitor(visitor_http, "Tom")
        await vera.start("Sales")
        first = await pick_up_next(pilot, screen)
        await tom.start("Support")
        second = await pick_up_next(pilot, screen)
        await wait_for(pilot, lambda: chats.active is second, what="the new chat in front")

        # A message in the chat behind counts as unread until the agent jumps to it.
        await vera.say("Are you still there?")
        await wait_for(pilot, lambda: first.unread == 1, what="the unread count")
        assert tab_label(chats, first) == "1 Vera (1)"
        await pilot.press("alt+n")
        await wait_for(pilot, lambda: chats.active is first, what="the jump to the unread chat")
        assert first.unread == 0 and tab_label(chats, first) == "1 Vera"
        await pilot.press("alt+2")
        await wait_for(pilot, lambda: chats.active is second, what="chat 2 in front")

        # Hold and take off hold with the same key.
        await pilot.press("alt+h")
        await wait_for(pilot, lambda: second.view.state == "Held", what="the hold")
        assert "held" in tab_label(chats, second)
        await pilot.press("alt+h")
        await wait_for(pilot, lambda: second.view.state == "Connected", what="the unhold")

        # Disconnect asks first.
        await pilot.press("alt+d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), what="the confirmation")
        await pilot.press("y")
        await wait_for(pilot, lambda: second.view.state == "Disconnected", what="the disconnect")

        # Transfer Vera to Billing, a workgroup Alicia is not in: her chat leaves the console.
        await pilot.press("alt+1")
        await wait_for(pilot, lambda: chats.active is first, what="chat 1 in front")
        await pilot.press("alt+t")
        dialog = await wait_for(pilot, lambda: isinstance(app.screen, TransferDialog) and app.screen)
        targets = dialog.query_one("#targets")
        await wait_for(pilot, lambda: targets.option_count > 2, what="the transfer targets")
        index = next(i for i in range(targets.option_count) if targets.get_option_at_index(i).id == "workgroup:Billing")
        targets.highlighted = index
        await pilot.press("enter")
        await wait_for(pilot, lambda: chats.get(first.interaction_id) is None, what="the transferred chat to close")
        assert [w.interaction_id for w in chats.windows] == [second.interaction_id]
