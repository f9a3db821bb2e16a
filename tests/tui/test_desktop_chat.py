"""Desktop chat in the console (Pilot) against a real server, with colleagues on the HTTP API."""

from __future__ import annotations

import asyncio
import contextlib
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets
from textual.widgets import DataTable, Input, Label, Markdown, OptionList, Select, Static, TabbedContent

from console.server.runner import ServerThread
from console.tui.app import CallboardApp
from console.tui.dialogs import ConfirmDialog, HelpDialog
from console.tui.dialogs.desktop_chat import (
    AddContactDialog,
    EditContactDialog,
    GroupNameDialog,
    MoveContactsDialog,
    PresencePicker,
    SendFileDialog,
)
from console.tui.screens import AgentScreen, SupervisorScreen
from console.tui.screens.desktop_chat import DesktopChatScreen
from console.tui.widgets.chat import ChatTabs
from console.tui.widgets.connection import ConnectionBanner
from console.tui.widgets.desktop_chat import (
    ContactTree,
    DeskBar,
    DeskConversation,
    DeskConversationTabs,
    DeskInput,
    DeskTranscript,
)
from console.tui.widgets.desktop_chat.desktop_chat import DOWNLOADS_ENV
from console.tui.widgets.status import AgentStatusBar
from tests.tui.conftest import CountingBells, WebVisitor, stop_server, toasts, wait_for

pytestmark = pytest.mark.tui

DESK = "/api/v1/desktop-chat"


