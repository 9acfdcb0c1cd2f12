"""Writes of the ledger: the only code that creates, changes or moves lists and items.

Views, the API, imports, the daily job, the demo and other apps (talks, reviews …) call
these functions; nothing else writes ledger models. Every status change goes through
``core.workflow.transition`` with the tables and guards of ``ledger.rules``.

Notifications are written by the service that causes them, inside the same transaction
(so a refused action notifies nobody); e-mails follow after commit (``notices.services``).
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, F, Max, Min, OuterRef, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import scoping, workflow
from dangjian.core.params import get as param
from dangjian.core.workflow import STALE_MESSAGE
from dangjian.notices.selectors import recipients_for_org
from dangjian.notices.services import notify

from . import deadlines, params
from .models import (
    Accountability,
    DeadlineBasis,
    Escalation,
    Evidence,
    ExtensionRequest,
    Item,
    ItemGroup,
    ItemKind,
    ItemList,
    Progress,
    Recheck,
    Reminder,
    RollupSnapshot,
    Source,
)
from .rules import HAND_DOWN, INSPECT, RECTIFY, VERIFY

S = Item.Status
_LS = ItemList.Status
_ES = ExtensionRequest.Status

# States in which the responsible organisation is working on the item.
WORKING_STATES = (S.HANDED_DOWN, S.ACKNOWLEDGED, S.RECTIFYING, S.RETURNED)


# ------------------------------------------------------------------ helpers


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def _at(today: date | None) -> datetime | None:
    """A timestamp on ``today`` for back-dated steps (the demo); None means now."""
    if today is None or today == timezone.localdate():
        return None
    return timezone.make_aware(datetime.combine(today, time(10, 0)))


def _url(name: str, pk: int) -> str:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return ""


def item_url(item: Item) -> str:
    """The item page (empty while the pages are not installed)."""
    return _url("ledger:item_detail", item.pk)


def _notify_org(item: Item, org, cap: str, *, kind: str, text: str, event: str) -> None:
    """Notify the users holding ``cap`` at ``org`` about ``item`` (idempotent per event)."""
    notify(
        recipients=recipients_for_org(org, cap),
        kind=kind,
        text=text,
        url=item_url(item),
        key=f"item:{item.pk}:{event}",
    )


def _check_version(obj, expected_version: int | None) -> None:
    if expected_version is not None and obj.version != expected_version:
        raise ValidationError(STALE_MESSAGE, code="stale")


def _lock(model, obj):
    return model._default_manager.select_for_update().get(pk=obj.pk)


def _clean_text(value) -> str:
    return (value or "").strip()


# ------------------------------------------------------------------ evidence files


def validate_files(files: Sequence) -> None:
    """Refuse files of a forbidden type, empty files or files over the size limit (nothing is written)."""
    allowed = params.evidence_extensions()
    max_mb = int(param(params.EVIDENCE_MAX_MB.key))
    errors = []
    for f in files:
        name = getattr(f, "name", "") or ""
        ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if ext not in allowed:
            errors.append(
                _("“%(name)s”: this type of file is not accepted. Allowed types: %(types)s.")
                % {"name": name, "types": ", ".join(allowed)}
            )
        elif (f.size or 0) > max_mb * 1024 * 1024:
            errors.append(
                _("“%(name)s” is larger than the limit of %(mb)s MB.") % {"name": name, "mb": max_mb}
            )
        elif not f.size:
            errors.append(_("“%(name)s” is empty.") % {"name": name})
    if errors:
        raise ValidationError({"files": errors}, code="bad_file")


def _write_evidence(
    *, item: Item, files: Sequence, actor, purpose: str, progress=None, recheck=None
) -> list[Evidence]:
    rows = []
    for f in files:
        ev = Evidence(
            item=item,
            progress=progress,
            recheck=recheck,
            purpose=purpose,
            round=item.round,
            name=(getattr(f, "name", "") or "")[-200:],
            size=f.size,
            uploaded_by=actor if getattr(actor, "pk", None) else None,
        )
        ev.file.save(ev.name, f, save=False)
        ev.save()
        rows.append(ev)
    return rows


@transaction.atomic
def evidence_attach(
    *, item: Item, actor, files: Sequence, purpose: str = "progress", progress=None, recheck=None
) -> list[Evidence]:
    """Attach evidence files (佐证材料) to an item; a bad file refuses the whole upload."""
    scoping.ensure_can(actor, VERIFY if purpose == "recheck" else RECTIFY, item)
    if purpose not in ("progress", "closure", "recheck"):
        raise ValueError(purpose)
    if not files:
        raise ValidationError({"files": _("Please choose at least one file.")}, code="no_files")
    validate_files(files)
    return _write_evidence(
        item=item, files=files, actor=actor, purpose=purpose, progress=progress, recheck=recheck
    )


# ------------------------------------------------------------------ lists


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
) -> ItemList:
    """Create a draft list (清单) issued by ``org``."""
    scoping.ensure_can(actor, HAND_DOWN, org)
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
    )
    if document_file:
        validate_files([document_file])
        item_list.document_file = document_file
    item_list.save()
    return item_list


def list_submit(
    *, item_list: ItemList, actor, note: str = "", expected_version: int | None = None
) -> ItemList:
    """Submit a draft list for the leader's approval (草稿 → 待审核)."""
    return workflow.transition(
        obj=item_list, to=_LS.PENDING_APPROVAL, actor=actor, note=note, expected_version=expected_version
    )


