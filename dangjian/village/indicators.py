"""Village governance's figures (see ``core.indicators``), per village, township or county subtree."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.core.indicators import Indicator, Period, rate, register, subtree_rollup

from .models import FirstSecretaryPosting, GridMatter, Leave, MajorMatterReport
from .selectors import duty_counts, presence

STEPLEN = 4


def _roll(orgs, per_path: dict[str, dict]) -> dict[int, dict]:
    """Sum per-village counts into each asked organisation's subtree."""
    result = {}
    for org in orgs:
        total: dict = {}
        for path, counts in per_path.items():
            if path.startswith(org.path):
                for k, v in counts.items():
                    total[k] = total.get(k, 0) + v
        result[org.pk] = total
    return result


def duty_compliance(orgs, period: Period) -> dict:
    orgs = list(orgs)
    per_village = duty_counts([o.path for o in orgs], period.start, period.end)
    return {pk: rate(c.get("checked"), c.get("due")) for pk, c in _roll(orgs, per_village).items()}


def unreturned_leave(orgs, period: Period) -> dict:
    """Approved leave ended before the period's end and not returned from (销假) — as the records stand."""
    qs = Leave.objects.filter(status=Leave.Status.APPROVED, ends_on__lt=min(period.end, timezone.localdate()))
    rows = subtree_rollup(qs, orgs, n=Count("pk"))
    return {pk: row["n"] or 0 for pk, row in rows.items()}


def late_reports(orgs, period: Period) -> dict:
    qs = MajorMatterReport.objects.filter(late=True, filed_on__range=(period.start, period.end))
    rows = subtree_rollup(qs, orgs, n=Count("pk"))
    return {pk: row["n"] or 0 for pk, row in rows.items()}


def _months(period: Period) -> list[tuple[int, int]]:
    months, day = [], period.start.replace(day=1)
    while day <= period.end:
        months.append((day.year, day.month))
        day = (day + timedelta(days=32)).replace(day=1)
    return months


def first_secretary_short_months(orgs, period: Period) -> dict:
    """Whole months of the period in which a first secretary was on post fewer days than the minimum."""
    orgs = list(orgs)
    where = Q(pk__in=[])
    for org in orgs:
        where |= Q(org__path__subtree=org.path)
    postings = list(
        FirstSecretaryPosting.objects.filter(where)
        .filter(started_on__lte=period.end)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=period.start))
        .select_related("org")
    )
    months = presence(postings, _months(period))
    per_path: dict[str, dict] = {}
    for posting in postings:
        short = sum(1 for m in months.get(posting.pk, ()) if m.short)
        counts = per_path.setdefault(posting.org.path, {"n": 0})
        counts["n"] += short
    return {pk: c.get("n", 0) for pk, c in _roll(orgs, per_path).items()}


def grid_on_time_rate(orgs, period: Period) -> dict:
    resolved = GridMatter.objects.filter(resolved_on__range=(period.start, period.end))
    rows = subtree_rollup(
        resolved, orgs, done=Count("pk"), on_time=Count("pk", filter=Q(resolved_on__lte=F("resolve_by")))
    )
    return {pk: rate(row["on_time"], row["done"]) for pk, row in rows.items()}


MODULE = "village"

register(
    Indicator(
        "village.duty_compliance",
        _("Duty compliance"),
        _(
            "Check-ins as a share of the cadres' duty slots in the period (office hours on working days by the "
            "weekday rota, holiday duty on statutory holidays); slots on approved leave are not counted."
        ),
        "%",
        MODULE,
        duty_compliance,
        decimals=1,
    )
)
register(
    Indicator(
        "village.unreturned_leave",
        _("Unreturned leave"),
        _("Approved leave of village cadres whose end has passed without the return recorded (销假)."),
        _("requests"),
        MODULE,
        unreturned_leave,
        higher_is_better=False,
    )
)
register(
    Indicator(
        "village.late_reports",
        _("Late major-matter reports"),
        _(
            "Major-matter reports filed in the period after the matter (emergencies: more than the "
            "configured days after it)."
        ),
        _("reports"),
        MODULE,
        late_reports,
        higher_is_better=False,
    )
)
register(
    Indicator(
        "village.first_secretary_short_months",
        _("First secretaries' months under the minimum"),
        _(
            "Whole months of the period in which a first secretary checked in at the village on fewer days "
            "than the configured minimum (到岗到位)."
        ),
        _("months"),
        MODULE,
        first_secretary_short_months,
        higher_is_better=False,
    )
)
register(
    Indicator(
        "village.grid_on_time_rate",
        _("Grid matters resolved on time"),
        _(
            "Grid matters handled in the period within their category's time limit, as a share of all handled."
        ),
        "%",
        MODULE,
        grid_on_time_rate,
        decimals=1,
    )
)
