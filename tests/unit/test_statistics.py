"""Queue statistics arithmetic of console.core.statistics."""

from __future__ import annotations

import time

import pytest

from console.core.statistics import (
    AbandonTreatment,
    Contact,
    day_start,
    interval_start,
    interval_statistics,
    service_level,
)

T = 1_800_000_000.0


def sample() -> list[Contact]:
    return [
        Contact(T, answered_at=T + 5, ended_at=T + 125),            # answered within 20 s, handled 120 s
        Contact(T, answered_at=T + 15, ended_at=T + 75),            # within, 60 s
        Contact(T, answered_at=T + 40, ended_at=T + 340),           # late, 300 s
        Contact(T, abandoned=True),                                 # left before answer
        Contact(T),                                                 # still waiting: offered only
    ]


def test_counts_speed_and_handle_times():
    stats = interval_statistics(sample(), threshold=20)
    assert (stats.offered, stats.answered, stats.abandoned, stats.answered_within) == (5, 3, 1, 2)
    assert stats.average_speed_of_answer == pytest.approx((5 + 15 + 40) / 3)
    assert stats.average_handle_time == pytest.approx((120 + 60 + 300) / 3)
    assert stats.longest_handle_time == 300


@pytest.mark.parametrize(
    "treatment, expected",
    [(AbandonTreatment.IGNORE, 2 / 3), (AbandonTreatment.AGAINST, 2 / 4), (AbandonTreatment.FAVOUR, 3 / 4)],
)
def test_three_treatments_of_abandoned_interactions(treatment, expected):
    assert interval_statistics(sample(), threshold=20, treatment=treatment).service_level == pytest.approx(expected)


def test_service_level_is_unknown_rather_than_zero_when_nothing_counts():
    assert service_level(0, 0, 0, AbandonTreatment.AGAINST) is None
    assert interval_statistics([Contact(T)], threshold=20).service_level is None


def test_snoozed_time_is_not_handle_time():
    callback = Contact(T, answered_at=T + 10, ended_at=T + 400, snoozed_seconds=300)
    assert callback.handle_time == 90


def test_intervals_are_aligned_to_half_hours_and_days_to_midnight():
    base = time.mktime((2026, 3, 2, 9, 41, 17, 0, 0, -1))
    assert time.localtime(interval_start(base))[3:6] == (9, 30, 0)
    assert time.localtime(interval_start(base, minutes=15))[3:6] == (9, 30, 0)
    assert time.localtime(day_start(base))[:6] == (2026, 3, 2, 0, 0, 0)


def test_running_tally_equals_a_full_recount_after_contacts_change():
    import random

    from console.core.statistics import Tally

    rng = random.Random(7)
    contacts: list[Contact] = []
    tally = Tally()
    for _ in range(300):
        offered = T + rng.uniform(0, 1800)
        contact = Contact(offered)
        contacts.append(contact)
        tally.add(contact, threshold=20)
    # Every contact then moves on once: answered (and maybe ended) or abandoned.
    for i, old in enumerate(contacts):
        roll = rng.random()
        if roll < 0.6:
            answered = old.offered_at + rng.uniform(0, 60)
            new = Contact(old.offered_at, answered_at=answered,
                          ended_at=answered + rng.uniform(10, 900) if rng.random() < 0.7 else None)
        elif roll < 0.8:
            new = Contact(old.offered_at, abandoned=True)
        else:
            continue
        tally.add(old, threshold=20, sign=-1)
        tally.add(new, threshold=20)
        contacts[i] = new
    for treatment in AbandonTreatment:
        expected = interval_statistics(contacts, threshold=20, treatment=treatment)
        got = tally.figures(treatment)
        assert (got.offered, got.answered, got.abandoned, got.answered_within) == (
            expected.offered, expected.answered, expected.abandoned, expected.answered_within)
        assert got.average_speed_of_answer == pytest.approx(expected.average_speed_of_answer)
        assert got.average_handle_time == pytest.approx(expected.average_handle_time)
        assert got.longest_handle_time == expected.longest_handle_time
        assert got.service_level == pytest.approx(expected.service_level)


def test_an_empty_tally_shows_unknown_figures_not_zeros():
    from console.core.statistics import Tally

    figures = Tally().figures(AbandonTreatment.AGAINST)
    assert figures.offered == 0
    assert figures.service_level is None and figures.average_handle_time is None
