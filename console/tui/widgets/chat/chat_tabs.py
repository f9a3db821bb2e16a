"""The conversation area: one tab per open chat or callback, with unread counts on the tabs."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static, TabbedContent, TabPane

from console.client import AgentClient
from console.tui.model import DISCONNECTED, HELD, is_callback
from console.tui.widgets.callback import CallbackWindow
from console.tui.widgets.chat.chat_window import ChatWindow
from console.wire import InteractionView, TranscriptEntry, UserInfo

ConversationWindow = ChatWindow | CallbackWindow
"""What a tab holds: a chat, or a callback request (its tab label starts with ☎)."""


def pane_id(interaction_id: str) -> str:
    return f"chat-{interaction_id}"


class ChatTabs(Vertical):
    """Open chats and callbacks as tabs, numbered for alt+1…9; a tab with unread entries is marked.

    Entries that arrive for a conversation other than the active one count as unread
    until the agent switches to it.
    """

    DEFAULT_CSS = """
    ChatTabs {
        height: 1fr;
        #chat-tabs { height: 1fr; }
        ContentSwitcher { height: 1fr; }
        TabPane { padding: 0; height: 1fr; }
        Tab.-unread { color: $accent; text-style: bold; }
        #no-chats {
            height: 1fr;
            content-align: center middle;
            color: $text-muted;
            background: $surface;
        }
        &.-empty #chat-tabs { display: none; }
        &.-has-chats #no-chats { display: none; }
    }
    """

    class ActiveChanged(Message):
        """A different chat (or none) is now in front."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="-empty")
        self._windows: dict[str, ConversationWindow] = {}
        self._focus_pending: str | None = None
        self._focus_attempts = 0
        self._opening: dict[str, asyncio.Event] = {}
        self.placeholder = "No open chats."

    def compose(self) -> ComposeResult:
        yield TabbedContent(id="chat-tabs")
        yield Static(self.placeholder, id="no-chats")

    @property
    def _tabs(self) -> TabbedContent:
        return self.query_one("#chat-tabs", TabbedContent)

    @property
    def windows(self) -> list[ConversationWindow]:
        return list(self._windows.values())

    def get(self, interaction_id: str) -> ConversationWindow | None:
        return self._windows.get(interaction_id)

    @property
    def active(self) -> ConversationWindow | None:
        active = self._tabs.active
        return next((w for w in self._windows.values() if pane_id(w.interaction_id) == active), None)

    def set_placeholder(self, text: str) -> None:
        self.placeholder = text
        # Not there while the console closes as the screen mounts; compose shows it otherwise.
        for label in self.query("#no-chats").results(Static):
            label.update(text)

    # -- opening and closing --------------------------------------------------------------
    async def open(self, view: InteractionView, client: AgentClient, *, me: UserInfo | None = None
                   ) -> ConversationWindow:
        """The interaction's window, opened if needed; returns once its tab exists."""
        if (window := self._windows.get(view.id)) is not None:
            if (opening := self._opening.get(view.id)) is not None:
                await opening.wait()  # opened by a concurrent caller (event vs. pickup reply)
            return window
        if is_callback(view):
            window = CallbackWindow(view, client, me=me, id=f"callback-window-{view.id}")
        else:
            window = ChatWindow(view, client, me=me, id=f"chat-window-{view.id}")
        self._windows[view.id] = window
        self._opening[view.id] = opening = asyncio.Event()
        self._sync_classes()
        try:
            await self._tabs.add_pane(TabPane(view.remote_name, window, id=pane_id(view.id)))
        finally:
            opening.set()
            del self._opening[view.id]
        if len(self._windows) == 1:
            self._tabs.active = pane_id(view.id)
        self._relabel()
        self.post_message(self.ActiveChanged())
        return window

    async def close(self, interaction_id: str) -> None:
        if self._windows.pop(interaction_id, None) is None:
            return
        await self._tabs.remove_pane(pane_id(interaction_id))
        self._sync_classes()
        self._relabel()
        self.post_message(self.ActiveChanged())

    def _sync_classes(self) -> None:
        self.set_class(not self._windows, "-empty")
        self.set_class(bool(self._windows), "-has-chats")

    # -- switching -----------------------------------------------------------------------
    def activate(self, interaction_id: str, *, focus: bool = True) -> None:
        window = self._windows.get(interaction_id)
        if window is None:
            return
        window.unread = 0
        self._relabel()
        focused = self.screen.focused
        if focused is not None and self in focused.ancestors and window not in focused.ancestors:
            # Otherwise hiding the old pane hands focus to its transcript, and
            # TabbedContent follows focus straight back to the old tab.
            self.screen.set_focus(None)
        self._tabs.active = pane_id(interaction_id)
        if focus:
            self._focus_pending = interaction_id
            self._focus_attempts = 0
            self.call_after_refresh(self._focus_when_shown)

    def _focus_when_shown(self) -> None:
        """Focus the pending chat's reply line once its tab is showing.

        A hidden widget cannot take focus, and a tab switch shows the pane only after a
        refresh or two; meanwhile Textual may move focus elsewhere. So keep trying briefly.
        """
        window = self._windows.get(self._focus_pending or "")
        if window is None or self._tabs.active != pane_id(window.interaction_id):
            self._focus_pending = None
            return
        pane = window.parent
        if pane is not None and not pane.display and self._focus_attempts < 20:
            self._focus_attempts += 1
            self.set_timer(0.02, self._focus_when_shown)
            return
        self._focus_pending = None
        window.focus_reply()

    def activate_number(self, number: int) -> bool:
        """Bring the chat shown as ``number`` (1-based) to the front."""
        windows = self.windows
        if not 1 <= number <= len(windows):
            return False
        self.activate(windows[number - 1].interaction_id)
        return True

    def next_unread(self) -> ConversationWindow | None:
        """The first chat with unread entries after the active one, wrapping around."""
        windows = self.windows
        active = self.active
        start = windows.index(active) + 1 if active in windows else 0
        for window in windows[start:] + windows[:start]:
            if window.unread and window is not active:
                return window
        return None

    # -- fed by the screen ---------------------------------------------------------------
    def deliver(self, interaction_id: str, entries: Iterable[TranscriptEntry]) -> None:
        window = self._windows.get(interaction_id)
        if window is None:
            return
        new = window.add_entries(entries)
        if window is not self.active:
            window.unread += sum(1 for e in new if e.sender_type != "agent")
            self._relabel()

    def update_view(self, view: InteractionView) -> None:
        if (window := self._windows.get(view.id)) is not None:
            window.update_view(view)
            self._relabel()

    def _relabel(self) -> None:
        tabs = self._tabs
        for number, window in enumerate(self._windows.values(), start=1):
            view = window.view
            name = f"☎ {view.remote_name}" if isinstance(window, CallbackWindow) else view.remote_name
            label = f"{number} {name}" if number <= 9 else name
            if view.state == HELD:
                label += " · held"
            elif view.state == DISCONNECTED:
                label += " · ended"
            if window.unread:
                label += f" ({window.unread})"
            try:
                tab = tabs.get_tab(pane_id(window.interaction_id))
            except Exception:  # noqa: BLE001 - the tab is still being mounted
                continue
            tab.label = label
            tab.set_class(bool(window.unread), "-unread")

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        event.stop()
        window = self.active
        if window is not None and window.unread:
            window.unread = 0
            self._relabel()
        if window is not None and window.interaction_id == self._focus_pending:
            self.call_after_refresh(self._focus_when_shown)
        self.post_message(self.ActiveChanged())
