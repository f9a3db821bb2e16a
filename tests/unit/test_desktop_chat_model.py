"""What the console makes of desktop-chat events: names, unread counts, the next unread, offers."""

from __future__ import annotations

from typing import Any

from console.tui.desktop_chat_model import DeskState
from console.wire_desktop_chat import DeskMessage

NAMES = {"alice": "Alice Archer", "bob": "Bob Baker", "carol": "Carol Cho"}


def message(number: int, sender: str, to: str, text: str = "hi", file: dict[str, Any] | None = None) -> DeskMessage:
    return DeskMessage.model_validate({
        "id": number, "from": sender, "from_name": NAMES[sender], "to": to, "to_name": NAMES[to],
        "ts": 1000.0 + number, "kind": "file" if file else "text", "text": text, "file": file})


def state() -> DeskState:
    desk = DeskState("alice")
    desk.apply_snapshot({
        "me": {"username": "alice", "name": "Alice Archer", "signed_in": True, "presence": "available"},
        "roster": {"groups": [{"id": 1, "name": "Team", "contacts": [
            {"username": "bob", "display_name": "Bobby", "name": "Bob Baker", "presence": "away"}]}],
            "recent": []},
        "policy": {"max_bytes": 100, "allowed_types": []},
    })
    return desk


def test_a_colleague_goes_by_my_display_name_else_the_directorys():
    desk = state()
    assert desk.display_name("bob") == "Bobby" and desk.presence_of("bob") == "away"
    desk.receive(message(1, "carol", "alice"), in_view=None)
    assert desk.conversations["carol"].name == "Carol Cho"
    assert desk.presence_of("carol") == "offline"  # until her presence is heard of
    assert [r.display_name for r in desk.roster.recent] == ["Carol Cho"]


def test_messages_out_of_view_count_unread_once_and_mine_never():
    desk = state()
    first = desk.receive(message(1, "bob", "alice"), in_view=None)
    assert first is not None and first.opened and first.unread and first.conversation.name == "Bobby"
    assert desk.receive(message(1, "bob", "alice"), in_view=None) is None  # delivered twice: counted once
    assert desk.receive(message(2, "bob", "alice"), in_view="bob").unread is False
    assert desk.receive(message(3, "alice", "bob"), in_view=None).unread is False
    assert desk.receive(message(4, "carol", "alice"), in_view=None, count_unread=False).unread is False
    assert desk.unread == 1
    assert desk.mark_read("bob") and desk.unread == 0 and not desk.mark_read("bob")


def test_a_message_ends_the_typing_it_announced():
    desk = state()
    desk.receive(message(1, "bob", "alice"), in_view=None)
    desk.set_typing("bob", True)
    assert desk.conversations["bob"].typing
    desk.receive(message(2, "bob", "alice"), in_view=None)
    assert not desk.conversations["bob"].typing
    assert desk.set_typing("carol", True) is None  # no conversation: nothing to show it in


def test_next_unread_goes_round_after_the_one_in_front():
    desk = state()
    for number, sender in enumerate(("bob", "carol"), start=1):
        desk.receive(message(number, sender, "alice"), in_view=None)
    assert desk.next_unread(None) == "bob"
    assert desk.next_unread("bob") == "carol"
    assert desk.next_unread("carol") == "bob"
    desk.mark_read("bob")
    assert desk.next_unread("carol") is None


def test_the_newest_unanswered_offer_to_me_waits_for_an_answer():
    desk = state()
    offered = {"name": "a.pdf", "size": 10, "state": "offered"}
    desk.receive(message(1, "bob", "alice", "a.pdf", offered), in_view="bob")
    desk.receive(message(2, "alice", "bob", "b.pdf", {**offered, "name": "b.pdf"}), in_view="bob")
    conversation = desk.conversations["bob"]
    assert conversation.pending_offer("alice").id == 1  # mine to Bob is his to answer
    desk.update_file(message(1, "bob", "alice", "a.pdf", {**offered, "state": "declined"}))
    assert conversation.pending_offer("alice") is None


def test_my_presence_follows_presence_events_about_me():
    desk = state()
    desk.apply_presence({"username": "alice", "name": "Alice Archer", "presence": "dnd"})
    assert desk.my_presence == "dnd" and desk.signed_in
    desk.apply_presence({"username": "alice", "name": "Alice Archer", "presence": "offline"})
    assert desk.my_presence == "offline" and not desk.signed_in
