"""Web chats as the IWT visitor sees them: participants, numbered feeds, system texts.

The contact center tells this class what happens to an interaction (alerting, an agent
joins, writes, leaves); it turns each happening into the IWT events of the visitor's
feed, stores them, and hands them out when the visitor polls.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from console.core.errors import CallboardError
from console.core.interactions import Interaction, InteractionState, InteractionType
from console.core.visitor_feed import SystemMessages, VisitorFeed
from console.server.contact_center import ContactCenter, VisitorRequest
from console.server.store import Store

ENDED_CHAT_RETENTION = 600.0
"""Seconds an ended chat still answers polls before its participant id is forgotten."""

FileSource = Callable[[int], "tuple[str, str, bytes] | None"]
"""Looks a stored file up by id: (name, content type, bytes), or None when it is gone."""


@dataclass(slots=True)
class VisitorChat:
    """One visitor participant of one web chat."""

    participant_id: str
    chat_id: str
    interaction_id: str
    name: str
    address: str
    feed: VisitorFeed
    agent_participants: dict[str, str] = field(default_factory=dict)
    """Agent username to the participant id the visitor knows them by."""
    ended_at: float | None = None
    websvcs: str = "/websvcs"
    """Where the visitor reached the visitor API (``/websvcs`` or behind ``/I3Root/...``): file links start there."""
    last_active: float | None = None
    """When the visitor last wrote or started typing (kept while idle visitors are watched)."""
    idle_warned_at: float | None = None
    """When the visitor was last warned of being idle (idle_visitors.py)."""

    def record(self) -> dict[str, Any]:
        return {
            "participant_id": self.participant_id, "chat_id": self.chat_id,
            "interaction_id": self.interaction_id, "name": self.name, "address": self.address,
            "agent_participants": self.agent_participants, "ended_at": self.ended_at,
            "websvcs": self.websvcs, "last_active": self.last_active,
            "idle_warned_at": self.idle_warned_at,
        }


class WebChats:
    """The visitor side of every web chat; plugged into the contact center."""

    def __init__(self, center: ContactCenter, store: Store, messages: SystemMessages | None = None) -> None:
        self.center = center
        self.store = store
        self.messages = messages or SystemMessages()
        self.by_participant: dict[str, VisitorChat] = {}
        self.by_chat: dict[str, VisitorChat] = {}
        self.by_interaction: dict[str, VisitorChat] = {}
        self.files: FileSource | None = None
        """Where ``getFile`` finds the files agents sent (the response library)."""
        self.keep_activity = False
        """Store when each visitor was last active (on while idle visitors are watched)."""
        center.visitors = self

    def load(self) -> None:
        cutoff = time.time() - ENDED_CHAT_RETENTION
        for r in self.store.visitor_chats(ended_after=cutoff):
            feed = VisitorFeed.restore(r["participant_id"], self.store.visitor_events(r["participant_id"]))
            chat = VisitorChat(
                r["participant_id"], r["chat_id"], r["interaction_id"], r["name"], r.get("address", ""),
                feed, dict(r.get("agent_participants", {})), r.get("ended_at"), r.get("websvcs", "/websvcs"),
                r.get("last_active"), r.get("idle_warned_at"),
            )
            self._index(chat)

    def _index(self, chat: VisitorChat) -> None:
        self.by_participant[chat.participant_id] = chat
        self.by_chat[chat.chat_id] = chat
        self.by_interaction[chat.interaction_id] = chat

    def _save(self, chat: VisitorChat) -> None:
        self.store.save_visitor_chat(chat.participant_id, chat.chat_id, chat.interaction_id, chat.record())

    def _emit(self, chat: VisitorChat, event: dict[str, Any]) -> None:
        self.store.append_visitor_event(chat.participant_id, event)

    # -- visitor requests ---------------------------------------------------------------
    def start(self, request: VisitorRequest, *, email: str = "", websvcs: str = "/websvcs") -> VisitorChat:
        interaction = self.center.new_interaction(
            InteractionType.CHAT, request, remote_address=email or request.address
        )
        name = request.name
        chat = VisitorChat(
            str(uuid.uuid4()), str(uuid.uuid4()), interaction.id, name, request.address, VisitorFeed(""),
            websvcs=websvcs,
        )
        chat.feed.participant_id = chat.participant_id
        self._index(chat)
        self._save(chat)
        self._emit(chat, chat.feed.state_changed(chat.participant_id, "active", name, "WebUser"))
        self._system(chat, interaction, self.messages.fill(self.messages.welcome, name), to_agent=False)
        target = interaction.target_agent
        queue_name = self.center.agents[target].name if target else interaction.workgroup
        self._system(chat, interaction, self.messages.fill(self.messages.queued, queue_name), to_agent=False)
        self.center.queue_interaction(interaction)
        return chat

    def chat_of(self, participant_id: str) -> VisitorChat:
        chat = self.by_participant.get(participant_id)
        if chat is None:
            raise CallboardError("participant.unknown", f"No participant {participant_id!r}.")
        return chat

    def _live(self, participant_id: str) -> tuple[VisitorChat, Interaction]:
        chat = self.chat_of(participant_id)
        interaction = self.center.interactions.get(chat.interaction_id)
        if chat.ended_at is not None or interaction is None or not interaction.is_active:
            raise CallboardError("participant.ended", "This chat has ended.")
        return chat, interaction

    def poll(self, participant_id: str) -> list[dict[str, Any]]:
        chat = self.chat_of(participant_id)
        return chat.feed.take_undelivered()

    def send(self, participant_id: str, text: str) -> list[dict[str, Any]]:
        chat, interaction = self._live(participant_id)
        self._active(chat)
        self._emit(chat, chat.feed.text(chat.participant_id, text, chat.name, "WebUser"))
        self.center.visitor_text(interaction, text)
        return chat.feed.take_undelivered()

    def set_typing(self, participant_id: str, typing: bool) -> list[dict[str, Any]]:
        chat, interaction = self._live(participant_id)
        if typing:
            self._active(chat)
        self.center.visitor_typing(interaction, typing)
        return self.poll(participant_id)

    def _active(self, chat: VisitorChat) -> None:
        """The visitor is there: a message, or starting to type (see idle_visitors.py)."""
        if self.keep_activity:
            chat.last_active = time.time()
            self._save(chat)

    def exit(self, participant_id: str) -> list[dict[str, Any]]:
        chat = self.chat_of(participant_id)
        self._leave(chat)
        return chat.feed.take_undelivered()

    def _leave(self, chat: VisitorChat) -> None:
        interaction = self.center.interactions.get(chat.interaction_id)
        if chat.ended_at is None:
            self._emit(chat, chat.feed.state_changed(chat.participant_id, "disconnected", chat.name, "WebUser"))
            self._emit(chat, chat.feed.system_text(self.messages.fill(self.messages.left, chat.name)))
            self._end(chat)
            if interaction is not None:
                self.center.visitor_left(interaction)

    def reconnect(self, chat_id: str) -> VisitorChat:
        """A client that lost its server (or its page) resumes the chat by chat id."""
        chat = self.by_chat.get(chat_id)
        if chat is None:
            raise CallboardError("chat.unknown", f"No chat {chat_id!r}.")
        chat.feed.redeliver_from(0)
        return chat

    def warn_idle(self, chat: VisitorChat, interaction: Interaction, now: float, *, idle_for: str, grace: str) -> None:
        """Tells the visitor, and the agent in the transcript, that the chat ends soon unless they write."""
        chat.idle_warned_at = now
        self._save(chat)
        self._system(chat, interaction, self.messages.fill(self.messages.idle_warning, chat.name, idle_for, grace))

    def end_idle(self, chat: VisitorChat, interaction: Interaction, *, idle_for: str) -> None:
        """The grace time ran out: the visitor is disconnected as if they had left, and the
        agent reads why."""
        self.center.add_transcript(
            interaction, "system", "system", "System", "system",
            f"{chat.name} was disconnected after being idle for {idle_for}.",
        )
        self._leave(chat)

    def _end(self, chat: VisitorChat) -> None:
        chat.ended_at = time.time()
        self._save(chat)

    def _system(self, chat: VisitorChat, interaction: Interaction, text: str, *, to_agent: bool = True) -> None:
        self._emit(chat, chat.feed.system_text(text))
        if to_agent:
            self.center.add_transcript(interaction, "system", "system", "System", "system", text)

    def _agent_pid(self, chat: VisitorChat, username: str) -> str:
        pid = chat.agent_participants.get(username)
        if pid is None:
            pid = str(uuid.uuid4())
            chat.agent_participants[username] = pid
            self._save(chat)
        return pid

    def estimated_wait(self, workgroup: str) -> int:
        """Seconds; the longest current wait stands in until handle-time statistics exist."""
        waiting = [
            i for i in self.center.interactions.values()
            if i.workgroup == workgroup and i.state is InteractionState.WAITING
        ]
        if not waiting:
            return 0
        return int(time.time() - min(i.queued_at for i in waiting))

    # -- VisitorChannel: what the contact center tells us --------------------------------------
    def on_queued(self, interaction: Interaction) -> None:
        chat = self.by_interaction.get(interaction.id)
        if chat:
            self._emit(chat, chat.feed.system_text(self.messages.fill(self.messages.queued, interaction.workgroup)))

    def on_alerting(self, interaction: Interaction, agent_name: str) -> None:
        chat = self.by_interaction.get(interaction.id)
        if chat:
            self._emit(chat, chat.feed.system_text(self.messages.fill(self.messages.alerting, agent_name)))

    def on_agent_joined(self, interaction: Interaction, username: str, agent_name: str) -> None:
        chat = self.by_interaction.get(interaction.id)
        if chat:
            pid = self._agent_pid(chat, username)
            self._emit(chat, chat.feed.state_changed(pid, "active", agent_name, "Agent"))
            self._emit(chat, chat.feed.system_text(self.messages.fill(self.messages.joined, agent_name)))

    def on_agent_left(self, interaction: Interaction, username: str, agent_name: str) -> None:
        chat = self.by_interaction.get(interaction.id)
        if chat and chat.ended_at is None:
            pid = self._agent_pid(chat, username)
            self._emit(chat, chat.feed.state_changed(pid, "disconnected", agent_name, "Agent"))
            self._emit(chat, chat.feed.system_text(self.messages.fill(self.messages.left, agent_name)))

    def on_agent_text(self, interaction: Interaction, username: str, agent_name: str, text: str) -> None:
        chat = self.by_interaction.get(interaction.id)
        if chat and chat.ended_at is None:
            self._emit(chat, chat.feed.text(self._agent_pid(chat, username), text, agent_name, "Agent"))

    def on_agent_typing(self, interaction: Interaction, username: str, typing: bool) -> None:
        chat = self.by_interaction.get(interaction.id)
        if chat is None or chat.ended_at is not None:
            return
        pid = self._agent_pid(chat, username)
        last = self._last_typing(chat, pid)
        if last != typing:
            self._emit(chat, chat.feed.typing(pid, typing))

    @staticmethod
    def _last_typing(chat: VisitorChat, pid: str) -> bool:
        for event in reversed(chat.feed.events):
            if event["participantID"] != pid:
                continue
            if event["type"] == "typingIndicator":
                return bool(event["value"])
            if event["type"] in ("text", "participantStateChanged"):
                return False
        return False

    def on_ended_by_agent(self, interaction: Interaction) -> None:
        chat = self.by_interaction.get(interaction.id)
        if chat and chat.ended_at is None:
            self._emit(chat, chat.feed.state_changed(chat.participant_id, "disconnected", chat.name, "WebUser"))
            self._end(chat)

    def forget_ended(self) -> None:
        """Drop chats ended long ago from memory; their participant ids become unknown."""
        cutoff = time.time() - ENDED_CHAT_RETENTION
        for chat in [c for c in self.by_participant.values() if c.ended_at and c.ended_at < cutoff]:
            self.by_participant.pop(chat.participant_id, None)
            self.by_chat.pop(chat.chat_id, None)
            self.by_interaction.pop(chat.interaction_id, None)

    # -- URLs and files agents send (stored responses) ---------------------------------------------
    def on_agent_url(self, interaction: Interaction, username: str, agent_name: str, url: str) -> None:
        chat = self.by_interaction.get(interaction.id)
        if chat and chat.ended_at is None:
            self._emit(chat, chat.feed.link("url", self._agent_pid(chat, username), url, agent_name, "Agent"))

    def on_agent_file(self, interaction: Interaction, username: str, agent_name: str, file_id: int, name: str) -> None:
        chat = self.by_interaction.get(interaction.id)
        if chat and chat.ended_at is None:
            path = f"{chat.websvcs}/chat/getFile/{self._file_path(chat, file_id, name)}"
            self._emit(chat, chat.feed.link("file", self._agent_pid(chat, username), path, agent_name, "Agent"))

    @staticmethod
    def _file_path(chat: VisitorChat, file_id: int, name: str) -> str:
        return f"{chat.participant_id}/{file_id}/{quote(name, safe='')}"

    def file_for(self, participant_id: str, file_id: str, name: str) -> tuple[str, str, bytes]:
        """A file an agent sent to this visitor: (name, content type, bytes).

        Only files this chat received can be fetched with its participant id, so ids
        cannot be tried one after another to read other visitors' files.
        """
        chat = self.chat_of(participant_id)
        numeric = file_id.isascii() and file_id.isdigit()
        wanted = f"/chat/getFile/{self._file_path(chat, int(file_id), name)}" if numeric else None
        sent = wanted is not None and any(
            e["type"] == "file" and e["value"].endswith(wanted) for e in chat.feed.events
        )
        found = self.files(int(file_id)) if sent and self.files is not None else None
        if found is None:
            raise CallboardError("file.unknown", f"No file {file_id} was sent in this chat.")
        return found
