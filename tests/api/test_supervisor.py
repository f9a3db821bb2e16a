"""The supervisor API over the real server: figures, team, sign-out, monitor/coach/barge, moves."""

from __future__ import annotations

from typing import Any

import pytest

from console.server import queue_statistics
from tests.conftest import Harness, error_of, wait_until

SUP = "/api/v1/supervisor"


def connected_chat(server: Harness, agent: dict[str, str], name: str = "Vera Visitor") -> tuple[Any, dict]:
    """A visitor in Sales whose chat ``agent`` has picked up."""
    visitor = server.visitor()
    visitor.start(name=name)
    alert = server.wait_for_alert(agent)
    chat = server.act(agent, alert["id"], "pickup")
    return visitor, chat


def stats_of(frame: dict[str, Any], workgroup: str) -> dict[str, Any] | None:
    if frame.get("topic") != "stats":
        return None
    data = frame["data"]
    items = data["workgroups"] if frame["kind"] == "snapshot" else [data]
    return next((s for s in items if s["workgroup"] == workgroup), None)


# -- permissions ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "method, path, body",
    [
        ("GET", "/statistics", None),
        ("GET", "/team", None),
        ("POST", "/agents/bob/sign-out", None),
        ("DELETE", "/agents/bob/sign-out", None),
        ("POST", "/interactions/1/join", {"mode": "monitor"}),
        ("POST", "/interactions/1/leave", None),
        ("POST", "/interactions/1/messages", {"text": "psst"}),
        ("POST", "/interactions/1/transfer", {"workgroup": "Support"}),
        ("POST", "/interactions/1/requeue", None),
        ("PUT", "/interactions/1/priority", {"priority": 5}),
    ],
)
def test_agents_are_refused_every_supervisor_call(server, method, path, body):
    alice = server.login("alice")
    r = server.http.request(method, SUP + path, headers=alice, json=body)
    assert r.status_code == 403
    assert error_of(r) == "permission.denied"


def test_an_agent_cannot_change_a_colleagues_status(server):
    alice = server.login("alice")
    server.login("bob")
    r = server.http.put("/api/v1/agents/bob/status", json={"status": "At Lunch"}, headers=alice)
    assert r.status_code == 403 and error_of(r) == "permission.denied"


def test_supervisors_reach_only_their_own_workgroups(server):
    alice = server.login("alice", "Available")
    omar = server.login("omar")  # supervisor of Billing only
    _visitor, chat = connected_chat(server, alice)
    r = server.http.post(f"{SUP}/agents/alice/sign-out", headers=omar)
    assert r.status_code == 404 and error_of(r) == "agent.not_found"
    r = server.http.post(f"{SUP}/interactions/{chat['id']}/join", json={"mode": "monitor"}, headers=omar)
    assert r.status_code == 404 and error_of(r) == "interaction.not_found"
    r = server.http.put("/api/v1/agents/alice/status", json={"status": "At Lunch"}, headers=omar)
    assert r.status_code == 403
    assert [s["workgroup"] for s in server.http.get(f"{SUP}/statistics", headers=omar).json()] == ["Billing"]
    assert "alice" not in {m["username"] for m in server.http.get(f"{SUP}/team", headers=omar).json()}


def test_bad_supervisor_requests_get_clear_errors(server):
    sue = server.login("sue")
    cases = [
        ("PUT", "/interactions/1/priority", {"priority": "high"}, 422, "request.invalid"),
        ("PUT", "/interactions/1/priority", {"priority": 1.5}, 422, "request.invalid"),
        ("POST", "/interactions/1/join", {"mode": "spy"}, 422, "request.invalid"),
        ("POST", "/interactions/999/join", {"mode": "monitor"}, 404, "interaction.not_found"),
        ("POST", "/agents/nobody/sign-out", None, 404, "agent.not_found"),
        ("POST", "/agents/bob/sign-out", None, 409, "agent.not_signed_in"),
        ("DELETE", "/agents/bob/sign-out", None, 409, "agent.no_sign_out_pending"),
    ]
    for method, path, body, status, code in cases:
        r = server.http.request(method, SUP + path, headers=sue, json=body)
        assert (r.status_code, error_of(r)) == (status, code), (path, r.text)
    r = server.http.post(f"{SUP}/interactions/1/join", content=b"{not json",
                         headers={**sue, "Content-Type": "application/json"})
    assert r.status_code == 400 and error_of(r) == "request.malformed"


