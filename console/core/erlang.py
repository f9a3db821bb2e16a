"""Erlang C: how many agents a queue needs, and what callers can expect with a given staff.

Traffic ``A`` (Erlangs) is the arrival rate times the average handle time. With ``N``
agents, Erlang C gives the probability that an arrival has to wait; from it follow the
average speed of answer and the service level. The textbook formula has ``A**N / N!``
in it, which overflows a float beyond about 170 agents; here the probability is built
with the Erlang B recursion instead::

    B(0) = 1,   B(n) = A·B(n-1) / (n + A·B(n-1))
    C(N) = N·B(N) / (N - A·(1 - B(N)))

Every step is a ratio between 0 and 1, so nothing overflows for any staff size, and the
result equals the textbook formula (the tests check it against exact rational arithmetic).
"""

from __future__ import annotations

import math

MAX_AGENTS = 100_000


def _check(agents: int, traffic: float) -> None:
    if agents < 0 or agents > MAX_AGENTS:
        raise ValueError(f"agents must be between 0 and {MAX_AGENTS}, not {agents}")
    if traffic < 0 or not math.isfinite(traffic):
        raise ValueError(f"traffic must be a finite number of Erlangs >= 0, not {traffic}")


def erlang_b(agents: int, traffic: float) -> float:
    """Probability that all ``agents`` are busy in a loss system (blocking probability)."""
    _check(agents, traffic)
    blocking = 1.0
    for n in range(1, agents + 1):
        blocking = traffic * blocking / (n + traffic * blocking)
    return blocking


def probability_of_waiting(agents: int, traffic: float) -> float:
    """Erlang C: the chance an arrival waits at all. 1 when the agents cannot keep up."""
    _check(agents, traffic)
    if traffic == 0:
        return 0.0
    if agents <= traffic:
        return 1.0
    blocking = erlang_b(agents, traffic)
    return agents * blocking / (agents - traffic * (1.0 - blocking))


def average_speed_of_answer(agents: int, traffic: float, handle_time: float) -> float:
    """Expected wait in seconds over all arrivals (those answered at once count as 0)."""
    if agents <= traffic:
        return math.inf
    return probability_of_waiting(agents, traffic) * handle_time / (agents - traffic)


def service_level(agents: int, traffic: float, handle_time: float, threshold: float) -> float:
    """Expected share of arrivals answered within ``threshold`` seconds."""
    if agents <= traffic:
        return 0.0
    if handle_time <= 0:
        return 1.0
    waiting = probability_of_waiting(agents, traffic)
    return max(0.0, 1.0 - waiting * math.exp(-(agents - traffic) * threshold / handle_time))


def agents_needed(traffic: float, handle_time: float, threshold: float, target: float) -> int:
    """Fewest agents whose expected service level reaches ``target`` (0 to 1)."""
    if not 0 <= target < 1:
        raise ValueError(f"target must be at least 0 and below 1, not {target}")
    if traffic <= 0:
        return 0
    agents = max(1, math.floor(traffic) + 1)
    while service_level(agents, traffic, handle_time, threshold) < target:
        agents += 1
        if agents > MAX_AGENTS:
            raise ValueError("no staff size up to the limit reaches the target")
    return agents


def traffic_intensity(arrivals_per_hour: float, handle_time: float) -> float:
    """Offered load in Erlangs: arrivals per second times handle time in seconds."""
    return arrivals_per_hour / 3600.0 * handle_time
