"""The agent event stream /api/v1/events: snapshots, live events, resume and resync."""

from __future__ import annotations

import json

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from console.wire import AgentStatusView, EventEnvelope, InteractionView, QueueInfo, UserInfo


def check_snapshots(frames, username="alice"):
    """The three snapshot frames, in order, numbered one by one."""
    for frame in frames:
        EventEnvelope.model_validate(frame)
    assert [(f["topic"], f["kind"]) for f in frames] == [
        ("session", "snapshot"), ("agent.status", "snapshot"), ("queues", "snapshot"),
    ]
    assert [f["seq"] for f in frames] == [frames[0]["seq"] + n for n in range(3)]
    session, status, queues = (f["data"] for f in frames)
    assert UserInfo.model_validate(session["user"]).username == username
    assert "Available" in {s["id"] for s in session["statuses"]}
    assert AgentStatusView.model_validate(status).username == username
    for q in queues["queues"]:
        QueueInfo.model_validate(q)
    for i in queues["interactions"]:
        InteractionView.model_validate(i)
    return session, status, queues


def closed_with(ws) -> int:
    with pytest.raises(ConnectionClosed) as info:
        while True:
            ws.recv(timeout=5)
    assert info.value.rcvd is not None
    return info.value.rcvd.code


def test_stream_starts_with_snapshots_numbered_from_1(server):
    alice = server.login("alice", status="Training")
    stream = server.events(alice, {"op": "subscribe"})
    frames = stream.snapshots()
    assert [f["seq"] for f in frames] == [1, 2, 3]
    session, status, queues = check_snapshots(frames)
    assert status["status"] == "Training" and status["acd_available"] is False
    assert [q["id"] for q in queues["queues"]] == ["my-interactions", "workgroup:Sales"]
    assert queues["interactions"] == []


def test_snapshot_lists_the_interactions_i_can_see(server):
    alice = server.login("alice", status="Do Not Disturb")
    visitor = server.visitor()
    visitor.start()
    _, _, queues = check_snapshots(server.events(alice, {"op": "subscribe"}).snapshots())
    [chat] = queues["interactions"]
    assert chat["remote_name"] == visitor.name and chat["state"] == "Waiting" and chat["actions"] == ["pickup"]


def test_snapshots_come_without_an_opening_frame_after_the_grace(server):
    alice = server.login("alice")
    stream = server.events(alice)  # sends nothing
    check_snapshots(stream.snapshots())


def test_junk_opening_frame_is_treated_as_subscribe(server):
    alice = server.login("alice")
    stream = server.events(alice, {"op": "resume", "after": "three"})
    frames = stream.snapshots()
    check_snapshots(frames)
    assert [f["seq"] for f in frames] == [1, 2, 3]


def test_bearer_header_also_opens_the_stream(server):
    alice = server.login("alice")
    with connect(server.ws_url, additional_headers=alice, open_timeout=5) as ws:
        ws.send(json.dumps({"op": "subscribe"}))
        frames = [json.loads(ws.recv(timeout=5)) for _ in range(3)]
    check_snapshots(frames)


@pytest.mark.parametrize("query", ["?token=not-a-token", "", "?token="])
def test_bad_token_closes_with_4401(server, query):
    with connect(server.ws_url + query, open_timeout=5) as ws:
        first = json.loads(ws.recv(timeout=5))
        assert first["error"]["code"] in ("session.invalid", "session.required")
        assert closed_with(ws) == 4401


def test_sign_out_closes_the_stream_with_4401(server):
    alice = server.login("alice")
    stream = server.events(alice, {"op": "subscribe"})
    stream.snapshots()
    assert server.http.delete("/api/v1/session", headers=alice).status_code == 204
    assert closed_with(stream.ws) == 4401


def test_live_events_follow_a_chat_through_its_life(server):
    alice = server.login("alice")
    stream = server.events(alice, {"op": "subscribe"})
    stream.snapshots()
    visitor = server.visitor()
    visitor.start()

    put = stream.recv_until(lambda f: f["topic"] == "interaction" and f["data"]["state"] == "Alerting")
    assert put["kind"] == "put" and put["data"]["agent"] == "alice" and put["data"]["actions"] == ["pickup"]
    InteractionView.model_validate(put["data"])
    iid = put["data"]["id"]

    server.act(alice, iid, "pickup")
    joined = stream.recv_until(lambda f: f["topic"] == "interaction.message")
    assert joined["kind"] == "post" and joined["data"]["interaction_id"] == iid
    assert joined["data"]["entry"]["text"] == "Alice Archer has joined the conversation."
    connected = stream.recv_until(lambda f: f["topic"] == "interaction")
    assert connected["data"]["state"] == "Connected"

    visitor.typing(True)
    typing = stream.recv_until(lambda f: f["topic"] == "interaction.typing")
    assert typing["kind"] == "put"
    assert typing["data"] == {"interaction_id": iid, "name": visitor.name, "typing": True}

    visitor.send("Hello there")
    stopped = stream.recv()
    assert stopped["topic"] == "interaction.typing" and stopped["data"]["typing"] is False
    message = stream.recv()
    assert message["topic"] == "interaction.message" and message["kind"] == "post"
    entry = message["data"]["entry"]
    assert (entry["kind"], entry["sender_type"], entry["sender_name"], entry["text"]) == (
        "text", "visitor", visitor.name, "Hello there")

    server.say(alice, iid, "Hi!")
    mine = stream.recv_until(lambda f: f["topic"] == "interaction.message")
    assert mine["data"]["entry"]["sender_type"] == "agent" and mine["data"]["entry"]["text"] == "Hi!"

    visitor.exit()
    left = stream.recv_until(lambda f: f["topic"] == "interaction.message")
    assert left["data"]["entry"]["text"] == f"{visitor.name} has left the conversation."
    ended = stream.recv_until(lambda f: f["topic"] == "interaction")
    assert ended["kind"] == "put" and ended["data"]["state"] == "Disconnected"
    assert ended["data"]["actions"] == ["dismiss"]

    server.act(alice, iid, "dismiss")
    gone = stream.recv_until(lambda f: f["topic"] == "interaction")
    assert gone["kind"] == "delete" and gone["data"] == {"id": iid}
    for frame in stream.frames:
        EventEnvelope.model_validate(frame)


