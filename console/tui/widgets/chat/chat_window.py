"""One chat with a visitor: header, transcript, typing indicator, reply line and sidebars.

The sidebars (Responses and e-FAQ) open beside the transcript; what they insert lands in
the reply line, where ``/shortcut`` codes also expand into stored responses.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal

from textual import events, on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.timer import Timer
from textual.widgets import ContentSwitcher, Input, Label

from console.client import AgentClient, ApiError
from console.client.library import LibraryClient
from console.tui.model import CONNECTED, DISCONNECTED, HELD, conference_line
from console.tui.network import ReportsWorkerErrors
from console.tui.widgets.chat.transcript import Transcript
from console.tui.widgets.faq import FaqPanel
from console.tui.widgets.interaction_header import InteractionHeader
from console.tui.widgets.responses import ResponsesPanel
from console.wire import MAX_MESSAGE_CHARS, InteractionView, TranscriptEntry, UserInfo

TYPING_IDLE_SECONDS = 5.0
"""After this long without a keystroke the visitor stops seeing "agent is typing"."""

SHORTCUT_TYPED = re.compile(r"(?:^|\s)(/([A-Za-z0-9][A-Za-z0-9_-]{0,31})) $")
"""``/code`` followed by the space just typed, at the end of the reply: expand it."""
LONE_SHORTCUT = re.compile(r"\s*/([A-Za-z0-9][A-Za-z0-9_-]{0,31})\s*")
"""A reply that is only ``/code``: Enter uses that response instead of sending the text."""
NARROW_BODY = 72
"""Below this many columns an open sidebar takes the whole width beside the reply line."""

Sidebar = Literal["responses", "faq"]


class ChatInput(Input):
    """The reply line: Enter sends; the text stays until the server has taken it."""

    HELP = """\
## Reply

Type your answer and press **Enter** to send it. If the server cannot be reached,
the text stays here so you can send it again.

The visitor sees that you are typing while you type.

**/shortcut** and a space expand a stored response (its placeholders filled in);
**/shortcut** alone and **Enter** sends a link or file response. A placeholder nothing
could fill stays marked, and the reply is not sent until you replace it.
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
**Enter** in the reply line sends. Actions on the chat (hold, transfer, conference,
disconnect, close) are listed below and in the command palette (**ctrl+p**).
In a conference the line under the header names everyone in the chat; each
message shows who wrote it.

