"""Chat latency under load: N web-chat visitors (IWT) talking with N agents (event stream).

    .venv/bin/python benchmarks/chat_latency.py [--n 200] [--duration 30] [--poll-ms MS]

What it does, all on 127.0.0.1:

1. Seeds a temporary data directory: one chat workgroup without skills, N agents
   (``max_chats`` 1) sharing one scrypt hash (hashing 200 passwords would take 10 s).
2. Starts the server in a separate process (``make_server(...).run()``, as
   ``callboard server`` does) so its CPU time and peak RSS can be read with psutil.
3. In this process, on one event loop (uvloop when installed): N ``AgentClient``s sign in
   and follow their event streams; N ``IwtVisitor``s start a chat each. Routing alerts one
   agent per chat; the agent picks it up.
4. Once every chat is connected, each side sends one message per second per chat for D
   seconds, at a random phase per chat. Visitors poll at the server's
   ``pollWaitSuggestion`` (or ``--poll-ms``), waiting that long after each answer, as
   IWT pages do.
5. Measures visitor->agent latency (from the start of the visitor's HTTP ``sendMessage``
   to the frame's arrival on the agent's event stream) and agent->visitor latency (from
   the start of the agent's ``POST .../messages`` to the visitor receiving the text in a
   poll or send answer). Each text carries its send time (``time.perf_counter`` of this
   process, so one clock).
6. Measures the floor: a bare Starlette WebSocket echo app (uvicorn, another process), N
   clients each sending one message a second for D seconds; round-trip time.

The load generator must not be what it measures: visitors' and agents' HTTP goes through
``lean_http.LeanHttp`` (``--client httpx`` for httpx, which costs about 1 ms of CPU per
request and saturated a core at N=200), one small client per visitor and per agent, and
what survives setup is frozen out of the garbage collector's way. It also prints the CPU
other processes used during the window, since they compete for the same cores.

Prints figures; asserts nothing. Everything is bounded in time.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil
import websockets

from console.client.agent_client import AgentClient, ApiError, ConnectionState
from console.core.passwords import hash_password
from console.core.statuses import GONE_HOME
from console.server.runner import free_port
from console.server.store import SqliteStore, UserRecord
from console.sim.visitor import IwtError, IwtVisitor
from lean_http import LeanHttp

HOST = "127.0.0.1"


def _spare_httpcore_a_failing_import_per_request() -> None:
    """Registers a stand-in ``sniffio`` unless the real one is installed.

    httpcore asks ``sniffio`` which async library runs on every request, with
    ``import sniffio`` inside the call; without sniffio installed (it is optional) that is
    a failing import, i.e. a walk over ``sys.path``, several times per request. Profiling
    the load generator showed it at 16% of its CPU. This process only runs asyncio, so the
    stand-in's answer is the one sniffio would give.
    """
    try:
        import sniffio  # noqa: F401
    except ImportError:
        import types

        module = types.ModuleType("sniffio")
        module.current_async_library = lambda: "asyncio"  # type: ignore[attr-defined]
        sys.modules["sniffio"] = module
WORKGROUP = "Bench"
PASSWORD = "bench-pw"

SERVER_CODE = """
import sys
from pathlib import Path
from console.server.app import ServerSettings
from console.server.runner import make_server
make_server(ServerSettings(data_dir=Path(sys.argv[1])), sys.argv[2], int(sys.argv[3])).run()
"""

ECHO_CODE = """
import sys
import uvicorn
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocketDisconnect

async def echo(websocket):
    await websocket.accept()
    try:
        while True:
            await websocket.send_text(await websocket.receive_text())
    except WebSocketDisconnect:
        pass

