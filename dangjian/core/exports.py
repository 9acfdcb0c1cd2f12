"""Import and export of spreadsheets: one mechanism for every roster and ledger.

An app describes its columns once (``Column``) and subclasses ``Importer`` for the
checks of its rows. Imports read the whole file, validate every row, report problems
by row and column in plain Chinese, and only then write all rows in one transaction
(or none). Exports stream the filtered queryset a page shows, in the same columns, so
an export imports again cleanly.
"""

from __future__ import annotations

import functools
import io
import operator
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Any

from django.conf import settings
from django.db import connections, router, transaction
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.encoding import escape_uri_path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from . import params
from .hanzi import clean_cell, needs_cleaning, to_simplified
from .spreadsheets import ALLOWED_SUFFIXES, SpreadsheetRefused, check_workbook, unreadable_message
from .text import Text

__all__ = ["ALLOWED_SUFFIXES"]  # imported from here by the apps' importers

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Yes/no cells are part of the spreadsheet contract: always these words, whatever the screen language.
YES, NO = "是", "否"

# Other words offices write for a choice: "别名=标准值" pairs separated by ；, administrators add their own.
SYNONYMS = params.declare(
    "core.import_synonyms",
    "男性=男；女性=女；本科=大学本科；大学=大学本科；大专=大学专科；专科=大学专科；硕士=研究生；博士=研究生；"
    "硕士研究生=研究生；博士研究生=研究生；初中=初中及以下；小学=初中及以下；正式=正式党员；预备=预备党员；"
    "农民=农牧渔民；退休=离退休人员；离休=离退休人员；汉=汉族；Y=是；N=否；有=是；无=否",
    gettext_lazy("Other words accepted for choice values in imports (别名=标准值, separated by ；)"),
    kind=str,
)


def synonyms() -> Mapping[str, str]:
    """{other word: standard label} from the synonyms parameter (read for each cell of a choice column:
    parsed once per value of the parameter)."""
    return _synonyms_of(str(params.get(SYNONYMS.key)))


@functools.lru_cache(maxsize=8)
def _synonyms_of(text: str) -> Mapping[str, str]:
    pairs = re.split(r"[；;，,\n]+", text)
    return MappingProxyType(
        {a.strip(): b.strip() for a, _sep, b in (p.partition("=") for p in pairs) if a.strip() and b.strip()}
    )


def enumerate_names(names: Iterable[str]) -> str:
    """Names joined the way the user's language lists them (、 in Chinese)."""
    return pgettext("list separator", ", ").join(str(n) for n in names)


class CellError(ValueError):
    """A cell value that cannot be used; the message says what to fix."""


@dataclass(frozen=True)
class Column:
    """One spreadsheet column: its header, how to read a cell, how to write a record."""

    header: str
    key: str
    required: bool = False
    parse: Callable[[object], object] | None = None
    render: Callable[[object], object] | None = None
    help: Text = ""
    width: int = 14
    as_text: bool = False  # the template formats the column as text (ID numbers keep their digits)

    def value_of(self, obj):
        if self.render is not None:
            return self.render(obj)
        value = obj
        for part in self.key.split("__"):
            value = getattr(value, part, None) if not isinstance(value, dict) else value.get(part)
            if value is None:
                return ""
        return value


@dataclass
class RowError:
    row: int  # spreadsheet row number as the user sees it (header is row 1)
    column: str  # column header, or "" for the whole row/file
    message: str

    def __str__(self) -> str:
        values = {"row": self.row, "column": self.column, "message": self.message}
        if self.row and self.column:
            return _("Row %(row)s, column “%(column)s”: %(message)s") % values
        if self.row:
            return _("Row %(row)s: %(message)s") % values
        if self.column:
            return _("File, column “%(column)s”: %(message)s") % values
        return _("File: %(message)s") % values


@dataclass
class ParsedRow:
    number: int
    values: dict
    errors: list[RowError] = field(default_factory=list)


@dataclass
class ImportPreview:
    """Everything the user sees before confirming: the rows and every problem in them."""

    rows: list[ParsedRow]
    file_errors: list[RowError]

    @property
    def errors(self) -> list[RowError]:
        return [*self.file_errors, *(e for r in self.rows for e in r.errors)]

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


