"""Snapshot app of desktop chat: the real console fed canned events, on a fixed clock.

Like ``snapshot_apps``: nothing here calls ``run()``, and the canned stream (a
``desk.session`` snapshot after the contact center's) stands in for the server.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from console.client import ConnectionState
from console.tui.screens import AgentScreen
from console.wire import SessionResponse
from tests.tui.snapshot_apps import T0, USER, CannedAgentApp, CannedClient, canned_frames, interaction



def desk_contact(username: str, name: str, presence: str, display_name: str | None = None) -> dict[str, Any]:
    return {"username": username, "name": name, "display_name": display_name or name, "presence": presence}


DESK_SNAPSHOT = {
    "me": {"username": "alicia", "name": "Alicia Adams", "signed_in": True, "presence": "available"},
    "roster": {
        "groups": [
            {"id": 1, "name": "Sales team", "contacts": [desk_contact("ben", "Ben Brooks", "available"),
                                                         desk_contact("erin", "Erin Ellis", "offline")]},
            {"id": 2, "name": "Supervisors", "contacts": [desk_contact("sam", "Sam Sutherland", "dnd",
                                                                       "Sam (supervisor)")]},
        ],
        "recent": [
            {**desk_contact("ben", "Ben Brooks", "available"), "last_at": T0 + 60},
            {**desk_contact("carmen", "Carmen Cruz", "away"), "last_at": T0 + 30},
        ],
    },
    "policy": {"max_bytes": 5 * 1024 * 1024, "allowed_types": [".pdf", ".txt", ".png"]},
}


def desk_message(number: int, sender: str, to: str, at: float, text: str, file: dict | None = None) -> dict[str, Any]:
    names = {"alicia": "Alicia Adams", "ben": "Ben Brooks", "carmen": "Carmen Cruz"}
    return {"id": number, "from": sender, "from_name": names[sender], "to": to, "to_name": names[to], "ts": at,
            "kind": "file" if file else "text", "text": text, "file": file}


DESK_HISTORY = [
    desk_message(1, "carmen", "alicia", T0 + 30, "Could you cover the Support queue at two?"),
    desk_message(2, "alicia", "carmen", T0 + 40, "Yes, from two to three."),
    desk_message(3, "ben", "alicia", T0 + 50, "Hi Alicia, can you take a German-speaking visitor in Sales?"),
    desk_message(4, "alicia", "ben", T0 + 55, "Sure, transfer the chat to me."),
    desk_message(5, "ben", "alicia", T0 + 60, "visitor notes.txt",
                 {"name": "visitor notes.txt", "size": 2048, "state": "offered"}),
]
DESK_LATER = desk_message(6, "carmen", "alicia", T0 + 90, "Thanks! Lunch at one?")
"""Arrives while Ben's conversation is in front: Carmen's tab counts it unread."""


class DeskCannedClient(CannedClient):
    """Also answers desktop chat's one question of its own: the session's messages."""

    async def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        if method == "GET" and path.startswith("/desktop-chat/messages"):
            return DESK_HISTORY if path.endswith("after=0") else []
        raise AssertionError(f"the snapshot app takes no action: {method} {path}")


def canned_desk_events():
    async def events() -> AsyncIterator[dict[str, Any] | ConnectionState]:
        yield ConnectionState(True)
        frames = canned_frames([interaction(2, "Tom Okafor", "Sales", "Waiting", T0)])
        for frame in frames:
            yield frame
        yield {"seq": len(frames) + 1, "topic": "desk.session", "kind": "snapshot", "ts": T0 + 95,
               "data": DESK_SNAPSHOT}
        await asyncio.Event().wait()

    return events


class CannedDeskApp(CannedAgentApp):
    """Alicia on desktop chat: her groups, Ben offering a file, Carmen in another tab."""

    def first_screen(self) -> AgentScreen:
        client = DeskCannedClient([], {})
        self._client = client
        session = SessionResponse(token="snapshot", expires_at=T0 + 3600, user=USER)
        return AgentScreen(client, session, events=canned_desk_events(), dialer=self.dialer)


def desk_screen_app(config_dir: Path) -> CannedDeskApp:
    return CannedDeskApp(config_path=config_dir / "config.toml", clock=lambda: T0 + 95)
