"""The team: every agent of the supervisor's workgroups, sorted and filtered from the keyboard."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Input

from console.tui.model import format_duration
from console.tui.supervisor_model import (
    PRESENCE_LABELS,
    SupervisorState,
    interactions_text,
)
from console.wire_supervisor import TeamMember

TEAM_COLUMNS = (("name", "Name"), ("status", "Status"), ("time", "Time"), ("presence", "Chat"),
                ("load", "Handling"))
PENDING_MARK = "⏏"
"""After the name of an agent whose sign-out waits for their interactions to end."""


class TeamTable(DataTable):
    """Rows of ``TeamMember``; the selected agent is the one the supervisor acts on.

    | Key | Action |
    |-----|--------|
    | s | Change the agent's ACD status |
    | x | Sign the agent out (pending while they have interactions) |
    | u | Cancel a pending sign-out |
    | o | Sort by name, status, time in status, or load |
    | / | Filter by name, status, workgroup or visitor |
    | enter | Monitor the agent's chat |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "request('status')", "Status", id="team-status", tooltip="Change the agent's ACD status"),
        Binding("x", "request('sign_out')", "Sign out", id="team-sign-out", tooltip="Sign the agent out"),
        Binding("u", "request('cancel_sign_out')", "Keep", id="team-cancel-sign-out",
                tooltip="Cancel the agent's pending sign-out"),
        Binding("o", "request('sort')", "Sort", id="team-sort", tooltip="Sort by name, status, time or load"),
        Binding("slash", "request('filter')", "Filter", id="team-filter", tooltip="Filter the team"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {"team-table--available", "team-table--away", "team-table--offline",
                                             "team-table--pending"}

    DEFAULT_CSS = """
    TeamTable {
        height: 1fr;
        & > .team-table--available { color: $status-available; }
        & > .team-table--away { color: $status-away; }
        & > .team-table--offline { color: $disconnected; }
        & > .team-table--pending { color: $sla-breach; text-style: bold; }
    }
    """

    class Requested(Message):
        """The supervisor asked for something about the selected agent (or the whole table)."""

        def __init__(self, what: str, username: str | None) -> None:
            super().__init__()
            self.what = what
            self.username = username

    def __init__(self, clock: Callable[[], float], *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row")
        self.clock = clock
        self.members: list[TeamMember] = []

    def on_mount(self) -> None:
        for key, label in TEAM_COLUMNS:
            self.add_column(label, key=key)

    @property
    def selected(self) -> str | None:
        if not self.row_count:
            return None
        return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value

    def show(self, state: SupervisorState) -> None:
        """Redraw from the state's sorted, filtered rows, keeping the selected agent selected."""
        keep = self.selected
        self.members = state.team_rows(self.clock())
        self.clear()
        for member in self.members:
            self.add_row(*self._cells(member), key=member.username)
        if keep is not None and keep in self.rows:
            self.move_cursor(row=self.get_row_index(keep))

    def tick(self) -> None:
        now = self.clock()
        for member in self.members:
            if member.username in self.rows:
                self.update_cell(member.username, "time", self._time(member, now))
                self.update_cell(member.username, "load", interactions_text(member, now), update_width=True)

    def _time(self, member: TeamMember, now: float) -> str:
        return format_duration(now - member.status_since) if member.signed_in else ""

    def _style(self, name: str) -> str:
        return self.get_component_rich_style(f"team-table--{name}", partial=True)

    def _cells(self, member: TeamMember) -> list[object]:
        now = self.clock()
        if not member.signed_in:
            tone = "offline"
        else:
            tone = "available" if member.acd_available else "away"
        status = member.status if member.signed_in else "Signed out"
        presence = PRESENCE_LABELS.get(member.presence or "", "—")
        name = Text(member.name + (" (sup.)" if member.role == "supervisor" else ""))
        if member.sign_out_pending:
            name.append(f" {PENDING_MARK} pending", style=self._style("pending"))
        return [name, Text(status, style=self._style(tone)), self._time(member, now), presence,
                interactions_text(member, now)]

    def action_request(self, what: str) -> None:
        self.post_message(self.Requested(what, self.selected))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.post_message(self.Requested("monitor", event.row_key.value))


class TeamView(Vertical):
    """The team table with a filter line that appears on ``/``."""

    HELP = """\
## Team

Every agent of your workgroups: ACD status and time in it, desktop-chat presence, and
the interactions they handle now with their durations. **⏏ pending** after a name: a
sign-out that takes effect when the agent's interactions end.

**s** changes the selected agent's status, **x** signs them out (if they are handling
interactions the sign-out waits for them to end: *sign-out pending*), **u** cancels a
pending sign-out, **o** changes the sort, **/** filters, **enter** monitors their chat.
"""

    DEFAULT_CSS = """
    TeamView {
        height: 1fr;
        #team-filter-input { display: none; height: 1; border: none; padding: 0 1; }
        #team-filter-input.-shown { display: block; }
    }
    """

    def compose(self) -> ComposeResult:
        yield Input(placeholder="Filter: name, status, workgroup or visitor — escape clears", id="team-filter-input")
        yield TeamTable(self.app.clock, id="team-table")

    @property
    def table(self) -> TeamTable:
        return self.query_one(TeamTable)

    def open_filter(self) -> None:
        box = self.query_one("#team-filter-input", Input)
        box.add_class("-shown")
        box.focus()

    def close_filter(self) -> None:
        box = self.query_one("#team-filter-input", Input)
        box.value = ""
        box.remove_class("-shown")
        self.table.focus()
