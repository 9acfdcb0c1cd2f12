"""The ledger's workflow rules: who may move a list, an item or an extension request, and when.

The three tables and their guards live here and nowhere else; ``LedgerConfig.ready()``
registers ``WORKFLOWS`` with ``core.workflow``, and the services in ``ledger.services``
perform the moves through ``core.workflow.transition``.

**Sides.** Every action on an item belongs to one side, and its right is checked at the
organisation that holds that side for this item — never only at the item's organisation:

* the issuer (the list's organisation): hands down, edits drafts;
* the rectifier (the item's responsible organisation): acknowledges, files measures and
  progress, requests closure or an extension;
* the supervisor (the item's supervising organisation): verifies, returns, decides
  extensions, looks back, reopens, records accountability.

``Side.X(obj)`` gives that organisation; ``can_act`` / ``ensure_can_act`` check a capability
there (services), ``Transition(at=Side.X)`` makes ``core.workflow`` check it there (moves and
``allowed_moves``), and ``ItemQuerySet.on_side`` is the same check in SQL (``SIDE_PATHS``).

**Approval.** A list that needs the leader's approval goes draft → awaiting approval →
handed down, and whoever drew it up (``created_by``) never approves it (``_not_the_author``).

**Independence.** Whoever did a rectifying step on an item in its current round — or entered
one on the responsible organisation's behalf (代录) — never verifies, returns, looks back on or
decides on it (``rectifier_ids``, SQL twin ``rectified_by_q``); staff of the responsible
organisation neither, unless the administrator switched ``ledger.separation_of_duties`` off.
"""

from __future__ import annotations

from datetime import date
from enum import Enum

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, Max, OuterRef, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.core import registry, scoping
from dangjian.core.caps import Cap
from dangjian.core.models import StatusChange
from dangjian.core.params import get as param
from dangjian.core.prepared import PreparedQuery, kept
from dangjian.core.workflow import Transition

from . import params
from .models import Evidence, ExtensionRequest, Item, ItemList, Progress

# Capabilities the rules ask for (declared with the roles in accounts.roles).
HAND_DOWN, RECTIFY, VERIFY, INSPECT = Cap.HAND_DOWN, Cap.RECTIFY, Cap.VERIFY, Cap.INSPECT


# ------------------------------------------------------------------ sides


def _item_of(obj) -> Item:
    return obj if isinstance(obj, Item) else obj.item


class Side(str, Enum):
    """Which party acts; calling it on a list, an item or an item's record gives its organisation."""

    ISSUER = "issuer"
    RECTIFIER = "rectifier"
    SUPERVISOR = "supervisor"

    def __call__(self, obj):
        if isinstance(obj, ItemList):
            if self is not Side.ISSUER:
                raise ValueError(f"a list has no {self.value} side")
            return obj.org
        item = _item_of(obj)
        if self is Side.ISSUER:
            return item.item_list.org
        if self is Side.RECTIFIER:
            return item.org
        return item.supervisor_org


ISSUER, RECTIFIER, SUPERVISOR = Side.ISSUER, Side.RECTIFIER, Side.SUPERVISOR

# The path from an item to each side's organisation, for ``ItemQuerySet.on_side``.
SIDE_PATHS = {ISSUER: "item_list__org__", RECTIFIER: "org__", SUPERVISOR: "supervisor_org__"}


def can_act(actor, cap: str, obj, side: Side) -> bool:
    """True when ``actor`` holds ``cap`` at the organisation of ``side`` for this list, item or record."""
    return scoping.can(actor, cap, Side(side)(obj))


def ensure_can_act(actor, cap: str, obj, side: Side) -> None:
    """Raise PermissionDenied unless ``can_act``."""
    if not can_act(actor, cap, obj, side):
        raise PermissionDenied(_("You are not allowed to do this here."))


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


# ------------------------------------------------------------------ independence of the verifier

# The reopening after a look-back, which starts a new round (the rectifying moves are listed after the table).
REOPEN = (S.CLOSED, S.RECTIFYING)


def _moves_q(moves) -> Q:
    q = Q(pk__in=[])
    for old, new in moves:
        q |= Q(old=old, new=new)
    return q


def _item_changes(item_id):
    return StatusChange.objects.filter(
        content_type=ContentType.objects.get_for_model(Item), object_id=item_id
    )


