"""Response Management in the chat window's sidebar: browse, search, insert, send, keep your own.

The tree shows Favorites, My Responses and the system-wide libraries of the agent's
workgroups by category; typing in the search box replaces it with ranked results. The
server fills a response's placeholders in for the chat at hand, so inserting one asks
the server and the chat window gets the filled text (``Inserted``).
"""

from __future__ import annotations

import asyncio
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, OptionList, Static, Tree
from textual.widgets.option_list import Option
from textual.widgets.tree import TreeNode

from console.client.library import LibraryClient
from console.tui.dialogs.confirm import ConfirmDialog
from console.tui.dialogs.response_editor import ResponseEditor
from console.tui.network import ReportsWorkerErrors
from console.wire import TranscriptEntry
from console.wire_library import LibraryView, ResponseTree, ResponseView

SEARCH_PAUSE = 0.15
"""Seconds of quiet typing before the search goes to the server (keystrokes in between cancel it)."""

KIND_TAG = {"message": "", "url": " ↗ link", "file": " ▤ file"}

NodeData = tuple[str, int | None]
"""What a tree node stands for: ("response", id), ("category", id), ("library", id) or ("favorites", None)."""


def response_label(response: ResponseView) -> Text:
    """A response in the tree: title, shortcut, and what kind of thing it sends."""
    label = Text(response.title)
    if response.shortcut:
        label.append(" ")  # spaces unstyled: a styled part's leading space is not drawn
        label.append(f"/{response.shortcut}", "dim")
    if KIND_TAG[response.kind]:
        label.append(" ")
        label.append(KIND_TAG[response.kind].strip(), "dim italic")
    return label


def response_prompt(response: ResponseView) -> Content:
    """A response in the search results (same as in the tree)."""
    # Spaces go in plain parts: a styled part's leading space is not drawn in the list.
    parts: list[str | tuple[str, str]] = [response.title]
    if response.shortcut:
        parts += [" ", (f"/{response.shortcut}", "dim")]
    if KIND_TAG[response.kind]:
        parts += [" ", (KIND_TAG[response.kind].strip(), "dim italic")]
    return Content.assemble(*parts)


def preview_of(response: ResponseView) -> Content:
    """What the highlighted response holds, and what Enter does with it."""
    if response.kind == "message":
        what, use = response.body, "enter inserts · s sends"
    elif response.kind == "url":
        what, use = response.url + (f" — {response.body}" if response.body else ""), "enter sends the link"
    else:
        file = response.file
        size = f"{file.size / 1024:.0f} KiB" if file and file.size >= 1024 else f"{file.size if file else 0} bytes"
        what = f"{file.name if file else '?'} ({size})" + (f" — {response.body}" if response.body else "")
        use = "enter sends the file"
    return Content.assemble(what, "\n", (use, "dim"))


class ResponseActions:
    """Keys of the tree and the results list: they act on the highlighted response."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "use", "Use", id="responses-use",
                tooltip="Insert the message into your reply (a link or file is sent)"),
        Binding("s", "send", "Send now", id="responses-send", tooltip="Send the response to the visitor at once"),
        Binding("f", "favorite", "Favorite", id="responses-favorite", tooltip="Add to or remove from Favorites"),
        Binding("n", "new", "New", id="responses-new", tooltip="Write a new response in My Responses"),
        Binding("e", "edit", "Edit", id="responses-edit", tooltip="Edit the response (My Responses only)"),
        Binding("delete", "delete", "Delete", id="responses-delete", show=False,
                tooltip="Delete the response (My Responses only)"),
        Binding("r", "reload", "Reload", id="responses-reload", show=False, tooltip="Load the libraries again"),
        Binding("slash", "search", "Search", id="responses-search", show=False, tooltip="Back to the search box"),
    ]

    def _panel(self) -> ResponsesPanel:
        return self.query_ancestor(ResponsesPanel)  # type: ignore[attr-defined]

    def action_use(self) -> None:
        self._panel().use_current()

    def action_send(self) -> None:
        self._panel().send_current()

    def action_favorite(self) -> None:
        self._panel().toggle_favorite()

    def action_new(self) -> None:
        self._panel().new_response()

    def action_edit(self) -> None:
        self._panel().edit_current()

    def action_delete(self) -> None:
        self._panel().delete_current()

    def action_reload(self) -> None:
        self._panel().load()

    def action_search(self) -> None:
        self._panel().focus_search()


class ResponseTreeView(ResponseActions, Tree[NodeData]):
    """Favorites, My Responses and the system libraries, by category."""

    HELP = """\
