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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q, QuerySet
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
    """The figure ``key`` for each organisation of ``orgs`` (its subtree) over ``period``."""
    orgs = list(orgs)
    if not orgs:
        return {}
    values = get(key).compute(orgs, period)
    return {org.pk: values.get(org.pk) for org in orgs}


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


def subtree_rollup(
    queryset: QuerySet, orgs: Iterable, *, path_field: str = "org__path", **aggregates
) -> dict[int, dict]:
    """Aggregates of ``queryset`` over each organisation's subtree: ``{org_id: {name: value}}``.

    One GROUP BY per distinct depth among ``orgs`` (so 3 or 300 townships cost one query):
    rows are grouped by the prefix of their organisation path at that depth. Organisations
    with no rows get None for each aggregate (the caller decides what an empty subtree means).
    """
    by_depth: dict[int, list] = {}
    for org in orgs:
        by_depth.setdefault(len(org.path) // STEPLEN, []).append(org)
    result: dict[int, dict] = {}
    for depth, group in by_depth.items():
        prefix_len = depth * STEPLEN
        common = _common_prefix([o.path for o in group])
        qs = queryset
        if common:
            qs = qs.filter(Q(**{f"{path_field}__subtree": common}))
        rows = (
            qs.annotate(_branch=Substr(path_field, 1, prefix_len))
            .order_by()
            .values("_branch")
            .annotate(**aggregates)
        )
        by_branch = {row.pop("_branch"): row for row in rows}
        for org in group:
            result[org.pk] = by_branch.get(org.path) or dict.fromkeys(aggregates)
    return result


def rate(numerator: Value, denominator: Value, decimals: int = 1) -> float | None:
    """numerator ÷ denominator as a percentage, None when there is nothing to divide by."""
    if not denominator:
        return None
    return round(100.0 * (numerator or 0) / denominator, decimals)
