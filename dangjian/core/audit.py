"""Audit glue: which models are logged, extra events, each entry's organisation, and a record's timeline.

Field changes of every registered business model are written by django-auditlog
(actor and address come from its middleware). Events that are not plain saves —
an unmasked ID number, a subtree move, a bulk import — are written with ``log_event``.
Every entry gets an ``AuditScope`` (the organisation its record belonged to), so the audit
log page is scoped like every other record. A record page shows ``timeline(obj, viewer=user)``:
field changes and workflow steps as one list. Addresses and access events ("viewed the full ID
number") are shown only to readers holding the audit right at the record's organisation; values
of fields registered with ``redact`` (a birth date, an ID number) are always shown redacted
(docs/personal-data.md), on record pages and on the audit log alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from auditlog.signals import post_log
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import router
from django.db.models import Model
from django.db.models.signals import pre_save
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext

from .caps import Cap
from .choices import labels_by_text
from .models import AuditScope, StatusChange
from .prepared import PreparedQuery, fits_column, kept, kept_in
from .text import text_of

# Model → path from a record to its organisation, where it is not the model's own scope_org_field.
SCOPE_PATHS: dict[type, str | None] = {}
# Model → {field name: function turning a logged value (text) into what a history may show}.
_REDACTIONS: dict[type, dict[str, Callable[[str], str]]] = {}


def register(model, *, scope_path: str | None = "", redact: dict | None = None, **options):
    """Log every create, update and delete of ``model``.

    ``scope_path`` names the way from a record to the organisation whose subtree may read its
    entries (default: the model's ``scope_org_field``, else "org"); a model without one is
    audited for system administrators only. ``redact`` says how histories show sensitive fields
    (functions, or their dotted paths so that ModuleConfig.audited imports nothing).
    """
    if scope_path:
        SCOPE_PATHS[model] = scope_path
    if redact:
        _REDACTIONS[model] = {
            name: import_string(f) if isinstance(f, str) else f for name, f in redact.items()
        }
    if not auditlog.contains(model):
        auditlog.register(model, **options)
    return model


def _scope_path(model) -> str | None:
    return SCOPE_PATHS.get(model) or getattr(model, "scope_org_field", "org")


def _forward_chain(model, path: str) -> list | None:
    """The fields of ``path`` when each is a foreign key followed forwards (None otherwise)."""
    fields = []
    for part in path.split("__"):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return None
        if not (field.many_to_one or (field.one_to_one and field.concrete)):
            return None
        fields.append(field)
        model = field.related_model
    return fields


def scope_org_id(obj) -> int | None:
    """The id of the organisation ``obj`` belongs to, or None (a global record)."""
    model = type(obj)
    path = _scope_path(model)
    if path is None:  # the organisation is its own scope
        return obj.pk
    chain = _forward_chain(model, path)
    if chain is not None:
        target = obj
        try:
            for field in chain[:-1]:
                target = getattr(target, field.name)
        except ObjectDoesNotExist:
            return None
        return getattr(target, chain[-1].attname, None) if target is not None else None
    if not _path_exists(model, path):
        return None
    # Through a reverse relation (an account's role assignments): the topmost organisation.
    return (
        model._base_manager.filter(pk=obj.pk, **{f"{path}__isnull": False})
        .order_by(f"{path}__path")
        .values_list(f"{path}__id", flat=True)
        .first()
    )


def _path_exists(model, path: str) -> bool:
    for part in path.split("__"):
        try:
            model = model._meta.get_field(part).related_model
        except FieldDoesNotExist:
            return False
        if model is None:
            return False
    return True


def _record_scope(entry, obj) -> None:
    try:
        org_id = scope_org_id(obj)
    except (ObjectDoesNotExist, AttributeError, TypeError, ValueError):
        org_id = None  # fails closed: the entry is then for system administrators only
    AuditScope.objects.create(entry=entry, org_id=org_id)


def _on_post_log(sender, instance, log_entry=None, **kwargs):
    """Every entry django-auditlog writes for a registered model gets its organisation."""
    if log_entry is not None:
        _record_scope(log_entry, instance)


post_log.connect(_on_post_log, dispatch_uid="dangjian.core.audit.scope")


# (actor, moment) of the event being recorded, set by ``as_of``.
_AS_OF: ContextVar[tuple[Any, datetime | None] | None] = ContextVar("dangjian_audit_as_of", default=None)


@contextmanager
def as_of(*, actor=None, at: datetime | None = None) -> Iterator[None]:
    """Audit entries written inside carry ``actor`` (where no request named one) and the time ``at``.

    A back-dated step — the demo's simulated months, a daily job run for a past day — is then
    logged by whoever took it, on the day it stands for, not by nobody "now". Nested uses keep
    what the outer one set unless they name their own.
    """
    outer_actor, outer_at = _AS_OF.get() or (None, None)
    token = _AS_OF.set((actor if getattr(actor, "pk", None) else outer_actor, at or outer_at))
    try:
        yield
    finally:
        _AS_OF.reset(token)


def now() -> datetime:
    """The time of the event being recorded: the back-dated moment inside ``as_of``, else now.

    For records a back-dated step writes besides its audit entries (the notices it sends).
    """
    state = _AS_OF.get()
    return (state[1] if state is not None else None) or timezone.now()


def _fill_entry(sender, instance, **kwargs):
    state = _AS_OF.get()
    if state is None or instance.pk is not None:
        return
    actor, at = state
    if actor is not None and instance.actor_id is None:
        instance.actor = actor
    if at is not None:
        instance.timestamp = at


pre_save.connect(_fill_entry, sender=LogEntry, dispatch_uid="dangjian.core.audit.as_of")


def backfill_scopes(batch: int = 2000) -> int:
    """Give entries written before scopes existed their organisation (as the records are now)."""
    done = 0
    pending = LogEntry.objects.filter(audit_scope__isnull=True)
    for ct_id in pending.values_list("content_type_id", flat=True).distinct():
        model = ContentType.objects.get_for_id(ct_id).model_class()
        entries = list(pending.filter(content_type_id=ct_id).values_list("pk", "object_pk"))
        for start in range(0, len(entries), batch):
            chunk = entries[start : start + batch]
            orgs = _org_ids(model, {pk for _entry, pk in chunk}) if model is not None else {}
            AuditScope.objects.bulk_create(
                [AuditScope(entry_id=entry, org_id=orgs.get(str(pk))) for entry, pk in chunk],
                ignore_conflicts=True,
            )
            done += len(chunk)
    return done


def _org_ids(model, object_pks: set[str]) -> dict[str, int]:
    path = _scope_path(model)
    pks = [pk for pk in object_pks if str(pk).isdigit()]
    if path is None:
        return {str(pk): int(pk) for pk in pks}
    if not _path_exists(model, path):
        return {}
    rows = (
        model._base_manager.filter(pk__in=pks, **{f"{path}__isnull": False})
        .order_by("-" + f"{path}__path")
        .values_list("pk", f"{path}__id")
    )
    return {str(pk): org_id for pk, org_id in rows}  # the topmost organisation is written last


def log_event(
    obj, *, action: int = LogEntry.Action.UPDATE, changes: dict | None = None, event: str = "", actor=None
):
    """Write an audit entry for something that is not a plain save of ``obj``.

    ``actor`` is needed outside a web request (commands, token API); in a request the
    audit middleware supplies the user and address.
    """
    extra = {"actor": actor} if getattr(actor, "pk", None) else {}
    entry = LogEntry.objects.log_create(
        obj,
        force_log=True,
        action=action,
        changes=changes or {},
        additional_data={"event": event} if event else None,
        **extra,
    )
    if entry is not None:
        _record_scope(entry, obj)
    return entry


def log_access(obj, *, what: str, actor=None):
    """Record that a user looked at protected data of ``obj`` (e.g. an ID number)."""
    return log_event(obj, action=LogEntry.Action.ACCESS, event=what, actor=actor)


@dataclass
class TimelineEntry:
    at: datetime
    actor: object
    kind: str  # "create", "update", "delete", "access", "status"
    text: str
    changes: list[tuple[str, str, str]]
    note: str = ""
    address: str | None = None
    action: str = ""  # a workflow step's name ("退回", "核验销号"), for a status entry


_ACTION_KIND = {
    LogEntry.Action.CREATE: "create",
    LogEntry.Action.UPDATE: "update",
    LogEntry.Action.DELETE: "delete",
    LogEntry.Action.ACCESS: "access",
}


def entries_visible_to(user):
    """Audit entries of records in the organisations where ``user`` holds the audit right (core.scoping).

    Entries of records without an organisation (global settings, categories) are for system
    administrators (superusers and holders of the "administer" capability) only.
    """
    from django.db.models import Q

    from .scoping import can, get_scope

    scope = get_scope(user)
    if scope.everything and scope.focus_path is None:
        return LogEntry.objects.all()
    visible = scope.q("audit_scope__org__", cap="view_audit")
    if can(user, "administer") and scope.focus_path is None:
        visible |= Q(audit_scope__isnull=True) | Q(audit_scope__org__isnull=True)
    return LogEntry.objects.filter(visible)


def archived_entries(ct, pk, *, auditor: bool, limit: int) -> list:
    """The archived audit entries of one record, newest first, as (unsaved) live-log entries."""
    from .models import ArchivedLogEntry

    rows = ArchivedLogEntry.objects.filter(content_type=ct, object_pk=str(pk))
    if not auditor:
        rows = rows.exclude(action=LogEntry.Action.ACCESS)
    return [row.as_log_entry() for row in rows.select_related("actor", "content_type")[:limit]]


def archived_visible_to(user):
    """Archived audit entries under the same rule as ``entries_visible_to`` (the organisation is on the row)."""
    from django.db.models import Q

    from .models import ArchivedLogEntry
    from .scoping import can, get_scope

    scope = get_scope(user)
    if scope.everything and scope.focus_path is None:
        return ArchivedLogEntry.objects.all()
    visible = scope.q("org__", cap="view_audit")
    if can(user, "administer") and scope.focus_path is None:
        visible |= Q(org__isnull=True)
    return ArchivedLogEntry.objects.filter(visible)


_NOT_A_COLUMN = object()


def _concrete_field(model, name: str):
    """The model's own column ``name``; None for a name that is no field (an event's own key);
    ``_NOT_A_COLUMN`` for reverse relations and the primary key, which are not shown."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    if not getattr(field, "concrete", False) or field.primary_key:
        return _NOT_A_COLUMN
    return field


