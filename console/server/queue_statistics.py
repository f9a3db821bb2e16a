"""Live queue statistics per workgroup, pushed to supervisors over the event stream.

Every interaction change reaches ``observe``; it keeps, per workgroup, what is in the
queue now (waiting chats and callbacks, snoozed callbacks, in progress, the longest
wait) and a ``Tally`` of the contacts offered in the current 30-minute interval and
today. Figures are computed only when a supervisor is told: at most once a second per
workgroup after a change, and every ``KEEPALIVE`` seconds regardless, so the console
never has to poll and a dropped frame is made good within seconds.

Contacts offered today are also written to the ``queue_offers`` table, so the day's
figures survive a restart of the server.
"""

from __future__ import annotations

import math
import time
from bisect import bisect_left, insort
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from console.core import erlang
from console.core.interactions import Interaction, InteractionState, InteractionType
from console.core.statistics import (
    AbandonTreatment,
    Contact,
    Tally,
    day_start,
    interval_start,
)
from console.server.events import EventHub
from console.server.store import Store

SCHEMA = """
CREATE TABLE IF NOT EXISTS queue_offers (
    interaction_id TEXT NOT NULL,
    offered_at REAL NOT NULL,
    workgroup TEXT NOT NULL,
    kind TEXT NOT NULL,
    answered_at REAL,
    ended_at REAL,
    abandoned INTEGER NOT NULL DEFAULT 0,
    snoozed_seconds REAL NOT NULL DEFAULT 0,
    PRIMARY KEY (interaction_id, offered_at)
);
CREATE INDEX IF NOT EXISTS queue_offers_offered_at ON queue_offers(offered_at);
"""

INTERVAL_MINUTES = 30
PUSH_EVERY = 1.0
"""Seconds: a workgroup's figures go out at most this often."""
KEEPALIVE = 10.0
"""Seconds: figures go out at least this often, changed or not."""
TREND_STEP = 20.0
"""Seconds between two points of the last hour's trend."""
TREND_POINTS = int(3600 / TREND_STEP)
ARRIVAL_WINDOW = 1800.0
"""Seconds of arrivals behind the forecast's arrival rate."""

WAITING_STATES = (InteractionState.WAITING, InteractionState.ALERTING)
IN_PROGRESS_STATES = (InteractionState.CONNECTED, InteractionState.HELD)


@dataclass(frozen=True, slots=True)
class ServiceLevelGoal:
    """A workgroup's service-level settings."""

    threshold: float = 20.0
    """Seconds within which an answer counts as in service level."""
    target: float = 0.8
    """Share of interactions the workgroup aims to answer within the threshold."""
    treatment: AbandonTreatment = AbandonTreatment.IGNORE

    @classmethod
    def from_settings(cls, settings: dict[str, Any]) -> ServiceLevelGoal:
        return cls(
            threshold=float(settings.get("service_level_seconds", 20)),
            target=float(settings.get("service_level_target", 0.8)),
            treatment=AbandonTreatment(settings.get("abandon_treatment", "ignore")),
        )

    def to_dict(self) -> dict[str, Any]:
        return {"threshold": self.threshold, "target": self.target, "abandon_treatment": self.treatment.value}


@dataclass(slots=True)
class Offer:
    """One interaction offered to one workgroup queue (a transfer to another queue is a new offer)."""

    interaction_id: str
    workgroup: str
    kind: str
    offered_at: float
    answered_at: float | None = None
    ended_at: float | None = None
    abandoned: bool = False
    snoozed_seconds: float = 0.0

    def contact(self) -> Contact:
        return Contact(self.offered_at, self.answered_at, self.ended_at, self.abandoned, self.snoozed_seconds)

    def row(self) -> tuple:
        return (self.interaction_id, self.offered_at, self.workgroup, self.kind, self.answered_at,
                self.ended_at, int(self.abandoned), self.snoozed_seconds)


@dataclass(slots=True)
class AgentCounts:
    """Agents of a workgroup now; busy, available and not available add up to logged in."""

    logged_in: int = 0
    available: int = 0
    """In an ACD-available status and handling nothing."""
    busy: int = 0
    """Alerting, connected or holding at least one ACD interaction."""
    not_available: int = 0
    staffed: int = 0
    """In an ACD-available status, busy or not: the staff the forecast counts on."""

    def to_dict(self) -> dict[str, int]:
        return {"logged_in": self.logged_in, "available": self.available, "busy": self.busy,
                "not_available": self.not_available}


