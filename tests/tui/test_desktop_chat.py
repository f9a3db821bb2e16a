"""Desktop chat in the console (Pilot) against a real server, with colleagues on the HTTP API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from textual.widgets import Input, Label, OptionList, Select, Static, TabbedContent

from console.server.runner import ServerThread
from console.tui.app import CallboardApp
from console.tui.dialogs import ConfirmDialog
from console.tui.dialogs.desktop_chat import (
    AddContactDialog,
    EditContactDialog,
    GroupNameDialog,
    MoveContactsDialog,
    PresencePicker,
    SendFileDialog,
)
from console.tui.screens import AgentScreen
from console.tui.screens.desktop_chat import DesktopChatScreen
from console.tui.widgets.desktop_chat import ContactTree, DeskBar, DeskConversationTabs, DeskInput, DeskTranscript
from console.tui.widgets.desktop_chat.desktop_chat import DOWNLOADS_ENV
from console.tui.widgets.status import AgentStatusBar
from tests.tui.conftest import CountingBells, toasts, wait_for

pytestmark = pytest.mark.tui

DESK = "/api/v1/desktop-chat"


class Colleague:
    """A colleague at another console, on the HTTP API."""

    def __init__(self, http: httpx.AsyncClient, username: str) -> None:
        self.http = http
        self.username = username
        self.headers: dict[str, str] = {}

    async def sign_in(self) -> Colleague:
        r = await self.http.post("/api/v1/session", json={"username": self.username, "password": "demo"})
        r.raise_for_status()
        self.headers = {"Authorization": f"Bearer {r.json()['token']}"}
        (await self.http.post(f"{DESK}/session", headers=self.headers)).raise_for_status()
        return self

    async def call(self, method: str, path: str, **kwargs: Any) -> Any:
        r = await self.http.request(method, DESK + path, headers=self.headers, **kwargs)
        assert r.status_code < 400, r.text
        return r.json() if r.content else None

    async def say(self, to: str, text: str) -> dict[str, Any]:
        return await self.call("POST", "/messages", json={"to": to, "text": text})

    async def typing(self, to: str, typing: bool) -> None:
        await self.call("POST", "/typing", json={"to": to, "typing": typing})

    async def texts(self) -> list[str]:
        return [m["text"] for m in await self.call("GET", "/messages") if m["kind"] == "text"]

    async def offer(self, to: str, name: str, content: bytes) -> dict[str, Any]:
        r = await self.http.post(f"{DESK}/attachments", params={"to": to, "name": name}, content=content,
                                 headers=self.headers)
        assert r.status_code == 201, r.text
        return r.json()

    async def files(self) -> dict[str, str]:
        """File name -> state of every file in my history."""
        return {m["file"]["name"]: m["file"]["state"] for m in await self.call("GET", "/messages") if m["file"]}


@pytest.fixture
async def http(demo_server: ServerThread):
    async with httpx.AsyncClient(base_url=demo_server.url, timeout=10) as client:
        yield client


def console(demo_server: ServerThread, config_file: Path) -> CountingBells:
    return CountingBells(demo_server.url, "alicia", "demo", config_path=config_file)


async def signed_in(pilot, app: CallboardApp) -> AgentScreen:
    screen = await wait_for(pilot, lambda: isinstance(app.screen, AgentScreen) and app.screen, what="the agent screen")
    await wait_for(pilot, lambda: screen.desk.state.me is not None, what="desktop chat's snapshot")
    return screen


async def open_desk(pilot, app: CallboardApp) -> DesktopChatScreen:
    await pilot.press("f3")
    return await wait_for(pilot, lambda: isinstance(app.screen, DesktopChatScreen) and app.screen,
                          what="the desktop-chat screen")


async def sign_in_to_desk(pilot, app: CallboardApp, desk: DesktopChatScreen) -> None:
    await pilot.press("f4")
    await wait_for(pilot, lambda: isinstance(app.screen, PresencePicker), what="the presence picker")
    await pilot.press("enter")  # "Sign in to desktop chat" is the only choice while signed out
    await wait_for(pilot, lambda: desk.state.my_presence == "available", what="desktop chat sign-in")


def tab_labels(desk: DesktopChatScreen) -> list[str]:
    tabs = desk.query_one(DeskConversationTabs).query_one(TabbedContent)
    return [str(tab.label) for tab in tabs.query("ContentTabs Tab")]


def transcript(desk: DesktopChatScreen, username: str) -> list[str]:
    window = desk.query_one(DeskConversationTabs).get(username)
    assert window is not None
    return [str(entry.render()) for entry in window.query_one(DeskTranscript).query("DeskEntry")]


def tree_lines(desk: DesktopChatScreen) -> list[str]:
    """The contact list as shown: group lines, and contact lines indented under them."""
    tree = desk.query_one(ContactTree)
    lines = []
    for group in tree.root.children:
        lines.append(str(group.label).split(" ")[0] if group.data.kind == "group" else str(group.label))
        for leaf in group.children:
            lines.append("  " + str(leaf.label))
    return lines


def status_line(app: CallboardApp) -> str:
    screen = next(s for s in app.screen_stack if isinstance(s, AgentScreen))
    return str(screen.query_one(AgentStatusBar).query_one("#desk-chat", Label).render())


async def test_messages_open_conversations_count_unread_and_notify_except_in_do_not_disturb(
    demo_server: ServerThread, http: httpx.AsyncClient, config_file: Path,
):
    ben, carmen = await Colleague(http, "ben").sign_in(), await Colleague(http, "carmen").sign_in()
    app = console(demo_server, config_file)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        agent = await signed_in(pilot, app)
        assert "Offline" in status_line(app)
        desk = await open_desk(pilot, app)
        await sign_in_to_desk(pilot, app, desk)
        await pilot.press("f3")  # back to the queues: messages now arrive out of view
        await wait_for(pilot, lambda: app.screen is agent, what="the agent screen")
        assert "Available" in status_line(app)

        await ben.say("alicia", "Can you take a German chat?")
        await carmen.say("alicia", "Lunch at one?")
        await wait_for(pilot, lambda: agent.desk.state.unread == 2, what="two unread messages")
        await wait_for(pilot, lambda: any("Lunch at one?" in t for t in toasts(app)), what="the notification")
        assert any("Ben Brooks" in t for t in toasts(app))
        assert app.bells == 2
        assert "2 new" in status_line(app)

        desk = await open_desk(pilot, app)
        # The first unread conversation comes to the front and is read; the other stays flagged.
        await wait_for(pilot, lambda: tab_labels(desk) == ["1 Ben Brooks", "2 Carmen Cruz (1)"], what="the tabs")
        assert transcript(desk, "ben")[-1].endswith("Ben Brooks: Can you take a German chat?")
        assert isinstance(app.focused, DeskInput)
        await pilot.press("alt+n")
        await wait_for(pilot, lambda: tab_labels(desk) == ["1 Ben Brooks", "2 Carmen Cruz"], what="read on view")
        assert desk.state.unread == 0 and str(desk.query_one(DeskBar).query_one("#desk-unread", Label).render()) == ""

        # Typing, both ways; a message in view is read at once and rings nothing.
        await ben.typing("alicia", True)
        await wait_for(pilot, lambda: "Ben Brooks ✎" in tab_labels(desk)[0], what="the typing mark on the tab")
        await ben.say("alicia", "Ben here again")
        await wait_for(pilot, lambda: tab_labels(desk)[0] == "1 Ben Brooks (1)", what="unread while Carmen is in front")
        await pilot.press("alt+1")
        await wait_for(pilot, lambda: tab_labels(desk)[0] == "1 Ben Brooks", what="Ben read")
        window = desk.query_one(DeskConversationTabs).get("ben")
        await ben.typing("alicia", True)
        await wait_for(pilot, lambda: "Ben Brooks is typing…" in str(window.query_one("#desk-typing", Label).render()),
                       what="the typing line")
        bells = app.bells
        await ben.say("alicia", "Seen at once")
        await wait_for(pilot, lambda: any("Seen at once" in line for line in transcript(desk, "ben")), what="the message")
        assert str(window.query_one("#desk-typing", Label).render()) == ""
        assert app.bells == bells and desk.state.unread == 0

        await wait_for(pilot, lambda: isinstance(app.focused, DeskInput), what="the reply line")
        await pilot.press(*"Sure, send it over.")
        await pilot.press("enter")
        await wait_for(pilot, lambda: window.draft == "", what="the reply to be sent")
        assert "Sure, send it over." in await ben.texts()

        # Do Not Disturb: messages still arrive and count, with no pop-up and no bell.
        await pilot.press("f4")
        picker = await wait_for(pilot, lambda: isinstance(app.screen, PresencePicker) and app.screen, what="picker")
        options = picker.query_one(OptionList)
        options.highlighted = 2  # Do Not Disturb
        await pilot.press("enter")
        await wait_for(pilot, lambda: desk.state.my_presence == "dnd", what="Do Not Disturb")
        app.clear_notifications()
        bells = app.bells
        await carmen.say("alicia", "Quiet please")
        await wait_for(pilot, lambda: tab_labels(desk)[1] == "2 Carmen Cruz (1)", what="the unread count in DND")
        await pilot.pause(0.2)
        assert app.bells == bells and not any("Quiet please" in t for t in toasts(app))


async def test_messages_reach_only_signed_in_colleagues_and_the_typed_text_stays(
    demo_server: ServerThread, http: httpx.AsyncClient, config_file: Path,
):
    ben = await Colleague(http, "ben").sign_in()
    app = console(demo_server, config_file)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await signed_in(pilot, app)
        desk = await open_desk(pilot, app)
        await sign_in_to_desk(pilot, app, desk)
        await ben.say("alicia", "Hi")
        await wait_for(pilot, lambda: desk.query_one(DeskConversationTabs).get("ben"), what="Ben's conversation")
        window = desk.query_one(DeskConversationTabs).get("ben")
        await ben.call("DELETE", "/session")
        await wait_for(pilot, lambda: desk.state.presence_of("ben") == "offline", what="Ben offline")
        assert "offline" in window.query_one(DeskInput).placeholder
        window.focus_reply()
        await pilot.press(*"Are you there?", "enter")
        await wait_for(pilot, lambda: any("Ben Brooks is offline" in t for t in toasts(app)), what="the refusal")
        assert window.draft == "Are you there?"
        assert await ben.texts() == ["Hi"]