# -- live figures ---------------------------------------------------------------------------------


def test_supervisor_stream_starts_with_figures_and_team_of_their_workgroups(server):
    sue = server.login("sue")
    stream = server.events(sue)
    frames = [stream.recv() for _ in range(5)]
    topics = [(f["topic"], f["kind"]) for f in frames]
    assert topics[-2:] == [("stats", "snapshot"), ("team", "snapshot")]
    assert [s["workgroup"] for s in frames[3]["data"]["workgroups"]] == ["Sales", "Support"]
    assert {m["username"] for m in frames[4]["data"]["agents"]} == {"alice", "bob", "carol"}


def test_agents_get_no_figures_on_their_stream(server):
    alice = server.login("alice")
    stream = server.events(alice)
    assert [f["topic"] for f in stream.snapshots()] == ["session", "agent.status", "queues"]


def test_figures_follow_a_chat_from_waiting_to_answered(server):
    sue = server.login("sue")
    alice = server.login("alice", "At Lunch")  # signed in, not available: the chat waits
    stream = server.events(sue)
    for _ in range(5):
        stream.recv()
    visitor = server.visitor()
    visitor.start(name="Wanda Waiting")
    waiting = stream.recv_until(lambda f: (s := stats_of(f, "Sales")) and s["now"]["waiting_chats"] == 1)
    sales = waiting["data"]
    assert sales["interval"]["offered"] == 1 and sales["today"]["offered"] == 1
    assert sales["now"]["agents"] == {"logged_in": 1, "available": 0, "busy": 0, "not_available": 1}
    assert sales["now"]["oldest_waiting_since"] is not None
    server.set_status(alice, "Available")
    alert = server.wait_for_alert(alice)
    server.act(alice, alert["id"], "pickup")
    answered = stream.recv_until(lambda f: (s := stats_of(f, "Sales")) and s["interval"]["answered"] == 1)
    sales = answered["data"]
    assert sales["now"]["waiting_chats"] == 0 and sales["now"]["in_progress"] == 1
    assert sales["now"]["agents"]["busy"] == 1
    assert sales["interval"]["service_level"] is not None


def test_a_visitor_leaving_before_an_answer_counts_as_abandoned(server):
    sue = server.login("sue")
    stream = server.events(sue)
    for _ in range(5):
        stream.recv()
    visitor = server.visitor()
    visitor.start(name="Impatient Ida")
    stream.recv_until(lambda f: (s := stats_of(f, "Sales")) and s["now"]["waiting_chats"] == 1)
    visitor.exit()
    frame = stream.recv_until(lambda f: (s := stats_of(f, "Sales")) and s["today"]["abandoned"] == 1)
    assert frame["data"]["now"]["waiting_chats"] == 0
    assert frame["data"]["today"]["answered"] == 0
    # Treatment "ignore" (the default): nothing answered, nothing to count.
    assert frame["data"]["today"]["service_level"] is None


def test_figures_go_out_at_most_once_a_second_per_workgroup(server):
    sue = server.login("sue")
    stream = server.events(sue)
    for _ in range(5):
        stream.recv()
    visitors = []
    for n in range(6):
        v = server.visitor()
        v.start(name=f"Burst {n}")
        visitors.append(v)
    stream.recv_until(lambda f: (s := stats_of(f, "Sales")) and s["now"]["waiting_chats"] == 6, timeout=8)
    sales = [f["data"]["at"] for f in stream.frames if f["topic"] == "stats" and f["kind"] == "put"
             and f["data"]["workgroup"] == "Sales"]
    assert all(b - a >= 0.99 for a, b in zip(sales, sales[1:])), sales


