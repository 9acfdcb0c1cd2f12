"""django-tables2 tables rendered by Python, not by a template per cell.

django-tables2 renders a table through ``django_tables2/bootstrap5.html``: for every cell the
template looks up the column's attributes, and the library inspects the signature of the
render method, resolves the accessor twice and (for a ``DateColumn``) compiles a template.
On a 25-row member list that is most of the page's time, fifty times its SQL.

Here the same table is written out in Python: what a column needs is worked out once per
page (its ``<td>`` attributes, the arguments its render method takes, how its link is
reversed), then each row costs one attribute walk, one render call and one ``reverse`` per
cell. The markup is django-tables2's own bootstrap5 layout (the same elements, attributes,
classes, sort and page links, escaping, defaults for empty values, ``get_FOO_display``),
only without the indentation; ``dangjian/core/tests/test_tables.py`` checks it against the
library's template.

Use it in a template in place of django-tables2's tag, with the same arguments::

    {% load core_tables %}{% render_table table %}
    {% load core_tables %}{% render_table table "django_tables2/bootstrap5.html" %}

Tables, columns, ``render_FOO`` methods, ``linkify`` and ``RequestConfig`` are django-tables2's,
unchanged. A table using what this renderer does not write itself (another template, pinned
rows, a footer) is rendered by django-tables2's template, so nothing renders differently.
"""

from __future__ import annotations

import inspect
import re
from datetime import date
from html import escape as html_escape

from django.conf import settings
from django.db import models
from django.template import Context, Template
from django.template.base import render_value_in_context
from django.urls import reverse
from django.utils.encoding import force_str
from django.utils.functional import Promise
from django.utils.hashable import make_hashable
from django.utils.html import conditional_escape, escape
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]  # not in the stubs
from django.utils.translation import gettext
from django_tables2.columns.base import Column, LinkTransform
from django_tables2.columns.linkcolumn import BaseLinkColumn
from django_tables2.columns.manytomanycolumn import ManyToManyColumn
from django_tables2.columns.templatecolumn import TemplateColumn
from django_tables2.templatetags.django_tables2 import table_page_range
from django_tables2.utils import A, Accessor, AttributeDict

from . import choices, nav
from .templatetags.core_filters import date as date_filter
from .text import text_of

# The templates whose markup this module writes, and the class of the wrapping <div>.
LAYOUTS = {
    "django_tables2/bootstrap5.html": "table-container",
    "django_tables2/bootstrap5-responsive.html": "table-container table-responsive",
}

_CELL_ARGS = ("value", "record", "column", "bound_column", "bound_row", "table")
_signatures: dict = {}  # function → (argument names, name of its **kwargs or None)
_choice_fields: dict = {}  # (record class, accessor) → True when the last field has choices
_templates: dict = {}  # a TemplateColumn's code → its compiled Template
_AUTOESCAPE = Context(autoescape=True)
_HASHABLE = (str, int)  # values make_hashable() gives back as they are
_PLAIN_TYPES: set = set()  # classes whose attributes an accessor reads directly (no item lookup)
# A DateColumn's template (django-tables2 writes it from the column's format).
_DATE_TEMPLATE = re.compile(r'\{\{ value\|date:"([^"]*)"\|default:default \}\}')


def supports(table, template_name: str) -> bool:
    """True when ``render`` writes this table itself (else django-tables2's template is used)."""
    return (
        template_name in LAYOUTS
        and not table.has_footer()
        and table.get_top_pinned_data() is None
        and table.get_bottom_pinned_data() is None
    )


def render(table, request, template_name: str | None = None, context: Context | None = None) -> str:
    """The table's HTML, as ``{% render_table table template_name %}`` would write it.

    The caller has configured the table (``RequestConfig``) and, like the template tag, called
    ``before_render``; ``context`` is the page's context, used only by template columns.
    """
    template_name = template_name or table.template_name
    if not supports(table, template_name):
        raise ValueError(f"{type(table).__name__} needs django-tables2's own template ({template_name}).")
    attrs = AttributeDict({"class": "table"})
    if table.attrs is not None:
        attrs.update(table.attrs)
    parts = [f'<div class="{LAYOUTS[template_name]}"><table {attrs.as_html()}>']
    columns = list(table.columns)
    if table.show_header:
        parts.append(f"<thead {_section_attrs(table, 'thead')}><tr>")
        parts += [_header_cell(table, column, request) for column in columns]
        parts.append("</tr></thead>")
    parts.append(f"<tbody {_section_attrs(table, 'tbody')}>")
    rows = table.paginated_rows
    if len(rows):
        cells = [_CellWriter(table, column, request, context) for column in columns]
        plain_rows = not table.row_attrs
        for row in rows:
            if plain_rows:
                row_attrs = 'class="odd"' if row.row_counter % 2 else 'class="even"'
            else:
                row_attrs = row.attrs.as_html()
            parts.append(f"<tr {row_attrs}>")
            parts += [cell.write(row) for cell in cells]
            parts.append("</tr>")
    elif table.empty_text:
        parts.append(f'<tr><td colspan="{len(columns)}">{conditional_escape(table.empty_text)}</td></tr>')
    parts.append("</tbody></table>")
    parts.append(_pagination(table, request))
    parts.append("</div>")
    return mark_safe("".join(parts))  # every piece above is escaped or built with format_html


