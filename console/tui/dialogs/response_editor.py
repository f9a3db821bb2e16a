"""Write or change a stored response: a message, a web address or a file.

Agents use it for My Responses; supervisors for the system-wide libraries (the library
administration screen). The dialog saves through the server itself, so a refusal
("Give the response a title.") is shown in the dialog and nothing typed is lost.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Select, Static, TextArea

from console.client import ApiError
from console.client.library import LibraryClient
from console.tui.dialogs.base import Dialog
from console.tui.network import describe_error
from console.wire_library import LibraryView, ResponseView

KINDS = [("Message", "message"), ("Web address (URL)", "url"), ("File", "file")]
PLACEHOLDER_HINT = (
    "Placeholders, filled in when inserted: {{visitor.name}} {{visitor.first_name}} {{agent.name}} "
    "{{agent.first_name}} {{workgroup}} {{interaction.id}} {{attributes.NAME}}"
)


class ResponseEditor(Dialog[ResponseView]):
    """The fields of one response; **ctrl+s** saves, **escape** cancels.

    Dismisses with the saved response, or ``None`` when cancelled.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="editor-save", tooltip="Save the response"),
    ]

    DEFAULT_CSS = """
    ResponseEditor {
        & > .dialog-box { width: 76; }
        .field-label { color: $text-muted; height: 1; margin-top: 1; }
        #kind-row { height: auto; }
        #kind-row > Vertical { height: auto; width: 1fr; }
        #response-text { height: 6; }
        Input, TextArea, Select { background: $boost; }
        #response-url, #response-file { display: none; }
        &.-url #response-url, &.-file #response-file { display: block; }
        #editor-error { color: $error; height: auto; }
    }
    """

    def __init__(self, library: LibraryClient, target: LibraryView, response: ResponseView | None = None, *,
                 category_id: int | None = None) -> None:
        super().__init__()
        self.library = library
        self.target = target
        self.response = response
        self.category_id = response.category_id if response else category_id
        self._file_id: int | None = response.file.id if response and response.file else None

    def compose(self) -> ComposeResult:
        response = self.response
        categories: list[tuple[str, int]] = [(c.name, c.id) for c in self.target.categories]
        with Vertical(classes="dialog-box") as box:
            box.border_title = f"{'Edit' if response else 'New'} response · {self.target.name}"
            box.border_subtitle = "ctrl+s save · escape cancel"
            yield Label("Title", classes="field-label")
            yield Input(response.title if response else "", id="response-title", compact=True, max_length=200,
                        placeholder="What agents see in the list, e.g. Refund policy")
            with Horizontal(id="kind-row"):
                with Vertical():
                    yield Label("Kind", classes="field-label")
                    yield Select(KINDS, value=response.kind if response else "message", allow_blank=False,
                                 id="response-kind", compact=True)
                with Vertical():
                    yield Label("Shortcut (optional)", classes="field-label")
                    yield Input(f"/{response.shortcut}" if response and response.shortcut else "",
                                id="response-shortcut", compact=True, placeholder="/refund", max_length=40)
                with Vertical():
                    yield Label("Category", classes="field-label")
                    yield Select(categories, value=self.category_id if self.category_id is not None else Select.NULL,
                                 prompt="(none)", id="response-category", compact=True)
            yield Label("Web address", classes="field-label", id="response-url-label")
            yield Input(response.url if response else "", id="response-url", compact=True,
                        placeholder="https://www.example.com/pricing")
            yield Input(response.file.name if response and response.file else "", id="response-file", compact=True,
                        placeholder="Path of the file on this computer, e.g. ~/Documents/price-list.pdf")
            yield Label("Text", classes="field-label", id="response-text-label")
            yield TextArea(response.body if response else "", id="response-text", compact=True)
            yield Static(PLACEHOLDER_HINT, classes="dialog-hint")
            yield Static("", id="editor-error")

    def on_mount(self) -> None:
        self._show_kind(self.query_one("#response-kind", Select).value)
        self.query_one("#response-title", Input).focus()

    @on(Select.Changed, "#response-kind")
    def _kind_changed(self, event: Select.Changed) -> None:
        self._show_kind(event.value)

    def _show_kind(self, kind: Any) -> None:
        self.set_class(kind == "url", "-url")
        self.set_class(kind == "file", "-file")
        self.query_one("#response-url-label", Label).update(
            {"url": "Web address", "file": "File"}.get(kind, "")
        )
        self.query_one("#response-url-label", Label).display = kind in ("url", "file")
        self.query_one("#response-text-label", Label).update(
            "Text" if kind == "message" else "Description (for agents; optional)"
        )

    def action_save(self) -> None:
        self.save()

    @work(exclusive=True, exit_on_error=False, group="editor-save")
    async def save(self) -> None:
        error = self.query_one("#editor-error", Static)
        error.update("Saving…")
        kind = self.query_one("#response-kind", Select).value
        category = self.query_one("#response-category", Select).value
        fields: dict[str, Any] = {
            "kind": kind,
            "title": self.query_one("#response-title", Input).value,
            "shortcut": self.query_one("#response-shortcut", Input).value.strip() or None,
            "category_id": None if category is Select.NULL else category,
            "body": self.query_one("#response-text", TextArea).text,
            "url": self.query_one("#response-url", Input).value if kind == "url" else "",
        }
        try:
            if kind == "file":
                fields["file_id"] = await self._file()
            if self.response is None:
                saved = await self.library.create(library_id=self.target.id, **fields)
            else:
                saved = await self.library.update(self.response.id, **fields)
        except (ApiError, OSError) as exc:
            error.update(describe_error(exc)[1] if isinstance(exc, ApiError) else f"Cannot read the file: {exc}")
            return
        self.dismiss(saved)

    async def _file(self) -> int | None:
        """The uploaded file: the one the response has, or the file at the path typed in."""
        typed = self.query_one("#response-file", Input).value.strip()
        current = self.response.file if self.response else None
        if not typed or (current is not None and typed == current.name):
            return self._file_id
        uploaded = await self.library.upload(Path(typed).expanduser())
        self._file_id = uploaded.id
        return uploaded.id
