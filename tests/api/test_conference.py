"""Chat conferences over the real server: an agent invites a colleague into a web chat.

The visitor side is read through real ``/websvcs`` polling (the ``Visitor`` helper checks
that every event is well-formed and numbered without gaps); agents through the agent API
and their event streams.
"""

from __future__ import annotations

import time

import pytest

from tests.api.test_callbacks import pick_up_callback
from tests.conftest import NAMES, SYSTEM_PID, directory, error_of, wait_until

MINE = "my-interactions"


def owned_chat(server, owner: str = "alice", **start):
    """A Sales chat connected to ``owner``; colleagues sign in later, away from ACD."""
    headers = server.login(owner)
    visitor = server.visitor()
    visitor.start(**start)
    iid = server.wait_for_alert(headers)["id"]
    server.act(headers, iid, "pickup")
    visitor.wait_for_text(f"{NAMES[owner]} has joined the conversation.")
    return headers, visitor, iid


def colleague(server, username: str):
    """Signed in but not ACD-available: a conference does not need them to be."""
    return server.login(username, status="Do Not Disturb")


def conference(server, owner, iid, username: str, member) -> dict:
    """``owner`` invites ``username``, who accepts; returns the member's view."""
    server.act(owner, iid, "conference", agent=username)
    view = server.act(member, iid, "pickup")
    assert view["state"] == "Connected"
    return view


def post(server, headers, iid, action, **kwargs):
    return server.http.post(f"/api/v1/interactions/{iid}/{action}", headers=headers, **kwargs)


def roles(view: dict) -> list[tuple[str, str]]:
    return [(p["username"], p["role"]) for p in view["participants"]]


def agent_joins(visitor) -> list[tuple[str, str, str]]:
    return [(e["participantName"], e["state"], e["participantID"]) for e in visitor.events
            if e["type"] == "participantStateChanged" and e["participantType"] == "Agent"]


# -- inviting and accepting ------------------------------------------------------------------


def test_invitation_alerts_the_colleague_in_their_own_my_interactions(server):
    alice, visitor, iid = owned_chat(server)
    carol = colleague(server, "carol")
    stream = server.events(carol, {"op": "subscribe"})
    stream.snapshots()
    seen = visitor.count()

    owner_view = server.act(alice, iid, "conference", agent="carol")
    assert owner_view["state"] == "Connected"
    assert owner_view["actions"] == ["hold", "conference", "cancel_invitation", "disconnect"]
    assert roles(owner_view) == [("alice", "owner"), ("carol", "invited")]

    put = stream.recv_until(lambda f: f["topic"] == "interaction")
    assert put["kind"] == "put" and put["data"]["id"] == iid
    assert put["data"]["state"] == "Alerting" and put["data"]["actions"] == ["pickup", "decline"]
    assert put["data"]["queues"] == [MINE] and put["data"]["agent"] == "alice"
    [alerting] = server.queue(carol, MINE)
    assert alerting["id"] == iid and alerting["state"] == "Alerting"
    assert alerting["participants"][1]["name"] == "Carol Cho"
    transcript = server.interaction(alice, iid)["transcript"]
    assert transcript[-1]["text"] == "Alice Archer invited Carol Cho to a conference."
    assert visitor.count() == seen  # an invitation is between agents


