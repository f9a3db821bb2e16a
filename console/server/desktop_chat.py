"""Desktop chat served by the embedded server: presence, contacts, messages, attachments.

``EmbeddedDesktopChat`` implements ``console.core.desktop_chat.DesktopChatService`` over
the server's SQLite store and the agent event stream. What it keeps:

- **Presence** per user (signed in to desktop chat or not, and Available / Away / Do Not
  Disturb), in the store, so it survives a restart. Colleagues see a user Offline while
  they are signed out of desktop chat *or* have no console session; when the first
  console session starts again, a user who had not signed out of desktop chat is back,
  Available.
- **Groups and contacts** per user, in the store. A contact has one display name and sits
  in one or more of its owner's groups.
- **Messages** in the store, so a console that reconnects (or resyncs) gets the whole
  conversation again. A user's history is what was said since they last signed in to
  desktop chat; messages older than the retention period are deleted at start.
- **Attachments**: the bytes in files under ``<data dir>/desktop-chat/`` until the receiver
  accepts (and downloads) or declines the file, the offer itself as a message row.

Each change is committed before it is announced or acknowledged.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import time
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from console.core.desktop_chat import (
    DEFAULT_ATTACHMENT_MAX_BYTES,
    DEFAULT_ATTACHMENT_TYPES,
    RECENT_LIMIT,
    AttachmentPolicy,
    GroupTarget,
    Presence,
    Roster,
    RosterContact,
    check_message,
    clean_display_name,
)
from console.core.errors import CallboardError
from console.server.contact_center import Agent, ContactCenter
from console.server.events import EventHub
from console.server.store import SqliteStore

SCHEMA = """
CREATE TABLE IF NOT EXISTS desk_presence (
    username TEXT PRIMARY KEY,
    signed_in INTEGER NOT NULL,
    presence TEXT NOT NULL,
    session_started REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS desk_groups (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    owner TEXT NOT NULL,
    name TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS desk_groups_owner ON desk_groups(owner);
CREATE TABLE IF NOT EXISTS desk_contacts (
    owner TEXT NOT NULL,
    username TEXT NOT NULL,
    display_name TEXT NOT NULL,
    PRIMARY KEY (owner, username)
);
CREATE INDEX IF NOT EXISTS desk_contacts_username ON desk_contacts(username);
CREATE TABLE IF NOT EXISTS desk_memberships (
    owner TEXT NOT NULL,
    username TEXT NOT NULL,
    group_id INTEGER NOT NULL REFERENCES desk_groups(id) ON DELETE CASCADE,
    PRIMARY KEY (owner, username, group_id)
);
CREATE TABLE IF NOT EXISTS desk_messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sender TEXT NOT NULL,
    recipient TEXT NOT NULL,
    ts REAL NOT NULL,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    file_name TEXT,
    file_size INTEGER,
    file_state TEXT,
    file_token TEXT
);
CREATE INDEX IF NOT EXISTS desk_messages_sender ON desk_messages(sender, id);
CREATE INDEX IF NOT EXISTS desk_messages_recipient ON desk_messages(recipient, id);
"""

MESSAGE_COLUMNS = "id, sender, recipient, ts, kind, text, file_name, file_size, file_state"
FILE_CHUNK = 64 * 1024
SEARCH_LIMIT = 25
HISTORY_LIMIT = 2000
"""Most messages one ``messages`` call returns; a console asks again after the last id."""

OFFERED, ACCEPTED, DECLINED = "offered", "accepted", "declined"


@dataclass(slots=True)
class DesktopChatSettings:
    """Server settings of desktop chat (``[desktop_chat]`` in the ``--config`` file)."""

    attachment_max_bytes: int = DEFAULT_ATTACHMENT_MAX_BYTES
    attachment_types: tuple[str, ...] = DEFAULT_ATTACHMENT_TYPES
    """Allowed file name endings (``.pdf``); empty allows every type."""
    message_retention_days: float = 30.0

    @property
    def policy(self) -> AttachmentPolicy:
        return AttachmentPolicy(self.attachment_max_bytes, self.attachment_types)


SETTING_KEYS = {"attachment_max_mb", "attachment_types", "message_retention_days"}


def desktop_chat_settings(raw: Any) -> DesktopChatSettings:
    """``[desktop_chat]`` of a settings file; ``ValueError`` says what is wrong."""
    if not isinstance(raw, dict):
        raise ValueError("[desktop_chat] must be a table")
    unknown = set(raw) - SETTING_KEYS
    if unknown:
        raise ValueError(f"unknown desktop_chat setting(s): {', '.join(sorted(unknown))}")
    settings = DesktopChatSettings()
    if "attachment_max_mb" in raw:
        mb = raw["attachment_max_mb"]
        if isinstance(mb, bool) or not isinstance(mb, int | float) or not 0 < mb <= 1024:
            raise ValueError("desktop_chat.attachment_max_mb must be a number above 0 and at most 1024")
        settings.attachment_max_bytes = int(mb * 1024 * 1024)
    if "attachment_types" in raw:
        types = raw["attachment_types"]
        if not isinstance(types, list) or not all(isinstance(t, str) and t.strip(". ") for t in types):
            raise ValueError('desktop_chat.attachment_types must be a list of file endings such as ".pdf"')
        settings.attachment_types = tuple(dict.fromkeys("." + t.strip().lstrip(".").lower() for t in types))
    if "message_retention_days" in raw:
        days = raw["message_retention_days"]
        if isinstance(days, bool) or not isinstance(days, int | float) or days <= 0:
            raise ValueError("desktop_chat.message_retention_days must be a positive number")
        settings.message_retention_days = float(days)
    return settings


@dataclass(slots=True)
class PresenceState:
    signed_in: bool = False
    presence: Presence = Presence.AVAILABLE
    session_started: float = 0.0


class EmbeddedDesktopChat:
    """Desktop chat kept by this server (see the module docstring).

    ``presence_listeners`` are told ``(username, presence)`` whenever what colleagues see
    of a user changes; the supervisors' team view follows presence that way.
    """

    def __init__(
        self, store: SqliteStore, center: ContactCenter, hub: EventHub, settings: DesktopChatSettings,
        files: Path,
    ) -> None:
        self.store = store
        self.center = center
        self.hub = hub
        self.settings = settings
        self.policy = settings.policy
        self.files = files
        self._presence: dict[str, PresenceState] = {}
        self.presence_listeners: list[Callable[[str, str], None]] = []
        store.add_schema(SCHEMA)
        center.session_hooks.append(self.console_session_changed)
        hub.snapshot_sources.append(self.snapshot_frames)

    # -- start ---------------------------------------------------------------------------
    def load(self) -> None:
        """Presence from the store; messages past retention and files nobody waits for go."""
        self.files.mkdir(parents=True, exist_ok=True)
        cutoff = time.time() - self.settings.message_retention_days * 86400
        self.store.execute("DELETE FROM desk_messages WHERE ts < ?", (cutoff,))
        self._presence = {
            username: PresenceState(bool(signed_in), Presence(presence), started)
            for username, signed_in, presence, started in self.store.rows(
                "SELECT username, signed_in, presence, session_started FROM desk_presence"
            )
        }
        waiting = {token for (token,) in self.store.rows(
            "SELECT file_token FROM desk_messages WHERE kind = 'file' AND file_state = ?", (OFFERED,)
        )}
        for path in self.files.iterdir():
            if path.name not in waiting:
                path.unlink(missing_ok=True)

    # -- people ----------------------------------------------------------------------------
    def _name(self, username: str) -> str:
        agent = self.center.agents.get(username)
        return agent.name if agent else username

    def _user(self, username: str) -> Agent:
        agent = self.center.agents.get(username)
        if agent is None:
            raise CallboardError("desk.user.unknown", f"No user {username!r} in the directory.")
        return agent

    def presence_of(self, username: str) -> str:
        agent = self.center.agents.get(username)
        state = self._presence.get(username)
        if agent is None or not agent.sessions or state is None or not state.signed_in:
            return Presence.OFFLINE.value
        return state.presence.value

    def _require_signed_in(self, username: str) -> PresenceState:
        state = self._presence.get(username)
        if state is None or not state.signed_in:
            raise CallboardError("desk.not_signed_in", "Sign in to desktop chat first.")
        return state

    def _require_recipient(self, sender: str, to: str) -> Agent:
        recipient = self._user(to)
        if to == sender:
            raise CallboardError("desk.recipient_self", "You cannot chat with yourself.")
        return recipient

    def _require_reachable(self, recipient: Agent) -> None:
        if self.presence_of(recipient.username) == Presence.OFFLINE:
            raise CallboardError(
                "desk.recipient_offline",
                f"{recipient.name} is offline: desktop chat reaches only colleagues who are signed in.",
            )

    # -- presence --------------------------------------------------------------------------
    def me(self, username: str) -> dict[str, Any]:
        state = self._presence.get(username) or PresenceState()
        return {
            "username": username,
            "name": self._name(username),
            "signed_in": state.signed_in,
            "presence": self.presence_of(username),
        }

    def sign_in(self, username: str) -> dict[str, Any]:
        state = self._presence.get(username)
        if state is None or not state.signed_in:
            self._store_presence(username, PresenceState(True, Presence.AVAILABLE, time.time()))
            self._announce_presence(username)
        return self.me(username)

    def sign_out(self, username: str) -> dict[str, Any]:
        state = self._presence.get(username)
        if state is not None and state.signed_in:
            self._store_presence(username, PresenceState(False, state.presence, state.session_started))
            self._announce_presence(username)
        return self.me(username)

    def set_presence(self, username: str, presence: Presence) -> dict[str, Any]:
        state = self._require_signed_in(username)
        if state.presence is not presence:
            self._store_presence(username, PresenceState(True, presence, state.session_started))
            self._announce_presence(username)
        return self.me(username)

    def console_session_changed(self, agent: Agent, signed_in: bool) -> None:
        """The first console session of a user started (True) or the last one ended (False).

        Without a console nobody can read messages, so colleagues see the user Offline;
        coming back, a user who had not signed out of desktop chat is Available again.
        """
        state = self._presence.get(agent.username)
        if state is None or not state.signed_in:
            return
        if signed_in:
            self._store_presence(agent.username, PresenceState(True, Presence.AVAILABLE, time.time()))
        self._announce_presence(agent.username)

    def _store_presence(self, username: str, state: PresenceState) -> None:
        self.store.execute(
            "INSERT INTO desk_presence(username, signed_in, presence, session_started) VALUES (?,?,?,?)"
            " ON CONFLICT(username) DO UPDATE SET signed_in=excluded.signed_in, presence=excluded.presence,"
            " session_started=excluded.session_started",
            (username, int(state.signed_in), state.presence.value, state.session_started),
        )
        self._presence[username] = state

    def watchers(self, username: str) -> set[str]:
        """Who hears of the user's presence: the user, whoever has them as a contact, and
        colleagues they chatted with (their Recent Chats)."""
        names = {username}
        names.update(owner for (owner,) in self.store.rows(
            "SELECT owner FROM desk_contacts WHERE username = ?", (username,)
        ))
        names.update(self._peers(username))
        return names

    def _announce_presence(self, username: str) -> None:
        presence = self.presence_of(username)
        data = {"username": username, "name": self._name(username), "presence": presence}
        self.hub.publish(sorted(self.watchers(username)), "desk.presence", "put", data)
        for listener in self.presence_listeners:
            listener(username, presence)

    # -- directory, contacts and groups ------------------------------------------------------------
    def search(self, username: str, query: str) -> list[dict[str, Any]]:
        """Colleagues whose name or user id contains ``query`` (any case), by name."""
        words = query.casefold().split()
        found = [
            agent for agent in self.center.agents.values()
            if agent.username != username
            and all(w in agent.username.casefold() or w in agent.name.casefold() for w in words)
        ]
        found.sort(key=lambda a: (a.name.casefold(), a.username))
        return [
            {"username": a.username, "name": a.name, "role": a.role, "workgroups": sorted(a.workgroups),
             "presence": self.presence_of(a.username)}
            for a in found[:SEARCH_LIMIT]
        ]

    def _roster(self, owner: str) -> Roster:
        roster = Roster(owner)
        roster.groups = dict(self.store.rows("SELECT id, name FROM desk_groups WHERE owner = ? ORDER BY id", (owner,)))
        roster.contacts = {
            username: RosterContact(username, display_name)
            for username, display_name in self.store.rows(
                "SELECT username, display_name FROM desk_contacts WHERE owner = ?", (owner,)
            )
        }
        for username, group_id in self.store.rows(
            "SELECT username, group_id FROM desk_memberships WHERE owner = ?", (owner,)
        ):
            if username in roster.contacts:
                roster.contacts[username].group_ids.add(group_id)
        return roster

    def roster(self, username: str) -> dict[str, Any]:
        roster = self._roster(username)
        groups = []
        for group_id, name in sorted(roster.groups.items(), key=lambda g: (g[1].casefold(), g[0])):
            members = sorted(
                (c for c in roster.contacts.values() if group_id in c.group_ids),
                key=lambda c: (c.display_name.casefold(), c.username),
            )
            groups.append({"id": group_id, "name": name, "contacts": [
                {"username": c.username, "display_name": c.display_name, "name": self._name(c.username),
                 "presence": self.presence_of(c.username)}
                for c in members
            ]})
        recent = [
            {"username": peer, "name": self._name(peer), "presence": self.presence_of(peer), "last_at": last_at,
             "display_name": roster.contacts[peer].display_name if peer in roster.contacts else self._name(peer)}
            for peer, last_at in self._recent(username)
        ]
        return {"groups": groups, "recent": recent}

    def _recent(self, username: str) -> list[tuple[str, float]]:
        return [tuple(row) for row in self.store.rows(
            "SELECT peer, MAX(ts) AS last FROM ("
            " SELECT recipient AS peer, ts FROM desk_messages WHERE sender = ?"
            " UNION ALL SELECT sender AS peer, ts FROM desk_messages WHERE recipient = ?)"
            " GROUP BY peer ORDER BY last DESC LIMIT ?",
            (username, username, RECENT_LIMIT),
        )]

    def _peers(self, username: str) -> set[str]:
        return {peer for (peer,) in self.store.rows(
            "SELECT recipient FROM desk_messages WHERE sender = ? UNION SELECT sender FROM desk_messages WHERE recipient = ?",
            (username, username),
        )}

    def _roster_changed(self, owner: str) -> dict[str, Any]:
        """Every console of the owner shows the new roster; the caller gets it too."""
        view = self.roster(owner)
        self.hub.publish([owner], "desk.roster", "put", view)
        return view

    @staticmethod
    def _group_for(db, owner: str, where: int | str) -> int:  # noqa: ANN001 - sqlite3 connection
        if isinstance(where, int):
            return where
        return int(db.execute("INSERT INTO desk_groups(owner, name) VALUES (?, ?)", (owner, where)).lastrowid)

    def create_group(self, username: str, name: str) -> dict[str, Any]:
        cleaned = self._roster(username).check_new_group(name)
        self.store.execute("INSERT INTO desk_groups(owner, name) VALUES (?, ?)", (username, cleaned))
        return self._roster_changed(username)

    def rename_group(self, username: str, group_id: int, name: str) -> dict[str, Any]:
        roster = self._roster(username)
        roster.group(group_id)
        cleaned = roster.check_new_group(name, renaming=group_id)
        self.store.execute("UPDATE desk_groups SET name = ? WHERE id = ? AND owner = ?", (cleaned, group_id, username))
        return self._roster_changed(username)

    def delete_group(self, username: str, group_id: int) -> dict[str, Any]:
        """The group goes with its contacts; one also in another group stays there."""
        self._roster(username).group(group_id)
        with self.store.transaction() as db:
            db.execute("DELETE FROM desk_groups WHERE id = ? AND owner = ?", (group_id, username))
            self._forget_ungrouped(db, username)
        return self._roster_changed(username)

    @staticmethod
    def _forget_ungrouped(db, owner: str) -> None:  # noqa: ANN001 - sqlite3 connection
        db.execute(
            "DELETE FROM desk_contacts WHERE owner = ? AND username NOT IN"
            " (SELECT username FROM desk_memberships WHERE owner = ?)",
            (owner, owner),
        )

    def add_contact(self, username: str, contact: str, display_name: str | None,
                    target: GroupTarget) -> dict[str, Any]:
        person = self._user(contact)
        roster = self._roster(username)
        where = roster.check_add(contact, target)
        existing = roster.contacts.get(contact)
        if display_name is not None:
            name = clean_display_name(display_name)
        else:
            name = existing.display_name if existing else person.name
        with self.store.transaction() as db:
            group_id = self._group_for(db, username, where)
            db.execute(
                "INSERT INTO desk_contacts(owner, username, display_name) VALUES (?, ?, ?)"
                " ON CONFLICT(owner, username) DO UPDATE SET display_name = excluded.display_name",
                (username, contact, name),
            )
            db.execute("INSERT INTO desk_memberships(owner, username, group_id) VALUES (?, ?, ?)",
                       (username, contact, group_id))
        return self._roster_changed(username)

    def edit_contact(self, username: str, contact: str, group_id: int, display_name: str | None,
                     target: GroupTarget | None) -> dict[str, Any]:
        """A new display name (the contact's, in every group), and/or a move out of ``group_id``."""
        roster = self._roster(username)
        [(contact, group_id)] = roster.check_entries([(contact, group_id)])
        name = clean_display_name(display_name) if display_name is not None else None
        where = roster.check_target(target) if target is not None else None
        with self.store.transaction() as db:
            if name is not None:
                db.execute("UPDATE desk_contacts SET display_name = ? WHERE owner = ? AND username = ?",
                           (name, username, contact))
            if where is not None:
                self._move(db, username, [(contact, group_id)], self._group_for(db, username, where))
        return self._roster_changed(username)

    @staticmethod
    def _move(db, owner: str, entries: Iterable[tuple[str, int]], to: int) -> None:  # noqa: ANN001
        for contact, from_group in entries:
            if from_group == to:
                continue
            db.execute("INSERT OR IGNORE INTO desk_memberships(owner, username, group_id) VALUES (?, ?, ?)",
                       (owner, contact, to))
            db.execute("DELETE FROM desk_memberships WHERE owner = ? AND username = ? AND group_id = ?",
                       (owner, contact, from_group))

    def move_contacts(self, username: str, entries: list[tuple[str, int]], target: GroupTarget) -> dict[str, Any]:
        roster = self._roster(username)
        checked = roster.check_entries(entries)
        where = roster.check_target(target)
        with self.store.transaction() as db:
            self._move(db, username, checked, self._group_for(db, username, where))
        return self._roster_changed(username)

    def delete_contacts(self, username: str, entries: list[tuple[str, int]]) -> dict[str, Any]:
        """Each contact leaves the group named with it; one left in no group is forgotten."""
        checked = self._roster(username).check_entries(entries)
        with self.store.transaction() as db:
            for contact, group_id in checked:
                db.execute("DELETE FROM desk_memberships WHERE owner = ? AND username = ? AND group_id = ?",
                           (username, contact, group_id))
            self._forget_ungrouped(db, username)
        return self._roster_changed(username)

    # -- conversations ---------------------------------------------------------------------------
    def _message_view(self, row: tuple) -> dict[str, Any]:
        message_id, sender, recipient, ts, kind, text, file_name, file_size, file_state = row
        return {
            "id": message_id, "from": sender, "from_name": self._name(sender),
            "to": recipient, "to_name": self._name(recipient), "ts": ts, "kind": kind, "text": text,
            "file": {"name": file_name, "size": file_size, "state": file_state} if kind == "file" else None,
        }

    def _message(self, message_id: int) -> dict[str, Any] | None:
        rows = self.store.rows(f"SELECT {MESSAGE_COLUMNS} FROM desk_messages WHERE id = ?", (message_id,))
        return self._message_view(rows[0]) if rows else None

    def send_message(self, username: str, to: str, text: str) -> dict[str, Any]:
        self._require_signed_in(username)
        recipient = self._require_recipient(username, to)
        check_message(text)
        self._require_reachable(recipient)
        first = not self._chatted(username, to)
        message_id = self.store.execute(
            "INSERT INTO desk_messages(sender, recipient, ts, kind, text) VALUES (?, ?, ?, 'text', ?)",
            (username, to, time.time(), text),
        )
        return self._deliver(message_id, first)

    def _chatted(self, one: str, other: str) -> bool:
        return bool(self.store.rows(
            "SELECT 1 FROM desk_messages WHERE (sender = ? AND recipient = ?) OR (sender = ? AND recipient = ?) LIMIT 1",
            (one, other, other, one),
        ))

    def _deliver(self, message_id: int, first: bool) -> dict[str, Any]:
        """Sends a new message (or file offer) to both sides; on their first one, each side
        also learns the other's presence, which they follow from now on (Recent Chats)."""
        view = self._message(message_id)
        assert view is not None
        sender, to = view["from"], view["to"]
        if first:
            for watcher, watched in ((to, sender), (sender, to)):
                self.hub.publish([watcher], "desk.presence", "put", {
                    "username": watched, "name": self._name(watched), "presence": self.presence_of(watched)})
        self.hub.publish([sender, to], "desk.message", "post", view)
        return view

    def set_typing(self, username: str, to: str, typing: bool) -> None:
        """Shows (or hides) "typing" to a signed-in colleague; to anyone else it says nothing."""
        self._require_signed_in(username)
        recipient = self._require_recipient(username, to)
        if self.presence_of(recipient.username) != Presence.OFFLINE:
            self.hub.publish([to], "desk.typing", "put",
                             {"from": username, "name": self._name(username), "typing": typing})

    def messages(self, username: str, after: int) -> list[dict[str, Any]]:
        """The user's messages since they signed in to desktop chat, after id ``after``."""
        state = self._presence.get(username)
        since = state.session_started if state else time.time()
        rows = self.store.rows(
            f"SELECT {MESSAGE_COLUMNS} FROM desk_messages WHERE id > ? AND ts >= ?"
            " AND (sender = ? OR recipient = ?) ORDER BY id LIMIT ?",
            (after, since, username, username, HISTORY_LIMIT),
        )
        return [self._message_view(row) for row in rows]

    # -- attachments -------------------------------------------------------------------------------
    def check_offer(self, username: str, to: str, name: str, size: int | None) -> str:
        """Everything about an offer that can be known before its bytes arrive; the clean name."""
        self._require_signed_in(username)
        recipient = self._require_recipient(username, to)
        cleaned = self.policy.check_name(name)
        if size is not None:
            self.policy.check_size(size)
        self._require_reachable(recipient)
        return cleaned

    async def offer_file(self, username: str, to: str, name: str, chunks: AsyncIterator[bytes]) -> dict[str, Any]:
        """Receives the file, then offers it to ``to``; over the size limit nothing is kept."""
        cleaned = self.check_offer(username, to, name, None)
        token = secrets.token_hex(16)
        path = self.files / token
        size = 0
        try:
            with path.open("xb") as file:
                async for chunk in chunks:
                    size += len(chunk)
                    self.policy.check_size(size)
                    file.write(chunk)
                file.flush()
                await asyncio.to_thread(os.fsync, file.fileno())
            self._require_reachable(self._user(to))  # they may have signed out meanwhile
            first = not self._chatted(username, to)
            message_id = self.store.execute(
                "INSERT INTO desk_messages(sender, recipient, ts, kind, text, file_name, file_size, file_state,"
                " file_token) VALUES (?, ?, ?, 'file', ?, ?, ?, ?, ?)",
                (username, to, time.time(), cleaned, cleaned, size, OFFERED, token),
            )
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return self._deliver(message_id, first)

    def _offer_to(self, username: str, message_id: int) -> tuple[str, str, int, str]:
        """(sender, name, size, token) of a file offered to ``username`` and not answered yet."""
        rows = self.store.rows(
            "SELECT sender, file_name, file_size, file_state, file_token FROM desk_messages"
            " WHERE id = ? AND recipient = ? AND kind = 'file'",
            (message_id, username),
        )
        if not rows:
            raise CallboardError("desk.attachment.not_found", f"No file {message_id} was offered to you.")
        sender, name, size, state, token = rows[0]
        if state != OFFERED:
            raise CallboardError("desk.attachment.answered", f"You already {state} {name}.")
        return sender, name, size, token

    def attachment_content(self, username: str, message_id: int) -> tuple[str, int, Iterator[bytes]]:
        _sender, name, size, token = self._offer_to(username, message_id)
        path = self.files / token
        if not path.is_file():
            raise CallboardError("desk.attachment.not_found", f"{name} is no longer on the server.")

        def chunks() -> Iterator[bytes]:
            # Answered meanwhile (from another console): the body ends short, and the
            # receiving console, which knows the size, reports the download as failed.
            try:
                with path.open("rb") as file:
                    while chunk := file.read(FILE_CHUNK):
                        yield chunk
            except FileNotFoundError:
                return

        return name, size, chunks()

    def answer_file(self, username: str, message_id: int, accept: bool) -> dict[str, Any]:
        sender, _name, _size, token = self._offer_to(username, message_id)
        self.store.execute("UPDATE desk_messages SET file_state = ? WHERE id = ?",
                           (ACCEPTED if accept else DECLINED, message_id))
        (self.files / token).unlink(missing_ok=True)
        view = self._message(message_id)
        assert view is not None
        self.hub.publish([sender, username], "desk.attachment", "put", view)
        return view

    # -- the event stream ---------------------------------------------------------------------------
    def snapshot(self, username: str) -> dict[str, Any]:
        return {"me": self.me(username), "roster": self.roster(username), "policy": self.policy.to_dict()}

    def snapshot_frames(self, username: str) -> list[tuple[str, dict[str, Any]]]:
        """Desktop chat's part of what a fresh event stream starts with."""
        return [("desk.session", self.snapshot(username))]
