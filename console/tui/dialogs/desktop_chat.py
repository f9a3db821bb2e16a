"""Desktop-chat dialogs: presence, adding and editing contacts, groups, sending a file.

The forms do their server call themselves: a refusal (a duplicate group name, a file that
does not exist) is shown inside the form with everything typed still in place, and the
form closes only once the server has accepted.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from console.client import ApiError
from console.tui.desktop_chat_model import PRESENCE_LABELS, PRESENCE_MARKS, DeskState
from console.tui.dialogs.base import Dialog
from console.tui.network import ReportsWorkerErrors, describe_error
from console.wire_desktop_chat import DirectoryEntry

NEW_GROUP = -1
"""The group choice that means "a new group, named below"."""

SIGN_IN, SIGN_OUT = "sign-in", "sign-out"

Submit = Callable[..., Awaitable[Any]]


class PresencePicker(Dialog[str]):
    """Available, Away, Do Not Disturb, or signing out (Offline to colleagues); or signing in.

    Dismisses with the presence, ``sign-in`` or ``sign-out``.
    """

    DEFAULT_CSS = """
    PresencePicker {
        OptionList { height: auto; max-height: 8; border: none; padding: 0; background: $surface; }
    }
    """

    def __init__(self, state: DeskState) -> None:
        super().__init__()
        self._state = state

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box") as box:
            box.border_title = "Desktop chat presence"
            current = self._state.my_presence
            options: list[Option | None] = []
            if not self._state.signed_in:
                options.append(Option("Sign in to desktop chat  [dim](as Available)[/]", id=SIGN_IN))
            else:
                for presence in ("available", "away", "dnd"):
                    marker = "●" if presence == current else " "
                    note = {"available": "", "away": "  [dim](messages still arrive)[/]",
                            "dnd": "  [dim](no pop-ups, no bell)[/]"}[presence]
                    options.append(Option(f"{marker} {PRESENCE_MARKS[presence]} {PRESENCE_LABELS[presence]}{note}",
                                          id=presence))
                options += [None, Option("Sign out of desktop chat  [dim](Offline to colleagues)[/]", id=SIGN_OUT)]
            yield OptionList(*options, id="presences")
            yield Static("Your ACD status does not change.  enter choose · escape cancel", classes="dialog-hint")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        current = self._state.my_presence
        options.highlighted = ids.index(current) if current in ids else 0
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)


class DeskForm(ReportsWorkerErrors, Dialog[Any]):
    """A form that submits itself (``ctrl+s``, or enter in its last field) and shows refusals."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "Save", id="desk-form-submit", tooltip="Send the form to the server"),
    ]

    DEFAULT_CSS = """
    DeskForm {
        .form-row { height: auto; margin-top: 1; }
        .form-label { width: 14; color: $text-muted; }
        Input, Select { width: 1fr; }
        #form-error { color: $error; height: auto; }
        #form-error.-empty { display: none; }
        OptionList { height: auto; max-height: 6; border: none; padding: 0; background: $surface; }
        .-hidden { display: none; }
    }
    """

    title_text = ""
    hint_text = "enter or ctrl+s save · escape cancel"

    def __init__(self, submit: Submit) -> None:
        super().__init__()
        self._submit = submit
        self.busy = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box") as box:
            box.border_title = self.title_text
            yield from self.fields()
            yield Static("", id="form-error", classes="-empty")
            yield Static(self.hint_text, classes="dialog-hint")

    def fields(self) -> ComposeResult:
        yield from ()

    def row(self, label: str, widget: Any, *, id: str | None = None, hidden: bool = False) -> Horizontal:
        return Horizontal(Label(label, classes="form-label"), widget, classes="form-row -hidden" if hidden
                          else "form-row", id=id)

    def show_error(self, message: str) -> None:
        error = self.query_one("#form-error", Static)
        error.update(message)
        error.set_class(not message, "-empty")

    def values(self) -> dict[str, Any] | None:
        """What to send, or None after showing what is missing."""
        return {}

    def action_submit(self) -> None:
        if self.busy:
            return
        values = self.values()
        if values is not None:
            self.show_error("")
            self._send(values)

    @work(exclusive=True, exit_on_error=False, group="form")
    async def _send(self, values: dict[str, Any]) -> None:
        self.busy = True
        try:
            result = await self._submit(**values)
        except ApiError as exc:
            self.show_error(describe_error(exc)[1])
            return
        finally:
            self.busy = False
        self.dismiss(result if result is not None else True)

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()


