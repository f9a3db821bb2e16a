"""The one place where failed server calls become messages for the agent.

Every server call runs in a worker started with ``exit_on_error=False`` and a ``name``
saying what it was for ("send the message"). Widgets that start workers inherit
``ReportsWorkerErrors``; when a worker fails, the agent reads "Could not send the
message: Cannot reach the server…" instead of the app crashing.
"""

from __future__ import annotations

from textual.worker import Worker, WorkerState

from console.client import ApiError, ServerUnreachable


def describe_error(error: BaseException | None) -> tuple[str, str]:
    """A title and a readable message for an error of a server call."""
    if isinstance(error, ServerUnreachable):
        return "Server unreachable", "The server does not answer. Check the connection; nothing you typed is lost."
    if isinstance(error, ApiError):
        return "Refused by the server", error.message or error.code
    return "Unexpected error", f"{error.__class__.__name__}: {error}" if error else "Unknown error"


class ReportsWorkerErrors:
    """Mixin for widgets and screens: notify the agent when one of their workers fails."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is not WorkerState.ERROR:
            return
        title, message = describe_error(event.worker.error)
        what = event.worker.name
        if what:
            message = f"Could not {what}. {message}"
        event.worker.node.app.notify(message, title=title, severity="error", timeout=8)
