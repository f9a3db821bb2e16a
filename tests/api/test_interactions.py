"""Queues and interaction actions over the agent API, with what the visitor sees."""

from __future__ import annotations

import pytest

from console.wire import InteractionDetail, InteractionView, TranscriptEntry
from tests.conftest import error_of, wait_until


def connected_chat(server, agent: str = "alice", **start):
    """A Sales chat alerting ``agent`` and picked up; returns (headers, visitor, interaction id)."""
    headers = server.login(agent)
    visitor = server.visitor()
    visitor.start(**start)
    alert = server.wait_for_alert(headers)
    assert alert["remote_name"] == visitor.name
    view = server.act(headers, alert["id"], "pickup")
    assert view["state"] == "Connected"
    return headers, visitor, alert["id"]


def post(server, headers, iid, action, **kwargs):
    return server.http.post(f"/api/v1/interactions/{iid}/{action}", headers=headers, **kwargs)


# -- queues -----------------------------------------------------------------------------


def test_queues_are_my_interactions_then_my_workgroups(server):
    alice, bob = server.login("alice"), server.login("bob")
    assert server.http.get("/api/v1/queues", headers=alice).json() == [
        {"id": "my-interactions", "name": "My Interactions", "kind": "my_interactions"},
        {"id": "workgroup:Sales", "name": "Sales", "kind": "workgroup"},
    ]
    assert [q["id"] for q in server.http.get("/api/v1/queues", headers=bob).json()] == [
        "my-interactions", "workgroup:Sales", "workgroup:Support",
    ]


def test_queue_of_another_workgroup_is_404(server):
    alice = server.login("alice")
    for queue_id in ("workgroup:Support", "workgroup:Nope", "everything"):
        r = server.http.get(f"/api/v1/queues/{queue_id}/interactions", headers=alice)
        assert r.status_code == 404 and error_of(r) == "queue.not_found"


def test_waiting_chat_shows_in_the_workgroup_queue_of_members_only(server):
    alice = server.login("alice", status="Do Not Disturb")
    carol = server.login("carol", status="Do Not Disturb")
    visitor = server.visitor()
    visitor.start(attributes={"page": "/pricing"})
    [chat] = server.queue(alice, "workgroup:Sales")
    InteractionView.model_validate(chat)
    assert chat["state"] == "Waiting" and chat["agent"] is None and chat["remote_name"] == visitor.name
    assert chat["workgroup"] == "Sales" and chat["type"] == "chat" and chat["language"] == "en-US"
    assert chat["attributes"] == {"page": "/pricing"}
    assert chat["actions"] == ["pickup"] and chat["queues"] == ["workgroup:Sales"]
    assert server.queue(alice, "my-interactions") == []
    assert server.queue(carol, "workgroup:Support") == []
    r = server.http.get(f"/api/v1/interactions/{chat['id']}", headers=carol)
    assert r.status_code == 404 and error_of(r) == "interaction.not_found"


# -- the happy flows --------------------------------------------------------------------


def test_pickup_connects_agent_and_visitor_sees_the_agent_join(server):
    alice, visitor, iid = connected_chat(server)
    detail = server.interaction(alice, iid)
    InteractionDetail.model_validate(detail)
    assert detail["state"] == "Connected" and detail["agent"] == "alice" and detail["agent_name"] == "Alice Archer"
    assert detail["actions"] == ["hold", "transfer", "conference", "disconnect"]
    assert detail["queues"] == ["my-interactions", "workgroup:Sales"]
    assert [e["text"] for e in detail["transcript"]] == ["Alice Archer has joined the conversation."]
    joined = visitor.wait_for(lambda e: e["type"] == "participantStateChanged" and e["participantType"] == "Agent")
    assert joined["state"] == "active" and joined["participantName"] == "Alice Archer"
    visitor.wait_for_text("Alice Archer has joined the conversation.")


