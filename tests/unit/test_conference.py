"""Chat conference rules of console.core.interactions: seats, members, hand-over."""

from __future__ import annotations

import pytest

from console.core.callbacks import CallbackDetails
from console.core.interactions import Interaction, InteractionState, InteractionType
from tests.unit.test_interactions import SALES, T, in_state, refused


def conferenced(*members: str) -> Interaction:
    """A chat connected to alice with ``members`` invited and joined, in that order."""
    i = in_state(InteractionState.CONNECTED)
    for n, name in enumerate(members):
        i.invite("alice", name, T + 10 + n)
        i.accept_invitation(name, T + 20 + n)
    return i


def test_an_invitation_alerts_the_colleague_who_may_accept_or_decline():
    i = in_state(InteractionState.CONNECTED)
    seat = i.invite("alice", "bob", T + 5)
    assert (seat.username, seat.invited_by, seat.invited_at, seat.joined) == ("bob", "alice", T + 5, False)
    assert i.allowed_actions("bob", SALES) == ["pickup", "decline"]
    assert i.allowed_actions("alice", SALES) == ["hold", "conference", "cancel_invitation", "disconnect"]
    assert i.handlers() == ("alice", "bob")
    assert (i.state, i.agent) == (InteractionState.CONNECTED, "alice")


def test_accepting_makes_a_member_who_may_only_leave():
    i = conferenced("bob")
    assert i.is_member("bob") and i.in_chat("bob") and i.in_chat("alice") and not i.in_chat("carol")
    assert i.allowed_actions("bob", SALES) == ["disconnect"]
    assert i.allowed_actions("alice", SALES) == ["hold", "conference", "disconnect"]
    refused("interaction.not_yours", i.hold, "bob", T + 30)
    refused("interaction.not_yours", i.transfer_to_workgroup, "bob", "Support", T + 30)
    refused("interaction.not_yours", i.invite, "bob", "carol", T + 30)


def test_transfer_waits_until_the_conference_is_over():
    i = conferenced("bob")
    refused("interaction.action_not_allowed", i.transfer_to_agent, "alice", "carol", T + 30)
    refused("interaction.action_not_allowed", i.transfer_to_workgroup, "alice", "Support", T + 30)
    i.leave_conference("bob")
    i.transfer_to_workgroup("alice", "Support", T + 31)
    assert i.state is InteractionState.WAITING


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_inviting_someone_already_in_or_invited_is_refused(who):
    i = conferenced("bob")
    refused("interaction.conference.already_in", i.invite, "alice", who, T + 40)
    i.invite("alice", "carol", T + 41)
    refused("interaction.conference.already_in", i.invite, "alice", "carol", T + 42)


@pytest.mark.parametrize("state", [InteractionState.WAITING, InteractionState.ALERTING, InteractionState.HELD,
                                   InteractionState.DISCONNECTED])
def test_only_a_connected_chat_can_be_conferenced(state):
    i = in_state(state)
    code = "interaction.not_yours" if state is InteractionState.WAITING else "interaction.action_not_allowed"
    refused(code, i.invite, "alice", "bob", T + 9)
    assert i.conference == []


def test_a_callback_cannot_be_conferenced():
    i = Interaction(id="7", type=InteractionType.CALLBACK, workgroup="Sales", remote_name="Vera",
                    callback=CallbackDetails(telephone="+1 555", subject="bill"))
    i.alert("alice", T)
    i.pick_up("alice", SALES, T + 1)
    refused("interaction.action_not_allowed", i.invite, "alice", "bob", T + 2)


def test_withdrawn_declined_and_cancelled_invitations_leave_no_seat():
    i = in_state(InteractionState.CONNECTED)
    i.invite("alice", "bob", T + 5)
    refused("interaction.not_yours", i.cancel_invitation, "bob", "bob")
    i.cancel_invitation("alice", "bob")
    assert i.conference == [] and i.allowed_actions("bob", SALES) == []
    refused("interaction.conference.not_invited", i.accept_invitation, "bob", T + 6)
    refused("interaction.conference.not_invited", i.withdraw_invitation, "bob")


def test_a_member_cannot_be_cancelled_and_an_invitee_cannot_leave():
    i = conferenced("bob")
    i.invite("alice", "carol", T + 50)
    refused("interaction.conference.not_invited", i.cancel_invitation, "alice", "bob")
    refused("interaction.action_not_allowed", i.leave_conference, "carol")
    refused("interaction.not_yours", i.leave_conference, "dave")


def test_the_owner_leaving_hands_the_chat_to_the_longest_present_member():
    i = in_state(InteractionState.CONNECTED)
    i.invite("alice", "carol", T + 10)
    i.invite("alice", "bob", T + 11)
    i.accept_invitation("bob", T + 12)
    i.accept_invitation("carol", T + 13)
    answered, since = i.answered_at, i.state_since
    assert i.hand_over("alice") == "bob"
    assert (i.agent, i.state, i.answered_at, i.state_since) == ("bob", InteractionState.CONNECTED, answered, since)
    assert [s.username for s in i.members] == ["carol"]
    assert i.hand_over("bob") == "carol"
    assert i.hand_over("carol") is None  # nobody left: the caller ends the chat
    assert i.agent == "carol"


def test_only_the_owner_hands_over():
    i = conferenced("bob")
    refused("interaction.not_yours", i.hand_over, "bob")


def test_seats_survive_a_round_trip_through_the_record():
    i = conferenced("bob")
    i.invite("alice", "carol", T + 60)
    again = Interaction.from_record(i.to_record())
    assert again.conference == i.conference
    assert again.allowed_actions("carol", SALES) == ["pickup", "decline"]


def test_record_without_seats_reads_as_no_conference():
    record = in_state(InteractionState.CONNECTED).to_record()
    del record["conference"]
    assert Interaction.from_record(record).conference == []


def test_end_conference_returns_everyone_and_empties_the_seats():
    i = conferenced("bob")
    i.invite("alice", "carol", T + 70)
    assert [s.username for s in i.end_conference()] == ["bob", "carol"]
    assert i.conference == [] and i.handlers() == ("alice",)
