"""When an idle chat visitor is warned or disconnected, and how the warning reads."""

from __future__ import annotations

import pytest

from console.core.visitor_feed import SystemMessages
from console.server.idle_visitors import IdleStep, IdleVisitorSettings, idle_step, idle_visitor_settings, readable_duration

SETTINGS = IdleVisitorSettings(enabled=True, idle_seconds=300, grace_seconds=120)


def test_idle_visitors_are_off_by_default_with_the_iwt_times():
    assert IdleVisitorSettings() == IdleVisitorSettings(enabled=False, idle_seconds=300, grace_seconds=120)
    assert idle_visitor_settings({}) == IdleVisitorSettings()


def test_warned_after_the_idle_time_and_disconnected_after_the_grace_time():
    assert idle_step(SETTINGS, 1000.0, None, 1299.0) is None
    assert idle_step(SETTINGS, 1000.0, None, 1300.0) is IdleStep.WARN
    assert idle_step(SETTINGS, 1000.0, 1300.0, 1419.0) is None
    assert idle_step(SETTINGS, 1000.0, 1300.0, 1420.0) is IdleStep.DISCONNECT


def test_activity_after_the_warning_starts_the_clock_over():
    # Warned at 1300, wrote at 1350: no disconnect at 1420, a new warning at 1650.
    assert idle_step(SETTINGS, 1350.0, 1300.0, 1420.0) is None
    assert idle_step(SETTINGS, 1350.0, 1300.0, 1650.0) is IdleStep.WARN


@pytest.mark.parametrize(
    "seconds, text",
    [(300, "5 minutes"), (60, "1 minute"), (90, "1 minute 30 seconds"), (1, "1 second"),
     (45.4, "45 seconds"), (7200, "2 hours"), (3661, "1 hour 1 minute 1 second"), (0, "0 seconds")],
)
def test_durations_read_as_people_say_them(seconds, text):
    assert readable_duration(seconds) == text


def test_the_warning_names_the_visitor_and_the_times():
    messages = SystemMessages()
    assert messages.fill(messages.idle_warning, "Vera", "5 minutes", "2 minutes") == (
        "Vera has been idle for 5 minutes. The conversation will end in 2 minutes unless Vera sends a message."
    )
    # One pass: a name that reads like a placeholder stays as it is.
    assert messages.fill("%1 idle for %2", "%2", "5 minutes") == "%2 idle for 5 minutes"
    assert messages.fill(messages.joined, "Alice") == "Alice has joined the conversation."


@pytest.mark.parametrize(
    "raw, complaint",
    [
        ({"enabled": "yes"}, "enabled must be true or false"),
        ({"idle_seconds": 0}, "idle_seconds must be a number of seconds above 0"),
        ({"grace_seconds": -5}, "grace_seconds must be a number of seconds above 0"),
        ({"grace_seconds": "2m"}, "grace_seconds must be a number"),
        ({"idle_time": 5}, r"unknown setting\(s\) in \[idle_visitors\]: idle_time"),
    ],
)
def test_bad_settings_are_refused_with_the_reason(raw, complaint):
    with pytest.raises(ValueError, match=complaint):
        idle_visitor_settings(raw)