**F3** opens stored **Responses** beside the transcript, **F4** the **e-FAQ**
knowledge base; the same key again (or **escape**) takes you back to the reply.
"""

    DEFAULT_CSS = """
    ChatWindow {
        height: 1fr;
        #chat-conference {
            width: 100%;
            height: auto;
            padding: 0 1;
            background: $panel;
            color: $text-accent;
            display: none;
        }
        &.-conference #chat-conference { display: block; }
        #typing { height: 1; padding: 0 1; color: $text-muted; text-style: italic; }
        #unfilled { height: auto; padding: 0 1; color: $warning; display: none; }
        &.-unfilled #unfilled { display: block; }
        ChatInput {
            &.-sending { color: $text-muted; }
            &.-unfilled { border: tall $warning; }
        }
        #chat-body { height: 1fr; }
        #chat-main { width: 1fr; height: 1fr; }
        #chat-sidebar {
            display: none;
            width: 45%;
            min-width: 32;
            max-width: 60;
            height: 1fr;
            border-left: vkey $primary 50%;
            background: $surface;
        }
        &.-sidebar #chat-sidebar { display: block; }
        &.-sidebar.-narrow {
            #chat-main { display: none; }
            #chat-sidebar { width: 1fr; max-width: 100%; border-left: none; }
        }
    }
    """

    visitor_is_typing: reactive[bool] = reactive(False)
    """Whether the visitor is typing right now."""

    def __init__(self, view: InteractionView, client: AgentClient, *, me: UserInfo | None = None,
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self.view = view
        self.client = client
        self.me = me.username if me is not None else None
        """Who the console belongs to: named "you" in the conference line."""
        self.unread = 0
        self._typing_reported = False
        self._idle_timer: Timer | None = None
        self._sending = False
        self._early: list[TranscriptEntry] = []
        """Entries that arrived while the window was still being mounted."""
        self.library = LibraryClient(client)
        self.unfilled: list[str] = []
        """Placeholders of an inserted response that nothing could fill, while still in the reply."""

    @property
    def interaction_id(self) -> str:
        return self.view.id

    def compose(self) -> ComposeResult:
        yield InteractionHeader(self.view.remote_name, prefix="chat", id="chat-header")
        yield Label("", id="chat-conference")
        with Horizontal(id="chat-body"):
            with Vertical(id="chat-main"):
                yield Transcript(id="transcript")
                yield Label("", id="typing")
            yield ContentSwitcher(id="chat-sidebar")
        yield Label("", id="unfilled")
        # Text inserted from a sidebar must not end up selected (the next key would replace it).
        yield ChatInput(id="chat-input", max_length=MAX_MESSAGE_CHARS, select_on_focus=False)

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
        detail = f"{view.workgroup} · #{view.id}" + (f" · {view.remote_address}" if view.remote_address else "")
        for supervisor in view.supervisors:
            # Monitoring is silent; coaching and barging in are shown to the agent.
            detail += f" · {supervisor.name} " + ("coaching you" if supervisor.mode == "coach" else "in the chat")
        self.query_one(InteractionHeader).show(view.state, detail)
        # Who else is in the chat (a conference) gets a line of its own: it must stay readable at 80 columns.
        conference = conference_line(view, self.me)
        self.query_one("#chat-conference", Label).update(conference)
        self.set_class(bool(conference), "-conference")
        reply = self.query_one(ChatInput)
        reply.disabled = view.state != CONNECTED
        keys = getattr(self.app, "key_hint", None)
        sidebars = (f" · {keys('responses-toggle', 'f3')} responses · {keys('faq-toggle', 'f4')} e-FAQ"
                    if keys is not None else "")
        reply.placeholder = {
            CONNECTED: f"Message {view.remote_name} — Enter sends{sidebars}",
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
        if not event.value.strip() or self._sending:
            return
        if (lone := LONE_SHORTCUT.fullmatch(event.value)) is not None:
            self.use_shortcut(lone.group(1))
            return
        left = [p for p in self.unfilled if p in event.value]
        if left:
            self.notify(f"Replace {', '.join(left)} before sending: nothing could fill it in.",
                        title="Not sent", severity="warning")
            return
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
        reply.value = reply.value.removeprefix(text)
        self.add_entries([entry])

    @on(Input.Changed, "#chat-input")
    def _on_change(self, event: Input.Changed) -> None:
        event.stop()
        self._show_unfilled()
        if self._sending:
            return
        if (typed := SHORTCUT_TYPED.search(event.value)) is not None:
            self.expand_shortcut(typed.group(2), typed.start(1), typed.end(1) + 1)
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

    # -- sidebars: Responses and e-FAQ ------------------------------------------------------------
    @property
    def sidebar(self) -> Sidebar | None:
        """Which sidebar is open, if any."""
        if not self.has_class("-sidebar"):
            return None
        current = self.query_one("#chat-sidebar", ContentSwitcher).current
        return "responses" if current == "responses-panel" else "faq" if current == "faq-panel" else None

    def toggle_sidebar(self, which: Sidebar) -> None:
        """Open ``which`` (and put the cursor in its search box), or close it when it has the focus."""
        switcher = self.query_one("#chat-sidebar", ContentSwitcher)
        focused = self.screen.focused
        inside = focused is not None and switcher in focused.ancestors
        if self.sidebar == which and inside:
            self.close_sidebar()
            return
        panel_id = f"{which}-panel"
        if not switcher.query_children(f"#{panel_id}"):
            # Made on first use: a chat whose agent never opens a sidebar loads nothing.
            panel = (ResponsesPanel(self.library, self.interaction_id, id=panel_id) if which == "responses"
                     else FaqPanel(self.library, id=panel_id))
            switcher.mount(panel)
        switcher.current = panel_id
        self.add_class("-sidebar")
        self._sync_screen_class()
        self.call_after_refresh(self._focus_sidebar_search, panel_id)

    def _focus_sidebar_search(self, panel_id: str) -> None:
        for search in self.query(f"#{panel_id} Input"):
            search.focus()
            return

    def close_sidebar(self) -> None:
        self.remove_class("-sidebar")
        self._sync_screen_class()
        self.focus_reply()

    def _sync_screen_class(self) -> None:
        """The screen gives the conversation more room while a sidebar is open (``-sidebar-open``)."""
        self.screen.set_class(self.has_class("-sidebar"), "-sidebar-open")

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width < NARROW_BODY, "-narrow")

    @on(ResponsesPanel.Leave)
    @on(FaqPanel.Leave)
    def _leave_sidebar(self, event) -> None:
        event.stop()
        if self.has_class("-narrow"):
            self.close_sidebar()  # it hides the transcript: close it
        self.focus_reply()

    @on(ResponsesPanel.Inserted)
    def _response_inserted(self, event: ResponsesPanel.Inserted) -> None:
        event.stop()
        self.insert_into_reply(event.text, event.unknown)

    @on(FaqPanel.Inserted)
    def _faq_inserted(self, event: FaqPanel.Inserted) -> None:
        event.stop()
        self.insert_into_reply(event.text)

    @on(ResponsesPanel.Sent)
    def _response_sent(self, event: ResponsesPanel.Sent) -> None:
        event.stop()
        self.add_entries([event.entry])

    def insert_into_reply(self, text: str, unknown: Iterable[str] = ()) -> None:
        """Put ``text`` into the reply line at the cursor, for the agent to edit and send."""
        reply = self.query_one(ChatInput)
        before = reply.value[:reply.cursor_position]
        if before and not before.endswith(" "):
            text = " " + text
        reply.insert_text_at_cursor(text)
        self.unfilled = list(dict.fromkeys([*self.unfilled, *unknown]))
        self._show_unfilled()
        if reply.disabled:
            self.notify("The text is in the reply line; you can send it once the chat is connected.",
                        severity="information", timeout=4)
        else:
            self.focus_reply()
        if self.has_class("-narrow"):
            self.close_sidebar()

    def _show_unfilled(self) -> None:
        """Mark the reply while it holds placeholders nothing could fill."""
        if not self.is_mounted:
            return
        value = self.query_one(ChatInput).value
        self.unfilled = [p for p in self.unfilled if p in value]
        flagged = bool(self.unfilled)
        self.set_class(flagged, "-unfilled")
        self.query_one(ChatInput).set_class(flagged, "-unfilled")
        self.query_one("#unfilled", Label).update(
            f"⚠ Nothing fills {', '.join(self.unfilled)}: replace it before sending." if flagged else ""
        )

    # -- shortcut codes in the reply line ---------------------------------------------------------------
    @work(group="shortcut", exclusive=True, exit_on_error=False, name="expand the shortcut")
    async def expand_shortcut(self, code: str, start: int, end: int) -> None:
        """``/code `` was typed: replace it with the response, filled in, if it is a message."""
        typed = f"/{code} "
        try:
            filled = await self.library.insert(self.interaction_id, shortcut=code)
        except ApiError as exc:
            if exc.code in ("response.shortcut_unknown", "response.shortcut_invalid"):
                return  # just a word starting with a slash
            raise
        reply = self.query_one(ChatInput)
        if reply.value[start:end] != typed:
            return  # the agent changed it meanwhile
        if filled.kind != "message":
            self.notify(f"/{code} is a {'link' if filled.kind == 'url' else 'file'} ({filled.title}): "
                        f"send it with /{code} alone and Enter.", timeout=5)
            return
        reply.replace(filled.text + " ", start, end)
        self.unfilled = list(dict.fromkeys([*self.unfilled, *filled.unknown_placeholders]))
        self._show_unfilled()

    @work(group="shortcut", exclusive=True, exit_on_error=False, name="use the shortcut")
    async def use_shortcut(self, code: str) -> None:
        """Enter on ``/code`` alone: a message goes into the reply to review; a link or file is sent."""
        reply = self.query_one(ChatInput)
        typed = reply.value
        try:
            filled = await self.library.insert(self.interaction_id, shortcut=code)
        except ApiError as exc:
            if exc.code in ("response.shortcut_unknown", "response.shortcut_invalid"):
                self.notify(f"No response has the shortcut /{code}.", severity="warning")
                return
            raise
        if filled.kind == "message":
            if reply.value == typed:
                reply.value = filled.text
                reply.cursor_position = len(filled.text)
                self.unfilled = list(filled.unknown_placeholders)
                self._show_unfilled()
            return
        sent = await self.library.send(self.interaction_id, shortcut=code)
        if reply.value == typed:
            reply.value = ""
        self.add_entries([sent.entry])