def list_send_back(*, item_list: ItemList, actor, note: str, expected_version: int | None = None) -> ItemList:
    """The leader sends a list back to draft with a reason."""
    return workflow.transition(
        obj=item_list, to=_LS.DRAFT, actor=actor, note=note, expected_version=expected_version
    )


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
    *, item_list: ItemList, to: str, actor, note: str = "", expected_version: int | None = None
) -> ItemList:
    """Perform the list transition to ``to`` through the service that owns it (the list page's buttons)."""
    service = {
        (_LS.DRAFT, _LS.PENDING_APPROVAL): list_submit,
        (_LS.PENDING_APPROVAL, _LS.DRAFT): list_send_back,
        (_LS.PENDING_APPROVAL, _LS.ISSUED): list_approve,
        (_LS.DRAFT, _LS.ISSUED): list_issue,
    }.get((item_list.status, to))
    if service is None:
        # Not a move from this state: the workflow refuses it and words the refusal.
        return workflow.transition(obj=item_list, to=to, actor=actor)
    return service(item_list=item_list, actor=actor, note=note, expected_version=expected_version)


def _hand_down_drafts(item_list: ItemList, actor, today: date) -> None:
    for item in item_list.items.filter(status=S.DRAFT).select_related("org").order_by("number"):
        _hand_down(item, actor, today)


def _hand_down(item: Item, actor, today: date) -> Item:
    fields: dict = {"issued_on": today}
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
    "supervisor_org",
    "deadline",
    "deadline_basis",
    "deadline_days",
    "long_term",
    "review_cycle_days",
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
    if errors:
        raise ValidationError(errors)
    for name in ("description", "responsible_leader", "responsible_person", "target", "measures", "remarks"):
        if name in values:
            values[name] = _clean_text(values[name])
    return values


def _next_number(item_list: ItemList) -> int:
    # The list row is locked by the caller, so two people adding items never get the same number.
    return (item_list.items.aggregate(n=Max("number"))["n"] or 0) + 1


def _create_items(
    *,
    item_list: ItemList,
    orgs: Sequence,
    actor,
    source_record=None,
    group=None,
    today: date | None = None,
    **values,
) -> list[Item]:
    scoping.ensure_can(actor, HAND_DOWN, item_list.org)
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
        }
    checked = [_clean_item(item_list, {**values, "org": org}, issued_on=issued_on) for org in orgs]
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


@transaction.atomic
def item_create(
    *, item_list: ItemList, org, title: str, actor, source_record=None, today: date | None = None, **fields
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
        today=today,
        title=title,
        **fields,
    )[0]


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
    scoping.ensure_can(actor, HAND_DOWN, item_list.org)
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


EDITABLE_STATES = (S.DRAFT, S.HANDED_DOWN)