class Colleague:
    """A colleague at another console, on the HTTP API."""

    def __init__(self, http: httpx.AsyncClient, username: str) -> None:
        self.http = http
        self.username = username
        self.headers: dict[str, str] = {}
        self._listener: asyncio.Task | None = None

    async def stop(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener

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

    async def listen(self) -> list[dict[str, Any]]:
        """Follows my event stream in the background; returns the list its frames go into."""
        frames: list[dict[str, Any]] = []
        url = str(self.http.base_url).replace("http://", "ws://") + "/api/v1/events"

        async def follow() -> None:
            async with websockets.connect(url, additional_headers=self.headers) as ws:
                async for raw in ws:
                    frames.append(json.loads(raw))

        self._listener = asyncio.create_task(follow())
        for _ in range(250):  # the stream exists once its snapshots came
            if any(f.get("topic") == "desk.session" for f in frames):
                return frames
            await asyncio.sleep(0.02)
        pytest.fail("no event stream for " + self.username)

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
    await pilot.press("f6")
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


async def shown(pilot, desk: DesktopChatScreen, username: str) -> DeskConversation:
    """The conversation with ``username`` once its tab is open and mounted."""
    tabs = desk.query_one(DeskConversationTabs)
    return await wait_for(pilot, lambda: (w := tabs.get(username)) is not None and w.ready and w,
                          what=f"the conversation with {username}")


def transcript(desk: DesktopChatScreen, username: str) -> list[str]:
    window = desk.query_one(DeskConversationTabs).get(username)
    if window is None or not window.ready:
        return []
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
        await pilot.press("f6")  # back to the queues: messages now arrive out of view
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
        window = await shown(pilot, desk, "ben")
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
        await wait_for(pilot, lambda: transcript(desk, "ben")[-1].endswith("You: Sure, send it over."),
                       what="my message in the conversation")

        # Ben sees Alicia typing; leaving desktop chat mid-sentence takes "typing" away again.
        frames = await ben.listen()
        typing = lambda: [f["data"]["typing"] for f in frames if f["topic"] == "desk.typing"]  # noqa: E731
        await pilot.press(*"Wait")
        await wait_for(pilot, lambda: typing() == [True], what="Ben told Alicia types")
        await pilot.press("f6")
        await wait_for(pilot, lambda: typing() == [True, False], what="Ben told she stopped")
        await ben.stop()
        desk = await open_desk(pilot, app)
        window = await shown(pilot, desk, "ben")
        assert window.draft == "Wait", "the unsent text waits in the reply line"

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
        window = await shown(pilot, desk, "ben")
        await ben.call("DELETE", "/session")
        await wait_for(pilot, lambda: desk.state.presence_of("ben") == "offline", what="Ben offline")
        assert "offline" in window.query_one(DeskInput).placeholder
        window.focus_reply()
        await pilot.press(*"Are you there?", "enter")
        await wait_for(pilot, lambda: any("Ben Brooks is offline" in t for t in toasts(app)), what="the refusal")
        assert window.draft == "Are you there?"
        assert await ben.texts() == ["Hi"]


def group_lines(desk: DesktopChatScreen) -> dict[str, list[str]]:
    """Group name -> its contact lines (display names) as the contact list shows them."""
    tree = desk.query_one(ContactTree)
    return {
        str(group.label).rsplit(" ", 1)[0]: [str(leaf.label) for leaf in group.children]
        for group in tree.root.children if group.data.kind == "group"
    }


async def cursor_to(pilot, desk: DesktopChatScreen, *, username: str | None = None, group: str | None = None) -> None:
    """Moves the contact list's cursor with the arrow keys to a contact or a group line."""
    tree = desk.query_one(ContactTree)
    tree.focus()
    await pilot.pause()
    target = None
    for node in tree.root.children:
        row = node.data
        if group is not None and row.kind == "group" and tree.describe(row) == group:
            target = node
        for leaf in node.children:
            if username is not None and leaf.data.kind == "contact" and leaf.data.username == username:
                target = target or leaf
    assert target is not None, f"no line for {username or group} in the contact list"
    while tree.cursor_line != target.line:
        await pilot.press("down" if tree.cursor_line < target.line else "up")
    assert tree.cursor_node is target


async def fill(pilot, field: Input, text: str, *then: str) -> None:
    """Puts ``text`` in a form field (as a paste would: typing it key by key is slow under Pilot),
    then presses ``then`` there."""
    field.focus()
    field.value = text
    await pilot.pause()
    await pilot.press(*then)


async def form(pilot, app: CallboardApp, kind: type) -> Any:
    return await wait_for(pilot, lambda: isinstance(app.screen, kind) and app.screen, what=kind.__name__)


async def choose_group(pilot, dialog: Any, label: str) -> None:
    """Opens the group list of a form with the keyboard and picks ``label`` with the arrow keys."""
    select = dialog.query_one("#group", Select)
    select.focus()
    await pilot.press("enter")
    await wait_for(pilot, lambda: select.expanded, what="the group list")
    overlay = select.query_one("SelectOverlay", OptionList)
    target = [option for option, _ in dialog._groups.options].index(label)
    while overlay.highlighted != target:
        await pilot.press("down" if (overlay.highlighted or 0) < target else "up")
    await pilot.press("enter")
    await wait_for(pilot, lambda: not select.expanded, what="the group chosen")


async def test_contacts_panel_adds_edits_moves_and_deletes_contacts_and_groups(
    demo_server: ServerThread, http: httpx.AsyncClient, config_file: Path,
):
    app = console(demo_server, config_file)
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        await signed_in(pilot, app)
        desk = await open_desk(pilot, app)
        await sign_in_to_desk(pilot, app, desk)
        tree = desk.query_one(ContactTree)
        tree.focus()

        # Add Ben to a new group, searching the directory by name.
        await pilot.press("a")
        dialog = await form(pilot, app, AddContactDialog)
        await pilot.press(*"brooks")
        await wait_for(pilot, lambda: dialog._chosen == "ben", what="Ben found and chosen")
        assert dialog.query_one("#display-name", Input).value == "Ben Brooks"
        assert dialog.query_one("#new-group-row").display  # no group yet: a new one
        await fill(pilot, dialog.query_one("#new-group", Input), "Sales team", "enter")
        await wait_for(pilot, lambda: group_lines(desk) == {"Sales team": ["Ben Brooks"]}, what="Ben in Sales team")

        # Carmen by user id into the existing group, with a display name of Alicia's choosing.
        await pilot.press("a")
        dialog = await form(pilot, app, AddContactDialog)
        await pilot.press(*"carmen")
        await wait_for(pilot, lambda: dialog._chosen == "carmen", what="Carmen chosen")
        await fill(pilot, dialog.query_one("#display-name", Input), "Carmen (Support)", "ctrl+s")
        await wait_for(pilot, lambda: group_lines(desk) == {"Sales team": ["Ben Brooks", "Carmen (Support)"]},
                       what="Carmen added")

        # A group name that exists already: refused inside the form, which keeps what was typed.
        await pilot.press("a")
        dialog = await form(pilot, app, AddContactDialog)
        await pilot.press(*"dev")
        await wait_for(pilot, lambda: dialog._chosen == "dev", what="Dev chosen")
        await choose_group(pilot, dialog, "New group…")
        await fill(pilot, dialog.query_one("#new-group", Input), "SALES TEAM", "enter")
        error = dialog.query_one("#form-error", Static)
        await wait_for(pilot, lambda: "already have a group" in str(error.render()), what="the duplicate refused")
        assert app.screen is dialog and dialog.query_one("#new-group", Input).value == "SALES TEAM"
        await fill(pilot, dialog.query_one("#new-group", Input), "Night shift", "enter")
        await wait_for(pilot, lambda: "Night shift" in group_lines(desk), what="Dev in a new group")

        # Edit Ben: another display name, and into Night shift.
        await cursor_to(pilot, desk, username="ben")
        await pilot.press("e")
        dialog = await form(pilot, app, EditContactDialog)
        name = dialog.query_one("#display-name", Input)
        name.value = "Ben (Sales)"
        await choose_group(pilot, dialog, "Night shift")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: group_lines(desk) == {"Night shift": ["Ben (Sales)", "Dev Desai"],
                                                            "Sales team": ["Carmen (Support)"]}, what="Ben edited")

        # Mark two contacts and move them together to a new group.
        await cursor_to(pilot, desk, username="ben")
        await pilot.press("space")
        await cursor_to(pilot, desk, username="dev")
        await pilot.press("space")
        assert sorted(tree.marked) == [("ben", desk.state.roster.groups[0].id), ("dev", desk.state.roster.groups[0].id)]
        await pilot.press("m")
        dialog = await form(pilot, app, MoveContactsDialog)
        assert dialog._entries and len(dialog._entries) == 2
        await choose_group(pilot, dialog, "New group…")
        await fill(pilot, dialog.query_one("#new-group", Input), "Escalations", "enter")
        await wait_for(pilot, lambda: group_lines(desk).get("Escalations") == ["Ben (Sales)", "Dev Desai"],
                       what="both moved")
        assert group_lines(desk)["Night shift"] == [] and tree.marked == set()

        # Rename a group.
        await cursor_to(pilot, desk, group="Night shift")
        await pilot.press("r")
        dialog = await form(pilot, app, GroupNameDialog)
        dialog.query_one("#group-name", Input).value = "Nights"
        await pilot.press("enter")
        await wait_for(pilot, lambda: "Nights" in group_lines(desk), what="the rename")

        # Delete a contact: asked first.
        await cursor_to(pilot, desk, username="carmen")
        await pilot.press("d")
        await form(pilot, app, ConfirmDialog)
        await pilot.press("y")
        await wait_for(pilot, lambda: group_lines(desk)["Sales team"] == [], what="Carmen deleted")

        # Delete a group with its contacts: asked first, and "no" keeps everything.
        await cursor_to(pilot, desk, group="Escalations")
        await pilot.press("d")
        confirm = await form(pilot, app, ConfirmDialog)
        assert "2 contacts" in str(confirm.query_one("#question", Static).render())
        await pilot.press("n")
        await pilot.pause(0.2)
        assert "Escalations" in group_lines(desk)
        await pilot.press("d")
        await form(pilot, app, ConfirmDialog)
        await pilot.press("y")
        await wait_for(pilot, lambda: group_lines(desk) == {"Nights": [], "Sales team": []}, what="group deleted")


