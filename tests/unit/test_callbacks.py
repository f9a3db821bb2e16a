"""Callback rules of console.core: telephone numbers, the retry policy, the callback life cycle."""

from __future__ import annotations

import pytest

from console.core.callbacks import (
    DEFAULT_SNOOZE_SECONDS,
    CallbackDetails,
    CallbackPolicy,
    check_subject,
    normalize_telephone,
)
from console.core.errors import CallboardError
from console.core.interactions import Action, Interaction, InteractionState, InteractionType
from console.core.routing import AgentAvailability, WorkgroupRouting, plan_assignments

T = 1000.0
SALES = frozenset({"Sales"})


def callback(iid: str = "7", queued_at: float = T) -> Interaction:
    return Interaction(
        id=iid, type=InteractionType.CALLBACK, workgroup="Sales", remote_name="Cal", created_at=queued_at,
        state_since=queued_at, queued_at=queued_at, callback=CallbackDetails(telephone="+15550100", subject="hi"),
    )


def connected(agent: str = "alice") -> Interaction:
    i = callback()
    i.alert(agent, T + 1)
    i.pick_up(agent, SALES, T + 2)
    return i


def refused(code: str, fn, *args) -> None:
    with pytest.raises(CallboardError) as info:
        fn(*args)
    assert info.value.code == code, info.value.message


@pytest.mark.parametrize(
    "raw, dialable",
    [
        ("+1 (317) 555-0100", "+13175550100"),
        ("317.555.0100", "3175550100"),
        ("+44 20 7946 0958", "+442079460958"),
        ("555-0100 x12", "5550100x12"),
        ("555-0100 ext. 7", "5550100x7"),
    ],
)
def test_telephone_numbers_are_kept_in_dialable_form(raw, dialable):
    assert normalize_telephone(raw) == dialable


@pytest.mark.parametrize("raw", ["", "   ", "call me", "12", "1234567890123456", "+1 555 0100; rm -rf", "5550100x"])
def test_unusable_telephone_numbers_are_refused(raw):
    refused("callback.telephone_invalid", normalize_telephone, raw)


def test_subject_is_limited_to_2000_characters():
    assert check_subject("a" * 2000) == "a" * 2000
    refused("callback.subject_too_long", check_subject, "a" * 2001)


@pytest.mark.parametrize(
    "minutes, server_default, seconds",
    [(None, 42.0, DEFAULT_SNOOZE_SECONDS), (0, 42.0, 42.0), (2, 42.0, 120.0), (0.5, 42.0, 30.0)],
)
def test_time_between_callbacks_none_zero_and_minutes(minutes, server_default, seconds):
    policy = CallbackPolicy(minutes_between=minutes, server_default_snooze=server_default)
    assert policy.snooze_seconds() == seconds


def test_connected_callback_offers_call_outcomes_not_hold():
    i = connected()
    assert i.allowed_actions("alice", SALES) == ["make_call", "complete", "fail", "retry_later", "transfer"]
    refused("interaction.action_not_allowed", i.hold, "alice", T + 3)


def test_make_call_records_the_attempt():
    i = connected()
    i.make_call("alice", T + 3)
    assert i.callback.attempts == [{"at": T + 3, "agent": "alice", "telephone": "+15550100"}]


def test_make_call_by_another_agent_is_refused():
    refused("interaction.not_yours", connected().make_call, "bob", T + 3)


def test_complete_and_fail_end_the_callback_with_an_outcome():
    done = connected()
    done.finish_callback("alice", Action.COMPLETE, "Sale", T + 9)
    assert (done.state, done.callback.outcome, done.callback.wrap_up_code) == (
        InteractionState.DISCONNECTED, "success", "Sale")
    failed = connected()
    failed.finish_callback("alice", Action.FAIL, None, T + 9)
    assert failed.callback.outcome == "failure" and failed.ended_at == T + 9


