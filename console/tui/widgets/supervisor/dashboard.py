"""Live queue statistics: one row per workgroup, and the highlighted one in detail."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Label, Sparkline, Static

from console.tui.supervisor_model import (
    TREATMENTS,
    forecast_lines,
    longest_wait,
    meets_goal,
    percent,
    seconds,
)
from console.wire_supervisor import PeriodFigures, WorkgroupStatistics

COLUMNS = (
    ("workgroup", "Workgroup"), ("waiting", "Waiting"), ("snoozed", "Snz"), ("longest", "Longest"),
    ("agents", "Av/Bs/NA"), ("offered", "Offer"), ("answered", "Ans"), ("abandoned", "Abn"),
    ("aht", "AHT"), ("sl", "SL"),
)


class WorkgroupTable(DataTable):
    """One row per workgroup, figures of the current interval; the longest wait ticks.

    | Key | Action |
    |-----|--------|
    | g | Change the workgroup's service-level goal |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("g", "edit_goal", "Goal", id="stats-goal", tooltip="Change the service-level goal and treatment"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {"workgroup-table--breach", "workgroup-table--met"}
    """Service level below the goal (or a wait beyond the threshold), and at or above it."""

    DEFAULT_CSS = """
    WorkgroupTable {
        & > .workgroup-table--breach { color: $sla-breach; text-style: bold; }
        & > .workgroup-table--met { color: $status-available; }
    }
    """

    class GoalRequested(Message):
        def __init__(self, workgroup: str) -> None:
            super().__init__()
            self.workgroup = workgroup

    def __init__(self, clock: Callable[[], float], *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=False)
        self.clock = clock
        self.stats: dict[str, WorkgroupStatistics] = {}

    def on_mount(self) -> None:
        for key, label in COLUMNS:
            self.add_column(label, key=key)

    @property
    def selected(self) -> str | None:
        if not self.row_count:
            return None
        return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value

    def put(self, stats: WorkgroupStatistics) -> None:
        self.stats[stats.workgroup] = stats
        cells = self._cells(stats)
        if stats.workgroup in self.rows:
            for (key, _label), value in zip(COLUMNS, cells):
                self.update_cell(stats.workgroup, key, value, update_width=True)
        else:
            self.add_row(*cells, key=stats.workgroup)
            self.sort("workgroup")

    def tick(self) -> None:
        for name, stats in self.stats.items():
            self.update_cell(name, "longest", self._longest(stats), update_width=True)

    def _longest(self, stats: WorkgroupStatistics) -> Text:
        wait = longest_wait(stats, self.clock())
        late = wait is not None and wait > stats.goal.threshold
        return Text(seconds(wait), style=self._style("breach") if late else "")

    def _style(self, name: str) -> str:
        return self.get_component_rich_style(f"workgroup-table--{name}", partial=True)

    def _cells(self, stats: WorkgroupStatistics) -> list[object]:
        now, interval = stats.now, stats.interval
        agents = now.agents
        waiting = f"{now.waiting_chats}" + (f"+{now.waiting_callbacks}☎" if now.waiting_callbacks else "")
        met = meets_goal(interval.service_level, stats.goal.target)
        sl_style = "" if met is None else self._style("met" if met else "breach")
        return [
            stats.workgroup, waiting, str(now.snoozed_callbacks), self._longest(stats),
            f"{agents.available}/{agents.busy}/{agents.not_available}", str(interval.offered),
            str(interval.answered), str(interval.abandoned), seconds(interval.average_handle_time),
            Text(percent(interval.service_level), style=sl_style),
        ]

    def action_edit_goal(self) -> None:
        if self.selected:
            self.post_message(self.GoalRequested(self.selected))


def period_line(title: str, figures: PeriodFigures) -> str:
    """One period in a line that fits 80 columns: counts, speed, handle time, service level."""
    return (
        f"{title:<9}off {figures.offered} ans {figures.answered} abn {figures.abandoned}"
        f" · ASA {seconds(figures.average_speed_of_answer)} · AHT {seconds(figures.average_handle_time)}"
        f" max {seconds(figures.longest_handle_time)} · SL {percent(figures.service_level)}"
    )