@dataclass(slots=True)
class WorkgroupFigures:
    """Everything kept live for one workgroup."""

    name: str
    goal: ServiceLevelGoal
    interval_start: float
    day_start: float
    interval: Tally = field(default_factory=Tally)
    today: Tally = field(default_factory=Tally)
    offers: list[Offer] = field(default_factory=list)
    """Today's offers (for a recount when the interval or the goal changes)."""
    arrivals: deque[float] = field(default_factory=deque)
    unanswered: list[tuple[float, str]] = field(default_factory=list)
    """(queued at, id) of interactions waiting or alerting, oldest first."""
    buckets: dict[str, int] = field(default_factory=dict)
    trend: deque[tuple[float, int, float | None]] = field(default_factory=lambda: deque(maxlen=TREND_POINTS))
    dirty: bool = True
    last_push: float = 0.0

    def count(self, offer: Offer, sign: int) -> None:
        contact = offer.contact()
        if offer.offered_at >= self.interval_start:
            self.interval.add(contact, self.goal.threshold, sign)
        if offer.offered_at >= self.day_start:
            self.today.add(contact, self.goal.threshold, sign)

    def recount(self, now: float) -> None:
        """Starts a new interval (or day, or goal): tallies again from today's offers."""
        self.interval_start = interval_start(now, INTERVAL_MINUTES)
        new_day = day_start(now)
        if new_day != self.day_start:
            self.day_start = new_day
            self.offers = [o for o in self.offers if o.offered_at >= new_day or o.ended_at is None]
        self.interval, self.today = Tally(), Tally()
        for offer in self.offers:
            self.count(offer, +1)


def _bucket(interaction: Interaction) -> str | None:
    state = interaction.state
    if state in WAITING_STATES:
        return "waiting_callbacks" if interaction.type is InteractionType.CALLBACK else "waiting_chats"
    if state is InteractionState.SNOOZED:
        return "snoozed_callbacks"
    if state in IN_PROGRESS_STATES:
        return "in_progress"
    return None


