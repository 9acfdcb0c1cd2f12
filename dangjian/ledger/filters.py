"""One filter for the ledger: the page, its .xlsx export and the API use the same definition."""

from __future__ import annotations

import django_filters as filters
from django.utils.translation import gettext_lazy as _

from dangjian.orgs.models import Organisation

from .models import Category, Item, Source

LIGHT_CHOICES = [
    ("green", _("Green: on track")),
    ("yellow", _("Yellow: due soon")),
    ("red", _("Red: overdue")),
]


class ItemFilter(filters.FilterSet):
    q = filters.CharFilter(field_name="title", lookup_expr="contains", label=_("Problem / task"))
    status = filters.ChoiceFilter(choices=Item.Status.choices, label=_("Status"))
    light = filters.ChoiceFilter(choices=LIGHT_CHOICES, method="filter_light", label=_("Light"))
    source = filters.ChoiceFilter(choices=Source.choices, label=_("Source"))
    category = filters.ModelChoiceFilter(queryset=Category.objects.all(), label=_("Category"))
    deadline_from = filters.DateFilter(field_name="deadline", lookup_expr="gte", label=_("Deadline from"))
    deadline_to = filters.DateFilter(field_name="deadline", lookup_expr="lte", label=_("Deadline to"))
    org = filters.NumberFilter(method="filter_org", label=_("Responsible organisation (and below)"))
    item_list = filters.NumberFilter(field_name="item_list_id", label=_("List"))
    closed_late = filters.BooleanFilter(label=_("Closed late"))

    class Meta:
        model = Item
        fields = ["q", "status", "light", "source", "category", "deadline_from", "deadline_to", "org", "item_list",
                  "closed_late"]

    def filter_light(self, qs, name, value):
        return qs.light(value) if value else qs

    def filter_org(self, qs, name, value):
        """Items of one organisation's subtree; an id the user cannot see matches nothing."""
        if not value:
            return qs
        user = getattr(self.request, "user", None)
        orgs = Organisation.objects.visible_to(user) if user is not None else Organisation.objects.none()
        path = orgs.filter(pk=value).values_list("path", flat=True).first()
        return qs.filter(org__path__startswith=path) if path else qs.none()
