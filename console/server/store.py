"""Durable state behind a small interface, with SQLite as the embedded implementation.

Everything the server acknowledges (an HTTP 200, an event sent) has been committed here
first, so it survives ``kill -9`` of the server. SQLite runs in WAL mode with
``synchronous=NORMAL``: a committed transaction survives a crash of the process (not of
the operating system), and commits cost no fsync. The ``Store`` protocol is what the
rest of the server uses, so a PostgreSQL implementation can replace this one later.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    username TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('agent', 'supervisor')),
    password_hash TEXT NOT NULL,
    status TEXT NOT NULL,
    status_since REAL NOT NULL,
    max_chats INTEGER NOT NULL DEFAULT 2,
    max_callbacks INTEGER NOT NULL DEFAULT 1,
    skills TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE IF NOT EXISTS workgroups (
    name TEXT PRIMARY KEY,
    settings TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE IF NOT EXISTS memberships (
    username TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE,
    workgroup TEXT NOT NULL REFERENCES workgroups(name) ON DELETE CASCADE,
    PRIMARY KEY (username, workgroup)
);
CREATE TABLE IF NOT EXISTS sessions (
    token_hash TEXT PRIMARY KEY,
    username TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE,
    created_at REAL NOT NULL,
    expires_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS interactions (
    id TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    workgroup TEXT NOT NULL,
    agent TEXT,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS interactions_state ON interactions(state);
CREATE TABLE IF NOT EXISTS transcript (
    interaction_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (interaction_id, seq)
);
CREATE TABLE IF NOT EXISTS visitor_chats (
    participant_id TEXT PRIMARY KEY,
    chat_id TEXT NOT NULL UNIQUE,
    interaction_id TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS visitor_events (
    participant_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (participant_id, seq)
);
CREATE TABLE IF NOT EXISTS visitor_callbacks (
    participant_id TEXT PRIMARY KEY,
    callback_id TEXT NOT NULL UNIQUE,
    interaction_id TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS counters (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
"""


@dataclass(slots=True)
class UserRecord:
    username: str
    name: str
    role: str
    password_hash: str
    status: str
    status_since: float
    max_chats: int
    skills: dict[str, int]
    workgroups: list[str]
    max_callbacks: int = 1


class Store(Protocol):
    """What the server needs from durable storage."""

    def close(self) -> None: ...
    def upsert_user(self, user: UserRecord) -> None: ...
    def users(self) -> list[UserRecord]: ...
    def set_user_status(self, username: str, status: str, since: float) -> None: ...
    def upsert_workgroup(self, name: str, settings: dict[str, Any]) -> None: ...
    def workgroups(self) -> dict[str, dict[str, Any]]: ...
    def add_session(self, token_hash: str, username: str, created: float, expires: float) -> None: ...
    def session(self, token_hash: str) -> tuple[str, float] | None: ...
    def delete_session(self, token_hash: str) -> None: ...
    def live_sessions(self, now: float) -> list[tuple[str, str, float]]: ...
    def next_interaction_number(self) -> int: ...
    def save_interaction(self, interaction_id: str, state: str, workgroup: str, agent: str | None, data: dict) -> None: ...
    def active_interactions(self) -> list[dict]: ...
    def interaction(self, interaction_id: str) -> dict | None: ...
    def recently_ended(self, limit: int) -> list[dict]: ...
    def append_transcript(self, interaction_id: str, seq: int, entry: dict) -> None: ...
    def transcript(self, interaction_id: str) -> list[dict]: ...
    def transcript_lengths(self) -> dict[str, int]: ...
    def save_visitor_chat(self, participant_id: str, chat_id: str, interaction_id: str, data: dict) -> None: ...
    def visitor_chats(self, ended_after: float = 0.0) -> list[dict]: ...
    def append_visitor_event(self, participant_id: str, event: dict) -> None: ...
    def visitor_events(self, participant_id: str) -> list[dict]: ...
    def save_visitor_callback(self, participant_id: str, callback_id: str, interaction_id: str) -> None: ...
    def visitor_callbacks(self) -> list[tuple[str, str, str]]: ...
    def add_schema(self, script: str) -> None: ...
    def execute(self, sql: str, params: tuple = ()) -> int: ...
    def rows(self, sql: str, params: tuple = ()) -> list[tuple]: ...


