"""Change a workgroup's service-level goal and how abandoned interactions count."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Select, Static

from console.tui.dialogs.base import Dialog
from console.tui.supervisor_model import TREATMENTS
from console.wire_supervisor import ServiceLevelGoalView

TREATMENT_HELP = {
    "ignore": "SL = answered in time / answered",
    "against": "SL = answered in time / (answered + abandoned)",
    "favour": "SL = (answered in time + abandoned) / (answered + abandoned)",
}


def parse_goal(threshold: str, target: str) -> tuple[float, float] | str:
    """``(seconds, share)`` from what was typed, or a message saying what is wrong."""
    try:
        seconds = float(threshold)
    except ValueError:
        return "The threshold is a number of seconds, e.g. 20."
    try:
        percent = float(target.rstrip("% "))
    except ValueError:
        return "The target is a percentage, e.g. 80."
    if not 0 < seconds <= 3600:
        return "The threshold is between 1 second and an hour."
    if not 0 < percent < 100:
        return "The target is above 0% and below 100%."
    return seconds, percent / 100


class ServiceLevelDialog(Dialog[dict]):
    """Threshold, target and treatment; dismisses with the request body, kept on bad input."""

    DEFAULT_CSS = """
    ServiceLevelDialog {
        .field-row { height: 3; }
        .field-label { width: 14; padding-top: 1; }
        Input { width: 1fr; }
        Select { width: 1fr; }
        #goal-error { color: $error; height: auto; }
        #treatment-help { color: $text-muted; height: auto; }
    }
    """

    def __init__(self, workgroup: str, goal: ServiceLevelGoalView) -> None:
        super().__init__()
        self.workgroup = workgroup
        self.goal = goal

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box") as box:
            box.border_title = f"Service level of {self.workgroup}"
            with Horizontal(classes="field-row"):
                yield Label("Threshold (s)", classes="field-label")
                yield Input(f"{self.goal.threshold:g}", id="goal-threshold")
            with Horizontal(classes="field-row"):
                yield Label("Target (%)", classes="field-label")
                yield Input(f"{self.goal.target * 100:g}", id="goal-target")
            with Horizontal(classes="field-row"):
                yield Label("Abandoned", classes="field-label")
                yield Select([(label, key) for key, label in TREATMENTS.items()], value=self.goal.abandon_treatment,
                             allow_blank=False, id="goal-treatment")
            yield Static(TREATMENT_HELP[self.goal.abandon_treatment], id="treatment-help")
            yield Static("", id="goal-error")
            yield Static("enter save · tab next field · escape cancel", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#goal-threshold", Input).focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        self.query_one("#treatment-help", Static).update(TREATMENT_HELP.get(str(event.value), ""))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        parsed = parse_goal(self.query_one("#goal-threshold", Input).value,
                            self.query_one("#goal-target", Input).value)
        if isinstance(parsed, str):
            self.query_one("#goal-error", Static).update(parsed)
            return
        threshold, target = parsed
        treatment = str(self.query_one("#goal-treatment", Select).value)
        self.dismiss({"threshold": threshold, "target": target, "abandon_treatment": treatment})


class PriorityDialog(Dialog[int]):
    """A waiting interaction's new priority (-100 to 100, higher goes first)."""

    DEFAULT_CSS = """
    PriorityDialog { #priority-error { color: $error; height: auto; } }
    """

    def __init__(self, visitor: str, current: int) -> None:
        super().__init__()
        self.visitor = visitor
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box") as box:
            box.border_title = f"Priority of {self.visitor}"
            yield Input(str(self.current), id="priority-value")
            yield Static("", id="priority-error")
            yield Static("-100 to 100; higher is routed first · enter save · escape cancel", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            value = int(event.value.strip())
        except ValueError:
            self.query_one("#priority-error", Static).update("A whole number, e.g. 10.")
            return
        if not -100 <= value <= 100:
            self.query_one("#priority-error", Static).update("Between -100 and 100.")
            return
        self.dismiss(value)
