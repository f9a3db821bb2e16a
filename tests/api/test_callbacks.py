"""Callbacks over the real server: IWT create/status/reconnect/disconnect and the agent side."""

from __future__ import annotations

from typing import Any

import pytest

from console.server.runner import free_port
from tests.conftest import (
    Harness,
    directory,
    error_of,
    seed_data_dir,
    server_process,
    wait_for_alert_over,
    wait_until,
)


def callback_directory(*, minutes_between: float | None = 0.02, retries: int = 2, max_assign: int = 1) -> dict:
    """The test directory with callback settings on Sales (1.2 s between callbacks by default)."""
    data = directory()
    sales = data["workgroups"][0]
    sales.update(callback_retries=retries, callback_max_assign=max_assign,
                 wrap_up_codes=["Resolved", "Sale", "No answer"])
    if minutes_between is not None:
        sales["callback_minutes_between"] = minutes_between
    return data


class CallbackVisitor:
    """A website visitor who asked to be called back."""

    def __init__(self, server: Harness, prefix: str = "/websvcs") -> None:
        self.server = server
        self.prefix = prefix
        self.pid: str | None = None
        self.callback_id: str | None = None

    def call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        r = self.server.http.request(method, self.prefix + path, **kwargs)
        assert r.status_code == 200, r.text  # IWT: application errors are HTTP 200 too
        return r.json()["callback"]

    def create(self, *, name: str = "Cal Caller", telephone: str | None = "+1 (317) 555-0100",
               subject: str = "Question about my invoice", target: str = "Sales", **extra: Any) -> dict[str, Any]:
        participant: dict[str, Any] = {"name": name, "credentials": None}
        if telephone is not None:
            participant["telephone"] = telephone
        body = {"target": target, "targettype": "Workgroup", "subject": subject, "participant": participant,
                "language": "en-US", **extra}
        answer = self.call("POST", "/callback/create", json=body)
        if answer["status"]["type"] == "success":
            self.pid, self.callback_id = answer["participantID"], answer["callbackID"]
        return answer

    def status(self) -> dict[str, Any]:
        return self.call("GET", f"/callback/status/{self.pid}")


def failure_code(answer: dict[str, Any]) -> str:
    assert answer["status"]["type"] == "failure", answer
    return answer["status"]["reason"]["code"]


def sales_queue(server: Harness, viewer: dict[str, str]) -> list[dict[str, Any]]:
    return server.queue(viewer, "workgroup:Sales")


def test_server_advertises_the_callback_calls(server):
    config = server.http.get("/websvcs/serverConfiguration").json()[0]["serverConfiguration"]
    assert {"create", "status", "reconnect", "disconnect"} <= set(config["capabilities"]["callback"])


def test_callback_request_waits_in_its_workgroup_queue_with_status(server):
    sue = server.login("sue")  # a supervisor sees the Sales queue without taking interactions
    visitor = CallbackVisitor(server)
    answer = visitor.create(subject="Please call about order 42", attributes={"order": "42"})
    assert answer["status"] == {"type": "success"}
    assert answer["participantID"] and answer["callbackID"]
    queued = server.find_interaction(sue, "Cal Caller")
    assert queued["type"] == "callback" and queued["state"] == "Waiting" and queued["workgroup"] == "Sales"
    assert queued["remote_address"] == "+13175550100"
    assert queued["callback"]["telephone"] == "+13175550100"
    assert queued["callback"]["subject"] == "Please call about order 42"
    assert queued["attributes"] == {"order": "42"}
    status = visitor.status()
    assert status["status"] == {"type": "success"}
    acd = status["acdStatus"]
    assert acd["interactionState"] == "Waiting"
    assert acd["queueName"] == "Sales"
    assert acd["queuePosition"] == 1
    assert acd["callsWaitingCount"] == 1
    assert acd["loggedInAgentsCount"] == 1 and acd["availableAgentsCount"] == 0  # sue: no capacity
    assert acd["estimatedCallbackTime"] == -1  # no handle times yet
    assert isinstance(acd["queueWaitTime"], int) and isinstance(acd["longestWaitTime"], int)
    assert "assignedAgent" not in status


def test_queue_position_follows_arrival_order(server):
    server.login("sue")
    first, second = CallbackVisitor(server), CallbackVisitor(server)
    first.create(name="First Caller")
    second.create(name="Second Caller")
    assert first.status()["acdStatus"]["queuePosition"] == 1
    assert second.status()["acdStatus"]["queuePosition"] == 2
    assert second.status()["acdStatus"]["callsWaitingCount"] == 2


