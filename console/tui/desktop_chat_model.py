"""What the console knows of desktop chat, kept current by the event stream.

Pure data and rules, no widgets: the desktop-chat controller applies each ``desk.*``
event here, then the screen redraws what changed. The rules that decide what a user
sees live here so they can be read and tested without a terminal: which name a
colleague goes by, when a message counts as unread, which conversation comes next.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from console.wire_desktop_chat import (
    AttachmentPolicyView,
    DeskMe,
    DeskMessage,
    DeskRoster,
    DeskSnapshot,
    RecentChat,
)

AVAILABLE, AWAY, DND, OFFLINE = "available", "away", "dnd", "offline"
PRESENCE_LABELS = {AVAILABLE: "Available", AWAY: "Away", DND: "Do Not Disturb", OFFLINE: "Offline"}
PRESENCE_MARKS = {AVAILABLE: "●", AWAY: "◐", DND: "⊘", OFFLINE: "○"}
"""A shape per presence, so it reads without colour too."""
RECENT_LIMIT = 10
OFFERED = "offered"


def presence_label(presence: str) -> str:
    return PRESENCE_LABELS.get(presence, presence)


@dataclass(slots=True)
class Conversation:
    """A conversation with one colleague, as a tab of the desktop-chat screen."""

    username: str
    name: str
    """The colleague's display name (the contact's, else the directory's)."""
    messages: dict[int, DeskMessage] = field(default_factory=dict)
    unread: int = 0
    typing: bool = False
    """Whether the colleague is typing to me right now."""
    draft: str = ""
    """What I typed and have not sent; kept while the screen is closed."""

    def ordered(self) -> list[DeskMessage]:
        return [self.messages[i] for i in sorted(self.messages)]

    def pending_offer(self, me: str) -> DeskMessage | None:
        """The newest file offered to me here that I have not answered."""
        offers = [m for m in self.ordered() if m.file is not None and m.to == me and m.file.state == OFFERED]
        return offers[-1] if offers else None


@dataclass(slots=True)
class Arrival:
    """What a message did on arrival: the screen and the notifications follow it."""

    conversation: Conversation
    message: DeskMessage
    incoming: bool
    opened: bool
    """A new conversation (tab) was opened for it."""
    unread: bool
    """It counts as unread (incoming, and its conversation was not in view)."""


