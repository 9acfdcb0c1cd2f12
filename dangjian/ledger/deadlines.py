"""Deadlines and traffic lights (红黄绿灯).

Working days (holidays and 调休) come from the platform's one calendar, ``core.calendar``;
see there what happens beyond the years the holiday data covers.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Case, CharField, Q, Value, When

from dangjian.core import calendar

GREEN, YELLOW, RED, NONE = "green", "yellow", "red", "none"
LIGHTS = (GREEN, YELLOW, RED, NONE)

# Items in these states have no light: drafts are not handed down yet, closed ones are done.
_NO_LIGHT_STATUSES = ("draft", "closed")


def add_days(start: date, days: int, *, working: bool = False) -> date:
    """The date ``days`` calendar days (or working days, see ``core.calendar.add_working_days``) after ``start``."""
    if working:
        return calendar.add_working_days(start, days)
    return start + timedelta(days=days)


def yellow_days() -> int:
    from dangjian.core.params import get

    from . import params

    return int(get(params.YELLOW_DAYS.key))


def light(item, today: date, *, yellow: int | None = None) -> str:
    """green / yellow (due within N days, deadline day included) / red (overdue) / none."""
    if item.status in _NO_LIGHT_STATUSES or item.long_term or item.deadline is None:
        return NONE
    if today > item.deadline:
        return RED
    yellow = yellow_days() if yellow is None else yellow
    if item.deadline <= today + timedelta(days=yellow):
        return YELLOW
    return GREEN


def light_q(which: str, today: date, *, yellow: int | None = None, prefix: str = "") -> Q:
    """A filter for items whose light is ``which`` (for ledgers filtering in SQL)."""
    yellow = yellow_days() if yellow is None else yellow
    p = prefix
    has_light = Q(**{f"{p}long_term": False, f"{p}deadline__isnull": False}) & ~Q(
        **{f"{p}status__in": _NO_LIGHT_STATUSES}
    )
    if which == RED:
        return has_light & Q(**{f"{p}deadline__lt": today})
    if which == YELLOW:
        return has_light & Q(
            **{f"{p}deadline__gte": today, f"{p}deadline__lte": today + timedelta(days=yellow)}
        )
    if which == GREEN:
        return has_light & Q(**{f"{p}deadline__gt": today + timedelta(days=yellow)})
    if which == NONE:
        return ~has_light
    raise ValueError(which)


def light_case(today: date, *, yellow: int | None = None) -> Case:
    """An annotation expression giving each item's light as a string."""
    yellow = yellow_days() if yellow is None else yellow
    return Case(
        When(light_q(RED, today, yellow=yellow), then=Value(RED)),
        When(light_q(YELLOW, today, yellow=yellow), then=Value(YELLOW)),
        When(light_q(GREEN, today, yellow=yellow), then=Value(GREEN)),
        default=Value(NONE),
        output_field=CharField(),
    )
