"""Reads the ledger pages and the export need that ``selectors`` does not (yet) offer.

Kept apart from ``selectors.py`` (written alongside by the engine work) so the two never
hold two versions of one read; each function here is a candidate to move there.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Evidence, ExtensionRequest, Item, Progress, RollupSnapshot

S = Item.Status

# The status words offices publish in the 完成情况 column (DOMAIN.md §8).
CLOSED_WORD = "已整改销号"
NEARLY_DONE_WORD = "基本完成"
IN_PROGRESS_WORD = "正在推进"
LONG_TERM_WORD = "需长期坚持"
EXTENSION_WORD = "申请延期"
NOT_DONE_WORD = "未完成"
COMPLETION_WORDS = [CLOSED_WORD, NEARLY_DONE_WORD, IN_PROGRESS_WORD, LONG_TERM_WORD, EXTENSION_WORD, NOT_DONE_WORD]


def completion_word(item, today: date | None = None) -> str:
    """The published status word of an item (uses ``pending_extension`` when annotated)."""
    today = today or timezone.localdate()
    if item.status == S.CLOSED:
        return CLOSED_WORD
    if getattr(item, "pending_extension", False):
        return EXTENSION_WORD
    if item.long_term:
        return LONG_TERM_WORD
    if item.deadline is not None and item.deadline < today:
        return NOT_DONE_WORD
    if item.status == S.CLOSURE_REQUESTED:
        return NEARLY_DONE_WORD
    return IN_PROGRESS_WORD


def with_pending_extension(qs):
    return qs.annotate(
        pending_extension=Exists(ExtensionRequest.objects.filter(item=OuterRef("pk"), status=ExtensionRequest.Status.PENDING))
    )


def ledger_export_rows(qs):
    """The export's rows: joins, latest progress and pending extension annotated, evidence names prefetched.

    Two queries whatever the number of rows (items, evidence).
    """
    latest = Progress.objects.filter(item=OuterRef("pk")).order_by("-on", "-pk")
    from django.db.models import Prefetch

    return (
        with_pending_extension(qs.select_related("org"))
        .annotate(
            latest_on=Subquery(latest.values("on")[:1]),
            latest_text=Subquery(latest.values("text")[:1]),
            latest_percent=Subquery(latest.values("percent")[:1]),
        )
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.only("id", "item_id", "name").order_by("pk")))
        .order_by("item_list_id", "number", "pk")
    )


def list_rows(qs):
    """Lists with their item counts (handed down, closed, overdue) in the same query."""
    today = timezone.localdate()
    handed = ~Q(items__status=S.DRAFT)
    return qs.annotate(
        item_count=Count("items", filter=handed, distinct=True),
        closed_count=Count("items", filter=Q(items__status=S.CLOSED), distinct=True),
        overdue_count=Count(
            "items",
            filter=handed & ~Q(items__status=S.CLOSED) & Q(items__long_term=False, items__deadline__lt=today),
            distinct=True,
        ),
    )


def group_figures(items) -> list[tuple[str, int]]:
    """The roll-up of one group's items: total, closed, closed late, overdue (one query)."""
    today = timezone.localdate()
    values = items.aggregate(
        total=Count("pk"),
        closed=Count("pk", filter=Q(status=S.CLOSED)),
        closed_late=Count("pk", filter=Q(status=S.CLOSED, closed_late=True)),
        overdue=Count("pk", filter=Q(long_term=False, deadline__lt=today) & ~Q(status__in=[S.CLOSED, S.DRAFT])),
    )
    return [
        (_("Organisations"), values["total"]),
        (_("Closed"), values["closed"]),
        (_("Closed late"), values["closed_late"]),
        (_("Overdue"), values["overdue"]),
    ]


def snapshot_months(user) -> list[date]:
    """Months with saved figures the user may see, newest first (one query)."""
    return list(
        RollupSnapshot.objects.visible_to(user).order_by("-month").values_list("month", flat=True).distinct()[:36]
    )