def test_messages_travel_both_ways_and_land_in_the_transcript(server):
    alice, visitor, iid = connected_chat(server)
    r = server.http.post(f"/api/v1/interactions/{iid}/messages", json={"text": "How can I help?"}, headers=alice)
    assert r.status_code == 201
    entry = TranscriptEntry.model_validate(r.json())
    assert (entry.kind, entry.sender_type, entry.sender_name, entry.sender_id, entry.text) == (
        "text", "agent", "Alice Archer", "alice", "How can I help?")
    text = visitor.wait_for_text("How can I help?")
    assert text["participantType"] == "Agent" and text["displayName"] == "Alice Archer"
    visitor.send("My invoice is wrong")
    transcript = wait_until(lambda: (t := server.interaction(alice, iid)["transcript"]) and len(t) == 3 and t)
    assert [(e["sender_type"], e["text"]) for e in transcript] == [
        ("system", "Alice Archer has joined the conversation."),
        ("agent", "How can I help?"),
        ("visitor", "My invoice is wrong"),
    ]
    assert [e["seq"] for e in transcript] == [0, 1, 2]
    assert transcript[2]["sender_name"] == visitor.name


def test_message_of_exactly_4000_characters_is_accepted(server):
    alice, visitor, iid = connected_chat(server)
    server.say(alice, iid, "x" * 4000)
    assert visitor.wait_for_text("x" * 4000)


def test_hold_and_unhold_change_state_and_allowed_actions(server):
    alice, _visitor, iid = connected_chat(server)
    held = server.act(alice, iid, "hold")
    assert held["state"] == "Held" and held["actions"] == ["unhold", "transfer", "disconnect"]
    r = server.http.post(f"/api/v1/interactions/{iid}/messages", json={"text": "hi"}, headers=alice)
    assert r.status_code == 409 and error_of(r) == "interaction.action_not_allowed"
    again = post(server, alice, iid, "hold")
    assert again.status_code == 409 and error_of(again) == "interaction.action_not_allowed"
    back = server.act(alice, iid, "unhold")
    assert back["state"] == "Connected" and back["actions"] == ["hold", "transfer", "conference", "disconnect"]


def test_transfer_to_workgroup_requeues_for_its_members(server):
    alice, visitor, iid = connected_chat(server)
    carol = server.login("carol")
    view = server.act(alice, iid, "transfer", workgroup="Support")
    assert view["state"] == "Waiting" and view["workgroup"] == "Support" and view["agent"] is None
    assert view["actions"] == [] and view["queues"] == []
    r = server.http.get(f"/api/v1/interactions/{iid}", headers=alice)
    assert r.status_code == 404 and error_of(r) == "interaction.not_found"
    alert = server.wait_for_alert(carol)
    assert alert["id"] == iid and alert["workgroup"] == "Support"
    server.act(carol, iid, "pickup")
    visitor.wait_for_text("Carol Cho has joined the conversation.")
    texts = visitor.texts()
    assert texts.index("Alice Archer has left the conversation.") < texts.index("Interaction transferred to Support.")
    assert texts.index("Interaction transferred to Support.") < texts.index("Interaction alerting Carol Cho.")
    transcript = [e["text"] for e in server.interaction(carol, iid)["transcript"]]
    assert "Alice Archer transferred the interaction to Support." in transcript


def test_transfer_to_agent_alerts_them_and_they_pick_up(server):
    alice, visitor, iid = connected_chat(server)
    bob = server.login("bob", status="Do Not Disturb")
    view = server.act(alice, iid, "transfer", agent="bob")
    assert view["state"] == "Alerting" and view["agent"] == "bob" and view["actions"] == []
    alert = server.wait_for_alert(bob)
    assert alert["id"] == iid and alert["actions"] == ["pickup"] and "my-interactions" in alert["queues"]
    assert server.queue(alice, "my-interactions") == []
    server.act(bob, iid, "pickup")
    server.say(bob, iid, "Bob here")
    visitor.wait_for_text("Bob here")
    agent_pids = {e["participantName"]: e["participantID"] for e in visitor.events
                  if e["type"] == "participantStateChanged" and e["participantType"] == "Agent"}
    assert set(agent_pids) == {"Alice Archer", "Bob Baker"} and len(set(agent_pids.values())) == 2
    assert "Interaction alerting Bob Baker." in visitor.texts()


