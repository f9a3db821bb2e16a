"""Erlang C arithmetic of console.core.erlang, checked against exact rational arithmetic."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest

from console.core.erlang import (
    agents_needed,
    average_speed_of_answer,
    erlang_b,
    probability_of_waiting,
    service_level,
    traffic_intensity,
)


def exact_erlang_c(agents: int, traffic: Fraction) -> Fraction:
    """The textbook formula with factorials, in exact fractions (slow, but no rounding)."""
    top = traffic**agents / math.factorial(agents) * Fraction(agents, 1) / (agents - traffic)
    bottom = sum(traffic**k / math.factorial(k) for k in range(agents)) + top
    return top / bottom


@pytest.mark.parametrize("agents, traffic", [(1, Fraction(1, 2)), (5, Fraction(3)), (11, Fraction(10)),
                                             (30, Fraction(251, 10)), (60, Fraction(55))])
def test_probability_of_waiting_matches_the_textbook_formula_exactly(agents, traffic):
    assert probability_of_waiting(agents, float(traffic)) == pytest.approx(float(exact_erlang_c(agents, traffic)),
                                                                         rel=1e-12)


def test_known_table_value_ten_erlangs_eleven_agents():
    # The classic example: 10 Erlangs on 11 agents waits 68.21% of the time.
    assert probability_of_waiting(11, 10.0) == pytest.approx(0.6821, abs=5e-5)


def test_no_overflow_for_500_agents():
    p = probability_of_waiting(500, 480.0)
    assert 0.0 < p < 1.0 and math.isfinite(p)
    exact = exact_erlang_c(500, Fraction(480))
    assert p == pytest.approx(float(exact), rel=1e-9)


def test_overloaded_queue_always_waits_and_never_meets_service_level():
    assert probability_of_waiting(10, 10.0) == 1.0
    assert probability_of_waiting(5, 12.0) == 1.0
    assert average_speed_of_answer(10, 10.0, 180) == math.inf
    assert service_level(10, 12.0, 180, 20) == 0.0


def test_no_traffic_never_waits():
    assert probability_of_waiting(3, 0.0) == 0.0
    assert agents_needed(0.0, 180, 20, 0.8) == 0


def test_average_speed_of_answer_and_service_level_formulas():
    p = probability_of_waiting(11, 10.0)
    assert average_speed_of_answer(11, 10.0, 180) == pytest.approx(p * 180 / 1)
    assert service_level(11, 10.0, 180, 20) == pytest.approx(1 - p * math.exp(-1 * 20 / 180))


def test_agents_needed_is_the_smallest_staff_reaching_the_target():
    traffic = traffic_intensity(arrivals_per_hour=360, handle_time=180)  # 18 Erlangs
    assert traffic == pytest.approx(18.0)
    n = agents_needed(traffic, 180, 20, 0.8)
    assert service_level(n, traffic, 180, 20) >= 0.8
    assert service_level(n - 1, traffic, 180, 20) < 0.8


def test_more_agents_never_lower_the_service_level():
    levels = [service_level(n, 18.0, 180, 20) for n in range(19, 40)]
    assert levels == sorted(levels)


def test_erlang_b_is_a_probability():
    assert 0 < erlang_b(50, 40.0) < 1
    assert erlang_b(0, 3.0) == 1.0


@pytest.mark.parametrize("agents, traffic", [(-1, 1.0), (3, -1.0), (3, math.inf), (3, math.nan)])
def test_impossible_inputs_are_refused(agents, traffic):
    with pytest.raises(ValueError):
        probability_of_waiting(agents, traffic)
