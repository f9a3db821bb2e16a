"""The supervisor's workspace: queue statistics, the team, interactions, and a chat monitor.

Everything on it is pushed by the server (``stats``, ``team.agent``, ``interaction``
events); the screen never polls. Stepping in (status, sign-out, monitor, coach, barge,
transfer, requeue, priority) runs in workers, and a refusal is shown, never raised.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, Input, TabbedContent, TabPane

from console.client import AgentClient
from console.client.library import LibraryClient
from console.client.supervision import SupervisorCalls
from console.tui.dialogs import (
    ConfirmDialog,
    PriorityDialog,
    ServiceLevelDialog,
    StatusPicker,
    TransferDialog,
)
from console.tui.model import CONNECTED, HELD, ConsoleState, status_tone
from console.tui.screens.library_admin import LibraryAdminScreen
from console.tui.screens.live import EventSource, LiveScreen
from console.tui.supervisor_model import SupervisorState
from console.tui.widgets.connection import ConnectionBanner
from console.tui.widgets.desktop_chat import DesktopChat
from console.tui.widgets.queue import QueueTable, QueueView
from console.tui.widgets.status import AgentStatusBar
from console.tui.widgets.supervisor import ChatMonitor, QueueDashboard, TeamTable
from console.tui.widgets.supervisor.dashboard import WorkgroupTable
from console.tui.widgets.supervisor.team import TeamView
from console.wire import InteractionView, SessionResponse, TranscriptEntry

TABS = ("tab-queues", "tab-team", "tab-interactions", "tab-monitor")


class SupervisorScreen(LiveScreen):
    """Tabs: Queues (statistics), Team, Interactions (workgroup queues), Monitor."""

    CSS_PATH = "supervisor.tcss"

    HELP = """\
## Supervisor console

