"""The queue area: a tab per queue (My Interactions first, then workgroups)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import TabbedContent, TabPane

from console.tui.widgets.queue.queue_table import QueueTable
from console.wire import InteractionView, QueueInfo


class QueueView(Vertical):
    """Tabs of ``QueueTable``; the tab labels count each queue's interactions."""

    DEFAULT_CSS = """
    QueueView {
        height: 1fr;
        TabbedContent { height: 1fr; }
        ContentSwitcher { height: 1fr; }
        TabPane { padding: 0; height: 1fr; }
    }
    """

    def __init__(self, clock: Callable[[], float], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._clock = clock
        self._queues: list[QueueInfo] = []

    def compose(self) -> ComposeResult:
        yield TabbedContent(id="queue-tabs")

    @property
    def _tabs(self) -> TabbedContent:
        return self.query_one("#queue-tabs", TabbedContent)

    @property
    def tables(self) -> list[QueueTable]:
        return list(self.query(QueueTable))

    @property
    def active_table(self) -> QueueTable | None:
        pane = self._tabs.active_pane
        return pane.query_one(QueueTable) if pane is not None else None

    async def set_queues(self, queues: list[QueueInfo]) -> None:
        """Rebuild the tabs when the list of queues changed."""
        if [q.id for q in queues] == [q.id for q in self._queues]:
            return
        self._queues = list(queues)
        tabs = self._tabs
        await tabs.clear_panes()
        for index, queue in enumerate(queues):
            await tabs.add_pane(
                TabPane(queue.name, QueueTable(queue.id, self._clock, id=f"queue-table-{index}"),
                        id=f"queue-{index}")
            )
        if queues:
            tabs.active = "queue-0"

    def show(self, views: Iterable[InteractionView]) -> None:
        views = list(views)
        for table in self.tables:
            table.show(views)
        self._relabel()

    def put(self, view: InteractionView) -> None:
        for table in self.tables:
            table.put(view)
        self._relabel()

    def remove(self, interaction_id: str) -> None:
        for table in self.tables:
            table.remove(interaction_id)
        self._relabel()

    def tick(self) -> None:
        for table in self.tables:
            table.tick()

    def focus_table(self) -> None:
        if (table := self.active_table) is not None:
            table.focus()

    def switch(self, step: int) -> None:
        """Activate the previous/next queue tab, keeping focus in its table."""
        if not self._queues:
            return
        current = int((self._tabs.active or "queue-0").removeprefix("queue-"))
        self._tabs.active = f"queue-{(current + step) % len(self._queues)}"
        self.focus_table()

    def show_queue(self, queue_id: str) -> None:
        """Bring the tab of ``queue_id`` (e.g. ``workgroup:Sales``) to the front."""
        index = next((i for i, q in enumerate(self._queues) if q.id == queue_id), None)
        if index is not None:
            self._tabs.active = f"queue-{index}"

    def _relabel(self) -> None:
        tabs = self._tabs
        for index, queue in enumerate(self._queues):
            count = len(self.query_one(f"#queue-table-{index}", QueueTable).interaction_ids)
            tabs.get_tab(f"queue-{index}").label = f"{queue.name} ({count})" if count else queue.name

    def on_queue_table_switch_requested(self, event: QueueTable.SwitchRequested) -> None:
        event.stop()
        self.switch(event.step)