class QueueStatistics:
    """Keeps every workgroup's figures current and tells the supervisors who watch it."""

    def __init__(
        self,
        store: Store,
        hub: EventHub,
        goals: dict[str, ServiceLevelGoal],
        *,
        agent_counts: Callable[[str], AgentCounts],
        watchers: Callable[[str], Iterable[str]],
        handle_time_hint: Callable[[str], float | None] = lambda wg: None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.store = store
        self.hub = hub
        self.clock = clock or (lambda: time.time())
        self.agent_counts = agent_counts
        """Agents of a workgroup now (from the contact center's live state)."""
        self.watchers = watchers
        """Usernames of the signed-in supervisors of a workgroup."""
        self.handle_time_hint = handle_time_hint
        """Recent average handle time when today has none yet (for the forecast)."""
        now = self.clock()
        self.figures = {
            name: WorkgroupFigures(name, goal, interval_start(now, INTERVAL_MINUTES), day_start(now))
            for name, goal in goals.items()
        }
        # Keep-alives spread over the keep-alive period rather than all in the same second.
        for n, figures in enumerate(self.figures.values()):
            figures.last_push = now - KEEPALIVE * n / max(1, len(self.figures))
        self._offer_of: dict[str, Offer] = {}
        self._placed: dict[str, tuple[str, str | None, tuple[float, str] | None]] = {}
        self._next_trend = now
        store.add_schema(SCHEMA)

    # -- start ------------------------------------------------------------------------
    def load(self, live: Iterable[Interaction]) -> None:
        """Today's offers from the store, then the live interactions as they stand."""
        now = self.clock()
        since = day_start(now)
        for row in self.store.rows(
            "SELECT interaction_id, offered_at, workgroup, kind, answered_at, ended_at, abandoned, snoozed_seconds"
            " FROM queue_offers WHERE offered_at >= ? OR ended_at IS NULL ORDER BY offered_at",
            (since,),
        ):
            offer = Offer(row[0], row[2], row[3], row[1], row[4], row[5], bool(row[6]), row[7])
            figures = self.figures.get(offer.workgroup)
            if figures is None:
                continue
            figures.offers.append(offer)
            figures.count(offer, +1)
            if offer.offered_at >= now - ARRIVAL_WINDOW:
                figures.arrivals.append(offer.offered_at)
            if offer.ended_at is None:
                self._offer_of[offer.interaction_id] = offer
        for interaction in live:
            self.observe(interaction)

    # -- every change ----------------------------------------------------------------------
    def observe(self, interaction: Interaction) -> None:
        """Call after every change of an interaction (the contact center's ``save``)."""
        self._place(interaction)
        offer = self._offer_of.get(interaction.id)
        workgroup = interaction.workgroup
        if offer is not None and (offer.workgroup != workgroup or offer.offered_at != interaction.queued_at):
            # Transferred to another queue: this offer ends here (handled, or moved on unanswered).
            self._update(offer, lambda o: setattr(o, "ended_at", o.ended_at or interaction.state_since))
            del self._offer_of[interaction.id]
            offer = None
        if offer is None:
            figures = self.figures.get(workgroup)
            if figures is None or not interaction.is_active:
                return
            offer = Offer(interaction.id, workgroup, interaction.type.value, interaction.queued_at)
            self._offer_of[interaction.id] = offer
            figures.offers.append(offer)
            figures.count(offer, +1)
            figures.arrivals.append(offer.offered_at)
            figures.dirty = True
            self._write(offer)
        self._update(offer, lambda o: self._follow(o, interaction))
        if not interaction.is_active:
            self._offer_of.pop(interaction.id, None)

    @staticmethod
    def _follow(offer: Offer, interaction: Interaction) -> None:
        state = interaction.state
        if offer.answered_at is None and state in IN_PROGRESS_STATES:
            offer.answered_at = interaction.state_since
        if interaction.callback is not None:
            offer.snoozed_seconds = interaction.callback.snoozed_seconds
        if state is InteractionState.DISCONNECTED:
            offer.ended_at = interaction.ended_at or interaction.state_since
            offer.abandoned = offer.answered_at is None and interaction.visitor_left

    def _update(self, offer: Offer, change: Callable[[Offer], None]) -> None:
        before = offer.row()
        figures = self.figures.get(offer.workgroup)
        if figures is not None:
            figures.count(offer, -1)
        change(offer)
        if figures is not None:
            figures.count(offer, +1)
        if offer.row() != before:
            if figures is not None:
                figures.dirty = True
            self._write(offer)

    def _write(self, offer: Offer) -> None:
        self.store.execute(
            "INSERT INTO queue_offers(interaction_id, offered_at, workgroup, kind, answered_at, ended_at,"
            " abandoned, snoozed_seconds) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(interaction_id, offered_at)"
            " DO UPDATE SET answered_at=excluded.answered_at, ended_at=excluded.ended_at,"
            " abandoned=excluded.abandoned, snoozed_seconds=excluded.snoozed_seconds",
            offer.row(),
        )

    def _place(self, interaction: Interaction) -> None:
        """Moves the interaction between the 'now' counts (waiting, snoozed, in progress)."""
        bucket = _bucket(interaction) if interaction.workgroup in self.figures else None
        key = (interaction.queued_at, interaction.id) if interaction.state in WAITING_STATES else None
        wanted = (interaction.workgroup, bucket, key) if bucket else None
        placed = self._placed.get(interaction.id)
        if placed == wanted:
            return
        if placed is not None:
            figures = self.figures[placed[0]]
            figures.buckets[placed[1]] -= 1
            if placed[2] is not None:
                del figures.unanswered[bisect_left(figures.unanswered, placed[2])]
            figures.dirty = True
            del self._placed[interaction.id]
        if wanted is not None:
            figures = self.figures[wanted[0]]
            figures.buckets[bucket] = figures.buckets.get(bucket, 0) + 1
            if key is not None:
                insort(figures.unanswered, key)
            figures.dirty = True
            self._placed[interaction.id] = wanted

    def agents_changed(self, workgroups: Iterable[str]) -> None:
        """An agent's status, sign-in or load changed: their workgroups' figures are stale."""
        for name in workgroups:
            figures = self.figures.get(name)
            if figures is not None:
                figures.dirty = True

    def set_goal(self, workgroup: str, goal: ServiceLevelGoal) -> None:
        figures = self.figures[workgroup]
        figures.goal = goal
        figures.recount(self.clock())
        figures.dirty = True

    # -- figures ---------------------------------------------------------------------------
    def snapshot(self, workgroup: str, now: float | None = None) -> dict[str, Any]:
        """The workgroup's figures as the ``stats`` event carries them."""
        now = self.clock() if now is None else now
        figures = self.figures[workgroup]
        agents = self.agent_counts(workgroup)
        buckets = figures.buckets
        interval = figures.interval.figures(figures.goal.treatment)
        today = figures.today.figures(figures.goal.treatment)
        oldest = figures.unanswered[0][0] if figures.unanswered else None
        return {
            "workgroup": workgroup,
            "at": now,
            "goal": figures.goal.to_dict(),
            "now": {
                "waiting_chats": buckets.get("waiting_chats", 0),
                "waiting_callbacks": buckets.get("waiting_callbacks", 0),
                "snoozed_callbacks": buckets.get("snoozed_callbacks", 0),
                "in_progress": buckets.get("in_progress", 0),
                "oldest_waiting_since": oldest,
                "longest_wait": None if oldest is None else max(0.0, now - oldest),
                "agents": agents.to_dict(),
            },
            "interval": {"start": figures.interval_start, **interval.to_dict()},
            "today": {"start": figures.day_start, **today.to_dict()},
            "forecast": self._forecast(figures, agents, today.average_handle_time, now),
            # Columns rather than one object per point: a full hour is 180 points per workgroup.
            "trend": {
                "step": TREND_STEP,
                "last_at": figures.trend[-1][0] if figures.trend else None,
                "waiting": [waiting for _at, waiting, _level in figures.trend],
                "service_level": [None if level is None else round(level, 4) for _at, _w, level in figures.trend],
            },
        }

    def _forecast(self, figures: WorkgroupFigures, agents: AgentCounts, handle_time: float | None,
                  now: float) -> dict[str, Any]:
        arrivals = figures.arrivals
        while arrivals and arrivals[0] < now - ARRIVAL_WINDOW:
            arrivals.popleft()
        # Early in the day the window is shorter than 30 minutes: rate over what has passed.
        window = max(60.0, min(ARRIVAL_WINDOW, now - figures.day_start))
        per_hour = len(arrivals) * 3600.0 / window
        handle = handle_time if handle_time is not None else self.handle_time_hint(figures.name)
        result: dict[str, Any] = {
            "arrivals_per_hour": per_hour, "average_handle_time": handle, "agents": agents.staffed,
            "traffic": None, "probability_of_waiting": None, "average_speed_of_answer": None,
            "service_level": None, "agents_needed": None,
        }
        if handle is None or handle <= 0:
            return result  # no handled interaction yet: nothing to forecast from
        traffic = erlang.traffic_intensity(per_hour, handle)
        n = agents.staffed
        result["traffic"] = traffic
        result["probability_of_waiting"] = erlang.probability_of_waiting(n, traffic)
        asa = erlang.average_speed_of_answer(n, traffic, handle)
        result["average_speed_of_answer"] = None if math.isinf(asa) else asa
        result["service_level"] = erlang.service_level(n, traffic, handle, figures.goal.threshold)
        try:
            result["agents_needed"] = erlang.agents_needed(traffic, handle, figures.goal.threshold,
                                                           min(figures.goal.target, 0.999))
        except ValueError:
            result["agents_needed"] = None
        return result

    # -- pushing ------------------------------------------------------------------------------
    def tick(self, now: float | None = None) -> int:
        """Once a second: new intervals, trend points, and figures out to supervisors.

        Returns how many workgroups' figures went out (for the benchmark and tests).
        """
        now = self.clock() if now is None else now
        sample = now >= self._next_trend
        if sample:
            self._next_trend = now + TREND_STEP
        sent = 0
        current = interval_start(now, INTERVAL_MINUTES)
        for figures in self.figures.values():
            if figures.interval_start != current:
                figures.recount(now)
                figures.dirty = True
            if sample:
                level = figures.interval.figures(figures.goal.treatment).service_level
                waiting = figures.buckets.get("waiting_chats", 0) + figures.buckets.get("waiting_callbacks", 0)
                figures.trend.append((now, waiting, level))
            due = (figures.dirty and now - figures.last_push >= PUSH_EVERY) or now - figures.last_push >= KEEPALIVE
            if due:
                sent += self.push(figures.name, now)
        return sent

    def push(self, workgroup: str, now: float | None = None) -> int:
        now = self.clock() if now is None else now
        figures = self.figures[workgroup]
        figures.dirty = False
        figures.last_push = now
        audience = list(self.watchers(workgroup))
        if not audience:
            return 0
        self.hub.publish(audience, "stats", "put", self.snapshot(workgroup, now))
        return 1
