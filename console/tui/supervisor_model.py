"""What the supervisor's console knows: queue figures, the team, and how they read.

Pure data and rules, no widgets, so the dashboard's wording, sorting and filtering can
be read and tested without a terminal. The server pushes figures (``stats``) and team
rows (``team.agent``); this module only keeps the latest of each.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from console.tui.model import format_duration
from console.wire_supervisor import TeamMember, WorkgroupStatistics

TEAM_SORTS = ("name", "status", "time", "load")
"""Team view sort orders, in the order the sort key cycles through them."""

TREATMENTS = {
    "ignore": "abandoned ignored",
    "against": "abandoned count against",
    "favour": "abandoned count in favour",
}

PRESENCE_LABELS = {"available": "Available", "away": "Away", "dnd": "DND", "offline": "Offline"}


def percent(value: float | None) -> str:
    """``83%``; an unknown share reads ``—`` (nothing to count yet), never ``0%``."""
    return "—" if value is None else f"{value * 100:.0f}%"


def seconds(value: float | None) -> str:
    return "—" if value is None else format_duration(value)


def meets_goal(level: float | None, target: float) -> bool | None:
    return None if level is None else level >= target


def longest_wait(stats: WorkgroupStatistics, now: float) -> float | None:
    """Ticks between pushes: the oldest waiting interaction's age as of ``now``."""
    since = stats.now.oldest_waiting_since
    return None if since is None else max(0.0, now - since)


def forecast_lines(stats: WorkgroupStatistics) -> list[str]:
    """The Erlang C forecast in words, for the workgroup detail."""
    f = stats.forecast
    if f.traffic is None:
        return [f"{f.arrivals_per_hour:.0f} arrivals/h · no handled interaction yet to forecast from"]
    asa = "never (too few agents)" if f.average_speed_of_answer is None else seconds(f.average_speed_of_answer)
    needed = "—" if f.agents_needed is None else str(f.agents_needed)
    return [
        f"{f.arrivals_per_hour:.0f} arrivals/h × AHT {seconds(f.average_handle_time)} = {f.traffic:.2f} Erlangs",
        f"With {f.agents} available: P(wait) {percent(f.probability_of_waiting)} · ASA {asa} · "
        f"SL {percent(f.service_level)}",
        f"Agents needed for {percent(stats.goal.target)} in {stats.goal.threshold:.0f}s: {needed}",
    ]


def team_sort_key(sort: str, now: float):
    def key(member: TeamMember) -> Any:
        if sort == "status":
            return (not member.signed_in, member.status, member.name)
        if sort == "time":
            return (not member.signed_in, -(now - member.status_since), member.name)
        if sort == "load":
            return (not member.signed_in, -len(member.interactions), member.name)
        return (member.name.lower(),)

    return key


def team_matches(member: TeamMember, text: str) -> bool:
    """The team filter: name, user name, status, workgroup or a visitor's name contains ``text``."""
    text = text.strip().lower()
    if not text:
        return True
    haystack = [member.name, member.username, member.status, *member.workgroups,
                *(i.remote_name for i in member.interactions)]
    return any(text in value.lower() for value in haystack)


def interactions_text(member: TeamMember, now: float) -> str:
    """``2: Vera 03:12, Ian 00:40`` — who the agent is handling and for how long."""
    if not member.interactions:
        return ""
    parts = [f"{i.remote_name.split(' ')[0]} {format_duration(now - (i.answered_at or i.since))}"
             for i in member.interactions]
    return f"{len(parts)}: " + ", ".join(parts)


@dataclass(slots=True)
class SupervisorState:
    """Latest figures per workgroup and the latest row per team member."""

    stats: dict[str, WorkgroupStatistics] = field(default_factory=dict)
    team: dict[str, TeamMember] = field(default_factory=dict)
    team_sort: str = "name"
    team_filter: str = ""

    def apply_stats(self, kind: str, data: dict[str, Any]) -> list[str]:
        """Store a ``stats`` event; returns the workgroups it changed."""
        items: Iterable[dict[str, Any]] = data.get("workgroups", []) if kind == "snapshot" else [data]
        changed = []
        for item in items:
            stats = WorkgroupStatistics.model_validate(item)
            self.stats[stats.workgroup] = stats
            changed.append(stats.workgroup)
        return changed

    def apply_team(self, kind: str, data: dict[str, Any]) -> None:
        if kind == "snapshot":
            self.team = {m["username"]: TeamMember.model_validate(m) for m in data.get("agents", [])}
        else:
            member = TeamMember.model_validate(data)
            self.team[member.username] = member

    def next_sort(self) -> str:
        self.team_sort = TEAM_SORTS[(TEAM_SORTS.index(self.team_sort) + 1) % len(TEAM_SORTS)]
        return self.team_sort

    def team_rows(self, now: float) -> list[TeamMember]:
        rows = [m for m in self.team.values() if team_matches(m, self.team_filter)]
        return sorted(rows, key=team_sort_key(self.team_sort, now))
