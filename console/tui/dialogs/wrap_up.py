"""Choose the wrap-up code recorded with a callback's outcome (or none)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from console.tui.dialogs.base import Dialog

NO_CODE = ""
"""What the dialog returns for "no wrap-up code"; ``None`` means the agent cancelled."""


class WrapUpDialog(Dialog[str]):
    """The workgroup's wrap-up codes and "No wrap-up code"; dismisses with the choice.

    Escape cancels: the callback is then neither completed nor failed.
    """

    DEFAULT_CSS = """
    WrapUpDialog {
        OptionList { height: auto; max-height: 12; border: none; padding: 0; background: $surface; }
    }
    """

    def __init__(self, title: str, codes: list[str]) -> None:
        super().__init__()
        self._title = title
        self._codes = codes

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box") as box:
            box.border_title = self._title
            options = [Option(code, id=f"code:{code}") for code in self._codes]
            options.append(Option("[dim]No wrap-up code[/]", id="none"))
            yield OptionList(*options, id="wrap-up-codes")
            yield Static("enter record · escape cancel", classes="dialog-hint")

    def on_mount(self) -> None:
        codes = self.query_one(OptionList)
        codes.highlighted = 0
        codes.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        option_id = event.option.id or ""
        self.dismiss(option_id.removeprefix("code:") if option_id.startswith("code:") else NO_CODE)
