"""Simulated colleague agents: they sign in, take chats that alert them, and answer.

Each simulated agent is an ``AgentClient`` like the console's: it signs in, goes
*Available*, follows its event stream, picks up what alerts it after a few seconds (as a
person finishing a sentence would), greets the visitor by name, answers each question
after reading it and typing (typing indicator on), and after a few exchanges - or when
the visitor thanks them or leaves - says goodbye, disconnects and dismisses the chat.
They are on desktop chat too, and answer a colleague's message briefly. Invited into a
colleague's chat (a conference) they join after a moment, say hello, and leave again a
little later; if the owner leaves first, the chat is theirs and they finish it as any other.
With them a demo contact center is busy while the human agent works beside them.

Every happening is logged to ``callboard.sim.agents``.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from console.client.agent_client import AgentClient, ApiError, ConnectionState, ServerUnreachable
from console.client.desktop_chat import DesktopChatClient
from console.sim import scripts
from console.sim.simulator import HumanTiming, stopped_within

log = logging.getLogger("callboard.sim.agents")

AVAILABLE = "Available"
NOT_ANSWERING = "ACD - Agent Not Answering"
CONFERENCE_HELLOS = (
    "Hi {first}, I'm {agent} - {owner} asked me to join. Happy to help.",
    "Hello {first}, {agent} here, joining {owner} on this one.",
)
"""What a simulated colleague says on joining a conference."""
COLLEAGUE_REPLIES = (
    "Sure, give me a minute.", "Thanks, will do!", "On it.", "Sounds good to me.",
    "Let me check and get back to you.", "Yes, no problem.",
)
"""What a simulated colleague answers on desktop chat."""


class VisitorGone(Exception):
    """The visitor left (or the chat ended) while the agent was busy with it."""


class ShiftOver(Exception):
    """The simulation is stopping."""


@dataclass(slots=True)
class SimChat:
    """One interaction a simulated agent is handling."""

    id: str
    view: dict[str, Any]
    inbox: asyncio.Queue[str] = field(default_factory=asyncio.Queue)
    seen: set[int] = field(default_factory=set)
    """Transcript ``seq`` numbers already taken in, so nothing is answered twice."""
    ended: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task | None = None

    @property
    def visitor(self) -> str:
        return self.view.get("remote_name") or "the visitor"

    @property
    def language(self) -> str:
        return self.view.get("language") or "en-US"

    def take(self, entry: dict[str, Any]) -> None:
        if entry.get("sender_type") == "visitor" and entry.get("seq") not in self.seen:
            self.seen.add(entry["seq"])
            self.inbox.put_nowait(entry["text"])


class SimAgent:
    """One simulated agent, signed in until ``stop`` is set."""

    def __init__(
        self,
        base_url: str,
        username: str,
        password: str,
        stop: asyncio.Event,
        *,
        rng: random.Random,
        pace: float = 1.0,
        exchanges: tuple[int, int] = (4, 6),
    ) -> None:
        self.base_url = base_url
        self.username = username
        self.password = password
        self.stop = stop
        self.rng = rng
        self.pace = pace
        self.exchanges = exchanges
        self.timing = HumanTiming(rng, pace, (8.0, 12.0))
        self.name = username
        self.chats: dict[str, SimChat] = {}
        self.handled = 0
        """Chats this agent was connected to that have ended (however they ended)."""
        self.client: AgentClient | None = None
        self._tasks: set[asyncio.Task] = set()
        self.seats: dict[str, dict[str, Any]] = {}
        """Chats of colleagues this agent is invited to or a member of: the latest view of each."""

    @property
    def first_name(self) -> str:
        return scripts.first_name(self.name)

    # -- life cycle ----------------------------------------------------------------------
    async def run(self) -> None:
        self.client = AgentClient(self.base_url)
        try:
            if not await self._sign_in():
                return
            consumer = asyncio.create_task(self._consume(), name=f"events {self.username}")
            stopper = asyncio.create_task(self.stop.wait())
            await asyncio.wait({consumer, stopper}, return_when=asyncio.FIRST_COMPLETED)
            stopper.cancel()
            # Chats see ``stop`` too and close politely; give them a moment to.
            chats = [c.task for c in self.chats.values() if c.task is not None and not c.task.done()]
            if chats:
                await asyncio.wait(chats, timeout=10.0)
            consumer.cancel()
            await asyncio.gather(consumer, stopper, return_exceptions=True)
            try:
                await self.client.logout()
            except ApiError:
                pass
            log.info("%s signed out after %d chats", self.username, self.handled)
        finally:
            for task in list(self._tasks):
                task.cancel()
            if self._tasks:
                await asyncio.gather(*self._tasks, return_exceptions=True)
            await self.client.aclose()

    async def _sign_in(self) -> bool:
        assert self.client is not None
        warned = False
        while not self.stop.is_set():
            try:
                session = await self.client.login(self.username, self.password)
                self.name = session.user.name
                await self.client.set_status(AVAILABLE)
                log.info("%s signed in and is Available", self.name)
                return True
            except ServerUnreachable as error:
                if not warned:
                    log.warning("%s cannot reach the server yet: %s", self.username, error.message)
                    warned = True
            except ApiError as error:
                log.error("%s cannot sign in: %s (%s)", self.username, error.message, error.code)
                return False
            if await stopped_within(self.stop, 2.0):
                break
        return False

    async def _consume(self) -> None:
        assert self.client is not None
        while not self.stop.is_set():
            try:
                async for item in self.client.events():
                    if isinstance(item, ConnectionState):
                        if not item.connected and item.attempt == 1:
                            log.warning("%s lost the event stream (%s); reconnecting", self.username, item.detail)
                        continue
                    self._on_frame(item)
            except ApiError as error:
                # The session is gone (expired, or the server lost it): sign in again.
                log.warning("%s: %s; signing in again", self.username, error.message)
                self.client.last_seq = 0
                if not await self._sign_in():
                    return

    def _spawn(self, coro: Any, name: str) -> asyncio.Task:
        task = asyncio.create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    # -- events ----------------------------------------------------------------------------
    def _on_frame(self, frame: dict[str, Any]) -> None:
        topic, kind, data = frame.get("topic"), frame.get("kind"), frame.get("data") or {}
        if topic == "queues" and kind == "snapshot":
            for view in data.get("interactions", []):
                self._on_interaction(view)
        elif topic == "interaction" and kind == "put":
            self._on_interaction(data)
        elif topic == "interaction.message" and kind == "post":
            chat = self.chats.get(data.get("interaction_id", ""))
            if chat is not None:
                chat.take(data.get("entry") or {})
        elif topic == "agent.status" and kind == "put" and data.get("status") == NOT_ANSWERING:
            self._spawn(self._back_to_available(), f"available {self.username}")
        elif topic == "desk.session" and not (data.get("me") or {}).get("signed_in"):
            # Only now: a colleague's message sent before the stream was live would be missed.
            self._spawn(self._join_desktop_chat(), f"desktop chat sign-in {self.username}")
        elif topic == "desk.message" and kind == "post" and data.get("from") != self.username:
            self._spawn(self._answer_colleague(data), f"desktop chat {self.username} {data.get('id')}")

    async def _join_desktop_chat(self) -> None:
        assert self.client is not None
        try:
            await DesktopChatClient(self.client).sign_in()
            log.info("%s is on desktop chat", self.name)
        except (ApiError, ServerUnreachable) as error:
            log.info("%s could not sign in to desktop chat: %s", self.name, error.message)

    async def _answer_colleague(self, message: dict[str, Any]) -> None:
        """A colleague wrote on desktop chat: read, type, answer briefly; files are declined."""
        assert self.client is not None
        desk = DesktopChatClient(self.client)
        colleague = message.get("from", "")
        try:
            if await stopped_within(self.stop, self.timing.reading(message.get("text", ""))):
                return
            if message.get("kind") == "file":
                await desk.decline_file(message["id"])
                reply = "Sorry, I can't open files on this machine."
            else:
                reply = self.rng.choice(COLLEAGUE_REPLIES)
            await desk.typing(colleague, True)
            if await stopped_within(self.stop, self.timing.typing(reply)):
                return
            await desk.send(colleague, reply)
            log.info("%s answered %s on desktop chat", self.name, message.get("from_name", colleague))
        except ApiError as error:
            log.info("%s could not answer %s on desktop chat: %s", self.name, colleague, error.message)

    def _my_role(self, view: dict[str, Any]) -> str | None:
        return next((p["role"] for p in view.get("participants", ()) if p["username"] == self.username), None)

    def _on_interaction(self, view: dict[str, Any]) -> None:
        role = self._my_role(view)
        if role in ("invited", "member"):
            known = view["id"] in self.seats
            self.seats[view["id"]] = view
            if role == "invited" and not known:
                self._spawn(self._join_conference(view["id"]), f"conference {self.username} {view['id']}")
            return
        self.seats.pop(view["id"], None)
        chat = self.chats.get(view["id"])
        if chat is not None:
            chat.view = view
            if view["state"] == "Disconnected" or view.get("agent") != self.username:
                chat.ended.set()
            return
        if view.get("agent") != self.username:
            return
        if view["state"] in ("Alerting", "Connected", "Held") or "dismiss" in view.get("actions", []):
            chat = SimChat(view["id"], view)
            self.chats[chat.id] = chat
            chat.task = self._spawn(self._handle(chat), f"chat {self.username} {chat.id}")

    async def _back_to_available(self) -> None:
        assert self.client is not None
        log.info("%s missed an alert and is set to %s", self.name, NOT_ANSWERING)
        if await stopped_within(self.stop, self.timing.pause(3, 8)):
            return
        try:
            await self.client.set_status(AVAILABLE)
        except ApiError as error:
            log.warning("%s cannot go Available again: %s", self.username, error.message)

    # -- a colleague's chat (conference) -------------------------------------------------------
    async def _join_conference(self, interaction_id: str) -> None:
        """Join after a moment, say hello, stay a while, leave (unless the chat became ours)."""
        assert self.client is not None
        try:
            if await stopped_within(self.stop, self.timing.pause(2, 6)):
                return
            view = self.seats.get(interaction_id)
            if view is None or self._my_role(view) != "invited":
                return  # cancelled, lapsed or ended meanwhile
            await self.client.pickup(interaction_id)
            first = scripts.first_name(view.get("remote_name") or "") or "there"
            owner = scripts.first_name(view.get("agent_name") or "") or "my colleague"
            hello = self.rng.choice(CONFERENCE_HELLOS).format(first=first, agent=self.first_name, owner=owner)
            await self.client.send_message(interaction_id, hello)
            log.info("%s joined %s's chat with %s", self.name, view.get("agent_name"), view.get("remote_name"))
            await stopped_within(self.stop, self.timing.pause(20, 60))
            if self._my_role(self.seats.get(interaction_id) or {}) == "member":
                await self.client.act(interaction_id, "disconnect")
                log.info("%s left the conference with %s", self.name, view.get("remote_name"))
        except ApiError as error:
            log.info("%s: %s (conference %s)", self.name, error.message, interaction_id)

    # -- one chat --------------------------------------------------------------------------
    async def _handle(self, chat: SimChat) -> None:
        assert self.client is not None
        client = self.client
        connected = chat.view["state"] in ("Connected", "Held")
        try:
            if chat.view.get("type") == "callback":
                connected = await self._handle_callback(chat)
                return
            if chat.view["state"] == "Alerting":
                await self._pause(chat, self.timing.pause(2, 6))
                await client.pickup(chat.id)
                connected = True
                log.info("%s picked up the chat of %s (%s)", self.name, chat.visitor, chat.view["workgroup"])
            elif chat.view["state"] == "Held":
                await client.act(chat.id, "unhold")
            if connected:
                await self._converse(chat)
                await client.act(chat.id, "disconnect")
                log.info("%s closed the chat with %s", self.name, chat.visitor)
        except VisitorGone:
            if connected:
                log.info("%s: %s left the chat", self.name, chat.visitor)
            else:
                log.info("%s missed the chat of %s", self.name, chat.visitor)
        except ShiftOver:
            if connected:
                await self._close_for_shift(chat)
        except ApiError as error:
            # Usually a race with the visitor leaving: the chat is no longer connected.
            log.info("%s: %s (%s)", self.name, error.message, chat.visitor)
        finally:
            if connected:
                self.handled += 1
            await self._dismiss(chat)
            self.chats.pop(chat.id, None)

    async def _handle_callback(self, chat: SimChat) -> bool:
        """Pick up, call, and record an outcome: mostly complete, sometimes failed or later."""
        assert self.client is not None
        client = self.client
        if chat.view["state"] == "Alerting":
            await self._pause(chat, self.timing.pause(2, 6))
            await client.pickup(chat.id)
        try:
            await self._pause(chat, self.timing.pause(3, 8))
            await client.act(chat.id, "make_call")
            log.info("%s calls %s back at %s", self.name, chat.visitor, chat.view.get("remote_address"))
            await self._pause(chat, self.timing.pause(20, 60))  # the call itself
        except ShiftOver:
            # Signing out with a callback in hand would strand it: hand it back to the queue.
            try:
                await client.act(chat.id, "retry_later")
            except ApiError:
                await client.act(chat.id, "fail")
            return True
        details = chat.view.get("callback") or {}
        codes = details.get("wrap_up_codes") or [None]
        roll = self.rng.random()
        if roll < 0.2 and details.get("retries_left", 0) > 0:
            await client.act(chat.id, "retry_later")
            log.info("%s will retry %s later", self.name, chat.visitor)
        elif roll < 0.35:
            await client.act(chat.id, "fail", wrap_up_code="No answer" if "No answer" in codes else None)
            log.info("%s could not reach %s", self.name, chat.visitor)
        else:
            await client.act(chat.id, "complete", wrap_up_code=self.rng.choice(codes))
            log.info("%s completed the callback of %s", self.name, chat.visitor)
        return True

    async def _converse(self, chat: SimChat) -> None:
        assert self.client is not None
        phrases = scripts.phrases(chat.language)
        detail = await self.client.interaction(chat.id)
        for entry in detail.transcript:
            chat.take(entry.model_dump())
        first = scripts.first_name(chat.visitor) if chat.visitor != "Anonymous User" else ""
        greeting = self.rng.choice(phrases.greeting).format(first=first or "there", agent=self.first_name)
        await self._type(chat, greeting)
        read_while_greeting = chat.inbox.qsize()
        limit = self.rng.randint(*self.exchanges)
        replies = 0
        asked_for_more = False
        while True:
            text = await self._next_text(chat, timeout=max(20.0, 150.0 * self.pace))
            if text is None:
                await self._type(chat, phrases.idle_close)
                return
            if read_while_greeting:
                read_while_greeting -= 1
            else:
                await self._pause(chat, self.timing.reading(text))
            texts = [text]
            while not chat.inbox.empty():
                texts.append(chat.inbox.get_nowait())
            for each in texts:
                await self._type(chat, scripts.answer_for(each, chat.language, self.rng))
                replies += 1
            if any(scripts.is_thanks(t) for t in texts) or asked_for_more:
                await self._pause(chat, self.timing.pause(3, 6))
                return
            if replies >= limit:
                await self._type(chat, phrases.more)
                asked_for_more = True

    async def _next_text(self, chat: SimChat, timeout: float) -> str | None:
        if not chat.inbox.empty():
            return chat.inbox.get_nowait()
        getter = asyncio.ensure_future(chat.inbox.get())
        ended = asyncio.ensure_future(chat.ended.wait())
        stopper = asyncio.ensure_future(self.stop.wait())
        try:
            await asyncio.wait({getter, ended, stopper}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (getter, ended, stopper):
                if not task.done():
                    task.cancel()
            await asyncio.gather(getter, ended, stopper, return_exceptions=True)
        if getter.done() and not getter.cancelled():
            return getter.result()
        if chat.ended.is_set():
            raise VisitorGone
        if self.stop.is_set():
            raise ShiftOver
        return None

    async def _type(self, chat: SimChat, text: str) -> None:
        assert self.client is not None
        await self.client.set_typing(chat.id, True)
        await self._pause(chat, self.timing.typing(text))
        await self.client.send_message(chat.id, text)

    async def _pause(self, chat: SimChat, seconds: float) -> None:
        """Sleeps unless the visitor leaves or the shift ends first."""
        ended = asyncio.ensure_future(chat.ended.wait())
        stopper = asyncio.ensure_future(self.stop.wait())
        try:
            await asyncio.wait({ended, stopper}, timeout=max(0.0, seconds), return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (ended, stopper):
                task.cancel()
            await asyncio.gather(ended, stopper, return_exceptions=True)
        if chat.ended.is_set():
            raise VisitorGone
        if self.stop.is_set():
            raise ShiftOver

    async def _close_for_shift(self, chat: SimChat) -> None:
        assert self.client is not None
        if chat.view.get("agent") != self.username or chat.view["state"] not in ("Connected", "Held"):
            return
        try:
            if chat.view["state"] == "Connected":
                await self.client.send_message(chat.id, scripts.phrases(chat.language).shift_over)
            await self.client.act(chat.id, "disconnect")
            log.info("%s closed the chat with %s at the end of the shift", self.name, chat.visitor)
        except ApiError:
            pass

    async def _dismiss(self, chat: SimChat) -> None:
        """Dismisses the ended chat after a short wrap-up, as the agent's console would."""
        assert self.client is not None
        if chat.view.get("agent") != self.username:
            return
        if not self.stop.is_set():
            await stopped_within(self.stop, self.timing.pause(1, 3))
        try:
            view = await self.client.interaction(chat.id)
            if "dismiss" in view.actions:
                await self.client.act(chat.id, "dismiss")
        except ApiError:
            pass  # already gone


async def run_agents(
    base_url: str,
    usernames: Sequence[str],
    password: str,
    stop: asyncio.Event,
    *,
    pace: float = 1.0,
    seed: int | None = None,
    exchanges: tuple[int, int] = (4, 6),
) -> list[SimAgent]:
    """Runs one simulated agent per user name until ``stop`` is set; returns them.

    Every agent signs in with ``password``. ``pace`` scales their reading, typing and
    pickup delays (1.0 is human speed); ``exchanges`` bounds how many answers an agent
    gives before asking whether there is anything else and closing.
    """
    rng = random.Random(seed)
    agents = [
        SimAgent(base_url, username, password, stop, rng=random.Random(rng.getrandbits(64)), pace=pace,
                 exchanges=exchanges)
        for username in usernames
    ]
    await asyncio.gather(*(agent.run() for agent in agents))
    return agents
