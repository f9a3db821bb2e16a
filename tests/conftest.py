"""Shared fixtures: a real server on a loopback port, agents signing in, IWT visitors.

Tests talk to the server exactly as a remote console or a visitor's browser would: over
HTTP (httpx) and WebSocket (websockets) on 127.0.0.1. Each server gets its own data
directory, seeded from a small test directory of workgroups and users (never the demo
data). A seeded database file is built once per distinct directory and copied for every
server; its password hashes use a low scrypt cost (see ``TEST_SCRYPT_N``) so that signing
in stays cheap. Finished servers are stopped in the background.
"""

from __future__ import annotations

import contextlib
import copy
import json
import shutil
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.sync.client import ClientConnection, connect

from console.core import passwords
from console.server.directory import load_directory
from console.server.runner import ServerThread
from console.server.store import SqliteStore

DB_NAME = "callboard.sqlite3"
SYSTEM_PID = "00000000-0000-0000-0000-000000000000"

# Alert timeouts and skill relaxation are long here so they never fire by accident;
# tests of those rules use ``directory(alert_timeout=..., relax=...)``.
SALES_CATEGORIES = ["language", "product"]


def directory(*, alert_timeout: float = 60.0, relax: float = 600.0) -> dict[str, Any]:
    """The test directory: two chat workgroups, one without chat, agents with skills.

    alice  Sales            language:en 90, product:billing 50   max 2
    bob    Sales, Support   language:en 60, language:de 80       max 1
    carol  Support          language:en 70, product:billing 90   max 2
    sue    supervisor of Sales and Support (takes no chats or callbacks: max 0)
    omar   supervisor of Billing only
    """
    workgroups = [
        {"name": "Sales", "chat_enabled": True, "skill_categories": SALES_CATEGORIES,
         "skill_relax_seconds": relax, "alert_timeout_seconds": alert_timeout},
        {"name": "Support", "chat_enabled": True, "skill_categories": ["language"],
         "skill_relax_seconds": relax, "alert_timeout_seconds": alert_timeout},
        {"name": "Billing", "chat_enabled": False, "skill_categories": ["language"],
         "skill_relax_seconds": relax, "alert_timeout_seconds": alert_timeout},
    ]
    users = [
        {"username": "alice", "name": "Alice Archer", "password": "alice-pw", "role": "agent",
         "workgroups": ["Sales"], "max_chats": 2, "skills": {"language:en": 90, "product:billing": 50}},
        {"username": "bob", "name": "Bob Baker", "password": "bob-pw", "role": "agent",
         "workgroups": ["Sales", "Support"], "max_chats": 1, "skills": {"language:en": 60, "language:de": 80}},
        {"username": "carol", "name": "Carol Cho", "password": "carol-pw", "role": "agent",
         "workgroups": ["Support"], "max_chats": 2, "skills": {"language:en": 70, "product:billing": 90}},
        {"username": "sue", "name": "Sue Sommer", "password": "sue-pw", "role": "supervisor",
         "workgroups": ["Sales", "Support"], "max_chats": 0, "max_callbacks": 0, "skills": {"language:en": 100}},
        {"username": "omar", "name": "Omar Ortiz", "password": "omar-pw", "role": "supervisor",
         "workgroups": ["Billing"], "max_chats": 0, "max_callbacks": 0, "skills": {}},
    ]
    return {"workgroups": workgroups, "users": users}


PASSWORDS = {u["username"]: u["password"] for u in directory()["users"]}
NAMES = {u["username"]: u["name"] for u in directory()["users"]}


def wait_until(predicate: Callable[[], Any], timeout: float = 5.0, interval: float = 0.02, what: str = "") -> Any:
    """Polls ``predicate`` until it returns something truthy; fails after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what or predicate}")
        time.sleep(interval)


def wait_for_alert_over(http: httpx.Client, headers: dict[str, str]) -> str:
    """The id of the interaction alerting the agent behind ``headers``, once one does
    (for servers in a process of their own, which ``Harness`` does not drive)."""

    def alerting() -> str | None:
        mine = http.get("/api/v1/queues/my-interactions/interactions", headers=headers).json()
        return next((i["id"] for i in mine if i["state"] == "Alerting"), None)

    return wait_until(alerting, what="the alert")


def error_of(response: httpx.Response) -> str:
    """The code of an agent-API error, after checking the error body's shape."""
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, body
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]["code"]


