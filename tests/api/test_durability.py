"""What a server acknowledged survives a restart on the same data directory."""

from __future__ import annotations

from console.server.runner import free_port
from tests.conftest import (
    Visitor,
    directory,
    seed_data_dir,
    server_process,
    stop,
    wait_for_alert_over,
    wait_until,
)


def restart(server_factory, server):
    """Stops ``server`` and starts a new one on its data directory."""
    data_dir = server.thread.settings.data_dir
    stop(server)
    return server_factory(data_dir=data_dir)


def test_connected_chat_its_transcript_and_visitor_numbering_survive_a_restart(server_factory):
    server = server_factory()
    alice = server.login("alice")
    visitor = server.visitor()
    visitor.start()
    iid = server.wait_for_alert(alice)["id"]
    server.act(alice, iid, "pickup")
    visitor.send("My order is late")
    server.say(alice, iid, "Let me check")
    visitor.wait_for_text("Let me check")
    before = server.interaction(alice, iid)
    received = len(visitor.events)
    conversation = sum(1 for e in visitor.events if e["type"] == "text")

    server = restart(server_factory, server)
    visitor.http = server.http

    after = server.interaction(alice, iid)  # the session token survived too
    assert after["state"] == "Connected" and after["agent"] == "alice"
    assert after["transcript"] == before["transcript"]
    assert {k: v for k, v in after.items() if k != "transcript"} == {
        k: v for k, v in before.items() if k != "transcript"}

    visitor.poll()  # the restarted server hands out the feed again; every number must match
    assert len(visitor.events) == received and visitor.repeats == received

    entry = server.say(alice, iid, "Found it")
    assert entry["seq"] == len(before["transcript"])
    event = visitor.wait_for_text("Found it")
    assert event["sequenceNumber"] == received
    assert event["conversationSequenceNumber"] == conversation
    [echo] = visitor.send("Thanks")
    assert echo["sequenceNumber"] == received + 1
    transcript = server.interaction(alice, iid)["transcript"]
    assert [e["seq"] for e in transcript] == list(range(len(transcript)))
    assert [e["text"] for e in transcript[-2:]] == ["Found it", "Thanks"]


def test_waiting_and_alerting_chats_are_back_in_their_queues_after_a_restart(server_factory):
    server = server_factory()
    alice = server.login("alice")
    alerting = server.visitor()
    alerting.start()
    alert = server.wait_for_alert(alice)
    waiting = server.visitor()
    waiting.start(target="Support")  # nobody of Support is signed in
    sue = server.login("sue")
    support_id = server.find_interaction(sue, waiting.name)["id"]

    server = restart(server_factory, server)
    alerting.http = waiting.http = server.http

    [queued] = server.queue(sue, "workgroup:Support")
    assert queued["id"] == support_id and queued["state"] == "Waiting" and queued["agent"] is None
    # The alert died with the old process: the chat queued again and routing alerted alice anew.
    again = server.wait_for_alert(alice)
    assert again["id"] == alert["id"] and again["state_since"] > alert["state_since"]
    alerts = [t for t in alerting.texts() if t == "Interaction alerting Alice Archer."]
    assert len(alerts) == 2
    carol = server.login("carol")
    assert server.wait_for_alert(carol)["id"] == support_id
    waiting.wait_for_text("Interaction alerting Carol Cho.")


def test_ended_chat_stays_in_my_interactions_across_a_restart_until_dismissed(server_factory):
    server = server_factory()
    alice = server.login("alice")
    visitor = server.visitor()
    visitor.start()
    iid = server.wait_for_alert(alice)["id"]
    server.act(alice, iid, "pickup")
    visitor.exit()
    ended = visitor.events[-1]

    server = restart(server_factory, server)
    visitor.http = server.http

    [mine] = server.queue(alice, "my-interactions")
    assert mine["id"] == iid and mine["state"] == "Disconnected" and mine["actions"] == ["dismiss"]
    visitor.poll()
    assert visitor.events[-1] == ended  # nothing new, numbering unchanged
    server.act(alice, iid, "dismiss")
    server = restart(server_factory, server)
    assert server.queue(alice, "my-interactions") == []


