"""Fixtures for driving the console with Pilot against a real server and real visitors.

The server runs on a loopback port with the demo directory (alicia, ben, ... password
"demo"); visitors talk to it over HTTP like a browser would, chatting or asking to be
called back. Waiting is always done by polling the app with ``pilot.pause`` so the app
keeps running meanwhile.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from textual.pilot import Pilot

from console.server.directory import demo_data, load_directory
from console.server.library_demo import load_demo_libraries
from console.server.runner import ServerThread
from console.server.store import SqliteStore
from console.tui.app import CallboardApp


def seed_demo(data_dir: Path, data: dict[str, Any] | None = None) -> Path:
    data_dir.mkdir(parents=True, exist_ok=True)
    store = SqliteStore(data_dir / "callboard.sqlite3")
    load_directory(store, data or demo_data())
    store.close()
    return data_dir


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return seed_demo(tmp_path / "data")


@pytest.fixture
def demo_server(data_dir: Path) -> Iterator[ServerThread]:
    server = ServerThread(data_dir).start()
    yield server
    server.stop()


@pytest.fixture
def library_server(tmp_path: Path) -> Iterator[ServerThread]:
    """The demo directory with the demo's response libraries and e-FAQ."""
    data_dir = seed_demo(tmp_path / "data")
    store = SqliteStore(data_dir / "callboard.sqlite3")
    load_demo_libraries(store)
    store.close()
    server = ServerThread(data_dir).start()
    yield server
    server.stop()


@pytest.fixture
async def library_http(library_server: ServerThread) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=library_server.url, timeout=10) as client:
        yield client


@pytest.fixture
def server_with_sales(tmp_path: Path) -> Iterator[Callable[..., ServerThread]]:
    """Starts a demo server whose Sales workgroup has the given settings, e.g.
    ``callback_minutes_between=0.05`` (a 3-second snooze) or ``callback_retries=0``."""
    servers: list[ServerThread] = []

    def start(**sales: Any) -> ServerThread:
        data = demo_data()
        next(wg for wg in data["workgroups"] if wg["name"] == "Sales").update(sales)
        server = ServerThread(seed_demo(tmp_path / f"data-{len(servers)}", data)).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    return tmp_path / "config" / "config.toml"


async def wait_for(pilot: Pilot, predicate: Callable[[], Any], timeout: float = 10.0, what: str = "") -> Any:
    """Let the app run until ``predicate`` holds; fail with ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what or predicate}")
        await pilot.pause(0.05)


class CountingBells(CallboardApp):
    """The console, counting terminal bells (headless apps ring none)."""

    bells = 0

    def bell(self) -> None:
        self.bells += 1


class SettableClock:
    """The app clock: the wall clock, until a test sets ``now`` to look at a moment."""

    def __init__(self) -> None:
        self.now: float | None = None

    def __call__(self) -> float:
        return time.time() if self.now is None else self.now


def toasts(app: CallboardApp) -> list[str]:
    return [str(toast.render()) for toast in app.screen.query("Toast")]


class WebVisitor:
    """A website visitor on the IWT chat API, as the browser page would be."""

    def __init__(self, http: httpx.AsyncClient, name: str) -> None:
        self.http = http
        self.name = name
        self.pid = ""
        self.events: list[dict[str, Any]] = []

    async def _call(self, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        response = await self.http.post(f"/websvcs{path}", json=body or {})
        response.raise_for_status()
        chat = response.json()["chat"]
        self.events += chat.get("events", [])
        return chat

    async def start(self, workgroup: str = "Sales") -> None:
        chat = await self._call("/chat/start", {
            "participant": {"name": self.name, "credentials": None},
            "target": workgroup, "targetType": "Workgroup", "language": "en-US",
        })
        self.pid = chat["participantID"]

    async def say(self, text: str) -> None:
        await self._call(f"/chat/sendMessage/{self.pid}", {"message": text})

    async def typing(self, value: bool) -> None:
        await self._call(f"/chat/setTypingState/{self.pid}", {"typingIndicator": value})

    async def leave(self) -> None:
        await self._call(f"/chat/exit/{self.pid}")

    async def poll(self) -> None:
        await self._call(f"/chat/poll/{self.pid}")

    def agent_texts(self) -> list[str]:
        return [e["value"] for e in self.events if e.get("type") == "text" and e.get("participantType") == "Agent"]


@pytest.fixture
async def visitor_http(demo_server: ServerThread) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=demo_server.url, timeout=10) as http:
        yield http


async def stop_server(server: ServerThread) -> None:
    """Stop a server without blocking the app's event loop meanwhile."""
    await asyncio.to_thread(server.stop)


class CallbackRequester:
    """A website visitor who asks to be called back (IWT ``callback/create``)."""

    def __init__(self, http: httpx.AsyncClient, name: str) -> None:
        self.http = http
        self.name = name
        self.pid = ""

    async def _call(self, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        response = await self.http.post(f"/websvcs{path}", json=body or {})
        response.raise_for_status()
        answer = response.json()["callback"]
        assert answer["status"] == {"type": "success"}, answer
        return answer

    async def request(self, subject: str, telephone: str = "+1 317 555 0100", workgroup: str = "Sales",
                      attributes: dict[str, str] | None = None) -> None:
        answer = await self._call("/callback/create", {
            "target": workgroup, "targettype": "Workgroup", "subject": subject, "language": "en-US",
            "participant": {"name": self.name, "credentials": None, "telephone": telephone},
            **({"attributes": attributes} if attributes else {}),
        })
        self.pid = answer["participantID"]

    async def cancel(self) -> None:
        await self._call(f"/callback/disconnect/{self.pid}")
