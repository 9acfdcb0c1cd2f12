"""Reads that shape the ledger pages, the roll-up, rankings, "my work" and exports.

Every function starts from ``visible_to(user)`` and runs a fixed number of queries,
whatever the number of items: counts are SQL GROUP BYs over the organisation path prefix
(``Substr(org__path, 1, depth * steplen)``), never Python loops over items.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Exists, Max, Min, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import scoping, workflow
from dangjian.core.caps import Cap
from dangjian.core.params import get as param
from dangjian.orgs.models import Organisation

from . import params
from .models import (
    Accountability,
    Escalation,
    Evidence,
    ExtensionRequest,
    Item,
    ItemGroup,
    ItemLink,
    Progress,
    Recheck,
    RollupSnapshot,
)
from .rules import VERIFY, separation_violated

S = Item.Status
STATUS_ORDER = [s for s in S.values if s != S.DRAFT]


# ------------------------------------------------------------------ the ledger (台账)


def ledger_rows(qs, *, today: date | None = None):
    """The ledger table's rows: related records joined, the light annotated (one query per page)."""
    return qs.select_related("org", "supervisor_org", "category", "item_list", "group").with_light(
        today or timezone.localdate()
    )


def item_for_page(user, pk: int) -> Item:
    """One item for its page, or 404 (missing and not yours alike)."""
    qs = Item.objects.select_related(
        "org",
        "supervisor_org",
        "category",
        "item_list",
        "item_list__org",
        "group",
        "person",
        "closed_by",
        "created_by",
    ).prefetch_related(
        *(
            scoping.restricted_prefetch(lookup, user, model.objects.all())
            for lookup, model in (
                ("progress_entries", Progress),
                ("progress_entries__files", Evidence),
                ("evidence", Evidence),
                ("extensions", ExtensionRequest),
                ("rechecks", Recheck),
                ("accountabilities", Accountability),
            )
        )
    )
    return scoping.get_for_user(qs, user, pk=pk)


def item_moves(item: Item, user) -> list[tuple[str, workflow.Transition]]:
    """The transitions to offer this user on the item page (verify/return hidden from the rectifying side)."""
    moves = [(to, rule) for to, rule in workflow.allowed_moves(item, user) if to != S.HANDED_DOWN]
    if any(to in (S.CLOSED, S.RETURNED) for to, _rule in moves) and (
        separation_violated(item, user) or not scoping.can(user, VERIFY, item.supervisor_org)
    ):
        moves = [(to, rule) for to, rule in moves if to not in (S.CLOSED, S.RETURNED)]
    if item.status == S.CLOSED:
        moves = []  # reopening happens only through a look-back
    return moves


# ------------------------------------------------------------------ roll-up (汇总)


@dataclass
class RollupRow:
    """The figures of one organisation's subtree."""

    org: Organisation
    total: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    closed: int = 0
    closed_on_time: int = 0
    closed_late: int = 0
    overdue: int = 0
    overdue_days_max: int = 0

    @property
    def open(self) -> int:
        return self.total - self.closed

    @property
    def on_time_rate(self) -> float | None:
        """Closed on time ÷ closed (None when nothing is closed yet)."""
        return self.closed_on_time / self.closed if self.closed else None

    @property
    def completion_rate(self) -> float | None:
        """Closed on time ÷ all items (the ranking score)."""
        return self.closed_on_time / self.total if self.total else None


def _overdue_q(today: date) -> Q:
    return Q(deadline__lt=today, long_term=False) & ~Q(status=S.CLOSED)


def _figures(today: date) -> dict:
    overdue = _overdue_q(today)
    return {
        "total": Count("pk"),
        **{f"s_{status}": Count("pk", filter=Q(status=status)) for status in STATUS_ORDER},
        "closed_late": Count("pk", filter=Q(status=S.CLOSED, closed_late=True)),
        "overdue": Count("pk", filter=overdue),
        "oldest": Min("deadline", filter=overdue),
    }


