"""What every Callboard dialog shares: a centred box, escape to cancel."""

from __future__ import annotations

from typing import ClassVar, TypeVar

from textual.binding import Binding, BindingType
from textual.screen import ModalScreen

ResultType = TypeVar("ResultType")


class Dialog(ModalScreen[ResultType]):
    """A centred, bordered box over the dimmed screen; escape cancels with ``None``."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="dialog-cancel", tooltip="Close without choosing"),
    ]

    DEFAULT_CSS = """
    Dialog {
        align: center middle;
        background: $background 60%;
        & > .dialog-box {
            width: 60;
            max-width: 100%;
            height: auto;
            max-height: 100%;
            padding: 0 1;
            border: round $primary;
            border-title-color: $foreground;
            border-title-style: bold;
            background: $surface;
        }
        .dialog-hint { color: $text-muted; height: auto; }
    }
    """

    def action_cancel(self) -> None:
        self.dismiss(None)