def _value_label(field, value, names: dict) -> str:
    """A stored value as people read it: a choice's label, a record's name, yes/no, "—" for nothing."""
    if value in (None, "None", ""):
        return "—"
    if field.many_to_one:
        return names.get((field.related_model, str(value)), str(value))
    if field.choices:
        label = labels_by_text(field).get(str(value))
        if label is not None:
            return label
    if field.get_internal_type() == "BooleanField" and str(value) in ("True", "False"):
        return gettext("Yes") if str(value) == "True" else gettext("No")
    if field.get_internal_type() == "DateTimeField":
        from django.utils import timezone
        from django.utils.dateparse import parse_datetime

        moment = parse_datetime(str(value))
        if moment is not None:
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return moment.strftime("%Y-%m-%d %H:%M")
    return str(value)


def readable_changes(model, changes: dict | None, names: dict | None = None) -> list[tuple[str, str, str]]:
    """(field label, old, new) of one entry: labels for codes, names for ids (from ``names``), no bookkeeping."""
    rows = []
    redactions = _REDACTIONS.get(model, {})
    for name, pair in (changes or {}).items():
        if name in ("version", "status_changed_at") or not isinstance(pair, list | tuple) or len(pair) < 2:
            continue
        if name in redactions:
            pair = [redactions[name](str(v)) if v not in (None, "None", "") else v for v in pair[:2]]
        field = _concrete_field(model, name) if model is not None else None
        if field is _NOT_A_COLUMN:
            continue
        if field is None:  # a key of an event's own (a move's "parent", an import's file)
            rows.append((name, *("—" if v in (None, "None", "") else str(v) for v in pair[:2])))
            continue
        old, new = (_value_label(field, value, names or {}) for value in pair[:2])
        rows.append((text_of(field.verbose_name), old, new))
    return rows


