"""One queue's interactions as a live table, fitted to the terminal's width."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable

from console.tui.model import (
    ALERTING,
    DISCONNECTED,
    HELD,
    LONG_WAIT_SECONDS,
    MY_INTERACTIONS,
    SNOOZED,
    WAITING,
    format_duration,
    is_callback,
    queue_details,
)
from console.wire import InteractionView

ID_HEADER = "Interaction Id"
COLUMNS = (("", "type"), ("Queue", "queue"), ("Name", "name"), ("Number", "number"), ("Duration", "duration"),
           ("State", "state"), ("Details", "details"), (ID_HEADER, "id"))
"""(header, key) of every column. Workgroup queues leave out Queue: it is the same on every row;
the Interaction Id is shown only when the terminal is wide enough for it."""

CALLBACK_MARKER = "☎"
"""Marks callbacks in the type column. Like the "…" and "·" the console draws everywhere,
U+260E is one cell wide unless a terminal is set to draw ambiguous-width characters wide."""

MIN_WIDTHS = {"number": 12, "name": 10, "details": 14, "queue": 7}
"""Columns that give up room when the terminal is narrow, first to last, down to these widths."""

CELL_PADDING = 2
"""A DataTable column is one cell wider on each side than its content."""


def fit_widths(natural: dict[str, int], available: int, minimum: dict[str, int] | None = None) -> dict[str, int]:
    """Width caps so columns of ``natural`` widths fit in ``available`` cells.

    The columns of ``MIN_WIDTHS`` give up room in that order, each down to its minimum
    (``minimum`` may raise one, e.g. so no telephone number is ever cut), until the row
    fits. Returns the capped columns only.
    """
    floors = {**MIN_WIDTHS, **(minimum or {})}
    overflow = sum(w + CELL_PADDING for w in natural.values()) - available
    caps: dict[str, int] = {}
    for key in MIN_WIDTHS:
        if overflow <= 0:
            break
        if key not in natural:
            continue
        give = min(overflow, max(0, natural[key] - floors[key]))
        if give:
            caps[key] = natural[key] - give
            overflow -= give
    return caps


class QueueTable(DataTable):
    """The interactions of one queue, one row each, durations ticking.

    States are coloured with the theme's semantic colours through the component
    classes below; a waiting interaction past the service-level goal shows its
    duration in ``$sla-breach``. Callbacks carry a ☎ in the first column.

    When the terminal is too narrow for every column, Number, Name, Details and Queue
    give up room in that order (long values end in "…", telephone numbers are never
    cut) so that everything up to Details stays in view; the Interaction Id column is
    left out until there is room for it. Workgroup queues have no Queue column.
    """

    HELP = """\
## Queue

Interactions in this queue, oldest first; **☎** marks a callback request.
**Duration** counts from the last change of **State**. **Details** says when a
snoozed callback comes back and how many retries it used, how many calls were made,
or that a visitor is typing.

