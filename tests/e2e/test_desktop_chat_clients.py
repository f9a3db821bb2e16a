"""Two colleagues' consoles over the real server, through the console's own client and state.

Each side runs ``AgentClient`` + ``DesktopChatClient`` and files every ``desk.*`` event of
its real event stream into a ``DeskState``, as the console does, so unread counts, typing
and presence are what a user would see.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from console.client import AgentClient, ApiError, ConnectionState
from console.client.desktop_chat import DesktopChatClient, FileProblem
from console.sim.agents import COLLEAGUE_REPLIES, SimAgent
from console.tui.desktop_chat_model import DeskState
from console.wire_desktop_chat import DeskMessage
from tests.conftest import PASSWORDS


class Console:
    """One colleague's console: a session, its event stream, and desktop chat's state."""

    def __init__(self, url: str, username: str) -> None:
        self.username = username
        self.agent = AgentClient(url)
        self.desk = DesktopChatClient(self.agent)
        self.state = DeskState(username)
        self.in_view: str | None = None
        self.frames: list[dict[str, Any]] = []
        self._task: asyncio.Task | None = None
        self._connected = asyncio.Event()

    async def start(self) -> Console:
        await self.agent.login(self.username, PASSWORDS[self.username])
        self._task = asyncio.create_task(self._follow())
        await asyncio.wait_for(self._connected.wait(), 5)
        await self.until(lambda: self.state.me is not None)
        return self

    async def _follow(self) -> None:
        async for item in self.agent.events():
            if isinstance(item, ConnectionState):
                continue
            self.frames.append(item)
            topic, data = item["topic"], item["data"]
            if topic == "desk.session":
                self.state.apply_snapshot(data)
                self._connected.set()
            elif topic == "desk.roster":
                self.state.apply_roster(data)
            elif topic == "desk.presence":
                self.state.apply_presence(data)
            elif topic == "desk.message":
                self.state.receive(DeskMessage.model_validate(data), in_view=self.in_view)
            elif topic == "desk.typing":
                self.state.set_typing(data["from"], data["typing"])
            elif topic == "desk.attachment":
                self.state.update_file(DeskMessage.model_validate(data))

    async def until(self, predicate: Callable[[], Any], timeout: float = 5.0) -> Any:
        for _ in range(int(timeout / 0.02)):
            if value := predicate():
                return value
            await asyncio.sleep(0.02)
        pytest.fail(f"timed out; last frames {self.frames[-3:]}")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, ApiError):
                await self._task
        await self.agent.aclose()


def file_state(console: Console, peer: str, message_id: int) -> str | None:
    """The state of a file offer as the console knows it, None before it has arrived."""
    conversation = console.state.conversations.get(peer)
    message = conversation.messages.get(message_id) if conversation else None
    return message.file.state if message is not None and message.file is not None else None


@pytest.fixture
async def consoles(server) -> AsyncIterator[Callable[[str], Any]]:
    started: list[Console] = []

    async def start(username: str) -> Console:
        console = await Console(server.url, username).start()
        started.append(console)
        return console

    yield start
    for console in started:
        await console.stop()


async def test_two_colleagues_group_each_other_chat_with_typing_and_unread_counts(consoles):
    alice, bob = await consoles("alice"), await consoles("bob")
    await alice.desk.sign_in()
    await bob.desk.sign_in()
    roster = await alice.desk.add_contact("bob", "Bobby", new_group="Sales floor")
    team = roster.groups[0].id
    await alice.desk.add_contact("carol", group_id=team)
    await bob.desk.add_contact("alice", new_group="Friends")
    assert [c.display_name for c in roster.groups[0].contacts] == ["Bobby"]
    await alice.until(lambda: [c.display_name for g in alice.state.roster.groups for c in g.contacts]
                      == ["Bobby", "Carol Cho"])

    # Presence: Bob sees Alice go Away and Do Not Disturb; her ACD status is not involved.
    await alice.desk.set_presence("away")
    await bob.until(lambda: bob.state.presence_of("alice") == "away")
    await alice.desk.set_presence("dnd")
    await bob.until(lambda: bob.state.presence_of("alice") == "dnd")

    # Typing, then messages; Bob has no conversation in view, so they count as unread.
    await alice.desk.typing("bob", True)
    typing = await bob.until(lambda: next((f["data"] for f in bob.frames if f["topic"] == "desk.typing"), None))
    assert typing == {"from": "alice", "name": "Alice Archer", "typing": True}
    await alice.desk.send("bob", "Can you cover chats at two?")
    await alice.desk.send("bob", "It's only for an hour.")
    await bob.until(lambda: bob.state.unread == 2)
    conversation = bob.state.conversations["alice"]
    assert [m.text for m in conversation.ordered()] == ["Can you cover chats at two?", "It's only for an hour."]
    assert conversation.name == "Alice Archer" and not conversation.typing
    assert alice.state.unread == 0, "my own messages are never unread"

    bob.in_view = "alice"  # Bob opens the conversation: it is read, and what follows too
    bob.state.mark_read("alice")
    await bob.desk.send("alice", "Sure.")
    await alice.desk.send("bob", "Thanks!")
    await bob.until(lambda: len(bob.state.conversations["alice"].messages) == 4)
    assert bob.state.unread == 0
    await alice.until(lambda: alice.state.unread == 1)  # in Do Not Disturb messages still arrive and count
    assert [r.display_name for r in alice.state.roster.recent] == ["Bobby"]


async def test_a_file_is_accepted_into_a_folder_without_overwriting_and_another_declined(consoles, tmp_path: Path):
    alice, bob = await consoles("alice"), await consoles("bob")
    await alice.desk.sign_in()
    await bob.desk.sign_in()
    report = tmp_path / "out" / "report.pdf"
    report.parent.mkdir()
    report.write_bytes(b"%PDF" + bytes(range(256)) * 40)
    downloads = tmp_path / "Downloads"
    downloads.mkdir()
    (downloads / "report.pdf").write_bytes(b"Bob's older report")

    with pytest.raises(FileProblem) as missing:
        await alice.desk.send_file("bob", tmp_path / "nope.pdf", alice.state.policy)
    assert missing.value.code == "client.file_not_found"
    with pytest.raises(FileProblem) as folder:
        await alice.desk.send_file("bob", tmp_path, alice.state.policy)
    assert folder.value.code == "client.not_a_file"

    offered = await alice.desk.send_file("bob", report, alice.state.policy)
    assert offered.file is not None and offered.file.size == report.stat().st_size
    await bob.until(lambda: bob.state.conversations.get("alice")
                    and bob.state.conversations["alice"].pending_offer("bob") is not None)
    offer = bob.state.conversations["alice"].pending_offer("bob")
    saved = await bob.desk.accept_file(offer, downloads)
    assert saved == downloads / "report (1).pdf" and saved.read_bytes() == report.read_bytes()
    assert (downloads / "report.pdf").read_bytes() == b"Bob's older report"
    await alice.until(lambda: file_state(alice, "bob", offered.id) == "accepted")

    second = await alice.desk.send_file("bob", report, alice.state.policy)
    declined = await bob.desk.decline_file(second.id)
    assert declined.file is not None and declined.file.state == "declined"
    await alice.until(lambda: file_state(alice, "bob", second.id) == "declined")
    with pytest.raises(ApiError) as again:
        await bob.desk.accept_file(declined, downloads)
    assert again.value.code == "desk.attachment.answered"
    assert sorted(p.name for p in downloads.iterdir()) == ["report (1).pdf", "report.pdf"], "nothing half-saved"


async def test_sign_out_shows_offline_and_messages_to_offline_colleagues_are_refused(consoles):
    alice, bob = await consoles("alice"), await consoles("bob")
    await alice.desk.sign_in()
    await bob.desk.sign_in()
    await alice.desk.send("bob", "Hi")
    await alice.until(lambda: alice.state.presence_of("bob") == "available")
    await bob.desk.sign_out()
    await alice.until(lambda: alice.state.presence_of("bob") == "offline")
    with pytest.raises(ApiError) as refused:
        await alice.desk.send("bob", "Still there?")
    assert refused.value.code == "desk.recipient_offline"
    await bob.desk.sign_in()
    await alice.until(lambda: alice.state.presence_of("bob") == "available")


async def test_a_simulated_colleague_answers_on_desktop_chat_and_declines_files(consoles, server, tmp_path: Path):
    alice = await consoles("alice")
    await alice.desk.sign_in()
    await alice.desk.add_contact("bob", new_group="Team")
    stop = asyncio.Event()
    bob = SimAgent(server.url, "bob", PASSWORDS["bob"], stop, rng=random.Random(3), pace=0.02)
    shift = asyncio.create_task(bob.run())
    try:
        await alice.until(lambda: alice.state.presence_of("bob") == "available")
        await alice.desk.send("bob", "Could you cover the Support queue at two?")
        await alice.until(lambda: (c := alice.state.conversations.get("bob")) is not None
                          and c.ordered()[-1].text in COLLEAGUE_REPLIES)
        notes = tmp_path / "notes.txt"
        notes.write_text("hello")
        offer = await alice.desk.send_file("bob", notes, alice.state.policy)
        await alice.until(lambda: file_state(alice, "bob", offer.id) == "declined")
    finally:
        stop.set()
        await asyncio.wait_for(shift, 10)
    await alice.until(lambda: alice.state.presence_of("bob") == "offline")  # his console closed
