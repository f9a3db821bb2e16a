"""Conference from the console: inviting a colleague from the chat window, and being invited.

The console drives one agent; the colleague on the other side of the conference is a
second agent speaking the agent API over HTTP, as their own console would.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from console.server.runner import ServerThread
from console.tui.dialogs import ConferenceDialog, ConfirmDialog
from console.tui.screens import AgentScreen
from console.tui.widgets.chat import ChatTabs, ChatWindow
from console.tui.widgets.chat.transcript import ChatEntry
from tests.tui.conftest import CountingBells, WebVisitor, toasts, wait_for

pytestmark = pytest.mark.tui


class Colleague:
    """Another agent, signed in over the agent API."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http
        self.headers: dict[str, str] = {}

    async def sign_in(self, username: str, status: str | None = None) -> Colleague:
        r = await self.http.post("/api/v1/session", json={"username": username, "password": "demo"})
        self.headers = {"Authorization": f"Bearer {r.json()['token']}"}
        if status:
            await self.http.put("/api/v1/agents/me/status", json={"status": status}, headers=self.headers)
        return self

    async def mine(self) -> list[dict[str, Any]]:
        r = await self.http.get("/api/v1/queues/my-interactions/interactions", headers=self.headers)
        return r.json()

    async def act(self, iid: str, action: str, **body: str) -> dict[str, Any]:
        r = await self.http.post(f"/api/v1/interactions/{iid}/{action}", json=body or None, headers=self.headers)
        assert r.status_code == 200, r.text
        return r.json()

    async def say(self, iid: str, text: str) -> None:
        r = await self.http.post(f"/api/v1/interactions/{iid}/messages", json={"text": text}, headers=self.headers)
        assert r.status_code == 201, r.text

    async def transcript(self, iid: str) -> list[str]:
        r = await self.http.get(f"/api/v1/interactions/{iid}", headers=self.headers)
        return [e["text"] for e in r.json()["transcript"]]


def lines(window: ChatWindow) -> list[tuple[str, str]]:
    return [(e.entry.sender_name, e.entry.text) for e in window.query(ChatEntry)]


async def choose(pilot, app, option_id: str, absent: tuple[str, ...] = ()) -> None:
    """Open the Conference dialog and pick ``option_id``; ``absent`` must not be offered."""
    await pilot.press("alt+i")
    dialog = await wait_for(pilot, lambda: isinstance(app.screen, ConferenceDialog) and app.screen)
    targets = dialog.query_one("#targets")

    def ids() -> list[str | None]:
        return [targets.get_option_at_index(i).id for i in range(targets.option_count)]

    await wait_for(pilot, lambda: option_id in ids(), what=f"{option_id} in the dialog")
    assert not set(absent) & set(ids())
    targets.highlighted = ids().index(option_id)
    await pilot.press("enter")


def conference_text(window: ChatWindow) -> str:
    return str(window.query_one("#chat-conference").render())


