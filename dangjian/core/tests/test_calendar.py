"""The working-day calendar: holidays, 调休 weekends, counting both ways, and the years without data."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from dangjian.core import calendar


def test_a_statutory_holiday_on_a_weekday_is_not_a_working_day():
    assert calendar.is_working_day(date(2026, 10, 1)) is False  # Thursday, National Day


def test_a_saturday_made_a_working_day_counts():
    assert calendar.is_working_day(date(2026, 10, 10)) is True  # Saturday, 调休
    assert calendar.is_working_day(date(2026, 11, 21)) is False  # an ordinary Saturday


def test_a_datetime_is_judged_by_its_date():
    assert calendar.is_working_day(datetime(2026, 10, 10, 9, 30)) is True


def test_adding_working_days_skips_the_national_day_week_and_lands_on_the_swapped_saturday():
    assert calendar.add_working_days(date(2026, 9, 28), 5) == date(2026, 10, 10)


def test_adding_zero_working_days_gives_the_start_even_on_a_holiday():
    assert calendar.add_working_days(date(2026, 10, 1), 0) == date(2026, 10, 1)


def test_negative_working_days_count_backwards_over_the_holiday():
    assert calendar.add_working_days(date(2026, 10, 10), -5) == date(2026, 9, 28)


def test_working_days_between_is_the_inverse_of_adding_them():
    start = date(2026, 9, 28)
    for n in (0, 1, 3, 5, 12, 40):
        assert calendar.working_days_between(start, calendar.add_working_days(start, n)) == n


def test_working_days_between_counts_the_end_day_but_not_the_start_and_is_negative_backwards():
    assert calendar.working_days_between(date(2026, 9, 28), date(2026, 10, 10)) == 5
    assert calendar.working_days_between(date(2026, 10, 10), date(2026, 9, 28)) == -5
    assert calendar.working_days_between(date(2026, 10, 1), date(2026, 10, 7)) == 0


def test_beyond_the_holiday_data_every_monday_to_friday_is_a_working_day_and_nothing_else():
    assert not calendar.holidays_known(2099)
    assert calendar.is_working_day(date(2099, 10, 1)) is True  # Thursday: no holiday is guessed
    assert calendar.is_working_day(date(2099, 10, 3)) is False  # Saturday: no 调休 is guessed
    assert calendar.add_working_days(date(2099, 10, 2), 1) == date(2099, 10, 5)
    assert calendar.working_days_between(date(2099, 10, 2), date(2099, 10, 9)) == 5


def test_counting_across_the_end_of_the_data_switches_rules_on_new_years_day():
    last = calendar.KNOWN_YEARS.stop - 1
    # 1 January of the first unknown year counts as a working day when it falls Monday to Friday.
    first_unknown = date(last + 1, 1, 1)
    assert calendar.is_working_day(first_unknown) is (first_unknown.weekday() < 5)


def test_statutory_holidays_of_a_year_are_whole_periods_with_their_makeup_days():
    periods = {p.key: p for p in calendar.statutory_holidays(2026)}
    national = periods["National Day"]
    assert national.name == "国庆节"
    assert (national.start, national.end) == (date(2026, 10, 1), date(2026, 10, 7))
    assert len(national.days) == 7
    assert national.makeup_days == (date(2026, 9, 20), date(2026, 10, 10))
    spring = periods["Spring Festival"]
    assert (spring.start, spring.end) == (date(2026, 2, 15), date(2026, 2, 23))
    assert spring.makeup_days == (date(2026, 2, 14), date(2026, 2, 28))
    assert [p.start for p in calendar.statutory_holidays(2026)] == sorted(p.start for p in periods.values())


def test_statutory_holidays_of_an_unknown_year_are_refused_with_a_message_saying_what_to_do():
    with pytest.raises(calendar.HolidaysUnknown) as exc:
        calendar.statutory_holidays(2099)
    message = str(exc.value)
    assert "2099" in message and "chinesecalendar" in message and "尚未" in message
