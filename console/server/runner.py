"""Starting the server: in the foreground (``callboard server``) or on a thread.

The thread form gives tests, benchmarks and the demo a real server on a loopback port
with its own event loop, so the code under test talks to it over real HTTP and
WebSocket exactly as a remote console would.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from pathlib import Path

import uvicorn

from console.server.app import ServerSettings, create_app


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def make_server(settings: ServerSettings, host: str, port: int, log_level: str = "warning") -> uvicorn.Server:
    config = uvicorn.Config(
        create_app(settings),
        host=host,
        port=port,
        log_level=log_level,
        lifespan="on",
        # The app decides itself which peers may speak for a visitor (trusted_proxies).
        proxy_headers=False,
        ws_ping_interval=20,
        ws_ping_timeout=20,
        # Frames are a few hundred bytes: compressing each costs more than it saves.
        ws_per_message_deflate=False,
        timeout_graceful_shutdown=2,
    )
    return uvicorn.Server(config)


class ServerThread:
    """A server on a background thread; ``url`` is valid once ``start`` returns."""

    def __init__(self, data_dir: Path, host: str = "127.0.0.1", port: int | None = None, **settings) -> None:
        self.host = host
        self.port = port or free_port(host)
        settings.setdefault("tune_gc", False)  # the process is the caller's, not ours to tune
        self.settings = ServerSettings(data_dir=Path(data_dir), **settings)
        self.server = make_server(self.settings, self.host, self.port)
        self._thread = threading.Thread(target=self._run, name="callboard-server", daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def app(self):
        return self.server.config.loaded_app if self.server.config.loaded else self.server.config.app

    def _run(self) -> None:
        asyncio.run(self.server.serve())

    def start(self, timeout: float = 15.0) -> "ServerThread":
        self._thread.start()
        waited = 0.0
        while not self.server.started:
            if not self._thread.is_alive():
                raise RuntimeError("server thread died while starting")
            if waited > timeout:
                raise TimeoutError("server did not start")
            threading.Event().wait(0.02)
            waited += 0.02
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self._thread.join(timeout=10)
