"""The console's desktop chat: its state, its server calls, and how its news reaches the user.

One ``DesktopChat`` lives as long as the agent screen that owns it. That screen forwards
every ``desk.*`` event of the stream (``apply``), whether or not the desktop-chat screen
is open; the desktop-chat screen, while open, registers itself as the ``view`` and is told
of each change. So a message that arrives while the agent works in the queues still
opens (or flags) its conversation, counts as unread, and pops up a notification with the
terminal bell — unless the user is in Do Not Disturb, where it only counts.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import platformdirs
from textual.screen import Screen

from console.client import AgentClient
from console.client.desktop_chat import DesktopChatClient, format_size
from console.tui.widgets.status import AgentStatusBar
from console.tui.desktop_chat_model import DND, OFFLINE, PRESENCE_MARKS, Arrival, DeskState, presence_label
from console.wire_desktop_chat import DeskMe, DeskMessage, DeskRoster, DirectoryEntry

if TYPE_CHECKING:
    from console.tui.screens.desktop_chat import DesktopChatScreen

DOWNLOADS_ENV = "CALLBOARD_DOWNLOADS"
"""Overrides the folder received files are saved in (default: the platform's downloads folder)."""

PREVIEW_CHARS = 160


def downloads_folder() -> Path:
    return Path(os.environ.get(DOWNLOADS_ENV) or platformdirs.user_downloads_dir())


@dataclass(frozen=True, slots=True)
class DeskChange:
    """What changed, for the desktop-chat screen to redraw."""

    kind: Literal["me", "roster", "presence", "message", "typing", "file", "history"]
    username: str | None = None
    arrival: Arrival | None = None
    message: DeskMessage | None = None


class DesktopChat:
    """Desktop chat of one console session (see the module docstring)."""

    def __init__(self, host: Screen, client: AgentClient, username: str, *, open_key: str = "f6",
                 downloads: Callable[[], Path] = downloads_folder) -> None:
        self.host = host
        self.open_key = open_key
        """The host screen's default key for desktop chat (binding ``desktop-chat``), named in hints."""
        self.api = DesktopChatClient(client)
        self.state = DeskState(username)
        self.downloads = downloads
        self.view: DesktopChatScreen | None = None
        self._history_loaded = False

    def open(self) -> None:
        """Brings the desktop-chat screen to the front."""
        # Imported here: the screen's module refers back to this one.
        from console.tui.screens.desktop_chat import DesktopChatScreen

        if self.view is None:
            self.host.app.push_screen(DesktopChatScreen(self))

    # -- where the user is looking ------------------------------------------------------
    def in_view(self) -> str | None:
        """The conversation the user is looking at now, if any."""
        view = self.view
        if view is None or not view.is_mounted or not view.is_current:
            return None
        return view.active_conversation

    async def _changed(self, change: DeskChange) -> None:
        self._show_summary()
        if self.view is not None and self.view.is_mounted:
            await self.view.desk_changed(change)

    def summary(self) -> tuple[str, str]:
        """What the agent screen's status line says of desktop chat, and its tone."""
        presence = self.state.my_presence
        unread = self.state.unread
        # With messages waiting the count matters more than the word; the mark still shows the presence.
        what = f"{unread} new" if unread else presence_label(presence)
        return f"chat {PRESENCE_MARKS.get(presence, '')} {what}", f"{presence}{' unread' if unread else ''}"

    def _show_summary(self) -> None:
        text, tone = self.summary()
        key = self.host.app.key_hint("desktop-chat", self.open_key)
        for bar in self.host.query(AgentStatusBar):
            bar.desk_chat = f"· {key} {text}"
            bar.desk_tone = tone

    # -- events from the stream --------------------------------------------------------------
    async def apply(self, frame: dict[str, Any]) -> None:
        """One ``desk.*`` frame of the event stream."""
        topic, data = frame.get("topic"), frame.get("data") or {}
        if topic == "desk.session":
            self.state.apply_snapshot(data)
            await self._changed(DeskChange("roster"))
            await self._changed(DeskChange("me"))
            self.host.run_worker(self._load_history(), group="desk-history", exclusive=True, exit_on_error=False,
                                 name="load the desktop-chat history")
        elif topic == "desk.roster":
            self.state.apply_roster(data)
            await self._changed(DeskChange("roster"))
        elif topic == "desk.presence":
            username = self.state.apply_presence(data)
            await self._changed(DeskChange("me" if username == self.state.username else "presence", username))
        elif topic == "desk.message":
            await self.deliver(DeskMessage.model_validate(data))
        elif topic == "desk.typing":
            sender = data.get("from", "")
            if self.state.set_typing(sender, bool(data.get("typing"))) is not None:
                await self._changed(DeskChange("typing", sender))
        elif topic == "desk.attachment":
            message = DeskMessage.model_validate(data)
            if self.state.update_file(message) is not None:
                await self._changed(DeskChange("file", message=message))
            if message.sender == self.state.username and message.file is not None and self.in_view() != message.to:
                self._notify(f"{self.state.display_name(message.to)} {message.file.state} {message.file.name}.",
                             "File answered", bell=False)

    async def _load_history(self) -> None:
        """The session's messages again after a (re)connect: those new to us count as unread."""
        messages = await self.api.messages()
        first = not self._history_loaded
        self._history_loaded = True
        new = 0
        for message in messages:
            arrival = self.state.receive(message, in_view=self.in_view(), count_unread=not first)
            if arrival is not None and arrival.unread:
                new += 1
        for message in messages:  # answered offers: their state may have changed meanwhile
            if message.file is not None:
                self.state.update_file(message)
        await self._changed(DeskChange("history"))
        if new and self.state.my_presence != DND:
            self._notify(f"{new} new desktop-chat message{'s' if new != 1 else ''} while the connection was down.",
                         "Desktop chat")

    async def deliver(self, message: DeskMessage) -> Arrival | None:
        arrival = self.state.receive(message, in_view=self.in_view())
        if arrival is None:
            await self._changed(DeskChange("file", message=message))
            return None
        await self._changed(DeskChange("message", message.sender, arrival=arrival))
        if arrival.unread and self.state.my_presence != DND:
            name = arrival.conversation.name
            if message.file is not None:
                text = f"offers you {message.file.name} ({format_size(message.file.size)})."
            else:
                text = message.text if len(message.text) <= PREVIEW_CHARS else message.text[:PREVIEW_CHARS] + "…"
            key = self.host.app.key_hint("desktop-chat", self.open_key)
            self._notify(text, f"{name} · desktop chat ({key})")
        return arrival

    def _notify(self, text: str, title: str, *, bell: bool = True) -> None:
        if self.state.my_presence == DND:
            return
        self.host.app.notify(text, title=title, timeout=8)
        if bell:
            self.host.app.bell()

    # -- conversations ------------------------------------------------------------------------
    async def open_conversation(self, username: str) -> None:
        self.state.open(username)
        await self._changed(DeskChange("message", username))

    def mark_read(self, username: str) -> None:
        if self.state.mark_read(username):
            self._show_summary()

    # -- server calls (raise ApiError; the caller shows it and keeps what was typed) ---------------
    async def _me(self, me: DeskMe) -> DeskMe:
        self.state.apply_me(me)
        self.state.presence[me.username] = me.presence
        await self._changed(DeskChange("me"))
        return me

    async def sign_in(self) -> DeskMe:
        return await self._me(await self.api.sign_in())

    async def sign_out(self) -> DeskMe:
        return await self._me(await self.api.sign_out())

    async def set_presence(self, presence: str) -> DeskMe:
        return await self._me(await self.api.set_presence(presence))

    async def send(self, to: str, text: str) -> DeskMessage:
        message = await self.api.send(to, text)
        await self.deliver(message)
        return message

    async def typing(self, to: str, typing: bool) -> None:
        if self.state.signed_in and self.state.presence_of(to) != OFFLINE:
            await self.api.typing(to, typing)

    async def send_file(self, to: str, path: str) -> DeskMessage:
        message = await self.api.send_file(to, path, self.state.policy)
        await self.deliver(message)
        return message

    async def accept(self, message: DeskMessage) -> Path:
        path = await self.api.accept_file(message, self.downloads())
        assert message.file is not None
        updated = message.model_copy(update={"file": message.file.model_copy(update={"state": "accepted"})})
        self.state.update_file(updated)
        await self._changed(DeskChange("file", message=updated))
        return path

    async def decline(self, message: DeskMessage) -> DeskMessage:
        answered = await self.api.decline_file(message.id)
        self.state.update_file(answered)
        await self._changed(DeskChange("file", message=answered))
        return answered

    async def search(self, query: str) -> list[DirectoryEntry]:
        return await self.api.search(query)

    async def _roster(self, roster: DeskRoster) -> DeskRoster:
        self.state.apply_roster(roster)
        await self._changed(DeskChange("roster"))
        return roster

    async def add_contact(self, username: str, display_name: str | None, *, group_id: int | None = None,
                          new_group: str | None = None) -> DeskRoster:
        return await self._roster(await self.api.add_contact(username, display_name, group_id=group_id,
                                                             new_group=new_group))

    async def edit_contact(self, username: str, group_id: int, *, display_name: str | None = None,
                           to_group_id: int | None = None, new_group: str | None = None) -> DeskRoster:
        return await self._roster(await self.api.edit_contact(
            username, group_id, display_name=display_name, to_group_id=to_group_id, new_group=new_group))

    async def move_contacts(self, entries: list[tuple[str, int]], *, group_id: int | None = None,
                            new_group: str | None = None) -> DeskRoster:
        return await self._roster(await self.api.move_contacts(entries, group_id=group_id, new_group=new_group))

    async def delete_contacts(self, entries: list[tuple[str, int]]) -> DeskRoster:
        return await self._roster(await self.api.delete_contacts(entries))

    async def create_group(self, name: str) -> DeskRoster:
        return await self._roster(await self.api.create_group(name))

    async def rename_group(self, group_id: int, name: str) -> DeskRoster:
        return await self._roster(await self.api.rename_group(group_id, name))

    async def delete_group(self, group_id: int) -> DeskRoster:
        return await self._roster(await self.api.delete_group(group_id))