def _named(model, ids: set[str]) -> list:
    """The records of ``model`` with these ids, with the records their names are made of (a reporter is named
    by its organisation): one query per kind, not one more per record named. By a big-integer key (every
    model of ours) the query is compiled once per kind (``kept_in``) and its rows read afresh."""
    pk = model._meta.pk
    if pk.get_internal_type() not in ("BigAutoField", "BigIntegerField"):
        return list(model._base_manager.filter(pk__in=ids).select_related())
    alias = router.db_for_read(model)
    wanted = sorted({int(value) for value in ids if fits_column(pk, int(value), alias)})
    return kept_in(
        ("core.audit.names", model._meta.label_lower),
        lambda: model._base_manager.select_related(),
        field="pk",
        ids=wanted,
        model=model,
    )


def with_change_rows(entries) -> list:
    """The entries, each with ``change_rows``: one query per kind of record their foreign keys name."""
    entries = list(entries)
    wanted: dict[type[Model], set[str]] = {}
    for entry in entries:
        model = entry.content_type.model_class()
        for name, pair in (entry.changes_dict or {}).items():
            field = _concrete_field(model, name) if model is not None else None
            if field is not None and getattr(field, "many_to_one", False) and isinstance(pair, list | tuple):
                wanted.setdefault(field.related_model, set()).update(
                    str(v) for v in pair[:2] if str(v).isdigit()
                )
    names = {}
    for related, ids in wanted.items():
        for obj in _named(related, ids):
            names[(related, str(obj.pk))] = str(obj)
    for entry in entries:
        entry.change_rows = readable_changes(entry.content_type.model_class(), entry.changes_dict, names)
    return entries


