"""The contact list of desktop chat: the user's groups, their contacts' presence, Recent Chats."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from console.tui.desktop_chat_model import PRESENCE_LABELS, PRESENCE_MARKS, DeskState

RECENT_CHATS = "Recent Chats"


@dataclass(frozen=True, slots=True)
class ContactRow:
    """What a line of the contact list stands for."""

    kind: Literal["group", "contact", "recent-group", "recent"]
    group_id: int | None = None
    username: str | None = None

    @property
    def entry(self) -> tuple[str, int] | None:
        """(username, group id) of a contact line: what the server calls one contact in one group."""
        if self.kind == "contact" and self.username is not None and self.group_id is not None:
            return self.username, self.group_id
        return None


class ContactTree(Tree[ContactRow]):
    """Groups with their contacts, then Recent Chats; each colleague with their presence.

    Space marks contacts for moving or deleting several at once; the other keys act on the
    marked contacts, or on the line under the cursor when none are marked.

    | Class | Description |
    | :- | :- |
    | `contacts--available`, `contacts--away`, `contacts--dnd`, `contacts--offline` | the presence mark |
    | `contacts--marked` | the tick of a marked contact |
    | `contacts--count` | the number of contacts beside a group |
    """

    HELP = """\
## Contacts

Your groups of colleagues, then **Recent Chats**: who you chatted with lately.
The mark before a name is their presence: ● Available, ◐ Away, ⊘ Do Not Disturb, ○ Offline.

