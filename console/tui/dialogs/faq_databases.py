"""Choose which e-FAQ databases the sidebar searches."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import SelectionList, Static

from console.tui.dialogs.base import Dialog
from console.wire_library import FaqDatabase


class FaqDatabasePicker(Dialog[list[str]]):
    """Every FAQ database with a tick for those searched; dismisses with the chosen names.

    Choosing none means searching all of them.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "apply", "Search these", id="faq-databases-apply",
                tooltip="Search the ticked databases"),
    ]

    DEFAULT_CSS = """
    FaqDatabasePicker {
        SelectionList { height: auto; max-height: 12; border: none; padding: 0; background: $surface; }
    }
    """

    def __init__(self, databases: list[FaqDatabase], chosen: list[str]) -> None:
        super().__init__()
        self._databases = databases
        self._chosen = set(chosen)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box") as box:
            box.border_title = "Search these FAQ databases"
            yield SelectionList[str](
                *[(f"{d.name} ({d.entries} entries)", d.name, d.name in self._chosen) for d in self._databases],
                id="faq-database-list",
            )
            yield Static("space tick · ctrl+s search these · escape cancel", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(SelectionList).focus()

    def action_apply(self) -> None:
        chosen = list(self.query_one(SelectionList).selected)
        self.dismiss(chosen or [d.name for d in self._databases])
