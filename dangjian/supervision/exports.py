"""Spreadsheets of supervision and assessment: the briefing's annex and the star plaques list (core.exports)."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from dangjian.core.exports import FORMULA_TRIGGERS, Column, xlsx_bytes

PLAQUE_COLUMNS = [
    Column(gettext_lazy("Organisation"), "org__name", width=30),
    Column(gettext_lazy("Year"), "year", width=8),
    Column(gettext_lazy("Stars"), "stars", width=8),
    Column(gettext_lazy("Classification"), "grade", render=lambda r: str(r.get_grade_display()), width=10),
    Column(
        gettext_lazy("Overall score"),
        "score",
        render=lambda r: float(r.score) if r.score is not None else "",
        width=10,
    ),
]


def plaques_xlsx(ratings) -> bytes:
    return xlsx_bytes(PLAQUE_COLUMNS, ratings, title=gettext_lazy("Star plaques"))


def briefing_xlsx(content: dict) -> bytes:
    """Two sheets: the ranking and every indicator per organisation (the figures the briefing shows)."""
    from openpyxl import Workbook, load_workbook

    sheets = []
    ranking = content.get("ranking")
    if ranking:
        columns = [
            Column(_("Rank"), "rank", width=6),
            Column(_("Organisation"), "org", width=20),
            Column(_("Score"), "score", width=8),
            Column(_("Moved"), "move", width=8),
            *[
                Column(label, f"cells_{i}", render=lambda r, i=i: r["cells"][i], width=14)
                for i, label in enumerate(ranking["columns"])
            ],
        ]
        rows = [{**r, "rank": r["rank"] if r["rank"] is not None else "—"} for r in ranking["rows"]]
        sheets.append((ranking["name"], columns, rows))
    columns = [
        Column(_("Organisation"), "org", width=20),
        *[
            Column(f"{c['label']}（{c['unit']}）", f"c{i}", render=lambda r, i=i: r["cells"][i], width=14)
            for i, c in enumerate(content["columns"])
        ],
    ]
    sheets.append((pgettext("briefing", "Indicators"), columns, content["indicator_rows"]))
    if content["findings"]:
        sheets.append(
            (
                _("Inspection findings"),
                [
                    Column(_("Organisation"), "org", width=20),
                    Column(_("Date"), "on", width=12),
                    Column(_("Problem"), "title", width=50),
                ],
                content["findings"],
            )
        )
    # One workbook with a sheet per table: each sheet written by core.exports, then put together.
    book = Workbook()
    book.remove(book.active)
    for title, cols, rows in sheets:
        part = load_workbook(io.BytesIO(xlsx_bytes(cols, rows, title=title)))
        source = part.active
        target = book.create_sheet(title=source.title)
        for r, row in enumerate(source.iter_rows(values_only=True), start=1):
            for c, value in enumerate(row, start=1):
                cell = target.cell(row=r, column=c)
                cell.value = value
                if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
                    cell.data_type = "s"  # text that looks like a formula stays text (as core.exports does)
                    cell.quotePrefix = True
        for key, dim in source.column_dimensions.items():
            target.column_dimensions[key].width = dim.width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
