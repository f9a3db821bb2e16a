"""The agent's workspace: status, queues, chats and callbacks, kept live by the event stream."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, Tabs
from textual.worker import Worker

from console.client import AgentClient, ApiError
from console.client.dialer import Dialer, DialResult, SimulatedDialer
from console.tui.dialogs import (
    NO_CODE,
    ConferenceDialog,
    ConfirmDialog,
    StatusPicker,
    TransferDialog,
    WrapUpDialog,
)
from console.tui.model import (
    CONNECTED,
    HELD,
    SNOOZED,
    WAITING,
    ConsoleState,
    is_callback,
    retries_used,
    snooze_left,
    status_tone,
)
from console.tui.screens.live import EventSource, LiveScreen
from console.tui.widgets.callback import CallbackWindow
from console.tui.widgets.chat import ChatTabs, ChatWindow
from console.tui.widgets.connection import ConnectionBanner
from console.tui.widgets.desktop_chat import DesktopChat
from console.tui.widgets.queue import QueueTable, QueueView
from console.tui.widgets.status import AgentStatusBar
from console.wire import InteractionView, SessionResponse, TranscriptEntry

CHAT_ACTIONS = {"hold": "hold", "unhold": "unhold", "transfer": "transfer", "disconnect": "disconnect",
                "conference": "conference",
                "close_chat": "dismiss", "make_call": "make_call", "complete_callback": "complete",
                "fail_callback": "fail", "retry_later": "retry_later", "transfer_callback": "transfer"}
"""Screen action -> the server action the current chat or callback must allow for it to be offered."""

CALLBACK_ONLY = {"make_call", "complete_callback", "fail_callback", "retry_later", "transfer_callback"}
CHAT_ONLY = {"hold", "unhold", "transfer", "disconnect", "conference"}

WHAT = {
    "hold": "put the chat on hold", "unhold": "take the chat off hold", "transfer": "transfer the interaction",
    "disconnect": "end the chat", "dismiss": "close the interaction", "make_call": "record the call",
    "complete": "complete the callback", "fail": "record the failed attempt",
    "retry_later": "retry the callback later", "conference": "invite the colleague",
    "decline": "decline the invitation", "cancel_invitation": "cancel the invitation",
}
"""Server action -> what the agent was doing, for "Could not ..." messages."""


class AgentScreen(LiveScreen):
    """Agent status on top, queues in the middle, chats below.

    Server events arrive as ``ServerEvent`` messages from one long-lived worker and
    are applied in order; every server call runs in a worker so the screen never waits
    on the network.
    """

    CSS_PATH = "agent.tcss"

    HELP = """\
## Agent console

**Queues** (top) list your own interactions and your workgroups' ACD queues;
**☎** marks a callback request.
**Conversations** (bottom) hold your chats and callbacks, one tab each.

When a chat or callback alerts you the terminal bell rings; pick it up with the key
shown in the footer. Everything is also in the command palette (**ctrl+p**).

**Conference**: in a chat, **alt+i** invites a signed-in colleague into it. An invitation
to you alerts like a chat: pick it up to join, or decline it (**alt+z**). A member leaves
with **alt+d**; when the owner leaves, the member there longest takes the chat over.

