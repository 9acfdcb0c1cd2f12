"""Indicators of duty-report evaluation (see ``core.indicators``), for rankings and briefings.

Each counts the frozen results of the secretaries whose organisation lies in the subtree, in the
sessions evaluating a year within the period (the 2025 session, held in January 2026, counts for 2025).
"""

from __future__ import annotations

from django.db.models import Avg, Count, Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.indicators import Indicator, Period, rate, register, subtree_rollup

from .models import Grade, Result, ReviewSession


def _results(period: Period):
    return Result.objects.filter(
        reporter__session__status=ReviewSession.Status.CLOSED,
        reporter__session__year__range=(period.start.year, period.end.year),
    )


def good_rate(orgs, period: Period) -> dict:
    rows = subtree_rollup(
        _results(period).exclude(grade=""),
        orgs,
        path_field="reporter__org__path",
        graded=Count("pk"),
        good=Count("pk", filter=Q(grade=Grade.GOOD)),
    )
    return {pk: rate(row["good"], row["graded"]) for pk, row in rows.items()}


def average_total(orgs, period: Period) -> dict:
    rows = subtree_rollup(
        _results(period).exclude(total__isnull=True), orgs, path_field="reporter__org__path", avg=Avg("total")
    )
    return {pk: round(float(row["avg"]), 1) if row["avg"] is not None else None for pk, row in rows.items()}


register(
    Indicator(
        key="reviews.good_rate",
        label=_("Secretaries evaluated “Good”"),
        description=_(
            "Of the secretaries in the subtree evaluated at a duty-report session for the period's year "
            "(closed sessions, with an overall grade), the share graded “Good”."
        ),
        unit="%",
        module="reviews",
        compute=good_rate,
        decimals=1,
    )
)
register(
    Indicator(
        key="reviews.average_total",
        label=_("Average duty-report evaluation score"),
        description=_(
            "The average weighted total of the secretaries in the subtree evaluated at a duty-report "
            "session for the period's year (closed sessions; reporters without a total left out)."
        ),
        unit=_("points"),
        module="reviews",
        compute=average_total,
        decimals=1,
    )
)
