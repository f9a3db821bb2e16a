"""Agent statuses over the API: who may set what."""

from __future__ import annotations

from tests.conftest import error_of


def put_status(server, headers, status, username="me"):
    return server.http.put(f"/api/v1/agents/{username}/status", json={"status": status}, headers=headers)


def test_status_list_marks_acd_availability_and_system_statuses(server):
    headers = server.login("alice")
    statuses = {s["id"]: s for s in server.http.get("/api/v1/statuses", headers=headers).json()}
    assert statuses["Available"] == {"id": "Available", "label": "Available", "acd_available": True, "selectable": True}
    assert statuses["At Lunch"]["acd_available"] is False and statuses["At Lunch"]["selectable"] is True
    assert statuses["ACD - Agent Not Answering"]["selectable"] is False
    assert statuses["Gone Home"]["selectable"] is False


def test_agent_changes_own_status(server):
    headers = server.login("alice")
    before = server.status_of(headers)
    r = put_status(server, headers, "At Lunch")
    assert r.status_code == 200
    body = r.json()
    assert body["username"] == "alice" and body["status"] == "At Lunch" and body["acd_available"] is False
    assert body["since"] >= before["since"]
    assert server.status_of(headers) == body
    back = put_status(server, headers, "Available, Follow-up").json()
    assert back["status"] == "Available, Follow-up" and back["acd_available"] is True


def test_unknown_status_is_422_and_changes_nothing(server):
    headers = server.login("alice", status="Training")
    before = server.status_of(headers)
    r = put_status(server, headers, "Sleeping")
    assert r.status_code == 422 and error_of(r) == "status.unknown"
    assert server.status_of(headers) == before


def test_system_status_is_not_selectable(server):
    headers = server.login("alice", status="Training")
    before = server.status_of(headers)
    for status in ("ACD - Agent Not Answering", "Gone Home"):
        r = put_status(server, headers, status)
        assert r.status_code == 422 and error_of(r) == "status.not_selectable"
    assert server.status_of(headers) == before


def test_agent_cannot_change_another_agents_status(server):
    alice = server.login("alice")
    bob = server.login("bob", status="Training")
    before = server.status_of(bob)
    r = put_status(server, alice, "At Lunch", username="bob")
    assert r.status_code == 403 and error_of(r) == "permission.denied"
    assert server.status_of(bob) == before


def test_supervisor_of_the_same_workgroup_changes_an_agents_status(server):
    sue = server.login("sue")
    alice = server.login("alice")
    r = put_status(server, sue, "In a Meeting", username="alice")
    assert r.status_code == 200 and r.json()["username"] == "alice" and r.json()["status"] == "In a Meeting"
    assert server.status_of(alice)["status"] == "In a Meeting"


def test_supervisor_of_another_workgroup_is_denied(server):
    omar = server.login("omar")
    alice = server.login("alice", status="Training")
    r = put_status(server, omar, "At Lunch", username="alice")
    assert r.status_code == 403 and error_of(r) == "permission.denied"
    assert server.status_of(alice)["status"] == "Training"


def test_status_of_unknown_agent_is_404(server):
    sue = server.login("sue")
    before = server.status_of(sue)
    r = put_status(server, sue, "At Lunch", username="nobody")
    assert r.status_code == 404 and error_of(r) == "agent.not_found"
    assert server.status_of(sue) == before


def test_permission_is_checked_before_the_status_name(server):
    alice = server.login("alice")
    bob = server.login("bob", status="Training")
    r = put_status(server, alice, "No Such Status", username="bob")
    assert r.status_code == 403 and error_of(r) == "permission.denied"
    assert server.status_of(bob)["status"] == "Training"


def test_directory_and_workgroups_show_live_availability(server):
    alice = server.login("alice")
    server.login("bob", status="At Lunch")
    agents = {a["username"]: a for a in server.http.get("/api/v1/agents", headers=alice).json()}
    assert agents["alice"] == {"username": "alice", "name": "Alice Archer", "workgroups": ["Sales"],
                               "role": "agent", "status": "Available", "signed_in": True}
    assert agents["sue"]["role"] == "supervisor"
    assert agents["bob"]["status"] == "At Lunch" and agents["carol"]["signed_in"] is False
    workgroups = {w["name"]: w for w in server.http.get("/api/v1/workgroups", headers=alice).json()}
    assert workgroups["Sales"] == {"name": "Sales", "chat_enabled": True, "agents_available": 1}
    assert workgroups["Support"]["agents_available"] == 0
    assert workgroups["Billing"]["chat_enabled"] is False
