"""Indicators: named per-organisation, per-period figures that modules register.

A module registers each figure once, with its name, what it means in words, its unit and a
function ``compute(orgs, period) -> {org_id: value}`` that works out the figure for every
organisation's whole subtree in a fixed number of queries (``subtree_rollup`` does the
GROUP BY). Dashboards, rankings, briefings and the annual assessment read figures only
through ``compute``, so one figure has one definition everywhere it is shown.

This module imports no app: it works on any queryset whose rows reach an organisation
path, and on any organisation-like objects with ``pk``, ``path`` and ``depth``.
"""

from __future__ import annotations

import calendar
import sys
from collections.abc import Callable, Iterable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone

from . import registry
from .text import Text

# The length of one level of a treebeard materialised path (orgs.Organisation.steplen).
STEPLEN = 4

Value = float | int | None


@dataclass(frozen=True)
class Period:
    """A span of days that figures are computed for (a month, a quarter, a year)."""

    start: date
    end: date
    label: Text

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        last = calendar.monthrange(year, month)[1]
        return cls(date(year, month, 1), date(year, month, last), f"{year}-{month:02d}")

    @classmethod
    def so_far(cls, today: date) -> Period:
        """This month up to and including ``today``: figures as they stand today (a whole month's figure
        of the month in progress is as it will stand at the month's end, so counts what falls due later)."""
        return cls(today.replace(day=1), today, f"{today:%Y-%m}")

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31), str(year))

    @classmethod
    def parse(cls, text: str) -> Period:
        """ "2026" or "2026-11" (ValueError otherwise)."""
        text = (text or "").strip()
        if len(text) == 4 and text.isdigit():
            return cls.year(int(text))
        if len(text) == 7 and text[4] == "-" and text[:4].isdigit() and text[5:].isdigit():
            month = int(text[5:])
            if 1 <= month <= 12:
                return cls.month(int(text[:4]), month)
        raise ValueError(text)

    def previous(self) -> Period:
        """The period of the same length just before this one."""
        if self.start.month == 1 and self.end.month == 12:
            return Period.year(self.start.year - 1)
        if self.start.month == 1:
            return Period.month(self.start.year - 1, 12)
        return Period.month(self.start.year, self.start.month - 1)


@dataclass(frozen=True)
class Indicator:
    """One registered figure.

    ``description`` says in words what is counted and how (shown next to every figure);
    ``higher_is_better`` orders rankings; ``compute(orgs, period)`` returns a value per
    organisation id (its whole subtree counted), None where the figure is undefined (a rate
    with nothing to divide by).
    """

    key: str
    label: Text
    description: Text
    unit: str
    module: str
    compute: Callable[[Sequence, Period], dict[int, Value]]
    higher_is_better: bool = True
    decimals: int = 0


def register(indicator: Indicator) -> Indicator:
    """Add an indicator (from a module's ``indicators`` module, imported by its ModuleConfig)."""
    known = registry.indicators.get(indicator.key)
    if known is not None and known.compute is not indicator.compute:
        raise ImproperlyConfigured(f"Two indicators are registered as {indicator.key!r}.")
    registry.indicators[indicator.key] = indicator
    return indicator


def all_indicators() -> list[Indicator]:
    """Every registered indicator, by module then key."""
    return sorted(registry.indicators.values(), key=lambda i: (i.module, i.key))


def get(key: str) -> Indicator:
    """The indicator registered as ``key`` (KeyError with the known keys otherwise)."""
    try:
        return registry.indicators[key]
    except KeyError:
        raise KeyError(f"unknown indicator {key!r}; known: {sorted(registry.indicators)}") from None


def compute(key: str, orgs: Iterable, period: Period) -> dict[int, Value]:
    """The figure ``key`` for each organisation of ``orgs`` (its subtree) over ``period``.

    A month that has ended is read from the daily run's record where it holds the organisation
    (``IndicatorRecord``: one query), and worked out for the others."""
    return compute_many([key], orgs, [period])[key, period]


