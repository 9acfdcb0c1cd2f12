"""The official working-day calendar (工作日、法定节假日、调休), one place for every deadline and rota.

Working days follow the State Council's yearly holiday arrangement as shipped by the
``chinesecalendar`` package (imported as ``chinese_calendar``): statutory holidays are days
off even on a weekday, and the Saturdays or Sundays made into working days (调休) count as
working days.

**Outside the years the package knows** (``KNOWN_YEARS``; 2004–2026 with chinesecalendar
1.11) there is no arrangement to follow, so a day counts as a working day exactly when it is
Monday to Friday — holidays and 调休 are ignored rather than guessed — and
``statutory_holidays`` refuses with ``HolidaysUnknown`` (a rota cannot be planned on a
guess). Upgrade the package each December, when the State Council publishes next year's
arrangement; ``holidays_known(year)`` lets a page warn before that.

Usage::

    from dangjian.core import calendar

    calendar.is_working_day(date(2026, 10, 10))            # True: a Saturday made a working day
    calendar.add_working_days(date(2026, 9, 28), 5)        # date(2026, 10, 10): the 5th working day after
    calendar.working_days_between(date(2026, 9, 28), date(2026, 10, 10))   # 5
    for period in calendar.statutory_holidays(2026):      # for a holiday duty rota (节假日值班)
        period.name, period.start, period.end, period.days, period.makeup_days
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import chinese_calendar
from chinese_calendar.constants import Holiday as _PackageHoliday
from chinese_calendar.constants import holidays as _HOLIDAYS
from chinese_calendar.constants import workdays as _MAKEUP_WORKDAYS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

KNOWN_YEARS = range(min(_HOLIDAYS).year, max(_HOLIDAYS).year + 1)

# The package names holidays in English; these are the names users see.
_NAMES = {
    _PackageHoliday.new_years_day.value: gettext_lazy("New Year's Day"),
    _PackageHoliday.spring_festival.value: gettext_lazy("Spring Festival"),
    _PackageHoliday.tomb_sweeping_day.value: gettext_lazy("Tomb-sweeping Day"),
    _PackageHoliday.labour_day.value: gettext_lazy("Labour Day"),
    _PackageHoliday.dragon_boat_festival.value: gettext_lazy("Dragon Boat Festival"),
    _PackageHoliday.national_day.value: gettext_lazy("National Day"),
    _PackageHoliday.mid_autumn_festival.value: gettext_lazy("Mid-autumn Festival"),
}


class HolidaysUnknown(ValueError):
    """The holiday arrangement of a year is not known (the package must be upgraded)."""


@dataclass(frozen=True)
class HolidayPeriod:
    """One statutory holiday as people take it: consecutive days off, and the weekend days worked for it."""

    key: str  # the package's English name ("National Day"), stable for code
    name: str  # the name users see (国庆节)
    days: tuple[date, ...]  # every day off of the period, weekends inside it included
    makeup_days: tuple[date, ...]  # Saturdays or Sundays made working days for it (调休上班)

    @property
    def start(self) -> date:
        return self.days[0]

    @property
    def end(self) -> date:
        return self.days[-1]


def _as_date(day: date) -> date:
    return day.date() if isinstance(day, datetime) else day


def holidays_known(year: int) -> bool:
    """True when the package holds the official arrangement of ``year``."""
    return year in KNOWN_YEARS


def is_working_day(day: date) -> bool:
    """True on official working days (调休 weekends included, holidays excluded); Monday–Friday outside KNOWN_YEARS."""
    day = _as_date(day)
    if day.year not in KNOWN_YEARS:
        return day.weekday() < 5
    return chinese_calendar.is_workday(day)


def add_working_days(start: date, days: int) -> date:
    """The ``days``-th working day after ``start`` (before it when ``days`` is negative); ``start`` itself for 0.

    Counting starts on the day after ``start``, whether ``start`` is a working day or not:
    an item handed down on Friday with five working days is due on the next Friday.
    """
    day = _as_date(start)
    step = timedelta(days=1 if days >= 0 else -1)
    remaining = abs(days)
    while remaining > 0:
        day += step
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (negative when ``end`` is earlier).

    The inverse of ``add_working_days``: ``working_days_between(d, add_working_days(d, n)) == n``.
    """
    start, end = _as_date(start), _as_date(end)
    if end < start:
        return -working_days_between(end, start)
    return sum(1 for i in range(1, (end - start).days + 1) if is_working_day(start + timedelta(days=i)))


def statutory_holidays(year: int) -> list[HolidayPeriod]:
    """The statutory holiday periods touching ``year`` in date order (raises HolidaysUnknown outside KNOWN_YEARS).

    A period that spans New Year (30 Dec – 1 Jan) is returned whole for both years.
    """
    if not holidays_known(year):
        raise HolidaysUnknown(
            _(
                "The official holiday arrangement for %(year)s is not known yet: the calendar covers "
                "%(first)s–%(last)s. Ask the administrator to upgrade the chinesecalendar package."
            )
            % {"year": year, "first": KNOWN_YEARS.start, "last": KNOWN_YEARS.stop - 1}
        )
    window = [d for d in _HOLIDAYS if year - 1 <= d.year <= year + 1]
    periods: list[list[date]] = []
    for day in sorted(window):
        last = periods[-1][-1] if periods else None
        if last is not None and day - last == timedelta(days=1) and _HOLIDAYS[last] == _HOLIDAYS[day]:
            periods[-1].append(day)
        else:
            periods.append([day])
    result = []
    for days in periods:
        if not any(d.year == year for d in days):
            continue
        key = _HOLIDAYS[days[0]]
        # The package links each 调休 working day to its holiday by name; take those within a month of it.
        makeup = tuple(
            sorted(
                d
                for d, name in _MAKEUP_WORKDAYS.items()
                if name == key and days[0] - timedelta(days=31) <= d <= days[-1] + timedelta(days=31)
            )
        )
        result.append(
            HolidayPeriod(key=key, name=str(_NAMES.get(key, key)), days=tuple(days), makeup_days=makeup)
        )
    return result
