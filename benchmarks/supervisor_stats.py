"""Queue statistics at scale: server CPU of one statistics update.

    .venv/bin/python benchmarks/supervisor_stats.py [--workgroups 100] [--agents 2000] [--waiting 20000]

What it does, in one process (the contact center exactly as the server runs it, without
HTTP: what is measured is the statistics work itself, so it is timed with the process's
CPU clock rather than a wall clock):

1. Seeds a temporary SQLite store with ``--workgroups`` workgroups and ``--agents`` agents,
   each agent a member of two workgroups, plus one supervisor per ten workgroups; signs
   everyone in (half the agents available, with event streams attached, as consoles are).
2. Queues ``--waiting`` chats spread over the workgroups (nobody is routed: agents are in a
   not-available status while they arrive), then answers and ends a share of them so every
   workgroup has interval and day figures and a handle time for the Erlang C forecast.
3. Times, with ``time.process_time``:
   - one update of one workgroup: its figures computed (agent counts, tallies, forecast,
     the last hour's trend) and published to its supervisors' streams (JSON encoded) — for every workgroup;
   - one full sweep: ``tick()`` with all workgroups due at once (the worst case);
   - one tick a second as served, keep-alives spread over ten seconds;
   - one interaction change as ``observe`` follows it (the cost every change adds).

Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from served import percentile

from console.core.interactions import InteractionType
from console.core.passwords import hash_password
from console.core.statuses import GONE_HOME
from console.server.contact_center import ContactCenter, VisitorRequest
from console.server.events import EventHub
from console.server.store import SqliteStore, UserRecord


def build(data_dir: Path, workgroups: int, agents: int) -> tuple[ContactCenter, list[str]]:
    store = SqliteStore(data_dir / "callboard.sqlite3")
    names = [f"WG{n:03}" for n in range(workgroups)]
    for name in names:
        store.upsert_workgroup(name, {"skill_categories": [], "service_level_seconds": 20,
                                      "abandon_treatment": random.choice(["ignore", "against", "favour"])})
    password = hash_password("bench")
    now = time.time()
    for n in range(agents):
        store.upsert_user(UserRecord(f"agent{n}", f"Agent {n}", "agent", password, GONE_HOME, now, 3, {},
                                     [names[n % workgroups], names[(n * 7 + 3) % workgroups]]))
    for n in range(0, workgroups, 10):
        store.upsert_user(UserRecord(f"sup{n}", f"Supervisor {n}", "supervisor", password, GONE_HOME, now, 0, {},
                                     names[n:n + 10]))
    hub = EventHub()
    center = ContactCenter(store, hub)
    center.load()
    return center, names


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workgroups", type=int, default=100)
    parser.add_argument("--agents", type=int, default=2000)
    parser.add_argument("--waiting", type=int, default=20000)
    parser.add_argument("--answered", type=int, default=3000, help="chats answered and ended before measuring")
    args = parser.parse_args()
    random.seed(1)
    with tempfile.TemporaryDirectory() as tmp:
        center, names = build(Path(tmp), args.workgroups, args.agents)
        for agent in center.agents.values():
            token, _expires, _ = center.login(agent.username, "bench")
            center.hub.stream(next(iter(agent.sessions)), agent.username).attach()
            center.change_status(agent, agent.username, "At Lunch")
        started = time.perf_counter()
        for n in range(args.waiting + args.answered):
            request = VisitorRequest(name=f"Visitor {n}", target=names[n % len(names)], target_type="Workgroup")
            center.queue_interaction(center.new_interaction(InteractionType.CHAT, request, remote_address="10.0.0.1"))
        print(f"queued {args.waiting + args.answered} chats in {time.perf_counter() - started:.1f} s")
        # Answer and end some, so there are handle times, speeds of answer and a forecast.
        agents = [a for a in center.agents.values() if not a.is_supervisor]
        ids = list(center.interactions)[: args.answered]
        for n, interaction_id in enumerate(ids):
            interaction = center.interactions[interaction_id]
            agent = next(a for a in agents[n % len(agents):] + agents if interaction.workgroup in a.workgroups)
            center.act(agent, interaction_id, "pickup")
            center.act(agent, interaction_id, "disconnect")
            center.act(agent, interaction_id, "dismiss")
        for agent in agents[::2]:
            center.change_status(agent, agent.username, "Available")
        stats = center.statistics
        assert stats is not None
        waiting = sum(f.buckets.get("waiting_chats", 0) for f in stats.figures.values())
        print(f"{len(names)} workgroups, {len(agents)} agents ({len(agents) // 2} available), "
              f"{waiting} waiting, {args.answered} answered today")

        # A full hour of trend, as after an hour of serving: every update carries it.
        from console.server.queue_statistics import TREND_POINTS, TREND_STEP
        now = time.time()
        for figures in stats.figures.values():
            for k in range(TREND_POINTS):
                figures.trend.append((now - (TREND_POINTS - k) * TREND_STEP, random.randint(0, 400), random.random()))
        single: list[float] = []
        sizes: list[int] = []
        for _round in range(5):
            for name in names:
                t0 = time.process_time()
                stats.push(name)
                single.append((time.process_time() - t0) * 1000)
        sample = center.supervisors_of(names[0])[0]
        sizes.append(len(center.hub.streams_of(sample)[0].buffer[-1][1]))
        sweeps: list[float] = []
        for _round in range(20):
            for figures in stats.figures.values():
                figures.last_push = 0.0
            t0 = time.process_time()
            sent = stats.tick()
            sweeps.append((time.process_time() - t0) * 1000)
        # As served: keep-alives spread over ten seconds, one tick a second.
        from console.server.queue_statistics import KEEPALIVE
        base = time.time()
        for n, figures in enumerate(stats.figures.values()):
            figures.last_push = base - KEEPALIVE * n / len(stats.figures)
            figures.dirty = False
        ticks: list[float] = []
        pushed: list[int] = []
        for second in range(1, 61):
            t0 = time.process_time()
            pushed.append(stats.tick(base + second))
            ticks.append((time.process_time() - t0) * 1000)
        changes: list[float] = []
        pending = [i for i in center.interactions.values() if i.state.value == "Waiting"][:2000]
        for interaction in pending:
            interaction.priority = 1
            t0 = time.process_time()
            stats.observe(interaction)
            changes.append((time.process_time() - t0) * 1000)

        print(f"one workgroup update (figures + publish, {sizes[0]} bytes to each supervisor):")
        print(f"  p50 {statistics.median(single):.3f} ms  p99 {percentile(single, 99):.3f} ms  "
              f"max {max(single):.3f} ms  (n={len(single)})")
        print(f"full keep-alive sweep, all {sent} workgroups:")
        print(f"  p50 {statistics.median(sweeps):.2f} ms  p99 {percentile(sweeps, 99):.2f} ms  max {max(sweeps):.2f} ms")
        print(f"one tick a second with keep-alives spread (about {statistics.mean(pushed):.0f} workgroups a tick):")
        print(f"  p50 {statistics.median(ticks):.2f} ms  p99 {percentile(ticks, 99):.2f} ms  max {max(ticks):.2f} ms")
        print("observe() per interaction change:")
        print(f"  p50 {statistics.median(changes) * 1000:.1f} us  p99 {percentile(changes, 99) * 1000:.1f} us")
        center.store.close()


if __name__ == "__main__":
    main()
