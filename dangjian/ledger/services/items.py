"""The item workflow: editing, acknowledging, measures, closure, verification, return, progress."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import workflow

from ..deadlines import is_closed_late
from ..models import (
    Item,
    Progress,
)
from ..rules import HAND_DOWN, ISSUER, RECTIFIER, RECTIFY, VERIFY, ensure_can_act
from ._common import (
    S,
    _at,
    _check_version,
    _clean_text,
    _lock,
    _notify_org,
    _today,
    dated,
    proxy_fields,
)
from .evidence import _write_evidence, validate_files
from .jobs import reminders_cancel
from .lists import ITEM_FIELDS, _clean_item

EDITABLE_STATES = (S.DRAFT, S.HANDED_DOWN)


@dated
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
    ensure_can_act(actor, HAND_DOWN, locked, ISSUER)
    if locked.status not in EDITABLE_STATES:
        raise ValidationError(_("An item can be edited only before it is acknowledged."), code="not_editable")
    values = {name: getattr(locked, name) for name in ITEM_FIELDS}
    values.update(changes)
    if "deadline" in changes and "deadline_days" not in changes:
        values["deadline_days"] = None  # an explicit date replaces a count of days
    new_org = changes.get("org")
    moved_away = (
        new_org is not None
        and "person" not in changes
        and locked.person_id
        and not locked.person.org.path.startswith(new_org.path)
    )
    if moved_away:  # handed to another organisation: its old responsible person does not follow it
        if values.get("responsible_person") == locked.person.name:
            values["responsible_person"] = ""
        values["person"] = None
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
                actor=actor,
            )
    item.__dict__.update({k: getattr(locked, k) for k in [*changed, "version"]})
    return locked


# ------------------------------------------------------------------ the item workflow


def _rectifying_move(*, item: Item, to: str, actor, note, expected_version, today, **fields) -> Item:
    """A move of the rectifying side, marked 代录 when entered on the responsible organisation's behalf."""
    return workflow.transition(
        obj=item,
        to=to,
        actor=actor,
        note=note,
        fields={**fields, **proxy_fields(item, actor, today)},
        expected_version=expected_version,
        at=_at(today),
    )


@dated
def item_acknowledge(
    *, item: Item, actor, note: str = "", expected_version: int | None = None, today: date | None = None
) -> Item:
    """The responsible organisation acknowledges an item handed to it (待签收 → 已签收)."""
    return _rectifying_move(
        item=item, to=S.ACKNOWLEDGED, actor=actor, note=note, expected_version=expected_version, today=today
    )


@dated
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
    return _rectifying_move(
        item=item,
        to=S.RECTIFYING,
        actor=actor,
        note=note,
        expected_version=expected_version,
        today=today,
        measures=_clean_text(measures),
    )


@dated
def item_resume(
    *, item: Item, actor, note: str = "", expected_version: int | None = None, today: date | None = None
) -> Item:
    """Continue rectifying a returned item (退回 → 整改中)."""
    return _rectifying_move(
        item=item, to=S.RECTIFYING, actor=actor, note=note, expected_version=expected_version, today=today
    )


# 立行立改: from these states an item fixed at once goes straight to verification.
ON_THE_SPOT_STATES = (S.HANDED_DOWN, S.ACKNOWLEDGED)


@dated
@transaction.atomic
def item_request_closure(
    *,
    item: Item,
    actor,
    note: str = "",
    files: Sequence = (),
    measures: str | None = None,
    expected_version: int | None = None,
    today: date | None = None,
) -> Item:
    """Request closure (申请销号) with evidence files; the category may require at least one.

    From 待签收 or 已签收 this is 立行立改 (fixed on the spot): ``measures`` says what was done,
    at least one file is required whatever the category, and the item is marked
    ``fixed_on_the_spot``; the supervising side still verifies it like any closure.
    """
    today = _today(today)
    locked = _lock(Item, item)
    _check_version(locked, expected_version)
    if files:
        ensure_can_act(actor, RECTIFY, locked, RECTIFIER)
        validate_files(files)
        if (locked.status, S.CLOSURE_REQUESTED) in workflow.rules_for(Item):
            _write_evidence(item=locked, files=files, actor=actor, purpose="closure", at=_at(today))
    fields = {"closure_requested_on": today, **proxy_fields(locked, actor, today)}
    if locked.status in ON_THE_SPOT_STATES:
        fields.update(measures=_clean_text(measures), fixed_on_the_spot=True)
    item = workflow.transition(
        obj=item,
        to=S.CLOSURE_REQUESTED,
        actor=actor,
        note=note,
        fields=fields,
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
        actor=actor,
    )
    return item


@dated
@transaction.atomic
def item_verify(
    *, item: Item, actor, note: str = "", expected_version: int | None = None, today: date | None = None
) -> Item:
    """The supervising side verifies the closure (申请销号 → 已销号); its verifier (审核人) is recorded.

    A closure requested after the deadline is marked late for good; the verifier's own delay
    is not the rectifying side's (it is the figure 核验用时). The progress stays as last reported.
    """
    today = _today(today)
    locked = _lock(Item, item)
    item = workflow.transition(
        obj=item,
        to=S.CLOSED,
        actor=actor,
        note=note,
        fields={"closed_on": today, "closed_by": actor, "closed_late": is_closed_late(locked)},
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
        actor=actor,
    )
    return item


@dated
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
        actor=actor,
    )
    return item


@dated
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
        return item_request_closure(files=files, measures=measures, **common)
    if to == S.CLOSED:
        return item_verify(**common)
    if to == S.RETURNED:
        return item_return(**common)
    # Anything else (hand-down, reopen) has its own service; let the workflow explain the refusal.
    return workflow.transition(obj=item, to=to, actor=actor, note=note, expected_version=expected_version)


# ------------------------------------------------------------------ progress

PROGRESS_STATES = (S.ACKNOWLEDGED, S.RECTIFYING, S.RETURNED)


@dated
@transaction.atomic
def progress_add(
    *, item: Item, actor, on: date, text: str, percent: int, files: Sequence = (), today: date | None = None
) -> Progress:
    """Record a dated progress entry (整改进展) with a percentage and optional evidence files."""
    today = _today(today)
    locked = _lock(Item, item)
    ensure_can_act(actor, RECTIFY, locked, RECTIFIER)
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
        created_at=_at(today) or timezone.now(),
    )
    if files:
        _write_evidence(
            item=locked, files=files, actor=actor, purpose="progress", progress=entry, at=_at(today)
        )
    changed = {"percent": int(percent), **proxy_fields(locked, actor, today)}
    if locked.long_term and locked.review_cycle_days:
        # A standing duty's entry is its periodic review (年度检视): the next one falls a cycle later.
        changed["next_review_on"] = on + timedelta(days=locked.review_cycle_days)
    for name, value in changed.items():
        setattr(locked, name, value)
    locked.version += 1
    locked.save(update_fields=[*changed, "version"])
    item.__dict__.update({name: getattr(locked, name) for name in [*changed, "version"]})
    return entry