def test_disconnect_ends_chat_and_keeps_it_in_my_interactions_until_dismissed(server):
    alice, visitor, iid = connected_chat(server)
    view = server.act(alice, iid, "disconnect")
    assert view["state"] == "Disconnected" and view["actions"] == ["dismiss"] and view["queues"] == ["my-interactions"]
    [mine] = server.queue(alice, "my-interactions")
    assert mine["id"] == iid and mine["state"] == "Disconnected"
    assert server.queue(alice, "workgroup:Sales") == []
    assert server.interaction(alice, iid)["transcript"][-1]["text"] == "Alice Archer has left the conversation."
    own = visitor.wait_for(lambda e: e["type"] == "participantStateChanged" and e["participantID"] == visitor.pid
                           and e["state"] == "disconnected")
    left = next(e for e in visitor.events if e.get("value") == "Alice Archer has left the conversation.")
    assert left["sequenceNumber"] < own["sequenceNumber"]
    dismissed = server.act(alice, iid, "dismiss")
    assert dismissed["state"] == "Disconnected" and dismissed["queues"] == []
    assert server.queue(alice, "my-interactions") == []
    r = server.http.get(f"/api/v1/interactions/{iid}", headers=alice)
    assert r.status_code == 404 and error_of(r) == "interaction.not_found"


def test_disconnected_chat_refuses_the_visitor_afterwards(server):
    alice, visitor, iid = connected_chat(server)
    server.act(alice, iid, "disconnect")
    count = visitor.count()
    body = visitor.call("POST", f"/chat/sendMessage/{visitor.pid}", json={"message": "hello?"})
    assert body["chat"]["status"]["reason"]["code"] == "error.websvc.unknownEntity.participant"
    assert visitor.count() == count
    assert "hello?" not in [e["text"] for e in server.interaction(alice, iid)["transcript"]]


def test_agent_typing_reaches_the_visitor(server):
    alice, visitor, iid = connected_chat(server)
    r = server.http.post(f"/api/v1/interactions/{iid}/typing", json={"typing": True}, headers=alice)
    assert r.status_code == 204
    on = visitor.wait_for(lambda e: e["type"] == "typingIndicator")
    assert on["value"] is True and on["participantID"] != visitor.pid
    server.http.post(f"/api/v1/interactions/{iid}/typing", json={"typing": False}, headers=alice)
    off = visitor.wait_for(lambda e: e["type"] == "typingIndicator" and e["value"] is False)
    assert off["participantID"] == on["participantID"]


# -- refusals that must change nothing --------------------------------------------------


def test_unknown_action_is_404_and_changes_nothing(server):
    alice, _visitor, iid = connected_chat(server)
    before = server.interaction(alice, iid)
    for action in ("explode", "PICKUP", "barge"):
        r = post(server, alice, iid, action)
        assert r.status_code == 404 and error_of(r) == "interaction.unknown_action", action
    assert server.interaction(alice, iid) == before


def test_action_not_allowed_in_state_is_409_and_changes_nothing(server):
    alice = server.login("alice")
    visitor = server.visitor()
    visitor.start()
    alert = server.wait_for_alert(alice)
    before = server.interaction(alice, alert["id"])
    for action in ("hold", "unhold", "disconnect", "dismiss"):
        r = post(server, alice, alert["id"], action)
        assert r.status_code == 409 and error_of(r) == "interaction.action_not_allowed", action
    r = post(server, alice, alert["id"], "transfer", json={"workgroup": "Support"})
    assert r.status_code == 409 and error_of(r) == "interaction.action_not_allowed"
    after = server.interaction(alice, alert["id"])
    assert after == before


def test_colleague_acting_on_my_chat_is_403_not_yours_and_changes_nothing(server):
    alice, visitor, iid = connected_chat(server)
    bob = server.login("bob", status="Do Not Disturb")  # Sales too: sees the chat in the queue
    before = server.interaction(alice, iid)
    events_before = visitor.count()
    for action, body in [("hold", None), ("disconnect", None), ("pickup", None), ("transfer", {"agent": "bob"})]:
        r = post(server, bob, iid, action, **({"json": body} if body else {}))
        assert r.status_code in (403, 409), (action, r.text)
        assert error_of(r) == ("interaction.not_yours" if action != "pickup" else "interaction.action_not_allowed")
    r = server.http.post(f"/api/v1/interactions/{iid}/messages", json={"text": "hijack"}, headers=bob)
    assert r.status_code == 403 and error_of(r) == "interaction.not_yours"
    r = server.http.post(f"/api/v1/interactions/{iid}/typing", json={"typing": True}, headers=bob)
    assert r.status_code == 403 and error_of(r) == "interaction.not_yours"
    assert server.interaction(alice, iid) == before
    assert visitor.count() == events_before