def test_retry_later_snoozes_back_to_the_workgroup_until_the_policy_says():
    i = connected()
    until = i.retry_later("alice", CallbackPolicy(retries=2, minutes_between=1), T + 10)
    assert until == T + 70 and i.callback.snoozed_until == T + 70
    assert i.state is InteractionState.SNOOZED and i.agent is None
    assert not i.counts_against_capacity
    assert i.allowed_actions("bob", SALES) == ["pickup"]  # a colleague may take it early


def test_wake_requeues_in_its_original_place_and_counts_the_snooze_apart():
    i = connected()
    i.retry_later("alice", CallbackPolicy(minutes_between=1), T + 10)
    i.wake(T + 70)
    assert i.state is InteractionState.WAITING and i.queued_at == T
    assert i.callback.snoozed_seconds == 60 and i.callback.snoozed_until is None


def test_retry_later_past_the_limit_is_refused_and_changes_nothing():
    i = connected()
    policy = CallbackPolicy(retries=1, minutes_between=1)
    i.retry_later("alice", policy, T + 10)
    i.wake(T + 70)
    i.alert("alice", T + 71)
    i.pick_up("alice", SALES, T + 72)
    refused("callback.retries_exhausted", i.retry_later, "alice", policy, T + 80)
    assert i.state is InteractionState.CONNECTED and i.callback.snoozes == 1


def test_agent_cannot_disconnect_a_callback():
    with pytest.raises(CallboardError) as info:
        connected().disconnect(T + 5, by_agent="alice")
    assert info.value.code == "interaction.action_not_allowed"


def test_visitor_cancelling_a_snoozed_callback_ends_it_cancelled():
    i = connected()
    i.retry_later("alice", CallbackPolicy(minutes_between=1), T + 10)
    i.disconnect(T + 40)
    assert i.state is InteractionState.DISCONNECTED
    assert i.callback.outcome == "cancelled" and i.callback.snoozed_seconds == 30


def test_callback_record_roundtrip_keeps_attempts_and_snoozes():
    i = connected()
    i.make_call("alice", T + 3)
    i.retry_later("alice", CallbackPolicy(minutes_between=1), T + 10)
    again = Interaction.from_record(i.to_record())
    assert again.callback == i.callback and again.state is InteractionState.SNOOZED


def test_routing_respects_callback_max_assign_apart_from_chats():
    settings = {"Sales": WorkgroupRouting(name="Sales", callback_max_assign=1)}
    busy = AgentAvailability("alice", SALES, acd_available=True, logged_in=True, max_chats=3,
                             active_chats=0, active_callbacks=1)
    assert plan_assignments([callback("1")], [busy], settings, T + 5) == []
    free = AgentAvailability("bob", SALES, acd_available=True, logged_in=True, max_chats=0, active_callbacks=0)
    assert [(i.id, a) for i, a in plan_assignments([callback("1")], [busy, free], settings, T + 5)] == [("1", "bob")]


def test_agents_own_callback_limit_can_be_lower_than_the_workgroups():
    settings = {"Sales": WorkgroupRouting(name="Sales", callback_max_assign=3)}
    no_callbacks = AgentAvailability("sue", SALES, acd_available=True, logged_in=True, max_callbacks=0)
    assert plan_assignments([callback("1")], [no_callbacks], settings, T + 5) == []


def test_woken_callback_goes_ahead_of_requests_made_while_it_slept():
    settings = {"Sales": WorkgroupRouting(name="Sales", callback_max_assign=1)}
    woken = connected()
    woken.retry_later("alice", CallbackPolicy(minutes_between=1), T + 10)
    newer = callback("8", queued_at=T + 30)
    woken.wake(T + 70)
    bob = AgentAvailability("bob", SALES, acd_available=True, logged_in=True)
    assert [(i.id, a) for i, a in plan_assignments([newer, woken], [bob], settings, T + 71)] == [("7", "bob")]