def test_abandoned_waiting_chat_is_deleted_from_the_queue_view(server):
    alice = server.login("alice", status="Do Not Disturb")
    stream = server.events(alice, {"op": "subscribe"})
    stream.snapshots()
    visitor = server.visitor()
    visitor.start()
    put = stream.recv_until(lambda f: f["topic"] == "interaction")
    assert put["kind"] == "put" and put["data"]["state"] == "Waiting"
    visitor.exit()
    gone = stream.recv_until(lambda f: f["topic"] == "interaction")
    assert gone["kind"] == "delete" and gone["data"] == {"id": put["data"]["id"]}
    assert server.queue(alice, "workgroup:Sales") == []


def test_colleagues_see_queue_changes_but_not_the_conversation(server):
    alice = server.login("alice")
    bob = server.login("bob", status="Do Not Disturb")
    bob_stream = server.events(bob, {"op": "subscribe"})
    bob_stream.snapshots()
    visitor = server.visitor()
    visitor.start()
    iid = server.wait_for_alert(alice)["id"]
    server.act(alice, iid, "pickup")
    connected = bob_stream.recv_until(lambda f: f["topic"] == "interaction" and f["data"]["state"] == "Connected")
    assert connected["data"]["agent"] == "alice" and connected["data"]["actions"] == []
    visitor.typing(True)
    visitor.send("private")
    server.say(alice, iid, "also private")
    server.set_status(bob, "Training")  # a marker event after the conversation
    bob_stream.recv_until(lambda f: f["topic"] == "agent.status")
    topics = {f["topic"] for f in bob_stream.frames}
    assert "interaction.message" not in topics and "interaction.typing" not in topics


def test_resume_delivers_exactly_the_missed_events(server):
    alice = server.login("alice", status="Do Not Disturb")
    first = server.events(alice, {"op": "subscribe"})
    first.snapshots()
    first.close()
    server.set_status(alice, "At Lunch")
    server.set_status(alice, "Training")
    visitor = server.visitor()
    visitor.start()

    resumed = server.events(alice, {"op": "resume", "after": 4})  # 1-3 and desktop chat's 4
    missed = [resumed.recv() for _ in range(3)]
    assert [f["seq"] for f in missed] == [5, 6, 7]
    assert [(f["topic"], f["kind"]) for f in missed] == [
        ("agent.status", "put"), ("agent.status", "put"), ("interaction", "put"),
    ]
    assert [missed[0]["data"]["status"], missed[1]["data"]["status"]] == ["At Lunch", "Training"]
    assert missed[2]["data"]["remote_name"] == visitor.name
    server.set_status(alice, "In a Meeting")
    live = resumed.recv()
    assert live["seq"] == 8 and live["topic"] == "agent.status" and live["data"]["status"] == "In a Meeting"


def test_resume_when_nothing_was_missed_continues_with_live_events(server):
    alice = server.login("alice")
    first = server.events(alice, {"op": "subscribe"})
    first.snapshots()
    first.close()
    resumed = server.events(alice, {"op": "resume", "after": 4})
    server.set_status(alice, "Training")
    frame = resumed.recv()
    assert frame["seq"] == 5 and frame["topic"] == "agent.status"


def test_resume_beyond_the_buffer_gives_resync_then_snapshots(server_factory):
    server = server_factory(event_buffer=5)
    alice = server.login("alice")
    first = server.events(alice, {"op": "subscribe"})
    first.snapshots()
    first.close()
    for status in ("At Lunch", "Training", "In a Meeting", "At Lunch", "Training", "Do Not Disturb"):
        server.set_status(alice, status)  # seq 5..10; the buffer keeps 6..10

    resumed = server.events(alice, {"op": "resume", "after": 4})
    resync = resumed.recv()
    EventEnvelope.model_validate(resync)
    assert resync["seq"] == 11 and resync["kind"] == "resync" and resync["topic"] == "session"
    frames = resumed.snapshots()
    assert [f["seq"] for f in frames] == [12, 13, 14]
    _, status, _ = check_snapshots(frames)
    assert status["status"] == "Do Not Disturb"


def test_resume_from_a_seq_the_session_never_reached_gives_resync(server):
    alice = server.login("alice")
    stream = server.events(alice, {"op": "resume", "after": 999})
    resync = stream.recv()
    assert resync["kind"] == "resync" and resync["seq"] == 1
    check_snapshots(stream.snapshots())


def test_each_session_numbers_its_own_stream(server):
    one, two = server.login("alice"), server.login("alice")
    first = server.events(one, {"op": "subscribe"})
    first.snapshots()
    server.set_status(one, "Training")
    assert first.recv()["seq"] == 5
    second = server.events(two, {"op": "subscribe"})
    assert [f["seq"] for f in second.snapshots()] == [1, 2, 3]
    server.set_status(one, "At Lunch")
    assert first.recv()["seq"] == 6 and second.recv()["seq"] == 5
