"""A supervisor stepping in: sign-outs, monitor, coach, barge, and moving interactions.

Every call checks that the actor is a supervisor of the workgroup concerned: agents get
``permission.denied``, and a supervisor cannot reach an agent or an interaction outside
their own workgroups (``agent.not_found`` / ``interaction.not_found``, so ids cannot be
probed).

Monitoring is silent: nothing is written to the transcript and neither the agent nor the
visitor hears of it. Coaching tells the agent (only the agent) who is coaching, and coach
messages are transcript entries of kind ``coach`` that go to the agent and the supervisors
watching, never to the visitor's feed. Barging in joins the chat as a participant, which
the visitor's feed announces like any agent joining.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from console.core.errors import CallboardError
from console.core.interactions import Interaction, InteractionState, InteractionType
from console.server.queue_statistics import ServiceLevelGoal

if TYPE_CHECKING:
    from console.server.contact_center import Agent, ContactCenter

MONITOR, COACH, BARGE = "monitor", "coach", "barge"

PENDING_SIGN_OUTS = """
CREATE TABLE IF NOT EXISTS pending_sign_outs (
    username TEXT PRIMARY KEY,
    signed_out_by TEXT NOT NULL,
    since REAL NOT NULL
);
"""
"""Sign-outs waiting for the agent's last interaction: acknowledged, so they outlive a restart."""

PARTICIPATIONS = """
CREATE TABLE IF NOT EXISTS supervisor_participations (
    interaction_id TEXT NOT NULL,
    username TEXT NOT NULL,
    mode TEXT NOT NULL,
    PRIMARY KEY (interaction_id, username)
);
"""
"""Who monitors, coaches or barged into which chat: a barge the visitor saw announced
must still be one after a restart, and a coach still reaches the agent."""
MODES = (MONITOR, COACH, BARGE)
PRIORITY_RANGE = (-100, 100)