@transaction.atomic
def item_update(
    *, item: Item, actor, expected_version: int | None = None, today: date | None = None, **changes
) -> Item:
    """Edit an item while it is a draft or not yet acknowledged (issuing side only).

    Reassigning the responsible organisation or changing the deadline cancels the pending
    reminders scheduled for the old organisation or deadline.
    """
    unknown = set(changes) - set(ITEM_FIELDS)
    if unknown:
        raise TypeError(f"unknown item fields: {sorted(unknown)}")
    locked = _lock(Item, item)
    _check_version(locked, expected_version)
    item_list = locked.item_list
    scoping.ensure_can(actor, HAND_DOWN, item_list.org)
    if locked.status not in EDITABLE_STATES:
        raise ValidationError(_("An item can be edited only before it is acknowledged."), code="not_editable")
    values = {name: getattr(locked, name) for name in ITEM_FIELDS}
    values.update(changes)
    if "deadline" in changes and "deadline_days" not in changes:
        values["deadline_days"] = None  # an explicit date replaces a count of days
    values = _clean_item(item_list, values, issued_on=locked.issued_on)
    old_org_id, old_deadline = locked.org_id, locked.deadline
    changed = [name for name in ITEM_FIELDS if getattr(locked, name) != values[name]]
    if not changed:
        return locked
    for name in changed:
        setattr(locked, name, values[name])
    locked.version += 1
    locked.save(update_fields=[*changed, "version"])
    if locked.org_id != old_org_id or locked.deadline != old_deadline:
        reminders_cancel(item=locked)
        if locked.org_id != old_org_id and locked.status == S.HANDED_DOWN:
            _notify_org(
                locked,
                locked.org,
                RECTIFY,
                kind="item_handed_down",
                text=_("New item handed to %(org)s: %(title)s")
                % {"org": locked.org.label, "title": locked.title},
                event=f"handed:{locked.org_id}:{locked.version}",
            )
    item.__dict__.update({k: getattr(locked, k) for k in [*changed, "version"]})
    return locked


def reminders_cancel(*, item: Item) -> int:
    """Cancel unsent reminders that no longer match the item's organisation and deadline."""
    stale = Reminder.objects.filter(item=item, sent_at__isnull=True, cancelled=False)
    if item.deadline is not None and not item.long_term and item.status not in (S.CLOSED, S.DRAFT):
        stale = stale.filter(~Q(deadline=item.deadline) | ~Q(org_id=item.org_id))
    return stale.update(cancelled=True)


# ------------------------------------------------------------------ the item workflow


def item_acknowledge(
    *, item: Item, actor, note: str = "", expected_version: int | None = None, today: date | None = None
) -> Item:
    """The responsible organisation acknowledges an item handed to it (待签收 → 已签收)."""
    return workflow.transition(
        obj=item, to=S.ACKNOWLEDGED, actor=actor, note=note, expected_version=expected_version, at=_at(today)
    )


def item_file_measures(
    *,
    item: Item,
    actor,
    measures: str,
    note: str = "",
    expected_version: int | None = None,
    today: date | None = None,
) -> Item:
    """File the rectification measures and start rectifying (已签收 → 整改中)."""
    return workflow.transition(
        obj=item,
        to=S.RECTIFYING,
        actor=actor,
        note=note,
        fields={"measures": _clean_text(measures)},
        expected_version=expected_version,
        at=_at(today),
    )


def item_resume(
    *, item: Item, actor, note: str = "", expected_version: int | None = None, today: date | None = None
) -> Item:
    """Continue rectifying a returned item (退回 → 整改中)."""
    return workflow.transition(
        obj=item, to=S.RECTIFYING, actor=actor, note=note, expected_version=expected_version, at=_at(today)
    )


@transaction.atomic
def item_request_closure(
    *,
    item: Item,
    actor,
    note: str = "",
    files: Sequence = (),
    expected_version: int | None = None,
    today: date | None = None,
) -> Item:
    """Request closure (申请销号) with evidence files; the category may require at least one."""
    today = _today(today)
    locked = _lock(Item, item)
    _check_version(locked, expected_version)
    if files:
        scoping.ensure_can(actor, RECTIFY, locked)
        validate_files(files)
        if (locked.status, S.CLOSURE_REQUESTED) in workflow.rules_for(Item):
            _write_evidence(item=locked, files=files, actor=actor, purpose="closure")
    item = workflow.transition(
        obj=item,
        to=S.CLOSURE_REQUESTED,
        actor=actor,
        note=note,
        fields={"closure_requested_on": today},
        expected_version=expected_version,
        at=_at(today),
    )
    _notify_org(
        item,
        item.supervisor_org,
        VERIFY,
        kind="closure_requested",
        text=_("Closure requested by %(org)s: %(title)s") % {"org": item.org.label, "title": item.title},
        event=f"closure_requested:{item.version}",
    )
    return item


