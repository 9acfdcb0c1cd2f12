"""Chart data (ECharts options as plain dicts, passed with json_script) and the roll-up spreadsheet.

The page never builds a chart in a template: it hands these dicts to ``static/js/charts.js``.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.core.exports import Column, xlsx_bytes


def _rate(value) -> float | None:
    return None if value is None else round(value * 100, 1)


def by_org(rows) -> dict:
    """A grouped bar chart: closed on time, closed late, open and overdue per child organisation."""
    labels = [r.org.label for r in rows]
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {},
        "grid": {"left": 40, "right": 20, "bottom": 60, "containLabel": True},
        "xAxis": {"type": "category", "data": labels, "axisLabel": {"rotate": 30 if len(labels) > 6 else 0}},
        "yAxis": {"type": "value"},
        "series": [
            {
                "name": _("Closed on time"),
                "type": "bar",
                "stack": "all",
                "data": [r.closed_on_time for r in rows],
            },
            {"name": _("Closed late"), "type": "bar", "stack": "all", "data": [r.closed_late for r in rows]},
            {
                "name": _("Open, not overdue"),
                "type": "bar",
                "stack": "all",
                "data": [r.open - r.overdue for r in rows],
            },
            {"name": _("Overdue"), "type": "bar", "stack": "all", "data": [r.overdue for r in rows]},
        ],
    }


def ageing(buckets: list[tuple[str, int]]) -> dict:
    """A bar chart of overdue items by days overdue."""
    return {
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 40, "right": 20, "bottom": 40, "containLabel": True},
        "xAxis": {"type": "category", "data": [label for label, _n in buckets]},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [{"name": _("Overdue items"), "type": "bar", "data": [n for _label, n in buckets]}],
    }


def by_level(rows) -> dict:
    """On-time closure rate and overdue share by tree level (上热中温下凉)."""
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {},
        "grid": {"left": 40, "right": 20, "bottom": 40, "containLabel": True},
        "xAxis": {"type": "category", "data": [str(r.label) for r in rows]},
        "yAxis": {"type": "value", "max": 100, "axisLabel": {"formatter": "{value}%"}},
        "series": [
            {"name": _("On-time closure rate"), "type": "bar", "data": [_rate(r.on_time_rate) for r in rows]},
            {"name": _("Overdue share"), "type": "bar", "data": [_rate(r.overdue_rate) for r in rows]},
        ],
    }


def _percent(value) -> str:
    return "" if value is None else f"{value * 100:.1f}%"


# Headers are written in the spreadsheet language (core.exports.xlsx_bytes), whatever the screen shows.
ROLLUP_COLUMNS = [
    Column(gettext_lazy("Organisation"), "org__name", width=28),
    Column(gettext_lazy("Total items"), "total", width=10),
    Column(gettext_lazy("Not closed"), "open", width=10),
    Column(gettext_lazy("Closed"), "closed", width=10),
    Column(gettext_lazy("Closed on time"), "closed_on_time", width=10),
    Column(gettext_lazy("Closed late"), "closed_late", width=10),
    Column(
        gettext_lazy("On-time closure rate"),
        "on_time_rate",
        render=lambda r: _percent(r.on_time_rate),
        width=12,
    ),
    Column(gettext_lazy("Overdue, not closed"), "overdue", width=10),
    Column(gettext_lazy("Most days overdue"), "overdue_days_max", width=12),
]


def rollup_xlsx(rows) -> bytes:
    return xlsx_bytes(ROLLUP_COLUMNS, rows, title=gettext_lazy("Rectification statistics"))