def _may_read_audit(viewer, obj) -> bool:
    """Whether ``viewer`` holds the audit right where ``obj`` belongs (anywhere, for an account)."""
    from .scoping import can

    org_field = getattr(type(obj), "scope_org_field", "org")
    if org_field and not hasattr(obj, org_field.split("__")[0]):  # an account: no organisation of its own
        return can(viewer, Cap.VIEW_AUDIT)
    return can(viewer, Cap.VIEW_AUDIT, obj)


def _status_field_label(model) -> str:
    """The label of ``model``'s status field when its moves are workflow steps (else "")."""
    from .workflow import registered_models

    if model._meta.label_lower not in registered_models():
        return ""
    return str(model._meta.get_field("status").verbose_name)


def _step_name(model, old: str, new: str) -> str:
    """The name of the workflow move ``old`` → ``new`` (``Transition.label``), "" when unknown."""
    from .workflow import rules_for

    rule = rules_for(model).get((old, new))
    return str(rule.label) if rule is not None and rule.label else ""


# Placeholders of the prepared queries below: ids no record has, within every id column's range (a value
# outside a column's range compiles to "no rows": the object id is a positive big integer).
_NO_TYPE, _NO_ID = 2_047_304_181, 2_047_304_182


# Of the person who acted, a history shows the name (``User.__str__``): not the password hash, the dates and
# the rest of the account, read and converted for each of hundreds of entries.
_ACTOR_NAME = ("actor__display_name", "actor__username")


def _own_columns(model) -> list[str]:
    return [f.name for f in model._meta.concrete_fields]


def _timeline_logs(auditor: bool, limit: int) -> PreparedQuery:
    """A record's audit entries, newest first (access events only for an auditor): every record page asks
    it, so it is compiled once and read afresh (``core.prepared``)."""

    def build(content_type_id, object_pk):
        logs = LogEntry.objects.filter(content_type_id=content_type_id, object_pk=object_pk)
        if not auditor:
            logs = logs.exclude(action=LogEntry.Action.ACCESS)
        return (
            logs.select_related("actor", "content_type")
            .only(*_own_columns(LogEntry), *_ACTOR_NAME)
            .order_by("-timestamp")[:limit]
        )

    # By the record's kind and id (an index on both): the same plan for every record, planned once.
    return kept(("core.timeline.logs", auditor, limit), build, _NO_TYPE, str(_NO_ID), plan_once=True)


