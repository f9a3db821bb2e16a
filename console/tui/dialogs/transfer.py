"""Choose where to transfer a chat or callback (a workgroup queue or a colleague), or whom
to invite into a chat's conference (a colleague)."""

from __future__ import annotations

import asyncio

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from console.client import AgentClient
from console.tui.dialogs.base import Dialog
from console.tui.network import ReportsWorkerErrors


class TransferDialog(ReportsWorkerErrors, Dialog[dict[str, str]]):
    """Workgroups and signed-in agents, fetched when the dialog opens.

    Dismisses with the transfer body the server expects: ``{"workgroup": name}`` or
    ``{"agent": username}``; ``None`` when cancelled. Workgroups that do not take this
    kind of interaction (chats, or callbacks when ``callback``) are greyed out.
    """

    DEFAULT_CSS = """
    TransferDialog {
        OptionList { height: auto; max-height: 16; border: none; padding: 0; background: $surface; }
    }
    """

    CHOICES: tuple[str, ...] = ("workgroup", "agent")
    """Kinds of option (``kind:name`` ids) that answer the dialog as ``{kind: name}``."""

    def __init__(self, client: AgentClient, visitor: str, me: str, *, callback: bool = False) -> None:
        super().__init__()
        self._client = client
        self._visitor = visitor
        self._me = me
        self._enabled_key = "callback_enabled" if callback else "chat_enabled"

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box") as box:
            box.border_title = f"Transfer {self._visitor}"
            yield OptionList(Option("Loading workgroups and agents…", disabled=True), id="targets")
            yield Static("enter transfer · escape cancel", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self.load_targets()

    @work(exclusive=True, exit_on_error=False, name="load transfer targets")
    async def load_targets(self) -> None:
        workgroups, agents = await asyncio.gather(self._client.workgroups(), self._client.agents())
        options: list[Option | None] = [Option("[b]Workgroups[/]", disabled=True)]
        for wg in sorted(workgroups, key=lambda w: w["name"]):
            free = wg.get("agents_available", 0)
            options.append(Option(f"  {wg['name']}  [dim]({free} available)[/]", id=f"workgroup:{wg['name']}",
                                  disabled=not wg.get(self._enabled_key, True)))
        options += [None, *self.agent_options(agents)]
        self._show(options)

    def agent_options(self, agents: list[dict], skip: frozenset[str] = frozenset()) -> list[Option]:
        """Colleagues under a heading; those signed out are shown but cannot be chosen."""
        options = [Option("[b]Agents[/]", disabled=True)]
        for agent in agents:
            if agent["username"] == self._me or agent["username"] in skip:
                continue
            state = agent["status"] if agent.get("signed_in") else "signed out"
            options.append(Option(f"  {agent['name']}  [dim]({state})[/]", id=f"agent:{agent['username']}",
                                  disabled=not agent.get("signed_in")))
        return options

    def _show(self, options: list[Option | None]) -> None:
        option_list = self.query_one(OptionList)
        option_list.clear_options()
        option_list.add_options(options)
        first = next((i for i, o in enumerate(options) if o is not None and not o.disabled), None)
        option_list.highlighted = first if first is not None else 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        kind, _, name = (event.option.id or "").partition(":")
        if kind in self.CHOICES and name:
            self.dismiss({kind: name})


class ConferenceDialog(TransferDialog):
    """Signed-in colleagues to invite into a chat, and the invitations still pending.

    Dismisses with ``{"agent": username}`` (invite: the body of the ``conference`` action)
    or ``{"cancel": username}`` (withdraw a pending invitation); ``None`` when cancelled.
    Any signed-in agent may be invited, whatever their status; those already in the chat,
    and supervisors, are left out.
    """

    CHOICES = ("agent", "cancel")

    def __init__(self, client: AgentClient, visitor: str, me: str, *, present: frozenset[str] = frozenset(),
                 invited: frozenset[str] = frozenset()) -> None:
        super().__init__(client, visitor, me)
        self._present = present | invited
        self._invited = invited

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box") as box:
            box.border_title = f"Invite a colleague into the chat with {self._visitor}"
            yield OptionList(Option("Loading agents…", disabled=True), id="targets")
            yield Static("enter invite (or cancel an invitation) · escape close", classes="dialog-hint")

    @work(exclusive=True, exit_on_error=False, name="load colleagues to invite")
    async def load_targets(self) -> None:
        agents = await self._client.agents()
        # Supervisors step in with monitor, coach and barge; they are not invited.
        supervisors = frozenset(a["username"] for a in agents if a.get("role") == "supervisor")
        options: list[Option | None] = list(self.agent_options(agents, self._present | supervisors))
        pending = [a for a in agents if a["username"] in self._invited]
        if pending:
            options += [None, Option("[b]Invited[/] [dim](enter cancels the invitation)[/]", disabled=True)]
            options += [Option(f"  {a['name']}", id=f"cancel:{a['username']}") for a in pending]
        self._show(options)

