"""Realistic website-visitor traffic against a Callboard (or any IWT) server.

Visitors arrive at random (exponential gaps around ``mean_interval`` seconds), each with a
name, a language (mostly ``en-US``, some Spanish, French and German), a product routing
context and a question that fits the workgroup they chose. A visitor waits for an agent
with a patience of a few minutes and abandons the chat when it runs out; once an agent
answers, the visitor reads, types (with the typing indicator on, for as long as a person
types that many characters), asks a follow-up or two, thanks the agent and leaves.

Every happening is logged to ``callboard.sim.visitors``; nothing is printed, so the
simulator can run beside the agent console in one terminal. ``pace`` scales every human
delay (typing, reading): 1.0 is human speed, tests use a small fraction of it.
"""

from __future__ import annotations

import asyncio
import logging
import random
import unicodedata
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

import httpx

from console.sim import scripts
from console.sim.visitor import IwtError, IwtFailure, IwtVisitor, ProtocolViolation

log = logging.getLogger("callboard.sim.visitors")

DEFAULT_WORKGROUPS = ("Sales", "Support", "Billing")

T = TypeVar("T")


class Stopped(Exception):
    """The simulation is stopping; the visitor says goodbye and leaves."""


@dataclass(frozen=True, slots=True)
class Persona:
    """Who the visitor is and what they want."""

    name: str
    language: str
    workgroup: str
    product: str | None
    email: str | None
    attributes: dict[str, str] = field(default_factory=dict)

    @property
    def routing_contexts(self) -> list[dict[str, str]]:
        return [{"category": "Product", "context": self.product}] if self.product else []

    def line(self, text: str) -> str:
        return text.format(product=self.product or scripts.PRODUCTS[0])


@dataclass(slots=True)
class Visit:
    """One simulated visitor's chat and how it went.

    ``outcome`` is one of: ``running``, ``completed`` (thanked and left), ``abandoned``
    (no agent within the visitor's patience), ``ended by agent``, ``no reply``,
    ``stopped`` (the simulation stopped first), ``failed`` (the server refused or vanished).
    """

    persona: Persona
    visitor: IwtVisitor
    outcome: str = "running"
    agent_name: str | None = None
    waited: float | None = None
    """Seconds from start until an agent joined."""
    error: str = ""


def make_persona(rng: random.Random, workgroups: Sequence[str]) -> Persona:
    language = scripts.pick_language(rng)
    name = scripts.pick_name(rng, language)
    workgroup = rng.choice(list(workgroups))
    product = None if workgroup == "Billing" else rng.choice(scripts.PRODUCTS)
    email = None
    if rng.random() < 0.6:
        ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
        email = ascii_name.replace("'", "").replace(" ", ".") + "@example.com"
    page = {"Sales": f"/products/{product}", "Support": f"/support/{product}", "Billing": "/account/billing"}
    attributes = {
        "page": page.get(workgroup, "/"),
        "customer": rng.choice(("new", "returning", "returning", "business")),
    }
    return Persona(name, language, workgroup, product, email, attributes)


class HumanTiming:
    """How long a person takes to read and type; ``pace`` scales it all."""

    def __init__(self, rng: random.Random, pace: float, chars_per_second: tuple[float, float]) -> None:
        self.rng = rng
        self.pace = pace
        self.cps = rng.uniform(*chars_per_second)

    def typing(self, text: str) -> float:
        return min(30.0, len(text) / self.cps * self.rng.uniform(0.8, 1.3)) * self.pace

    def reading(self, text: str) -> float:
        return (0.8 + len(text) / 30) * self.rng.uniform(0.8, 1.4) * self.pace

    def pause(self, low: float, high: float) -> float:
        return self.rng.uniform(low, high) * self.pace


async def stopped_within(stop: asyncio.Event, seconds: float) -> bool:
    """Sleeps ``seconds``; True at once if ``stop`` is (or becomes) set."""
    if stop.is_set():
        return True
    try:
        await asyncio.wait_for(stop.wait(), max(0.0, seconds))
    except TimeoutError:
        pass
    return stop.is_set()


