"""The event feed one IWT visitor participant receives, numbered as real clients demand.

IWT clients are strict: ``sequenceNumber`` starts at 0 and rises by exactly one over
every event the participant receives, and ``conversationSequenceNumber`` counts only
``text``, ``url`` and ``file`` events, also from 0. Clients hold events back after a
gap and drop numbers they have seen, so a number must never be skipped or repeated.
This class owns that numbering; the server stores what it returns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

SYSTEM_PARTICIPANT = "00000000-0000-0000-0000-000000000000"

CONVERSATION_TYPES = frozenset({"text", "url", "file"})


@dataclass(frozen=True, slots=True)
class SystemMessages:
    """Texts the visitor sees from the system; ``%1`` stands for a name."""

    welcome: str = "Welcome, %1. Please wait while we connect you to an agent."
    queued: str = "Interaction transferred to %1."
    alerting: str = "Interaction alerting %1."
    joined: str = "%1 has joined the conversation."
    left: str = "%1 has left the conversation."
    idle_warning: str = "%1 has been idle for %2. The conversation will end in %3 unless %1 sends a message."
    """To an idle visitor and their agent: ``%2`` is how long idle, ``%3`` the grace time left."""

    @staticmethod
    def fill(template: str, name: str, *more: str) -> str:
        """``%1`` becomes ``name``, ``%2`` the first of ``more`` and so on, in one pass
        (a name that itself reads ``%2`` stays as it is); others are left alone."""
        values = (name, *more)

        def value(match: re.Match[str]) -> str:
            n = int(match.group(1))
            return values[n - 1] if 1 <= n <= len(values) else match.group(0)

        return re.sub(r"%(\d)", value, template)


@dataclass(slots=True)
class VisitorFeed:
    """Numbered events for one visitor participant, and what was already delivered."""

    participant_id: str
    events: list[dict] = field(default_factory=list)
    delivered: int = 0
    """How many events the visitor has been given by poll (or start)."""
    _conversation_count: int = 0

    @classmethod
    def restore(cls, participant_id: str, events: list[dict]) -> "VisitorFeed":
        feed = cls(participant_id, list(events))
        feed._conversation_count = sum(1 for e in events if e["type"] in CONVERSATION_TYPES)
        return feed

    @property
    def next_sequence(self) -> int:
        return len(self.events)

    def _append(self, event: dict) -> dict:
        event["sequenceNumber"] = len(self.events)
        if event["type"] in CONVERSATION_TYPES:
            event["conversationSequenceNumber"] = self._conversation_count
            self._conversation_count += 1
        self.events.append(event)
        return event

    def state_changed(self, participant_id: str, state: str, name: str, participant_type: str) -> dict:
        return self._append(
            {
                "type": "participantStateChanged",
                "participantID": participant_id,
                "state": state,
                "participantName": name,
                "participantType": participant_type,
            }
        )

    def typing(self, participant_id: str, value: bool) -> dict:
        return self._append(
            {"type": "typingIndicator", "participantID": participant_id, "value": bool(value)}
        )

    def text(self, participant_id: str, value: str, name: str, participant_type: str) -> dict:
        return self._append(
            {
                "type": "text",
                "participantID": participant_id,
                "value": value,
                "contentType": "text/plain",
                "displayName": name,
                "participantType": participant_type,
            }
        )

    def system_text(self, value: str) -> dict:
        return self.text(SYSTEM_PARTICIPANT, value, "System", "System")

    def link(self, kind: str, participant_id: str, value: str, name: str, participant_type: str) -> dict:
        """A ``url`` or ``file`` event (stored responses send these)."""
        if kind not in ("url", "file"):
            raise ValueError(kind)
        return self._append(
            {
                "type": kind,
                "participantID": participant_id,
                "value": value,
                "displayName": name,
                "participantType": participant_type,
            }
        )

    def take_undelivered(self) -> list[dict]:
        """Events not yet handed to the visitor, in order; marks them delivered."""
        pending = self.events[self.delivered :]
        self.delivered = len(self.events)
        return pending

    def redeliver_from(self, sequence: int = 0) -> None:
        """After a reconnect the client may have lost events: hand them out again.

        Clients drop sequence numbers they already processed, so repeats are harmless.
        """
        self.delivered = max(0, min(sequence, len(self.events)))