class WorkgroupDetail(Vertical):
    """The highlighted workgroup: goal, interval and day, the last hour's trend, the forecast."""

    DEFAULT_CSS = """
    WorkgroupDetail {
        height: auto;
        padding: 0 1;
        background: $surface;
        #detail-goal { text-style: bold; }
        .trend-row { height: 1; }
        .trend-label { width: 16; color: $text-muted; }
        .trend-flat { width: 1fr; color: $text-muted; }
        Sparkline { width: 1fr; height: 1; }
        Sparkline > .sparkline--max-color { color: $status-busy; }
        Sparkline > .sparkline--min-color { color: $status-available; }
        #trend-sl > .sparkline--max-color { color: $status-available; }
        #trend-sl > .sparkline--min-color { color: $sla-breach; }
        #detail-forecast { color: $foreground; }
        .detail-empty { color: $text-muted; }
    }
    """

    def compose(self) -> ComposeResult:
        yield Label("Select a workgroup", id="detail-goal")
        yield Static("", id="detail-periods")
        with Horizontal(classes="trend-row"):
            yield Label("Waiting, 1 h", classes="trend-label", id="trend-waiting-label")
            yield Sparkline([], id="trend-waiting", summary_function=max)
            yield Label("", id="trend-waiting-flat", classes="trend-flat")
        with Horizontal(classes="trend-row"):
            yield Label("Service lvl, 1 h", classes="trend-label", id="trend-sl-label")
            yield Sparkline([], id="trend-sl", summary_function=min)
            yield Label("", id="trend-sl-flat", classes="trend-flat")
        yield Static("", id="detail-forecast")

    def show(self, stats: WorkgroupStatistics) -> None:
        goal = stats.goal
        self.query_one("#detail-goal", Label).update(
            f"{stats.workgroup} · goal {percent(goal.target)} within {goal.threshold:.0f}s · "
            f"{TREATMENTS[goal.abandon_treatment]}"
        )
        self.query_one("#detail-periods", Static).update(
            period_line("Interval", stats.interval) + "\n" + period_line("Today", stats.today)
        )
        trend = stats.trend
        self._trend("waiting", [float(w) for w in trend.waiting], "{:.0f} waiting")
        self._trend("sl", [level * 100 for level in trend.service_level if level is not None], "{:.0f}%")
        now_waiting = stats.now.waiting_chats + stats.now.waiting_callbacks
        self.query_one("#trend-waiting-label", Label).update(f"Waiting {now_waiting:>3}, 1h")
        self.query_one("#trend-sl-label", Label).update(f"SL {percent(stats.interval.service_level):>4}, 1h")
        self.query_one("#detail-forecast", Static).update("\n".join(forecast_lines(stats)))


    def _trend(self, name: str, values: list[float], unit: str) -> None:
        """A sparkline of the last hour, or words when there is no change to draw."""
        line = self.query_one(f"#trend-{name}", Sparkline)
        flat = self.query_one(f"#trend-{name}-flat", Label)
        varies = len(values) > 1 and min(values) != max(values)
        line.display = varies
        flat.display = not varies
        if varies:
            line.data = values
        else:
            flat.update("no data yet" if not values else f"steady at {unit.format(values[-1])}")


class QueueDashboard(Vertical):
    """Workgroup table above, the highlighted workgroup's detail below."""

    HELP = """\
## Queue statistics

One row per workgroup of yours, for the current 30-minute interval:
**Waiting** chats (+ callbacks ☎), **Snz** snoozed callbacks, the **Longest** current wait,
agents **Av**ailable / **B**u**s**y / **N**ot **A**vailable, **Offer**ed, **Ans**wered,
**Abn** abandoned, average handle time and **SL** service level (red below the goal).

Below: the highlighted workgroup for the interval and today, the last hour's trend,
and the Erlang C forecast. **g** changes the goal and the treatment of abandoned chats.
"""

    DEFAULT_CSS = """
    QueueDashboard {
        height: 1fr;
        WorkgroupTable { height: 1fr; min-height: 4; }
    }
    """

    def __init__(self, clock: Callable[[], float], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.clock = clock

    def compose(self) -> ComposeResult:
        yield WorkgroupTable(self.clock, id="workgroups")
        yield WorkgroupDetail(id="workgroup-detail")

    @property
    def table(self) -> WorkgroupTable:
        return self.query_one(WorkgroupTable)

    def put(self, stats: WorkgroupStatistics) -> None:
        table = self.table
        table.put(stats)
        if table.selected == stats.workgroup:
            self.query_one(WorkgroupDetail).show(stats)

    def tick(self) -> None:
        self.table.tick()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        stats = self.table.stats.get(event.row_key.value or "")
        if stats is not None:
            self.query_one(WorkgroupDetail).show(stats)
