"""Wire models of the supervisor part of the agent API: queue figures, team, stepping in.

Shared by the server (responses, ``stats`` and ``team`` events) and the console.
Field names are the ones documented in ``docs/api.md``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, StrictInt

from console.wire import StrictRequest, WireModel

# -- requests ------------------------------------------------------------------


class PriorityRequest(StrictRequest):
    priority: StrictInt
    """-100 to 100; higher is routed first."""


class ServiceLevelRequest(StrictRequest):
    """A workgroup's service-level goal, as a supervisor sets it."""

    threshold: float = Field(gt=0, le=3600)
    """Seconds within which an answer counts."""
    target: float = Field(gt=0, lt=1)
    abandon_treatment: Literal["ignore", "against", "favour"]


class JoinRequest(StrictRequest):
    mode: Literal["monitor", "coach", "barge"]


# -- queue figures ---------------------------------------------------------------


class ServiceLevelGoalView(WireModel):
    threshold: float
    target: float
    abandon_treatment: Literal["ignore", "against", "favour"]


class AgentCountsView(WireModel):
    logged_in: int
    available: int
    busy: int
    not_available: int


class QueueNow(WireModel):
    waiting_chats: int
    waiting_callbacks: int
    snoozed_callbacks: int
    in_progress: int
    oldest_waiting_since: float | None
    longest_wait: float | None
    agents: AgentCountsView


class PeriodFigures(WireModel):
    start: float
    offered: int
    answered: int
    abandoned: int
    answered_within: int
    average_speed_of_answer: float | None
    average_handle_time: float | None
    longest_handle_time: float | None
    service_level: float | None


class Forecast(WireModel):
    arrivals_per_hour: float
    average_handle_time: float | None
    agents: int
    traffic: float | None
    probability_of_waiting: float | None
    average_speed_of_answer: float | None
    service_level: float | None
    agents_needed: int | None


class Trend(WireModel):
    """The last hour, one point every ``step`` seconds, oldest first, the last one at ``last_at``."""

    step: float = 20.0
    last_at: float | None = None
    waiting: list[int] = Field(default_factory=list)
    service_level: list[float | None] = Field(default_factory=list)


class WorkgroupStatistics(WireModel):
    workgroup: str
    at: float
    goal: ServiceLevelGoalView
    now: QueueNow
    interval: PeriodFigures
    today: PeriodFigures
    forecast: Forecast
    trend: Trend = Field(default_factory=Trend)


# -- team -----------------------------------------------------------------------


class TeamInteraction(WireModel):
    id: str
    type: str
    state: str
    workgroup: str
    remote_name: str
    since: float
    answered_at: float | None = None


class TeamMember(WireModel):
    username: str
    name: str
    role: Literal["agent", "supervisor"]
    workgroups: list[str]
    status: str
    status_since: float
    acd_available: bool
    signed_in: bool
    presence: str | None = None
    """Desktop-chat presence (available, away, dnd, offline); None without desktop chat."""
    sign_out_pending: str | None = None
    """Name of the supervisor whose sign-out waits for the agent's interactions to end."""
    interactions: list[TeamInteraction] = Field(default_factory=list)
