"""Template helpers shared by all apps."""

from django import template
from django.utils.dateformat import format as date_format
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.timezone import is_aware, localtime, template_localtime  # type: ignore[attr-defined]  # not in the stubs
from django.utils.translation import get_language, gettext

register = template.Library()


@register.simple_tag(takes_context=True)
def query_replace(context, **kwargs):
    """The current query string with some parameters replaced (for paging and sorting links)."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        query[key] = value
    return query.urlencode()


@register.simple_tag(takes_context=True)
def query_page(context, number, param=""):
    """The current query string with the page number ``param`` (default "page") set to ``number``: one pager
    for every list, two lists on a page each paged by a parameter of its own."""
    return query_replace(context, **{param or "page": number})


@register.filter
def cndate(value):
    """2026年11月22日 in Chinese, 2026-11-22 otherwise."""
    if not value:
        return ""
    if (get_language() or "").startswith("zh"):
        return f"{value.year}年{value.month}月{value.day}日"
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


@register.simple_tag(takes_context=True)
def record_panels(context, obj):
    """The panels other modules add to this record's page (``ModuleConfig.panels``), rendered in order."""
    from django.template.loader import render_to_string
    from django.utils.safestring import mark_safe

    from dangjian.core import registry
    from dangjian.core.modules import resolve

    request = context["request"]
    parts = []
    for panel in registry.panels_for(obj._meta.label_lower):
        ctx = resolve(panel.context)(request, obj)
        if ctx is not None:
            parts.append(render_to_string(panel.template, {"object": obj, **ctx}, request=request))
    return mark_safe("".join(parts))


@register.simple_tag
def timeline_entries(entries):
    """A record's history (``core.audit.timeline``'s entries), newest first: when, who, from where, what.

    Written in Python, not with the template language: a record worked on for months has hundreds of
    entries, and the template cost about 80 µs for each (a date filter, a default, four branches, a
    loop over the changes). Every value is escaped where it is written; the markup is the template's
    that it replaced, character for character (``core/tests/test_timeline_markup.py`` renders both).
    """
    if not entries:
        empty = conditional_escape(gettext("No history yet."))
        return mark_safe(f'{_TIMELINE_OPEN}<li class="text-secondary">{empty}</li>\n</ul>\n')  # escaped above
    words = {
        "system": conditional_escape(gettext("system")),
        "created": conditional_escape(gettext("created")),
        "deleted": conditional_escape(gettext("deleted")),
        "viewed": conditional_escape(gettext("viewed")),
        "changed": conditional_escape(gettext("changed")),
    }
    rows = "".join(_timeline_entry(entry, words) for entry in entries)
    return mark_safe(f"{_TIMELINE_OPEN}{rows}\n</ul>\n")  # every value escaped where it is written


@register.simple_tag
def audit_log_rows(entries):
    """The audit page's rows (entries with ``change_rows``, ``core.audit.with_change_rows``): when, who, from
    where, what, which record, and each change.

    Written in Python for the reason ``timeline_entries`` is: fifty entries of seven changes each were
    about 1 500 template variables, 10 ms of the page. The markup is the template loop's it replaced,
    character for character (``core/tests/test_timeline_markup.py`` renders both)."""
    if not entries:
        return mark_safe(  # escaped here
            f'<tr><td colspan="6" class="text-secondary">{conditional_escape(gettext("No entries."))}</td></tr>'
        )
    return mark_safe(
        "".join(_audit_log_row(log) for log in entries)
    )  # every value escaped where it is written


def _audit_log_row(log) -> str:
    from .core_filters import date

    when = date(template_localtime(log.timestamp), "Y-m-d H:i:s")
    data = log.additional_data
    event = data.get("event") if isinstance(data, dict) else None
    changes = "".join(
        f"<div><b>{_shown(field)}</b>: {_shown(old)} → {_shown(new)}</div>"
        for field, old, new in log.change_rows
    )
    return (
        f'\n      <tr><td class="text-nowrap">{when}</td><td>{_or_dash(log.actor)}</td>'
        f"<td>{_shown(log.remote_addr) if log.remote_addr else ''}</td>\n"
        f"        <td>{_shown(log.get_action_display())}{f' · {_shown(event)}' if event else ''}</td>\n"
        f"        <td>{_shown(log.content_type.name)}：{_shown(log.object_repr)}</td>\n"
        f'        <td class="timeline-diff">{changes}</td></tr>\n      '
    )


_TIMELINE_OPEN = '\n<ul class="list-unstyled mb-0" data-testid="timeline">\n'


def _shown(value) -> str:
    """A value as ``{{ value }}`` writes it: localised, escaped."""
    return conditional_escape(localize(value))


def _or_dash(value) -> str:
    """``{{ value|default:"—" }}``."""
    return _shown(value) if value else "—"


def _timeline_entry(entry, words: dict) -> str:
    at = entry.at
    when = date_format(localtime(at) if is_aware(at) else at, "Y-m-d H:i") if at else ""  # as |date shows it
    who = _shown(entry.actor) if entry.actor else words["system"]
    where = f"<span>{_shown(entry.address)}</span>" if entry.address else ""
    kind = entry.kind
    if kind == "status":
        action = f"<b>{_shown(entry.action)}</b> " if entry.action else ""
        note = f' <span class="timeline-note">{_shown(entry.note)}</span>' if entry.note else ""
        what = f'{action}<span class="badge bg-blue-lt">{_shown(entry.text)}</span>{note}\n      '
    elif kind == "create":
        what = f'<span class="badge bg-green-lt">{words["created"]}</span>\n      '
    elif kind == "delete":
        what = f'<span class="badge bg-red-lt">{words["deleted"]}</span>\n      '
    elif kind == "access":
        what = f'<span class="badge bg-yellow-lt">{words["viewed"]}</span> {_shown(entry.text)}\n      '
    else:
        what = f'<span class="badge bg-secondary-lt">{words["changed"]}</span> {_shown(entry.text)}'
    diff = ""
    if entry.changes and kind != "create":
        lines = "".join(
            f"<div><b>{_shown(label)}</b>：{_or_dash(old)} → {_or_dash(new)}</div>"
            for label, old, new in entry.changes
        )
        diff = f'<div class="timeline-diff">{lines}</div>'
    return (
        '\n  <li class="mb-2 pb-2 border-bottom">\n'
        f'    <div class="d-flex gap-2 small text-secondary"><span>{when}</span><span>{who}</span>{where}</div>\n'
        f"    <div>\n      {what}\n      {diff}\n    </div>\n  </li>\n"
    )
