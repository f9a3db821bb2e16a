"""Queue statistics arithmetic: service level, speed of answer, handle time, per interval.

The contact center feeds finished (or still waiting) interactions in as ``Contact``
records; everything here is arithmetic over them, so it is tested without a server.

Service level is the share of interactions answered within the workgroup's threshold
(e.g. 20 s). What to do with interactions the visitor abandoned before an answer is a
per-workgroup choice, the three standard treatments (``docs/statistics.md``)::

    ignore   SL = answered_within / answered
    against  SL = answered_within / (answered + abandoned)
    favour   SL = (answered_within + abandoned) / (answered + abandoned)
"""

from __future__ import annotations

import enum
import math
import time
from collections.abc import Iterable
from dataclasses import dataclass


class AbandonTreatment(str, enum.Enum):
    IGNORE = "ignore"
    AGAINST = "against"
    FAVOUR = "favour"


@dataclass(frozen=True, slots=True)
class Contact:
    """One offered interaction, as statistics see it."""

    offered_at: float
    answered_at: float | None = None
    ended_at: float | None = None
    abandoned: bool = False
    """The visitor left before any agent answered."""
    snoozed_seconds: float = 0.0
    """Time a callback spent snoozed: counted neither as waiting nor as handling."""

    @property
    def speed_of_answer(self) -> float | None:
        if self.answered_at is None:
            return None
        return max(0.0, self.answered_at - self.offered_at)

    @property
    def handle_time(self) -> float | None:
        if self.answered_at is None or self.ended_at is None:
            return None
        return max(0.0, self.ended_at - self.answered_at - self.snoozed_seconds)


@dataclass(frozen=True, slots=True)
class IntervalStatistics:
    offered: int
    answered: int
    abandoned: int
    answered_within: int
    average_speed_of_answer: float | None
    average_handle_time: float | None
    longest_handle_time: float | None
    service_level: float | None
    """0 to 1; None while nothing counts yet (no division by zero shown as 0 %)."""

    def to_dict(self) -> dict:
        return {
            "offered": self.offered, "answered": self.answered, "abandoned": self.abandoned,
            "answered_within": self.answered_within,
            "average_speed_of_answer": self.average_speed_of_answer,
            "average_handle_time": self.average_handle_time,
            "longest_handle_time": self.longest_handle_time,
            "service_level": self.service_level,
        }


def service_level(answered_within: int, answered: int, abandoned: int, treatment: AbandonTreatment) -> float | None:
    if treatment is AbandonTreatment.IGNORE:
        numerator, denominator = answered_within, answered
    elif treatment is AbandonTreatment.AGAINST:
        numerator, denominator = answered_within, answered + abandoned
    else:
        numerator, denominator = answered_within + abandoned, answered + abandoned
    return numerator / denominator if denominator else None


def interval_statistics(
    contacts: Iterable[Contact], threshold: float, treatment: AbandonTreatment = AbandonTreatment.IGNORE
) -> IntervalStatistics:
    """Figures for contacts offered in one interval (the caller picks which)."""
    offered = answered = abandoned = within = 0
    answers: list[float] = []
    handles: list[float] = []
    for contact in contacts:
        offered += 1
        speed = contact.speed_of_answer
        if speed is not None:
            answered += 1
            answers.append(speed)
            if speed <= threshold:
                within += 1
        elif contact.abandoned:
            abandoned += 1
        handle = contact.handle_time
        if handle is not None:
            handles.append(handle)
    return IntervalStatistics(
        offered=offered,
        answered=answered,
        abandoned=abandoned,
        answered_within=within,
        average_speed_of_answer=sum(answers) / len(answers) if answers else None,
        average_handle_time=sum(handles) / len(handles) if handles else None,
        longest_handle_time=max(handles) if handles else None,
        service_level=service_level(within, answered, abandoned, treatment),
    )


@dataclass(slots=True)
class Tally:
    """Running sums over the contacts of one interval, for a live view.

    A supervisor view recomputed from every contact on each change would cost as much as
    there were contacts today; instead a changed contact's old figures are taken out
    (``add(..., sign=-1)``) and its new ones put in, and ``figures`` divides at the end.
    The result equals ``interval_statistics`` over the same contacts (a test proves it).
    A contact's handle time is known only once it has ended and never changes after, so
    the longest handle time only ever grows.
    """

    offered: int = 0
    answered: int = 0
    abandoned: int = 0
    answered_within: int = 0
    speed_sum: float = 0.0
    handled: int = 0
    handle_sum: float = 0.0
    longest_handle: float | None = None

    def add(self, contact: Contact, threshold: float, sign: int = 1) -> None:
        self.offered += sign
        speed = contact.speed_of_answer
        if speed is not None:
            self.answered += sign
            self.speed_sum += sign * speed
            if speed <= threshold:
                self.answered_within += sign
        elif contact.abandoned:
            self.abandoned += sign
        handle = contact.handle_time
        if handle is not None:
            self.handled += sign
            self.handle_sum += sign * handle
            if sign > 0 and (self.longest_handle is None or handle > self.longest_handle):
                self.longest_handle = handle

    def figures(self, treatment: AbandonTreatment = AbandonTreatment.IGNORE) -> IntervalStatistics:
        return IntervalStatistics(
            offered=self.offered,
            answered=self.answered,
            abandoned=self.abandoned,
            answered_within=self.answered_within,
            average_speed_of_answer=self.speed_sum / self.answered if self.answered else None,
            average_handle_time=self.handle_sum / self.handled if self.handled else None,
            longest_handle_time=self.longest_handle if self.handled else None,
            service_level=service_level(self.answered_within, self.answered, self.abandoned, treatment),
        )


def interval_start(now: float, minutes: int = 30) -> float:
    """Start of the current interval (intervals are aligned to the hour, in local time)."""
    local = time.localtime(now)
    seconds_into_hour = local.tm_min * 60 + local.tm_sec + (now - math.floor(now))
    return now - (seconds_into_hour % (minutes * 60))


def day_start(now: float) -> float:
    """Local midnight of ``now``'s day."""
    local = time.localtime(now)
    return time.mktime((local.tm_year, local.tm_mon, local.tm_mday, 0, 0, 0, 0, 0, -1))
