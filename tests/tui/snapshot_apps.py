"""Apps for snapshot tests: the real console fed canned events, on a fixed clock.

Nothing here calls ``run()``; ``snap_compare`` runs the apps. The canned stream stands
in for the server so the picture depends on nothing but this file.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, ClassVar

from textual import events

from console.client import AgentClient, ConnectionState
from console.tui.app import CallboardApp
from console.tui.screens import AgentScreen, SupervisorScreen
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


class SteadyCursorApp(CallboardApp):
    """The console with cursors that do not blink: a blinking one is drawn on or off by chance."""

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if hasattr(event.widget, "cursor_blink"):
            event.widget.cursor_blink = False


class CannedAgentApp(SteadyCursorApp):
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


CONFERENCE_CHAT = interaction(
    9, "Vera Lindqvist", "Sales", "Connected", T0 + 40, mine=True, address="vera@example.com",
    actions=["hold", "conference", "cancel_invitation", "disconnect"],
    participants=[
        {"username": "alicia", "name": "Alicia Adams", "role": "owner", "since": None},
        {"username": "ben", "name": "Ben Brooks", "role": "member", "since": T0 + 70},
        {"username": "dev", "name": "Dev Desai", "role": "invited", "since": T0 + 90},
    ],
)
CONFERENCE_HISTORY = [
    {"seq": 0, "ts": T0 + 30, "kind": "text", "sender_type": "visitor", "sender_name": "Vera Lindqvist",
     "sender_id": "visitor", "text": "My invoice shows the wrong VAT number."},
    system_line(1, T0 + 40, "Alicia Adams has joined the conversation."),
    system_line(2, T0 + 60, "Alicia Adams invited Ben Brooks to a conference."),
    system_line(3, T0 + 70, "Ben Brooks has joined the conversation."),
    {"seq": 4, "ts": T0 + 80, "kind": "text", "sender_type": "agent", "sender_name": "Ben Brooks",
     "sender_id": "ben", "text": "Hi Vera, I look after invoices: I can correct it now."},
    system_line(5, T0 + 90, "Alicia Adams invited Dev Desai to a conference."),
]


class CannedConferenceApp(CannedAgentApp):
    """Alicia's chat with Vera: Ben in the conference, Dev invited."""

    interactions: ClassVar[list[dict[str, Any]] | None] = [CONFERENCE_CHAT]
    transcripts: ClassVar[dict[str, list[dict[str, Any]]]] = {CONFERENCE_CHAT["id"]: CONFERENCE_HISTORY}


def conference_app(config_dir: Path) -> CannedConferenceApp:
    return CannedConferenceApp(config_path=config_dir / "config.toml", clock=lambda: T0 + 95)


def agent_screen_app(config_dir: Path) -> CannedAgentApp:
    return CannedAgentApp(config_path=config_dir / "config.toml", clock=lambda: T0 + 95)


def callback_screen_app(config_dir: Path) -> CannedCallbackApp:
    return CannedCallbackApp(config_path=config_dir / "config.toml", clock=lambda: T0 + 95)


# -- the supervisor -------------------------------------------------------------------------

SUPERVISOR = {"id": "sam", "username": "sam", "name": "Sam Sutherland", "role": "supervisor",
              "workgroups": ["Billing", "Sales", "Support"]}


def period(offered: int, answered: int, abandoned: int, within: int, asa: float, aht: float, longest: float,
           level: float | None, start: float) -> dict[str, Any]:
    return {"start": start, "offered": offered, "answered": answered, "abandoned": abandoned,
            "answered_within": within, "average_speed_of_answer": asa, "average_handle_time": aht,
            "longest_handle_time": longest, "service_level": level}


