"""Desktop chat between colleagues: presence, contact groups, messages and attachments.

Agents and supervisors chat with each other as Cisco Finesse's Desktop Chat lets them.
Desktop-chat presence is separate from the ACD status: signing in to desktop chat or
going Away there changes nothing about routing, and the other way round.

This module holds the rules every implementation keeps (which presences exist, what a
valid group or display name is, what may go into a user's contact list, which files may
be sent) and ``DesktopChatService``, the interface the agent API calls. The embedded
server implements it over its own store (``console.server.desktop_chat``); an external
XMPP server (Cisco IM&P, ejabberd, Prosody) can implement the same interface later, and
neither the API nor the console changes.
"""

from __future__ import annotations

import unicodedata
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from console.core.errors import CallboardError


class Presence(StrEnum):
    """What colleagues see of a user in desktop chat."""

    AVAILABLE = "available"
    AWAY = "away"
    DND = "dnd"
    """Do Not Disturb: messages still arrive, but the console neither pops up nor rings."""
    OFFLINE = "offline"
    """Signed out of desktop chat, or of the console altogether."""


SELECTABLE_PRESENCES = (Presence.AVAILABLE, Presence.AWAY, Presence.DND)
"""What a signed-in user may choose; Offline is what signing out means."""

RECENT_CHATS = "Recent Chats"
"""The group every user has of the colleagues they chatted with lately; not a real group."""

MAX_MESSAGE_CHARS = 4000
"""Longest desktop-chat message, as for chats with visitors."""
MAX_GROUP_NAME_CHARS = 40
MAX_DISPLAY_NAME_CHARS = 60
MAX_FILE_NAME_CHARS = 200
MAX_GROUPS = 50
"""Groups one user may own."""
MAX_CONTACTS = 500
"""Contacts (group entries) one user may keep."""
RECENT_LIMIT = 10
"""How many colleagues Recent Chats lists, most recent first."""

DEFAULT_ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_ATTACHMENT_TYPES = (
    ".pdf", ".txt", ".csv", ".log", ".png", ".jpg", ".jpeg", ".gif",
    ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".odt", ".ods", ".zip",
)
"""File name endings colleagues may send each other unless the server settings say otherwise."""


def parse_presence(value: str) -> Presence:
    """A presence a signed-in user may choose; Offline is reached by signing out."""
    try:
        presence = Presence(value)
    except ValueError:
        presence = None
    if presence is None or presence not in SELECTABLE_PRESENCES:
        choices = ", ".join(p.value for p in SELECTABLE_PRESENCES)
        raise CallboardError(
            "desk.presence.unknown", f"No presence {value!r}: choose {choices} (sign out to appear offline)."
        )
    return presence


# -- names --------------------------------------------------------------------------------


def _printable(text: str) -> bool:
    return not any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in text)


def clean_group_name(name: str) -> str:
    """A group name as stored: trimmed, not empty, not too long, not the Recent Chats group."""
    cleaned = " ".join(name.split())
    if not cleaned:
        raise CallboardError("desk.group.name_invalid", "A group needs a name.")
    if len(cleaned) > MAX_GROUP_NAME_CHARS:
        raise CallboardError(
            "desk.group.name_invalid", f"Group names are at most {MAX_GROUP_NAME_CHARS} characters."
        )
    if not _printable(cleaned):
        raise CallboardError("desk.group.name_invalid", "Group names cannot hold control characters.")
    if cleaned.casefold() == RECENT_CHATS.casefold():
        raise CallboardError("desk.group.name_invalid", f"{RECENT_CHATS!r} is kept by desktop chat itself.")
    return cleaned


def clean_display_name(name: str) -> str:
    """A contact's display name as stored: trimmed, not empty, not too long."""
    cleaned = " ".join(name.split())
    if not cleaned:
        raise CallboardError("desk.contact.name_invalid", "A contact needs a display name.")
    if len(cleaned) > MAX_DISPLAY_NAME_CHARS:
        raise CallboardError(
            "desk.contact.name_invalid", f"Display names are at most {MAX_DISPLAY_NAME_CHARS} characters."
        )
    if not _printable(cleaned):
        raise CallboardError("desk.contact.name_invalid", "Display names cannot hold control characters.")
    return cleaned


def check_message(text: str) -> None:
    if not text.strip():
        raise CallboardError("message.empty", "The message is empty.")
    if len(text) > MAX_MESSAGE_CHARS:
        raise CallboardError("message.too_long", f"Messages are at most {MAX_MESSAGE_CHARS} characters.")