def compute_many(
    keys: Sequence[str], orgs: Iterable, periods: Sequence[Period]
) -> dict[tuple[str, Period], dict[int, Value]]:
    """``compute`` for several indicators and periods at once (a ranking's months): the records of the
    months that have ended are read in one query, whatever is not recorded is worked out by each
    indicator (one query per depth of the organisations left)."""
    orgs = list(orgs)
    today = timezone.localdate()
    ended = [p for p in periods if is_recorded_period(p) and p.end < today]
    found = _read_records(keys, orgs, ended) if orgs else {}
    result = {}
    for key in keys:
        indicator = get(key)
        for period in periods:
            values = dict(found.get((key, period.start, period.end), {}))
            missing = [org for org in orgs if org.pk not in values]
            if missing:
                values.update(_computed_kept(indicator, missing, period, today))
            result[key, period] = {org.pk: values.get(org.pk) for org in orgs}
    return result


# An indicator's roll-ups asked by a page (a ranking's six months, the weak suggestions' overdue count) are
# the same queries on every visit: ``compute_many`` has them compiled once per indicator, period, day,
# organisations and rule parameters (``subtree_rollup`` reads the key from here and adds the parameters),
# their rows read afresh. The daily record calls the indicators itself, once per month and subtree: nothing
# of it is kept.
_KEEPING: ContextVar[list | None] = ContextVar("dangjian_indicator_keeping", default=None)


def _computed_kept(indicator: Indicator, orgs: list, period: Period, today: date) -> dict[int, Value]:
    key = (
        "core.indicators",
        indicator.key,
        period.start,
        period.end,
        today,
        tuple((o.pk, o.path) for o in orgs),
    )
    # [key, {call site: roll-ups asked there so far}]: the n-th roll-up asked at one line of an indicator is
    # the same query whenever the key is the same. An indicator whose roll-ups depend on rows it read
    # first (none does) would pass ``subtree_rollup`` a key of its own.
    token = _KEEPING.set([key, {}])
    try:
        return indicator.compute(orgs, period)
    finally:
        _KEEPING.reset(token)


# How old a figure on a dashboard may be (seconds): the pages that show them say as of when.
RECENT_SECONDS = 60


def compute_recent(
    key: str, orgs: Iterable, period: Period, *, max_age: int = RECENT_SECONDS
) -> tuple[dict[int, Value], datetime | None]:
    """``compute``, reusing figures computed at most ``max_age`` seconds ago; and as of when (the oldest).

    For pages asked all day whose figures may be a minute old (the home page's dashboard): a figure
    counts an organisation's whole subtree whoever asks, so one computation serves every user allowed to
    see it (callers check that, as for ``compute``). Kept in the cache by indicator, period and
    organisation (its path too: a moved organisation is another subtree). None as of: nothing asked.
    """
    orgs = list(orgs)
    if not orgs:
        return {}, None
    keys = {
        org.pk: f"dangjian:indicator:{key}:{period.start}:{period.end}:{org.pk}:{org.path}" for org in orgs
    }
    found = cache.get_many(list(keys.values()))
    missing = [org for org in orgs if keys[org.pk] not in found]
    if missing:
        now = timezone.now()
        computed = compute(key, missing, period)
        fresh = {keys[org.pk]: (computed[org.pk], now) for org in missing}
        cache.set_many(fresh, max_age)
        found.update(fresh)
    values = {org.pk: found[keys[org.pk]][0] for org in orgs}
    return values, min(found[keys[org.pk]][1] for org in orgs)


# ------------------------------------------------------------------ the subtree roll-up helper


def _common_prefix(paths: list[str]) -> str:
    """The longest path that is an ancestor-or-self of every path (whole levels only)."""
    first, last = min(paths), max(paths)
    n = 0
    while n < min(len(first), len(last)) and first[n] == last[n]:
        n += 1
    return first[: n - n % STEPLEN]


# Up to this many organisations of one depth are filtered subtree by subtree, more by their common prefix.
FEW_SUBTREES = 50


