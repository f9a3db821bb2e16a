"""A banner that appears while the event stream to the server is down."""

from __future__ import annotations

from textual.reactive import reactive
from textual.widget import Widget


class ConnectionBanner(Widget):
    """Hidden while connected; otherwise says that the console is reconnecting.

    The console stays usable meanwhile: queues show their last known state, and
    whatever the agent types stays in place until the server answers again.
    """

    DEFAULT_CSS = """
    ConnectionBanner {
        display: none;
        height: auto;
        width: 1fr;
        padding: 0 1;
        background: $banner-offline;
        color: $text;
        text-style: bold;
        &.-offline { display: block; }
    }
    """

    connected: reactive[bool] = reactive(True)
    """Whether the event stream is up."""
    attempt: reactive[int] = reactive(0)
    """Reconnection attempt counter while offline."""

    def render(self) -> str:
        return f"Connection to server lost — reconnecting (attempt {self.attempt})…"

    def watch_connected(self, connected: bool) -> None:
        self.set_class(not connected, "-offline")
