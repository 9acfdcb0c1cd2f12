"""Reads for the indicators page: one indicator for an organisation's children, with the parent as total."""

from __future__ import annotations

from dataclasses import dataclass

from dangjian.core import indicators
from dangjian.core.indicators import Indicator, Period
from dangjian.core.scoping import sees_whole_subtree
from dangjian.orgs.models import Organisation


@dataclass
class IndicatorRow:
    org: Organisation
    value: float | int | None
    has_children: bool


def breakdown(
    user, indicator: Indicator, parent: Organisation, period: Period
) -> tuple[IndicatorRow, list[IndicatorRow]]:
    """The figure for ``parent`` (its whole subtree: the total row) and for each child the user may see.

    Two queries for the organisations plus the indicator's own (one per depth: two here).
    """
    children = list(
        Organisation.objects.current()
        .visible_to(user)
        .filter(path__subtree=parent.path, depth=parent.depth + 1)
        .order_by("sort_key", "path")
    )
    values = indicators.compute(indicator.key, [parent, *children], period)

    def shown(org):
        # A figure counts the whole subtree: none for an organisation whose subtree the user may not see.
        return values.get(org.pk) if sees_whole_subtree(user, org) else None

    total = IndicatorRow(org=parent, value=shown(parent), has_children=bool(children))
    rows = [IndicatorRow(org=c, value=shown(c), has_children=c.numchild > 0) for c in children]
    return total, rows


def chart(indicator: Indicator, rows: list[IndicatorRow]) -> dict:
    """An ECharts bar chart of the children's values."""
    return {
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 8, "right": 8, "bottom": 8, "top": 24, "containLabel": True},
        "xAxis": {"type": "category", "data": [r.org.label for r in rows], "axisLabel": {"rotate": 30}},
        "yAxis": {"type": "value", "name": str(indicator.unit)},
        "series": [{"type": "bar", "data": [r.value for r in rows], "name": str(indicator.label)}],
    }
