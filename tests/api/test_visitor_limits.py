"""Denial-of-service limits on new visitor interactions, over real HTTP.

Every request comes from 127.0.0.1, a trusted proxy by default, so a test names the
visitor's address in ``X-Forwarded-For`` as a reverse proxy would.
"""

from __future__ import annotations

from typing import Any

import pytest

from console.server.visitor_limits import visitor_limit_settings
from tests.api.test_durability import restart
from tests.api.test_visitor_api import failure_code
from tests.conftest import Harness, wait_until

UNAVAILABLE = "error.websvc.unavailable"
GENERAL = "error.websvc.general"
SUP = "/api/v1/supervisor"


def limited(server_factory, **raw: Any) -> Harness:
    """A server with ``[visitor_limits]`` as the settings file would give them."""
    settings: dict[str, Any] = {}
    if "trusted_proxies" in raw:
        settings["trusted_proxies"] = frozenset(raw.pop("trusted_proxies"))
    return server_factory(visitor_limits=visitor_limit_settings(raw), **settings)


def chat(server: Harness, address: str | None, name: str = "Vera", target: str = "Sales") -> dict[str, Any]:
    """``chat/start`` from ``address``; the raw IWT answer."""
    headers = {"X-Forwarded-For": address} if address else {}
    body = {"participant": {"name": name, "credentials": None}, "target": target, "targetType": "Workgroup",
            "language": "en-US", "supportedContentTypes": "text/plain"}
    return server.visitor().call("POST", "/chat/start", json=body, headers=headers)


def callback(server: Harness, address: str, name: str = "Cal") -> dict[str, Any]:
    body = {"participant": {"name": name, "credentials": None, "telephone": "+1 317 555 0100"},
            "target": "Sales", "targettype": "Workgroup", "subject": "Invoice", "language": "en-US"}
    return server.visitor().call("POST", "/callback/create", json=body, headers={"X-Forwarded-For": address})


def started(answer: dict[str, Any], outer: str = "chat") -> bool:
    return answer[outer]["status"]["type"] == "success"


@pytest.fixture
def counts():
    """What exists in Sales for a supervisor: queued interactions and today's offers."""

    def read(server: Harness) -> tuple[int, int]:
        sue = server.login("sue")
        queued = len(server.queue(sue, "workgroup:Sales"))
        stats = server.http.get(f"{SUP}/statistics", headers=sue).json()
        offered = next(s for s in stats if s["workgroup"] == "Sales")["today"]["offered"]
        return queued, offered

    return read


def test_an_address_over_its_active_interactions_is_refused_and_nothing_is_created(server_factory, counts):
    server = limited(server_factory, max_interactions_per_ip=2, max_interactions_per_unit_time=0)
    first = chat(server, "203.0.113.5")
    assert started(first)
    assert started(callback(server, "203.0.113.5"), "callback")
    before = counts(server)
    refused = chat(server, "203.0.113.5", name="Third")
    assert failure_code(refused) == GENERAL
    assert "address" in refused["chat"]["status"]["reason"]["message"]
    assert failure_code(callback(server, "203.0.113.5"), "callback") == GENERAL
    assert counts(server) == before == (2, 2)
    assert started(chat(server, "198.51.100.9"))  # another visitor is not affected
    # Ending one frees the address a place.
    server.visitor().call("POST", f"/chat/exit/{first['chat']['participantID']}")
    assert started(chat(server, "203.0.113.5"))


def test_a_visitor_over_the_limit_keeps_the_chat_already_open(server_factory):
    server = limited(server_factory, max_interactions_per_ip=1)
    visitor = server.visitor()
    answer = chat(server, "203.0.113.5")["chat"]
    visitor.pid = answer["participantID"]
    visitor._accept(answer["events"])
    assert failure_code(chat(server, "203.0.113.5")) == GENERAL
    assert visitor.send("still here")[-1]["value"] == "still here"


def test_a_burst_from_one_address_is_refused_until_the_unit_time_passes(server_factory, counts):
    server = limited(server_factory, max_interactions_per_ip=0, max_interactions_per_unit_time=2,
                     unit_time_seconds=1)
    assert started(chat(server, "203.0.113.5")) and started(chat(server, "203.0.113.5"))
    before = counts(server)
    assert failure_code(chat(server, "203.0.113.5")) == GENERAL
    assert counts(server) == before
    assert started(chat(server, "198.51.100.9"))
    # Refused requests do not count: the address is let in again once its window has passed.
    wait_until(lambda: started(chat(server, "203.0.113.5")), timeout=5, interval=0.2, what="the burst window")