def test_callback_alerts_an_available_agent_and_status_names_the_agent(server):
    alice = server.login("alice", status="Available")
    visitor = CallbackVisitor(server)
    visitor.create()
    alert = server.wait_for_alert(alice)
    assert alert["type"] == "callback" and alert["actions"] == ["pickup"]
    status = visitor.status()
    assert status["assignedAgent"]["name"] == "Alice Archer"
    assert status["assignedAgent"]["participantID"]
    assert status["acdStatus"]["interactionState"] == "Alerting"
    assert status["acdStatus"]["estimatedCallbackTime"] == 0


def test_callback_max_assign_keeps_a_second_callback_waiting(server_factory):
    server = server_factory(callback_directory(max_assign=1))
    alice = server.login("alice", status="Available")
    CallbackVisitor(server).create(name="One")
    first = server.wait_for_alert(alice)
    server.act(alice, first["id"], "pickup")
    CallbackVisitor(server).create(name="Two")
    two = server.find_interaction(alice, "Two")
    # Alice has chat capacity left but callback max assign is 1: the second one waits.
    wait_until(lambda: server.interaction(alice, two["id"])["state"] == "Waiting", what="routing to settle")
    assert server.interaction(alice, two["id"])["agent"] is None


def pick_up_callback(server: Harness, agent: dict[str, str], **create: Any) -> tuple[CallbackVisitor, str]:
    visitor = CallbackVisitor(server)
    visitor.create(**create)
    iid = server.wait_for_alert(agent)["id"]
    connected = server.act(agent, iid, "pickup")
    assert connected["state"] == "Connected"
    assert set(connected["actions"]) == {"make_call", "complete", "fail", "retry_later", "transfer"}
    return visitor, iid


def test_make_call_records_each_attempt_with_time_and_agent(server):
    alice = server.login("alice", status="Available")
    _, iid = pick_up_callback(server, alice)
    server.act(alice, iid, "make_call")
    server.act(alice, iid, "make_call")
    attempts = server.interaction(alice, iid)["callback"]["attempts"]
    assert [a["agent"] for a in attempts] == ["alice", "alice"]
    assert all(a["telephone"] == "+13175550100" and a["at"] > 0 for a in attempts)
    transcript = [e["text"] for e in server.interaction(alice, iid)["transcript"]]
    assert any("called +13175550100 (attempt 2)" in t for t in transcript)


def test_callback_complete_records_success_and_wrap_up_code(server_factory):
    server = server_factory(callback_directory())
    alice = server.login("alice", status="Available")
    visitor, iid = pick_up_callback(server, alice)
    server.act(alice, iid, "make_call")
    done = server.act(alice, iid, "complete", wrap_up_code="Sale")
    assert done["state"] == "Disconnected" and done["actions"] == ["dismiss"]
    assert done["callback"]["outcome"] == "success" and done["callback"]["wrap_up_code"] == "Sale"
    assert visitor.status()["acdStatus"]["interactionState"] == "Disconnected"


def test_attempt_failed_records_failure(server):
    alice = server.login("alice", status="Available")
    _, iid = pick_up_callback(server, alice)
    done = server.act(alice, iid, "fail")
    assert done["state"] == "Disconnected" and done["callback"]["outcome"] == "failure"


def test_unknown_wrap_up_code_is_refused_and_changes_nothing(server_factory):
    server = server_factory(callback_directory())
    alice = server.login("alice", status="Available")
    _, iid = pick_up_callback(server, alice)
    r = server.http.post(f"/api/v1/interactions/{iid}/complete", headers=alice, json={"wrap_up_code": "Bogus"})
    assert r.status_code == 422 and error_of(r) == "interaction.wrap_up_unknown"
    assert server.interaction(alice, iid)["state"] == "Connected"


def test_disconnect_is_not_how_a_callback_ends(server):
    alice = server.login("alice", status="Available")
    _, iid = pick_up_callback(server, alice)
    r = server.http.post(f"/api/v1/interactions/{iid}/disconnect", headers=alice)
    assert r.status_code == 409 and error_of(r) == "interaction.action_not_allowed"
    assert server.interaction(alice, iid)["state"] == "Connected"


