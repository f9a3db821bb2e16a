"""ACD routing over the real server: who a visitor's chat alerts, and when."""

from __future__ import annotations

import time

from tests.conftest import directory, wait_until


def test_chat_alerts_an_available_agent_with_capacity_and_skills(server):
    alice = server.login("alice")
    visitor = server.visitor()
    visitor.start()
    alert = server.wait_for_alert(alice)
    assert alert["remote_name"] == visitor.name and alert["agent"] == "alice" and alert["actions"] == ["pickup"]
    visitor.wait_for_text("Interaction alerting Alice Archer.")


def test_unavailable_agent_is_skipped(server):
    server.login("alice", status="At Lunch")
    bob = server.login("bob")
    visitor = server.visitor()
    visitor.start()
    assert server.wait_for_alert(bob)["remote_name"] == visitor.name
    visitor.wait_for_text("Interaction alerting Bob Baker.")
    assert "Interaction alerting Alice Archer." not in visitor.texts()


def test_chat_waits_until_an_agent_becomes_available(server):
    alice = server.login("alice", status="Do Not Disturb")
    visitor = server.visitor()
    visitor.start()
    [waiting] = server.queue(alice, "workgroup:Sales")
    assert waiting["state"] == "Waiting"
    server.set_status(alice, "Available")
    assert server.wait_for_alert(alice)["id"] == waiting["id"]


def test_max_chats_is_respected(server):
    bob = server.login("bob")  # max_chats 1
    first, second = server.visitor(), server.visitor()
    first.start()
    alert = server.wait_for_alert(bob)
    assert alert["remote_name"] == first.name
    second.start()
    server.act(bob, alert["id"], "pickup")
    queue = server.queue(bob, "workgroup:Sales")
    waiting = next(i for i in queue if i["remote_name"] == second.name)
    assert waiting["state"] == "Waiting" and waiting["agent"] is None
    server.act(bob, alert["id"], "disconnect")  # frees the slot; the ended chat no longer counts
    nxt = server.wait_for_alert(bob)
    assert nxt["id"] == waiting["id"]


def test_more_skilled_agent_is_preferred(server):
    server.login("bob")  # language:en 60
    alice = server.login("alice")  # language:en 90
    visitor = server.visitor()
    visitor.start(language="en-GB")
    assert server.wait_for_alert(alice)["remote_name"] == visitor.name


def test_language_becomes_a_required_skill(server):
    server.login("alice")  # no German
    bob = server.login("bob")  # language:de 80
    visitor = server.visitor()
    visitor.start(language="de-DE")
    assert server.wait_for_alert(bob)["remote_name"] == visitor.name


def test_routing_context_becomes_a_required_skill(server):
    alice = server.login("alice", status="Do Not Disturb")  # product:billing 50
    bob = server.login("bob")  # no product:billing
    visitor = server.visitor()
    visitor.start(routingContexts=[{"category": "Product", "context": "Billing"}])
    [waiting] = server.queue(bob, "workgroup:Sales")
    assert waiting["state"] == "Waiting"
    server.set_status(alice, "Available")
    assert server.wait_for_alert(alice)["id"] == waiting["id"]
    assert server.queue(bob, "my-interactions") == []


def test_context_of_a_category_the_workgroup_does_not_route_on_is_ignored(server):
    carol = server.login("carol")  # Support routes on language only
    visitor = server.visitor()
    visitor.start(target="Support", routingContexts=[{"category": "Product", "context": "Rockets"}])
    assert server.wait_for_alert(carol)["remote_name"] == visitor.name


def test_skill_requirement_relaxes_after_skill_relax_seconds(server_factory):
    server = server_factory(directory(relax=1))
    alice = server.login("alice")
    visitor = server.visitor()
    visitor.start(language="fi")  # nobody speaks Finnish
    [waiting] = server.queue(alice, "workgroup:Sales")
    assert waiting["state"] == "Waiting"
    assert server.wait_for_alert(alice, timeout=10)["id"] == waiting["id"]