# -- attachments --------------------------------------------------------------------------


def clean_file_name(name: str) -> str:
    """The name a sent file travels under: a plain file name, never a path."""
    cleaned = name.strip()
    if (
        not cleaned
        or cleaned in (".", "..")
        or "/" in cleaned
        or "\\" in cleaned
        or len(cleaned) > MAX_FILE_NAME_CHARS
        or not _printable(cleaned)
    ):
        raise CallboardError(
            "desk.attachment.name_invalid",
            f"{name[:60]!r} is not a file name: no folders, no control characters, at most "
            f"{MAX_FILE_NAME_CHARS} characters.",
        )
    return cleaned


def file_type(name: str) -> str:
    """The ending that decides whether a file may be sent: ``.pdf`` for ``Q3 report.PDF``."""
    stem, dot, ending = name.rpartition(".")
    return f".{ending.lower()}" if dot and stem else ""


def format_size(size: int) -> str:
    """``512 bytes``, ``12.5 KB``, ``3.2 MB``."""
    if size < 1024:
        return f"{size} byte" if size == 1 else f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


@dataclass(frozen=True, slots=True)
class AttachmentPolicy:
    """What colleagues may send each other: a size limit and the allowed file types.

    ``allowed_types`` holds file name endings with their dot (``.pdf``), lower case; empty
    allows every type.
    """

    max_bytes: int = DEFAULT_ATTACHMENT_MAX_BYTES
    allowed_types: tuple[str, ...] = DEFAULT_ATTACHMENT_TYPES

    def check_name(self, name: str) -> str:
        cleaned = clean_file_name(name)
        if self.allowed_types and file_type(cleaned) not in self.allowed_types:
            raise CallboardError(
                "desk.attachment.type_not_allowed",
                f"{cleaned} cannot be sent: allowed types are {', '.join(self.allowed_types)}.",
            )
        return cleaned

    def check_size(self, size: int) -> None:
        if size > self.max_bytes:
            raise CallboardError(
                "desk.attachment.too_large",
                f"The file is {format_size(size)}; attachments are at most {format_size(self.max_bytes)}.",
            )

    def to_dict(self) -> dict[str, Any]:
        return {"max_bytes": self.max_bytes, "allowed_types": list(self.allowed_types)}


# -- contacts and groups --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GroupTarget:
    """Where contacts go: one of the owner's groups (``group_id``) or a new one (``new_group``)."""

    group_id: int | None = None
    new_group: str | None = None

    def __post_init__(self) -> None:
        if (self.group_id is None) == (self.new_group is None):
            raise CallboardError(
                "desk.group.target_required", "Name exactly one of group_id (an existing group) or new_group."
            )


@dataclass(slots=True)
class RosterContact:
    """A colleague in the owner's contact list: one display name, in one or more groups."""

    username: str
    display_name: str
    group_ids: set[int] = field(default_factory=set)


