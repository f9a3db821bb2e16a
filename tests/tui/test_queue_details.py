"""How the queue table words callbacks (Details) and fits 80 columns; no terminal needed."""

from __future__ import annotations

from typing import Any

from console.tui.model import queue_details
from console.tui.widgets.queue.queue_table import fit_widths
from console.wire import InteractionView
from tests.tui.snapshot_apps import T0, callback, interaction


def view(data: dict[str, Any], **changes: Any) -> InteractionView:
    return InteractionView.model_validate({**data, **changes})


def test_snoozed_callback_counts_down_to_its_return_and_shows_retries_used():
    snoozed = view(callback(1, "Dana", "Snoozed", T0, telephone="+4416", subject="", snoozes=1,
                            snoozed_until=T0 + 192))
    assert queue_details(snoozed, now=T0) == "back in 03:12 · retry 1/3"
    assert queue_details(snoozed, now=T0 + 191.5) == "back in 00:01 · retry 1/3"
    assert queue_details(snoozed, now=T0 + 200) == "due now · retry 1/3"


def test_other_callbacks_count_their_calls_and_ended_ones_say_how_they_ended():
    fresh = callback(1, "Cal", "Waiting", T0, telephone="+1317", subject="")
    assert queue_details(view(fresh), T0) == "no calls"
    called = callback(1, "Cal", "Connected", T0, telephone="+1317", subject="", attempts=(T0, T0 + 9), snoozes=1)
    assert queue_details(view(called), T0) == "2 calls · retry 1/3"
    done = view(fresh, state="Disconnected", callback={**fresh["callback"], "outcome": "success",
                                                       "wrap_up_code": "Sale"})
    assert queue_details(done, T0) == "complete · Sale"


def test_chats_show_a_typing_visitor_and_nothing_else():
    chat = interaction(1, "Vera", "Sales", "Connected", T0, mine=True)
    assert queue_details(view(chat), T0) == ""
    assert queue_details(view(chat, visitor_typing=True), T0) == "typing…"


def test_narrow_tables_shrink_number_then_name_then_details_never_below_a_telephone():
    natural = {"type": 1, "queue": 7, "name": 14, "number": 22, "duration": 8, "state": 9, "details": 25}
    assert fit_widths(natural, 200) == {}
    assert fit_widths(natural, 90) == {"number": 22 - (100 - 90)}
    assert fit_widths(natural, 80, {"number": 13}) == {"number": 13, "name": 10, "details": 18}
    # Too narrow even at the minimums: every column at its floor, the rest goes off the edge.
    assert fit_widths(natural, 60, {"number": 13}) == {"number": 13, "name": 10, "details": 14}
