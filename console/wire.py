"""Wire models of the agent API, shared by the server and the client.

They describe JSON on the wire and nothing else: no behaviour, no I/O. Field names
are the ones documented in ``docs/api.md``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

MAX_MESSAGE_CHARS = 4000
"""Longest chat message, in characters, on both the agent and the visitor API."""


class WireModel(BaseModel):
    model_config = ConfigDict(extra="ignore")


class StrictRequest(BaseModel):
    """Request bodies refuse unknown fields so typos surface as errors."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


# -- requests ------------------------------------------------------------------


class SessionRequest(StrictRequest):
    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=1000)


class StatusRequest(StrictRequest):
    status: str = Field(min_length=1, max_length=100)


class MessageRequest(StrictRequest):
    text: str
    """Checked by the server: empty gives ``message.empty``, too long ``message.too_long``."""


class TypingRequest(StrictRequest):
    typing: bool


class TransferRequest(StrictRequest):
    workgroup: str | None = Field(default=None, min_length=1, max_length=100)
    agent: str | None = Field(default=None, min_length=1, max_length=100)


class ConferenceRequest(StrictRequest):
    """Body of ``conference`` and ``cancel_invitation``: the colleague's user name."""

    agent: str = Field(min_length=1, max_length=100)


class CallbackOutcomeRequest(StrictRequest):
    """Body of ``complete`` and ``fail``: the wrap-up code is optional."""

    wrap_up_code: str | None = Field(default=None, max_length=100)


# -- responses -----------------------------------------------------------------


class UserInfo(WireModel):
    id: str
    username: str
    name: str
    role: Literal["agent", "supervisor"]
    workgroups: list[str]


class SessionResponse(WireModel):
    token: str
    expires_at: float
    user: UserInfo


class StatusInfo(WireModel):
    id: str
    label: str
    acd_available: bool
    selectable: bool


class AgentStatusView(WireModel):
    username: str
    status: str
    since: float
    acd_available: bool
    sign_out_pending: bool = False
    """A supervisor signed the agent out; it takes effect when their interactions end."""
    sign_out_by: str | None = None


class TranscriptEntry(WireModel):
    seq: int
    ts: float
    kind: Literal["text", "system", "url", "file", "coach"]
    """``coach``: a supervisor's message to the agent alone; the visitor never sees it."""
    sender_type: Literal["visitor", "agent", "supervisor", "system"]
    sender_name: str
    sender_id: str
    text: str


class CallbackView(WireModel):
    telephone: str
    subject: str
    attempts: list[dict[str, Any]]
    snoozes: int
    snoozed_until: float | None
    snoozed_seconds: float
    outcome: str | None
    wrap_up_code: str | None
    retries_allowed: int
    retries_left: int
    wrap_up_codes: list[str]


class SupervisorPresence(WireModel):
    username: str
    name: str
    mode: Literal["coach", "barge"]


class ConferenceParticipant(WireModel):
    """Someone in a chat, or invited to it: the owner, conference members and invitees."""

    username: str
    name: str
    role: Literal["owner", "member", "invited"]
    since: float | None = None
    """When a member joined or an invitee was invited; None for the owner."""


class InteractionView(WireModel):
    id: str
    type: str
    workgroup: str
    state: str
    remote_name: str
    remote_address: str
    agent: str | None
    agent_name: str | None
    created_at: float
    state_since: float
    queued_at: float
    priority: int
    language: str
    attributes: dict[str, str]
    visitor_typing: bool = False
    actions: list[str]
    queues: list[str]
    """Ids of the viewer's queues this interaction shows in."""
    callback: CallbackView | None = None
    """Set for callbacks: telephone, subject, attempts, snoozes, outcome."""
    supervisors: list[SupervisorPresence] = []
    """Supervisors coaching or barged into this chat (the agent sees them; monitoring is silent)."""
    monitoring: str | None = None
    """The viewer's own part as a supervisor: monitor, coach or barge; None otherwise."""
    participants: list[ConferenceParticipant] = []
    """Agents in the chat (owner first, then conference members) and those invited to it.

    ``state`` and ``state_since`` are the viewer's own: an invitation alerts the colleague
    invited (``Alerting`` since the invitation) while the chat stays connected for the others."""


class InteractionDetail(InteractionView):
    transcript: list[TranscriptEntry]


class QueueInfo(WireModel):
    id: str
    name: str
    kind: Literal["my_interactions", "workgroup"]


class EventEnvelope(WireModel):
    seq: int
    topic: str
    kind: Literal["snapshot", "put", "post", "delete", "resync"]
    ts: float
    data: dict[str, Any] = Field(default_factory=dict)


class ErrorBody(WireModel):
    code: str
    message: str


class ErrorResponse(WireModel):
    error: ErrorBody