def test_accepted_member_joins_and_every_message_reaches_everyone(server):
    alice, visitor, iid = owned_chat(server)
    carol = colleague(server, "carol")
    alice_stream, carol_stream = server.events(alice, {"op": "subscribe"}), server.events(carol, {"op": "subscribe"})
    alice_stream.snapshots(), carol_stream.snapshots()

    member_view = conference(server, alice, iid, "carol", carol)
    assert member_view["actions"] == ["disconnect"] and member_view["agent"] == "alice"
    assert roles(member_view) == [("alice", "owner"), ("carol", "member")]

    joined = visitor.wait_for(lambda e: e["type"] == "participantStateChanged" and e.get("participantName") == "Carol Cho")
    assert joined["state"] == "active" and joined["participantType"] == "Agent"
    visitor.wait_for_text("Carol Cho has joined the conversation.")
    [(_, _, alice_pid), (_, _, carol_pid)] = agent_joins(visitor)
    assert carol_pid != alice_pid and SYSTEM_PID not in (alice_pid, carol_pid)

    entry = server.say(carol, iid, "Carol from billing here")
    assert (entry["sender_type"], entry["sender_name"], entry["sender_id"]) == ("agent", "Carol Cho", "carol")
    text = visitor.wait_for_text("Carol from billing here")
    assert (text["displayName"], text["participantID"], text["participantType"]) == ("Carol Cho", carol_pid, "Agent")
    server.say(alice, iid, "Carol knows invoices")
    visitor.wait_for_text("Carol knows invoices")
    visitor.send("Thank you both")

    def said(stream, text):
        return stream.recv_until(lambda f: f["topic"] == "interaction.message" and f["data"]["entry"]["text"] == text)

    for stream in (alice_stream, carol_stream):
        said(stream, "Carol from billing here")
        said(stream, "Carol knows invoices")
        assert said(stream, "Thank you both")["data"]["entry"]["sender_type"] == "visitor"

    # The member reads the whole conversation, from before they joined too.
    texts = [e["text"] for e in server.interaction(carol, iid)["transcript"]]
    assert texts[0] == "Alice Archer has joined the conversation."
    assert texts[-4:] == ["Carol Cho has joined the conversation.", "Carol from billing here",
                          "Carol knows invoices", "Thank you both"]
    [mine] = server.queue(carol, MINE)
    assert mine["state"] == "Connected" and roles(mine) == [("alice", "owner"), ("carol", "member")]


def test_typing_goes_both_ways_between_the_visitor_and_members(server):
    alice, visitor, iid = owned_chat(server)
    carol = colleague(server, "carol")
    conference(server, alice, iid, "carol", carol)
    stream = server.events(carol, {"op": "subscribe"})
    stream.snapshots()
    visitor.typing(True)
    typing = stream.recv_until(lambda f: f["topic"] == "interaction.typing")
    assert typing["data"] == {"interaction_id": iid, "name": visitor.name, "typing": True}
    assert server.interaction(carol, iid)["visitor_typing"] is True

    r = post(server, carol, iid, "typing", json={"typing": True})
    assert r.status_code == 204
    indicator = visitor.wait_for(lambda e: e["type"] == "typingIndicator")
    carol_pid = agent_joins(visitor)[-1][2]
    assert indicator["participantID"] == carol_pid and indicator["value"] is True


def test_a_member_may_send_stored_responses_and_links(server):
    sue = server.login("sue")
    lib = server.http.post("/api/v1/responses/libraries", json={"name": "Sales answers", "workgroups": ["Sales"]},
                           headers=sue).json()["id"]
    for body in ({"title": "Hello", "shortcut": "hello", "body": "Hi, {{agent.first_name}} here."},
                 {"title": "Pricing", "kind": "url", "shortcut": "pricing", "url": "https://shop.example/pricing"}):
        assert server.http.post("/api/v1/responses", json={"library_id": lib, **body}, headers=sue).status_code == 201
    alice, visitor, iid = owned_chat(server)
    bob = colleague(server, "bob")
    conference(server, alice, iid, "bob", bob)

    r = post(server, bob, iid, "responses/insert", json={"shortcut": "hello"})
    assert r.status_code == 200 and r.json()["text"] == "Hi, Bob here."
    r = post(server, bob, iid, "responses/send", json={"shortcut": "pricing"})
    assert r.status_code == 201, r.text
    link = visitor.wait_for(lambda e: e["type"] == "url")
    assert (link["value"], link["displayName"]) == ("https://shop.example/pricing", "Bob Baker")


# -- invitations that end unanswered ------------------------------------------------------------


def test_declining_leaves_the_chat_as_it_was(server):
    alice, visitor, iid = owned_chat(server)
    carol = colleague(server, "carol")
    server.act(alice, iid, "conference", agent="carol")
    seen = visitor.count()
    view = server.act(carol, iid, "decline")
    assert view["queues"] == [] and view["actions"] == []
    assert server.queue(carol, MINE) == []
    owner = server.interaction(alice, iid)
    assert owner["transcript"][-1]["text"] == "Carol Cho declined the conference invitation."
    assert roles(owner) == [("alice", "owner")] and "cancel_invitation" not in owner["actions"]
    assert visitor.count() == seen
    r = post(server, carol, iid, "decline")
    assert r.status_code == 404 and error_of(r) == "interaction.not_found"  # no longer visible to her


