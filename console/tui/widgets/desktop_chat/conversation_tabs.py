"""Desktop-chat conversations as tabs, numbered for alt+1…9, with unread counts and typing marks."""

from __future__ import annotations

from textual.message import Message

from console.tui.desktop_chat_model import Conversation, DeskState
from console.tui.widgets.desktop_chat.conversation import DeskConversation
from console.tui.widgets.tabbed_conversations import TabbedConversations


class DeskConversationTabs(TabbedConversations[DeskConversation]):
    """One tab per open conversation: ``1 Ben Brooks (2)`` has two unread messages, ``✎``
    marks a colleague typing. A tab with unread messages carries the class ``-unread``."""

    TABS_ID = "desk-tabs"
    PLACEHOLDER_ID = "desk-none"

    DEFAULT_CSS = """
    DeskConversationTabs {
        height: 1fr;
        #desk-tabs { height: 1fr; }
        ContentSwitcher { height: 1fr; }
        TabPane { padding: 0; height: 1fr; }
        Tab.-unread { color: $accent; text-style: bold; }
        #desk-none {
            height: 1fr;
            padding: 1 2;
            color: $text-muted;
            background: $surface;
        }
        &.-empty #desk-tabs { display: none; }
        &.-has-conversations #desk-none { display: none; }
    }
    """

    class ActiveChanged(Message):
        """Another conversation (or none) is now in front."""

    def __init__(self, state: DeskState, *, id: str | None = None) -> None:
        super().__init__("No conversations.", id=id)
        self.state = state
        self._pane_ids: dict[str, str] = {}
        """Colleague -> pane id: user names may hold characters an id cannot."""
        self._next_pane = 0

    def pane_of(self, key: str) -> str:
        return self._pane_ids[key]

    # -- opening and closing -----------------------------------------------------------------
    async def open(self, conversation: Conversation, offer_hint: str) -> DeskConversation:
        """The conversation's tab, opened if needed."""
        username = conversation.username
        if username not in self._pane_ids:
            self._next_pane += 1
            self._pane_ids[username] = f"desk-conversation-{self._next_pane}"

        def make() -> DeskConversation:
            window = DeskConversation(conversation, self.state)
            window.offer_hint = offer_hint
            return window

        return await self._open(username, conversation.name, make)

    async def close(self, username: str) -> None:
        if await self._close(username):
            self._pane_ids.pop(username, None)

    # -- switching ---------------------------------------------------------------------------
    def relabel(self) -> None:
        tabs = self._tabs
        for number, (username, window) in enumerate(self._windows.items(), start=1):
            conversation = window.conversation
            label = f"{number} {conversation.name}" if number <= 9 else conversation.name
            if conversation.typing:
                label += " ✎"
            if conversation.unread:
                label += f" ({conversation.unread})"
            try:
                tab = tabs.get_tab(self._pane_ids[username])
            except Exception:  # noqa: BLE001 - the tab is still being mounted
                continue
            tab.label = label
            tab.set_class(bool(conversation.unread), "-unread")