async def test_a_colleague_from_recent_chats_is_added_as_a_contact(
    demo_server: ServerThread, http: httpx.AsyncClient, config_file: Path,
):
    erin = await Colleague(http, "erin").sign_in()
    app = console(demo_server, config_file)
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        await signed_in(pilot, app)
        desk = await open_desk(pilot, app)
        await sign_in_to_desk(pilot, app, desk)
        await erin.say("alicia", "Hello from Billing")
        tree = desk.query_one(ContactTree)
        await wait_for(pilot, lambda: any(str(n.label) == "Erin Ellis" for g in tree.root.children
                                          for n in g.children if n.data.kind == "recent"), what="Erin in Recent Chats")
        tree.focus()
        for _ in range(10):
            if tree.row is not None and tree.row.kind == "recent":
                break
            await pilot.press("down")
        await pilot.press("a")
        dialog = await form(pilot, app, AddContactDialog)
        assert dialog._chosen == "erin" and dialog.query_one("#display-name", Input).value == "Erin Ellis"
        await fill(pilot, dialog.query_one("#new-group", Input), "Billing", "enter")
        await wait_for(pilot, lambda: group_lines(desk) == {"Billing": ["Erin Ellis"]}, what="Erin added")
        erin_line = tree.root.children[0].children[0]
        assert str(tree.render_label(erin_line, tree.rich_style, tree.rich_style)) == "● Erin Ellis"
        await erin.call("PUT", "/presence", json={"presence": "away"})
        await wait_for(pilot, lambda: str(tree.render_label(tree.root.children[0].children[0], tree.rich_style,
                                                            tree.rich_style)) == "◐ Erin Ellis", what="Erin away")


