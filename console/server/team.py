"""The team view: each agent of a supervisor's workgroups as a row, kept live.

A row says who the agent is, their ACD status and since when, whether they are signed
in, their desktop-chat presence, a pending sign-out, and the interactions they are
handling now (alerting, connected or held) with the time each entered its state.
Changes are coalesced: however many happen in one turn of the event loop, each changed
agent's row goes out once, to the signed-in supervisors who share a workgroup with them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from console.core.interactions import Interaction

if TYPE_CHECKING:
    from console.server.contact_center import Agent, ContactCenter


class TeamView:
    """Rows of the team view, and who hears of their changes."""

    def __init__(self, center: ContactCenter) -> None:
        self.center = center
        self.presence_of: Callable[[str], str | None] = lambda username: None
        """Desktop-chat presence of a user; the desktop-chat service plugs itself in here."""
        self._handling: dict[str, set[str]] = {}
        """Agent -> ids of the interactions alerting them or connected to them."""
        self._owner: dict[str, frozenset[str]] = {}
        """Interaction -> who handles it (owner and conference seats)."""
        self._changed: set[str] = set()
        self._flush_pending = False

    # -- following changes ------------------------------------------------------------
    def observe(self, interaction: Interaction) -> tuple[str, ...]:
        """Call after every interaction change; returns agents whose row now differs.

        A chat in conference is handled by its owner and by every colleague invited or in it.
        """
        handlers = frozenset(interaction.handlers()) if interaction.counts_against_capacity else frozenset()
        before = self._owner.get(interaction.id, frozenset())
        if handlers:
            self._owner[interaction.id] = handlers
        else:
            self._owner.pop(interaction.id, None)
        for name in handlers - before:
            self._handling.setdefault(name, set()).add(interaction.id)
        for name in before - handlers:
            self._handling.get(name, set()).discard(interaction.id)
        return tuple(before | handlers)  # their rows show the interaction's new state, or lose it

    def handling(self, username: str) -> list[Interaction]:
        interactions = self.center.interactions
        return sorted(
            (interactions[i] for i in self._handling.get(username, ()) if i in interactions),
            key=lambda i: i.state_since,
        )

    def changed(self, username: str) -> None:
        """Queue the agent's row to go out at the end of this turn of the event loop."""
        self._changed.add(username)
        loop = self.center.loop
        if loop is None:
            self._changed.clear()  # not serving yet (loading): snapshots will carry the rows
            return
        if not self._flush_pending:
            self._flush_pending = True
            loop.call_soon(self.flush)

    def flush(self) -> None:
        self._flush_pending = False
        changed, self._changed = self._changed, set()
        for username in changed:
            agent = self.center.agents.get(username)
            if agent is None:
                continue
            audience = self.watchers(agent)
            if audience:
                self.center.hub.publish(audience, "team.agent", "put", self.row(agent))

    # -- reading ---------------------------------------------------------------------------
    def watchers(self, agent: Agent) -> list[str]:
        """Signed-in supervisors sharing a workgroup with the agent (the agent themself excluded)."""
        names: set[str] = set()
        for wg in agent.workgroups:
            names.update(self.center.supervisors_of(wg))
        names.discard(agent.username)
        return sorted(names)

    def rows_for(self, supervisor: Agent) -> list[dict[str, Any]]:
        seen: set[str] = set()
        for wg in supervisor.workgroups:
            seen.update(self.center.members.get(wg, ()))
        seen.discard(supervisor.username)
        agents = self.center.agents
        return [self.row(agents[name]) for name in sorted(seen, key=lambda n: agents[n].name)]

    def row(self, agent: Agent) -> dict[str, Any]:
        center = self.center
        by = center.agents.get(agent.sign_out_by) if agent.sign_out_by else None
        return {
            "username": agent.username,
            "name": agent.name,
            "role": agent.role,
            "workgroups": sorted(agent.workgroups),
            "status": agent.status,
            "status_since": agent.status_since,
            "acd_available": center.statuses.is_acd_available(agent.status),
            "signed_in": bool(agent.sessions),
            "presence": self.presence_of(agent.username),
            "sign_out_pending": by.name if by else None,
            "interactions": [
                {
                    "id": i.id, "type": i.type.value, "state": i.state.value, "workgroup": i.workgroup,
                    "remote_name": i.remote_name, "since": i.state_since, "answered_at": i.answered_at,
                }
                for i in self.handling(agent.username)
            ],
        }