**Queues** shows each workgroup's live statistics, **Team** your agents, **Interactions**
the chats and callbacks of your workgroups, **Monitor** the chat you joined.
Switch with **alt+1**…**alt+4** (or **F5**…**F8**). On an interaction: **alt+m** monitor, **alt+o** coach,
**alt+j** barge in (join), **alt+l** leave, **alt+t** transfer, **alt+r** requeue, **alt+p** priority.
**F9** opens the **Libraries**: system-wide stored responses and the e-FAQ.
**F3** opens desktop chat with colleagues (Esc returns); the top line shows your presence
there and how many of their messages wait unread.
Everything is also in the command palette (**ctrl+p**).
"""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f2", "change_status", "Status", id="status", show=False, tooltip="Choose your own status"),
        # F5-F8 as well: some terminals turn alt+digit into other characters.
        *(Binding(f"alt+{n},f{n + 4}", f"show_tab('{tab}')", label, id=f"supervisor-{tab}", show=False,
                  tooltip=f"Show {label}")
          for n, (tab, label) in enumerate(zip(TABS, ("Queues", "Team", "Interactions", "Monitor"), strict=True),
                                           start=1)),
        Binding("alt+m", "join('monitor')", "Monitor", id="supervisor-monitor",
                tooltip="Follow the selected chat silently"),
        Binding("alt+o", "join('coach')", "Coach", id="supervisor-coach",
                tooltip="Coach the agent: only the agent sees you and your messages"),
        # alt+j (join), not alt+b: many terminals send alt+b as ESC b, which arrives as ctrl+left.
        Binding("alt+j", "join('barge')", "Barge", id="supervisor-barge",
                tooltip="Join the chat: the visitor sees you join"),
        Binding("alt+l", "leave", "Leave", id="supervisor-leave", tooltip="Stop following the chat"),
        Binding("alt+t", "transfer", "Transfer", id="supervisor-transfer", show=False,
                tooltip="Transfer the selected interaction to a workgroup or an agent"),
        Binding("alt+r", "requeue", "Requeue", id="supervisor-requeue", show=False,
                tooltip="Return the selected interaction to its workgroup queue"),
        Binding("alt+p", "priority", "Priority", id="supervisor-priority", show=False,
                tooltip="Change the selected waiting interaction's priority"),
        Binding("alt+x", "sign_out", "Sign out", id="sign-out", show=False, tooltip="Sign out of the console"),
        Binding("f9", "library_admin", "Libraries", id="library-admin", show=False,
                tooltip="Manage the system-wide stored responses and the e-FAQ"),
        # F3, not the agent screen's F6: F5-F8 switch tabs here.
        Binding("f3", "desktop_chat", "Desktop Chat", id="desktop-chat", show=False,
                tooltip="Chat with colleagues: contacts, groups, presence"),
    ]

    def __init__(self, client: AgentClient, session: SessionResponse, *, events: EventSource | None = None) -> None:
        super().__init__(client, events=events)
        self.calls = SupervisorCalls(client)
        self.console = ConsoleState(user=session.user)
        self.supervision = SupervisorState()
        self.desk = DesktopChat(self, client, session.user.username, open_key="f3")

    def compose(self) -> ComposeResult:
        yield AgentStatusBar(self.client.base_url.split("://", 1)[-1], id="status-bar")
        yield ConnectionBanner(id="banner")
        with TabbedContent(id="supervisor-tabs", initial="tab-queues"):
            with TabPane("Queues", id="tab-queues"):
                yield QueueDashboard(self.app.clock, id="dashboard")
            with TabPane("Team", id="tab-team"):
                yield TeamView(id="team")
            with TabPane("Interactions", id="tab-interactions"):
                yield QueueView(self.app.clock, id="queues")
            with TabPane("Monitor", id="tab-monitor"):
                yield ChatMonitor(id="monitor")
        yield Footer()

    def on_mount(self) -> None:
        bar = self.query_one(AgentStatusBar)
        bar.agent_name = f"{self.console.user.name} · supervisor"
        bar.hint = f"{self.key_for('status', 'f2')} status · {self.key_for('help', 'f1')} help"
        self.query_one(ChatMonitor).hint_keys = {
            "coach": self.key_for("supervisor-coach", "alt+o"), "barge": self.key_for("supervisor-barge", "alt+j"),
        }
        self.set_interval(1.0, self._tick)
        self.follow_events()

    def _tick(self) -> None:
        self.query_one(QueueDashboard).tick()
        self.query_one(TeamTable).tick()
        self.query_one(QueueView).tick()

    # -- the event stream ------------------------------------------------------------------------
    async def on_live_screen_server_event(self, message: LiveScreen.ServerEvent) -> None:
        frame = message.frame
        topic, kind, data = frame.get("topic"), frame.get("kind"), frame.get("data") or {}
        if topic == "session" and kind == "snapshot":
            self.console.apply_session(data)
            self._show_status()
        elif topic == "agent.status":
            if self.console.apply_status(data):
                self._show_status()
        elif topic == "stats":
            dashboard = self.query_one(QueueDashboard)
            for name in self.supervision.apply_stats(kind, data):
                dashboard.put(self.supervision.stats[name])
        elif topic in ("team", "team.agent"):
            self.supervision.apply_team(kind, data)
            self.query_one(TeamTable).show(self.supervision)
        elif topic == "queues":
            self.console.apply_queues(data)
            queues = self.query_one(QueueView)
            # A supervisor follows the workgroups' queues; they take no interactions of their own.
            await queues.set_queues([q for q in self.console.queues if q.kind == "workgroup"])
            queues.show(self.console.interactions.values())
            self._refresh_monitor()
        elif topic == "interaction" and kind == "put":
            view, _ = self.console.apply_interaction(data)
            self.query_one(QueueView).put(view)
            self.query_one(ChatMonitor).update_view(view)
        elif topic == "interaction" and kind == "delete":
            self.console.remove_interaction(data["id"])
            self.query_one(QueueView).remove(data["id"])
        elif topic == "interaction.message":
            monitor = self.query_one(ChatMonitor)
            if data.get("interaction_id") == monitor.interaction_id:
                monitor.add([TranscriptEntry.model_validate(data["entry"])])
        elif isinstance(topic, str) and topic.startswith("desk."):
            await self.desk.apply(frame)
        self.refresh_bindings()

    def _refresh_monitor(self) -> None:
        monitor = self.query_one(ChatMonitor)
        if monitor.view is not None and (view := self.console.interactions.get(monitor.view.id)) is not None:
            monitor.update_view(view)

    def _show_status(self) -> None:
        status = self.console.status
        if status is None:
            return
        info = self.console.status_info(status.status)
        bar = self.query_one(AgentStatusBar)
        bar.status_label = info.label if info else status.status
        bar.tone = status_tone(info, status.acd_available)

    # -- which interaction the keys act on ---------------------------------------------------------
    def _active_tab(self) -> str:
        return self.query_one(TabbedContent).active

    def selected_interaction(self) -> InteractionView | None:
        """The interaction highlighted in Interactions, followed in Monitor, or the team member's."""
        tab = self._active_tab()
        interactions = self.console.interactions
        if tab == "tab-monitor":
            monitor = self.query_one(ChatMonitor)
            return interactions.get(monitor.view.id) if monitor.view else None
        if tab == "tab-interactions":
            table = self.query_one(QueueView).active_table
            return interactions.get(table.selected_id or "") if table else None
        if tab == "tab-team":
            member = self.supervision.team.get(self.query_one(TeamTable).selected or "")
            if member is not None:
                chats = [i for i in member.interactions if i.type == "chat" and i.state in (CONNECTED, HELD)]
                chosen = chats[0] if chats else (member.interactions[0] if member.interactions else None)
                return interactions.get(chosen.id) if chosen else None
        return None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("join", "transfer", "requeue", "priority"):
            return self.selected_interaction() is not None or None
        if action == "leave":
            return self.query_one(ChatMonitor).interaction_id is not None or None
        return True

    def action_desktop_chat(self) -> None:
        self.desk.open()

    def action_library_admin(self) -> None:
        self.app.push_screen(LibraryAdminScreen(LibraryClient(self.client)))

    # -- tabs ------------------------------------------------------------------------------------
    def action_show_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab
        target = {"tab-queues": WorkgroupTable, "tab-team": TeamTable, "tab-monitor": ChatMonitor}.get(tab)
        if target is not None:
            widget = self.query_one(target)
            (widget.query_one(Input) if isinstance(widget, ChatMonitor) and not widget.query_one(Input).disabled
             else widget).focus()
        elif (table := self.query_one(QueueView).active_table) is not None:
            table.focus()
        self.refresh_bindings()

    @on(TabbedContent.TabActivated)
    def _tab_changed(self) -> None:
        self.refresh_bindings()

    # -- own status and sign-out --------------------------------------------------------------------
    def action_change_status(self) -> None:
        current = self.console.status.status if self.console.status else None

        def chosen(status_id: str | None) -> None:
            if status_id and status_id != current:
                self.set_status("me", status_id)

        self.app.push_screen(StatusPicker(self.console.selectable_statuses(), current), chosen)

    @work(exit_on_error=False, name="change the status")
    async def set_status(self, username: str, status_id: str) -> None:
        await self.calls.set_agent_status(username, status_id)

    def action_sign_out(self) -> None:
        def confirmed(yes: bool | None) -> None:
            if yes:
                self.app.end_session(self, sign_out=True)

        self.app.push_screen(ConfirmDialog("Sign out", "Sign out of the console?", "Sign out"), confirmed)

    # -- the team ------------------------------------------------------------------------------------
    @on(TeamTable.Requested)
    def _team_request(self, event: TeamTable.Requested) -> None:
        team = self.query_one(TeamView)
        if event.what == "sort":
            sort = self.supervision.next_sort()
            team.table.show(self.supervision)
            self.notify(f"Team sorted by {sort}.", timeout=2)
            return
        if event.what == "filter":
            team.open_filter()
            return
        member = self.supervision.team.get(event.username or "")
        if member is None:
            return
        if event.what == "status":
            def chosen(status_id: str | None) -> None:
                if status_id and status_id != member.status:
                    self.set_status(member.username, status_id)

            self.app.push_screen(StatusPicker(self.console.selectable_statuses(), member.status), chosen)
        elif event.what == "sign_out":
            if not member.signed_in:
                self.notify(f"{member.name} is not signed in.", severity="warning")
                return
            busy = len(member.interactions)
            question = (f"Sign {member.name} out? They are handling {busy} interaction(s): the sign-out takes "
                        "effect when those end, and nothing new reaches them meanwhile." if busy
                        else f"Sign {member.name} out now?")

            def confirmed(yes: bool | None) -> None:
                if yes:
                    self.sign_agent_out(member.username, member.name)

            self.app.push_screen(ConfirmDialog("Sign an agent out", question, "Sign out"), confirmed)
        elif event.what == "cancel_sign_out":
            self.cancel_sign_out(member.username)
        elif event.what == "monitor":
            view = self.selected_interaction()
            if view is None:
                self.notify(f"{member.name} is handling no chat now.", severity="information")
            else:
                self.join_chat(view.id, "monitor")

    @on(Input.Changed, "#team-filter-input")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.supervision.team_filter = event.value
        self.query_one(TeamTable).show(self.supervision)

    @on(Input.Submitted, "#team-filter-input")
    def _filter_done(self) -> None:
        self.query_one(TeamTable).focus()

    def key_escape(self) -> None:
        team = self.query_one(TeamView)
        if self.focused is team.query_one("#team-filter-input"):
            team.close_filter()
            self.supervision.team_filter = ""
            team.table.show(self.supervision)

    @work(exit_on_error=False, name="sign the agent out")
    async def sign_agent_out(self, username: str, name: str) -> None:
        member = await self.calls.sign_out(username)
        if member.sign_out_pending:
            self.notify(f"{name} will be signed out when their interactions end.", title="Sign-out pending")
        else:
            self.notify(f"{name} is signed out.", title="Signed out")

    @work(exit_on_error=False, name="cancel the sign-out")
    async def cancel_sign_out(self, username: str) -> None:
        member = await self.calls.cancel_sign_out(username)
        self.notify(f"{member.name} stays signed in.", title="Sign-out cancelled")

    # -- the statistics ---------------------------------------------------------------------------------
    @on(WorkgroupTable.GoalRequested)
    def _goal_requested(self, event: WorkgroupTable.GoalRequested) -> None:
        stats = self.supervision.stats.get(event.workgroup)
        if stats is None:
            return

        def chosen(goal: dict | None) -> None:
            if goal:
                self.set_goal(event.workgroup, goal)

        self.app.push_screen(ServiceLevelDialog(event.workgroup, stats.goal), chosen)

    @work(exit_on_error=False, name="change the service-level goal")
    async def set_goal(self, workgroup: str, goal: dict[str, Any]) -> None:
        stats = await self.calls.set_service_level(workgroup, **goal)
        self.supervision.stats[workgroup] = stats
        self.query_one(QueueDashboard).put(stats)

    # -- monitor, coach, barge ----------------------------------------------------------------------------
    def action_join(self, mode: str) -> None:
        view = self.selected_interaction()
        if view is not None:
            self.join_chat(view.id, mode)

    @on(QueueTable.OpenRequested)
    def _open_requested(self, event: QueueTable.OpenRequested) -> None:
        self.join_chat(event.interaction_id, "monitor")

    @on(QueueTable.PickupRequested)
    def _pickup_requested(self, event: QueueTable.PickupRequested) -> None:
        self.notify("Supervisors follow chats rather than pick them up: enter monitors, "
                    f"{self.key_for('supervisor-barge', 'alt+j')} barges in.", severity="information")

    @work(exclusive=True, group="join", exit_on_error=False, name="join the chat")
    async def join_chat(self, interaction_id: str, mode: str) -> None:
        detail = await self.calls.join(interaction_id, mode)
        monitor = self.query_one(ChatMonitor)
        monitor.follow(InteractionView.model_validate(detail.model_dump()), mode, detail.transcript)
        self.action_show_tab("tab-monitor")

    def action_leave(self) -> None:
        interaction_id = self.query_one(ChatMonitor).interaction_id
        if interaction_id:
            self.leave_chat(interaction_id)

    @work(exclusive=True, group="join", exit_on_error=False, name="leave the chat")
    async def leave_chat(self, interaction_id: str) -> None:
        await self.calls.leave(interaction_id)
        self.query_one(ChatMonitor).stop()
        self.refresh_bindings()

    @on(Input.Submitted, "#monitor-input")
    def _monitor_submitted(self, event: Input.Submitted) -> None:
        interaction_id = self.query_one(ChatMonitor).interaction_id
        if interaction_id and event.value.strip():
            self.send_to_chat(interaction_id, event.value)

    @work(exit_on_error=False, name="send the message")
    async def send_to_chat(self, interaction_id: str, text: str) -> None:
        box = self.query_one("#monitor-input", Input)
        entry = await self.calls.send(interaction_id, text)
        # Cleared only once the server has it: a refusal leaves the text to send again.
        if box.value == text:
            box.value = ""
        self.query_one(ChatMonitor).add([entry])

    # -- moving interactions ----------------------------------------------------------------------------------
    def action_transfer(self) -> None:
        view = self.selected_interaction()
        if view is None:
            return

        def chosen(target: dict[str, str] | None) -> None:
            if target:
                self.move(view.id, "transfer", target)

        self.app.push_screen(TransferDialog(self.client, view.remote_name, view.agent or "",
                                            callback=view.type == "callback"), chosen)

    def action_requeue(self) -> None:
        view = self.selected_interaction()
        if view is not None:
            self.move(view.id, "requeue", {})

    def action_priority(self) -> None:
        view = self.selected_interaction()
        if view is None:
            return

        def chosen(priority: int | None) -> None:
            if priority is not None:
                self.move(view.id, "priority", {"priority": priority})

        self.app.push_screen(PriorityDialog(view.remote_name, view.priority), chosen)

    @work(exit_on_error=False, name="move the interaction")
    async def move(self, interaction_id: str, how: str, body: dict[str, Any]) -> None:
        if how == "transfer":
            view = await self.calls.transfer(interaction_id, **body)
            where = f"alerts {view.agent_name}" if view.agent else f"waits in {view.workgroup}"
            self.notify(f"{view.remote_name} now {where}.", title="Transferred")
        elif how == "requeue":
            view = await self.calls.requeue(interaction_id)
            self.notify(f"{view.remote_name} waits in {view.workgroup} again.", title="Requeued")
        else:
            view = await self.calls.set_priority(interaction_id, body["priority"])
            self.notify(f"{view.remote_name} now has priority {view.priority}.", title="Priority changed")
