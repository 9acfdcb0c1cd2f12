"""Who may see and do what: the one place where record visibility is decided.

A user holds grants (role × organisation × with or without the subtree). Every view,
export, API route and report fetches through ``Model.objects.visible_to(user)`` or
``get_for_user``; both answer "not yours" exactly like "does not exist" (404).

The grants come from a provider named in settings (``DANGJIAN_SCOPE_PROVIDER``) so that
this module imports no app. A user may narrow what they see to one subtree (the
"focus"); the focus is applied here too, so every page honours it.

A grant may be "self only" (a plain party member's): it shows the organisation itself, and
of the records there only those about the user's own roster record. A model says how a
record reaches the person it is about in ``scope_person_field`` ("id" for the person model,
"person" for an item, "item__person" for an item's progress…); a model without one shows
nothing through a self-only grant. Callers need no check of their own: ``visible_to``,
``get_for_user`` and ``where_can`` apply the rule.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Lookup, Prefetch, Q
from django.http import Http404
from django.utils.functional import cached_property
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

_CACHE_ATTR = "_dangjian_scope"

# The alphabet of treebeard's materialised paths, in sort order.
_PATH_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _path_successor(path: str) -> str | None:
    """The smallest path after every path that starts with ``path`` (None when there is none)."""
    chars = list(path)
    for i in range(len(chars) - 1, -1, -1):
        pos = _PATH_ALPHABET.find(chars[i])
        if 0 <= pos < len(_PATH_ALPHABET) - 1:
            return "".join(chars[:i]) + _PATH_ALPHABET[pos + 1]
    return None


@models.CharField.register_lookup
class Subtree(Lookup):
    """``path__subtree=prefix``: the organisation at ``prefix`` and everything below it.

    The same rows as ``startswith``, written as an index range as well, so that SQLite
    (whose LIKE cannot use an index here) and PostgreSQL both drive the query from the
    organisation index instead of scanning the records that point to organisations.
    """

    lookup_name = "subtree"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        prefix = str(self.rhs)
        upper = _path_successor(prefix)
        sql = f"({lhs} >= %s AND {lhs} LIKE %s"
        params = [*lhs_params, prefix, *lhs_params, prefix + "%"]
        if upper is not None:
            sql += f" AND {lhs} < %s"
            params += [*lhs_params, upper]
        return sql + ")", params


FOCUS_ATTR = "_dangjian_focus"


@dataclass(frozen=True)
class Grant:
    """One role assignment: what a user may do at an organisation (and below it)."""

    org_id: int
    path: str
    subtree: bool
    role: str
    caps: frozenset[str]
    self_only: bool = False  # records about the user's own person only (see the module docstring)

    def covers(self, org_id: int, path: str) -> bool:
        if self.subtree:
            return path.startswith(self.path)
        return org_id == self.org_id


@dataclass(frozen=True)
class Scope:
    """The union of a user's grants, optionally narrowed to one focused subtree."""

    everything: bool = False
    all_caps: frozenset[str] = frozenset()
    grants: tuple[Grant, ...] = ()
    focus_path: str | None = None
    focus_id: int | None = None
    user_id: int | None = field(default=None, compare=False)
    person_id: int | None = None  # the user's own roster record, for self-only grants
    # Filters derived from this scope (``derived_filter``), compiled once; a copy with another focus starts empty.
    derived: dict = field(default_factory=dict, init=False, compare=False, repr=False)

    @property
    def is_empty(self) -> bool:
        return not self.everything and not self.grants

    def covers(self, org_id: int, path: str) -> bool:
        """True when the organisation (by id and tree path) is visible, focus included."""
        if self.focus_path is not None and not path.startswith(self.focus_path):
            return False
        if self.everything:
            return True
        return any(g.covers(org_id, path) for g in self.grants)

    def can(self, cap: str, org=None) -> bool:
        """True when some grant that covers ``org`` carries ``cap`` (any grant if org is None)."""
        if self.everything:
            return cap in self.all_caps
        return any(cap in g.caps and (org is None or g.covers(org.pk, org.path)) for g in self.grants)

    @cached_property
    def roles(self) -> frozenset[str]:
        return frozenset(g.role for g in self.grants)

    def q(self, prefix: str = "", *, cap: str | None = None, person_field: str | None = None) -> Q:
        """A filter for records whose organisation (reached through ``prefix``) is visible.

        ``prefix`` is "" for the organisation model itself and e.g. "org__" for records
        that point to one. With ``cap``, only the grants carrying that capability count
        (e.g. the organisations where the user may verify). The focus always applies.

        Self-only grants show an organisation itself (``prefix`` "") and, of other records,
        only those whose ``person_field`` is the user's own person; without ``person_field``
        they show nothing.
        """
        id_field = f"{prefix}id" if prefix else "id"
        path_field = f"{prefix}path"
        if self.everything:
            # Not Q(): an empty Q vanishes when OR-ed with another condition.
            if cap is not None and cap not in self.all_caps:
                return Q(pk__in=[])
            visible = Q(pk__isnull=False)
        else:
            grants = [g for g in self.grants if cap is None or cap in g.caps]
            visible = _grants_q([g for g in grants if not g.self_only], id_field, path_field)
            own = [g for g in grants if g.self_only]
            if own and prefix == "":
                visible |= _grants_q(own, id_field, path_field)
            elif own and person_field and self.person_id is not None:
                visible |= _grants_q(own, id_field, path_field) & Q(**{person_field: self.person_id})
        if self.focus_path is not None:
            visible &= Q(**{f"{path_field}__subtree": self.focus_path})
        return visible

    def own_q(self, prefix: str = "", *, cap: str) -> Q:
        """A filter for records whose organisation (reached through ``prefix``) is itself one that a grant
        carrying ``cap`` names, not one below it: the work that is the user's own organisation's (the
        ledger's "my work"), where ``q`` is everything the user may see or act on. Someone who sees
        everything by role, and self-only grants, name no organisation of their own. The focus applies.
        """
        ids = sorted({g.org_id for g in self.grants if cap in g.caps and not g.self_only})
        own = Q(**{f"{prefix}id__in" if prefix else "id__in": ids}) if ids else Q(pk__in=[])
        if self.focus_path is not None:
            own &= Q(**{f"{prefix}path__subtree": self.focus_path})
        return own


