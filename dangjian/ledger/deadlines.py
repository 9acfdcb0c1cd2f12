"""Deadlines and traffic lights (红黄绿灯).

Working days (holidays and 调休) come from the platform's one calendar, ``core.calendar``;
see there what happens beyond the years the holiday data covers.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Case, CharField, DateField, DurationField, ExpressionWrapper, F, Q, Value, When

from dangjian.core import calendar

GREEN, YELLOW, RED, NONE = "green", "yellow", "red", "none"
LIGHTS = (GREEN, YELLOW, RED, NONE)

# Items in these states have no light: drafts are not handed down yet, closed ones are done.
_NO_LIGHT_STATUSES = ("draft", "closed")
# States in which the rectifying side's closure request stands (waiting for verification, or accepted).
_REQUEST_STANDS = ("closure_requested", "closed")


def add_days(start: date, days: int, *, working: bool = False) -> date:
    """The date ``days`` calendar days (or working days, see ``core.calendar.add_working_days``) after ``start``."""
    if working:
        return calendar.add_working_days(start, days)
    return start + timedelta(days=days)


def yellow_days() -> int:
    from dangjian.core.params import get

    from . import params

    return int(get(params.YELLOW_DAYS.key))


# ------------------------------------------------------------------ overdue: the one definition
#
# The rectifying side's lateness is judged when it asks for closure: an item whose closure was
# requested on or before its deadline is not overdue while the request stands (waiting for the
# verifier, or accepted), however long the verification takes. A returned item is judged again
# at its next request. Drafts, long-term items and items without a deadline are never overdue;
# closed items are no longer overdue (a late closure is the separate mark ``closed_late``).
# ``overdue_q`` (SQL) and ``days_overdue`` (Python) are the two forms of this one rule and are
# tested against each other on the same items.


def _request_standing(item, on: date) -> bool:
    requested = item.closure_requested_on
    return item.status in _REQUEST_STANDS and requested is not None and requested <= on


def judged_on(item, on: date) -> date:
    """The day the rectifying side's work is judged: its standing closure request, else ``on``."""
    return item.closure_requested_on if _request_standing(item, on) else on


def days_overdue(item, on: date) -> int:
    """Days the rectifying side was late on ``on`` (0 when not overdue)."""
    if item.status == "draft" or item.long_term or item.deadline is None:
        return 0
    if item.closed_on is not None and item.closed_on <= on:
        return 0
    if item.status == "closed" and item.closed_on is None:
        return 0
    return max(0, (judged_on(item, on) - item.deadline).days)


def is_overdue(item, on: date, *, beyond: int = 0) -> bool:
    """True when the item is overdue on ``on`` by more than ``beyond`` days."""
    return days_overdue(item, on) > beyond


def requested_in_time(item, on: date) -> bool:
    """True when a standing closure request was made on or before the deadline."""
    return (
        _request_standing(item, on)
        and item.deadline is not None
        and item.closure_requested_on <= item.deadline
    )


def is_closed_late(item) -> bool:
    """Closed with a closure request made after the deadline (set when the closure is verified)."""
    return bool(
        item.deadline
        and not item.long_term
        and item.closure_requested_on
        and item.closure_requested_on > item.deadline
    )


def _request_standing_q(on: date, p: str) -> Q:
    return Q(
        **{
            f"{p}status__in": _REQUEST_STANDS,
            f"{p}closure_requested_on__isnull": False,
            f"{p}closure_requested_on__lte": on,
        }
    )


def requested_in_time_q(on: date, *, prefix: str = "") -> Q:
    """SQL twin of ``requested_in_time``."""
    p = prefix
    return (
        _request_standing_q(on, p)
        & Q(**{f"{p}deadline__isnull": False})
        & Q(**{f"{p}closure_requested_on__lte": F(f"{p}deadline")})
    )


