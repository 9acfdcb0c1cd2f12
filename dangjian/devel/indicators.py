"""The development module's indicators: how many were admitted, and the structure the departments watch.

Every figure counts the files of the organisation's subtree whose admission (the higher committee's
approval, step 17) falls in the period.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangjian.core.indicators import Indicator, Period, rate, register, subtree_rollup
from dangjian.orgs.models import Education, Job, Sex

from .models import DevelopmentFile

COLLEGE = [Education.POSTGRADUATE, Education.BACHELOR, Education.COLLEGE]


def _admitted(period: Period):
    return DevelopmentFile.objects.filter(admitted_on__range=(period.start, period.end))


def admitted(orgs, period: Period) -> dict:
    rows = subtree_rollup(_admitted(period), orgs, n=Count("pk"))
    return {pk: row["n"] or 0 for pk, row in rows.items()}


def _share(condition):
    def compute(orgs, period: Period) -> dict:
        q = condition(period) if callable(condition) else condition
        rows = subtree_rollup(_admitted(period), orgs, n=Count("pk"), k=Count("pk", filter=q))
        return {pk: rate(row["k"], row["n"]) for pk, row in rows.items()}

    return compute


def _young(period: Period) -> Q:
    # Under 35 at the end of the period: born after the same day 35 years earlier.
    end = period.end
    return Q(
        person__birth_date__gt=date(end.year - 35, end.month, min(end.day, 28) if end.month == 2 else end.day)
    )


women_share = _share(Q(person__sex=Sex.FEMALE))
young_share = _share(_young)
college_share = _share(Q(person__education__in=COLLEGE))
farmer_worker_share = _share(Q(person__job__in=[Job.FARMER, Job.WORKER]))

M = "devel"
register(
    Indicator(
        "devel.admitted",
        _("Members admitted"),
        _("Applicants admitted as probationary members (step 17 approved) in the period."),
        pgettext_lazy("unit", "people"),
        M,
        admitted,
    )
)
register(
    Indicator(
        "devel.women_share",
        _("Women among those admitted"),
        _("Share of women among the members admitted in the period."),
        "%",
        M,
        women_share,
        decimals=1,
    )
)
register(
    Indicator(
        "devel.young_share",
        _("Under 35 among those admitted"),
        _("Share of those under 35 at the end of the period among the members admitted in it."),
        "%",
        M,
        young_share,
        decimals=1,
    )
)
register(
    Indicator(
        "devel.college_share",
        _("College-educated among those admitted"),
        _("Share of those with junior college education or above among the members admitted in the period."),
        "%",
        M,
        college_share,
        decimals=1,
    )
)
register(
    Indicator(
        "devel.farmer_worker_share",
        _("Farmers and workers among those admitted"),
        _("Share of farmers and workers among the members admitted in the period."),
        "%",
        M,
        farmer_worker_share,
        decimals=1,
    )
)
