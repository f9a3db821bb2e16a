"""Fixtures for driving the console with Pilot against a real server and real visitors.

The server runs on a loopback port with the demo directory (alicia, ben, ... password
"demo"); visitors talk to it over HTTP like a browser would. Waiting is always done by
polling the app with ``pilot.pause`` so the app keeps running meanwhile.
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
from console.server.runner import ServerThread
from console.server.store import SqliteStore


def seed_demo(data_dir: Path) -> Path:
    data_dir.mkdir(parents=True, exist_ok=True)
    store = SqliteStore(data_dir / "callboard.sqlite3")
    load_directory(store, demo_data())
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