@dataclass(slots=True)
class Roster:
    """One user's groups and contacts, and the rules for changing them.

    The checks raise ``CallboardError`` before anything is changed; the service applies a
    change only after its check passed, so a refused request leaves the roster as it was.
    """

    owner: str
    groups: dict[int, str] = field(default_factory=dict)
    """Group id -> name."""
    contacts: dict[str, RosterContact] = field(default_factory=dict)

    def entries(self) -> int:
        return sum(len(c.group_ids) for c in self.contacts.values())

    def group(self, group_id: int) -> str:
        """The name of one of the owner's groups; another user's group is not found either."""
        name = self.groups.get(group_id)
        if name is None:
            raise CallboardError("desk.group.not_found", f"You have no group {group_id}.")
        return name

    def check_new_group(self, name: str, *, renaming: int | None = None) -> str:
        cleaned = clean_group_name(name)
        for group_id, existing in self.groups.items():
            if group_id != renaming and existing.casefold() == cleaned.casefold():
                raise CallboardError("desk.group.duplicate", f"You already have a group called {existing!r}.")
        if renaming is None and len(self.groups) >= MAX_GROUPS:
            raise CallboardError("desk.roster.full", f"You can keep at most {MAX_GROUPS} groups.")
        return cleaned

    def check_target(self, target: GroupTarget) -> int | str:
        """The existing group's id, or the cleaned name of the group to create."""
        if target.group_id is not None:
            self.group(target.group_id)
            return target.group_id
        assert target.new_group is not None
        return self.check_new_group(target.new_group)

    def check_add(self, username: str, target: GroupTarget) -> int | str:
        if username == self.owner:
            raise CallboardError("desk.contact.self", "You cannot add yourself as a contact.")
        where = self.check_target(target)
        contact = self.contacts.get(username)
        if isinstance(where, int) and contact is not None and where in contact.group_ids:
            raise CallboardError(
                "desk.contact.duplicate", f"{contact.display_name} is already in {self.groups[where]}."
            )
        if self.entries() >= MAX_CONTACTS:
            raise CallboardError("desk.roster.full", f"You can keep at most {MAX_CONTACTS} contacts.")
        return where

    def check_entries(self, entries: Iterable[tuple[str, int]]) -> list[tuple[str, int]]:
        """Each (username, group id) must be a contact in that group of the owner's; duplicates drop."""
        checked: list[tuple[str, int]] = []
        for username, group_id in entries:
            group = self.group(group_id)
            contact = self.contacts.get(username)
            if contact is None or group_id not in contact.group_ids:
                raise CallboardError("desk.contact.not_found", f"{username!r} is not a contact in {group}.")
            if (username, group_id) not in checked:
                checked.append((username, group_id))
        if not checked:
            raise CallboardError("desk.contact.not_found", "Name at least one contact.")
        return checked


# -- the service interface ----------------------------------------------------------------


class DesktopChatEvents(Protocol):
    """Where a desktop-chat service sends what users must hear of at once: the agent event
    stream (the server's ``EventHub`` is one). ``topic`` is one of ``desk.presence``,
    ``desk.roster``, ``desk.message``, ``desk.typing``, ``desk.attachment``."""

    def publish(self, usernames: Iterable[str], topic: str, kind: str, data: dict[str, Any]) -> None: ...


class DesktopChatService(Protocol):
    """Desktop chat as the agent API uses it; every method acts for ``username``.

    Results are JSON-ready dictionaries in the shapes ``docs/api.md`` documents; refusals
    are ``CallboardError`` with a ``desk.*`` (or ``message.*``) code and change nothing.
    """

    # presence
    def presence_of(self, username: str) -> str:
        """``available``, ``away``, ``dnd`` or ``offline``, as colleagues see the user now."""
        ...

    def me(self, username: str) -> dict[str, Any]: ...
    def sign_in(self, username: str) -> dict[str, Any]: ...
    def sign_out(self, username: str) -> dict[str, Any]: ...
    def set_presence(self, username: str, presence: Presence) -> dict[str, Any]: ...

    # directory, contacts and groups
    def search(self, username: str, query: str) -> list[dict[str, Any]]: ...
    def roster(self, username: str) -> dict[str, Any]: ...
    def create_group(self, username: str, name: str) -> dict[str, Any]: ...
    def rename_group(self, username: str, group_id: int, name: str) -> dict[str, Any]: ...
    def delete_group(self, username: str, group_id: int) -> dict[str, Any]: ...
    def add_contact(self, username: str, contact: str, display_name: str | None,
                    target: GroupTarget) -> dict[str, Any]: ...
    def edit_contact(self, username: str, contact: str, group_id: int, display_name: str | None,
                     target: GroupTarget | None) -> dict[str, Any]: ...
    def move_contacts(self, username: str, entries: list[tuple[str, int]], target: GroupTarget) -> dict[str, Any]: ...
    def delete_contacts(self, username: str, entries: list[tuple[str, int]]) -> dict[str, Any]: ...

    # conversations
    def send_message(self, username: str, to: str, text: str) -> dict[str, Any]: ...
    def set_typing(self, username: str, to: str, typing: bool) -> None: ...
    def messages(self, username: str, after: int) -> list[dict[str, Any]]: ...

    # attachments
    def check_offer(self, username: str, to: str, name: str, size: int | None) -> str: ...
    async def offer_file(self, username: str, to: str, name: str, chunks: AsyncIterator[bytes]) -> dict[str, Any]: ...
    def attachment_content(self, username: str, message_id: int) -> tuple[str, int, Iterator[bytes]]: ...
    def answer_file(self, username: str, message_id: int, accept: bool) -> dict[str, Any]: ...

    # the event stream
    def snapshot(self, username: str) -> dict[str, Any]: ...
