"""The supervisor console with Pilot against a real server: figures, team, coaching, sign-out, goals."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from textual.widgets import Input

from console.server.runner import ServerThread
from console.tui.app import CallboardApp
from console.tui.dialogs import ServiceLevelDialog
from console.tui.screens import SupervisorScreen
from console.tui.widgets.queue import QueueView
from console.tui.widgets.supervisor import ChatMonitor, QueueDashboard, TeamTable
from console.tui.widgets.supervisor.dashboard import WorkgroupTable
from tests.tui.conftest import WebVisitor, toasts, wait_for

pytestmark = pytest.mark.tui


async def supervisor_screen(pilot, app: CallboardApp) -> SupervisorScreen:
    screen = await wait_for(pilot, lambda: isinstance(app.screen, SupervisorScreen) and app.screen,
                            what="the supervisor screen")
    await wait_for(pilot, lambda: len(screen.supervision.stats) == 3, what="figures of sam's three workgroups")
    return screen


async def agent_session(http: httpx.AsyncClient, username: str, status: str | None = None) -> dict[str, str]:
    r = await http.post("/api/v1/session", json={"username": username, "password": "demo"})
    headers = {"Authorization": f"Bearer {r.json()['token']}"}
    if status:
        await http.put("/api/v1/agents/me/status", json={"status": status}, headers=headers)
    return headers


async def connected_chat(pilot, http: httpx.AsyncClient, agent: dict[str, str], visitor: WebVisitor) -> str:
    await visitor.start("Sales")

    async def alerting() -> str | None:
        r = await http.get("/api/v1/queues/my-interactions/interactions", headers=agent)
        return next((i["id"] for i in r.json() if i["state"] == "Alerting"), None)

    interaction_id = None
    while interaction_id is None:
        interaction_id = await alerting()
        await pilot.pause(0.05)
    r = await http.post(f"/api/v1/interactions/{interaction_id}/pickup", headers=agent)
    assert r.status_code == 200
    return interaction_id


def cell(table, row: str, column: str) -> str:
    return str(table.get_cell(row, column))


async def test_supervisor_signs_in_to_live_figures_and_a_live_team(demo_server: ServerThread, config_file: Path):
    app = CallboardApp(demo_server.url, "sam", "demo", config_path=config_file)
    async with httpx.AsyncClient(base_url=demo_server.url, timeout=10) as http, \
            app.run_test(size=(80, 24)) as pilot:
        screen = await supervisor_screen(pilot, app)
        table = screen.query_one(WorkgroupTable)
        assert cell(table, "Sales", "waiting") == "0"
        await WebVisitor(http, "Wendy Wait").start("Sales")
        await wait_for(pilot, lambda: cell(table, "Sales", "waiting") == "1", what="Sales showing one waiting")
        assert cell(table, "Sales", "offered") == "1"
        await wait_for(pilot, lambda: cell(table, "Sales", "longest") not in ("—", ""), what="a longest wait")
        await agent_session(http, "ben", "At Lunch")
        await pilot.press("alt+2")
        team = screen.query_one(TeamTable)
        await wait_for(pilot, lambda: "ben" in team.rows and cell(team, "ben", "status") == "At Lunch",
                       what="Ben at lunch in the team view")
        # The filter narrows the team as you type, and escape brings everyone back.
        await pilot.press("slash")
        for key in "lunch":
            await pilot.press(key)
        await wait_for(pilot, lambda: list(team.rows) == ["ben"], what="the filter keeping Ben only")
        await pilot.press("escape")
        await wait_for(pilot, lambda: len(team.rows) > 1, what="the whole team again")


async def test_supervisor_coaches_a_chat_only_the_agent_reads(demo_server: ServerThread, config_file: Path):
    app = CallboardApp(demo_server.url, "sam", "demo", config_path=config_file)
    async with httpx.AsyncClient(base_url=demo_server.url, timeout=10) as http, \
            app.run_test(size=(80, 24)) as pilot:
        screen = await supervisor_screen(pilot, app)
        alicia = await agent_session(http, "alicia", "Available")
        visitor = WebVisitor(http, "Vera Visitor")
        chat_id = await connected_chat(pilot, http, alicia, visitor)
        await visitor.say("Is the blue one in stock?")
        await pilot.press("alt+3")
        queues = screen.query_one(QueueView)
        queues.show_queue("workgroup:Sales")
        table = await wait_for(pilot, lambda: (t := queues.active_table) and chat_id in t.interaction_ids and t,
                               what="the chat in the Sales queue")
        table.focus()
        table.move_cursor(row=table.get_row_index(chat_id))
        await pilot.press("enter")  # monitor
        monitor = screen.query_one(ChatMonitor)
        await wait_for(pilot, lambda: monitor.mode == "monitor", what="monitoring")
        assert monitor.query_one(Input).disabled  # monitoring is read-only
        await pilot.press("alt+o")  # coach
        await wait_for(pilot, lambda: monitor.mode == "coach" and not monitor.query_one(Input).disabled,
                       what="coaching with the input open")
        monitor.query_one(Input).focus()
        for key in "offer free shipping":
            await pilot.press("space" if key == " " else key)
        await pilot.press("enter")
        await wait_for(pilot, lambda: monitor.query_one(Input).value == "", what="the coach message sent")
        detail = (await http.get(f"/api/v1/interactions/{chat_id}", headers=alicia)).json()
        coached = [e for e in detail["transcript"] if e["kind"] == "coach"]
        assert [e["text"] for e in coached] == ["offer free shipping"]
        assert detail["supervisors"] == [{"username": "sam", "name": "Sam Sutherland", "mode": "coach"}]
        await visitor.poll()
        assert all("free shipping" not in str(e) for e in visitor.events)


async def test_signing_out_a_busy_agent_shows_the_sign_out_pending(demo_server: ServerThread, config_file: Path):
    app = CallboardApp(demo_server.url, "sam", "demo", config_path=config_file)
    async with httpx.AsyncClient(base_url=demo_server.url, timeout=10) as http, \
            app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await supervisor_screen(pilot, app)
        alicia = await agent_session(http, "alicia", "Available")
        chat_id = await connected_chat(pilot, http, alicia, WebVisitor(http, "Pat Pending"))
        await pilot.press("alt+2")
        team = screen.query_one(TeamTable)
        await wait_for(pilot, lambda: "alicia" in team.rows and "Pat" in cell(team, "alicia", "load"),
                       what="Alicia handling Pat's chat")
        team.move_cursor(row=team.get_row_index("alicia"))
        await pilot.press("x")
        await pilot.press("y")
        await wait_for(pilot, lambda: "⏏ pending" in cell(team, "alicia", "name"), what="the pending sign-out")
        await wait_for(pilot, lambda: any("when their interactions end" in t for t in toasts(app)),
                       what="the supervisor told it waits")
        await http.post(f"/api/v1/interactions/{chat_id}/disconnect", headers=alicia)
        await wait_for(pilot, lambda: cell(team, "alicia", "status") == "Signed out", what="Alicia signed out")
        assert (await http.get("/api/v1/session", headers=alicia)).status_code == 401


async def test_goal_dialog_refuses_a_bad_target_and_keeps_what_was_typed(demo_server: ServerThread,
                                                                          config_file: Path):
    app = CallboardApp(demo_server.url, "sam", "demo", config_path=config_file)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await supervisor_screen(pilot, app)
        table = screen.query_one(WorkgroupTable)
        table.focus()
        table.move_cursor(row=table.get_row_index("Support"))
        await pilot.press("g")
        dialog = await wait_for(pilot, lambda: isinstance(app.screen, ServiceLevelDialog) and app.screen,
                                what="the goal dialog")
        target = dialog.query_one("#goal-target", Input)
        target.value = "150"
        target.focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: "below 100%" in str(dialog.query_one("#goal-error").render()),
                       what="the error shown")
        assert app.screen is dialog and target.value == "150"
        target.value = "90"
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.supervision.stats["Support"].goal.target == 0.9,
                       what="the new goal applied")
        assert "90%" in str(screen.query_one(QueueDashboard).query_one("#detail-goal").render())


async def test_agent_sees_who_coaches_them_and_reads_the_coaching(demo_server: ServerThread, config_file: Path):
    from console.tui.screens import AgentScreen
    from console.tui.widgets.chat import ChatTabs

    app = CallboardApp(demo_server.url, "alicia", "demo", config_path=config_file)
    async with httpx.AsyncClient(base_url=demo_server.url, timeout=10) as http, \
            app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await wait_for(pilot, lambda: isinstance(app.screen, AgentScreen) and app.screen,
                                what="the agent screen")
        await WebVisitor(http, "Colin Coached").start("Sales")
        await wait_for(pilot, screen.state.first_alerting, what="the chat alerting Alicia")
        await pilot.press("alt+a")
        chats = screen.query_one(ChatTabs)
        window = await wait_for(pilot, lambda: chats.active, what="the chat window")
        sam = await agent_session(http, "sam")
        r = await http.post(f"/api/v1/supervisor/interactions/{window.interaction_id}/join",
                            json={"mode": "coach"}, headers=sam)
        assert r.status_code == 200
        await wait_for(pilot, lambda: "Sam Sutherland coaching you" in str(window.query_one("#chat-detail").render()),
                       what="the coach named in the chat header")
        await wait_for(pilot, lambda: any("Sam Sutherland is coaching you" in t for t in toasts(app)),
                       what="a notice that Sam coaches")
        await http.post(f"/api/v1/supervisor/interactions/{window.interaction_id}/messages",
                        json={"text": "Mention the spring sale"}, headers=sam)
        await wait_for(pilot, lambda: any("the visitor does not see this" in str(e.render()) and "spring sale" in str(e.render())
                                          for e in window.query("ChatEntry")), what="the coaching in the transcript")
