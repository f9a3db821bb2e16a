"""Chat conferences between agents: invitations, members joining and leaving, hand-over.

The agent connected to a web chat (its owner) invites a signed-in colleague. The
invitation alerts the colleague like any interaction, in their own My Interactions, but
it is not an ACD offer: it goes to whoever was named, whatever their status, and when it
is not answered within the workgroup's alert timeout it simply lapses (the inviter reads
so in the transcript; nobody's status changes). Accepted, the colleague is a member: the
visitor sees them join, and they read and write in the chat beside the owner. A member
who leaves leaves alone; an owner who leaves hands the chat to the longest-present member.

Seats live in the interaction itself (``Interaction.conference``), so they are stored,
routed around (each one takes a chat slot) and announced with it. A supervisor's barge
is a different thing (``supervision.py``): it does not take a slot and never owns the chat.
Supervisors are not invited: they step into chats with monitor, coach and barge, and
their console does not handle interactions itself.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any

from console.core.errors import CallboardError
from console.core.interactions import IN_PROGRESS, ConferenceSeat, Interaction, InteractionState, InteractionType

if TYPE_CHECKING:
    from console.server.contact_center import Agent, ContactCenter


class Conferences:
    """Everything agents do to share a chat; the contact center saves and announces after."""

    def __init__(self, center: ContactCenter) -> None:
        self.center = center
        self._timers: dict[tuple[str, str], asyncio.TimerHandle] = {}

    # -- start and stop ------------------------------------------------------------------
    def start(self) -> None:
        """After a restart, invitations still pending lapse when they would have."""
        for interaction in self.center.interactions.values():
            for seat in interaction.invitations:
                self._arm(interaction, seat)

    def stop(self) -> None:
        for handle in self._timers.values():
            handle.cancel()
        self._timers.clear()

    # -- the owner -----------------------------------------------------------------------
    def invite(self, owner: Agent, interaction: Interaction, body: dict[str, Any], now: float) -> None:
        username = body.get("agent") or ""
        # Refusals about the chat itself come before those about the colleague named.
        self._check_invitable(owner, interaction)
        colleague = self.center.agents.get(username)
        if colleague is None:
            raise CallboardError("interaction.conference.unknown_target", f"No agent {username!r}.")
        if colleague.is_supervisor:
            raise CallboardError(
                "interaction.conference.target_unavailable",
                f"{colleague.name} is a supervisor: supervisors step into chats with monitor, coach or barge.",
            )
        if not colleague.sessions or colleague.sign_out_by is not None:
            raise CallboardError(
                "interaction.conference.target_unavailable", f"{colleague.name} is not signed in."
            )
        seat = interaction.invite(owner.username, colleague.username, now)
        self.center.add_transcript(interaction, "system", "system", "System", "system",
                                   f"{owner.name} invited {colleague.name} to a conference.")
        self._arm(interaction, seat)

    @staticmethod
    def _check_invitable(owner: Agent, interaction: Interaction) -> None:
        """The same checks as ``Interaction.invite`` makes, before the colleague is looked up."""
        if interaction.type is not InteractionType.CHAT:
            raise CallboardError(
                "interaction.action_not_allowed", "Only chats can be conferenced; a callback stays with its agent."
            )
        if interaction.agent != owner.username:
            raise CallboardError("interaction.not_yours", f"Interaction {interaction.id} is not connected to you.")
        if interaction.state is not InteractionState.CONNECTED:
            raise CallboardError(
                "interaction.action_not_allowed",
                f"Cannot conference interaction {interaction.id} while it is {interaction.state.value}.",
            )

    def cancel(self, owner: Agent, interaction: Interaction, body: dict[str, Any]) -> None:
        username = body.get("agent") or ""
        seat = interaction.cancel_invitation(owner.username, username)
        self._disarm(interaction.id, seat.username)
        colleague = self.center.agents.get(seat.username)
        self.center.add_transcript(interaction, "system", "system", "System", "system",
                                   f"{owner.name} cancelled the invitation to {self._name(colleague, seat)}.")

    # -- the colleague invited -------------------------------------------------------------
    def accept(self, colleague: Agent, interaction: Interaction, now: float) -> None:
        interaction.accept_invitation(colleague.username, now)
        self._disarm(interaction.id, colleague.username)
        center = self.center
        if center.visitors:
            center.visitors.on_agent_joined(interaction, colleague.username, colleague.name)
        center.add_transcript(interaction, "system", "system", "System", "system",
                              f"{colleague.name} has joined the conversation.")
        colleague.idle_since = now

    def decline(self, colleague: Agent, interaction: Interaction) -> None:
        interaction.withdraw_invitation(colleague.username)
        self._disarm(interaction.id, colleague.username)
        self.center.add_transcript(interaction, "system", "system", "System", "system",
                                   f"{colleague.name} declined the conference invitation.")

    # -- leaving -----------------------------------------------------------------------------
    def leave(self, member: Agent, interaction: Interaction, now: float) -> None:
        """A member leaves the conference; the chat goes on without them."""
        interaction.leave_conference(member.username)
        self._left(interaction, member)
        member.idle_since = now

    def owner_leaves(self, owner: Agent, interaction: Interaction, now: float) -> bool:
        """The owner leaves: True when a member took the chat over, False when none could
        (the caller then ends the chat as usual)."""
        successor = interaction.hand_over(owner.username)
        if successor is None:
            return False
        self._left(interaction, owner)
        new_owner = self.center.agents.get(successor)
        self.center.add_transcript(interaction, "system", "system", "System", "system",
                                   f"{new_owner.name if new_owner else successor} now owns the chat.")
        owner.idle_since = now
        return True

    def _left(self, interaction: Interaction, agent: Agent) -> None:
        center = self.center
        center.typing_changed_by_agent(interaction, agent, False)
        if center.visitors:
            center.visitors.on_agent_left(interaction, agent.username, agent.name)
        center.add_transcript(interaction, "system", "system", "System", "system",
                              f"{agent.name} has left the conversation.")

    def signed_out(self, agent: Agent) -> None:
        """A colleague who signs out cannot answer: their invitations lapse at once."""
        for interaction in list(self.center.interactions.values()):
            if (seat := interaction.seat(agent.username)) is not None and not seat.joined:
                self._lapse(interaction, seat, f"{agent.name} signed out; the conference invitation lapsed.")

    def ended(self, interaction: Interaction) -> None:
        """The chat ended or left its owner (a supervisor moved it): the conference is over.

        Called by the contact center's ``save`` before the change is stored; members still
        in a live chat (one put back in its queue) are seen leaving it by the visitor.
        """
        center = self.center
        for seat in interaction.end_conference():
            self._disarm(interaction.id, seat.username)
            agent = center.agents.get(seat.username)
            if seat.joined and interaction.is_active and agent is not None and center.visitors:
                center.visitors.on_agent_left(interaction, agent.username, agent.name)

    # -- invitations that lapse ---------------------------------------------------------------
    def _arm(self, interaction: Interaction, seat: ConferenceSeat) -> None:
        loop = self.center.loop
        if loop is None:
            return
        timeout = self.center.workgroup_routing(interaction.workgroup).alert_timeout_seconds
        delay = max(0.0, seat.invited_at + timeout - time.time())
        self._disarm(interaction.id, seat.username)
        self._timers[(interaction.id, seat.username)] = loop.call_later(
            delay, self._timed_out, interaction.id, seat.username, seat.invited_at
        )

    def _disarm(self, interaction_id: str, username: str) -> None:
        handle = self._timers.pop((interaction_id, username), None)
        if handle is not None:
            handle.cancel()

    def _timed_out(self, interaction_id: str, username: str, invited_at: float) -> None:
        self._timers.pop((interaction_id, username), None)
        interaction = self.center.interactions.get(interaction_id)
        seat = interaction.seat(username) if interaction is not None else None
        if interaction is None or seat is None or seat.joined or seat.invited_at != invited_at:
            return
        agent = self.center.agents.get(username)
        self._lapse(interaction, seat, f"{self._name(agent, seat)} did not answer the conference invitation.")

    def _lapse(self, interaction: Interaction, seat: ConferenceSeat, why: str) -> None:
        """The invitation ends unanswered; unlike an ACD alert, nobody's status changes."""
        center = self.center
        interaction.withdraw_invitation(seat.username)
        self._disarm(interaction.id, seat.username)
        center.add_transcript(interaction, "system", "system", "System", "system", why)
        center.save(interaction)
        center.announce(interaction, before=[seat.username])
        center.schedule_routing()

    # -- what viewers see ------------------------------------------------------------------------
    def participants(self, interaction: Interaction) -> list[dict[str, Any]]:
        """The owner, members and pending invitees of a chat an agent is in, for every view."""
        if interaction.agent is None or interaction.state not in (*IN_PROGRESS, InteractionState.DISCONNECTED):
            return []
        agents = self.center.agents
        rows = [{"username": interaction.agent, "name": self._name(agents.get(interaction.agent), None,
                                                                    interaction.agent),
                 "role": "owner", "since": None}]
        for seat in interaction.conference:
            rows.append({
                "username": seat.username, "name": self._name(agents.get(seat.username), seat),
                "role": "member" if seat.joined else "invited",
                "since": seat.joined_at if seat.joined else seat.invited_at,
            })
        return rows

    @staticmethod
    def viewer_state(interaction: Interaction, viewer: str) -> tuple[str, float]:
        """The state (and since when) as ``viewer`` lives it: an invitation alerts them."""
        seat = interaction.seat(viewer)
        if seat is None:
            return interaction.state.value, interaction.state_since
        if not seat.joined:
            return InteractionState.ALERTING.value, seat.invited_at
        return interaction.state.value, max(interaction.state_since, seat.joined_at or 0.0)

    @staticmethod
    def _name(agent: Agent | None, seat: ConferenceSeat | None, fallback: str = "") -> str:
        if agent is not None:
            return agent.name
        return seat.username if seat is not None else fallback
