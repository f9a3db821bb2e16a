"""A screen kept live by the server's event stream: the agent's and the supervisor's.

One long-lived worker reads the stream; every frame arrives as a ``ServerEvent``
message and is applied in order on the UI thread. A drop shows the connection banner
while the client reconnects, and a session the server no longer knows (expired, or a
supervisor signed the user out) returns to the sign-in screen with the reason.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from typing import Any

from textual import work
from textual.message import Message
from textual.screen import Screen
from textual.worker import WorkerCancelled, WorkerFailed

from console.client import AgentClient, ApiError, ConnectionState
from console.tui.network import ReportsWorkerErrors
from console.tui.widgets.connection import ConnectionBanner

EVENTS_CLOSE_TIMEOUT = 2.0
"""Seconds to wait, when the screen goes away, for the event stream to close cleanly."""

EventSource = Callable[[], AsyncIterator["dict[str, Any] | ConnectionState"]]


class LiveScreen(ReportsWorkerErrors, Screen):
    """Base of the screens that follow the event stream (see the module docstring)."""

    class ServerEvent(Message):
        """One frame of the event stream."""

        def __init__(self, frame: dict[str, Any]) -> None:
            super().__init__()
            self.frame = frame

    class ConnectionChanged(Message):
        """The event stream went down or came back."""

        def __init__(self, state: ConnectionState) -> None:
            super().__init__()
            self.state = state

    class SessionEnded(Message):
        """The server no longer knows our session: back to the sign-in screen."""

        def __init__(self, reason: str) -> None:
            super().__init__()
            self.reason = reason

    def __init__(self, client: AgentClient, *, events: EventSource | None = None) -> None:
        super().__init__()
        self.client = client
        self._events = events or client.events
        self._ended_reason: str | None = None

    async def on_unmount(self) -> None:
        # Closing the event stream's WebSocket takes a round trip to the server. Textual
        # only cancels the worker; wait for it (briefly) so the connection is closed
        # properly rather than dropped with the event loop.
        for worker in [w for w in self.workers if w.node is self and w.group == "events"]:
            worker.cancel()
            with contextlib.suppress(WorkerCancelled, WorkerFailed, asyncio.TimeoutError):
                await asyncio.wait_for(worker.wait(), EVENTS_CLOSE_TIMEOUT)

    def key_for(self, binding_id: str, default: str) -> str:
        """The key bound to ``binding_id`` after the user's keymap, as the footer shows it."""
        return self.app.key_hint(binding_id, default)

    @work(exclusive=True, group="events", exit_on_error=False, name="follow the server's events")
    async def follow_events(self) -> None:
        try:
            async for item in self._events():
                if isinstance(item, ConnectionState):
                    self.post_message(self.ConnectionChanged(item))
                else:
                    if item.get("topic") == "session" and item.get("kind") == "delete":
                        # Said just before the server closes the session (a supervisor's sign-out).
                        self._ended_reason = (item.get("data") or {}).get("reason")
                    self.post_message(self.ServerEvent(item))
        except ApiError as exc:
            self.post_message(self.SessionEnded(self._ended_reason or exc.message or "The session ended."))

    def on_live_screen_connection_changed(self, message: ConnectionChanged) -> None:
        banner = self.query_one(ConnectionBanner)
        banner.attempt = message.state.attempt
        banner.connected = message.state.connected

    def on_live_screen_session_ended(self, message: SessionEnded) -> None:
        self.notify(message.reason, title="Signed out", severity="error", timeout=10)
        self.app.end_session(self)
