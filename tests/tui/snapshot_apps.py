"""Apps for snapshot tests: the real console fed canned events, on a fixed clock.

Nothing here calls ``run()``; ``snap_compare`` runs the apps. The canned stream stands
in for the server so the picture depends on nothing but this file.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from console.client import AgentClient, ConnectionState
from console.tui.app import CallboardApp
from console.tui.screens import AgentScreen
from console.wire import SessionResponse

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
        "id": str(1_000_000_000 + number), "type": "chat", "workgroup": workgroup, "state": state,
        "remote_name": name, "remote_address": extra.pop("address", "203.0.113.7"),
        "agent": "alicia" if mine else None, "agent_name": "Alicia Adams" if mine else None,
        "created_at": since, "state_since": since, "queued_at": since, "priority": 0, "language": "en-US",
        "attributes": {}, "visitor_typing": False, "actions": ["pickup"], "queues": queues, **extra,
    }


def canned_frames() -> list[dict[str, Any]]:
    interactions = [
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


async def canned_events() -> AsyncIterator[dict[str, Any] | ConnectionState]:
    yield ConnectionState(True)
    for frame in canned_frames():
        yield frame
    await asyncio.Event().wait()  # a quiet server from here on


class CannedAgentApp(CallboardApp):
    """The console already signed in as Alicia, its events from ``canned_events``."""

    def first_screen(self) -> AgentScreen:
        client = AgentClient("http://127.0.0.1:9")  # never called: no action is taken
        self._client = client
        session = SessionResponse(token="snapshot", expires_at=T0 + 3600, user=USER)
        return AgentScreen(client, session, events=canned_events)


def agent_screen_app(config_dir: Path) -> CannedAgentApp:
    return CannedAgentApp(config_path=config_dir / "config.toml", clock=lambda: T0 + 95)