Move with the arrow keys. **p** picks up the highlighted interaction;
**enter** opens its chat, or picks it up if it is not yours yet.
**[** and **]** switch between queues.
"""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Open", id="queue-open",
                tooltip="Open the chat of the highlighted interaction (picks it up if needed)"),
        Binding("p", "pickup", "Pick up selected", id="queue-pickup", show=False,
                tooltip="Pick up the highlighted interaction"),
        Binding("left_square_bracket", "switch_queue(-1)", "Previous queue", id="queue-previous", show=False),
        Binding("right_square_bracket", "switch_queue(1)", "Next queue", id="queue-next", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "queue-table--alerting",
        "queue-table--held",
        "queue-table--snoozed",
        "queue-table--disconnected",
        "queue-table--sla-breach",
    }

    DEFAULT_CSS = """
    QueueTable {
        height: 1fr;
        background: $surface;
        /* Columns are fitted to the width (see fit_widths): nothing to scroll sideways to. */
        overflow-x: hidden;
        & > .queue-table--alerting { color: $alerting; text-style: bold; }
        & > .queue-table--held { color: $held; }
        & > .queue-table--snoozed { color: $snoozed; }
        & > .queue-table--disconnected { color: $disconnected; }
        & > .queue-table--sla-breach { color: $sla-breach; text-style: bold; }
    }
    """

    class PickupRequested(Message):
        """The agent asked to pick up an interaction from this queue."""

        def __init__(self, interaction_id: str) -> None:
            super().__init__()
            self.interaction_id = interaction_id

    class OpenRequested(Message):
        """The agent chose an interaction (enter or click): open its chat, or pick it up."""

        def __init__(self, interaction_id: str) -> None:
            super().__init__()
            self.interaction_id = interaction_id

    class SwitchRequested(Message):
        """Move to the previous (-1) or next (+1) queue tab."""

        def __init__(self, step: int) -> None:
            super().__init__()
            self.step = step

    def __init__(self, queue_id: str, clock: Callable[[], float], *, id: str | None = None) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, id=id)
        self.queue_id = queue_id
        self.columns_shown = [c for c in COLUMNS if c[1] != "queue" or queue_id == MY_INTERACTIONS]
        """(header, key) of the columns in the table now."""
        self._clock = clock
        self._views: dict[str, InteractionView] = {}
        self._caps: dict[str, int] = {}
        """Column key -> most cells its values may take (see ``fit_widths``)."""

    def on_mount(self) -> None:
        for label, key in self.columns_shown:
            self.add_column(label, key=key)
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._restyle())

    def on_resize(self, event: events.Resize) -> None:
        self._fit()

    # -- content ----------------------------------------------------------------------
    @property
    def interaction_ids(self) -> list[str]:
        return list(self._views)

    @property
    def selected_id(self) -> str | None:
        if not self._views or self.cursor_row < 0:
            return None
        try:
            return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        except Exception:  # noqa: BLE001 - the cursor may sit past a row just removed
            return None

    def show(self, views: Iterable[InteractionView]) -> None:
        """Replace every row."""
        wanted = {v.id: v for v in views if self.queue_id in v.queues}
        for interaction_id in [i for i in self._views if i not in wanted]:
            self.remove(interaction_id)
        for view in sorted(wanted.values(), key=lambda v: v.queued_at):
            self.put(view)

    def put(self, view: InteractionView) -> None:
        """Add, update or (when it left this queue) drop one interaction."""
        if self.queue_id not in view.queues:
            self.remove(view.id)
            return
        self._views[view.id] = view
        if not self._fit():
            self._draw(view)

    def _draw(self, view: InteractionView) -> None:
        cells = self._cells(view)
        if view.id in self.rows:
            for (_, key), value in zip(self.columns_shown, cells, strict=True):
                self.update_cell(view.id, key, value, update_width=True)
        else:
            self.add_row(*cells, key=view.id)

    def remove(self, interaction_id: str) -> None:
        if self._views.pop(interaction_id, None) is not None:
            self.remove_row(interaction_id)
            self._fit()

    def tick(self) -> None:
        """Redraw what moves with the app clock: durations and snooze countdowns."""
        for view in self._views.values():
            self.update_cell(view.id, "duration", self._duration(view))
            if view.state == SNOOZED:
                details = self._fitted(queue_details(view, self._clock()), "details", self._state_style(SNOOZED))
                self.update_cell(view.id, "details", details, update_width=True)

    def _restyle(self) -> None:
        for view in list(self._views.values()):
            self._draw(view)

    def _fit(self) -> bool:
        """Cap the wide columns to the table's width; returns whether every row was redrawn."""
        available = self.scrollable_content_region.width
        if available <= 0:
            return False  # not laid out yet (a hidden tab): fitted on its first resize
        natural = {key: cell_len(label) for label, key in self.columns_shown if key != "id"}
        telephones = 0
        id_width = cell_len(ID_HEADER)
        for view in self._views.values():
            for key, text in self._texts(view).items():
                if key in natural:
                    natural[key] = max(natural[key], cell_len(text))
            if is_callback(view):
                telephones = max(telephones, cell_len(view.remote_address))
            id_width = max(id_width, cell_len(view.id))
        caps = fit_widths(natural, available, {"number": max(MIN_WIDTHS["number"], telephones)})
        used = sum(caps.get(key, width) + CELL_PADDING for key, width in natural.items())
        show_id = used + id_width + CELL_PADDING <= available
        if caps == self._caps and show_id == self.shows_id:
            return False
        self._caps = caps
        if show_id != self.shows_id:
            # Half an Id helps nobody: the column is there only when it fits whole.
            if show_id:
                self.columns_shown.append((ID_HEADER, "id"))
                self.add_column(ID_HEADER, key="id", default="")
            else:
                self.columns_shown.remove((ID_HEADER, "id"))
                self.remove_column("id")
        self._restyle()
        return True

    @property
    def shows_id(self) -> bool:
        return (ID_HEADER, "id") in self.columns_shown

    # -- rendering -------------------------------------------------------------------
    def _state_style(self, state: str) -> str:
        component = {
            ALERTING: "queue-table--alerting",
            HELD: "queue-table--held",
            SNOOZED: "queue-table--snoozed",
            DISCONNECTED: "queue-table--disconnected",
        }.get(state)
        return self.get_component_rich_style(component, partial=True) if component else ""

    def _duration(self, view: InteractionView) -> Text:
        seconds = self._clock() - view.state_since
        style = ""
        if view.state == WAITING and seconds >= LONG_WAIT_SECONDS:
            style = self.get_component_rich_style("queue-table--sla-breach", partial=True)
        return Text(format_duration(seconds), style=style, justify="right")

    def _texts(self, view: InteractionView) -> dict[str, str]:
        """The plain values of the columns before the Id, before capping."""
        return {"type": CALLBACK_MARKER if is_callback(view) else "", "queue": view.workgroup,
                "name": view.remote_name, "number": view.remote_address,
                "duration": format_duration(self._clock() - view.state_since), "state": view.state,
                "details": queue_details(view, self._clock())}

    def _fitted(self, value: str, key: str, style: str = "") -> Text:
        text = Text(value, style=style, no_wrap=True, overflow="ellipsis")
        if (cap := self._caps.get(key)) is not None and cell_len(value) > cap:
            text.truncate(cap, overflow="ellipsis")
        return text

    def _cells(self, view: InteractionView) -> list[object]:
        state_style = self._state_style(view.state)
        texts = self._texts(view)
        cells = {
            "type": texts["type"],
            "queue": self._fitted(texts["queue"], "queue"),
            "name": self._fitted(texts["name"], "name", state_style if view.state == ALERTING else ""),
            "number": self._fitted(texts["number"], "number"),
            "duration": self._duration(view),
            "state": Text(view.state, style=state_style),
            "details": self._fitted(texts["details"], "details", state_style if view.state == SNOOZED else ""),
            "id": view.id,
        }
        return [cells[key] for _, key in self.columns_shown]

    # -- actions -----------------------------------------------------------------------
    def action_pickup(self) -> None:
        if (interaction_id := self.selected_id) is not None:
            self.post_message(self.PickupRequested(interaction_id))

    def action_switch_queue(self, step: int) -> None:
        self.post_message(self.SwitchRequested(step))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.post_message(self.OpenRequested(event.row_key.value))
