"""State changes: one service performs every transition of every stateful model.

A stateful model declares ``status`` (a TextChoices field) and a class attribute
``ALLOWED``: a dict ``{(old, new): Transition(...)}``. ``transition`` locks the row,
checks the table, the actor's right and the guard, saves with ``update_fields``,
records a ``StatusChange`` and announces the change after commit. No other code
assigns a status field.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import scoping

# Sent after commit: sender=model class, instance, old, new, actor, note, change.
status_changed = Signal()

STALE_MESSAGE = gettext_lazy("Somebody else has changed this record; refresh the page and try again.")


@dataclass(frozen=True)
class Transition:
    """One allowed move between two states.

    ``cap``: the capability the actor needs at the record's organisation, or a callable
    ``cap(obj)`` naming it when it depends on the record.
    ``guard``: an optional callable(obj, actor, **fields) raising ValidationError
    when the move is not allowed for this record or actor (separation of duties,
    required evidence…).
    ``label``: the verb shown on the button and in the timeline.
    """

    label: str
    cap: str | Callable | None = None
    guard: Callable | None = None
    note_required: bool = False


def required_cap(rule: Transition, obj) -> str | None:
    """The capability a transition needs for this record."""
    return rule.cap(obj) if callable(rule.cap) else rule.cap


def allowed_moves(obj, actor) -> list[tuple[str, Transition]]:
    """The transitions this actor could try from the record's current state."""
    moves = []
    for (old, new), rule in type(obj).ALLOWED.items():
        if old != obj.status:
            continue
        cap = required_cap(rule, obj)
        if cap and not scoping.can(actor, cap, obj):
            continue
        moves.append((new, rule))
    return moves


def _label(model, value) -> str:
    field = model._meta.get_field("status")
    return str(dict(field.flatchoices).get(value, value))


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
        rule = model.ALLOWED.get((old, to))
        if rule is None:
            raise ValidationError(
                _("“%(old)s” cannot change to “%(new)s”.")
                % {"old": _label(model, old), "new": _label(model, to)},
                code="not_allowed",
            )
        cap = required_cap(rule, locked)
        if cap and not scoping.can(actor, cap, locked):
            raise PermissionDenied(_("You are not allowed to do this here."))
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
        change = StatusChange.record(obj=locked, old=old, new=to, actor=actor, note=note, at=at)
        transaction.on_commit(
            lambda: status_changed.send(
                sender=model, instance=locked, old=old, new=to, actor=actor, note=note, change=change
            )
        )
    obj.__dict__.update({k: getattr(locked, k) for k in update_fields})
    return locked