## Responses

Stored responses: **Favorites**, **My Responses** and your workgroups' libraries.
**Enter** inserts a message into your reply (placeholders such as the visitor's name are
filled in) or sends a link or file; **s** sends at once. Type in the search box above
to find responses by title, text or shortcut. In the reply line, **/shortcut** followed
by a space expands a response.
"""

    BINDINGS: ClassVar[list[BindingType]] = ResponseActions.BINDINGS

    def action_use(self) -> None:
        node = self.cursor_node
        if node is not None and node.data is not None and node.data[0] != "response":
            node.toggle()
            return
        super().action_use()


class ResponseResults(ResponseActions, OptionList):
    """Search results, best match first."""

    HELP = ResponseTreeView.HELP
    BINDINGS: ClassVar[list[BindingType]] = ResponseActions.BINDINGS


class ResponseSearch(Input):
    """The search box: results as you type; ↓ or Enter moves to them."""

    HELP = ResponseTreeView.HELP
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "results", "Results", id="responses-to-results", show=False,
                tooltip="Move to the responses below"),
    ]

    def action_results(self) -> None:
        self.query_ancestor(ResponsesPanel).focus_list()


class ResponsesPanel(ReportsWorkerErrors, Vertical):
    """The Responses sidebar of one chat."""

    DEFAULT_CSS = """
    ResponsesPanel {
        height: 1fr;
        ResponseSearch { background: $boost; }
        ResponseTreeView, ResponseResults {
            height: 1fr; border: none; padding: 0; background: $surface; scrollbar-size-vertical: 1;
            &:focus { border: none; background-tint: $foreground 3%; }
        }
        ResponseResults { display: none; }
        &.-searching ResponseResults { display: block; }
        &.-searching ResponseTreeView { display: none; }
        #responses-preview {
            height: auto; max-height: 3; padding: 0 1; color: $text-muted; background: $panel;
        }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", "Back to reply", id="sidebar-leave", tooltip="Back to the reply line"),
    ]

    class Inserted(Message):
        """A response filled in for this chat, for the reply line."""

        def __init__(self, text: str, unknown: list[str]) -> None:
            super().__init__()
            self.text = text
            self.unknown = unknown
            """Placeholders nothing could fill, left in the text as written."""

    class Sent(Message):
        """A response went to the visitor; ``entry`` is its transcript line."""

        def __init__(self, entry: TranscriptEntry) -> None:
            super().__init__()
            self.entry = entry

    class Leave(Message):
        """The agent wants to get back to the reply line."""

    def __init__(self, library: LibraryClient, interaction_id: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.library = library
        self.interaction_id = interaction_id
        self.responses: dict[int, ResponseView] = {}
        self.libraries: list[LibraryView] = []
        self.results: list[ResponseView] = []

    def compose(self) -> ComposeResult:
        yield ResponseSearch(placeholder="Search responses…", id="responses-search", compact=True)
        tree: ResponseTreeView = ResponseTreeView("Responses", id="responses-tree")
        tree.show_root = False
        tree.guide_depth = 2
        yield tree
        yield ResponseResults(id="responses-results")
        yield Static("Loading responses…", id="responses-preview")

    def on_mount(self) -> None:
        self.load()

    # -- loading and showing ------------------------------------------------------------
    @work(group="responses-load", exclusive=True, exit_on_error=False, name="load the responses")
    async def load(self) -> None:
        self.show_tree(await self.library.tree())

    def show_tree(self, tree_data: ResponseTree) -> None:
        self.libraries = tree_data.libraries
        self.responses = {r.id: r for lib in tree_data.libraries for r in lib.responses}
        tree = self.query_one(ResponseTreeView)
        cursor = tree.cursor_node.data if tree.cursor_node is not None else None
        expanded = {n.data for n in self._tree_nodes(tree.root) if n.is_expanded}
        tree.clear()
        favorites = tree.root.add(f"★ Favorites ({len(tree_data.favorites)})", data=("favorites", None))
        for rid in tree_data.favorites:
            if rid in self.responses:
                favorites.add_leaf(response_label(self.responses[rid]), data=("response", rid))
        for library in tree_data.libraries:
            node = tree.root.add(Text(library.name, "bold"), data=("library", library.id))
            self._fill(node, library)
        for node in self._tree_nodes(tree.root):
            if node.data in expanded or (not expanded and node.parent is tree.root):
                node.expand()
        self.call_after_refresh(self._restore_cursor, cursor)
        if not self.has_class("-searching"):
            self._show_preview(None)

    def _restore_cursor(self, data: NodeData | None) -> None:
        tree = self.query_one(ResponseTreeView)
        for node in self._tree_nodes(tree.root):
            if node.data == data:
                tree.move_cursor(node)
                return

    @staticmethod
    def _fill(node: TreeNode[NodeData], library: LibraryView) -> None:
        children: dict[int | None, list] = {}
        for category in library.categories:
            children.setdefault(category.parent_id, []).append(category)

        def add(parent: TreeNode[NodeData], category_id: int | None) -> None:
            for category in children.get(category_id, []):
                add(parent.add(category.name, data=("category", category.id)), category.id)
            for response in library.responses:
                if response.category_id == category_id:
                    parent.add_leaf(response_label(response), data=("response", response.id))

        add(node, None)
        if not library.responses and not library.categories:
            node.add_leaf(Text("(empty — n writes a new response)" if library.editable else "(empty)", "dim"),
                          data=("empty", library.id))

    def _tree_nodes(self, node: TreeNode[NodeData]) -> list[TreeNode[NodeData]]:
        found = []
        for child in node.children:
            found.append(child)
            found += self._tree_nodes(child)
        return found

    def _show_preview(self, response: ResponseView | None) -> None:
        preview = self.query_one("#responses-preview", Static)
        if response is not None:
            preview.update(preview_of(response))
        elif self.has_class("-searching"):
            preview.update(Content.styled("No response matches." if not self.results else "", "dim"))
        else:
            preview.update(Content.styled("Type to search · enter uses · s sends · f favorite · n new", "dim"))

    @property
    def current(self) -> ResponseView | None:
        """The highlighted response in whichever list is showing."""
        if self.has_class("-searching"):
            results = self.query_one(ResponseResults)
            index = results.highlighted
            return self.results[index] if index is not None and index < len(self.results) else None
        node = self.query_one(ResponseTreeView).cursor_node
        if node is None or node.data is None or node.data[0] != "response":
            return None
        return self.responses.get(node.data[1])  # type: ignore[arg-type]

    @on(Tree.NodeHighlighted, "#responses-tree")
    def _tree_highlighted(self, event: Tree.NodeHighlighted) -> None:
        event.stop()
        self._show_preview(self.current)

    @on(OptionList.OptionHighlighted, "#responses-results")
    def _result_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self._show_preview(self.current)

    @on(OptionList.OptionSelected, "#responses-results")
    def _result_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()  # Enter is the "use" binding; a click selects
        self.use_current()

    # -- search --------------------------------------------------------------------------
    @on(Input.Changed, "#responses-search")
    def _search_changed(self, event: Input.Changed) -> None:
        event.stop()
        text = event.value
        if not text.strip():
            self.workers.cancel_group(self, "responses-search")
            self.results = []
            self.remove_class("-searching")
            self._show_preview(self.current)
            return
        self.search(text)

    @on(Input.Submitted, "#responses-search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_list()

    @work(group="responses-search", exclusive=True, exit_on_error=False, name="search the responses")
    async def search(self, text: str) -> None:
        await asyncio.sleep(SEARCH_PAUSE)
        self.show_results(await self.library.search(text))

    def show_results(self, results: list[ResponseView]) -> None:
        self.results = results
        self.add_class("-searching")
        options = self.query_one(ResponseResults)
        options.clear_options()
        options.add_options([Option(response_prompt(r), id=f"response-{r.id}") for r in results])
        if results:
            options.highlighted = 0
        self._show_preview(self.current)

    def focus_search(self) -> None:
        self.query_one(ResponseSearch).focus()

    def focus_list(self) -> None:
        if self.has_class("-searching"):
            self.query_one(ResponseResults).focus()
        else:
            self.query_one(ResponseTreeView).focus()

    def action_leave(self) -> None:
        self.post_message(self.Leave())

    # -- using a response ------------------------------------------------------------------
    def use_current(self) -> None:
        response = self.current
        if response is None:
            return
        if response.kind == "message":
            self.insert(response.id)
        else:
            self.send(response.id)

    def send_current(self) -> None:
        if (response := self.current) is not None:
            self.send(response.id)

    @work(group="responses-use", exit_on_error=False, name="insert the response")
    async def insert(self, response_id: int) -> None:
        filled = await self.library.insert(self.interaction_id, response_id=response_id)
        self.post_message(self.Inserted(filled.text, filled.unknown_placeholders))

    @work(group="responses-use", exit_on_error=False, name="send the response")
    async def send(self, response_id: int) -> None:
        sent = await self.library.send(self.interaction_id, response_id=response_id)
        self.post_message(self.Sent(sent.entry))

    def toggle_favorite(self) -> None:
        if (response := self.current) is not None:
            self.set_favorite(response.id, not response.favorite)

    @work(group="responses-change", exit_on_error=False, name="change your favorites")
    async def set_favorite(self, response_id: int, favorite: bool) -> None:
        await self.library.set_favorite(response_id, favorite)
        title = self.responses[response_id].title if response_id in self.responses else "The response"
        self.notify(f"{title} {'added to' if favorite else 'removed from'} Favorites.", timeout=3)
        self.show_tree(await self.library.tree())
        if self.has_class("-searching"):
            self.show_results([r.model_copy(update={"favorite": favorite}) if r.id == response_id else r
                               for r in self.results])

    # -- My Responses ------------------------------------------------------------------------
    def _personal(self) -> LibraryView | None:
        return next((lib for lib in self.libraries if lib.kind == "personal"), None)

    def new_response(self) -> None:
        personal = self._personal()
        if personal is None:
            return
        self.app.push_screen(ResponseEditor(self.library, personal), self._saved)

    def edit_current(self) -> None:
        response = self.current
        if response is None:
            return
        library = next((lib for lib in self.libraries if lib.id == response.library_id), None)
        if not response.editable or library is None:
            self.notify("System-wide responses are managed by supervisors; write your own version in "
                        "My Responses with n.", severity="warning")
            return
        self.app.push_screen(ResponseEditor(self.library, library, response), self._saved)

    def _saved(self, response: ResponseView | None) -> None:
        if response is not None:
            self.notify(f"Saved {response.title!r} in My Responses.", timeout=3)
            self.load()

    def delete_current(self) -> None:
        response = self.current
        if response is None:
            return
        if not response.editable:
            self.notify("System-wide responses are managed by supervisors.", severity="warning")
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.delete(response.id)

        self.app.push_screen(
            ConfirmDialog("Delete response", f"Delete {response.title!r} from My Responses?", "Delete"), confirmed
        )

    @work(group="responses-change", exit_on_error=False, name="delete the response")
    async def delete(self, response_id: int) -> None:
        await self.library.delete(response_id)
        self.show_tree(await self.library.tree())
        if self.has_class("-searching"):
            self.show_results([r for r in self.results if r.id != response_id])