def test_unchanged_figures_still_arrive_as_keepalives(server_factory, monkeypatch):
    monkeypatch.setattr(queue_statistics, "KEEPALIVE", 1.5)
    server = server_factory()
    sue = server.login("sue")
    stream = server.events(sue)
    for _ in range(5):
        stream.recv()
    first = stream.recv_until(lambda f: stats_of(f, "Support") is not None and f["kind"] == "put", timeout=5)
    second = stream.recv_until(lambda f: stats_of(f, "Support") is not None and f["kind"] == "put", timeout=5)
    assert second["data"]["now"] == first["data"]["now"]
    assert second["data"]["at"] > first["data"]["at"]


def test_todays_figures_survive_a_restart(server_factory, tmp_path):
    data_dir = tmp_path / "keep"
    server = server_factory(data_dir=data_dir)
    alice = server.login("alice", "Available")
    visitor, chat = connected_chat(server, alice)
    server.act(alice, chat["id"], "disconnect")
    gone = server.visitor()
    gone.start(name="Gone Gary")
    gone.exit()
    sue = server.login("sue")
    before = next(s for s in server.http.get(f"{SUP}/statistics", headers=sue).json() if s["workgroup"] == "Sales")
    assert (before["today"]["offered"], before["today"]["answered"], before["today"]["abandoned"]) == (2, 1, 1)
    server.thread.stop()
    again = server_factory(data_dir=data_dir)
    sue = again.login("sue")
    after = next(s for s in again.http.get(f"{SUP}/statistics", headers=sue).json() if s["workgroup"] == "Sales")
    assert after["today"] == before["today"]


# -- team ----------------------------------------------------------------------------------------


def test_team_rows_follow_status_and_interactions(server):
    sue = server.login("sue")
    stream = server.events(sue)
    for _ in range(5):
        stream.recv()
    alice = server.login("alice")
    server.set_status(alice, "Available")
    row = stream.recv_until(lambda f: f["topic"] == "team.agent" and f["data"]["username"] == "alice"
                            and f["data"]["status"] == "Available")["data"]
    assert row["signed_in"] and row["acd_available"] and row["interactions"] == []
    _visitor, chat = connected_chat(server, alice, name="Tess Team")
    row = stream.recv_until(lambda f: f["topic"] == "team.agent" and f["data"]["username"] == "alice"
                            and f["data"]["interactions"] and f["data"]["interactions"][0]["state"] == "Connected")
    assert row["data"]["interactions"][0]["remote_name"] == "Tess Team"


def test_supervisor_changes_an_agents_status(server):
    sue = server.login("sue")
    bob = server.login("bob", "Available")
    r = server.http.put("/api/v1/agents/bob/status", json={"status": "At Lunch"}, headers=sue)
    assert r.status_code == 200
    assert server.status_of(bob)["status"] == "At Lunch"


# -- signing out ---------------------------------------------------------------------------------


def test_sign_out_of_an_idle_agent_takes_effect_at_once(server):
    sue = server.login("sue")
    bob = server.login("bob", "Available")
    stream = server.events(bob)
    stream.snapshots()
    r = server.http.post(f"{SUP}/agents/bob/sign-out", headers=sue)
    assert r.status_code == 200 and r.json()["signed_in"] is False
    frame = stream.recv_until(lambda f: f["topic"] == "session" and f["kind"] == "delete")
    assert frame["data"]["reason"] == "Sue Sommer signed you out."
    r = server.http.get("/api/v1/session", headers=bob)
    assert r.status_code == 401


def test_sign_out_of_a_busy_agent_waits_for_the_last_interaction(server):
    sue = server.login("sue")
    alice = server.login("alice", "Available")
    _visitor, chat = connected_chat(server, alice)
    r = server.http.post(f"{SUP}/agents/alice/sign-out", headers=sue)
    assert r.status_code == 200
    assert r.json()["sign_out_pending"] == "Sue Sommer" and r.json()["signed_in"] is True
    assert server.status_of(alice)["sign_out_pending"] is True
    # Nothing new reaches an agent about to leave.
    other = server.visitor()
    other.start(name="Next Nora")
    waiting = server.wait_for_interaction(sue, "workgroup:Sales", lambda i: i["remote_name"] == "Next Nora")
    assert waiting["state"] == "Waiting"
    stream = server.events(alice)
    stream.snapshots()
    server.act(alice, chat["id"], "disconnect")
    stream.recv_until(lambda f: f["topic"] == "session" and f["kind"] == "delete")
    wait_until(lambda: server.http.get("/api/v1/session", headers=alice).status_code == 401)


