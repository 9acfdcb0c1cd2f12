"""Organisational life's template tags: ``{% load orglife_tags %}``."""

from __future__ import annotations

from django import template
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from dangjian.core.nav import id_url
from dangjian.core.text import date_text

from ..models import Meeting

register = template.Library()


@register.simple_tag
def meeting_rows(meetings) -> SafeString:
    """The meeting list's rows: when, the organisation, the kind, the topic linking to the meeting, who was
    present of those expected (a held meeting) and the status (a planned one as a badge).

    Written in Python, as the queue pages' rows are (``ledger_tags.queue_rows``): fifty rows through the
    template language were about a thousand variable lookups, fifty ``{% url %}`` and fifty date filters.
    The markup is the template's (``orglife/tests/test_meeting_rows.py`` compares them)."""
    if not meetings:
        return mark_safe(
            f'<tr><td colspan="6" class="text-secondary">{conditional_escape(_("No meetings."))}</td></tr>'
        )
    parts = []
    for m in meetings:
        starts = date_text(timezone.localtime(m.starts_at), "Y-m-d H:i") if m.starts_at else ""
        status = conditional_escape(m.get_status_display())
        if m.status == Meeting.Status.PLANNED:
            status = f'<span class="badge bg-blue-lt">{status}</span>'
        present = f"{m.present}/{m.expected}" if m.status == Meeting.Status.HELD else "—"
        parts.append(
            f'<tr data-testid="meeting-row"><td>{starts}</td><td>{conditional_escape(m.org.label)}</td>'
            f"<td>{conditional_escape(m.get_kind_display())}</td>"
            f'<td><a href="{id_url("orglife:meeting_detail", m.pk)}">{conditional_escape(m.topic)}</a></td>'
            f'<td class="text-end">{present}</td><td>{status}</td></tr>'
        )
    return mark_safe("\n".join(parts))  # every value above is escaped
