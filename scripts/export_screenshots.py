"""Regenerate the SVG screenshots in ``screenshots/`` (``make screenshots``).

Runs a real server with the demo directory in a temporary folder, sends website
visitors to it over HTTP (chatting, or asking to be called back), and drives the
console with Textual's Pilot, signed in as alicia. Time is scripted: the console's clock and the server's timestamps both read
one ``ScriptedClock`` that moves only when this script says so, and times are shown
in UTC, so every run draws the same pictures.

    .venv/bin/python scripts/export_screenshots.py [--out screenshots]
"""

from __future__ import annotations

import argparse
import asyncio
import calendar
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from textual.widgets import Input

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from console.client.dialer import SimulatedDialer  # noqa: E402
from console.server import (  # noqa: E402
    conference,
    contact_center,
    events,
    idle_visitors,
    queue_statistics,
    supervision,
    visitor_limits,
    web_callbacks,
    web_chats,
)
from console.server.directory import demo_data, load_directory  # noqa: E402
from console.server.library_demo import load_demo_libraries  # noqa: E402
from console.server.runner import ServerThread, free_port  # noqa: E402
from console.server.store import SqliteStore  # noqa: E402
from console.server import desktop_chat  # noqa: E402  (its clock is scripted in desktop_chat_scene)
from console.tui.app import CallboardApp  # noqa: E402
from console.tui.screens import AgentScreen, SupervisorScreen  # noqa: E402
from console.tui.widgets.callback import CallbackWindow  # noqa: E402
from console.tui.dialogs import ConferenceDialog  # noqa: E402
from console.tui.widgets.chat import ChatTabs  # noqa: E402
from console.tui.widgets.chat.transcript import ChatEntry  # noqa: E402
from console.tui.widgets.desktop_chat import DeskConversationTabs  # noqa: E402
from console.tui.widgets.faq import FaqPanel  # noqa: E402
from console.tui.widgets.responses import ResponsesPanel  # noqa: E402
from console.tui.widgets.queue import QueueView  # noqa: E402
from console.tui.widgets.supervisor import ChatMonitor  # noqa: E402
from console.tui.widgets.supervisor.dashboard import WorkgroupTable  # noqa: E402

START = calendar.timegm((2026, 3, 2, 9, 41, 0))
"""Monday 2 March 2026, 09:41:00 UTC: when the story begins."""

PREFERRED_PORT = 8765
SIZE = (100, 32)


class ScriptedClock:
    """Wall-clock time that moves only when told to."""

    def __init__(self, start: float) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class ScriptedTime:
    """Stands in for the ``time`` module inside the server: ``time()`` is scripted."""

    def __init__(self, clock: ScriptedClock) -> None:
        self._clock = clock

    def time(self) -> float:
        return self._clock.now

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)


def script_server_time(clock: ScriptedClock) -> None:
    # The server reads the wall clock through its modules' ``time`` import; pointing those
    # at the scripted clock makes transcript times and state changes reproducible.
    for module in (contact_center, conference, events, web_chats, web_callbacks, queue_statistics, supervision,
                   idle_visitors, visitor_limits):
        module.time = ScriptedTime(clock)  # type: ignore[attr-defined]