**F6** opens desktop chat with colleagues; the top line shows your presence there
and how many of their messages wait unread.
"""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f2", "change_status", "Status", id="status", show=False, tooltip="Choose your ACD status"),
        Binding("f6", "desktop_chat", "Desktop Chat", id="desktop-chat", show=False,
                tooltip="Chat with colleagues: contacts, presence, conversations"),
        Binding("alt+a", "pickup_alerting", "Pick up", id="pickup-alerting",
                tooltip="Pick up the interaction that is alerting you"),
        Binding("alt+h", "hold", "Hold", id="chat-hold", tooltip="Put the current chat on hold"),
        Binding("alt+h", "unhold", "Unhold", id="chat-unhold", tooltip="Take the current chat off hold"),
        Binding("alt+m", "make_call", "Make Call", id="callback-make-call",
                tooltip="Record a call attempt and dial"),
        Binding("alt+s", "complete_callback", "Complete", id="callback-complete",
                tooltip="Callback Complete: visitor reached"),
        # alt+e first: many terminals send alt+f as ESC f, which arrives as ctrl+right.
        Binding("alt+e,alt+f", "fail_callback", "Failed", id="callback-fail",
                tooltip="Attempt Failed: visitor not reached"),
        Binding("alt+r", "retry_later", "Retry Later", id="callback-retry-later",
                tooltip="Snooze it back to its workgroup queue"),
        # Not in the footer: at 80 columns it has room for the four outcomes of a call only.
        Binding("alt+t", "transfer_callback", "Transfer", id="callback-transfer", show=False,
                tooltip="Transfer to a workgroup or an agent"),
        Binding("alt+t", "transfer", "Transfer", id="chat-transfer",
                tooltip="Transfer the current chat to a workgroup or an agent"),
        Binding("alt+i", "conference", "Conference", id="chat-conference",
                tooltip="Invite a signed-in colleague into the current chat"),
        Binding("alt+z", "decline_invitation", "Decline", id="conference-decline",
                tooltip="Decline the conference invitation that is alerting you"),
        Binding("alt+d", "disconnect", "Disconnect", id="chat-disconnect",
                tooltip="End the current chat, or leave its conference (asks first)"),
        Binding("alt+w", "close_chat", "Close", id="chat-close",
                tooltip="Close the ended chat or callback (dismiss it)"),
        # Not in the footer: the chat tabs count unread messages; help and the palette list it.
        Binding("alt+n", "next_unread", "Unread", id="chat-next-unread", show=False,
                tooltip="Jump to the next chat with unread messages"),
        Binding("alt+q", "focus_queues", "Queues", id="focus-queues", show=False,
                tooltip="Move to the queue list"),
        Binding("alt+c", "focus_chat", "Chat", id="focus-chat", show=False, tooltip="Move to the current chat"),
        Binding("alt+x", "sign_out", "Sign out", id="sign-out", show=False, tooltip="Sign out of the console"),
        Binding("f3", "toggle_sidebar('responses')", "Responses", id="responses-toggle", show=False,
                tooltip="Open or close the stored responses beside the current chat"),
        Binding("f4", "toggle_sidebar('faq')", "e-FAQ", id="faq-toggle", show=False,
                tooltip="Open or close the e-FAQ knowledge base beside the current chat"),
        *(
            Binding(f"alt+{n}", f"switch_chat({n})", f"Chat {n}", id=f"chat-{n}", show=False,
                    tooltip=f"Show conversation number {n} (chat or callback)")
            for n in range(1, 10)
        ),
    ]

    def __init__(self, client: AgentClient, session: SessionResponse, *, events: EventSource | None = None,
                 dialer: Dialer | None = None) -> None:
        super().__init__(client, events=events)
        self.state = ConsoleState(user=session.user)
        self.dialer: Dialer = dialer or SimulatedDialer()
        self._focus_when_open: set[str] = set()
        self._dialing: set[str] = set()
        """Callbacks whose call is being recorded or dialed: Make Call waits for it to finish."""
        self.desk = DesktopChat(self, client, session.user.username)

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
            f"No open chats or callbacks. Pick up an interaction with {self.key_for('queue-pickup', 'p')} "
            f"in a queue, or {self.key_for('pickup-alerting', 'alt+a')} when one alerts you."
        )
        self.set_interval(1.0, self.query_one(QueueView).tick)
        self.follow_events()

    # -- the event stream ------------------------------------------------------------------
    async def on_live_screen_server_event(self, message: LiveScreen.ServerEvent) -> None:
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
            gone = self.state.remove_interaction(data["id"])
            self.query_one(QueueView).remove(data["id"])
            chats = self.query_one(ChatTabs)
            if gone is not None and chats.get(data["id"]) is not None and self.state.conference_role(gone) == "member":
                # The chat ended (or moved) under a member: say why their window goes.
                self.notify(f"You are no longer in the chat with {gone.remote_name}.", title="Conference")
            await chats.close(data["id"])
        elif topic == "interaction.message":
            entry = TranscriptEntry.model_validate(data["entry"])
            self.query_one(ChatTabs).deliver(data["interaction_id"], [entry])
        elif topic == "interaction.typing":
            typing = bool(data.get("typing"))
            if (window := self.query_one(ChatTabs).get(data["interaction_id"])) is not None:
                window.visitor_typing(typing)
            if (view := self.state.set_visitor_typing(data["interaction_id"], typing)) is not None:
                self.query_one(QueueView).put(view)
        elif isinstance(topic, str) and topic.startswith("desk."):
            await self.desk.apply(frame)
        self.refresh_bindings()

    async def _replace_queues(self, data: dict[str, Any]) -> None:
        alerting = self.state.apply_queues(data)
        queues = self.query_one(QueueView)
        await queues.set_queues(self.state.queues)
        queues.show(self.state.interactions.values())
        chats = self.query_one(ChatTabs)
        for window in chats.windows:
            if not self.state.has_window(self.state.interactions.get(window.interaction_id)):
                await chats.close(window.interaction_id)
            else:
                # After a resync the stream may have skipped messages: fetch them again.
                window.load_transcript()
        for view in self.state.interactions.values():
            await self._sync_window(view)
        for view in alerting:
            self._announce_alert(view)
        if self.focused is None or isinstance(self.focused, Tabs):
            queues.focus_table()  # rather than the tab strip Textual focused first

    async def _interaction_changed(self, view: InteractionView, previous: InteractionView | None) -> None:
        self.query_one(QueueView).put(view)
        await self._sync_window(view)
        if self.state.newly_alerting(previous, view):
            self._announce_alert(view)
        if view.agent == self.state.user.username:
            self._announce_supervisors(view, previous)

    def _announce_supervisors(self, view: InteractionView, previous: InteractionView | None) -> None:
        """Tell the agent when a supervisor starts coaching them or barges into their chat."""
        before = {(s.username, s.mode) for s in previous.supervisors} if previous else set()
        for supervisor in view.supervisors:
            if (supervisor.username, supervisor.mode) in before:
                continue
            if supervisor.mode == "coach":
                text = f"{supervisor.name} is coaching you on the chat with {view.remote_name} (the visitor does not see it)."
            else:
                text = f"{supervisor.name} joined your chat with {view.remote_name}."
            self.notify(text, title="Supervisor", timeout=8)

    async def _sync_window(self, view: InteractionView) -> None:
        """Open, update or close the chat or callback window so it matches the interaction."""
        chats = self.query_one(ChatTabs)
        if self.state.has_window(view):
            window = await chats.open(view, self.client, me=self.state.user)
            if isinstance(window, CallbackWindow):
                window.make_call_hint = f"{self.key_for('callback-make-call', 'alt+m')} makes the call"
            chats.update_view(view)
            if view.id in self._focus_when_open:
                self._focus_when_open.discard(view.id)
                chats.activate(view.id)
        elif chats.get(view.id) is not None:
            await chats.close(view.id)
            if view.state in (CONNECTED, HELD):
                # I left a conference, or handed the chat over: it goes on without me.
                self.notify(f"The chat with {view.remote_name} goes on with {view.agent_name}.",
                            title="Left the conference")
                return
            if view.state == SNOOZED and view.callback is not None:
                self.notify(f"{view.remote_name} waits in {view.workgroup}, "
                            f"{snooze_left(view.callback, self.app.clock())} ({retries_used(view.callback)}).",
                            title="Callback snoozed")
                return
            where = f"waits in {view.workgroup}" if view.state == WAITING else f"alerts {view.agent_name}"
            kind = "Callback" if is_callback(view) else "Chat"
            self.notify(f"{view.remote_name} now {where}.", title=f"{kind} transferred")

    def _announce_alert(self, view: InteractionView) -> None:
        key = self.key_for("pickup-alerting", "alt+a")
        if self.state.invited(view):
            decline = self.key_for("conference-decline", "alt+z")
            self.notify(f"{view.agent_name} invites you into the chat with {view.remote_name} · "
                        f"{view.workgroup or 'direct'} — press {key} to join, {decline} to decline.",
                        title="Conference invitation", severity="warning", timeout=10)
        elif is_callback(view):
            self.notify(f"Callback request from {view.remote_name} · {view.workgroup} — press {key} to pick up.",
                        title="Callback alerting", severity="warning", timeout=10)
        else:
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
        window = self.query_one(ChatTabs).active
        self.set_class(isinstance(window, ChatWindow) and window.sidebar is not None, "-sidebar-open")
        self.refresh_bindings()

    # -- actions ---------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in CHAT_ACTIONS:
            window = self.query_one(ChatTabs).active
            if window is None or CHAT_ACTIONS[action] not in window.view.actions:
                return False
            if isinstance(window, CallbackWindow) and action in CHAT_ONLY:
                return False
            if action in CALLBACK_ONLY and not isinstance(window, CallbackWindow):
                return False
            return not (action == "make_call" and window.interaction_id in self._dialing)
        if action == "pickup_alerting":
            return self.state.first_alerting() is not None
        if action == "decline_invitation":
            return self.state.invited(self.state.first_alerting())
        if action == "next_unread":
            return any(w.unread for w in self.query_one(ChatTabs).windows)
        if action == "switch_chat":
            return len(self.query_one(ChatTabs).windows) >= int(parameters[0])  # type: ignore[call-overload]
        if action == "toggle_sidebar":
            return isinstance(self.query_one(ChatTabs).active, ChatWindow)
        return True

    def action_toggle_sidebar(self, which: str) -> None:
        if isinstance(window := self.query_one(ChatTabs).active, ChatWindow):
            window.toggle_sidebar("faq" if which == "faq" else "responses")

    def action_change_status(self) -> None:
        current = self.state.status.status if self.state.status else None

        def chosen(status_id: str | None) -> None:
            if status_id and status_id != current:
                self.set_status(status_id)

        self.app.push_screen(StatusPicker(self.state.selectable_statuses(), current), chosen)

    def action_desktop_chat(self) -> None:
        self.desk.open()

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

        self.app.push_screen(TransferDialog(self.client, window.view.remote_name, self.state.user.username,
                                            callback=isinstance(window, CallbackWindow)), chosen)

    def action_conference(self) -> None:
        window = self.query_one(ChatTabs).active
        if window is None:
            return
        interaction_id = window.interaction_id

        def chosen(target: dict[str, str] | None) -> None:
            if target and "cancel" in target:
                self.act(interaction_id, "cancel_invitation", {"agent": target["cancel"]})
            elif target:
                self.act(interaction_id, "conference", target)

        participants = window.view.participants
        self.app.push_screen(ConferenceDialog(
            self.client, window.view.remote_name, self.state.user.username,
            present=frozenset(p.username for p in participants if p.role != "invited"),
            invited=frozenset(p.username for p in participants if p.role == "invited"),
        ), chosen)

    def action_decline_invitation(self) -> None:
        if self.state.invited(view := self.state.first_alerting()) and view is not None:
            self.act(view.id, "decline")

    def action_transfer_callback(self) -> None:
        self.action_transfer()

    def action_make_call(self) -> None:
        if (window := self._active_callback()) is not None and window.interaction_id not in self._dialing:
            self._dialing.add(window.interaction_id)
            self.refresh_bindings()
            self.run_worker(self._make_call(window.interaction_id), group="dial", exit_on_error=False,
                            name=WHAT["make_call"])

    def action_complete_callback(self) -> None:
        self._finish_callback("complete", "Callback Complete")

    def action_fail_callback(self) -> None:
        self._finish_callback("fail", "Attempt Failed")

    def action_retry_later(self) -> None:
        self._act_on_current("retry_later")

    def _active_callback(self) -> CallbackWindow | None:
        window = self.query_one(ChatTabs).active
        return window if isinstance(window, CallbackWindow) else None

    def _finish_callback(self, action: str, title: str) -> None:
        """Ask for a wrap-up code (when the workgroup has any), then record the outcome."""
        window = self._active_callback()
        if window is None:
            return
        interaction_id = window.interaction_id
        codes = window.view.callback.wrap_up_codes if window.view.callback else []

        def chosen(code: str | None) -> None:
            if code is not None:
                self.act(interaction_id, action, {"wrap_up_code": code} if code else None)

        if codes:
            self.app.push_screen(WrapUpDialog(f"{title}: {window.view.remote_name}", codes), chosen)
        else:
            chosen(NO_CODE)

    def action_disconnect(self) -> None:
        window = self.query_one(ChatTabs).active
        if window is None:
            return
        view = window.view
        interaction_id, name = window.interaction_id, view.remote_name

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.act(interaction_id, "disconnect")

        members = [p for p in view.participants if p.role == "member" and p.username != self.state.user.username]
        if self.state.conference_role(view) == "member":
            question = (f"Leave the conference with {name}? The chat goes on with {view.agent_name}.", "Leave")
        elif members:
            question = (f"Leave the chat with {name}? {members[0].name} takes it over; the visitor stays.", "Leave")
        else:
            question = (f"End the chat with {name}? The visitor will be told the chat has ended.", "Disconnect")
        self.app.push_screen(ConfirmDialog("Disconnect", *question), confirmed)

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

        kinds = {"callback" if isinstance(w, CallbackWindow) else "chat" for w in busy}
        kind = kinds.pop() if len(kinds) == 1 else "interaction"
        what = f"1 {kind} is" if len(busy) == 1 else f"{len(busy)} {kind}s are"
        self.app.push_screen(
            ConfirmDialog("Sign out", f"{what} still in progress; those visitors will be left waiting. "
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

    def act(self, interaction_id: str, action: str, body: dict[str, str] | None = None) -> Worker[None]:
        """Ask the server for ``action``; a refusal becomes a notification and changes nothing."""
        return self.run_worker(self._act(interaction_id, action, body), group="act", exit_on_error=False,
                               name=WHAT.get(action, "change the interaction"))

    async def _act(self, interaction_id: str, action: str, body: dict[str, str] | None) -> None:
        view = await self.client.act(interaction_id, action, **(body or {}))
        if action == "dismiss" or not view.queues:
            # Dismissed, or a conference left or declined: it is no longer mine to see.
            self.state.remove_interaction(interaction_id)
            self.query_one(QueueView).remove(interaction_id)
            await self.query_one(ChatTabs).close(interaction_id)
        else:
            await self._apply_reply(view)
        if action == "unhold":
            self.query_one(ChatTabs).activate(interaction_id)
        self.refresh_bindings()

    async def _make_call(self, interaction_id: str) -> None:
        """Record the attempt on the server, then dial; the window shows how the call went."""
        chats = self.query_one(ChatTabs)
        try:
            view = await self.client.act(interaction_id, "make_call")
            await self._apply_reply(view)
            number = view.callback.telephone if view.callback else view.remote_address
            if isinstance(window := chats.get(interaction_id), CallbackWindow):
                window.dialing(number)
            try:
                result = await self.dialer.dial(number)
            except Exception as exc:  # noqa: BLE001 - a dialer must never take the console down
                result = DialResult(False, f"The dialer failed: {exc.__class__.__name__}: {exc}")
        finally:
            self._dialing.discard(interaction_id)
            self.refresh_bindings()
        if isinstance(window := chats.get(interaction_id), CallbackWindow):
            window.dialed(result)
        if not result.ok:
            self.notify(result.message, title="Call not placed", severity="error", timeout=10)

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