def overdue_q(on: date, *, beyond: int = 0, prefix: str = "") -> Q:
    """Items overdue on ``on`` by more than ``beyond`` days: the SQL twin of ``is_overdue``."""
    p = prefix
    base = (
        Q(**{f"{p}long_term": False, f"{p}deadline__isnull": False})
        & ~Q(**{f"{p}status": "draft"})
        # Not closed by ``on`` (a closure verified later still counts for an earlier day).
        & (
            Q(**{f"{p}closed_on__isnull": True}) & ~Q(**{f"{p}status": "closed"})
            | Q(**{f"{p}closed_on__gt": on})
        )
    )
    standing = _request_standing_q(on, p)
    late_request = standing & Q(
        **{f"{p}closure_requested_on__gt": F(f"{p}deadline") + timedelta(days=beyond)}
    )
    still_working = ~standing & Q(**{f"{p}deadline__lt": on - timedelta(days=beyond)})
    return base & (late_request | still_working)


def working_on_q(on: date, *, prefix: str = "") -> Q:
    """Items the rectifying side was working on, on ``on``: handed down by then, neither closed nor
    waiting on a closure request by then.

    Today it is the working states; for a past day (the daily job run for it, the demo's simulated
    months) a closure requested or verified later still counts as work in hand on that day.
    """
    p = prefix
    working = ("handed_down", "acknowledged", "rectifying", "returned")  # services.WORKING_STATES
    later = Q(**{f"{p}status__in": _REQUEST_STANDS, f"{p}closure_requested_on__gt": on})
    return (Q(**{f"{p}status__in": working}) | later) & Q(**{f"{p}issued_on__lte": on})


def days_overdue_expr(on: date, *, prefix: str = ""):
    """Days late as an SQL expression (a duration; meaningful for overdue items only)."""
    p = prefix
    judged = Case(
        When(_request_standing_q(on, p), then=F(f"{p}closure_requested_on")),
        default=Value(on),
        output_field=DateField(),
    )
    return ExpressionWrapper(judged - F(f"{p}deadline"), output_field=DurationField())


# ------------------------------------------------------------------ traffic lights


def light(item, today: date, *, yellow: int | None = None) -> str:
    """red (overdue) / green (closure requested in time, or due later) / yellow (due within N days,
    deadline day included) / none (drafts, closed, long-term, no deadline)."""
    if item.status in _NO_LIGHT_STATUSES or item.long_term or item.deadline is None:
        return NONE
    if is_overdue(item, today):
        return RED
    if requested_in_time(item, today):
        return GREEN
    yellow = yellow_days() if yellow is None else yellow
    if item.deadline <= today + timedelta(days=yellow):
        return YELLOW
    return GREEN


def light_q(which: str, today: date, *, yellow: int | None = None, prefix: str = "") -> Q:
    """A filter for items whose light is ``which`` (the SQL twin of ``light``)."""
    yellow = yellow_days() if yellow is None else yellow
    p = prefix
    has_light = Q(**{f"{p}long_term": False, f"{p}deadline__isnull": False}) & ~Q(
        **{f"{p}status__in": _NO_LIGHT_STATUSES}
    )
    red = overdue_q(today, prefix=p)
    in_time = requested_in_time_q(today, prefix=p)
    soon = Q(**{f"{p}deadline__lte": today + timedelta(days=yellow)})
    if which == RED:
        return has_light & red
    if which == YELLOW:
        return has_light & ~red & ~in_time & soon
    if which == GREEN:
        return has_light & ~red & (in_time | ~soon)
    if which == NONE:
        return ~has_light
    raise ValueError(which)


def light_case(today: date, *, yellow: int | None = None) -> Case:
    """An annotation expression giving each item's light as a string.

    The branches of ``light_q`` in order, each test once: a CASE takes the first branch that holds, so
    no branch repeats the negations of those before it (a third of the SQL to build and evaluate).
    """
    yellow = yellow_days() if yellow is None else yellow
    has_light = Q(long_term=False, deadline__isnull=False) & ~Q(status__in=_NO_LIGHT_STATUSES)
    return Case(
        When(~has_light, then=Value(NONE)),
        When(overdue_q(today), then=Value(RED)),
        When(requested_in_time_q(today), then=Value(GREEN)),
        When(deadline__lte=today + timedelta(days=yellow), then=Value(YELLOW)),
        default=Value(GREEN),
        output_field=CharField(),
    )
