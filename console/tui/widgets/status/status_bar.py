"""The top line of the agent screen: who is signed in and in which ACD status."""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.widgets import Label


class AgentStatusBar(Horizontal):
    """Agent name, current status coloured by what it means for routing, a hint, and
    the desktop-chat presence with the number of unread colleague messages.

    At 80 columns a long status ("ACD - Agent Not Answering") leaves no room for
    everything: the server address gives way first, then the hint; name, status and
    desktop chat (with its unread count) always show.

    The status label carries the class ``-available``, ``-away`` or ``-busy`` (see
    ``console.tui.model.status_tone``), styled with the theme's ``$status-*`` colours.
    """

    DEFAULT_CSS = """
    AgentStatusBar {
        height: 1;
        background: $panel;
        color: $foreground;
        padding: 0 1;

        #agent-name { text-style: bold; padding-right: 1; }
        #agent-status {
            padding: 0 1;
            text-style: bold;
            color: $background;
            background: $status-away;
            &.-available { background: $status-available; }
            &.-busy { background: $status-busy; }
        }
        #status-hint { color: $text-muted; padding-left: 1; }
        #desk-chat {
            padding-left: 1;
            color: $disconnected;
            &.-available { color: $status-available; }
            &.-away { color: $status-away; }
            &.-dnd { color: $status-busy; }
            &.-unread { text-style: bold; }
        }
        #server { width: 1fr; text-align: right; color: $text-muted; padding-left: 1; }
    }
    """

    agent_name: reactive[str] = reactive("", init=False)
    """Display name of the signed-in agent."""
    status_label: reactive[str] = reactive("…", init=False)
    """Label of the agent's current status."""
    tone: reactive[str] = reactive("away", init=False)
    """``available``, ``away`` or ``busy``."""
    hint: reactive[str] = reactive("", init=False)
    """How to change the status, e.g. ``F2 change``."""
    desk_chat: reactive[str] = reactive("", init=False)
    """Desktop-chat presence and unread messages, e.g. ``F6 chat ● Available · 2 new``."""
    desk_tone: reactive[str] = reactive("offline", init=False)
    """The desktop-chat presence (``available``, ``away``, ``dnd``, ``offline``) colouring it;
    ``unread`` is added while messages wait."""

    def __init__(self, server: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._server = server

    def compose(self) -> ComposeResult:
        yield Label(self.agent_name, id="agent-name")
        yield Label(self.status_label, id="agent-status", classes=f"-{self.tone}")
        yield Label(self.hint, id="status-hint")
        desk = Label(self.desk_chat, id="desk-chat")
        desk.display = bool(self.desk_chat)
        yield desk
        yield Label(self._server, id="server")

    def _watch_any(self) -> None:
        if not self.is_mounted or not self.query("#agent-name"):
            return  # compose shows the values (none left when the app closes while this mounts)
        self.query_one("#agent-name", Label).update(self.agent_name)
        status = self.query_one("#agent-status", Label)
        status.update(self.status_label)
        for name in ("available", "away", "busy"):
            status.set_class(name == self.tone, f"-{name}")
        self.query_one("#status-hint", Label).update(self.hint)
        desk = self.query_one("#desk-chat", Label)
        desk.update(self.desk_chat)
        desk.display = bool(self.desk_chat)
        tones = set(self.desk_tone.split())
        for name in ("available", "away", "dnd", "unread"):
            desk.set_class(name in tones, f"-{name}")
        self._fit()

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        if not self.is_mounted or not self.query("#server"):
            return
        room = self.size.width - 2  # the bar's padding
        room -= cell_len(self.agent_name) + 1 + cell_len(self.status_label) + 2
        if self.desk_chat:
            room -= cell_len(self.desk_chat) + 1
        hint = cell_len(self.hint) + 1 if self.hint else 0
        self.query_one("#status-hint", Label).display = hint <= room
        room -= hint if hint <= room else 0
        self.query_one("#server", Label).display = cell_len(self._server) + 1 <= room

    watch_agent_name = watch_status_label = watch_tone = watch_hint = watch_desk_chat = watch_desk_tone = _watch_any
