"""The interaction state machine of console.core.interactions."""

from __future__ import annotations

import pytest

from console.core.errors import CallboardError
from console.core.interactions import Interaction, InteractionState, InteractionType

SALES = frozenset({"Sales"})
SUPPORT = frozenset({"Support"})
T = 1000.0


def waiting(**kwargs) -> Interaction:
    return Interaction(id="42", type=InteractionType.CHAT, workgroup="Sales", remote_name="Vera",
                       created_at=T, state_since=T, queued_at=T, **kwargs)


def in_state(state: InteractionState, agent: str = "alice") -> Interaction:
    i = waiting()
    if state is InteractionState.WAITING:
        return i
    i.alert(agent, T + 1)
    if state is InteractionState.ALERTING:
        return i
    i.pick_up(agent, SALES, T + 2)
    if state is InteractionState.CONNECTED:
        return i
    if state is InteractionState.HELD:
        i.hold(agent, T + 3)
        return i
    i.disconnect(T + 3, by_agent=agent)
    return i


def refused(code: str, fn, *args, **kwargs) -> CallboardError:
    with pytest.raises(CallboardError) as info:
        fn(*args, **kwargs)
    assert info.value.code == code, info.value.message
    return info.value


@pytest.mark.parametrize(
    ("state", "owner_sees", "colleague_sees"),
    [
        (InteractionState.WAITING, ["pickup"], ["pickup"]),
        (InteractionState.ALERTING, ["pickup"], []),
        (InteractionState.CONNECTED, ["hold", "transfer", "conference", "disconnect"], []),
        (InteractionState.HELD, ["unhold", "transfer", "disconnect"], []),
        (InteractionState.DISCONNECTED, ["dismiss"], []),
    ],
)
def test_allowed_actions_per_state_and_viewer(state, owner_sees, colleague_sees):
    i = in_state(state)
    assert i.allowed_actions("alice", SALES) == owner_sees
    assert i.allowed_actions("bob", SALES) == colleague_sees
    assert i.allowed_actions("carol", SUPPORT) == []


def test_waiting_interaction_for_a_target_agent_is_pickable_only_by_them():
    i = waiting(target_agent="bob")
    assert i.allowed_actions("bob", SUPPORT) == ["pickup"]
    assert i.allowed_actions("alice", SALES) == []
    refused("interaction.action_not_allowed", i.pick_up, "alice", SALES, T)
    i.pick_up("bob", SUPPORT, T + 1)
    assert (i.state, i.agent) == (InteractionState.CONNECTED, "bob")


def test_full_life_cycle_records_times_and_owner():
    i = waiting()
    i.alert("alice", T + 1)
    assert (i.state, i.agent, i.state_since) == (InteractionState.ALERTING, "alice", T + 1)
    i.pick_up("alice", SALES, T + 2)
    assert (i.state, i.answered_at) == (InteractionState.CONNECTED, T + 2)
    i.hold("alice", T + 3)
    assert i.state is InteractionState.HELD
    i.unhold("alice", T + 4)
    assert i.state is InteractionState.CONNECTED
    i.disconnect(T + 5, by_agent="alice")
    assert (i.state, i.ended_at, i.visitor_left, i.agent) == (InteractionState.DISCONNECTED, T + 5, False, "alice")
    i.dismiss("alice")
    assert i.agent is None


def test_visitor_may_leave_while_waiting_or_alerting():
    for state in (InteractionState.WAITING, InteractionState.ALERTING):
        i = in_state(state)
        i.disconnect(T + 9)
        assert i.state is InteractionState.DISCONNECTED and i.visitor_left


def test_visitor_leaving_marks_visitor_left():
    i = in_state(InteractionState.CONNECTED)
    i.disconnect(T + 9)
    assert i.state is InteractionState.DISCONNECTED and i.visitor_left


def test_pickup_from_queue_by_workgroup_member_connects_them():
    i = waiting()
    i.pick_up("bob", SALES, T + 1)
    assert (i.state, i.agent) == (InteractionState.CONNECTED, "bob")


def test_pickup_from_queue_by_non_member_is_refused_and_changes_nothing():
    i = waiting()
    refused("interaction.action_not_allowed", i.pick_up, "carol", SUPPORT, T + 1)
    assert (i.state, i.agent, i.state_since) == (InteractionState.WAITING, None, T)


