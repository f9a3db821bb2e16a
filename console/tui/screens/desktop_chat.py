"""Desktop chat with colleagues: contacts with presence on the left, conversations as tabs on the right."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.events import Resize
from textual.screen import Screen
from textual.widgets import Footer, Label

from console.client.desktop_chat import format_size
from console.tui.desktop_chat_model import OFFERED
from console.tui.dialogs import ConfirmDialog
from console.tui.dialogs.desktop_chat import (
    SIGN_IN,
    SIGN_OUT,
    AddContactDialog,
    EditContactDialog,
    GroupNameDialog,
    MoveContactsDialog,
    PresencePicker,
    SendFileDialog,
)
from console.tui.network import ReportsWorkerErrors
from console.tui.widgets.connection import ConnectionBanner
from console.tui.widgets.desktop_chat.contacts import ContactRow, ContactTree
from console.tui.widgets.desktop_chat.conversation import DeskConversation
from console.tui.widgets.desktop_chat.conversation_tabs import DeskConversationTabs
from console.tui.widgets.desktop_chat.desk_bar import DeskBar
from console.wire_desktop_chat import DeskMessage

if TYPE_CHECKING:
    from console.tui.widgets.desktop_chat.desktop_chat import DeskChange, DesktopChat

NARROW = 72
"""Below this many columns contacts and conversations take turns instead of sharing the width."""


class DesktopChatScreen(ReportsWorkerErrors, Screen):
    """Desktop chat (Cisco Finesse style) between agents and supervisors.

    Everything shown comes from the ``DesktopChat`` the agent's or supervisor's screen owns, which keeps
    following the event stream while this screen is closed; this screen registers as its
    view while open and redraws what each change touched.
    """

    CSS_PATH = "desktop_chat.tcss"

    HELP = """\
## Desktop chat

Chat with colleagues. Your presence here (Available, Away, Do Not Disturb, or signed
out: Offline) is separate from your ACD status.

**Contacts** (left): your groups, then Recent Chats. **Conversations** (right): one tab
per colleague; a number in brackets counts unread messages. In Do Not Disturb messages
still arrive and are counted, without pop-ups or bell.

