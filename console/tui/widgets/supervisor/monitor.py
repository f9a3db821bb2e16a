"""A chat as a supervisor follows it: the live transcript, and a line to coach or speak."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label

from console.tui.widgets.chat.transcript import Transcript
from console.wire import MAX_MESSAGE_CHARS, InteractionView, TranscriptEntry

MODE_LABELS = {"monitor": "Monitoring", "coach": "Coaching", "barge": "In the chat"}
MODE_HINTS = {
    "monitor": "Monitoring is silent and read-only — {coach} to coach the agent, {barge} to barge in",
    "coach": "Coach {agent} — only the agent sees this; the visitor never does",
    "barge": "Message to the chat — {visitor} and {agent} both see it",
}


class ChatMonitor(Vertical):
    """The chat the supervisor joined; empty until they do."""

    HELP = """\
## Monitor

The chat you are following. **Monitor** is silent: neither the agent nor the visitor
knows. **Coach** tells the agent (only the agent) you are there, and what you type
reaches the agent alone. **Barge** joins the chat: the visitor sees you join and reads
what you type. Leave with the key in the footer.
"""

    DEFAULT_CSS = """
    ChatMonitor {
        height: 1fr;
        #monitor-header {
            height: 1;
            padding: 0 1;
            background: $panel;
            #monitor-mode { padding: 0 1; color: $background; background: $held; text-style: bold; }
            #monitor-mode.-coach { background: $status-away; }
            #monitor-mode.-barge { background: $status-busy; }
            #monitor-who { padding-left: 1; text-style: bold; }
            #monitor-detail { padding-left: 1; color: $text-muted; }
        }
        #monitor-empty { padding: 1 2; color: $text-muted; }
        #monitor-input { height: 3; }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.view: InteractionView | None = None
        self.mode: str | None = None
        self.hint_keys = {"coach": "alt+o", "barge": "alt+j"}

    def compose(self) -> ComposeResult:
        with Horizontal(id="monitor-header"):
            yield Label("", id="monitor-mode")
            yield Label("", id="monitor-who")
            yield Label("", id="monitor-detail")
        yield Label("No chat joined. In Interactions or Team, pick a chat and press enter to monitor it.",
                    id="monitor-empty")
        yield Transcript(id="monitor-transcript")
        yield Input(id="monitor-input", max_length=MAX_MESSAGE_CHARS, disabled=True)

    @property
    def interaction_id(self) -> str | None:
        return self.view.id if self.view is not None and self.mode else None

    def follow(self, view: InteractionView, mode: str, transcript: list[TranscriptEntry]) -> None:
        """Show ``view`` joined in ``mode``; the transcript is replaced if it is another chat."""
        if self.view is None or self.view.id != view.id:
            self.query_one(Transcript).reset()
        self.view, self.mode = view, mode
        self.add(transcript)
        self._redraw()

    def update_view(self, view: InteractionView) -> None:
        if self.view is not None and view.id == self.view.id:
            self.view = view
            self._redraw()

    def stop(self) -> None:
        self.mode = None
        self._redraw()

    def add(self, entries: list[TranscriptEntry]) -> None:
        self.query_one(Transcript).add(entries)

    def _redraw(self) -> None:
        view, mode = self.view, self.mode
        joined = view is not None and mode is not None
        self.query_one("#monitor-empty").display = view is None
        mode_label = self.query_one("#monitor-mode", Label)
        mode_label.update(MODE_LABELS.get(mode or "", "Left"))
        for name in ("coach", "barge"):
            mode_label.set_class(mode == name, f"-{name}")
        box = self.query_one("#monitor-input", Input)
        if view is None:
            box.disabled = True
            return
        self.query_one("#monitor-who", Label).update(f"{view.agent_name or '—'} ↔ {view.remote_name}")
        self.query_one("#monitor-detail", Label).update(f"{view.workgroup} · #{view.id} · {view.state}")
        active = view.state in ("Connected", "Held")
        box.disabled = not (joined and mode in ("coach", "barge") and active)
        if not joined:
            box.placeholder = "You left this chat."
        elif not active:
            box.placeholder = f"The chat is {view.state}."
        else:
            box.placeholder = MODE_HINTS[mode].format(
                agent=view.agent_name or "the agent", visitor=view.remote_name, **self.hint_keys)
