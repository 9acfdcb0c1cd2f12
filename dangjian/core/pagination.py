"""Pages of a list whose total is counted only up to a limit.

A province's member list holds 4 million people and its ledger a million items: counting them exactly
on every page costs a third of a second and tells the clerk nothing a narrower filter would not. Up to
``LIST_COUNT_MAX`` rows the total is exact, as before; beyond it the count stops there, the list says
"more than …", and its pages reach as far as the count does. Every paginated list uses it: the tables
(django-tables2's ``RequestConfig``, through ``table_pagination``) and the plain lists (``page_of``).
"""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property


def count_up_to(queryset: QuerySet, limit: int) -> int:
    """How many rows ``queryset`` has, counted no further than ``limit + 1``: unsorted, so the database stops
    there (more than ``limit`` is all a caller needs to know past it)."""
    return queryset.order_by()[: limit + 1].count()


class CappedPaginator(Paginator):
    """A ``Paginator`` whose ``count`` stops at ``LIST_COUNT_MAX``, or at ``count_max`` for a list whose rows
    cost more to find (``capped`` says whether it did)."""

    capped = False

    def __init__(self, object_list, per_page, *args, count_max: int | None = None, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        self.count_max = count_max

    @cached_property
    def count(self) -> int:
        limit = self.count_max or settings.LIST_COUNT_MAX
        table_data = getattr(
            self.object_list, "data", None
        )  # a django-tables2 table's rows hold their queryset
        rows = table_data.data if table_data is not None else self.object_list
        if not isinstance(rows, QuerySet):
            return len(self.object_list)
        n = count_up_to(rows, limit)
        if n > limit:
            self.capped = True
            n = limit
        if table_data is not None:
            table_data._length = n  # what django-tables2 would otherwise count again, in full
        return n


def page_of(object_list, request, per_page: int, *, param: str = "page", count_max: int | None = None):
    """The page of ``object_list`` asked for in ``request`` (the last one when past it)."""
    return CappedPaginator(object_list, per_page, count_max=count_max).get_page(request.GET.get(param))


def table_pagination(per_page: int) -> dict:
    """What django-tables2's ``RequestConfig(paginate=…)`` takes for a table of ``per_page`` rows."""
    return {"per_page": per_page, "paginator_class": CappedPaginator}