app = Starlette(routes=[WebSocketRoute("/echo", echo)])
uvicorn.run(app, host=sys.argv[1], port=int(sys.argv[2]), log_level="warning")
"""


# -- figures --------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile; NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def ms(seconds: float) -> str:
    return "n/a" if math.isnan(seconds) else f"{seconds * 1000:.2f} ms"


@dataclass
class Direction:
    """Latencies of one direction of the chats, and how many messages made it."""

    sent: int = 0
    latencies: list[float] = field(default_factory=list)
    sent_at: list[float] = field(default_factory=list)
    """Send time of each latency, for ``--dump``."""
    errors: int = 0

    def line(self, label: str) -> str:
        lat = self.latencies
        return (
            f"{label:<16} p50 {ms(percentile(lat, 50)):>10}   p99 {ms(percentile(lat, 99)):>10}   "
            f"max {ms(max(lat) if lat else math.nan):>10}   received {len(lat)}/{self.sent}"
            + (f"   errors {self.errors}" if self.errors else "")
        )


@dataclass
class ProcessWindow:
    """CPU time and memory of a process over the measured window."""

    process: psutil.Process
    cpu_start: float = 0.0
    wall_start: float = 0.0
    cpu: float = 0.0
    wall: float = 0.0
    rss_peak_sampled: int = 0

    def start(self) -> None:
        times = self.process.cpu_times()
        self.cpu_start = times.user + times.system
        self.wall_start = time.perf_counter()

    def stop(self) -> None:
        times = self.process.cpu_times()
        self.cpu = times.user + times.system - self.cpu_start
        self.wall = time.perf_counter() - self.wall_start

    def sample(self) -> None:
        self.rss_peak_sampled = max(self.rss_peak_sampled, self.process.memory_info().rss)

    def peak_rss(self) -> int:
        """Peak resident set over the process's life (VmHWM), else the sampled peak."""
        try:
            for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
        except OSError:
            pass
        return self.rss_peak_sampled

    def line(self, label: str) -> str:
        share = 100 * self.cpu / self.wall if self.wall else math.nan
        return (
            f"{label:<16} CPU {self.cpu:6.2f} s over {self.wall:5.1f} s = {share:5.1f}% of one core;"
            f"   peak RSS {self.peak_rss() / 2**20:6.1f} MiB"
        )


# -- processes ------------------------------------------------------------------------------


def seed(data_dir: Path, n: int) -> None:
    store = SqliteStore(data_dir / "callboard.sqlite3")
    store.upsert_workgroup(
        WORKGROUP,
        {"chat_enabled": True, "skill_categories": [], "skill_relax_seconds": 0, "alert_timeout_seconds": 600},
    )
    password_hash = hash_password(PASSWORD)
    now = time.time()
    for i in range(n):
        store.upsert_user(UserRecord(
            username=f"agent{i:04d}", name=f"Agent {i:04d}", role="agent", password_hash=password_hash,
            status=GONE_HOME, status_since=now, max_chats=1, skills={}, workgroups=[WORKGROUP],
        ))
    store.close()


def spawn(code: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        cwd=Path(__file__).resolve().parent.parent,
        stdout=subprocess.DEVNULL,
        stderr=None,
    )


