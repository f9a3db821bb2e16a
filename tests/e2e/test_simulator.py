"""Simulated visitors and a simulated agent against a real server on loopback.

Human delays are scaled down (``pace``) and visitors poll fast, so whole conversations
run in a few seconds; the time bounds below only keep a broken run from hanging.
"""

from __future__ import annotations

import asyncio
import json
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

from console.sim import IwtVisitor, SimAgent, run_agents, run_visitors
from console.sim.scripts import THANKS

LANGUAGES = {"language:en": 90, "language:es": 80, "language:fr": 70, "language:de": 60}


def contact_center() -> dict[str, Any]:
    """Two chat workgroups routing on language, one agent who speaks every simulated language."""
    workgroups = [
        {"name": name, "chat_enabled": True, "skill_categories": ["language"],
         "skill_relax_seconds": 600, "alert_timeout_seconds": 60}
        for name in ("Sales", "Support")
    ]
    users = [
        {"username": "ben", "name": "Ben Brooks", "password": "ben-pw", "role": "agent",
         "workgroups": ["Sales", "Support"], "max_chats": 2, "skills": LANGUAGES},
    ]
    return {"workgroups": workgroups, "users": users}


def assert_iwt_numbering(visitor: IwtVisitor) -> None:
    numbers = [e["sequenceNumber"] for e in visitor.events]
    assert numbers == list(range(len(numbers)))
    conversation = [e["conversationSequenceNumber"] for e in visitor.events if e["type"] in ("text", "url", "file")]
    assert conversation == list(range(len(conversation)))


async def test_simulated_visitors_complete_their_chats_with_a_simulated_agent(server_factory):
    server = server_factory(data=contact_center())
    stop = asyncio.Event()
    ben = SimAgent(server.url, "ben", "ben-pw", stop, rng=random.Random(7), pace=0.02)
    shift = asyncio.create_task(ben.run())
    try:
        visits = await asyncio.wait_for(
            run_visitors(
                server.url, workgroups=("Sales", "Support"), mean_interval=0.3, max_concurrent=2,
                seed=11, pace=0.02, patience=(20.0, 20.0), max_visitors=2, poll_interval=0.1,
            ),
            timeout=25,
        )
        for _ in range(100):  # Ben hears of the last visitor leaving just after they left
            if ben.handled == 2 and not ben.chats:
                break
            await asyncio.sleep(0.05)
    finally:
        stop.set()
        await asyncio.wait_for(shift, timeout=10)

    assert [visit.outcome for visit in visits] == ["completed", "completed"]
    for visit in visits:
        visitor = visit.visitor
        assert visitor.violations == []
        assert visitor.agent_joined and visit.agent_name == "Ben Brooks"
        agent_texts = visitor.agent_texts()
        assert agent_texts and all(line.name == "Ben Brooks" for line in agent_texts)
        assert agent_texts[0].text.count(visit.persona.name.split()[0]) == 1  # greeted by first name
        assert visitor.my_texts()[-1].text in THANKS
        assert_iwt_numbering(visitor)
        assert visitor.ended
    assert ben.handled == 2


async def test_visitors_abandon_when_no_agent_answers_within_their_patience(server_factory):
    server = server_factory(data=contact_center())
    visits = await asyncio.wait_for(
        run_visitors(
            server.url, workgroups=("Sales",), mean_interval=0.1, max_concurrent=1, seed=3,
            pace=0.02, patience=(0.5, 0.5), max_visitors=1, poll_interval=0.1,
        ),
        timeout=20,
    )
    [visit] = visits
    assert visit.outcome == "abandoned"
    assert not visit.visitor.agent_joined
    assert visit.visitor.violations == []
    assert visit.visitor.system_texts()[-1].text == f"{visit.persona.name} has left the conversation."
    assert_iwt_numbering(visit.visitor)


async def test_stopping_the_simulation_lets_chatting_visitors_leave(server_factory):
    server = server_factory(data=contact_center())
    stop = asyncio.Event()
    agents = asyncio.create_task(run_agents(server.url, ["ben"], "ben-pw", stop, pace=1.0, seed=5))
    visitors = asyncio.create_task(
        run_visitors(server.url, workgroups=("Support",), mean_interval=0.1, max_concurrent=1, seed=5,
                     pace=1.0, poll_interval=0.1, stop=stop)
    )
    for _ in range(200):
        if any(t.get_name().startswith("visitor ") for t in asyncio.all_tasks()):
            break
        await asyncio.sleep(0.05)
    stop.set()
    visits = await asyncio.wait_for(visitors, timeout=15)
    await asyncio.wait_for(agents, timeout=15)
    assert visits and all(visit.outcome == "stopped" for visit in visits)
    assert all(visit.visitor.ended for visit in visits)