def rectifier_ids(item: Item) -> set[int]:
    """The users who did a rectifying step on ``item`` in its current round.

    Rectifying steps: the moves of ``RECTIFYING_MOVES``, progress entries, evidence of the
    round (not a look-back's), extension requests — and a step entered on the responsible
    organisation's behalf (代录, ``proxy_by``). The round starts at the latest reopening; a
    step counts unless a reopening came strictly after it. ``rectified_by_q`` is the SQL twin.
    """
    changes = _item_changes(item.pk)
    since = changes.filter(_moves_q([REOPEN])).aggregate(at=Max("at"))["at"]

    def in_round(qs, field):
        return qs.filter(**{f"{field}__gte": since}) if since is not None else qs

    ids = set(in_round(changes.filter(_moves_q(RECTIFYING_MOVES)), "at").values_list("actor_id", flat=True))
    ids |= set(in_round(Progress.objects.filter(item=item), "created_at").values_list("actor_id", flat=True))
    ids |= set(
        Evidence.objects.filter(item=item, round=item.round)
        .exclude(purpose="recheck")
        .values_list("uploaded_by_id", flat=True)
    )
    ids |= set(
        in_round(ExtensionRequest.objects.filter(item=item), "requested_at").values_list(
            "requested_by_id", flat=True
        )
    )
    ids.add(item.proxy_by_id)
    ids.discard(None)
    return ids


def rectified_by_q(user, *, prefix: str = "") -> Q:
    """Items on which ``user`` did a rectifying step in the current round (SQL twin of ``rectifier_ids``)."""
    if not getattr(user, "pk", None):
        return Q(pk__in=[])
    item_ct = ContentType.objects.get_for_model(Item)
    pk = OuterRef(f"{prefix}pk")

    def reopened_after(field):
        return StatusChange.objects.filter(
            _moves_q([REOPEN]), content_type=item_ct, object_id=OuterRef(pk), at__gt=OuterRef(field)
        )

    steps = StatusChange.objects.filter(
        _moves_q(RECTIFYING_MOVES), content_type=item_ct, object_id=pk, actor=user.pk
    ).exclude(Exists(reopened_after("at")))
    progress = Progress.objects.filter(item=pk, actor=user.pk).exclude(Exists(reopened_after("created_at")))
    evidence = Evidence.objects.filter(
        item=pk, uploaded_by=user.pk, round=OuterRef(f"{prefix}round")
    ).exclude(purpose="recheck")
    extensions = ExtensionRequest.objects.filter(item=pk, requested_by=user.pk).exclude(
        Exists(reopened_after("requested_at"))
    )
    return (
        Q(Exists(steps))
        | Q(Exists(progress))
        | Q(Exists(evidence))
        | Q(Exists(extensions))
        | Q(**{f"{prefix}proxy_by": user.pk})
    )


_ITEM_PLACEHOLDER = -7_304_183  # an id no item has, found once among the compiled SQL's parameters


def _rectified_by(actor) -> PreparedQuery:
    """``rectified_by_q(actor)`` for one item (its id put in), compiled once per actor: its four
    subqueries cost the item page more to build and compile than to run."""
    return kept(
        ("ledger.rectified_by", actor.pk),
        lambda item_pk: Item.objects.filter(pk=item_pk).filter(rectified_by_q(actor)).values_list("pk")[:1],
        _ITEM_PLACEHOLDER,
    )


def belongs_to_rectifier(item: Item, actor) -> bool:
    """True when ``actor`` holds any role AT the item's responsible organisation (and the rule is on)."""
    if not int(param(params.SEPARATION_OF_DUTIES.key)):
        return False
    if not getattr(actor, "pk", None):
        return False
    return actor.assignments.filter(org_id=item.org_id).exists()


def separation_violated(item: Item, actor) -> bool:
    """True when ``actor`` may not verify, return, look back on or decide on ``item`` (see ``ensure_independent``)."""
    try:
        ensure_independent(item, actor)
    except ValidationError:
        return True
    return False


