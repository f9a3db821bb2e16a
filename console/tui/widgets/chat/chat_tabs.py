"""The conversation area: one tab per open chat or callback, with unread counts on the tabs."""

from __future__ import annotations

from collections.abc import Iterable

from textual.message import Message

from console.client import AgentClient
from console.tui.model import DISCONNECTED, HELD, is_callback
from console.tui.widgets.callback import CallbackWindow
from console.tui.widgets.chat.chat_window import ChatWindow
from console.tui.widgets.tabbed_conversations import TabbedConversations
from console.wire import InteractionView, TranscriptEntry, UserInfo

ConversationWindow = ChatWindow | CallbackWindow
"""What a tab holds: a chat, or a callback request (its tab label starts with ☎)."""


def pane_id(interaction_id: str) -> str:
    return f"chat-{interaction_id}"


class ChatTabs(TabbedConversations[ConversationWindow]):
    """Open chats and callbacks as tabs, numbered for alt+1…9; a tab with unread entries is marked.

    Entries that arrive for a conversation other than the active one count as unread
    until the agent switches to it.
    """

    TABS_ID = "chat-tabs"
    PLACEHOLDER_ID = "no-chats"

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
        &.-has-conversations #no-chats { display: none; }
    }
    """

    class ActiveChanged(Message):
        """A different chat (or none) is now in front."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("No open chats.", id=id)

    def pane_of(self, key: str) -> str:
        return pane_id(key)

    # -- opening and closing --------------------------------------------------------------
    async def open(self, view: InteractionView, client: AgentClient, *, me: UserInfo | None = None
                   ) -> ConversationWindow:
        """The interaction's window, opened if needed; returns once its tab exists."""

        def make() -> ConversationWindow:
            if is_callback(view):
                return CallbackWindow(view, client, me=me, id=f"callback-window-{view.id}")
            return ChatWindow(view, client, me=me, id=f"chat-window-{view.id}")

        return await self._open(view.id, view.remote_name, make)

    async def close(self, interaction_id: str) -> None:
        await self._close(interaction_id)

    # -- switching -----------------------------------------------------------------------
    def _brought_to_front(self, window: ConversationWindow) -> None:
        if window.unread:
            window.unread = 0
            self.relabel()

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
            self.relabel()

    def update_view(self, view: InteractionView) -> None:
        if (window := self._windows.get(view.id)) is not None:
            window.update_view(view)
            self.relabel()

    def relabel(self) -> None:
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
