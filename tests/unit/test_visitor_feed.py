"""Numbering of the IWT visitor feed (console.core.visitor_feed)."""

from __future__ import annotations

import pytest

from console.core.visitor_feed import SYSTEM_PARTICIPANT, SystemMessages, VisitorFeed

ME = "visitor-1"
AGENT = "agent-1"


def test_protocol_example_5_state_changes_8_texts_2_urls():
    feed = VisitorFeed(ME)
    for n in range(5):
        feed.state_changed(ME, "active" if n % 2 == 0 else "disconnected", "Vera", "WebUser")
    for n in range(8):
        feed.text(AGENT, f"text {n}", "Alice", "Agent")
    for n in range(2):
        last = feed.link("url", AGENT, f"https://example.com/{n}", "Alice", "Agent")
    assert last["sequenceNumber"] == 14
    assert last["conversationSequenceNumber"] == 9
    assert [e["sequenceNumber"] for e in feed.events] == list(range(15))


def test_conversation_numbers_skip_state_changes_and_typing():
    feed = VisitorFeed(ME)
    a = feed.text(ME, "hi", "Vera", "WebUser")
    feed.typing(AGENT, True)
    feed.state_changed(AGENT, "active", "Alice", "Agent")
    b = feed.system_text("Alice has joined the conversation.")
    c = feed.link("file", AGENT, "/websvcs/chat/getFile/x/1/a.pdf", "Alice", "Agent")
    assert [e["conversationSequenceNumber"] for e in (a, b, c)] == [0, 1, 2]
    assert [e["sequenceNumber"] for e in (a, b, c)] == [0, 3, 4]
    assert all("conversationSequenceNumber" not in e for e in feed.events if e["type"] not in ("text", "file"))


def test_system_text_comes_from_the_system_participant():
    event = VisitorFeed(ME).system_text("Welcome")
    assert event == {
        "type": "text", "participantID": SYSTEM_PARTICIPANT, "value": "Welcome", "contentType": "text/plain",
        "displayName": "System", "participantType": "System", "sequenceNumber": 0,
        "conversationSequenceNumber": 0,
    }


def test_link_accepts_only_url_and_file():
    feed = VisitorFeed(ME)
    with pytest.raises(ValueError):
        feed.link("text", AGENT, "x", "Alice", "Agent")
    assert feed.events == []


def test_take_undelivered_hands_out_each_event_once():
    feed = VisitorFeed(ME)
    feed.text(ME, "one", "Vera", "WebUser")
    feed.text(ME, "two", "Vera", "WebUser")
    assert [e["value"] for e in feed.take_undelivered()] == ["one", "two"]
    assert feed.take_undelivered() == []
    feed.typing(AGENT, True)
    assert [e["sequenceNumber"] for e in feed.take_undelivered()] == [2]


def test_redeliver_from_hands_out_events_again_with_the_same_numbers():
    feed = VisitorFeed(ME)
    for n in range(3):
        feed.text(ME, str(n), "Vera", "WebUser")
    first = feed.take_undelivered()
    feed.redeliver_from(0)
    assert feed.take_undelivered() == first
    feed.redeliver_from(99)
    assert feed.take_undelivered() == []


def test_restore_continues_both_numberings():
    feed = VisitorFeed(ME)
    feed.state_changed(ME, "active", "Vera", "WebUser")
    feed.text(ME, "a", "Vera", "WebUser")
    feed.typing(AGENT, True)
    restored = VisitorFeed.restore(ME, [dict(e) for e in feed.events])
    assert restored.next_sequence == 3
    nxt = restored.text(AGENT, "b", "Alice", "Agent")
    assert (nxt["sequenceNumber"], nxt["conversationSequenceNumber"]) == (3, 1)
    assert [e["sequenceNumber"] for e in restored.take_undelivered()] == [0, 1, 2, 3]


def test_system_messages_fill_the_name():
    messages = SystemMessages()
    assert messages.fill(messages.joined, "Alice Adams") == "Alice Adams has joined the conversation."
    assert messages.fill(messages.queued, "Sales") == "Interaction transferred to Sales."
    assert messages.fill(messages.alerting, "Alice Adams") == "Interaction alerting Alice Adams."
    assert messages.fill(messages.left, "Vera") == "Vera has left the conversation."
