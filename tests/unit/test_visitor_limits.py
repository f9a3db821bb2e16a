"""Which limit refuses a new visitor interaction, counted from the live interactions."""

from __future__ import annotations

import pytest

from console.core.interactions import Interaction, InteractionState, InteractionType
from console.server.visitor_limits import (
    ADDRESS_LIMIT,
    BURST_LIMIT,
    QUEUE_LIMIT,
    SERVER_LIMIT,
    Load,
    LoadCounts,
    QueueCaps,
    VisitorLimitSettings,
    refusal,
    visitor_limit_settings,
)


def interaction(n: int, state: InteractionState, ip: str = "198.51.100.1", workgroup: str = "Sales") -> Interaction:
    return Interaction(str(n), InteractionType.CHAT, workgroup, "Vera", state=state, visitor_ip=ip)


def test_ended_interactions_do_not_count_and_snoozed_ones_wait():
    live = [
        interaction(1, InteractionState.WAITING),
        interaction(2, InteractionState.CONNECTED),
        interaction(3, InteractionState.SNOOZED, ip="203.0.113.5"),
        interaction(4, InteractionState.DISCONNECTED),
        interaction(5, InteractionState.ALERTING, workgroup="Support"),
    ]
    counts = LoadCounts()
    for each in live:
        counts.observe(each)
    assert counts.load("198.51.100.1", "Sales") == Load(active=4, from_address=3, queue_waiting=2, queue_active=3)
    assert counts.load("", "") == Load(active=4)

    # Counts follow changes: Vera's waiting chat is answered, then the connected one ends.
    live[0].state = InteractionState.CONNECTED
    counts.observe(live[0])
    live[1].state = InteractionState.DISCONNECTED
    counts.observe(live[1])
    counts.observe(live[1])  # told twice, counted once
    assert counts.load("198.51.100.1", "Sales") == Load(active=3, from_address=2, queue_waiting=1, queue_active=2)


def code(settings: VisitorLimitSettings, load: Load, recent: int = 0, workgroup: str = "Sales",
         trusted: bool = False) -> str | None:
    error = refusal(settings, load, recent, workgroup, trusted)
    return error.code if error else None


def test_iwt_defaults_cap_an_address_at_15_active_and_5_at_once():
    settings = VisitorLimitSettings()
    assert code(settings, Load(from_address=14), recent=4) is None
    assert code(settings, Load(from_address=15)) == ADDRESS_LIMIT
    assert code(settings, Load(from_address=1), recent=5) == BURST_LIMIT
    assert code(settings, Load(active=100_000)) is None  # no server-wide cap unless set


def test_trusted_hosts_skip_the_per_address_limits_but_not_the_server_or_queue_caps():
    settings = VisitorLimitSettings(max_active=10, queues={"Sales": QueueCaps(max_waiting=2)})
    assert code(settings, Load(from_address=99), recent=99, trusted=True) is None
    assert code(settings, Load(active=10), trusted=True) == SERVER_LIMIT
    assert code(settings, Load(queue_waiting=2), trusted=True) == QUEUE_LIMIT


def test_queue_caps_apply_to_their_own_workgroup_only():
    settings = VisitorLimitSettings(queues={"Sales": QueueCaps(max_waiting=3, max_active=5)})
    assert code(settings, Load(queue_waiting=3)) == QUEUE_LIMIT
    assert code(settings, Load(queue_waiting=1, queue_active=5)) == QUEUE_LIMIT
    assert code(settings, Load(queue_waiting=3), workgroup="Support") is None
    assert code(settings, Load(queue_waiting=3), workgroup="") is None  # a chat for one agent


def test_a_full_server_is_reported_before_a_busy_address():
    """Clients fail over on a full server; that answer stays true whoever asks."""
    settings = VisitorLimitSettings(max_active=1)
    assert code(settings, Load(active=1, from_address=15), recent=5) == SERVER_LIMIT


def test_zero_turns_a_limit_off():
    settings = visitor_limit_settings({"max_interactions_per_ip": 0, "max_interactions_per_unit_time": 0})
    assert code(settings, Load(from_address=1000), recent=1000) is None


def test_settings_defaults_and_trusted_networks():
    default = visitor_limit_settings({})
    assert (default.max_per_address, default.burst, default.burst_seconds, default.max_active) == (15, 5, 1.0, 0)
    assert default.trusted("127.0.0.1") and default.trusted("::1") and not default.trusted("198.51.100.1")
    settings = visitor_limit_settings({"trusted_hosts": ["192.0.2.10", "10.1.0.0/16"]})
    assert settings.trusted("192.0.2.10") and settings.trusted("10.1.200.3")
    assert not settings.trusted("10.2.0.1") and not settings.trusted("127.0.0.1") and not settings.trusted("junk")


@pytest.mark.parametrize(
    "raw, complaint",
    [
        ({"max_interactions_per_ip": -1}, "max_interactions_per_ip must be a whole number"),
        ({"max_interactions_per_ip": 2.5}, "max_interactions_per_ip must be a whole number"),
        ({"max_active_interactions": True}, "max_active_interactions must be a whole number"),
        ({"unit_time_seconds": 0}, "unit_time_seconds must be a number of seconds above 0"),
        ({"trusted_hosts": "10.0.0.1"}, "trusted_hosts must be a list"),
        ({"trusted_hosts": ["10.0.0.300"]}, "'10.0.0.300' is not an IP address or network"),
        ({"queues": {"Sales": {"max_waiting": -2}}}, "queues.Sales.max_waiting must be a whole number"),
        ({"queues": {"Sales": {"max_wait": 2}}}, r"unknown setting\(s\) in \[visitor_limits.queues.Sales\]: max_wait"),
        ({"queues": {"Sales": 3}}, "must be a table"),
        ({"max_per_ip": 3}, r"unknown setting\(s\) in \[visitor_limits\]: max_per_ip"),
    ],
)
def test_bad_settings_are_refused_with_the_reason(raw, complaint):
    with pytest.raises(ValueError, match=complaint):
        visitor_limit_settings(raw)
