"""What every list's filters share: ids and numbers from the query string that can never crash a page.

A number beyond what the database holds (``?item_list=99999999999999999999999``) made SQLite raise
OverflowError (a 500) on the ledger, its export and the API. Ids are parsed here into whole numbers
the database can hold; anything else makes the filter invalid, which a page shows as an empty list
and the API as a 400.
"""

from __future__ import annotations

import copy

import django_filters as filters
from django import forms
from django.http import QueryDict
from django_filters.filters import FilterMethod

# The largest value of a 64-bit signed column (BigAutoField, the project's primary keys).
MAX_ID = 2**63 - 1


def int_param(raw, *, minimum: int = 1, maximum: int = MAX_ID) -> int | None:
    """A whole number between ``minimum`` and ``maximum`` from a query-string value, else None."""
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        return None
    return value if minimum <= value <= maximum else None


class IdFilter(filters.NumberFilter):
    """A record's id: a positive whole number the database can hold, else the filter is invalid."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class StrictFilterSet(filters.FilterSet):
    """A filter set that shows nothing for an invalid filter (an id out of range, a bad date), never everything.

    Its filters are copied from the class's shallowly, not with django-filter's ``deepcopy`` (which
    copied every choice list and every choice queryset on each request). A copy gets its own
    ``extra`` (a request's choice queryset is written there), its own method binding and no field
    built before; what it shares with the class's filter is only read.
    """

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        # django-filter's BaseFilterSet.__init__, with _copy_filter for its deepcopy of base_filters.
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        model = queryset.model
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = type(self.base_filters)(
            (name, _copy_filter(f)) for name, f in self.base_filters.items()
        )
        for filter_ in self.filters.values():
            filter_.model = model
            filter_.parent = self

    @property
    def qs(self):
        if self.is_bound and not self.is_valid():
            return self.queryset.none()
        return super().qs


def _copy_filter(base):
    """A filter of one filter set: the class's filter copied without its nested values."""
    found = copy.copy(base)
    found.extra = dict(base.extra)
    found.__dict__.pop("_field", None)
    if isinstance(found.__dict__.get("filter"), FilterMethod):
        found.filter = FilterMethod(found)  # bound to the copy, whose parent is this filter set
    return found
