"""REST glue shared by every app's API: the scoping base view, the serializer base and the error format."""

import copy
import functools
from collections.abc import Mapping

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, router
from django.http import Http404
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers
from rest_framework.fields import Field, SkipField
from rest_framework.pagination import PageNumberPagination
from rest_framework.relations import PKOnlyObject, PrimaryKeyRelatedField
from rest_framework.views import exception_handler as drf_exception_handler

from .filters import StrictFilterSet
from .pagination import LIST_QUERIES, KeptList
from .prepared import Kept, PreparedQuery, fits_column, kept_queryset
from .scoping import get_scope


def exception_handler(exc, context):
    """Show a service's ValidationError exactly as the UI shows it (same Chinese message)."""
    if isinstance(exc, DjangoValidationError):
        exc = serializers.ValidationError({"detail": exc.messages})
    return drf_exception_handler(exc, context)


class ScopedViewSetMixin:
    """A viewset whose queryset always passes through ``visible_to(request.user)``.

    Filters (``filterset_class``) narrow lists only: a detail or an action on one record is found in
    the caller's scope by its id, without building and validating the list's filter form.

    Building the queryset (the scope's conditions, its annotations) and compiling it cost more than
    running it. Both are therefore done once per viewset, action, caller and caller's scope (a role
    or focus changed is another scope): ``get_queryset()`` (the viewset's own, whatever it adds) is
    kept and each request gets a fresh copy of it to filter and page, and a detail request runs a
    ``core.prepared.PreparedQuery`` of it with the id put in. Rows are read from the database every
    time; only the query is kept. The queryset must therefore depend on nothing but the caller, their
    scope and the action; a viewset whose queryset depends on more names it in ``prepared_key()``
    (e.g. today's date), and one that cannot sets ``prepared = False`` to build it per request.
    """

    prepared = True

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        own = cls.__dict__.get("get_queryset")
        if own is not None and not getattr(own, "_dangjian_kept", False):
            cls.get_queryset = _kept_queryset(own)

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)

    def filter_queryset(self, queryset):
        if getattr(self, "action", None) != "list":
            return queryset
        if self.prepared:
            unnamed = self._as_no_filter_narrows_it(queryset)
            if unnamed is not None:
                # The list as a request naming no filter sees it (the first page an API client asks
                # for): built once per caller and scope like the queryset, then paged by kept queries.
                key = (*self._prepared_key(), "as no filter narrows it")
                kept = _QUERYSETS.get(key)
                if kept is None:
                    kept = _QUERYSETS.keep(key, unnamed())
                self._dangjian_unfiltered = found = kept.all()
                return found
        return super().filter_queryset(queryset)

    def _as_no_filter_narrows_it(self, queryset):
        """When the request names none of the list's filters, a function giving the list it then shows;
        else None (the filters run as DRF runs them). Only django-filter's backend and strict filter sets
        are known to depend on nothing else (``core.filters.StrictFilterSet``)."""
        backends = self.filter_backends
        if not backends:
            return lambda: queryset
        if len(backends) != 1 or backends[0] is not DjangoFilterBackend:
            return None
        filterset = DjangoFilterBackend().get_filterset(self.request, queryset, self)
        if filterset is None:
            return lambda: queryset
        if isinstance(filterset, StrictFilterSet) and filterset.names_no_filter():
            return lambda: filterset.qs
        return None

    def paginate_queryset(self, queryset):
        """DRF's paging; a list that no filter narrowed is counted and paged by queries compiled once."""
        if (
            self.prepared
            and queryset is self.__dict__.get("_dangjian_unfiltered")
            and type(self.paginator) is PageNumberPagination
            and _pageable(queryset)
        ):
            queryset = _PreparedList(
                queryset, self._prepared_key(), self.paginator.get_page_size(self.request)
            )
        return super().paginate_queryset(queryset)

    def prepared_key(self) -> tuple:
        """What the queryset depends on besides the caller's scope and the action (hashable values)."""
        return ()

    def _prepared_key(self):
        # The caller too, not only the scope: a visible_to may read the user (talks: what they recorded).
        user = self.request.user
        return (type(self), getattr(self, "action", None), user.pk, get_scope(user), self.prepared_key())

    def get_object(self):
        """DRF's ``get_object`` (same 404s, same permission check) through a compiled query."""
        lookup_field = self.lookup_field
        model = self.queryset.model if self.queryset is not None else None
        field = _integer_field(model, lookup_field) if self.prepared and model is not None else None
        if field is None:
            return super().get_object()
        raw = self.kwargs[self.lookup_url_kwarg or lookup_field]
        alias = router.db_for_read(model)
        try:
            value = field.get_prep_value(raw)
        except (TypeError, ValueError) as exc:
            raise Http404 from exc  # as DRF's get_object_or_404: "Not found."
        obj = None
        if fits_column(field, value, alias):
            key = (*self._prepared_key(), lookup_field, alias)
            prepared = _DETAIL_QUERIES.get(key)
            if prepared is None:
                prepared = _DETAIL_QUERIES.keep(
                    key, _detail_query(self.get_queryset(), lookup_field, field.unique)
                )
            found = prepared.objects(value, using=alias)
            if len(found) > 1:
                raise model.MultipleObjectsReturned(f"get() returned more than one {model.__name__}.")
            obj = found[0] if found else None
        if obj is None:
            raise Http404(f"No {model._meta.object_name} matches the given query.")
        self.check_object_permissions(self.request, obj)
        return obj


