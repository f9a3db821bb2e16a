"""Idle chat visitors warned, then disconnected, over real HTTP (short configured times)."""

from __future__ import annotations

import time

from console.server.idle_visitors import IdleVisitorSettings
from tests.api.test_durability import restart
from tests.api.test_visitor_api import failure_code
from tests.conftest import Harness, Visitor, wait_until


def idle_server(server_factory, idle: float = 1, grace: float = 1, enabled: bool = True) -> Harness:
    return server_factory(idle_visitors=IdleVisitorSettings(enabled=enabled, idle_seconds=idle, grace_seconds=grace))


def connected(server: Harness, name: str = "Vera Idle") -> tuple[Visitor, dict[str, str], str]:
    """A visitor whose chat Alice has picked up: (visitor, Alice's headers, interaction id)."""
    alice = server.login("alice")
    visitor = server.visitor()
    visitor.start(name=name)
    iid = server.wait_for_alert(alice)["id"]
    server.act(alice, iid, "pickup")
    return visitor, alice, iid


def is_warning(event: dict) -> bool:
    return event["type"] == "text" and event["participantType"] == "System" and "has been idle for" in event["value"]


def is_disconnected(visitor: Visitor):
    return lambda e: (e["type"] == "participantStateChanged" and e["participantID"] == visitor.pid
                      and e["state"] == "disconnected")


def system_lines(server: Harness, agent: dict[str, str], iid: str) -> list[str]:
    return [e["text"] for e in server.interaction(agent, iid)["transcript"] if e["kind"] == "system"]


def test_idle_visitor_is_warned_in_the_feed_and_the_transcript_then_disconnected(server_factory):
    server = idle_server(server_factory, idle=1, grace=1)
    visitor, alice, iid = connected(server)
    warning = visitor.wait_for(is_warning)
    assert warning["value"] == (
        "Vera Idle has been idle for 1 second. The conversation will end in 1 second unless Vera Idle sends a message."
    )
    assert warning["participantID"] == "00000000-0000-0000-0000-000000000000"
    wait_until(lambda: warning["value"] in system_lines(server, alice, iid), what="the warning in the transcript")

    gone = visitor.wait_for(is_disconnected(visitor))
    # The visitor's feed ends as when they leave: their own disconnected state, then the usual text.
    assert visitor.events[gone["sequenceNumber"] + 1]["value"] == "Vera Idle has left the conversation."
    detail = server.interaction(alice, iid)
    assert detail["state"] == "Disconnected"
    lines = system_lines(server, alice, iid)
    assert "Vera Idle was disconnected after being idle for 2 seconds." in lines
    assert lines[-1] == "Vera Idle has left the conversation."
    sent = visitor.call("POST", f"/chat/sendMessage/{visitor.pid}", json={"message": "back!"})
    assert failure_code(sent) == "error.websvc.unknownEntity.participant"


def test_a_message_or_typing_after_the_warning_starts_the_clock_over(server_factory):
    """Each activity brings a fresh warning a second later instead of the disconnect due after three."""
    server = idle_server(server_factory, idle=1, grace=3)
    visitor, _alice, _iid = connected(server)
    wait_for_warnings(visitor, 1)
    visitor.send("Sorry, I'm here")
    wait_for_warnings(visitor, 2)
    visitor.typing(True)
    wait_for_warnings(visitor, 3)
    assert not any(is_disconnected(visitor)(e) for e in visitor.events)


def wait_for_warnings(visitor: Visitor, count: int) -> None:
    wait_until(lambda: (visitor.poll(), sum(1 for e in visitor.events if is_warning(e)) >= count)[1],
               interval=0.05, what=f"warning {count}")


def test_a_visitor_waiting_in_the_queue_is_not_warned(server_factory):
    server = idle_server(server_factory, idle=0.3, grace=0.3)
    visitor = server.visitor()
    visitor.start(target="Support")  # nobody signed in takes it
    time.sleep(1.0)
    assert not any(is_warning(e) for e in visitor.events + visitor.poll())


def test_idle_visitors_are_left_alone_unless_enabled(server_factory):
    server = idle_server(server_factory, idle=0.3, grace=0.3, enabled=False)
    visitor, alice, iid = connected(server)
    time.sleep(1.0)
    assert not any(is_warning(e) for e in visitor.events + visitor.poll())
    assert server.interaction(alice, iid)["state"] == "Connected"


def test_a_warning_given_before_a_restart_still_leads_to_the_disconnect(server_factory):
    settings = IdleVisitorSettings(enabled=True, idle_seconds=1, grace_seconds=2)
    server = server_factory(idle_visitors=settings)
    visitor, alice, iid = connected(server)
    visitor.wait_for(is_warning)
    server = restart(lambda **kw: server_factory(idle_visitors=settings, **kw), server)
    visitor.http = server.http
    visitor.wait_for(is_disconnected(visitor))
    assert sum(1 for e in visitor.events if is_warning(e)) == 1  # not warned again from scratch
    assert server.interaction(alice, iid)["state"] == "Disconnected"


def test_a_visitor_on_hold_is_not_warned_and_the_clock_starts_at_unhold(server_factory):
    server = idle_server(server_factory, idle=1, grace=5)
    visitor, alice, iid = connected(server)
    server.act(alice, iid, "hold")
    time.sleep(1.5)
    assert not any(is_warning(e) for e in visitor.events + visitor.poll())
    server.act(alice, iid, "unhold")
    wait_for_warnings(visitor, 1)
