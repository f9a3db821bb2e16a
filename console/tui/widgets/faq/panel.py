"""e-FAQ in the chat window's sidebar: search the knowledge base, read answers, use them.

Results come ranked from the server (best first) from the databases the agent chose
(``d``; remembered in the config file). **Enter** expands a result to read its answer in
place; **q** puts the question into the reply line, **a** the question and its answer,
**c** copies both to the clipboard.
"""

from __future__ import annotations

import asyncio
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from console.client.library import LibraryClient
from console.tui.dialogs.faq_databases import FaqDatabasePicker
from console.tui.network import ReportsWorkerErrors
from console.wire_library import FaqDatabase, FaqEntry

SEARCH_PAUSE = 0.15
"""Seconds of quiet typing before the search goes to the server."""


def question_and_answer(entry: FaqEntry) -> str:
    """One line for the reply box (which holds a single line): the question, then the answer."""
    return f"{entry.question} {entry.answer}"


class FaqResults(OptionList):
    """Ranked questions; an expanded one shows its answer below it."""

    HELP = """\
## e-FAQ

Questions and answers from the knowledge base, best match first.
**Enter** shows or hides the answer. **q** inserts the question into your reply,
**a** the question and the answer, **c** copies them to the clipboard.
**d** chooses which FAQ databases to search.
"""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "expand", "Answer", id="faq-expand", tooltip="Show or hide the answer"),
        Binding("q", "insert(False)", "Insert Q", id="faq-insert-question",
                tooltip="Insert the question into your reply"),
        Binding("a", "insert(True)", "Insert Q&A", id="faq-insert-answer",
                tooltip="Insert the question and its answer into your reply"),
        Binding("c", "copy_entry", "Copy", id="faq-copy", tooltip="Copy the question and answer to the clipboard"),
        Binding("d", "databases", "Databases", id="faq-databases", show=False,
                tooltip="Choose which FAQ databases to search"),
        Binding("slash", "search", "Search", id="faq-search", show=False, tooltip="Back to the search box"),
    ]

    def _panel(self) -> FaqPanel:
        return self.query_ancestor(FaqPanel)

    def action_expand(self) -> None:
        self._panel().toggle_answer()

    def action_insert(self, with_answer: bool) -> None:
        self._panel().insert_current(with_answer)

    def action_copy_entry(self) -> None:
        self._panel().copy_current()

    def action_databases(self) -> None:
        self._panel().choose_databases()

    def action_search(self) -> None:
        self._panel().query_one(FaqSearch).focus()


class FaqSearch(Input):
    """The search box: ranked results as you type; ↓ or Enter moves to them."""

    HELP = FaqResults.HELP
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "results", "Results", id="faq-to-results", show=False, tooltip="Move to the results"),
    ]

    def action_results(self) -> None:
        self.query_ancestor(FaqPanel).query_one(FaqResults).focus()


