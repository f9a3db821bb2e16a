"""The agent event stream: per-session numbered events with resume.

Each session owns one stream. Every event gets the next ``seq`` of that stream, so a
client sees numbers without gaps and can ask for what it missed after a reconnect.
Events are kept in a bounded buffer while no WebSocket is attached; when the buffer no
longer reaches back far enough the client is told to ``resync`` and gets snapshots.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any

DEFAULT_BUFFER = 2000


class SessionStream:
    """Numbered events of one agent session, and the socket currently reading them."""

    def __init__(self, session_id: str, username: str, buffer_size: int = DEFAULT_BUFFER) -> None:
        self.session_id = session_id
        self.username = username
        self.seq = 0
        self.buffer: deque[tuple[int, str]] = deque(maxlen=buffer_size)
        self.outbox: asyncio.Queue[str | None] | None = None
        """Frames for the attached socket; "" says the session ended, None that the client left."""

    def emit(self, topic: str, kind: str, data: dict[str, Any], ts: float | None = None) -> int:
        self.seq += 1
        frame = json.dumps(
            {"seq": self.seq, "topic": topic, "kind": kind, "ts": ts or time.time(), "data": data},
            separators=(",", ":"),
        )
        self.buffer.append((self.seq, frame))
        if self.outbox is not None:
            self.outbox.put_nowait(frame)
        return self.seq

    def attach(self) -> asyncio.Queue[str | None]:
        """A new socket takes over the stream; a previous one stops receiving."""
        self.outbox = asyncio.Queue()
        return self.outbox

    def detach(self, outbox: asyncio.Queue[str | None]) -> None:
        if self.outbox is outbox:
            self.outbox = None

    def missed_since(self, after: int) -> list[str] | None:
        """Frames after ``after``, or None when the buffer no longer holds them all."""
        if after > self.seq or after < 0:
            return None
        if after == self.seq:
            return []
        if not self.buffer or self.buffer[0][0] > after + 1:
            return None
        return [frame for seq, frame in self.buffer if seq > after]


SnapshotSource = Callable[[str], list[tuple[str, dict[str, Any]]]]
"""A feature's snapshot frames (topic, data) for a user's freshly connected stream."""


class EventHub:
    """Routes events to the streams of the users who should see them."""

    def __init__(self, buffer_size: int = DEFAULT_BUFFER) -> None:
        self.buffer_size = buffer_size
        self._streams: dict[str, SessionStream] = {}
        self._by_user: dict[str, set[str]] = {}
        self.snapshot_sources: list[SnapshotSource] = []
        """Features (desktop chat) whose snapshots follow the contact center's on a fresh stream."""

    def feature_snapshots(self, username: str) -> list[tuple[str, dict[str, Any]]]:
        return [frame for source in self.snapshot_sources for frame in source(username)]

    def stream(self, session_id: str, username: str) -> SessionStream:
        stream = self._streams.get(session_id)
        if stream is None:
            stream = SessionStream(session_id, username, self.buffer_size)
            self._streams[session_id] = stream
            self._by_user.setdefault(username, set()).add(session_id)
        return stream

    def drop(self, session_id: str) -> None:
        stream = self._streams.pop(session_id, None)
        if stream is not None:
            self._by_user.get(stream.username, set()).discard(session_id)
            if stream.outbox is not None:
                stream.outbox.put_nowait("")  # wakes the socket so it closes

    def streams_of(self, username: str) -> list[SessionStream]:
        return [self._streams[s] for s in self._by_user.get(username, ())]

    def publish(self, usernames: Iterable[str], topic: str, kind: str, data: dict[str, Any]) -> None:
        ts = time.time()
        for username in usernames:
            for stream in self.streams_of(username):
                stream.emit(topic, kind, data, ts)

    def publish_each(
        self, usernames: Iterable[str], topic: str, kind: str, data_for: Callable[[str], dict[str, Any]]
    ) -> None:
        """Like ``publish`` with data tailored to each user (allowed actions differ)."""
        ts = time.time()
        for username in usernames:
            streams = self.streams_of(username)
            if streams:
                data = data_for(username)
                for stream in streams:
                    stream.emit(topic, kind, data, ts)