# (viewset, action, caller's id, scope, prepared_key()) → its queryset; with the lookup field and the
# database alias → its detail query (each store drops its oldest beyond 1000).
_QUERYSETS = Kept()
_DETAIL_QUERIES = Kept()
_LOOKUP_PLACEHOLDER = -7_304_182  # an id no record has, found once among the compiled SQL's parameters


def _kept_queryset(get_queryset):
    """``get_queryset`` built once per viewset, action, caller and scope; each call gets its own copy.

    Only the outermost call keeps its result: a subclass's ``super().get_queryset()`` is built on.
    """

    @functools.wraps(get_queryset)
    def kept(self):
        if not self.prepared or self.__dict__.get("_dangjian_building"):
            return get_queryset(self)

        def build():
            self._dangjian_building = True
            try:
                return get_queryset(self)
            finally:
                self._dangjian_building = False

        return kept_queryset(self._prepared_key(), build, _QUERYSETS)  # a copy, never the kept one itself

    kept._dangjian_kept = True
    return kept


ScopedViewSetMixin.get_queryset = _kept_queryset(ScopedViewSetMixin.get_queryset)  # type: ignore[method-assign]


class _PreparedList:
    """A kept list queryset as DRF's paginator reads it: its count and its pages (a slice of it) run by SQL
    compiled once per viewset, action, caller, scope and page (``core.pagination.KeptList``); the rows are
    read afresh on every call."""

    def __init__(self, queryset, key, page_size: int | None):
        self.queryset = queryset
        self.kept = KeptList(queryset, key, page_size or 0, store=_LIST_QUERIES)
        self.ordered = queryset.ordered  # as Django's Paginator asks (a warning for an unordered list)

    def count(self) -> int:
        return self.kept.count()

    def __getitem__(self, index):
        if not (
            isinstance(index, slice)
            and index.step is None
            and type(index.start) is int
            and type(index.stop) is int
            and 0 <= index.start <= index.stop
        ):
            return self.queryset[index]
        return self.kept.rows(index.start, index.stop)

    def __len__(self) -> int:
        return self.count()


# (viewset, action, caller's id, scope, prepared_key(), alias) with "count" or ("page", start, stop) → the
# list's count (its SQL and parameters) or the page's PreparedQuery (the store every kept list shares).
_LIST_QUERIES = LIST_QUERIES


def _pageable(queryset) -> bool:
    """A plain model queryset (what ``PreparedQuery.objects`` reads), not yet sliced."""
    return KeptList.suits(queryset)


def _integer_field(model, lookup_field: str):
    """The model's field behind ``lookup_field`` when it holds whole numbers (ids), else None."""
    try:
        field = model._meta.pk if lookup_field == "pk" else model._meta.get_field(lookup_field)
    except Exception:
        return None
    return field if isinstance(field, models.IntegerField) and field.concrete else None


def _detail_query(queryset, lookup_field: str, unique: bool) -> PreparedQuery:
    """One record of ``queryset`` by ``lookup_field``, as Django's ``get()`` asks for it (at most 21 rows)."""
    queryset = queryset.order_by()
    # Found by a unique column (the id), the record is looked up by its index whatever the scope's conditions
    # beside it: planned once.
    return PreparedQuery(
        lambda value: queryset.filter(**{lookup_field: value})[:21], _LOOKUP_PLACEHOLDER, plan_once=unique
    )


