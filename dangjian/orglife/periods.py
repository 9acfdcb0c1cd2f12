"""Calendar periods of the frequency rules (months, quarters, years) and the rule engine over them.

The engine is pure: it takes the organisations, the rules and the held-meeting counts per
calendar month, and answers, for every period ending inside a span, whether the organisation
owed a meeting and held it. Selectors feed it from the database in a fixed number of queries.
"""

from __future__ import annotations

import calendar
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from .models import PeriodKind


@dataclass(frozen=True)
class Span:
    """One calendar period of a rule: a month, a quarter or a year."""

    kind: str
    start: date
    end: date

    @property
    def label(self) -> str:
        if self.kind == PeriodKind.MONTH:
            return f"{self.start:%Y-%m}"
        if self.kind == PeriodKind.QUARTER:
            return f"{self.start.year}Q{(self.start.month - 1) // 3 + 1}"
        return str(self.start.year)

    def months(self) -> list[date]:
        """The first day of every month inside the span."""
        return [date(self.start.year, m, 1) for m in range(self.start.month, self.end.month + 1)]


def month_end(day: date) -> date:
    return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])


def span_containing(kind: str, day: date) -> Span:
    """The month, quarter or year that contains ``day``."""
    if kind == PeriodKind.MONTH:
        first = date(day.year, day.month, 1)
        return Span(kind, first, month_end(first))
    if kind == PeriodKind.QUARTER:
        first_month = (day.month - 1) // 3 * 3 + 1
        return Span(kind, date(day.year, first_month, 1), month_end(date(day.year, first_month + 2, 1)))
    return Span(kind, date(day.year, 1, 1), date(day.year, 12, 31))


def spans_ending_within(kind: str, start: date, end: date) -> list[Span]:
    """Every period of ``kind`` whose last day falls between ``start`` and ``end`` (both included)."""
    return _spans_uncached(kind, start, end)


# A roll-up checks the same spans for every branch: they are worked out once per rule and span of time,
# with the keys of the held-meeting counts each period adds up (meeting kind, first day of the month).
@functools.lru_cache(maxsize=512)
def _spans(kind: str, period: str, start: date, end: date) -> tuple[tuple[Span, tuple], ...]:
    return tuple(
        (span, tuple((kind, m) for m in span.months())) for span in _spans_uncached(period, start, end)
    )


def _spans_uncached(kind: str, start: date, end: date) -> list[Span]:
    spans = []
    span = span_containing(kind, start)
    while span.start <= end:
        if start <= span.end <= end:
            spans.append(span)
        following = date(span.end.year + (span.end.month == 12), span.end.month % 12 + 1, 1)
        span = span_containing(kind, following)
    return spans


class State:
    MET = "met"
    MISSED = "missed"
    OPEN = "open"  # the period has not ended and the meeting is still owed


class Due(NamedTuple):
    """What one organisation owed for one rule in one period, and what it held.

    A named tuple: a county's year is tens of thousands of them, made in one pass.
    """

    kind: str
    span: Span
    required: int
    held: int
    state: str

    @property
    def met(self) -> bool:
        return self.state == State.MET


_new_due = tuple.__new__


def owes(org, span: Span) -> bool:
    """An organisation owes a period's meetings when it existed on the period's first day and was not
    dissolved before its last day (a branch founded mid-period starts with the next period)."""
    if org.founded_on is not None and org.founded_on > span.start:
        return False
    return org.dissolved_on is None or org.dissolved_on > span.end


def check(
    org,
    rules: dict[str, tuple[str, int]],
    counts: dict[tuple[str, date], int],
    start: date,
    end: date,
    today: date,
) -> list[Due]:
    """The dues of ``org`` for periods ending in [start, end].

    ``rules``: meeting kind → (period kind, times); ``counts``: (meeting kind, first day of month) →
    meetings held in that month.
    """
    result = []
    # Most branches were founded before the year of ``start`` (no period ending in the span begins
    # earlier) and never dissolved: they owe every period, with no test per period (a county's year
    # is ~75 000 of them).
    always = org.dissolved_on is None and (org.founded_on is None or org.founded_on <= date(start.year, 1, 1))
    get = counts.get
    append = result.append
    met, missed, still_open = State.MET, State.MISSED, State.OPEN
    for kind, (period, times) in rules.items():
        for span, keys in _spans(kind, period, start, end):
            if not (always or owes(org, span)):
                continue
            if len(keys) == 1:  # a month
                held = get(keys[0], 0)
            else:
                held = 0
                for key in keys:
                    held += get(key, 0)
            if held >= times:
                state = met
            elif span.end >= today:
                state = still_open
            else:
                state = missed
            # The tuple built directly: Due(...) runs the named tuple's Python __new__ for each of ~25 000.
            append(_new_due(Due, (kind, span, times, held, state)))
    return result


def completion(dues: Iterable[Due]) -> tuple[int, int]:
    """(met, decided): periods met, and periods either met or missed (open periods are not judged yet)."""
    met = decided = 0
    for due in dues:
        if due.state == State.OPEN:
            continue
        decided += 1
        met += due.state == State.MET
    return met, decided
