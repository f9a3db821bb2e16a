"""The server in a process of its own, for benchmarks that measure it over HTTP.

A separate process, started as ``callboard server`` starts it (same uvicorn
configuration), so that its CPU time and memory can be read with psutil apart from the
load generator's, and the load generator's event loop does not slow the server.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil
from lean_http import LeanHttp

from console.server.runner import free_port

SERVE = """
import sys
from pathlib import Path
from console.server.app import ServerSettings
from console.server.runner import make_server
make_server(ServerSettings(data_dir=Path(sys.argv[1])), "127.0.0.1", int(sys.argv[2])).run()
"""


def percentile(values: list[float], p: float) -> float:
    """The nearest-rank percentile: a value that was measured, never an interpolation."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


@dataclass
class ServedServer:
    url: str
    http: LeanHttp
    """A lean keep-alive client: httpx's own CPU per request would be measured otherwise."""
    process: psutil.Process

    def cpu_seconds(self) -> float:
        times = self.process.cpu_times()
        return times.user + times.system

    def rss_mib(self) -> float:
        return self.process.memory_info().rss / 2**20


@asynccontextmanager
async def served(data_dir: Path, ready_timeout: float = 30.0) -> AsyncIterator[ServedServer]:
    """The server on ``data_dir`` at a free loopback port, answering, until the block ends."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "-c", SERVE, str(data_dir), str(port)],  # noqa: ASYNC220 - once
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        http = LeanHttp(url)
        try:
            for _ in range(int(ready_timeout * 10)):
                if server.poll() is not None:
                    raise SystemExit(f"the server exited with code {server.returncode}")
                try:
                    if (await http.request("GET", "/websvcs/serverConfiguration")).status_code == 200:
                        break
                except httpx.TransportError:
                    await asyncio.sleep(0.1)
            else:
                raise SystemExit(f"the server did not answer within {ready_timeout:.0f} s")
            yield ServedServer(url, http, psutil.Process(server.pid))
        finally:
            await http.aclose()
    finally:
        server.kill()
        server.wait(timeout=10)