class ModelSerializer(serializers.ModelSerializer):
    """A ModelSerializer that works out its fields from the model once per class, not on every request.

    DRF introspects the model (field classes, arguments, validators) each time a serializer is made;
    that is most of an API detail request's time. The fields do not depend on the request here, so they
    are built once and each serializer gets its own copies (fields are bound to their serializer).

    A plain field is copied shallowly: binding sets only the copy's own attributes, and what it shares
    with the built field (choices, validators, error messages) is read, never changed. DRF's deep copy
    would call every field's ``__init__`` again. A field holding other fields (a nested serializer, a
    many-related or list field) is deep-copied, since those have their own parent.
    """

    def get_fields(self):
        cls = type(self)
        built = cls.__dict__.get("_dangjian_fields")
        if built is None:
            built = super().get_fields()
            cls._dangjian_as_is = {name: (field, _shown_as_is(field)) for name, field in built.items()}
            cls._dangjian_fields = built
        return {
            name: copy.deepcopy(field) if _holds_fields(field) else copy.copy(field)
            for name, field in built.items()
        }

    def to_representation(self, instance):
        """DRF's ``Serializer.to_representation``, with plain attribute sources read directly.

        A field whose value is a chain of attributes (``name``, ``org.name``, ``birth_date.year``) is
        read with ``getattr``; anything else (a method, a mapping, a missing attribute, a related
        field's own lookup) goes through the field's ``get_attribute`` as in DRF, so the result and
        its errors are DRF's. What each field needs is worked out once per serializer, not per row.
        """
        plan = self.__dict__.get("_dangjian_plan")
        if plan is None:
            as_is = type(self).__dict__.get("_dangjian_as_is", {})
            plan = self._dangjian_plan = [
                (
                    field,
                    field.field_name,
                    tuple(field.source_attrs) if type(field).get_attribute is Field.get_attribute else None,
                    _foreign_key_attname(self, field),
                    _as_is_of(field, as_is.get(field.field_name)),
                )
                for field in self._readable_fields
            ]
        ret = {}
        for field, name, attrs, fk_attname, as_is in plan:
            if fk_attname is not None:
                # A related record's id, as PrimaryKeyRelatedField gives it: the foreign key's column.
                value = getattr(instance, "__dict__", _NO_DICT).get(fk_attname, _SLOW)
                if value is not _SLOW:
                    ret[name] = value
                    continue
            attribute = _plain_attribute(instance, attrs) if attrs is not None else _SLOW
            if attribute is _SLOW:
                try:
                    attribute = field.get_attribute(instance)
                except SkipField:
                    continue
            if type(attribute) is as_is:  # what the field's to_representation would give back unchanged
                ret[name] = attribute
                continue
            check_for_none = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
            ret[name] = None if check_for_none is None else field.to_representation(attribute)
        return ret


_SLOW = object()  # "ask the field": the plain attribute walk does not apply


def _as_is_of(field, built) -> type | None:
    """``_shown_as_is(field)``, worked out once per class for the copies of a built field (same choices)."""
    if built is not None:
        built_field, as_is = built
        if type(field) is type(built_field) and getattr(field, "choice_strings_to_values", None) is getattr(
            built_field, "choice_strings_to_values", None
        ):
            return as_is
    return _shown_as_is(field)


def _shown_as_is(field) -> type | None:
    """The type of value that DRF's ``to_representation`` of this field returns unchanged, else None.

    ``str(text)``, ``int(number)``, a boolean looked up in ``TRUE_VALUES``: a value already of the type
    the field shows is shown as it is (exactly that type: not a subclass, such as an enum member).
    """
    kind = type(field).to_representation
    if kind is serializers.CharField.to_representation:
        return str
    if kind is serializers.IntegerField.to_representation:
        return int
    if kind is serializers.BooleanField.to_representation:
        return bool
    if kind is serializers.ChoiceField.to_representation and all(
        type(key) is str and value == key for key, value in field.choice_strings_to_values.items()
    ):
        return str  # choice_strings_to_values maps every text key to itself; other text is shown as it is
    return None


_NO_DICT: dict = {}


def _foreign_key_attname(serializer, field) -> str | None:
    """The column holding the id a plain ``PrimaryKeyRelatedField`` shows (``org`` → ``org_id``), else None."""
    if (
        type(field) is not PrimaryKeyRelatedField
        or field.pk_field is not None
        or len(field.source_attrs) != 1
    ):
        return None
    model = getattr(getattr(serializer, "Meta", None), "model", None)
    try:
        model_field = model._meta.get_field(field.source_attrs[0]) if model is not None else None
    except Exception:
        return None
    if model_field is None or not (model_field.many_to_one and model_field.concrete):
        return None
    return model_field.attname


_PLAIN_TYPES: set = set()  # classes known not to be mappings (DRF reads mappings by key)


def _plain_attribute(instance, attrs):
    """The value at ``attrs`` by getattr, or _SLOW where DRF's ``get_attribute`` would do more."""
    value = instance
    for attr in attrs:
        kind = type(value)
        if kind not in _PLAIN_TYPES:
            if isinstance(value, Mapping):
                return _SLOW
            _PLAIN_TYPES.add(kind)
        try:
            value = getattr(value, attr)
        except Exception:
            return _SLOW
        if callable(value):
            return _SLOW
    return value


def _holds_fields(field) -> bool:
    return isinstance(field, serializers.BaseSerializer) or any(
        hasattr(field, name) for name in ("child", "child_relation")
    )
