"""One filter for the ledger: the page, its .xlsx export and the API use the same definition."""

from __future__ import annotations

import django_filters as filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangjian.core.filters import IdFilter, StrictFilterSet
from dangjian.core.scoping import get_scope
from dangjian.orgs.forms import OrgChoiceField
from dangjian.orgs.models import Organisation

from .models import Category, Item, Source
from .selectors import COMPLETION_WORDS, MY_WORK_LABELS, completion_q, my_work_q

# The sections and queues of "my work" (home page), each the filter its count uses (selectors.my_work_q).
WORK_CHOICES = list(MY_WORK_LABELS.items())

LIGHT_CHOICES = [
    ("green", _("Green: on track")),
    ("yellow", _("Yellow: due soon")),
    ("red", _("Red: overdue")),
]


def org_choices(user, *, shallow: bool = True):
    """Organisations offered by the filter: visible, current (on a page: the user's top levels and two below)."""
    if user is None:
        return Organisation.objects.none()
    qs = Organisation.objects.visible_to(user).current()
    if not shallow:
        return qs
    scope = get_scope(user)
    if scope.focus_path is not None:
        top = len(scope.focus_path) // Organisation.steplen
    elif scope.everything:
        top = 1
    else:
        top = min((len(g.path) for g in scope.grants), default=Organisation.steplen) // Organisation.steplen
    return qs.filter(depth__lte=top + 2).order_by("path")


class OrgChoiceFilter(filters.ModelChoiceFilter):
    """An organisation filter offered as every organisation field is (orgs.forms.OrgChoiceField)."""

    field_class = OrgChoiceField


class ItemFilter(StrictFilterSet):
    q = filters.CharFilter(field_name="title", lookup_expr="contains", label=_("Problem / task"))
    status = filters.ChoiceFilter(choices=Item.Status.choices, label=_("Status"))
    light = filters.ChoiceFilter(choices=LIGHT_CHOICES, method="filter_light", label=_("Light"))
    completion = filters.ChoiceFilter(
        choices=[(w, w) for w in COMPLETION_WORDS], method="filter_completion", label=_("Completion")
    )
    source = filters.ChoiceFilter(choices=Source.choices, label=pgettext_lazy("problem", "Source"))
    category = filters.ModelChoiceFilter(queryset=Category.objects.all(), label=_("Category"))
    deadline_from = filters.DateFilter(field_name="deadline", lookup_expr="gte", label=_("Deadline from"))
    deadline_to = filters.DateFilter(field_name="deadline", lookup_expr="lte", label=_("Deadline to"))
    org = OrgChoiceFilter(
        queryset=Organisation.objects.none(),
        method="filter_org",
        label=_("Responsible organisation (and below)"),
    )
    item_list = IdFilter(field_name="item_list_id", label=pgettext_lazy("ledger", "List"))
    closed_late = filters.BooleanFilter(label=_("Closed late"))
    work = filters.ChoiceFilter(
        choices=WORK_CHOICES, method="filter_work", label=pgettext_lazy("ledger filter", "My work")
    )

    # Pages offer a short select; the API accepts any visible organisation.
    shallow_org_choices = True

    class Meta:
        model = Item
        fields = [
            "q",
            "status",
            "light",
            "completion",
            "source",
            "category",
            "deadline_from",
            "deadline_to",
            "org",
            "item_list",
            "closed_late",
            "work",
        ]

    @property
    def form(self):
        """The filter form with the page's styling and the user's organisations, set up when first asked for
        (an API request that names no filter never builds it)."""
        if "_form" not in self.__dict__:
            self._set_up(super().form)
        return self._form

    def _set_up(self, form) -> None:
        fields = form.fields
        for name, f in fields.items():
            if name in ("deadline_from", "deadline_to"):
                f.widget.input_type = "date"
            css = (
                "form-select form-select-sm"
                if hasattr(f.widget, "choices")
                else "form-control form-control-sm"
            )
            f.widget.attrs.setdefault("class", css)
        fields["item_list"].widget = forms.HiddenInput()
        fields["closed_late"].widget.choices = [("unknown", _("Any")), ("true", _("Yes")), ("false", _("No"))]
        fields["org"].queryset = org_choices(
            getattr(self.request, "user", None), shallow=self.shallow_org_choices
        )

    def filter_completion(self, qs, name, value):
        """The published status word (DOMAIN.md §8), as the ledger column and the export show it."""
        return qs.filter(completion_q(value)) if value else qs

    def filter_work(self, qs, name, value):
        """One section of the user's "my work", as its count on the home page counts it."""
        user = getattr(self.request, "user", None)
        if not value or user is None:
            return qs
        return qs.filter(my_work_q(user, value))

    def filter_light(self, qs, name, value):
        return qs.light(value) if value else qs

    # The path ``filter_org`` read, named in a kept list query's key (``core.pagination.list_key(read=)``).
    org_path: str | None = None

    def filter_org(self, qs, name, value):
        """Items of one organisation's subtree; an id the user cannot see matches nothing."""
        if not value:
            return qs
        self.org_path = value.path
        return qs.filter(org__path__subtree=value.path)


class ApiItemFilter(ItemFilter):
    shallow_org_choices = False
