"""Deadline extensions (申请延期): requested by the responsible side, decided by the supervising side."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import workflow

from ..models import (
    ExtensionRequest,
    Item,
)
from ..rules import RECTIFIER, RECTIFY, VERIFY, check_extension_request, ensure_can_act
from ._common import (
    _ES,
    S,
    _at,
    _clean_text,
    _lock,
    _notify_org,
    _today,
    dated,
    mark_proxy,
)
from .jobs import reminders_cancel

EXTENSION_STATES = (S.HANDED_DOWN, S.ACKNOWLEDGED, S.RECTIFYING, S.RETURNED)


@dated
@transaction.atomic
def extension_request(
    *, item: Item, actor, requested_to: date, reason: str, today: date | None = None
) -> ExtensionRequest:
    """Ask the supervising side to move the deadline (申请延期); one pending request at a time.

    Only before the deadline has passed, and at most ``ledger.max_extensions`` times per round.
    """
    locked = _lock(Item, item)
    ensure_can_act(actor, RECTIFY, locked, RECTIFIER)
    if locked.status not in EXTENSION_STATES or locked.long_term or locked.deadline is None:
        raise ValidationError(_("This item's deadline cannot be extended now."))
    check_extension_request(locked, _today(today))
    errors: dict[str, list] = {}
    if requested_to is None or requested_to <= locked.deadline:
        errors.setdefault("requested_to", []).append(
            _("The new deadline must be after the current deadline (%(date)s).")
            % {"date": locked.deadline.isoformat()}
        )
    if not _clean_text(reason):
        errors.setdefault("reason", []).append(_("Please give the reason for the extension."))
    if errors:
        raise ValidationError(errors)
    if locked.extensions.filter(status=_ES.PENDING).exists():
        raise ValidationError(_("This item already has an extension request waiting for a decision."))
    ext = ExtensionRequest.objects.create(
        item=locked,
        current_deadline=locked.deadline,
        requested_to=requested_to,
        reason=_clean_text(reason),
        requested_by=actor if getattr(actor, "pk", None) else None,
        requested_at=_at(today) or timezone.now(),
    )
    mark_proxy(locked, actor, today)
    _notify_org(
        locked,
        locked.supervisor_org,
        VERIFY,
        kind="extension_requested",
        text=_("Extension requested by %(org)s to %(date)s: %(title)s")
        % {"org": locked.org.label, "date": requested_to.isoformat(), "title": locked.title},
        event=f"extension_requested:{ext.pk}",
        actor=actor,
    )
    return ext


@dated
@transaction.atomic
def extension_decide(
    *,
    extension: ExtensionRequest,
    actor,
    approve: bool,
    note: str = "",
    expected_version: int | None = None,
    today: date | None = None,
) -> ExtensionRequest:
    """Approve (the deadline moves; the first deadline stays on record) or refuse (with a reason) an extension."""
    to = _ES.APPROVED if approve else _ES.REFUSED
    extension = workflow.transition(
        obj=extension,
        to=to,
        actor=actor,
        note=_clean_text(note),
        fields={"decided_by": actor, "decision_note": _clean_text(note)},
        expected_version=expected_version,
        at=_at(today),
    )
    item = _lock(Item, extension.item)
    if approve:
        if item.original_deadline is None:
            item.original_deadline = item.deadline
        item.deadline = extension.requested_to
        item.version += 1
        item.save(update_fields=["original_deadline", "deadline", "version"])
        reminders_cancel(item=item)
        text = _("Extension approved: %(title)s, new deadline %(date)s") % {
            "title": item.title,
            "date": item.deadline.isoformat(),
        }
    else:
        text = _("Extension refused: %(title)s (%(note)s)") % {
            "title": item.title,
            "note": _clean_text(note)[:100],
        }
    _notify_org(
        item,
        item.org,
        RECTIFY,
        kind="extension_decided",
        text=text,
        event=f"extension:{extension.pk}",
        actor=actor,
    )
    return extension
