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
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from console.core.callbacks import DEFAULT_SNOOZE_SECONDS, CallbackDetails, CallbackPolicy
from console.core.errors import CallboardError
from console.core.interactions import Action, Interaction, InteractionState, InteractionType
from console.core.passwords import verify_password
from console.core.routing import AgentAvailability, WorkgroupRouting, plan_assignments, required_skills
from console.core.statuses import AGENT_NOT_ANSWERING, AVAILABLE, GONE_HOME, StatusCatalog
from console.server.conference import Conferences
from console.server.events import EventHub
from console.server.queue_order import Assignments, QueueOrder
from console.server.queue_statistics import AgentCounts, QueueStatistics, ServiceLevelGoal
from console.server.store import Store
from console.server.supervision import Supervision
from console.server.team import TeamView

MY_INTERACTIONS = "my-interactions"
HANDLE_TIME_SAMPLES = 50
"""How many recent handle times per workgroup feed the wait estimates."""
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
    max_callbacks: int = 1
    """The agent's own callback limit; a workgroup's max assign may lower it further."""
    sign_out_by: str | None = None
    """The supervisor who signed the agent out while they still had interactions: the
    sign-out takes effect when the last one ends, and until then nothing new is routed."""

    @property
    def is_supervisor(self) -> bool:
        return self.role == "supervisor"

    def info(self) -> dict[str, Any]:
        return {
            "id": self.username,
            "username": self.username,
            "name": self.name,
            "role": self.role,
            "workgroups": sorted(self.workgroups),
        }


DEFAULT_WRAP_UP_CODES = (
    "Resolved", "Sale", "Information given", "Left voicemail", "No answer", "Wrong number",
)


@dataclass(slots=True)
class Workgroup:
    name: str
    chat_enabled: bool
    routing: WorkgroupRouting
    callback_enabled: bool = True
    callback_policy: CallbackPolicy = field(default_factory=CallbackPolicy)
    wrap_up_codes: tuple[str, ...] = DEFAULT_WRAP_UP_CODES

    def accepts(self, kind: InteractionType) -> bool:
        return self.callback_enabled if kind is InteractionType.CALLBACK else self.chat_enabled

    def info(self) -> dict[str, Any]:
        policy = self.callback_policy
        return {
            "name": self.name,
            "chat_enabled": self.chat_enabled,
            "callback_enabled": self.callback_enabled,
            "callback_retries": policy.retries,
            "callback_snooze_seconds": policy.snooze_seconds(),
            "callback_max_assign": self.routing.callback_max_assign,
            "wrap_up_codes": list(self.wrap_up_codes),
        }


def workgroup_from_settings(name: str, s: dict[str, Any], default_snooze: float) -> Workgroup:
    """A workgroup from its stored settings; absent settings take their documented defaults."""
    minutes = s.get("callback_minutes_between")
    return Workgroup(
        name=name,
        chat_enabled=bool(s.get("chat_enabled", True)),
        routing=WorkgroupRouting(
            name=name,
            skill_categories=tuple(s.get("skill_categories", ("language",))),
            skill_relax_seconds=float(s.get("skill_relax_seconds", 60)),
            alert_timeout_seconds=float(s.get("alert_timeout_seconds", 20)),
            callback_max_assign=int(s.get("callback_max_assign", 1)),
        ),
        callback_enabled=bool(s.get("callback_enabled", True)),
        callback_policy=CallbackPolicy(
            retries=int(s.get("callback_retries", 3)),
            minutes_between=None if minutes is None else float(minutes),
            server_default_snooze=default_snooze,
            max_assign=int(s.get("callback_max_assign", 1)),
        ),
        wrap_up_codes=tuple(s.get("wrap_up_codes", DEFAULT_WRAP_UP_CODES)),
    )


@dataclass(frozen=True, slots=True)
class VisitorRequest:
    """What a website visitor asked for, common to chats and callbacks (IWT start/create)."""

    name: str
    target: str
    target_type: str
    language: str = ""
    attributes: dict[str, str] = field(default_factory=dict)
    routing_contexts: tuple[tuple[str, str], ...] = ()
    address: str = ""
    """The visitor's IP address."""


