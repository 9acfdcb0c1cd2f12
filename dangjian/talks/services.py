"""Writes of talk records. The ledger's escalation list records its interviews (约谈) here."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core.caps import Cap
from dangjian.ledger import door

from .models import TalkKind, TalkRecord


@transaction.atomic
def talk_record_interview(
    *,
    item,
    talker: str,
    talkee: str,
    held_on: date,
    content: str,
    actor,
    place: str = "",
    commitments: str = "",
    talkee_person=None,
    today: date | None = None,
) -> TalkRecord:
    """Record an interview (约谈) held over a ledger item: who talked with whom, when, about what.

    The talk belongs to the item's responsible organisation; the interview is the supervising
    side's act, so the actor needs the "inspect" capability at the item's supervising organisation.
    """
    if not door.can_supervise(actor, Cap.INSPECT, item):
        raise PermissionDenied(_("You are not allowed to record interviews here."))
    today = today or timezone.localdate()
    errors: dict[str, list] = {}
    if not (talker or "").strip():
        errors.setdefault("talker", []).append(_("Please name who held the interview."))
    if not (talkee or "").strip():
        errors.setdefault("talkee", []).append(_("Please name who was interviewed."))
    if held_on is None or held_on > today:
        errors.setdefault("held_on", []).append(_("The date of the talk cannot be in the future."))
    if not (content or "").strip():
        errors.setdefault("content", []).append(_("Please record what was said."))
    if errors:
        raise ValidationError(errors)
    talk = TalkRecord.objects.create(
        org=item.org,
        kind=TalkKind.INTERVIEW,
        held_on=held_on,
        place=(place or "").strip()[:120],
        talker=talker.strip()[:120],
        talkee=talkee.strip()[:120],
        talkee_person=talkee_person,
        content=content.strip(),
        commitments=(commitments or "").strip(),
        item=item,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    door.link_record(item=item, record=talk, kind=door.ItemLink.Kind.INTERVIEW, actor=actor)
    return talk
