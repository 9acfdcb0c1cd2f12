"""State changes: one service performs every transition of every stateful model.

A stateful model declares ``status`` (a TextChoices field). Its app declares the
model's table ``{(old, new): Transition(...)}`` with the guards in the app's
``rules.py`` (``WORKFLOWS = {Model: TABLE}``) and registers it here from
``AppConfig.ready()``. ``transition`` locks the row, checks the table, the actor's
right and the guard, saves with ``update_fields`` and records a ``StatusChange``.
No other code assigns a status field; back-dated history (the demo) is written in
bulk through ``record_history``, checked against the same table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import connections, router, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import scoping
from .text import Text

STALE_MESSAGE = gettext_lazy("Somebody else has changed this record; refresh the page and try again.")


@dataclass(frozen=True)
class Transition:
    """One allowed move between two states.

    ``cap``: the capability the actor needs, or a callable ``cap(obj)`` naming it when it
    depends on the record.
    ``at``: where the capability is checked — a callable ``at(obj)`` giving the organisation
    that holds the right for this move (e.g. the item's supervising organisation for a
    verification); None means the record's own organisation.
    ``who``: an optional callable(obj, actor) raising ValidationError when this actor may
    not make the move whatever the fields (separation of duties); ``allowed_moves`` hides
    such moves.
    ``guard``: an optional callable(obj, actor, **fields) raising ValidationError
    when the move is not allowed for this record (required evidence, dates…).
    ``label``: the verb shown on the button and in the timeline.
    """

    label: Text
    cap: str | Callable | None = None
    guard: Callable | None = None
    note_required: bool = False
    at: Callable | None = None
    who: Callable | None = None


Table = dict[tuple[str, str], Transition]

# model label ("ledger.item") → its table; filled from the apps' ready().
_TABLES: dict[str, Table] = {}


def register(model, table: Table) -> None:
    """Declare ``model``'s workflow table; registering the same table again is harmless."""
    states = {value for value, _label in model._meta.get_field("status").flatchoices}
    unknown = {state for pair in table for state in pair} - states
    if unknown:
        raise ImproperlyConfigured(f"{model._meta.label}'s workflow names unknown states: {sorted(unknown)}.")
    key = model._meta.label_lower
    existing = _TABLES.get(key)
    if existing is not None and existing != table:
        raise ImproperlyConfigured(f"{model._meta.label} already has a different workflow table.")
    _TABLES[key] = table


def rules_for(model) -> Table:
    """The registered table of ``model`` (a class or an instance)."""
    try:
        return _TABLES[model._meta.label_lower]
    except KeyError:
        raise ImproperlyConfigured(
            f"{model._meta.label} has no workflow table: register one with core.workflow.register() "
            "from its app's rules.WORKFLOWS."
        ) from None


def registered_models() -> list[str]:
    """The labels of every model with a registered table."""
    return sorted(_TABLES)


def required_cap(rule: Transition, obj) -> str | None:
    """The capability a transition needs for this record."""
    return rule.cap(obj) if callable(rule.cap) else rule.cap


def has_right(rule: Transition, obj, actor) -> bool:
    """True when ``actor`` holds the move's capability where the move says it is held."""
    cap = required_cap(rule, obj)
    if not cap:
        return True
    return scoping.can(actor, cap, rule.at(obj) if rule.at is not None else obj)


def allowed_moves(obj, actor) -> list[tuple[str, Transition]]:
    """The transitions this actor could try from the record's current state (right and ``who`` checked)."""
    moves = []
    for (old, new), rule in rules_for(obj).items():
        if old != obj.status or not has_right(rule, obj, actor):
            continue
        if rule.who is not None:
            try:
                rule.who(obj, actor)
            except ValidationError:
                continue
        moves.append((new, rule))
    return moves


def _label(model, value) -> str:
    field = model._meta.get_field("status")
    return str(dict(field.flatchoices).get(value, value))


def _rule(model, old: str, to: str) -> Transition:
    rule = rules_for(model).get((old, to))
    if rule is None:
        raise ValidationError(
            _("“%(old)s” cannot change to “%(new)s”.")
            % {"old": _label(model, old), "new": _label(model, to)},
            code="not_allowed",
        )
    return rule


