"""F1: what the focused part of the screen is for, and every key that works there."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Markdown

from console.tui.dialogs.base import Dialog


class HelpDialog(Dialog[None]):
    """Help text of the focused widget (its ``HELP``) and a table of the keys active there."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1,q", "cancel", "Close", id="help-close"),
    ]

    DEFAULT_CSS = """
    HelpDialog {
        & > .dialog-box { width: 80; max-height: 100%; }
        Markdown { margin: 0; padding: 0; background: $surface; }
        #keys { height: auto; background: $surface; }
    }
    """

    def __init__(self, help_markdown: str, keys: list[tuple[str, str, str]]) -> None:
        super().__init__()
        self._help = help_markdown
        self._keys = keys

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog-box") as box:
            box.border_title = "Help"
            box.border_subtitle = "escape close · ↑↓ scroll · ctrl+p commands"
            if self._help:
                yield Markdown(self._help)
            table: DataTable = DataTable(id="keys", show_cursor=False, zebra_stripes=True)
            table.can_focus = False
            yield table

    def on_mount(self) -> None:
        table = self.query_one("#keys", DataTable)
        # Fixed widths keep the explanation column on screen at 80 columns even when
        # Textual's own descriptions of editing keys run long.
        table.add_column("Key", width=11)
        table.add_column("Action", width=18)
        table.add_column("What it does", width=38)
        for key, action, tooltip in self._keys:
            table.add_row(key, action, tooltip)
        self.query_one(VerticalScroll).focus()
