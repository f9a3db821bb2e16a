"""The e-FAQ sidebar: ranked answers, read in place, inserted or copied; chosen databases remembered."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from console.tui.config import load_config
from console.tui.dialogs.faq_databases import FaqDatabasePicker
from console.tui.screens import AgentScreen
from console.tui.widgets.faq import FaqPanel, FaqResults
from tests.tui.conftest import wait_for
from tests.tui.library_scenes import (
    app_for,
    reply,
    signed_in_with_chat,
    start_visitor,
    visitor_gets,
)

pytestmark = pytest.mark.tui

CHARGED_TWICE = "I was charged twice for the same order."


def option_texts(results: FaqResults) -> list[str]:
    return [str(results.get_option_at_index(i).prompt) for i in range(results.option_count)]


async def test_agent_reads_an_answer_and_inserts_the_question_or_both(library_server, library_http, config_file):
    vera = await start_visitor(library_http, "Vera Lindqvist")
    app = app_for(library_server, config_file)
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        window = await signed_in_with_chat(pilot, app)
        await pilot.press("f4")
        panel = await wait_for(pilot, lambda: window.query(FaqPanel).first(None), what="the e-FAQ sidebar")
        await wait_for(pilot, lambda: panel.databases, what="the databases")
        assert str(panel.query_one("#faq-scope").render()).startswith("All 2 databases")
        assert app.screen.focused.id == "faq-search"

        await pilot.press(*"charged twice")
        await wait_for(pilot, lambda: panel.results and panel.results[0].question == CHARGED_TWICE,
                       what="the ranked results")
        entry = panel.results[0]
        results = panel.query_one(FaqResults)
        await pilot.press("down")
        assert app.screen.focused is results
        assert entry.answer not in option_texts(results)[0]

        await pilot.press("enter")  # expand: the answer shows under the question
        await wait_for(pilot, lambda: entry.answer in option_texts(results)[0], what="the answer")
        await pilot.press("enter")
        await wait_for(pilot, lambda: entry.answer not in option_texts(results)[0], what="the answer to fold")

        await pilot.press("q")
        await wait_for(pilot, lambda: reply(window).value == CHARGED_TWICE, what="the question in the reply")
        assert app.screen.focused is reply(window)
        await pilot.press("ctrl+u", "f4")  # back into the sidebar: its search box
        await pilot.press("down", "a")
        both = f"{CHARGED_TWICE} {entry.answer}"
        await wait_for(pilot, lambda: reply(window).value == both, what="question and answer in the reply")
        await pilot.press("enter")
        await visitor_gets(pilot, vera, lambda e: e.get("type") == "text" and e["value"] == both, "the answer")

        await pilot.press("f4", "down", "c")
        await wait_for(pilot, lambda: app.clipboard == f"{CHARGED_TWICE}\n\n{entry.answer}", what="the clipboard")


async def test_agent_picks_the_databases_to_search_and_the_choice_is_remembered(library_server, library_http, config_file):
    await start_visitor(library_http, "Vera Lindqvist")
    app = app_for(library_server, config_file)
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        window = await signed_in_with_chat(pilot, app)
        await pilot.press("f4")
        panel = await wait_for(pilot, lambda: window.query(FaqPanel).first(None), what="the e-FAQ sidebar")
        await wait_for(pilot, lambda: panel.databases, what="the databases")
        await pilot.press(*"refund")
        await wait_for(pilot, lambda: {e.database for e in panel.results} == {"Billing and accounts",
                                                                              "Products and orders"},
                       what="results from both databases")
        await pilot.press("down", "d")
        picker = await wait_for(pilot, lambda: isinstance(app.screen, FaqDatabasePicker) and app.screen,
                                what="the database picker")
        await pilot.press("down", "space")  # untick "Products and orders"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, AgentScreen), what="the picker to close")
        assert picker.is_attached is False
        await wait_for(pilot, lambda: panel.results and {e.database for e in panel.results} == {"Billing and accounts"},
                       what="results from Billing only")
        assert str(panel.query_one("#faq-scope").render()).startswith("In Billing and accounts")
        assert load_config(config_file).faq_databases == ["Billing and accounts"]

        # Warranties are a products question: nothing in Billing and accounts.
        panel.query_one("#faq-search", Input).value = "warranty"
        await wait_for(pilot, lambda: panel.results == [], what="no results from Products and orders")