def transition(
    *,
    obj,
    to: str,
    actor,
    note: str = "",
    fields: dict | None = None,
    expected_version: int | None = None,
    at=None,
):
    """Move ``obj`` to state ``to`` on behalf of ``actor``; return the saved row.

    ``fields``: other attributes written in the same save (dates, reasons).
    ``expected_version``: the version the actor saw; a different one means somebody
    else acted first, and the move is refused instead of silently overwriting.
    """
    from .models import StatusChange

    model = type(obj)
    fields = dict(fields or {})
    with transaction.atomic():
        locked = model._default_manager.select_for_update().get(pk=obj.pk)
        has_version = hasattr(locked, "version")
        if expected_version is not None and has_version and locked.version != expected_version:
            raise ValidationError(STALE_MESSAGE, code="stale")
        old = locked.status
        rule = _rule(model, old, to)
        if not has_right(rule, locked, actor):
            raise PermissionDenied(_("You are not allowed to do this here."))
        if rule.who is not None:
            rule.who(locked, actor)
        if rule.note_required and not note.strip():
            raise ValidationError(_("Please give a reason."), code="note_required")
        if rule.guard is not None:
            rule.guard(locked, actor, note=note, **fields)
        locked.status = to
        for name, value in fields.items():
            setattr(locked, name, value)
        update_fields = ["status", *fields]
        if has_version:
            locked.version += 1
            update_fields.append("version")
        if hasattr(locked, "status_changed_at"):
            locked.status_changed_at = at or timezone.now()
            update_fields.append("status_changed_at")
        locked.save(update_fields=update_fields)
        StatusChange.record(obj=locked, old=old, new=to, actor=actor, note=note, at=at)
    obj.__dict__.update({k: getattr(locked, k) for k in update_fields})
    return locked


def record_history(rows: Iterable[tuple], *, batch_size: int = 2000) -> int:
    """Write back-dated workflow history in bulk: ``(obj, old, new, actor, at, note)`` per step.

    For records created already in a later state (the demo's bulk items), so that their
    pages show how they got there. Every step must be a move of the registered table
    (with its reason when the table asks for one), the steps of a record must follow on
    from each other and end in the state the record is in; guards and rights are not
    checked (they describe the present, not the past). Nothing is written when a row
    is refused. Returns the number of steps written.
    """
    from django.contrib.contenttypes.models import ContentType

    changes: list = []
    last: dict = {}
    for obj, old, new, actor, at, note in rows:
        model = type(obj)
        if obj.pk is None:
            raise ValueError(f"{model._meta.label}: save the record before writing its history.")
        rule = _rule(model, old, new)
        if rule.note_required and not (note or "").strip():
            raise ValidationError(_("Please give a reason."), code="note_required")
        key = (model._meta.label_lower, obj.pk)
        if key in last and last[key][0] != old:
            raise ValueError(f"{model._meta.label} {obj.pk}: step from {old} does not follow {last[key][0]}.")
        last[key] = (new, obj)
        content_type = ContentType.objects.get_for_model(model)
        changes.append(
            (content_type.pk, obj.pk, old, new, getattr(actor, "pk", None), at or timezone.now(), note or "")
        )
    for (label, pk), (state, obj) in last.items():
        if obj.status != state:
            raise ValueError(f"{label} {pk}: the history ends in {state} but the record is {obj.status}.")
    _insert_changes(changes, batch_size)
    return len(changes)


def _insert_changes(changes: list[tuple], batch_size: int) -> None:
    """Insert history rows with one prepared statement per batch (the demo writes ~a million at city scale).

    ``bulk_create`` builds a model instance and prepares every value through its field for
    each row, which costs more than the insert itself at this volume.
    """
    from .models import StatusChange

    meta = StatusChange._meta
    connection = connections[router.db_for_write(StatusChange)]
    names = ("content_type", "object_id", "old", "new", "actor", "at", "note")
    column_of = {f.name: str(f.column) for f in meta.concrete_fields}
    columns = ", ".join(connection.ops.quote_name(column_of[n]) for n in names)
    placeholders = ", ".join(["%s"] * len(names))
    sql = f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({columns}) VALUES ({placeholders})"
    adapt = connection.ops.adapt_datetimefield_value
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        for start in range(0, len(changes), batch_size):
            batch = changes[start : start + batch_size]
            cursor.executemany(sql, [(*row[:5], adapt(row[5]), row[6]) for row in batch])
