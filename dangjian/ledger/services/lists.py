"""Lists (清单) and their items: creating, pasting line by line, submitting, approving, handing down."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import scoping, workflow
from dangjian.core.params import get as param

from .. import deadlines, params
from ..models import (
    DeadlineBasis,
    Duty,
    Item,
    ItemGroup,
    ItemKind,
    ItemList,
    Source,
)
from ..rules import HAND_DOWN, ISSUER, RECTIFY, ensure_can_act, hand_down_cap
from ._common import (
    _LS,
    S,
    _at,
    _clean_text,
    _lock,
    _notify_org,
    _today,
    dated,
)
from .evidence import validate_files


@dated
@transaction.atomic
def list_create(
    *,
    org,
    title: str,
    actor,
    kind: str = ItemKind.PROBLEM,
    source: str = Source.ASSIGNED,
    issued_on: date | None = None,
    document: str = "",
    document_file=None,
    needs_approval: bool = False,
    source_record=None,
    today: date | None = None,
) -> ItemList:
    """Create a draft list (清单) issued by ``org`` (``today``: the day it is recorded, for back-dated steps).

    ``source_record``: the record of another module the list is raised from (only through
    ``ledger.door``); the right to create it is then the source's capability, not "hand_down".
    """
    source_fields = {}
    if source_record is not None:
        source_fields = {
            "source_type": ContentType.objects.get_for_model(type(source_record)),
            "source_id": source_record.pk,
        }
    scoping.ensure_can(actor, hand_down_cap(ItemList(**source_fields)), org)
    title = _clean_text(title)
    if not title:
        raise ValidationError({"title": _("Please give the list a title.")})
    if org.dissolved_on:
        raise ValidationError(_("The organisation has been dissolved."))
    item_list = ItemList(
        org=org,
        title=title[:200],
        kind=kind,
        source=source,
        issued_on=issued_on or timezone.localdate(),
        document=_clean_text(document)[:200],
        needs_approval=needs_approval,
        created_by=actor if getattr(actor, "pk", None) else None,
        **source_fields,
    )
    if document_file:
        validate_files([document_file])
        item_list.document_file = document_file
    item_list.save()
    return item_list


@dated
def list_submit(
    *,
    item_list: ItemList,
    actor,
    note: str = "",
    expected_version: int | None = None,
    today: date | None = None,
) -> ItemList:
    """Submit a draft list for the leader's approval (草稿 → 待审核)."""
    return workflow.transition(
        obj=item_list,
        to=_LS.PENDING_APPROVAL,
        actor=actor,
        note=note,
        expected_version=expected_version,
        at=_at(today),
    )


@dated
def list_send_back(
    *, item_list: ItemList, actor, note: str, expected_version: int | None = None, today: date | None = None
) -> ItemList:
    """The leader sends a list back to draft with a reason."""
    return workflow.transition(
        obj=item_list, to=_LS.DRAFT, actor=actor, note=note, expected_version=expected_version, at=_at(today)
    )


@dated
@transaction.atomic
def list_approve(
    *,
    item_list: ItemList,
    actor,
    note: str = "",
    expected_version: int | None = None,
    today: date | None = None,
) -> ItemList:
    """Approve a list awaiting approval and hand its items down (待审核 → 已下发)."""
    item_list = workflow.transition(
        obj=item_list, to=_LS.ISSUED, actor=actor, note=note, expected_version=expected_version, at=_at(today)
    )
    _hand_down_drafts(item_list, actor, _today(today))
    return item_list


@dated
@transaction.atomic
def list_issue(
    *,
    item_list: ItemList,
    actor,
    note: str = "",
    expected_version: int | None = None,
    today: date | None = None,
) -> ItemList:
    """Hand a draft list down (草稿 → 已下发) when it needs no approval; its items go to their organisations."""
    item_list = workflow.transition(
        obj=item_list, to=_LS.ISSUED, actor=actor, note=note, expected_version=expected_version, at=_at(today)
    )
    _hand_down_drafts(item_list, actor, _today(today))
    return item_list


