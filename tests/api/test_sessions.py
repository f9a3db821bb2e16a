"""Signing in and out, and how a bad or missing token is refused."""

from __future__ import annotations

import pytest

from tests.api.test_events import closed_with
from tests.conftest import NAMES, error_of, wait_until


def test_sign_in_returns_token_expiry_and_user(server):
    r = server.http.post("/api/v1/session", json={"username": "alice", "password": "alice-pw"})
    assert r.status_code == 200
    body = r.json()
    assert isinstance(body["token"], str) and len(body["token"]) >= 32
    assert body["expires_at"] > 0
    assert body["user"] == {"id": "alice", "username": "alice", "name": "Alice Archer", "role": "agent",
                            "workgroups": ["Sales"]}
    me = server.http.get("/api/v1/session", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200 and me.json() == body["user"]


def test_sign_in_makes_a_gone_home_agent_available(server):
    headers = server.login("bob")
    assert server.status_of(headers)["status"] == "Available"
    assert server.status_of(headers)["acd_available"] is True


def test_each_sign_in_gets_its_own_token(server):
    first, second = server.login("alice"), server.login("alice")
    assert first != second
    for headers in (first, second):
        assert server.http.get("/api/v1/session", headers=headers).status_code == 200


@pytest.mark.parametrize(
    "body",
    [{"username": "alice", "password": "wrong"}, {"username": "nobody", "password": "alice-pw"},
     {"username": "ALICE", "password": "alice-pw"}],
)
def test_bad_credentials_are_401_and_sign_nobody_in(server, body):
    r = server.http.post("/api/v1/session", json=body)
    assert r.status_code == 401 and error_of(r) == "session.bad_credentials"
    sue = server.login("sue", status="Do Not Disturb")
    agents = {a["username"]: a for a in server.http.get("/api/v1/agents", headers=sue).json()}
    assert agents["alice"]["signed_in"] is False and agents["alice"]["status"] == "Gone Home"


def test_missing_token_is_401_session_required(server):
    for headers in ({}, {"Authorization": "Basic YWxpY2U6YWxpY2UtcHc="}, {"Authorization": "token-without-scheme"}):
        r = server.http.get("/api/v1/queues", headers=headers)
        assert r.status_code == 401 and error_of(r) == "session.required"


def test_unknown_token_is_401_session_invalid(server):
    r = server.http.get("/api/v1/queues", headers={"Authorization": "Bearer not-a-real-token"})
    assert r.status_code == 401 and error_of(r) == "session.invalid"


def test_every_endpoint_but_sign_in_requires_a_session(server):
    calls = [
        ("GET", "/api/v1/session"), ("DELETE", "/api/v1/session"), ("GET", "/api/v1/statuses"),
        ("GET", "/api/v1/agents/me/status"), ("PUT", "/api/v1/agents/me/status"),
        ("PUT", "/api/v1/agents/alice/status"), ("GET", "/api/v1/agents"), ("GET", "/api/v1/workgroups"),
        ("GET", "/api/v1/queues"), ("GET", "/api/v1/queues/my-interactions/interactions"),
        ("GET", "/api/v1/interactions/1"), ("POST", "/api/v1/interactions/1/messages"),
        ("POST", "/api/v1/interactions/1/typing"), ("POST", "/api/v1/interactions/1/pickup"),
    ]
    for method, path in calls:
        r = server.http.request(method, path)
        assert r.status_code == 401, (method, path, r.text)
        assert error_of(r) == "session.required", (method, path)


def test_expired_token_is_401_session_expired_then_invalid(server_factory):
    server = server_factory(session_ttl=1)
    headers = server.login("alice")
    status = wait_until(lambda: (r := server.http.get("/api/v1/session", headers=headers)).status_code != 200 and r,
                        timeout=10, interval=0.05)
    assert status.status_code == 401 and error_of(status) == "session.expired"
    again = server.http.get("/api/v1/session", headers=headers)
    assert again.status_code == 401 and error_of(again) == "session.invalid"


def test_expired_session_signs_the_agent_out_of_routing(server_factory):
    server = server_factory(session_ttl=2)
    alice = server.login("alice")
    stream = server.events(alice, {"op": "subscribe"})
    stream.snapshots()
    visitor = server.visitor()

    def agents_available() -> int:
        q = visitor.call("POST", "/queue/query", json={"queueName": "Sales", "queueType": "Workgroup",
                                                       "participant": {"name": "x", "credentials": None}})
        return q["queue"]["agentsAvailable"]

    assert agents_available() == 1
    wait_until(lambda: agents_available() == 0, timeout=10, interval=0.1, what="the expired agent to leave routing")
    assert closed_with(stream.ws) == 4401  # the expired session's event stream is closed
    sue = server.login("sue")  # a fresh session; sue takes no chats
    agents = {a["username"]: a for a in server.http.get("/api/v1/agents", headers=sue).json()}
    assert agents["alice"]["signed_in"] is False and agents["alice"]["status"] == "Gone Home"
    visitor.start()
    [chat] = server.queue(sue, "workgroup:Sales")
    assert chat["state"] == "Waiting" and chat["agent"] is None


def test_sign_out_ends_the_session_and_sends_the_agent_home(server):
    headers = server.login("alice")
    sue = server.login("sue")
    r = server.http.delete("/api/v1/session", headers=headers)
    assert r.status_code == 204 and r.content == b""
    r = server.http.get("/api/v1/session", headers=headers)
    assert r.status_code == 401 and error_of(r) == "session.invalid"
    agents = {a["username"]: a for a in server.http.get("/api/v1/agents", headers=sue).json()}
    assert agents["alice"]["signed_in"] is False and agents["alice"]["status"] == "Gone Home"
    assert agents["alice"]["name"] == NAMES["alice"]


def test_agent_with_two_sessions_stays_signed_in_until_the_last_ends(server):
    first, second = server.login("alice"), server.login("alice")
    server.http.delete("/api/v1/session", headers=first)
    assert server.status_of(second)["status"] == "Available"