def test_retry_later_returns_callback_to_workgroup_after_snooze(server_factory):
    server = server_factory(callback_directory(minutes_between=0.02))  # 1.2 s
    alice = server.login("alice", status="Available")
    visitor, iid = pick_up_callback(server, alice)
    server.act(alice, iid, "make_call")
    snoozed = server.act(alice, iid, "retry_later")
    assert snoozed["state"] == "Snoozed" and snoozed["agent"] is None
    assert snoozed["callback"]["snoozes"] == 1 and snoozed["callback"]["retries_left"] == 1
    assert snoozed["callback"]["snoozed_until"] > snoozed["state_since"]
    assert "workgroup:Sales" in snoozed["queues"] and "my-interactions" not in snoozed["queues"]
    assert visitor.status()["acdStatus"]["interactionState"] == "Snoozed"
    # After the time between callbacks it is routed again to the first available agent.
    again = wait_until(
        lambda: next((i for i in server.queue(alice, "my-interactions") if i["id"] == iid and i["state"] == "Alerting"),
                     None),
        timeout=10, what="the snoozed callback to alert again",
    )
    assert again["callback"]["snoozed_until"] is None
    assert again["callback"]["snoozed_seconds"] > 0
    assert len(again["callback"]["attempts"]) == 1


def test_retry_later_past_the_limit_is_refused_and_changes_nothing(server_factory):
    server = server_factory(callback_directory(minutes_between=0.01, retries=1))
    alice = server.login("alice", status="Available")
    _, iid = pick_up_callback(server, alice)
    server.act(alice, iid, "retry_later")
    wait_until(lambda: server.interaction(alice, iid)["state"] == "Alerting", timeout=10, what="the retry")
    picked = server.act(alice, iid, "pickup")
    assert "retry_later" not in picked["actions"]  # no longer offered ...
    r = server.http.post(f"/api/v1/interactions/{iid}/retry_later", headers=alice)  # ... and refused
    assert r.status_code == 409 and error_of(r) == "callback.retries_exhausted"
    assert "Complete it or mark the attempt failed" in r.json()["error"]["message"]
    after = server.interaction(alice, iid)
    assert after["state"] == "Connected" and after["callback"]["snoozes"] == 1


def test_workgroup_without_time_between_callbacks_snoozes_five_minutes(server_factory):
    server = server_factory(callback_directory(minutes_between=None))
    alice = server.login("alice", status="Available")
    _, iid = pick_up_callback(server, alice)
    snoozed = server.act(alice, iid, "retry_later")
    assert snoozed["callback"]["snoozed_until"] - snoozed["state_since"] == pytest.approx(300, abs=1)


def test_zero_minutes_between_callbacks_uses_the_server_default_snooze(server_factory):
    server = server_factory(callback_directory(minutes_between=0), callback_default_snooze=42)
    alice = server.login("alice", status="Available")
    _, iid = pick_up_callback(server, alice)
    snoozed = server.act(alice, iid, "retry_later")
    assert snoozed["callback"]["snoozed_until"] - snoozed["state_since"] == pytest.approx(42, abs=1)


def test_visitor_cancelling_while_waiting_removes_the_callback(server):
    sue = server.login("sue")
    visitor = CallbackVisitor(server)
    visitor.create()
    assert len(sales_queue(server, sue)) == 1
    assert visitor.call("POST", f"/callback/disconnect/{visitor.pid}")["status"] == {"type": "success"}
    assert sales_queue(server, sue) == []
    assert visitor.status()["acdStatus"]["interactionState"] == "Disconnected"


def test_agent_sees_a_callback_cancelled_by_the_visitor(server):
    alice = server.login("alice", status="Available")
    visitor, iid = pick_up_callback(server, alice)
    visitor.call("POST", f"/callback/disconnect/{visitor.pid}")
    ended = server.interaction(alice, iid)
    assert ended["state"] == "Disconnected" and ended["callback"]["outcome"] == "cancelled"
    assert ended["transcript"][-1]["text"] == "Cal Caller cancelled the callback request."


def test_completing_a_callback_you_do_not_own_is_refused(server):
    alice = server.login("alice", status="Available")
    bob = server.login("bob")
    _, iid = pick_up_callback(server, alice)
    r = server.http.post(f"/api/v1/interactions/{iid}/complete", headers=bob)
    assert r.status_code in (403, 404) and error_of(r) in ("interaction.not_yours", "interaction.not_found")
    assert server.interaction(alice, iid)["state"] == "Connected"


def test_reconnect_gives_back_the_participant(server):
    visitor = CallbackVisitor(server)
    visitor.create()
    answer = visitor.call("POST", "/callback/reconnect", json={"callbackID": visitor.callback_id})
    assert answer["status"] == {"type": "success"} and answer["participantID"] == visitor.pid
    unknown = visitor.call("POST", "/callback/reconnect", json={"callbackID": "nope"})
    assert failure_code(unknown) == "error.websvc.unknownEntity.session"


