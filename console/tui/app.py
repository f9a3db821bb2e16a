"""``CallboardApp``: settings, themes, help and the sign-in / sign-out flow.

Everything about queues, chats and callbacks lives in the agent screen; this class only
wires screens together and owns what outlives them (config, themes, the clock, the dialer).
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable, Iterable
from functools import partial
from typing import ClassVar

from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from console.client import AgentClient, ApiError
from console.client.dialer import Dialer, DialerConfigError, SimulatedDialer, dialer_from_command
from console.tui.config import Config, ConfigError, load_config, save_config
from console.tui.config import config_path as resolve_config_path
from console.tui.dialogs import HelpDialog
from console.tui.screens import AgentScreen, LoginScreen, SupervisorScreen
from console.tui.themes import SEMANTIC_DEFAULTS, load_themes, shipped_themes_dir, user_themes_dir
from console.wire import SessionResponse

SIGN_OUT_TIMEOUT = 2.0
"""Seconds to wait for the server to confirm sign-out when quitting; then quit anyway."""


class CallboardApp(App[None]):
    """The contact-center console: a sign-in screen, then the agent screen.

    ``clock`` gives the current time (``time.time`` by default); tests and screenshots
    pass a fixed one so durations render the same every time. ``dialer`` places the
    calls of callbacks; by default it comes from the ``[dialer]`` section of the config.
    """

    TITLE = "Callboard"
    BINDINGS: ClassVar[list[BindingType]] = [
        # Not in the footer (every screen names F1 in its own hint line), which is kept
        # for the actions that come and go with the interaction at hand.
        Binding("f1", "help", "Help", id="help", show=False,
                tooltip="Keys and help for the focused part of the screen"),
    ]

    def __init__(
        self,
        server_url: str | None = None,
        username: str | None = None,
        password: str | None = None,
        *,
        config_path: str | os.PathLike[str] | None = None,
        clock: Callable[[], float] = time.time,
        dialer: Dialer | None = None,
    ) -> None:
        super().__init__()
        self.clock = clock
        self.dialer: Dialer = dialer or SimulatedDialer()
        self._dialer_given = dialer is not None
        self.config_file = resolve_config_path(config_path)
        self.config = Config()
        self._server_url = server_url
        self._username = username
        self._password = password
        self._client: AgentClient | None = None

    # -- start ------------------------------------------------------------------------------
    def get_theme_variable_defaults(self) -> dict[str, str]:
        return dict(SEMANTIC_DEFAULTS)

    def on_mount(self) -> None:
        try:
            self.config = load_config(self.config_file)
        except ConfigError as exc:
            self.notify(f"{exc} Using the defaults.", title="Settings ignored", severity="warning", timeout=10)
        loaded = load_themes([shipped_themes_dir(), user_themes_dir(self.config_file)])
        for theme in loaded.themes:
            self.register_theme(theme)
        for error in loaded.errors:
            self.notify(error, title="Theme skipped", severity="warning", timeout=10)
        if self.config.theme in self.available_themes:
            self.theme = self.config.theme
        else:
            self.notify(f"No theme called {self.config.theme!r}; using callboard-dark.", severity="warning")
            self.theme = "callboard-dark" if "callboard-dark" in self.available_themes else "textual-dark"
        if self.config.keymap:
            self.set_keymap(self.config.keymap)
        if not self._dialer_given:
            try:
                self.dialer = dialer_from_command(self.config.dialer_command)
            except DialerConfigError as exc:
                self.notify(f"{exc} Calls are simulated.", title="Dialer not set up", severity="warning", timeout=10)
        self.push_screen(self.first_screen())

    def first_screen(self) -> Screen:
        """The sign-in screen, filled from the arguments or the config (signs in at once given both)."""
        return LoginScreen(
            self._server_url or self.config.server_url,
            self._username or self.config.username,
            self._password or "",
            auto_submit=bool(self._username and self._password),
        )

    def watch_theme(self, theme: str) -> None:
        """Remember the chosen theme for the next start."""
        if theme != self.config.theme and self.is_mounted:
            self.config.theme = theme
            self._save_config()

    def _save_config(self) -> None:
        try:
            save_config(self.config_file, self.config)
        except OSError as exc:
            self.notify(f"Cannot save settings to {self.config_file}: {exc.strerror or exc}", severity="warning")

    def key_hint(self, binding_id: str, default: str) -> str:
        """How the key for ``binding_id`` is displayed, after the user's keymap."""
        key = self.config.keymap.get(binding_id, default).split(",")[0].strip()
        return self.get_key_display(Binding(key, ""))

    # -- signing in and out -----------------------------------------------------------------
    @on(LoginScreen.SignedIn)
    def _signed_in(self, message: LoginScreen.SignedIn) -> None:
        self.config.server_url = message.client.base_url
        self.config.username = message.session.user.username
        self._save_config()
        self._client = message.client
        self.push_screen(self.workspace_for(message.client, message.session))

    def workspace_for(self, client: AgentClient, session: SessionResponse) -> Screen:
        """The main screen for the signed-in user's role."""
        if session.user.role == "supervisor":
            return SupervisorScreen(client, session)
        return AgentScreen(client, session, dialer=self.dialer)

    def end_session(self, screen: Screen, *, sign_out: bool = False) -> None:
        """Leave ``screen`` for the sign-in screen, signing out on the server if asked."""
        while self.screen is not screen and len(self.screen_stack) > 2:
            self.pop_screen()  # a dialog still open over the agent screen
        self.pop_screen()
        client, self._client = self._client, None
        if client is not None:
            self._close_client(client, sign_out)

    @work(group="sign-out", exit_on_error=False)
    async def _close_client(self, client: AgentClient, sign_out: bool) -> None:
        try:
            if sign_out:
                await asyncio.wait_for(client.logout(), SIGN_OUT_TIMEOUT)
        except (ApiError, asyncio.TimeoutError):
            pass  # the session expires on the server by itself
        finally:
            await client.aclose()

    async def action_quit(self) -> None:
        """Sign out (briefly waiting for the server) so routing stops offering us chats."""
        client, self._client = self._client, None
        if client is not None:
            try:
                await asyncio.wait_for(client.logout(), SIGN_OUT_TIMEOUT)
            except (ApiError, asyncio.TimeoutError):
                pass
            await client.aclose()
        await self.dialer.aclose()
        self.exit()

    async def on_unmount(self) -> None:
        if self._client is not None:
            await self._client.aclose()
        await self.dialer.aclose()

    # -- help and the command palette ---------------------------------------------------------
    def action_help(self) -> None:
        screen = self.screen
        target = screen.focused or screen
        node = next((n for n in target.ancestors_with_self if getattr(n, "HELP", None)), screen)
        keys: dict[tuple[str, str], list[str]] = {}
        tooltips: dict[tuple[str, str], str] = {}
        # Callboard's own bindings (they have ids) first, Textual's navigation keys after.
        ordered = sorted(screen.active_bindings.values(), key=lambda active: active.binding.id is None)
        for active in ordered:
            binding = active.binding
            if binding.description and not binding.system:
                keys.setdefault((binding.action, binding.description), []).append(self.get_key_display(binding))
                tooltips[binding.action, binding.description] = active.tooltip
        rows = [(" ".join(k), description, tooltips[action, description])
                for (action, description), k in keys.items()]
        self.push_screen(HelpDialog(getattr(node, "HELP", None) or "", rows))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Textual's commands plus every key binding that applies now."""
        seen = set()
        for command in super().get_system_commands(screen):
            seen.add(command.title)
            yield command
        for active in screen.active_bindings.values():
            binding = active.binding
            if not active.enabled or not binding.id or not binding.description or binding.description in seen:
                continue  # bindings without an id are Textual's own navigation keys
            seen.add(binding.description)
            help_text = f"{binding.tooltip or binding.description} ({self.get_key_display(binding)})"
            yield SystemCommand(binding.description, help_text, partial(self.run_action, binding.action,
                                                                         active.node))

