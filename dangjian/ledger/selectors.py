"""Reads that shape the ledger pages, the roll-up, rankings, "my work" and exports.

Every function starts from ``visible_to(user)`` and runs a fixed number of queries,
whatever the number of items: counts are SQL GROUP BYs over the organisation path prefix
(``Substr(org__path, 1, depth * steplen)``), never Python loops over items.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import reduce
from operator import or_

from django.conf import settings
from django.db import router
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber, Substr
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from dangjian.core import scoping, workflow
from dangjian.core.caps import Cap
from dangjian.core.indicators import rate
from dangjian.core.params import get as param
from dangjian.core.params import version as params_version
from dangjian.core.prepared import aggregated, counted, fits_column, kept, prefetched
from dangjian.orgs.models import Organisation

from . import deadlines, figures, params
from .deadlines import is_overdue, overdue_q
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
from .rules import RECTIFIER, SIDE_PATHS, SUPERVISOR, rectified_by_q

S = Item.Status
STATUS_ORDER = [s for s in S.values if s != S.DRAFT]


# ------------------------------------------------------------------ the ledger (台账)


def ledger_rows(qs, *, today: date | None = None):
    """The ledger table's rows: related records joined, the light and pending extension annotated
    (one query per page), so each row shows its published word beside its state."""
    return with_pending_extension(
        qs.select_related("org", "supervisor_org", "category", "item_list", "group")
    ).with_light(today or timezone.localdate())


_ITEM_PAGE_SETS = (
    ("extensions", ExtensionRequest, ()),
    ("rechecks", Recheck, ()),
    ("accountabilities", Accountability, ("target_org",)),
)
_ITEM_PLACEHOLDER = -7_304_184  # an id no item has, found once among the compiled SQL's parameters
_ITEM_PLACEHOLDERS = (
    _ITEM_PLACEHOLDER,
    -7_304_185,
    -7_304_186,
    -7_304_187,
)  # one item's id, asked four times

# Progress entries and evidence files an item's page shows before "show all" (the latest first): an item
# followed for months, hundreds of entries long, opens as quickly as a new one.
PROGRESS_SHOWN = 20


def _progress_query(user, shown: int | None):
    """The item's entries the user may see, the latest first, with their authors; with ``shown``, the
    latest ``shown`` and, on each, how many there are in all."""

    def build(item_pk):
        entries = Progress.objects.select_related("actor").visible_to(user).filter(item_id=item_pk)
        if shown is None:
            return entries
        return entries.annotate(total=Window(Count("pk"))).order_by("-on", "-pk")[:shown]

    return build


def _evidence_query(user, shown: int | None):
    """The item's files the user may see; with ``shown``, only those of the latest ``shown`` entries and the
    latest ``shown`` files, each with how many files there are in all."""

    def build(item_pk, entries_of=None, files_of=None, counted_of=None):
        files = Evidence.objects.visible_to(user)
        if shown is None:
            return files.filter(item_id=item_pk)
        entries = Progress.objects.visible_to(user).filter(item_id=entries_of).order_by("-on", "-pk")
        latest = files.filter(item_id=files_of).order_by("-uploaded_at", "-pk")
        counted = files.filter(item_id=counted_of).order_by().values("item_id").annotate(n=Count("pk"))
        return (
            files.filter(item_id=item_pk)
            .filter(Q(progress_id__in=entries.values("pk")[:shown]) | Q(pk__in=latest.values("pk")[:shown]))
            .annotate(total=Subquery(counted.values("n")))
        )

    return build


def _item_page_query(user, pk: int):
    return (
        Item.objects.select_related(
            "org",
            "supervisor_org",
            "category",
            "item_list",
            "item_list__org",
            "group",
            "person",
            "closed_by",
            "created_by",
            "proxy_by",
        )
        .visible_to(user)
        .filter(pk=pk)
    )


def item_for_page(user, pk: int, *, show_all: bool = False) -> Item:
    """One item for its page, or 404 (missing and not yours alike).

    A fixed number of queries however many entries it has: each related set is fetched once
    (scoped), progress entries with their author, and each entry's files (``progress.evidence_files``)
    are taken from the item's evidence list rather than fetched entry by entry. Unless ``show_all``, only
    the latest ``PROGRESS_SHOWN`` entries are read, with their files and the latest ``PROGRESS_SHOWN``
    files; ``item.progress_total`` and ``item.evidence_total`` say how many there are, ``item.files_shown``
    is the files block (in the order they came).
    """
    # The item with ten related records and its five scoped related sets cost more to build and compile
    # than to run: compiled once per user and scope (``kept``), the id put in; the rows are read afresh.
    item_query = kept(
        ("ledger.item_page", user.pk, scoping.get_scope(user)),
        lambda item_pk: _item_page_query(user, item_pk),
        _ITEM_PLACEHOLDER,
        plan_once=True,  # by the item's id (the scope written into the SQL): one plan for every item
    )
    alias = router.db_for_read(Item)
    found = item_query.objects(pk, using=alias) if fits_column(Item._meta.pk, pk, alias) else []
    if not found:
        raise Http404  # missing and not yours alike
    item = found[0]
    # Each related set as the user may see it (scoped as ``restricted_prefetch`` would), compiled once too.
    scope = scoping.get_scope(user)
    for name, model, related in _ITEM_PAGE_SETS:
        rows = kept(
            ("ledger.item_page", name, user.pk, scope),
            lambda item_pk, model=model, related=related: (
                model.objects.select_related(*related).visible_to(user).filter(item_id=item_pk)
            ),
            _ITEM_PLACEHOLDER,
            plan_once=True,
        ).objects(item.pk, using=alias)
        prefetched(item, name, rows)
    shown = None if show_all else PROGRESS_SHOWN
    entries = kept(
        ("ledger.item_page", "progress", shown, user.pk, scope),
        _progress_query(user, shown),
        _ITEM_PLACEHOLDER,
        plan_once=True,
    ).objects(item.pk, using=alias)
    asked = _ITEM_PLACEHOLDERS if shown else _ITEM_PLACEHOLDERS[:1]  # the item's id, once per time asked
    evidence = kept(
        ("ledger.item_page", "evidence", shown, user.pk, scope),
        _evidence_query(user, shown),
        *asked,
        plan_once=True,
    ).objects(*[item.pk] * len(asked), using=alias)
    prefetched(item, "progress_entries", entries)
    prefetched(item, "evidence", evidence)
    item.progress_total = entries[0].total if shown and entries else len(entries)
    item.evidence_total = evidence[0].total if shown and evidence else len(evidence)
    # The files block: in the order they came, the latest ``shown`` (the files of the entries shown may be
    # older; they are shown under their entries).
    in_order = sorted(evidence, key=lambda f: (f.uploaded_at, f.pk))
    item.files_shown = in_order if shown is None else in_order[-shown:]
    files: dict[int, list[Evidence]] = {}
    for file in evidence:
        if file.progress_id is not None:
            files.setdefault(file.progress_id, []).append(file)
    for entry in entries:
        entry.evidence_files = files.get(entry.pk, [])
    return item


def item_moves(item: Item, user) -> list[tuple[str, workflow.Transition]]:
    """The transitions to offer this user on the item page.

    ``allowed_moves`` checks each move's right at its side's organisation and hides the
    supervising moves from whoever rectified the item. Handing down happens with the list,
    reopening only through a look-back.
    """
    if item.status == S.CLOSED:
        return []
    return [(to, rule) for to, rule in workflow.allowed_moves(item, user) if to != S.HANDED_DOWN]


def last_return_note(item: Item) -> str:
    """The reason the supervising side gave when it last returned the item (one query)."""
    from django.contrib.contenttypes.models import ContentType

    from dangjian.core.models import StatusChange

    step = (
        StatusChange.objects.filter(
            content_type=ContentType.objects.get_for_model(Item), object_id=item.pk, new=S.RETURNED
        )
        .order_by("-at", "-pk")
        .first()
    )
    return step.note if step is not None else ""


def verification_days(item: Item) -> int | None:
    """核验用时: days from the closure request to its verification (the verifier's own delay)."""
    if item.status != S.CLOSED or not item.closed_on or not item.closure_requested_on:
        return None
    return (item.closed_on - item.closure_requested_on).days


# ------------------------------------------------------------------ roll-up (汇总)


@dataclass
class RollupRow:
    """The figures of one organisation's subtree (each defined once, in ``figures.FIGURES``)."""

    org: Organisation | None
    total: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    by_word: dict[str, int] = field(default_factory=dict)  # the published status words (DOMAIN.md §8)
    closed: int = 0
    closed_late: int = 0
    due: int = 0
    due_on_time: int = 0
    overdue: int = 0
    overdue_days_max: int = 0

    @property
    def open(self) -> int:
        return self.total - self.closed

    @property
    def closed_on_time(self) -> int:
        return self.closed - self.closed_late

    @property
    def on_time_rate(self) -> float | None:
        """按期销号率 in per cent: closed on time ÷ due for closure (None when nothing is due)."""
        return figures.on_time_rate(self.due_on_time, self.due)

    def value(self, key: str):
        """The figure ``key`` of ``figures.FIGURES``."""
        return getattr(self, key)


def _figures(today: date) -> dict:
    return {
        **figures.aggregates(today),
        **{f"s_{status}": Count("pk", filter=Q(status=status)) for status in STATUS_ORDER},
        **{
            f"w_{i}": Count("pk", filter=completion_q(word, today)) for i, word in enumerate(COMPLETION_WORDS)
        },
    }


def _fill(row: RollupRow, values: dict, today: date) -> RollupRow:
    row.total = values["total"]
    if "s_" + STATUS_ORDER[0] in values:  # a roll-up without detail counts no statuses nor words
        row.by_status = {status: values[f"s_{status}"] for status in STATUS_ORDER}
        row.by_word = {word: values[f"w_{i}"] for i, word in enumerate(COMPLETION_WORDS)}
    row.closed = values["closed"]
    row.closed_late = values["closed_late"]
    row.due = values["due"]
    row.due_on_time = values["due_on_time"]
    row.overdue = values["overdue"]
    row.overdue_days_max = values["days_max"].days if values["days_max"] else 0
    return row


def rollup_root(user, org_id=None) -> Organisation | None:
    """The organisation whose children a roll-up compares: ``org_id`` (404 when not mine), else the
    focus, else the user's top organisation."""
    if org_id:
        return scoping.get_for_user(Organisation, user, pk=org_id)
    scope = scoping.get_scope(user)
    if scope.focus_id:
        return scoping.get_for_user(Organisation, user, pk=scope.focus_id)
    return Organisation.objects.visible_to(user).current().order_by("depth", "path").first()


def rollup(
    user, parent_org: Organisation, today: date | None = None, *, detail: bool = True
) -> list[RollupRow]:
    """Per child organisation of ``parent_org`` (that the user may see): the subtree's figures.

    Two queries: one GROUP BY over the items by the path prefix of the child, one for the
    children themselves. Drafts are not counted. Children without items appear with zeros.
    Without ``detail`` the rows count no statuses nor status words (``by_status`` and ``by_word``
    stay empty): the home page's figures need only the counted figures, a third of the aggregates.
    """
    today = today or timezone.localdate()
    child_depth = parent_org.depth + 1
    prefix_len = child_depth * Organisation.steplen

    def grouped():
        return (
            Item.objects.visible_to(user)
            .handed_down()
            .filter(org__path__subtree=parent_org.path, org__depth__gte=child_depth)
            .annotate(branch=Substr("org__path", 1, prefix_len))
            .order_by()
            .values("branch")
            .annotate(**(_figures(today) if detail else figures.aggregates(today)))
        )

    # Its thirty-odd aggregates cost more to build and compile than to run: compiled once per key.
    key = (
        "ledger.rollup",
        user.pk,
        scoping.get_scope(user),
        parent_org.path,
        today,
        params_version(),
        detail,
    )
    by_branch = {row["branch"]: row for row in kept(key, grouped).values(model=Item)}
    children = Organisation.objects.visible_to(user).filter(path__subtree=parent_org.path, depth=child_depth)
    rows = []
    for child in children.order_by("path"):
        values = by_branch.get(child.path)
        if values is None:
            if child.dissolved_on:
                continue
            rows.append(RollupRow(org=child, by_status=dict.fromkeys(STATUS_ORDER, 0) if detail else {}))
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
        total.closed_late += row.closed_late
        total.due += row.due
        total.due_on_time += row.due_on_time
        total.overdue += row.overdue
        total.overdue_days_max = max(total.overdue_days_max, row.overdue_days_max)
        for status, n in row.by_status.items():
            total.by_status[status] = total.by_status.get(status, 0) + n
        for word, n in row.by_word.items():
            total.by_word[word] = total.by_word.get(word, 0) + n
    return total


@dataclass
class LevelRow(RollupRow):
    """The roll-up figures of one tree level (上热中温下凉: is pressure lost on the way down?)."""

    depth: int = 0
    label: str = ""

    @property
    def overdue_rate(self) -> float | None:
        """Overdue ÷ items, in per cent."""
        return rate(self.overdue, self.total)


def level_labels(depths) -> dict[int, str]:
    """Each tree depth named by the organisations at it (县级、乡镇级、村级 …), never by a number (one query)."""
    from dangjian.orgs.models import OrgKind

    kinds: dict[int, set[str]] = {}
    for depth, kind in (
        Organisation.objects.filter(depth__in=list(depths)).values_list("depth", "kind").distinct()
    ):
        kinds.setdefault(depth, set()).add(kind)
    named = (
        (OrgKind.PROVINCE_COMMITTEE, _("Province level")),
        (OrgKind.CITY_COMMITTEE, _("City level")),
        (OrgKind.COUNTY_COMMITTEE, _("County level")),
        (OrgKind.TOWNSHIP_COMMITTEE, _("Township level")),
        (OrgKind.GRASSROOTS_COMMITTEE, _("Township level")),
    )
    labels: dict[int, str] = {}
    branch_levels = 0
    for depth in sorted(depths):
        found = kinds.get(depth, set())
        label = next((text for kind, text in named if kind in found), None)
        if label is None:
            branch_levels += 1
            label = (
                _("Village and branch level") if branch_levels == 1 else _("Branches under general branches")
            )
        labels[depth] = label
    return labels


def rollup_by_level(user, today: date | None = None) -> list[LevelRow]:
    """The roll-up figures of items by the tree level of the responsible organisation (two queries)."""
    today = today or timezone.localdate()
    rows = list(
        Item.objects.visible_to(user)
        .handed_down()
        .order_by()
        .values("org__depth")
        .annotate(**figures.aggregates(today))
        .order_by("org__depth")
    )
    labels = level_labels([r["org__depth"] for r in rows]) if rows else {}
    result = []
    for r in rows:
        row = LevelRow(org=None, depth=r["org__depth"], label=labels[r["org__depth"]])
        result.append(_fill_level(row, r))
    return result


def _fill_level(row: LevelRow, values: dict) -> LevelRow:
    for name in ("total", "closed", "closed_late", "due", "due_on_time", "overdue"):
        setattr(row, name, values[name])
    row.overdue_days_max = values["days_max"].days if values["days_max"] else 0
    return row


@dataclass
class RankingRow:
    rank: int
    row: RollupRow

    @property
    def score(self) -> float | None:
        """The ranked figure: the on-time closure rate of ``figures`` (the roll-up's column)."""
        return self.row.on_time_rate


def ranking_method(minimum: int | None = None) -> str:
    """How the ranking is made, shown above it (so nobody has to guess)."""
    minimum = int(param(params.RANKING_MIN_ITEMS.key)) if minimum is None else minimum
    return _(
        "Ranked by the on-time closure rate of the table above (items closed on time ÷ items due for "
        "closure), highest first; ties go to fewer overdue items, then to fewer items closed late. "
        "Organisations with fewer than %(n)s items due for closure are not ranked."
    ) % {"n": minimum}


def ranking(
    user,
    parent_org: Organisation,
    today: date | None = None,
    *,
    rollup_rows: list[RollupRow] | None = None,
) -> tuple[list[RankingRow], str]:
    """Child organisations ranked by on-time completion; those with too few items left out. Returns (rows, method).

    ``rollup_rows``: the live roll-up of the same organisation already on the page, ranked
    without querying it again.
    """
    minimum = int(param(params.RANKING_MIN_ITEMS.key))
    source = rollup(user, parent_org, today) if rollup_rows is None else rollup_rows
    rows = [r for r in source if r.due >= max(minimum, 1)]
    rows.sort(key=lambda r: (-(r.on_time_rate or 0.0), r.overdue, r.closed_late, r.org.path))
    ranked: list[RankingRow] = []
    for i, row in enumerate(rows):
        prev = ranked[-1] if ranked else None
        same = prev is not None and (prev.row.on_time_rate, prev.row.overdue, prev.row.closed_late) == (
            row.on_time_rate,
            row.overdue,
            row.closed_late,
        )
        ranked.append(RankingRow(rank=prev.rank if same else i + 1, row=row))
    return ranked, ranking_method(minimum)


@dataclass
class HomeFigures:
    """The key figures of the user's organisation on the home page (its subtree, as the user may see it)."""

    root: Organisation
    rows: list
    totals: RollupRow
    closed_on_time_this_month: int
    saved_at: datetime | None = None  # a wide scope's figures: when the daily run saved them


def home_figures(user, today: date | None = None) -> HomeFigures | None:
    """Open, overdue, closed on time this month and 按期销号率 of the user's top organisation, by child
    (five queries; a wide scope's by child as the roll-up page shows them, from the daily run); None for
    someone without an organisation above others to compare (a village branch without organisations below
    it: two queries, nothing rolled up)."""
    today = today or timezone.localdate()
    root = rollup_root(user)
    if root is None or not root.numchild or not scoping.sees_whole_subtree(user, root):
        return None
    rows, saved_at = rollup_now(user, root, today, detail=False)
    if not rows:
        return None
    month_closed = (
        Item.objects.visible_to(user)
        .filter(org__path__subtree=root.path, closed_on__gte=today.replace(day=1), closed_on__lte=today)
        .filter(figures.closed_on_time_q(today))
        .count()
    )
    return HomeFigures(
        root=root,
        rows=rows,
        totals=rollup_totals(rows),
        closed_on_time_this_month=month_closed,
        saved_at=saved_at,
    )


# ------------------------------------------------------------------ my work (我的待办)


@dataclass
class MyWork:
    """Querysets (not yet evaluated) for the home page block."""

    waiting: object  # items waiting for my action (acknowledge, measures, returned, closure to verify)
    due_soon: object
    overdue: object
    returned: object
    to_acknowledge: object
    to_verify: object


# "My work" is the work of the user's own organisation: items it must rectify (its own items, not those of
# the organisations below it, which are theirs) and closures of items it handed down. The right to act
# reaches the whole subtree (a township may act for a village, the county may verify anywhere below it),
# but a county organisation department's to-do list is not every open item of the county: the organisations
# below are followed in the key figures and the roll-up.


def _rectify_q(user) -> Q:
    """Items of the user's own organisation(s) with the right to rectify."""
    return scoping.get_scope(user).own_q(SIDE_PATHS[RECTIFIER], cap=Cap.RECTIFY)


def _verify_q(user) -> Q:
    """Closures this user is to verify: items their own organisation handed down (supervising side, with the
    right to verify), and not on the item's rectifying side."""
    scope = scoping.get_scope(user)
    q = scope.own_q(SIDE_PATHS[SUPERVISOR], cap=Cap.VERIFY) & ~rectified_by_q(user)
    if int(param(params.SEPARATION_OF_DUTIES.key)):
        own = [g.org_id for g in scope.grants]
        if own:
            q &= ~Q(org_id__in=own)
    return q


def _my_work_filters(user, today: date) -> dict[str, Q]:
    """The four sections of "my work" as filters (the light and overdue rules of ``deadlines``)."""
    return _my_work_filters_with_parts(user, today)[0]


def _my_work_filters_with_parts(user, today: date) -> tuple[dict[str, Q], Q]:
    """``_my_work_filters`` and the part of "waiting" that is not a closure to verify (the two parts
    never share an item: their statuses differ)."""
    rectify = _rectify_q(user)
    # The cheap status test first: the database then skips the separation-of-duties subqueries for other items.
    to_verify = Q(status=S.CLOSURE_REQUESTED) & _verify_q(user)
    to_rectify = rectify & Q(status__in=[S.HANDED_DOWN, S.ACKNOWLEDGED, S.RETURNED])
    return {
        "waiting": to_rectify | to_verify,
        "due_soon": rectify & deadlines.light_q(deadlines.YELLOW, today),
        "overdue": rectify & overdue_q(today),
        "returned": rectify & Q(status=S.RETURNED),
        # The two queues with bulk actions: new items to acknowledge (待签收), closures to verify (待核验).
        "to_acknowledge": rectify & Q(status=S.HANDED_DOWN),
        "to_verify": to_verify,
    }, to_rectify


def my_work_q(user, key: str, today: date | None = None) -> Q:
    """One section or queue of "my work" as a filter (the ledger's ``work`` filter: a section's "more" link
    lists exactly the items its count counts)."""
    return _my_work_filters(user, today or timezone.localdate())[key]


def my_work(user, today: date | None = None) -> MyWork:
    """What needs the user: items to act on, due soon (yellow), overdue (red), returned."""
    today = today or timezone.localdate()
    filters = _my_work_filters(user, today)
    return MyWork(**{key: _my_work_section(user, q) for key, q in filters.items()})


def my_work_section(user, key: str, today: date | None = None):
    """One section or queue of ``my_work`` alone (the queue pages: one filter built, not six)."""
    return _my_work_section(user, my_work_q(user, key, today))


def _my_work_section(user, q: Q):
    return (
        _my_work_items(user)
        .filter(q)
        .select_related("org", "supervisor_org", "item_list")
        .order_by("deadline", "pk")
    )


QUEUE_ROWS = 100  # rows a queue page shows (and a bulk action takes) at once
# What a queue row shows: not three whole records (an item, its list, two organisations) for each of 100 rows.
QUEUE_FIELDS = ("title", "deadline", "long_term", "closure_requested_on", "org__name", "org__short_name")


def queue_page(user, key: str, today: date | None = None) -> tuple[list[Item], int]:
    """A queue page (待签收 or 待核验): its first ``QUEUE_ROWS`` items by deadline, with their light and
    what a row shows, and how many the queue holds.

    As "my work": both queries are compiled once per user, scope, day and rule parameters
    (``core.prepared.kept``) and run afresh on every call (building the queue's conditions cost more
    than running them).
    """
    today = today or timezone.localdate()
    base = ("ledger.queue", key, user.pk, scoping.get_scope(user), today, params_version())
    total = kept(
        (*base, "count"), lambda: aggregated(my_work_section(user, key, today), n=Count("pk"))
    ).aggregate(model=Item)["n"]
    rows = kept(
        (*base, "rows"),
        lambda: (
            my_work_section(user, key, today)
            .with_light(today)
            .select_related(None)
            .select_related("org")
            .only(*QUEUE_FIELDS)[:QUEUE_ROWS]
        ),
    ).objects(model=Item)
    return rows, total


def own_items(user, today: date | None = None):
    """Open items the user is the responsible person of (their roster record), with their light."""
    person_id = scoping.get_scope(user).person_id
    if person_id is None:
        return Item.objects.none()
    return (
        Item.objects.visible_to(user)
        .handed_down()
        .exclude(status=S.CLOSED)
        .filter(person_id=person_id)
        .select_related("org")
        .with_light(today or timezone.localdate())
        .order_by("deadline", "pk")
    )


def my_work_counts(user, today: date | None = None) -> dict[str, int]:
    """The counts of ``my_work`` (its four sections and two queues) in one query."""
    filters, to_rectify = _my_work_filters_with_parts(user, today or timezone.localdate())
    return _whole_waiting(_my_work_items(user).aggregate(**_my_work_count_exprs(filters, to_rectify)))


def _my_work_items(user):
    """The items any section of "my work" can hold: the own organisations' and those they handed down
    (the counts then read those, by the indexes on both, not every item the user may see)."""
    scope = scoping.get_scope(user)
    own = scope.own_q(SIDE_PATHS[RECTIFIER], cap=Cap.RECTIFY) | scope.own_q(
        SIDE_PATHS[SUPERVISOR], cap=Cap.VERIFY
    )
    return Item.objects.visible_to(user).filter(own)


def _my_work_count_exprs(filters: dict[str, Q], to_rectify: Q) -> dict:
    """The counts' expressions, "waiting" counted as its part to rectify: the closures to verify are
    counted once (``to_verify``) and added by ``_whole_waiting``. Their separation-of-duties
    subqueries are the query's dearest part (a county of a city: ~3 000 closures × 4 probes)."""
    exprs = {key: Count("pk", filter=filters[key]) for key in MY_WORK_KEYS if key != "waiting"}
    return {"waiting_to_rectify": Count("pk", filter=to_rectify), **exprs}


def _whole_waiting(counts: dict) -> dict[str, int]:
    waiting = counts.pop("waiting_to_rectify") + counts["to_verify"]
    return {"waiting": waiting, **counts}


MY_WORK_SECTIONS = ("waiting", "due_soon", "overdue", "returned")


def my_work_summary(user, shown: int, today: date | None = None) -> tuple[dict[str, int], dict[str, list]]:
    """The home block's "my work": the counts of ``my_work_counts`` and the first ``shown`` items of each
    of its four sections (by deadline, with their light), in two queries whatever the number of items.

    The rows of the sections come in one query: each item is numbered within each section it belongs to
    (a window over the section's flag), and only the first ``shown`` of each are read.

    Building and compiling the two queries (the scope's and the sections' conditions, each several
    times) cost many times what running them does, so both are compiled once per user, scope, day and
    rule parameters (``core.prepared.kept``) and run afresh on every call: nothing read is kept.
    """
    today = today or timezone.localdate()
    key = ("ledger.my_work", user.pk, scoping.get_scope(user), today, params_version(), shown)
    counts = _whole_waiting(
        kept((*key, "counts"), lambda: _my_work_counts_query(user, today)).aggregate(model=Item)
    )
    wanted = tuple(key for key in MY_WORK_SECTIONS if counts[key])
    if not wanted:
        return counts, {}
    rows = kept((*key, wanted), lambda: _my_work_rows_query(user, today, wanted, shown)).objects(model=Item)
    # Rows come in the windows' order (deadline, id): the first ``shown`` flagged rows of a section
    # are its first ``shown`` items (a row chosen for another section may follow them).
    sections = {key: [item for item in rows if getattr(item, f"in_{key}")][:shown] for key in wanted}
    return counts, sections


MY_WORK_KEYS = ("waiting", "due_soon", "overdue", "returned", "to_acknowledge", "to_verify")
# Each section's and queue's name: the home block, its queue buttons and the ledger's ``work`` filter.
MY_WORK_LABELS = {
    "waiting": _lazy("Waiting for my action"),
    "due_soon": _lazy("Due soon"),
    "overdue": _lazy("Overdue"),
    "returned": _lazy("Returned"),
    "to_acknowledge": _lazy("New items to acknowledge"),
    "to_verify": _lazy("Closures to verify"),
}


def _my_work_counts_query(user, today: date):
    """``my_work_counts`` as a queryset a ``PreparedQuery`` can run."""
    filters, to_rectify = _my_work_filters_with_parts(user, today)
    return aggregated(_my_work_items(user), **_my_work_count_exprs(filters, to_rectify))


def _my_work_rows_query(user, today: date, wanted: tuple[str, ...], shown: int):
    """The first ``shown`` items of each section in ``wanted``, flagged and numbered per section."""
    filters = _my_work_filters(user, today)
    flags = {
        f"in_{key}": Case(When(filters[key], then=Value(1)), default=Value(0), output_field=IntegerField())
        for key in wanted
    }
    numbers = {
        f"n_{key}": Window(
            RowNumber(), partition_by=[F(f"in_{key}")], order_by=[F("deadline").asc(), F("pk").asc()]
        )
        for key in wanted
    }
    first = Q()
    for key in wanted:
        first |= Q(**{f"in_{key}": 1, f"n_{key}__lte": shown})
    any_section = Q()
    for key in wanted:
        any_section |= filters[key]
    # The window runs over narrow rows (the id, the flags and the deadline) and only the chosen ids'
    # full rows are read: windowing whole item rows made PostgreSQL sort ~9 000 wide rows to disk five
    # times for a county user of a city (425 ms against ~50 ms).
    first_ids = (
        _my_work_items(user)
        .filter(any_section)
        .annotate(**flags)
        .annotate(**numbers)
        .filter(first)
        .values("pk")
    )
    return (
        Item.objects.filter(pk__in=first_ids)
        .select_related("org")
        .with_light(today)
        .annotate(**flags)
        .order_by("deadline", "pk")
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
        q = overdue_q(today, beyond=low - 1)
        if high is not None:
            q &= ~overdue_q(today, beyond=high)
        counts[f"b{low}"] = Count("pk", filter=q)
    key = ("ledger.ageing", user.pk, scoping.get_scope(user), today, params_version())
    values = kept(key, lambda: aggregated(Item.objects.visible_to(user).overdue(today), **counts)).aggregate(
        model=Item
    )
    return [(ageing_label(low, high), values[f"b{low}"]) for low, high in AGEING_BUCKETS]


def escalate_after_days() -> int:
    return int(param(params.ESCALATE_AFTER_DAYS.key))


def _interviews():
    """The interviews (约谈) recorded about the outer item."""
    return ItemLink.objects.filter(item=OuterRef("pk"), kind=ItemLink.Kind.INTERVIEW)


def escalation_rows(user, today: date | None = None):
    """The escalation list (督办): every visible item overdue beyond ``ledger.escalate_after_days``.

    Asked of the items themselves (the one overdue definition), so the list agrees with every
    other overdue figure whatever the item's history; ``listed_on`` is when the daily job first
    recorded it for its current deadline (empty until the job has run). Two queries per page.
    """
    today = today or timezone.localdate()
    listed = Escalation.objects.filter(item=OuterRef("pk"), deadline=OuterRef("deadline")).order_by(
        "listed_on"
    )
    # Counted per row by subqueries, not by joins and GROUP BY: grouped, a city's 35 000 overdue items were
    # joined and aggregated whole before the first fifty were sorted out (318 ms of the page's 416).
    return (
        Item.objects.visible_to(user)
        .overdue(today, beyond=escalate_after_days())
        .select_related("org", "supervisor_org", "item_list")
        .annotate(
            listed_on=Subquery(listed.values("listed_on")[:1]),
            interview_count=counted(_interviews(), "item"),
            accountability_count=counted(Accountability.objects.filter(item=OuterRef("pk")), "item"),
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


# The figures a saved roll-up row carries, as ``RollupRow`` names them.
SAVED_FIGURES = tuple(figures.SAVED_SUMS)


def snapshot_rollup(user, parent_org: Organisation, month: date) -> list[RollupRow]:
    """A month's roll-up per child organisation from the saved figures (one or two queries).

    A child of a wide scope has its subtree's sums saved (``RollupSubtree``): read with the children when
    the user sees the whole subtree. Any other child's are summed from the saved rows of the organisations
    below it that the user may see.
    """
    month = month.replace(day=1)
    child_depth = parent_org.depth + 1
    children = list(
        Organisation.objects.visible_to(user)
        .filter(path__subtree=parent_org.path, depth=child_depth)
        .annotate(saved=FilteredRelation("rollup_subtrees", condition=Q(rollup_subtrees__month=month)))
        .annotate(
            saved_path=F("saved__path"), **{f"saved_{name}": F(f"saved__{name}") for name in SAVED_FIGURES}
        )
    )
    sums: dict[int, dict] = {}
    rest = []
    for child in children:
        if child.saved_path == child.path and scoping.sees_whole_subtree(user, child):
            sums[child.pk] = {name: getattr(child, f"saved_{name}") for name in SAVED_FIGURES}
        else:
            rest.append(child)
    if rest:
        grouped = RollupSnapshot.objects.visible_to(user).filter(
            month=month, org__path__subtree=parent_org.path, org__depth__gte=child_depth
        )
        if len(rest) < len(children):
            grouped = grouped.filter(reduce(or_, (Q(org__path__subtree=child.path) for child in rest)))
        by_branch = {
            row.pop("branch"): row
            for row in grouped.annotate(branch=Substr("org__path", 1, child_depth * Organisation.steplen))
            .order_by()
            .values("branch")
            .annotate(**figures.SAVED_SUMS)
        }
        for child in rest:
            if child.path in by_branch:
                sums[child.pk] = {name: value or 0 for name, value in by_branch[child.path].items()}
    # A child with nothing saved below it (no items) has no row, as it has no row in a live roll-up.
    return [
        RollupRow(org=child, **sums[child.pk]) for child in children if sums.get(child.pk, {}).get("total")
    ]


def rollup_is_wide(root: Organisation) -> bool:
    """Whether ``root``'s subtree holds more than ``ROLLUP_LIVE_MAX_ORGS`` organisations (a city, a province):
    its live roll-up would count every item of it on each visit (one query, counting up to the limit)."""
    limit = settings.ROLLUP_LIVE_MAX_ORGS
    return Organisation.objects.filter(path__subtree=root.path)[: limit + 1].count() > limit


def rollup_now(user, parent_org: Organisation, today: date | None = None, *, detail: bool = True):
    """The roll-up as it stands, and when it was saved if it is the daily run's (None: counted now): a wide
    scope's from last night's month so far (``nightly_rollup``), once the daily run has saved one; any other
    counted live (``rollup``). The roll-up page and the home page's key figures both read it."""
    if rollup_is_wide(parent_org):
        saved = nightly_rollup(user, parent_org, today)
        if saved is not None:
            return saved
    return rollup(user, parent_org, today, detail=detail), None


def nightly_rollup(user, parent_org: Organisation, today: date | None = None):
    """A wide scope's roll-up: the current month so far as the daily run saved it last (``snapshot_month``
    every night), per child, and when it was saved; None before the first run (then it is counted live).
    Three queries."""
    month = (today or timezone.localdate()).replace(day=1)
    taken_at = RollupSnapshot.objects.filter(month=month).values_list("taken_at", flat=True).first()
    if taken_at is None:
        return None
    return snapshot_rollup(user, parent_org, month), taken_at


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
    if is_overdue(item, today):
        return NOT_DONE_WORD
    if item.status == S.CLOSURE_REQUESTED:
        return NEARLY_DONE_WORD
    return IN_PROGRESS_WORD


def _pending_extension_q() -> Q:
    return Q(
        Exists(ExtensionRequest.objects.filter(item=OuterRef("pk"), status=ExtensionRequest.Status.PENDING))
    )


def completion_q(word: str, today: date | None = None) -> Q:
    """Items whose published status word is ``word``: the SQL twin of ``completion_word`` (same order of rules)."""
    today = today or timezone.localdate()
    closed = Q(status=S.CLOSED)
    pending = _pending_extension_q()
    overdue = overdue_q(today)
    rules = [
        (CLOSED_WORD, closed),
        (EXTENSION_WORD, pending),
        (LONG_TERM_WORD, Q(long_term=True)),
        (NOT_DONE_WORD, overdue),
        (NEARLY_DONE_WORD, Q(status=S.CLOSURE_REQUESTED)),
        (IN_PROGRESS_WORD, ~Q(status=S.DRAFT)),
    ]
    earlier = Q()
    for name, rule in rules:
        if name == word:
            # The earlier rules first: a closed item never reaches the extension subquery.
            return ~Q(status=S.DRAFT) & ~earlier & rule if earlier else ~Q(status=S.DRAFT) & rule
        earlier = earlier | rule if earlier else rule
    raise ValueError(word)


def completion_counts(qs, today: date | None = None) -> dict[str, int]:
    """How many items carry each published word (one query)."""
    today = today or timezone.localdate()
    values = qs.aggregate(
        **{f"w{i}": Count("pk", filter=completion_q(w, today)) for i, w in enumerate(COMPLETION_WORDS)}
    )
    return {w: values[f"w{i}"] for i, w in enumerate(COMPLETION_WORDS)}


def with_pending_extension(qs):
    return qs.annotate(
        pending_extension=Exists(
            ExtensionRequest.objects.filter(item=OuterRef("pk"), status=ExtensionRequest.Status.PENDING)
        )
    )


def ledger_export_rows(qs, *, user=None):
    """The export's rows: joins, latest progress, extensions, look-back, interviews annotated; evidence
    names and the accountability decisions ``user`` may see prefetched.

    Three queries whatever the number of rows (items, evidence, accountability).
    """
    from django.db.models import IntegerField, Prefetch

    latest = Progress.objects.filter(item=OuterRef("pk")).order_by("-on", "-pk")
    granted = (
        ExtensionRequest.objects.filter(item=OuterRef("pk"), status=ExtensionRequest.Status.APPROVED)
        .order_by()
        .values("item")
        .annotate(n=Count("pk"))
        .values("n")
    )
    recheck = Recheck.objects.filter(item=OuterRef("pk"), done_on__isnull=False).order_by("-done_on", "-pk")
    decisions = Accountability.objects.select_related("target_org").order_by("decided_on", "pk")
    return (
        with_pending_extension(qs.select_related("org", "closed_by", "proxy_by", "item_list"))
        .annotate(
            latest_on=Subquery(latest.values("on")[:1]),
            latest_text=Subquery(latest.values("text")[:1]),
            latest_percent=Subquery(latest.values("percent")[:1]),
            extension_count=Coalesce(Subquery(granted, output_field=IntegerField()), 0),
            recheck_on=Subquery(recheck.values("done_on")[:1]),
            recheck_result=Subquery(recheck.values("result")[:1]),
            interview_count=counted(_interviews(), "item"),
        )
        .prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.only("id", "item_id", "name").order_by("pk")),
            scoping.restricted_prefetch(
                "accountabilities", user, decisions, to_attr="visible_accountabilities"
            ),
        )
        .order_by("item_list_id", "number", "pk")
    )


def list_rows(lists, *, user) -> list:
    """A page of lists, each with the counts of its items visible to ``user`` (handed down, closed,
    overdue) as ``item_count``, ``closed_count`` and ``overdue_count``, in one query.

    Counted over the visible items only: a receiver learns nothing of its siblings' items, a plain
    member nothing of the branch's (docs/personal-data.md). Counted for the page's lists alone, by
    one GROUP BY on their items: annotating the whole list query joined every list with every item
    in the subtree, for the page and again for the paginator's count (a county of a city: 340 ms).
    """
    lists = list(lists)
    today = timezone.localdate()
    counts = {
        row["item_list"]: row
        for row in Item.objects.visible_to(user)
        .filter(item_list__in=[item_list.pk for item_list in lists])
        .exclude(status=S.DRAFT)
        .order_by()
        .values("item_list")
        .annotate(
            item_count=Count("pk"),
            closed_count=Count("pk", filter=Q(status=S.CLOSED)),
            overdue_count=Count("pk", filter=overdue_q(today)),
        )
    }
    for item_list in lists:
        row = counts.get(item_list.pk, {})
        for name in ("item_count", "closed_count", "overdue_count"):
            setattr(item_list, name, row.get(name, 0))
    return lists


@dataclass
class HandDownSummary:
    """What handing a list down will do: how many items go to how many organisations."""

    items: int
    orgs: int
    by_org: list[tuple[str, int]]


def hand_down_summary(item_list) -> HandDownSummary:
    """The draft items of a list by responsible organisation (one query)."""
    rows = list(
        Item.objects.filter(item_list=item_list, status=S.DRAFT)
        .order_by()
        .values("org__name", "org__path")
        .annotate(n=Count("pk"))
        .order_by("org__path")
    )
    return HandDownSummary(
        items=sum(r["n"] for r in rows),
        orgs=len(rows),
        by_org=[(r["org__name"], r["n"]) for r in rows],
    )


def roster_choices(user, org, limit: int = 400) -> list[tuple]:
    """(person, "张三（A1村 书记）") for the current posts in ``org``'s subtree the user may see (one query).

    Leaders and responsible persons are picked from these, so items add up per person.
    """
    from dangjian.orgs.models import Post

    posts = (
        Post.objects.visible_to(user)
        .current()
        .filter(org__path__subtree=org.path, org__dissolved_on__isnull=True)
        .select_related("person", "org")
        .order_by("org__path", "kind", "person__name")[:limit]
    )
    seen, choices = set(), []
    for post in posts:
        if post.person_id in seen:
            continue
        seen.add(post.person_id)
        choices.append((post.person, f"{post.person.name}（{post.org.label} {post.get_kind_display()}）"))
    return choices


def items_by_person(user, org, today: date | None = None, limit: int = 30) -> list[dict]:
    """Items per responsible person (from the roster) in ``org``'s subtree: the figures of ``figures``, the
    most overdue first, then the most items, then by name in pinyin order (two queries).

    The items are counted by person alone and only the ``limit`` persons shown are read with their names:
    grouped by name in the same query, PostgreSQL hashed every member of the county (15 786) to name 445
    persons (13 ms of the county roll-up's 17). Among persons tied at the limit, those with the lower ids
    are shown.
    """
    from dangjian.orgs.models import Person

    today = today or timezone.localdate()
    rows = list(
        Item.objects.visible_to(user)
        .handed_down()
        .filter(org__path__subtree=org.path, person__isnull=False)
        .order_by()
        .values("person_id")
        .annotate(**figures.aggregates(today))
        .order_by("-overdue", "-total", "person_id")[:limit]
    )
    # The persons responsible for items the user sees, named as those items' pages name them.
    names = {
        pk: (name, pinyin, org_name)
        for pk, name, pinyin, org_name in Person.objects.filter(pk__in=[r["person_id"] for r in rows])
        .order_by()
        .values_list("pk", "name", "name_pinyin", "org__name")
    }
    for row in rows:
        name, pinyin, org_name = names.get(row["person_id"], ("", "", ""))
        row.update(person__name=name, person__org__name=org_name, pinyin=pinyin)
        row["on_time_rate"] = figures.on_time_rate(row["due_on_time"], row["due"])
    rows.sort(key=lambda r: (-r["overdue"], -r["total"], r["pinyin"], r["person__name"]))
    return rows


def search_items(user, text: str, limit: int) -> list[dict]:
    """Header search: items I may see whose title or description holds ``text`` (one query)."""
    from django.urls import reverse

    items = (
        Item.objects.visible_to(user)
        .handed_down()
        .filter(Q(title__icontains=text) | Q(description__icontains=text))
        .select_related("org")
        .order_by("-issued_on", "-pk")[:limit]
    )
    return [
        {
            "title": item.title,
            "url": reverse("ledger:item_detail", args=[item.pk]),
            "subtitle": f"{item.org.label} · {item.get_status_display()}",
        }
        for item in items
    ]


def search_lists(user, text: str, limit: int) -> list[dict]:
    """Header search: lists I may see whose title holds ``text`` (one query)."""
    from django.urls import reverse

    from .models import ItemList

    lists = (
        ItemList.objects.visible_to(user)
        .filter(title__icontains=text)
        .select_related("org")
        .order_by("-issued_on", "-pk")[:limit]
    )
    return [
        {
            "title": lst.title,
            "url": reverse("ledger:list_detail", args=[lst.pk]),
            "subtitle": f"{lst.org.label} · {lst.issued_on:%Y-%m-%d}",
        }
        for lst in lists
    ]


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
        overdue=Count("pk", filter=overdue_q(today)),
    )
    return [
        (_("Organisations"), values["total"]),
        (_("Closed"), values["closed"]),
        (_("Closed late"), values["closed_late"]),
        (_("Overdue"), values["overdue"]),
    ]


def snapshot_months(user, today: date | None = None) -> list[date]:
    """Months with saved figures the user may see, newest first, the current one not (its figures are only
    the month so far, saved each night for wide scopes' roll-ups); one query."""
    return list(
        RollupSnapshot.objects.visible_to(user)
        .filter(month__lt=(today or timezone.localdate()).replace(day=1))
        .order_by("-month")
        .values_list("month", flat=True)
        .distinct()[:36]
    )


def ledger_document(items, *, org, user, today: date | None = None) -> dict:
    """The fields of the ``ledger.ledger`` Word document: title block and one row per item (one query)."""
    today = today or timezone.localdate()
    rows = []
    for number, item in enumerate(with_pending_extension(items.select_related("org", "closed_by")), start=1):
        rows.append(
            {
                "number": number,
                "title": item.title,
                "org": item.org.name,
                "person": item.responsible_person,
                "deadline": _("Long-term") if item.long_term else item.deadline,
                "completion": completion_word(item, today),
                "closed_on": item.closed_on,
                "verifier": str(item.closed_by) if item.status == S.CLOSED and item.closed_by_id else "",
            }
        )
    name = org.name if org is not None else ""
    return {
        "title": f"{name}整改落实情况台账",
        "org": name,
        "as_of": today,
        "prepared_by": str(user),
        "rows": rows,
    }


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
