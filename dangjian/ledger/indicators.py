"""The ledger's indicators (see ``core.indicators``): one definition of each figure, used everywhere.

Every figure counts the items whose responsible organisation lies in the organisation's
subtree, drafts never included, as they stood at the end of the period.
"""

from __future__ import annotations

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.utils.translation import gettext_lazy as _

from dangjian.core.indicators import Indicator, Period, register, subtree_rollup

from .deadlines import overdue_q
from .figures import closed_on_time_q, due_q, on_time_rate
from .models import Escalation, Item

S = Item.Status


def _handed_down_by(period: Period):
    """Items handed down on or before the period's last day (drafts never count)."""
    return Item.objects.exclude(status=S.DRAFT).filter(issued_on__lte=period.end)


def _open_at_end(period: Period) -> Q:
    """Not closed at the end of the period (closed later, or not closed at all)."""
    return Q(closed_on__isnull=True) | Q(closed_on__gt=period.end)


def open_items(orgs, period: Period) -> dict:
    rows = subtree_rollup(_handed_down_by(period), orgs, n=Count("pk", filter=_open_at_end(period)))
    return {pk: row["n"] or 0 for pk, row in rows.items()}


def overdue_items(orgs, period: Period) -> dict:
    rows = subtree_rollup(_handed_down_by(period), orgs, n=Count("pk", filter=overdue_q(period.end)))
    return {pk: row["n"] or 0 for pk, row in rows.items()}


def closed_on_time_rate(orgs, period: Period) -> dict:
    """按期销号率 with ``figures``' definition, over the items due for closure in the period."""
    due = _handed_down_by(period).filter(due_q(period.end, start=period.start))
    on_time = closed_on_time_q(period.end)
    rows = subtree_rollup(due, orgs, due=Count("pk"), on_time=Count("pk", filter=on_time))
    return {pk: on_time_rate(row["on_time"], row["due"]) for pk, row in rows.items()}


def verification_days(orgs, period: Period) -> dict:
    verified = Item.objects.filter(
        status=S.CLOSED, closed_on__range=(period.start, period.end), closure_requested_on__isnull=False
    )
    waited = ExpressionWrapper(F("closed_on") - F("closure_requested_on"), output_field=DurationField())
    rows = subtree_rollup(verified, orgs, n=Count("pk"), days=Sum(waited))
    # Whole days between two dates: the duration's ``days`` is the sum.
    return {pk: round(row["days"].days / row["n"], 1) if row["n"] else None for pk, row in rows.items()}


def escalated_items(orgs, period: Period) -> dict:
    listed = Escalation.objects.filter(listed_on__range=(period.start, period.end))
    rows = subtree_rollup(listed, orgs, path_field="item__org__path", n=Count("item", distinct=True))
    return {pk: row["n"] or 0 for pk, row in rows.items()}


OPEN_ITEMS = register(
    Indicator(
        key="ledger.open_items",
        label=_("Open items"),
        description=_(
            "Items handed down by the end of the period and not closed (verified) by then, "
            "in the organisation and every organisation below it."
        ),
        unit=_("items"),
        module="ledger",
        compute=open_items,
        higher_is_better=False,
    )
)
OVERDUE_ITEMS = register(
    Indicator(
        key="ledger.overdue_items",
        label=_("Overdue items"),
        description=_(
            "Open items whose deadline had passed at the end of the period without a closure request made "
            "by the deadline (an item whose closure was requested in time is not overdue while it waits "
            "for verification; long-term items have no deadline and never count)."
        ),
        unit=_("items"),
        module="ledger",
        compute=overdue_items,
        higher_is_better=False,
    )
)
CLOSED_ON_TIME_RATE = register(
    Indicator(
        key="ledger.closed_on_time_rate",
        label=_("On-time closure rate"),
        description=_(
            "Of the items due for closure in the period (deadline in the period, or closed in it before "
            "the deadline), the share closed on time (closure requested by the deadline). "
            "No such items: no figure."
        ),
        unit=_("%"),
        module="ledger",
        compute=closed_on_time_rate,
        decimals=1,
    )
)
ESCALATED_ITEMS = register(
    Indicator(
        key="ledger.escalated_items",
        label=_("Escalated items"),
        description=_(
            "Items put on the escalation list (overdue beyond the allowed days) during the period."
        ),
        unit=_("items"),
        module="ledger",
        compute=escalated_items,
        higher_is_better=False,
    )
)
VERIFICATION_DAYS = register(
    Indicator(
        key="ledger.verification_days",
        label=_("Verification time"),
        description=_(
            "Average number of days from the closure request to its verification, over the items "
            "verified during the period (the supervising side's own delay, not counted against the "
            "rectifying side). No item verified: no figure."
        ),
        unit=_("days"),
        module="ledger",
        compute=verification_days,
        higher_is_better=False,
        decimals=1,
    )
)
