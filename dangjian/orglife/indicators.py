"""Indicators of organisational life (see ``core.indicators``): one definition of each figure, used by the
indicators page, rankings and supervision alike."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.indicators import Indicator, Period, rate, register, shared, subtree_rollup
from dangjian.orgs.models import Person

from . import selectors


def _rollup(orgs, period: Period):
    """The meetings' roll-up both figures read, worked out once for both in the daily run's record."""
    key = ("orglife.rollup", tuple(o.pk for o in orgs), period.start, period.end)
    return shared(key, lambda: selectors.rollup(orgs, period.start, period.end))


def meeting_completion_rate(orgs, period: Period) -> dict:
    """Periods met ÷ periods decided, over every branch in each subtree (two queries in all)."""
    return {row.org.pk: row.rate for row in _rollup(orgs, period)}


def compliant_branches(orgs, period: Period) -> dict:
    return {row.org.pk: rate(row.compliant_branches, row.branches) for row in _rollup(orgs, period)}


def training_coverage_rate(orgs, period: Period) -> dict:
    """Members whose training hours in the period reach the target (pro rata by month) ÷ members."""
    target = selectors.hours_target(period.start, period.end)
    members = Person.objects.members().annotate(hours=selectors.hours_subquery(period.start, period.end))
    rows = subtree_rollup(members, orgs, n=Count("pk"), reached=Count("pk", filter=Q(hours__gte=target)))
    return {pk: rate(row["reached"], row["n"]) for pk, row in rows.items()}


MEETING_COMPLETION_RATE = register(
    Indicator(
        key="orglife.meeting_completion_rate",
        label=_("Meeting completion rate"),
        description=_(
            "Of the meetings the frequency rules required of the branches (每个支部、每种会议、每个周期) in periods "
            "ending within the period, the share held as often as required. Periods not yet ended and still "
            "owed are not judged; a branch founded during a period owes from the next one."
        ),
        unit=_("%"),
        module="orglife",
        compute=meeting_completion_rate,
        decimals=1,
    )
)
COMPLIANT_BRANCHES = register(
    Indicator(
        key="orglife.compliant_branches",
        label=_("Branches meeting every rule"),
        description=_(
            "Share of the branches that held every required meeting in the periods ending within the period."
        ),
        unit=_("%"),
        module="orglife",
        compute=compliant_branches,
        decimals=1,
    )
)
TRAINING_COVERAGE_RATE = register(
    Indicator(
        key="orglife.training_coverage_rate",
        label=_("Training coverage"),
        description=_(
            "Share of the party members on the roll whose training hours in the period reach the yearly hours of the "
            "“every party member” training target (32 by default), pro rata for periods shorter than a year."
        ),
        unit=_("%"),
        module="orglife",
        compute=training_coverage_rate,
        decimals=1,
    )
)
