"""What every list's filters share: ids and numbers from the query string that can never crash a page.

A number beyond what the database holds (``?item_list=99999999999999999999999``) made SQLite raise
OverflowError (a 500) on the ledger, its export and the API. Ids are parsed here into whole numbers
the database can hold; anything else makes the filter invalid, which a page shows as an empty list
and the API as a 400.
"""

from __future__ import annotations

import django_filters as filters
from django import forms

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
    """A filter set that shows nothing for an invalid filter (an id out of range, a bad date), never everything."""

    @property
    def qs(self):
        if self.is_bound and not self.is_valid():
            return self.queryset.none()
        return super().qs
