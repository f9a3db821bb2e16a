"""The top line of a chat or callback window: who, in which state, and where from."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label

from console.tui.model import DISCONNECTED, HELD, SNOOZED

STATE_CLASSES = {HELD: "-held", SNOOZED: "-snoozed", DISCONNECTED: "-disconnected"}
"""States drawn apart from Connected (and Alerting), each in its theme colour."""


class InteractionHeader(Horizontal):
    """Name in bold, the state as a coloured badge, then details (workgroup, id, address).

    The labels' ids start with ``prefix`` (``chat-state``, ``callback-detail``), so a
    window and its tests can find them.
    """

    DEFAULT_CSS = """
    InteractionHeader {
        height: 1;
        padding: 0 1;
        background: $panel;
        .header-name { text-style: bold; padding-right: 1; }
        .header-state {
            padding: 0 1;
            color: $background;
            background: $status-available;
            &.-held { background: $held; }
            &.-snoozed { background: $snoozed; }
            &.-disconnected { background: $disconnected; }
        }
        .header-detail { color: $text-muted; padding-left: 1; }
    }
    """

    def __init__(self, name: str, *, prefix: str, id: str | None = None) -> None:
        super().__init__(id=id)
        self._name = name
        self._prefix = prefix

    def compose(self) -> ComposeResult:
        yield Label(self._name, id=f"{self._prefix}-name", classes="header-name")
        yield Label(id=f"{self._prefix}-state", classes="header-state")
        yield Label(id=f"{self._prefix}-detail", classes="header-detail")

    def show(self, state: str, detail: str) -> None:
        badge = self.query_one(f"#{self._prefix}-state", Label)
        badge.update(state)
        for name, css_class in STATE_CLASSES.items():
            badge.set_class(state == name, css_class)
        self.query_one(f"#{self._prefix}-detail", Label).update(detail)