class VisitorChannel(Protocol):
    """What the visitor side (IWT web chat) hears of an interaction's life."""

    def on_alerting(self, interaction: Interaction, agent_name: str) -> None: ...
    def on_queued(self, interaction: Interaction) -> None: ...
    def on_agent_joined(self, interaction: Interaction, username: str, agent_name: str) -> None: ...
    def on_agent_left(self, interaction: Interaction, username: str, agent_name: str) -> None: ...
    def on_agent_text(self, interaction: Interaction, username: str, agent_name: str, text: str) -> None: ...
    def on_agent_typing(self, interaction: Interaction, username: str, typing: bool) -> None: ...
    def on_ended_by_agent(self, interaction: Interaction) -> None: ...
    def on_agent_url(self, interaction: Interaction, username: str, agent_name: str, url: str) -> None: ...
    def on_agent_file(
        self, interaction: Interaction, username: str, agent_name: str, file_id: int, name: str
    ) -> None: ...


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
        default_snooze: float = DEFAULT_SNOOZE_SECONDS,
    ) -> None:
        self.store = store
        self.hub = hub
        self.statuses = statuses or StatusCatalog()
        self.session_ttl = session_ttl
        self.default_snooze = default_snooze
        """The server's snooze for workgroups whose time between callbacks is 0."""
        self.handle_times: dict[str, deque[float]] = {}
        """Recent handle times per workgroup (seconds), for visitors' wait estimates."""
        self._snooze_timers: dict[str, asyncio.TimerHandle] = {}
        self.queue_order = QueueOrder()
        self.assignments = Assignments()
        self.agents: dict[str, Agent] = {}
        self.workgroups: dict[str, Workgroup] = {}
        self.members: dict[str, set[str]] = {}
        """Usernames of each workgroup's members (agents and supervisors)."""
        self.statistics: QueueStatistics | None = None
        self.team = TeamView(self)
        self.supervision = Supervision(self)
        self.conference = Conferences(self)
        self.participants: dict[str, dict[str, str]] = {}
        """Per interaction, supervisors monitoring, coaching or barged in: username -> mode."""
        self.interactions: dict[str, Interaction] = {}
        self.transcript_next: dict[str, int] = {}
        self.typing: dict[str, bool] = {}
        """Visitor typing state per interaction id."""
        self.session_hooks: list[Callable[[Agent, bool], None]] = []
        """Told when an agent's first console session starts (True) or their last one ends
        (False): desktop chat shows them Offline while they have no console."""
        self._session_users: dict[str, tuple[str, float]] = {}
        self._alert_timers: dict[str, asyncio.TimerHandle] = {}
        self._route_pending = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ticker: asyncio.Task | None = None
        self.visitors: VisitorChannel | None = None
        self.admission: Callable[[VisitorRequest, InteractionType], None] | None = None
        self.interaction_observers: list[Callable[[Interaction], None]] = []
        """Told of every interaction as loaded and after every change (the visitor limits count them)."""
        """Asked before a visitor's request becomes an interaction; refuses it by raising
        (the visitor limits: too many from one address, server or queue full)."""

    @property
    def loop(self) -> asyncio.AbstractEventLoop | None:
        """The event loop serving the contact center; None until ``start``."""
        return self._loop

    # -- start and stop ------------------------------------------------------------------
    def load(self) -> None:
        """Rebuild live state from the store (at start, and after a crash)."""
        now = time.time()
        self.workgroups = {
            name: workgroup_from_settings(name, s, self.default_snooze)
            for name, s in self.store.workgroups().items()
        }
        self.agents = {
            u.username: Agent(
                u.username, u.name, u.role, u.password_hash, frozenset(u.workgroups),
                dict(u.skills), u.max_chats, u.status, u.status_since, max_callbacks=u.max_callbacks,
            )
            for u in self.store.users()
        }
        self.members = {name: set() for name in self.workgroups}
        for agent in self.agents.values():
            for wg in agent.workgroups:
                self.members.setdefault(wg, set()).add(agent.username)
        settings = self.store.workgroups()
        self.statistics = QueueStatistics(
            self.store, self.hub,
            {name: ServiceLevelGoal.from_settings(settings.get(name, {})) for name in self.workgroups},
            agent_counts=self.agent_counts,
            watchers=self.supervisors_of,
            handle_time_hint=self.average_handle_time,
        )
        self._session_users = {}
        for token_hash, username, expires in self.store.live_sessions(now):
            if username in self.agents:
                self._session_users[token_hash] = (username, expires)
                self.agents[username].sessions.add(token_hash)
        lengths = self.store.transcript_lengths()
        for record in self.store.active_interactions():
            interaction = Interaction.from_record(record)
            if interaction.state is InteractionState.ALERTING and interaction.target_agent is None:
                # The alert died with the old process; it waits again, nobody is penalised.
                interaction.agent = None
                interaction.state = InteractionState.WAITING
                interaction.state_since = now
                self.save(interaction)
            self.interactions[interaction.id] = interaction
            self.queue_order.update(interaction)
            self.assignments.update(interaction)
            for observe in self.interaction_observers:
                observe(interaction)
            self.transcript_next[interaction.id] = lengths.get(interaction.id, 0)
        for record in self.store.recently_ended(HANDLE_TIME_SAMPLES * 4):
            self._record_handle_time(Interaction.from_record(record))
        self.statistics.load(self.interactions.values())
        for interaction in self.interactions.values():
            self.team.observe(interaction)
        self.supervision.load_pending_sign_outs()
        self.supervision.load_participations()

    def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        for interaction in self.interactions.values():
            if interaction.state is InteractionState.ALERTING:
                self.arm_alert_timer(interaction)
            elif interaction.state is InteractionState.SNOOZED:
                self._arm_snooze_timer(interaction)
        self.conference.start()
        self._ticker = self._loop.create_task(self._tick())
        self.schedule_routing()

    async def stop(self) -> None:
        if self._ticker is not None:
            self._ticker.cancel()
            try:
                await self._ticker
            except asyncio.CancelledError:
                pass
        for timers in (self._alert_timers, self._snooze_timers):
            for handle in timers.values():
                handle.cancel()
            timers.clear()
        self.conference.stop()

    async def _tick(self) -> None:
        """Once a second: sessions that ran out end, routing runs (waiting skills relax),
        and supervisors get the queue figures that changed."""
        while True:
            await asyncio.sleep(1.0)
            self.expire_sessions()
            self.route()
            if self.statistics is not None:
                self.statistics.tick()

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
        if len(agent.sessions) == 1:
            self._sessions_changed(agent, True)
        if agent.status == GONE_HOME:
            self._set_status(agent, AVAILABLE, now)
        self.agent_changed(agent)
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

    def _sessions_changed(self, agent: Agent, signed_in: bool) -> None:
        for hook in self.session_hooks:
            hook(agent, signed_in)

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
            self._sessions_changed(agent, False)
            now = time.time()
            self.supervision.forget_sign_out(agent)
            self._set_status(agent, GONE_HOME, now)
            self.return_alerts(agent, now)
            self.conference.signed_out(agent)
        self.agent_changed(agent)

    def return_alerts(self, agent: Agent, now: float | None = None) -> None:
        """A signed-out agent cannot answer: what alerts them goes back to its queue at once.

        Interactions they are connected to stay theirs; they find them on signing in again.
        """
        now = time.time() if now is None else now
        for interaction in list(self.interactions.values()):
            if interaction.state is not InteractionState.ALERTING or interaction.agent != agent.username:
                continue
            self.cancel_alert_timer(interaction.id)
            interaction.alert_timed_out(now)
            interaction.declined_by.discard(agent.username)  # not a refusal: they left
            self.save(interaction)
            self.announce(interaction, before=[agent.username])
        self.schedule_routing()

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
        self.publish_status(agent)
        self.agent_changed(agent)
        self.schedule_routing()

    def publish_status(self, agent: Agent) -> None:
        self.hub.publish([agent.username], "agent.status", "put", self.status_view(agent))

    def status_view(self, agent: Agent) -> dict[str, Any]:
        by = self.agents.get(agent.sign_out_by) if agent.sign_out_by else None
        return {
            "username": agent.username,
            "status": agent.status,
            "since": agent.status_since,
            "acd_available": self.statuses.is_acd_available(agent.status),
            "sign_out_pending": agent.sign_out_by is not None,
            "sign_out_by": by.name if by else None,
        }

    def agent_changed(self, agent: Agent) -> None:
        """Status, sign-in or load of an agent changed: supervisors' figures and team rows follow."""
        if self.statistics is not None:
            self.statistics.agents_changed(agent.workgroups)
        self.team.changed(agent.username)

    # -- who watches what -------------------------------------------------------------------
    def supervisors_of(self, workgroup: str) -> list[str]:
        """Signed-in supervisors of a workgroup: the audience of its statistics."""
        return [
            name for name in self.members.get(workgroup, ())
            if (a := self.agents[name]).is_supervisor and a.sessions
        ]

    def agent_counts(self, workgroup: str) -> AgentCounts:
        counts = AgentCounts()
        load = self.assignments.counts
        for name in self.members.get(workgroup, ()):
            agent = self.agents[name]
            if not agent.sessions or agent.is_supervisor:
                continue
            counts.logged_in += 1
            available = self.routable(agent)
            busy = (name, InteractionType.CHAT) in load or (name, InteractionType.CALLBACK) in load
            if available:
                counts.staffed += 1
            if busy:
                counts.busy += 1
            elif available:
                counts.available += 1
            else:
                counts.not_available += 1
        return counts

    def routable(self, agent: Agent) -> bool:
        """An agent (supervisors watch, they are not routed to) in an ACD-available status,
        and not about to be signed out by a supervisor."""
        return (
            not agent.is_supervisor and agent.sign_out_by is None and self.statuses.is_acd_available(agent.status)
        )

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
        if interaction.agent == viewer.username or interaction.seat(viewer.username) is not None or (
            interaction.state is InteractionState.WAITING and interaction.target_agent == viewer.username
        ):
            ids.append(MY_INTERACTIONS)
        if interaction.is_active and interaction.workgroup in viewer.workgroups and interaction.target_agent is None:
            ids.append(workgroup_queue_id(interaction.workgroup))
        return ids

    def view(self, interaction: Interaction, viewer: Agent) -> dict[str, Any]:
        owner = self.agents.get(interaction.agent) if interaction.agent else None
        state, state_since = self.conference.viewer_state(interaction, viewer.username)
        return {
            "id": interaction.id,
            "type": interaction.type.value,
            "workgroup": interaction.workgroup,
            "state": state,
            "remote_name": interaction.remote_name,
            "remote_address": interaction.remote_address,
            "agent": interaction.agent,
            "agent_name": owner.name if owner else None,
            "created_at": interaction.created_at,
            "state_since": state_since,
            "queued_at": interaction.queued_at,
            "priority": interaction.priority,
            "language": interaction.language,
            "attributes": interaction.attributes,
            "visitor_typing": self.typing.get(interaction.id, False),
            "actions": self._actions(interaction, viewer),
            "queues": self.queue_ids_for(interaction, viewer),
            "callback": self._callback_view(interaction),
            "supervisors": self.supervision.visible_to_agent(interaction),
            "monitoring": self.participants.get(interaction.id, {}).get(viewer.username),
            "participants": self.conference.participants(interaction),
        }

    def _actions(self, interaction: Interaction, viewer: Agent) -> list[str]:
        actions = interaction.allowed_actions(viewer.username, viewer.workgroups)
        details = interaction.callback
        if details is not None and Action.RETRY_LATER.value in actions:
            wg = self.workgroups.get(interaction.workgroup)
            retries = wg.callback_policy.retries if wg else CallbackPolicy().retries
            if details.snoozes >= retries:
                actions.remove(Action.RETRY_LATER.value)  # the console stops offering it
        return actions

    def _callback_view(self, interaction: Interaction) -> dict[str, Any] | None:
        details = interaction.callback
        if details is None:
            return None
        wg = self.workgroups.get(interaction.workgroup)
        policy = wg.callback_policy if wg else CallbackPolicy(server_default_snooze=self.default_snooze)
        return {
            **details.to_record(),
            "retries_allowed": policy.retries,
            "retries_left": max(0, policy.retries - details.snoozes),
            "wrap_up_codes": list(wg.wrap_up_codes) if wg else list(DEFAULT_WRAP_UP_CODES),
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
        frames = self._agent_frames(agent)
        if agent.is_supervisor:
            frames += self.supervisor_frames(agent)
        return frames

    def supervisor_frames(self, supervisor: Agent) -> list[tuple[str, dict[str, Any]]]:
        """A supervisor's stream also starts with the figures and the team of their workgroups."""
        assert self.statistics is not None
        return [
            ("stats", {"workgroups": [self.statistics.snapshot(wg) for wg in sorted(supervisor.workgroups)
                                      if wg in self.workgroups]}),
            ("team", {"agents": self.team.rows_for(supervisor)}),
        ]

    def _agent_frames(self, agent: Agent) -> list[tuple[str, dict[str, Any]]]:
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
    def audience(self, interaction: Interaction) -> set[str]:
        names = {n for n in self.members.get(interaction.workgroup, ()) if self.agents[n].sessions}
        for name in (interaction.agent, interaction.target_agent):
            if name:
                names.add(name)
        names.update(self.participants.get(interaction.id, ()))
        names.update(seat.username for seat in interaction.conference)
        return names

    def announce(self, interaction: Interaction, before: Iterable[str] = ()) -> None:
        """Tell every viewer, old and new, how the interaction looks to them now."""
        audience = self.audience(interaction) | set(before)
        for username in audience:
            viewer = self.agents.get(username)
            if viewer is None or not viewer.sessions:
                continue
            if self.queue_ids_for(interaction, viewer):
                self.hub.publish([username], "interaction", "put", self.view(interaction, viewer))
            else:
                self.hub.publish([username], "interaction", "delete", {"id": interaction.id})

    def save(self, interaction: Interaction) -> None:
        if interaction.conference and interaction.state not in (InteractionState.CONNECTED, InteractionState.HELD):
            self.conference.ended(interaction)
        self.store.save_interaction(
            interaction.id, interaction.state.value, interaction.workgroup, interaction.agent,
            interaction.to_record(),
        )
        self.queue_order.update(interaction)
        for observe in self.interaction_observers:
            observe(interaction)
        for username in self.assignments.update(interaction):
            if (agent := self.agents.get(username)) is not None:
                self.agent_changed(agent)
        if self.statistics is not None:
            self.statistics.observe(interaction)
        for username in self.team.observe(interaction):
            self.team.changed(username)
            if self.agents[username].sign_out_by and self._loop is not None:
                # After this change is announced: the agent hears how it ended, then is signed out.
                self._loop.call_soon(self.supervision.interaction_settled, username)
        if interaction.id in self.participants and interaction.state not in (
            InteractionState.CONNECTED, InteractionState.HELD
        ):
            self.supervision.ended(interaction)

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
        readers = list(self.participants.get(interaction.id, ()))
        if interaction.agent and interaction.state in (
            InteractionState.CONNECTED, InteractionState.HELD, InteractionState.DISCONNECTED
        ):
            readers.append(interaction.agent)
            readers += [seat.username for seat in interaction.members]
        if readers:
            self.hub.publish(readers, "interaction.message", "post", {"interaction_id": interaction.id, "entry": entry})
        return entry

    # -- creating interactions (from the visitor side) --------------------------------------
    def new_interaction_id(self) -> str:
        return str(self.store.next_interaction_number())

    def check_target(self, target: str, target_type: str, kind: InteractionType = InteractionType.CHAT) -> None:
        if target_type.lower() == "workgroup":
            wg = self.workgroups.get(target)
            if wg is None or not wg.accepts(kind):
                raise CallboardError("target.unknown", f"No {kind.value}-enabled workgroup {target!r}.")
        elif target_type.lower() == "user":
            if target not in self.agents:
                raise CallboardError("target.unknown", f"No agent {target!r}.")
        else:
            raise CallboardError("target.unknown", f"Unknown target type {target_type!r}.")

    def new_interaction(
        self, kind: InteractionType, request: VisitorRequest, *, remote_address: str,
        callback: CallbackDetails | None = None,
    ) -> Interaction:
        """The interaction for a visitor's request, with its queue and required skills (not queued yet)."""
        self.check_target(request.target, request.target_type, kind)
        if self.admission is not None:
            self.admission(request, kind)
        by_user = request.target_type.lower() == "user"
        workgroup = "" if by_user else request.target
        categories = self.workgroup_routing(workgroup).skill_categories
        now = time.time()
        return Interaction(
            id=self.new_interaction_id(),
            type=kind,
            workgroup=workgroup,
            remote_name=request.name,
            remote_address=remote_address,
            created_at=now,
            state_since=now,
            queued_at=now,
            target_agent=request.target if by_user else None,
            language=request.language,
            required_skills=() if by_user else required_skills(request.language, request.routing_contexts, categories),
            attributes=request.attributes,
            callback=callback,
            visitor_ip=request.address,
        )

    def queue_interaction(self, interaction: Interaction) -> None:
        """A new interaction enters its queue; routing will find it an agent."""
        self.interactions[interaction.id] = interaction
        self.transcript_next.setdefault(interaction.id, 0)
        self.save(interaction)
        self.announce(interaction)
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

    def active_counts(self) -> dict[tuple[str, InteractionType], int]:
        """How many chats and callbacks each agent has alerting or connected."""
        return self.assignments.counts

    def route(self) -> None:
        self._route_pending = False
        counts = self.assignments.counts
        pool = [
            AgentAvailability(
                username=a.username,
                workgroups=a.workgroups,
                skills=a.skills,
                acd_available=True,
                logged_in=True,
                max_chats=a.max_chats,
                max_callbacks=a.max_callbacks,
                active_chats=counts.get((a.username, InteractionType.CHAT), 0),
                active_callbacks=counts.get((a.username, InteractionType.CALLBACK), 0),
                idle_since=a.idle_since,
            )
            for a in self.agents.values()
            if a.sessions and self.routable(a)
        ]
        if not pool:
            return
        # Only queues someone available could take are looked at, each already in order.
        covered = set().union(*(a.workgroups for a in pool))
        waiting = [self.interactions[i] for i in self.queue_order.targeted]
        for workgroup in covered:
            waiting += [self.interactions[i] for i in self.queue_order.in_order(workgroup)]
        if not waiting:
            return
        settings = {name: wg.routing for name, wg in self.workgroups.items()}
        now = time.time()
        for interaction, username in plan_assignments(waiting, pool, settings, now):
            self._alert(interaction, username, now)

    def _alert(self, interaction: Interaction, username: str, now: float) -> None:
        agent = self.agents[username]
        interaction.alert(username, now)
        agent.idle_since = now
        self.save(interaction)
        if self.visitors:
            self.visitors.on_alerting(interaction, agent.name)
        self.announce(interaction)
        self.arm_alert_timer(interaction)

    def arm_alert_timer(self, interaction: Interaction) -> None:
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

    def cancel_alert_timer(self, interaction_id: str) -> None:
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
        self.save(interaction)
        self.announce(interaction, before=[username])
        agent = self.agents.get(username)
        if agent is not None and agent.sessions:
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
        before = self.audience(interaction)
        seat = interaction.seat(agent.username)
        if kind is Action.PICKUP and seat is not None:
            self.conference.accept(agent, interaction, now)
        elif kind is Action.DECLINE:
            if seat is None:
                raise CallboardError("interaction.conference.not_invited", "You have no invitation to this chat.")
            self.conference.decline(agent, interaction)
        elif kind is Action.DISCONNECT and seat is not None:
            self.conference.leave(agent, interaction, now)
        elif kind is Action.CONFERENCE:
            self.conference.invite(agent, interaction, body or {}, now)
        elif kind is Action.CANCEL_INVITATION:
            self.conference.cancel(agent, interaction, body or {})
        elif (kind is Action.DISCONNECT and interaction.members and interaction.agent == agent.username
              and self.conference.owner_leaves(agent, interaction, now)):
            pass  # a member now owns the chat, which goes on
        elif kind is Action.PICKUP:
            was_snoozed = interaction.state is InteractionState.SNOOZED
            interaction.pick_up(agent.username, agent.workgroups, now)
            self.cancel_alert_timer(interaction.id)
            if was_snoozed:
                self.cancel_snooze_timer(interaction.id)
            if interaction.callback is not None:
                self.add_transcript(interaction, "system", "system", "System", "system",
                                    f"{agent.name} picked up the callback.")
            else:
                if self.visitors:
                    self.visitors.on_agent_joined(interaction, agent.username, agent.name)
                self.add_transcript(
                    interaction, "system", "system", "System", "system", f"{agent.name} has joined the conversation."
                )
        elif kind is Action.MAKE_CALL:
            attempt = interaction.make_call(agent.username, now)
            self.add_transcript(interaction, "system", "system", "System", "system",
                                f"{agent.name} called {attempt['telephone']} (attempt {len(interaction.callback.attempts)}).")
        elif kind in (Action.COMPLETE, Action.FAIL):
            code = self._wrap_up_code(interaction, (body or {}).get("wrap_up_code"))
            interaction.finish_callback(agent.username, kind, code, now)
            outcome = "Callback complete" if kind is Action.COMPLETE else "Callback attempt failed"
            self.add_transcript(interaction, "system", "system", "System", "system",
                                f"{outcome}{f' ({code})' if code else ''}, recorded by {agent.name}.")
            self._record_handle_time(interaction)
            agent.idle_since = now
        elif kind is Action.RETRY_LATER:
            wg = self.workgroups.get(interaction.workgroup)
            policy = wg.callback_policy if wg else CallbackPolicy(server_default_snooze=self.default_snooze)
            until = interaction.retry_later(agent.username, policy, now)
            self.add_transcript(
                interaction, "system", "system", "System", "system",
                f"{agent.name} chose Retry Later: back in {interaction.workgroup or 'the queue'} at "
                f"{time.strftime('%H:%M', time.localtime(until))} (retry {interaction.callback.snoozes} "
                f"of {policy.retries}).",
            )
            self._arm_snooze_timer(interaction)
            agent.idle_since = now
        elif kind is Action.HOLD:
            interaction.hold(agent.username, now)
        elif kind is Action.UNHOLD:
            interaction.unhold(agent.username, now)
        elif kind is Action.TRANSFER:
            self._transfer(agent, interaction, body or {}, now)
        elif kind is Action.DISCONNECT:
            interaction.disconnect(now, by_agent=agent.username)
            self.cancel_alert_timer(interaction.id)
            if self.visitors:
                self.visitors.on_agent_left(interaction, agent.username, agent.name)
                self.visitors.on_ended_by_agent(interaction)
            self.add_transcript(
                interaction, "system", "system", "System", "system", f"{agent.name} has left the conversation."
            )
            self._record_handle_time(interaction)
            agent.idle_since = now
        elif kind is Action.DISMISS:
            interaction.dismiss(agent.username)
        self.save(interaction)
        self.announce(interaction, before=before)
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
            if wg is None or not wg.accepts(interaction.type):
                raise CallboardError(
                    "interaction.transfer.unknown_target", f"No {interaction.type.value} workgroup {to_workgroup!r}."
                )
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
        self.arm_alert_timer(interaction)

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
        """A connected interaction the agent owns or is a conference member of."""
        interaction = self.visible_interaction(agent, interaction_id)
        if not interaction.in_chat(agent.username):
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
                [interaction.agent, *(seat.username for seat in interaction.members)], "interaction.typing", "put",
                {"interaction_id": interaction.id, "name": interaction.remote_name, "typing": typing},
            )

    def visitor_left(self, interaction: Interaction) -> None:
        if not interaction.is_active:
            return
        before = self.audience(interaction)
        now = time.time()
        self.cancel_alert_timer(interaction.id)
        self.typing.pop(interaction.id, None)
        self.cancel_snooze_timer(interaction.id)
        if interaction.state in (InteractionState.WAITING, InteractionState.ALERTING, InteractionState.SNOOZED):
            interaction.agent = None  # abandoned before answer: nobody keeps it
        owner = interaction.agent
        interaction.disconnect(now)
        # An agent who had it keeps the ended interaction in My Interactions until dismissing it.
        left = (
            f"{interaction.remote_name} cancelled the callback request."
            if interaction.callback is not None
            else f"{interaction.remote_name} has left the conversation."
        )
        self.add_transcript(interaction, "system", "system", "System", "system", left)
        self._record_handle_time(interaction)
        self.save(interaction)
        self.announce(interaction, before=before)
        if not owner:
            self.interactions.pop(interaction.id, None)
        self.schedule_routing()

    # -- callbacks: wrap-up, snoozes, handle times ------------------------------------------------
    def _wrap_up_code(self, interaction: Interaction, code: Any) -> str | None:
        if code in (None, ""):
            return None
        wg = self.workgroups.get(interaction.workgroup)
        codes = wg.wrap_up_codes if wg else DEFAULT_WRAP_UP_CODES
        if not isinstance(code, str) or code not in codes:
            raise CallboardError(
                "interaction.wrap_up_unknown", f"{code!r} is not a wrap-up code of {interaction.workgroup}."
            )
        return code

    def _arm_snooze_timer(self, interaction: Interaction) -> None:
        if self._loop is None or interaction.callback is None or interaction.callback.snoozed_until is None:
            return
        self.cancel_snooze_timer(interaction.id)
        delay = max(0.0, interaction.callback.snoozed_until - time.time())
        self._snooze_timers[interaction.id] = self._loop.call_later(delay, self._wake, interaction.id)

    def cancel_snooze_timer(self, interaction_id: str) -> None:
        handle = self._snooze_timers.pop(interaction_id, None)
        if handle:
            handle.cancel()

    def _wake(self, interaction_id: str) -> None:
        """A snoozed callback's retry time has come: it is routed to the first available agent."""
        self._snooze_timers.pop(interaction_id, None)
        interaction = self.interactions.get(interaction_id)
        if interaction is None or interaction.state is not InteractionState.SNOOZED:
            return
        interaction.wake(time.time())
        self.save(interaction)
        self.announce(interaction)
        self.route()

    def _record_handle_time(self, interaction: Interaction) -> None:
        """Connected time of an answered interaction, snoozes left out."""
        if interaction.answered_at is None or interaction.ended_at is None:
            return
        snoozed = interaction.callback.snoozed_seconds if interaction.callback else 0.0
        seconds = max(0.0, interaction.ended_at - interaction.answered_at - snoozed)
        self.handle_times.setdefault(interaction.workgroup, deque(maxlen=HANDLE_TIME_SAMPLES)).append(seconds)

    def average_handle_time(self, workgroup: str) -> float | None:
        samples = self.handle_times.get(workgroup)
        return sum(samples) / len(samples) if samples else None

    # -- used by the visitor API for queue estimates -------------------------------------------------
    def staffing(self, workgroup: str, kind: InteractionType = InteractionType.CHAT) -> tuple[int, int]:
        """(agents logged in, agents available with room for one more of ``kind``)."""
        counts = self.active_counts()
        wg = self.workgroups.get(workgroup)
        room = wg.routing.callback_max_assign if wg and kind is InteractionType.CALLBACK else None
        logged_in = available = 0
        for a in self.agents.values():
            if workgroup not in a.workgroups or not a.sessions:
                continue
            logged_in += 1
            limit = a.max_chats if room is None else min(room, a.max_callbacks)
            if self.statuses.is_acd_available(a.status) and counts.get((a.username, kind), 0) < limit:
                available += 1
        return logged_in, available

    def agents_available(self, workgroup: str) -> int:
        return self.staffing(workgroup)[1]

    # -- stored responses: links and files for the visitor ------------------------------------------
    def interaction_of(self, agent: Agent, interaction_id: str) -> Interaction:
        """One of the agent's own interactions (alerting, connected, held or ended).

        Filling a stored response in needs the interaction's details; only its agent (or a
        conference member) may.
        """
        interaction = self.visible_interaction(agent, interaction_id)
        if not interaction.in_chat(agent.username):
            raise CallboardError("interaction.not_yours", f"Interaction {interaction_id} is not connected to you.")
        return interaction

    def _owned_chat(self, agent: Agent, interaction_id: str, what: str) -> Interaction:
        interaction = self._owned_connected(agent, interaction_id, what)
        if interaction.type is not InteractionType.CHAT:
            raise CallboardError(
                "interaction.action_not_allowed", f"Cannot {what}: interaction {interaction_id} is not a chat."
            )
        return interaction

    def agent_url(self, agent: Agent, interaction_id: str, url: str) -> dict[str, Any]:
        """Sends a web address to the visitor (an IWT ``url`` event); returns the transcript entry."""
        interaction = self._owned_chat(agent, interaction_id, "send a URL")
        self.typing_changed_by_agent(interaction, agent, False)
        if self.visitors:
            self.visitors.on_agent_url(interaction, agent.username, agent.name, url)
        return self.add_transcript(interaction, "url", "agent", agent.name, agent.username, url)

    def agent_file(self, agent: Agent, interaction_id: str, file_id: int, name: str) -> dict[str, Any]:
        """Sends a stored file to the visitor (an IWT ``file`` event they download with ``getFile``)."""
        interaction = self._owned_chat(agent, interaction_id, "send a file")
        self.typing_changed_by_agent(interaction, agent, False)
        if self.visitors:
            self.visitors.on_agent_file(interaction, agent.username, agent.name, file_id, name)
        return self.add_transcript(interaction, "file", "agent", agent.name, agent.username, name)