class FaqPanel(ReportsWorkerErrors, Vertical):
    """The e-FAQ sidebar of one chat."""

    DEFAULT_CSS = """
    FaqPanel {
        height: 1fr;
        FaqSearch { background: $boost; }
        #faq-scope { height: 1; padding: 0 1; color: $text-muted; }
        FaqResults {
            height: 1fr; border: none; padding: 0; background: $surface; scrollbar-size-vertical: 1;
            &:focus { border: none; background-tint: $foreground 3%; }
        }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", "Back to reply", id="faq-leave", tooltip="Back to the reply line"),
    ]

    class Inserted(Message):
        """Text from the knowledge base for the reply line."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class Leave(Message):
        """The agent wants to get back to the reply line."""

    def __init__(self, library: LibraryClient, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.library = library
        self.databases: list[FaqDatabase] = []
        self.results: list[FaqEntry] = []
        self.expanded: int | None = None
        """Id of the entry whose answer shows."""

    def compose(self) -> ComposeResult:
        yield FaqSearch(placeholder="Search the e-FAQ…", id="faq-search", compact=True)
        yield Static("", id="faq-scope")
        yield FaqResults(id="faq-results")

    def on_mount(self) -> None:
        self.load_databases()

    # -- databases ---------------------------------------------------------------------------
    @property
    def chosen_names(self) -> list[str] | None:
        """Names of the databases to search (from the config); None: all of them."""
        return getattr(getattr(self.app, "config", None), "faq_databases", None)

    @property
    def chosen(self) -> list[FaqDatabase]:
        names = self.chosen_names
        picked = [d for d in self.databases if names is None or d.name in names]
        return picked or self.databases

    @work(group="faq-databases", exclusive=True, exit_on_error=False, name="load the FAQ databases")
    async def load_databases(self) -> None:
        self.databases = await self.library.faq_databases()
        self._show_scope()
        text = self.query_one(FaqSearch).value
        if text.strip():
            self.search(text)

    def _show_scope(self) -> None:
        chosen = self.chosen
        if not self.databases:
            scope = "No FAQ databases on this server."
        elif len(chosen) == len(self.databases):
            scope = f"All {len(chosen)} databases · d to choose" if len(chosen) > 1 else chosen[0].name
        else:
            scope = "In " + ", ".join(d.name for d in chosen) + " · d to choose"
        self.query_one("#faq-scope", Static).update(Content(scope))

    def choose_databases(self) -> None:
        if not self.databases:
            return

        def chosen(names: list[str] | None) -> None:
            if names is None:
                return
            config = getattr(self.app, "config", None)
            if config is not None:
                config.faq_databases = None if len(names) == len(self.databases) else names
                save = getattr(self.app, "_save_config", None)
                if save is not None:
                    save()
            self._show_scope()
            text = self.query_one(FaqSearch).value
            if text.strip():
                self.search(text)

        self.app.push_screen(FaqDatabasePicker(self.databases, [d.name for d in self.chosen]), chosen)

    # -- search -----------------------------------------------------------------------------
    @on(Input.Changed, "#faq-search")
    def _search_changed(self, event: Input.Changed) -> None:
        event.stop()
        if not event.value.strip():
            self.workers.cancel_group(self, "faq-search")
            self.show_results([])
            return
        self.search(event.value)

    @on(Input.Submitted, "#faq-search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one(FaqResults).focus()

    @work(group="faq-search", exclusive=True, exit_on_error=False, name="search the e-FAQ")
    async def search(self, text: str) -> None:
        await asyncio.sleep(SEARCH_PAUSE)
        everything = len(self.chosen) == len(self.databases)
        databases = None if everything else [d.id for d in self.chosen]
        self.show_results(await self.library.faq_search(text, databases))

    def show_results(self, results: list[FaqEntry]) -> None:
        self.results = results
        self.expanded = None
        options = self.query_one(FaqResults)
        options.clear_options()
        options.add_options([Option(self._entry_prompt(entry, False), id=f"faq-{entry.id}") for entry in results])
        if results:
            options.highlighted = 0

    def _entry_prompt(self, entry: FaqEntry, expanded: bool) -> Content:
        marker = "▾ " if expanded else "▸ "
        question = Content.assemble(marker, (entry.question, "bold" if expanded else ""))
        if not expanded:
            return question
        return Content.assemble(question, "\n", entry.answer, "\n", (entry.database, "dim italic"))

    @property
    def current(self) -> FaqEntry | None:
        index = self.query_one(FaqResults).highlighted
        return self.results[index] if index is not None and index < len(self.results) else None

    def toggle_answer(self) -> None:
        options = self.query_one(FaqResults)
        index = options.highlighted
        if index is None or index >= len(self.results):
            return
        if self.expanded is not None and self.expanded != self.results[index].id:
            previous = next(i for i, e in enumerate(self.results) if e.id == self.expanded)
            options.replace_option_prompt_at_index(previous, self._entry_prompt(self.results[previous], False))
        entry = self.results[index]
        opening = self.expanded != entry.id
        self.expanded = entry.id if opening else None
        options.replace_option_prompt_at_index(index, self._entry_prompt(entry, opening))

    @on(OptionList.OptionSelected, "#faq-results")
    def _result_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()  # a click: show the answer
        self.toggle_answer()

    # -- using an entry -----------------------------------------------------------------------
    def insert_current(self, with_answer: bool) -> None:
        if (entry := self.current) is not None:
            self.post_message(self.Inserted(question_and_answer(entry) if with_answer else entry.question))

    def copy_current(self) -> None:
        if (entry := self.current) is not None:
            self.app.copy_to_clipboard(f"{entry.question}\n\n{entry.answer}")
            self.notify("Question and answer copied to the clipboard.", timeout=3)

    def action_leave(self) -> None:
        self.post_message(self.Leave())