def test_pickup_of_chat_alerting_someone_else_is_not_yours():
    i = in_state(InteractionState.ALERTING)
    refused("interaction.not_yours", i.pick_up, "bob", SALES, T + 5)
    assert (i.state, i.agent) == (InteractionState.ALERTING, "alice")


@pytest.mark.parametrize(
    ("state", "action"),
    [
        (InteractionState.ALERTING, lambda i: i.hold("alice", T)),
        (InteractionState.HELD, lambda i: i.hold("alice", T)),
        (InteractionState.CONNECTED, lambda i: i.unhold("alice", T)),
        (InteractionState.ALERTING, lambda i: i.transfer_to_workgroup("alice", "Support", T)),
        (InteractionState.DISCONNECTED, lambda i: i.transfer_to_agent("alice", "bob", T)),
        (InteractionState.DISCONNECTED, lambda i: i.disconnect(T, by_agent="alice")),
        (InteractionState.ALERTING, lambda i: i.disconnect(T, by_agent="alice")),
        (InteractionState.DISCONNECTED, lambda i: i.disconnect(T)),
        (InteractionState.CONNECTED, lambda i: i.dismiss("alice")),
        (InteractionState.CONNECTED, lambda i: i.pick_up("alice", SALES, T)),
        (InteractionState.CONNECTED, lambda i: i.alert("bob", T)),
        (InteractionState.CONNECTED, lambda i: i.alert_timed_out(T)),
    ],
)
def test_illegal_transition_raises_action_not_allowed_and_changes_nothing(state, action):
    i = in_state(state)
    before = i.to_record()
    refused("interaction.action_not_allowed", action, i)
    assert i.to_record() == before


@pytest.mark.parametrize(
    "action",
    [
        lambda i: i.hold("bob", T),
        lambda i: i.unhold("bob", T),
        lambda i: i.transfer_to_workgroup("bob", "Support", T),
        lambda i: i.transfer_to_agent("bob", "carol", T),
        lambda i: i.disconnect(T, by_agent="bob"),
        lambda i: i.dismiss("bob"),
    ],
)
def test_acting_on_another_agents_interaction_raises_not_yours(action):
    i = in_state(InteractionState.CONNECTED)
    before = i.to_record()
    refused("interaction.not_yours", action, i)
    assert i.to_record() == before


def test_holding_a_waiting_interaction_is_not_yours_since_nobody_owns_it():
    i = waiting()
    refused("interaction.not_yours", i.hold, "alice", T)
    assert (i.state, i.agent) == (InteractionState.WAITING, None)


def test_alert_timeout_returns_to_queue_and_remembers_who_declined():
    i = in_state(InteractionState.ALERTING)
    assert i.alert_timed_out(T + 20) == "alice"
    assert (i.state, i.agent, i.state_since) == (InteractionState.WAITING, None, T + 20)
    assert i.declined_by == {"alice"}


def test_transfer_to_workgroup_requeues_and_forgets_decliners():
    i = in_state(InteractionState.HELD)
    i.declined_by.add("bob")
    i.transfer_to_workgroup("alice", "Support", T + 7)
    assert (i.state, i.agent, i.workgroup, i.queued_at) == (InteractionState.WAITING, None, "Support", T + 7)
    assert i.declined_by == set()


def test_transfer_to_agent_alerts_them():
    i = in_state(InteractionState.CONNECTED)
    i.transfer_to_agent("alice", "bob", T + 7)
    assert (i.state, i.agent) == (InteractionState.ALERTING, "bob")
    assert i.allowed_actions("bob", SALES) == ["pickup"]


def test_transfer_to_yourself_is_refused():
    i = in_state(InteractionState.CONNECTED)
    refused("interaction.transfer.same_agent", i.transfer_to_agent, "alice", "alice", T)
    assert i.state is InteractionState.CONNECTED


def test_capacity_counts_alerting_connected_and_held_only():
    counts = {s: in_state(s).counts_against_capacity for s in InteractionState}
    assert counts == {
        InteractionState.WAITING: False,
        InteractionState.ALERTING: True,
        InteractionState.CONNECTED: True,
        InteractionState.HELD: True,
        InteractionState.SNOOZED: False,
        InteractionState.DISCONNECTED: False,
    }


def test_record_roundtrip_keeps_every_field():
    i = in_state(InteractionState.HELD)
    i.declined_by = {"x", "y"}
    i.attributes = {"page": "/pricing"}
    i.required_skills = ("language:en",)
    i.priority = 3
    i.language = "en-US"
    copy = Interaction.from_record(i.to_record())
    assert copy == i
