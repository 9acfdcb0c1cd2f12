"""Audit glue: which models are logged, extra events, and a record's timeline.

Field changes of every registered business model are written by django-auditlog
(actor and address come from its middleware). Events that are not plain saves —
an unmasked ID number, a subtree move, a bulk import — are written with ``log_event``.
A record page shows ``timeline(obj, viewer=user)``: field changes and workflow steps as one
list. Addresses and access events ("viewed the full ID number") are shown only to readers
holding the audit right at the record's organisation; values of fields registered with
``redact`` (a birth date, an ID number) are always shown redacted (docs/personal-data.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.utils.module_loading import import_string

from .models import StatusChange

VIEW_AUDIT = "view_audit"

# model → {field name: function turning a logged value (text) into what a history may show}
_REDACTIONS: dict[type, dict[str, Callable[[str], str]]] = {}


def register(model, *, redact: dict[str, Callable[[str], str]] | None = None, **options):
    """Log every create, update and delete of ``model``; ``redact`` says how histories show sensitive fields."""
    if not auditlog.contains(model):
        auditlog.register(model, **options)
    if redact:
        # Redactors may be named by dotted path (ModuleConfig.audited declarations import nothing).
        _REDACTIONS[model] = {
            name: import_string(f) if isinstance(f, str) else f for name, f in redact.items()
        }
    return model


def log_event(
    obj, *, action: int = LogEntry.Action.UPDATE, changes: dict | None = None, event: str = "", actor=None
):
    """Write an audit entry for something that is not a plain save of ``obj``.

    ``actor`` is needed outside a web request (commands, token API); in a request the
    audit middleware supplies the user and address.
    """
    extra = {"actor": actor} if getattr(actor, "pk", None) else {}
    return LogEntry.objects.log_create(
        obj,
        force_log=True,
        action=action,
        changes=changes or {},
        additional_data={"event": event} if event else None,
        **extra,
    )


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


_ACTION_KIND = {
    LogEntry.Action.CREATE: "create",
    LogEntry.Action.UPDATE: "update",
    LogEntry.Action.DELETE: "delete",
    LogEntry.Action.ACCESS: "access",
}


def _field_label(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:
        return name


def _may_read_audit(viewer, obj) -> bool:
    """Whether ``viewer`` holds the audit right where ``obj`` belongs (anywhere, for an account)."""
    from .scoping import can

    org_field = getattr(type(obj), "scope_org_field", "org")
    if org_field and not hasattr(obj, org_field.split("__")[0]):  # an account: no organisation of its own
        return can(viewer, VIEW_AUDIT)
    return can(viewer, VIEW_AUDIT, obj)


def timeline(obj, *, viewer, limit: int = 200) -> list[TimelineEntry]:
    """Field changes and status changes of ``obj`` as ``viewer`` may see them, newest first (two queries).

    Without the audit right at the record's organisation the history carries no addresses
    and no access events; redacted fields are redacted for everyone.
    """
    ct = ContentType.objects.get_for_model(type(obj))
    model = type(obj)
    auditor = _may_read_audit(viewer, obj)
    redactions = _REDACTIONS.get(model, {})
    entries: list[TimelineEntry] = []
    logs = LogEntry.objects.filter(content_type=ct, object_pk=str(obj.pk))
    if not auditor:
        logs = logs.exclude(action=LogEntry.Action.ACCESS)
    logs = logs.select_related("actor").order_by("-timestamp")[:limit]
    for log in logs:
        raw = log.changes_dict if hasattr(log, "changes_dict") else {}
        changes = []
        for name, pair in (raw or {}).items():
            if name in ("version", "status_changed_at"):
                continue
            if isinstance(pair, list | tuple) and len(pair) == 2:
                old, new = str(pair[0]), str(pair[1])
                if name in redactions:
                    old, new = redactions[name](old), redactions[name](new)
                changes.append((_field_label(model, name), old, new))
        event = (log.additional_data or {}).get("event", "") if isinstance(log.additional_data, dict) else ""
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
    steps = StatusChange.objects.filter(content_type=ct, object_id=obj.pk).select_related("actor")
    for step in steps.order_by("-at")[:limit]:
        entries.append(
            TimelineEntry(
                at=step.at,
                actor=step.actor,
                kind="status",
                text=f"{step.old_label()} → {step.new_label()}",
                changes=[],
                note=step.note,
            )
        )
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries[:limit]