async def unless_stopped(awaitable: Awaitable[T], stop: asyncio.Event) -> T:
    """Awaits ``awaitable``; raises ``Stopped`` (cancelling it) if ``stop`` is set first."""
    task = asyncio.ensure_future(awaitable)
    if stop.is_set():
        task.cancel()
    stopper = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({task, stopper}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for pending in (task, stopper):
            if not pending.done():
                pending.cancel()
        await asyncio.gather(task, stopper, return_exceptions=True)
    if task.done() and not task.cancelled():
        return task.result()
    raise Stopped


class VisitorScript:
    """Plays one visitor's part in a chat, from start to leaving."""

    def __init__(
        self, visit: Visit, rng: random.Random, timing: HumanTiming, patience: float, reply_patience: float,
        stop: asyncio.Event,
    ) -> None:
        self.visit = visit
        self.v = visit.visitor
        self.p = visit.persona
        self.rng = rng
        self.timing = timing
        self.patience = patience
        self.reply_patience = reply_patience
        self.stop = stop
        self.phrases = scripts.phrases(self.p.language)
        self.script = scripts.script_for(self.p.workgroup, self.p.language)

    def _log(self, message: str, *args: object, level: int = logging.INFO) -> None:
        log.log(level, "%s: " + message, self.p.name, *args)

    async def run(self) -> Visit:
        visit, v, p = self.visit, self.v, self.p
        try:
            await v.start(
                p.workgroup, language=p.language, attributes=p.attributes,
                routing_contexts=p.routing_contexts, email=p.email,
            )
        except IwtError as error:
            visit.outcome, visit.error = "failed", str(error)
            self._log("could not start a chat with %s: %s", p.workgroup, error, level=logging.WARNING)
            await v.aclose()
            return visit
        about = f" about {p.product}" if p.product else ""
        self._log("starts a chat with %s%s (%s)", p.workgroup, about, p.language)
        v.start_polling()
        try:
            await self._converse()
        except Stopped:
            visit.outcome = "stopped"
            if v.agent_joined and not v.ended:
                await self._quietly(v.send(self.phrases.must_go))
        except IwtFailure as failure:
            if v.ended or failure.code == "error.websvc.unknownEntity.participant":
                self._ended_by_agent()
            else:
                visit.outcome, visit.error = "failed", str(failure)
                self._log("the server refused: %s", failure, level=logging.WARNING)
        except ProtocolViolation as violation:
            visit.outcome, visit.error = "failed", str(violation)
        except IwtError as error:
            visit.outcome, visit.error = "failed", str(error)
            self._log("lost the server: %s", error, level=logging.WARNING)
        finally:
            if not v.ended:
                await self._quietly(v.exit())
            await v.aclose()
        self._log("left (%s) after %d messages", visit.outcome, len(v.my_texts()))
        return visit

    async def _converse(self) -> None:
        v = self.v
        opening = self.p.line(self.rng.choice(self.script.openings).ask)
        await self._say(opening, "asks")
        mark = len(v.agent_texts())  # agent texts when the visitor last spoke; a reply comes after
        joined = await self._wait(lambda v: v.agent_joined or v.ended, self.patience)
        if v.ended and not v.agent_joined:
            self._ended_by_agent()
            return
        if not joined:
            self.visit.outcome = "abandoned"
            self._log("gave up after waiting %.0f s for an agent (abandoned)", self.patience)
            return
        assert v.agent_joined_at is not None and v.started_at is not None
        self.visit.waited = v.agent_joined_at - v.started_at
        self.visit.agent_name = (v.agents_present or ["an agent"])[0]
        self._log("%s joined after %.1f s", self.visit.agent_name, self.visit.waited)

        count = self.rng.choice((1, 1, 2))
        followups = self.rng.sample(self.script.followups, k=min(count, len(self.script.followups)))
        lines = [self.p.line(f.ask) for f in followups]
        thanks = self.rng.choice(self.phrases.thanks)
        for line in [*lines, thanks]:
            if not await self._await_reply(mark):
                return
            await self._settle()
            if v.ended:
                self._ended_by_agent()
                return
            await self._say(line, "thanks the agent" if line == thanks else "asks")
            mark = len(v.agent_texts())
        # A moment for the agent's goodbye, then leave.
        await self._wait(lambda v: len(v.agent_texts()) > mark or v.ended, self.timing.pause(8, 15) + 2)
        if len(v.agent_texts()) > mark:
            await self._sleep(self.timing.reading(v.agent_texts()[-1].text))
        self.visit.outcome = "completed"

    async def _await_reply(self, mark: int) -> bool:
        """Waits for an agent text after the visitor's last one; nudges once, then gives up."""
        v = self.v
        for attempt in range(2):
            await self._wait(lambda v: len(v.agent_texts()) > mark or v.ended, self.reply_patience)
            if v.ended:
                self._ended_by_agent()
                return False
            if len(v.agent_texts()) > mark:
                return True
            if attempt == 0:
                await self._say(self.phrases.still_there, "nudges")
        self.visit.outcome = "no reply"
        self._log("no reply from %s, leaving", self.visit.agent_name)
        await self._quietly(v.send(self.phrases.must_go))
        return False

    async def _settle(self) -> None:
        """Reads what the agent wrote and lets them go on (typing, a second message) first."""
        v = self.v
        for _ in range(8):
            seen = len(v.agent_texts())
            await self._sleep(self.timing.reading(v.agent_texts()[-1].text))
            if v.ended:
                return
            # A person waits a moment to see whether the agent has more to say.
            await self._wait(
                lambda v: v.agent_typing or len(v.agent_texts()) > seen or v.ended, self.timing.pause(2, 4)
            )
            if v.agent_typing:
                await self._wait(
                    lambda v: not v.agent_typing or len(v.agent_texts()) > seen or v.ended,
                    self.timing.pause(40, 60) + 5,
                )
            if v.ended or len(v.agent_texts()) == seen:
                return

    async def _say(self, text: str, what: str) -> None:
        v = self.v
        await v.set_typing(True)
        await self._sleep(self.timing.typing(text))
        if v.ended:
            return
        await v.send(text)
        self._log("%s: %s", what, text, level=logging.DEBUG)

    def _ended_by_agent(self) -> None:
        self.visit.outcome = "ended by agent"
        self._log("%s ended the chat", self.visit.agent_name or "the agent")

    async def _wait(self, predicate: Callable[[IwtVisitor], bool], timeout: float) -> bool:
        return await unless_stopped(self.v.wait_for(predicate, timeout), self.stop)

    async def _sleep(self, seconds: float) -> None:
        if await stopped_within(self.stop, seconds):
            raise Stopped

    @staticmethod
    async def _quietly(awaitable: Awaitable[object]) -> None:
        try:
            await awaitable
        except IwtError:
            pass


async def run_visitors(
    base_url: str,
    *,
    workgroups: Sequence[str] = DEFAULT_WORKGROUPS,
    mean_interval: float = 20.0,
    max_concurrent: int = 6,
    stop: asyncio.Event | None = None,
    seed: int | None = None,
    pace: float = 1.0,
    patience: tuple[float, float] = (120.0, 300.0),
    max_visitors: int | None = None,
    path_prefix: str = "/websvcs",
    poll_interval: float | None = None,
) -> list[Visit]:
    """Sends visitors at ``base_url`` until ``stop`` is set (or ``max_visitors`` have come and gone).

    At most ``max_concurrent`` visitors are in a chat at once; an arrival that finds them
    all busy waits for one to leave. Returns every visit with its outcome; on ``stop``
    the visitors still chatting say goodbye and leave before this returns. Visitors poll
    at the server's ``pollWaitSuggestion`` unless ``poll_interval`` (seconds) overrides it.
    """
    rng = random.Random(seed)
    stop = stop or asyncio.Event()
    visits: list[Visit] = []
    limits = httpx.Limits(max_connections=2 * max_concurrent + 4, max_keepalive_connections=2 * max_concurrent + 4)
    reply_patience = max(15.0, 120.0 * pace)
    async with httpx.AsyncClient(timeout=15.0, limits=limits) as http:
        slots = asyncio.Semaphore(max_concurrent)
        tasks: set[asyncio.Task[Visit]] = set()
        try:
            delay = rng.uniform(0.3, 1.0) * min(mean_interval, 2.0)  # the first visitor comes soon
            while max_visitors is None or len(visits) < max_visitors:
                if await stopped_within(stop, delay):
                    break
                try:
                    await unless_stopped(slots.acquire(), stop)
                except Stopped:
                    break
                persona = make_persona(rng, workgroups)
                visitor = IwtVisitor(
                    base_url, persona.name, http=http, path_prefix=path_prefix, strict=False, poll_interval=poll_interval,
                    on_violation=lambda violation, name=persona.name: log.warning(
                        "%s: protocol violation: %s", name, violation
                    ),
                )
                visit = Visit(persona, visitor)
                visits.append(visit)
                own_rng = random.Random(rng.getrandbits(64))
                play = VisitorScript(
                    visit, own_rng, HumanTiming(own_rng, pace, (3.5, 6.5)),
                    patience=own_rng.uniform(*patience), reply_patience=reply_patience, stop=stop,
                )
                task = asyncio.create_task(play.run(), name=f"visitor {persona.name}")
                tasks.add(task)
                task.add_done_callback(lambda t: (tasks.discard(t), slots.release()))
                delay = rng.expovariate(1.0 / mean_interval) if mean_interval > 0 else 0.0
            if tasks:
                await asyncio.gather(*tasks, return_exceptions=True)
        finally:
            for task in tasks:
                task.cancel()
            if tasks:
                await asyncio.gather(*tasks, return_exceptions=True)
    for visit in visits:
        if visit.outcome == "running":
            visit.outcome = "stopped"
    return visits


def summary(visits: Sequence[Visit]) -> dict[str, int]:
    """How many visits ended each way."""
    counts: dict[str, int] = {}
    for visit in visits:
        counts[visit.outcome] = counts.get(visit.outcome, 0) + 1
    return counts
