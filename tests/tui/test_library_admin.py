"""Supervisors manage system-wide responses and e-FAQ entries from the console."""

from __future__ import annotations

import pytest
from textual.widgets import Input, TextArea, Tree

from console.tui.app import CallboardApp
from console.tui.dialogs.library_dialogs import FaqEntryEditor
from console.tui.dialogs.response_editor import ResponseEditor
from console.tui.screens import AgentScreen, SupervisorScreen
from console.tui.screens.library_admin import LibraryAdminScreen
from tests.tui.conftest import wait_for

pytestmark = pytest.mark.tui


async def api(http, method: str, path: str, user: str = "sam", **kwargs):
    token = (await http.post("/api/v1/session", json={"username": user, "password": "demo"})).json()["token"]
    return await http.request(method, f"/api/v1{path}", headers={"Authorization": f"Bearer {token}"}, **kwargs)


def find_node(tree: Tree, kind: str, predicate):
    stack = list(tree.root.children)
    while stack:
        node = stack.pop(0)
        if node.data and node.data[0] == kind and predicate(node):
            return node
        stack += node.children
    return None


async def test_supervisor_adds_edits_and_deletes_system_responses_and_faq_entries(library_server, library_http, config_file):
    app = CallboardApp(server_url=library_server.url, username="sam", password="demo", config_path=config_file)
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, SupervisorScreen), what="the supervisor screen")
        await pilot.press("f9")
        admin = await wait_for(pilot, lambda: isinstance(app.screen, LibraryAdminScreen) and app.screen,
                               what="the library screen")
        await wait_for(pilot, lambda: admin.libraries, what="the libraries")
        assert sorted(lib.name for lib in admin.libraries.values()) == ["Billing", "Company", "Sales", "Support"]

        responses = admin.query_one("#admin-responses", Tree)
        sales = find_node(responses, "library", lambda n: admin.libraries[n.data[1]].name == "Sales")
        responses.move_cursor(sales)
        await pilot.press("n")
        editor = await wait_for(pilot, lambda: isinstance(app.screen, ResponseEditor) and app.screen,
                                what="the response editor")
        assert editor.target.name == "Sales"
        await pilot.press(*"Spring promotion")
        editor.query_one("#response-text", TextArea).text = "Until 30 April every gadget ships free, {{visitor.first_name}}."
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is admin, what="the editor to close")
        found = (await api(library_http, "GET", "/responses/search", params={"q": "spring promotion"})).json()
        assert [(r["title"], r["library_id"]) for r in found] == [("Spring promotion", sales.data[1])]
        # Agents of Sales see it at once.
        assert (await api(library_http, "GET", "/responses/search", "alicia", params={"q": "spring"})).json()[0]["id"] == \
            found[0]["id"]

        await wait_for(pilot, lambda: found[0]["id"] in admin.responses, what="the reloaded tree")
        node = find_node(responses, "response", lambda n: n.data[1] == found[0]["id"])
        responses.move_cursor(node)
        await pilot.press("e")
        editor = await wait_for(pilot, lambda: isinstance(app.screen, ResponseEditor) and app.screen,
                                what="the editor")
        title = editor.query_one("#response-title", Input)
        title.value = "Spring promotion 2026"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is admin, what="the editor to close")
        assert (await api(library_http, "GET", f"/responses/{found[0]['id']}")).json()["title"] == "Spring promotion 2026"

        await wait_for(pilot, lambda: admin.responses[found[0]["id"]].title == "Spring promotion 2026",
                       what="the reloaded tree")
        responses.move_cursor(find_node(responses, "response", lambda n: n.data[1] == found[0]["id"]))
        await pilot.press("delete")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "ConfirmDialog", what="the confirmation")
        await pilot.press("y")
        await wait_for(pilot, lambda: found[0]["id"] not in admin.responses, what="the response to go")
        assert (await api(library_http, "GET", f"/responses/{found[0]['id']}")).status_code == 404

        # The e-FAQ tab.
        await pilot.press("right_square_bracket")
        await wait_for(pilot, lambda: admin.on_faq, what="the e-FAQ tab")
        await pilot.press("n")
        editor = await wait_for(pilot, lambda: isinstance(app.screen, FaqEntryEditor) and app.screen,
                                what="the FAQ editor")
        await pilot.press(*"Can I pay in instalments?")
        editor.query_one("#faq-answer", TextArea).text = "Yes: orders over $500 can be paid in three instalments."
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is admin, what="the editor to close")
        entries = (await api(library_http, "GET", "/faq/search", "alicia", params={"q": "instalments"})).json()
        assert entries[0]["question"] == "Can I pay in instalments?"


async def test_agents_have_no_library_screen(library_server, library_http, config_file):
    app = CallboardApp(server_url=library_server.url, username="alicia", password="demo", config_path=config_file)
    async with app.run_test(size=(100, 32)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, AgentScreen), what="the agent screen")
        await pilot.press("f9")
        await pilot.pause(0.2)
        assert isinstance(app.screen, AgentScreen)
        assert "library_admin" not in {b.binding.action for b in app.screen.active_bindings.values()}