def test_a_pending_sign_out_can_be_cancelled(server):
    sue = server.login("sue")
    alice = server.login("alice", "Available")
    _visitor, chat = connected_chat(server, alice)
    server.http.post(f"{SUP}/agents/alice/sign-out", headers=sue)
    r = server.http.delete(f"{SUP}/agents/alice/sign-out", headers=sue)
    assert r.status_code == 200 and r.json()["sign_out_pending"] is None
    server.act(alice, chat["id"], "disconnect")
    assert server.http.get("/api/v1/session", headers=alice).status_code == 200


# -- monitor, coach, barge ----------------------------------------------------------------------


def join(server: Harness, sue: dict[str, str], interaction_id: str, mode: str) -> dict[str, Any]:
    r = server.http.post(f"{SUP}/interactions/{interaction_id}/join", json={"mode": mode}, headers=sue)
    assert r.status_code == 200, r.text
    return r.json()


def test_monitoring_shows_the_live_transcript_unseen_by_agent_and_visitor(server):
    sue = server.login("sue")
    alice = server.login("alice", "Available")
    visitor, chat = connected_chat(server, alice)
    server.say(alice, chat["id"], "Hello, how can I help?")
    sue_stream = server.events(sue)
    for _ in range(5):
        sue_stream.recv()
    detail = join(server, sue, chat["id"], "monitor")
    assert [e["text"] for e in detail["transcript"] if e["kind"] == "text"] == ["Hello, how can I help?"]
    assert detail["monitoring"] == "monitor"
    visitor.send("My order is late")
    frame = sue_stream.recv_until(lambda f: f["topic"] == "interaction.message")
    assert frame["data"]["entry"]["text"] == "My order is late"
    assert server.interaction(alice, chat["id"])["supervisors"] == []
    names = {e.get("displayName") or e.get("participantName") for e in visitor.events}
    assert "Sue Sommer" not in names
    r = server.http.post(f"{SUP}/interactions/{chat['id']}/messages", json={"text": "hi"}, headers=sue)
    assert r.status_code == 409 and error_of(r) == "supervisor.not_participating"


def test_coaching_reaches_the_agent_and_never_the_visitor(server):
    sue = server.login("sue")
    alice = server.login("alice", "Available")
    visitor, chat = connected_chat(server, alice)
    alice_stream = server.events(alice)
    alice_stream.snapshots()
    join(server, sue, chat["id"], "coach")
    put = alice_stream.recv_until(lambda f: f["topic"] == "interaction" and f["data"].get("supervisors"))
    assert put["data"]["supervisors"] == [{"username": "sue", "name": "Sue Sommer", "mode": "coach"}]
    secret = "Offer her the 10% loyalty discount"
    r = server.http.post(f"{SUP}/interactions/{chat['id']}/messages", json={"text": secret}, headers=sue)
    assert r.status_code == 201 and r.json()["kind"] == "coach"
    frame = alice_stream.recv_until(lambda f: f["topic"] == "interaction.message")
    assert frame["data"]["entry"]["text"] == secret and frame["data"]["entry"]["kind"] == "coach"
    server.say(alice, chat["id"], "Let me see what I can do.")
    visitor.wait_for_text("Let me see what I can do.")
    # Nothing of the coaching in any /websvcs event: not now, not from the start again.
    for prefix in ("/websvcs", "/I3Root/Server1/websvcs"):
        raw = server.http.get(f"{prefix}/chat/poll/{visitor.pid}").text
        assert secret not in raw and "Sue" not in raw
    reconnected = server.visitor()
    reconnected.chat_id = visitor.chat_id
    reconnected.pid = visitor.pid
    reconnected.reconnect()
    reconnected.poll()
    assert all(secret not in str(e) and "Sue Sommer" not in str(e) for e in reconnected.events)
    assert secret not in visitor.texts()