# -- the server ---------------------------------------------------------------------------


class Harness:
    """One running server and an HTTP client for it."""

    def __init__(self, thread: ServerThread) -> None:
        self.thread = thread
        self.url = thread.url
        self.ws_url = thread.url.replace("http://", "ws://") + "/api/v1/events"
        self.http = httpx.Client(base_url=thread.url, timeout=10, event_hooks={"response": [self._no_server_error]})
        self._streams: list[EventStream] = []

    @staticmethod
    def _no_server_error(response: httpx.Response) -> None:
        """No request of any test may make the server fail (HTTP 5xx)."""
        assert response.status_code < 500, f"{response.request.method} {response.request.url} -> {response.status_code}"

    # agent API ------------------------------------------------------------------------
    def login(self, username: str, status: str | None = None) -> dict[str, str]:
        """Signs ``username`` in; returns the Authorization header. ``status`` is set after."""
        r = self.http.post("/api/v1/session", json={"username": username, "password": PASSWORDS[username]})
        assert r.status_code == 200, r.text
        headers = {"Authorization": f"Bearer {r.json()['token']}"}
        if status is not None:
            self.set_status(headers, status)
        return headers

    def set_status(self, headers: dict[str, str], status: str) -> None:
        r = self.http.put("/api/v1/agents/me/status", json={"status": status}, headers=headers)
        assert r.status_code == 200, r.text

    def status_of(self, headers: dict[str, str]) -> dict[str, Any]:
        r = self.http.get("/api/v1/agents/me/status", headers=headers)
        assert r.status_code == 200, r.text
        return r.json()

    def queue(self, headers: dict[str, str], queue_id: str) -> list[dict[str, Any]]:
        r = self.http.get(f"/api/v1/queues/{queue_id}/interactions", headers=headers)
        assert r.status_code == 200, r.text
        return r.json()

    def interaction(self, headers: dict[str, str], interaction_id: str) -> dict[str, Any]:
        r = self.http.get(f"/api/v1/interactions/{interaction_id}", headers=headers)
        assert r.status_code == 200, r.text
        return r.json()

    def act(self, headers: dict[str, str], interaction_id: str, action: str, **body: Any) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"json": body} if body else {}
        r = self.http.post(f"/api/v1/interactions/{interaction_id}/{action}", headers=headers, **kwargs)
        assert r.status_code == 200, r.text
        return r.json()

    def say(self, headers: dict[str, str], interaction_id: str, text: str) -> dict[str, Any]:
        r = self.http.post(f"/api/v1/interactions/{interaction_id}/messages", json={"text": text}, headers=headers)
        assert r.status_code == 201, r.text
        return r.json()

    def wait_for_interaction(
        self, headers: dict[str, str], queue_id: str, predicate: Callable[[dict], bool] = lambda i: True,
        timeout: float = 5.0,
    ) -> dict[str, Any]:
        """The first interaction of a queue that satisfies ``predicate``, waiting for it."""

        def find() -> dict[str, Any] | None:
            return next((i for i in self.queue(headers, queue_id) if predicate(i)), None)

        return wait_until(find, timeout, what=f"an interaction in {queue_id}")

    def find_interaction(self, headers: dict[str, str], remote_name: str, timeout: float = 5.0) -> dict[str, Any]:
        """The interaction with visitor ``remote_name`` in any queue ``headers`` can see."""

        def find() -> dict[str, Any] | None:
            for q in self.http.get("/api/v1/queues", headers=headers).json():
                for i in self.queue(headers, q["id"]):
                    if i["remote_name"] == remote_name:
                        return i
            return None

        return wait_until(find, timeout, what=f"the interaction of {remote_name}")

    def wait_for_alert(self, headers: dict[str, str], timeout: float = 5.0) -> dict[str, Any]:
        return self.wait_for_interaction(headers, "my-interactions", lambda i: i["state"] == "Alerting", timeout)

    # event stream ---------------------------------------------------------------------
    def events(self, headers: dict[str, str], opening: dict | None = None) -> EventStream:
        stream = EventStream(self.ws_url, headers["Authorization"][7:], opening)
        self._streams.append(stream)
        return stream

    # visitors -------------------------------------------------------------------------
    def visitor(self, prefix: str = "/websvcs") -> Visitor:
        return Visitor(self.http, prefix)

    def close(self) -> None:
        for stream in self._streams:
            stream.close()
        self.http.close()