class ImportRefused(Exception):
    """Raised when an import is confirmed while it still has problems; nothing was written."""

    def __init__(self, errors: list[RowError], preview: ImportPreview | None = None):
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors
        self.preview = preview


# ---------------------------------------------------------------- cell parsers


def text(value) -> str:
    """A cell as text, as offices type it: full-width digits and letters as ASCII, no stray spaces."""
    if value.__class__ is str:  # most cells (1.8 million in a 100 000-row roster): nothing to clean
        return value if needs_cleaning(value) is None else clean_cell(value)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean_cell(str(value))


_DATE_PATTERNS = [
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]


def parse_date(value) -> date | None:
    """A date from a cell: a real date, 2026-11-22, 2026/11/22, 2026年11月22日 or 20261122."""
    if value.__class__ is date:  # a date cell, as most are
        return value
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 1 < value < 2958466:
        return date(1899, 12, 30) + timedelta(days=int(value))
    raw = text(value)
    if " " in raw:
        raw = raw.split(" ", 1)[0]
    for pattern in _DATE_PATTERNS:
        m = pattern.match(raw)
        if m:
            try:
                return date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError as exc:
                raise CellError(_("The date “%(value)s” does not exist") % {"value": raw}) from exc
    raise CellError(_("“%(value)s” is not a date; write it as 2026-11-22") % {"value": raw})


def sheet_labels(choices) -> dict[str, str]:
    """{stored value: label} in the spreadsheet language (the site's default, Chinese).

    Spreadsheets are a contract with other offices: their cells read the same whatever
    language the user's screen is in.
    """
    with translation.override(settings.LANGUAGE_CODE):
        return {str(value): str(label) for value, label in choices}


def choice_parser(choices) -> Callable[[object], str]:
    """A parser that accepts a choice's label (in the spreadsheet language or the user's) or its stored value."""
    maps: dict[str, Any] = {}

    def lookup() -> dict:
        # Built on first use: labels are lazy translations, not ready when columns are declared.
        if not maps:
            sheet = sheet_labels(choices)
            by_label = {str(label): str(value) for value, label in choices}
            by_label.update({label: value for value, label in sheet.items()})
            by_label.update({value: value for value in sheet})
            maps["by_label"] = by_label
            maps["allowed"] = list(sheet.values())
        return maps

    def parse(value):
        raw = text(value)
        if not raw:
            return ""
        by_label = lookup()["by_label"]
        found = by_label.get(raw)
        if found is not None:
            return found
        # Traditional characters (“預備黨員”) and the common other words (“本科”, “男性”).
        plain = to_simplified(raw)
        for candidate in (plain, synonyms().get(raw), synonyms().get(plain)):
            if candidate is not None and candidate in by_label:
                return by_label[candidate]
        raise CellError(
            _("“%(value)s” is not one of the allowed values (%(allowed)s)")
            % {"value": raw, "allowed": enumerate_names(lookup()["allowed"])}
        )

    parse.allowed = lambda: lookup()["allowed"]  # type: ignore[attr-defined]  # the template's drop-down (data validation)
    return parse


def choice_renderer(choices, attr: str) -> Callable[[object], str]:
    """A renderer writing ``obj.<attr>`` as its label in the spreadsheet language."""
    labels: dict[str, str] = {}

    def render(obj):
        if not labels:
            labels.update(sheet_labels(choices))
        value = getattr(obj, attr, "")
        return labels.get(str(value), value or "")

    return render


def parse_int(value) -> int | None:
    """A whole number from a cell (12, 12.0 or "12"), or None when empty."""
    raw = text(value)
    if not raw:
        return None
    try:
        number = float(raw)
    except ValueError as exc:
        raise CellError(_("“%(value)s” is not a whole number") % {"value": raw}) from exc
    if not number.is_integer() or number < 0:
        raise CellError(_("“%(value)s” is not a whole number") % {"value": raw})
    return int(number)


