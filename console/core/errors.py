"""Domain errors carry a dotted code that every API surface documents.

The code is the contract (clients switch on it); the message is for people.
"""

from __future__ import annotations


class CallboardError(Exception):
    """A refused request: nothing was changed, and ``code`` says why."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"CallboardError({self.code!r}, {self.message!r})"