class SqliteStore:
    """The embedded store: one SQLite file in the data directory."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # The server runs on one event loop; the lock guards the rare calls from
        # other threads (command-line seeding, tests).
        self._lock = threading.RLock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._db.executescript(SCHEMA)
        self._checkpointer: threading.Thread | None = None
        self._stop_checkpoints = threading.Event()

    def start_checkpointer(self, interval: float = 1.0) -> None:
        """Move WAL checkpoints off the caller's thread.

        SQLite checkpoints automatically inside a commit every 1000 WAL pages, and a
        checkpoint fsyncs: on the server's event loop that stalls every request for
        5-10 ms about once a second under load. Here a second connection checkpoints from
        a background thread instead (WAL allows readers, writers and a passive checkpoint
        at once); commits are exactly as durable as before.
        """
        if self._checkpointer is not None:
            return
        with self._lock:
            self._db.execute("PRAGMA wal_autocheckpoint=0")
        self._checkpointer = threading.Thread(
            target=self._checkpoint_loop, args=(interval,), name="callboard-checkpoint", daemon=True
        )
        self._checkpointer.start()

    def _checkpoint_loop(self, interval: float) -> None:
        db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        try:
            while not self._stop_checkpoints.wait(interval):
                try:
                    db.execute("PRAGMA wal_checkpoint(PASSIVE)")
                except sqlite3.Error:
                    pass  # busy or locked now: the next round catches up
        finally:
            db.close()

    def close(self) -> None:
        self._stop_checkpoints.set()
        if self._checkpointer is not None:
            self._checkpointer.join(timeout=5)
        with self._lock:
            self._db.close()

    def _write(self, sql: str, params: tuple = ()) -> None:
        with self._lock:
            self._db.execute(sql, params)

    def _rows(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    # -- for feature stores (responses, FAQ, desktop chat) that keep their own tables ------
    def add_schema(self, script: str) -> None:
        """Creates a feature's tables (``CREATE ... IF NOT EXISTS``) in this database."""
        with self._lock:
            self._db.executescript(script)

    def execute(self, sql: str, params: tuple = ()) -> int:
        """Runs one statement (committed at once); returns the last inserted row id."""
        with self._lock:
            return self._db.execute(sql, params).lastrowid or 0

    def rows(self, sql: str, params: tuple = ()) -> list[tuple]:
        return self._rows(sql, params)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Several statements committed together, or none of them."""
        with self._lock:
            self._db.execute("BEGIN")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    # -- users and workgroups ------------------------------------------------------
    def upsert_user(self, user: UserRecord) -> None:
        with self._lock:
            self._db.execute("BEGIN")
            try:
                self._db.execute(
                    "INSERT INTO users(username, name, role, password_hash, status, status_since,"
                    " max_chats, max_callbacks, skills) VALUES (?,?,?,?,?,?,?,?,?)"
                    " ON CONFLICT(username) DO UPDATE SET name=excluded.name, role=excluded.role,"
                    " password_hash=excluded.password_hash, max_chats=excluded.max_chats,"
                    " max_callbacks=excluded.max_callbacks, skills=excluded.skills",
                    (
                        user.username, user.name, user.role, user.password_hash, user.status,
                        user.status_since, user.max_chats, user.max_callbacks, json.dumps(user.skills),
                    ),
                )
                self._db.execute("DELETE FROM memberships WHERE username=?", (user.username,))
                for wg in user.workgroups:
                    self._db.execute(
                        "INSERT INTO memberships(username, workgroup) VALUES (?, ?)",
                        (user.username, wg),
                    )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def users(self) -> list[UserRecord]:
        members: dict[str, list[str]] = {}
        for username, wg in self._rows("SELECT username, workgroup FROM memberships ORDER BY workgroup"):
            members.setdefault(username, []).append(wg)
        return [
            UserRecord(u, n, r, h, s, ss, mc, json.loads(sk), members.get(u, []), mcb)
            for u, n, r, h, s, ss, mc, mcb, sk in self._rows(
                "SELECT username, name, role, password_hash, status, status_since, max_chats, max_callbacks, skills"
                " FROM users ORDER BY username"
            )
        ]

    def set_user_status(self, username: str, status: str, since: float) -> None:
        self._write("UPDATE users SET status=?, status_since=? WHERE username=?", (status, since, username))

    def upsert_workgroup(self, name: str, settings: dict[str, Any]) -> None:
        self._write(
            "INSERT INTO workgroups(name, settings) VALUES (?, ?)"
            " ON CONFLICT(name) DO UPDATE SET settings=excluded.settings",
            (name, json.dumps(settings)),
        )

    def workgroups(self) -> dict[str, dict[str, Any]]:
        return {n: json.loads(s) for n, s in self._rows("SELECT name, settings FROM workgroups ORDER BY name")}

    # -- sessions -------------------------------------------------------------------
    def add_session(self, token_hash: str, username: str, created: float, expires: float) -> None:
        self._write(
            "INSERT INTO sessions(token_hash, username, created_at, expires_at) VALUES (?,?,?,?)",
            (token_hash, username, created, expires),
        )

    def session(self, token_hash: str) -> tuple[str, float] | None:
        rows = self._rows("SELECT username, expires_at FROM sessions WHERE token_hash=?", (token_hash,))
        return (rows[0][0], rows[0][1]) if rows else None

    def delete_session(self, token_hash: str) -> None:
        self._write("DELETE FROM sessions WHERE token_hash=?", (token_hash,))

    def live_sessions(self, now: float) -> list[tuple[str, str, float]]:
        self._write("DELETE FROM sessions WHERE expires_at <= ?", (now,))
        return [tuple(r) for r in self._rows("SELECT token_hash, username, expires_at FROM sessions")]

    # -- interactions -----------------------------------------------------------------
    def next_interaction_number(self) -> int:
        with self._lock:
            row = self._db.execute(
                "INSERT INTO counters(name, value) VALUES ('interaction', 1000000001)"
                " ON CONFLICT(name) DO UPDATE SET value = value + 1 RETURNING value"
            ).fetchone()
            return int(row[0])

    def save_interaction(self, interaction_id: str, state: str, workgroup: str, agent: str | None, data: dict) -> None:
        self._write(
            "INSERT INTO interactions(id, state, workgroup, agent, data) VALUES (?,?,?,?,?)"
            " ON CONFLICT(id) DO UPDATE SET state=excluded.state, workgroup=excluded.workgroup,"
            " agent=excluded.agent, data=excluded.data",
            (interaction_id, state, workgroup, agent, json.dumps(data)),
        )

    def active_interactions(self) -> list[dict]:
        """Interactions not yet dismissed: live ones and disconnected ones an agent still shows."""
        return [
            json.loads(d)
            for (d,) in self._rows(
                "SELECT data FROM interactions WHERE state != 'Disconnected' OR agent IS NOT NULL ORDER BY id"
            )
        ]

    def recently_ended(self, limit: int) -> list[dict]:
        """The last ``limit`` ended interactions, newest first (for handle-time estimates)."""
        return [
            json.loads(d)
            for (d,) in self._rows(
                "SELECT data FROM interactions WHERE state = 'Disconnected' ORDER BY rowid DESC LIMIT ?", (limit,)
            )
        ]

    def interaction(self, interaction_id: str) -> dict | None:
        rows = self._rows("SELECT data FROM interactions WHERE id=?", (interaction_id,))
        return json.loads(rows[0][0]) if rows else None

    def append_transcript(self, interaction_id: str, seq: int, entry: dict) -> None:
        self._write(
            "INSERT INTO transcript(interaction_id, seq, data) VALUES (?,?,?)",
            (interaction_id, seq, json.dumps(entry)),
        )

    def transcript_lengths(self) -> dict[str, int]:
        """Entries per interaction, in one query (read at start for every live interaction)."""
        return dict(self._rows("SELECT interaction_id, COUNT(*) FROM transcript GROUP BY interaction_id"))

    def transcript(self, interaction_id: str) -> list[dict]:
        return [
            json.loads(d)
            for (d,) in self._rows(
                "SELECT data FROM transcript WHERE interaction_id=? ORDER BY seq", (interaction_id,)
            )
        ]

    # -- visitor chats -----------------------------------------------------------------
    def save_visitor_chat(self, participant_id: str, chat_id: str, interaction_id: str, data: dict) -> None:
        self._write(
            "INSERT INTO visitor_chats(participant_id, chat_id, interaction_id, data) VALUES (?,?,?,?)"
            " ON CONFLICT(participant_id) DO UPDATE SET data=excluded.data",
            (participant_id, chat_id, interaction_id, json.dumps(data)),
        )

    def visitor_chats(self, ended_after: float = 0.0) -> list[dict]:
        """Chats still going, and those that ended after ``ended_after`` (older ones are never read)."""
        return [
            json.loads(d)
            for (d,) in self._rows(
                "SELECT data FROM visitor_chats WHERE json_extract(data, '$.ended_at') IS NULL"
                " OR json_extract(data, '$.ended_at') >= ?",
                (ended_after,),
            )
        ]

    def append_visitor_event(self, participant_id: str, event: dict) -> None:
        self._write(
            "INSERT INTO visitor_events(participant_id, seq, data) VALUES (?,?,?)",
            (participant_id, event["sequenceNumber"], json.dumps(event)),
        )

    def visitor_events(self, participant_id: str) -> list[dict]:
        return [
            json.loads(d)
            for (d,) in self._rows(
                "SELECT data FROM visitor_events WHERE participant_id=? ORDER BY seq", (participant_id,)
            )
        ]

    # -- visitor callbacks -------------------------------------------------------------
    def save_visitor_callback(self, participant_id: str, callback_id: str, interaction_id: str) -> None:
        self._write(
            "INSERT INTO visitor_callbacks(participant_id, callback_id, interaction_id) VALUES (?,?,?)",
            (participant_id, callback_id, interaction_id),
        )

    def visitor_callbacks(self) -> list[tuple[str, str, str]]:
        """(participant id, callback id, interaction id) of every callback request."""
        return [tuple(r) for r in self._rows("SELECT participant_id, callback_id, interaction_id FROM visitor_callbacks")]