@pytest.mark.parametrize(
    "create, code",
    [
        ({"telephone": None}, "error.websvc.content.invalid.missingData"),
        ({"telephone": "call me maybe"}, "error.websvc.content.invalid.missingData"),
        ({"telephone": "12"}, "error.websvc.content.invalid.missingData"),
        ({"subject": "x" * 2001}, "error.websvc.general"),
        ({"target": "Nowhere"}, "error.websvc.unknownEntity.badTarget"),
    ],
)
def test_bad_callback_requests_are_refused_and_queue_nothing(server, create, code):
    sue = server.login("sue")
    answer = CallbackVisitor(server).create(**create)
    assert failure_code(answer) == code
    assert sales_queue(server, sue) == []


def test_subject_of_2000_characters_is_accepted(server):
    answer = CallbackVisitor(server).create(subject="y" * 2000)
    assert answer["status"] == {"type": "success"}


def test_status_and_disconnect_of_unknown_participant_fail_cleanly(server):
    for method, path in (("GET", "/callback/status/nobody"), ("POST", "/callback/disconnect/nobody")):
        answer = CallbackVisitor(server).call(method, path)
        assert failure_code(answer) == "error.websvc.unknownEntity.participant"


def test_estimate_uses_recent_handle_times_once_there_are_some(server_factory):
    server = server_factory(callback_directory(max_assign=1))
    alice = server.login("alice", status="Available")
    _, iid = pick_up_callback(server, alice, name="Handled")
    server.act(alice, iid, "complete")
    server.act(alice, iid, "dismiss")
    _, busy = pick_up_callback(server, alice, name="Busy")
    waiting = CallbackVisitor(server)
    waiting.create(name="Next")
    acd = waiting.status()["acdStatus"]
    assert acd["queuePosition"] == 1 and acd["availableAgentsCount"] == 0
    assert acd["estimatedCallbackTime"] >= 0  # a handle time is known now, so no -1


def test_queued_and_snoozed_callbacks_survive_kill_9_with_their_deadlines(server_factory, seed_cache, tmp_path):
    data_dir = tmp_path / "killed"
    seed_data_dir(data_dir, callback_directory(minutes_between=10), seed_cache)
    with server_process(data_dir, free_port()) as http:  # SIGKILLed when the block ends
        token = http.post("/api/v1/session", json={"username": "alice", "password": "alice-pw"}).json()["token"]
        alice = {"Authorization": f"Bearer {token}"}
        http.put("/api/v1/agents/me/status", json={"status": "Available"}, headers=alice)
        snoozing = http.post("/websvcs/callback/create", json={
            "target": "Sales", "targettype": "Workgroup", "subject": "snooze me",
            "participant": {"name": "Sleepy Caller", "credentials": None, "telephone": "555-0101"}}).json()["callback"]

        snoozed_id = wait_for_alert_over(http, alice)
        http.post(f"/api/v1/interactions/{snoozed_id}/pickup", headers=alice)
        http.post(f"/api/v1/interactions/{snoozed_id}/make_call", headers=alice)
        snoozed = http.post(f"/api/v1/interactions/{snoozed_id}/retry_later", headers=alice).json()
        assert snoozed["state"] == "Snoozed"
        http.put("/api/v1/agents/me/status", json={"status": "At Lunch"}, headers=alice)
        queued = http.post("/websvcs/callback/create", json={
            "target": "Sales", "targettype": "Workgroup", "subject": "queue me",
            "participant": {"name": "Queued Caller", "credentials": None, "telephone": "555-0102"}}).json()["callback"]
        assert queued["status"]["type"] == "success"

    server = server_factory(data_dir=data_dir)
    sue = server.login("sue")
    by_name = {i["remote_name"]: i for i in server.queue(sue, "workgroup:Sales")}
    assert by_name["Queued Caller"]["state"] == "Waiting"
    after = by_name["Sleepy Caller"]
    assert after["state"] == "Snoozed"
    assert after["callback"]["snoozed_until"] == snoozed["callback"]["snoozed_until"]
    assert len(after["callback"]["attempts"]) == 1 and after["callback"]["snoozes"] == 1
    # The visitor's participant ids still work after the crash.
    status = server.http.get(f"/websvcs/callback/status/{snoozing['participantID']}").json()["callback"]
    assert status["acdStatus"]["interactionState"] == "Snoozed"
    assert status["acdStatus"]["estimatedCallbackTime"] == -1  # no handle time known yet