@dataclass(slots=True)
class DeskState:
    """The signed-in user's desktop chat."""

    username: str
    me: DeskMe | None = None
    roster: DeskRoster = field(default_factory=lambda: DeskRoster(groups=[], recent=[]))
    policy: AttachmentPolicyView | None = None
    presence: dict[str, str] = field(default_factory=dict)
    """Colleague -> presence, from the roster and every presence change since."""
    names: dict[str, str] = field(default_factory=dict)
    """Colleague -> directory name, as learnt from messages and lists."""
    conversations: dict[str, Conversation] = field(default_factory=dict)
    """Open conversations in the order their tabs were opened."""
    front: str | None = None
    """The conversation last in front on the desktop-chat screen, shown again on return."""

    # -- applying events -----------------------------------------------------------------
    @property
    def my_presence(self) -> str:
        return self.me.presence if self.me else OFFLINE

    @property
    def signed_in(self) -> bool:
        return bool(self.me and self.me.signed_in)

    def apply_snapshot(self, data: dict[str, Any]) -> None:
        snapshot = DeskSnapshot.model_validate(data)
        self.me = snapshot.me
        self.policy = snapshot.policy
        self.apply_roster(snapshot.roster)

    def apply_me(self, me: DeskMe) -> None:
        self.me = me

    def apply_roster(self, roster: DeskRoster | dict[str, Any]) -> None:
        self.roster = roster if isinstance(roster, DeskRoster) else DeskRoster.model_validate(roster)
        for group in self.roster.groups:
            for contact in group.contacts:
                self.presence[contact.username] = contact.presence
                self.names[contact.username] = contact.name
        for recent in self.roster.recent:
            self.presence[recent.username] = recent.presence
            self.names[recent.username] = recent.name
        for conversation in self.conversations.values():
            conversation.name = self.display_name(conversation.username)

    def apply_presence(self, data: dict[str, Any]) -> str:
        """A presence change; returns whose."""
        username, presence = data["username"], data["presence"]
        self.names.setdefault(username, data.get("name") or username)
        if username == self.username and self.me is not None:
            # Heard by a console that is connected: Offline can only mean signed out of desktop
            # chat (from this console or another one of mine).
            self.me = self.me.model_copy(update={"presence": presence, "signed_in": presence != OFFLINE})
        self.presence[username] = presence
        return username

    def presence_of(self, username: str) -> str:
        return self.presence.get(username, OFFLINE)

    def display_name(self, username: str) -> str:
        """What I call a colleague: my contact's display name, else the directory's name."""
        for group in self.roster.groups:
            for contact in group.contacts:
                if contact.username == username:
                    return contact.display_name
        return self.names.get(username, username)

    def is_contact(self, username: str) -> bool:
        return any(c.username == username for g in self.roster.groups for c in g.contacts)

    # -- conversations ---------------------------------------------------------------------
    def open(self, username: str) -> tuple[Conversation, bool]:
        """The conversation with ``username``, opened if needed; and whether it was new."""
        conversation = self.conversations.get(username)
        if conversation is not None:
            return conversation, False
        conversation = self.conversations[username] = Conversation(username, self.display_name(username))
        return conversation, True

    def close(self, username: str) -> None:
        self.conversations.pop(username, None)

    def receive(self, message: DeskMessage, *, in_view: str | None, count_unread: bool = True) -> Arrival | None:
        """Files a message into its conversation; None when it was already there.

        ``in_view`` is the conversation the user is looking at (None when the
        desktop-chat screen is not in front); a message from anyone else counts as unread.
        """
        incoming = message.sender != self.username
        peer = message.sender if incoming else message.to
        self.names.setdefault(peer, message.from_name if incoming else message.to_name)
        conversation, opened = self.open(peer)
        if message.id in conversation.messages:
            conversation.messages[message.id] = message  # a file's state may have changed
            return None
        conversation.messages[message.id] = message
        if incoming:
            conversation.typing = False  # a message ends the typing it announced
        unread = incoming and count_unread and in_view != peer
        if unread:
            conversation.unread += 1
        self._remember_recent(peer, message.ts)
        return Arrival(conversation, message, incoming, opened, unread)

    def update_file(self, message: DeskMessage) -> Conversation | None:
        """A file offer was answered; returns its conversation when it is open."""
        peer = message.to if message.sender == self.username else message.sender
        conversation = self.conversations.get(peer)
        if conversation is not None:
            conversation.messages[message.id] = message
        return conversation

    def set_typing(self, username: str, typing: bool) -> Conversation | None:
        conversation = self.conversations.get(username)
        if conversation is not None:
            conversation.typing = typing
        return conversation

    def mark_read(self, username: str) -> bool:
        conversation = self.conversations.get(username)
        if conversation is None or not conversation.unread:
            return False
        conversation.unread = 0
        return True

    @property
    def unread(self) -> int:
        return sum(c.unread for c in self.conversations.values())

    def next_unread(self, after: str | None) -> str | None:
        """The first conversation with unread messages after ``after``, wrapping around."""
        names = list(self.conversations)
        start = names.index(after) + 1 if after in names else 0
        for username in names[start:] + names[:start]:
            if self.conversations[username].unread and username != after:
                return username
        return None

    def _remember_recent(self, username: str, ts: float) -> None:
        recent = [r for r in self.roster.recent if r.username != username]
        entry = RecentChat(username=username, name=self.names.get(username, username),
                           display_name=self.display_name(username), presence=self.presence_of(username),
                           last_at=ts)
        self.roster = self.roster.model_copy(update={"recent": [entry, *recent][:RECENT_LIMIT]})