async def test_files_are_sent_from_a_path_and_an_offered_one_saved_without_overwriting(
    demo_server: ServerThread, http: httpx.AsyncClient, config_file: Path, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
):
    downloads = tmp_path / "Downloads"
    downloads.mkdir()
    (downloads / "visitor notes.txt").write_text("Alicia's own notes")
    monkeypatch.setenv(DOWNLOADS_ENV, str(downloads))
    ben = await Colleague(http, "ben").sign_in()
    app = console(demo_server, config_file)
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        await signed_in(pilot, app)
        desk = await open_desk(pilot, app)
        await sign_in_to_desk(pilot, app, desk)

        # Ben offers a file: Alicia sees its name and size, accepts, and it lands beside hers.
        content = b"Visitor asked about order 4411.\n" * 64
        await ben.offer("alicia", "visitor notes.txt", content)
        window = await shown(pilot, desk, "ben")
        offer_line = window.query_one("#desk-offer", Label)
        await wait_for(pilot, lambda: "visitor notes.txt (2.0 KB)" in str(offer_line.render()), what="the offer")
        assert "offers 📎 visitor notes.txt (2.0 KB)" in transcript(desk, "ben")[-1]
        await pilot.press("alt+y")
        saved = downloads / "visitor notes (1).txt"
        await wait_for(pilot, lambda: saved.exists() and saved.read_bytes() == content, what="the file saved")
        assert (downloads / "visitor notes.txt").read_text() == "Alicia's own notes"
        await wait_for(pilot, lambda: "accepted" in transcript(desk, "ben")[-1], what="shown as accepted")
        assert await ben.files() == {"visitor notes.txt": "accepted"}
        assert not window.query_one("#desk-offer", Label).has_class("-shown")

        # Sending: a path that does not exist, too big a file, a type not allowed — each said in the form.
        window.focus_reply()
        await pilot.press("alt+u")
        dialog = await form(pilot, app, SendFileDialog)
        missing = tmp_path / "no such file.pdf"
        await fill(pilot, dialog.query_one("#path", Input), str(missing), "enter")
        error = dialog.query_one("#form-error", Static)
        await wait_for(pilot, lambda: "There is no file at" in str(error.render()), what="the missing file")
        assert dialog.query_one("#path", Input).value == str(missing)
        big = tmp_path / "huge.pdf"
        with big.open("wb") as f:
            f.truncate(desk.state.policy.max_bytes + 1)
        dialog.query_one("#path", Input).value = str(big)
        await pilot.press("enter")
        await wait_for(pilot, lambda: "at most 5.0 MB" in str(error.render()), what="the size limit")
        program = tmp_path / "tool.exe"
        program.write_bytes(b"MZ")
        dialog.query_one("#path", Input).value = str(program)
        await pilot.press("enter")
        await wait_for(pilot, lambda: "cannot be sent" in str(error.render()), what="the type refused")
        assert await ben.files() == {"visitor notes.txt": "accepted"}

        report = tmp_path / "Q3 report.pdf"
        report.write_bytes(b"%PDF-1.7 " + b"0" * 3000)
        dialog.query_one("#path", Input).value = str(report)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is desk, what="the form to close")
        await wait_for(pilot, lambda: "waiting for Ben Brooks to accept" in transcript(desk, "ben")[-1],
                       what="the offer shown")
        offers = [m for m in await ben.call("GET", "/messages") if m["file"] and m["file"]["name"] == "Q3 report.pdf"]
        assert offers[0]["file"]["size"] == 3009
        await ben.call("POST", f"/attachments/{offers[0]['id']}/decline")
        await wait_for(pilot, lambda: "Ben Brooks declined it" in transcript(desk, "ben")[-1], what="the decline")