def _section_attrs(table, key: str) -> str:
    """``{{ table.attrs.thead.as_html }}``: only an AttributeDict given for the section renders."""
    value = table.attrs.get(key) if table.attrs is not None else None
    if value is None or not hasattr(value, "as_html"):
        return ""
    return value.as_html()


def _query(request, key: str, value) -> str:
    """``{% querystring_replace key=value %}``: the current query string with one parameter replaced."""
    params = dict(request.GET)
    if key not in ("", None):
        params[key] = value
    return escape("?" + urlencode(params, doseq=True))


def _header_cell(table, column, request) -> str:
    header = column.header
    if isinstance(header, Promise):
        header = text_of(header)  # a verbose name, translated once per language
    header = html_escape(header) if type(header) is str else render_value_in_context(header, _AUTOESCAPE)
    if column.orderable:
        href = _query(request, table.prefixed_order_by_field, column.order_by_alias.next)
        header = f'<a href="{href}">{header}</a>'
    return f'<th {column.attrs["th"].as_html()} scope="col">{header}</th>'


def _pagination(table, request) -> str:
    page = getattr(table, "page", None)
    if not page or table.paginator.num_pages <= 1:
        return ""
    field = table.prefixed_page_field
    parts = ['<nav aria-label="Table navigation"><ul class="pagination justify-content-center">']
    if page.has_previous():
        href = _query(request, field, page.previous_page_number())
        parts.append(
            f'<li class="previous page-item"><a href="{href}" class="page-link">'
            f'<span aria-hidden="true">&laquo;</span> {escape(gettext("previous"))}</a></li>'
        )
    if page.has_previous() or page.has_next():
        for number in table_page_range(page, table.paginator):
            active = " active" if page.number == number else ""
            href = "" if number == "..." else f' href="{_query(request, field, number)}"'
            parts.append(
                f'<li class="page-item{active}"><a class="page-link"{href}>{escape(number)}</a></li>'
            )
    if page.has_next():
        href = _query(request, field, page.next_page_number())
        parts.append(
            f'<li class="next page-item"><a href="{href}" class="page-link">'
            f'{escape(gettext("next"))} <span aria-hidden="true">&raquo;</span></a></li>'
        )
    parts.append("</ul></nav>")
    return "".join(parts)


def _signature(fn) -> tuple[tuple[str, ...], str | None]:
    """``django_tables2.utils.signature``, worked out once per function."""
    key = getattr(fn, "__func__", fn)
    found = _signatures.get(key)
    if found is None:
        args, keywords = [], None
        for parameter in inspect.signature(fn).parameters.values():
            if parameter.kind == parameter.VAR_KEYWORD:
                keywords = parameter.name
            elif parameter.kind != parameter.VAR_POSITIONAL:
                args.append(parameter.name)
        found = _signatures[key] = (tuple(args), keywords)
    return found


def _has_callable(value) -> bool:
    if callable(value):
        return True
    return isinstance(value, dict) and any(_has_callable(v) for v in value.values())