def test_interaction_ids_keep_rising_across_a_restart(server_factory):
    server = server_factory()
    sue = server.login("sue")
    first = server.visitor()
    first.start()
    first_id = server.find_interaction(sue, first.name)["id"]
    server = restart(server_factory, server)
    second = server.visitor()
    second.start()
    second_id = server.find_interaction(sue, second.name)["id"]
    assert int(second_id) == int(first_id) + 1


def test_agent_status_survives_a_restart(server_factory):
    server = server_factory()
    alice = server.login("alice", status="In a Meeting")
    server = restart(server_factory, server)
    assert server.status_of(alice)["status"] == "In a Meeting"


def test_a_pending_sign_out_survives_a_restart_and_a_cancelled_one_does_not(server_factory):
    server = server_factory()
    sue = server.login("sue")
    chats = {}
    for name, username in (("Vera Visitor", "alice"), ("Walt Visitor", "bob")):
        agent = server.login(username, "Available")
        server.visitor().start(name=name)
        chats[username] = (agent, server.act(agent, server.wait_for_alert(agent)["id"], "pickup"))
        server.http.put("/api/v1/agents/me/status", json={"status": "In a Meeting"}, headers=agent)
    (alice, alice_chat), (bob, bob_chat) = chats["alice"], chats["bob"]
    assert server.http.post("/api/v1/supervisor/agents/alice/sign-out", headers=sue).status_code == 200
    assert server.http.post("/api/v1/supervisor/agents/bob/sign-out", headers=sue).status_code == 200
    assert server.http.delete("/api/v1/supervisor/agents/bob/sign-out", headers=sue).status_code == 200

    server = restart(server_factory, server)
    assert server.status_of(alice)["sign_out_pending"] is True
    assert server.status_of(bob)["sign_out_pending"] is False
    server.act(bob, bob_chat["id"], "disconnect")
    server.act(alice, alice_chat["id"], "disconnect")
    wait_until(lambda: server.http.get("/api/v1/session", headers=alice).status_code == 401)
    assert server.http.get("/api/v1/session", headers=bob).status_code == 200


def test_a_supervisor_barged_in_is_still_in_the_chat_after_a_restart_until_they_leave(server_factory):
    server = server_factory()
    sue, alice = server.login("sue"), server.login("alice", "Available")
    visitor = server.visitor()
    visitor.start()
    chat = server.act(alice, server.wait_for_alert(alice)["id"], "pickup")
    r = server.http.post(f"/api/v1/supervisor/interactions/{chat['id']}/join", json={"mode": "barge"}, headers=sue)
    assert r.status_code == 200

    server = restart(server_factory, server)
    visitor.http = server.http
    assert server.interaction(alice, chat["id"])["supervisors"] == [
        {"username": "sue", "name": "Sue Sommer", "mode": "barge"}]
    r = server.http.post(f"/api/v1/supervisor/interactions/{chat['id']}/messages",
                         json={"text": "Still here to help."}, headers=sue)
    assert r.status_code == 201
    assert visitor.wait_for_text("Still here to help.")["displayName"] == "Sue Sommer"
    assert server.http.post(f"/api/v1/supervisor/interactions/{chat['id']}/leave", headers=sue).status_code == 200

    server = restart(server_factory, server)
    assert server.interaction(alice, chat["id"])["supervisors"] == []
    r = server.http.post(f"/api/v1/supervisor/interactions/{chat['id']}/messages", json={"text": "x"}, headers=sue)
    assert r.status_code == 409


