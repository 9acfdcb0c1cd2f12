"""Indicators of supervision and assessment (see ``core.indicators``): one definition of each figure."""

from __future__ import annotations

from datetime import datetime, time

from django.db.models import Avg, Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangjian.core.indicators import Indicator, Period, register, subtree_rollup

from .models import Venue, VenueKind, Visit, WeakOrg


def _span(period: Period) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(period.start, time.min, tzinfo=tz),
        datetime.combine(period.end, time.max, tzinfo=tz),
    )


def _visits(period: Period):
    return Visit.objects.filter(status=Visit.Status.SUBMITTED, visited_at__range=_span(period))


def inspection_score(orgs, period: Period) -> dict:
    rows = subtree_rollup(_visits(period), orgs, n=Count("pk"), avg=Avg("score"))
    return {pk: round(float(row["avg"]), 1) if row["n"] else None for pk, row in rows.items()}


def inspection_findings(orgs, period: Period) -> dict:
    rows = subtree_rollup(_visits(period), orgs, n=Sum("finding_count"))
    return {pk: row["n"] or 0 for pk, row in rows.items()}


def weak_orgs(orgs, period: Period) -> dict:
    flagged = WeakOrg.objects.filter(created_at__date__lte=period.end).filter(
        Q(lifted_on__isnull=True) | Q(lifted_on__gt=period.end)
    )
    rows = subtree_rollup(flagged, orgs, n=Count("pk"))
    return {pk: row["n"] or 0 for pk, row in rows.items()}


def venues_missing(orgs, period: Period) -> dict:
    rows = subtree_rollup(Venue.objects.filter(kind=VenueKind.NONE), orgs, n=Count("pk"))
    return {pk: row["n"] or 0 for pk, row in rows.items()}


INSPECTION_SCORE = register(
    Indicator(
        key="supervision.inspection_score",
        label=_("Inspection score"),
        description=_(
            "Average checklist score (out of 100) of the unannounced inspection visits handed down in the "
            "period, in the organisation and every organisation below it; none when nobody was visited."
        ),
        unit=_("points"),
        module="supervision",
        compute=inspection_score,
        decimals=1,
    )
)
INSPECTION_FINDINGS = register(
    Indicator(
        key="supervision.inspection_findings",
        label=_("Inspection findings"),
        description=_(
            "Problems found by the unannounced inspection visits handed down in the period, in the "
            "organisation and every organisation below it."
        ),
        unit=pgettext_lazy("unit", "problems"),
        module="supervision",
        compute=inspection_findings,
        higher_is_better=False,
    )
)
WEAK_ORGS = register(
    Indicator(
        key="supervision.weak_orgs",
        label=_("Weak organisations"),
        description=_(
            "Organisations flagged weak and lax (软弱涣散) by the end of the period whose flag was not "
            "lifted by then, in the subtree."
        ),
        unit=pgettext_lazy("unit", "organisations"),
        module="supervision",
        compute=weak_orgs,
        higher_is_better=False,
    )
)
VENUES_MISSING = register(
    Indicator(
        key="supervision.venues_missing",
        label=_("Branches without a venue"),
        description=_(
            "Village and enterprise branches recorded with no activity venue of their own or shared "
            "(the 清零 target), in the subtree, as recorded now."
        ),
        unit=pgettext_lazy("unit", "organisations"),
        module="supervision",
        compute=venues_missing,
        higher_is_better=False,
    )
)
