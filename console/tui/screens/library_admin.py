"""Supervisors manage the system-wide response libraries and the e-FAQ here.

Two tabs: **Responses** (libraries, their categories and responses) and **e-FAQ**
(databases and their entries). Every change goes through the agent API, so agents'
sidebars show it the next time they load or search.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static, TabbedContent, TabPane, Tree
from textual.widgets.tree import TreeNode

from console.client.library import LibraryClient
from console.tui.dialogs.confirm import ConfirmDialog
from console.tui.dialogs.library_dialogs import FaqEntryEditor, NameDialog
from console.tui.dialogs.response_editor import ResponseEditor
from console.tui.network import ReportsWorkerErrors
from console.tui.widgets.responses.panel import preview_of, response_label
from console.wire_library import FaqDatabase, FaqEntry, LibraryView, ResponseView

ENTRIES_SHOWN = 500
"""FAQ entries listed per database; larger databases are searched from the agents' sidebar."""

NodeData = tuple[str, int]


class LibraryAdminScreen(ReportsWorkerErrors, Screen):
    """System-wide responses and e-FAQ entries: browse, add, edit, delete."""

    CSS_PATH = "library_admin.tcss"

    HELP = """\
## Libraries

**Responses**: the system-wide libraries, each granted to workgroups, with categories.
**e-FAQ**: the knowledge-base databases and their questions and answers.

**n** adds a response (or FAQ entry) where the cursor is, **e** edits it, **delete**
deletes what the cursor is on (a category only when empty). **c** adds a category,
**l** a library, **b** an FAQ database. **[** and **]** switch tabs; **escape** returns
to the supervisor console.
"""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back", id="admin-close", tooltip="Back to the supervisor console"),
        Binding("n", "new", "New", id="admin-new", tooltip="Add a response or FAQ entry here"),
        Binding("e", "edit", "Edit", id="admin-edit", tooltip="Edit the response or FAQ entry"),
        Binding("delete", "delete", "Delete", id="admin-delete", tooltip="Delete what the cursor is on"),
        Binding("c", "new_category", "Category", id="admin-category", tooltip="Add a category to the library"),
        Binding("l", "new_library", "Library", id="admin-library", tooltip="Add a system-wide response library"),
        Binding("b", "new_database", "Database", id="admin-database", tooltip="Add an e-FAQ database"),
        Binding("left_square_bracket", "tab(-1)", "Previous tab", id="admin-previous-tab", show=False,
                tooltip="Show the other tab"),
        Binding("right_square_bracket", "tab(1)", "Next tab", id="admin-next-tab", show=False,
                tooltip="Show the other tab"),
    ]

    def __init__(self, library: LibraryClient) -> None:
        super().__init__()
        self.library = library
        self.libraries: dict[int, LibraryView] = {}
        self.responses: dict[int, ResponseView] = {}
        self.databases: dict[int, FaqDatabase] = {}
        self.entries: dict[int, FaqEntry] = {}

    def compose(self) -> ComposeResult:
        yield Static("Libraries · system-wide responses and e-FAQ", id="admin-title")
        with TabbedContent(id="admin-tabs"):
            with TabPane("Responses", id="admin-responses-tab"):
                tree: Tree[NodeData] = Tree("Libraries", id="admin-responses")
                tree.show_root = False
                yield tree
            with TabPane("e-FAQ", id="admin-faq-tab"):
                faq: Tree[NodeData] = Tree("e-FAQ", id="admin-faq")
                faq.show_root = False
                yield faq
        yield Static("", id="admin-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    # -- loading --------------------------------------------------------------------------------
    @work(group="admin-load", exclusive=True, exit_on_error=False, name="load the libraries")
    async def load(self) -> None:
        tree_data, databases = await asyncio.gather(self.library.tree(), self.library.faq_databases())
        entries = await asyncio.gather(*(self.library.faq_entries(d.id, limit=ENTRIES_SHOWN) for d in databases))
        self.libraries = {lib.id: lib for lib in tree_data.libraries if lib.kind == "system"}
        self.responses = {r.id: r for lib in self.libraries.values() for r in lib.responses}
        self.databases = {d.id: d for d in databases}
        self.entries = {e.id: e for found in entries for e in found}
        self._show_responses()
        self._show_faq(dict(zip([d.id for d in databases], entries, strict=True)))
        self._focus_tree()

    def _show_responses(self) -> None:
        tree = self.query_one("#admin-responses", Tree)
        keep = self._expanded_nodes(tree)
        tree.clear()
        for library in self.libraries.values():
            granted = ", ".join(library.workgroups) or "no workgroup"
            node = tree.root.add(Text.assemble((library.name, "bold"), "  ", (granted, "dim")),
                                 data=("library", library.id))
            children: dict[int | None, list] = {}
            for category in library.categories:
                children.setdefault(category.parent_id, []).append(category)

            def add(parent: TreeNode[NodeData], category_id: int | None, library: LibraryView = library) -> None:
                for category in children.get(category_id, []):
                    add(parent.add(category.name, data=("category", category.id)), category.id)
                for response in library.responses:
                    if response.category_id == category_id:
                        parent.add_leaf(response_label(response), data=("response", response.id))

            add(node, None)
        self._reopen_nodes(tree, keep)

    def _show_faq(self, entries: dict[int, list[FaqEntry]]) -> None:
        tree = self.query_one("#admin-faq", Tree)
        keep = self._expanded_nodes(tree)
        tree.clear()
        for database in self.databases.values():
            node = tree.root.add(Text.assemble((database.name, "bold"), "  ", (f"{database.entries} entries", "dim")),
                                 data=("database", database.id))
            for entry in entries.get(database.id, []):
                node.add_leaf(entry.question, data=("entry", entry.id))
            if database.entries > ENTRIES_SHOWN:
                node.add_leaf(Text(f"… {database.entries - ENTRIES_SHOWN} more: find them with the e-FAQ search",
                                   "dim"), data=("more", database.id))
        self._reopen_nodes(tree, keep)

    @staticmethod
    def _expanded_nodes(tree: Tree[NodeData]) -> set[NodeData]:
        found: set[NodeData] = set()
        stack = list(tree.root.children)
        while stack:
            node = stack.pop()
            if node.is_expanded and node.data is not None:
                found.add(node.data)
            stack += node.children
        return found

    @staticmethod
    def _reopen_nodes(tree: Tree[NodeData], expanded: set[NodeData]) -> None:
        stack = list(tree.root.children)
        while stack:
            node = stack.pop()
            if node.data in expanded or (not expanded and node.parent is tree.root):
                node.expand()
            stack += node.children

    # -- where the cursor is ------------------------------------------------------------------
    @property
    def on_faq(self) -> bool:
        return self.query_one("#admin-tabs", TabbedContent).active == "admin-faq-tab"

    @property
    def tree(self) -> Tree[NodeData]:
        return self.query_one("#admin-faq" if self.on_faq else "#admin-responses", Tree)

    @property
    def cursor(self) -> NodeData | None:
        node = self.tree.cursor_node
        return node.data if node is not None else None

    def _library_at_cursor(self) -> tuple[LibraryView | None, int | None]:
        """The library the cursor is in, and the category (if any)."""
        node = self.query_one("#admin-responses", Tree).cursor_node
        category = None
        while node is not None and node.data is not None:
            kind, ident = node.data
            if kind == "category" and category is None:
                category = ident
            if kind == "response" and category is None:
                category = self.responses[ident].category_id
            if kind == "library":
                return self.libraries.get(ident), category
            node = node.parent
        return None, None

    def _database_at_cursor(self) -> int | None:
        data = self.cursor if self.on_faq else None
        if data is None:
            return None
        return data[1] if data[0] in ("database", "more") else self.entries[data[1]].database_id

    @on(Tree.NodeHighlighted)
    def _highlighted(self, event: Tree.NodeHighlighted) -> None:
        data = event.node.data
        detail = self.query_one("#admin-detail", Static)
        if data is None:
            detail.update("")
        elif data[0] == "response":
            detail.update(preview_of(self.responses[data[1]]))
        elif data[0] == "entry":
            entry = self.entries[data[1]]
            detail.update(Content.assemble((entry.question, "bold"), "\n", entry.answer))
        elif data[0] == "library":
            library = self.libraries[data[1]]
            detail.update(Content(f"{library.name}: {len(library.responses)} responses, granted to "
                                  f"{', '.join(library.workgroups) or 'no workgroup'}."))
        elif data[0] == "database":
            database = self.databases[data[1]]
            detail.update(Content(f"{database.name}: {database.entries} entries. {database.description}"))
        else:
            detail.update("")
        self.refresh_bindings()

    @on(TabbedContent.TabActivated)
    def _tab_changed(self) -> None:
        self._focus_tree()
        self.refresh_bindings()

    def _focus_tree(self) -> None:
        self.call_after_refresh(self.tree.focus)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        data = self.cursor
        if action == "new_category" or action == "new_library":
            return not self.on_faq
        if action == "new_database":
            return self.on_faq
        if action == "edit":
            return data is not None and data[0] in ("response", "entry")
        if action == "delete":
            return data is not None and data[0] in ("response", "entry", "category", "library", "database")
        if action == "new":
            return bool(self.databases) if self.on_faq else bool(self.libraries)
        return True

    # -- actions ------------------------------------------------------------------------------------
    def action_close(self) -> None:
        self.app.pop_screen()

    def action_tab(self, step: int) -> None:
        tabs = self.query_one("#admin-tabs", TabbedContent)
        tabs.active = "admin-responses-tab" if self.on_faq else "admin-faq-tab"

    def _reload_after(self, result: Any) -> None:
        if result is not None:
            self.notify("Saved.", timeout=2)
            self.load()

    def action_new(self) -> None:
        if self.on_faq:
            database = self._database_at_cursor() or next(iter(self.databases))
            self.app.push_screen(FaqEntryEditor(self.library, list(self.databases.values()), database),
                                 self._reload_after)
            return
        library, category = self._library_at_cursor()
        library = library or next(iter(self.libraries.values()))
        self.app.push_screen(ResponseEditor(self.library, library, category_id=category), self._reload_after)

    def action_edit(self) -> None:
        data = self.cursor
        if data is None:
            return
        if data[0] == "entry":
            entry = self.entries[data[1]]
            self.app.push_screen(FaqEntryEditor(self.library, list(self.databases.values()), entry.database_id,
                                                entry), self._reload_after)
        elif data[0] == "response":
            response = self.responses[data[1]]
            self.app.push_screen(ResponseEditor(self.library, self.libraries[response.library_id], response),
                                 self._reload_after)

    def action_new_category(self) -> None:
        library, category = self._library_at_cursor()
        if library is None:
            self.notify("Put the cursor in a library first.", severity="warning")
            return

        async def create(name: str) -> dict:
            return await self.library.create_category(library.id, name, category)

        self.app.push_screen(NameDialog(f"New category in {library.name}", create), self._reload_after)

    def action_new_library(self) -> None:
        self.new_library()

    @work(exclusive=True, exit_on_error=False, name="load the workgroups")
    async def new_library(self) -> None:
        workgroups = sorted(wg["name"] for wg in await self.library.client.workgroups())
        self.app.push_screen(NameDialog("New response library", self.library.create_library, workgroups=workgroups),
                             self._reload_after)

    def action_new_database(self) -> None:
        self.app.push_screen(NameDialog("New e-FAQ database", self.library.create_faq_database), self._reload_after)

    def action_delete(self) -> None:
        data = self.cursor
        if data is None:
            return
        kind, ident = data
        if kind == "response":
            what, call = f"the response {self.responses[ident].title!r}", self.library.delete
        elif kind == "entry":
            what, call = f"the FAQ entry {self.entries[ident].question!r}", self.library.delete_faq_entry
        elif kind == "category":
            what, call = "this category (it must be empty)", self.library.delete_category
        elif kind == "library":
            library = self.libraries[ident]
            what = f"the library {library.name!r} and its {len(library.responses)} responses"
            call = self.library.delete_library
        elif kind == "database":
            database = self.databases[ident]
            what = f"the FAQ database {database.name!r} and its {database.entries} entries"
            call = self.library.delete_faq_database
        else:
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.run_worker(self._delete(call, ident), exit_on_error=False, name=f"delete {what}")

        self.app.push_screen(ConfirmDialog("Delete", f"Delete {what}? Agents lose it at once.", "Delete"), confirmed)

    async def _delete(self, call: Callable[[int], Awaitable[None]], ident: int) -> None:
        await call(ident)
        self.notify("Deleted.", timeout=2)
        self.load()
