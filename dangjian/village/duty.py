"""Who is due on duty on a day (坐班 by weekday rota, 值班 on statutory holidays), from the official calendar.

Working days follow ``core.calendar`` (调休 weekends are working days: they take the rota of
the weekday named by ``village.makeup_day_rota_weekday``); on a statutory holiday the holiday
duty list applies; on an ordinary weekend nobody is due.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

from dangjian.core import calendar
from dangjian.core import params as core_params

from . import params


class DayKind:
    WORKING = "working"
    HOLIDAY = "holiday"
    REST = "rest"


@cache
def _holiday_days(year: int) -> dict[date, str]:
    try:
        periods = calendar.statutory_holidays(year)
    except calendar.HolidaysUnknown:
        return {}
    return {day: period.name for period in periods for day in period.days}


def holiday_name(day: date) -> str | None:
    """The statutory holiday ``day`` belongs to (None on other days)."""
    return _holiday_days(day.year).get(day)


def day_kind(day: date) -> str:
    if calendar.is_working_day(day):
        return DayKind.WORKING
    if holiday_name(day):
        return DayKind.HOLIDAY
    return DayKind.REST


def rota_weekday(day: date) -> int | None:
    """The weekday (1–5) whose office rota applies on a working day; None on other days."""
    if not calendar.is_working_day(day):
        return None
    weekday = day.isoweekday()
    return weekday if weekday <= 5 else int(core_params.get(params.MAKEUP_DAY_ROTA.key))


@dataclass
class DutyRow:
    """One cadre on one day: due or not, checked in, on approved leave; ``missing`` when due and neither."""

    org_id: int
    person_id: int
    name: str
    due: bool
    checked_in: object | None  # the CheckIn
    on_leave: object | None  # the Leave
    post_id: int | None = None  # the cadre's page

    @property
    def missing(self) -> bool:
        return self.due and self.checked_in is None and self.on_leave is None

    @property
    def word(self) -> str:
        from django.utils.translation import gettext as _

        if self.checked_in is not None:
            return _("Checked in")
        if self.on_leave is not None:
            return _("On leave")
        if self.due:
            return _("Missing")
        return _("Not due")


def due_person_ids(day: date, rota_rows, duty_rows) -> set[tuple[int, int]]:
    """(org id, person id) of the cadres due on ``day`` from office rota rows and holiday duty rows."""
    kind = day_kind(day)
    if kind == DayKind.WORKING:
        weekday = rota_weekday(day)
        return {
            (r.org_id, r.person_id)
            for r in rota_rows
            if r.weekday == weekday
            and r.active_from <= day
            and (r.active_until is None or r.active_until >= day)
        }
    if kind == DayKind.HOLIDAY:
        return {(d.org_id, d.person_id) for d in duty_rows if d.day == day}
    return set()
