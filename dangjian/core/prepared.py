"""Queries asked on every request, compiled to SQL once instead of on each request.

Turning a queryset into SQL costs far more than running a small indexed query: on an API
detail request the token lookup and the caller's grants took longer to compile than the whole
rest of the SQL took to run. A ``PreparedQuery`` builds its queryset once per database alias
and thread with placeholder values, keeps the SQL and the compiler, and on each call runs the
same SQL with the real values and the ORM's own value converters. The rows are always read
from the database, so nothing is cached that could go stale.

Usage::

    GRANTS = PreparedQuery(
        lambda user_id: RoleAssignment.objects.filter(user_id=user_id).values_list("role", "org_id"),
        0,  # a placeholder of the parameter's type; it must appear exactly once in the SQL's parameters
    )
    rows = GRANTS.rows(user.pk, model=RoleAssignment)

Only ``values_list`` querysets (tuples out) and parameters the lookup passes on unchanged (ids,
strings compared with ``=``) or as the backend stores a datetime (``adapt_datetimefield_value``)
are supported; a placeholder not found exactly once among the SQL's parameters is refused.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime

from django.core.exceptions import ImproperlyConfigured
from django.db import connections, router
from django.db.models import QuerySet


class PreparedQuery:
    def __init__(self, build: Callable[..., QuerySet], *placeholders):
        self.build = build
        self.placeholders = placeholders
        self._local = threading.local()  # a compiler belongs to its thread's connection

    def _compiled(self, alias: str):
        store = self._local.__dict__.setdefault("by_alias", {})
        found = store.get(alias)
        if found is None:
            connection = connections[alias]
            queryset = self.build(*self.placeholders).using(alias)
            compiler = queryset.query.get_compiler(alias)
            sql, params = compiler.as_sql()
            params = list(params)
            positions = []
            for placeholder in self.placeholders:
                wanted = _adapt(connection, placeholder)
                at = [i for i, p in enumerate(params) if type(p) is type(wanted) and p == wanted]
                if len(at) != 1:
                    raise ImproperlyConfigured(
                        f"PreparedQuery: placeholder {placeholder!r} appears {len(at)} times in {params!r}."
                    )
                positions.append(at[0])
            found = store[alias] = (sql, params, positions, compiler)
        return found

    def rows(self, *values, model=None, using: str | None = None) -> list[tuple]:
        """The rows for these parameter values (in the order of the placeholders)."""
        alias = using if using is not None else router.db_for_read(model) if model is not None else "default"
        sql, params, positions, compiler = self._compiled(alias)
        params = list(params)
        connection = connections[alias]
        for position, value in zip(positions, values, strict=True):
            params[position] = _adapt(connection, value)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            fetched = cursor.fetchall()
        return list(compiler.results_iter(results=[fetched], tuple_expected=True))


def _adapt(connection, value):
    """A parameter as the ORM passes it to the backend (datetimes in the backend's form)."""
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return value
