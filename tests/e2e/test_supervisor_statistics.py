"""Queue statistics pushed to a supervisor while simulated visitors and an agent make traffic."""

from __future__ import annotations

import asyncio
import random
from typing import Any

from console.client import AgentClient
from console.sim import SimAgent, run_visitors
from console.wire_supervisor import WorkgroupStatistics
from tests.e2e.test_simulator import contact_center


def with_supervisor() -> dict[str, Any]:
    data = contact_center()
    data["users"].append({"username": "sue", "name": "Sue Sommer", "password": "sue-pw", "role": "supervisor",
                          "workgroups": ["Sales", "Support"], "max_chats": 0, "skills": {}})
    return data


async def test_stats_events_add_up_to_what_the_simulated_visitors_did(server_factory):
    server = server_factory(data=with_supervisor())
    latest: dict[str, WorkgroupStatistics] = {}
    frames = 0
    supervisor = AgentClient(server.url)
    await supervisor.login("sue", "sue-pw")

    async def watch() -> None:
        nonlocal frames
        async for frame in supervisor.events():
            if isinstance(frame, dict) and frame.get("topic") == "stats":
                items = frame["data"]["workgroups"] if frame["kind"] == "snapshot" else [frame["data"]]
                for item in items:
                    stats = WorkgroupStatistics.model_validate(item)
                    latest[stats.workgroup] = stats
                frames += 1

    watcher = asyncio.create_task(watch())
    stop = asyncio.Event()
    ben = SimAgent(server.url, "ben", "ben-pw", stop, rng=random.Random(3), pace=0.02)
    shift = asyncio.create_task(ben.run())
    try:
        visits = await asyncio.wait_for(
            run_visitors(server.url, workgroups=("Sales", "Support"), mean_interval=0.2, max_concurrent=4,
                         seed=5, pace=0.02, patience=(0.4, 30.0), max_visitors=6, poll_interval=0.1),
            timeout=40,
        )
        outcomes = [v.outcome for v in visits]
        completed, abandoned = outcomes.count("completed"), outcomes.count("abandoned")
        assert completed + abandoned == len(visits) == 6, outcomes

        def totals() -> tuple[int, int, int, int]:
            today = [s.today for s in latest.values()]
            waiting = sum(s.now.waiting_chats + s.now.in_progress for s in latest.values())
            return (sum(t.offered for t in today), sum(t.answered for t in today),
                    sum(t.abandoned for t in today), waiting)

        for _ in range(100):  # figures follow at most a second after the last change
            if totals() == (6, completed, abandoned, 0):
                break
            await asyncio.sleep(0.1)
        assert totals() == (6, completed, abandoned, 0)
        assert all(s.today.average_handle_time is not None for s in latest.values() if s.today.answered)
        assert frames > 2  # pushed as things changed, not only the opening snapshot
    finally:
        stop.set()
        await asyncio.wait_for(shift, timeout=10)
        watcher.cancel()
        await supervisor.aclose()
