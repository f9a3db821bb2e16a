"""Callbacks at scale: IWT ``callback/status`` latency with 10,000 queued, and snooze precision.

    .venv/bin/python benchmarks/callback_status.py [--callbacks 10000] [--queries 5000] [--snoozes 20]

What it does, all on 127.0.0.1:

1. Seeds a temporary data directory: workgroup ``Bulk`` (callbacks, nobody signed in, so
   everything stays queued) and workgroup ``Sales`` (0.25 minutes between callbacks) with
   one agent who may hold 50 callbacks.
2. Starts the server in a separate process (same uvicorn configuration as
   ``callboard server``) so its CPU time and peak RSS can be read with psutil.
3. Creates ``--callbacks`` callback requests in ``Bulk`` over ``/websvcs/callback/create``.
4. Asks ``callback/status`` for random ones of them, one request at a time on a kept-alive
   connection (``lean_http``: httpx's own CPU per request would dominate otherwise), and
   times each round trip (client side: HTTP included).
5. Snooze precision: the agent picks up ``--snoozes`` callbacks in ``Sales`` and chooses
   Retry Later on each; the script then waits for each to alert the agent again on its event
   stream and prints how long after its ``snoozed_until`` deadline that happened.

Prints figures; asserts nothing. Everything is bounded in time.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
from pathlib import Path

from lean_http import LeanHttp
from served import percentile, served

from console.client.agent_client import AgentClient, ConnectionState
from console.core.passwords import hash_password
from console.core.statuses import GONE_HOME
from console.server.store import SqliteStore, UserRecord


def seed(data_dir: Path) -> None:
    store = SqliteStore(data_dir / "callboard.sqlite3")
    store.upsert_workgroup("Bulk", {"chat_enabled": False, "callback_enabled": True, "skill_categories": []})
    store.upsert_workgroup("Sales", {"chat_enabled": False, "callback_enabled": True, "skill_categories": [],
                                     "callback_minutes_between": 0.25, "callback_max_assign": 50,
                                     "callback_retries": 3})
    store.upsert_user(UserRecord("snoozer", "Sam Snoozer", "agent", hash_password("bench-pw"), GONE_HOME,
                                 time.time(), 0, {}, ["Sales"], max_callbacks=50))
    store.close()


def request(name: str, workgroup: str) -> dict:
    return {"target": workgroup, "targettype": "Workgroup", "subject": f"Please call {name} about the invoice",
            "participant": {"name": name, "credentials": None, "telephone": "+1 317 555 0100"}}


async def create_callbacks(http: LeanHttp, count: int, workgroup: str, concurrency: int = 16) -> list[str]:
    pids: list[str] = []
    next_index = 0

    async def worker() -> None:
        nonlocal next_index
        while next_index < count:
            index = next_index
            next_index += 1
            answer = (await http.request("POST", "/websvcs/callback/create", json=request(f"Caller {index}", workgroup))).json()
            pids.append(answer["callback"]["participantID"])

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return pids


async def time_status_queries(http: LeanHttp, pids: list[str], queries: int) -> list[float]:
    rng = random.Random(7)
    durations = []
    for _ in range(queries):
        pid = rng.choice(pids)
        started = time.perf_counter()
        answer = (await http.request("GET", f"/websvcs/callback/status/{pid}")).json()
        durations.append(time.perf_counter() - started)
        assert answer["callback"]["status"]["type"] == "success", answer
    return durations


async def snooze_lags(url: str, http: LeanHttp, snoozes: int) -> list[float]:
    agent = AgentClient(url)
    await agent.login("snoozer", "bench-pw")
    deadlines: dict[str, float] = {}
    lags: dict[str, float] = {}
    alerted: asyncio.Queue[str] = asyncio.Queue()
    following = asyncio.Event()

    async def follow() -> None:
        async for event in agent.events():
            if not isinstance(event, ConnectionState):
                following.set()
            if isinstance(event, ConnectionState) or event["topic"] != "interaction" or event["kind"] != "put":
                continue
            data = event["data"]
            if data["state"] != "Alerting":
                continue
            if data["id"] in deadlines and data["id"] not in lags:
                lags[data["id"]] = time.time() - deadlines[data["id"]]
            else:
                alerted.put_nowait(data["id"])

    follower = asyncio.create_task(follow())
    try:
        # Alerts announced before the stream is open would come as snapshots, not as alerts.
        await asyncio.wait_for(following.wait(), timeout=10)
        await agent.set_status("Available")
        await create_callbacks(http, snoozes, "Sales", concurrency=4)
        for _ in range(snoozes):
            iid = await asyncio.wait_for(alerted.get(), timeout=10)
            await agent.pickup(iid)
            snoozed = await agent.act(iid, "retry_later")
            deadlines[iid] = snoozed.callback.snoozed_until
        give_up = max(deadlines.values()) + 10
        while len(lags) < len(deadlines) and time.time() < give_up:
            await asyncio.sleep(0.05)
    finally:
        follower.cancel()
        await agent.aclose()
    missing = len(deadlines) - len(lags)
    if missing:
        print(f"  {missing} snoozed callbacks did not alert again within 10 s of their deadline")
    return list(lags.values())


async def main_async(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="callboard-bench-") as tmp:
        data_dir = Path(tmp)
        seed(data_dir)
        async with served(data_dir) as server:
            http = server.http
            started = time.perf_counter()
            pids = await create_callbacks(http, args.callbacks, "Bulk")
            created_in = time.perf_counter() - started
            print(f"created {len(pids)} queued callbacks in {created_in:.1f} s "
                  f"({len(pids) / created_in:.0f}/s)")
            cpu_before = server.cpu_seconds()
            durations = await time_status_queries(http, pids, args.queries)
            server_cpu = server.cpu_seconds() - cpu_before
            print(f"callback/status with {len(pids)} queued, {len(durations)} queries, one at a time:")
            print(f"  round trip p50 {percentile(durations, 50) * 1000:.2f} ms, "
                  f"p99 {percentile(durations, 99) * 1000:.2f} ms, max {max(durations) * 1000:.2f} ms")
            print(f"  server CPU per query {server_cpu / len(durations) * 1000:.2f} ms")
            lags = await snooze_lags(server.url, http, args.snoozes)
            if lags:
                print(f"snoozed callbacks re-routed after their deadline ({len(lags)} callbacks, "
                      f"{len(pids)} others queued):")
                print(f"  lag p50 {percentile(lags, 50) * 1000:.0f} ms, max {max(lags) * 1000:.0f} ms")
            print(f"server RSS {server.rss_mib():.0f} MiB")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--callbacks", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=5_000)
    parser.add_argument("--snoozes", type=int, default=20)
    asyncio.run(main_async(parser.parse_args(argv)))


if __name__ == "__main__":
    main()
