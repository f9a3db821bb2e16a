"""The agent's workspace: status, queues and chats, kept live by the event stream."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Tabs

from console.client import AgentClient, ApiError, ConnectionState
from console.tui.dialogs import ConfirmDialog, StatusPicker, TransferDialog
from console.tui.model import CONNECTED, HELD, WAITING, ConsoleState, status_tone
from console.tui.network import ReportsWorkerErrors
from console.tui.widgets.chat import ChatTabs
from console.tui.widgets.connection import ConnectionBanner
from console.tui.widgets.queue import QueueTable, QueueView
from console.tui.widgets.status import AgentStatusBar
from console.wire import InteractionView, SessionResponse, TranscriptEntry

EventSource = Callable[[], AsyncIterator["dict[str, Any] | ConnectionState"]]

CHAT_ACTIONS = {"hold": "hold", "unhold": "unhold", "transfer": "transfer", "disconnect": "disconnect",
                "close_chat": "dismiss"}
"""Screen action -> the server action the current chat must allow for it to be offered."""


class AgentScreen(ReportsWorkerErrors, Screen):
    """Agent status on top, queues in the middle, chats below.

    Server events arrive as ``ServerEvent`` messages from one long-lived worker and
    are applied in order; every server call runs in a worker so the screen never waits
    on the network.
    """

    CSS_PATH = "agent.tcss"

    HELP = """\
## Agent console

**Queues** (top) list your own interactions and your workgroups' ACD queues.
**Chats** (bottom) hold your conversations, one tab each.

