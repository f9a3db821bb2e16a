"""Conversations as numbered tabs: the agent's chats and callbacks, and desktop chat.

Both keep one window per conversation in a ``TabbedContent``, open a window once even
when two callers ask at the same moment (an event and the reply to the request that
caused it), number the tabs for alt+1…9, and put the reply line in focus when a
conversation comes to the front. Subclasses say how a conversation's key becomes a pane
id, what a tab's label is, and define their own ``ActiveChanged`` message so screens
handle it by the subclass's name.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import ClassVar, Generic, TypeVar

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static, TabbedContent, TabPane

W = TypeVar("W", bound=Widget)

FOCUS_ATTEMPTS = 20
"""Refreshes to wait (20 ms apart) for a tab's pane to show before focusing its reply line."""


class TabbedConversations(Vertical, Generic[W]):
    """Open conversations as tabs, keyed by interaction id or colleague (see the module docstring).

    The widget carries ``-empty`` without conversations and ``-has-conversations`` with
    them, for its CSS to show the tabs or the placeholder.
    """

    TABS_ID: ClassVar[str]
    PLACEHOLDER_ID: ClassVar[str]
    ActiveChanged: ClassVar[type[Message]]

    def __init__(self, placeholder: str, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="-empty")
        self._windows: dict[str, W] = {}
        self._opening: dict[str, asyncio.Event] = {}
        self._focus_pending: str | None = None
        self._focus_attempts = 0
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        yield TabbedContent(id=self.TABS_ID)
        yield Static(self.placeholder, id=self.PLACEHOLDER_ID)

    # -- what subclasses say ----------------------------------------------------------------
    def pane_of(self, key: str) -> str:
        """The id of the tab pane holding conversation ``key``."""
        raise NotImplementedError

    def relabel(self) -> None:
        """Write every tab's label (number, name, unread count, ...)."""
        raise NotImplementedError

    def _brought_to_front(self, window: W) -> None:
        """The window is now in front (read, say)."""

    # -- looking ------------------------------------------------------------------------------
    @property
    def _tabs(self) -> TabbedContent:
        return self.query_one(f"#{self.TABS_ID}", TabbedContent)

    @property
    def windows(self) -> list[W]:
        return list(self._windows.values())

    def get(self, key: str) -> W | None:
        return self._windows.get(key)

    @property
    def active(self) -> W | None:
        active = self._tabs.active
        return next((w for key, w in self._windows.items() if self.pane_of(key) == active), None)

    def _key_of(self, window: W) -> str | None:
        return next((key for key, w in self._windows.items() if w is window), None)

    def set_placeholder(self, text: str) -> None:
        self.placeholder = text
        # Not there while the console closes as the screen mounts; compose shows it otherwise.
        for label in self.query(f"#{self.PLACEHOLDER_ID}").results(Static):
            label.update(text)

    # -- opening and closing ------------------------------------------------------------------
    async def _open(self, key: str, title: str, make: Callable[[], W]) -> W:
        """Conversation ``key``'s window, made and added as a tab if it is not open yet."""
        if (window := self._windows.get(key)) is not None:
            if (opening := self._opening.get(key)) is not None:
                await opening.wait()  # being opened by a concurrent caller
            return window
        window = make()
        self._windows[key] = window
        self._sync_classes()
        self._opening[key] = opening = asyncio.Event()
        try:
            await self._tabs.add_pane(TabPane(title, window, id=self.pane_of(key)))
        finally:
            opening.set()
            del self._opening[key]
        if len(self._windows) == 1:
            self._tabs.active = self.pane_of(key)
        self.relabel()
        self.post_message(self.ActiveChanged())
        return window

    async def _close(self, key: str) -> bool:
        """Removes conversation ``key``'s tab; False when it was not open."""
        if self._windows.pop(key, None) is None:
            return False
        await self._tabs.remove_pane(self.pane_of(key))
        self._sync_classes()
        self.relabel()
        self.post_message(self.ActiveChanged())
        return True

    def _sync_classes(self) -> None:
        self.set_class(not self._windows, "-empty")
        self.set_class(bool(self._windows), "-has-conversations")

    # -- switching ------------------------------------------------------------------------------
    def activate(self, key: str, *, focus: bool = True) -> None:
        window = self._windows.get(key)
        if window is None:
            return
        self._brought_to_front(window)
        focused = self.screen.focused
        if focused is not None and self in focused.ancestors and window not in focused.ancestors:
            # Otherwise hiding the old pane hands focus to its transcript, and
            # TabbedContent follows focus straight back to the old tab.
            self.screen.set_focus(None)
        self._tabs.active = self.pane_of(key)
        if focus:
            self._focus_pending = key
            self._focus_attempts = 0
            self.call_after_refresh(self._focus_when_shown)

    def _focus_when_shown(self) -> None:
        """Focus the pending conversation's reply line once its tab is showing.

        A hidden widget cannot take focus, and a tab switch shows the pane only after a
        refresh or two; meanwhile Textual may move focus elsewhere. So keep trying briefly.
        """
        key = self._focus_pending or ""
        window = self._windows.get(key)
        if window is None or self._tabs.active != self.pane_of(key):
            self._focus_pending = None
            return
        pane = window.parent
        if pane is not None and not pane.display and self._focus_attempts < FOCUS_ATTEMPTS:
            self._focus_attempts += 1
            self.set_timer(0.02, self._focus_when_shown)
            return
        self._focus_pending = None
        window.focus_reply()  # type: ignore[attr-defined]

    def activate_number(self, number: int) -> bool:
        """Bring the conversation shown as ``number`` (1-based) to the front."""
        keys = list(self._windows)
        if not 1 <= number <= len(keys):
            return False
        self.activate(keys[number - 1])
        return True

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        event.stop()
        window = self.active
        if window is not None:
            self._brought_to_front(window)
            if self._key_of(window) == self._focus_pending:
                self.call_after_refresh(self._focus_when_shown)
        self.post_message(self.ActiveChanged())
