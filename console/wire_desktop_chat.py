"""Wire models of desktop chat (``/api/v1/desktop-chat``), shared by the server and the client.

JSON on the wire and nothing else; the fields are documented in ``docs/api.md``
("Desktop chat"). Lengths are bounded here only generously: the service checks the
real limits and answers with its own ``desk.*`` codes.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from console.wire import StrictRequest, WireModel

Id = Annotated[int, Field(ge=1, le=2**53)]
"""Group and message ids: positive integers (JSON-safe)."""

PresenceName = Literal["available", "away", "dnd", "offline"]


# -- requests ------------------------------------------------------------------


class PresenceRequest(StrictRequest):
    presence: str = Field(min_length=1, max_length=20)


class GroupRequest(StrictRequest):
    name: str = Field(max_length=1000)


class ContactRef(StrictRequest):
    """A contact as it appears in one group: who, and which group."""

    username: str = Field(min_length=1, max_length=100)
    group_id: Id


class AddContactRequest(StrictRequest):
    username: str = Field(min_length=1, max_length=100)
    display_name: str | None = Field(default=None, max_length=1000)
    """Default: the name the directory has for them (or the name they already have here)."""
    group_id: Id | None = None
    new_group: str | None = Field(default=None, max_length=1000)


class EditContactRequest(StrictRequest):
    group_id: Id
    """The group the contact is edited in."""
    display_name: str | None = Field(default=None, max_length=1000)
    to_group_id: Id | None = None
    """Move the contact from ``group_id`` to this group of yours..."""
    new_group: str | None = Field(default=None, max_length=1000)
    """...or to a new group of this name."""


class MoveContactsRequest(StrictRequest):
    contacts: list[ContactRef] = Field(min_length=1, max_length=500)
    group_id: Id | None = None
    new_group: str | None = Field(default=None, max_length=1000)


class DeleteContactsRequest(StrictRequest):
    contacts: list[ContactRef] = Field(min_length=1, max_length=500)


class DeskMessageRequest(StrictRequest):
    to: str = Field(min_length=1, max_length=100)
    text: str = Field(max_length=100_000)
    """Checked by the service: empty gives ``message.empty``, over 4,000 ``message.too_long``."""


class DeskTypingRequest(StrictRequest):
    to: str = Field(min_length=1, max_length=100)
    typing: bool


# -- responses -----------------------------------------------------------------


class DeskMe(WireModel):
    username: str
    name: str
    signed_in: bool
    presence: PresenceName


class DeskContact(WireModel):
    username: str
    display_name: str
    name: str
    """The colleague's name in the directory."""
    presence: PresenceName


class DeskGroup(WireModel):
    id: int
    name: str
    contacts: list[DeskContact]


class RecentChat(WireModel):
    username: str
    name: str
    display_name: str
    """The owner's display name for them when they are a contact, else their directory name."""
    presence: PresenceName
    last_at: float


class DeskRoster(WireModel):
    groups: list[DeskGroup]
    recent: list[RecentChat]


class AttachmentPolicyView(WireModel):
    max_bytes: int
    allowed_types: list[str]


class DeskSnapshot(WireModel):
    me: DeskMe
    roster: DeskRoster
    policy: AttachmentPolicyView


class DirectoryEntry(WireModel):
    username: str
    name: str
    role: str
    workgroups: list[str]
    presence: PresenceName


class DeskFile(WireModel):
    name: str
    size: int
    state: Literal["offered", "accepted", "declined"]


class DeskMessage(WireModel):
    id: int
    sender: str = Field(alias="from")
    from_name: str
    to: str
    to_name: str
    ts: float
    kind: Literal["text", "file"]
    text: str
    file: DeskFile | None = None


class DeskPresenceChange(WireModel):
    username: str
    name: str
    presence: PresenceName


class DeskTyping(WireModel):
    sender: str = Field(alias="from")
    name: str
    typing: bool