def list_move(
    *,
    item_list: ItemList,
    to: str,
    actor,
    note: str = "",
    expected_version: int | None = None,
    today: date | None = None,
) -> ItemList:
    """Perform the list transition to ``to`` through the service that owns it (the list page's buttons).

    ``today``: the day of the step when it is recorded afterwards (the demo's simulated months).
    """
    service = {
        (_LS.DRAFT, _LS.PENDING_APPROVAL): list_submit,
        (_LS.PENDING_APPROVAL, _LS.DRAFT): list_send_back,
        (_LS.PENDING_APPROVAL, _LS.ISSUED): list_approve,
        (_LS.DRAFT, _LS.ISSUED): list_issue,
    }.get((item_list.status, to))
    if service is None:
        # Not a move from this state: the workflow refuses it and words the refusal.
        return workflow.transition(obj=item_list, to=to, actor=actor)
    return service(
        item_list=item_list, actor=actor, note=note, expected_version=expected_version, today=today
    )


def _hand_down_drafts(item_list: ItemList, actor, today: date) -> None:
    for item in item_list.items.filter(status=S.DRAFT).select_related("org").order_by("number"):
        _hand_down(item, actor, today)


def _hand_down(item: Item, actor, today: date) -> Item:
    fields: dict = {"issued_on": today}
    if item.long_term and item.review_cycle_days:
        fields["next_review_on"] = today + timedelta(days=item.review_cycle_days)
    if item.deadline_days and not item.long_term:
        fields["deadline"] = deadlines.add_days(
            today, item.deadline_days, working=item.deadline_basis == DeadlineBasis.WORKING
        )
    item = workflow.transition(obj=item, to=S.HANDED_DOWN, actor=actor, fields=fields, at=_at(today))
    _notify_org(
        item,
        item.org,
        RECTIFY,
        kind="item_handed_down",
        text=_("New item handed to %(org)s: %(title)s") % {"org": item.org.label, "title": item.title},
        event=f"handed:{item.org_id}:{item.version}",
        actor=actor,
    )
    return item


# ------------------------------------------------------------------ items

ITEM_FIELDS = (
    "title",
    "description",
    "kind",
    "category",
    "source",
    "org",
    "responsible_leader",
    "responsible_person",
    "person",
    "leader",
    "supervisor_org",
    "deadline",
    "deadline_basis",
    "deadline_days",
    "long_term",
    "review_cycle_days",
    "duty",
    "target",
    "measures",
    "remarks",
)