async def test_desktop_chat_fits_80_by_24_and_takes_turns_when_narrower(
    demo_server: ServerThread, http: httpx.AsyncClient, config_file: Path,
):
    ben = await Colleague(http, "ben").sign_in()
    app = console(demo_server, config_file)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await signed_in(pilot, app)
        desk = await open_desk(pilot, app)
        await sign_in_to_desk(pilot, app, desk)
        await ben.say("alicia", "Hi")
        tabs = desk.query_one(DeskConversationTabs)
        contacts = desk.query_one("#contacts-panel")
        reply = (await shown(pilot, desk, "ben")).query_one(DeskInput)
        await wait_for(pilot, lambda: reply.region.height > 0, what="the reply line laid out")
        assert contacts.region.width == 26 and tabs.region.width == 80 - 26
        assert reply.region.bottom <= 23  # above the footer

        await pilot.resize_terminal(60, 24)
        await wait_for(pilot, lambda: tabs.region.width == 60 and contacts.region.width == 0,
                       what="the conversation to take the whole width")
        await pilot.press("alt+l")
        await wait_for(pilot, lambda: contacts.region.width == 60, what="the contacts in turn")
        assert isinstance(app.focused, ContactTree) and tabs.region.width == 0
        tree = desk.query_one(ContactTree)
        recent = tree.root.children[-1]
        assert tree.row == recent.data and recent.is_expanded
        await pilot.press("enter")  # a group line: enter folds it, as in any tree
        await wait_for(pilot, lambda: not recent.is_expanded, what="Recent Chats folded")
        await pilot.press("f1")
        help_dialog = await wait_for(pilot, lambda: isinstance(app.screen, HelpDialog) and app.screen, what="help")
        assert "Recent Chats" in help_dialog.query_one(Markdown).source
        keys = help_dialog.query_one("#keys", DataTable)
        actions = {str(keys.get_row_at(i)[1]) for i in range(keys.row_count)}
        assert {"Chat", "Mark", "Add", "Presence", "Back"} <= actions
        assert "Delete" not in actions and "Rename" not in actions  # Recent Chats is not a group of hers
        await pilot.press("escape")
        await pilot.press("alt+c")
        await wait_for(pilot, lambda: tabs.region.width == 60, what="back to the conversation")
        assert isinstance(app.focused, DeskInput)


async def test_an_acd_chat_alerting_during_desktop_chat_is_picked_up_from_there(
    demo_server: ServerThread, http: httpx.AsyncClient, config_file: Path,
):
    app = console(demo_server, config_file)
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        agent = await signed_in(pilot, app)
        desk = await open_desk(pilot, app)
        vera = WebVisitor(http, "Vera")
        await vera.start("Sales")
        await wait_for(pilot, lambda: agent.state.first_alerting() is not None, what="the alert")
        await wait_for(pilot, lambda: any("Vera" in t for t in toasts(app)), what="the alert shown over desktop chat")
        await wait_for(pilot, lambda: desk.check_action("pickup_alerting", ()), what="Pick up offered")
        await pilot.press("alt+a")
        await wait_for(pilot, lambda: app.screen is agent, what="back to the queues")
        await wait_for(pilot, lambda: agent.query_one(ChatTabs).active is not None, what="the chat picked up")


