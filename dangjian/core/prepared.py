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

``rows`` reads a ``values_list`` queryset (tuples out), ``values`` a ``values()`` one (dicts out) and
``aggregate`` an ``aggregated(...)`` one (``QuerySet.aggregate``'s dict); ``objects`` reads a model queryset
(``select_related``, ``defer``/``only``, annotations; its ``prefetch_related`` lookups are then
fetched as Django fetches them) into model instances exactly as iterating the queryset would.
Parameters must be passed on by the lookup unchanged (ids, strings compared with ``=``) or as
the backend stores a datetime (``adapt_datetimefield_value``); a placeholder not found exactly
once among the SQL's parameters is refused.

A queryset that depends on more than its parameters (a user's scope, today's date) is prepared
once per value of what it depends on and kept in a ``Kept`` store under a key naming all of it:
``core.api.ScopedViewSetMixin`` keeps one ``PreparedQuery`` per viewset and scope for its detail
requests, the home page's "my work" one per user, scope, day and rule parameters (``kept``)::

    counts = kept(("ledger.my_work", user.pk, get_scope(user), today, params.version()), lambda: ...)
    rows = counts.rows(model=Item)
"""

from __future__ import annotations

import inspect
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import EmptyResultSet, ImproperlyConfigured
from django.db import connections, router
from django.db.models import Count, IntegerField, Model, QuerySet, Subquery, Value, prefetch_related_objects
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.functions import Coalesce
from django.db.models.query import ModelIterable, get_related_populators
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init


class PreparedQuery:
    def __init__(self, build: Callable[..., QuerySet], *placeholders, plan_once: bool = False):
        self.build = build
        self.placeholders = placeholders
        # The best plan whatever the placeholders' values (a lookup by a unique key, by one record's or user's
        # id): on PostgreSQL the SQL is then prepared on the server and planned once per connection
        # (``server_cursor``). Not for a query whose plan depends on them (a scope's path range: the people of
        # a village or of a whole county), where PostgreSQL's one plan for every value can be many times
        # slower. A query without placeholders is planned once anyway, with its values in its SQL.
        self.plan_once = plan_once
        self._local = threading.local()  # a compiler belongs to its thread's connection

    def _compiled(self, alias: str) -> _Compiled:
        store = self._local.__dict__.setdefault("by_alias", {})
        found = store.get(alias)
        if found is None:
            found = store[alias] = _compile(
                self.build(*self.placeholders).using(alias), alias, self.placeholders
            )
        return found

    def _fetch(self, alias: str, values) -> tuple[list, _Compiled]:
        compiled = self._compiled(alias)
        if compiled.sql is None:
            return [], compiled  # as Django answers it: no rows, no query
        params = list(compiled.params)
        connection = connections[alias]
        for position, value in zip(compiled.positions, values, strict=True):
            value = _adapt(connection, value)
            # Wrapped as the ORM passed the placeholder (psycopg's Int8 for a big integer column).
            kind = type(params[position])
            params[position] = value if type(value) is kind or type(value) is not int else kind(value)
        # Planned once: a lookup marked so, and every query whose values are all written into its SQL (no
        # placeholder: PostgreSQL has no value to guess, its one plan is the plan for these values).
        on_server = compiled.server_sql is not None and (self.plan_once or not compiled.positions)
        if on_server:
            with server_cursor(connection) as cursor:
                cursor.execute(compiled.server_sql, [params[position] for position in compiled.bound])
                fetched = cursor.fetchall()
        else:
            with connection.cursor() as cursor:
                cursor.execute(compiled.sql, params)
                fetched = cursor.fetchall()
        if on_server and connection.queries_logged:
            # Django logs a query bound on the server as PostgreSQL got it ("$1"); the log shows it as
            # every other query, with its values in it (a query log or a benchmark runs it again).
            from django.db.backends.postgresql.psycopg_any import mogrify

            connection.queries_log[-1]["sql"] = mogrify(compiled.sql, params, connection)
        return compiled.converted(fetched, connection), compiled

    def rows(self, *values, model=None, using: str | None = None) -> list[tuple]:
        """The rows for these parameter values (in the order of the placeholders)."""
        alias = using if using is not None else router.db_for_read(model) if model is not None else "default"
        fetched, _compiled = self._fetch(alias, values)
        return [tuple(row) for row in fetched]

    def values(self, *values, model=None, using: str | None = None) -> list[dict]:
        """The rows of a ``values()`` queryset as dicts, as iterating it would give them."""
        alias = using if using is not None else router.db_for_read(model) if model is not None else "default"
        fetched, compiled = self._fetch(alias, values)
        return [dict(zip(compiled.names, row, strict=True)) for row in fetched]

    def aggregate(self, *values, model=None, using: str | None = None) -> dict:
        """The aggregates of an ``aggregated(...)`` queryset, as ``QuerySet.aggregate`` answers them
        (a query that shows nothing gives each aggregate's empty value, 0 for a count)."""
        alias = using if using is not None else router.db_for_read(model) if model is not None else "default"
        fetched, compiled = self._fetch(alias, values)
        if not fetched:
            return dict(compiled.empty)
        return dict(zip(compiled.names, fetched[0], strict=True))

    def objects(self, *values, model=None, using: str | None = None) -> list:
        """The model instances for these parameter values, as ``list(queryset)`` would make them.

        Django's ``ModelIterable`` without the per-query set-up: the instance's fields, the
        ``select_related`` populators and the annotations' columns are worked out once.
        """
        alias = using if using is not None else router.db_for_read(model) if model is not None else "default"
        fetched, compiled = self._fetch(alias, values)
        if not fetched:
            return []
        if compiled.plan is None:
            raise ImproperlyConfigured("PreparedQuery.objects: a plain model queryset only (no values()).")
        model_cls, init_list, start, end, populators, annotations = compiled.plan
        make = instance_maker(model_cls)
        populators = [_Populator(p) for p in populators]
        found = []
        for row in fetched:
            obj = make(alias, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            for name, position in annotations:
                setattr(obj, name, row[position])
            found.append(obj)
        if compiled.prefetch:
            prefetch_related_objects(found, *compiled.prefetch)
        return found


def prepares(connection) -> bool:
    """Are statements prepared on this connection (PostgreSQL, ``prepare_threshold`` set in settings.py)?"""
    return (
        connection.vendor == "postgresql"
        and connection.settings_dict["OPTIONS"].get("prepare_threshold") is not None
    )


def server_cursor(connection):
    """For a query planned once: a cursor binding the parameters on the server, so that psycopg prepares
    the statement and PostgreSQL parses and plans it once per connection (Django's own cursor sends each
    query as text with its values in it, which is never prepared). Wrapped as Django wraps its cursors:
    the query is counted and seen by ``execute_wrapper`` as any other."""
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.ensure_connection()
    with connection.wrap_database_errors:
        cursor = ServerBindingCursor(connection.connection)
    return connection._prepare_cursor(cursor)


_PARAMETER = re.compile(r"%[%s]")


def values_written(connection, sql: str, params, keep: tuple[int, ...] = ()) -> str:
    """``sql`` with its parameters written into it as the literals Django's own cursor sends (psycopg's
    client-side binding), but for those at the positions ``keep``, left as ``%s`` to be bound on the server.

    Sent through ``server_cursor``, a query without parameters is prepared with its values in it: planned
    once per connection with the plan for those values, never PostgreSQL's one plan for any value (which
    for a scope's range of paths can be many times slower). Run it with the kept positions' values, an
    empty list when none (``%%`` stays the escape of ``%``, in the values written too).
    """
    from django.db.backends.postgresql.psycopg_any import mogrify

    parts = []
    index = 0
    last = 0
    for match in _PARAMETER.finditer(sql):
        parts.append(sql[last : match.start()])
        last = match.end()
        if match.group() == "%%":
            parts.append("%%")
            continue
        if index >= len(params):
            index += 1  # more parameters than values: refused below
            continue
        if index in keep:
            parts.append("%s")
        else:
            parts.append(str(mogrify("%s", [params[index]], connection)).replace("%", "%%"))
        index += 1
    if index != len(params):
        raise ImproperlyConfigured(
            f"PreparedQuery: the SQL's parameters and its {len(params)} values disagree."
        )
    parts.append(sql[last:])
    return "".join(parts)


def instance_maker(model) -> Callable[[str, list, Any], Any]:
    """``model.from_db`` or, where nothing could tell the difference, the same instance made without
    ``Model.__init__`` (a tenth of its time, which was most of reading a page of 50 records).

    ``Model.from_db`` calls ``__init__``, which sends ``pre_init`` and ``post_init``, sets each column's
    value through its class attribute and leaves the columns not read deferred. The plain way writes the
    values read into the instance's ``__dict__`` and its ``_state`` as ``from_db`` leaves it: the same
    instance whenever the model keeps ``Model``'s ``__init__``, ``from_db`` and ``__setattr__``, every column's
    class attribute is Django's plain one (``DeferredAttribute``, a foreign key's
    ``ForeignKeyDeferredAttribute``: on a new instance setting them writes the ``__dict__``) and nobody
    listens to ``pre_init`` or ``post_init`` for the model (asked on every call: a receiver may be
    connected later). Call it once per query, then per row: ``make(alias, attnames, values)``.
    """
    if not _plain_model(model) or pre_init.has_listeners(model) or post_init.has_listeners(model):
        return model.from_db
    return _made_plainly(model)


def _made_plainly(model):
    def make(alias, attnames, values):
        obj = new(model)
        state = obj._state = ModelState()
        state.adding = False
        state.db = alias
        obj.__dict__.update(zip(attnames, values, strict=True))
        return obj

    new = object.__new__
    return make


_PLAIN_ATTRIBUTES = (DeferredAttribute, ForeignKeyDeferredAttribute)
_PLAIN_MODELS: dict = {}


def _plain_model(model) -> bool:
    found = _PLAIN_MODELS.get(model)
    if found is None:
        found = _PLAIN_MODELS[model] = (
            model.__init__ is Model.__init__
            and inspect.getattr_static(model, "from_db") is inspect.getattr_static(Model, "from_db")
            and model.__setattr__ is Model.__setattr__
            and type(model).__call__ is type.__call__
            and all(
                type(inspect.getattr_static(model, f.attname, None)) in _PLAIN_ATTRIBUTES
                for f in model._meta.concrete_fields
            )
        )
    return found


class _Populator:
    """Django's ``RelatedPopulator`` (a ``select_related`` record of each row) making its instances with
    ``instance_maker``; everything it reads was worked out by Django's own populator."""

    def __init__(self, django):
        self.django = django
        self.make = instance_maker(django.model_cls)
        self.related = [_Populator(p) for p in django.related_populators]

    def populate(self, row, from_obj):
        django = self.django
        reorder = django.reorder_for_init
        values = reorder(row) if reorder else row[django.cols_start : django.cols_end]
        if values[django.pk_idx] is None:
            obj = None
        else:
            obj = self.make(django.db, django.init_list, values)
            for populator in self.related:
                populator.populate(row, obj)
        django.local_setter(from_obj, obj)
        if obj is not None:
            django.remote_setter(obj, from_obj)


@dataclass(frozen=True)
class _Compiled:
    """What running and reading a compiled query needs, and nothing more: the queryset and its compiler
    (the whole tree of its conditions, hundreds of kilobytes for a scoped query) are not kept."""

    sql: str | None  # None: a condition no row can meet
    params: tuple
    positions: tuple[int, ...]
    # Where statements are prepared (``prepares``): the SQL with every value but the placeholders' written
    # into it, and the placeholders' positions in the order of the ``%s`` left in it.
    server_sql: str | None
    bound: tuple[int, ...]
    col_count: int
    converters: tuple  # ((position, (converters, expression)), …) as the compiler's get_converters
    names: tuple[str, ...]  # a values() or values_list() query's names
    empty: tuple  # an aggregated(...) query's (name, empty value) pairs
    plan: tuple | None  # a model query's (model, attnames, start, end, related populators, annotations)
    prefetch: tuple

    def converted(self, fetched: list, connection) -> list:
        """The rows with the ORM's value converters applied (as ``SQLCompiler.apply_converters``)."""
        if not self.converters and all(len(row) == self.col_count for row in fetched[:1]):
            return fetched
        rows = []
        for raw in fetched:
            row = list(raw[: self.col_count])
            for pos, (convs, expression) in self.converters:
                value = row[pos]
                for converter in convs:
                    value = converter(value, expression, connection)
                row[pos] = value
            rows.append(row)
        return rows


@dataclass(frozen=True)
class _Output:
    """An expression as a number's converters read it (its output field): a counted or flagged
    annotation would otherwise keep its whole tree of conditions alive with the compiled query."""

    output_field: Any


_PLAIN_NUMBERS = {
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
    "FloatField",
    "BooleanField",
}


def _slim(expression):
    output = getattr(expression, "output_field", None)
    if (
        output is not None
        and expression.get_source_expressions()
        and output.get_internal_type() in _PLAIN_NUMBERS
    ):
        return _Output(output)
    return expression


def _same_kind(param, wanted) -> bool:
    """Whether a compiled parameter can be the placeholder ``wanted``: of its type (True is not 1), or for a
    whole number the driver's wrapper of it (the ORM passes a big integer column's value as psycopg's Int8)."""
    kind = type(param)
    if kind is type(wanted):
        return True
    return type(wanted) is int and kind is not bool and isinstance(param, int)


def _compile(queryset: Any, alias: str, placeholders: tuple) -> _Compiled:
    connection = connections[alias]
    query = queryset.query
    compiler = query.get_compiler(alias)
    names = tuple(query.selected or [*query.extra_select, *query.values_select, *query.annotation_select])
    empty = tuple(
        (name, query.annotations[name].empty_result_set_value) for name in names if name in query.annotations
    )
    prefetch = tuple(queryset._prefetch_related_lookups)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:  # a condition no row can meet (e.g. a scope that shows nothing)
        return _Compiled(None, (), (), None, (), 0, (), names, empty, None, prefetch)
    params = list(params)
    positions = []
    for placeholder in placeholders:
        wanted = _adapt(connection, placeholder)
        at = [i for i, p in enumerate(params) if _same_kind(p, wanted) and p == wanted]
        if len(at) != 1:
            raise ImproperlyConfigured(
                f"PreparedQuery: placeholder {placeholder!r} appears {len(at)} times in {params!r}."
            )
        positions.append(at[0])
    fields = [s[0] for s in compiler.select[0 : compiler.col_count]]
    if compiler.has_composite_fields(fields):
        raise ImproperlyConfigured("PreparedQuery: composite fields are not supported.")
    plan = None
    if queryset._iterable_class is ModelIterable and not queryset._known_related_objects:
        select, klass_info = compiler.select, compiler.klass_info
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        plan = (
            klass_info["model"],
            [f[0].target.attname for f in select[start:end]],
            start,
            end,
            get_related_populators(klass_info, select, alias),  # type: ignore[call-arg]
            tuple(compiler.annotation_col_map.items()),
        )
    bound = tuple(sorted(positions))
    return _Compiled(
        sql,
        tuple(params),
        tuple(positions),
        values_written(connection, sql, params, keep=bound) if prepares(connection) else None,
        bound,
        compiler.col_count,
        tuple(
            (pos, (convs, _slim(expression)))
            for pos, (convs, expression) in compiler.get_converters(fields).items()
        ),
        names,
        empty,
        plan,
        prefetch,
    )


def prefetched(instance, accessor: str, rows: list) -> None:
    """Hand ``rows`` (read by a ``PreparedQuery``) to ``instance.<accessor>.all()`` as ``prefetch_related``
    would: the reverse foreign key's set answers from them without a query, each row knows its instance."""
    manager = getattr(instance, accessor)
    field = manager.field
    queryset = manager.get_queryset()
    queryset._result_cache = rows
    queryset._prefetch_done = True
    for row in rows:
        field.set_cached_value(row, instance)
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[field.remote_field.cache_name] = queryset


def plain_rows(queryset: QuerySet) -> list[tuple]:
    """The rows of a ``values_list()`` queryset as the database driver gives them, without the ORM's
    per-value converters: for large grouped reads (a county's year of meetings by month is ~20 000 rows,
    and converting each value cost more than the query) whose columns are numbers and text. A truncated
    month or a date column may come as a ``datetime``, a ``date`` or ISO text: read it with ``as_date``."""
    try:
        sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    except EmptyResultSet:
        return []
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def as_date(value) -> date:
    """A date column of ``plain_rows`` as a ``date`` on every database: a truncated timestamp comes as a
    ``datetime`` from PostgreSQL and as ISO text from SQLite."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(value[:10])


def counted(queryset: QuerySet, per: str) -> Coalesce:
    """How many rows of ``queryset`` each outer row has, as an annotation: ``queryset`` is filtered on
    ``per=OuterRef(...)``, and the count is a correlated subquery (0 for none). Unlike ``Count`` over a join
    it adds no GROUP BY to the outer query, so a page's LIMIT applies first and only its rows are counted."""
    rows = queryset.order_by().values(per).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def aggregated(queryset: QuerySet, **aggregates) -> QuerySet:
    """``queryset.aggregate(**aggregates)`` as a queryset of one row that a ``PreparedQuery`` can run
    (``aggregate`` runs at once): grouped by a constant, so without GROUP BY and one row even when no
    record matches. Read it with ``PreparedQuery.aggregate``."""
    return (
        queryset.order_by()
        .annotate(_all=Value(1))
        .values("_all")
        .annotate(**aggregates)
        .values_list(*aggregates)
    )


class Kept:
    """A bounded store of prepared things by key (the oldest dropped beyond ``size``), shared by threads."""

    def __init__(self, size: int = 1000):
        self.size = size
        self.store: dict = {}

    def get(self, key):
        return self.store.get(key)

    def keep(self, key, value):
        self.store[key] = value
        while len(self.store) > self.size:
            try:
                self.store.pop(next(iter(self.store)))
            except (KeyError, RuntimeError, StopIteration):  # another thread emptied it first
                break
        return value


# Keyed by user, scope and day, each entry compiled once per server thread (~70 KB for "my work"):
# 256 entries bound a worker at ~256 × 70 KB × its threads (~70 MB with 4) on a server with many users,
# and a user beyond them only has their query compiled again, as before.
_KEPT = Kept(size=256)


_QUERYSETS = Kept(size=1000)


def kept_queryset(key: tuple, build: Callable[[], QuerySet], store: Kept | None = None) -> QuerySet:
    """A fresh copy (``.all()``) of the queryset ``build()`` made once per ``key``: building a queryset with
    many annotations (the organisation list's ten health figures) costs more than running it, on every visit.

    ``key`` must name everything the queryset is built from (the user, their scope, the day, the rule
    parameters' ``core.params.version()``); the kept queryset itself is never evaluated, each copy is
    filtered and read afresh. ``core.api.ScopedViewSetMixin`` keeps its viewsets' querysets so."""
    store = _QUERYSETS if store is None else store
    found = store.get(key)
    if found is None:
        found = store.keep(key, build())
    return found.all()


# Placeholders of a kept related-rows query: ids no record has, each found once among the SQL's parameters.
_RELATED_PLACEHOLDER = -7_304_100_000


def kept_in(
    key: tuple, build: Callable[[], QuerySet], *, field: str, ids: list, model, size: int = 50
) -> list:
    """The rows of ``build().filter(<field>__in=ids)``, by a query compiled once per ``key``.

    Django builds and compiles an ``IN (…)`` query anew for every list of ids (about 3 ms of a member
    list's page for its prefetch). Here it is compiled with ``size`` placeholders and run with the ids, the
    last repeated to fill them (a repeated id changes nothing in ``IN``); more ids run it again per
    ``size``. ``key`` names everything ``build()`` depends on (the user, their scope, the day); a
    restricted set stays restricted (``build`` applies ``visible_to``). ``model``: where the rows are read
    (the router reads no queryset)."""
    if not ids:
        return []
    placeholders = tuple(_RELATED_PLACEHOLDER - n for n in range(size))
    query = kept(
        (*key, "in", field, size),
        lambda *pks: build().filter(**{f"{field}__in": pks}),
        *placeholders,
    )
    found = []
    for start in range(0, len(ids), size):
        chunk = ids[start : start + size]
        found += query.objects(*chunk, *[chunk[-1]] * (size - len(chunk)), model=model)
    return found


def kept_related(
    key: tuple, records: list, build: Callable[[], QuerySet], *, field: str, to_attr: str, size: int = 50
) -> None:
    """``prefetch_related(Prefetch(…, queryset=build(), to_attr=to_attr))`` for a page of ``records``, by a
    query compiled once per ``key`` (``kept_in``): each record gets, as ``to_attr``, the rows of ``build()``
    whose ``field`` (the foreign key to the records, e.g. ``"person_id"``) is its id, in the queryset's
    order."""
    ids = [record.pk for record in records]
    found: dict = {pk: [] for pk in ids}
    if ids:
        model = type(records[0])  # read where the records were read (the router reads no model)
        for row in kept_in(key, build, field=field, ids=ids, model=model, size=size):
            found[getattr(row, field)].append(row)
    for record in records:
        setattr(record, to_attr, found[record.pk])


def fits_column(field, value, alias: str) -> bool:
    """True when ``value`` fits ``field``'s integer column on ``alias``. A prepared query is run with the
    value as a bound parameter; one beyond the column's range is an error there, where the ORM's own
    lookup finds nothing: callers answer "not found" without running the query, as the ORM would."""
    low, high = connections[alias].ops.integer_field_range(field.get_internal_type())
    return (low is None or value >= low) and (high is None or value <= high)


def kept(key: tuple, build: Callable[..., QuerySet], *placeholders, plan_once: bool = False) -> PreparedQuery:
    """The ``PreparedQuery(build, *placeholders, plan_once=plan_once)`` kept under ``key``, made on first use.

    ``key`` must name everything the queryset depends on besides its placeholders (the user, their
    scope, the day, the rule parameters' ``core.params.version()``): a query is compiled once per
    key, its rows are read afresh on every call. It starts with a dotted name (``"ledger.my_work"``):
    a key that does not (a string unpacked where a tuple was meant) would share one query among all
    users, and is refused.
    """
    if not (isinstance(key, tuple) and key and isinstance(key[0], str) and "." in key[0]):
        raise TypeError(f"A kept query's key starts with a dotted name, not {key[:3]!r}…")
    found = _KEPT.get(key)
    if found is None:
        found = _KEPT.keep(key, PreparedQuery(build, *placeholders, plan_once=plan_once))
    return found


def _adapt(connection, value):
    """A parameter as the ORM passes it to the backend (datetimes in the backend's form)."""
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return value