def _clean_item(item_list: ItemList, values: dict, *, issued_on: date) -> dict:
    """Check and complete the fields of a new or edited item; raise ValidationError by field."""
    errors: dict[str, list] = {}
    values["title"] = _clean_text(values.get("title"))[:300]
    if not values["title"]:
        errors.setdefault("title", []).append(_("Please describe the problem or task."))
    org = values.get("org")
    if org is None:
        errors.setdefault("org", []).append(_("Please choose the responsible organisation."))
    elif not org.path.startswith(item_list.org.path):
        errors.setdefault("org", []).append(
            _("The responsible organisation must be %(org)s or an organisation below it.")
            % {"org": item_list.org}
        )
    elif org.dissolved_on:
        errors.setdefault("org", []).append(_("%(org)s has been dissolved.") % {"org": org})
    supervisor = values.get("supervisor_org") or item_list.org
    values["supervisor_org"] = supervisor
    if org is not None and "org" not in errors and not org.path.startswith(supervisor.path):
        errors.setdefault("supervisor_org", []).append(
            _("The supervising organisation must be above the responsible organisation.")
        )
    if (values.get("kind") or item_list.kind) == ItemKind.RESPONSIBILITY:
        # A standing duty, not a deadline item: reviewed every cycle instead (DOMAIN.md §8, 责任清单).
        values.update(long_term=True, deadline=None)
        values["review_cycle_days"] = values.get("review_cycle_days") or int(
            param(params.DUTY_REVIEW_DAYS.key)
        )
        values["duty"] = values.get("duty") or Duty.FIRST
    if values.get("long_term"):
        values["deadline_days"] = None
    elif values.get("deadline_days"):
        values["deadline"] = deadlines.add_days(
            issued_on,
            int(values["deadline_days"]),
            working=values.get("deadline_basis") == DeadlineBasis.WORKING,
        )
    elif values.get("deadline") is None:
        errors.setdefault("deadline", []).append(_("Please set a deadline, or mark the item as long-term."))
    deadline = values.get("deadline")
    if deadline is not None and not values.get("long_term") and deadline < issued_on:
        errors.setdefault("deadline", []).append(
            _("The deadline cannot be before the hand-down date (%(date)s).")
            % {"date": issued_on.isoformat()}
        )
    person, leader = values.get("person"), values.get("leader")
    if person is not None and org is not None and not person.org.path.startswith(org.path):
        errors.setdefault("person", []).append(
            _("The responsible person must belong to %(org)s or an organisation below it.") % {"org": org}
        )
    if leader is not None and not (
        leader.org.path.startswith(item_list.org.path) or item_list.org.path.startswith(leader.org.path)
    ):
        errors.setdefault("leader", []).append(
            _("The responsible leader must belong to %(org)s, an organisation above it or below it.")
            % {"org": item_list.org}
        )
    if errors:
        raise ValidationError(errors)
    # Names from the roster where a person was picked, so the text columns always agree with it.
    if person is not None:
        values["responsible_person"] = person.name
    if leader is not None:
        values["responsible_leader"] = leader.name
    for name in ("description", "responsible_leader", "responsible_person", "target", "measures", "remarks"):
        if name in values:
            values[name] = _clean_text(values[name])
    return values


def _default_responsible_person(checked: list[dict]) -> None:
    """An item whose responsible person was neither picked nor typed goes to the secretary of its
    organisation (第一责任人), from the roster's current posts (one query for all the organisations)."""
    from dangjian.orgs.models import Post, PostKind

    wanted = [f["org"].pk for f in checked if f.get("person") is None and not f.get("responsible_person")]
    if not wanted:
        return
    secretaries = {}
    for post in (
        Post.objects.current()
        .filter(org_id__in=wanted, kind=PostKind.SECRETARY)
        .select_related("person")
        .order_by("-started_on", "pk")
    ):
        secretaries.setdefault(post.org_id, post.person)
    for fields in checked:
        person = secretaries.get(fields["org"].pk)
        if person is not None and fields.get("person") is None and not fields.get("responsible_person"):
            fields["person"] = person
            fields["responsible_person"] = person.name


def _next_number(item_list: ItemList) -> int:
    # The list row is locked by the caller, so two people adding items never get the same number.
    return (item_list.items.aggregate(n=Max("number"))["n"] or 0) + 1


def _create_items(
    *,
    item_list: ItemList,
    orgs: Sequence,
    actor,
    source_record=None,
    source_key: str = "",
    group=None,
    today: date | None = None,
    **values,
) -> list[Item]:
    ensure_can_act(actor, hand_down_cap(item_list), item_list, ISSUER)
    item_list = _lock(ItemList, item_list)
    today = _today(today)
    issued = item_list.status == _LS.ISSUED
    issued_on = today if issued else item_list.issued_on
    unknown = set(values) - set(ITEM_FIELDS)
    if unknown:
        raise TypeError(f"unknown item fields: {sorted(unknown)}")
    values.setdefault("kind", item_list.kind)
    values.setdefault("source", item_list.source)
    source_fields = {}
    if source_record is not None:
        source_fields = {
            "source_type": ContentType.objects.get_for_model(type(source_record)),
            "source_id": source_record.pk,
            "source_key": source_key[:100],
        }
    checked = [_clean_item(item_list, {**values, "org": org}, issued_on=issued_on) for org in orgs]
    _default_responsible_person(checked)
    number = _next_number(item_list)
    items = []
    for i, fields in enumerate(checked):
        item = Item.objects.create(
            item_list=item_list,
            group=group,
            number=number + i,
            issued_on=issued_on,
            created_by=actor if getattr(actor, "pk", None) else None,
            **source_fields,
            **fields,
        )
        if issued:
            item = _hand_down(item, actor, today)
        items.append(item)
    return items