def test_barging_in_is_announced_to_the_visitor(server):
    sue = server.login("sue")
    alice = server.login("alice", "Available")
    visitor, chat = connected_chat(server, alice)
    join(server, sue, chat["id"], "barge")
    visitor.wait_for(lambda e: e["type"] == "participantStateChanged" and e["participantName"] == "Sue Sommer"
                     and e["state"] == "active")
    r = server.http.post(f"{SUP}/interactions/{chat['id']}/messages", json={"text": "Sue here, I can help."},
                         headers=sue)
    assert r.status_code == 201
    event = visitor.wait_for_text("Sue here, I can help.")
    assert event["displayName"] == "Sue Sommer"
    view = server.interaction(alice, chat["id"])
    assert view["supervisors"] == [{"username": "sue", "name": "Sue Sommer", "mode": "barge"}]
    assert "Sue Sommer has joined the conversation." in [e["text"] for e in view["transcript"]]
    r = server.http.post(f"{SUP}/interactions/{chat['id']}/leave", headers=sue)
    assert r.status_code == 200
    visitor.wait_for(lambda e: e["type"] == "participantStateChanged" and e["participantName"] == "Sue Sommer"
                     and e["state"] == "disconnected")
    assert server.interaction(alice, chat["id"])["supervisors"] == []


def test_participation_ends_with_the_chat(server):
    sue = server.login("sue")
    alice = server.login("alice", "Available")
    visitor, chat = connected_chat(server, alice)
    join(server, sue, chat["id"], "coach")
    visitor.exit()
    wait_until(lambda: server.interaction(alice, chat["id"])["state"] == "Disconnected")
    r = server.http.post(f"{SUP}/interactions/{chat['id']}/messages", json={"text": "late"}, headers=sue)
    assert r.status_code == 409 and error_of(r) == "supervisor.not_participating"


def test_only_connected_chats_can_be_joined(server):
    sue = server.login("sue")
    visitor = server.visitor()
    visitor.start(name="Still Waiting")
    waiting = server.wait_for_interaction(sue, "workgroup:Sales")
    r = server.http.post(f"{SUP}/interactions/{waiting['id']}/join", json={"mode": "monitor"}, headers=sue)
    assert r.status_code == 409 and error_of(r) == "interaction.action_not_allowed"


# -- moving interactions -----------------------------------------------------------------------------


def test_priority_reorders_the_waiting_queue(server):
    sue = server.login("sue")
    first, second = server.visitor(), server.visitor()
    first.start(name="First Fay")
    second.start(name="Second Sam")
    late = server.wait_for_interaction(sue, "workgroup:Sales", lambda i: i["remote_name"] == "Second Sam")
    r = server.http.put(f"{SUP}/interactions/{late['id']}/priority", json={"priority": 10}, headers=sue)
    assert r.status_code == 200 and r.json()["priority"] == 10
    r = server.http.put(f"{SUP}/interactions/{late['id']}/priority", json={"priority": 1000}, headers=sue)
    assert r.status_code == 422 and error_of(r) == "interaction.priority_out_of_range"
    bob = server.login("bob", "Available")  # takes one chat at a time
    assert server.wait_for_alert(bob)["remote_name"] == "Second Sam"


def test_requeue_takes_a_chat_from_its_agent_back_to_the_queue(server):
    sue = server.login("sue")
    alice = server.login("alice", "Available")
    visitor, chat = connected_chat(server, alice)
    server.set_status(alice, "At Lunch")
    r = server.http.post(f"{SUP}/interactions/{chat['id']}/requeue", headers=sue)
    assert r.status_code == 200 and r.json()["state"] == "Waiting" and r.json()["agent"] is None
    assert all(i["id"] != chat["id"] for i in server.queue(alice, "my-interactions"))
    visitor.wait_for(lambda e: e["type"] == "participantStateChanged" and e["participantName"] == "Alice Archer"
                     and e["state"] == "disconnected")


