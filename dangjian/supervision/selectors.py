"""Reads of supervision and assessment: rankings, briefing contents, panels and the dashboard block.

Figures come only through ``core.indicators.compute`` (one definition everywhere), each indicator in
one query per depth of the organisations ranked, so a ranking costs the same for 3 or 300 townships.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import indicators, scoping
from dangjian.core.indicators import Period
from dangjian.core.params import get as param
from dangjian.core.params import version as params_version
from dangjian.core.prepared import aggregated, kept
from dangjian.orgs.models import Organisation, OrgKind, Sector

from . import params
from .models import (
    Assessment,
    Briefing,
    Grade,
    RankingSet,
    Rating,
    Scoresheet,
    Venue,
    VenueKind,
    Visit,
    WeakOrg,
)

# Branches the venue standard and the 清零 target apply to: villages and enterprises.
VENUE_SECTORS = (Sector.RURAL, Sector.NON_PUBLIC, Sector.STATE_ENTERPRISE)


def children_of(root, key: tuple | None = None) -> list:
    """The organisations ranked under ``root``: its current direct children, in tree order.

    Under a county the townships are ranked among themselves: the committees of agencies, schools
    and enterprises beside them are not compared with townships. With ``key`` (a dotted name, the day)
    the query is compiled once per key and root (``core.prepared.kept``), its rows read afresh.
    """

    def build():
        return (
            Organisation.objects.current()
            .filter(path__subtree=root.path, depth=root.depth + 1)
            .order_by("path")
        )

    if key is None:
        children = list(build())
    else:
        children = kept((*key, "children", root.pk, root.path), build).objects(model=Organisation)
    townships = [c for c in children if c.kind == OrgKind.TOWNSHIP_COMMITTEE]
    return townships or children


def month_start(value: date) -> date:
    return value.replace(day=1)


def last_complete_month(today: date | None = None) -> date:
    """The month rankings show by default: the last one whose figures are complete."""
    first = month_start(today or timezone.localdate())
    return month_start(first - timedelta(days=1))


def period_of(month: date) -> Period:
    return Period.month(month.year, month.month)


@dataclass
class RankRow:
    org: object
    values: list = field(default_factory=list)  # raw indicator values, in the set's order
    points: list = field(default_factory=list)  # 0–100 per indicator (None: no figure)
    score: float | None = None
    rank: int | None = None
    move: int | None = None  # places moved up (+) or down (−) since the previous month
    flagged: bool = False


def _points(values: list, higher_is_better: bool) -> list:
    """Each value scaled to 0–100 between the worst and the best organisation (100 for all when equal)."""
    present = [v for v in values if v is not None]
    if not present:
        return [None] * len(values)
    low, high = min(present), max(present)
    out = []
    for v in values:
        if v is None:
            out.append(None)
        elif high == low:
            out.append(100.0)
        else:
            share = (v - low) / (high - low)
            out.append(round(100 * (share if higher_is_better else 1 - share), 1))
    return out


def _rank(rows: list[RankRow]) -> None:
    """Competition ranking (1, 1, 3): equal scores share a place; rows without a score are not ranked."""
    scored = sorted((r for r in rows if r.score is not None), key=lambda r: -r.score)
    previous, place = None, 0
    for i, row in enumerate(scored, start=1):
        if row.score != previous:
            place, previous = i, row.score
        row.rank = place


def compute_ranking(
    items: list[dict], orgs: list, period: Period, *, figures: dict[str, dict] | None = None
) -> list[RankRow]:
    """Weighted score per organisation: Σ weight × points ÷ Σ weight over the indicators it has figures for.

    ``figures``: each indicator's values already computed (by key), instead of computing them here."""
    rows = [RankRow(org=o) for o in orgs]
    for item in items:
        values = (
            figures[item["key"]] if figures is not None else indicators.compute(item["key"], orgs, period)
        )
        column = [values.get(o.pk) for o in orgs]
        for row, value, pts in zip(rows, column, _points(column, item["higher_is_better"]), strict=True):
            row.values.append(value)
            row.points.append(pts)
    for row in rows:
        weighted = [(p, i["weight"]) for p, i in zip(row.points, items, strict=True) if p is not None]
        total = sum(w for _p, w in weighted)
        # Too few figures to compare: an organisation is ranked only with figures for half the weight.
        if total * 2 >= sum(i["weight"] for i in items) and total:
            row.score = round(sum(p * w for p, w in weighted) / total, 1)
    _rank(rows)
    return rows


