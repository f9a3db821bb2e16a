"""Sign-in: server address, user name, password."""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Label, Static

from console.client import AgentClient, ApiError, ServerUnreachable
from console.wire import SessionResponse


def normalise_server_url(url: str) -> str:
    url = url.strip().rstrip("/")
    if url and "://" not in url:
        url = f"http://{url}"
    return url


class LoginScreen(Screen):
    """Asks for the server and credentials; a failure is explained in place.

    The server and user name come from the config file. On success the screen posts
    ``SignedIn`` with the signed-in client; on failure the typed values stay.
    """

    CSS_PATH = "login.tcss"

    HELP = """\
## Sign in

Enter the address of the Callboard server (for example `http://127.0.0.1:8765`),
your user name and your password, then press **Enter**.
The server and user name are remembered for next time.
"""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "sign_in", "Sign in", id="login-submit", tooltip="Sign in with these details"),
    ]

    class SignedIn(Message):
        """Credentials accepted: the client now holds a session."""

        def __init__(self, client: AgentClient, session: SessionResponse) -> None:
            super().__init__()
            self.client = client
            self.session = session

    def __init__(self, server_url: str, username: str, password: str = "", *, auto_submit: bool = False) -> None:
        super().__init__()
        self._server_url = server_url
        self._username = username
        self._password = password
        self._auto_submit = auto_submit
        self._handed_over = False

    def compose(self) -> ComposeResult:
        with Center(), Vertical(id="login-box") as box:
            box.border_title = "Callboard"
            yield Static("Agent console — sign in  ·  F1 help", id="login-subtitle")
            yield Label("Server", classes="field-label")
            yield Input(self._server_url, placeholder="http://host:port", id="server")
            yield Label("User name", classes="field-label")
            yield Input(self._username, placeholder="e.g. alicia", id="username")
            yield Label("Password", classes="field-label")
            yield Input(self._password, password=True, id="password")
            yield Static("", id="login-error")
            yield Button("Sign in", variant="primary", id="sign-in")
        yield Footer()

    def on_mount(self) -> None:
        first_empty = next(
            (i for i in self.query(Input) if not i.value), self.query_one("#password", Input)
        )
        first_empty.focus()
        if self._auto_submit:
            self.action_sign_in()

    def on_screen_resume(self) -> None:
        if self._handed_over:
            # Back after signing out: the password is not kept around.
            self._handed_over = False
            password = self.query_one("#password", Input)
            password.value = ""
            password.focus()

    @on(Input.Submitted)
    def _next_or_submit(self, event: Input.Submitted) -> None:
        event.stop()
        empty = next((i for i in self.query(Input) if not i.value.strip()), None)
        if empty is not None and event.input.id != "password":
            empty.focus()
            return
        self.action_sign_in()

    @on(Button.Pressed, "#sign-in")
    def _pressed(self) -> None:
        self.action_sign_in()

    def action_sign_in(self) -> None:
        server = normalise_server_url(self.query_one("#server", Input).value)
        username = self.query_one("#username", Input).value.strip()
        password = self.query_one("#password", Input).value
        if not server or not username or not password:
            self.show_error("Enter the server, your user name and your password.")
            return
        if not server.startswith(("http://", "https://")):
            self.show_error("The server address must start with http:// or https://.")
            return
        self.sign_in(server, username, password)

    def show_error(self, message: str) -> None:
        self.query_one("#login-error", Static).update(message)
        self.query_one("#login-box").set_class(bool(message), "-error")

    @work(exclusive=True, exit_on_error=False, name="sign in")
    async def sign_in(self, server: str, username: str, password: str) -> None:
        button = self.query_one("#sign-in", Button)
        button.disabled = True
        button.label = "Signing in…"
        self.show_error("")
        client = AgentClient(server)
        try:
            session = await client.login(username, password)
        except ServerUnreachable:
            await client.aclose()
            self.show_error(f"Cannot reach a server at {server}. Check the address and that the server runs.")
        except ApiError as exc:
            await client.aclose()
            self.show_error(exc.message or "The server refused the sign-in.")
            self.query_one("#password", Input).focus()
        else:
            self._handed_over = True
            self.post_message(self.SignedIn(client, session))
        finally:
            button.disabled = False
            button.label = "Sign in"
