"""Dialogs of the library administration screen: FAQ entries, and names of new things.

Like the response editor they save through the server themselves: a refusal is shown
in the dialog and what was typed stays.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Label, Select, SelectionList, Static, TextArea

from console.client import ApiError
from console.client.library import LibraryClient
from console.tui.dialogs.base import Dialog
from console.tui.network import describe_error
from console.wire_library import FaqDatabase, FaqEntry

EDITOR_CSS = """
    & > .dialog-box { width: 76; }
    .field-label { color: $text-muted; height: 1; margin-top: 1; }
    .editor-error { color: $error; height: auto; }
    Input, TextArea, Select { background: $boost; }
"""


class FaqEntryEditor(Dialog[FaqEntry]):
    """Question, answer and database of one e-FAQ entry; **ctrl+s** saves."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="faq-editor-save", tooltip="Save the FAQ entry"),
    ]

    DEFAULT_CSS = "FaqEntryEditor {" + EDITOR_CSS + "    #faq-answer { height: 8; }\n}"

    def __init__(self, library: LibraryClient, databases: list[FaqDatabase], database_id: int,
                 entry: FaqEntry | None = None) -> None:
        super().__init__()
        self.library = library
        self.databases = databases
        self.database_id = database_id
        self.entry = entry

    def compose(self) -> ComposeResult:
        entry = self.entry
        with Vertical(classes="dialog-box") as box:
            box.border_title = "Edit FAQ entry" if entry else "New FAQ entry"
            box.border_subtitle = "ctrl+s save · escape cancel"
            yield Label("Database", classes="field-label")
            yield Select([(d.name, d.id) for d in self.databases], value=self.database_id, allow_blank=False,
                         id="faq-database", compact=True)
            yield Label("Question", classes="field-label")
            yield Input(entry.question if entry else "", id="faq-question", compact=True, max_length=500,
                        placeholder="As a visitor would ask it, e.g. How long do refunds take?")
            yield Label("Answer", classes="field-label")
            yield TextArea(entry.answer if entry else "", id="faq-answer", compact=True)
            yield Static("", classes="editor-error", id="faq-editor-error")

    def on_mount(self) -> None:
        self.query_one("#faq-question", Input).focus()

    def action_save(self) -> None:
        self.save()

    @work(exclusive=True, exit_on_error=False, group="editor-save")
    async def save(self) -> None:
        error = self.query_one("#faq-editor-error", Static)
        error.update("Saving…")
        database = self.query_one("#faq-database", Select).value
        question = self.query_one("#faq-question", Input).value
        answer = self.query_one("#faq-answer", TextArea).text
        try:
            if self.entry is None:
                saved = await self.library.create_faq_entry(database, question, answer)  # type: ignore[arg-type]
            else:
                saved = await self.library.update_faq_entry(self.entry.id, database, question,  # type: ignore[arg-type]
                                                            answer)
        except ApiError as exc:
            error.update(describe_error(exc)[1])
            return
        self.dismiss(saved)


class NameDialog(Dialog[Any]):
    """A name (and, for a response library, the workgroups it is granted to); **ctrl+s** creates.

    ``create`` is called with the name (and the ticked workgroups when ``workgroups`` is
    given) and returns what the dialog dismisses with.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Create", id="name-dialog-save", tooltip="Create it"),
    ]

    DEFAULT_CSS = "NameDialog {" + EDITOR_CSS + """
    SelectionList { height: auto; max-height: 8; border: none; padding: 0; background: $surface; }
}"""

    def __init__(self, title: str, create: Callable[..., Awaitable[Any]], *, label: str = "Name",
                 workgroups: list[str] | None = None) -> None:
        super().__init__()
        self._title = title
        self._create = create
        self._label = label
        self._workgroups = workgroups

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box") as box:
            box.border_title = self._title
            box.border_subtitle = "enter create · escape cancel"
            yield Label(self._label, classes="field-label")
            yield Input(id="name-input", compact=True, max_length=100)
            if self._workgroups is not None:
                yield Label("Granted to (space ticks)", classes="field-label")
                yield SelectionList[str](*[(wg, wg, False) for wg in self._workgroups], id="name-workgroups")
            yield Static("", classes="editor-error", id="name-error")

    def on_mount(self) -> None:
        self.query_one("#name-input", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.save()

    def action_save(self) -> None:
        self.save()

    @work(exclusive=True, exit_on_error=False, group="editor-save")
    async def save(self) -> None:
        error = self.query_one("#name-error", Static)
        name = self.query_one("#name-input", Input).value
        try:
            if self._workgroups is not None:
                created = await self._create(name, list(self.query_one(SelectionList).selected))
            else:
                created = await self._create(name)
        except ApiError as exc:
            error.update(describe_error(exc)[1])
            return
        self.dismiss(created)
