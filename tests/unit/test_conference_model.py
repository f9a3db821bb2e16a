"""What the console makes of a chat in conference (console.tui.model), without a terminal."""

from __future__ import annotations

from console.tui.model import ConsoleState, conference_line
from console.wire import InteractionView, UserInfo

ME = UserInfo(id="dev", username="dev", name="Dev Desai", role="agent", workgroups=["Support"])


def chat(state: str, my_role: str | None, *, queues: tuple[str, ...] = ("my-interactions",)) -> InteractionView:
    participants = [{"username": "alicia", "name": "Alicia Adams", "role": "owner"}]
    if my_role:
        participants.append({"username": "dev", "name": "Dev Desai", "role": my_role, "since": 5.0})
    return InteractionView.model_validate({
        "id": "9", "type": "chat", "workgroup": "Sales", "state": state, "remote_name": "Vera",
        "remote_address": "", "agent": "alicia", "agent_name": "Alicia Adams", "created_at": 0.0,
        "state_since": 5.0, "queued_at": 0.0, "priority": 0, "language": "", "attributes": {},
        "actions": [], "queues": list(queues), "participants": participants,
    })


def test_an_invitation_alerts_me_though_the_chat_is_someone_else_s():
    state = ConsoleState(user=ME)
    invitation = chat("Alerting", "invited")
    assert state.invited(invitation) and state.alerting_me(invitation)
    assert state.newly_alerting(None, invitation)
    assert not state.has_window(invitation)  # nothing to read before joining


def test_a_member_has_a_window_and_an_outsider_does_not():
    state = ConsoleState(user=ME)
    assert state.has_window(chat("Connected", "member"))
    assert state.conference_role(chat("Connected", "member")) == "member"
    assert not state.has_window(chat("Connected", None, queues=("workgroup:Sales",)))
    assert not state.alerting_me(chat("Connected", "member"))


def test_the_conference_line_names_everyone_and_me_as_you():
    assert conference_line(chat("Connected", "member"), "dev") == "Conference: Alicia Adams (owner) · you"
    assert conference_line(chat("Connected", "invited"), "ben") == "Conference: Alicia Adams (owner) · Dev Desai (invited)"
    assert conference_line(chat("Connected", None), "alicia") == ""  # a chat with one agent is no conference