async def test_a_supervisor_chats_with_an_agent_from_the_supervisor_console(
    demo_server: ServerThread, http: httpx.AsyncClient, config_file: Path,
):
    ben = await Colleague(http, "ben").sign_in()
    app = CountingBells(demo_server.url, "sam", "demo", config_path=config_file)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        supervisor = await wait_for(pilot, lambda: isinstance(app.screen, SupervisorScreen) and app.screen,
                                    what="the supervisor screen")
        await wait_for(pilot, lambda: supervisor.desk.state.me is not None, what="desktop chat's snapshot")
        desk_line = lambda: str(supervisor.query_one(AgentStatusBar).query_one("#desk-chat", Label).render())  # noqa: E731
        assert "f3" in desk_line().lower() and "Offline" in desk_line()

        await pilot.press("f3")
        desk = await wait_for(pilot, lambda: isinstance(app.screen, DesktopChatScreen) and app.screen,
                              what="the desktop-chat screen")
        assert not desk.check_action("pickup_alerting", ()), "supervisors are not alerted ACD interactions"
        await sign_in_to_desk(pilot, app, desk)
        await pilot.press("f3")  # the key that opened it goes back
        await wait_for(pilot, lambda: app.screen is supervisor, what="back to the supervisor screen")

        await ben.say("sam", "Sales is filling up, can you watch?")
        await wait_for(pilot, lambda: supervisor.desk.state.unread == 1, what="the unread message")
        await wait_for(pilot, lambda: any("Sales is filling up" in t for t in toasts(app)), what="the notification")
        assert app.bells == 1 and "1 new" in desk_line()

        await pilot.press("f3")
        desk = await wait_for(pilot, lambda: isinstance(app.screen, DesktopChatScreen) and app.screen,
                              what="the desktop-chat screen again")
        window = await shown(pilot, desk, "ben")
        assert transcript(desk, "ben")[-1].endswith("Ben Brooks: Sales is filling up, can you watch?")
        await wait_for(pilot, lambda: isinstance(app.focused, DeskInput), what="the reply line")
        await pilot.press(*"On it.")
        await pilot.press("enter")
        await wait_for(pilot, lambda: window.draft == "", what="the reply to be sent")
        assert "On it." in await ben.texts()
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is supervisor, what="back to the supervisor screen")
        assert "Available" in desk_line()


async def test_desktop_chat_rides_out_a_server_restart_keeping_the_typed_text_and_history(
    data_dir: Path, config_file: Path,
):
    server = ServerThread(data_dir).start()
    port = server.port
    app = CountingBells(server.url, "alicia", "demo", config_path=config_file)
    try:
        async with app.run_test(size=(100, 32), notifications=True) as pilot, \
                httpx.AsyncClient(base_url=server.url, timeout=10) as http:
            await signed_in(pilot, app)
            desk = await open_desk(pilot, app)
            await sign_in_to_desk(pilot, app, desk)
            ben = await Colleague(http, "ben").sign_in()
            await ben.say("alicia", "Before the restart")
            window = await shown(pilot, desk, "ben")
            banner = desk.query_one("#desk-banner", ConnectionBanner)
            assert not banner.display

            await stop_server(server)
            await wait_for(pilot, lambda: banner.display, what="the offline banner on desktop chat")
            window.focus_reply()
            await pilot.press(*"Still there?", "enter")
            await wait_for(pilot, lambda: any("does not answer" in t for t in toasts(app)), what="the failure")
            assert window.draft == "Still there?"

            server = ServerThread(data_dir, port=port).start()
            await wait_for(pilot, lambda: not banner.display, timeout=15, what="the banner to clear")
            await ben.say("alicia", "After the restart")  # Ben's session survived the restart too
            await wait_for(pilot, lambda: transcript(desk, "ben")[-1].endswith("After the restart"),
                           what="the conversation to carry on")
            assert any(line.endswith("Before the restart") for line in transcript(desk, "ben"))
            window.focus_reply()
            await pilot.press("enter")
            await wait_for(pilot, lambda: window.draft == "", what="the kept text to be sent")
            assert "Still there?" in await ben.texts()
    finally:
        await stop_server(server)