def _fill(row: RollupRow, values: dict, today: date) -> RollupRow:
    row.total = values["total"]
    row.by_status = {status: values[f"s_{status}"] for status in STATUS_ORDER}
    row.closed = row.by_status[S.CLOSED]
    row.closed_late = values["closed_late"]
    row.closed_on_time = row.closed - row.closed_late
    row.overdue = values["overdue"]
    row.overdue_days_max = (today - values["oldest"]).days if values["oldest"] else 0
    return row


def rollup(user, parent_org: Organisation, today: date | None = None) -> list[RollupRow]:
    """Per child organisation of ``parent_org`` (that the user may see): the subtree's figures.

    Two queries: one GROUP BY over the items by the path prefix of the child, one for the
    children themselves. Drafts are not counted. Children without items appear with zeros.
    """
    today = today or timezone.localdate()
    child_depth = parent_org.depth + 1
    prefix_len = child_depth * Organisation.steplen
    grouped = (
        Item.objects.visible_to(user)
        .handed_down()
        .filter(org__path__subtree=parent_org.path, org__depth__gte=child_depth)
        .annotate(branch=Substr("org__path", 1, prefix_len))
        .order_by()
        .values("branch")
        .annotate(**_figures(today))
    )
    by_branch = {row["branch"]: row for row in grouped}
    children = Organisation.objects.visible_to(user).filter(path__subtree=parent_org.path, depth=child_depth)
    rows = []
    for child in children.order_by("path"):
        values = by_branch.get(child.path)
        if values is None:
            if child.dissolved_on:
                continue
            rows.append(RollupRow(org=child, by_status=dict.fromkeys(STATUS_ORDER, 0)))
        else:
            rows.append(_fill(RollupRow(org=child), values, today))
    return rows


def rollup_totals(rows: list[RollupRow]) -> RollupRow | None:
    """The sum of roll-up rows (no query); ``org`` is None."""
    if not rows:
        return None
    total = RollupRow(org=None, by_status=dict.fromkeys(STATUS_ORDER, 0))
    for row in rows:
        total.total += row.total
        total.closed += row.closed
        total.closed_on_time += row.closed_on_time
        total.closed_late += row.closed_late
        total.overdue += row.overdue
        total.overdue_days_max = max(total.overdue_days_max, row.overdue_days_max)
        for status, n in row.by_status.items():
            total.by_status[status] = total.by_status.get(status, 0) + n
    return total


@dataclass
class LevelRow:
    """On-time closure by tree level (上热中温下凉: is pressure lost on the way down?)."""

    depth: int
    label: str
    total: int
    closed: int
    closed_on_time: int
    overdue: int

    @property
    def on_time_rate(self) -> float | None:
        return self.closed_on_time / self.closed if self.closed else None

    @property
    def overdue_rate(self) -> float | None:
        return self.overdue / self.total if self.total else None


def level_label(depth: int) -> str:
    return {1: _("County level"), 2: _("Township level"), 3: _("Village and branch level")}.get(
        depth, _("Level %(n)s") % {"n": depth}
    )


def rollup_by_level(user, today: date | None = None) -> list[LevelRow]:
    """On-time closure rate and overdue share of items by the depth of the responsible organisation (one query)."""
    today = today or timezone.localdate()
    rows = (
        Item.objects.visible_to(user)
        .handed_down()
        .order_by()
        .values("org__depth")
        .annotate(
            total=Count("pk"),
            closed=Count("pk", filter=Q(status=S.CLOSED)),
            late=Count("pk", filter=Q(status=S.CLOSED, closed_late=True)),
            overdue=Count("pk", filter=_overdue_q(today)),
        )
        .order_by("org__depth")
    )
    return [
        LevelRow(
            depth=r["org__depth"],
            label=level_label(r["org__depth"]),
            total=r["total"],
            closed=r["closed"],
            closed_on_time=r["closed"] - r["late"],
            overdue=r["overdue"],
        )
        for r in rows
    ]