def test_an_unanswered_invitation_lapses_without_a_status_change(server_factory):
    server = server_factory(directory(alert_timeout=1.0))
    alice, visitor, iid = owned_chat(server)
    carol = colleague(server, "carol")
    server.act(alice, iid, "conference", agent="carol")
    wait_until(lambda: server.queue(carol, MINE) == [], timeout=5, what="the invitation to lapse")
    owner = server.interaction(alice, iid)
    assert owner["transcript"][-1]["text"] == "Carol Cho did not answer the conference invitation."
    assert owner["state"] == "Connected" and roles(owner) == [("alice", "owner")]
    assert server.status_of(carol)["status"] == "Do Not Disturb"  # not ACD: no "Agent Not Answering"
    assert server.status_of(alice)["status"] == "Available"
    r = post(server, carol, iid, "pickup")
    assert r.status_code == 404 and error_of(r) == "interaction.not_found"


def test_the_owner_cancels_a_pending_invitation(server):
    alice, _visitor, iid = owned_chat(server)
    carol = colleague(server, "carol")
    stream = server.events(carol, {"op": "subscribe"})
    stream.snapshots()
    server.act(alice, iid, "conference", agent="carol")
    stream.recv_until(lambda f: f["topic"] == "interaction" and f["kind"] == "put")
    view = server.act(alice, iid, "cancel_invitation", agent="carol")
    assert roles(view) == [("alice", "owner")] and "cancel_invitation" not in view["actions"]
    gone = stream.recv_until(lambda f: f["topic"] == "interaction")
    assert gone["kind"] == "delete" and gone["data"] == {"id": iid}
    assert server.interaction(alice, iid)["transcript"][-1]["text"] == "Alice Archer cancelled the invitation to Carol Cho."
    r = post(server, alice, iid, "cancel_invitation", json={"agent": "carol"})
    assert r.status_code == 409 and error_of(r) == "interaction.conference.not_invited"


def test_a_colleague_who_signs_out_lets_the_invitation_lapse(server):
    alice, _visitor, iid = owned_chat(server)
    carol = colleague(server, "carol")
    server.act(alice, iid, "conference", agent="carol")
    assert server.http.delete("/api/v1/session", headers=carol).status_code == 204
    owner = server.interaction(alice, iid)
    assert roles(owner) == [("alice", "owner")]
    assert owner["transcript"][-1]["text"] == "Carol Cho signed out; the conference invitation lapsed."


# -- leaving -------------------------------------------------------------------------------------


def test_a_member_who_disconnects_leaves_and_the_chat_goes_on(server):
    alice, visitor, iid = owned_chat(server)
    carol = colleague(server, "carol")
    conference(server, alice, iid, "carol", carol)
    view = server.act(carol, iid, "disconnect")
    assert view["queues"] == []
    left = visitor.wait_for(lambda e: e["type"] == "participantStateChanged" and e["state"] == "disconnected")
    assert left["participantName"] == "Carol Cho"
    visitor.wait_for_text("Carol Cho has left the conversation.")
    owner = server.interaction(alice, iid)
    assert owner["state"] == "Connected" and roles(owner) == [("alice", "owner")]
    assert owner["actions"] == ["hold", "transfer", "conference", "disconnect"]
    assert server.queue(carol, MINE) == []
    server.say(alice, iid, "still here")
    visitor.wait_for_text("still here")
    assert not any(e["type"] == "participantStateChanged" and e["participantID"] == visitor.pid
                   and e["state"] == "disconnected" for e in visitor.events)


def test_the_owner_leaving_hands_the_chat_to_the_longest_present_member(server):
    sue = server.login("sue")
    alice, visitor, iid = owned_chat(server)
    bob, carol = colleague(server, "bob"), colleague(server, "carol")
    conference(server, alice, iid, "carol", carol)
    conference(server, alice, iid, "bob", bob)
    answered = server.interaction(alice, iid)

    server.act(alice, iid, "disconnect")
    now_carols = server.interaction(carol, iid)
    assert now_carols["state"] == "Connected" and now_carols["agent"] == "carol"
    assert now_carols["agent_name"] == "Carol Cho"
    assert roles(now_carols) == [("carol", "owner"), ("bob", "member")]
    assert now_carols["actions"] == ["hold", "conference", "disconnect"]
    assert now_carols["state_since"] == answered["state_since"]
    assert now_carols["transcript"][-2:][0]["text"] == "Alice Archer has left the conversation."
    assert now_carols["transcript"][-1]["text"] == "Carol Cho now owns the chat."
    assert [i["id"] for i in server.queue(alice, MINE)] == []
    visitor.wait_for_text("Alice Archer has left the conversation.")
    server.say(carol, iid, "I'll finish this")
    visitor.wait_for_text("I'll finish this")

    server.act(bob, iid, "disconnect")
    server.act(carol, iid, "disconnect")  # the last agent: the chat ends as always
    ended = server.interaction(carol, iid)
    assert ended["state"] == "Disconnected" and ended["actions"] == ["dismiss"] and ended["participants"][0]["username"] == "carol"
    visitor.wait_for(lambda e: e["type"] == "participantStateChanged" and e["participantID"] == visitor.pid
                     and e["state"] == "disconnected")

    # One contact offered and answered once, however many agents handled it.
    sales = next(s for s in server.http.get("/api/v1/supervisor/statistics", headers=sue).json()
                 if s["workgroup"] == "Sales")
    assert (sales["today"]["offered"], sales["today"]["answered"]) == (1, 1)