When a chat alerts you the terminal bell rings; pick it up with the key shown in the
footer. Everything is also in the command palette (**ctrl+p**).
"""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f2", "change_status", "Status", id="status", show=False, tooltip="Choose your ACD status"),
        Binding("alt+a", "pickup_alerting", "Pick up", id="pickup-alerting",
                tooltip="Pick up the interaction that is alerting you"),
        Binding("alt+h", "hold", "Hold", id="chat-hold", tooltip="Put the current chat on hold"),
        Binding("alt+h", "unhold", "Unhold", id="chat-unhold", tooltip="Take the current chat off hold"),
        Binding("alt+t", "transfer", "Transfer", id="chat-transfer",
                tooltip="Transfer the current chat to a workgroup or an agent"),
        Binding("alt+d", "disconnect", "Disconnect", id="chat-disconnect",
                tooltip="End the current chat (asks first)"),
        Binding("alt+w", "close_chat", "Close", id="chat-close", tooltip="Close the ended chat (dismiss it)"),
        Binding("alt+n", "next_unread", "Unread", id="chat-next-unread",
                tooltip="Jump to the next chat with unread messages"),
        Binding("alt+q", "focus_queues", "Queues", id="focus-queues", show=False,
                tooltip="Move to the queue list"),
        Binding("alt+c", "focus_chat", "Chat", id="focus-chat", show=False, tooltip="Move to the current chat"),
        Binding("alt+x", "sign_out", "Sign out", id="sign-out", show=False, tooltip="Sign out of the console"),
        *(
            Binding(f"alt+{n}", f"switch_chat({n})", f"Chat {n}", id=f"chat-{n}", show=False,
                    tooltip=f"Show chat number {n}")
            for n in range(1, 10)
        ),
    ]

    class ServerEvent(Message):
        """One frame of the event stream."""

        def __init__(self, frame: dict[str, Any]) -> None:
            super().__init__()
            self.frame = frame

    class ConnectionChanged(Message):
        """The event stream went down or came back."""

        def __init__(self, state: ConnectionState) -> None:
            super().__init__()
            self.state = state

    class SessionEnded(Message):
        """The server no longer knows our session: back to the sign-in screen."""

        def __init__(self, reason: str) -> None:
            super().__init__()
            self.reason = reason

    def __init__(self, client: AgentClient, session: SessionResponse, *, events: EventSource | None = None) -> None:
        super().__init__()
        self.client = client
        self.state = ConsoleState(user=session.user)
        self._events = events or client.events
        self._focus_when_open: set[str] = set()

    def compose(self) -> ComposeResult:
        yield AgentStatusBar(self.client.base_url.split("://", 1)[-1], id="status-bar")
        yield ConnectionBanner(id="banner")
        yield QueueView(self.app.clock, id="queues")
        yield ChatTabs(id="chats")
        yield Footer()

    def on_mount(self) -> None:
        bar = self.query_one(AgentStatusBar)
        bar.agent_name = self.state.user.name
        bar.hint = f"{self.key_for('status', 'f2')} change · {self.key_for('help', 'f1')} help"
        self.query_one(ChatTabs).set_placeholder(
            f"No open chats. Pick up an interaction with {self.key_for('queue-pickup', 'p')} in a queue, "
            f"or {self.key_for('pickup-alerting', 'alt+a')} when one alerts you."
        )
        self.set_interval(1.0, self.query_one(QueueView).tick)
        self.follow_events()

    def key_for(self, binding_id: str, default: str) -> str:
        """The key bound to ``binding_id`` after the user's keymap, as the footer shows it."""
        return self.app.key_hint(binding_id, default)

    # -- the event stream ------------------------------------------------------------------
    @work(exclusive=True, group="events", exit_on_error=False, name="follow the server's events")
    async def follow_events(self) -> None:
        try:
            async for item in self._events():
                if isinstance(item, ConnectionState):
                    self.post_message(self.ConnectionChanged(item))
                else:
                    self.post_message(self.ServerEvent(item))
        except ApiError as exc:
            self.post_message(self.SessionEnded(exc.message or "The session ended."))

    def on_agent_screen_connection_changed(self, message: ConnectionChanged) -> None:
        banner = self.query_one(ConnectionBanner)
        banner.attempt = message.state.attempt
        banner.connected = message.state.connected

    def on_agent_screen_session_ended(self, message: SessionEnded) -> None:
        self.notify(message.reason, title="Signed out", severity="error", timeout=10)
        self.app.end_session(self)

    async def on_agent_screen_server_event(self, message: ServerEvent) -> None:
        frame = message.frame
        topic, kind, data = frame.get("topic"), frame.get("kind"), frame.get("data") or {}
        if topic == "session" and kind == "snapshot":
            self.state.apply_session(data)
            self.query_one(AgentStatusBar).agent_name = self.state.user.name
            self._show_status()
        elif topic == "agent.status":
            if self.state.apply_status(data):
                self._show_status()
        elif topic == "queues":
            await self._replace_queues(data)
        elif topic == "interaction" and kind == "put":
            view, previous = self.state.apply_interaction(data)
            await self._interaction_changed(view, previous)
        elif topic == "interaction" and kind == "delete":
            self.state.remove_interaction(data["id"])
            self.query_one(QueueView).remove(data["id"])
            await self.query_one(ChatTabs).close(data["id"])
        elif topic == "interaction.message":
            entry = TranscriptEntry.model_validate(data["entry"])
            self.query_one(ChatTabs).deliver(data["interaction_id"], [entry])
        elif topic == "interaction.typing":
            if (window := self.query_one(ChatTabs).get(data["interaction_id"])) is not None:
                window.visitor_typing(bool(data.get("typing")))
        self.refresh_bindings()

    async def _replace_queues(self, data: dict[str, Any]) -> None:
        alerting = self.state.apply_queues(data)
        queues = self.query_one(QueueView)
        await queues.set_queues(self.state.queues)
        queues.show(self.state.interactions.values())
        chats = self.query_one(ChatTabs)
        for window in chats.windows:
            if not self.state.has_chat(self.state.interactions.get(window.interaction_id)):
                await chats.close(window.interaction_id)
            else:
                # After a resync the stream may have skipped messages: fetch them again.
                window.load_transcript()
        for view in self.state.interactions.values():
            await self._sync_chat(view)
        for view in alerting:
            self._announce_alert(view)
        if self.focused is None or isinstance(self.focused, Tabs):
            queues.focus_table()  # rather than the tab strip Textual focused first

    async def _interaction_changed(self, view: InteractionView, previous: InteractionView | None) -> None:
        self.query_one(QueueView).put(view)
        await self._sync_chat(view)
        if self.state.newly_alerting(previous, view):
            self._announce_alert(view)

    async def _sync_chat(self, view: InteractionView) -> None:
        """Open, update or close the chat window so it matches the interaction."""
        chats = self.query_one(ChatTabs)
        if self.state.has_chat(view):
            await chats.open(view, self.client)
            chats.update_view(view)
            if view.id in self._focus_when_open:
                self._focus_when_open.discard(view.id)
                chats.activate(view.id)
        elif chats.get(view.id) is not None:
            await chats.close(view.id)
            where = f"waits in {view.workgroup}" if view.state == WAITING else f"alerts {view.agent_name}"
            self.notify(f"{view.remote_name} now {where}.", title="Chat transferred")

    def _announce_alert(self, view: InteractionView) -> None:
        key = self.key_for("pickup-alerting", "alt+a")
        self.notify(f"{view.remote_name} · {view.workgroup} — press {key} to pick up.",
                    title="Chat alerting", severity="warning", timeout=10)
        self.app.bell()

    def _show_status(self) -> None:
        status = self.state.status
        if status is None:
            return
        info = self.state.status_info(status.status)
        bar = self.query_one(AgentStatusBar)
        bar.status_label = info.label if info else status.status
        bar.tone = status_tone(info, status.acd_available)

    # -- queue requests ----------------------------------------------------------------------
    @on(QueueTable.PickupRequested)
    def _pickup_requested(self, event: QueueTable.PickupRequested) -> None:
        view = self.state.interactions.get(event.interaction_id)
        if view is not None and "pickup" not in view.actions:
            self.notify(f"{view.remote_name} cannot be picked up while {view.state}.", severity="warning")
            return
        self.pickup(event.interaction_id)

    @on(QueueTable.OpenRequested)
    def _open_requested(self, event: QueueTable.OpenRequested) -> None:
        chats = self.query_one(ChatTabs)
        view = self.state.interactions.get(event.interaction_id)
        if chats.get(event.interaction_id) is not None:
            chats.activate(event.interaction_id)
        elif view is not None and "pickup" in view.actions:
            self.pickup(event.interaction_id)
        elif view is not None:
            self.notify(f"{view.remote_name} is {view.state}; nothing to open.", severity="information")

    @on(ChatTabs.ActiveChanged)
    def _active_chat_changed(self) -> None:
        self.refresh_bindings()

    # -- actions ---------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in CHAT_ACTIONS:
            window = self.query_one(ChatTabs).active
            return window is not None and CHAT_ACTIONS[action] in window.view.actions
        if action == "pickup_alerting":
            return self.state.first_alerting() is not None
        if action == "next_unread":
            return any(w.unread for w in self.query_one(ChatTabs).windows)
        if action == "switch_chat":
            return len(self.query_one(ChatTabs).windows) >= int(parameters[0])  # type: ignore[call-overload]
        return True

    def action_change_status(self) -> None:
        current = self.state.status.status if self.state.status else None

        def chosen(status_id: str | None) -> None:
            if status_id and status_id != current:
                self.set_status(status_id)

        self.app.push_screen(StatusPicker(self.state.selectable_statuses(), current), chosen)

    def action_pickup_alerting(self) -> None:
        if (view := self.state.first_alerting()) is not None:
            self.pickup(view.id)

    def action_hold(self) -> None:
        self._act_on_current("hold")

    def action_unhold(self) -> None:
        self._act_on_current("unhold")

    def action_close_chat(self) -> None:
        self._act_on_current("dismiss")

    def action_transfer(self) -> None:
        window = self.query_one(ChatTabs).active
        if window is None:
            return
        interaction_id = window.interaction_id

        def chosen(target: dict[str, str] | None) -> None:
            if target:
                self.act(interaction_id, "transfer", target)

        self.app.push_screen(TransferDialog(self.client, window.view.remote_name, self.state.user.username), chosen)

    def action_disconnect(self) -> None:
        window = self.query_one(ChatTabs).active
        if window is None:
            return
        interaction_id, name = window.interaction_id, window.view.remote_name

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.act(interaction_id, "disconnect")

        self.app.push_screen(
            ConfirmDialog("Disconnect", f"End the chat with {name}? The visitor will be told the chat has ended.",
                          "Disconnect"),
            confirmed,
        )

    def action_next_unread(self) -> None:
        chats = self.query_one(ChatTabs)
        if (window := chats.next_unread()) is not None:
            chats.activate(window.interaction_id)

    def action_switch_chat(self, number: int) -> None:
        self.query_one(ChatTabs).activate_number(number)

    def action_focus_queues(self) -> None:
        self.query_one(QueueView).focus_table()

    def action_focus_chat(self) -> None:
        if (window := self.query_one(ChatTabs).active) is not None:
            window.focus_reply()

    def action_sign_out(self) -> None:
        busy = [w for w in self.query_one(ChatTabs).windows if w.view.state in (CONNECTED, HELD)]
        if not busy:
            self.app.end_session(self, sign_out=True)
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.app.end_session(self, sign_out=True)

        chats = "1 chat is" if len(busy) == 1 else f"{len(busy)} chats are"
        self.app.push_screen(
            ConfirmDialog("Sign out", f"{chats} still in progress; those visitors will be left waiting. "
                          "Sign out anyway?", "Sign out"),
            confirmed,
        )

    def _act_on_current(self, action: str) -> None:
        if (window := self.query_one(ChatTabs).active) is not None:
            self.act(window.interaction_id, action)

    # -- server calls ----------------------------------------------------------------------
    @work(group="pickup", exit_on_error=False, name="pick up the interaction")
    async def pickup(self, interaction_id: str) -> None:
        self._focus_when_open.add(interaction_id)
        try:
            view = await self.client.pickup(interaction_id)
        except ApiError:
            self._focus_when_open.discard(interaction_id)
            raise
        await self._apply_reply(view)
        if self.state.first_alerting() is None:
            self.app.clear_notifications()  # the alert toasts have done their job
        self.refresh_bindings()

    @work(group="act", exit_on_error=False, name="change the interaction")
    async def act(self, interaction_id: str, action: str, body: dict[str, str] | None = None) -> None:
        view = await self.client.act(interaction_id, action, **(body or {}))
        if action == "dismiss":
            self.state.remove_interaction(interaction_id)
            self.query_one(QueueView).remove(interaction_id)
            await self.query_one(ChatTabs).close(interaction_id)
        else:
            await self._apply_reply(view)
        if action == "unhold":
            self.query_one(ChatTabs).activate(interaction_id)
        self.refresh_bindings()

    async def _apply_reply(self, view: InteractionView) -> None:
        """Show the server's answer at once, unless the event stream already brought newer news."""
        current = self.state.interactions.get(view.id)
        if current is not None and current.state_since > view.state_since:
            return
        view, previous = self.state.apply_interaction(view.model_dump())
        await self._interaction_changed(view, previous)

    @work(group="status", exclusive=True, exit_on_error=False, name="change your status")
    async def set_status(self, status_id: str) -> None:
        data = await self.client.set_status(status_id)
        if self.state.apply_status(data):
            self._show_status()

