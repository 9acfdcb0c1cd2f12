"""Pages of a list whose total is counted only up to a limit.

A province's member list holds 4 million people and its ledger a million items: counting them exactly
on every page costs a third of a second and tells the clerk nothing a narrower filter would not. Up to
``LIST_COUNT_MAX`` rows the total is exact, as before; beyond it the count stops there, the list says
"more than …", and its pages reach as far as the count does. Every paginated list uses it: the tables
(django-tables2's ``RequestConfig``, through ``table_pagination``) and the plain lists (``page_of``).

A list page whose query is built from nothing but the request, its user and their scope, the day and the
rule parameters can have its count and its page compiled once instead of on every visit (``KeptList``, as
the API's lists are): it passes ``key=list_key(request)`` to ``page_of`` or ``table_pagination``. The rows
are read afresh every time; only the SQL is kept. A query holding values read from the database while it
is built (ids looked up first, a date from a record) must not pass a key, or must name those values in it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.db.models.query import ModelIterable
from django.utils import timezone
from django.utils.functional import cached_property

from . import params
from .prepared import Kept, PreparedQuery, prepares, server_cursor, values_written
from .scoping import get_scope


def count_up_to(queryset: QuerySet, limit: int) -> int:
    """How many rows ``queryset`` has, counted no further than ``limit + 1``: unsorted, so the database stops
    there (more than ``limit`` is all a caller needs to know past it)."""
    return queryset.order_by()[: limit + 1].count()


class KeptList:
    """A list queryset counted and paged by SQL compiled once per ``key`` (and page): the count's SQL is
    captured as Django sends it, each page is a ``PreparedQuery`` of the queryset's slice. The rows are read
    afresh on every call. ``key`` names everything the queryset depends on (``list_key``)."""

    def __init__(self, queryset: QuerySet, key: tuple, page_size: int, store: Kept | None = None):
        self.queryset = queryset
        self.page_size = page_size or 0
        self.alias = queryset.db
        self.key = (*key, self.alias)
        self.store = LIST_QUERIES if store is None else store

    @staticmethod
    def suits(queryset) -> bool:
        """A plain model queryset (what ``PreparedQuery.objects`` reads), not yet sliced nor evaluated."""
        return (
            isinstance(queryset, QuerySet)
            and queryset._iterable_class is ModelIterable
            and not getattr(queryset, "_known_related_objects", None)
            and not queryset.query.is_sliced
            and queryset._result_cache is None
        )

    def count(self, limit: int | None = None) -> int:
        """The number of rows (counted no further than ``limit + 1`` with a limit, as ``count_up_to``)."""
        key = (*self.key, "count" if limit is None else ("count", limit))
        found = self.store.get(key)
        connection = connections[self.alias]
        if found is None:
            captured: list = []

            def capture(execute, sql, params, many, context):
                captured.append((sql, params))
                return execute(sql, params, many, context)

            with connection.execute_wrapper(capture):
                number = self.queryset.count() if limit is None else count_up_to(self.queryset, limit)
            # Django asked nothing (a condition no row meets: 0) or one COUNT query; kept only then, with its
            # values written into it where statements are prepared (planned once, for those values).
            if len(captured) <= 1:
                kept_count = captured[0] if captured else ()
                if kept_count and prepares(connection):
                    kept_count = (values_written(connection, *kept_count), None)
                self.store.keep(key, kept_count)
            return number
        if not found:
            return 0
        sql, sql_params = found
        if sql_params is not None:
            with connection.cursor() as cursor:
                cursor.execute(sql, sql_params)
                return cursor.fetchone()[0]
        with server_cursor(connection) as cursor:
            cursor.execute(sql, [])
            number = cursor.fetchone()[0]
        if connection.queries_logged:
            # Logged as every other query, with its values in it (a query log or a benchmark runs it again).
            connection.queries_log[-1]["sql"] = sql.replace("%%", "%")
        return number

    def rows(self, start: int, stop: int) -> list:
        """The model instances from ``start`` to ``stop``. The last page is asked as a whole page and cut,
        so that its query does not change with the count."""
        stop_asked, stop = stop, max(stop, start + self.page_size)
        key = (*self.key, "page", start, stop)
        prepared = self.store.get(key)
        if prepared is None:
            page = self.queryset.all()[start:stop]
            prepared = self.store.keep(key, PreparedQuery(lambda: page))
        return prepared.objects(using=self.alias)[: stop_asked - start]


# (the list's key, alias) with "count" (or ("count", limit)) or ("page", start, stop) → the count's SQL and
# parameters, or the page's PreparedQuery (the oldest dropped beyond 1000).
LIST_QUERIES = Kept()


def list_key(request, *extra, naming: tuple[str, ...] = (), read: tuple | None = None) -> tuple | None:
    """What a list page's query depends on when it is built from the request alone: the page's view and its
    URL's arguments, the user and their scope, the query string (but the page number), the day and the rule
    parameters in force; ``extra``: anything else it is built from.

    ``naming``: query parameters whose filter reads the database while the query is built (an organisation's
    path for "this organisation and below"); ``read``: what it read for them this time. The key then names
    it, so that a list is never read by a query kept with a path a move has changed since: the moved
    organisation's list is compiled afresh. A request naming one of them without ``read`` gets None: its list
    is counted and read as Django builds it.
    """
    if read is None and any(request.GET.get(name) for name in naming):
        return None
    if read is not None:
        extra = (*extra, ("read", read))
    user = request.user
    asked = tuple(sorted((name, tuple(values)) for name, values in request.GET.lists() if name != "page"))
    match = request.resolver_match
    view = (match.view_name, tuple(sorted(match.kwargs.items()))) if match is not None else request.path
    return (view, user.pk, get_scope(user), asked, timezone.localdate(), params.version(), *extra)


class CappedPaginator(Paginator):
    """A ``Paginator`` whose ``count`` stops at ``LIST_COUNT_MAX``, or at ``count_max`` for a list whose rows
    cost more to find (``capped`` says whether it did). With a ``key`` (``list_key``), a queryset's count and
    page are read by SQL compiled once per key (``KeptList``)."""

    capped = False

    def __init__(
        self, object_list, per_page, *args, count_max: int | None = None, key: tuple | None = None, **kwargs
    ):
        super().__init__(object_list, per_page, *args, **kwargs)
        self.count_max = count_max
        self.key = key

    def _rows(self):
        """The queryset listed (a django-tables2 table's rows hold it) and the table's data, if a table's."""
        table_data = getattr(self.object_list, "data", None)
        if table_data is not None and hasattr(table_data, "set_table"):
            return table_data.data, table_data
        return self.object_list, None

    @cached_property
    def _kept(self) -> KeptList | None:
        rows, _table_data = self._rows()
        if self.key is None or not KeptList.suits(rows):
            return None
        return KeptList(rows, (*self.key, self.per_page), self.per_page)

    @cached_property
    def count(self) -> int:
        limit = self.count_max or settings.LIST_COUNT_MAX
        rows, table_data = self._rows()
        if not isinstance(rows, QuerySet):
            return len(self.object_list)
        n = self._kept.count(limit) if self._kept is not None else count_up_to(rows, limit)
        if n > limit:
            self.capped = True
            n = limit
        if table_data is not None:
            table_data._length = n  # what django-tables2 would otherwise count again, in full
        return n

    def page(self, number):
        kept = self._kept
        if kept is None:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        found = kept.rows(bottom, top) if top > bottom else []
        if self._rows()[1] is not None:  # a table's page holds its rows as django-tables2 slices them
            found = type(self.object_list)(
                data=found, table=self.object_list.table, pinned_data=self.object_list.pinned_data
            )
        return self._get_page(found, number, self)


def page_of(
    object_list,
    request,
    per_page: int,
    *,
    param: str = "page",
    count_max: int | None = None,
    key: tuple | None = None,
):
    """The page of ``object_list`` asked for in ``request`` (the last one when past it); with ``key`` (see
    ``list_key``) counted and read by SQL compiled once."""
    return CappedPaginator(object_list, per_page, count_max=count_max, key=key).get_page(
        request.GET.get(param)
    )


def table_pagination(per_page: int, *, key: tuple | None = None) -> dict:
    """What django-tables2's ``RequestConfig(paginate=…)`` takes for a table of ``per_page`` rows (with
    ``key``, see ``list_key``, counted and read by SQL compiled once)."""
    found: dict = {"per_page": per_page, "paginator_class": CappedPaginator}
    if key is not None:
        found["key"] = key
    return found