def _rankings(ranking_set: RankingSet, orgs: list, periods: list[Period]) -> dict[Period, list[RankRow]]:
    """The rows of each period, the figures of all of them asked at once (past months' records read in one query)."""
    if not periods:
        return {}
    keys = [item["key"] for item in ranking_set.items]
    values = indicators.compute_many(keys, orgs, periods)
    return {
        p: compute_ranking(ranking_set.items, orgs, p, figures={k: values[k, p] for k in keys})
        for p in periods
    }


@dataclass
class Ranking:
    ranking_set: RankingSet
    root: object
    period: Period
    columns: list
    rows: list[RankRow]
    as_of: datetime | None = None  # when its figures were computed, if they may be a minute old

    @property
    def method(self) -> str:
        return method_text(self.ranking_set)


def method_text(ranking_set) -> str:
    """How the ranking is computed, in words (shown under every ranking and printed in the briefing)."""
    parts = []
    for item in ranking_set.items:
        ind = indicators.get(item["key"])
        way = _("higher is better") if item["higher_is_better"] else _("lower is better")
        parts.append(f"{ind.label}（{item['weight']}%，{way}）")
    return _(
        "Each indicator is scaled from 0 (the weakest organisation) to 100 (the strongest); the score is "
        "the weighted average of these points over the indicators an organisation has figures for; an "
        "organisation with figures for less than half of the weight is not ranked. Equal scores share a "
        "place. The last %(n)s are flagged for an interview. Indicators: %(parts)s."
    ) % {"n": param(params.BOTTOM_N.key), "parts": "；".join(parts)}


def ranking(
    ranking_set: RankingSet,
    root,
    month: date | Period,
    bottom: int | None = None,
    moves: bool = True,
    computed: dict | None = None,
    max_age: int = 0,
) -> Ranking:
    """The ranking of ``root``'s children for a month (or a year), with places moved since the period
    before (unless ``moves`` is false); the last ``bottom`` places (the rule parameter by default, ties
    included) are flagged. ``computed`` holds rows already computed by period (the trend's). With
    ``max_age``, figures computed at most that many seconds ago are reused (``indicators.compute_recent``,
    for the home page) and ``as_of`` says when the oldest was."""
    period = month if isinstance(month, Period) else period_of(month)
    computed = dict(computed or {})
    wanted = [p for p in ((period, period.previous()) if moves else (period,)) if p not in computed]
    as_of = None
    if wanted:
        orgs = children_of(root)
        keys = [item["key"] for item in ranking_set.items]
        if max_age and period in wanted:
            figures = {}
            for key in keys:
                figures[key], at = indicators.compute_recent(key, orgs, period, max_age=max_age)
                as_of = min(filter(None, (as_of, at)), default=None)
            computed[period] = compute_ranking(ranking_set.items, orgs, period, figures=figures)
            wanted.remove(period)
        computed.update(_rankings(ranking_set, orgs, wanted))
    rows = [replace(r) for r in computed[period]]
    before = {r.org.pk: r.rank for r in computed[period.previous()]} if moves else {}
    ranked = [r for r in rows if r.rank is not None]
    bottom = param(params.BOTTOM_N.key) if bottom is None else bottom
    for row in rows:
        if row.rank is not None and before.get(row.org.pk) is not None:
            row.move = before[row.org.pk] - row.rank
    if len(ranked) > bottom:
        cut = sorted(r.rank for r in ranked)[-bottom]
        for row in ranked:
            row.flagged = row.rank >= cut
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.org.path))
    columns = [indicators.get(i["key"]) for i in ranking_set.items]
    return Ranking(ranking_set=ranking_set, root=root, period=period, columns=columns, rows=rows, as_of=as_of)