def _grants_q(grants: list[Grant], id_field: str, path_field: str) -> Q:
    """Records in the organisations of ``grants`` (each alone or with its subtree)."""
    visible = Q(pk__in=[])
    ids = [g.org_id for g in grants if not g.subtree]
    if ids:
        visible |= Q(**{f"{id_field}__in": ids})
    for path in _outermost(g.path for g in grants if g.subtree):
        visible |= Q(**{f"{path_field}__subtree": path})
    return visible


def _outermost(paths: Iterable[str]) -> list[str]:
    """Drop paths that lie inside another path of the list."""
    result: list[str] = []
    for p in sorted(set(paths), key=len):
        if not any(p.startswith(kept) for kept in result):
            result.append(p)
    return result


EMPTY = Scope()


def get_scope(user) -> Scope:
    """The user's scope, computed once per request (cached on the user object)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return EMPTY
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    provider = import_string(settings.DANGJIAN_SCOPE_PROVIDER)
    scope: Scope = provider(user)
    focus = getattr(user, FOCUS_ATTR, None)
    if focus is not None:
        focus_id, focus_path = focus
        if scope.covers(focus_id, focus_path):
            scope = replace(scope, focus_path=focus_path, focus_id=focus_id)
    setattr(user, _CACHE_ATTR, scope)
    return scope


def without_focus(user) -> Scope:
    """The user's full scope, ignoring the focus (for the focus control itself)."""
    scope = get_scope(user)
    if scope.focus_path is None:
        return scope
    return replace(scope, focus_path=None, focus_id=None)