def ensure_independent(item: Item, actor) -> None:
    """Refuse a supervising act by somebody on the rectifying side of ``item``.

    Whoever did a rectifying step in the current round is refused whatever the parameters;
    staff of the responsible organisation are refused while ``ledger.separation_of_duties`` is 1.
    """
    # One EXISTS query (the SQL twin of ``rectifier_ids``), not one per kind of step: the item page asks it.
    if getattr(actor, "pk", None) and _rectified_by(actor).rows(item.pk, model=Item):
        raise ValidationError(
            _(
                "Separation of duties: you took part in rectifying this item (acknowledging, measures, "
                "progress, a closure or extension request, or entering them on its behalf), so you cannot "
                "verify, return or look back on it, nor decide its extensions."
            ),
            code="rectifier",
        )
    if belongs_to_rectifier(item, actor):
        raise ValidationError(
            _(
                "Separation of duties: you hold a role at the responsible organisation, "
                "so you cannot verify or return this item, nor decide its extensions."
            ),
            code="separation",
        )


def _who_independent(obj, actor) -> None:
    ensure_independent(_item_of(obj), actor)


def is_proxy(item: Item, actor) -> bool:
    """True when ``actor`` acts for the responsible organisation without holding a role there (代录)."""
    if not getattr(actor, "pk", None):
        return False
    return not actor.assignments.filter(org_id=item.org_id).exists()


# ------------------------------------------------------------------ extensions


def check_extension_request(item: Item, today: date) -> None:
    """Refuse an extension request after the deadline, or beyond ``ledger.max_extensions`` in this round."""
    if item.deadline is not None and today > item.deadline:
        raise ValidationError(
            _(
                "An extension must be requested before the deadline (%(date)s) has passed; "
                "the item is now overdue."
            )
            % {"date": item.deadline.isoformat()},
            code="extension_too_late",
        )
    limit = int(param(params.MAX_EXTENSIONS.key))
    since = _item_changes(item.pk).filter(_moves_q([REOPEN])).aggregate(at=Max("at"))["at"]
    asked = ExtensionRequest.objects.filter(item=item)
    if since is not None:
        asked = asked.filter(requested_at__gte=since)
    if asked.count() >= limit:
        raise ValidationError(
            _("An item's deadline can be extended at most %(n)s times; this item has used them all.")
            % {"n": limit},
            code="too_many_extensions",
        )


# ------------------------------------------------------------------ guards


def _guard_measures(item, actor, *, measures=None, **_fields) -> None:
    if not _clean_text(measures if measures is not None else item.measures):
        raise ValidationError(
            {"measures": _("Please file the rectification measures.")}, code="measures_required"
        )


def _has_closure_evidence(item) -> bool:
    return Evidence.objects.filter(item=item, purpose="closure", round=item.round).exists()


def _guard_closure_evidence(item, actor, **_fields) -> None:
    if item.category_id is None or not item.category.requires_evidence:
        return
    if not _has_closure_evidence(item):
        raise ValidationError(
            _(
                "Items of the category “%(category)s” need evidence: attach at least one file to the closure request."
            )
            % {"category": item.category},
            code="evidence_required",
        )


def _guard_on_the_spot(item, actor, *, measures=None, **fields) -> None:
    """立行立改: what was done, and at least one file proving it, whatever the category."""
    if not _clean_text(measures if measures is not None else item.measures):
        raise ValidationError(
            {"measures": _("Please describe what was fixed on the spot.")}, code="measures_required"
        )
    if not _has_closure_evidence(item):
        raise ValidationError(
            _("An item fixed on the spot needs evidence: attach at least one file."),
            code="evidence_required",
        )


def _guard_reopen(item, actor, *, deadline=None, **_fields) -> None:
    # Only recheck_record reopens, and it always passes the new deadline.
    if deadline is None:
        raise ValidationError(_("A reopened item needs a new deadline."), code="deadline_required")


def _guard_hand_down(item, actor, *, issued_on=None, deadline=None, **_fields) -> None:
    if item.item_list.status != _LS.ISSUED:
        raise ValidationError(
            _("The list has not been handed down yet: its items go down with the list."),
            code="list_not_issued",
        )
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


def _not_the_author(item_list, actor) -> None:
    """A list awaiting approval is approved by somebody other than the person who drew it up."""
    if item_list.created_by_id is not None and item_list.created_by_id == getattr(actor, "pk", None):
        raise ValidationError(
            _(
                "You drew up this list, so you cannot approve it yourself: "
                "another person who may hand down lists here approves it."
            ),
            code="author_approves",
        )


