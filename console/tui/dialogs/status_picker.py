"""Choose an ACD status from the statuses the server lets agents pick."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from console.tui.dialogs.base import Dialog
from console.wire import StatusInfo


class StatusPicker(Dialog[str]):
    """Selectable statuses, the current one highlighted; dismisses with the chosen id.

    Statuses that take the agent out of ACD routing are marked, so nobody goes to
    lunch while thinking chats will still arrive.
    """

    DEFAULT_CSS = """
    StatusPicker {
        OptionList { height: auto; max-height: 14; border: none; padding: 0; background: $surface; }
    }
    """

    def __init__(self, statuses: list[StatusInfo], current: str | None) -> None:
        super().__init__()
        self._statuses = statuses
        self._current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box") as box:
            box.border_title = "Change status"
            options = []
            for status in self._statuses:
                marker = "●" if status.id == self._current else " "
                routing = "receives ACD interactions" if status.acd_available else "no ACD interactions"
                options.append(Option(f"{marker} {status.label}  [dim]({routing})[/]", id=status.id))
            yield OptionList(*options, id="statuses")
            yield Static("enter choose · escape cancel", classes="dialog-hint")

    def on_mount(self) -> None:
        option_list = self.query_one(OptionList)
        ids = [s.id for s in self._statuses]
        option_list.highlighted = ids.index(self._current) if self._current in ids else 0
        option_list.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)
