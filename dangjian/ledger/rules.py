"""The ledger's workflow rules: who may move a list, an item or an extension request, and when.

The three tables and their guards live here and nowhere else; ``LedgerConfig.ready()``
registers ``WORKFLOWS`` with ``core.workflow``, and the services in ``ledger.services``
perform the moves through ``core.workflow.transition``.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.core import registry, scoping
from dangjian.core.caps import Cap
from dangjian.core.params import get as param
from dangjian.core.workflow import Transition

from . import params
from .models import Evidence, ExtensionRequest, Item, ItemList

# Capabilities the rules ask for (declared with the roles in accounts.roles).
HAND_DOWN, RECTIFY, VERIFY, INSPECT = Cap.HAND_DOWN, Cap.RECTIFY, Cap.VERIFY, Cap.INSPECT


def hand_down_cap(item_list: ItemList) -> str:
    """The capability needed to create and hand down this list's items.

    "hand_down" for lists made by hand; for a list raised from another module's record
    (a talk, an inspection visit …) the capability that source declared (see ``ledger.door``).
    """
    if item_list.source_type_id:
        ct = ContentType.objects.get_for_id(item_list.source_type_id)
        source = registry.item_sources.get(f"{ct.app_label}.{ct.model}")
        if source is not None:
            return source.cap
    return HAND_DOWN


def _item_hand_down_cap(item: Item) -> str:
    return hand_down_cap(item.item_list)


S = Item.Status
_LS = ItemList.Status
_ES = ExtensionRequest.Status


def _clean_text(value) -> str:
    return (value or "").strip()


# ------------------------------------------------------------------ guards


def separation_violated(item: Item, actor) -> bool:
    """True when ``actor`` holds any role AT the item's responsible organisation.

    Such a person belongs to the side that rectified the item and so may not verify or
    return its closure, nor decide its extensions (职责分离). An administrator can switch the
    rule off with the parameter ``ledger.separation_of_duties`` = 0.
    """
    if not int(param(params.SEPARATION_OF_DUTIES.key)):
        return False
    if not getattr(actor, "pk", None):
        return False
    return actor.assignments.filter(org_id=item.org_id).exists()


def _ensure_supervisor(item: Item, actor) -> None:
    if separation_violated(item, actor):
        raise ValidationError(
            _(
                "Separation of duties: you hold a role at the responsible organisation, "
                "so you cannot verify or return this item, nor decide its extensions."
            ),
            code="separation",
        )
    if not scoping.can(actor, VERIFY, item.supervisor_org):
        raise ValidationError(
            _("Only the supervising organisation (%(org)s) can verify or return this item.")
            % {"org": item.supervisor_org},
            code="not_supervisor",
        )


def _guard_verifier(item, actor, **_fields) -> None:
    _ensure_supervisor(item, actor)


def _guard_extension_decider(extension, actor, **_fields) -> None:
    _ensure_supervisor(extension.item, actor)


def _guard_measures(item, actor, *, measures=None, **_fields) -> None:
    if not _clean_text(measures if measures is not None else item.measures):
        raise ValidationError(
            {"measures": _("Please file the rectification measures.")}, code="measures_required"
        )


def _guard_closure_evidence(item, actor, **_fields) -> None:
    if item.category_id is None or not item.category.requires_evidence:
        return
    if not Evidence.objects.filter(item=item, purpose="closure", round=item.round).exists():
        raise ValidationError(
            _(
                "Items of the category “%(category)s” need evidence: attach at least one file to the closure request."
            )
            % {"category": item.category},
            code="evidence_required",
        )


def _guard_reopen(item, actor, *, deadline=None, **_fields) -> None:
    # Only recheck_record reopens, and it always passes the new deadline.
    if deadline is None:
        raise ValidationError(_("A reopened item needs a new deadline."), code="deadline_required")


def _guard_hand_down(item, actor, *, issued_on=None, deadline=None, **_fields) -> None:
    issued_on = issued_on or item.issued_on
    deadline = deadline if deadline is not None else item.deadline
    if deadline is not None and not item.long_term and deadline < issued_on:
        raise ValidationError(
            _("Item %(number)s: the deadline cannot be before the hand-down date (%(date)s).")
            % {"number": item.number, "date": issued_on.isoformat()},
            code="deadline_before_issue",
        )


def _guard_list_has_items(item_list, actor, **_fields) -> None:
    if not item_list.items.exists():
        raise ValidationError(_("The list has no items yet."), code="empty_list")


def _guard_list_direct_issue(item_list, actor, **fields) -> None:
    if item_list.needs_approval:
        raise ValidationError(
            _("This list needs the leader's approval: submit it for approval first."), code="needs_approval"
        )
    _guard_list_has_items(item_list, actor, **fields)


# ------------------------------------------------------------------ tables

LIST_TRANSITIONS = {
    (_LS.DRAFT, _LS.PENDING_APPROVAL): Transition(
        label=gettext_lazy("Submit for approval"), cap=HAND_DOWN, guard=_guard_list_has_items
    ),
    (_LS.PENDING_APPROVAL, _LS.DRAFT): Transition(
        label=gettext_lazy("Send back to draft"), cap=HAND_DOWN, note_required=True
    ),
    (_LS.PENDING_APPROVAL, _LS.ISSUED): Transition(
        label=gettext_lazy("Approve and hand down"), cap=HAND_DOWN, guard=_guard_list_has_items
    ),
    (_LS.DRAFT, _LS.ISSUED): Transition(
        label=gettext_lazy("Hand down"), cap=hand_down_cap, guard=_guard_list_direct_issue
    ),
}

ITEM_TRANSITIONS = {
    (S.DRAFT, S.HANDED_DOWN): Transition(
        label=gettext_lazy("Hand down"), cap=_item_hand_down_cap, guard=_guard_hand_down
    ),
    (S.HANDED_DOWN, S.ACKNOWLEDGED): Transition(label=gettext_lazy("Acknowledge"), cap=RECTIFY),
    (S.ACKNOWLEDGED, S.RECTIFYING): Transition(
        label=gettext_lazy("File measures"), cap=RECTIFY, guard=_guard_measures
    ),
    (S.RECTIFYING, S.CLOSURE_REQUESTED): Transition(
        label=gettext_lazy("Request closure"), cap=RECTIFY, guard=_guard_closure_evidence
    ),
    (S.CLOSURE_REQUESTED, S.CLOSED): Transition(
        label=gettext_lazy("Verify and close"), cap=VERIFY, guard=_guard_verifier
    ),
    (S.CLOSURE_REQUESTED, S.RETURNED): Transition(
        label=gettext_lazy("Return"), cap=VERIFY, guard=_guard_verifier, note_required=True
    ),
    (S.RETURNED, S.CLOSURE_REQUESTED): Transition(
        label=gettext_lazy("Request closure again"), cap=RECTIFY, guard=_guard_closure_evidence
    ),
    (S.RETURNED, S.RECTIFYING): Transition(label=gettext_lazy("Continue rectifying"), cap=RECTIFY),
    (S.CLOSED, S.RECTIFYING): Transition(
        label=gettext_lazy("Reopen after look-back"), cap=VERIFY, guard=_guard_reopen, note_required=True
    ),
}

EXTENSION_TRANSITIONS = {
    (_ES.PENDING, _ES.APPROVED): Transition(
        label=gettext_lazy("Approve extension"), cap=VERIFY, guard=_guard_extension_decider
    ),
    (_ES.PENDING, _ES.REFUSED): Transition(
        label=gettext_lazy("Refuse extension"),
        cap=VERIFY,
        guard=_guard_extension_decider,
        note_required=True,
    ),
}

WORKFLOWS = {
    ItemList: LIST_TRANSITIONS,
    Item: ITEM_TRANSITIONS,
    ExtensionRequest: EXTENSION_TRANSITIONS,
}