**Enter** opens a chat. **Space** marks contacts to move or delete several at once.
From Recent Chats, **a** adds the colleague to a group.
"""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "chat", "Chat", id="desk-contact-chat",
                tooltip="Open a chat with the colleague (on a group: fold or unfold it)"),
        Binding("space", "mark", "Mark", id="desk-contact-mark",
                tooltip="Mark or unmark a contact for moving or deleting (on a group: fold or unfold it)"),
        Binding("a", "add", "Add", id="desk-contact-add",
                tooltip="Add a contact: search the directory, or add the colleague under the cursor"),
        Binding("e", "edit", "Edit", id="desk-contact-edit", tooltip="Change the contact's display name or group"),
        Binding("m", "move", "Move", id="desk-contact-move", tooltip="Move the marked contacts to another group"),
        Binding("d,delete", "delete", "Delete", id="desk-contact-delete",
                tooltip="Delete the marked contacts from their group, or the group under the cursor"),
        Binding("r", "rename_group", "Rename", id="desk-group-rename", tooltip="Rename the group"),
        Binding("n", "new_group", "New group", id="desk-group-new", show=False, tooltip="Create an empty group"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "contacts--available", "contacts--away", "contacts--dnd", "contacts--offline", "contacts--marked",
        "contacts--count",
    }

    DEFAULT_CSS = """
    ContactTree {
        background: $surface;
        padding: 0;
        & > .contacts--available { color: $status-available; }
        & > .contacts--away { color: $status-away; }
        & > .contacts--dnd { color: $status-busy; }
        & > .contacts--offline { color: $disconnected; }
        & > .contacts--marked { color: $accent; text-style: bold; }
        & > .contacts--count { color: $text-muted; }
    }
    """

    class Requested(Message):
        """The user asked for something to be done with contacts; the screen does it."""

        def __init__(self, action: str, row: ContactRow | None, entries: list[tuple[str, int]]) -> None:
            super().__init__()
            self.action = action
            self.row = row
            self.entries = entries

    def __init__(self, state: DeskState, *, id: str | None = None) -> None:
        super().__init__("Contacts", id=id)
        self.show_root = False
        self.guide_depth = 2
        self.auto_expand = False
        self.state = state
        self.marked: set[tuple[str, int]] = set()
        self._collapsed: set[int | str] = set()

    # -- showing ----------------------------------------------------------------------------
    def show(self) -> None:
        """Rebuild from the state, keeping the cursor line, the marks and collapsed groups."""
        at = self.cursor_node.data if self.cursor_node is not None else None
        line = self.cursor_line
        for node in self.root.children:
            if node.data is not None:
                key = node.data.group_id if node.data.kind == "group" else RECENT_CHATS
                if node.is_expanded:
                    self._collapsed.discard(key)  # type: ignore[arg-type]
                else:
                    self._collapsed.add(key)  # type: ignore[arg-type]
        self.clear()
        entries: set[tuple[str, int]] = set()
        target: TreeNode[ContactRow] | None = None
        for group in self.state.roster.groups:
            row = ContactRow("group", group.id)
            count = Text(f" {len(group.contacts)}", style=self._style("contacts--count"))
            node = self.root.add(Text.assemble(group.name, count), data=row,
                                 expand=group.id not in self._collapsed)
            target = node if row == at else target
            for contact in group.contacts:
                contact_row = ContactRow("contact", group.id, contact.username)
                entries.add((contact.username, group.id))
                leaf = node.add_leaf(contact.display_name, data=contact_row)
                target = leaf if contact_row == at else target
        recent_node = self.root.add(RECENT_CHATS, data=ContactRow("recent-group"),
                                    expand=RECENT_CHATS not in self._collapsed)
        target = recent_node if at == ContactRow("recent-group") else target
        for recent in self.state.roster.recent:
            row = ContactRow("recent", username=recent.username)
            leaf = recent_node.add_leaf(self.state.display_name(recent.username), data=row)
            target = leaf if row == at else target
        self.marked &= entries
        self.call_after_refresh(self._restore_cursor, target, line)

    def _restore_cursor(self, node: TreeNode[ContactRow] | None, line: int) -> None:
        if node is not None:
            self.move_cursor(node)
        elif self.last_line >= 0:
            self.cursor_line = min(max(line, 0), self.last_line)

    def _style(self, component: str) -> Style:
        return self.get_component_rich_style(component, partial=True)

    def render_label(self, node: TreeNode[ContactRow], base_style: Style, style: Style) -> Text:
        row = node.data
        if row is None or row.username is None:
            return super().render_label(node, base_style, style)
        presence = self.state.presence_of(row.username)
        parts: list[Text | str] = []
        if row.entry is not None and row.entry in self.marked:
            parts.append(Text("✓ ", style=self._style("contacts--marked")))
        parts.append(Text(f"{PRESENCE_MARKS.get(presence, '?')} ", style=self._style(f"contacts--{presence}")))
        parts.append(node._label.copy())
        text = Text.assemble(*parts)
        text.stylize(style)
        return text

    def presence_changed(self) -> None:
        """Redraw every line (a colleague may be listed in several groups)."""
        for node in self._all_nodes():
            node.set_label(node.label)

    def _all_nodes(self) -> list[TreeNode[ContactRow]]:
        nodes: list[TreeNode[ContactRow]] = []
        for group in self.root.children:
            nodes.append(group)
            nodes.extend(group.children)
        return nodes

    # -- what the keys act on ---------------------------------------------------------------
    @property
    def row(self) -> ContactRow | None:
        node = self.cursor_node
        return node.data if node is not None else None

    def chosen_entries(self) -> list[tuple[str, int]]:
        """The marked contacts, else the contact under the cursor."""
        if self.marked:
            return sorted(self.marked)
        row = self.row
        return [row.entry] if row is not None and row.entry is not None else []

    def describe(self, row: ContactRow) -> str:
        """How a line reads in a dialog title: a contact's name with its presence, or a group's name."""
        if row.username is not None:
            presence = PRESENCE_LABELS.get(self.state.presence_of(row.username), "")
            return f"{self.state.display_name(row.username)} ({presence})"
        if row.kind == "group":
            return next((g.name for g in self.state.roster.groups if g.id == row.group_id), "the group")
        return RECENT_CHATS

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        row = self.row
        if action in ("chat", "mark"):
            return row is not None
        if action == "edit":
            return row is not None and row.entry is not None
        if action == "move":
            return bool(self.chosen_entries())
        if action == "delete":
            return bool(self.marked) or (row is not None and row.kind in ("contact", "group"))
        if action == "rename_group":
            return row is not None and row.kind == "group"
        return True

    def _request(self, action: str) -> None:
        self.post_message(self.Requested(action, self.row, self.chosen_entries()))

    def _fold(self) -> bool:
        """On a group line: fold or unfold the group (what enter and space do in any tree)."""
        node = self.cursor_node
        if node is None or node.data is None or node.data.username is not None:
            return False
        node.toggle()
        return True

    def action_chat(self) -> None:
        if not self._fold():
            self._request("chat")

    def action_mark(self) -> None:
        row = self.row
        if self._fold() or row is None or row.entry is None:
            return
        self.marked ^= {row.entry}
        if self.cursor_node is not None:
            self.cursor_node.set_label(self.cursor_node.label)
        self.action_cursor_down()
        self.screen.refresh_bindings()

    def action_add(self) -> None:
        self._request("add")

    def action_edit(self) -> None:
        self._request("edit")

    def action_move(self) -> None:
        self._request("move")

    def action_delete(self) -> None:
        row = self.row
        if not self.marked and row is not None and row.kind == "group":
            self._request("delete-group")
        else:
            self._request("delete")

    def action_rename_group(self) -> None:
        self._request("rename-group")

    def action_new_group(self) -> None:
        self._request("new-group")