@dataclass
class RankingRow:
    rank: int
    row: RollupRow

    @property
    def score(self) -> float:
        return self.row.completion_rate or 0.0


def ranking_method(minimum: int | None = None) -> str:
    """How the ranking is made, shown above it (so nobody has to guess)."""
    minimum = int(param(params.RANKING_MIN_ITEMS.key)) if minimum is None else minimum
    return _(
        "Ranked by the on-time completion rate (items closed on time ÷ all items handed down), highest first; "
        "ties go to fewer overdue items, then to fewer items closed late. "
        "Organisations with fewer than %(n)s items are not ranked."
    ) % {"n": minimum}


def ranking(user, parent_org: Organisation, today: date | None = None) -> tuple[list[RankingRow], str]:
    """Child organisations ranked by on-time completion; those with too few items left out. Returns (rows, method)."""
    minimum = int(param(params.RANKING_MIN_ITEMS.key))
    rows = [r for r in rollup(user, parent_org, today) if r.total >= minimum]
    rows.sort(key=lambda r: (-(r.completion_rate or 0.0), r.overdue, r.closed_late, r.org.path))
    ranked: list[RankingRow] = []
    for i, row in enumerate(rows):
        prev = ranked[-1] if ranked else None
        same = prev is not None and (prev.row.completion_rate, prev.row.overdue, prev.row.closed_late) == (
            row.completion_rate,
            row.overdue,
            row.closed_late,
        )
        ranked.append(RankingRow(rank=prev.rank if same else i + 1, row=row))
    return ranked, ranking_method(minimum)


# ------------------------------------------------------------------ my work (我的待办)


@dataclass
class MyWork:
    """Querysets (not yet evaluated) for the home page block."""

    waiting: object  # items waiting for my action (acknowledge, measures, returned, closure to verify)
    due_soon: object
    overdue: object
    returned: object


def _rectify_q(user) -> Q:
    return scoping.get_scope(user).q("org__", cap=Cap.RECTIFY)


def _verify_q(user) -> Q:
    q = scoping.get_scope(user).q("supervisor_org__", cap=Cap.VERIFY)
    if int(param(params.SEPARATION_OF_DUTIES.key)):
        own = [g.org_id for g in scoping.get_scope(user).grants]
        if own:
            q &= ~Q(org_id__in=own)
    return q


def my_work(user, today: date | None = None) -> MyWork:
    """What needs the user: items to act on, due soon (yellow), overdue (red), returned."""
    today = today or timezone.localdate()
    base = Item.objects.visible_to(user).select_related("org", "supervisor_org", "item_list")
    rectify = _rectify_q(user)
    waiting = base.filter(
        (rectify & Q(status__in=[S.HANDED_DOWN, S.ACKNOWLEDGED, S.RETURNED]))
        | (_verify_q(user) & Q(status=S.CLOSURE_REQUESTED))
    ).order_by("deadline", "pk")
    soon = today + timedelta(days=int(param(params.YELLOW_DAYS.key)))
    mine = base.filter(rectify).open().filter(long_term=False)
    return MyWork(
        waiting=waiting,
        due_soon=mine.filter(deadline__gte=today, deadline__lte=soon)
        .exclude(status=S.CLOSURE_REQUESTED)
        .order_by("deadline", "pk"),
        overdue=mine.filter(deadline__lt=today).order_by("deadline", "pk"),
        returned=base.filter(rectify, status=S.RETURNED).order_by("deadline", "pk"),
    )


