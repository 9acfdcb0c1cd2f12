"""The rule engine at period boundaries: months, quarters, years, a branch founded mid-quarter, dissolution."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from ..models import PeriodKind
from ..periods import Span, State, check, completion, owes, span_containing, spans_ending_within

RULES = {"committee": ("month", 1), "lesson": ("quarter", 1), "life_meeting": ("year", 1)}


@dataclass
class Org:
    founded_on: date | None = None
    dissolved_on: date | None = None


@pytest.mark.parametrize(
    ("kind", "day", "start", "end"),
    [
        ("month", date(2026, 2, 28), date(2026, 2, 1), date(2026, 2, 28)),
        ("month", date(2024, 2, 29), date(2024, 2, 1), date(2024, 2, 29)),
        ("quarter", date(2026, 3, 31), date(2026, 1, 1), date(2026, 3, 31)),
        ("quarter", date(2026, 4, 1), date(2026, 4, 1), date(2026, 6, 30)),
        ("quarter", date(2026, 12, 31), date(2026, 10, 1), date(2026, 12, 31)),
        ("year", date(2026, 7, 15), date(2026, 1, 1), date(2026, 12, 31)),
    ],
)
def test_the_span_containing_a_day(kind, day, start, end):
    span = span_containing(kind, day)
    assert (span.start, span.end) == (start, end)


def test_periods_ending_within_a_span_cross_the_year():
    spans = spans_ending_within(PeriodKind.MONTH, date(2025, 11, 15), date(2026, 2, 28))
    assert [s.label for s in spans] == ["2025-11", "2025-12", "2026-01", "2026-02"]
    quarters = spans_ending_within(PeriodKind.QUARTER, date(2026, 1, 1), date(2026, 12, 31))
    assert [q.label for q in quarters] == ["2026Q1", "2026Q2", "2026Q3", "2026Q4"]
    # A quarter whose last day is outside the span is not judged in it.
    assert spans_ending_within(PeriodKind.QUARTER, date(2026, 1, 1), date(2026, 3, 30)) == []
    assert [s.label for s in spans_ending_within("year", date(2026, 12, 31), date(2026, 12, 31))] == ["2026"]


def test_a_quarter_is_met_by_a_meeting_in_any_of_its_months():
    counts = {("lesson", date(2026, 3, 1)): 1}
    dues = check(Org(), RULES, counts, date(2026, 1, 1), date(2026, 6, 30), today=date(2026, 11, 1))
    lessons = {d.span.label: d.state for d in dues if d.kind == "lesson"}
    assert lessons == {"2026Q1": State.MET, "2026Q2": State.MISSED}


def test_a_meeting_on_the_first_of_the_next_month_does_not_count_for_the_month_before():
    counts = {("committee", date(2026, 2, 1)): 1}
    dues = check(Org(), RULES, counts, date(2026, 1, 1), date(2026, 2, 28), today=date(2026, 11, 1))
    months = {d.span.label: d.state for d in dues if d.kind == "committee"}
    assert months == {"2026-01": State.MISSED, "2026-02": State.MET}


def test_a_branch_founded_mid_quarter_owes_from_the_next_period():
    org = Org(founded_on=date(2026, 2, 15))
    assert not owes(org, span_containing("quarter", date(2026, 2, 15)))
    assert not owes(org, span_containing("month", date(2026, 2, 15)))
    assert owes(org, span_containing("month", date(2026, 3, 1)))
    assert owes(org, span_containing("quarter", date(2026, 4, 1)))
    assert not owes(org, span_containing("year", date(2026, 4, 1)))  # the founding year is not owed
    dues = check(org, RULES, {}, date(2026, 1, 1), date(2026, 6, 30), today=date(2026, 11, 1))
    assert sorted(d.span.label for d in dues) == ["2026-03", "2026-04", "2026-05", "2026-06", "2026Q2"]


def test_a_branch_founded_on_the_first_day_owes_that_period():
    assert owes(Org(founded_on=date(2026, 4, 1)), span_containing("quarter", date(2026, 4, 1)))


def test_a_dissolved_branch_owes_nothing_after_dissolution():
    org = Org(dissolved_on=date(2026, 5, 10))
    assert owes(org, span_containing("month", date(2026, 4, 1)))
    assert not owes(org, span_containing("month", date(2026, 5, 1)))


def test_a_period_not_ended_is_open_until_met():
    today = date(2026, 11, 20)
    dues = check(Org(), {"committee": ("month", 1)}, {}, date(2026, 11, 1), date(2026, 11, 30), today=today)
    assert [d.state for d in dues] == [State.OPEN]
    dues = check(
        Org(),
        {"committee": ("month", 1)},
        {("committee", date(2026, 11, 1)): 1},
        date(2026, 11, 1),
        date(2026, 11, 30),
        today=today,
    )
    assert [d.state for d in dues] == [State.MET]
    assert completion(dues) == (1, 1)


def test_twice_a_month_needs_two_meetings():
    rules = {"committee": ("month", 2)}
    dues = check(
        Org(),
        rules,
        {("committee", date(2026, 1, 1)): 1},
        date(2026, 1, 1),
        date(2026, 1, 31),
        today=date(2026, 3, 1),
    )
    assert dues[0].state == State.MISSED and dues[0].held == 1
    assert completion(dues) == (0, 1)


def test_span_months_and_labels():
    q = Span("quarter", date(2026, 10, 1), date(2026, 12, 31))
    assert q.months() == [date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1)] and q.label == "2026Q4"