def yes_no(value) -> bool:
    raw = text(value)
    raw = synonyms().get(raw, raw)
    if raw in ("", NO, "0", "N", "n", "no", "False", "false"):
        return False
    if raw in (YES, "1", "Y", "y", "yes", "True", "true"):
        return True
    raise CellError(
        _("“%(value)s”: please write “%(yes)s” or “%(no)s”") % {"value": raw, "yes": YES, "no": NO}
    )


def render_date(value) -> str:
    return value.isoformat() if value else ""


# ---------------------------------------------------------------- reading


def read_sheet(upload, *, max_bytes: int | None = None) -> tuple[list[list], list[RowError]]:
    """The first sheet's non-empty rows as lists of cell values, or a file-level error."""
    numbered, errors = read_numbered_rows(upload, max_bytes=max_bytes)
    return [cells for _number, cells in numbered], errors


def read_numbered_rows(
    upload, *, max_bytes: int | None = None
) -> tuple[list[tuple[int, list]], list[RowError]]:
    """The first sheet's non-empty rows with the row number the user sees in Excel.

    ``upload`` is an uploaded file (anything with ``name`` and ``read``) or a path. Every file
    passes ``core.spreadsheets.check_workbook`` first: nothing too large is ever handed to the reader.
    """
    name = getattr(upload, "name", "") or ""
    suffix = Path(name).suffix.lower()
    limit = max_bytes or settings.UPLOAD_MAX_MB * 1024 * 1024
    size = getattr(upload, "size", None)
    if size is None and isinstance(upload, str | Path) and Path(upload).is_file():
        size = Path(upload).stat().st_size
    too_large = RowError(
        0, "", _("File too large: it may not exceed %(mb)s MB.") % {"mb": limit // (1024 * 1024)}
    )
    if suffix in ALLOWED_SUFFIXES and size is not None and size > limit:
        return [], [too_large]
    data = b""
    if suffix in ALLOWED_SUFFIXES:
        data = upload.read(limit + 1) if hasattr(upload, "read") else Path(upload).read_bytes()
        if len(data) > limit:
            return [], [too_large]
        if not data:
            return [], [RowError(0, "", _("The file is empty: fill in the template, then upload it again."))]
    try:
        # Type, zip directory and the sheet's extent, before any reader allocates anything.
        check_workbook(data, suffix)
    except SpreadsheetRefused as refused:
        return [], [RowError(0, "", str(refused))]
    return _calamine_rows(data)


def _calamine_rows(data: bytes) -> tuple[list[tuple[int, list]], list[RowError]]:
    """Rows of a checked workbook's first sheet, converted one at a time; empty rows dropped."""
    from python_calamine import CalamineWorkbook

    numbered: list[tuple[int, list]] = []
    try:
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
        # Rows come from row 1 (leading empty rows included), so a row's index + 1 is the number Excel shows.
        for number, cells in enumerate(sheet.iter_rows(), start=1):
            if any(map(text, cells)):
                numbered.append((number, list(cells)))
    except Exception:
        return [], [RowError(0, "", unreadable_message())]
    if not numbered:
        return [], [RowError(0, "", _("The file is empty: fill in the template, then upload it again."))]
    return numbered, []


class Importer:
    """Validate every row of a spreadsheet, then write all of them or none.

    Subclasses set ``columns`` and implement ``check_row`` (single-row rules that need
    the database, e.g. "organisation exists"), optionally ``check_all`` (cross-row rules,
    e.g. duplicates) and ``write`` (the bulk insert).
    """

    columns: list[Column] = []
    title = gettext_lazy("Import")

    def __init__(self, *, actor=None, context: dict | None = None, progress=None):
        self.actor = actor
        self.context = context or {}
        # A job's ``core.jobs.Progress`` when the import runs as a task: rows checked, then rows written.
        self.progress = progress if progress is not None else _NoProgress()

    # -- template and export share the columns
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    def template(self) -> bytes:
        return xlsx_bytes(self.columns, [], title=self.title, with_help=True)

    # -- reading
    @params.read_once()  # a rule parameter read for a row is read once for the file, not once a row
    def preview(self, upload) -> ImportPreview:
        raw_rows, file_errors = read_numbered_rows(upload)
        if file_errors:
            return ImportPreview([], file_errors)
        header_number, header_cells = raw_rows[0]
        header = [text(c) for c in header_cells]
        missing = [c.header for c in self.columns if c.header not in header]
        unknown = [h for h in header if h and h not in self.headers()]
        if missing or unknown:
            msg = _("The header row does not match the template: ")
            if missing:
                msg += _("missing columns %(columns)s; ") % {
                    "columns": enumerate_names(f"“{h}”" for h in missing)
                }
            if unknown:
                msg += _("extra columns %(columns)s; ") % {
                    "columns": enumerate_names(f"“{h}”" for h in unknown)
                }
            msg += _("use the downloaded template and do not change the first row.")
            return ImportPreview([], [RowError(header_number, "", msg)])
        if len(raw_rows) == 1:
            return ImportPreview(
                [], [RowError(0, "", _("The file has only the header row and no data rows."))]
            )
        self.progress.total = 2 * (len(raw_rows) - 1)  # each row is checked, then written
        self.progress.message = _("Checking rows")
        index = {h: i for i, h in enumerate(header)}
        # Each column's key, place, parser and whether it is required, looked up once for the file.
        plan = [(c.key, index[c.header], c.parse or text, c.required, c.header) for c in self.columns]
        width = len(header)
        parsed: list[ParsedRow] = []
        for offset, cells in raw_rows[1:]:
            if len(cells) < width:
                cells = [*cells, *[None] * (width - len(cells))]
            row = ParsedRow(offset, {})
            values = row.values
            for key, i, parse, required, header_text in plan:
                try:
                    value = parse(cells[i])
                except CellError as exc:
                    row.errors.append(RowError(offset, header_text, str(exc)))
                    value = None
                if (
                    required
                    and (value is None or value == "")
                    and not any(e.column == header_text for e in row.errors)
                ):
                    row.errors.append(RowError(offset, header_text, _("Required; may not be empty")))
                values[key] = value
            parsed.append(row)
        self.prepare(parsed)
        advance = self.progress.advance
        for row in parsed:
            if not row.errors:
                self.check_row(row)
            advance()
        self.check_all(parsed)
        return ImportPreview(parsed, [])

    def prepare(self, rows: list[ParsedRow]) -> None:
        """Load whatever the row checks need in a few queries (lookups by name, existing keys)."""

    def check_row(self, row: ParsedRow) -> None:
        """Add RowErrors for rules of one row."""

    def check_all(self, rows: list[ParsedRow]) -> None:
        """Add RowErrors for rules across rows."""

    def write(self, rows: list[ParsedRow]) -> int:
        raise NotImplementedError

    def check_before_write(self, rows: list[ParsedRow]) -> None:
        """Rules applied only when writing, outside the write's transaction (what they log stays).

        Raise ImportRefused to write nothing. For checks whose answer must not show in a preview.
        """

    @params.read_once()
    def run(self, upload) -> tuple[ImportPreview, int]:
        """Preview and, when there is no problem at all, write every row atomically."""
        preview = self.preview(upload)
        if not preview.ok:
            raise ImportRefused(
                preview.errors or [RowError(0, "", _("There is no data to import."))], preview
            )
        self.check_before_write(preview.rows)
        self.progress.message = _("Writing rows")
        with transaction.atomic():
            count = self.write(preview.rows)
        return preview, count


class _NoProgress:
    """Stands in for a job's progress when nobody watches the import (a command, a test)."""

    total = 0
    message = ""

    def advance(self, k: int = 1) -> None:
        pass


# ---------------------------------------------------------------- writing

# Column types whose Python value every supported database driver takes as it is.
_PLAIN_TYPES = {
    "CharField",
    "TextField",
    "BooleanField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "PositiveBigIntegerField",
    "ForeignKey",
}


def _column_reader(f, connection) -> Callable[[object], Any] | None:
    """How to read one field of an instance as the database driver wants it (None: as it is)."""
    ops = connection.ops
    kind = f.get_internal_type()
    attname = f.attname
    if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
        return lambda obj: f.get_db_prep_save(f.pre_save(obj, add=True), connection)
    if kind == "DateField":
        return lambda obj: ops.adapt_datefield_value(getattr(obj, attname))
    if kind == "DateTimeField":
        return lambda obj: ops.adapt_datetimefield_value(getattr(obj, attname))
    if kind in _PLAIN_TYPES:
        return None
    return lambda obj: f.get_db_prep_save(getattr(obj, attname), connection)


def _attributes_reader(names: list[str]) -> Callable[[object], tuple]:
    """A function giving an instance's attributes of these names as a tuple (one C call for two or more)."""
    if len(names) > 1:
        return operator.attrgetter(*names)
    return lambda obj: tuple(getattr(obj, name) for name in names)


def insert_rows(model, objects: list, *, batch_size: int = 2000, on_batch: Callable | None = None) -> int:
    """Insert many unsaved, already validated instances quickly; call inside the import's transaction.

    Unlike ``bulk_create`` this sends one prepared statement per batch (``executemany``):
    on SQLite, bulk_create is held to 999 parameters per statement and spends most of
    a large import compiling SQL. No signals are sent and primary keys are not set.
    ``on_batch(n)`` is called after each batch of ``n`` rows (a job's ``progress.advance``).
    """
    if not objects:
        return 0
    connection = connections[router.db_for_write(model)]
    ops = connection.ops
    fields = [
        f
        for f in model._meta.concrete_fields
        if not f.primary_key or f.get_internal_type() not in ("AutoField", "BigAutoField", "SmallAutoField")
    ]
    readers = {f: _column_reader(f, connection) for f in fields}
    # The columns the driver takes as they are come first, read in one C call per row (attrgetter);
    # the rest (dates, JSON…) after them, one adapter each.
    plain = [f for f in fields if readers[f] is None]
    adapted = [f for f in fields if readers[f] is not None]
    read_plain = _attributes_reader([f.attname for f in plain])
    adapters = [adapt for f in adapted if (adapt := readers[f]) is not None]
    columns = ", ".join(ops.quote_name(f.column) for f in plain + adapted)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {ops.quote_name(model._meta.db_table)} ({columns}) VALUES ({placeholders})"
    with connection.cursor() as cursor:
        for start in range(0, len(objects), batch_size):
            batch = objects[start : start + batch_size]
            cursor.executemany(
                sql, [(*read_plain(obj), *[adapt(obj) for adapt in adapters]) for obj in batch]
            )
            if on_batch is not None:
                on_batch(len(batch))
    return len(objects)


@dataclass(frozen=True)
class Layout:
    """A sheet as an office files it: a title block above the header, real dates, print setup.

    ``title`` is the merged heading; ``facts`` the (label, value) pairs of the line under it
    (填报单位、截至日期、制表人、审核人 …). The header row stays in view when scrolling and is
    repeated on every printed page; pages are A4 (landscape unless told), fitted to the width,
    numbered in the footer. Dates are written as dates, not text.
    """

    title: str
    facts: tuple[tuple[str, str], ...] = ()
    landscape: bool = True


def xlsx_bytes(
    columns: list[Column],
    objects: Iterable,
    *,
    title: Text = "Sheet1",
    with_help: bool = False,
    layout: Layout | None = None,
) -> bytes:
    """An .xlsx file with a header row and one row per object (streamed, constant memory).

    The sheet name, headers and header notes are in the spreadsheet language (the site's
    default), so a file reads the same whatever language the user's screen is in. With a
    ``layout``, the sheet has its title block, frozen and repeated header, real dates and
    print setup (``Layout``).
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    with translation.override(settings.LANGUAGE_CODE):
        title = str(title)
        headers = [str(col.header) for col in columns]
        required_note = _("Required. ")
        page_footer = _("Page &P of &N")
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=title[:31] or "Sheet1")
    for i, col in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = col.width
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDE7F3")
    header_row = 1
    if layout is not None:
        # Sheet settings before the first row: a write-only sheet writes them ahead of its rows.
        header_row = 3 if layout.facts else 2
        ws.freeze_panes = f"A{header_row + 1}"
        ws.print_title_rows = f"{header_row}:{header_row}"
        ws.page_setup.orientation = "landscape" if layout.landscape else "portrait"
        ws.page_setup.paperSize = "9"  # A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.oddFooter.center.text = str(page_footer)
        _write_title_block(ws, layout, len(columns))
    header = []
    for col, heading in zip(columns, headers, strict=True):
        cell = WriteOnlyCell(ws, value=heading)
        cell.font = bold
        cell.fill = fill
        if layout is not None:
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        if with_help and (col.help or col.required):
            note = (required_note if col.required else "") + str(col.help)
            cell.comment = Comment(note, "dangjian")
        header.append(cell)
    if with_help:
        _template_aids(wb, ws, columns)  # before the first row: a write-only sheet writes its columns then
    ws.append(header)
    if layout is not None:
        for obj in objects:
            ws.append([_inert(ws, _typed_cell(ws, col.value_of(obj))) for col in columns])
    else:
        for obj in objects:
            ws.append([_inert(ws, _cell(col.value_of(obj))) for col in columns])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


TEMPLATE_ROWS = 5000


def _template_aids(wb, ws, columns: list[Column]) -> None:
    """A template's drop-downs for choice columns (their labels on a hidden sheet) and text-formatted columns."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    lists = [
        (i, list(getattr(col.parse, "allowed")()))  # noqa: B009 - set by choice_parser
        for i, col in enumerate(columns, start=1)
        if hasattr(col.parse, "allowed")
    ]
    for i, col in enumerate(columns, start=1):
        if col.as_text:
            ws.column_dimensions[get_column_letter(i)].number_format = "@"
    if not lists:
        return
    with translation.override(settings.LANGUAGE_CODE):
        sheet_title = str(_("Choices"))
    options = wb.create_sheet(title=sheet_title[:31])
    options.sheet_state = "hidden"
    longest = max(len(values) for _i, values in lists)
    for r in range(longest):
        options.append([values[r] if r < len(values) else None for _i, values in lists])
    for n, (i, values) in enumerate(lists, start=1):
        letter = get_column_letter(n)
        validation = DataValidation(
            type="list",
            formula1=f"'{sheet_title[:31]}'!${letter}$1:${letter}${len(values)}",
            allow_blank=True,
        )
        validation.add(f"{get_column_letter(i)}2:{get_column_letter(i)}{TEMPLATE_ROWS}")
        ws.data_validations.append(validation)