Files: **alt+u** (or alt+f) sends one from a path; a file offered to you is accepted (saved in
your downloads folder, never over an existing file) or declined.
"""

    BINDINGS: ClassVar[list[BindingType]] = [
        # Escape first, for the footer: F6 opens it from the agent screen, F3 from the
        # supervisor's, and either goes back too.
        Binding("escape,f6,f3", "back", "Back", id="desk-back", tooltip="Back to the screen desktop chat was opened from"),
        Binding("f4", "presence", "Presence", id="desk-presence",
                tooltip="Sign in or out of desktop chat; Available, Away or Do Not Disturb"),
        Binding("alt+a", "pickup_alerting", "Pick up", id="desk-pickup-alerting",
                tooltip="Back to the queues, picking up the interaction that is alerting you"),
        Binding("alt+y", "accept_file", "Accept file", id="desk-accept-file",
                tooltip="Accept the file offered here: it is saved in your downloads folder"),
        Binding("alt+d", "decline_file", "Decline", id="desk-decline-file", tooltip="Decline the file offered here"),
        Binding("alt+n", "next_unread", "Unread", id="desk-next-unread",
                tooltip="Jump to the next conversation with unread messages"),
        # alt+u first: many terminals send alt+f as ESC f, which arrives as ctrl+right.
        Binding("alt+u,alt+f", "send_file", "Send file", id="desk-send-file",
                tooltip="Offer a file from a path to the colleague in front"),
        Binding("alt+w", "close_conversation", "Close", id="desk-close-chat", show=False,
                tooltip="Close the conversation in front (its history stays for the session)"),
        Binding("alt+l", "contacts", "Contacts", id="desk-contacts", show=False,
                tooltip="Show or hide the contact list, and move to it"),
        Binding("alt+c", "focus_chat", "Chat", id="desk-focus-chat", show=False,
                tooltip="Move to the reply line of the conversation in front"),
        *(
            Binding(f"alt+{n}", f"switch_conversation({n})", f"Conversation {n}", id=f"desk-chat-{n}", show=False,
                    tooltip=f"Show conversation number {n}")
            for n in range(1, 10)
        ),
    ]

    def __init__(self, desk: DesktopChat) -> None:
        super().__init__()
        self.desk = desk
        self.state = desk.state
        self._narrow_mode = False
        self._contacts_hidden = False
        self._tabs = DeskConversationTabs(self.state, id="conversations")
        self._alerting = False

    def compose(self) -> ComposeResult:
        yield DeskBar(id="desk-bar")
        yield ConnectionBanner(id="desk-banner")
        with Horizontal(id="desk-body"):
            with Vertical(id="contacts-panel"):
                yield Label("Contacts", id="contacts-title")
                yield ContactTree(self.state, id="contacts")
            yield self._tabs
        yield Footer()

    def key_for(self, binding_id: str, default: str) -> str:
        return self.app.key_hint(binding_id, default)

    async def on_mount(self) -> None:
        self.desk.view = self
        bar = self.query_one(DeskBar)
        bar.name_shown = self.state.me.name if self.state.me else self.state.username
        bar.hint = (f"{self.key_for('desk-presence', 'f4')} presence · {self.key_for('desk-back', 'escape')} back · "
                    f"{self.key_for('help', 'f1')} help")
        self.query_one(DeskConversationTabs).set_placeholder(
            f"No conversations. Pick a colleague in Contacts and press enter, or add one with "
            f"{self.key_for('desk-contact-add', 'a')}. Messages from colleagues open here by themselves."
        )
        self._follow_banner()
        self._show_me()
        self.query_one(ContactTree).show()
        for conversation in list(self.state.conversations.values()):
            await self._show_conversation(conversation.username)
        tabs = self.query_one(DeskConversationTabs)
        # Back on the screen: what waits unread first, else the conversation left in front.
        show = self.state.next_unread(None) or (self.state.front if self.state.front in self.state.conversations
                                                else None)
        if show is None and tabs.windows:
            show = tabs.windows[-1].username
        if show is not None:
            tabs.activate(show)
        else:
            self.query_one(ContactTree).focus()
        self._narrow(self.size.width)
        # Whether something alerts the agent changes with the agent screen's events, not ours.
        self.set_interval(0.5, self._follow_alerts)

    def _follow_alerts(self) -> None:
        alerting = bool(self.check_action("pickup_alerting", ()))
        if alerting != self._alerting:
            self._alerting = alerting
            self.refresh_bindings()

    def on_unmount(self) -> None:
        if self.desk.view is self:
            self.desk.view = None
        # Leaving mid-sentence: colleagues should not see "typing" until the next message.
        for window in self._tabs.windows:  # the widgets are gone from the DOM by now
            if window.typing_reported:
                self.desk.host.run_worker(self.desk.typing(window.username, False), group="desk-typing",
                                          exit_on_error=False)

    def _follow_banner(self) -> None:
        """Show the agent screen's connection banner here too: one stream serves both."""
        mine = self.query_one("#desk-banner", ConnectionBanner)
        for theirs in self.desk.host.query(ConnectionBanner):
            self.watch(theirs, "connected", lambda connected: setattr(mine, "connected", connected))
            self.watch(theirs, "attempt", lambda attempt: setattr(mine, "attempt", attempt))

    # -- what the desktop chat tells us ------------------------------------------------------
    @property
    def active_conversation(self) -> str | None:
        window = self.query_one(DeskConversationTabs).active
        return window.username if window is not None else None

    async def desk_changed(self, change: DeskChange) -> None:
        tabs = self.query_one(DeskConversationTabs)
        if change.kind == "me":
            self._show_me()
            for window in tabs.windows:
                window.show()
        elif change.kind == "roster":
            self.query_one(ContactTree).show()
            for window in tabs.windows:
                window.conversation.name = self.state.display_name(window.username)
                window.show()
        elif change.kind == "presence":
            self.query_one(ContactTree).presence_changed()
            if change.username and (window := tabs.get(change.username)) is not None:
                window.show()
        elif change.kind == "message":
            arrival = change.arrival
            username = arrival.conversation.username if arrival is not None else change.username
            if username is not None:
                await self._show_conversation(username)
            if arrival is not None:
                self.query_one(ContactTree).show()  # Recent Chats moved
        elif change.kind == "typing" and change.username and (window := tabs.get(change.username)) is not None:
            window.show_typing()
        elif change.kind in ("file", "history"):
            for conversation in list(self.state.conversations.values()):
                await self._show_conversation(conversation.username)
            if change.kind == "history":
                self.query_one(ContactTree).show()
        self._mark_active_read()
        tabs.relabel()
        self._show_me()
        self.refresh_bindings()

    async def _show_conversation(self, username: str) -> DeskConversation | None:
        conversation = self.state.conversations.get(username)
        if conversation is None:
            return None
        tabs = self.query_one(DeskConversationTabs)
        window = await tabs.open(conversation, self._offer_hint())
        window.show()
        return window

    def _offer_hint(self) -> str:
        return (f"{self.key_for('desk-accept-file', 'alt+y')} accept · "
                f"{self.key_for('desk-decline-file', 'alt+d')} decline")

    def _show_me(self) -> None:
        bar = self.query_one(DeskBar)
        if self.state.me is not None:
            bar.name_shown = self.state.me.name
        bar.presence = self.state.my_presence if self.state.signed_in else "offline"
        bar.unread = self.state.unread

    def _mark_active_read(self) -> None:
        if self.is_current and (username := self.active_conversation) is not None:
            self.desk.mark_read(username)

    def on_screen_resume(self) -> None:
        """Back in front (a dialog closed): the conversation in front is read now."""
        self._mark_active_read()
        self.query_one(DeskConversationTabs).relabel()
        self._show_me()

    @on(DeskConversationTabs.ActiveChanged)
    def _active_changed(self) -> None:
        if (username := self.active_conversation) is not None:
            self.state.front = username
        self._mark_active_read()
        self.query_one(DeskConversationTabs).relabel()
        self._show_me()
        self.refresh_bindings()

    # -- narrow terminals ---------------------------------------------------------------------
    def on_resize(self, event: Resize) -> None:
        self._narrow(event.size.width)

    def _narrow(self, width: int) -> None:
        narrow = width < NARROW
        if narrow and not self._narrow_mode:
            # One at a time: the conversation when there is one, else the contacts.
            self._contacts_hidden = bool(self.query_one(DeskConversationTabs).windows)
        self._narrow_mode = narrow
        self._layout()

    def _layout(self) -> None:
        self.set_class(self._narrow_mode, "-narrow")
        self.set_class(self._contacts_hidden, "-contacts-hidden")
        self.set_class(self._narrow_mode and not self._contacts_hidden, "-contacts-only")

    def action_contacts(self) -> None:
        tree = self.query_one(ContactTree)
        if self._contacts_hidden:
            self._contacts_hidden = False
            self._layout()
            tree.focus()
        elif not tree.has_focus:
            tree.focus()
        else:
            self._contacts_hidden = True
            self._layout()
            self.action_focus_chat()

    # -- contacts ---------------------------------------------------------------------------------
    @on(ContactTree.Requested)
    def _contacts_request(self, event: ContactTree.Requested) -> None:
        event.stop()
        row, entries = event.row, event.entries
        tree = self.query_one(ContactTree)
        desk = self.desk
        if event.action == "chat" and row is not None and row.username is not None:
            self.open_chat(row.username)
        elif event.action == "add":
            username = row.username if row is not None and row.kind == "recent" else None
            name = self.state.names.get(username) if username else None
            self.app.push_screen(AddContactDialog(desk.add_contact, desk.search, self.state, username=username,
                                                  name=name))
        elif event.action == "edit" and row is not None and row.entry is not None:
            self.app.push_screen(EditContactDialog(self._edit, self.state, *row.entry))
        elif event.action == "move" and entries:
            self.app.push_screen(MoveContactsDialog(self._move, self.state, entries),
                                 lambda moved: self._unmark(moved))
        elif event.action == "delete" and entries:
            self._confirm_delete_contacts(entries)
        elif event.action == "delete-group" and row is not None and row.group_id is not None:
            self._confirm_delete_group(row, tree.describe(row))
        elif event.action == "rename-group" and row is not None and row.group_id is not None:
            group_id = row.group_id
            self.app.push_screen(GroupNameDialog(lambda name: desk.rename_group(group_id, name),
                                                 f"Rename {tree.describe(row)}", tree.describe(row)))
        elif event.action == "new-group":
            self.app.push_screen(GroupNameDialog(desk.create_group, "New group"))

    async def _edit(self, username: str, group_id: int, **changes: Any) -> Any:
        return await self.desk.edit_contact(username, group_id, **changes)

    async def _move(self, entries: list[tuple[str, int]], **target: Any) -> Any:
        return await self.desk.move_contacts(entries, **target)

    def _unmark(self, done: Any) -> None:
        if done:
            tree = self.query_one(ContactTree)
            tree.marked.clear()
            tree.show()

    def _confirm_delete_contacts(self, entries: list[tuple[str, int]]) -> None:
        groups = {g.id: g.name for g in self.state.roster.groups}
        lines = [f"{self.state.display_name(u)} from {groups.get(g, 'the group')}" for u, g in entries]
        question = ("Delete " + "; ".join(lines[:5]) + (f" and {len(lines) - 5} more" if len(lines) > 5 else "")
                    + "? A contact also in another group stays there.")

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.delete_contacts(entries)

        self.app.push_screen(ConfirmDialog("Delete contacts", question, "Delete"), confirmed)

    def _confirm_delete_group(self, row: ContactRow, name: str) -> None:
        group = next((g for g in self.state.roster.groups if g.id == row.group_id), None)
        count = len(group.contacts) if group else 0
        contacts = "no contacts" if count == 0 else ("its contact" if count == 1 else f"its {count} contacts")
        group_id = row.group_id

        def confirmed(yes: bool | None) -> None:
            if yes and group_id is not None:
                self.delete_group(group_id)

        self.app.push_screen(ConfirmDialog("Delete group", f"Delete the group {name} with {contacts}? "
                                           "Contacts also in another group stay there.", "Delete group"), confirmed)

    @work(group="desk-contacts", exit_on_error=False, name="delete the contacts")
    async def delete_contacts(self, entries: list[tuple[str, int]]) -> None:
        await self.desk.delete_contacts(entries)
        self._unmark(True)

    @work(group="desk-contacts", exit_on_error=False, name="delete the group")
    async def delete_group(self, group_id: int) -> None:
        await self.desk.delete_group(group_id)

    def open_chat(self, username: str) -> None:
        self.run_worker(self._open_chat(username), group="desk-open", exit_on_error=False,
                        name="open the conversation")

    async def _open_chat(self, username: str) -> None:
        await self.desk.open_conversation(username)
        self.query_one(DeskConversationTabs).activate(username)
        if self._narrow_mode:
            self._contacts_hidden = True
            self._layout()

    # -- conversations -----------------------------------------------------------------------------
    @on(DeskConversation.Send)
    def _send(self, event: DeskConversation.Send) -> None:
        event.stop()
        self.send_message(event.conversation, event.text)

    @work(group="desk-send", exit_on_error=False, name="send the message")
    async def send_message(self, window: DeskConversation, text: str) -> None:
        window.sending = True
        try:
            await self.desk.send(window.username, text)
        finally:
            window.sending = False
        window.sent(text)

    @on(DeskConversation.Typing)
    def _typing(self, event: DeskConversation.Typing) -> None:
        event.stop()
        self.report_typing(event.username, event.typing)

    @work(group="desk-typing", exit_on_error=False)
    async def report_typing(self, username: str, typing: bool) -> None:
        try:
            await self.desk.typing(username, typing)
        except Exception:  # noqa: BLE001 - a lost typing report is not worth an error
            pass

    def _active_window(self) -> DeskConversation | None:
        return self.query_one(DeskConversationTabs).active

    def _pending_offer(self) -> DeskMessage | None:
        window = self._active_window()
        return window.conversation.pending_offer(self.state.username) if window is not None else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "pickup_alerting":
            host = self.desk.host
            return hasattr(host, "action_pickup_alerting") and bool(host.check_action("pickup_alerting", ()))
        if action in ("send_file", "close_conversation", "focus_chat"):
            return self._active_window() is not None
        if action in ("accept_file", "decline_file"):
            return self._pending_offer() is not None
        if action == "next_unread":
            return self.state.unread > 0
        if action == "switch_conversation":
            return len(self.query_one(DeskConversationTabs).windows) >= int(parameters[0])  # type: ignore[call-overload]
        return True

    def action_back(self) -> None:
        self.app.pop_screen()

    async def action_pickup_alerting(self) -> None:
        """An ACD interaction alerts while the agent chats with colleagues: answer it from here."""
        host = self.desk.host
        self.app.pop_screen()
        await host.run_action("pickup_alerting")

    def action_presence(self) -> None:
        def chosen(choice: str | None) -> None:
            if choice:
                self.change_presence(choice)

        self.app.push_screen(PresencePicker(self.state), chosen)

    @work(group="desk-presence", exclusive=True, exit_on_error=False, name="change your desktop-chat presence")
    async def change_presence(self, choice: str) -> None:
        if choice == SIGN_IN:
            await self.desk.sign_in()
        elif choice == SIGN_OUT:
            await self.desk.sign_out()
        elif choice != self.state.my_presence:
            await self.desk.set_presence(choice)

    def action_next_unread(self) -> None:
        username = self.state.next_unread(self.active_conversation)
        if username is not None:
            self.query_one(DeskConversationTabs).activate(username)

    def action_switch_conversation(self, number: int) -> None:
        self.query_one(DeskConversationTabs).activate_number(number)

    def action_focus_chat(self) -> None:
        if (window := self._active_window()) is not None:
            if self._narrow_mode:
                self._contacts_hidden = True
                self._layout()
            window.focus_reply()

    def action_close_conversation(self) -> None:
        if (window := self._active_window()) is not None:
            self.run_worker(self._close(window.username), group="desk-open", exit_on_error=False)

    async def _close(self, username: str) -> None:
        self.state.close(username)
        await self.query_one(DeskConversationTabs).close(username)
        self.refresh_bindings()

    def action_send_file(self) -> None:
        window = self._active_window()
        if window is None:
            return
        policy = self.state.policy
        rules = ""
        if policy is not None:
            types = ", ".join(policy.allowed_types) if policy.allowed_types else "any type"
            rules = f"At most {format_size(policy.max_bytes)}; {types}."
        username = window.username
        self.app.push_screen(SendFileDialog(lambda path: self.desk.send_file(username, path),
                                            window.conversation.name, rules))

    def action_accept_file(self) -> None:
        offer = self._pending_offer()
        if offer is not None:
            self.accept_file(offer)

    def action_decline_file(self) -> None:
        offer = self._pending_offer()
        if offer is not None:
            self.decline_file(offer)

    @work(group="desk-files", exit_on_error=False, name="save the file")
    async def accept_file(self, offer: DeskMessage) -> None:
        if offer.file is None or offer.file.state != OFFERED:
            return
        path = await self.desk.accept(offer)
        self.notify(f"{offer.file.name} saved as {path}.", title="File accepted", timeout=10)

    @work(group="desk-files", exit_on_error=False, name="decline the file")
    async def decline_file(self, offer: DeskMessage) -> None:
        await self.desk.decline(offer)
