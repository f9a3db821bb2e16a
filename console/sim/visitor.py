"""One website visitor in an IWT web chat, as strict as the real IWT clients.

``IwtVisitor`` speaks the ``websvcs`` JSON protocol over httpx: start, poll (at the
server's ``pollWaitSuggestion``), send, typing, exit and reconnect. Every event it
receives is checked the way the official IWT page and other public clients check it:

- each event has a ``type`` clients know, a non-empty ``participantID`` and an integer
  ``sequenceNumber``, plus the fields the official page reads for its type;
- ``sequenceNumber`` runs 0, 1, 2, ... over everything the participant receives. An event
  that arrives early (a gap) is held back until the missing ones arrive; a number seen
  before is dropped, as real clients drop it, and must carry the same event. Repeats are
  expected only after ``reconnect``, which hands the whole feed out again;
- ``conversationSequenceNumber`` counts only ``text``, ``url`` and ``file`` events.

A breach raises ``ProtocolViolation`` (``strict=True``) or is only recorded in
``violations``. Requests may overlap (a poll in flight while the visitor sends), so the
responses can arrive out of order: a gap is a violation only when it is still open after
every request in flight has answered.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

SYSTEM_PARTICIPANT = "00000000-0000-0000-0000-000000000000"
CONVERSATION_TYPES = frozenset({"text", "url", "file"})
EVENT_TYPES = frozenset({"participantStateChanged", "typingIndicator", *CONVERSATION_TYPES})
PARTICIPANT_TYPES = frozenset({"Agent", "WebUser", "System"})
UNKNOWN_PARTICIPANT = "error.websvc.unknownEntity.participant"


class IwtError(Exception):
    """Base of everything a visitor call can raise."""


class IwtFailure(IwtError):
    """The server answered with ``status.type = "failure"``; ``code`` is the IWT reason code."""

    def __init__(self, code: str, message: str = "") -> None:
        super().__init__(f"{code}: {message}" if message else code)
        self.code = code
        self.message = message


class IwtTransportError(IwtError):
    """No usable answer: IWT clients report these as ``error.http.<status>``."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code


class ProtocolViolation(IwtError):
    """The server broke a rule real IWT clients enforce; ``event`` is the offending one."""

    def __init__(self, rule: str, event: Any = None) -> None:
        super().__init__(f"{rule}: {event!r}" if event is not None else rule)
        self.rule = rule
        self.event = event


@dataclass(frozen=True, slots=True)
class ChatLine:
    """One ``text``/``url``/``file`` event of the conversation, as the chat page shows it."""

    sequence: int
    conversation_sequence: int
    kind: str
    participant_id: str
    participant_type: str
    name: str
    text: str
    received_at: float
    """``time.time()`` when the response carrying it was processed."""


@dataclass(slots=True)
class Participant:
    """Someone in the chat as the visitor knows them: the visitor, agents, the system."""

    participant_id: str
    name: str
    participant_type: str
    state: str = "active"
    typing: bool = False


def _problems(event: Any) -> list[str]:
    """What the official IWT page would choke on in this event."""
    if not isinstance(event, dict):
        return ["event is not an object"]
    problems = []
    kind = event.get("type")
    if kind not in EVENT_TYPES:
        problems.append(f"unknown event type {kind!r}")
    pid = event.get("participantID")
    if not isinstance(pid, str) or not pid:
        problems.append("participantID missing or empty")
    seq = event.get("sequenceNumber")
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
        problems.append("sequenceNumber missing or not a non-negative integer")
    if kind == "participantStateChanged":
        if event.get("state") not in ("active", "disconnected"):
            problems.append("state is not active/disconnected")
        if not isinstance(event.get("participantName"), str):
            problems.append("participantName missing")
        if event.get("participantType") not in PARTICIPANT_TYPES:
            problems.append("participantType missing or unknown")
    elif kind == "typingIndicator":
        if not isinstance(event.get("value"), bool):
            problems.append("typing value is not a boolean")
    elif kind in CONVERSATION_TYPES:
        if not isinstance(event.get("value"), str) or not event["value"]:
            problems.append(f"{kind} value missing or empty")
        csn = event.get("conversationSequenceNumber")
        if not isinstance(csn, int) or isinstance(csn, bool):
            problems.append("conversationSequenceNumber missing")
        if not isinstance(event.get("displayName"), str):
            problems.append("displayName missing")
        if event.get("participantType") not in PARTICIPANT_TYPES:
            problems.append("participantType missing or unknown")
        if kind == "text" and not isinstance(event.get("contentType"), str):
            problems.append("contentType missing")
        if pid == SYSTEM_PARTICIPANT and event.get("participantType") != "System":
            problems.append("system participant's text is not participantType System")
    if kind is not None and kind not in CONVERSATION_TYPES and "conversationSequenceNumber" in event:
        problems.append(f"{kind} event carries a conversationSequenceNumber")
    return problems


