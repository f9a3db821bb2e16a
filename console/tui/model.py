"""What the console knows of the contact center, kept current by the event stream.

Pure data and rules, no widgets: the agent screen applies each event here and then
redraws what changed. Keeping the rules here (what counts as "alerting me", which chats
and callbacks belong in the conversation area, how a callback's progress reads) lets
them be read and tested without a terminal.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any

from console.wire import AgentStatusView, CallbackView, InteractionView, QueueInfo, StatusInfo, UserInfo

MY_INTERACTIONS = "my-interactions"

ALERTING = "Alerting"
CONNECTED = "Connected"
HELD = "Held"
DISCONNECTED = "Disconnected"
WAITING = "Waiting"
SNOOZED = "Snoozed"

CALLBACK = "callback"
"""``InteractionView.type`` of a callback request (the other type is ``chat``)."""

WINDOW_STATES = (CONNECTED, HELD, DISCONNECTED)
"""States in which an interaction of mine has a window (chat or callback)."""

LONG_WAIT_SECONDS = 60
"""A waiting interaction older than this is shown as breaching the service level.

The server does not publish workgroup service-level targets yet; one minute is the
common answer-time goal for web chat.
"""


def format_duration(seconds: float) -> str:
    """``MM:SS`` under an hour, ``H:MM:SS`` beyond; never negative."""
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes:02}:{secs:02}"


def format_clock_time(ts: float) -> str:
    """A transcript time, ``HH:MM:SS`` in the local time zone."""
    return time.strftime("%H:%M:%S", time.localtime(ts))


def is_callback(view: InteractionView) -> bool:
    return view.type == CALLBACK or view.callback is not None


def count(n: int, thing: str) -> str:
    """``1 call``, ``2 calls``, ``no calls``."""
    if n == 0:
        return f"no {thing}s"
    return f"{n} {thing}" if n == 1 else f"{n} {thing}s"


def retries_used(callback: CallbackView) -> str:
    """``retry 1/3``: how often Retry Later was used, of how many times allowed."""
    return f"retry {callback.snoozes}/{callback.retries_allowed}"


def snooze_left(callback: CallbackView, now: float) -> str:
    """``back in 03:12`` for a snoozed callback; ``due now`` once its time has come."""
    if callback.snoozed_until is None or callback.snoozed_until <= now:
        return "due now"
    return f"back in {format_duration(math.ceil(callback.snoozed_until - now))}"


OUTCOME_SHORT = {"success": "complete", "failure": "attempt failed", "cancelled": "visitor cancelled"}


def outcome_text(callback: CallbackView) -> str:
    """How an ended callback ended, in a sentence for its window."""
    code = f" — wrap-up code: {callback.wrap_up_code}" if callback.wrap_up_code else ""
    if callback.outcome == "success":
        return f"Callback complete{code}."
    if callback.outcome == "failure":
        return f"Attempt failed{code}."
    if callback.outcome == "cancelled":
        return "The visitor cancelled this callback request."
    return ""


def queue_details(view: InteractionView, now: float) -> str:
    """The Details column of the queue table: a short line of what is going on.

    Callbacks: when a snoozed one comes back and the retries used, else the calls made
    (or the outcome once ended). Chats: whether the visitor is typing.
    """
    callback = view.callback
    if callback is None:
        return "typing…" if view.visitor_typing and view.state in (CONNECTED, HELD) else ""
    if view.state == SNOOZED:
        return f"{snooze_left(callback, now)} · {retries_used(callback)}"
    if view.state == DISCONNECTED and callback.outcome:
        short = OUTCOME_SHORT.get(callback.outcome, callback.outcome)
        return f"{short} · {callback.wrap_up_code}" if callback.wrap_up_code else short
    calls = count(len(callback.attempts), "call")
    return f"{calls} · {retries_used(callback)}" if callback.snoozes else calls


def conference_line(view: InteractionView, me: str | None = None) -> str:
    """Who is in a chat beside the visitor, for its window: empty unless it is a conference.

    ``Conference: Alicia Adams (owner) · you · Dev Desai (invited)``.
    """
    if len(view.participants) < 2:
        return ""
    names = []
    for p in view.participants:
        name = "you" if p.username == me else p.name
        names.append({"owner": f"{name} (owner)", "invited": f"{name} (invited)"}.get(p.role, name))
    return "Conference: " + " · ".join(names)


def status_tone(status: StatusInfo | None, acd_available: bool) -> str:
    """``available``, ``away`` or ``busy``: which semantic colour a status wears.

    Statuses the system sets by itself (an unanswered alert, signed out) are ``busy``:
    they are the ones an agent should notice and leave.
    """
    if acd_available:
        return "available"
    if status is not None and not status.selectable:
        return "busy"
    return "away"


@dataclass(slots=True)
class ConsoleState:
    """The signed-in agent's view of the contact center."""

    user: UserInfo
    statuses: list[StatusInfo] = field(default_factory=list)
    status: AgentStatusView | None = None
    queues: list[QueueInfo] = field(default_factory=list)
    interactions: dict[str, InteractionView] = field(default_factory=dict)

    # -- applying events -----------------------------------------------------------------
    def apply_session(self, data: dict[str, Any]) -> None:
        self.user = UserInfo.model_validate(data["user"])
        self.statuses = [StatusInfo.model_validate(s) for s in data.get("statuses", [])]

    def apply_status(self, data: dict[str, Any]) -> bool:
        """Returns whether the event was about me (supervisors may hear of others later)."""
        view = AgentStatusView.model_validate(data)
        if view.username != self.user.username:
            return False
        self.status = view
        return True

    def apply_queues(self, data: dict[str, Any]) -> list[InteractionView]:
        """Replace everything; returns the interactions that newly alert me."""
        before = self.interactions
        self.queues = [QueueInfo.model_validate(q) for q in data.get("queues", [])]
        views = [InteractionView.model_validate(i) for i in data.get("interactions", [])]
        self.interactions = {v.id: v for v in views}
        return [v for v in views if self.newly_alerting(before.get(v.id), v)]

    def apply_interaction(self, data: dict[str, Any]) -> tuple[InteractionView, InteractionView | None]:
        """Store one interaction; returns it and how it looked before."""
        view = InteractionView.model_validate(data)
        previous = self.interactions.get(view.id)
        if view.queues:
            self.interactions[view.id] = view
        else:
            self.interactions.pop(view.id, None)
        return view, previous

    def remove_interaction(self, interaction_id: str) -> InteractionView | None:
        return self.interactions.pop(interaction_id, None)

    # -- questions the screen asks ---------------------------------------------------------
    def conference_role(self, view: InteractionView | None) -> str | None:
        """``owner``, ``member`` or ``invited`` when I am in (or invited to) the chat's conference."""
        if view is None:
            return None
        return next((p.role for p in view.participants if p.username == self.user.username), None)

    def invited(self, view: InteractionView | None) -> bool:
        """A colleague invited me into their chat: it alerts me until I pick up or decline."""
        return view is not None and view.state == ALERTING and self.conference_role(view) == "invited"

    def alerting_me(self, view: InteractionView | None) -> bool:
        return view is not None and view.state == ALERTING and (
            view.agent == self.user.username or self.invited(view)
        )

    def newly_alerting(self, previous: InteractionView | None, view: InteractionView) -> bool:
        if not self.alerting_me(view):
            return False
        return not (self.alerting_me(previous) and previous is not None and previous.state_since == view.state_since)

    def has_window(self, view: InteractionView | None) -> bool:
        """Mine and past the alert: it has a chat or callback window until I dismiss it."""
        return (
            view is not None
            and (view.agent == self.user.username or self.conference_role(view) == "member")
            and view.state in WINDOW_STATES
            and MY_INTERACTIONS in view.queues
        )

    def set_visitor_typing(self, interaction_id: str, typing: bool) -> InteractionView | None:
        """Remember that the visitor of a chat is (not) typing; returns the updated view."""
        view = self.interactions.get(interaction_id)
        if view is None or view.visitor_typing == typing:
            return None
        view = self.interactions[interaction_id] = view.model_copy(update={"visitor_typing": typing})
        return view

    def first_alerting(self) -> InteractionView | None:
        alerting = [v for v in self.interactions.values() if self.alerting_me(v)]
        return min(alerting, key=lambda v: v.state_since) if alerting else None

    def status_info(self, status_id: str | None) -> StatusInfo | None:
        return next((s for s in self.statuses if s.id == status_id), None)

    def selectable_statuses(self) -> list[StatusInfo]:
        return [s for s in self.statuses if s.selectable]