def _write_title_block(ws, layout: Layout, width: int) -> None:
    """The merged title line and the facts line (when there are facts) above the header."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.cell_range import CellRange

    last = get_column_letter(max(width, 1))
    heading = WriteOnlyCell(ws, value=str(layout.title))
    heading.font = Font(bold=True, size=16)
    heading.alignment = Alignment(horizontal="center", vertical="center")
    ws.append([heading])
    ws.merged_cells.add(CellRange(f"A1:{last}1"))
    row = 1
    if layout.facts:
        line = "　　".join(f"{label}：{value}" for label, value in layout.facts)
        facts = WriteOnlyCell(ws, value=line)
        facts.alignment = Alignment(horizontal="left", vertical="center")
        ws.append([facts])
        row += 1
        ws.merged_cells.add(CellRange(f"A{row}:{last}{row}"))


def _typed_cell(ws, value):
    """A value as a typed cell: dates as dates (shown 2026-11-22), times in local time, yes/no as words."""
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, datetime):
        moment = timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
        cell = WriteOnlyCell(ws, value=moment)
        cell.number_format = "yyyy-mm-dd hh:mm"
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    if isinstance(value, bool):
        return YES if value else NO
    return value


# Text that spreadsheet programs take for a formula when it starts a cell (OWASP "CSV injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _inert(ws, value):
    """Text that looks like a formula, written as text that stays text.

    The cell keeps the exact value (an export imports again unchanged, "+86…" stays "+86…"),
    is stored as a string rather than a formula, and carries Excel's quote prefix, so that
    Excel and WPS keep it as text even when someone edits the cell. Prefixing a quote
    character instead would change the data.
    """
    if not isinstance(value, str) or not value.startswith(FORMULA_TRIGGERS):
        return value
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=value)
    cell.data_type = "s"  # openpyxl would otherwise store "=…" as a live formula
    cell.quotePrefix = True
    return cell


def _cell(value):
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(value) else value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return YES if value else NO
    return value


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(filename)}"
    return response
