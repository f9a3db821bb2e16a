"""A chat's transcript: who said what, when; system notices set apart."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual.containers import VerticalScroll
from textual.content import Content
from textual.widget import Widget

from console.tui.model import format_clock_time
from console.wire import TranscriptEntry


class ChatEntry(Widget):
    """One transcript line: ``HH:MM:SS Sender: text``.

    The class ``-visitor``, ``-agent`` or ``-system`` picks the theme colour
    (``$visitor-message``, ``$agent-message``, ``$system-message``).
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {"chat-entry--time", "chat-entry--sender"}

    DEFAULT_CSS = """
    ChatEntry {
        height: auto;
        padding: 0 1;
        & > .chat-entry--time { color: $foreground-muted; }
        &.-visitor > .chat-entry--sender { color: $visitor-message; text-style: bold; }
        &.-agent > .chat-entry--sender { color: $agent-message; text-style: bold; }
        &.-supervisor > .chat-entry--sender { color: $coach-message; text-style: bold; }
        &.-coach { background: $coach-message 12%; }
        &.-system { color: $system-message; text-style: italic; }
    }
    """

    def __init__(self, entry: TranscriptEntry) -> None:
        super().__init__(classes=f"-{entry.sender_type}" + (" -coach" if entry.kind == "coach" else ""))
        self.entry = entry

    def render(self) -> Content:
        entry = self.entry
        time_part = (format_clock_time(entry.ts), self.get_visual_style("chat-entry--time", partial=True))
        if entry.sender_type == "system":
            return Content.assemble(time_part, " · ", entry.text)
        if entry.kind == "coach":
            text = f"(coaching — the visitor does not see this) {entry.text}"
        else:
            text = entry.text if entry.kind == "text" else f"[{entry.kind}] {entry.text}"
        sender = (entry.sender_name, self.get_visual_style("chat-entry--sender", partial=True))
        return Content.assemble(time_part, " ", sender, ": ", text)


class Transcript(VerticalScroll, can_focus=True):
    """Entries in ``seq`` order, each shown once however often it arrives.

    Entries come from two sources that may overlap or interleave: the transcript
    fetched when the chat opens, and ``interaction.message`` events.
    Follows new entries unless the agent scrolled back.
    """

    HELP = """\
## Transcript

The conversation so far. Scroll with the arrow keys, **Page Up** / **Page Down**,
**Home** / **End**.
"""

    DEFAULT_CSS = """
    Transcript {
        height: 1fr;
        background: $surface;
        scrollbar-size-vertical: 1;
        &:focus { background-tint: $foreground 3%; }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._entries: dict[int, ChatEntry] = {}

    def on_mount(self) -> None:
        # Stay at the newest entry until the agent scrolls back.
        self.anchor()

    def reset(self) -> None:
        """Forget every entry (the view now follows another conversation)."""
        self.remove_children()
        self._entries.clear()

    @property
    def seqs(self) -> list[int]:
        return sorted(self._entries)

    def add(self, entries: Iterable[TranscriptEntry]) -> list[TranscriptEntry]:
        """Show the entries not shown yet; returns those that were new."""
        new = [e for e in sorted(entries, key=lambda e: e.seq) if e.seq not in self._entries]
        if not new:
            return []
        for entry in new:
            widget = ChatEntry(entry)
            later = [seq for seq in self._entries if seq > entry.seq]
            self._entries[entry.seq] = widget
            if later:
                self.mount(widget, before=self._entries[min(later)])
            else:
                self.mount(widget)
        return new