def test_the_server_wide_cap_answers_unavailable_for_everyone(server_factory, counts):
    server = limited(server_factory, max_active_interactions=2)
    first = chat(server, "203.0.113.5")
    assert started(first) and started(callback(server, "198.51.100.9"), "callback")
    before = counts(server)
    assert failure_code(chat(server, "192.0.2.44")) == UNAVAILABLE
    assert failure_code(chat(server, None)) == UNAVAILABLE  # trusted hosts too
    assert failure_code(callback(server, "192.0.2.44"), "callback") == UNAVAILABLE
    assert counts(server) == before
    server.visitor().call("POST", f"/chat/exit/{first['chat']['participantID']}")
    assert started(chat(server, "192.0.2.44"))


def test_a_full_queue_answers_unavailable_and_other_queues_still_take_chats(server_factory, counts):
    server = limited(server_factory, queues={"Sales": {"max_waiting": 1}})
    assert started(chat(server, "203.0.113.5", name="First"))
    before = counts(server)
    assert failure_code(chat(server, "198.51.100.9")) == UNAVAILABLE
    assert failure_code(callback(server, "198.51.100.9"), "callback") == UNAVAILABLE
    assert counts(server) == before
    assert started(chat(server, "198.51.100.9", target="Support"))
    # Once an agent answers the waiting chat, the queue has room again.
    alice = server.login("alice")
    server.act(alice, server.wait_for_alert(alice)["id"], "pickup")
    assert started(chat(server, "198.51.100.9", name="Second"))


def test_a_queue_capped_on_active_interactions_counts_answered_ones_too(server_factory):
    server = limited(server_factory, queues={"Sales": {"max_active": 1}})
    assert started(chat(server, "203.0.113.5"))
    alice = server.login("alice")
    server.act(alice, server.wait_for_alert(alice)["id"], "pickup")
    assert failure_code(chat(server, "198.51.100.9")) == UNAVAILABLE


def test_trusted_hosts_are_not_held_to_the_per_address_limits(server_factory):
    server = limited(server_factory, max_interactions_per_ip=1, max_interactions_per_unit_time=1,
                     unit_time_seconds=3600, trusted_hosts=["203.0.113.0/24"])
    assert all(started(chat(server, "203.0.113.5", name=f"Gateway {n}")) for n in range(4))
    assert started(chat(server, "198.51.100.9"))
    assert failure_code(chat(server, "198.51.100.9")) == GENERAL


def test_forwarded_address_from_a_trusted_proxy_is_the_one_counted(server_factory):
    server = limited(server_factory, max_interactions_per_ip=1)
    assert started(chat(server, "203.0.113.5")) and started(chat(server, "198.51.100.9"))
    assert failure_code(chat(server, "203.0.113.5")) == GENERAL
    # What the visitor wrote to the left of the proxy's hop is not believed.
    assert failure_code(chat(server, "192.0.2.1, 203.0.113.5")) == GENERAL


def test_forwarded_address_from_an_untrusted_proxy_is_ignored(server_factory):
    """127.0.0.1 is not a trusted proxy here: every request counts as 127.0.0.1, whatever it claims."""
    server = limited(server_factory, trusted_proxies=[], max_interactions_per_ip=1, trusted_hosts=[])
    assert started(chat(server, "203.0.113.5", name="Claims One"))
    assert failure_code(chat(server, "198.51.100.9", name="Claims Two")) == GENERAL
    sue = server.login("sue")
    assert [i["remote_address"] for i in server.queue(sue, "workgroup:Sales")] == ["127.0.0.1"]


def test_the_servers_own_machine_is_trusted_by_default(server_factory):
    """The demo's and the tests' simulated visitors all come from loopback."""
    server = limited(server_factory)
    assert all(started(chat(server, None, name=f"Local {n}")) for n in range(20))


def test_active_interactions_per_address_are_still_counted_after_a_restart(server_factory):
    server = limited(server_factory, max_interactions_per_ip=1)
    assert started(chat(server, "203.0.113.5"))
    limits = server.thread.settings.visitor_limits
    server = restart(lambda **kw: server_factory(visitor_limits=limits, **kw), server)
    assert failure_code(chat(server, "203.0.113.5")) == GENERAL
    assert started(chat(server, "198.51.100.9"))