class Visitor:
    """A website visitor on the IWT web-chat API."""

    def __init__(self, http: httpx.AsyncClient, name: str) -> None:
        self.http = http
        self.name = name
        self.pid = ""

    async def _post(self, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        response = await self.http.post(f"/websvcs{path}", json=body or {})
        response.raise_for_status()
        return response.json()["chat"]

    async def start(self, workgroup: str, email: str = "") -> None:
        participant: dict[str, Any] = {"name": self.name, "credentials": None}
        body: dict[str, Any] = {"participant": participant, "target": workgroup, "targetType": "Workgroup",
                                "language": "en-US"}
        if email:
            body["emailAddress"] = email
        self.pid = (await self._post("/chat/start", body))["participantID"]

    async def say(self, text: str) -> None:
        await self._post(f"/chat/sendMessage/{self.pid}", {"message": text})

    async def typing(self, value: bool) -> None:
        await self._post(f"/chat/setTypingState/{self.pid}", {"typingIndicator": value})


class CallbackRequester:
    """A website visitor asking to be called back (IWT ``callback/create``)."""

    def __init__(self, http: httpx.AsyncClient, name: str) -> None:
        self.http = http
        self.name = name

    async def request(self, workgroup: str, telephone: str, subject: str, **attributes: str) -> None:
        response = await self.http.post("/websvcs/callback/create", json={
            "target": workgroup, "targettype": "Workgroup", "subject": subject, "language": "en-US",
            "participant": {"name": self.name, "credentials": None, "telephone": telephone},
            "attributes": attributes,
        })
        response.raise_for_status()
        assert response.json()["callback"]["status"] == {"type": "success"}, response.text


async def wait_for(pilot, predicate: Callable[[], Any], what: str, timeout: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout
    while not (value := predicate()):
        if time.monotonic() > deadline:
            raise SystemExit(f"export_screenshots: timed out waiting for {what}")
        await pilot.pause(0.05)
    return value


async def settle(pilot) -> None:
    """Let events land and every duration redraw from the current scripted time."""
    await pilot.pause(0.3)
    if isinstance(pilot.app.screen, AgentScreen):
        pilot.app.screen.query_one(QueueView).tick()
    await pilot.pause(0.1)


async def pick_up(pilot, clock: ScriptedClock, after: float) -> None:
    """Wait for the alert, let ``after`` seconds pass, pick up with the key."""
    screen = pilot.app.screen
    view = await wait_for(pilot, lambda: screen.state.first_alerting(), "an alert")
    clock.advance(after)
    await pilot.press("alt+a")
    await wait_for(pilot, lambda: screen.query_one(ChatTabs).get(view.id), "the chat window")
    await pilot.pause(0.2)


async def reply(pilot, clock: ScriptedClock, text: str, after: float) -> None:
    """Type into the chat in front, as the agent would, and wait until it is sent."""
    window = pilot.app.screen.query_one(ChatTabs).active
    reply_line = window.query_one(Input)
    await wait_for(pilot, lambda: pilot.app.focused is reply_line, "the reply line of the chat in front to have focus")
    clock.advance(after)
    await pilot.press(*text)
    await wait_for(pilot, lambda: window.draft == text, "the typed reply")
    await pilot.press("enter")
    await wait_for(pilot, lambda: not window.draft, "the reply to be sent")


async def make_call(pilot, clock: ScriptedClock, after: float) -> CallbackWindow:
    """Press Make Call in the callback in front and wait for the simulated call to connect."""
    window = pilot.app.screen.query_one(ChatTabs).active
    assert isinstance(window, CallbackWindow)
    clock.advance(after)
    await pilot.press("alt+m")
    await wait_for(pilot, lambda: window.dial_message.endswith("connected"), "the simulated call")
    return window


async def colleague(http: httpx.AsyncClient, username: str, presence: str = "available") -> dict[str, str]:
    """A colleague signed in at their own console and to desktop chat."""
    response = await http.post("/api/v1/session", json={"username": username, "password": "demo"})
    headers = {"Authorization": f"Bearer {response.json()['token']}"}
    (await http.post("/api/v1/desktop-chat/session", headers=headers)).raise_for_status()
    if presence != "available":
        await http.put("/api/v1/desktop-chat/presence", headers=headers, json={"presence": presence})
    return headers


async def desktop_chat_scene(pilot, app: CallboardApp, http: httpx.AsyncClient, clock: ScriptedClock) -> None:
    """Alicia's contact groups; Carmen (away) and Ben ask her things, Ben offers a file and types."""
    desktop_chat.time = ScriptedTime(clock)  # type: ignore[attr-defined]
    desk = "/api/v1/desktop-chat"
    alicia = {"Authorization": f"Bearer {app._client.token}"}
    await pilot.press("f6")
    await pilot.press("f4")
    await pilot.pause(0.2)
    await pilot.press("enter")  # sign in to desktop chat
    await wait_for(pilot, lambda: app.screen.state.my_presence == "available", "desktop chat sign-in")
    for username, display, group in [("ben", None, "Sales team"), ("erin", None, "Sales team"),
                                     ("carmen", None, "Support"), ("sam", "Sam (supervisor)", "Supervisors")]:
        groups = {g["name"]: g["id"] for g in (await http.get(f"{desk}/roster", headers=alicia)).json()["groups"]}
        body = {"username": username, **({"group_id": groups[group]} if group in groups else {"new_group": group})}
        if display:
            body["display_name"] = display
        (await http.post(f"{desk}/contacts", headers=alicia, json=body)).raise_for_status()
    ben, carmen = await colleague(http, "ben"), await colleague(http, "carmen", "away")
    await colleague(http, "sam", "dnd")
    clock.advance(20)
    await http.post(f"{desk}/messages", headers=carmen, json={"to": "alicia", "text": "Could you cover the "
                                                               "Support queue at two? I have training."})
    clock.advance(30)
    await http.post(f"{desk}/messages", headers=ben, json={"to": "alicia", "text": "Hi Alicia, a visitor in "
                                                            "Sales only speaks German. Can you take the chat?"})
    await wait_for(pilot, lambda: app.screen.state.conversations.get("ben"), "Ben's message")
    tabs = app.screen.query_one(DeskConversationTabs)
    tabs.activate("ben")
    window = tabs.get("ben")
    await wait_for(pilot, lambda: app.focused is window.query_one(Input), "Ben's reply line to have focus")
    clock.advance(20)
    text = "Sure, transfer it to me. Do you have notes from the visitor?"
    await pilot.press(*text)
    await wait_for(pilot, lambda: window.draft == text, "the typed reply")
    await pilot.press("enter")
    await wait_for(pilot, lambda: not window.draft, "the reply to be sent")
    clock.advance(25)
    await http.post(f"{desk}/attachments", params={"to": "alicia", "name": "visitor notes.txt"},
                    content=b"Order 4411, wants delivery to Hamburg.\n" * 50, headers=ben)
    await http.post(f"{desk}/typing", headers=ben, json={"to": "alicia", "typing": True})
    clock.advance(10)
    await http.post(f"{desk}/messages", headers=carmen, json={"to": "alicia", "text": "And lunch at one?"})
    await wait_for(pilot, lambda: app.screen.state.unread == 1, "Carmen's unread message")
    await settle(pilot)
    app.clear_notifications()
    await pilot.pause(0.2)


async def conference_scene(pilot, app: CallboardApp, http: httpx.AsyncClient, clock: ScriptedClock) -> None:
    """Alicia invites Dev into Priya's chat; Dev joins and answers."""
    chats = app.screen.query_one(ChatTabs)
    window = next(w for w in chats.windows if w.view.remote_name == "Priya Raman")
    chats.activate(window.interaction_id)
    dev = await colleague(http, "dev")
    clock.advance(15)
    await pilot.press("alt+c", "alt+i")
    dialog = await wait_for(pilot, lambda: isinstance(app.screen, ConferenceDialog) and app.screen,
                            "the Conference dialog")
    targets = dialog.query_one("#targets")

    def options() -> list[str | None]:
        return [targets.get_option_at_index(i).id for i in range(targets.option_count)]

    await wait_for(pilot, lambda: "agent:dev" in options(), "Dev in the dialog")
    targets.highlighted = options().index("agent:dev")
    await pilot.press("enter")
    invitation = None
    for _ in range(100):
        mine = (await http.get("/api/v1/queues/my-interactions/interactions", headers=dev)).json()
        invitation = next((i for i in mine if i["state"] == "Alerting"), None)
        if invitation:
            break
        await pilot.pause(0.05)
    assert invitation is not None, "Dev was not invited"
    clock.advance(9)
    (await http.post(f"/api/v1/interactions/{invitation['id']}/pickup", headers=dev)).raise_for_status()
    clock.advance(14)
    text = "Hi Priya, Dev from the firmware team. Hold the power button for 10 seconds: it starts recovery."
    (await http.post(f"/api/v1/interactions/{invitation['id']}/messages", json={"text": text},
                     headers=dev)).raise_for_status()
    await wait_for(pilot, lambda: any(e.entry.text == text for e in window.query(ChatEntry)), "Dev's message")
    await settle(pilot)
    app.clear_notifications()
    await pilot.pause(0.2)


async def export(out: Path, data_dir: Path) -> list[str]:
    clock = ScriptedClock(START)
    script_server_time(clock)
    store = SqliteStore(data_dir / "callboard.sqlite3")
    load_directory(store, demo_data())
    load_demo_libraries(store)
    store.close()
    try:
        server = ServerThread(data_dir, port=PREFERRED_PORT).start()
    except (OSError, SystemExit, RuntimeError):
        print(f"port {PREFERRED_PORT} is busy: the server address in the pictures will differ", file=sys.stderr)
        server = ServerThread(data_dir, port=free_port()).start()
    written: list[str] = []

    def shoot(app: CallboardApp, name: str) -> None:
        for line in app.screen.query(Input):
            line.cursor_blink = False  # a blinking cursor would differ from run to run
        app.save_screenshot(name, str(out))
        written.append(name)

    config = data_dir / "config" / "config.toml"
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=10) as http:
            # The sign-in screen as an agent finds it in the morning.
            login = CallboardApp(server_url=server.url, config_path=config, clock=clock)
            async with login.run_test(size=SIZE) as pilot:
                await pilot.press(*"alicia")
                await settle(pilot)
                shoot(login, "login.svg")

            app = CallboardApp(server.url, "alicia", "demo", config_path=config, clock=clock,
                               dialer=SimulatedDialer(ring_seconds=0.05))
            async with app.run_test(size=SIZE, notifications=True) as pilot:
                await wait_for(pilot, lambda: isinstance(app.screen, AgentScreen), "the agent screen")
                tom, priya, vera, zoe = (Visitor(http, n) for n in ("Tom Okafor", "Priya Raman", "Vera Lindqvist",
                                                                     "Zoe Martin"))
                clock.advance(5)
                await tom.start("Sales", "tom.okafor@example.com")
                await tom.say("Hi, do you ship to Norway?")
                await pick_up(pilot, clock, after=6)
                await reply(pilot, clock, "Hi Tom! Yes, we ship everywhere in Scandinavia.", after=9)

                clock.advance(12)
                await priya.start("Support", "priya@example.org")
                await priya.say("My gadget won't turn on after the update.")
                await pick_up(pilot, clock, after=7)
                await reply(pilot, clock, "Sorry about that, Priya. Which model is it?", after=11)

                clock.advance(30)
                await tom.say("Great. How long does delivery take?")
                clock.advance(25)
                await vera.start("Sales", "vera.lindqvist@example.com")
                await vera.say("Hello! I have a question about my invoice.")
                await wait_for(pilot, lambda: app.screen.state.first_alerting(), "Vera's alert")
                clock.advance(4)
                await settle(pilot)
                shoot(app, "agent-queue.svg")

                # Vera's conversation, with a fourth visitor waiting in Support meanwhile.
                await pick_up(pilot, clock, after=2)
                await reply(pilot, clock, "Hi Vera, I'm Alicia. Happy to help with your invoice.", after=6)
                clock.advance(3)
                await zoe.start("Support", "zoe.m@example.net")
                clock.advance(15)
                await vera.say("It shows two charges for order 4411, but I only ordered once.")
                await reply(pilot, clock, "Let me look at order 4411 for you.", after=10)
                clock.advance(20)
                await vera.say("Thank you! I can send a screenshot of my bank statement if needed.")
                await vera.typing(True)
                clock.advance(50)
                queues = app.screen.query_one(QueueView)
                queues.switch(2)  # the Support tab: Zoe has waited past the service-level goal
                app.screen.query_one(ChatTabs).activate(app.screen.query_one(ChatTabs).windows[-1].interaction_id)
                await settle(pilot)
                app.clear_notifications()
                await pilot.pause(0.2)
                shoot(app, "agent-chat.svg")

                app.theme = "callboard-light"
                await settle(pilot)
                shoot(app, "agent-chat-light.svg")
                app.theme = "callboard-dark"

                await pilot.resize_terminal(80, 24)
                await settle(pilot)
                shoot(app, "agent-80x24.svg")

                await pilot.resize_terminal(*SIZE)
                await desktop_chat_scene(pilot, app, http, clock)
                shoot(app, "desktop-chat.svg")
                await pilot.press("f6")  # back to the queues

                # The sidebars beside Vera's chat: the e-FAQ has her answer, Responses the words.
                await pilot.resize_terminal(*SIZE)
                window = app.screen.query_one(ChatTabs).active
                await pilot.press("alt+c", "f4", *"charged twice")
                faq = await wait_for(pilot, lambda: window.query(FaqPanel).first(None), "the e-FAQ sidebar")
                await wait_for(pilot, lambda: faq.results, "e-FAQ results")
                await pilot.press("down", "enter")
                await settle(pilot)
                app.clear_notifications()
                shoot(app, "agent-faq.svg")
                await pilot.press("f3", *"invoice")
                responses = await wait_for(pilot, lambda: window.query(ResponsesPanel).first(None), "the sidebar")
                await wait_for(pilot, lambda: responses.results, "response search results")
                await pilot.press("down")
                await settle(pilot)
                shoot(app, "agent-responses.svg")
                await pilot.press("f3")  # closes it again

                # Priya's gadget needs the firmware expert: Alicia brings Dev into the chat.
                await conference_scene(pilot, app, http, clock)
                shoot(app, "agent-conference.svg")

                # Callbacks: Dana could not be reached and sleeps in Sales; Alicia calls Cal.
                await vera.typing(False)
                dana, cal = CallbackRequester(http, "Dana Whitfield"), CallbackRequester(http, "Cal Caller")
                clock.advance(20)
                await dana.request("Sales", "+44 1632 960961", "When will my order 4420 be delivered?")
                await pick_up(pilot, clock, after=5)
                await make_call(pilot, clock, after=4)
                clock.advance(35)
                await pilot.press("alt+r")
                await wait_for(pilot, lambda: all(w.view.remote_name != "Dana Whitfield"
                                                  for w in app.screen.query_one(ChatTabs).windows),
                               "Dana's callback to be snoozed")
                clock.advance(8)
                await cal.request("Sales", "+1 (317) 555-0100",
                                  "Please call me about the double charge on order 4411. I am free until 5 pm; "
                                  "the card ending 0042 was charged twice on 28 February.",
                                  order="4411", customer="C-20931")
                await pick_up(pilot, clock, after=6)
                await make_call(pilot, clock, after=5)
                clock.advance(27)
                app.screen.query_one(QueueView).show_queue("workgroup:Sales")  # Dana's callback counts down
                await pilot.press("alt+c")
                await settle(pilot)
                app.clear_notifications()
                await pilot.pause(0.2)
                shoot(app, "agent-callback.svg")

            # The supervisor's morning: Sam watches the queues fill while Alicia is busy.
            sam = CallboardApp(server.url, "sam", "demo", config_path=config, clock=clock)
            async with sam.run_test(size=SIZE) as pilot:
                await wait_for(pilot, lambda: isinstance(sam.screen, SupervisorScreen)
                               and len(sam.screen.supervision.stats) == 3, "the supervisor's figures")
                ben = await http.post("/api/v1/session", json={"username": "ben", "password": "demo"})
                await http.put("/api/v1/agents/me/status", json={"status": "At Lunch"},
                               headers={"Authorization": f"Bearer {ben.json()['token']}"})
                arrivals = ["Nora Quist", "Omar Haddad", "Lena Berg", "Ivan Petrov", "Mia Chen", "Raj Patel",
                            "Sofia Rossi", "Jonas Weber"]
                for n, name in enumerate(arrivals):
                    await Visitor(http, name).start("Sales" if n % 3 else "Billing")
                    for _ in range(2):
                        clock.advance(20)
                        await pilot.pause(1.1)  # the server samples the trend once a second
                screen = sam.screen
                table = screen.query_one(WorkgroupTable)
                table.focus()
                table.move_cursor(row=table.get_row_index("Sales"))
                await settle(pilot)
                shoot(sam, "supervisor-queues.svg")
                await pilot.press("alt+2")
                await settle(pilot)
                shoot(sam, "supervisor-team.svg")
                queues = screen.query_one(QueueView)
                await pilot.press("alt+3")
                queues.show_queue("workgroup:Sales")
                await settle(pilot)
                rows = queues.active_table
                vera_id = next(v.id for v in screen.console.interactions.values() if v.remote_name == "Vera Lindqvist")
                rows.focus()
                rows.move_cursor(row=rows.get_row_index(vera_id))
                await pilot.press("enter")
                await wait_for(pilot, lambda: screen.query_one(ChatMonitor).mode == "monitor", "monitoring Vera")
                await pilot.press("alt+o")
                await wait_for(pilot, lambda: screen.query_one(ChatMonitor).mode == "coach", "coaching Alicia")
                clock.advance(10)
                await screen.calls.send(vera_id, "Offer Vera the refund for the duplicate charge right away.")
                await settle(pilot)
                shoot(sam, "supervisor-coach.svg")
                await pilot.press("alt+1")
                await pilot.resize_terminal(80, 24)
                await settle(pilot)
                shoot(sam, "supervisor-80x24.svg")
    finally:
        server.stop()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots", help="where the SVG files go")
    args = parser.parse_args()
    os.environ["TZ"] = "UTC"
    time.tzset()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="callboard-screenshots-") as tmp:
        written = asyncio.run(export(args.out, Path(tmp)))
    for name in written:
        print(args.out / name)


if __name__ == "__main__":
    main()