def test_the_visitor_leaving_ends_the_conference_for_every_member(server):
    alice, visitor, iid = owned_chat(server)
    carol = colleague(server, "carol")
    conference(server, alice, iid, "carol", carol)
    stream = server.events(carol, {"op": "subscribe"})
    stream.snapshots()
    visitor.exit()
    line = stream.recv_until(lambda f: f["topic"] == "interaction.message")
    assert line["data"]["entry"]["text"] == f"{visitor.name} has left the conversation."
    assert stream.recv_until(lambda f: f["topic"] == "interaction")["kind"] == "delete"
    owner = server.interaction(alice, iid)
    assert owner["state"] == "Disconnected" and roles(owner) == [("alice", "owner")]


def test_the_owner_ending_with_only_an_invitation_pending_ends_the_chat(server):
    alice, visitor, iid = owned_chat(server)
    carol = colleague(server, "carol")
    server.act(alice, iid, "conference", agent="carol")
    assert server.act(alice, iid, "disconnect")["state"] == "Disconnected"
    assert server.queue(carol, MINE) == []
    visitor.wait_for(lambda e: e["type"] == "participantStateChanged" and e["participantID"] == visitor.pid)


# -- capacity --------------------------------------------------------------------------------------


def test_a_conference_seat_takes_one_of_the_members_chat_slots(server):
    alice, _visitor, iid = owned_chat(server)
    bob = colleague(server, "bob")  # max_chats 1
    server.set_status(alice, "Do Not Disturb")
    server.act(alice, iid, "conference", agent="bob")
    server.set_status(bob, "Available")
    waiting = server.visitor()
    waiting.start()
    time.sleep(0.3)
    [queued] = [i for i in server.queue(bob, "workgroup:Sales") if i["remote_name"] == waiting.name]
    assert queued["state"] == "Waiting"  # bob's one slot is the invitation
    server.act(bob, iid, "pickup")
    time.sleep(0.3)
    assert server.interaction(bob, queued["id"])["state"] == "Waiting"  # and then the conference
    server.act(bob, iid, "disconnect")
    alert = server.wait_for_alert(bob)
    assert alert["id"] == queued["id"]


# -- refusals --------------------------------------------------------------------------------------


def test_every_bad_invitation_is_refused_with_its_code_and_changes_nothing(server):
    alice, _visitor, iid = owned_chat(server)
    bob, carol = colleague(server, "bob"), colleague(server, "carol")
    conference(server, alice, iid, "carol", carol)
    before = server.interaction(alice, iid)
    cases = [
        (alice, {"agent": "nobody"}, 422, "interaction.conference.unknown_target"),
        (alice, {"agent": "omar"}, 409, "interaction.conference.target_unavailable"),  # not signed in
        (alice, {"agent": "sue"}, 409, "interaction.conference.target_unavailable"),  # a supervisor
        (alice, {"agent": "carol"}, 409, "interaction.conference.already_in"),
        (alice, {"agent": "alice"}, 409, "interaction.conference.already_in"),
        (bob, {"agent": "sue"}, 403, "interaction.not_yours"),  # sees it in Sales, not his
        (carol, {"agent": "bob"}, 403, "interaction.not_yours"),  # members do not invite
        (alice, {}, 422, "request.invalid"),
        (alice, {"agent": ""}, 422, "request.invalid"),
        (alice, {"agent": "bob", "note": "hi"}, 422, "request.invalid"),
    ]
    for who, body, status, code in cases:
        r = post(server, who, iid, "conference", json=body)
        assert (r.status_code, error_of(r)) == (status, code), body
    r = server.http.post(f"/api/v1/interactions/{iid}/conference", content=b"{nope",
                         headers={**alice, "Content-Type": "application/json"})
    assert r.status_code == 400 and error_of(r) == "request.malformed"
    for who, action, status, code in [
        (carol, "hold", 403, "interaction.not_yours"),
        (carol, "transfer", 422, "interaction.transfer.target_required"),
        (bob, "decline", 409, "interaction.conference.not_invited"),
        (alice, "transfer", 409, "interaction.action_not_allowed"),
    ]:
        body = {"json": {"workgroup": "Support"}} if action == "transfer" and who is alice else {}
        r = post(server, who, iid, action, **body)
        assert (r.status_code, error_of(r)) == (status, code), (action, r.text)
    assert server.interaction(alice, iid) == before
    assert server.queue(bob, MINE) == []


