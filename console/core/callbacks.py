"""Callback requests: what a visitor asked for, the calls made, and the retry policy.

A callback waits in its workgroup's queue like a chat. The agent who has it makes the
call (each call is an attempt), then records the outcome: complete (success), attempt
failed (failure), or retry later. Retry later snoozes the callback back to the workgroup
queue until the workgroup's *time between callbacks* has passed; a workgroup allows a
limited *number of callback retries*.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from console.core.errors import CallboardError

MAX_SUBJECT_CHARS = 2000
DEFAULT_SNOOZE_SECONDS = 300.0
"""Five minutes: used when a workgroup sets no time between callbacks."""

_TELEPHONE_CHARS = re.compile(r"^\+?[0-9 ().\-/]+(?:\s*(?:x|ext\.?)\s*[0-9]{1,6})?$", re.IGNORECASE)


def normalize_telephone(raw: str) -> str:
    """A dialable number: an optional leading +, 4 to 15 digits, optional extension.

    Punctuation people type (spaces, dots, dashes, parentheses) is dropped; the number
    agents see and dial is the compact form, e.g. ``+1 (317) 555-0100 x12`` becomes
    ``+13175550100x12``.
    """
    text = (raw or "").strip()
    if not text or len(text) > 40 or not _TELEPHONE_CHARS.match(text):
        raise CallboardError("callback.telephone_invalid", f"{raw!r} is not a telephone number.")
    main, _, extension = _split_extension(text)
    digits = re.sub(r"[^0-9]", "", main)
    if not 4 <= len(digits) <= 15:
        raise CallboardError("callback.telephone_invalid", f"{raw!r} is not a telephone number.")
    number = ("+" if main.lstrip().startswith("+") else "") + digits
    return f"{number}x{extension}" if extension else number


def _split_extension(text: str) -> tuple[str, str, str]:
    match = re.search(r"\s*(?:x|ext\.?)\s*([0-9]{1,6})$", text, flags=re.IGNORECASE)
    if match is None:
        return text, "", ""
    return text[: match.start()], "x", match.group(1)


@dataclass(frozen=True, slots=True)
class CallbackPolicy:
    """A workgroup's callback settings."""

    retries: int = 3
    """How many times Retry Later may be used on one callback."""
    minutes_between: float | None = None
    """Time between callbacks; 0 means the server's default snooze, None means 5 minutes."""
    server_default_snooze: float = DEFAULT_SNOOZE_SECONDS
    max_assign: int = 1
    """Callbacks one agent of the workgroup may have at once."""

    def snooze_seconds(self) -> float:
        if self.minutes_between is None:
            return DEFAULT_SNOOZE_SECONDS
        if self.minutes_between == 0:
            return self.server_default_snooze
        return float(self.minutes_between) * 60.0


@dataclass(slots=True)
class CallbackDetails:
    """What is particular to a callback interaction."""

    telephone: str
    subject: str
    attempts: list[dict[str, Any]] = field(default_factory=list)
    """Each call made: ``{at, agent, telephone}``."""
    snoozes: int = 0
    snoozed_until: float | None = None
    snoozed_seconds: float = 0.0
    """Time spent snoozed, left out of service level and handle time."""
    outcome: str | None = None
    """``success``, ``failure`` or ``cancelled`` once the callback has ended."""
    wrap_up_code: str | None = None

    def to_record(self) -> dict[str, Any]:
        return {
            "telephone": self.telephone, "subject": self.subject, "attempts": self.attempts,
            "snoozes": self.snoozes, "snoozed_until": self.snoozed_until,
            "snoozed_seconds": self.snoozed_seconds, "outcome": self.outcome,
            "wrap_up_code": self.wrap_up_code,
        }

    @classmethod
    def from_record(cls, r: dict[str, Any]) -> "CallbackDetails":
        return cls(
            telephone=r["telephone"], subject=r.get("subject", ""), attempts=list(r.get("attempts", [])),
            snoozes=int(r.get("snoozes", 0)), snoozed_until=r.get("snoozed_until"),
            snoozed_seconds=float(r.get("snoozed_seconds", 0.0)), outcome=r.get("outcome"),
            wrap_up_code=r.get("wrap_up_code"),
        )


def check_subject(subject: str) -> str:
    if len(subject) > MAX_SUBJECT_CHARS:
        raise CallboardError(
            "callback.subject_too_long", f"The subject is at most {MAX_SUBJECT_CHARS} characters."
        )
    return subject