def workgroup_stats(name: str, *, waiting: int, callbacks: int, snoozed: int, oldest: float | None,
                    agents: tuple[int, int, int], interval: dict[str, Any], today: dict[str, Any],
                    goal: tuple[float, float, str], forecast: dict[str, Any], trend: list[tuple[int, float]]
                    ) -> dict[str, Any]:
    return {
        "workgroup": name, "at": T0 + 95,
        "goal": {"threshold": goal[0], "target": goal[1], "abandon_treatment": goal[2]},
        "now": {"waiting_chats": waiting, "waiting_callbacks": callbacks, "snoozed_callbacks": snoozed,
                "in_progress": agents[1], "oldest_waiting_since": oldest,
                "longest_wait": None if oldest is None else T0 + 95 - oldest,
                "agents": {"logged_in": sum(agents), "available": agents[0], "busy": agents[1],
                           "not_available": agents[2]}},
        "interval": interval, "today": today, "forecast": forecast,
        "trend": {"step": 60.0, "last_at": T0 + 60, "waiting": [w for w, _s in trend],
                  "service_level": [s for _w, s in trend]},
    }


def supervisor_frames() -> list[dict[str, Any]]:
    start = T0 - 900
    sales = workgroup_stats(
        "Sales", waiting=4, callbacks=1, snoozed=1, oldest=T0 + 95 - 48, agents=(1, 3, 1),
        interval=period(23, 19, 2, 15, 14.2, 251.0, 640.0, 15 / 21, start),
        today=period(187, 170, 9, 151, 11.8, 236.0, 1205.0, 151 / 179, T0 - 36000),
        goal=(20, 0.8, "against"),
        forecast={"arrivals_per_hour": 46, "average_handle_time": 236.0, "agents": 4, "traffic": 3.02,
                  "probability_of_waiting": 0.56, "average_speed_of_answer": 134.0, "service_level": 0.53,
                  "agents_needed": 6},
        trend=[(w, s) for w, s in zip([1, 1, 2, 2, 3, 2, 1, 0, 1, 2, 3, 4, 5, 4, 4, 3, 4, 5, 4, 4] * 3,
                                      [0.9, 0.88, 0.86, 0.84, 0.8, 0.78, 0.8, 0.82, 0.8, 0.77] * 6)],
    )
    support = workgroup_stats(
        "Support", waiting=0, callbacks=0, snoozed=0, oldest=None, agents=(2, 1, 0),
        interval=period(9, 9, 0, 9, 6.0, 312.0, 702.0, 1.0, start),
        today=period(88, 85, 3, 80, 9.1, 298.0, 1502.0, 80 / 85, T0 - 36000),
        goal=(30, 0.8, "ignore"),
        forecast={"arrivals_per_hour": 18, "average_handle_time": 298.0, "agents": 3, "traffic": 1.49,
                  "probability_of_waiting": 0.22, "average_speed_of_answer": 43.0, "service_level": 0.88,
                  "agents_needed": 3},
        trend=[(0, 1.0)] * 60,
    )
    billing = workgroup_stats(
        "Billing", waiting=1, callbacks=0, snoozed=0, oldest=T0 + 95 - 71, agents=(0, 1, 1),
        interval=period(4, 3, 0, 3, 22.0, 410.0, 655.0, 1.0, start),
        today=period(31, 29, 1, 27, 18.0, 388.0, 990.0, 28 / 30, T0 - 36000),
        goal=(60, 0.9, "favour"),
        forecast={"arrivals_per_hour": 8, "average_handle_time": 388.0, "agents": 1, "traffic": 0.86,
                  "probability_of_waiting": 0.86, "average_speed_of_answer": 2383.0, "service_level": 0.22,
                  "agents_needed": 3},
        trend=[(i % 3, 0.95) for i in range(60)],
    )

    def member(username: str, name: str, status: str, since: float, *, available: bool, signed_in: bool = True,
               presence: str | None = "available", handling: list[tuple[str, str, float]] = (),
               pending: str | None = None) -> dict[str, Any]:
        return {"username": username, "name": name, "role": "agent", "workgroups": ["Sales"], "status": status,
                "status_since": since, "acd_available": available, "signed_in": signed_in, "presence": presence,
                "sign_out_pending": pending,
                "interactions": [{"id": f"10000000{n}", "type": "chat", "state": "Connected", "workgroup": "Sales",
                                  "remote_name": who, "since": at, "answered_at": at}
                                 for n, (who, _kind, at) in enumerate(handling)]}

    team = [
        member("alicia", "Alicia Adams", "Available", T0 - 1400, available=True,
               handling=[("Vera Lindqvist", "chat", T0 - 130), ("Tom Okafor", "chat", T0 + 40)]),
        member("ben", "Ben Brooks", "At Lunch", T0 - 600, available=False, presence="away"),
        member("carmen", "Carmen Cruz", "Available", T0 - 200, available=True,
               handling=[("Priya Raman", "chat", T0 - 20)], pending="Sam Sutherland"),
        member("dev", "Dev Desai", "Available", T0 + 30, available=True, presence="dnd"),
        member("erin", "Erin Ellis", "Gone Home", T0 - 9000, available=False, signed_in=False, presence="offline"),
    ]
    frames = [
        ("session", "snapshot", {"user": SUPERVISOR, "statuses": STATUSES}),
        ("agent.status", "snapshot", {"username": "sam", "status": "Available", "since": T0, "acd_available": True}),
        ("queues", "snapshot", {"queues": QUEUES, "interactions": []}),
        ("stats", "snapshot", {"workgroups": [billing, sales, support]}),
        ("team", "snapshot", {"agents": team}),
    ]
    return [{"seq": n, "topic": t, "kind": k, "ts": T0 + 95, "data": d} for n, (t, k, d) in enumerate(frames, 1)]


