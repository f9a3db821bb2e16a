"""The Callboard server with stall instrumentation, for ``chat_latency.py --server-code``.

    .venv/bin/python benchmarks/chat_latency.py --server-code benchmarks/instrumented_server.py

Runs the server exactly as the benchmark does and prints to stderr, every 10 seconds:
event-loop lag (how late a 1 ms sleep wakes up: everything that blocks the loop shows
here), garbage-collector pauses per generation, and SQLite write times. Arguments are
``data_dir host port``, as for the benchmark's own launcher.

``CALLBOARD_TRY`` (comma-separated) applies candidate fixes without editing the server,
to measure them before anyone writes them for real:

- ``freeze``: ``gc.collect(); gc.freeze()`` once the server runs, so full collections no
  longer walk everything loaded at start.
- ``gc-threshold``: ``gc.set_threshold(20000, 50, 100)``: far fewer collections.
- ``checkpoint-thread``: no automatic WAL checkpoints on the server's connection (they
  fsync on the event loop); a background thread checkpoints once a second instead.
- ``no-deflate``: no permessage-deflate on the event WebSockets.
"""

from __future__ import annotations

import asyncio
import collections
import gc
import os
import sqlite3
import sys
import threading
import time
from pathlib import Path

import uvicorn

import console.server.store as store_module
from console.server.app import ServerSettings
from console.server.runner import make_server

TRY = {part.strip() for part in os.environ.get("CALLBOARD_TRY", "").split(",") if part.strip()}
timings: dict[str, list[float]] = collections.defaultdict(list)
_gc_started = 0.0


def _on_gc(phase: str, info: dict) -> None:
    global _gc_started
    if phase == "start":
        _gc_started = time.perf_counter()
    else:
        timings[f"gc gen{info['generation']}"].append(time.perf_counter() - _gc_started)


gc.callbacks.append(_on_gc)

_write = store_module.SqliteStore._write


def _timed_write(self, sql: str, params: tuple = ()) -> None:  # noqa: ANN001 - SqliteStore
    started = time.perf_counter()
    _write(self, sql, params)
    timings["sqlite write"].append(time.perf_counter() - started)


store_module.SqliteStore._write = _timed_write

if "checkpoint-thread" in TRY:
    _init = store_module.SqliteStore.__init__

    def _init_with_checkpointer(self, path) -> None:  # noqa: ANN001
        _init(self, path)
        self._db.execute("PRAGMA wal_autocheckpoint=0")

        def checkpoint() -> None:
            db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            while True:
                time.sleep(1.0)
                try:
                    db.execute("PRAGMA wal_checkpoint(PASSIVE)")
                except sqlite3.Error:
                    pass

        threading.Thread(target=checkpoint, name="wal-checkpoint", daemon=True).start()

    store_module.SqliteStore.__init__ = _init_with_checkpointer

if "gc-threshold" in TRY:
    gc.set_threshold(20000, 50, 100)

if "no-deflate" in TRY:
    _config_init = uvicorn.Config.__init__

    def _config_without_deflate(self, *args, **kwargs) -> None:  # noqa: ANN001
        kwargs["ws_per_message_deflate"] = False
        _config_init(self, *args, **kwargs)

    uvicorn.Config.__init__ = _config_without_deflate


def report() -> None:
    lines = [f"-- {time.strftime('%H:%M:%S')} (trying: {', '.join(sorted(TRY)) or 'nothing'})"]
    for name, values in sorted(timings.items()):
        values.sort()
        n = len(values)
        lines.append(
            f"{name:<13} n={n:6}  p50 {values[n // 2] * 1000:7.3f} ms  p99 {values[int(n * 0.99)] * 1000:7.3f} ms"
            f"  max {values[-1] * 1000:6.1f} ms  over 5 ms: {sum(1 for v in values if v > 0.005)}"
        )
    print("\n".join(lines), file=sys.stderr, flush=True)
    timings.clear()


async def watch_the_loop() -> None:
    if "freeze" in TRY:
        gc.collect()
        gc.freeze()
    last_report = time.perf_counter()
    while True:
        started = time.perf_counter()
        await asyncio.sleep(0.001)
        timings["loop lag"].append(time.perf_counter() - started - 0.001)
        if time.perf_counter() - last_report >= 10:
            report()
            last_report = time.perf_counter()


def main() -> None:
    data_dir, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    server = make_server(ServerSettings(data_dir=Path(data_dir)), host, port)
    serve = server.serve

    async def serve_watched(*args, **kwargs) -> None:  # noqa: ANN002, ANN003
        watcher = asyncio.get_running_loop().create_task(watch_the_loop())
        try:
            await serve(*args, **kwargs)
        finally:
            watcher.cancel()

    server.serve = serve_watched
    server.run()


if __name__ == "__main__":
    main()