async def test_agent_invites_a_colleague_from_the_chat_window_and_both_see_every_message(
    demo_server: ServerThread, visitor_http: httpx.AsyncClient, config_file: Path
):
    app = CountingBells(demo_server.url, "alicia", "demo", config_path=config_file)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_for(pilot, lambda: isinstance(app.screen, AgentScreen) and app.screen)
        chats = screen.query_one(ChatTabs)
        vera = WebVisitor(visitor_http, "Vera")
        await vera.start("Sales")
        await wait_for(pilot, screen.state.first_alerting, what="the alert")
        await pilot.press("alt+a")
        window = await wait_for(pilot, lambda: chats.active, what="the chat window")
        await wait_for(pilot, lambda: "conference" in window.view.actions, what="the Conference action")
        ben = await Colleague(visitor_http).sign_in("ben", "Do Not Disturb")

        await pilot.press("alt+i")
        dialog = await wait_for(pilot, lambda: isinstance(app.screen, ConferenceDialog) and app.screen)
        targets = dialog.query_one("#targets")
        await wait_for(pilot, lambda: targets.option_count > 2, what="the colleagues")
        ids = [targets.get_option_at_index(i).id for i in range(targets.option_count)]
        assert "agent:alicia" not in ids and not any(str(i).startswith("workgroup:") for i in ids)
        targets.highlighted = ids.index("agent:ben")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "(invited)" in conference_text(window), what="the invitation in the header")
        assert conference_text(window) == "Conference: you (owner) · Ben Brooks (invited)"

        alerting: list[dict[str, Any]] = []

        async def ben_alerted() -> bool:
            alerting[:] = [i for i in await ben.mine() if i["state"] == "Alerting"]
            return bool(alerting)

        for _ in range(100):
            if await ben_alerted():
                break
            await pilot.pause(0.05)
        [invite] = alerting
        await ben.act(invite["id"], "pickup")
        await wait_for(pilot, lambda: conference_text(window) == "Conference: you (owner) · Ben Brooks",
                       what="Ben in the conference")

        await ben.say(invite["id"], "Ben from Sales here")
        await wait_for(pilot, lambda: ("Ben Brooks", "Ben from Sales here") in lines(window), what="Ben's message")
        await pilot.click("#chat-input")
        await pilot.press(*"Thanks Ben", "enter")
        await wait_for(pilot, lambda: ("Alicia Adams", "Thanks Ben") in lines(window), what="the reply")
        assert "Thanks Ben" in await ben.transcript(invite["id"])
        await vera.poll()
        assert vera.agent_texts()[-2:] == ["Ben from Sales here", "Thanks Ben"]

        # A second invitation, withdrawn from the same dialog before it is answered.
        await Colleague(visitor_http).sign_in("carmen", "Do Not Disturb")
        await choose(pilot, app, "agent:carmen", absent=("agent:ben",))
        await wait_for(pilot, lambda: conference_text(window).endswith("Carmen Cruz (invited)"),
                       what="Carmen invited")
        await choose(pilot, app, "cancel:carmen", absent=("agent:carmen",))
        await wait_for(pilot, lambda: conference_text(window) == "Conference: you (owner) · Ben Brooks",
                       what="the invitation withdrawn")


async def test_an_invited_agent_is_alerted_joins_with_the_pickup_key_and_leaves(
    demo_server: ServerThread, visitor_http: httpx.AsyncClient, config_file: Path
):
    alicia = await Colleague(visitor_http).sign_in("alicia")
    vera = WebVisitor(visitor_http, "Vera")
    await vera.start("Sales")
    app = CountingBells(demo_server.url, "dev", "demo", config_path=config_file)  # Support: no Sales chats
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await wait_for(pilot, lambda: isinstance(app.screen, AgentScreen) and app.screen)
        chats = screen.query_one(ChatTabs)
        mine: list[dict[str, Any]] = []
        for _ in range(100):
            mine = await alicia.mine()
            if mine:
                break
            await pilot.pause(0.05)
        iid = mine[0]["id"]
        await alicia.act(iid, "pickup")
        await alicia.act(iid, "conference", agent="dev")

        await wait_for(pilot, lambda: screen.state.invited(screen.state.first_alerting()), what="the invitation")
        await wait_for(pilot, lambda: any("Alicia Adams invites you into the chat with Vera" in t for t in toasts(app)),
                       what="the invitation's notification")
        assert app.bells == 1
        assert chats.get(iid) is None  # nothing to read before joining
        await pilot.press("alt+a")
        window = await wait_for(pilot, lambda: chats.get(iid), what="the chat window")
        await wait_for(pilot, lambda: conference_text(window) == "Conference: Alicia Adams (owner) · you",
                       what="the conference line")
        assert window.view.actions == ["disconnect"]

        await alicia.say(iid, "Dev knows the answer")
        await wait_for(pilot, lambda: ("Alicia Adams", "Dev knows the answer") in lines(window), what="the owner's message")
        await vera.say("Hello Dev")
        await wait_for(pilot, lambda: ("Vera", "Hello Dev") in lines(window), what="the visitor's message")
        await pilot.click("#chat-input")
        await pilot.press(*"Hi Vera", "enter")
        await wait_for(pilot, lambda: ("Dev Desai", "Hi Vera") in lines(window), what="the member's reply")
        await vera.poll()
        assert "Hi Vera" in vera.agent_texts()

        await pilot.press("alt+d")
        confirm = await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog) and app.screen)
        assert "goes on with Alicia Adams" in str(confirm.query_one("#question").render())
        await pilot.press("y")
        await wait_for(pilot, lambda: chats.get(iid) is None, what="the window to close")
        transcript = await alicia.transcript(iid)
        assert transcript[-1] == "Dev Desai has left the conversation."