class Supervision:
    """What supervisors do to agents and interactions of their workgroups."""

    def __init__(self, center: ContactCenter) -> None:
        self.center = center
        center.store.add_schema(PENDING_SIGN_OUTS)
        center.store.add_schema(PARTICIPATIONS)

    # -- who may do what ----------------------------------------------------------------
    @staticmethod
    def require_supervisor(actor: Agent) -> None:
        if not actor.is_supervisor:
            raise CallboardError("permission.denied", "Only supervisors may do this.")

    def agent_of(self, actor: Agent, username: str) -> Agent:
        """An agent of one of the supervisor's workgroups."""
        self.require_supervisor(actor)
        target = self.center.agents.get(username)
        if target is None or not (target.workgroups & actor.workgroups):
            raise CallboardError("agent.not_found", f"No agent {username!r} in your workgroups.")
        return target

    def interaction_of(self, actor: Agent, interaction_id: str) -> Interaction:
        """An interaction in one of the supervisor's workgroups (or with one of their agents)."""
        self.require_supervisor(actor)
        interaction = self.center.interactions.get(interaction_id)
        if interaction is not None:
            if interaction.workgroup in actor.workgroups:
                return interaction
            owner = self.center.agents.get(interaction.agent or interaction.target_agent or "")
            if owner is not None and owner.workgroups & actor.workgroups:
                return interaction
        raise CallboardError("interaction.not_found", f"No interaction {interaction_id} in your workgroups.")

    def statistics(self, actor: Agent) -> list[dict[str, Any]]:
        self.require_supervisor(actor)
        stats = self.center.statistics
        assert stats is not None
        return [stats.snapshot(wg) for wg in sorted(actor.workgroups) if wg in stats.figures]

    def set_goal(self, actor: Agent, workgroup: str, goal: dict[str, Any]) -> dict[str, Any]:
        """Changes a workgroup's service-level goal; today's figures are recounted with it."""
        self.require_supervisor(actor)
        stats = self.center.statistics
        assert stats is not None
        if workgroup not in actor.workgroups or workgroup not in stats.figures:
            raise CallboardError("queue.not_found", f"No workgroup {workgroup!r} among yours.")
        settings = self.center.store.workgroups().get(workgroup, {})
        settings.update(service_level_seconds=goal["threshold"], service_level_target=goal["target"],
                        abandon_treatment=goal["abandon_treatment"])
        self.center.store.upsert_workgroup(workgroup, settings)
        stats.set_goal(workgroup, ServiceLevelGoal.from_settings(settings))
        stats.push(workgroup)
        return stats.snapshot(workgroup)

    def team(self, actor: Agent) -> list[dict[str, Any]]:
        self.require_supervisor(actor)
        return self.center.team.rows_for(actor)

    # -- signing agents out ------------------------------------------------------------------
    def sign_out(self, actor: Agent, username: str) -> dict[str, Any]:
        """Signs the agent out now, or when their last interaction ends (pending)."""
        target = self.agent_of(actor, username)
        if target is actor:
            raise CallboardError("permission.denied", "Sign yourself out from your own console.")
        if not target.sessions:
            raise CallboardError("agent.not_signed_in", f"{target.name} is not signed in.")
        self._pend_sign_out(target, actor.username)
        self.center.return_alerts(target)
        if self.center.team.handling(target.username):
            self.center.publish_status(target)
            self.center.agent_changed(target)
        else:
            self.complete_sign_out(target)
        return self.center.team.row(target)

    def cancel_sign_out(self, actor: Agent, username: str) -> dict[str, Any]:
        target = self.agent_of(actor, username)
        if target.sign_out_by is None:
            raise CallboardError("agent.no_sign_out_pending", f"No sign-out of {target.name} is pending.")
        self.forget_sign_out(target)
        self.center.publish_status(target)
        self.center.agent_changed(target)
        self.center.schedule_routing()
        return self.center.team.row(target)

    def _pend_sign_out(self, target: Agent, by: str) -> None:
        target.sign_out_by = by
        self.center.store.execute(
            "INSERT OR REPLACE INTO pending_sign_outs(username, signed_out_by, since) VALUES (?, ?, ?)",
            (target.username, by, time.time()),
        )

    def forget_sign_out(self, agent: Agent) -> None:
        """Cancelled, or done: the agent's sessions ended."""
        if agent.sign_out_by is not None:
            agent.sign_out_by = None
            self.center.store.execute("DELETE FROM pending_sign_outs WHERE username = ?", (agent.username,))

    def load_pending_sign_outs(self) -> None:
        """After a restart: sign-outs still pending take effect when their agent is free, or now."""
        for username, by in self.center.store.rows("SELECT username, signed_out_by FROM pending_sign_outs"):
            agent = self.center.agents.get(username)
            if agent is None or not agent.sessions:
                self.center.store.execute("DELETE FROM pending_sign_outs WHERE username = ?", (username,))
                continue
            agent.sign_out_by = by
            if not self.center.team.handling(username):
                self.complete_sign_out(agent)

    def complete_sign_out(self, target: Agent) -> None:
        by = self.center.agents.get(target.sign_out_by or "")
        reason = f"{by.name} signed you out." if by else "A supervisor signed you out."
        for session_id in list(target.sessions):
            for stream in self.center.hub.streams_of(target.username):
                if stream.session_id == session_id:
                    stream.emit("session", "delete", {"reason": reason, "by": by.username if by else None})
            self.center.logout(session_id)

    def interaction_settled(self, username: str) -> None:
        """An interaction left the agent: a pending sign-out may take effect now."""
        agent = self.center.agents.get(username)
        if agent is not None and agent.sign_out_by and not self.center.team.handling(username):
            self.complete_sign_out(agent)

    # -- monitor, coach, barge ------------------------------------------------------------------
    def join(self, actor: Agent, interaction_id: str, mode: str) -> dict[str, Any]:
        interaction = self.interaction_of(actor, interaction_id)
        if interaction.type is not InteractionType.CHAT:
            raise CallboardError("interaction.action_not_allowed", "Only chats can be monitored, coached or barged.")
        if interaction.state not in (InteractionState.CONNECTED, InteractionState.HELD) or not interaction.agent:
            raise CallboardError(
                "interaction.action_not_allowed",
                f"Interaction {interaction.id} is {interaction.state.value}: only a chat an agent is in can be joined.",
            )
        if interaction.agent == actor.username:
            raise CallboardError("interaction.action_not_allowed", "This chat is your own.")
        participants = self.center.participants.setdefault(interaction.id, {})
        before = participants.get(actor.username)
        if before == mode:
            return self.view(actor, interaction)
        if before == BARGE:
            raise CallboardError(
                "interaction.action_not_allowed", "You are in this chat with the visitor; leave it first."
            )
        participants[actor.username] = mode
        center = self.center
        center.store.execute(
            "INSERT OR REPLACE INTO supervisor_participations(interaction_id, username, mode) VALUES (?, ?, ?)",
            (interaction.id, actor.username, mode),
        )
        if mode == BARGE:
            if center.visitors:
                center.visitors.on_agent_joined(interaction, actor.username, actor.name)
            center.add_transcript(interaction, "system", "system", "System", "system",
                                  f"{actor.name} has joined the conversation.")
        center.announce(interaction)
        return self.view(actor, interaction)

    def leave(self, actor: Agent, interaction_id: str) -> dict[str, Any]:
        interaction = self.interaction_of(actor, interaction_id)
        participants = self.center.participants.get(interaction.id, {})
        mode = participants.pop(actor.username, None)
        if mode is None:
            raise CallboardError("supervisor.not_participating", "You are not monitoring this interaction.")
        if not participants:
            self.center.participants.pop(interaction.id, None)
        self.center.store.execute("DELETE FROM supervisor_participations WHERE interaction_id = ? AND username = ?",
                                  (interaction.id, actor.username))
        if mode == BARGE and interaction.is_active:
            if self.center.visitors:
                self.center.visitors.on_agent_left(interaction, actor.username, actor.name)
            self.center.add_transcript(interaction, "system", "system", "System", "system",
                                       f"{actor.name} has left the conversation.")
        self.center.announce(interaction, before=[actor.username])
        return self.view(actor, interaction)

    def message(self, actor: Agent, interaction_id: str, text: str) -> dict[str, Any]:
        """A coach message (to the agent only) or, barged in, a message to the chat."""
        interaction = self.interaction_of(actor, interaction_id)
        mode = self.center.participants.get(interaction.id, {}).get(actor.username)
        if mode not in (COACH, BARGE):
            raise CallboardError(
                "supervisor.not_participating", "Coach or barge in first: monitoring is read-only."
            )
        if interaction.state not in (InteractionState.CONNECTED, InteractionState.HELD):
            raise CallboardError("interaction.action_not_allowed", f"Interaction {interaction.id} has ended.")
        if mode == COACH:
            return self.center.add_transcript(interaction, "coach", "supervisor", actor.name, actor.username, text)
        if self.center.visitors:
            self.center.visitors.on_agent_text(interaction, actor.username, actor.name, text)
        return self.center.add_transcript(interaction, "text", "supervisor", actor.name, actor.username, text)

    def ended(self, interaction: Interaction) -> None:
        """The chat ended or left its agent: every supervisor's participation ends with it."""
        participants = self.center.participants.pop(interaction.id, None)
        self.center.store.execute("DELETE FROM supervisor_participations WHERE interaction_id = ?", (interaction.id,))
        if participants and interaction.is_active and self.center.visitors:
            for username, mode in participants.items():
                supervisor = self.center.agents.get(username)
                if mode == BARGE and supervisor is not None:
                    self.center.visitors.on_agent_left(interaction, username, supervisor.name)

    def load_participations(self) -> None:
        """After a restart: supervisors are back in the chats they followed, as they were."""
        center = self.center
        for interaction_id, username, mode in center.store.rows(
            "SELECT interaction_id, username, mode FROM supervisor_participations"
        ):
            interaction = center.interactions.get(interaction_id)
            if (interaction is None or username not in center.agents or mode not in MODES
                    or interaction.state not in (InteractionState.CONNECTED, InteractionState.HELD)):
                center.store.execute("DELETE FROM supervisor_participations WHERE interaction_id = ?"
                                     " AND username = ?", (interaction_id, username))
                continue
            center.participants.setdefault(interaction_id, {})[username] = mode

    def visible_to_agent(self, interaction: Interaction) -> list[dict[str, str]]:
        """Who coaches or barged in, as the agent sees it (never who only monitors)."""
        agents = self.center.agents
        return [
            {"username": name, "name": agents[name].name, "mode": mode}
            for name, mode in sorted(self.center.participants.get(interaction.id, {}).items())
            if mode != MONITOR and name in agents
        ]

    def view(self, actor: Agent, interaction: Interaction) -> dict[str, Any]:
        view = self.center.view(interaction, actor)
        view["transcript"] = self.center.store.transcript(interaction.id)
        return view

    # -- moving interactions ---------------------------------------------------------------------
    def transfer(self, actor: Agent, interaction_id: str, body: dict[str, Any]) -> dict[str, Any]:
        interaction = self.interaction_of(actor, interaction_id)
        to_workgroup, to_agent = body.get("workgroup"), body.get("agent")
        if bool(to_workgroup) == bool(to_agent):
            raise CallboardError(
                "interaction.transfer.target_required", "Name exactly one of workgroup or agent to transfer to."
            )
        center = self.center
        now = time.time()
        previous = center.agents.get(interaction.agent or "")
        connected = interaction.state in (InteractionState.CONNECTED, InteractionState.HELD)
        before = center.audience(interaction)
        if to_workgroup:
            wg = center.workgroups.get(to_workgroup)
            if wg is None or not wg.accepts(interaction.type):
                raise CallboardError(
                    "interaction.transfer.unknown_target", f"No {interaction.type.value} workgroup {to_workgroup!r}."
                )
            interaction.move_to_workgroup(to_workgroup, now)
            where = to_workgroup
        else:
            target = center.agents.get(to_agent)
            if target is None:
                raise CallboardError("interaction.transfer.unknown_target", f"No agent {to_agent!r}.")
            if not target.sessions:
                raise CallboardError("interaction.transfer.target_unavailable", f"{target.name} is not signed in.")
            interaction.move_to_agent(target.username, now)
            where = target.name
        self._moved(actor, interaction, previous, connected, before, f"transferred the interaction to {where}")
        return center.view(interaction, actor)

    def requeue(self, actor: Agent, interaction_id: str) -> dict[str, Any]:
        interaction = self.interaction_of(actor, interaction_id)
        center = self.center
        previous = center.agents.get(interaction.agent or "")
        connected = interaction.state in (InteractionState.CONNECTED, InteractionState.HELD)
        before = center.audience(interaction)
        interaction.requeue(time.time())
        self._moved(actor, interaction, previous, connected, before,
                    f"returned the interaction to {interaction.workgroup or 'the queue'}")
        return center.view(interaction, actor)

    def _moved(self, actor: Agent, interaction: Interaction, previous: Agent | None, connected: bool,
               before: set[str], what: str) -> None:
        center = self.center
        center.cancel_alert_timer(interaction.id)
        center.cancel_snooze_timer(interaction.id)
        self.ended(interaction)
        if center.visitors and interaction.type is InteractionType.CHAT:
            if previous is not None and connected:
                center.visitors.on_agent_left(interaction, previous.username, previous.name)
            if interaction.state is InteractionState.ALERTING:
                center.visitors.on_alerting(interaction, center.agents[interaction.agent].name)
            else:
                center.visitors.on_queued(interaction)
        center.add_transcript(interaction, "system", "system", "System", "system", f"{actor.name} (supervisor) {what}.")
        center.save(interaction)
        center.announce(interaction, before=before)
        if interaction.state is InteractionState.ALERTING:
            center.arm_alert_timer(interaction)
        if previous is not None:
            self.interaction_settled(previous.username)
        center.schedule_routing()

    def set_priority(self, actor: Agent, interaction_id: str, priority: int) -> dict[str, Any]:
        interaction = self.interaction_of(actor, interaction_id)
        low, high = PRIORITY_RANGE
        if not low <= priority <= high:
            raise CallboardError("interaction.priority_out_of_range", f"Priorities go from {low} to {high}.")
        interaction.set_priority(priority)
        self.center.save(interaction)
        self.center.announce(interaction)
        self.center.schedule_routing()
        return self.center.view(interaction, actor)
