"""One chat with a visitor: header, transcript, typing indicator and reply line."""

from __future__ import annotations

from collections.abc import Iterable

from textual import events, on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.timer import Timer
from textual.widgets import Input, Label

from console.client import AgentClient, ApiError
from console.tui.model import CONNECTED, DISCONNECTED, HELD
from console.tui.network import ReportsWorkerErrors
from console.tui.widgets.chat.transcript import Transcript
from console.wire import MAX_MESSAGE_CHARS, InteractionView, TranscriptEntry

TYPING_IDLE_SECONDS = 5.0
"""After this long without a keystroke the visitor stops seeing "agent is typing"."""


class ChatInput(Input):
    """The reply line: Enter sends; the text stays until the server has taken it."""

    HELP = """\
## Reply

Type your answer and press **Enter** to send it. If the server cannot be reached,
the text stays here so you can send it again.

The visitor sees that you are typing while you type.
"""

    async def _on_key(self, event: events.Key) -> None:
        # Terminals send alt+letter as a printable letter; those keys are chat actions
        # (alt+h hold, alt+1 first chat, ...), so leave them to the bindings.
        if event.key.startswith("alt+"):
            event.prevent_default()


class ChatWindow(ReportsWorkerErrors, Vertical):
    """A conversation with one visitor, kept current by the agent screen.

    The screen hands in interaction updates (``update_view``), transcript entries
    (``add_entries``) and visitor typing (``visitor_typing``); the window itself
    loads the transcript, sends replies and reports the agent's typing.
    """

    HELP = """\
## Chat

The conversation with one visitor. Times are local.
**Enter** in the reply line sends. Actions on the chat (hold, transfer,
disconnect, close) are listed below and in the command palette (**ctrl+p**).
"""

    DEFAULT_CSS = """
    ChatWindow {
        height: 1fr;
        #chat-header {
            height: 1;
            padding: 0 1;
            background: $panel;
            #chat-name { text-style: bold; padding-right: 1; }
            #chat-state {
                padding: 0 1;
                color: $background;
                background: $status-available;
                &.-held { background: $held; }
                &.-disconnected { background: $disconnected; }
            }
            #chat-detail { color: $text-muted; padding-left: 1; }
        }
        #typing { height: 1; padding: 0 1; color: $text-muted; text-style: italic; }
        ChatInput {
            &.-sending { color: $text-muted; }
        }
    }
    """

    visitor_is_typing: reactive[bool] = reactive(False)
    """Whether the visitor is typing right now."""

    def __init__(self, view: InteractionView, client: AgentClient, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.view = view
        self.client = client
        self.unread = 0
        self._typing_reported = False
        self._idle_timer: Timer | None = None
        self._sending = False
        self._early: list[TranscriptEntry] = []
        """Entries that arrived while the window was still being mounted."""

    @property
    def interaction_id(self) -> str:
        return self.view.id

    def compose(self) -> ComposeResult:
        with Horizontal(id="chat-header"):
            yield Label(self.view.remote_name, id="chat-name")
            yield Label(id="chat-state")
            yield Label(id="chat-detail")
        yield Transcript(id="transcript")
        yield Label("", id="typing")
        yield ChatInput(id="chat-input", max_length=MAX_MESSAGE_CHARS)

    def on_mount(self) -> None:
        self.update_view(self.view)
        self.add_entries(self._early)
        self._early.clear()
        self.load_transcript()

    # -- fed by the screen ---------------------------------------------------------------
    def update_view(self, view: InteractionView) -> None:
        self.view = view
        if not self.is_mounted:
            return  # on_mount shows it
        state = self.query_one("#chat-state", Label)
        state.update(view.state)
        state.set_class(view.state == HELD, "-held")
        state.set_class(view.state == DISCONNECTED, "-disconnected")
        detail = f"{view.workgroup} · #{view.id}" + (f" · {view.remote_address}" if view.remote_address else "")
        for supervisor in view.supervisors:
            # Monitoring is silent; coaching and barging in are shown to the agent.
            detail += f" · {supervisor.name} " + ("coaching you" if supervisor.mode == "coach" else "in the chat")
        self.query_one("#chat-detail", Label).update(detail)
        reply = self.query_one(ChatInput)
        reply.disabled = view.state != CONNECTED
        reply.placeholder = {
            CONNECTED: f"Message {view.remote_name} — Enter sends",
            HELD: "On hold — take the chat off hold to reply",
            DISCONNECTED: "The chat has ended — close it when you are done",
        }.get(view.state, "")
        if view.state != CONNECTED:
            # The server ignores typing reports now; start afresh once connected again.
            self._stop_typing_timer()
            self._typing_reported = False
        if view.state == DISCONNECTED:
            self.visitor_is_typing = False

    def add_entries(self, entries: Iterable[TranscriptEntry]) -> list[TranscriptEntry]:
        """Show new entries; returns those not seen before."""
        if not self.is_mounted:
            self._early.extend(entries)
            return []
        return self.query_one(Transcript).add(entries)

    def visitor_typing(self, typing: bool) -> None:
        self.visitor_is_typing = typing and self.view.state in (CONNECTED, HELD)

    def watch_visitor_is_typing(self, typing: bool) -> None:
        if not self.is_mounted:
            return
        self.query_one("#typing", Label).update(f"{self.view.remote_name} is typing…" if typing else "")

    def focus_reply(self) -> None:
        reply = self.query_one(ChatInput)
        if reply.disabled:
            self.query_one(Transcript).focus()
        else:
            reply.focus()

    @property
    def draft(self) -> str:
        return self.query_one(ChatInput).value

    # -- server calls ----------------------------------------------------------------------
    @work(group="transcript", exclusive=True, exit_on_error=False, name="load the transcript")
    async def load_transcript(self) -> None:
        detail = await self.client.interaction(self.interaction_id)
        self.add_entries(detail.transcript)
        self.visitor_typing(detail.visitor_typing)

    @on(Input.Submitted, "#chat-input")
    def _on_submit(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip() and not self._sending:
            self.send_message(event.value)

    @work(group="send", exit_on_error=False, name="send the message")
    async def send_message(self, text: str) -> None:
        reply = self.query_one(ChatInput)
        self._sending = True
        reply.add_class("-sending")
        try:
            entry = await self.client.send_message(self.interaction_id, text)
        finally:
            self._sending = False
            reply.remove_class("-sending")
        # The server clears the agent's typing state when a message arrives.
        self._typing_reported = False
        self._stop_typing_timer()
        if reply.value.startswith(text):
            reply.value = reply.value[len(text):]
        self.add_entries([entry])

    @on(Input.Changed, "#chat-input")
    def _on_change(self, event: Input.Changed) -> None:
        event.stop()
        if self._sending:
            return
        if not event.value.strip():
            self._stop_typing_timer()
            if self._typing_reported:
                self._typing_reported = False
                self.report_typing(False)
            return
        self._stop_typing_timer()
        self._idle_timer = self.set_timer(TYPING_IDLE_SECONDS, self._typing_went_idle)
        if not self._typing_reported:
            self._typing_reported = True
            self.report_typing(True)

    def _typing_went_idle(self) -> None:
        self._idle_timer = None
        if self._typing_reported:
            self._typing_reported = False
            self.report_typing(False)

    def _stop_typing_timer(self) -> None:
        if self._idle_timer is not None:
            self._idle_timer.stop()
            self._idle_timer = None

    @work(group="typing", exclusive=True, exit_on_error=False)
    async def report_typing(self, typing: bool) -> None:
        try:
            await self.client.set_typing(self.interaction_id, typing)
        except ApiError:
            # Typing is a courtesy to the visitor; a lost one is not worth an error.
            pass