def ranking_with_trend(ranking_set: RankingSet, root, month: date, months: int = 6) -> tuple[Ranking, dict]:
    """The month's ranking and each child's score over the last months (an ECharts line chart), the months
    computed once: the ranking's month and the month before are the trend's last two."""
    orgs = children_of(root)
    periods = []
    period = period_of(month)
    for _i in range(months):
        periods.insert(0, period)
        period = period.previous()
    computed = _rankings(ranking_set, orgs, periods)
    series = {o.pk: [] for o in orgs}
    for p in periods:
        for row in computed[p]:
            series[row.org.pk].append(row.score)
    chart = {
        "tooltip": {"trigger": "axis"},
        "legend": {"type": "scroll"},
        "grid": {"left": 40, "right": 20, "bottom": 40, "containLabel": True},
        "xAxis": {"type": "category", "data": [p.label for p in periods]},
        "yAxis": {"type": "value", "max": 100},
        "series": [{"name": o.label, "type": "line", "data": series[o.pk]} for o in orgs],
    }
    return ranking(ranking_set, root, periods[-1], computed=computed), chart


def ranking_chart(result: Ranking) -> dict:
    rows = [r for r in result.rows if r.score is not None]
    return {
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 40, "right": 20, "bottom": 60, "containLabel": True},
        "xAxis": {
            "type": "category",
            "data": [r.org.label for r in rows],
            "axisLabel": {"rotate": 30 if len(rows) > 6 else 0},
        },
        "yAxis": {"type": "value", "max": 100},
        "series": [{"name": _("Score"), "type": "bar", "data": [r.score for r in rows]}],
    }


# ------------------------------------------------------------------ briefings


def _format(value, decimals: int) -> str:
    if value is None:
        return "—"
    return f"{value:.{decimals}f}" if decimals else f"{value:g}"


def briefing_content(briefing: Briefing) -> dict:
    """Everything a briefing shows, as plain data (stored as the snapshot when it is published)."""
    period = period_of(briefing.month)
    orgs = children_of(briefing.org)
    registered = indicators.all_indicators()
    columns = [{"key": i.key, "label": str(i.label), "unit": str(i.unit)} for i in registered]
    values = {i.key: indicators.compute(i.key, orgs, period) for i in registered}
    indicator_rows = [
        {
            "org_id": o.pk,
            "org": o.label,
            "cells": [_format(values[i.key].get(o.pk), i.decimals) for i in registered],
        }
        for o in orgs
    ]
    for row in indicator_rows:
        row["text"] = "；".join(
            f"{c['label']} {v}" for c, v in zip(columns, row["cells"], strict=True) if v != "—"
        )
    content = {
        "period": period.label,
        "org": briefing.org.label,
        "columns": columns,
        "indicator_rows": indicator_rows,
        "ranking": None,
        "findings": [],
    }
    if briefing.ranking_set is not None:
        result = ranking(briefing.ranking_set, briefing.org, briefing.month)
        content["ranking"] = {
            "name": briefing.ranking_set.name,
            "method": result.method,
            "columns": [str(c.label) for c in result.columns],
            "rows": [
                {
                    "org": r.org.label,
                    "rank": r.rank,
                    "score": r.score,
                    "move": r.move,
                    "flagged": r.flagged,
                    "cells": [_format(v, c.decimals) for v, c in zip(r.values, result.columns, strict=True)],
                }
                for r in result.rows
            ],
        }
    visits = (
        Visit.objects.filter(
            status=Visit.Status.SUBMITTED,
            org__path__subtree=briefing.org.path,
            visited_at__date__range=(period.start, period.end),
        )
        .exclude(finding_count=0)
        .select_related("org")
        .order_by("org__path", "visited_at")
    )
    for visit in visits:
        on = timezone.localtime(visit.visited_at).date().isoformat()
        for finding in visit.findings:
            content["findings"].append({"org": visit.org.label, "on": on, "title": finding["title"]})
    return content


def briefing_view(briefing: Briefing) -> dict:
    """The snapshot of a published briefing, the live content of a draft."""
    if briefing.status == Briefing.Status.PUBLISHED and briefing.snapshot is not None:
        return briefing.snapshot
    return briefing_content(briefing)