def test_agent_outside_the_workgroup_gets_404_and_changes_nothing(server):
    alice, _visitor, iid = connected_chat(server)
    carol = server.login("carol")
    before = server.interaction(alice, iid)
    for action in ("hold", "disconnect", "pickup", "explode"):
        r = post(server, carol, iid, action)
        assert r.status_code == 404 and error_of(r) == "interaction.not_found", action
    r = server.http.post(f"/api/v1/interactions/{iid}/messages", json={"text": "hi"}, headers=carol)
    assert r.status_code == 404 and error_of(r) == "interaction.not_found"
    assert server.interaction(alice, iid) == before


def test_pickup_of_a_chat_alerting_someone_else_is_403(server):
    alice = server.login("alice")
    bob = server.login("bob", status="Do Not Disturb")
    visitor = server.visitor()
    visitor.start()
    alert = server.wait_for_alert(alice)
    [seen_by_bob] = server.queue(bob, "workgroup:Sales")
    assert seen_by_bob["state"] == "Alerting" and seen_by_bob["actions"] == []
    r = post(server, bob, alert["id"], "pickup")
    assert r.status_code == 403 and error_of(r) == "interaction.not_yours"
    assert server.interaction(alice, alert["id"])["agent"] == "alice"
    assert server.interaction(alice, alert["id"])["state"] == "Alerting"


def test_member_picks_a_waiting_chat_from_the_queue(server):
    bob = server.login("bob", status="Do Not Disturb")
    visitor = server.visitor()
    visitor.start()
    [chat] = server.queue(bob, "workgroup:Sales")
    view = server.act(bob, chat["id"], "pickup")
    assert view["state"] == "Connected" and view["agent"] == "bob"
    visitor.wait_for_text("Bob Baker has joined the conversation.")


def test_unknown_interaction_is_404(server):
    alice = server.login("alice")
    for iid in ("999", "0", "abc", "-1"):
        r = server.http.get(f"/api/v1/interactions/{iid}", headers=alice)
        assert r.status_code == 404 and error_of(r) == "interaction.not_found"
        assert error_of(post(server, alice, iid, "pickup")) == "interaction.not_found"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({}, 422, "interaction.transfer.target_required"),
        ({"workgroup": "Support", "agent": "bob"}, 422, "interaction.transfer.target_required"),
        ({"workgroup": "Nowhere"}, 422, "interaction.transfer.unknown_target"),
        ({"workgroup": "Billing"}, 422, "interaction.transfer.unknown_target"),
        ({"agent": "nobody"}, 422, "interaction.transfer.unknown_target"),
        ({"agent": "carol"}, 409, "interaction.transfer.target_unavailable"),
        ({"agent": "alice"}, 422, "interaction.transfer.same_agent"),
        ({"queue": "Support"}, 422, "request.invalid"),
        ({"workgroup": 7}, 422, "request.invalid"),
        ({"workgroup": ""}, 422, "request.invalid"),
    ],
)
def test_bad_transfer_is_refused_and_changes_nothing(server, body, status, code):
    alice, visitor, iid = connected_chat(server)
    before = server.interaction(alice, iid)
    events_before = visitor.count()
    r = post(server, alice, iid, "transfer", json=body)
    assert r.status_code == status and error_of(r) == code
    assert server.interaction(alice, iid) == before
    assert visitor.count() == events_before


def test_transfer_with_malformed_json_is_400_and_changes_nothing(server):
    alice, _visitor, iid = connected_chat(server)
    before = server.interaction(alice, iid)
    r = server.http.post(f"/api/v1/interactions/{iid}/transfer", content=b'{"workgroup": ',
                         headers={**alice, "content-type": "application/json"})
    assert r.status_code == 400 and error_of(r) == "request.malformed"
    assert server.interaction(alice, iid) == before


@pytest.mark.parametrize(
    ("text", "code"),
    [("", "message.empty"), ("   \n\t", "message.empty"), ("x" * 4001, "message.too_long")],
)
def test_bad_message_is_422_and_changes_nothing(server, text, code):
    alice, visitor, iid = connected_chat(server)
    before = server.interaction(alice, iid)
    events_before = visitor.count()
    r = server.http.post(f"/api/v1/interactions/{iid}/messages", json={"text": text}, headers=alice)
    assert r.status_code == 422 and error_of(r) == code
    assert server.interaction(alice, iid) == before
    assert visitor.count() == events_before