def subtree_rollup(
    queryset: QuerySet,
    orgs: Iterable,
    *,
    path_field: str = "org__path",
    key: tuple | None = None,
    **aggregates,
) -> dict[int, dict]:
    """Aggregates of ``queryset`` over each organisation's subtree: ``{org_id: {name: value}}``.

    One GROUP BY per distinct depth among ``orgs`` (so 3 or 300 townships cost one query):
    rows are grouped by the prefix of their organisation path at that depth. Organisations
    with no rows get None for each aggregate (the caller decides what an empty subtree means).

    With ``key`` (a dotted name and everything ``queryset`` depends on: the user, their scope, the day, as
    for ``core.prepared.kept``) each query is compiled once per key and set of subtrees and its rows read
    afresh: a page showing the same roll-up on every visit does not compile it each time. Called by an
    indicator inside ``compute_many`` (every page's figures), the key is the indicator's, the period, the
    day, the rule parameters and the organisations asked, with the line it is called from.
    """
    if key is None and (keeping := _KEEPING.get()) is not None:
        caller = sys._getframe(1)  # inside ``compute_many``: the n-th roll-up asked at the indicator's line
        site = (caller.f_code.co_filename, caller.f_lineno)
        keeping[1][site] = n = keeping[1].get(site, 0) + 1
        from .params import version  # core.params reads the database: imported when used

        key = (*keeping[0], version(), *site, n)  # and the rule parameters in force
    if key is not None:
        from .prepared import kept  # core.prepared reads the database router: imported when used
    by_depth: dict[int, list] = {}
    for org in orgs:
        by_depth.setdefault(len(org.path) // STEPLEN, []).append(org)
    result: dict[int, dict] = {}
    for group in by_depth.values():
        rows: Iterable[dict]
        if key is None:
            rows = _rollup_query(queryset, group, path_field, aggregates)
        else:
            rows = kept(
                (*key, "subtree_rollup", path_field, tuple(o.path for o in group), tuple(aggregates)),
                lambda group=group: _rollup_query(queryset, group, path_field, aggregates),
            ).values(model=queryset.model)
        by_branch = {row.pop("_branch"): row for row in rows}
        for org in group:
            result[org.pk] = by_branch.get(org.path) or dict.fromkeys(aggregates)
    return result


def _rollup_query(queryset: QuerySet, group: list, path_field: str, aggregates: dict) -> QuerySet:
    """The GROUP BY of ``queryset`` by the path prefix of ``group``'s depth (organisations of one depth)."""
    prefix_len = len(group[0].path)
    qs = queryset
    if len(group) <= FEW_SUBTREES:
        # Each subtree's own range: the three cities a ranking still has to count live are not the
        # whole province their common prefix would be.
        within = Q(pk__in=[])
        for org in group:
            within |= Q(**{f"{path_field}__subtree": org.path})
        qs = qs.filter(within)
    elif common := _common_prefix([o.path for o in group]):
        qs = qs.filter(Q(**{f"{path_field}__subtree": common}))
    return (
        qs.annotate(_branch=Substr(path_field, 1, prefix_len))
        .order_by()
        .values("_branch")
        .annotate(**aggregates)
    )


# ------------------------------------------------------------------ the record of months that have ended


def is_recorded_period(period: Period) -> bool:
    """Whether the daily run records ``period``'s figures once it has ended: a whole calendar month.

    The record is read for any month that has ended by today (the last one may have none yet); a month in
    progress, or a part of one (``Period.so_far``), is always worked out. So what a page costs depends on
    the period it asks for, not on the day it is asked."""
    last_day = calendar.monthrange(period.start.year, period.start.month)[1]
    return period.start.day == 1 and period.end == period.start.replace(day=last_day)


def _as_recorded(indicator: Indicator, value: float | None) -> Value:
    """A stored figure as the indicator gives it: counts as whole numbers."""
    if value is not None and not indicator.decimals and float(value).is_integer():
        return int(value)
    return value


def _read_records(keys: Sequence[str], orgs: list, periods: list[Period]) -> dict:
    """{(key, start, end): {org_id: value}} of the records of ``orgs`` at their present path (one query)."""
    candidates = {org.pk: org.path for org in orgs}
    if not periods or not candidates:
        return {}
    from .models import IndicatorRecord

    spans = {(p.start, p.end) for p in periods}
    rows = IndicatorRecord.objects.filter(
        key__in=list(keys),
        start__in={s for s, _e in spans},
        org_id__in=list(candidates),
    ).values_list("key", "start", "end", "org_id", "path", "value")
    found: dict[tuple, dict[int, Value]] = {}
    for key, start, end, org_id, path, value in rows:
        if (start, end) in spans and candidates[org_id] == path:
            found.setdefault((key, start, end), {})[org_id] = _as_recorded(get(key), value)
    return found


def recorded_orgs() -> list:
    """The current organisations whose figures the daily run records: a subtree of at least
    ``INDICATOR_RECORD_MIN_ORGS`` current organisations (one GROUP BY per depth of those with children)."""
    from .models import IndicatorRecord

    # The organisation model through the record's key: this module imports no app.
    organisations: Any = IndicatorRecord._meta.get_field("org").related_model._default_manager
    parents = list(organisations.current().filter(numchild__gt=0).only("pk", "path", "depth", "numchild"))
    if not parents:
        return []
    sizes = subtree_rollup(organisations.current(), parents, path_field="path", n=Count("pk"))
    return [org for org in parents if (sizes[org.pk]["n"] or 0) >= settings.INDICATOR_RECORD_MIN_ORGS]


def months_to_record(today: date) -> list[Period]:
    """The last ``INDICATOR_RECORD_MONTHS`` months that have ended, oldest first."""
    months: list[Period] = []
    first = today.replace(day=1)
    for _i in range(settings.INDICATOR_RECORD_MONTHS):
        first = (first - timedelta(days=1)).replace(day=1)
        months.insert(0, Period.month(first.year, first.month))
    return months


def record(*, today: date) -> dict[str, int]:
    """``manage.py daily``: every indicator's figures of the months that have ended, for the organisations
    of ``recorded_orgs``. A month within ``INDICATOR_SETTLE_DAYS`` of its end is worked out again (late
    registrations count); an older one only when it has no record yet (a first run, a new indicator), and
    then kept as it stood. Each indicator's month is replaced whole in its own transaction: safe to run twice.
    """
    from .models import IndicatorRecord

    months = months_to_record(today)
    orgs = recorded_orgs()
    if not months or not orgs:
        return {"indicator_figures": 0}
    have = set(
        IndicatorRecord.objects.filter(start__gte=months[0].start).values_list("key", "start").distinct()
    )
    written = 0
    for period in months:
        settled = today > period.end + timedelta(days=settings.INDICATOR_SETTLE_DAYS)
        todo = [i for i in all_indicators() if not (settled and (i.key, period.start) in have)]
        memo = _shared.set({})  # work two indicators share is done once for the month
        try:
            figures = [(indicator, indicator.compute(orgs, period)) for indicator in todo]
        finally:
            _shared.reset(memo)
        for indicator, values in figures:
            rows = [
                IndicatorRecord(
                    key=indicator.key,
                    org_id=org.pk,
                    path=org.path,
                    start=period.start,
                    end=period.end,
                    value=values.get(org.pk),
                    recorded_on=today,
                )
                for org in orgs
            ]
            with transaction.atomic():
                IndicatorRecord.objects.filter(key=indicator.key, start=period.start, end=period.end).delete()
                IndicatorRecord.objects.bulk_create(rows, batch_size=2000)
            written += len(rows)
    return {"indicator_figures": written}


# Work shared by several indicators of one record run (a month), by key; outside a run there is none.
_shared: ContextVar[dict | None] = ContextVar("dangjian_indicator_shared", default=None)


def shared(key: tuple, work: Callable[[], Any]) -> Any:
    """``work()``, done once per month of a record run for the same ``key`` (two figures from one roll-up of
    a whole province); outside a record run it is simply done."""
    memo = _shared.get()
    if memo is None:
        return work()
    if key not in memo:
        memo[key] = work()
    return memo[key]


def record_now() -> None:
    """The demo's last step: past months' figures recorded as the daily run leaves them."""
    record(today=timezone.localdate())


def rate(numerator: Value, denominator: Value, decimals: int = 1) -> float | None:
    """numerator ÷ denominator as a percentage, None when there is nothing to divide by."""
    if not denominator:
        return None
    return round(100.0 * (numerator or 0) / denominator, decimals)