def canned_supervisor_events():
    async def events() -> AsyncIterator[dict[str, Any] | ConnectionState]:
        yield ConnectionState(True)
        for frame in supervisor_frames():
            yield frame
        await asyncio.Event().wait()

    return events


class CannedSupervisorApp(SteadyCursorApp):
    """The console signed in as Sam, a supervisor of three busy workgroups."""

    def first_screen(self) -> SupervisorScreen:
        client = AgentClient("http://127.0.0.1:9")
        self._client = client
        session = SessionResponse(token="snapshot", expires_at=T0 + 3600, user=SUPERVISOR)
        return SupervisorScreen(client, session, events=canned_supervisor_events())


def supervisor_screen_app(config_dir: Path) -> CannedSupervisorApp:
    return CannedSupervisorApp(config_path=config_dir / "config.toml", clock=lambda: T0 + 95)


# -- the chat sidebars (Responses and e-FAQ) ---------------------------------------------------------
def canned_response(rid: int, library: int, title: str, body: str = "", *, kind: str = "message",
                    category: int | None = None, shortcut: str | None = None, url: str = "",
                    file: dict[str, Any] | None = None, favorite: bool = False) -> dict[str, Any]:
    return {"id": rid, "library_id": library, "category_id": category, "kind": kind, "title": title, "body": body,
            "url": url, "file": file, "shortcut": shortcut, "favorite": favorite, "editable": library == 1,
            "updated_at": T0}