@transaction.atomic
def item_verify(
    *, item: Item, actor, note: str = "", expected_version: int | None = None, today: date | None = None
) -> Item:
    """The supervising side verifies the closure (申请销号 → 已销号); a late closure is marked for good."""
    today = _today(today)
    locked = _lock(Item, item)
    late = bool(locked.deadline and not locked.long_term and today > locked.deadline)
    item = workflow.transition(
        obj=item,
        to=S.CLOSED,
        actor=actor,
        note=note,
        fields={"closed_on": today, "closed_by": actor, "closed_late": late, "percent": 100},
        expected_version=expected_version,
        at=_at(today),
    )
    reminders_cancel(item=item)
    _notify_org(
        item,
        item.org,
        RECTIFY,
        kind="item_closed",
        text=_("Closure verified: %(title)s") % {"title": item.title},
        event=f"closed:{item.version}",
    )
    return item


@transaction.atomic
def item_return(
    *, item: Item, actor, note: str, expected_version: int | None = None, today: date | None = None
) -> Item:
    """The supervising side returns a closure request with a reason (申请销号 → 退回)."""
    item = workflow.transition(
        obj=item,
        to=S.RETURNED,
        actor=actor,
        note=_clean_text(note),
        expected_version=expected_version,
        at=_at(today),
    )
    _notify_org(
        item,
        item.org,
        RECTIFY,
        kind="item_returned",
        text=_("Closure returned: %(title)s (%(note)s)")
        % {"title": item.title, "note": _clean_text(note)[:100]},
        event=f"returned:{item.version}",
    )
    return item


def item_move(
    *,
    item: Item,
    to: str,
    actor,
    note: str = "",
    expected_version: int | None = None,
    measures: str | None = None,
    files: Sequence = (),
    today: date | None = None,
) -> Item:
    """Perform the transition to ``to`` through the service that owns it (for the API and generic forms)."""
    common = {
        "item": item,
        "actor": actor,
        "note": note,
        "expected_version": expected_version,
        "today": today,
    }
    if to == S.ACKNOWLEDGED:
        return item_acknowledge(**common)
    if to == S.RECTIFYING and item.status == S.ACKNOWLEDGED:
        return item_file_measures(measures=measures if measures is not None else item.measures, **common)
    if to == S.RECTIFYING and item.status == S.RETURNED:
        return item_resume(**common)
    if to == S.CLOSURE_REQUESTED:
        return item_request_closure(files=files, **common)
    if to == S.CLOSED:
        return item_verify(**common)
    if to == S.RETURNED:
        return item_return(**common)
    # Anything else (hand-down, reopen) has its own service; let the workflow explain the refusal.
    return workflow.transition(obj=item, to=to, actor=actor, note=note, expected_version=expected_version)


# ------------------------------------------------------------------ progress and extensions

PROGRESS_STATES = (S.ACKNOWLEDGED, S.RECTIFYING, S.RETURNED)


@transaction.atomic
def progress_add(
    *, item: Item, actor, on: date, text: str, percent: int, files: Sequence = (), today: date | None = None
) -> Progress:
    """Record a dated progress entry (整改进展) with a percentage and optional evidence files."""
    today = _today(today)
    locked = _lock(Item, item)
    scoping.ensure_can(actor, RECTIFY, locked)
    errors: dict[str, list] = {}
    if locked.status not in PROGRESS_STATES:
        raise ValidationError(_("Progress can be recorded only while the item is being rectified."))
    if on > today:
        errors.setdefault("on", []).append(_("The progress date cannot be in the future."))
    elif on < locked.issued_on:
        errors.setdefault("on", []).append(
            _("The progress date cannot be before the hand-down date (%(date)s).")
            % {"date": locked.issued_on.isoformat()}
        )
    if percent is None or not 0 <= int(percent) <= 100:
        errors.setdefault("percent", []).append(_("The percentage must be between 0 and 100."))
    elif int(percent) < locked.percent:
        errors.setdefault("percent", []).append(
            _("Progress cannot go down: it was %(percent)s%% before.") % {"percent": locked.percent}
        )
    if not _clean_text(text):
        errors.setdefault("text", []).append(_("Please describe the progress."))
    if errors:
        raise ValidationError(errors)
    if files:
        validate_files(files)
    entry = Progress.objects.create(
        item=locked,
        on=on,
        text=_clean_text(text),
        percent=int(percent),
        actor=actor if getattr(actor, "pk", None) else None,
    )
    if files:
        _write_evidence(item=locked, files=files, actor=actor, purpose="progress", progress=entry)
    locked.percent = int(percent)
    locked.version += 1
    locked.save(update_fields=["percent", "version"])
    item.__dict__.update(percent=locked.percent, version=locked.version)
    return entry