# ------------------------------------------------------------------ tables

LIST_TRANSITIONS = {
    (_LS.DRAFT, _LS.PENDING_APPROVAL): Transition(
        label=gettext_lazy("Submit for approval"), cap=HAND_DOWN, at=ISSUER, guard=_guard_list_has_items
    ),
    (_LS.PENDING_APPROVAL, _LS.DRAFT): Transition(
        label=gettext_lazy("Send back to draft"), cap=HAND_DOWN, at=ISSUER, note_required=True
    ),
    (_LS.PENDING_APPROVAL, _LS.ISSUED): Transition(
        label=gettext_lazy("Approve and hand down"),
        cap=HAND_DOWN,
        at=ISSUER,
        guard=_guard_list_has_items,
        who=_not_the_author,
    ),
    (_LS.DRAFT, _LS.ISSUED): Transition(
        label=gettext_lazy("Hand down"), cap=hand_down_cap, at=ISSUER, guard=_guard_list_direct_issue
    ),
}

_SUPERVISE = {"cap": VERIFY, "at": SUPERVISOR, "who": _who_independent}

ITEM_TRANSITIONS = {
    (S.DRAFT, S.HANDED_DOWN): Transition(
        label=gettext_lazy("Hand down"), cap=_item_hand_down_cap, at=ISSUER, guard=_guard_hand_down
    ),
    (S.HANDED_DOWN, S.ACKNOWLEDGED): Transition(label=gettext_lazy("Acknowledge"), cap=RECTIFY, at=RECTIFIER),
    (S.ACKNOWLEDGED, S.RECTIFYING): Transition(
        label=gettext_lazy("File measures"), cap=RECTIFY, at=RECTIFIER, guard=_guard_measures
    ),
    (S.RECTIFYING, S.CLOSURE_REQUESTED): Transition(
        label=gettext_lazy("Request closure"), cap=RECTIFY, at=RECTIFIER, guard=_guard_closure_evidence
    ),
    (S.HANDED_DOWN, S.CLOSURE_REQUESTED): Transition(
        label=gettext_lazy("Fixed on the spot: request closure"),
        cap=RECTIFY,
        at=RECTIFIER,
        guard=_guard_on_the_spot,
    ),
    (S.ACKNOWLEDGED, S.CLOSURE_REQUESTED): Transition(
        label=gettext_lazy("Fixed on the spot: request closure"),
        cap=RECTIFY,
        at=RECTIFIER,
        guard=_guard_on_the_spot,
    ),
    (S.CLOSURE_REQUESTED, S.CLOSED): Transition(label=gettext_lazy("Verify and close"), **_SUPERVISE),
    (S.CLOSURE_REQUESTED, S.RETURNED): Transition(
        label=gettext_lazy("Return"), note_required=True, **_SUPERVISE
    ),
    (S.RETURNED, S.CLOSURE_REQUESTED): Transition(
        label=gettext_lazy("Request closure again"), cap=RECTIFY, at=RECTIFIER, guard=_guard_closure_evidence
    ),
    (S.RETURNED, S.RECTIFYING): Transition(
        label=gettext_lazy("Continue rectifying"), cap=RECTIFY, at=RECTIFIER
    ),
    (S.CLOSED, S.RECTIFYING): Transition(
        label=gettext_lazy("Reopen after look-back"), guard=_guard_reopen, note_required=True, **_SUPERVISE
    ),
}

# The rectifying side's moves (签收, 报送措施, 继续整改, 申请销号, 立行立改): whoever made one rectified the item.
RECTIFYING_MOVES = tuple(pair for pair, rule in ITEM_TRANSITIONS.items() if rule.at is RECTIFIER)

EXTENSION_TRANSITIONS = {
    (_ES.PENDING, _ES.APPROVED): Transition(label=gettext_lazy("Approve extension"), **_SUPERVISE),
    (_ES.PENDING, _ES.REFUSED): Transition(
        label=gettext_lazy("Refuse extension"), note_required=True, **_SUPERVISE
    ),
}

WORKFLOWS = {
    ItemList: LIST_TRANSITIONS,
    Item: ITEM_TRANSITIONS,
    ExtensionRequest: EXTENSION_TRANSITIONS,
}
