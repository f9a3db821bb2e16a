"""One queue's interactions as a live table."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable

from console.tui.model import ALERTING, DISCONNECTED, HELD, LONG_WAIT_SECONDS, WAITING, format_duration
from console.wire import InteractionView

COLUMNS = (("Queue", "queue"), ("Name", "name"), ("Number", "number"), ("Duration", "duration"),
           ("State", "state"), ("Interaction Id", "id"))


class QueueTable(DataTable):
    """The interactions of one queue, one row each, durations ticking.

    States are coloured with the theme's semantic colours through the component
    classes below; a waiting interaction past the service-level goal shows its
    duration in ``$sla-breach``.
    """

    HELP = """\
## Queue

Interactions in this queue, oldest first. **Duration** counts from the last change
of **State**.

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
        "queue-table--disconnected",
        "queue-table--sla-breach",
    }

    DEFAULT_CSS = """
    QueueTable {
        height: 1fr;
        background: $surface;
        & > .queue-table--alerting { color: $alerting; text-style: bold; }
        & > .queue-table--held { color: $held; }
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
        self._clock = clock
        self._views: dict[str, InteractionView] = {}

    def on_mount(self) -> None:
        for label, key in COLUMNS:
            self.add_column(label, key=key)
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._restyle())

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
        cells = self._cells(view)
        if view.id in self._views:
            for (_, key), value in zip(COLUMNS, cells, strict=True):
                self.update_cell(view.id, key, value, update_width=True)
        else:
            self.add_row(*cells, key=view.id)
        self._views[view.id] = view

    def remove(self, interaction_id: str) -> None:
        if self._views.pop(interaction_id, None) is not None:
            self.remove_row(interaction_id)

    def tick(self) -> None:
        """Redraw the durations from the app clock."""
        for view in self._views.values():
            self.update_cell(view.id, "duration", self._duration(view))

    def _restyle(self) -> None:
        for view in list(self._views.values()):
            self.put(view)

    # -- rendering -------------------------------------------------------------------
    def _state_style(self, state: str) -> str:
        component = {
            ALERTING: "queue-table--alerting",
            HELD: "queue-table--held",
            DISCONNECTED: "queue-table--disconnected",
        }.get(state)
        return self.get_component_rich_style(component, partial=True) if component else ""

    def _duration(self, view: InteractionView) -> Text:
        seconds = self._clock() - view.state_since
        style = ""
        if view.state == WAITING and seconds >= LONG_WAIT_SECONDS:
            style = self.get_component_rich_style("queue-table--sla-breach", partial=True)
        return Text(format_duration(seconds), style=style, justify="right")

    def _cells(self, view: InteractionView) -> list[object]:
        state_style = self._state_style(view.state)
        return [
            view.workgroup,
            Text(view.remote_name, style=state_style if view.state == ALERTING else ""),
            view.remote_address,
            self._duration(view),
            Text(view.state, style=state_style),
            view.id,
        ]

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