EXTENSION_STATES = (S.HANDED_DOWN, S.ACKNOWLEDGED, S.RECTIFYING, S.RETURNED)


@transaction.atomic
def extension_request(
    *, item: Item, actor, requested_to: date, reason: str, today: date | None = None
) -> ExtensionRequest:
    """Ask the supervising side to move the deadline (申请延期); one pending request at a time."""
    locked = _lock(Item, item)
    scoping.ensure_can(actor, RECTIFY, locked)
    if locked.status not in EXTENSION_STATES or locked.long_term or locked.deadline is None:
        raise ValidationError(_("This item's deadline cannot be extended now."))
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
    _notify_org(
        locked,
        locked.supervisor_org,
        VERIFY,
        kind="extension_requested",
        text=_("Extension requested by %(org)s to %(date)s: %(title)s")
        % {"org": locked.org.label, "date": requested_to.isoformat(), "title": locked.title},
        event=f"extension_requested:{ext.pk}",
    )
    return ext


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
        item, item.org, RECTIFY, kind="extension_decided", text=text, event=f"extension:{extension.pk}"
    )
    return extension


# ------------------------------------------------------------------ look-back (回头看)


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

    Items that already have a look-back waiting are skipped in a list; for a single item
    that is refused.
    """
    today = _today(today)
    if (item is None) == (item_list is None):
        raise TypeError("give either item or item_list")
    if scheduled_on < today:
        raise ValidationError({"scheduled_on": _("The look-back date cannot be in the past.")})
    pending = Recheck.objects.filter(result="", done_on__isnull=True).values("item_id")
    if item is not None:
        scoping.ensure_can(actor, VERIFY, item)
        if item.status != S.CLOSED:
            raise ValidationError(_("Only closed items can be re-checked."), code="not_closed")
        if Recheck.objects.filter(item=item, result="", done_on__isnull=True).exists():
            raise ValidationError(_("A look-back of this item is already scheduled."))
        candidates = [item]
    else:
        scoping.ensure_can(actor, VERIFY, item_list.org)
        qs = (
            item_list.items.visible_to(actor)
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
    """Record a look-back: confirmed, or relapsed — then the item reopens for a new round with a new deadline."""
    today = _today(today)
    recheck = _lock(Recheck, recheck)
    item = _lock(Item, recheck.item)
    scoping.ensure_can(actor, VERIFY, item)
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
        _write_evidence(item=item, files=files, actor=actor, purpose="recheck", recheck=recheck)
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
        )
    return recheck


# ------------------------------------------------------------------ accountability (问责)


@transaction.atomic
def accountability_record(
    *,
    item: Item,
    form: str,
    person_name: str,
    decided_on: date,
    actor,
    document_number: str = "",
    note: str = "",
    person=None,
    today: date | None = None,
) -> Accountability:
    """Record an accountability decision (问责) taken over an item."""
    scoping.ensure_can(actor, INSPECT, item)
    errors: dict[str, list] = {}
    if form not in Accountability.Form.values:
        errors.setdefault("form", []).append(_("Please choose the form of accountability."))
    if not _clean_text(person_name):
        errors.setdefault("person_name", []).append(_("Please name the person held accountable."))
    if decided_on is None or decided_on > _today(today):
        errors.setdefault("decided_on", []).append(_("The decision date cannot be in the future."))
    if errors:
        raise ValidationError(errors)
    return Accountability.objects.create(
        item=item,
        form=form,
        person_name=_clean_text(person_name)[:60],
        person=person,
        decided_on=decided_on,
        document_number=_clean_text(document_number)[:60],
        note=_clean_text(note),
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )


# ------------------------------------------------------------------ the daily job

# Reminder kind → (days relative to the deadline on which it becomes due, last day a late run still sends it).
REMINDER_WINDOWS = {
    Reminder.Kind.BEFORE_7: (-7, -2),
    Reminder.Kind.BEFORE_1: (-1, 0),
    Reminder.Kind.OVERDUE: (1, 7),
}
SCHEDULE_AHEAD_DAYS = 30


def reminders_run(*, today: date) -> dict[str, int]:
    """Schedule and send deadline reminders (7 and 1 days before, the day after); idempotent.

    Reminder rows are scheduled for open items whose deadline is within the next 30 days,
    one per (item, kind, deadline, organisation), so a second run creates nothing. A row is
    sent once (``sent_at``), skipped when cancelled, and skipped when its window has passed
    (a job that did not run for a week does not send stale "due in 7 days" messages).
    """
    items = (
        Item.objects.open()
        .filter(long_term=False, deadline__gte=today - timedelta(days=7))
        .filter(deadline__lte=today + timedelta(days=SCHEDULE_AHEAD_DAYS))
        .values_list("pk", "deadline", "org_id")
    )
    rows = [
        Reminder(item_id=pk, kind=kind, deadline=dl, org_id=org_id, due_on=dl + timedelta(days=start))
        for pk, dl, org_id in items
        for kind, (start, _end) in REMINDER_WINDOWS.items()
    ]
    Reminder.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
    due = (
        Reminder.objects.filter(sent_at__isnull=True, cancelled=False, due_on__lte=today)
        .filter(due_on__gte=today - timedelta(days=7), item__deadline=F("deadline"), item__org_id=F("org_id"))
        .exclude(item__status__in=[S.DRAFT, S.CLOSED])
        .select_related("item", "item__org", "item__supervisor_org")
        .order_by("pk")
    )
    recipients_cache: dict[tuple[int, str], list] = {}

    def recipients(org, cap):
        key = (org.pk, cap)
        if key not in recipients_cache:
            recipients_cache[key] = recipients_for_org(org, cap)
        return recipients_cache[key]

    sent, skipped = [], 0
    for reminder in due:
        _start, end = REMINDER_WINDOWS[reminder.kind]
        if today > reminder.deadline + timedelta(days=end):
            skipped += 1
            continue
        item = reminder.item
        people = list(recipients(item.org, RECTIFY))
        if reminder.kind == Reminder.Kind.OVERDUE:
            people += recipients(item.supervisor_org, VERIFY)
            kind, text = (
                "item_overdue",
                _("Overdue: %(title)s (deadline %(date)s)")
                % {
                    "title": item.title,
                    "date": item.deadline.isoformat(),
                },
            )
        else:
            days = (item.deadline - today).days
            values = {"days": days, "title": item.title, "date": item.deadline.isoformat()}
            if days == 0:
                kind, text = "item_due_soon", _("Due today: %(title)s (deadline %(date)s)") % values
            else:
                kind, text = (
                    "item_due_soon",
                    _("Due in %(days)s days: %(title)s (deadline %(date)s)") % values,
                )
        notify(recipients=people, kind=kind, text=text, url=item_url(item), key=f"reminder:{reminder.pk}")
        sent.append(reminder.pk)
    if sent:
        Reminder.objects.filter(pk__in=sent).update(sent_at=timezone.now())
    return {"scheduled": len(rows), "sent": len(sent), "skipped": skipped}


def escalations_run(*, today: date) -> dict[str, int]:
    """Put items overdue beyond the parameter on the escalation list (once per deadline); resolve closed ones."""
    days = int(param(params.ESCALATE_AFTER_DAYS.key))
    overdue = list(
        Item.objects.open()
        .filter(long_term=False, deadline__lt=today - timedelta(days=days))
        .exclude(Exists(Escalation.objects.filter(item=OuterRef("pk"), deadline=OuterRef("deadline"))))
        .select_related("org", "supervisor_org")
    )
    Escalation.objects.bulk_create(
        [Escalation(item=i, deadline=i.deadline, listed_on=today) for i in overdue], ignore_conflicts=True
    )
    for item in overdue:
        _notify_org(
            item,
            item.supervisor_org,
            VERIFY,
            kind="item_escalated",
            text=_("Overdue more than %(days)s days, put on the escalation list: %(title)s (%(org)s)")
            % {"days": days, "title": item.title, "org": item.org.label},
            event=f"escalated:{item.deadline.isoformat()}",
        )
    resolved = (
        Escalation.objects.filter(resolved_on__isnull=True)
        .filter(Q(item__status=S.CLOSED) | ~Q(item__deadline=F("deadline")))
        .update(resolved_on=today)
    )
    return {"listed": len(overdue), "resolved": resolved}


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    nxt = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return nxt - timedelta(days=1)


@transaction.atomic
def snapshot_month(*, month: date, today: date | None = None) -> int:
    """Save the month's roll-up figures for every organisation with items; idempotent (updates in place).

    Figures are per responsible organisation (its own items, not its subtree — sum the
    snapshots of a subtree by path for a roll-up). They describe the items as they stand
    when this runs; overdue counts and ages are reckoned at ``min(today, month end)``.
    Returns the number of organisations saved.
    """
    from dangjian.orgs.models import Organisation

    month = month_start(month)
    as_of = min(_today(today), month_end(month))
    handed = Item.objects.handed_down()
    overdue_q = Q(deadline__lt=as_of, long_term=False) & ~Q(status=S.CLOSED)
    figures = {
        row["org_id"]: row
        for row in handed.order_by()
        .values("org_id")
        .annotate(
            total=Count("pk"),
            closed=Count("pk", filter=Q(status=S.CLOSED)),
            closed_late=Count("pk", filter=Q(status=S.CLOSED, closed_late=True)),
            overdue=Count("pk", filter=overdue_q),
            oldest_deadline=Min("deadline", filter=overdue_q),
        )
    }
    by_status: dict[int, dict[str, int]] = {}
    for org_id, status, n in handed.values_list("org_id", "status").annotate(n=Count("pk")).order_by():
        by_status.setdefault(org_id, {})[status] = n
    orgs = dict(Organisation.objects.filter(pk__in=figures).values_list("pk", "path"))
    step = Organisation.steplen
    parents = dict(
        Organisation.objects.filter(path__in={p[:-step] for p in orgs.values() if len(p) > step}).values_list(
            "path", "pk"
        )
    )
    existing = {s.org_id: s for s in RollupSnapshot.objects.filter(month=month)}
    now = timezone.now()
    to_create, to_update = [], []
    for org_id, row in figures.items():
        values = {
            "parent_id": parents.get(orgs[org_id][:-step]),
            "total": row["total"],
            "open": row["total"] - row["closed"],
            "closed": row["closed"],
            "closed_on_time": row["closed"] - row["closed_late"],
            "closed_late": row["closed_late"],
            "overdue": row["overdue"],
            "overdue_days_max": (as_of - row["oldest_deadline"]).days if row["oldest_deadline"] else 0,
            "by_status": by_status.get(org_id, {}),
            "taken_at": now,
        }
        snap = existing.get(org_id)
        if snap is None:
            to_create.append(RollupSnapshot(month=month, org_id=org_id, **values))
        else:
            for name, value in values.items():
                setattr(snap, name, value)
            to_update.append(snap)
    RollupSnapshot.objects.bulk_create(to_create, batch_size=1000)
    if to_update:
        RollupSnapshot.objects.bulk_update(
            to_update,
            [
                "parent_id",
                "total",
                "open",
                "closed",
                "closed_on_time",
                "closed_late",
                "overdue",
                "overdue_days_max",
                "by_status",
                "taken_at",
            ],
            batch_size=1000,
        )
    return len(figures)


def daily_run(*, today: date) -> dict[str, int]:
    """Everything ``manage.py daily`` does for ``today``; safe to run twice.

    Month-end snapshots: on the last day of a month the month is saved. When the job did
    not run that day, the run on the 1st saves the previous month if it has no snapshot yet
    (overdue figures reckoned at that month's last day).
    """
    with transaction.atomic():
        result = {**reminders_run(today=today), **escalations_run(today=today)}
    result["snapshot"] = 0
    if (today + timedelta(days=1)).day == 1:
        result["snapshot"] = snapshot_month(month=today, today=today)
    elif today.day == 1:
        previous = month_start(today - timedelta(days=1))
        if not RollupSnapshot.objects.filter(month=previous).exists():
            result["snapshot"] = snapshot_month(month=previous, today=today - timedelta(days=1))
    return result
