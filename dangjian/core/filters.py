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
from django_filters.constants import EMPTY_VALUES
from django_filters.filters import FilterMethod, QuerySetRequestMixin

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

    A request that names none of the filters (an API list's first page, ``?page=2``) filters nothing,
    so its form is not built to find that out: ``qs`` is the queryset given, the same object (an API
    list then pages it with queries compiled once), and ``is_valid()`` is true. That holds when an
    empty submission of the form is valid and every value it cleans is empty (no required field, no
    checkbox that reads "unchecked" as False); it is checked once per class, on the first such
    request, with the form itself. A data key names a filter when it is the form field's name or
    starts with it (a widget reads its name, a multi-widget its name and a suffix).
    A filter set overriding ``filter_queryset`` always builds its form.

    What a request naming no filter gets (the queryset given, or narrowed by the set's defaults:
    ``PersonFilter`` shows those on the roll) must depend on that queryset alone, never on the date or
    the database: an API list keeps it per caller and scope (``core.api.ScopedViewSetMixin``).
    """

    _empty_filters_nothing: bool | None = None  # per class: does an empty submission filter nothing?

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

    def get_form_class(self):
        """django-filter's form class, made once per filter set class when no filter's field depends on the
        request (a choice queryset does); each form still gets its own copies of the fields, as always."""
        cls = type(self)
        found = cls.__dict__.get("_form_class")
        if found is None:
            found = super().get_form_class()
            if not any(isinstance(f, QuerySetRequestMixin) for f in self.filters.values()):
                cls._form_class = found
        return found

    def names_no_filter(self) -> bool:
        """True when the data names no filter and an empty submission is known to filter nothing."""
        if not self.is_bound or type(self).filter_queryset is not filters.FilterSet.filter_queryset:
            return False
        if self.data:
            prefix = f"{self.form_prefix}-" if self.form_prefix else ""
            names = tuple(prefix + name for name in self.filters)
            if any(key.startswith(names) for key in self.data):
                return False
        known = type(self).__dict__.get("_empty_filters_nothing")
        if known is None:
            form = self.form
            known = form.is_valid() and all(v in EMPTY_VALUES for v in form.cleaned_data.values())
            type(self)._empty_filters_nothing = known
        return known

    def is_valid(self):
        if "_form" not in self.__dict__ and self.names_no_filter():
            return True
        return super().is_valid()

    @property
    def qs(self):
        if not hasattr(self, "_qs") and "_form" not in self.__dict__ and self.names_no_filter():
            self._qs = self.queryset  # unchanged: the caller sees that nothing narrowed it
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
