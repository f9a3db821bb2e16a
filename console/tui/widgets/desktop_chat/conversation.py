"""One desktop-chat conversation: the colleague, the messages and files, typing, the reply line."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input, Label

from console.client.desktop_chat import format_size
from console.tui.desktop_chat_model import OFFLINE, Conversation, DeskState, presence_label
from console.tui.model import format_clock_time
from console.wire import MAX_MESSAGE_CHARS
from console.wire_desktop_chat import DeskMessage

TYPING_IDLE_SECONDS = 5.0
"""After this long without a keystroke the colleague stops seeing "typing"."""


class DeskEntry(Widget):
    """One message or file offer: ``HH:MM:SS Name: text``.

    The class ``-mine`` or ``-theirs`` picks the sender's colour (``$agent-message`` or
    ``$visitor-message``); a file offer carries ``-file`` and says whether it waits,
    was accepted or declined.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {"desk-entry--time", "desk-entry--sender", "desk-entry--file"}

    DEFAULT_CSS = """
    DeskEntry {
        height: auto;
        padding: 0 1;
        & > .desk-entry--time { color: $foreground-muted; }
        &.-mine > .desk-entry--sender { color: $agent-message; text-style: bold; }
        &.-theirs > .desk-entry--sender { color: $visitor-message; text-style: bold; }
        & > .desk-entry--file { color: $accent; text-style: bold; }
    }
    """

    def __init__(self, message: DeskMessage, state: DeskState) -> None:
        mine = message.sender == state.username
        super().__init__(classes=("-mine" if mine else "-theirs") + (" -file" if message.file else ""))
        self.message = message
        self.state = state

    def update_message(self, message: DeskMessage) -> None:
        self.message = message
        self.refresh(layout=True)

    def render(self) -> Content:
        message = self.message
        mine = message.sender == self.state.username
        time_part = (format_clock_time(message.ts), self.get_visual_style("desk-entry--time", partial=True))
        name = "You" if mine else self.state.display_name(message.sender)
        sender = (name, self.get_visual_style("desk-entry--sender", partial=True))
        file = message.file
        if file is None:
            return Content.assemble(time_part, " ", sender, ": ", message.text)
        what = (f"📎 {file.name}", self.get_visual_style("desk-entry--file", partial=True))
        size = f" ({format_size(file.size)})"
        if mine:
            other = self.state.display_name(message.to)
            outcome = {"offered": f" — waiting for {other} to accept",
                       "accepted": f" — {other} accepted it", "declined": f" — {other} declined it"}[file.state]
            return Content.assemble(time_part, " ", sender, " sent ", what, size, outcome)
        outcome = {"offered": " — waiting for your answer", "accepted": " — accepted, saved in your downloads",
                   "declined": " — declined"}[file.state]
        return Content.assemble(time_part, " ", sender, " offers ", what, size, outcome)