class GroupChoice:
    """The group fields of a form: an existing group, or "New group…" and its name."""

    def __init__(self, form: DeskForm, state: DeskState, current: int | None) -> None:
        self.form = form
        groups = [(g.name, g.id) for g in state.roster.groups]
        self.options: list[tuple[str, int]] = [*groups, ("New group…", NEW_GROUP)]
        self.initial = current if current is not None and any(i == current for _, i in groups) else (
            groups[0][1] if groups else NEW_GROUP)

    def widgets(self, label: str = "Group") -> ComposeResult:
        yield self.form.row(label, Select(self.options, value=self.initial, allow_blank=False, compact=True,
                                          id="group"))
        yield self.form.row("New group", Input(placeholder="Name of the new group", compact=True, id="new-group"),
                            id="new-group-row", hidden=self.initial != NEW_GROUP)

    def changed(self) -> None:
        chosen = self.form.query_one("#group", Select).value
        self.form.query_one("#new-group-row").set_class(chosen != NEW_GROUP, "-hidden")

    def target(self) -> dict[str, Any] | None:
        chosen = self.form.query_one("#group", Select).value
        if chosen == NEW_GROUP:
            name = self.form.query_one("#new-group", Input).value
            if not name.strip():
                self.form.show_error("Name the new group.")
                self.form.query_one("#new-group", Input).focus()
                return None
            return {"new_group": name}
        return {"group_id": chosen}


class AddContactDialog(DeskForm):
    """Search the directory by name or user id, choose a display name and a group."""

    title_text = "Add a contact"
    hint_text = "type to search · ↓ results · ctrl+s add · escape cancel"

    def __init__(self, submit: Submit, search: Callable[[str], Awaitable[list[DirectoryEntry]]], state: DeskState,
                 *, username: str | None = None, name: str | None = None) -> None:
        super().__init__(submit)
        self._search = search
        self._state = state
        self._chosen: str | None = username
        self._name = name
        self._groups = GroupChoice(self, state, None)
        self._results: list[DirectoryEntry] = []

    def fields(self) -> ComposeResult:
        yield self.row("Search", Input(self._chosen or "", placeholder="Name or user id", compact=True, id="search"))
        yield OptionList(id="results")
        yield self.row("Display name", Input(self._name or "", placeholder="How the contact is listed",
                                             compact=True, id="display-name"))
        yield from self._groups.widgets()

    def on_mount(self) -> None:
        if self._chosen:
            self.query_one("#display-name", Input).focus()
        else:
            self.query_one("#search", Input).focus()
        self.search(self.query_one("#search", Input).value)

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        event.stop()
        if self._chosen and event.value != self._chosen:
            self._chosen = None
        self.search(event.value)

    @work(exclusive=True, exit_on_error=False, group="search", name="search the directory")
    async def search(self, query: str) -> None:
        self._results = await self._search(query)
        results = self.query_one("#results", OptionList)
        results.clear_options()
        for entry in self._results:
            presence = entry.presence
            note = " · already a contact" if self._state.is_contact(entry.username) else ""
            results.add_option(Option(
                f"{PRESENCE_MARKS.get(presence, '')} {entry.name} [dim]({entry.username}) "
                f"{', '.join(entry.workgroups)}{note}[/]", id=entry.username))
        if not self._results:
            results.add_option(Option("[dim]Nobody found[/]", disabled=True))
        elif self._chosen is None and len(self._results) == 1:
            self._pick(self._results[0])

    def _pick(self, entry: DirectoryEntry) -> None:
        self._chosen = entry.username
        display = self.query_one("#display-name", Input)
        if not display.value.strip() or display.value == self._name:
            display.value = entry.name
        self._name = entry.name
        self.show_error("")

    @on(OptionList.OptionSelected, "#results")
    def _result_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        entry = next((e for e in self._results if e.username == event.option.id), None)
        if entry is not None:
            self._pick(entry)
            self.query_one("#display-name", Input).focus()

    @on(Select.Changed, "#group")
    def _group_changed(self, event: Select.Changed) -> None:
        event.stop()
        self._groups.changed()

    def values(self) -> dict[str, Any] | None:
        if self._chosen is None:
            self.show_error("Choose a colleague from the search results first.")
            self.query_one("#results", OptionList).focus()
            return None
        target = self._groups.target()
        if target is None:
            return None
        display = self.query_one("#display-name", Input).value
        return {"username": self._chosen, "display_name": display if display.strip() else None, **target}