class IwtVisitor:
    """One visitor's web chat: the calls, the numbered feed, and the conversation so far.

    ``http`` may be shared by many visitors (the simulator and the benchmark share one
    client with a large connection pool); without it the visitor owns its own client.
    ``on_violation`` is called with every violation as it is found.
    """

    def __init__(
        self,
        base_url: str,
        name: str = "Anonymous User",
        *,
        http: httpx.AsyncClient | None = None,
        path_prefix: str = "/websvcs",
        strict: bool = True,
        timeout: float = 10.0,
        poll_interval: float | None = None,
        on_violation: Callable[[ProtocolViolation], None] | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/") + path_prefix
        self.name = name
        self.strict = strict
        self._own_http = http is None
        self._http = http or httpx.AsyncClient(timeout=timeout)
        self._poll_override = poll_interval
        self.on_violation = on_violation

        self.participant_id: str | None = None
        self.chat_id: str | None = None
        self.poll_wait = 2.0
        """Seconds between polls: the server's ``pollWaitSuggestion``, IWT's 2 s until told."""
        self.started_at: float | None = None
        self.ended = False
        """The visitor's own participant is disconnected (left, or the agent ended the chat)."""
        self.events: list[dict[str, Any]] = []
        """Accepted events, in ``sequenceNumber`` order (index = number)."""
        self.conversation: list[ChatLine] = []
        self.participants: dict[str, Participant] = {}
        self.violations: list[ProtocolViolation] = []
        self.repeats_dropped = 0
        self.agent_joined_at: float | None = None
        self.agent_left_at: float | None = None

        self._held: dict[int, dict[str, Any]] = {}
        self._next_conversation = 0
        self._in_flight = 0
        self._repeats_expected = False
        self._changed = asyncio.Event()
        self._poller: asyncio.Task | None = None
        self._poller_error: BaseException | None = None

    # -- what the visitor knows ------------------------------------------------------------
    @property
    def agent_joined(self) -> bool:
        return self.agent_joined_at is not None

    @property
    def agent_left(self) -> bool:
        """An agent who had joined has left (transferred away, or ended the chat)."""
        return self.agent_left_at is not None

    @property
    def agents_present(self) -> list[str]:
        return [p.name for p in self.participants.values() if p.participant_type == "Agent" and p.state == "active"]

    @property
    def agent_typing(self) -> bool:
        return any(p.typing for p in self.participants.values() if p.participant_type == "Agent")

    @property
    def next_sequence(self) -> int:
        return len(self.events)

    def agent_texts(self) -> list[ChatLine]:
        return [line for line in self.conversation if line.participant_type == "Agent"]

    def my_texts(self) -> list[ChatLine]:
        return [line for line in self.conversation if line.participant_id == self.participant_id]

    def system_texts(self) -> list[ChatLine]:
        return [line for line in self.conversation if line.participant_type == "System"]

    # -- the calls -------------------------------------------------------------------------
    async def start(
        self,
        target: str,
        target_type: str = "Workgroup",
        *,
        language: str = "en-US",
        attributes: dict[str, str] | None = None,
        routing_contexts: list[dict[str, str]] | None = None,
        email: str | None = None,
        custom_info: str | None = None,
    ) -> list[dict[str, Any]]:
        """Starts the chat; returns the first events (welcome, queued)."""
        body: dict[str, Any] = {
            "supportedContentTypes": "text/plain",
            "participant": {"name": self.name, "credentials": None},
            "target": target,
            "targetType": target_type,
            "language": language,
            "transcriptRequired": False,
        }
        if attributes:
            body["attributes"] = attributes
        if routing_contexts:
            body["routingContexts"] = routing_contexts
        if email:
            body["emailAddress"] = email
        if custom_info:
            body["customInfo"] = custom_info
        chat = await self._call("POST", "/chat/start", body, events=False)
        pid, chat_id = chat.get("participantID"), chat.get("chatID")
        if not isinstance(pid, str) or not pid or not isinstance(chat_id, str) or not chat_id:
            # Nothing can go on without them, so this one always raises.
            violation = ProtocolViolation("start answered without participantID/chatID", chat)
            self._record(violation, always_raise=True)
        self.participant_id, self.chat_id = pid, chat_id
        self.started_at = time.time()
        return self._accept(chat)

    async def poll(self) -> list[dict[str, Any]]:
        """New events since the last call, in order (held-back ones once their gap fills)."""
        return await self._call("GET", f"/chat/poll/{self._pid()}")

    async def send(self, text: str) -> list[dict[str, Any]]:
        """Sends a text; the server echoes it back as a ``text`` event with our own id."""
        return await self._call(
            "POST", f"/chat/sendMessage/{self._pid()}", {"message": text, "contentType": "text/plain"}
        )

    async def set_typing(self, typing: bool) -> list[dict[str, Any]]:
        return await self._call("POST", f"/chat/setTypingState/{self._pid()}", {"typingIndicator": typing})

    async def exit(self) -> list[dict[str, Any]]:
        """Leaves the chat. Leaving a chat that has already ended is not an error."""
        try:
            return await self._call("POST", f"/chat/exit/{self._pid()}")
        finally:
            self.ended = True
            self._notify()

    async def reconnect(self) -> list[dict[str, Any]]:
        """Resumes the chat by ``chatID`` (after losing the server); repeats are then dropped."""
        if not self.chat_id:
            raise IwtError("reconnect before start")
        self._repeats_expected = True
        try:
            chat = await self._call("POST", "/chat/reconnect", {"chatID": self.chat_id}, events=False)
            pid = chat.get("participantID")
            if isinstance(pid, str) and pid:
                self.participant_id = pid
            return self._accept(chat)
        finally:
            self._repeats_expected = False

    # -- polling and waiting -----------------------------------------------------------------
    def start_polling(self) -> None:
        """Polls in the background at ``poll_wait`` until the chat ends or ``stop_polling``."""
        if self._poller is None or self._poller.done():
            self._poller = asyncio.get_running_loop().create_task(self._poll_forever(), name=f"poll {self.name}")

    async def stop_polling(self) -> None:
        poller, self._poller = self._poller, None
        if poller is not None and not poller.done():
            poller.cancel()
            try:
                await poller
            except asyncio.CancelledError:
                pass

    async def _poll_forever(self) -> None:
        failures = 0
        try:
            while not self.ended:
                try:
                    await self.poll()
                    failures = 0
                except IwtFailure as failure:
                    if failure.code == UNKNOWN_PARTICIPANT:
                        self.ended = True  # the server has forgotten this chat
                        break
                    failures += 1
                except IwtTransportError:
                    failures += 1
                    if failures >= 3 and self.chat_id:
                        # The server went away and may be back: resume the chat, as IWT clients do.
                        try:
                            await self.reconnect()
                            failures = 0
                        except IwtError:
                            pass
                await asyncio.sleep(self.poll_interval * min(1 + failures, 5))
        except ProtocolViolation as violation:
            self._poller_error = violation
        finally:
            self._notify()

    @property
    def poll_interval(self) -> float:
        return self._poll_override if self._poll_override is not None else self.poll_wait

    async def wait_for(self, predicate: Callable[["IwtVisitor"], bool], timeout: float) -> bool:
        """Waits until ``predicate(self)`` holds; False after ``timeout`` seconds.

        With a background poller running, wakes on each batch of new events; without one,
        polls by itself at ``poll_interval``.
        """
        deadline = time.monotonic() + timeout
        while True:
            if self._poller_error is not None:
                raise self._poller_error
            if predicate(self):
                return True
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            if self._poller is not None and not self._poller.done():
                changed = self._changed
                try:
                    await asyncio.wait_for(changed.wait(), remaining)
                except asyncio.TimeoutError:
                    pass
            elif self.ended:
                return predicate(self)
            else:
                await self.poll()
                if not predicate(self):
                    await asyncio.sleep(min(self.poll_interval, max(0.0, deadline - time.monotonic())))

    async def aclose(self) -> None:
        await self.stop_polling()
        if self._own_http:
            await self._http.aclose()

    async def __aenter__(self) -> "IwtVisitor":
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    # -- plumbing ------------------------------------------------------------------------------
    def _pid(self) -> str:
        if not self.participant_id:
            raise IwtError("the chat has not started")
        return self.participant_id

    def _notify(self) -> None:
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()

    async def _call(
        self, method: str, path: str, body: dict[str, Any] | None = None, *, events: bool = True
    ) -> Any:
        self._in_flight += 1
        try:
            try:
                response = await self._http.request(method, self.base_url + path, json=body)
            except httpx.TransportError as exc:
                raise IwtTransportError("error.http.transport", exc.__class__.__name__) from exc
        finally:
            self._in_flight -= 1
        if response.status_code != 200:
            raise IwtTransportError(f"error.http.{response.status_code}", response.text[:200])
        try:
            chat = response.json()["chat"]
            status = chat["status"]["type"]
        except (ValueError, KeyError, TypeError):
            raise IwtTransportError("error.http.badResponse", response.text[:200]) from None
        wait = chat.get("pollWaitSuggestion")
        if isinstance(wait, int | float) and not isinstance(wait, bool) and wait > 0:
            self.poll_wait = wait / 1000
        if status != "success":
            reason = chat["status"].get("reason") or {}
            # Events in a failure answer still count: numbers must not be lost.
            if chat.get("events"):
                self._accept(chat)
            raise IwtFailure(str(reason.get("code", "error.websvc.general")), str(reason.get("message", "")))
        return self._accept(chat) if events else chat

    def _record(self, violation: ProtocolViolation, *, always_raise: bool = False) -> None:
        self.violations.append(violation)
        if self.on_violation is not None:
            self.on_violation(violation)
        if self.strict or always_raise:
            raise violation

    def _accept(self, chat: dict[str, Any]) -> list[dict[str, Any]]:
        """Checks and takes in a response's events; returns the ones newly in order."""
        events = chat.get("events")
        if not isinstance(events, list):
            self._record(ProtocolViolation("chat response without an events list", chat))
            return []
        fresh: list[dict[str, Any]] = []
        for event in events:
            problems = _problems(event)
            if problems:
                self._record(ProtocolViolation("; ".join(problems), event))
                continue
            seq = event["sequenceNumber"]
            if seq < len(self.events):
                if self.events[seq] != event:
                    self._record(ProtocolViolation(f"sequenceNumber {seq} reused for a different event", event))
                elif not self._repeats_expected:
                    self._record(ProtocolViolation(f"sequenceNumber {seq} delivered twice", event))
                self.repeats_dropped += 1
                continue
            if seq in self._held:
                if self._held[seq] != event:
                    self._record(ProtocolViolation(f"sequenceNumber {seq} reused for a different event", event))
                self.repeats_dropped += 1
                continue
            self._held[seq] = event
            while len(self.events) in self._held:
                ready = self._held.pop(len(self.events))
                self._take(ready)
                fresh.append(ready)
        if self._held and self._in_flight == 0:
            missing = len(self.events)
            held, self._held = self._held, {}
            self._record(ProtocolViolation(
                f"sequenceNumber {missing} never arrived (gap before {min(held)})", held[min(held)]
            ))
        if fresh:
            self._notify()
        return fresh

    def _take(self, event: dict[str, Any]) -> None:
        self.events.append(event)
        kind, pid = event["type"], event["participantID"]
        now = time.time()
        if kind == "participantStateChanged":
            participant = self.participants.get(pid)
            if participant is None:
                participant = Participant(pid, event["participantName"], event["participantType"])
                self.participants[pid] = participant
            participant.name = event["participantName"] or participant.name
            participant.state = event["state"]
            participant.typing = False
            if participant.participant_type == "Agent":
                if participant.state == "active" and self.agent_joined_at is None:
                    self.agent_joined_at = now
                elif participant.state == "disconnected":
                    self.agent_left_at = now
            if pid == self.participant_id and participant.state == "disconnected":
                self.ended = True
        elif kind == "typingIndicator":
            participant = self.participants.get(pid)
            if participant is not None:
                participant.typing = event["value"]
        else:
            csn = event["conversationSequenceNumber"]
            if csn != self._next_conversation:
                self._record(ProtocolViolation(
                    f"conversationSequenceNumber {csn}, expected {self._next_conversation}", event
                ))
            self._next_conversation = max(self._next_conversation, csn) + 1
            participant = self.participants.get(pid)
            if participant is not None:
                participant.typing = False
            self.conversation.append(ChatLine(
                event["sequenceNumber"], csn, kind, pid, event["participantType"],
                event["displayName"], event["value"], now,
            ))
