"""Stored responses go into chats: filled in for the reply line, or sent as text, URL or file over IWT."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Harness, Visitor, error_of, start_chat

API = "/api/v1"
PDF = b"%PDF-1.4\n% a tiny spec sheet\n%%EOF\n"


@pytest.fixture
def library(server: Harness) -> dict[str, int]:
    """A Sales library with a message, a URL and a file response (created by supervisor Sue)."""
    sue = server.login("sue")
    lib = server.http.post(f"{API}/responses/libraries", json={"name": "Sales answers", "workgroups": ["Sales"]},
                           headers=sue).json()["id"]
    file_id = server.http.post(f"{API}/responses/files", params={"name": "Gadget G2 spec sheet.pdf"}, content=PDF,
                               headers={**sue, "Content-Type": "application/pdf"}).json()["id"]

    def create(**body: Any) -> int:
        r = server.http.post(f"{API}/responses", json={"library_id": lib, **body}, headers=sue)
        assert r.status_code == 201, r.text
        return r.json()["id"]

    return {
        "hello": create(title="Hello", shortcut="hello",
                        body="Hi {{visitor.first_name}}, {{agent.first_name}} of {{workgroup}} here (ref {{interaction.id}})."),
        "order": create(title="Your order", body="Order {{attributes.order}} ships today."),
        "pricing": create(title="Pricing", kind="url", shortcut="pricing",
                          url="https://shop.example/pricing?ref={{interaction.id}}"),
        "tracking": create(title="Tracking", kind="url", url="https://shop.example/orders/{{attributes.order}}"),
        "spec": create(title="Spec sheet", kind="file", file_id=file_id, shortcut="spec"),
    }


def connected_chat(server: Harness, agent: dict[str, str], **start: Any) -> tuple[Visitor, str]:
    visitor, interaction_id = start_chat(server, agent, **start)
    server.wait_for_alert(agent)
    server.act(agent, interaction_id, "pickup")
    return visitor, interaction_id


def insert(server: Harness, who: dict[str, str], interaction_id: str, **body: Any):
    return server.http.post(f"{API}/interactions/{interaction_id}/responses/insert", json=body, headers=who)


def send(server: Harness, who: dict[str, str], interaction_id: str, **body: Any):
    return server.http.post(f"{API}/interactions/{interaction_id}/responses/send", json=body, headers=who)


# -- insert: macros filled for the reply line -----------------------------------------------------
def test_insert_fills_placeholders_from_the_interaction_and_sends_nothing(server: Harness, library):
    alice = server.login("alice", "Available")
    visitor, iid = connected_chat(server, alice, name="Vera Lindqvist", attributes={"order": "4411"})
    events_before = visitor.count()
    r = insert(server, alice, iid, response_id=library["hello"])
    assert r.status_code == 200, r.text
    assert r.json() == {
        "response_id": library["hello"], "kind": "message", "title": "Hello",
        "text": f"Hi Vera, Alice of Sales here (ref {iid}).", "unknown_placeholders": [],
    }
    assert insert(server, alice, iid, shortcut="/hello").json()["text"] == f"Hi Vera, Alice of Sales here (ref {iid})."
    assert insert(server, alice, iid, response_id=library["order"]).json()["text"] == "Order 4411 ships today."
    assert visitor.count() == events_before
    assert [e["kind"] for e in server.interaction(alice, iid)["transcript"]].count("text") == 0


def test_an_attribute_the_visitor_did_not_send_is_left_visible_and_flagged(server: Harness, library):
    alice = server.login("alice", "Available")
    _, iid = connected_chat(server, alice)
    body = insert(server, alice, iid, response_id=library["order"]).json()
    assert body["text"] == "Order {{attributes.order}} ships today."
    assert body["unknown_placeholders"] == ["{{attributes.order}}"]


def test_insert_for_an_interaction_the_agent_does_not_own_is_refused(server: Harness, library):
    bob = server.login("bob", "Available")
    alice = server.login("alice", "At Lunch")  # so the chat goes to bob
    _, bobs = connected_chat(server, bob)
    r = insert(server, alice, bobs, response_id=library["hello"])  # in Sales: visible to alice, but bob's
    assert r.status_code == 403 and error_of(r) == "interaction.not_yours"
    r = send(server, alice, bobs, response_id=library["hello"])
    assert r.status_code == 403 and error_of(r) == "interaction.not_yours"
    carol = server.login("carol")  # Support: cannot see a Sales chat at all
    r = insert(server, carol, bobs, response_id=library["hello"])
    assert r.status_code == 404 and error_of(r) == "interaction.not_found"


@pytest.mark.parametrize("body, status, code", [
    ({"response_id": 99999}, 404, "response.not_found"),
    ({"shortcut": "nosuch"}, 404, "response.shortcut_unknown"),
    ({"shortcut": "two words"}, 422, "response.shortcut_invalid"),
    ({}, 422, "request.invalid"),
    ({"response_id": 1, "shortcut": "hello"}, 422, "request.invalid"),
    ({"response_id": "one"}, 422, "request.invalid"),
])
def test_insert_with_unknown_or_ambiguous_responses_is_refused(server: Harness, library, body, status, code):
    alice = server.login("alice", "Available")
    _, iid = connected_chat(server, alice)
    r = insert(server, alice, iid, **body)
    assert (r.status_code, error_of(r)) == (status, code)


def test_a_personal_shortcut_wins_over_a_system_one(server: Harness, library):
    alice = server.login("alice", "Available")
    r = server.http.post(f"{API}/responses", json={"title": "My hello", "body": "Hey {{visitor.first_name}}!",
                                                   "shortcut": "hello"}, headers=alice)
    assert r.status_code == 201
    _, iid = connected_chat(server, alice, name="Vera Lindqvist")
    assert insert(server, alice, iid, shortcut="hello").json()["text"] == "Hey Vera!"


# -- send: what the visitor receives over /websvcs ----------------------------------------------------
def test_message_url_and_file_reach_the_visitor_in_sequence(server: Harness, library):
    alice = server.login("alice", "Available")
    visitor, iid = connected_chat(server, alice, name="Vera Lindqvist", attributes={"order": "4411"})
    visitor.wait_for_text("Alice Archer has joined the conversation.")
    start = visitor.count()
    conversation_start = sum(1 for e in visitor.events if e["type"] in ("text", "url", "file"))

    r = send(server, alice, iid, response_id=library["hello"])
    assert r.status_code == 201, r.text
    assert r.json()["entry"]["kind"] == "text"
    r = send(server, alice, iid, shortcut="pricing")
    assert r.status_code == 201 and r.json()["entry"]["kind"] == "url"
    r = send(server, alice, iid, response_id=library["tracking"])
    assert r.status_code == 201
    r = send(server, alice, iid, shortcut="spec")
    assert r.status_code == 201 and r.json()["entry"]["text"] == "Gadget G2 spec sheet.pdf"

    visitor.wait_for(lambda e: e["type"] == "file")
    new = visitor.events[start:]  # the Visitor helper already checked gapless numbering
    assert [(e["type"], e["sequenceNumber"], e["conversationSequenceNumber"]) for e in new] == [
        ("text", start, conversation_start),
        ("url", start + 1, conversation_start + 1),
        ("url", start + 2, conversation_start + 2),
        ("file", start + 3, conversation_start + 3),
    ]
    text, pricing, tracking, file = new
    assert text["value"] == f"Hi Vera, Alice of Sales here (ref {iid})."
    assert pricing["value"] == f"https://shop.example/pricing?ref={iid}"
    assert tracking["value"] == "https://shop.example/orders/4411"
    agent_pid = text["participantID"]
    assert all(e["participantID"] == agent_pid and e["participantType"] == "Agent"
               and e["displayName"] == "Alice Archer" for e in new)
    assert file["value"] == f"/websvcs/chat/getFile/{visitor.pid}/1/Gadget%20G2%20spec%20sheet.pdf"

    download = server.http.get(file["value"])
    assert download.status_code == 200
    assert download.content == PDF
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["content-disposition"].startswith("attachment;")
    assert download.headers["x-content-type-options"] == "nosniff"

    transcript = server.interaction(alice, iid)["transcript"]
    assert [(e["kind"], e["text"]) for e in transcript[-3:]] == [
        ("url", f"https://shop.example/pricing?ref={iid}"),
        ("url", "https://shop.example/orders/4411"),
        ("file", "Gadget G2 spec sheet.pdf"),
    ]


def test_numbering_continues_after_links_when_the_visitor_writes_and_after_reconnect(server: Harness, library):
    alice = server.login("alice", "Available")
    visitor, iid = connected_chat(server, alice)
    send(server, alice, iid, shortcut="pricing")
    visitor.wait_for(lambda e: e["type"] == "url")
    visitor.send("Thanks, and the spec sheet?")
    send(server, alice, iid, shortcut="spec")
    server.say(alice, iid, "There you go.")
    visitor.wait_for_text("There you go.")
    conversation = [e for e in visitor.events if e["type"] in ("text", "url", "file")]
    assert [e["conversationSequenceNumber"] for e in conversation] == list(range(len(conversation)))
    assert [e["sequenceNumber"] for e in visitor.events] == list(range(len(visitor.events)))
    visitor.reconnect()  # redelivered events must be identical, numbers included
    visitor.poll()
    assert visitor.repeats > 0


def test_files_are_served_only_to_the_chat_they_were_sent_to(server: Harness, library):
    alice = server.login("alice", "Available")
    vera, iid = connected_chat(server, alice)
    send(server, alice, iid, shortcut="spec")
    link = vera.wait_for(lambda e: e["type"] == "file")["value"]
    other = server.visitor()
    other.start()
    for path in (
        link.replace(vera.pid, other.pid),  # another visitor's participant id
        link.replace("/1/", "/2/"),  # a file id this chat never received
        link.rsplit("/", 1)[0] + "/other-name.pdf",
        link.replace("/1/", "/x/"),
        link.replace(vera.pid, "nobody"),
    ):
        r = server.http.get(path)
        assert r.status_code == 404, path
        assert r.json()["chat"]["status"]["type"] == "failure"


def test_visitors_behind_the_i3root_path_get_file_links_there(server: Harness, library):
    alice = server.login("alice", "Available")
    visitor = server.visitor("/I3Root/Server1/websvcs")
    visitor.start()
    iid = server.find_interaction(alice, visitor.name)["id"]
    server.wait_for_alert(alice)
    server.act(alice, iid, "pickup")
    send(server, alice, iid, shortcut="spec")
    link = visitor.wait_for(lambda e: e["type"] == "file")["value"]
    assert link.startswith(f"/I3Root/Server1/websvcs/chat/getFile/{visitor.pid}/")
    assert server.http.get(link).content == PDF


def test_sending_with_an_unknown_placeholder_is_refused_and_nothing_reaches_the_visitor(server: Harness, library):
    alice = server.login("alice", "Available")
    visitor, iid = connected_chat(server, alice)
    before = visitor.count()
    transcript_before = len(server.interaction(alice, iid)["transcript"])
    for rid in (library["order"], library["tracking"]):
        r = send(server, alice, iid, response_id=rid)
        assert r.status_code == 422 and error_of(r) == "response.placeholder_unknown"
        assert "{{attributes.order}}" in r.json()["error"]["message"]
    assert visitor.count() == before
    assert len(server.interaction(alice, iid)["transcript"]) == transcript_before


def test_responses_are_sent_only_while_the_chat_is_connected(server: Harness, library):
    alice = server.login("alice", "Available")
    visitor, iid = connected_chat(server, alice)
    server.act(alice, iid, "hold")
    before = visitor.count()
    r = send(server, alice, iid, response_id=library["hello"])
    assert r.status_code == 409 and error_of(r) == "interaction.action_not_allowed"
    r = send(server, alice, iid, shortcut="spec")
    assert r.status_code == 409 and error_of(r) == "interaction.action_not_allowed"
    assert insert(server, alice, iid, response_id=library["hello"]).status_code == 200  # preparing is fine
    assert visitor.count() == before


def test_links_cannot_be_sent_into_a_callback(server: Harness, library):
    alice = server.login("alice", "Available")
    r = server.http.post("/websvcs/callback/create", json={
        "target": "Sales", "targettype": "Workgroup", "subject": "Call me",
        "participant": {"name": "Cal", "credentials": None, "telephone": "+13175550100"},
    })
    assert r.json()["callback"]["status"]["type"] == "success"
    iid = server.wait_for_alert(alice)["id"]
    server.act(alice, iid, "pickup")
    r = send(server, alice, iid, shortcut="pricing")
    assert r.status_code == 409 and error_of(r) == "interaction.action_not_allowed"
