"""Interactions and their life cycle.

An interaction is one contact with a website visitor: a web chat or a callback request.
It waits in its workgroup's ACD queue, alerts one agent, is connected to that agent
(a chat possibly held; a callback possibly snoozed back to the queue to retry later),
and ends disconnected. The agent connected to a chat (its owner) may invite colleagues
into a conference: each has a seat that alerts them until they accept, then makes them
a member who reads and writes in the chat beside the owner. The state machine lives here so every API surface enforces the
same rules; the server only persists and announces the outcome.
"""

from __future__ import annotations

import enum
import time
from dataclasses import dataclass, field

from console.core.callbacks import CallbackDetails, CallbackPolicy
from console.core.errors import CallboardError


class InteractionType(str, enum.Enum):
    CHAT = "chat"
    CALLBACK = "callback"


class InteractionState(str, enum.Enum):
    """States as Interaction Connect names them in the State column."""

    WAITING = "Waiting"
    ALERTING = "Alerting"
    CONNECTED = "Connected"
    HELD = "Held"
    SNOOZED = "Snoozed"
    """A callback waiting in its workgroup queue until its retry time (not routable yet)."""
    DISCONNECTED = "Disconnected"


class Action(str, enum.Enum):
    PICKUP = "pickup"
    HOLD = "hold"
    UNHOLD = "unhold"
    TRANSFER = "transfer"
    DISCONNECT = "disconnect"
    DISMISS = "dismiss"
    CONFERENCE = "conference"
    """The owner invites a colleague into the chat."""
    CANCEL_INVITATION = "cancel_invitation"
    """The owner withdraws an invitation not yet accepted."""
    DECLINE = "decline"
    """The invited colleague refuses the invitation (``pickup`` accepts it)."""
    MAKE_CALL = "make_call"
    COMPLETE = "complete"
    FAIL = "fail"
    RETRY_LATER = "retry_later"


CALLBACK_OUTCOMES = {Action.COMPLETE: "success", Action.FAIL: "failure"}

IN_PROGRESS = (InteractionState.CONNECTED, InteractionState.HELD)
"""States of a chat an agent is in: the only ones a conference lives in."""


@dataclass(slots=True)
class ConferenceSeat:
    """A colleague invited into a chat: alerting them until accepted, then a member.

    Seats are not ACD offers: nobody's status changes when an invitation lapses, and
    the interaction's own state (the owner's) does not move when one is taken.
    """

    username: str
    invited_by: str
    invited_at: float
    joined_at: float | None = None

    @property
    def joined(self) -> bool:
        return self.joined_at is not None

    def to_record(self) -> dict:
        return {"username": self.username, "invited_by": self.invited_by,
                "invited_at": self.invited_at, "joined_at": self.joined_at}

    @classmethod
    def from_record(cls, r: dict) -> "ConferenceSeat":
        return cls(r["username"], r["invited_by"], r["invited_at"], r.get("joined_at"))