def _timeline_steps(limit: int) -> PreparedQuery:
    """A record's workflow steps, newest first (compiled once, read afresh)."""

    def build(content_type_id, object_id):
        return (
            StatusChange.objects.filter(content_type_id=content_type_id, object_id=object_id)
            .select_related("actor")
            .only(*_own_columns(StatusChange), *_ACTOR_NAME)
            .order_by("-at", "-pk")[:limit]
        )

    return kept(("core.timeline.steps", limit), build, _NO_TYPE, _NO_ID, plan_once=True)


def timeline(obj, *, viewer, limit: int = 200) -> list[TimelineEntry]:
    """Field changes and status changes of ``obj`` as ``viewer`` may see them, newest first.

    Two queries, and one per kind of record the changes name. Without the audit right at the
    record's organisation the history carries no addresses and no access events.
    """
    ct = ContentType.objects.get_for_model(type(obj))
    auditor = _may_read_audit(viewer, obj)
    entries: list[TimelineEntry] = []
    logs = _timeline_logs(auditor, limit).objects(ct.pk, str(obj.pk), model=LogEntry)
    if len(logs) < limit and not any(log.action == LogEntry.Action.CREATE for log in logs):
        # Its creation is not in the live log: the older part of its history was archived (core.history).
        logs += archived_entries(ct, obj.pk, auditor=auditor, limit=limit - len(logs))
    status_label = _status_field_label(type(obj))
    saves_of_moves: list[tuple[tuple[str, str], list, Any]] = []  # (old, new) labels, other changes, entry
    # A creation's values are the record's own, which its page shows: the history tells that it was created,
    # not its values again (partials/timeline.html), so the records they name are not looked up.
    with_change_rows([log for log in logs if log.action != LogEntry.Action.CREATE])
    for log in reversed(logs):
        changes = [] if log.action == LogEntry.Action.CREATE else log.change_rows
        event = (log.additional_data or {}).get("event", "") if isinstance(log.additional_data, dict) else ""
        moved = [c for c in changes if status_label and c[0] == status_label]
        if moved and log.action == LogEntry.Action.UPDATE:
            # The save of a workflow step: its other changes are told with the step below.
            saves_of_moves.append(((moved[0][1], moved[0][2]), [c for c in changes if c not in moved], log))
            continue
        entries.append(
            TimelineEntry(
                at=log.timestamp,
                actor=log.actor,
                kind=_ACTION_KIND.get(log.action, "update"),
                text=event,
                changes=changes,
                address=log.remote_addr if auditor else None,
            )
        )
    for step in reversed(_timeline_steps(limit).objects(ct.pk, obj.pk, model=StatusChange)):
        step.content_type = ct  # resolved once above: its labels need no query per step
        old, new = step.old_label(), step.new_label()
        changes = []
        for i, (pair, rest, _log) in enumerate(saves_of_moves):
            if pair == (old, new):
                changes = rest
                del saves_of_moves[i]
                break
        entries.append(
            TimelineEntry(
                at=step.at,
                actor=step.actor,
                kind="status",
                text=f"{old} → {new}",
                changes=changes,
                note=step.note,
                action=_step_name(type(obj), step.old, step.new),
            )
        )
    # Saves of moves without a recorded step (written before steps were kept) stay as they were.
    entries.extend(
        TimelineEntry(
            at=log.timestamp,
            actor=log.actor,
            kind="update",
            text="",
            changes=log.change_rows,
            address=log.remote_addr if auditor else None,
        )
        for _pair, _rest, log in saves_of_moves
    )
    # Oldest first, then reversed: steps written in the same second stay in the order they happened.
    entries.sort(key=lambda e: e.at)
    entries.reverse()
    return entries[:limit]
