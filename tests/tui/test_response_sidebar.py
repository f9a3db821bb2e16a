"""The Responses sidebar: an agent finds, inserts and sends stored responses to a real visitor."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from console.tui.dialogs.response_editor import ResponseEditor
from console.tui.screens import AgentScreen
from console.tui.widgets.chat import Transcript
from console.tui.widgets.responses import (
    ResponseResults,
    ResponsesPanel,
    ResponseTreeView,
)
from tests.tui.conftest import toasts, wait_for
from tests.tui.library_scenes import (
    app_for,
    reply,
    signed_in_with_chat,
    start_visitor,
    visitor_gets,
)

pytestmark = pytest.mark.tui

SPEC_SHEET = Path(__file__).resolve().parents[2] / "console" / "server" / "demo" / "files" / "gadget-g2-spec-sheet.pdf"


async def test_agent_searches_inserts_edits_and_sends_a_response(library_server, library_http, config_file):
    vera = await start_visitor(library_http, "Vera Lindqvist")
    app = app_for(library_server, config_file)
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        window = await signed_in_with_chat(pilot, app)
        await pilot.press("f3")
        panel = await wait_for(pilot, lambda: window.query(ResponsesPanel).first(None), what="the sidebar")
        await wait_for(pilot, lambda: panel.libraries, what="the libraries")
        assert [lib.name for lib in panel.libraries] == ["My Responses", "Company", "Sales", "Support"]
        assert isinstance(app.screen.focused, Input) and app.screen.focused.id == "responses-search"

        await pilot.press(*"volume disc")
        results = panel.query_one(ResponseResults)
        await wait_for(pilot, lambda: panel.results and panel.results[0].title == "Volume discounts",
                       what="the search results")
        assert results.display and not panel.query_one(ResponseTreeView).display

        await pilot.press("down", "enter")
        text = "We offer volume discounts: 10% off orders of 50 units or more"
        await wait_for(pilot, lambda: reply(window).value.startswith(text), what="the inserted response")
        assert app.screen.focused is reply(window)
        await pilot.press("end", *" Shall I prepare a quote?", "enter")
        message = await visitor_gets(pilot, vera, lambda e: e.get("type") == "text" and e["value"].startswith(text),
                                     "the message")
        assert message["value"].endswith("at checkout. Shall I prepare a quote?")


async def test_links_and_files_reach_the_visitor_from_the_sidebar(library_server, library_http, config_file):
    vera = await start_visitor(library_http, "Vera Lindqvist")
    app = app_for(library_server, config_file)
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        window = await signed_in_with_chat(pilot, app)
        await pilot.press("f3")
        panel = await wait_for(pilot, lambda: window.query(ResponsesPanel).first(None), what="the sidebar")
        await pilot.press(*"pricing page")
        await wait_for(pilot, lambda: panel.results and panel.results[0].title == "Pricing page", what="results")
        await pilot.press("down", "enter")  # Enter on a link sends it
        url = await visitor_gets(pilot, vera, lambda e: e.get("type") == "url", "the link")
        assert url["value"] == "https://www.kestrel-devices.example/pricing"

        await pilot.press("slash", "ctrl+u", *"spec sheet")
        await wait_for(pilot, lambda: panel.results and panel.results[0].title == "Gadget G2 spec sheet",
                       what="results")
        await pilot.press("down", "s")
        file = await visitor_gets(pilot, vera, lambda e: e.get("type") == "file", "the file")
        assert file["conversationSequenceNumber"] == url["conversationSequenceNumber"] + 1
        download = await library_http.get(file["value"])
        assert download.status_code == 200 and download.content == SPEC_SHEET.read_bytes()

        transcript = window.query_one(Transcript)
        await wait_for(pilot, lambda: [e.entry.kind for e in transcript.query("ChatEntry")][-2:] == ["url", "file"],
                       what="both in the transcript")


async def test_shortcuts_expand_in_the_reply_and_unfilled_placeholders_hold_the_message_back(
    library_server, library_http, config_file
):
    vera = await start_visitor(library_http, "Vera Lindqvist", attributes={"customer": "returning"})
    app = app_for(library_server, config_file)
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        window = await signed_in_with_chat(pilot, app)
        await pilot.press(*"/hello ")
        hello = "Hi Vera, this is Alicia from Kestrel Devices Sales. How can I help you today? "
        await wait_for(pilot, lambda: reply(window).value == hello, what="/hello to expand")
        await pilot.press("ctrl+u")

        # /page uses {{attributes.page}}, which this visitor did not send.
        await pilot.press(*"/page ")
        flagged = "I can see you're on {{attributes.page}}."
        await wait_for(pilot, lambda: reply(window).value.startswith(flagged), what="/page to expand")
        assert window.unfilled == ["{{attributes.page}}"]
        assert reply(window).has_class("-unfilled")
        await vera.poll()
        before = len(vera.events)
        await pilot.press("enter")
        await wait_for(pilot, lambda: any("Replace {{attributes.page}}" in t for t in toasts(app)),
                       what="the warning")
        await vera.poll()
        assert not [e for e in vera.events[before:] if e.get("participantType") == "Agent"], "nothing was sent"
        assert reply(window).value.startswith(flagged), "the text stays for editing"

        reply(window).value = reply(window).value.replace("{{attributes.page}}", "our pricing page")
        await wait_for(pilot, lambda: not reply(window).has_class("-unfilled"), what="the flag to clear")
        await pilot.press("enter")
        await visitor_gets(pilot, vera, lambda e: e.get("type") == "text" and "our pricing page" in e["value"],
                           "the edited message")

        # A link shortcut alone with Enter is sent as a link.
        await pilot.press(*"/pricing", "enter")
        await visitor_gets(pilot, vera, lambda e: e.get("type") == "url", "the link")
        await wait_for(pilot, lambda: reply(window).value == "", what="the reply to clear")

        await pilot.press(*"/nosuchcode", "enter")
        await wait_for(pilot, lambda: any("No response has the shortcut /nosuchcode" in t for t in toasts(app)),
                       what="the unknown shortcut warning")
        assert reply(window).value == "/nosuchcode"


async def test_agent_keeps_favorites_and_my_responses_from_the_sidebar(library_server, library_http, config_file):
    await start_visitor(library_http, "Vera Lindqvist")
    app = app_for(library_server, config_file)
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        window = await signed_in_with_chat(pilot, app)
        await pilot.press("f3")
        panel = await wait_for(pilot, lambda: window.query(ResponsesPanel).first(None), what="the sidebar")
        await pilot.press(*"goodbye")
        await wait_for(pilot, lambda: panel.results and panel.results[0].title == "Goodbye", what="results")
        await pilot.press("down", "f")
        tree = panel.query_one(ResponseTreeView)
        await wait_for(pilot, lambda: str(tree.root.children[0].label) == "★ Favorites (1)", what="the favorite")
        assert [str(n.label) for n in tree.root.children[0].children] == ["Goodbye /bye"]

        # A system-wide response cannot be edited here.
        await pilot.press("e")
        await wait_for(pilot, lambda: any("managed by supervisors" in t for t in toasts(app)), what="the refusal")

        await pilot.press("n")
        editor = await wait_for(pilot, lambda: isinstance(app.screen, ResponseEditor) and app.screen,
                                what="the editor")
        await pilot.press("ctrl+s")  # no title yet: refused, nothing typed is lost
        await wait_for(pilot, lambda: "Give the response a title." in str(editor.query_one("#editor-error").render()),
                       what="the error")
        await pilot.press(*"Parcel delayed", "tab", "tab", *"/delayed")
        editor.query_one("#response-text").text = "Sorry {{visitor.first_name}}, your parcel is one day late."
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, AgentScreen), what="the editor to close")
        await wait_for(pilot, lambda: any(r.title == "Parcel delayed" for r in panel.responses.values()),
                       what="the new response in the tree")
        mine = next(lib for lib in panel.libraries if lib.kind == "personal")
        assert [(r.title, r.shortcut) for r in mine.responses] == [("Parcel delayed", "delayed")]

        await pilot.press("slash", "ctrl+u", *"parcel delayed")
        await wait_for(pilot, lambda: panel.results and panel.results[0].title == "Parcel delayed", what="results")
        await pilot.press("down", "delete")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "ConfirmDialog", what="the confirmation")
        await pilot.press("y")
        await wait_for(pilot, lambda: not any(r.title == "Parcel delayed" for r in panel.responses.values()),
                       what="the response to go")


async def test_sidebar_fits_beside_the_chat_at_80_columns_and_closes_with_its_key(library_server, library_http, config_file):
    await start_visitor(library_http, "Vera Lindqvist")
    app = app_for(library_server, config_file)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        window = await signed_in_with_chat(pilot, app)
        await pilot.press("f3")
        panel = await wait_for(pilot, lambda: window.query(ResponsesPanel).first(None), what="the sidebar")
        await wait_for(pilot, lambda: panel.libraries, what="the libraries")
        transcript = window.query_one(Transcript)
        assert panel.region.width >= 32 and transcript.region.width >= 40
        assert panel.region.x >= transcript.region.right
        assert app.screen.has_class("-sidebar-open")
        await pilot.press("f3")  # the same key again closes it and returns to the reply
        await wait_for(pilot, lambda: window.sidebar is None, what="the sidebar to close")
        assert app.screen.focused is reply(window)
        assert not app.screen.has_class("-sidebar-open")