def test_event_stream_after_a_restart_resyncs(server_factory):
    server = server_factory()
    alice = server.login("alice")
    stream = server.events(alice, {"op": "subscribe"})
    stream.snapshots()
    server = restart(server_factory, server)
    resumed = server.events(alice, {"op": "resume", "after": 3})
    assert resumed.recv()["kind"] == "resync"
    assert [f["kind"] for f in resumed.snapshots()] == ["snapshot"] * 3


def test_acknowledged_chat_survives_kill_9_of_the_server_process(server_factory, seed_cache, tmp_path):
    data_dir = tmp_path / "killed"
    seed_data_dir(data_dir, directory(), seed_cache)
    port = free_port()
    with server_process(data_dir, port) as http:  # SIGKILLed when the block ends
        token = http.post("/api/v1/session", json={"username": "alice", "password": "alice-pw"}).json()["token"]
        alice = {"Authorization": f"Bearer {token}"}
        visitor = Visitor(http)
        visitor.start()

        iid = wait_for_alert_over(http, alice)
        assert http.post(f"/api/v1/interactions/{iid}/pickup", headers=alice).status_code == 200
        visitor.send("acknowledged before the crash")
        r = http.post(f"/api/v1/interactions/{iid}/messages", json={"text": "me too"}, headers=alice)
        assert r.status_code == 201
        visitor.wait_for_text("me too")
        received = len(visitor.events)

    server = server_factory(data_dir=data_dir)
    visitor.http = server.http
    detail = server.interaction(alice, iid)
    assert detail["state"] == "Connected"
    assert [e["text"] for e in detail["transcript"]][-2:] == ["acknowledged before the crash", "me too"]
    server.say(alice, iid, "after the crash")
    assert visitor.wait_for_text("after the crash")["sequenceNumber"] == received


def test_conference_members_and_pending_invitations_survive_kill_9(server_factory, seed_cache, tmp_path):
    data_dir = tmp_path / "killed-conference"
    seed_data_dir(data_dir, directory(), seed_cache)
    port = free_port()
    with server_process(data_dir, port) as http:  # SIGKILLed when the block ends
        def sign_in(username: str, status: str | None = None) -> dict[str, str]:
            token = http.post("/api/v1/session", json={"username": username, "password": f"{username}-pw"}).json()["token"]
            headers = {"Authorization": f"Bearer {token}"}
            if status:
                assert http.put("/api/v1/agents/me/status", json={"status": status}, headers=headers).status_code == 200
            return headers

        alice, bob, carol = sign_in("alice"), sign_in("bob", "Do Not Disturb"), sign_in("carol", "Do Not Disturb")
        visitor = Visitor(http)
        visitor.start()

        iid = wait_for_alert_over(http, alice)

        def act(who: dict[str, str], action: str, **body: str) -> None:
            r = http.post(f"/api/v1/interactions/{iid}/{action}", json=body or None, headers=who)
            assert r.status_code == 200, r.text

        act(alice, "pickup")
        act(alice, "conference", agent="carol")
        act(carol, "pickup")
        act(alice, "conference", agent="bob")
        assert http.post(f"/api/v1/interactions/{iid}/messages", json={"text": "Carol here"},
                         headers=carol).status_code == 201
        visitor.wait_for_text("Carol here")
        received = len(visitor.events)

    server = server_factory(data_dir=data_dir)
    visitor.http = server.http
    detail = server.interaction(alice, iid)
    assert detail["state"] == "Connected"
    assert [(p["username"], p["role"]) for p in detail["participants"]] == [
        ("alice", "owner"), ("carol", "member"), ("bob", "invited")]
    [invitation] = server.queue(bob, "my-interactions")
    assert invitation["id"] == iid and invitation["state"] == "Alerting"
    server.say(carol, iid, "still in the conference")
    assert visitor.wait_for_text("still in the conference")["sequenceNumber"] == received
    server.act(bob, iid, "pickup")
    visitor.wait_for_text("Bob Baker has joined the conversation.")
    assert [p["role"] for p in server.interaction(bob, iid)["participants"]] == ["owner", "member", "member"]
