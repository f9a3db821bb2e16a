"""The top line of the desktop-chat screen: who I am there, my presence, and the way back."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.widgets import Label

from console.tui.desktop_chat_model import PRESENCE_MARKS, presence_label


class DeskBar(Horizontal):
    """``Desktop chat · Alicia Adams · ● Available · 2 unread`` and the keys that matter here.

    The presence badge carries ``-available``, ``-away``, ``-dnd`` or ``-offline``, coloured
    with the theme's ``$status-*`` and ``$disconnected``.
    """

    DEFAULT_CSS = """
    DeskBar {
        height: 1;
        background: $panel;
        color: $foreground;
        padding: 0 1;
        #desk-title { text-style: bold; padding-right: 1; }
        #desk-me { padding-right: 1; }
        #desk-my-presence {
            padding: 0 1;
            text-style: bold;
            color: $background;
            background: $disconnected;
            &.-available { background: $status-available; }
            &.-away { background: $status-away; }
            &.-dnd { background: $status-busy; }
        }
        #desk-unread { padding-left: 1; color: $accent; text-style: bold; }
        #desk-hint { width: 1fr; text-align: right; color: $text-muted; }
    }
    """

    name_shown: reactive[str] = reactive("", init=False)
    """My name."""
    presence: reactive[str] = reactive("offline", init=False)
    """My desktop-chat presence."""
    unread: reactive[int] = reactive(0, init=False)
    """Unread messages in all conversations."""
    hint: reactive[str] = reactive("", init=False)
    """The keys for presence, the way back and help."""

    def compose(self) -> ComposeResult:
        yield Label("Desktop chat", id="desk-title")
        yield Label(self.name_shown, id="desk-me")
        yield Label(id="desk-my-presence")
        yield Label(id="desk-unread")
        yield Label(self.hint, id="desk-hint")

    def on_mount(self) -> None:
        self._watch_any()

    def _watch_any(self) -> None:
        if not self.is_mounted:
            return
        self.query_one("#desk-me", Label).update(self.name_shown)
        badge = self.query_one("#desk-my-presence", Label)
        label = presence_label(self.presence)
        badge.update(f"{PRESENCE_MARKS.get(self.presence, '')} {label}" if self.presence != "offline"
                     else "Signed out")
        for name in ("available", "away", "dnd"):
            badge.set_class(self.presence == name, f"-{name}")
        self.query_one("#desk-unread", Label).update(f"{self.unread} unread" if self.unread else "")
        self.query_one("#desk-hint", Label).update(self.hint)

    watch_name_shown = watch_presence = watch_unread = watch_hint = _watch_any