def end(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


async def wait_for_http(url: str, process: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(timeout=2.0) as http:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"server exited with {process.returncode}")
            try:
                if (await http.get(url)).status_code < 500:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    raise TimeoutError(f"nothing answered at {url}")


async def wait_for_port(port: int, process: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"echo server exited with {process.returncode}")
        try:
            _, writer = await asyncio.open_connection(HOST, port)
            writer.close()
            await writer.wait_closed()
            return
        except OSError:
            await asyncio.sleep(0.1)
    raise TimeoutError(f"nothing listens on port {port}")


async def sleep_until(moment: float) -> None:
    delay = moment - time.perf_counter()
    if delay > 0:
        await asyncio.sleep(delay)


# -- the chat benchmark ---------------------------------------------------------------------


class Bench:
    """N agents and N visitors, one chat each, and what they measured."""

    def __init__(self, base_url: str, n: int, duration: float, poll_ms: int | None, client: str = "lean") -> None:
        self.base_url = base_url
        self.client = client
        self.n = n
        self.duration = duration
        self.poll_interval = poll_ms / 1000 if poll_ms else None
        self.v2a = Direction()
        self.a2v = Direction()
        self.window: tuple[float, float] = (math.inf, math.inf)
        self.agents: list[AgentClient] = []
        self.agent_chat: dict[int, str] = {}
        """Agent index -> interaction id it picked up."""
        self.agent_ready: list[asyncio.Event] = []
        self.visitors: list[IwtVisitor] = []
        self.setup_errors = 0
        self.rng = random.Random(1)
        self.stopping = asyncio.Event()
        self.loadgen: ProcessWindow | None = None
        self.pickups: set[asyncio.Task] = set()
        self.others_cpu = 0.0
        self.frames = 0
        self.errors: list[str] = []

    def _in_window(self, sent_at: float) -> bool:
        return self.window[0] <= sent_at < self.window[1]

    def http_client(self) -> Any:
        if self.client == "lean":
            return LeanHttp(self.base_url)
        return httpx.AsyncClient(timeout=30.0, limits=httpx.Limits(max_connections=4))

    # agents ----------------------------------------------------------------------------
    async def agent_stream(self, index: int, client: AgentClient) -> None:
        me = client.session.user.username if client.session else ""
        picking: set[str] = set()
        async for item in client.events():
            if isinstance(item, ConnectionState):
                if item.connected:
                    self.agent_ready[index].set()
                continue
            arrived = time.perf_counter()
            self.frames += 1
            topic = item["topic"]
            if topic == "interaction.message":
                entry = item["data"]["entry"]
                if entry["sender_type"] == "visitor" and entry["text"].startswith("v2a "):
                    sent_at = float(entry["text"].split()[3])
                    if self._in_window(sent_at):
                        self.v2a.latencies.append(arrived - sent_at)
                        self.v2a.sent_at.append(sent_at)
            elif topic == "interaction" and item["kind"] == "put":
                view = item["data"]
                if view["agent"] == me and view["state"] == "Alerting" and view["id"] not in picking:
                    picking.add(view["id"])
                    # Hold a reference: the loop keeps only weak ones to tasks.
                    task = asyncio.create_task(self.pick_up(index, client, view["id"]))
                    self.pickups.add(task)
                    task.add_done_callback(self.pickups.discard)

    async def pick_up(self, index: int, client: AgentClient, interaction_id: str) -> None:
        try:
            await client.pickup(interaction_id)
            self.agent_chat[index] = interaction_id
        except ApiError as error:
            self.setup_errors += 1
            self.errors.append(f"pickup: {error.code} {error.message}")

    async def agent_sender(self, index: int, client: AgentClient, start: float) -> None:
        interaction_id = self.agent_chat[index]
        phase = self.rng.random()
        for k in range(int(self.duration)):
            await sleep_until(start + phase + k)
            sent_at = time.perf_counter()
            self.a2v.sent += 1
            try:
                await client.send_message(interaction_id, f"a2v {index} {k} {sent_at:.6f}")
            except ApiError:
                self.a2v.errors += 1

    # visitors ----------------------------------------------------------------------------
    def take_visitor_events(self, events: list[dict[str, Any]], arrived: float) -> None:
        for event in events:
            if event["type"] == "text" and event.get("participantType") == "Agent" and event["value"].startswith("a2v "):
                sent_at = float(event["value"].split()[3])
                if self._in_window(sent_at):
                    self.a2v.latencies.append(arrived - sent_at)
                    self.a2v.sent_at.append(sent_at)

    async def visitor_poller(self, visitor: IwtVisitor) -> None:
        await asyncio.sleep(self.rng.random() * visitor.poll_interval)
        while not self.stopping.is_set():
            try:
                events = await visitor.poll()
                self.take_visitor_events(events, time.perf_counter())
            except IwtError:
                self.setup_errors += 1
            await asyncio.sleep(visitor.poll_interval)

    async def visitor_sender(self, index: int, visitor: IwtVisitor, start: float) -> None:
        phase = self.rng.random()
        for k in range(int(self.duration)):
            await sleep_until(start + phase + k)
            sent_at = time.perf_counter()
            self.v2a.sent += 1
            try:
                events = await visitor.send(f"v2a {index} {k} {sent_at:.6f}")
                self.take_visitor_events(events, time.perf_counter())
            except IwtError:
                self.v2a.errors += 1

    # the run -------------------------------------------------------------------------------
    async def run(self, server: ProcessWindow) -> None:
        n = self.n
        # One small client per visitor and per agent. With httpx, one shared pool would cost
        # O(N) per request: httpcore scans every connection of a pool on each request.
        clients: list[Any] = [self.http_client() for _ in range(n)]
        tasks: list[asyncio.Task] = []
        try:
            # Agents sign in (scrypt: ~50 ms of server CPU each) and follow their streams.
            self.agents = [AgentClient(self.base_url, timeout=30.0) for _ in range(n)]
            if self.client == "lean":
                for agent in self.agents:
                    await agent._http.aclose()
                    agent._http = LeanHttp(self.base_url)
            self.agent_ready = [asyncio.Event() for _ in range(n)]
            gate = asyncio.Semaphore(8)

            async def sign_in(i: int) -> None:
                async with gate:
                    await self.agents[i].login(f"agent{i:04d}", PASSWORD)
                tasks.append(asyncio.create_task(self.agent_stream(i, self.agents[i])))

            t = time.perf_counter()
            await asyncio.wait_for(asyncio.gather(*(sign_in(i) for i in range(n))), 180)
            await asyncio.wait_for(asyncio.gather(*(e.wait() for e in self.agent_ready)), 60)
            print(f"  {n} agents signed in, event streams open ({time.perf_counter() - t:.1f} s)", flush=True)

            # Visitors start their chats; routing alerts one agent each, who picks it up.
            t = time.perf_counter()
            self.visitors = [
                IwtVisitor(self.base_url, f"Visitor {i:04d}", http=clients[i], strict=False,
                           poll_interval=self.poll_interval)
                for i in range(n)
            ]
            gate = asyncio.Semaphore(20)

            async def start(visitor: IwtVisitor) -> None:
                async with gate:
                    await visitor.start(WORKGROUP, language="en-US")
                tasks.append(asyncio.create_task(self.visitor_poller(visitor)))

            await asyncio.wait_for(asyncio.gather(*(start(v) for v in self.visitors)), 120)
            deadline = time.monotonic() + 120
            while not (len(self.agent_chat) == n and all(v.agent_joined for v in self.visitors)):
                if time.monotonic() > deadline:
                    raise TimeoutError(
                        f"only {len(self.agent_chat)} pickups ({len(self.pickups)} pending, {self.frames} frames, "
                        f"errors {self.errors[:3]}), "
                        f"{sum(v.agent_joined for v in self.visitors)} joined visitors"
                    )
                await asyncio.sleep(0.2)
            print(f"  {n} chats connected ({time.perf_counter() - t:.1f} s); "
                  f"poll interval {self.visitors[0].poll_interval * 1000:.0f} ms", flush=True)

            # The measured window. Setup garbage goes now, and what survived it is frozen, so
            # the load generator's collector does not pause over it during the window.
            gc.collect()
            gc.freeze()
            start_at = time.perf_counter() + 1.0
            self.window = (start_at, start_at + self.duration)
            senders = [asyncio.create_task(self.visitor_sender(i, v, start_at)) for i, v in enumerate(self.visitors)]
            senders += [asyncio.create_task(self.agent_sender(i, a, start_at)) for i, a in enumerate(self.agents)]
            await sleep_until(start_at)
            server.start()
            own = ProcessWindow(psutil.Process())
            own.start()
            machine = psutil.cpu_times()
            while time.perf_counter() < start_at + self.duration:
                server.sample()
                await asyncio.sleep(0.5)
            server.stop()
            own.stop()
            after = psutil.cpu_times()
            busy = (after.user + after.system + after.nice) - (machine.user + machine.system + machine.nice)
            # Other work on the machine competes for the same cores: say how much there was.
            self.others_cpu = max(0.0, busy - server.cpu - own.cpu)
            await asyncio.wait_for(asyncio.gather(*senders), 60)
            # Late deliveries: a poll interval and a little more.
            await asyncio.sleep(self.visitors[0].poll_interval + 2.0)
            self.loadgen = own
        finally:
            self.stopping.set()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            for agent in self.agents:
                await agent.aclose()
            for client in clients:
                await client.aclose()


async def run_floor(port: int, n: int, duration: float) -> Direction:
    """N WebSocket clients against a bare echo app; round-trip latency."""
    floor = Direction()
    rng = random.Random(2)
    connections = []
    try:
        gate = asyncio.Semaphore(50)

        async def connect() -> Any:
            async with gate:
                return await websockets.connect(f"ws://{HOST}:{port}/echo", open_timeout=10, max_size=2**20)

        connections = await asyncio.wait_for(asyncio.gather(*(connect() for _ in range(n))), 60)
        start_at = time.perf_counter() + 1.0

        async def client(ws: Any) -> None:
            phase = rng.random()

            async def reader() -> None:
                async for raw in ws:
                    floor.latencies.append(time.perf_counter() - float(json.loads(raw)["t"]))

            reading = asyncio.create_task(reader())
            for k in range(int(duration)):
                await sleep_until(start_at + phase + k)
                floor.sent += 1
                await ws.send(json.dumps({"k": k, "t": time.perf_counter()}))
            await asyncio.sleep(1.0)
            reading.cancel()
            await asyncio.gather(reading, return_exceptions=True)

        await asyncio.wait_for(asyncio.gather(*(client(ws) for ws in connections)), duration + 30)
    finally:
        for ws in connections:
            await ws.close()
    return floor


async def main_async(args: argparse.Namespace) -> None:
    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, load generator loop: "
          f"{type(asyncio.get_running_loop()).__module__}")
    print(f"N = {args.n} chats, D = {args.duration:.0f} s, one message per second per chat each way; "
          f"HTTP client: {args.client}")
    bench: Bench | None = None
    if not args.floor_only:
        with tempfile.TemporaryDirectory(prefix="callboard-bench-") as tmp:
            data_dir = Path(tmp)
            seed(data_dir, args.n)
            port = free_port(HOST)
            code = Path(args.server_code).read_text() if args.server_code else SERVER_CODE
            process = spawn(code, str(data_dir), HOST, str(port))
            try:
                await wait_for_http(f"http://{HOST}:{port}/websvcs/serverConfiguration", process)
                server = ProcessWindow(psutil.Process(process.pid))
                bench = Bench(f"http://{HOST}:{port}", args.n, args.duration, args.poll_ms, args.client)
                await bench.run(server)
            finally:
                end(process)
        print()
        print(bench.v2a.line("visitor->agent"))
        print(bench.a2v.line("agent->visitor"))
        print(server.line("server process"))
        print(bench.loadgen.line("load generator"))
        print(f"{'other processes':<16} CPU {bench.others_cpu:6.2f} s over the same window (background load)")
        if args.dump:
            with open(args.dump, "w") as out:
                out.write("direction,sent_at_s,latency_ms\n")
                for name, direction in (("visitor->agent", bench.v2a), ("agent->visitor", bench.a2v)):
                    start = bench.window[0]
                    for sent_at, latency in zip(direction.sent_at, direction.latencies):
                        out.write(f"{name},{sent_at - start:.6f},{latency * 1000:.3f}\n")
        violations = sum(len(v.violations) for v in bench.visitors)
        print(f"IWT sequencing checked by every visitor: {violations} protocol violations")
        if bench.setup_errors:
            print(f"errors outside the measured sends: {bench.setup_errors}")
    if args.no_floor:
        return
    port = free_port(HOST)
    process = spawn(ECHO_CODE, HOST, str(port))
    try:
        await wait_for_port(port, process)
        floor = await run_floor(port, args.n, args.duration)
    finally:
        end(process)
    print(floor.line("floor (ws echo)"))
    if bench is not None:
        ratio = percentile(bench.v2a.latencies, 99) / percentile(floor.latencies, 99)
        print(f"visitor->agent p99 = {ratio:.1f} x floor p99")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200, help="chats (visitor + agent pairs); default 200")
    parser.add_argument("--duration", type=float, default=30.0, help="measured seconds; default 30")
    parser.add_argument("--poll-ms", type=int, default=None,
                        help="visitor poll interval; default the server's pollWaitSuggestion")
    parser.add_argument("--loop", choices=("auto", "asyncio"), default="auto",
                        help="load generator event loop: uvloop when installed (auto), or asyncio")
    parser.add_argument("--client", choices=("lean", "httpx"), default="lean",
                        help="HTTP client of the load generator: the lean one (default) or httpx")
    parser.add_argument("--server-code", metavar="FILE", default=None,
                        help="run this Python file as the server (argv: data_dir host port), "
                             "e.g. benchmarks/instrumented_server.py")
    parser.add_argument("--dump", metavar="CSV", default=None,
                        help="write every latency with its send time (seconds into the window) to CSV")
    parser.add_argument("--no-floor", action="store_true", help="skip the WebSocket echo floor")
    parser.add_argument("--floor-only", action="store_true", help="measure only the floor")
    args = parser.parse_args(argv)
    _spare_httpcore_a_failing_import_per_request()
    loop_factory = None
    if args.loop == "auto":
        try:
            import uvloop

            loop_factory = uvloop.new_event_loop
        except ImportError:
            pass
    with asyncio.Runner(loop_factory=loop_factory) as runner:
        runner.run(main_async(args))


if __name__ == "__main__":
    main()
