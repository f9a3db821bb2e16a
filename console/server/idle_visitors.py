"""Idle web-chat visitors are warned, then disconnected (IWT ``PartyIdleTime`` / ``PartyIdleGraceTime``).

A visitor who closed the tab without leaving keeps a chat open, and an agent's chat slot
with it, until someone notices. Interaction Web Tools therefore warns a party that has
been idle for ``PartyIdleTime`` (300 s) and disconnects them after ``PartyIdleGraceTime``
(120 s) more. We do the same, off unless the settings file turns it on.

What counts, and when:

- The clock runs only while an agent is connected to the chat. A visitor waiting in the
  queue, or put on hold by the agent, is waiting for us, not idle; the clock starts again
  from the moment an agent (again) has the chat.
- A message from the visitor (``sendMessage``) is activity, and so is the visitor starting
  to type (``setTypingState`` true): someone writing a long answer is there. Polls are not:
  an abandoned page keeps polling forever.
- The warning is a system text in the visitor's feed and in the agent's transcript (the
  ``idle_warning`` message: ``%1`` the visitor's name, ``%2`` how long they have been idle,
  ``%3`` the grace time left). Activity after it cancels it; without activity the visitor
  is disconnected when the grace time is up: the visitor's feed ends as when they leave,
  the agent's transcript says why.
- When the visitor last was active and when they were warned are stored with the chat,
  so after a restart the clocks go on from the stored times (a visitor whose grace time ran
  out while the server was down is disconnected when it comes back).

One sweep over the connected chats every second (more often for short test settings)
decides; no timer per chat to arm, move and cancel.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import time
from dataclasses import dataclass
from typing import Any

from console.core.interactions import InteractionState
from console.server.web_chats import WebChats

log = logging.getLogger("callboard.server.idle")


@dataclass(frozen=True, slots=True)
class IdleVisitorSettings:
    """The ``[idle_visitors]`` table of the server settings file."""

    enabled: bool = False
    idle_seconds: float = 300.0
    """``PartyIdleTime``: idle this long, the visitor is warned."""
    grace_seconds: float = 120.0
    """``PartyIdleGraceTime``: this long after the warning without activity, disconnected."""


def idle_visitor_settings(raw: Any) -> IdleVisitorSettings:
    """The settings from their TOML table; a ``ValueError`` says which value is wrong."""
    if not isinstance(raw, dict):
        raise ValueError("[idle_visitors] must be a table")
    unknown = set(raw) - {"enabled", "idle_seconds", "grace_seconds"}
    if unknown:
        raise ValueError(f"unknown setting(s) in [idle_visitors]: {', '.join(sorted(unknown))}")
    defaults = IdleVisitorSettings()
    enabled = raw.get("enabled", defaults.enabled)
    if not isinstance(enabled, bool):
        raise ValueError("idle_visitors.enabled must be true or false")
    values = {}
    for key in ("idle_seconds", "grace_seconds"):
        value = raw.get(key, getattr(defaults, key))
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 86400:
            raise ValueError(f"idle_visitors.{key} must be a number of seconds above 0 and at most 86400")
        values[key] = float(value)
    return IdleVisitorSettings(enabled, **values)


class IdleStep(enum.Enum):
    WARN = "warn"
    DISCONNECT = "disconnect"


def idle_step(settings: IdleVisitorSettings, idle_since: float, warned_at: float | None, now: float) -> IdleStep | None:
    """What is due for a connected visitor idle since ``idle_since``; None when nothing is.

    A warning older than ``idle_since`` no longer counts: the visitor has been active since
    (or an agent took the chat again), so the clock starts over.
    """
    if warned_at is not None and warned_at >= idle_since:
        return IdleStep.DISCONNECT if now >= warned_at + settings.grace_seconds else None
    return IdleStep.WARN if now >= idle_since + settings.idle_seconds else None


def readable_duration(seconds: float) -> str:
    """``5 minutes``, ``1 minute 30 seconds``, ``2 hours``: how long, for people to read."""
    total = max(0, int(round(seconds)))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{n} {unit}{'' if n == 1 else 's'}"
             for n, unit in ((hours, "hour"), (minutes, "minute"), (secs, "second")) if n]
    return " ".join(parts) or "0 seconds"


class IdleVisitors:
    """Warns and disconnects idle visitors of connected web chats."""

    def __init__(self, chats: WebChats, settings: IdleVisitorSettings) -> None:
        self.chats = chats
        self.settings = settings
        chats.keep_activity = settings.enabled

    @property
    def interval(self) -> float:
        """Seconds between sweeps: a second, or a quarter of a shorter configured time."""
        return max(0.05, min(1.0, self.settings.idle_seconds / 4, self.settings.grace_seconds / 4))

    def sweep(self, now: float | None = None) -> None:
        now = time.time() if now is None else now
        center = self.chats.center
        for chat in list(self.chats.by_interaction.values()):
            if chat.ended_at is not None:
                continue
            interaction = center.interactions.get(chat.interaction_id)
            if interaction is None or interaction.state is not InteractionState.CONNECTED:
                continue
            since = max(chat.last_active or 0.0, interaction.state_since)
            step = idle_step(self.settings, since, chat.idle_warned_at, now)
            if step is IdleStep.WARN:
                self.chats.warn_idle(
                    chat, interaction, now,
                    idle_for=readable_duration(self.settings.idle_seconds),
                    grace=readable_duration(self.settings.grace_seconds),
                )
            elif step is IdleStep.DISCONNECT:
                self.chats.end_idle(
                    chat, interaction, idle_for=readable_duration(self.settings.idle_seconds + self.settings.grace_seconds)
                )

    async def run(self) -> None:
        """Sweeps until cancelled; a failed sweep is logged and the next one runs anyway."""
        while True:
            await asyncio.sleep(self.interval)
            try:
                self.sweep()
            except Exception:  # noqa: BLE001 - one bad chat must not stop idle handling for all
                log.exception("idle-visitor sweep failed")