def briefing_document_context(briefing: Briefing, content: dict) -> dict:
    ranking_data = content.get("ranking") or {}
    return {
        "title": briefing.title,
        "number": briefing.number or _("(draft, not numbered)"),
        "org": briefing.org.name,
        "period": content["period"],
        "summary": briefing.summary,
        "good_practice": briefing.good_practice,
        "issued_on": briefing.published_on,
        "ranking_title": ranking_data.get("name", ""),
        "ranking_rows": [
            {
                "rank": r["rank"] if r["rank"] is not None else "—",
                "org": r["org"],
                "score": "—" if r["score"] is None else r["score"],
                "move": move_text(r["move"]),
            }
            for r in ranking_data.get("rows", [])
        ],
        "method": ranking_data.get("method", ""),
        "findings": content["findings"],
        "indicator_rows": content["indicator_rows"],
    }


def move_text(move) -> str:
    if move is None:
        return "—"
    if move > 0:
        return f"↑{move}"
    if move < 0:
        return f"↓{-move}"
    return "="


# ------------------------------------------------------------------ venues


def zero_by_township(user, root, key: tuple) -> list[dict]:
    """Per child of ``root``: its village and enterprise branches, with venue recorded, and those without (清零).

    ``key`` names the user, their scope and the day (as for ``core.prepared.kept``): the three queries are
    compiled once per key and root, their rows read afresh."""
    key = (*key, root.pk, root.path)
    orgs = children_of(root, key=key)
    branches = (
        Organisation.objects.visible_to(user)
        .current()
        .filter(
            sector__in=VENUE_SECTORS,
            kind__in=[OrgKind.BRANCH, OrgKind.GENERAL_BRANCH, OrgKind.JOINT_BRANCH],
        )
    )
    counts = indicators.subtree_rollup(branches, orgs, path_field="path", key=key, n=Count("pk"))
    venues = indicators.subtree_rollup(
        Venue.objects.visible_to(user).filter(org__in=branches),
        orgs,
        key=key,
        recorded=Count("pk"),
        missing=Count("pk", filter=Q(kind=VenueKind.NONE)),
    )
    return [
        {
            "org": o,
            "branches": counts[o.pk]["n"] or 0,
            "missing": venues[o.pk]["missing"] or 0,
            "unrecorded": (counts[o.pk]["n"] or 0) - (venues[o.pk]["recorded"] or 0),
        }
        for o in orgs
    ]


def venue_overview(user) -> tuple[dict, list[dict]]:
    """The venue page's figures over every venue the user sees (``total``, ``missing``) and its 清零 table
    (by child of the user's first committee when they see its whole subtree; else none). Its queries are
    the same on every visit: compiled once per user, scope and day, their rows read afresh."""
    key = ("supervision.venues", user.pk, scoping.get_scope(user), timezone.localdate())
    counts = kept(
        (*key, "counts"),
        lambda: aggregated(
            Venue.objects.visible_to(user),
            total=Count("pk"),
            missing=Count("pk", filter=Q(kind=VenueKind.NONE)),
        ),
    ).aggregate(model=Venue)
    roots = kept(
        (*key, "root"),
        lambda: (
            Organisation.objects.visible_to(user)
            .filter(kind__in=[OrgKind.COUNTY_COMMITTEE, OrgKind.TOWNSHIP_COMMITTEE])
            .order_by("path")[:1]
        ),
    ).objects(model=Organisation)
    roots = [o for o in roots if scoping.sees_whole_subtree(user, o)]
    return counts, zero_by_township(user, roots[0], key=key) if roots else []


# ------------------------------------------------------------------ panels and the dashboard


def org_panel(request, org):
    """The organisation page's panel: ratings year by year, weak-organisation flags and the venue."""
    user = request.user
    ratings = list(Rating.objects.visible_to(user).filter(org=org).order_by("-year"))
    weak = list(WeakOrg.objects.visible_to(user).filter(org=org).order_by("-year"))
    venue = Venue.objects.visible_to(user).filter(org=org).first()
    assessments = []
    confirmed = Assessment.objects.visible_to(user).filter(status=Assessment.Status.CONFIRMED, recipients=org)
    for assessment in confirmed.order_by("-year"):
        row = next((r for r in assessment.results["rows"] if r["org_id"] == org.pk), None)
        if row is not None:
            assessments.append((assessment, row))
    if not (ratings or weak or venue or assessments):
        return None
    return {"ratings": ratings, "weak": weak, "venue": venue, "assessments": assessments}