class EditContactDialog(DeskForm):
    """A contact's display name and group."""

    title_text = "Edit contact"

    def __init__(self, submit: Submit, state: DeskState, username: str, group_id: int) -> None:
        super().__init__(submit)
        self._username = username
        self._group_id = group_id
        self._display = state.display_name(username)
        self._groups = GroupChoice(self, state, group_id)
        self.title_text = f"Edit {self._display}"

    def fields(self) -> ComposeResult:
        yield self.row("Display name", Input(self._display, compact=True, id="display-name"))
        yield from self._groups.widgets()

    def on_mount(self) -> None:
        self.query_one("#display-name", Input).focus()

    @on(Select.Changed, "#group")
    def _group_changed(self, event: Select.Changed) -> None:
        event.stop()
        self._groups.changed()

    def values(self) -> dict[str, Any] | None:
        target = self._groups.target()
        if target is None:
            return None
        values: dict[str, Any] = {"username": self._username, "group_id": self._group_id}
        display = self.query_one("#display-name", Input).value
        if display != self._display:
            values["display_name"] = display
        if target.get("group_id") not in (None, self._group_id):
            values["to_group_id"] = target["group_id"]
        if "new_group" in target:
            values["new_group"] = target["new_group"]
        return values


class MoveContactsDialog(DeskForm):
    """Where the chosen contacts go: an existing group or a new one."""

    def __init__(self, submit: Submit, state: DeskState, entries: list[tuple[str, int]]) -> None:
        super().__init__(submit)
        self._entries = entries
        names = [state.display_name(u) for u, _ in entries]
        self.title_text = f"Move {names[0]}" if len(names) == 1 else f"Move {len(names)} contacts"
        current = entries[0][1] if len({g for _, g in entries}) == 1 else None
        others = [g.id for g in state.roster.groups if g.id != current]
        self._groups = GroupChoice(self, state, others[0] if others else None)

    def fields(self) -> ComposeResult:
        yield from self._groups.widgets("To group")

    def on_mount(self) -> None:
        self.query_one("#group", Select).focus()

    @on(Select.Changed, "#group")
    def _group_changed(self, event: Select.Changed) -> None:
        event.stop()
        self._groups.changed()

    def values(self) -> dict[str, Any] | None:
        target = self._groups.target()
        return None if target is None else {"entries": self._entries, **target}


class GroupNameDialog(DeskForm):
    """The name of a new group, or a group's new name."""

    def __init__(self, submit: Submit, title: str, name: str = "") -> None:
        super().__init__(submit)
        self.title_text = title
        self._name = name

    def fields(self) -> ComposeResult:
        yield self.row("Name", Input(self._name, placeholder="Group name", compact=True, id="group-name"))

    def on_mount(self) -> None:
        self.query_one("#group-name", Input).focus()

    def values(self) -> dict[str, Any] | None:
        return {"name": self.query_one("#group-name", Input).value}


class SendFileDialog(DeskForm):
    """The path of a file to offer to the colleague of the conversation in front."""

    hint_text = "enter send · escape cancel"

    def __init__(self, submit: Submit, colleague: str, rules: str, path: str = "") -> None:
        super().__init__(submit)
        self.title_text = f"Send a file to {colleague}"
        self._rules = rules
        self._path = path

    def fields(self) -> ComposeResult:
        yield self.row("File", Input(self._path, placeholder="Path of the file, e.g. ~/Documents/report.pdf",
                                     compact=True, id="path"))
        yield Static(self._rules, classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#path", Input).focus()

    def values(self) -> dict[str, Any] | None:
        path = self.query_one("#path", Input).value.strip()
        if not path:
            self.show_error("Type the path of the file to send.")
            return None
        return {"path": path}