@dated
@transaction.atomic
def item_create(
    *,
    item_list: ItemList,
    org,
    title: str,
    actor,
    source_record=None,
    source_key: str = "",
    today: date | None = None,
    **fields,
) -> Item:
    """Add one item for one responsible organisation to a list.

    ``deadline`` or ``deadline_days`` (+ ``deadline_basis``) or ``long_term=True`` is required;
    ``source_record`` links the item to the record it came from (a talk, an evaluation …).
    In a list already handed down the item is handed down at once.
    """
    return _create_items(
        item_list=item_list,
        orgs=[org],
        actor=actor,
        source_record=source_record,
        source_key=source_key,
        today=today,
        title=title,
        **fields,
    )[0]


@dated
@transaction.atomic
def item_hand_down_many(
    *,
    item_list: ItemList,
    orgs: Sequence,
    title: str,
    actor,
    source_record=None,
    today: date | None = None,
    **fields,
) -> ItemGroup:
    """Hand one item to many organisations: one tracked item each, under one group, numbered in sequence."""
    orgs = list(dict.fromkeys(orgs))
    if not orgs:
        raise ValidationError({"orgs": _("Please choose at least one organisation.")})
    ensure_can_act(actor, HAND_DOWN, item_list, ISSUER)
    group = ItemGroup.objects.create(
        item_list=item_list, org=item_list.org, title=_clean_text(title)[:300] or "-"
    )
    _create_items(
        item_list=item_list,
        orgs=orgs,
        actor=actor,
        source_record=source_record,
        group=group,
        today=today,
        title=title,
        **fields,
    )
    return group


_ENUMERATOR = re.compile(
    r"^\s*(?:[（(]?[0-9０-９一二三四五六七八九十百]+[)）、.．:：]|[一二三四五六七八九十]+是|[-•·*●○■□])\s*"
)
MAX_LINES = 500


def parse_lines(text: str) -> list[str]:
    """One item per non-empty line, without its leading enumerator (1. （一） 一是 - …)."""
    titles = []
    for line in (text or "").splitlines():
        title = _ENUMERATOR.sub("", line).strip().rstrip("；;。")
        if title:
            titles.append(title)
    return titles


@dated
@transaction.atomic
def items_from_lines(
    *, item_list: ItemList, text: str, orgs: Sequence, actor, today: date | None = None, **fields
) -> list[Item]:
    """Paste one item per line: each line becomes an item for each organisation (grouped when several)."""
    titles = parse_lines(text)
    if not titles:
        raise ValidationError({"text": _("Please paste at least one item, one per line.")})
    if len(titles) > MAX_LINES:
        raise ValidationError({"text": _("At most %(n)s items can be pasted at once.") % {"n": MAX_LINES}})
    orgs = list(dict.fromkeys(orgs))
    if not orgs:
        raise ValidationError({"orgs": _("Please choose at least one organisation.")})
    items: list[Item] = []
    for title in titles:
        if len(orgs) == 1:
            items.append(
                item_create(item_list=item_list, org=orgs[0], title=title, actor=actor, today=today, **fields)
            )
        else:
            group = item_hand_down_many(
                item_list=item_list, orgs=orgs, title=title, actor=actor, today=today, **fields
            )
            items.extend(group.items.order_by("number"))
    return items