def my_work_counts(user, today: date | None = None) -> dict[str, int]:
    """The four counts of ``my_work`` in one query."""
    today = today or timezone.localdate()
    soon = today + timedelta(days=int(param(params.YELLOW_DAYS.key)))
    rectify = _rectify_q(user)
    open_mine = rectify & Q(long_term=False) & ~Q(status__in=[S.DRAFT, S.CLOSED])
    return Item.objects.visible_to(user).aggregate(
        waiting=Count(
            "pk",
            filter=(rectify & Q(status__in=[S.HANDED_DOWN, S.ACKNOWLEDGED, S.RETURNED]))
            | (_verify_q(user) & Q(status=S.CLOSURE_REQUESTED)),
        ),
        due_soon=Count(
            "pk",
            filter=open_mine & Q(deadline__gte=today, deadline__lte=soon) & ~Q(status=S.CLOSURE_REQUESTED),
        ),
        overdue=Count("pk", filter=open_mine & Q(deadline__lt=today)),
        returned=Count("pk", filter=rectify & Q(status=S.RETURNED)),
    )


# ------------------------------------------------------------------ ageing, escalation, snapshots

AGEING_BUCKETS = ((1, 7), (8, 30), (31, 90), (91, None))


def ageing_label(low: int, high: int | None) -> str:
    if high is None:
        return _("More than %(n)s days") % {"n": low - 1}
    return _("%(low)s–%(high)s days") % {"low": low, "high": high}


def ageing(user, today: date | None = None) -> list[tuple[str, int]]:
    """Overdue items bucketed by days overdue (1–7, 8–30, 31–90, >90), one query."""
    today = today or timezone.localdate()
    counts = {}
    for low, high in AGEING_BUCKETS:
        q = Q(deadline__lte=today - timedelta(days=low))
        if high is not None:
            q &= Q(deadline__gte=today - timedelta(days=high))
        counts[f"b{low}"] = Count("pk", filter=q)
    values = Item.objects.visible_to(user).overdue(today).aggregate(**counts)
    return [(ageing_label(low, high), values[f"b{low}"]) for low, high in AGEING_BUCKETS]


def escalation_rows(user, *, include_resolved: bool = False):
    """The escalation list (督办): overdue items with whether an interview and accountability are recorded."""
    qs = Escalation.objects.visible_to(user)
    if not include_resolved:
        qs = qs.filter(resolved_on__isnull=True)
    return (
        qs.select_related("item", "item__org", "item__supervisor_org", "item__item_list")
        .annotate(
            interviews=Count(
                "item__links", filter=Q(item__links__kind=ItemLink.Kind.INTERVIEW), distinct=True
            ),
            accountabilities=Count("item__accountabilities", distinct=True),
        )
        .order_by("deadline", "pk")
    )


def snapshot_rows(user, month: date):
    """The saved month-end figures of the organisations the user may see, in tree order."""
    return (
        RollupSnapshot.objects.visible_to(user)
        .filter(month=month.replace(day=1))
        .select_related("org", "parent")
        .order_by("org__path")
    )


def snapshot_rollup(user, parent_org: Organisation, month: date) -> list[RollupRow]:
    """A past month's roll-up per child organisation, summed from the saved snapshots (two queries)."""
    child_depth = parent_org.depth + 1
    grouped = (
        RollupSnapshot.objects.visible_to(user)
        .filter(month=month.replace(day=1), org__path__subtree=parent_org.path, org__depth__gte=child_depth)
        .annotate(branch=Substr("org__path", 1, child_depth * Organisation.steplen))
        .order_by()
        .values("branch")
        .annotate(
            total=Sum("total"),
            closed=Sum("closed"),
            closed_late=Sum("closed_late"),
            overdue=Sum("overdue"),
            days=Max("overdue_days_max"),
        )
    )
    by_branch = {row["branch"]: row for row in grouped}
    rows = []
    for child in Organisation.objects.visible_to(user).filter(
        path__subtree=parent_org.path, depth=child_depth
    ):
        v = by_branch.get(child.path)
        if v is None:
            continue
        rows.append(
            RollupRow(
                org=child,
                total=v["total"],
                closed=v["closed"],
                closed_late=v["closed_late"],
                closed_on_time=v["closed"] - v["closed_late"],
                overdue=v["overdue"],
                overdue_days_max=v["days"] or 0,
            )
        )
    return rows