_seeded: dict[str, Path] = {}


TEST_SCRYPT_N = 2**4
"""Scrypt cost of the test users' password hashes. The stored hash names its own cost,
so the server verifies these with its production code, only faster; the unit tests of
console.core.passwords check the production cost."""


def seed_data_dir(data_dir: Path, data: dict[str, Any], cache_dir: Path) -> None:
    """Puts a database seeded from ``data`` (via ``load_directory``) into ``data_dir``."""
    key = json.dumps(data, sort_keys=True)
    template = _seeded.get(key)
    if template is None or not template.exists():
        template = cache_dir / f"seed-{len(_seeded)}" / DB_NAME
        template.parent.mkdir(parents=True, exist_ok=True)
        store = SqliteStore(template)
        production_n = passwords._N
        passwords._N = TEST_SCRYPT_N
        try:
            load_directory(store, copy.deepcopy(data))
        finally:
            passwords._N = production_n
            store.close()
        _seeded[key] = template
    data_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, data_dir / DB_NAME)


@pytest.fixture(scope="session")
def seed_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("seeds")


ServerFactory = Callable[..., Harness]


@pytest.fixture(scope="session")
def _stopper() -> Iterator[ThreadPoolExecutor]:
    """Stops finished tests' servers in the background (uvicorn takes ~0.2 s to wind down);
    every one has stopped before the session ends."""
    with ThreadPoolExecutor(max_workers=4, thread_name_prefix="server-stopper") as pool:
        yield pool


@pytest.fixture
def server_factory(tmp_path: Path, seed_cache: Path, _stopper: ThreadPoolExecutor) -> Iterator[ServerFactory]:
    """``make(data=None, data_dir=None, **settings)`` starts a server and returns its Harness.

    ``data`` is the directory to seed (default ``directory()``); a ``data_dir`` that already
    holds a database is reused as is (restart). ``settings`` go to ``ServerSettings``
    (``session_ttl``, ``event_buffer``, ...).
    """
    harnesses: list[Harness] = []

    def make(data: dict[str, Any] | None = None, data_dir: Path | None = None, **settings: Any) -> Harness:
        data_dir = data_dir or tmp_path / f"data-{len(harnesses)}"
        if not (data_dir / DB_NAME).exists():
            seed_data_dir(data_dir, data or directory(), seed_cache)
        harness = Harness(ServerThread(data_dir, **settings).start())
        harnesses.append(harness)
        return harness

    yield make
    for harness in harnesses:
        harness.close()
        _stopper.submit(harness.thread.stop)


@pytest.fixture
def server(server_factory: ServerFactory) -> Harness:
    return server_factory()


SERVE = """
import sys
from pathlib import Path
from console.server.app import ServerSettings
from console.server.runner import make_server
make_server(ServerSettings(data_dir=Path(sys.argv[1])), "127.0.0.1", int(sys.argv[2])).run()
"""