def reset_scope(user) -> None:
    """Forget the cached scope (after role assignments or the focus change)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


class ScopedQuerySet(models.QuerySet):
    """A queryset that knows how to restrict itself to what a user may see.

    The model names the path to its organisation in ``scope_org_field`` ("org" by
    default; None for the organisation model itself).
    """

    def _scope_prefix(self) -> str:
        field_name = getattr(self.model, "scope_org_field", "org")
        return f"{field_name}__" if field_name else ""

    def _scope_q(self, scope: Scope, cap: str | None = None) -> Q:
        person_field = getattr(self.model, "scope_person_field", None)
        return scope.q(self._scope_prefix(), cap=cap, person_field=person_field)

    def visible_to(self, user, *, ignore_focus: bool = False):
        scope = without_focus(user) if ignore_focus else get_scope(user)
        if scope.everything and scope.focus_path is None:
            return self.all()
        return self.filter(self._scope_q(scope))

    def where_can(self, user, cap: str):
        """Records (in the focus) whose organisation is covered by a grant of the user carrying ``cap``."""
        return self.filter(self._scope_q(get_scope(user), cap))


def derived_filter(user, key: str, field_name: str, rows) -> Q:
    """``field_name IN (rows)``: records named by rows a query of their own finds (derived from the scope).

    ``rows()`` returns a one-column queryset built from the user's scope (the draft items a user
    may see through the lists they wrote or approve). It stays a subquery of the statement, never
    a second query, so the answer is never stale; but Django resolving a nested queryset into
    every scoped query costs milliseconds each time, so its SQL is compiled once per scope (per
    request) under ``key`` and written in as it is. ``key`` must name everything ``rows`` depends
    on besides the user.
    """
    from django.db import router
    from django.db.models.expressions import RawSQL

    scope = get_scope(user)
    compiled = scope.derived.get(key) if scope is not EMPTY else None  # EMPTY is shared by everyone
    if compiled is None:
        query = rows().query.clone()
        query.clear_ordering(force=True)  # as Django does for a subquery
        query.bump_prefix(query)  # aliases of its own (U0, U1 …), apart from the outer query's
        compiled = query.get_compiler(using=router.db_for_read(query.model)).as_sql()
        if scope is not EMPTY:
            scope.derived[key] = compiled
    sql, params = compiled
    return Q(**{f"{field_name}__in": RawSQL(sql, params)})


def get_for_user(queryset_or_model, user, **lookup):
    """One record the user may see, or 404 — the same answer for missing and not yours."""
    qs = queryset_or_model
    if isinstance(qs, type) and issubclass(qs, models.Model):
        qs = qs._default_manager.all()
    try:
        return qs.visible_to(user).get(**lookup)
    except (qs.model.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        # OverflowError: an id beyond what the database holds (SQLite), asked through a foreign key.
        raise Http404 from exc


def sees_whole_subtree(user, org) -> bool:
    """True when the user may see ``org`` and every organisation below it (the focus included).

    Figures of an organisation's whole subtree (indicators) are shown only then: a grant
    without the subtree (a township role held for the committee alone) never learns the
    numbers of the organisations below that it may not open.
    """
    scope = get_scope(user)
    if scope.focus_path is not None and not org.path.startswith(scope.focus_path):
        return False
    if scope.everything:
        return True
    return any(
        (g.subtree and org.path.startswith(g.path)) or (g.org_id == org.pk and not org.numchild)
        for g in scope.grants
    )


def restricted_prefetch(lookup: str, user, queryset, *, to_attr: str | None = None) -> Prefetch:
    """Prefetch a related set restricted to what ``user`` may see (NetBox's ``RestrictedPrefetch``).

    A page showing a record's related rows (a list's groups, an item's progress and evidence, a
    person's posts, an account's roles) shows only those the viewer may see, also when the record
    itself is shared across subtrees.
    """
    return Prefetch(lookup, queryset=queryset.visible_to(user), to_attr=to_attr)


def org_of(obj):
    """The organisation a record belongs to (the record itself for organisations)."""
    field_name = getattr(type(obj), "scope_org_field", "org")
    if not field_name:
        return obj
    target = obj
    for part in field_name.split("__"):
        target = getattr(target, part)
    return target


def can(user, cap: str, obj=None) -> bool:
    """True when the user holds ``cap`` at the organisation of ``obj`` (or anywhere)."""
    scope = without_focus(user)
    return scope.can(cap, org_of(obj) if obj is not None else None)


def ensure_can(user, cap: str, obj=None) -> None:
    """Raise PermissionDenied unless ``can(user, cap, obj)``."""
    if not can(user, cap, obj):
        raise PermissionDenied(_("You are not allowed to do this here."))
