"""Agent statuses, as an administrator configures them.

A status either makes the agent eligible for ACD routing (``acd_available``) or not.
Two statuses are system statuses the server sets by itself: the one an agent lands in
when an alert goes unanswered, and the one for a signed-out agent.
"""

from __future__ import annotations

from dataclasses import dataclass

AGENT_NOT_ANSWERING = "ACD - Agent Not Answering"
GONE_HOME = "Gone Home"
AVAILABLE = "Available"


@dataclass(frozen=True, slots=True)
class AgentStatus:
    """One entry of the configured status list."""

    id: str
    label: str
    acd_available: bool
    selectable: bool = True
    """Agents may pick it themselves; system statuses are set by the server."""

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "label": self.label,
            "acd_available": self.acd_available,
            "selectable": self.selectable,
        }


DEFAULT_STATUSES: tuple[AgentStatus, ...] = (
    AgentStatus(AVAILABLE, "Available", True),
    AgentStatus("Available, Follow-up", "Available, Follow-up", True),
    AgentStatus("Away from desk", "Away from desk", False),
    AgentStatus("At Lunch", "At Lunch", False),
    AgentStatus("In a Meeting", "In a Meeting", False),
    AgentStatus("Training", "Training", False),
    AgentStatus("Do Not Disturb", "Do Not Disturb", False),
    AgentStatus(AGENT_NOT_ANSWERING, "ACD - Agent Not Answering", False, selectable=False),
    AgentStatus(GONE_HOME, "Gone Home", False, selectable=False),
)


class StatusCatalog:
    """The configured statuses, looked up by id."""

    def __init__(self, statuses: tuple[AgentStatus, ...] = DEFAULT_STATUSES) -> None:
        self._by_id = {s.id: s for s in statuses}
        for required in (AVAILABLE, AGENT_NOT_ANSWERING, GONE_HOME):
            if required not in self._by_id:
                raise ValueError(f"status list must contain {required!r}")
        self.statuses = statuses

    def get(self, status_id: str) -> AgentStatus | None:
        return self._by_id.get(status_id)

    def is_acd_available(self, status_id: str) -> bool:
        status = self._by_id.get(status_id)
        return bool(status and status.acd_available)
