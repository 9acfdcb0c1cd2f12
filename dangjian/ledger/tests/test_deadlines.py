"""Working-day deadlines (调休 and holidays) and the traffic lights at their boundaries."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from dangjian.core import calendar
from dangjian.core import params as core_params
from dangjian.ledger.deadlines import GREEN, NONE, RED, YELLOW, add_days, light
from dangjian.ledger.models import Item

from .builders import TODAY, handed_item, media, walk  # noqa: F401

S = Item.Status


def test_five_working_days_from_the_monday_before_national_day_end_on_the_swapped_saturday():
    # 29, 30 Sept; 1–7 Oct holiday; 8, 9 Oct; Saturday 10 Oct is a 调休 working day.
    assert add_days(date(2026, 9, 28), 5, working=True) == date(2026, 10, 10)


def test_calendar_days_ignore_holidays():
    assert add_days(date(2026, 9, 28), 5) == date(2026, 10, 3)


def test_holidays_do_not_count_and_swapped_weekends_do():
    assert calendar.is_working_day(date(2026, 10, 1)) is False
    assert calendar.is_working_day(date(2026, 10, 10)) is True  # Saturday, 调休
    assert calendar.is_working_day(date(2026, 11, 21)) is False  # an ordinary Saturday


def test_years_beyond_the_calendar_data_fall_back_to_monday_to_friday():
    assert calendar.is_working_day(date(2099, 10, 1)) is True  # a Thursday; no holiday data that far
    assert calendar.is_working_day(date(2099, 10, 3)) is False  # Saturday
    assert add_days(date(2099, 10, 2), 1, working=True) == date(2099, 10, 5)


def test_zero_days_is_the_start_day():
    assert add_days(TODAY, 0, working=True) == TODAY


class _Item:
    def __init__(self, deadline, status=S.RECTIFYING, long_term=False):
        self.deadline, self.status, self.long_term = deadline, status, long_term
        self.closure_requested_on = self.closed_on = None


@pytest.mark.parametrize(
    ("deadline", "expected"),
    [
        (TODAY - timedelta(days=1), RED),  # the day after the deadline
        (TODAY, YELLOW),  # the deadline day itself
        (TODAY + timedelta(days=3), YELLOW),  # the last yellow day with N = 3
        (TODAY + timedelta(days=4), GREEN),
    ],
)
def test_lights_at_their_boundaries(deadline, expected):
    assert light(_Item(deadline), TODAY, yellow=3) == expected


@pytest.mark.parametrize("status", [S.DRAFT, S.CLOSED])
def test_drafts_and_closed_items_have_no_light(status):
    assert light(_Item(TODAY - timedelta(days=9), status=status), TODAY) == NONE


def test_long_term_items_have_no_light():
    assert light(_Item(None, long_term=True), TODAY) == NONE


@pytest.mark.usefixtures("media")
def test_the_sql_light_agrees_with_the_python_light(county, personas):
    core_params.set_value("ledger.yellow_days", 3)
    offsets = [-1, 0, 3, 4]
    items = [handed_item(county, personas, deadline=TODAY + timedelta(days=5)) for _ in offsets]
    for item, offset in zip(items, offsets, strict=True):
        Item.objects.filter(pk=item.pk).update(deadline=TODAY + timedelta(days=offset))
    closed = walk(handed_item(county, personas), S.CLOSED, personas)
    annotated = dict(Item.objects.with_light(TODAY).values_list("pk", "light"))
    for item in Item.objects.all():
        assert annotated[item.pk] == light(item, TODAY)
    assert annotated[closed.pk] == NONE
    assert list(Item.objects.light(RED, TODAY).values_list("pk", flat=True)) == [items[0].pk]
    assert sorted(Item.objects.light(YELLOW, TODAY).values_list("pk", flat=True)) == [
        items[1].pk,
        items[2].pk,
    ]
    assert list(Item.objects.light(GREEN, TODAY).values_list("pk", flat=True)) == [items[3].pk]