class _CellWriter:
    """One column of one page: what every cell of it needs, worked out before the first row."""

    def __init__(self, table, bound_column, request, context):
        self.table = table
        self.bound_column = bound_column
        self.column = column = bound_column.column
        self.request = request
        self.context = context
        self.accessor = A(bound_column.accessor)
        self.bits = tuple(self.accessor.bits)
        self.remainder = self.bits[-1] if self.bits else ""
        self.default = bound_column.default
        self.empty_values = column.empty_values
        self.many_to_many = isinstance(column, ManyToManyColumn)
        self.text_link = isinstance(column, BaseLinkColumn) and column.text is not None
        self.render_fn = bound_column.render
        args, keywords = _signature(self.render_fn)
        # As call_with_appropriate: everything to a **kwargs, else exactly the arguments named (None
        # when one of them is not a cell argument).
        self.render_args = _CELL_ARGS if keywords else args
        self.render_never = not keywords and any(a not in _CELL_ARGS for a in args)
        self.template = None
        self.date_format = None  # a DateColumn's format: its dates are written without the template
        if getattr(self.render_fn, "__func__", None) is TemplateColumn.render and column.template_code:
            code = column.template_code
            self.template = _templates.get(code) or _templates.setdefault(code, Template(code))
            date_template = _DATE_TEMPLATE.fullmatch(code)
            if date_template and type(column).get_context_data is TemplateColumn.get_context_data:
                self.date_format = date_template.group(1)
        self.link = bound_column.link
        self.link_view, self.link_args, self.link_kwargs = _plain_reverse(self.link)
        cell_attrs = {**dict(table.attrs or {}), **dict(column.attrs)}
        dynamic = _has_callable(cell_attrs.get("td", cell_attrs.get("cell", {})))
        self.td = None if dynamic else bound_column.attrs["td"].as_html()
        self.localize = column.localize
        path = self.accessor.rpartition(self.accessor.SEPARATOR)[0] if len(self.bits) > 1 else None
        self.penultimate = None if path is None else Accessor(path)
        self.display_method = f"get_{self.remainder}_display"
        self.display_by_type: dict = {}
        self.labels_by_type: dict = {}
        # Column.render returns the value as it is: no call needed.
        self.plain_render = getattr(self.render_fn, "__func__", None) is Column.render
        self.url_parts = None  # (before, after) the id in the link's URL, once reversed
        self.group_thousands = settings.USE_THOUSAND_SEPARATOR

    # --- the value, as BoundRow._get_and_render_with finds it

    def _resolve(self, record):
        """``Accessor.resolve`` by plain attribute access, falling back to it for anything else."""
        current = record
        for bit in self.bits:
            kind = type(current)
            if kind not in _PLAIN_TYPES:
                if issubclass(kind, dict) or hasattr(kind, "__getitem__"):
                    return self.accessor.resolve(record)
                _PLAIN_TYPES.add(kind)
            try:
                current = getattr(current, bit)
            except AttributeError:
                return self.accessor.resolve(record)
            if callable(current):
                return self.accessor.resolve(record)
            if current is None:
                break
        return current

    def _uses_display(self, record) -> bool:
        """True when the accessor's last field has choices (then ``get_FOO_display()`` is shown)."""
        kind = type(record)
        found = self.display_by_type.get(kind)
        if found is None:
            key = (kind, self.accessor)
            found = _choice_fields.get(key)
            if found is None:
                field = self.accessor.get_field(record)
                found = _choice_fields[key] = bool(getattr(field, "choices", ()))
            self.display_by_type[kind] = found
        return found

    def _labels(self, kind):
        """(attname, {value: label}) when ``kind``'s get_FOO_display is Django's, else None."""
        try:
            return self.labels_by_type[kind]
        except KeyError:
            pass
        field = choices.display_field(kind, self.display_method)
        found = None if field is None else (field.attname, choices.labels_for(field))
        self.labels_by_type[kind] = found
        return found

    def content(self, row, record):
        """The cell's value, rendered (``row.record`` is ``record``, read once by the caller)."""
        value = None
        remainder = self.remainder
        penultimate = record if self.penultimate is None else _resolved(self.penultimate, record, quiet=True)
        uses_display = self.display_by_type.get(type(record))
        if uses_display is None:
            uses_display = self._uses_display(record)
        if uses_display and isinstance(penultimate, models.Model):
            labels = self._labels(type(penultimate))
            if labels is not None:  # Django's own get_FOO_display(), its labels translated once a page
                attname, labels = labels
                raw = getattr(penultimate, attname)
                value = labels.get(raw if type(raw) in _HASHABLE else make_hashable(raw), raw)
                if not isinstance(value, str):
                    value = force_str(value, strings_only=True)
                remainder = None
            else:
                display = getattr(penultimate, self.display_method, None)
                if display is not None:
                    value = display()
                    remainder = None
        if remainder:
            try:
                value = self._resolve(record)
            except Exception:
                if self.text_link:
                    return self._render(row, record, None)
        if value in self.empty_values or (self.many_to_many and not value.exists()):
            return self.default
        if self.plain_render and not self.link:
            return value
        return self._render(row, record, value)

    def _render(self, row, record, value):
        if self.plain_render:
            content = value
        elif self.date_format is not None and (value is None or value == "" or type(value) is date):
            content = self._date(value)
        elif self.template is None and self.render_args == ("record",):
            content = self.render_fn(record=record)
        elif self.template is None and self.render_args in (("record", "value"), ("value", "record")):
            content = self.render_fn(record=record, value=value)
        else:
            kwargs = self._kwargs(row, value)
            if self.template is not None:
                content = self._render_template(kwargs)
            elif self.render_never:
                content = None
            else:
                content = self.render_fn(**{name: kwargs[name] for name in self.render_args})
        if not self.link:
            return content
        if self.link_view is None:
            return self.link(content, **self._kwargs(row, value))
        # format_html('<a href="{}">{}</a>', url, content), its two conditional_escape()s written out.
        return SafeString(f'<a href="{html_escape(self._url(record))}">{_escaped(content)}</a>')

    def _kwargs(self, row, value) -> dict:
        return {
            "value": value,
            "record": row.record,
            "column": self.column,
            "bound_column": self.bound_column,
            "bound_row": row,
            "table": self.table,
        }

    def _url(self, record) -> str:
        """``reverse(view, args)``; with one whole-number id, the URL reversed once and the id put in."""
        args = [_resolved(a, record) if isinstance(a, Accessor) else a for a in self.link_args]
        kwargs = {
            k: _resolved(v, record) if isinstance(v, Accessor) else v for k, v in self.link_kwargs.items()
        }
        if len(args) == 1 and not kwargs and type(args[0]) is int and args[0] >= 0:
            if self.url_parts is None:
                self.url_parts = nav.id_url_parts(self.link_view)
            if self.url_parts:
                return f"{self.url_parts[0]}{args[0]}{self.url_parts[1]}"
        return reverse(self.link_view, args=args or None, kwargs=kwargs or None)

    def _date(self, value) -> str:
        """``{{ value|date:"FORMAT"|default:default }}`` (a DateColumn's template) for a date or nothing."""
        text = date_filter(template_localtime(value), self.date_format)
        if text:
            return SafeString(html_escape(text))  # escape(), as {{ }} writes text
        return render_value_in_context(self.default, _AUTOESCAPE)

    def _render_template(self, kwargs) -> str:
        """TemplateColumn.render with its template compiled once, not once per cell."""
        parent = getattr(self.table, "context", None) or self.context or Context()
        data = self.column.get_context_data(**kwargs)
        with parent.update(data):
            parent["request"] = self.request
            return self.template.render(parent)

    def write(self, row) -> str:
        record = row.record
        cell = self.content(row, record)
        if self.localize is not None:
            from django.templatetags.l10n import localize, unlocalize

            cell = localize(cell) if self.localize else unlocalize(cell)
        # As {{ cell }}: localised, escaped unless safe. Text and safe text (most cells) directly: a string
        # is not localised, and Django's escape() is html.escape() behind a lazy-argument check.
        kind = type(cell)
        if kind is str:
            html = html_escape(cell)
        elif kind is SafeString:
            html = cell
        elif kind is int and not self.group_thousands:
            html = str(cell)  # localize(): number_format() gives a whole number without grouping as it is
        else:
            html = render_value_in_context(cell, _AUTOESCAPE)
        td = self.td
        if td is None:
            self.bound_column.current_value, self.bound_column.current_record = cell, record
            td = self.bound_column.attrs["td"].as_html()
        return f"<td {td}>{html}</td>"