def home_block(request):
    """County and township users' dashboard: this month's ranking, open findings, weak organisations, 清零."""
    user = request.user
    scope = scoping.get_scope(user)
    if not (scope.everything or scope.can("brief")):
        return None
    # Every home page asks the same five queries of a user: compiled once per user, scope and month
    # (``core.prepared.kept``), their rows read afresh.
    key = ("supervision.home", user.pk, scope)
    roots = [
        o
        for o in kept(
            key,
            lambda: (
                Organisation.objects.visible_to(user)
                .filter(kind__in=[OrgKind.COUNTY_COMMITTEE, OrgKind.TOWNSHIP_COMMITTEE])
                .order_by("path")[:50]
            ),
        ).objects(model=Organisation)
        if scoping.sees_whole_subtree(user, o)
    ]
    if not roots:
        return None
    root = roots[0]
    today = timezone.localdate()
    month = month_start(today)
    ranked_month = last_complete_month(today)
    key = (*key, root.pk, root.path, month)
    ranking_set = next(
        iter(
            kept(
                (*key, "ranking set"),
                lambda: (
                    RankingSet.objects.visible_to(user)
                    .filter(org__path__in=_ancestor_paths(root))
                    .order_by("-org__depth", "pk")[:1]
                ),
            ).objects(model=RankingSet)
        ),
        None,
    )
    # The block shows places and scores, not moves: the month before is not computed. Its figures (the
    # last complete month's, for whole subtrees) may be a minute old: the block says as of when.
    recent = indicators.RECENT_SECONDS
    result = ranking(ranking_set, root, ranked_month, moves=False, max_age=recent) if ranking_set else None
    period = period_of(ranked_month)
    # The figures that matter (a rule parameter), not every registered one: each costs a query over its data.
    registered = {i.key for i in indicators.all_indicators()}
    figures = []
    as_of = result.as_of if result else None
    for name in params.split(params.DASHBOARD_INDICATORS.key):
        if name in registered:
            values, at = indicators.compute_recent(name, [root], period, max_age=recent)
            figures.append((indicators.get(name), values.get(root.pk)))
            as_of = min(filter(None, (as_of, at)), default=None)
    return {
        "root": root,
        "period": period,
        "figures": figures,
        "as_of": as_of,
        "chart": ranking_chart(result) if result else None,
        "ranking": result,
        "findings": kept(
            (*key, "findings"),
            lambda: aggregated(
                Visit.objects.visible_to(user).filter(
                    org__path__subtree=root.path,
                    status=Visit.Status.SUBMITTED,
                    visited_at__date__gte=month,
                ),
                f=Sum("finding_count"),
            ),
        ).aggregate(model=Visit)["f"]
        or 0,
        "weak": kept(
            (*key, "weak"),
            lambda: aggregated(
                WeakOrg.objects.visible_to(user)
                .filter(org__path__subtree=root.path)
                .exclude(status=WeakOrg.Status.LIFTED),
                n=Count("pk"),
            ),
        ).aggregate(model=WeakOrg)["n"],
        "zero": kept(
            (*key, "zero"),
            lambda: aggregated(
                Venue.objects.visible_to(user).filter(org__path__subtree=root.path, kind=VenueKind.NONE),
                n=Count("pk"),
            ),
        ).aggregate(model=Venue)["n"],
    }


def _ancestor_paths(org) -> list[str]:
    return [org.path[:n] for n in range(4, len(org.path) + 1, 4)]


def venue_standard(venue) -> list[tuple[str, bool]]:
    """Each item of the venue standard (六有, a rule parameter) and whether the venue meets it."""
    return [(item, item in venue.checked) for item in params.split(params.VENUE_CHECKLIST.key)]


def zero_chart(rows: list[dict]) -> dict:
    """清零 progress by township: branches with a venue and without."""
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {},
        "grid": {"left": 40, "right": 20, "bottom": 60, "containLabel": True},
        "xAxis": {
            "type": "category",
            "data": [r["org"].label for r in rows],
            "axisLabel": {"rotate": 30 if len(rows) > 6 else 0},
        },
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {
                "name": _("Without a venue"),
                "type": "bar",
                "stack": "zero",
                "data": [r["missing"] for r in rows],
            },
            {
                "name": _("Not recorded"),
                "type": "bar",
                "stack": "zero",
                "data": [r["unrecorded"] for r in rows],
            },
        ],
    }


