"""Chart data (ECharts options as plain dicts, passed with json_script) and the roll-up spreadsheet.

The page never builds a chart in a template: it hands these dicts to ``static/js/charts.js``.
"""

from __future__ import annotations

from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.core.exports import Column, Layout, xlsx_bytes

from .figures import FIGURE, FIGURES


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
            {"name": _("On-time closure rate"), "type": "bar", "data": [r.on_time_rate for r in rows]},
            {"name": _("Overdue share"), "type": "bar", "data": [r.overdue_rate for r in rows]},
        ],
    }


def _org_name(row) -> str:
    return row.org.name if row.org is not None else str(_("Total"))


def rollup_columns() -> list[Column]:
    """The roll-up's columns: the organisation, then every figure of ``figures.FIGURES`` in its order."""
    from .selectors import COMPLETION_WORDS

    columns = [Column(gettext_lazy("Organisation"), "org", render=_org_name, width=28)]
    for figure in FIGURES:
        if figure.key == "open":
            # The published status words (DOMAIN.md §8), as offices report them; empty for stored months.
            columns += [
                Column(
                    word,
                    f"word_{i}",
                    render=lambda r, w=word: r.by_word.get(w) if r.by_word else None,
                    width=10,
                )
                for i, word in enumerate(COMPLETION_WORDS)
            ]
        header = figure.label
        if figure.key == "on_time_rate":
            header = format_lazy("{}（%）", figure.label)
        columns.append(
            Column(
                header,
                figure.key,
                render=lambda r, k=figure.key: r.value(k),
                width=12,
                help=figure.definition,
            )
        )
    return columns


def statistics_heading(title: str, *, root, user, period: str, extra=()) -> Layout:
    """The title block of a statistics sheet: 统计单位、统计时点、制表人, and 审核人 left for the signature."""
    facts = [
        (_("Organisation"), root.name if root is not None else ""),
        (_("As of"), period),
        *extra,
        (_("Prepared by"), str(user) if user is not None else ""),
        (_("Checked by"), "　" * 6),
    ]
    return Layout(title=title, facts=tuple((str(k), str(v)) for k, v in facts))


def rollup_xlsx(rows, total=None, *, heading: Layout | None = None) -> bytes:
    """The roll-up as shown, with its 合计 row and each figure's definition as the header's note."""
    rows = [*rows, total] if total is not None else list(rows)
    return xlsx_bytes(
        rollup_columns(),
        rows,
        title=gettext_lazy("Rectification statistics"),
        with_help=True,
        layout=heading,
    )


def ranking_xlsx(ranked, *, heading: Layout | None = None) -> bytes:
    """The ranking as shown: rank, organisation and the figures it is ranked by."""
    columns = [
        Column(gettext_lazy("Rank"), "rank", width=8),
        Column(gettext_lazy("Organisation"), "org", render=lambda r: r.row.org.name, width=28),
        *(
            Column(
                format_lazy("{}（%）", FIGURE[key].label) if key == "on_time_rate" else FIGURE[key].label,
                key,
                render=lambda r, k=key: r.row.value(k),
                width=12,
                help=FIGURE[key].definition,
            )
            for key in ("due", "closed_on_time", "on_time_rate", "overdue", "closed_late")
        ),
    ]
    return xlsx_bytes(columns, ranked, title=gettext_lazy("Ranking"), with_help=True, layout=heading)
