"""Desktop-chat conversations as tabs, numbered for alt+1…9, with unread counts and typing marks."""

from __future__ import annotations

import asyncio

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static, TabbedContent, TabPane

from console.tui.desktop_chat_model import Conversation, DeskState
from console.tui.widgets.desktop_chat.conversation import DeskConversation


class DeskConversationTabs(Vertical):
    """One tab per open conversation: ``1 Ben Brooks (2)`` has two unread messages, ``✎``
    marks a colleague typing. A tab with unread messages carries the class ``-unread``."""

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
        super().__init__(id=id, classes="-empty")
        self.state = state
        self._windows: dict[str, DeskConversation] = {}
        self._pane_ids: dict[str, str] = {}
        self._next_pane = 0
        self._focus_pending: str | None = None
        self._focus_attempts = 0
        self._opening: dict[str, asyncio.Event] = {}
        self.placeholder = "No conversations."

    def compose(self) -> ComposeResult:
        yield TabbedContent(id="desk-tabs")
        yield Static(self.placeholder, id="desk-none")

    @property
    def _tabs(self) -> TabbedContent:
        return self.query_one("#desk-tabs", TabbedContent)

    def set_placeholder(self, text: str) -> None:
        self.placeholder = text
        self.query_one("#desk-none", Static).update(text)

    @property
    def windows(self) -> list[DeskConversation]:
        return list(self._windows.values())

    def get(self, username: str) -> DeskConversation | None:
        return self._windows.get(username)

    @property
    def active(self) -> DeskConversation | None:
        active = self._tabs.active
        return next((w for u, w in self._windows.items() if self._pane_ids[u] == active), None)

    # -- opening and closing -----------------------------------------------------------------
    async def open(self, conversation: Conversation, offer_hint: str) -> DeskConversation:
        """The conversation's tab, opened if needed."""
        window = self._windows.get(conversation.username)
        if window is not None:
            if (opening := self._opening.get(conversation.username)) is not None:
                await opening.wait()  # opened by a concurrent caller (the reply and its echo)
            return window
        self._next_pane += 1
        pane_id = self._pane_ids[conversation.username] = f"desk-conversation-{self._next_pane}"
        window = DeskConversation(conversation, self.state)
        window.offer_hint = offer_hint
        self._windows[conversation.username] = window
        self._sync_classes()
        self._opening[conversation.username] = opening = asyncio.Event()
        try:
            await self._tabs.add_pane(TabPane(conversation.name, window, id=pane_id))
        finally:
            opening.set()
            del self._opening[conversation.username]
        if len(self._windows) == 1:
            self._tabs.active = pane_id
        self.relabel()
        self.post_message(self.ActiveChanged())
        return window

    async def close(self, username: str) -> None:
        if self._windows.pop(username, None) is None:
            return
        await self._tabs.remove_pane(self._pane_ids.pop(username))
        self._sync_classes()
        self.relabel()
        self.post_message(self.ActiveChanged())

    def _sync_classes(self) -> None:
        self.set_class(not self._windows, "-empty")
        self.set_class(bool(self._windows), "-has-conversations")

    # -- switching ---------------------------------------------------------------------------
    def activate(self, username: str, *, focus: bool = True) -> None:
        window = self._windows.get(username)
        if window is None:
            return
        focused = self.screen.focused
        if focused is not None and self in focused.ancestors and window not in focused.ancestors:
            # Otherwise hiding the old pane hands focus to its transcript, and
            # TabbedContent follows focus straight back to the old tab.
            self.screen.set_focus(None)
        self._tabs.active = self._pane_ids[username]
        if focus:
            self._focus_pending = username
            self._focus_attempts = 0
            self.call_after_refresh(self._focus_when_shown)

    def _focus_when_shown(self) -> None:
        """Focus the pending conversation's reply line once its tab shows (it takes a refresh or two)."""
        window = self._windows.get(self._focus_pending or "")
        if window is None or self.active is not window:
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
        windows = self.windows
        if not 1 <= number <= len(windows):
            return False
        self.activate(windows[number - 1].username)
        return True

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

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        event.stop()
        window = self.active
        if window is not None and window.username == self._focus_pending:
            self.call_after_refresh(self._focus_when_shown)
        self.post_message(self.ActiveChanged())
