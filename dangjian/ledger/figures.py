"""The ledger's figures: one definition of each, named and explained in words.

The roll-up page, its export, the ranking, the pressure page, the API and the indicators
(``ledger.indicators``) all count through these filters and show these words, so a township
never reads two different rates for the same thing on one page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, F, Max, Q, Sum
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from dangjian.core.indicators import rate

from .deadlines import days_overdue_expr, overdue_q


def due_q(end: date, *, start: date | None = None, prefix: str = "") -> Q:
    """Items due for closure by ``end`` (应销号): judged on their deadline, or on their closure if earlier.

    An item with a deadline (never long-term, never a draft) is judged on the day it was closed when
    that came before the deadline, else on its deadline; it belongs to the period holding that day,
    so no item is judged twice and an item closed early is not left out.
    """
    p = prefix
    early = Q(**{f"{p}closed_on__isnull": False, f"{p}closed_on__lte": F(f"{p}deadline")})
    on_deadline = Q(**{f"{p}closed_on__isnull": True}) | Q(**{f"{p}closed_on__gt": F(f"{p}deadline")})
    in_period = {f"{p}closed_on__lte": end}
    by_deadline = {f"{p}deadline__lte": end}
    if start is not None:
        in_period[f"{p}closed_on__gte"] = start
        by_deadline[f"{p}deadline__gte"] = start
    base = Q(**{f"{p}long_term": False, f"{p}deadline__isnull": False}) & ~Q(**{f"{p}status": "draft"})
    return base & ((early & Q(**in_period)) | (on_deadline & Q(**by_deadline)))


def closed_on_time_q(end: date, *, prefix: str = "") -> Q:
    """Closed (verified) by ``end`` with the closure requested by the deadline (no late mark)."""
    p = prefix
    # A look-back that reopens an item clears ``closed_on``: no status test needed for past periods.
    return Q(**{f"{p}closed_on__isnull": False, f"{p}closed_on__lte": end, f"{p}closed_late": False})


def on_time_rate(due_on_time: int | None, due: int | None) -> float | None:
    """按期销号率 in per cent (one decimal), None when no deadline has fallen yet."""
    return rate(due_on_time, due)


def aggregates(today: date, *, prefix: str = "") -> dict:
    """The GROUP BY aggregates behind a roll-up row (every figure of ``FIGURES`` that is counted)."""
    p = prefix
    overdue = overdue_q(today, prefix=p)
    due = due_q(today, prefix=p)
    # ``closed_late`` last: once annotated, the name hides the model field from later filters.
    return {
        "total": Count("pk"),
        "closed": Count("pk", filter=Q(**{f"{p}status": "closed"})),
        "due": Count("pk", filter=due),
        "due_on_time": Count("pk", filter=due & closed_on_time_q(today, prefix=p)),
        "overdue": Count("pk", filter=overdue),
        "days_max": Max(days_overdue_expr(today, prefix=p), filter=overdue),
        "closed_late": Count("pk", filter=Q(**{f"{p}status": "closed", f"{p}closed_late": True})),
    }


@dataclass(frozen=True)
class Figure:
    """One column of the roll-up: its name and what it counts, in words."""

    key: str
    label: str | Promise
    definition: str | Promise


# Saved month figures (``RollupSnapshot``) summed over a subtree: the nightly ``RollupSubtree`` rows and a
# roll-up read from the saved rows (``selectors.snapshot_rollup``) both sum them so.
SAVED_SUMS = {
    "total": Sum("total"),
    "closed": Sum("closed"),
    "closed_late": Sum("closed_late"),
    "due": Sum("due"),
    "due_on_time": Sum("due_on_time"),
    "overdue": Sum("overdue"),
    "overdue_days_max": Max("overdue_days_max"),
}


FIGURES = (
    Figure(
        "total",
        _("Total items"),
        _("Items handed down to the organisation and every organisation below it (drafts never count)."),
    ),
    Figure("open", _("Not closed"), _("Items not yet closed (verified by the supervising side).")),
    Figure("closed", _("Closed"), _("Items whose closure the supervising side has verified (已整改销号).")),
    Figure(
        "closed_on_time",
        _("Closed on time"),
        _("Closed items whose closure was requested on or before the deadline."),
    ),
    Figure(
        "closed_late",
        _("Closed late"),
        _(
            "Closed items whose closure was requested after the deadline (the verifier's delay does not count)."
        ),
    ),
    Figure(
        "due",
        _("Due for closure"),
        _(
            "Items with a deadline (long-term items excluded) whose deadline has come, "
            "or which were closed before it."
        ),
    ),
    Figure(
        "on_time_rate",
        _("On-time closure rate"),
        _(
            "Of the items due for closure, the share closed on time (按期销号 ÷ 应销号). "
            "Nothing due yet: no figure (—)."
        ),
    ),
    Figure(
        "overdue",
        _("Overdue"),
        _(
            "Items not closed whose deadline passed without a closure request made by the deadline "
            "(an item asked in time is not overdue while it waits for verification)."
        ),
    ),
    Figure(
        "overdue_days_max",
        _("Longest overdue (days)"),
        _("The most days any overdue item is late, counted to today."),
    ),
)
FIGURE = {f.key: f for f in FIGURES}