@dataclass(frozen=True)
class _Candidate:
    """A branch as an indicator reads it: its id and path."""

    pk: int
    path: str


@dataclass
class Suggestion:
    org: object
    reasons: list  # WeakReason codes
    texts: list


@dataclass
class Suggestions:
    """The branches the data suggest flagging; none are judged when the scope holds more than
    ``WEAK_SUGGEST_MAX_BRANCHES`` branches (``too_many``: that number), until the user focuses on part of it."""

    rows: list[Suggestion] = field(default_factory=list)
    too_many: int | None = None

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


def weak_suggestions(user, limit: int = 20) -> Suggestions:
    """Branches the data suggest flagging: secretary vacant too long, too many overdue items (not yet flagged).

    Every branch in scope is judged (once only the first 500 by path were: a city's others never), as
    long as they are at most ``WEAK_SUGGEST_MAX_BRANCHES`` (a county's): a province's hundred thousand
    cost 8.5 s on every visit and a city's seven thousand a quarter of a second, and the first twenty by
    path would all lie in one county. Wider, nothing is judged until the user focuses on a county or
    township (the page says so).
    """
    from dangjian.orgs.selectors import annotate_health

    from .models import WeakReason

    if not scoping.can(user, "rate"):
        return Suggestions()
    today = timezone.localdate()
    branches = (
        Organisation.objects.where_can(user, "rate")
        .current()
        .filter(kind__in=[OrgKind.BRANCH, OrgKind.GENERAL_BRANCH, OrgKind.JOINT_BRANCH])
        .exclude(pk__in=WeakOrg.objects.exclude(status=WeakOrg.Status.LIFTED).values("org_id"))
    )
    # The same two queries on every visit: compiled once per user, scope, day and rule parameters (their rows
    # read afresh, so a branch flagged or given a secretary since drops out at once).
    most = settings.WEAK_SUGGEST_MAX_BRANCHES
    key = (
        "supervision.weak_suggestions",
        user.pk,
        scoping.get_scope(user),
        today,
        params_version(),
        limit,
        most,
    )
    # As the overdue indicator reads them (id and path), at most one more than are judged.
    candidates = [
        _Candidate(pk, path)
        for pk, path in kept(
            (*key, "candidates"), lambda: branches.order_by("path").values_list("pk", "path")[: most + 1]
        ).rows(model=Organisation)
    ]
    if len(candidates) > most:
        return Suggestions(too_many=most)
    found: dict[int, Suggestion] = {}
    # Vacant longer than the rule's days (or since ever), chosen in SQL before the first ``limit`` are taken:
    # cut first and judged after, twenty recent vacancies hid a branch vacant for years behind them.
    vacant_before = today - timedelta(days=param(params.VACANT_DAYS_SUGGESTS_WEAK.key))
    vacant = (
        annotate_health(branches)
        .filter(has_secretary=False)
        .annotate(vacant_since=Coalesce("secretary_vacant_since", "founded_on"))
        .filter(Q(vacant_since__isnull=True) | Q(vacant_since__lt=vacant_before))
    )
    for org in kept((*key, "vacant"), lambda: vacant.order_by("path")[:limit]).objects(model=Organisation):
        found[org.pk] = Suggestion(org, [WeakReason.SECRETARY], [_("Secretary post vacant")])
    overdue_key = "ledger.overdue_items"  # not ``key``: that names the kept queries above
    if overdue_key in {i.key for i in indicators.all_indicators()}:
        # Overdue as of today, not at the month's end (which counts what falls due later this month).
        values = indicators.compute(overdue_key, candidates, Period.so_far(today))
        threshold = param(params.OVERDUE_SUGGESTS_WEAK.key)
        overdue = [(c, n) for c in candidates if (n := values.get(c.pk) or 0) >= threshold][:limit]
        named = branches.in_bulk([c.pk for c, _n in overdue if c.pk not in found])
        for candidate, n in overdue:
            if candidate.pk not in found:
                found[candidate.pk] = Suggestion(named[candidate.pk], [], [])
            found[candidate.pk].reasons.append(WeakReason.OVERDUE)
            found[candidate.pk].texts.append(_("%(n)s overdue items") % {"n": n})
    return Suggestions(sorted(found.values(), key=lambda s: s.org.path)[:limit])