def test_chat_for_a_user_target_goes_only_to_that_agent(server):
    server.login("alice")
    bob = server.login("bob", status="Do Not Disturb")
    visitor = server.visitor()
    visitor.start(target="bob", target_type="User")
    assert "Interaction transferred to Bob Baker." in visitor.texts()
    [mine] = server.queue(bob, "my-interactions")
    assert mine["state"] == "Waiting" and mine["actions"] == ["pickup"] and mine["queues"] == ["my-interactions"]
    server.set_status(bob, "Available")
    assert server.wait_for_alert(bob)["id"] == mine["id"]
    visitor.wait_for_text("Interaction alerting Bob Baker.")
    assert "Interaction alerting Alice Archer." not in visitor.texts()


def test_alert_timeout_returns_chat_to_queue_and_marks_agent_not_answering(server_factory):
    server = server_factory(directory(alert_timeout=1))
    alice = server.login("alice")
    events = server.events(alice, {"op": "subscribe"})
    events.snapshots()
    visitor = server.visitor()
    visitor.start()
    alert = server.wait_for_alert(alice)
    status = events.recv_until(lambda f: f["topic"] == "agent.status", timeout=10)
    assert status["data"]["status"] == "ACD - Agent Not Answering" and status["data"]["acd_available"] is False
    assert server.status_of(alice)["status"] == "ACD - Agent Not Answering"
    [back] = server.queue(alice, "workgroup:Sales")
    assert back["id"] == alert["id"] and back["state"] == "Waiting" and back["agent"] is None
    assert server.queue(alice, "my-interactions") == []
    r = server.http.post(f"/api/v1/interactions/{alert['id']}/pickup", headers=alice)  # still pickable by hand
    assert r.status_code == 200 and r.json()["state"] == "Connected"


def test_alert_timeout_routes_to_the_next_agent_and_not_back(server_factory):
    server = server_factory(directory(alert_timeout=1))
    alice = server.login("alice")
    bob = server.login("bob")
    visitor = server.visitor()
    visitor.start()
    first = server.wait_for_alert(alice)
    second = server.wait_for_alert(bob, timeout=10)
    assert second["id"] == first["id"]
    assert server.status_of(alice)["status"] == "ACD - Agent Not Answering"
    server.set_status(alice, "Available")  # alice is back, but she let this one time out
    server.act(bob, first["id"], "pickup")
    texts = visitor.texts()
    assert texts.index("Interaction alerting Alice Archer.") < texts.index("Interaction alerting Bob Baker.")
    assert server.queue(alice, "my-interactions") == []


def test_answered_alert_does_not_time_out(server_factory):
    server = server_factory(directory(alert_timeout=1))
    alice = server.login("alice")
    visitor = server.visitor()
    visitor.start()
    alert = server.wait_for_alert(alice)
    connected = server.act(alice, alert["id"], "pickup")
    # Wait past the alert timeout (same host, same clock): nothing may have changed.
    wait_until(lambda: time.time() > connected["state_since"] + 1.5, timeout=10, interval=0.1)
    [mine] = server.queue(alice, "my-interactions")
    assert mine["state"] == "Connected" and server.status_of(alice)["status"] == "Available"
    assert "Interaction alerting Alice Archer." in visitor.texts()


def test_signing_out_returns_what_alerts_you_to_the_queue_at_once(server):
    alice = server.login("alice")
    sue = server.login("sue")
    visitor = server.visitor()
    visitor.start()
    alert = server.wait_for_alert(alice)
    assert server.http.delete("/api/v1/session", headers=alice).status_code == 204
    waiting = server.find_interaction(sue, visitor.name)
    assert waiting["id"] == alert["id"] and waiting["state"] == "Waiting" and waiting["agent"] is None
    bob = server.login("bob")
    assert server.wait_for_alert(bob)["id"] == alert["id"]
    # Signed out is not "not answering": Alice was never marked so.
    statuses = [u["status"] for u in server.http.get("/api/v1/agents", headers=bob).json() if u["username"] == "alice"]
    assert statuses == ["Gone Home"]