@contextlib.contextmanager
def server_process(data_dir: Path, port: int) -> Iterator[httpx.Client]:
    """A server in its own process (so a test can ``kill -9`` it); yields a client for it.

    The process is killed with SIGKILL when the block ends: nothing is flushed or closed
    gracefully, which is the point.
    """
    import signal
    import subprocess
    import sys

    process = subprocess.Popen([sys.executable, "-c", SERVE, str(data_dir), str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
            def up() -> bool:
                try:
                    return http.get("/websvcs/serverConfiguration").status_code == 200
                except httpx.TransportError:
                    return False

            wait_until(up, timeout=20, interval=0.05, what="the server process to listen")
            yield http
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)


def stop(harness: Harness) -> None:
    """Stops a server for good (its client too), e.g. before restarting on its data dir."""
    harness.close()
    harness.thread.stop()
    assert not harness.thread._thread.is_alive(), "server thread did not stop"


# -- the agent event stream ------------------------------------------------------------------


class EventStream:
    """One connection to /api/v1/events; checks that ``seq`` never skips within it."""

    def __init__(self, url: str, token: str, opening: dict | None = None) -> None:
        self._stack = contextlib.ExitStack()
        self.ws: ClientConnection = self._stack.enter_context(
            connect(f"{url}?token={token}", open_timeout=5, close_timeout=2)
        )
        self.frames: list[dict[str, Any]] = []
        if opening is not None:
            self.ws.send(json.dumps(opening))

    def recv(self, timeout: float = 5.0) -> dict[str, Any]:
        frame = json.loads(self.ws.recv(timeout=timeout))
        if self.frames and "seq" in frame:
            assert frame["seq"] == self.frames[-1]["seq"] + 1, (self.frames[-1], frame)
        self.frames.append(frame)
        return frame

    def recv_until(self, predicate: Callable[[dict], bool], timeout: float = 5.0) -> dict[str, Any]:
        """Reads frames until one satisfies ``predicate`` and returns it."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                pytest.fail(f"no matching event; got {self.frames[-5:]}")
            try:
                frame = self.recv(timeout=remaining)
            except TimeoutError:
                pytest.fail(f"no matching event; got {self.frames[-5:]}")
            if predicate(frame):
                return frame

    def snapshots(self) -> list[dict[str, Any]]:
        """The contact center's snapshot frames a fresh stream starts with (three for an agent).

        Desktop chat's snapshot (``desk.session``) ends the snapshots; it is read here too,
        and left out of what is returned.
        """
        frames = []
        while (frame := self.recv())["topic"] != "desk.session":
            assert frame["kind"] in ("snapshot", "resync"), frame
            frames.append(frame)
        assert frame["kind"] == "snapshot", frame
        return frames

    def close(self) -> None:
        self._stack.close()


# -- IWT visitors ------------------------------------------------------------------------


CONVERSATION_TYPES = {"text", "url", "file"}


def check_iwt_event(event: dict[str, Any]) -> None:
    """The fields IWT clients require of an event (and the official page in practice)."""
    assert isinstance(event.get("participantID"), str) and event["participantID"], event
    assert isinstance(event.get("sequenceNumber"), int), event
    kind = event.get("type")
    if kind == "participantStateChanged":
        assert event["state"] in ("active", "disconnected"), event
        assert isinstance(event["participantName"], str) and event["participantName"], event
        assert event["participantType"] in ("Agent", "WebUser", "System"), event
    elif kind == "typingIndicator":
        assert isinstance(event["value"], bool), event
    elif kind in CONVERSATION_TYPES:
        assert isinstance(event["value"], str) and event["value"], event
        assert isinstance(event["conversationSequenceNumber"], int), event
        assert isinstance(event["displayName"], str) and event["displayName"], event
        assert event["participantType"] in ("Agent", "WebUser", "System"), event
        if kind == "text":
            assert event["contentType"] == "text/plain", event
    else:
        pytest.fail(f"IWT clients reject event type {kind!r}")


class Visitor:
    """A website visitor speaking IWT, strict as the official client.

    Every event received is checked for its required fields and numbering: the next new
    ``sequenceNumber`` must be exactly one more than the last (no gaps), and a number
    received again (redelivery after reconnect) must carry the same event as before.
    """

    started = 0

    def __init__(self, http: httpx.Client, prefix: str = "/websvcs") -> None:
        self.http = http
        self.name = ""
        self.prefix = prefix
        self.pid: str | None = None
        self.chat_id: str | None = None
        self.events: list[dict[str, Any]] = []
        self.repeats = 0

    # raw calls --------------------------------------------------------------------------
    def call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        r = self.http.request(method, self.prefix + path, **kwargs)
        assert r.status_code == 200, r.text
        assert r.headers["content-type"].startswith("application/json")
        return r.json()

    def _chat(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        body = self.call(method, path, **kwargs)
        chat = body["chat"]
        assert chat["status"]["type"] == "success", chat
        assert isinstance(chat["pollWaitSuggestion"], int) and chat["pollWaitSuggestion"] > 0
        assert chat["cfgVer"] == 1
        self._accept(chat["events"])
        return chat

    def _accept(self, events: list[dict[str, Any]]) -> None:
        for event in events:
            check_iwt_event(event)
            seq = event["sequenceNumber"]
            if seq < len(self.events):
                assert self.events[seq] == event, ("redelivered event differs", self.events[seq], event)
                self.repeats += 1
                continue
            assert seq == len(self.events), f"gap: expected sequenceNumber {len(self.events)}, got {seq}"
            if event["type"] in CONVERSATION_TYPES:
                expected = sum(1 for e in self.events if e["type"] in CONVERSATION_TYPES)
                assert event["conversationSequenceNumber"] == expected, event
            self.events.append(event)

    # the chat calls ----------------------------------------------------------------------
    def start(
        self, target: str = "Sales", target_type: str = "Workgroup", name: str | None = None,
        language: str = "en-US", type_key: str = "targetType", **extra: Any,
    ) -> dict[str, Any]:
        if name is None:
            Visitor.started += 1
            name = f"Vera Visitor {Visitor.started}"
        body = {
            "supportedContentTypes": "text/plain",
            "participant": {"name": name, "credentials": None},
            "target": target,
            type_key: target_type,
            "language": language,
            **extra,
        }
        chat = self._chat("POST", "/chat/start", json=body)
        assert isinstance(chat["participantID"], str) and chat["participantID"]
        assert isinstance(chat["chatID"], str) and chat["chatID"]
        assert chat["dateFormat"] and chat["timeFormat"]
        self.pid, self.chat_id = chat["participantID"], chat["chatID"]
        self.name = name
        return chat

    def poll(self) -> list[dict[str, Any]]:
        return self._chat("GET", f"/chat/poll/{self.pid}")["events"]

    def send(self, text: str) -> list[dict[str, Any]]:
        return self._chat(
            "POST", f"/chat/sendMessage/{self.pid}", json={"message": text, "contentType": "text/plain"}
        )["events"]

    def typing(self, value: bool) -> list[dict[str, Any]]:
        return self._chat("POST", f"/chat/setTypingState/{self.pid}", json={"typingIndicator": value})["events"]

    def exit(self) -> list[dict[str, Any]]:
        return self._chat("POST", f"/chat/exit/{self.pid}")["events"]

    def reconnect(self) -> dict[str, Any]:
        chat = self._chat("POST", "/chat/reconnect", json={"chatID": self.chat_id})
        assert chat["participantID"] == self.pid
        return chat

    # waiting -----------------------------------------------------------------------------
    def wait_for(self, predicate: Callable[[dict], bool], timeout: float = 5.0) -> dict[str, Any]:
        """Polls until an event (new or already received) satisfies ``predicate``."""

        def find() -> dict[str, Any] | None:
            self.poll()
            return next((e for e in self.events if predicate(e)), None)

        return wait_until(find, timeout, interval=0.05, what="a visitor event")

    def wait_for_text(self, value: str, timeout: float = 5.0) -> dict[str, Any]:
        return self.wait_for(lambda e: e["type"] == "text" and e["value"] == value, timeout)

    def count(self) -> int:
        """Polls, then says how many events the visitor has received in all."""
        self.poll()
        return len(self.events)

    def texts(self) -> list[str]:
        """Every text value received so far, after polling once more."""
        self.poll()
        return [e["value"] for e in self.events if e["type"] == "text"]


def start_chat(server: Harness, viewer: dict[str, str], **kwargs: Any) -> tuple[Visitor, str]:
    """Starts a visitor chat; returns the visitor and the interaction id ``viewer`` sees."""
    visitor = server.visitor()
    visitor.start(**kwargs)
    return visitor, server.find_interaction(viewer, visitor.name)["id"]