# ------------------------------------------------------------------ ledger pages and export

# The status words offices publish in the 完成情况 column (DOMAIN.md §8).
CLOSED_WORD = "已整改销号"
NEARLY_DONE_WORD = "基本完成"
IN_PROGRESS_WORD = "正在推进"
LONG_TERM_WORD = "需长期坚持"
EXTENSION_WORD = "申请延期"
NOT_DONE_WORD = "未完成"
COMPLETION_WORDS = [
    CLOSED_WORD,
    NEARLY_DONE_WORD,
    IN_PROGRESS_WORD,
    LONG_TERM_WORD,
    EXTENSION_WORD,
    NOT_DONE_WORD,
]


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
        pending_extension=Exists(
            ExtensionRequest.objects.filter(item=OuterRef("pk"), status=ExtensionRequest.Status.PENDING)
        )
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
        .prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.only("id", "item_id", "name").order_by("pk"))
        )
        .order_by("item_list_id", "number", "pk")
    )


def list_rows(qs, *, user):
    """Lists with the counts of their items visible to ``user`` (handed down, closed, overdue), in one query.

    Counted over the visible items only: a receiver learns nothing of its siblings' items, a plain
    member nothing of the branch's (docs/personal-data.md).
    """
    today = timezone.localdate()
    handed = ~Q(items__status=S.DRAFT) & Q(items__in=Item.objects.visible_to(user).values("pk"))
    return qs.annotate(
        item_count=Count("items", filter=handed, distinct=True),
        closed_count=Count("items", filter=handed & Q(items__status=S.CLOSED), distinct=True),
        overdue_count=Count(
            "items",
            filter=handed & ~Q(items__status=S.CLOSED) & Q(items__long_term=False, items__deadline__lt=today),
            distinct=True,
        ),
    )


def list_groups(user, item_list):
    """The groups of a list the user may open (a village sharing a county list sees none of the others')."""
    return ItemGroup.objects.visible_to(user).filter(item_list=item_list).order_by("pk")


def group_figures(items) -> list[tuple[str, int]]:
    """The roll-up of one group's items: total, closed, closed late, overdue (one query)."""
    today = timezone.localdate()
    values = items.aggregate(
        total=Count("pk"),
        closed=Count("pk", filter=Q(status=S.CLOSED)),
        closed_late=Count("pk", filter=Q(status=S.CLOSED, closed_late=True)),
        overdue=Count(
            "pk", filter=Q(long_term=False, deadline__lt=today) & ~Q(status__in=[S.CLOSED, S.DRAFT])
        ),
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
        RollupSnapshot.objects.visible_to(user)
        .order_by("-month")
        .values_list("month", flat=True)
        .distinct()[:36]
    )


# ------------------------------------------------------------------ the closure record (销号审批表)


def item_closure_record(item: Item) -> dict:
    """The fields of the ``ledger.item_closure`` Word document for one item (two queries)."""
    progress = [
        {"on": p.on, "text": p.text, "percent": p.percent}
        for p in Progress.objects.filter(item=item).order_by("on", "pk")
    ]
    return {
        "list_title": item.item_list.title,
        "issuing_org": item.item_list.org.name,
        "number": item.number,
        "title": item.title,
        "description": item.description,
        "org": item.org.name,
        "responsible_leader": item.responsible_leader,
        "responsible_person": item.responsible_person,
        "supervisor_org": item.supervisor_org.name,
        "issued_on": item.issued_on,
        "deadline": _("Long-term") if item.long_term else item.deadline,
        "measures": item.measures,
        "progress": progress,
        "evidence": [e.name for e in Evidence.objects.filter(item=item).order_by("uploaded_at", "pk")],
        "closure_requested_on": item.closure_requested_on,
        "closed_on": item.closed_on,
        "verifier": str(item.closed_by) if item.closed_by_id else "",
        "printed_on": timezone.localdate(),
    }
