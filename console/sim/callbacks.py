"""Simulated callback requests: visitors who ask to be called back instead of chatting.

Each request names a workgroup, a telephone number and a subject that fits it. The
visitor then checks the status now and then, as the IWT callback page does, and now and
then cancels when the wait runs past their patience.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Sequence

import httpx

from console.sim.simulator import DEFAULT_WORKGROUPS, make_persona, stopped_within

log = logging.getLogger("callboard.sim.callbacks")

SUBJECTS = {
    "Sales": ["I'd like a quote for {product} for my team of 12.", "Can someone call me about volume pricing?"],
    "Support": ["My {product} stopped syncing after the update.", "Setup help for {product}, please call."],
    "Billing": ["I was charged twice this month.", "Please call about changing my payment method."],
}


def telephone(rng: random.Random) -> str:
    return f"+1 ({rng.randint(201, 989)}) 555-{rng.randint(100, 199):04d}"


async def request_callback(
    http: httpx.AsyncClient, base_url: str, rng: random.Random, workgroups: Sequence[str],
    stop: asyncio.Event, patience: float, status_every: float,
) -> str:
    """One visitor's callback request, from create to connected, cancelled or stopped."""
    persona = make_persona(rng, workgroups)
    subject = persona.line(rng.choice(SUBJECTS.get(persona.workgroup, SUBJECTS["Support"])))
    body = {
        "target": persona.workgroup, "targettype": "Workgroup", "subject": subject, "language": persona.language,
        "participant": {"name": persona.name, "credentials": None, "telephone": telephone(rng)},
        "routingContexts": persona.routing_contexts, "attributes": persona.attributes,
    }
    created = (await http.post(f"{base_url}/websvcs/callback/create", json=body)).json()["callback"]
    if created["status"]["type"] != "success":
        log.warning("%s could not request a callback: %s", persona.name, created["status"])
        return "refused"
    pid = created["participantID"]
    log.info("%s asked %s for a callback: %s", persona.name, persona.workgroup, subject)
    waited = 0.0
    while not await stopped_within(stop, status_every):
        waited += status_every
        status = (await http.get(f"{base_url}/websvcs/callback/status/{pid}")).json()["callback"]
        state = status.get("acdStatus", {}).get("interactionState")
        if state in ("Connected", "Disconnected"):
            return "handled" if state == "Connected" else "ended"
        if waited > patience and state == "Waiting":
            await http.post(f"{base_url}/websvcs/callback/disconnect/{pid}")
            log.info("%s cancelled the callback request after %.0f s", persona.name, waited)
            return "cancelled"
    return "stopped"


async def run_callback_requests(
    base_url: str, *, workgroups: Sequence[str] = DEFAULT_WORKGROUPS, mean_interval: float = 45.0,
    stop: asyncio.Event, seed: int | None = None, patience: tuple[float, float] = (240.0, 600.0),
    status_every: float = 10.0,
) -> list[str]:
    """Callback requests at random intervals until ``stop``; returns each request's outcome."""
    rng = random.Random(seed)
    requests: list[asyncio.Task[str]] = []
    async with httpx.AsyncClient(timeout=15.0) as http:
        while not await stopped_within(stop, rng.expovariate(1.0 / mean_interval)):
            requests.append(asyncio.create_task(request_callback(
                http, base_url.rstrip("/"), random.Random(rng.getrandbits(64)), workgroups, stop,
                rng.uniform(*patience), status_every,
            )))
        results = await asyncio.gather(*requests, return_exceptions=True)
    return [r if isinstance(r, str) else f"error: {r.__class__.__name__}" for r in results]
