"""The SQLite store: what is written comes back, also after reopening the file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from console.core.passwords import verify_password
from console.core.statuses import GONE_HOME
from console.server.directory import load_directory
from console.server.store import SqliteStore, UserRecord


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "nested" / "callboard.sqlite3"


@pytest.fixture
def store(path: Path):
    s = SqliteStore(path)
    yield s
    s.close()


def reopen(store: SqliteStore) -> SqliteStore:
    store.close()
    return SqliteStore(store.path)


def test_store_uses_wal_with_synchronous_normal(store):
    assert store._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store._db.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL


def test_users_and_workgroups_roundtrip(store):
    store.upsert_workgroup("Sales", {"chat_enabled": True, "alert_timeout_seconds": 5})
    store.upsert_workgroup("Support", {})
    user = UserRecord("alice", "Alice", "agent", "hash", "Available", 12.5, 3, {"language:en": 90}, ["Sales", "Support"])
    store.upsert_user(user)
    store.set_user_status("alice", "At Lunch", 20.0)
    store = reopen(store)
    try:
        assert store.workgroups() == {"Sales": {"chat_enabled": True, "alert_timeout_seconds": 5}, "Support": {}}
        [back] = store.users()
        assert back == UserRecord("alice", "Alice", "agent", "hash", "At Lunch", 20.0, 3, {"language:en": 90},
                                  ["Sales", "Support"])
    finally:
        store.close()


def test_upsert_user_replaces_memberships_and_keeps_status(store):
    store.upsert_workgroup("Sales", {})
    store.upsert_workgroup("Support", {})
    store.upsert_user(UserRecord("bob", "Bob", "agent", "h", "Available", 1.0, 2, {}, ["Sales", "Support"]))
    store.upsert_user(UserRecord("bob", "Bobby", "supervisor", "h2", "Training", 9.0, 1, {"x": 1}, ["Support"]))
    [bob] = store.users()
    assert (bob.name, bob.role, bob.workgroups, bob.status, bob.max_chats) == ("Bobby", "supervisor", ["Support"],
                                                                                "Available", 1)


def test_membership_of_unknown_workgroup_is_refused_atomically(store):
    with pytest.raises(sqlite3.IntegrityError):
        store.upsert_user(UserRecord("x", "X", "agent", "h", "Available", 1.0, 2, {}, ["Nowhere"]))
    assert store.users() == []


def test_sessions_roundtrip_and_expired_ones_are_purged(store):
    store.upsert_workgroup("Sales", {})
    store.upsert_user(UserRecord("alice", "Alice", "agent", "h", "Available", 1.0, 2, {}, ["Sales"]))
    store.add_session("live", "alice", 100.0, 200.0)
    store.add_session("old", "alice", 10.0, 50.0)
    assert store.session("live") == ("alice", 200.0)
    assert store.live_sessions(100.0) == [("live", "alice", 200.0)]
    assert store.session("old") is None
    store.delete_session("live")
    assert store.session("live") is None


def test_interaction_numbers_are_unique_and_survive_reopening(store):
    first = store.next_interaction_number()
    second = store.next_interaction_number()
    store = reopen(store)
    try:
        assert second == first + 1
        assert store.next_interaction_number() == second + 1
    finally:
        store.close()


def test_interactions_roundtrip_and_dismissed_ones_are_not_active(store):
    store.save_interaction("1", "Waiting", "Sales", None, {"id": "1", "state": "Waiting"})
    store.save_interaction("2", "Disconnected", "Sales", "alice", {"id": "2", "state": "Disconnected"})
    store.save_interaction("3", "Disconnected", "Sales", None, {"id": "3", "state": "Disconnected"})
    store.save_interaction("1", "Connected", "Sales", "alice", {"id": "1", "state": "Connected"})
    store = reopen(store)
    try:
        assert [r["id"] for r in store.active_interactions()] == ["1", "2"]
        assert store.interaction("1") == {"id": "1", "state": "Connected"}
        assert store.interaction("3") == {"id": "3", "state": "Disconnected"}
        assert store.interaction("nope") is None
    finally:
        store.close()


def test_transcript_comes_back_in_order_and_never_overwrites(store):
    for seq in (2, 0, 1):
        store.append_transcript("1", seq, {"seq": seq, "text": f"t{seq}"})
    assert [e["text"] for e in store.transcript("1")] == ["t0", "t1", "t2"]
    assert store.transcript("other") == []
    with pytest.raises(sqlite3.IntegrityError):
        store.append_transcript("1", 1, {"seq": 1, "text": "again"})


def test_visitor_chats_and_events_roundtrip(store):
    store.save_visitor_chat("p1", "c1", "1", {"participant_id": "p1", "ended_at": None})
    store.save_visitor_chat("p1", "c1", "1", {"participant_id": "p1", "ended_at": 5.0})
    store.append_visitor_event("p1", {"type": "text", "sequenceNumber": 0, "value": "a"})
    store.append_visitor_event("p1", {"type": "text", "sequenceNumber": 1, "value": "b"})
    store = reopen(store)
    try:
        assert store.visitor_chats() == [{"participant_id": "p1", "ended_at": 5.0}]
        assert [e["value"] for e in store.visitor_events("p1")] == ["a", "b"]
        with pytest.raises(sqlite3.IntegrityError):
            store.append_visitor_event("p1", {"type": "text", "sequenceNumber": 1, "value": "dup"})
    finally:
        store.close()


def test_load_directory_hashes_passwords_and_new_users_start_gone_home(store):
    data = {
        "workgroups": [{"name": "Sales", "chat_enabled": True, "alert_timeout_seconds": 2, "ignored": 1}],
        "users": [{"username": "alice", "name": "Alice", "password": "pw", "workgroups": ["Sales"],
                   "skills": {"language:en": "90"}}],
    }
    load_directory(store, data)
    assert store.workgroups() == {"Sales": {"chat_enabled": True, "alert_timeout_seconds": 2}}
    [alice] = store.users()
    assert alice.status == GONE_HOME and alice.role == "agent" and alice.max_chats == 2
    assert alice.skills == {"language:en": 90}
    assert alice.password_hash != "pw" and verify_password("pw", alice.password_hash)
    store.set_user_status("alice", "Available", 5.0)
    load_directory(store, data)
    assert store.users()[0].status == "Available"


def test_feature_tables_commit_together_or_not_at_all(tmp_path):
    store = SqliteStore(tmp_path / "s.sqlite3")
    store.add_schema("CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL);")
    row_id = store.execute("INSERT INTO notes(text) VALUES (?)", ("kept",))
    with pytest.raises(RuntimeError), store.transaction() as db:
        db.execute("INSERT INTO notes(text) VALUES (?)", ("lost",))
        raise RuntimeError("half-way")
    store.close()
    reopened = SqliteStore(tmp_path / "s.sqlite3")
    assert reopened.rows("SELECT id, text FROM notes") == [(row_id, "kept")]
    reopened.close()


def test_chats_that_ended_long_ago_are_not_read_back(store):
    store.save_visitor_chat("live", "c1", "1", {"participant_id": "live", "ended_at": None})
    store.save_visitor_chat("recent", "c2", "2", {"participant_id": "recent", "ended_at": 900.0})
    store.save_visitor_chat("old", "c3", "3", {"participant_id": "old", "ended_at": 100.0})
    kept = {c["participant_id"] for c in store.visitor_chats(ended_after=500.0)}
    assert kept == {"live", "recent"}
