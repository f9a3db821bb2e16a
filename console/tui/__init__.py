"""The Textual agent console. ``run_console`` is what the ``callboard`` command calls."""

from __future__ import annotations


def run_console(server_url: str, username: str | None = None, password: str | None = None) -> None:
    """Run the console in this terminal until the agent quits.

    With both ``username`` and ``password`` it signs in straight away (``callboard demo``).
    """
    from console.tui.app import CallboardApp  # Textual loads only when the console runs

    CallboardApp(server_url=server_url, username=username, password=password).run()


__all__ = ["run_console"]
