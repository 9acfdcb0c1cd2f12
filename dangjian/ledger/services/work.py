"""Daily work over several items at once (签收、核验、退回) and urging (催办)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dangjian.core import audit

from ..models import Item
from ..rules import RECTIFY, SUPERVISOR, VERIFY, ensure_can_act
from ._common import S, _clean_text, _notify_org, _today, dated
from .items import item_acknowledge, item_return, item_verify

MAX_BULK = 200


def _each(items: Sequence[Item], act) -> list[Item]:
    """Apply ``act`` to every item, all or none: one refusal names its item and changes nothing."""
    if not items:
        raise ValidationError(_("Choose at least one item."), code="none_chosen")
    if len(items) > MAX_BULK:
        raise ValidationError(_("At most %(n)s items at a time.") % {"n": MAX_BULK}, code="too_many")
    done = []
    with transaction.atomic():
        for item in items:
            try:
                done.append(act(item))
            except (ValidationError, PermissionDenied) as exc:
                reason = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
                raise ValidationError(
                    _("Nothing was done: “%(title)s” (%(org)s): %(reason)s")
                    % {"title": item.title, "org": item.org.label, "reason": reason},
                    code="bulk_refused",
                ) from exc
    return done


@dated
def items_acknowledge(*, items: Sequence[Item], actor, today: date | None = None) -> list[Item]:
    """签收 several items handed to the actor's organisation at once (all or none)."""
    return _each(items, lambda item: item_acknowledge(item=item, actor=actor, today=today))


@dated
def items_verify(*, items: Sequence[Item], actor, note: str = "", today: date | None = None) -> list[Item]:
    """核验销号 several closure requests at once (all or none; each checked as if verified alone)."""
    return _each(items, lambda item: item_verify(item=item, actor=actor, note=note, today=today))


@dated
def items_return(*, items: Sequence[Item], actor, note: str, today: date | None = None) -> list[Item]:
    """退回 several closure requests with one reason (all or none)."""
    if not _clean_text(note):
        raise ValidationError({"note": _("Please give a reason.")}, code="note_required")
    return _each(items, lambda item: item_return(item=item, actor=actor, note=note, today=today))


@dated
def item_urge(*, item: Item, actor, note: str = "", today: date | None = None) -> None:
    """催办: the supervising side hurries the responsible organisation; recorded on the item and notified."""
    ensure_can_act(actor, VERIFY, item, SUPERVISOR)
    if item.status in (S.DRAFT, S.CLOSED):
        raise ValidationError(_("Only items being worked on can be urged."), code="not_open")
    today = _today(today)
    note = _clean_text(note)[:200]
    text = _("Urged by %(org)s: %(title)s. %(note)s") if note else _("Urged by %(org)s: %(title)s.")
    text = text % {"org": item.supervisor_org.label, "title": item.title, "note": note}
    audit.log_event(item, event=text, actor=actor)
    _notify_org(
        item,
        item.org,
        RECTIFY,
        kind="item_urged",
        text=text,
        event=f"urged:{today.isoformat()}:{getattr(actor, 'pk', '')}",
        actor=actor,
    )