def test_supervisor_transfers_a_waiting_chat_to_another_workgroup_or_agent(server):
    sue = server.login("sue")
    carol = server.login("carol", "At Lunch")  # signed in, so a transfer can alert her
    visitor = server.visitor()
    visitor.start(name="Moved Mia")
    waiting = server.wait_for_interaction(sue, "workgroup:Sales")
    r = server.http.post(f"{SUP}/interactions/{waiting['id']}/transfer", json={"workgroup": "Support"}, headers=sue)
    assert r.status_code == 200 and r.json()["workgroup"] == "Support"
    r = server.http.post(f"{SUP}/interactions/{waiting['id']}/transfer", json={"agent": "carol"}, headers=sue)
    assert r.status_code == 200 and r.json()["state"] == "Alerting" and r.json()["agent"] == "carol"
    assert server.wait_for_alert(carol)["remote_name"] == "Moved Mia"
    r = server.http.post(f"{SUP}/interactions/{waiting['id']}/transfer", json={"workgroup": "Nowhere"}, headers=sue)
    assert r.status_code == 422 and error_of(r) == "interaction.transfer.unknown_target"


def test_changing_the_abandon_treatment_recounts_todays_service_level(server):
    sue = server.login("sue")
    alice = server.login("alice", "Available")
    _visitor, chat = connected_chat(server, alice)
    server.act(alice, chat["id"], "disconnect")
    gone = server.visitor()
    server.set_status(alice, "At Lunch")
    gone.start(name="Gone Gary")
    server.wait_for_interaction(sue, "workgroup:Sales", lambda i: i["remote_name"] == "Gone Gary")
    gone.exit()
    levels = {}
    for treatment in ("ignore", "against", "favour"):
        r = server.http.put(f"{SUP}/workgroups/Sales/service-level", headers=sue,
                            json={"threshold": 20, "target": 0.8, "abandon_treatment": treatment})
        assert r.status_code == 200, r.text
        assert r.json()["goal"]["abandon_treatment"] == treatment
        levels[treatment] = r.json()["today"]["service_level"]
    # One chat answered at once, one abandoned.
    assert levels == {"ignore": 1.0, "against": 0.5, "favour": 1.0}
    r = server.http.put(f"{SUP}/workgroups/Sales/service-level", headers=sue,
                        json={"threshold": 20, "target": 1.5, "abandon_treatment": "ignore"})
    assert r.status_code == 422 and error_of(r) == "request.invalid"
    r = server.http.put(f"{SUP}/workgroups/Billing/service-level", headers=sue,
                        json={"threshold": 20, "target": 0.8, "abandon_treatment": "ignore"})
    assert r.status_code == 404 and error_of(r) == "queue.not_found"


def test_the_trend_gains_a_point_every_step(server_factory, monkeypatch):
    monkeypatch.setattr(queue_statistics, "TREND_STEP", 0.5)
    monkeypatch.setattr(queue_statistics, "KEEPALIVE", 1.0)
    server = server_factory()
    sue = server.login("sue")
    server.visitor().start(name="Trendy Tina")
    stream = server.events(sue)
    frame = stream.recv_until(lambda f: (s := stats_of(f, "Sales")) is not None and f["kind"] == "put"
                              and len(s["trend"]["waiting"]) >= 2, timeout=8)
    trend = frame["data"]["trend"]
    assert trend["step"] == 0.5 and trend["waiting"][-1] == 1
    assert len(trend["service_level"]) == len(trend["waiting"])


def test_team_rows_show_desktop_chat_presence_as_it_changes(server):
    sue = server.login("sue")
    stream = server.events(sue)
    for _ in range(5):
        stream.recv()
    alice = server.login("alice", "At Lunch")
    r = server.http.post("/api/v1/desktop-chat/session", headers=alice)
    assert r.status_code == 200, r.text
    stream.recv_until(lambda f: f["topic"] == "team.agent" and f["data"]["username"] == "alice"
                      and f["data"]["presence"] == "available")
    r = server.http.put("/api/v1/desktop-chat/presence", json={"presence": "dnd"}, headers=alice)
    assert r.status_code == 200, r.text
    stream.recv_until(lambda f: f["topic"] == "team.agent" and f["data"]["username"] == "alice"
                      and f["data"]["presence"] == "dnd")
    row = next(m for m in server.http.get(f"{SUP}/team", headers=sue).json() if m["username"] == "alice")
    assert row["presence"] == "dnd" and row["status"] == "At Lunch"  # presence apart from the ACD status