def _escaped(value) -> str:
    """``conditional_escape(value)``, text and safe text without its checks."""
    kind = type(value)
    if kind is SafeString:
        return value
    if kind is str:
        return html_escape(value)
    return conditional_escape(value)


def _resolved(accessor, record, quiet: bool = False):
    """``accessor.resolve(record, quiet=quiet)``: by plain attribute access on objects that have no items
    (no item lookup to try first), else by the accessor itself (a mapping, a method, a missing step)."""
    current = record
    for bit in accessor.bits:
        kind = type(current)
        if kind not in _PLAIN_TYPES:
            if issubclass(kind, dict) or hasattr(kind, "__getitem__"):
                return accessor.resolve(record, quiet=quiet)
            _PLAIN_TYPES.add(kind)
        try:
            current = getattr(current, bit)
        except AttributeError:
            return accessor.resolve(record, quiet=quiet)
        if callable(current):
            return accessor.resolve(record, quiet=quiet)
    return current


def _plain_reverse(link) -> tuple:
    """(view name, args, kwargs) when the link is ``reverse(view, args)`` with no attributes, else Nones."""
    if not isinstance(link, LinkTransform) or link.attrs or link.url:
        return None, None, None
    params = link.reverse_args
    view = params.get("viewname")
    if (
        not isinstance(view, str)
        or isinstance(view, Accessor)
        or set(params) - {"viewname", "args", "kwargs"}
    ):
        return None, None, None
    return view, list(params.get("args") or ()), dict(params.get("kwargs") or {})
