"""The live contact center: agents, sessions, interactions, ACD routing and announcements.

One instance runs on the server's event loop and is the only writer of live state, so no
locks are needed: every public method runs to completion without awaiting. Each change is
committed to the store before it is announced on the event stream, so whatever a client
has been told survives a crash of the server.
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from console.core.errors import CallboardError
from console.core.interactions import Action, Interaction, InteractionState, InteractionType
from console.core.passwords import verify_password
from console.core.routing import AgentAvailability, WorkgroupRouting, plan_assignments
from console.core.statuses import AGENT_NOT_ANSWERING, AVAILABLE, GONE_HOME, StatusCatalog
from console.server.events import EventHub
from console.server.store import Store

MY_INTERACTIONS = "my-interactions"
EXPIRED_TOKEN_MEMORY = 24 * 3600.0
"""Seconds an expired token is still recognised (answered with ``session.expired``)."""


def workgroup_queue_id(workgroup: str) -> str:
    return f"workgroup:{workgroup}"


@dataclass(slots=True)
class Agent:
    """A user of the console (agent or supervisor) and their live ACD state."""

    username: str
    name: str
    role: str
    password_hash: str
    workgroups: frozenset[str]
    skills: dict[str, int]
    max_chats: int
    status: str
    status_since: float
    sessions: set[str] = field(default_factory=set)
    idle_since: float = 0.0

    def info(self) -> dict[str, Any]:
        return {
            "id": self.username,
            "username": self.username,
            "name": self.name,
            "role": self.role,
            "workgroups": sorted(self.workgroups),
        }


@dataclass(slots=True)
class Workgroup:
    name: str
    chat_enabled: bool
    routing: WorkgroupRouting


class VisitorChannel(Protocol):
    """What the visitor side (IWT web chat) hears of an interaction's life."""

    def on_alerting(self, interaction: Interaction, agent_name: str) -> None: ...
    def on_queued(self, interaction: Interaction) -> None: ...
    def on_agent_joined(self, interaction: Interaction, username: str, agent_name: str) -> None: ...
    def on_agent_left(self, interaction: Interaction, username: str, agent_name: str) -> None: ...
    def on_agent_text(self, interaction: Interaction, username: str, agent_name: str, text: str) -> None: ...
    def on_agent_typing(self, interaction: Interaction, username: str, typing: bool) -> None: ...
    def on_ended_by_agent(self, interaction: Interaction) -> None: ...


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ContactCenter:
    """Live state of the contact center and every rule that changes it."""

    def __init__(
        self,
        store: Store,
        hub: EventHub,
        statuses: StatusCatalog | None = None,
        *,
        session_ttl: float = 12 * 3600,
    ) -> None:
        self.store = store
        self.hub = hub
        self.statuses = statuses or StatusCatalog()
        self.session_ttl = session_ttl
        self.agents: dict[str, Agent] = {}
        self.workgroups: dict[str, Workgroup] = {}
        self.interactions: dict[str, Interaction] = {}
        self.transcript_next: dict[str, int] = {}
        self.typing: dict[str, bool] = {}
        """Visitor typing state per interaction id."""
        self._session_users: dict[str, tuple[str, float]] = {}
        self._alert_timers: dict[str, asyncio.TimerHandle] = {}
        self._route_pending = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ticker: asyncio.Task | None = None
        self.visitors: VisitorChannel | None = None

    # -- start and stop ------------------------------------------------------------------
    def load(self) -> None:
        """Rebuild live state from the store (at start, and after a crash)."""
        now = time.time()
        self.workgroups = {
            name: Workgroup(
                name=name,
                chat_enabled=bool(s.get("chat_enabled", True)),
                routing=WorkgroupRouting(
                    name=name,
                    skill_categories=tuple(s.get("skill_categories", ("language",))),
                    skill_relax_seconds=float(s.get("skill_relax_seconds", 60)),
                    alert_timeout_seconds=float(s.get("alert_timeout_seconds", 20)),
                ),
            )
            for name, s in self.store.workgroups().items()
        }
        self.agents = {
            u.username: Agent(
                u.username, u.name, u.role, u.password_hash, frozenset(u.workgroups),
                dict(u.skills), u.max_chats, u.status, u.status_since,
            )
            for u in self.store.users()
        }
        self._session_users = {}
        for token_hash, username, expires in self.store.live_sessions(now):
            if username in self.agents:
                self._session_users[token_hash] = (username, expires)
                self.agents[username].sessions.add(token_hash)
        for record in self.store.active_interactions():
            interaction = Interaction.from_record(record)
            if interaction.state is InteractionState.ALERTING and interaction.target_agent is None:
                # The alert died with the old process; it waits again, nobody is penalised.
                interaction.agent = None
                interaction.state = InteractionState.WAITING
                interaction.state_since = now
                self._save(interaction)
            self.interactions[interaction.id] = interaction
            self.transcript_next[interaction.id] = len(self.store.transcript(interaction.id))

    def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        for interaction in self.interactions.values():
            if interaction.state is InteractionState.ALERTING:
                self._arm_alert_timer(interaction)
        self._ticker = self._loop.create_task(self._tick())
        self.schedule_routing()

    async def stop(self) -> None:
        if self._ticker is not None:
            self._ticker.cancel()
            try:
                await self._ticker
            except asyncio.CancelledError:
                pass
        for handle in self._alert_timers.values():
            handle.cancel()
        self._alert_timers.clear()

    async def _tick(self) -> None:
        """Once a second: sessions that ran out end, and routing runs (waiting skills relax)."""
        while True:
            await asyncio.sleep(1.0)
            self.expire_sessions()
            self.route()

    # -- sessions ------------------------------------------------------------------------
    def login(self, username: str, password: str) -> tuple[str, float, Agent]:
        agent = self.agents.get(username)
        if agent is None or not verify_password(password, agent.password_hash):
            raise CallboardError("session.bad_credentials", "Wrong user name or password.")
        token = secrets.token_urlsafe(32)
        now = time.time()
        expires = now + self.session_ttl
        token_hash = _token_hash(token)
        self.store.add_session(token_hash, username, now, expires)
        self._session_users[token_hash] = (username, expires)
        agent.sessions.add(token_hash)
        if agent.status == GONE_HOME:
            self._set_status(agent, AVAILABLE, now)
        return token, expires, agent

    def authenticate(self, token: str) -> tuple[Agent, str]:
        """The agent behind a bearer token, and the session id (the token's hash)."""
        token_hash = _token_hash(token)
        entry = self._session_users.get(token_hash)
        if entry is None:
            raise CallboardError("session.invalid", "Not signed in: the session token is unknown.")
        username, expires = entry
        if expires <= time.time():
            self._end_session(token_hash)
            raise CallboardError("session.expired", "The session has expired; sign in again.")
        return self.agents[username], token_hash

    def logout(self, session_id: str) -> None:
        self._end_session(session_id)

    def expire_sessions(self, now: float | None = None) -> None:
        """Signs out agents whose session ran out while no call of theirs noticed.

        Without this an agent who closed the console would stay routable until the token
        was used again. The token stays known (for ``EXPIRED_TOKEN_MEMORY``) so a late
        call still hears ``session.expired`` rather than ``session.invalid``.
        """
        now = time.time() if now is None else now
        for token_hash, (username, expires) in list(self._session_users.items()):
            if expires > now:
                continue
            if expires < now - EXPIRED_TOKEN_MEMORY:
                self._session_users.pop(token_hash, None)
            self._close_session(token_hash, username)

    def _end_session(self, token_hash: str) -> None:
        entry = self._session_users.pop(token_hash, None)
        self._close_session(token_hash, entry[0] if entry else None)

    def _close_session(self, token_hash: str, username: str | None) -> None:
        agent = self.agents.get(username) if username else None
        if agent is not None and token_hash not in agent.sessions:
            return  # already closed (expired earlier)
        self.store.delete_session(token_hash)
        self.hub.drop(token_hash)
        if agent is None:
            return
        agent.sessions.discard(token_hash)
        if not agent.sessions:
            self._set_status(agent, GONE_HOME, time.time())

    # -- agent status --------------------------------------------------------------------
    def change_status(self, actor: Agent, target_username: str, status_id: str) -> Agent:
        target = self.agents.get(target_username)
        if target is None:
            raise CallboardError("agent.not_found", f"No agent {target_username!r}.")
        if target is not actor:
            if actor.role != "supervisor" or not (actor.workgroups & target.workgroups):
                raise CallboardError(
                    "permission.denied", "Only a supervisor of the agent's workgroup may change it."
                )
        status = self.statuses.get(status_id)
        if status is None:
            raise CallboardError("status.unknown", f"No status {status_id!r}.")
        if not status.selectable:
            raise CallboardError("status.not_selectable", f"{status.label!r} is set by the system only.")
        self._set_status(target, status.id, time.time())
        return target

    def _set_status(self, agent: Agent, status_id: str, now: float) -> None:
        if agent.status == status_id:
            return
        agent.status = status_id
        agent.status_since = now
        if self.statuses.is_acd_available(status_id):
            agent.idle_since = now
        self.store.set_user_status(agent.username, status_id, now)
        self.hub.publish([agent.username], "agent.status", "put", self.status_view(agent))
        self.schedule_routing()

    def status_view(self, agent: Agent) -> dict[str, Any]:
        return {
            "username": agent.username,
            "status": agent.status,
            "since": agent.status_since,
            "acd_available": self.statuses.is_acd_available(agent.status),
        }

    # -- views ---------------------------------------------------------------------------
    def queues_of(self, agent: Agent) -> list[dict[str, str]]:
        queues = [{"id": MY_INTERACTIONS, "name": "My Interactions", "kind": "my_interactions"}]
        queues += [
            {"id": workgroup_queue_id(wg), "name": wg, "kind": "workgroup"}
            for wg in sorted(agent.workgroups)
            if wg in self.workgroups
        ]
        return queues

    def queue_ids_for(self, interaction: Interaction, viewer: Agent) -> list[str]:
        ids = []
        if interaction.agent == viewer.username or (
            interaction.state is InteractionState.WAITING and interaction.target_agent == viewer.username
        ):
            ids.append(MY_INTERACTIONS)
        if interaction.is_active and interaction.workgroup in viewer.workgroups and interaction.target_agent is None:
            ids.append(workgroup_queue_id(interaction.workgroup))
        return ids

    def view(self, interaction: Interaction, viewer: Agent) -> dict[str, Any]:
        owner = self.agents.get(interaction.agent) if interaction.agent else None
        return {
            "id": interaction.id,
            "type": interaction.type.value,
            "workgroup": interaction.workgroup,
            "state": interaction.state.value,
            "remote_name": interaction.remote_name,
            "remote_address": interaction.remote_address,
            "agent": interaction.agent,
            "agent_name": owner.name if owner else None,
            "created_at": interaction.created_at,
            "state_since": interaction.state_since,
            "queued_at": interaction.queued_at,
            "priority": interaction.priority,
            "language": interaction.language,
            "attributes": interaction.attributes,
            "visitor_typing": self.typing.get(interaction.id, False),
            "actions": interaction.allowed_actions(viewer.username, viewer.workgroups),
            "queues": self.queue_ids_for(interaction, viewer),
        }

    def queue_contents(self, viewer: Agent, queue_id: str) -> list[dict[str, Any]]:
        if queue_id not in {q["id"] for q in self.queues_of(viewer)}:
            raise CallboardError("queue.not_found", f"No queue {queue_id!r} visible to you.")
        return [
            self.view(i, viewer)
            for i in self.interactions.values()
            if queue_id in self.queue_ids_for(i, viewer)
        ]

    def visible_interaction(self, viewer: Agent, interaction_id: str) -> Interaction:
        interaction = self.interactions.get(interaction_id)
        if interaction is None or not self.queue_ids_for(interaction, viewer):
            # Not telling apart "missing" from "not yours" keeps ids from being probed.
            raise CallboardError("interaction.not_found", f"No interaction {interaction_id} visible to you.")
        return interaction

    def detail(self, viewer: Agent, interaction_id: str) -> dict[str, Any]:
        interaction = self.visible_interaction(viewer, interaction_id)
        view = self.view(interaction, viewer)
        view["transcript"] = self.store.transcript(interaction.id)
        return view

    def snapshot_frames(self, agent: Agent) -> list[tuple[str, dict[str, Any]]]:
        """What a freshly connected event stream starts with."""
        return [
            ("session", {"user": agent.info(), "statuses": [s.to_dict() for s in self.statuses.statuses]}),
            ("agent.status", self.status_view(agent)),
            (
                "queues",
                {
                    "queues": self.queues_of(agent),
                    "interactions": [
                        self.view(i, agent) for i in self.interactions.values() if self.queue_ids_for(i, agent)
                    ],
                },
            ),
        ]

    # -- announcing ------------------------------------------------------------------------
    def _audience(self, interaction: Interaction) -> set[str]:
        names = {a.username for a in self.agents.values() if interaction.workgroup in a.workgroups and a.sessions}
        for name in (interaction.agent, interaction.target_agent):
            if name:
                names.add(name)
        return names

    def _announce(self, interaction: Interaction, before: Iterable[str] = ()) -> None:
        """Tell every viewer, old and new, how the interaction looks to them now."""
        audience = self._audience(interaction) | set(before)
        for username in audience:
            viewer = self.agents.get(username)
            if viewer is None or not viewer.sessions:
                continue
            if self.queue_ids_for(interaction, viewer):
                self.hub.publish([username], "interaction", "put", self.view(interaction, viewer))
            else:
                self.hub.publish([username], "interaction", "delete", {"id": interaction.id})

    def _save(self, interaction: Interaction) -> None:
        self.store.save_interaction(
            interaction.id, interaction.state.value, interaction.workgroup, interaction.agent,
            interaction.to_record(),
        )

    def add_transcript(
        self, interaction: Interaction, kind: str, sender_type: str, sender_name: str, sender_id: str, text: str
    ) -> dict[str, Any]:
        seq = self.transcript_next.get(interaction.id, 0)
        self.transcript_next[interaction.id] = seq + 1
        entry = {
            "seq": seq, "ts": time.time(), "kind": kind, "sender_type": sender_type,
            "sender_name": sender_name, "sender_id": sender_id, "text": text,
        }
        self.store.append_transcript(interaction.id, seq, entry)
        if interaction.agent and interaction.state in (
            InteractionState.CONNECTED, InteractionState.HELD, InteractionState.DISCONNECTED
        ):
            self.hub.publish(
                [interaction.agent], "interaction.message", "post",
                {"interaction_id": interaction.id, "entry": entry},
            )
        return entry

    # -- creating interactions (from the visitor side) --------------------------------------
    def new_interaction_id(self) -> str:
        return str(self.store.next_interaction_number())

    def check_chat_target(self, target: str, target_type: str) -> None:
        if target_type.lower() == "workgroup":
            wg = self.workgroups.get(target)
            if wg is None or not wg.chat_enabled:
                raise CallboardError("target.unknown", f"No chat-enabled workgroup {target!r}.")
        elif target_type.lower() == "user":
            if target not in self.agents:
                raise CallboardError("target.unknown", f"No agent {target!r}.")
        else:
            raise CallboardError("target.unknown", f"Unknown target type {target_type!r}.")

    def queue_interaction(self, interaction: Interaction) -> None:
        """A new interaction enters its queue; routing will find it an agent."""
        self.interactions[interaction.id] = interaction
        self.transcript_next.setdefault(interaction.id, 0)
        self._save(interaction)
        self._announce(interaction)
        self.schedule_routing()

    def workgroup_routing(self, workgroup: str) -> WorkgroupRouting:
        wg = self.workgroups.get(workgroup)
        return wg.routing if wg else WorkgroupRouting(name=workgroup)

    # -- routing -------------------------------------------------------------------------------
    def schedule_routing(self) -> None:
        """Coalesce routing requests into one pass at the next turn of the loop."""
        if self._loop is None or self._route_pending:
            return
        self._route_pending = True
        self._loop.call_soon(self.route)

    def active_chat_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for interaction in self.interactions.values():
            if interaction.agent and interaction.counts_against_capacity:
                counts[interaction.agent] = counts.get(interaction.agent, 0) + 1
        return counts

    def route(self) -> None:
        self._route_pending = False
        waiting = [i for i in self.interactions.values() if i.state is InteractionState.WAITING]
        if not waiting:
            return
        counts = self.active_chat_counts()
        pool = [
            AgentAvailability(
                username=a.username,
                workgroups=a.workgroups,
                skills=a.skills,
                acd_available=self.statuses.is_acd_available(a.status),
                logged_in=bool(a.sessions),
                max_chats=a.max_chats,
                active_chats=counts.get(a.username, 0),
                idle_since=a.idle_since,
            )
            for a in self.agents.values()
        ]
        settings = {name: wg.routing for name, wg in self.workgroups.items()}
        now = time.time()
        for interaction, username in plan_assignments(waiting, pool, settings, now):
            self._alert(interaction, username, now)

    def _alert(self, interaction: Interaction, username: str, now: float) -> None:
        agent = self.agents[username]
        interaction.alert(username, now)
        agent.idle_since = now
        self._save(interaction)
        if self.visitors:
            self.visitors.on_alerting(interaction, agent.name)
        self._announce(interaction)
        self._arm_alert_timer(interaction)

    def _arm_alert_timer(self, interaction: Interaction) -> None:
        if self._loop is None:
            return
        timeout = self.workgroup_routing(interaction.workgroup).alert_timeout_seconds
        remaining = max(0.0, interaction.state_since + timeout - time.time())
        old = self._alert_timers.pop(interaction.id, None)
        if old:
            old.cancel()
        self._alert_timers[interaction.id] = self._loop.call_later(
            remaining, self._alert_timed_out, interaction.id, interaction.agent, interaction.state_since
        )

    def _cancel_alert_timer(self, interaction_id: str) -> None:
        handle = self._alert_timers.pop(interaction_id, None)
        if handle:
            handle.cancel()

    def _alert_timed_out(self, interaction_id: str, username: str, since: float) -> None:
        self._alert_timers.pop(interaction_id, None)
        interaction = self.interactions.get(interaction_id)
        if (
            interaction is None
            or interaction.state is not InteractionState.ALERTING
            or interaction.agent != username
            or interaction.state_since != since
        ):
            return
        now = time.time()
        interaction.alert_timed_out(now)
        if interaction.target_agent == username:
            # A chat asked for this agent keeps waiting for them alone.
            interaction.declined_by.discard(username)
        self._save(interaction)
        self._announce(interaction, before=[username])
        agent = self.agents.get(username)
        if agent is not None:
            self._set_status(agent, AGENT_NOT_ANSWERING, now)
        self.schedule_routing()

    # -- agent actions ---------------------------------------------------------------------------
    def act(self, agent: Agent, interaction_id: str, action: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        interaction = self.visible_interaction(agent, interaction_id)
        try:
            kind = Action(action)
        except ValueError:
            raise CallboardError("interaction.unknown_action", f"No action {action!r}.") from None
        now = time.time()
        before = self._audience(interaction)
        if kind is Action.PICKUP:
            interaction.pick_up(agent.username, agent.workgroups, now)
            self._cancel_alert_timer(interaction.id)
            if self.visitors:
                self.visitors.on_agent_joined(interaction, agent.username, agent.name)
            self.add_transcript(
                interaction, "system", "system", "System", "system", f"{agent.name} has joined the conversation."
            )
        elif kind is Action.HOLD:
            interaction.hold(agent.username, now)
        elif kind is Action.UNHOLD:
            interaction.unhold(agent.username, now)
        elif kind is Action.TRANSFER:
            self._transfer(agent, interaction, body or {}, now)
        elif kind is Action.DISCONNECT:
            interaction.disconnect(now, by_agent=agent.username)
            self._cancel_alert_timer(interaction.id)
            if self.visitors:
                self.visitors.on_agent_left(interaction, agent.username, agent.name)
                self.visitors.on_ended_by_agent(interaction)
            self.add_transcript(
                interaction, "system", "system", "System", "system", f"{agent.name} has left the conversation."
            )
            agent.idle_since = now
        elif kind is Action.DISMISS:
            interaction.dismiss(agent.username)
        self._save(interaction)
        self._announce(interaction, before=before)
        if kind is Action.DISMISS:
            self.interactions.pop(interaction.id, None)
            self.transcript_next.pop(interaction.id, None)
            self.typing.pop(interaction.id, None)
        self.schedule_routing()
        return self.view(interaction, agent)

    def _transfer(self, agent: Agent, interaction: Interaction, body: dict[str, Any], now: float) -> None:
        to_workgroup, to_agent = body.get("workgroup"), body.get("agent")
        if bool(to_workgroup) == bool(to_agent):
            raise CallboardError(
                "interaction.transfer.target_required", "Name exactly one of workgroup or agent to transfer to."
            )
        if to_workgroup:
            wg = self.workgroups.get(to_workgroup)
            if wg is None or not wg.chat_enabled:
                raise CallboardError("interaction.transfer.unknown_target", f"No chat workgroup {to_workgroup!r}.")
            interaction.transfer_to_workgroup(agent.username, to_workgroup, now)
            if self.visitors:
                self.visitors.on_agent_left(interaction, agent.username, agent.name)
                self.visitors.on_queued(interaction)
            self.add_transcript(
                interaction, "system", "system", "System", "system",
                f"{agent.name} transferred the interaction to {to_workgroup}.",
            )
            return
        target = self.agents.get(to_agent)
        if target is None:
            raise CallboardError("interaction.transfer.unknown_target", f"No agent {to_agent!r}.")
        if not target.sessions:
            raise CallboardError("interaction.transfer.target_unavailable", f"{target.name} is not signed in.")
        interaction.transfer_to_agent(agent.username, target.username, now)
        if self.visitors:
            self.visitors.on_agent_left(interaction, agent.username, agent.name)
            self.visitors.on_alerting(interaction, target.name)
        self.add_transcript(
            interaction, "system", "system", "System", "system",
            f"{agent.name} transferred the interaction to {target.name}.",
        )
        self._arm_alert_timer(interaction)

    def agent_message(self, agent: Agent, interaction_id: str, text: str) -> dict[str, Any]:
        interaction = self._owned_connected(agent, interaction_id, "send a message")
        self.typing_changed_by_agent(interaction, agent, False)
        if self.visitors:
            self.visitors.on_agent_text(interaction, agent.username, agent.name, text)
        return self.add_transcript(interaction, "text", "agent", agent.name, agent.username, text)

    def agent_typing(self, agent: Agent, interaction_id: str, typing: bool) -> None:
        interaction = self._owned_connected(agent, interaction_id, "type")
        self.typing_changed_by_agent(interaction, agent, typing)

    def typing_changed_by_agent(self, interaction: Interaction, agent: Agent, typing: bool) -> None:
        if self.visitors:
            self.visitors.on_agent_typing(interaction, agent.username, typing)

    def _owned_connected(self, agent: Agent, interaction_id: str, what: str) -> Interaction:
        interaction = self.visible_interaction(agent, interaction_id)
        if interaction.agent != agent.username:
            raise CallboardError("interaction.not_yours", f"Interaction {interaction_id} is not connected to you.")
        if interaction.state is not InteractionState.CONNECTED:
            raise CallboardError(
                "interaction.action_not_allowed",
                f"Cannot {what} while interaction {interaction_id} is {interaction.state.value}.",
            )
        return interaction

    # -- visitor-side happenings -------------------------------------------------------------------
    def visitor_text(self, interaction: Interaction, text: str) -> None:
        if self.typing.get(interaction.id):
            self.visitor_typing(interaction, False)
        self.add_transcript(interaction, "text", "visitor", interaction.remote_name, "visitor", text)

    def visitor_typing(self, interaction: Interaction, typing: bool) -> None:
        if self.typing.get(interaction.id, False) == typing:
            return
        self.typing[interaction.id] = typing
        if interaction.agent and interaction.state in (InteractionState.CONNECTED, InteractionState.HELD):
            self.hub.publish(
                [interaction.agent], "interaction.typing", "put",
                {"interaction_id": interaction.id, "name": interaction.remote_name, "typing": typing},
            )

    def visitor_left(self, interaction: Interaction) -> None:
        if not interaction.is_active:
            return
        before = self._audience(interaction)
        now = time.time()
        self._cancel_alert_timer(interaction.id)
        self.typing.pop(interaction.id, None)
        if interaction.state in (InteractionState.WAITING, InteractionState.ALERTING):
            interaction.agent = None  # abandoned before answer: nobody keeps it
        owner = interaction.agent
        interaction.disconnect(now)
        # An agent who had it keeps the ended chat in My Interactions until dismissing it.
        self.add_transcript(
            interaction, "system", "system", "System", "system", f"{interaction.remote_name} has left the conversation."
        )
        self._save(interaction)
        self._announce(interaction, before=before)
        if not owner:
            self.interactions.pop(interaction.id, None)
        self.schedule_routing()

    # -- used by the visitor API for queue estimates -------------------------------------------------
    def agents_available(self, workgroup: str) -> int:
        counts = self.active_chat_counts()
        return sum(
            1
            for a in self.agents.values()
            if workgroup in a.workgroups
            and a.sessions
            and self.statuses.is_acd_available(a.status)
            and counts.get(a.username, 0) < a.max_chats
        )


def known_interaction_types() -> list[str]:
    return [t.value for t in InteractionType]