CANNED_RESPONSES = [
    canned_response(1, 1, "Parcel delayed", "Sorry {{visitor.first_name}}, your parcel is one day late.",
                    shortcut="late"),
    canned_response(2, 2, "Hello", "Hi {{visitor.first_name}}, this is {{agent.first_name}} from Kestrel Devices "
                    "{{workgroup}}. How can I help you today?", category=10, shortcut="hello", favorite=True),
    canned_response(3, 2, "Goodbye", "Thank you for chatting with Kestrel Devices, {{visitor.first_name}}.",
                    category=10, shortcut="bye"),
    canned_response(4, 3, "Volume discounts", "We offer volume discounts: 10% off orders of 50 units or more, "
                    "and 20% off from 200 units.", category=20, shortcut="volume", favorite=True),
    canned_response(5, 3, "Pricing page", "Public prices and the volume discount calculator.", kind="url",
                    category=20, shortcut="pricing", url="https://www.kestrel-devices.example/pricing"),
    canned_response(6, 3, "Price list 2026", "List prices with volume tiers.", kind="file", category=20,
                    shortcut="pricelist", file={"id": 1, "name": "price-list-2026.csv", "size": 342,
                                                "content_type": "text/csv"}),
]
CANNED_TREE = {
    "libraries": [
        {"id": 1, "name": "My Responses", "kind": "personal", "workgroups": [], "editable": True,
         "categories": [], "responses": [CANNED_RESPONSES[0]]},
        {"id": 2, "name": "Company", "kind": "system", "workgroups": ["Billing", "Sales", "Support"], "editable": False,
         "categories": [{"id": 10, "name": "Greetings", "parent_id": None}], "responses": CANNED_RESPONSES[1:3]},
        {"id": 3, "name": "Sales", "kind": "system", "workgroups": ["Sales"], "editable": False,
         "categories": [{"id": 20, "name": "Pricing and quotes", "parent_id": None}],
         "responses": CANNED_RESPONSES[3:]},
    ],
    "favorites": [2, 4],
}
CANNED_DATABASES = [
    {"id": 1, "name": "Billing and accounts", "description": "", "entries": 20},
    {"id": 2, "name": "Products and orders", "description": "", "entries": 22},
]
CANNED_FAQ = [
    {"id": 31, "database_id": 1, "database": "Billing and accounts", "question": "How long do refunds take?",
     "answer": "We issue refunds within one business day of receiving a return. Your bank then takes 3 to 5 "
               "business days to show it.", "updated_at": T0, "score": 3.2},
    {"id": 7, "database_id": 2, "database": "Products and orders", "question": "What is your return policy?",
     "answer": "You can return any device within 30 days of delivery for a full refund.", "updated_at": T0,
     "score": 1.4},
    {"id": 32, "database_id": 1, "database": "Billing and accounts", "question": "I was charged twice for the same "
     "order.", "answer": "We refund the duplicate at once.", "updated_at": T0, "score": 1.1},
]
SIDEBAR_CHAT = interaction(7, "Vera Lindqvist", "Sales", "Connected", T0 + 40, mine=True, address="vera@example.com",
                           actions=["hold", "transfer", "disconnect"])


def _chat_line(seq: int, ts: float, sender_type: str, name: str, text: str) -> dict[str, Any]:
    return {"seq": seq, "ts": ts, "kind": "text", "sender_type": sender_type, "sender_name": name,
            "sender_id": "alicia" if sender_type == "agent" else "visitor", "text": text}


SIDEBAR_HISTORY = [
    _chat_line(0, T0 + 30, "visitor", "Vera Lindqvist", "Hi! Do you give discounts on 60 gadgets?"),
    system_line(1, T0 + 40, "Alicia Adams has joined the conversation."),
]


class CannedLibraryClient(CannedClient):
    """Also answers the sidebars' calls (libraries, search, e-FAQ) from canned data."""

    async def _call(self, method: str, path: str, body: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        query = str((kwargs.get("params") or {}).get("q", "")).lower().strip()
        if (method, path) == ("GET", "/responses"):
            return CANNED_TREE
        if (method, path) == ("GET", "/responses/search"):
            return [r for r in CANNED_RESPONSES if query in (r["title"] + " " + r["body"]).lower()]
        if (method, path) == ("GET", "/faq/databases"):
            return CANNED_DATABASES
        if (method, path) == ("GET", "/faq/search"):
            return [e for e in CANNED_FAQ if query[:5] in (e["question"] + " " + e["answer"]).lower()]
        raise AssertionError(f"the snapshot app does not answer {method} {path}")


class CannedSidebarApp(CannedAgentApp):
    """Alicia chatting with Vera, the sidebars answering from canned libraries."""

    interactions: ClassVar[list[dict[str, Any]] | None] = [SIDEBAR_CHAT]
    transcripts: ClassVar[dict[str, list[dict[str, Any]]]] = {SIDEBAR_CHAT["id"]: SIDEBAR_HISTORY}

    def first_screen(self) -> AgentScreen:
        client = CannedLibraryClient(self.interactions or [], self.transcripts)
        self._client = client
        session = SessionResponse(token="snapshot", expires_at=T0 + 3600, user=USER)
        return AgentScreen(client, session, events=canned_events(self.interactions), dialer=self.dialer)


def sidebar_app(config_dir: Path) -> CannedSidebarApp:
    return CannedSidebarApp(config_path=config_dir / "config.toml", clock=lambda: T0 + 95)
