"""The ledger table (django-tables2): sortable, paginated, a fixed number of queries per page."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import Item

LIGHT_LABELS = {"green": _("On track"), "yellow": _("Due soon"), "red": _("Overdue"), "none": _("No light")}


def light_dot(light: str) -> str:
    return format_html(
        '<span class="light-dot light-{}" title="{}" data-light="{}"></span>',
        light,
        LIGHT_LABELS.get(light, ""),
        light,
    )


class ItemTable(tables.Table):
    """Rows come from ``selectors.ledger_rows`` (organisation, list and category joined)."""

    light = tables.Column(verbose_name=_("Light"), empty_values=(), orderable=False)
    number = tables.Column(verbose_name=_("No."), attrs={"td": {"class": "text-secondary"}})
    title = tables.Column(verbose_name=_("Problem / task"), linkify=("ledger:item_detail", [tables.A("pk")]))
    org = tables.Column(
        verbose_name=_("Responsible organisation"), accessor="org__name", order_by=("org__sort_key",)
    )
    status = tables.Column(verbose_name=_("Completion"))
    deadline = tables.Column(verbose_name=_("Deadline"), empty_values=())
    source = tables.Column(verbose_name=pgettext_lazy("problem", "Source"))
    percent = tables.Column(verbose_name=_("Progress %"), attrs={"td": {"class": "text-end"}})

    class Meta:
        model = Item
        fields = ("light", "number", "title", "org", "status", "deadline", "source", "percent")
        attrs = {"class": "table table-vcenter card-table", "data-testid": "ledger-table"}
        order_by = ()
        empty_text = _("No items match.")

    def render_light(self, record):
        value = getattr(record, "light", None)
        if value is None:
            from django.utils import timezone

            from .deadlines import light

            value = light(record, timezone.localdate())
        return light_dot(value)

    def render_status(self, record, value):
        """The published word (已整改销号 … 未完成), with the internal state beside it where it differs."""
        from django.utils import timezone

        from .selectors import completion_word

        word = completion_word(record, timezone.localdate())
        state = (
            "" if str(value) == word else format_html(' <span class="badge bg-secondary-lt">{}</span>', value)
        )
        late = (
            format_html(' <span class="badge bg-red-lt">{}</span>', _("Closed late"))
            if record.closed_late
            else ""
        )
        return format_html('<span data-testid="completion-word">{}</span>{}{}', word, state, late)

    def render_deadline(self, record):
        if record.long_term:
            return _("Long-term")
        return record.deadline.isoformat() if record.deadline else "—"
