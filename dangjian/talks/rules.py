"""Workflow tables and guards of talks (DOMAIN.md §7).

A talk is prepared (``planned``), then held and closed with its record, or cancelled. Closing
needs the record of what was said; a 诫勉谈话 needs the talkee's written explanation and the
organisation head's signature; a 谈话函询 needs the reply, and a reply after its deadline
(15 working days, ``talks.letter_reply_working_days``) needs a reason. The right to organise,
close or cancel a talk is held at the organising organisation: ``inspect`` for ordinary talks,
``discipline_talk`` for 诫勉 and 函询.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.core.caps import Cap
from dangjian.core.workflow import Transition

from .models import TalkCampaign, TalkKind, TalkRecord, right_for


def _talk_right(talk: TalkRecord) -> str:
    return right_for(talk.kind)


def _organiser(talk: TalkRecord):
    return talk.organiser


def close_errors(talk: TalkRecord, *, today=None, **fields) -> dict[str, list[str]]:
    """What stops ``talk`` from being closed with ``fields`` (empty when it may close)."""
    today = today or timezone.localdate()
    get = lambda name: fields[name] if name in fields else getattr(talk, name)  # noqa: E731
    errors: dict[str, list[str]] = {}

    def refuse(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if talk.held_on > today:
        refuse("content", _("A talk dated in the future cannot be closed yet."))
    if not (get("content") or "").strip():
        refuse("content", _("Please record what was said before closing the talk."))
    if talk.kind == TalkKind.ADMONITION:
        if not (get("explanation") or "").strip():
            refuse("explanation", _("An admonishment talk needs the talkee's written explanation."))
        if not (get("head_signed_by") or "").strip() or get("head_signed_on") is None:
            refuse(
                "head_signed_by",
                _("An admonishment talk needs the signature of the organisation head and its date."),
            )
        elif get("head_signed_on") < talk.held_on or get("head_signed_on") > today:
            refuse(
                "head_signed_on", _("The head signs on or after the day of the talk and not in the future.")
            )
    if talk.kind == TalkKind.LETTER:
        replied_on = get("replied_on")
        if not (get("reply") or "").strip() or replied_on is None:
            refuse("reply", _("A letter inquiry is closed with the written reply and its date."))
        elif replied_on < talk.held_on or replied_on > today:
            refuse("replied_on", _("The reply is dated on or after the letter and not in the future."))
        elif talk.reply_due_on and replied_on > talk.reply_due_on and not (get("late_reason") or "").strip():
            refuse(
                "late_reason",
                _("The reply came after its deadline (%(due)s): record the reason.")
                % {"due": talk.reply_due_on},
            )
    return errors


def _guard_close(talk: TalkRecord, actor, note: str = "", **fields) -> None:
    errors = close_errors(talk, **fields)
    if errors:
        raise ValidationError(errors)


_S = TalkRecord.Status
_C = TalkCampaign.Status

TALK_TABLE = {
    (_S.PLANNED, _S.CLOSED): Transition(
        label=gettext_lazy("Close the talk"), cap=_talk_right, at=_organiser, guard=_guard_close
    ),
    (_S.PLANNED, _S.CANCELLED): Transition(
        label=gettext_lazy("Cancel the talk"), cap=_talk_right, at=_organiser, note_required=True
    ),
}

CAMPAIGN_TABLE = {
    (_C.OPEN, _C.CLOSED): Transition(label=gettext_lazy("Close the campaign"), cap=Cap.INSPECT),
}

WORKFLOWS = {TalkRecord: TALK_TABLE, TalkCampaign: CAMPAIGN_TABLE}
