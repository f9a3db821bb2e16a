"""Callback requests worked from the keyboard: pick up, call, retry later, complete, refusals."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from textual.widgets import OptionList

from console.client.dialer import CommandDialer, SimulatedDialer
from console.server.runner import ServerThread
from console.tui.dialogs import WrapUpDialog
from console.tui.model import format_clock_time
from console.tui.screens import AgentScreen
from console.tui.widgets.callback import CallbackWindow
from console.tui.widgets.chat import ChatTabs
from console.tui.widgets.queue import QueueTable, QueueView
from tests.tui.conftest import CallbackRequester, CountingBells, SettableClock, toasts, wait_for

pytestmark = pytest.mark.tui

FAST_DIALER = SimulatedDialer(ring_seconds=0.05)


def table(screen: AgentScreen, queue_id: str) -> QueueTable:
    return next(t for t in screen.query_one(QueueView).tables if t.queue_id == queue_id)


def cell(screen: AgentScreen, queue_id: str, interaction_id: str, column: str) -> str | None:
    shown = table(screen, queue_id)
    if interaction_id not in shown.interaction_ids:
        return None
    return str(shown.get_cell(interaction_id, column))


async def signed_in(pilot, app: CountingBells) -> AgentScreen:
    screen = await wait_for(pilot, lambda: isinstance(app.screen, AgentScreen) and app.screen, what="the agent screen")
    await wait_for(pilot, lambda: (views := screen.query(QueueView)) and views.first().tables, what="the queue tabs")
    return screen


async def pick_up_callback(pilot, screen: AgentScreen) -> CallbackWindow:
    alerting = await wait_for(pilot, screen.state.first_alerting, what="the callback to alert")
    await pilot.press("alt+a")
    chats = screen.query_one(ChatTabs)
    window = await wait_for(pilot, lambda: chats.get(alerting.id), what="the callback window")
    assert isinstance(window, CallbackWindow)
    await wait_for(pilot, lambda: chats.active is window and window.history, what="the window in front, loaded")
    return window


async def test_callback_is_called_retried_later_and_completed_with_a_wrap_up_code(
    server_with_sales, config_file: Path
):
    server: ServerThread = server_with_sales(callback_minutes_between=0.05)  # a 3-second snooze
    clock = SettableClock()
    app = CountingBells(server.url, "alicia", "demo", config_path=config_file, clock=clock, dialer=FAST_DIALER)
    async with httpx.AsyncClient(base_url=server.url, timeout=10) as http, \
            app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await signed_in(pilot, app)
        cal = CallbackRequester(http, "Cal Caller")
        await cal.request("Please call me about the double charge on order 4411.", attributes={"order": "4411"})

        # The request alerts like a chat does: a bell and a notification naming the visitor.
        await wait_for(pilot, lambda: app.bells == 1, what="the bell")
        await wait_for(pilot, lambda: any("Callback request from Cal Caller" in text for text in toasts(app)),
                       what="the alert notification")
        alert = screen.state.first_alerting()
        assert cell(screen, "my-interactions", alert.id, "type") == "☎"
        assert cell(screen, "my-interactions", alert.id, "number") == "+13175550100"

        window = await pick_up_callback(pilot, screen)
        callback_id = window.interaction_id
        body = window.query_one("#callback-body")
        await wait_for(pilot, lambda: app.focused is body, what="the keyboard in the callback window")
        for shown in ("+13175550100", "double charge on order 4411", "order: 4411", "Calls      none yet"):
            assert shown in window.text

        # Make Call records the attempt on the server, then the dialer places the call.
        await pilot.press("alt+m")
        await wait_for(pilot, lambda: window.dial_message == "Simulated call to +13175550100 connected",
                       what="the simulated call")
        (attempt,) = window.view.callback.attempts
        assert f"1. {format_clock_time(attempt['at'])}  Alicia Adams" in window.text
        assert "Call       Simulated call to +13175550100 connected" in window.text

        # Retry Later: it leaves My Interactions and sleeps in Sales, counting down.
        await pilot.press("alt+r")
        await wait_for(pilot, lambda: screen.query_one(ChatTabs).get(callback_id) is None, what="the window to close")
        assert cell(screen, "my-interactions", callback_id, "state") is None
        assert cell(screen, "workgroup:Sales", callback_id, "state") == "Snoozed"
        snoozed_until = screen.state.interactions[callback_id].callback.snoozed_until
        clock.now = snoozed_until - 30
        screen.query_one(QueueView).tick()
        assert cell(screen, "workgroup:Sales", callback_id, "details") == "back in 00:30 · retry 1/3"
        clock.now = snoozed_until - 9
        screen.query_one(QueueView).tick()
        assert cell(screen, "workgroup:Sales", callback_id, "details") == "back in 00:09 · retry 1/3"
        clock.now = None

        # After the snooze it alerts again; this time the agent completes it with a code.
        await wait_for(pilot, lambda: app.bells == 2, what="the second alert")
        window = await pick_up_callback(pilot, screen)
        assert window.interaction_id == callback_id
        assert "Retries    1 of 3 used" in window.text and "1. " in window.text
        await pilot.press("alt+s")
        dialog = await wait_for(pilot, lambda: isinstance(app.screen, WrapUpDialog) and app.screen,
                                what="the wrap-up codes")
        codes = dialog.query_one(OptionList)
        codes.highlighted = next(i for i in range(codes.option_count) if codes.get_option_at_index(i).id == "code:Sale")
        await pilot.press("enter")
        await wait_for(pilot, lambda: window.view.state == "Disconnected", what="the callback to end")
        assert "Callback complete — wrap-up code: Sale." in window.text

        detail = await screen.client.interaction(callback_id)
        assert detail.callback.outcome == "success" and detail.callback.wrap_up_code == "Sale"
        assert len(detail.callback.attempts) == 1 and detail.callback.snoozes == 1

        await pilot.press("alt+w")
        await wait_for(pilot, lambda: screen.query_one(ChatTabs).get(callback_id) is None, what="the window to close")


async def test_retry_later_past_the_limit_is_not_offered_and_the_window_says_why(
    server_with_sales, config_file: Path
):
    server: ServerThread = server_with_sales(callback_retries=0)
    app = CountingBells(server.url, "alicia", "demo", config_path=config_file, dialer=FAST_DIALER)
    async with httpx.AsyncClient(base_url=server.url, timeout=10) as http, \
            app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await signed_in(pilot, app)
        await CallbackRequester(http, "Cal Caller").request("Call me")
        window = await pick_up_callback(pilot, screen)

        assert "retry_later" not in window.view.actions  # the server no longer offers it
        assert screen.check_action("retry_later", ()) is False
        assert "0 of 0 used — complete it or mark the attempt failed" in window.text
        await pilot.press("alt+r")
        await pilot.pause(0.3)
        assert window.view.state == "Connected" and screen.query_one(ChatTabs).active is window
        assert cell(screen, "my-interactions", window.interaction_id, "state") == "Connected"
        assert not any("Could not retry" in text for text in toasts(app))


async def test_a_dialer_that_cannot_start_is_reported_and_the_attempt_kept(
    demo_server: ServerThread, visitor_http: httpx.AsyncClient, config_file: Path
):
    dialer = CommandDialer("no-such-softphone-for-callboard {number}")
    app = CountingBells(demo_server.url, "alicia", "demo", config_path=config_file, dialer=dialer)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await signed_in(pilot, app)
        await CallbackRequester(visitor_http, "Cal Caller").request("Call me")
        window = await pick_up_callback(pilot, screen)

        await pilot.press("alt+m")
        await wait_for(pilot, lambda: window.dial_failed, what="the dialer failure")
        assert "Could not start the dialer 'no-such-softphone-for-callboard'" in window.text
        await wait_for(pilot, lambda: any("Could not start the dialer" in text for text in toasts(app)),
                       what="the notification")
        assert len(window.view.callback.attempts) == 1  # the attempt was recorded before dialing


async def test_agent_sees_that_the_visitor_cancelled_the_callback(
    demo_server: ServerThread, visitor_http: httpx.AsyncClient, config_file: Path
):
    app = CountingBells(demo_server.url, "alicia", "demo", config_path=config_file, dialer=FAST_DIALER)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await signed_in(pilot, app)
        cal = CallbackRequester(visitor_http, "Cal Caller")
        await cal.request("Call me about my order")
        window = await pick_up_callback(pilot, screen)

        await cal.cancel()
        await wait_for(pilot, lambda: window.view.state == "Disconnected", what="the cancellation")
        await wait_for(pilot, lambda: "Cal Caller cancelled the callback request." in window.text,
                       what="the history line")
        assert "The visitor cancelled this callback request." in window.text
        assert cell(screen, "my-interactions", window.interaction_id, "details") == "visitor cancelled"
        assert screen.check_action("close_chat", ()) and not screen.check_action("make_call", ())