async def test_reconnect_hands_out_the_feed_again_and_the_repeats_are_dropped(server_factory):
    server = server_factory(data=contact_center())
    async with IwtVisitor(server.url, "Rita Reconnect") as visitor:
        await visitor.start("Sales")
        await visitor.send("Is anyone there?")
        received = list(visitor.events)
        fresh = await visitor.reconnect()
        assert fresh == []
        assert visitor.repeats_dropped == len(received)
        assert visitor.events == received
        assert visitor.violations == []
        await visitor.exit()
    assert visitor.my_texts()[0].text == "Is anyone there?"
    assert_iwt_numbering(visitor)


def test_the_simulator_imports_neither_the_server_nor_the_console():
    """It must see only what a visitor's browser or a remote console sees: HTTP."""
    code = (
        "import json, sys\n"
        "import console.sim, console.sim.__main__, console.sim.agents, console.sim.simulator\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
    loaded = json.loads(out.stdout.strip().splitlines()[-1])
    assert [m for m in loaded if m.startswith(("console.server", "console.tui"))] == []


async def test_simulated_callback_requests_are_called_back_by_a_simulated_agent(server_factory):
    from console.sim.callbacks import run_callback_requests

    data = contact_center()
    for workgroup in data["workgroups"]:
        workgroup.update(callback_enabled=True, callback_max_assign=2, callback_minutes_between=0.01)
    server = server_factory(data=data)
    stop = asyncio.Event()
    ben = SimAgent(server.url, "ben", "ben-pw", stop, rng=random.Random(5), pace=0.02)
    shift = asyncio.create_task(ben.run())
    requests = asyncio.create_task(run_callback_requests(
        server.url, workgroups=("Sales", "Support"), mean_interval=0.3, stop=stop, seed=5, status_every=0.1,
    ))
    try:
        for _ in range(200):
            if ben.handled >= 2:
                break
            await asyncio.sleep(0.05)
        assert ben.handled >= 2, "the simulated agent handled no callbacks"
    finally:
        stop.set()
        outcomes = await asyncio.wait_for(requests, timeout=10)
        await asyncio.wait_for(shift, timeout=10)
    assert outcomes and not [o for o in outcomes if o.startswith("error")], outcomes
    assert "handled" in outcomes or "ended" in outcomes


async def test_a_simulated_colleague_joins_a_conference_says_hello_and_leaves(server_factory):
    server = server_factory()  # the test directory: Alice in Sales, Carol in Support only
    alice = server.login("alice")
    visitor = server.visitor()
    visitor.start(name="Vera Lindqvist")
    iid = server.wait_for_alert(alice)["id"]
    server.act(alice, iid, "pickup")
    stop = asyncio.Event()
    carol = SimAgent(server.url, "carol", "carol-pw", stop, rng=random.Random(3), pace=0.02)
    shift = asyncio.create_task(carol.run())

    async def until(predicate, what: str) -> None:
        for _ in range(200):
            if predicate():
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"timed out waiting for {what}")

    def signed_in() -> bool:
        agents = server.http.get("/api/v1/agents", headers=alice).json()
        return any(a["username"] == "carol" and a["signed_in"] and a["status"] == "Available" for a in agents)

    def roles() -> list[str]:
        return [p["role"] for p in server.interaction(alice, iid)["participants"]]

    def heard_hello() -> bool:
        visitor.poll()
        return any(e["type"] == "text" and e.get("displayName") == "Carol Cho" and "Vera" in e["value"]
                   for e in visitor.events)

    try:
        await until(signed_in, "Carol to sign in")
        server.act(alice, iid, "conference", agent="carol")
        await until(heard_hello, "Carol's hello")
        assert roles() in (["owner", "member"], ["owner"])
        await until(lambda: roles() == ["owner"], "Carol to leave the conference")
        assert "Carol Cho has left the conversation." in visitor.texts()
        assert server.interaction(alice, iid)["state"] == "Connected"
    finally:
        stop.set()
        await asyncio.wait_for(shift, timeout=10)
