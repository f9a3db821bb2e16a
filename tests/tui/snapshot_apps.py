"""Apps for snapshot tests: the real console fed canned events, on a fixed clock.

Nothing here calls ``run()``; ``snap_compare`` runs the apps. The canned stream stands
in for the server so the picture depends on nothing but this file.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, ClassVar

from console.client import AgentClient, ConnectionState
from console.tui.app import CallboardApp
from console.tui.screens import AgentScreen
from console.wire import InteractionDetail, SessionResponse

T0 = 1_767_225_600.0
"""A fixed moment; the app clock stands 95 seconds later."""

USER = {"id": "alicia", "username": "alicia", "name": "Alicia Adams", "role": "agent",
        "workgroups": ["Sales", "Support"]}
STATUSES = [
    {"id": "Available", "label": "Available", "acd_available": True, "selectable": True},
    {"id": "At Lunch", "label": "At Lunch", "acd_available": False, "selectable": True},
    {"id": "ACD - Agent Not Answering", "label": "ACD - Agent Not Answering", "acd_available": False,
     "selectable": False},
]
QUEUES = [
    {"id": "my-interactions", "name": "My Interactions", "kind": "my_interactions"},
    {"id": "workgroup:Sales", "name": "Sales", "kind": "workgroup"},
    {"id": "workgroup:Support", "name": "Support", "kind": "workgroup"},
]


def interaction(number: int, name: str, workgroup: str, state: str, since: float, **extra: Any) -> dict[str, Any]:
    mine = extra.pop("mine", False)
    queues = (["my-interactions"] if mine else []) + [f"workgroup:{workgroup}"]
    return {
        "id": str(1_000_000_000 + number), "type": extra.pop("type", "chat"), "workgroup": workgroup, "state": state,
        "remote_name": name, "remote_address": extra.pop("address", "203.0.113.7"),
        "agent": "alicia" if mine else None, "agent_name": "Alicia Adams" if mine else None,
        "created_at": since, "state_since": since, "queued_at": since, "priority": 0, "language": "en-US",
        "attributes": {}, "visitor_typing": False, "actions": ["pickup"], "queues": queues, **extra,
    }


def callback(number: int, name: str, state: str, since: float, *, telephone: str, subject: str,
             attempts: tuple[float, ...] = (), snoozes: int = 0, snoozed_until: float | None = None,
             **extra: Any) -> dict[str, Any]:
    """A callback request in Sales as the server shows it to Alicia."""
    mine = extra.get("mine", False)
    actions = ["make_call", "complete", "fail", "retry_later", "transfer"] if mine else ["pickup"]
    return interaction(number, name, "Sales", state, since, type="callback", address=telephone, actions=actions,
                       callback={
                           "telephone": telephone, "subject": subject, "snoozes": snoozes,
                           "attempts": [{"at": at, "agent": "alicia", "telephone": telephone} for at in attempts],
                           "snoozed_until": snoozed_until, "snoozed_seconds": 0.0, "outcome": None,
                           "wrap_up_code": None, "retries_allowed": 3, "retries_left": 3 - snoozes,
                           "wrap_up_codes": ["Resolved", "Sale", "No answer"],
                       }, **extra)


def system_line(seq: int, ts: float, text: str) -> dict[str, Any]:
    return {"seq": seq, "ts": ts, "kind": "system", "sender_type": "system", "sender_name": "System",
            "sender_id": "system", "text": text}


CALLBACK_SCENE = [
    callback(4, "Cal Caller", "Connected", T0 + 30, mine=True, telephone="+13175550100",
             subject="Please call me about the double charge on order 4411; I am free until 5 pm.",
             attempts=[T0 + 45], attributes={"order": "4411", "preferred time": "afternoon"}),
    callback(5, "Dana Whitfield", "Snoozed", T0 + 60, telephone="+441632960961",
             subject="Delivery date", attempts=[T0 + 20], snoozes=1, snoozed_until=T0 + 95 + 192),
    interaction(6, "Tom Okafor", "Sales", "Waiting", T0 + 70, address="tom.okafor@example.com"),
]
CALLBACK_HISTORY = [
    system_line(0, T0 + 30, "Alicia Adams picked up the callback."),
    system_line(1, T0 + 45, "Alicia Adams called +13175550100 (attempt 1)."),
]


def canned_frames(interactions: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    interactions = interactions or [
        interaction(1, "Vera Lindqvist", "Sales", "Alerting", T0 + 88, mine=True, address="vera@example.com"),
        interaction(2, "Tom Okafor", "Sales", "Waiting", T0),
        interaction(3, "Priya Raman", "Support", "Waiting", T0 + 83, address="198.51.100.24"),
    ]
    frames = [
        ("session", "snapshot", {"user": USER, "statuses": STATUSES}),
        ("agent.status", "snapshot", {"username": "alicia", "status": "Available", "since": T0, "acd_available": True}),
        ("queues", "snapshot", {"queues": QUEUES, "interactions": interactions}),
    ]
    return [{"seq": n, "topic": t, "kind": k, "ts": T0 + 95, "data": d} for n, (t, k, d) in enumerate(frames, 1)]


def canned_events(interactions: list[dict[str, Any]] | None = None):
    async def events() -> AsyncIterator[dict[str, Any] | ConnectionState]:
        yield ConnectionState(True)
        for frame in canned_frames(interactions):
            yield frame
        await asyncio.Event().wait()  # a quiet server from here on

    return events


class CannedClient(AgentClient):
    """Answers the one question windows ask by themselves (their transcript) from canned data."""

    def __init__(self, interactions: list[dict[str, Any]], transcripts: dict[str, list[dict[str, Any]]]) -> None:
        super().__init__("http://127.0.0.1:9")  # nothing else is ever sent: no action is taken
        self._interactions = {i["id"]: i for i in interactions}
        self._transcripts = transcripts

    async def interaction(self, interaction_id: str) -> InteractionDetail:
        return InteractionDetail.model_validate({**self._interactions[interaction_id],
                                                 "transcript": self._transcripts.get(interaction_id, [])})


class CannedAgentApp(CallboardApp):
    """The console already signed in as Alicia, its events from ``canned_events``."""

    interactions: ClassVar[list[dict[str, Any]] | None] = None
    transcripts: ClassVar[dict[str, list[dict[str, Any]]]] = {}

    def first_screen(self) -> AgentScreen:
        client = CannedClient(self.interactions or [], self.transcripts)
        self._client = client
        session = SessionResponse(token="snapshot", expires_at=T0 + 3600, user=USER)
        return AgentScreen(client, session, events=canned_events(self.interactions), dialer=self.dialer)


class CannedCallbackApp(CannedAgentApp):
    """Alicia on a callback, with another one snoozed in Sales."""

    interactions: ClassVar[list[dict[str, Any]] | None] = CALLBACK_SCENE
    transcripts: ClassVar[dict[str, list[dict[str, Any]]]] = {CALLBACK_SCENE[0]["id"]: CALLBACK_HISTORY}


def agent_screen_app(config_dir: Path) -> CannedAgentApp:
    return CannedAgentApp(config_path=config_dir / "config.toml", clock=lambda: T0 + 95)


def callback_screen_app(config_dir: Path) -> CannedCallbackApp:
    return CannedCallbackApp(config_path=config_dir / "config.toml", clock=lambda: T0 + 95)
