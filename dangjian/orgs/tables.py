"""Tables of the orgs app (django-tables2): sortable, paginated, one query per page."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangjian.core.choices import choice_label

from .models import Organisation
from .selectors import warnings_for

# ------------------------------------------------------------------ organisations


class OrganisationTable(tables.Table):
    """The organisation list; rows come from ``selectors.annotate_list``."""

    name = tables.Column(
        linkify=("orgs:org_detail", [tables.A("pk")]),
        verbose_name=pgettext_lazy("object", "Name"),
        order_by=("sort_key", "path"),
    )
    kind = tables.Column(verbose_name=_("Organisation kind"))
    sector = tables.Column(verbose_name=_("Sector"))
    parent_name = tables.Column(verbose_name=_("Parent organisation"), default="—")
    secretary_name = tables.Column(verbose_name=_("Secretary"), default="—")
    full_members = tables.Column(verbose_name=_("Full members"), attrs={"td": {"class": "text-end"}})
    warnings = tables.Column(
        verbose_name=_("Warnings"), empty_values=(), orderable=False, attrs={"td": {"class": "text-end"}}
    )

    class Meta:
        model = Organisation
        fields = ("name", "kind", "sector", "parent_name", "secretary_name", "full_members", "warnings")
        attrs = {"class": "table table-vcenter card-table", "data-testid": "org-table"}
        order_by = ()
        empty_text = _("No organisations match.")

    def render_name(self, record, value):
        if record.is_dissolved:
            return format_html('{} <span class="badge bg-secondary-lt">{}</span>', value, _("Dissolved"))
        return value

    def render_warnings(self, record):
        n = len(warnings_for(record))
        if not n:
            return format_html('<span class="text-secondary">{}</span>', 0)
        return format_html('<span class="badge bg-red-lt" data-testid="warning-count">{}</span>', n)


# ------------------------------------------------------------------ people


class PersonTable(tables.Table):
    """The member list; rows come with ``org`` joined and ``current_posts`` prefetched (no query per row)."""

    name = tables.Column(
        linkify=("orgs:person_detail", [tables.A("pk")]),
        verbose_name=_("Person name"),
        order_by=("name_pinyin", "pk"),
        attrs={"td": {"class": "text-nowrap"}},
    )
    sex = tables.Column(verbose_name=_("Sex"))
    id_masked = tables.Column(
        verbose_name=_("Citizen ID"), orderable=False, attrs={"td": {"class": "id-masked text-nowrap"}}
    )
    # The year only: the full birth date is part of the ID number (docs/personal-data.md); not sortable,
    # since the order of the rows would tell birthdays within a year.
    birth_year = tables.Column(
        accessor="birth_date__year",
        verbose_name=_("Year of birth"),
        orderable=False,
        attrs={"td": {"class": "text-nowrap"}},
    )
    category = tables.Column(verbose_name=_("Member category"))
    org = tables.Column(
        verbose_name=_("Branch"), accessor="org__label", order_by=("org__sort_key", "org__path")
    )
    joined_on = tables.DateColumn(
        format="Y-m-d", verbose_name=_("Date joined"), attrs={"td": {"class": "text-nowrap"}}
    )
    phone = tables.Column(verbose_name=_("Phone"), orderable=False, attrs={"td": {"class": "text-nowrap"}})
    current_posts = tables.Column(verbose_name=_("Current posts"), empty_values=(), orderable=False)

    class Meta:
        attrs = {"class": "table table-vcenter card-table", "data-testid": "person-table"}
        empty_text = _("No people match.")

    def render_name(self, record, value):
        if record.status != record.Status.ACTIVE:
            return format_html(
                '{} <span class="badge bg-secondary-lt">{}</span>', value, choice_label(record, "status")
            )
        return value

    def render_current_posts(self, record):
        posts = getattr(record, "current_posts", [])
        if not posts:
            return "—"
        # One badge per post, the organisation and the post apart, on lines of their own when narrow
        # (format_html_join's markup, each text escaped as it would escape it).
        return mark_safe(
            "".join(
                '<span class="badge bg-red-lt me-1 mb-1 text-nowrap" data-post>'
                f"{conditional_escape(p.org.label)} · {conditional_escape(choice_label(p, 'kind'))}</span>"
                for p in posts
            )
        )