@dataclass(slots=True)
class Interaction:
    """One visitor contact, with what routing and the queue views need to know."""

    id: str
    type: InteractionType
    workgroup: str
    remote_name: str
    remote_address: str = ""
    state: InteractionState = InteractionState.WAITING
    created_at: float = field(default_factory=time.time)
    state_since: float = field(default_factory=time.time)
    queued_at: float = field(default_factory=time.time)
    agent: str | None = None
    """The agent it alerts or is connected to; None while it waits in the queue."""
    target_agent: str | None = None
    """Set when the visitor asked for one agent (IWT targetType "User"): only they get it."""
    priority: int = 0
    language: str = ""
    required_skills: tuple[str, ...] = ()
    attributes: dict[str, str] = field(default_factory=dict)
    declined_by: set[str] = field(default_factory=set)
    """Agents who let the alert time out: routing skips them for this interaction."""
    visitor_left: bool = False
    ended_at: float | None = None
    answered_at: float | None = None
    callback: CallbackDetails | None = None
    """Telephone, subject, attempts and snoozes of a callback; None for chats."""
    visitor_ip: str = ""
    """The IP address the visitor's request came from (read through trusted proxies), kept
    apart from ``remote_address``, which may be an e-mail address or a telephone number:
    the visitor limits count active interactions per address by it."""
    conference: list[ConferenceSeat] = field(default_factory=list)
    """Colleagues invited into the chat or in it beside the owner, in the order invited."""

    # -- queries -----------------------------------------------------------------
    @property
    def is_active(self) -> bool:
        return self.state is not InteractionState.DISCONNECTED

    @property
    def counts_against_capacity(self) -> bool:
        """Alerting, connected and held interactions occupy one of the agent's slots."""
        return self.state in (
            InteractionState.ALERTING,
            InteractionState.CONNECTED,
            InteractionState.HELD,
        )

    def allowed_actions(self, viewer: str, viewer_workgroups: frozenset[str] | set[str]) -> list[str]:
        """The actions ``viewer`` may take now; the console greys out the rest."""
        state = self.state
        mine = self.agent == viewer
        seat = self.seat(viewer)
        if seat is not None:
            # A member may only leave; hold, transfer and inviting stay with the owner.
            return [Action.DISCONNECT.value] if seat.joined else [Action.PICKUP.value, Action.DECLINE.value]
        if state in (InteractionState.WAITING, InteractionState.SNOOZED):
            return [Action.PICKUP.value] if self.can_be_picked_by(viewer, viewer_workgroups) else []
        if state is InteractionState.ALERTING:
            return [Action.PICKUP.value] if mine else []
        if not mine:
            return []
        if self.type is InteractionType.CALLBACK:
            if state is InteractionState.CONNECTED:
                return [a.value for a in (Action.MAKE_CALL, Action.COMPLETE, Action.FAIL,
                                          Action.RETRY_LATER, Action.TRANSFER)]
            return [Action.DISMISS.value]
        if state not in IN_PROGRESS:
            return [Action.DISMISS.value]
        actions = [Action.HOLD if state is InteractionState.CONNECTED else Action.UNHOLD]
        if not self.conference:
            actions.append(Action.TRANSFER)
        if state is InteractionState.CONNECTED:
            actions.append(Action.CONFERENCE)
        if self.invitations:
            actions.append(Action.CANCEL_INVITATION)
        actions.append(Action.DISCONNECT)
        return [a.value for a in actions]

    def can_be_picked_by(self, agent: str, agent_workgroups: frozenset[str] | set[str]) -> bool:
        """A waiting interaction may be picked from the queue by its target or workgroup members."""
        if self.target_agent is not None:
            return self.target_agent == agent
        return self.workgroup in agent_workgroups

    # -- the conference -------------------------------------------------------------
    def seat(self, username: str) -> ConferenceSeat | None:
        return next((s for s in self.conference if s.username == username), None)

    @property
    def members(self) -> list[ConferenceSeat]:
        """Colleagues in the chat beside the owner, longest present first."""
        return sorted((s for s in self.conference if s.joined), key=lambda s: s.joined_at or 0.0)

    @property
    def invitations(self) -> list[ConferenceSeat]:
        return [s for s in self.conference if not s.joined]

    def is_member(self, username: str) -> bool:
        seat = self.seat(username)
        return seat is not None and seat.joined

    def in_chat(self, username: str) -> bool:
        """The owner or a member: someone who may read and write in the chat."""
        return self.agent == username or self.is_member(username)

    def handlers(self) -> tuple[str, ...]:
        """Everyone the interaction occupies a slot of: the owner and every seat."""
        names = tuple(s.username for s in self.conference)
        return (self.agent, *names) if self.agent else names

    def invite(self, owner: str, colleague: str, now: float) -> ConferenceSeat:
        """The owner of a connected chat invites a colleague; the seat alerts them."""
        if self.type is not InteractionType.CHAT:
            raise CallboardError("interaction.action_not_allowed", "Only chats can be conferenced.")
        self._require_owner(owner, "conference")
        if self.state is not InteractionState.CONNECTED:
            raise self._refuse("conference")
        if colleague == owner or self.seat(colleague) is not None:
            raise CallboardError(
                "interaction.conference.already_in", f"{colleague} is already in or invited to this chat."
            )
        seat = ConferenceSeat(colleague, owner, now)
        self.conference.append(seat)
        return seat

    def _invitation_of(self, username: str) -> ConferenceSeat:
        seat = self.seat(username)
        if seat is None or seat.joined:
            raise CallboardError(
                "interaction.conference.not_invited", f"No invitation of {username} to interaction {self.id} is pending."
            )
        return seat

    def accept_invitation(self, username: str, now: float) -> ConferenceSeat:
        if self.state not in IN_PROGRESS:
            raise self._refuse("join")
        seat = self._invitation_of(username)
        seat.joined_at = now
        return seat

    def withdraw_invitation(self, username: str) -> ConferenceSeat:
        """The invitation ends unanswered: declined, cancelled by the owner, or lapsed."""
        seat = self._invitation_of(username)
        self.conference.remove(seat)
        return seat

    def cancel_invitation(self, owner: str, username: str) -> ConferenceSeat:
        self._require_owner(owner, "cancel an invitation to")
        return self.withdraw_invitation(username)

    def leave_conference(self, username: str) -> ConferenceSeat:
        """A member leaves; the chat goes on with the others."""
        seat = self.seat(username)
        if seat is None:
            raise CallboardError("interaction.not_yours", f"You are not in interaction {self.id}.")
        if not seat.joined:
            raise CallboardError("interaction.action_not_allowed", "Decline the invitation instead: you have not joined.")
        self.conference.remove(seat)
        return seat

    def hand_over(self, owner: str) -> str | None:
        """The owner leaves: the longest-present member owns the chat from now on.

        Returns the new owner, or None when no member is there to take it (the chat
        ends as it always has). The chat keeps its state, answer time and queue
        entry: it is the same contact, only someone else now holds it.
        """
        self._require_owner(owner, "disconnect")
        if self.state not in IN_PROGRESS:
            raise self._refuse("disconnect")
        members = self.members
        if not members:
            return None
        successor = members[0]
        self.conference.remove(successor)
        self.agent = successor.username
        return successor.username

    def end_conference(self) -> list[ConferenceSeat]:
        """Everyone but the owner leaves (the chat ended or left its owner); returns who."""
        seats, self.conference = self.conference, []
        return seats

    # -- transitions -------------------------------------------------------------
    def _refuse(self, action: str) -> CallboardError:
        return CallboardError(
            "interaction.action_not_allowed",
            f"Cannot {action} interaction {self.id} while it is {self.state.value}.",
        )

    def _enter(self, state: InteractionState, now: float) -> None:
        self.state = state
        self.state_since = now

    def alert(self, agent: str, now: float) -> None:
        if self.state is not InteractionState.WAITING:
            raise self._refuse("alert")
        self.agent = agent
        self._enter(InteractionState.ALERTING, now)

    def alert_timed_out(self, now: float) -> str:
        """Back to the queue; returns the agent who did not answer."""
        if self.state is not InteractionState.ALERTING or self.agent is None:
            raise self._refuse("time out")
        agent = self.agent
        self.declined_by.add(agent)
        self.agent = None
        self._enter(InteractionState.WAITING, now)
        return agent

    def pick_up(self, agent: str, agent_workgroups: frozenset[str] | set[str], now: float) -> None:
        if self.state is InteractionState.ALERTING and self.agent == agent:
            pass
        elif self.state in (InteractionState.WAITING, InteractionState.SNOOZED) and self.can_be_picked_by(
            agent, agent_workgroups
        ):
            if self.state is InteractionState.SNOOZED:
                self._end_snooze(now)
            self.agent = agent
        elif self.state is InteractionState.ALERTING:
            raise CallboardError(
                "interaction.not_yours", f"Interaction {self.id} is alerting another agent."
            )
        else:
            raise self._refuse("pick up")
        if self.answered_at is None:
            self.answered_at = now
        self._enter(InteractionState.CONNECTED, now)

    def _require_owner(self, agent: str, action: str) -> None:
        if self.agent != agent:
            raise CallboardError(
                "interaction.not_yours", f"Interaction {self.id} is not connected to you."
            )

    def hold(self, agent: str, now: float) -> None:
        self._require_owner(agent, "hold")
        if self.state is not InteractionState.CONNECTED or self.type is not InteractionType.CHAT:
            raise self._refuse("hold")
        self._enter(InteractionState.HELD, now)

    def unhold(self, agent: str, now: float) -> None:
        self._require_owner(agent, "unhold")
        if self.state is not InteractionState.HELD:
            raise self._refuse("unhold")
        self._enter(InteractionState.CONNECTED, now)

    def _check_transferable(self, agent: str) -> None:
        self._require_owner(agent, "transfer")
        if self.state not in IN_PROGRESS:
            raise self._refuse("transfer")
        if self.conference:
            raise CallboardError(
                "interaction.action_not_allowed",
                "Cannot transfer a chat while colleagues are in the conference or invited; "
                "leave the conference instead and the longest-present member takes the chat.",
            )

    def transfer_to_workgroup(self, agent: str, workgroup: str, now: float) -> None:
        self._check_transferable(agent)
        self.agent = None
        self.target_agent = None
        self.workgroup = workgroup
        self.declined_by.clear()
        self.queued_at = now
        self._enter(InteractionState.WAITING, now)

    def transfer_to_agent(self, agent: str, target: str, now: float) -> None:
        self._check_transferable(agent)
        if target == agent:
            raise CallboardError("interaction.transfer.same_agent", "Cannot transfer to yourself.")
        self.agent = target
        self._enter(InteractionState.ALERTING, now)

    def disconnect(self, now: float, *, by_agent: str | None = None) -> None:
        """End the interaction: the agent hung up, or the visitor left."""
        if by_agent is not None:
            self._require_owner(by_agent, "disconnect")
            # An agent ends only a chat they joined; an alert is answered or left to time out.
            if self.state not in (InteractionState.CONNECTED, InteractionState.HELD):
                raise self._refuse("disconnect")
            if self.callback is not None:
                raise CallboardError(
                    "interaction.action_not_allowed",
                    "A callback ends with Callback Complete or Attempt Failed, not disconnect.",
                )
        if self.state is InteractionState.DISCONNECTED:
            raise self._refuse("disconnect")
        if by_agent is None:
            self.visitor_left = True
            if self.callback is not None:
                if self.state is InteractionState.SNOOZED:
                    self._end_snooze(now)
                self.callback.outcome = "cancelled"
        self.ended_at = now
        self._enter(InteractionState.DISCONNECTED, now)

    # -- callbacks -----------------------------------------------------------------
    def _callback_in_hand(self, agent: str, action: str) -> CallbackDetails:
        if self.callback is None:
            raise CallboardError("interaction.action_not_allowed", f"Interaction {self.id} is not a callback.")
        self._require_owner(agent, action)
        if self.state is not InteractionState.CONNECTED:
            raise self._refuse(action)
        return self.callback

    def make_call(self, agent: str, now: float) -> dict:
        """Records a call attempt; the console's dialer places the call itself."""
        details = self._callback_in_hand(agent, "make a call for")
        attempt = {"at": now, "agent": agent, "telephone": details.telephone}
        details.attempts.append(attempt)
        return attempt

    def finish_callback(self, agent: str, action: Action, wrap_up_code: str | None, now: float) -> None:
        """Callback Complete (success) or Attempt Failed (failure): the callback ends."""
        details = self._callback_in_hand(agent, "complete")
        details.outcome = CALLBACK_OUTCOMES[action]
        details.wrap_up_code = wrap_up_code
        self.ended_at = now
        self._enter(InteractionState.DISCONNECTED, now)

    def retry_later(self, agent: str, policy: CallbackPolicy, now: float) -> float:
        """Snoozes the callback back to its workgroup queue; returns when it wakes."""
        details = self._callback_in_hand(agent, "retry later")
        if details.snoozes >= policy.retries:
            raise CallboardError(
                "callback.retries_exhausted",
                f"This callback was already retried {details.snoozes} time(s), the most "
                f"{self.workgroup or 'this workgroup'} allows. Complete it or mark the attempt failed.",
            )
        details.snoozes += 1
        details.snoozed_until = now + policy.snooze_seconds()
        self.agent = None
        self.declined_by.clear()
        self._enter(InteractionState.SNOOZED, now)
        return details.snoozed_until

    def _end_snooze(self, now: float) -> None:
        assert self.callback is not None
        self.callback.snoozed_seconds += max(0.0, now - self.state_since)
        self.callback.snoozed_until = None

    def wake(self, now: float) -> None:
        """The snooze is over: the callback is routed again to the first available agent.

        It keeps its original place (``queued_at``): a callback that has waited since the
        visitor asked goes ahead of requests that came in while it was snoozed.
        """
        if self.state is not InteractionState.SNOOZED:
            raise self._refuse("wake")
        self._end_snooze(now)
        self._enter(InteractionState.WAITING, now)

    # -- a supervisor moving interactions ----------------------------------------------
    MOVABLE = (InteractionState.WAITING, InteractionState.ALERTING, InteractionState.SNOOZED,
               InteractionState.CONNECTED, InteractionState.HELD)

    def _leave_for_queue(self, action: str, now: float) -> None:
        if self.state not in self.MOVABLE:
            raise self._refuse(action)
        if self.state is InteractionState.SNOOZED:
            self._end_snooze(now)
        self.agent = None
        self.declined_by.clear()

    def requeue(self, now: float) -> None:
        """Back to its workgroup queue, keeping its place (it has waited since ``queued_at``)."""
        self._leave_for_queue("requeue", now)
        self._enter(InteractionState.WAITING, now)

    def move_to_workgroup(self, workgroup: str, now: float) -> None:
        """A supervisor's transfer to a workgroup: it joins the end of that queue."""
        self._leave_for_queue("transfer", now)
        self.workgroup = workgroup
        self.target_agent = None
        self.queued_at = now
        self._enter(InteractionState.WAITING, now)

    def move_to_agent(self, target: str, now: float) -> None:
        """A supervisor's transfer to one agent: it alerts them."""
        if self.agent == target and self.state is not InteractionState.WAITING:
            raise CallboardError("interaction.transfer.same_agent", "The interaction is already with that agent.")
        self._leave_for_queue("transfer", now)
        self.agent = target
        self._enter(InteractionState.ALERTING, now)

    def set_priority(self, priority: int) -> None:
        """Higher goes first; only an interaction still waiting in its queue can be reordered."""
        if self.state not in (InteractionState.WAITING, InteractionState.SNOOZED):
            raise self._refuse("change the priority of")
        self.priority = priority

    def dismiss(self, agent: str) -> None:
        self._require_owner(agent, "dismiss")
        if self.state is not InteractionState.DISCONNECTED:
            raise self._refuse("dismiss")
        self.agent = None

    # -- persistence -------------------------------------------------------------
    def to_record(self) -> dict:
        return {
            "id": self.id, "type": self.type.value, "workgroup": self.workgroup,
            "remote_name": self.remote_name, "remote_address": self.remote_address,
            "state": self.state.value, "created_at": self.created_at,
            "state_since": self.state_since, "queued_at": self.queued_at, "agent": self.agent,
            "target_agent": self.target_agent, "priority": self.priority,
            "language": self.language, "required_skills": list(self.required_skills),
            "attributes": self.attributes, "declined_by": sorted(self.declined_by),
            "visitor_left": self.visitor_left, "ended_at": self.ended_at,
            "answered_at": self.answered_at,
            "callback": self.callback.to_record() if self.callback else None,
            "visitor_ip": self.visitor_ip,
            "conference": [seat.to_record() for seat in self.conference],
        }

    @classmethod
    def from_record(cls, r: dict) -> "Interaction":
        return cls(
            id=r["id"], type=InteractionType(r["type"]), workgroup=r["workgroup"],
            remote_name=r["remote_name"], remote_address=r.get("remote_address", ""),
            state=InteractionState(r["state"]), created_at=r["created_at"],
            state_since=r["state_since"], queued_at=r["queued_at"], agent=r.get("agent"),
            target_agent=r.get("target_agent"), priority=r.get("priority", 0),
            language=r.get("language", ""), required_skills=tuple(r.get("required_skills", ())),
            attributes=dict(r.get("attributes", {})), declined_by=set(r.get("declined_by", ())),
            visitor_left=r.get("visitor_left", False), ended_at=r.get("ended_at"),
            answered_at=r.get("answered_at"),
            callback=CallbackDetails.from_record(r["callback"]) if r.get("callback") else None,
            visitor_ip=r.get("visitor_ip", ""),
            conference=[ConferenceSeat.from_record(seat) for seat in r.get("conference", ())],
        )
