"""One callback request: the visitor, the subject, the calls made, retries and outcome."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widget import Widget

from console.client import AgentClient
from console.client.dialer import DialResult
from console.tui.model import DISCONNECTED, format_clock_time, outcome_text
from console.tui.network import ReportsWorkerErrors
from console.tui.widgets.interaction_header import InteractionHeader
from console.wire import InteractionView, TranscriptEntry, UserInfo

OUTCOMES = ("success", "failure", "cancelled")
"""Outcomes with a colour of their own (component classes ``callback-summary--<outcome>``)."""


class CallbackSummary(Widget):
    """Everything known about a callback, as label / value lines, then its history.

    Fed by ``CallbackWindow``; it keeps no state of its own beyond what it draws.
    Colours come from the theme through the component classes.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "callback-summary--label",
        "callback-summary--muted",
        "callback-summary--telephone",
        "callback-summary--success",
        "callback-summary--failure",
        "callback-summary--cancelled",
        "callback-summary--history",
    }

    DEFAULT_CSS = """
    CallbackSummary {
        height: auto;
        padding: 0 1;
        & > .callback-summary--label { color: $text-muted; text-style: bold; }
        & > .callback-summary--muted { color: $text-muted; }
        & > .callback-summary--telephone { text-style: bold; }
        & > .callback-summary--success { color: $status-available; text-style: bold; }
        & > .callback-summary--failure { color: $status-busy; text-style: bold; }
        & > .callback-summary--cancelled { color: $status-busy; text-style: bold; }
        & > .callback-summary--history { color: $system-message; }
    }
    """

    def __init__(self, window: CallbackWindow, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._window = window

    def _style(self, name: str) -> str:
        return self.get_component_rich_style(f"callback-summary--{name}", partial=True)

    def render(self) -> RenderableType:
        window = self._window
        view, callback = window.view, window.view.callback
        muted = self._style("muted")
        grid = Table.grid(padding=(0, 1), expand=True)
        grid.add_column(style=self._style("label"), no_wrap=True, width=10)
        grid.add_column(ratio=1, overflow="fold")
        if callback is None:  # cannot happen for a callback; keeps the window readable anyway
            grid.add_row("Telephone", view.remote_address)
            return grid

        if callback.outcome:
            style = self._style(callback.outcome) if callback.outcome in OUTCOMES else ""
            grid.add_row("Outcome", Text(outcome_text(callback), style=style))
        grid.add_row("Telephone", Text(callback.telephone, style=self._style("telephone")))
        grid.add_row("Subject", Text(callback.subject) if callback.subject.strip()
                     else Text("(the visitor gave no subject)", style=muted))
        if view.attributes:
            grid.add_row("Attributes", Text("\n".join(f"{k}: {v}" for k, v in sorted(view.attributes.items()))))

        calls = Text()
        for number, attempt in enumerate(callback.attempts, start=1):
            if number > 1:
                calls.append("\n")
            calls.append(f"{number}. {format_clock_time(float(attempt.get('at', 0)))}  ")
            calls.append(window.agent_name(str(attempt.get("agent", ""))))
            if attempt.get("telephone") and attempt["telephone"] != callback.telephone:
                calls.append(f"  {attempt['telephone']}", style=muted)
        if not callback.attempts:
            calls.append("none yet", style=muted)
            if window.make_call_hint and view.state != DISCONNECTED:
                calls.append(f" — {window.make_call_hint}", style=muted)
        grid.add_row("Calls", calls)

        retries = Text(f"{callback.snoozes} of {callback.retries_allowed} used")
        if callback.retries_left == 0 and view.state != DISCONNECTED:
            retries.append(" — complete it or mark the attempt failed", style=muted)
        grid.add_row("Retries", retries)

        if window.dial_message:
            style = self._style("failure") if window.dial_failed else ""
            grid.add_row("Call", Text(window.dial_message, style=style))

        history = window.history
        if history:
            grid.add_row("", "")
            lines = Text(style=self._style("history"))
            for index, entry in enumerate(history):
                if index:
                    lines.append("\n")
                lines.append(f"{format_clock_time(entry.ts)}  {entry.text}")
            grid.add_row("History", lines)
        return grid


class CallbackWindow(ReportsWorkerErrors, Vertical):
    """A callback request of mine, kept current by the agent screen.

    The screen hands in interaction updates (``update_view``), transcript entries
    (``add_entries``) and what the dialer is doing (``dialing`` / ``dialed``); the
    window loads the transcript itself. The actions (Make Call, Callback Complete,
    Attempt Failed, Retry Later, Transfer, Close) are the agent screen's bindings.
    """

    HELP = """\
## Callback

A visitor asked to be called back. **Make Call** records the attempt and dials the
number; then record what happened: **Callback Complete** (you reached them),
**Attempt Failed**, or **Retry Later** (the callback goes back to its workgroup and
returns after the workgroup's time between callbacks). Completing or failing asks
for a wrap-up code. Times are local.

The keys are listed below and in the command palette (**ctrl+p**).
"""

    DEFAULT_CSS = """
    CallbackWindow {
        height: 1fr;
        #callback-body {
            height: 1fr;
            background: $surface;
            scrollbar-size-vertical: 1;
            &:focus { background-tint: $foreground 3%; }
        }
    }
    """

    def __init__(self, view: InteractionView, client: AgentClient, *, me: UserInfo | None = None,
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self.view = view
        self.client = client
        self.unread = 0
        self.make_call_hint = ""
        """How to make the call, e.g. ``alt+m makes the call``; set by the screen."""
        self.dial_message = ""
        self.dial_failed = False
        self._me = me
        self._entries: dict[int, TranscriptEntry] = {}

    @property
    def interaction_id(self) -> str:
        return self.view.id

    @property
    def draft(self) -> str:
        return ""  # nothing typed in a callback window can be lost

    @property
    def history(self) -> list[TranscriptEntry]:
        return [self._entries[seq] for seq in sorted(self._entries)]

    def agent_name(self, username: str) -> str:
        if self._me is not None and username == self._me.username:
            return self._me.name
        return username or "unknown agent"

    def compose(self) -> ComposeResult:
        yield InteractionHeader(f"☎ {self.view.remote_name}", prefix="callback", id="callback-header")
        with VerticalScroll(id="callback-body", can_focus=True):
            yield CallbackSummary(self, id="callback-summary")

    def on_mount(self) -> None:
        self.update_view(self.view)
        self.load_transcript()

    # -- fed by the screen ---------------------------------------------------------------
    def update_view(self, view: InteractionView) -> None:
        self.view = view
        if not self.is_mounted:
            return  # on_mount shows it
        self.query_one(InteractionHeader).show(view.state, f"{view.workgroup or 'no workgroup'} · #{view.id}")
        self._redraw()

    def add_entries(self, entries: Iterable[TranscriptEntry]) -> list[TranscriptEntry]:
        """Add transcript entries to the history; returns those not seen before."""
        new = [e for e in entries if e.seq not in self._entries]
        for entry in new:
            self._entries[entry.seq] = entry
        if new:
            self._redraw()
        return new

    def visitor_typing(self, typing: bool) -> None:
        """Callback visitors do not type; here so the screen can treat windows alike."""

    def dialing(self, number: str) -> None:
        self.dial_failed = False
        self.dial_message = f"Dialing {number}…"
        self._redraw()

    def dialed(self, result: DialResult) -> None:
        self.dial_failed = not result.ok
        self.dial_message = result.message
        self._redraw()

    def focus_reply(self) -> None:
        """Put the keyboard in the window (its scrollable body: there is nothing to type)."""
        self.query_one("#callback-body").focus()

    @property
    def text(self) -> str:
        """What the window says, as plain text (for tests and screen readers' sake)."""
        summary = self.query_one(CallbackSummary)
        console = self.app.console
        lines = console.render_lines(summary.render(), console.options.update_width(max(20, summary.size.width or 78)))
        return "\n".join("".join(segment.text for segment in line).rstrip() for line in lines)

    def _redraw(self) -> None:
        if self.is_mounted:
            self.query_one(CallbackSummary).refresh(layout=True)

    # -- server calls ----------------------------------------------------------------------
    @work(group="transcript", exclusive=True, exit_on_error=False, name="load the callback's history")
    async def load_transcript(self) -> None:
        detail = await self.client.interaction(self.interaction_id)
        self.add_entries(detail.transcript)