class DeskTranscript(VerticalScroll, can_focus=True):
    """The conversation so far in order, each message once; follows new ones unless scrolled back."""

    HELP = """\
## Conversation

Messages with this colleague since you signed in to desktop chat. Scroll with the arrow
keys, **Page Up** / **Page Down**, **Home** / **End**.
"""

    DEFAULT_CSS = """
    DeskTranscript {
        height: 1fr;
        background: $surface;
        scrollbar-size-vertical: 1;
        &:focus { background-tint: $foreground 3%; }
        #desk-empty { color: $text-muted; padding: 0 1; }
    }
    """

    def __init__(self, state: DeskState, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.state = state
        self._entries: dict[int, DeskEntry] = {}

    def on_mount(self) -> None:
        self.anchor()

    @property
    def ids(self) -> list[int]:
        return sorted(self._entries)

    def entry(self, message_id: int) -> DeskEntry | None:
        return self._entries.get(message_id)

    def add(self, messages: Iterable[DeskMessage]) -> None:
        for message in sorted(messages, key=lambda m: m.id):
            existing = self._entries.get(message.id)
            if existing is not None:
                existing.update_message(message)
                continue
            widget = DeskEntry(message, self.state)
            later = [i for i in self._entries if i > message.id]
            self._entries[message.id] = widget
            if later:
                self.mount(widget, before=self._entries[min(later)])
            else:
                self.mount(widget)


class DeskInput(Input):
    """The reply line: Enter sends; the text stays until the server has taken it."""

    HELP = """\
## Reply

Type and press **Enter** to send. If the server refuses (your colleague signed out) or
cannot be reached, the text stays here so you can send it again.
"""

    async def _on_key(self, event: events.Key) -> None:
        # Terminals send alt+letter as a printable letter; those keys are desktop-chat
        # actions (alt+u send a file, alt+1 first conversation, ...), so leave them to the bindings.
        if event.key.startswith("alt+"):
            event.prevent_default()


class DeskConversation(Vertical):
    """A conversation with one colleague, kept current by the desktop-chat screen."""

    DEFAULT_CSS = """
    DeskConversation {
        height: 1fr;
        #desk-header {
            height: 1;
            padding: 0 1;
            background: $panel;
            #desk-name { text-style: bold; padding-right: 1; }
            #desk-presence {
                padding: 0 1;
                color: $background;
                background: $disconnected;
                &.-available { background: $status-available; }
                &.-away { background: $status-away; }
                &.-dnd { background: $status-busy; }
            }
            #desk-detail { color: $text-muted; padding-left: 1; }
        }
        #desk-typing { height: 1; padding: 0 1; color: $text-muted; text-style: italic; }
        #desk-offer { height: auto; width: 1fr; padding: 0 1; color: $accent; display: none; }
        #desk-offer.-shown { display: block; }
        DeskInput.-sending { color: $text-muted; }
    }
    """

    class Send(Message):
        """Enter in the reply line."""

        def __init__(self, conversation: DeskConversation, text: str) -> None:
            super().__init__()
            self.conversation = conversation
            self.text = text

    class Typing(Message):
        """The user started or stopped typing to the colleague."""

        def __init__(self, username: str, typing: bool) -> None:
            super().__init__()
            self.username = username
            self.typing = typing

    def __init__(self, conversation: Conversation, state: DeskState, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.conversation = conversation
        self.state = state
        self.sending = False
        self._typing_reported = False
        self._idle_timer: Timer | None = None
        self._composed = False
        self.offer_hint = ""

    @property
    def username(self) -> str:
        return self.conversation.username

    def compose(self) -> ComposeResult:
        with Horizontal(id="desk-header"):
            yield Label(self.conversation.name, id="desk-name")
            yield Label(id="desk-presence")
            yield Label(self.username, id="desk-detail")
        yield DeskTranscript(self.state, id="desk-transcript")
        yield Label("", id="desk-offer")
        yield Label("", id="desk-typing")
        yield DeskInput(self.conversation.draft, id="desk-input", max_length=MAX_MESSAGE_CHARS)

    def on_mount(self) -> None:
        self._composed = True
        self.show()

    def show(self) -> None:
        """Everything from the state: name, presence, messages, typing, a file waiting for an answer."""
        if not self._composed:
            return  # on_mount shows it
        conversation = self.conversation
        self.query_one("#desk-name", Label).update(conversation.name)
        presence = self.state.presence_of(conversation.username)
        badge = self.query_one("#desk-presence", Label)
        badge.update(presence_label(presence))
        for name in ("available", "away", "dnd"):
            badge.set_class(presence == name, f"-{name}")
        self.query_one(DeskTranscript).add(conversation.ordered())
        self.show_typing()
        offer = conversation.pending_offer(self.state.username)
        hint = self.query_one("#desk-offer", Label)
        if offer is not None and offer.file is not None:
            hint.update(f"📎 {offer.file.name} ({format_size(offer.file.size)}): {self.offer_hint}")
        hint.set_class(offer is not None, "-shown")
        reply = self.query_one(DeskInput)
        if not self.state.signed_in:
            reply.placeholder = "You are signed out of desktop chat — sign in to send messages"
        elif presence == OFFLINE:
            reply.placeholder = f"{conversation.name} is offline: messages reach only signed-in colleagues"
        else:
            reply.placeholder = f"Message {conversation.name} — Enter sends"

    def show_typing(self) -> None:
        if not self._composed:
            return
        typing = self.conversation.typing and self.state.presence_of(self.username) != OFFLINE
        self.query_one("#desk-typing", Label).update(f"{self.conversation.name} is typing…" if typing else "")

    def focus_reply(self) -> None:
        if self._composed:
            self.query_one(DeskInput).focus()

    @property
    def ready(self) -> bool:
        """Its parts are mounted (a tab opens over a refresh or two)."""
        return self._composed

    @property
    def typing_reported(self) -> bool:
        """Whether the colleague was told that I am typing (and not told that I stopped)."""
        return self._typing_reported

    @property
    def draft(self) -> str:
        return self.query_one(DeskInput).value if self._composed else self.conversation.draft

    def sent(self, text: str) -> None:
        """The server took ``text``: it leaves the reply line (what was typed after it stays)."""
        reply = self.query_one(DeskInput)
        if reply.value.startswith(text):
            reply.value = reply.value[len(text):]
        self.conversation.draft = reply.value
        self._typing_reported = False
        self._stop_typing_timer()

    @on(Input.Submitted, "#desk-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip() and not self.sending:
            self.post_message(self.Send(self, event.value))

    @on(Input.Changed, "#desk-input")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self.conversation.draft = event.value
        if self.sending:
            return
        self._stop_typing_timer()
        if not event.value.strip():
            if self._typing_reported:
                self._typing_reported = False
                self.post_message(self.Typing(self.username, False))
            return
        self._idle_timer = self.set_timer(TYPING_IDLE_SECONDS, self._went_idle)
        if not self._typing_reported:
            self._typing_reported = True
            self.post_message(self.Typing(self.username, True))

    def _went_idle(self) -> None:
        self._idle_timer = None
        if self._typing_reported:
            self._typing_reported = False
            self.post_message(self.Typing(self.username, False))

    def _stop_typing_timer(self) -> None:
        if self._idle_timer is not None:
            self._idle_timer.stop()
            self._idle_timer = None
