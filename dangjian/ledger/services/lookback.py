"""Look-backs (回头看): scheduling a re-check of closed items and recording what it found."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dangjian.core import workflow

from ..models import (
    Item,
    ItemList,
    Recheck,
)
from ..rules import ISSUER, RECTIFY, SUPERVISOR, VERIFY, ensure_can_act, ensure_independent
from ._common import (
    S,
    _at,
    _clean_text,
    _lock,
    _notify_org,
    _today,
    dated,
)
from .evidence import _write_evidence, validate_files
from .jobs import reminders_cancel


@dated
@transaction.atomic
def recheck_schedule(
    *,
    actor,
    scheduled_on: date,
    item: Item | None = None,
    item_list: ItemList | None = None,
    sample: int | None = None,
    rng: random.Random | None = None,
    today: date | None = None,
) -> list[Recheck]:
    """Schedule a look-back of one closed item, or of a whole list (all its closed items or a random sample of N).

    Look-backs are the supervising side's: for one item the right is checked at its supervising
    organisation; for a list, at the list's organisation, and only the closed items this actor
    supervises are taken. Items that already have a look-back waiting are skipped in a list;
    for a single item that is refused.
    """
    today = _today(today)
    if (item is None) == (item_list is None):
        raise TypeError("give either item or item_list")
    if scheduled_on < today:
        raise ValidationError({"scheduled_on": _("The look-back date cannot be in the past.")})
    pending = Recheck.objects.filter(result="", done_on__isnull=True).values("item_id")
    if item is not None:
        ensure_can_act(actor, VERIFY, item, SUPERVISOR)
        if item.status != S.CLOSED:
            raise ValidationError(_("Only closed items can be re-checked."), code="not_closed")
        if Recheck.objects.filter(item=item, result="", done_on__isnull=True).exists():
            raise ValidationError(_("A look-back of this item is already scheduled."))
        candidates = [item]
    else:
        ensure_can_act(actor, VERIFY, item_list, ISSUER)
        qs = (
            item_list.items.visible_to(actor)
            .on_side(actor, VERIFY, SUPERVISOR)
            .filter(status=S.CLOSED)
            .exclude(pk__in=pending)
            .order_by("number")
        )
        candidates = list(qs)
        if not candidates:
            raise ValidationError(_("This list has no closed items to re-check."), code="nothing_closed")
        if sample is not None:
            if sample < 1:
                raise ValidationError({"sample": _("The sample size must be at least 1.")})
            if sample < len(candidates):
                candidates = sorted(
                    (rng or random.Random()).sample(candidates, sample), key=lambda i: i.number
                )
    return [
        Recheck.objects.create(
            item=c,
            round=c.round,
            scheduled_on=scheduled_on,
            scheduled_by=actor if getattr(actor, "pk", None) else None,
        )
        for c in candidates
    ]


@dated
@transaction.atomic
def recheck_record(
    *,
    recheck: Recheck,
    actor,
    result: str,
    note: str = "",
    files: Sequence = (),
    new_deadline: date | None = None,
    expected_version: int | None = None,
    today: date | None = None,
) -> Recheck:
    """Record a look-back: confirmed, or relapsed — then the item reopens for a new round with a new deadline.

    Only the supervising side records it, and never somebody who rectified the item.
    """
    today = _today(today)
    recheck = _lock(Recheck, recheck)
    item = _lock(Item, recheck.item)
    ensure_can_act(actor, VERIFY, item, SUPERVISOR)
    ensure_independent(item, actor)
    if recheck.done_on is not None:
        raise ValidationError(_("This look-back has already been recorded."))
    if result not in (Recheck.Result.CONFIRMED, Recheck.Result.RELAPSED):
        raise ValidationError({"result": _("Please choose the result of the look-back.")})
    if item.status != S.CLOSED or item.round != recheck.round:
        raise ValidationError(_("The item is no longer closed in the round this look-back was for."))
    errors: dict[str, list] = {}
    if result == Recheck.Result.RELAPSED:
        if not _clean_text(note):
            errors.setdefault("note", []).append(_("Please describe what was found."))
        if new_deadline is None or new_deadline <= today:
            errors.setdefault("new_deadline", []).append(
                _("A relapsed item needs a new deadline after today.")
            )
    if errors:
        raise ValidationError(errors)
    if files:
        validate_files(files)
    recheck.result = result
    recheck.note = _clean_text(note)
    recheck.done_on = today
    recheck.checker = actor if getattr(actor, "pk", None) else None
    recheck.save(update_fields=["result", "note", "done_on", "checker"])
    if files:
        _write_evidence(
            item=item, files=files, actor=actor, purpose="recheck", recheck=recheck, at=_at(today)
        )
    if result == Recheck.Result.RELAPSED:
        item = workflow.transition(
            obj=item,
            to=S.RECTIFYING,
            actor=actor,
            note=_clean_text(note),
            expected_version=expected_version,
            at=_at(today),
            fields={
                "deadline": new_deadline,
                "round": item.round + 1,
                "closed_on": None,
                "closed_by": None,
                "closed_late": False,
                "closure_requested_on": None,
                "fixed_on_the_spot": False,
                "proxy_by": None,
                "proxy_at": None,
                # A new round starts from nothing reported; the reopening step records why.
                "percent": 0,
            },
        )
        reminders_cancel(item=item)
        _notify_org(
            item,
            item.org,
            RECTIFY,
            kind="item_reopened",
            text=_("Reopened after the look-back: %(title)s, new deadline %(date)s")
            % {"title": item.title, "date": new_deadline.isoformat()},
            event=f"reopened:{item.round}",
            actor=actor,
        )
    return recheck