# ------------------------------------------------------------------ rating scoresheets


def sheet_for(org, year: int) -> Scoresheet | None:
    """The scoresheet that applies to ``org`` in ``year``: the one of its nearest ancestor that set one."""
    return (
        Scoresheet.objects.filter(year=year, org__path__in=_ancestor_paths(org))
        .exclude(org=org)
        .select_related("org")
        .order_by("-org__depth")
        .first()
    )


def indicator_points(value, full: float, higher_is_better: bool) -> float | None:
    """An indicator's figure as 0–100 points: higher is better, full marks at ``full`` and above; lower is
    better, full marks at 0 and none at ``full`` or above."""
    if value is None:
        return None
    share = min(max(float(value) / full, 0.0), 1.0)
    return round(100 * (share if higher_is_better else 1 - share), 1)


def sheet_prefill(sheet: Scoresheet, org) -> list[dict]:
    """The scoresheet's rows for ``org``: an item bound to an indicator carries its figure for the year and
    the points it earns; the others (and indicators without a figure) are left for the organisation to score."""
    period = Period.year(sheet.year)
    rows = []
    for item in sheet.items:
        value = points = None
        label = ""
        if item.get("indicator"):
            indicator = indicators.get(item["indicator"])
            label = str(indicator.label)
            value = indicators.compute(indicator.key, [org], period).get(org.pk)
            points = indicator_points(value, item["full"], indicator.higher_is_better)
        rows.append(
            {
                "name": item["name"],
                "weight": item["weight"],
                "indicator": item.get("indicator") or "",
                "indicator_label": label,
                "value": value,
                "points": points,
                "note": "",
            }
        )
    return rows


# ------------------------------------------------------------------ annual assessment


def assessment_results(assessment: Assessment) -> dict:
    """Each child's points per item (indicators over the year, manual scores as entered), total, grade and rank."""
    from .services import grade_for

    orgs = children_of(assessment.org)
    period = Period.year(assessment.year)
    indicator_items = [i for i in assessment.items if not i.get("manual")]
    rows = (
        compute_ranking(indicator_items, orgs, period) if indicator_items else [RankRow(org=o) for o in orgs]
    )
    total_weight = sum(i["weight"] for i in assessment.items)
    out = []
    for row in rows:
        manual = assessment.manual.get(str(row.org.pk), {})
        points = list(row.points)
        for item in assessment.items:
            if item.get("manual"):
                entry = manual.get(item["name"])
                points.append(entry["score"] if entry else None)
        ordered = indicator_items + [i for i in assessment.items if i.get("manual")]
        weighted = [(p, i["weight"]) for p, i in zip(points, ordered, strict=True) if p is not None]
        present = sum(w for _p, w in weighted)
        score = (
            round(sum(p * w for p, w in weighted) / present, 1)
            if present and present * 2 >= total_weight
            else None
        )
        out.append(
            {
                "org_id": row.org.pk,
                "org": row.org.label,
                "points": ["—" if p is None else p for p in points],
                "score": score,
                "grade": str(dict(Grade.choices)[grade_for(Decimal(str(score)))])
                if score is not None
                else "",
                "notes": [
                    manual[i["name"]]["note"] for i in ordered if i.get("manual") and i["name"] in manual
                ],
            }
        )
    ranked = [RankRow(org=r["org_id"], score=r["score"]) for r in out]
    _rank(ranked)
    for r, ranked_row in zip(out, ranked, strict=True):
        r["rank"] = ranked_row.rank
    out.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0))
    headers = [str(indicators.get(i["key"]).label) for i in indicator_items] + [
        i["name"] for i in assessment.items if i.get("manual")
    ]
    weights = [i["weight"] for i in indicator_items] + [
        i["weight"] for i in assessment.items if i.get("manual")
    ]
    return {"headers": headers, "weights": weights, "rows": out}


def assessment_view(assessment: Assessment) -> dict:
    """The frozen results once confirmed, the live ones while the office is scoring."""
    if assessment.status == Assessment.Status.CONFIRMED and assessment.results is not None:
        return assessment.results
    return assessment_results(assessment)