def test_a_chat_not_connected_cannot_be_conferenced(server):
    alice, _visitor, iid = owned_chat(server)
    colleague(server, "carol")
    server.act(alice, iid, "hold")
    r = post(server, alice, iid, "conference", json={"agent": "carol"})
    assert r.status_code == 409 and error_of(r) == "interaction.action_not_allowed"
    other = server.visitor()
    other.start()
    alerting = server.wait_for_interaction(alice, MINE, lambda i: i["state"] == "Alerting")
    r = post(server, alice, alerting["id"], "conference", json={"agent": "carol"})
    assert r.status_code == 409 and error_of(r) == "interaction.action_not_allowed"
    assert roles(server.interaction(alice, iid)) == [("alice", "owner")]


def test_a_callback_cannot_be_conferenced(server):
    alice = server.login("alice")
    colleague(server, "carol")
    _caller, iid = pick_up_callback(server, alice)
    before = server.interaction(alice, iid)
    r = post(server, alice, iid, "conference", json={"agent": "carol"})
    assert r.status_code == 409 and error_of(r) == "interaction.action_not_allowed"
    assert "chats" in r.json()["error"]["message"]
    assert server.interaction(alice, iid) == before


# -- supervisors --------------------------------------------------------------------------------------


def test_supervisors_still_monitor_and_barge_into_a_conference(server):
    alice, visitor, iid = owned_chat(server)
    carol, sue = colleague(server, "carol"), server.login("sue")
    conference(server, alice, iid, "carol", carol)
    joined = server.http.post(f"/api/v1/supervisor/interactions/{iid}/join", json={"mode": "barge"}, headers=sue)
    assert joined.status_code == 200, joined.text
    r = post(server, alice, iid, "conference", json={"agent": "sue"})
    assert r.status_code == 409 and error_of(r) == "interaction.conference.target_unavailable"
    assert "supervisor" in r.json()["error"]["message"]
    visitor.wait_for_text("Sue Sommer has joined the conversation.")
    server.say(carol, iid, "the supervisor is here")
    visitor.wait_for_text("the supervisor is here")
    [presence] = server.interaction(carol, iid)["supervisors"]
    assert presence["mode"] == "barge"
    left = server.http.post(f"/api/v1/supervisor/interactions/{iid}/leave", headers=sue)
    assert left.status_code == 200
    assert roles(server.interaction(alice, iid)) == [("alice", "owner"), ("carol", "member")]


def test_a_supervisor_moving_the_chat_ends_the_conference(server):
    alice, visitor, iid = owned_chat(server)
    carol, sue = colleague(server, "carol"), server.login("sue")
    conference(server, alice, iid, "carol", carol)
    server.set_status(alice, "Do Not Disturb")
    r = server.http.post(f"/api/v1/supervisor/interactions/{iid}/requeue", headers=sue)
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "Waiting" and r.json()["participants"] == []
    visitor.wait_for_text("Carol Cho has left the conversation.")
    assert server.queue(carol, MINE) == []


@pytest.mark.parametrize("member", ["bob", "carol"])
def test_a_member_cannot_hold_transfer_or_invite_but_may_leave(server, member):
    alice, _visitor, iid = owned_chat(server)
    headers = colleague(server, member)
    view = conference(server, alice, iid, member, headers)
    assert view["actions"] == ["disconnect"]
    for action in ("hold", "unhold", "dismiss"):
        r = post(server, headers, iid, action)
        assert r.status_code == 403 and error_of(r) == "interaction.not_yours", action
