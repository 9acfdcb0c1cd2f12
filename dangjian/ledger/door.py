"""The ledger's door: the one public API through which other modules turn findings into list items.

A talk, an evaluation, an inspection visit or a meeting check finds problems; the module
that holds the record calls ``items_from_source`` and the problems become ``Item``s of a
list linked back to that record, followed to verified closure like every other item.
Other modules import this module only — never the ledger's models, services or selectors —
and the ledger never imports them: it knows their records through the registry
(``ModuleConfig.item_sources``) and shows them on the item page through registered panels.

Who may raise items from a source: whoever holds the capability the source declares
(``ItemSource.cap``: e.g. "inspect" for inspections and talks, "hand_down" for duty-report
evaluations) at the issuing organisation. By default the list is handed down at once, without a draft
or an approval step: the talk, the visit or the session that found the problems is itself the
act of handing them over, and it has its own record and author.

``needs_approval=True`` is the exception for a record that is only raw material — a speech or
minutes read into a task list (``extract``): the list is created as a draft that needs approval
and nothing is handed down; it then follows the lists engine's own approval (submitted, approved
by somebody other than its author, handed down; see ``ledger.rules``).

The list's source (问题来源) is the one the record's model declares (``ItemSource.source``), or
what its callable gives for this record (a speech → 讲话, minutes → 会议纪要).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import registry, scoping
from dangjian.core.modules import ItemSource

from . import rules, services
from .models import Item, ItemKind, ItemLink, ItemList, Source
from .services._common import _at, dated

__all__ = [
    "Finding",
    "ItemLink",
    "can_supervise",
    "item_for_user",
    "items_from_source",
    "items_of_source",
    "items_of_sources",
    "open_items_of",
    "link_record",
    "links_of_record",
    "list_of_source",
    "move_list",
    "source_for",
]


@dataclass(frozen=True)
class Finding:
    """One problem or task found in a source record.

    ``key`` identifies the finding within its record: raising the same key again for the
    same organisation returns the existing item instead of creating a second one.
    Either ``deadline``, ``deadline_days`` or ``long_term`` is needed.
    """

    title: str
    key: str
    org: object | None = None  # the responsible organisation; default: the call's ``org``
    description: str = ""
    kind: str | None = None
    deadline: date | None = None
    deadline_days: int | None = None
    deadline_basis: str | None = None
    long_term: bool = False
    responsible_leader: str = ""
    responsible_person: str = ""
    person: object | None = None
    target: str = ""
    remarks: str = ""


def source_for(model_or_record) -> ItemSource:
    """The registered source of a record's model, or ImproperlyConfigured naming what is missing."""
    model = model_or_record if isinstance(model_or_record, type) else type(model_or_record)
    source = registry.item_sources.get(model._meta.label_lower)
    if source is None:
        raise ImproperlyConfigured(
            f"{model._meta.label} is not a registered item source: declare it in its app's "
            "ModuleConfig.item_sources."
        )
    return source


def _source_word(source: ItemSource, record) -> str:
    """The ledger's source word for ``record``: the declared one, or what the declared callable gives."""
    word = source.source(record) if callable(source.source) else source.source
    if word not in Source.values:
        raise ImproperlyConfigured(
            f"{source.model}'s item source gives {word!r}, which is not a ledger.models.Source value."
        )
    return word


def _content_type(record) -> ContentType:
    return ContentType.objects.get_for_model(type(record))


def _source_list(
    *, source_record, issuer, source: ItemSource, actor, title, kind, needs_approval: bool, today: date
) -> ItemList:
    """The list of this record at the issuing organisation, created once."""
    ct = _content_type(source_record)
    existing = ItemList.objects.select_for_update().filter(
        source_type=ct, source_id=source_record.pk, org=issuer
    )
    item_list = existing.first()
    if item_list is not None:
        return item_list
    try:
        with transaction.atomic():
            item_list = services.list_create(
                org=issuer,
                title=title or f"{source.label}：{source_record}",
                actor=actor,
                kind=kind,
                source=_source_word(source, source_record),
                issued_on=today,
                needs_approval=needs_approval,
                source_record=source_record,
                today=today,
            )
    except IntegrityError:
        # Somebody raised the same record at the same moment: use their list.
        return existing.get()
    return item_list


@transaction.atomic
def items_from_source(
    *,
    source_record,
    issuer,
    org,
    findings: Sequence[Finding],
    actor,
    title: str = "",
    kind: str = ItemKind.PROBLEM,
    needs_approval: bool = False,
    today: date | None = None,
) -> list[Item]:
    """Turn ``findings`` of ``source_record`` into items handed from ``issuer`` to ``org`` (or each finding's org).

    ``needs_approval``: leave the list a draft that needs approval instead of handing it down
    (the items stay drafts until an approver other than ``actor`` hands the list down).
    Idempotent: a finding whose key was already raised for that organisation returns the
    existing item. All or nothing: a finding that cannot become an item refuses the whole
    call with the ledger's message.
    """
    source = source_for(source_record)
    scoping.ensure_can(actor, source.cap, issuer)
    if not findings:
        raise ValidationError(_("There are no problems to hand over."), code="no_findings")
    keys = [f.key for f in findings]
    if any(not k for k in keys) or len(set(keys)) != len(keys):
        raise ValueError("every finding needs a distinct, non-empty key")
    today = today or timezone.localdate()
    item_list = _source_list(
        source_record=source_record,
        issuer=issuer,
        source=source,
        actor=actor,
        title=title,
        kind=kind,
        needs_approval=needs_approval,
        today=today,
    )
    ct = _content_type(source_record)
    existing = {
        (i.source_key, i.org_id): i
        for i in Item.objects.filter(source_type=ct, source_id=source_record.pk, source_key__in=keys)
    }
    result = []
    for finding in findings:
        target = finding.org or org
        item = existing.get((finding.key, target.pk))
        if item is None:
            fields = {
                name: getattr(finding, name)
                for name in (
                    "description",
                    "deadline",
                    "deadline_days",
                    "deadline_basis",
                    "long_term",
                    "responsible_leader",
                    "responsible_person",
                    "person",
                    "target",
                    "remarks",
                )
                if getattr(finding, name) not in (None, "", False)
            }
            item = services.item_create(
                item_list=item_list,
                org=target,
                title=finding.title,
                actor=actor,
                source_record=source_record,
                source_key=finding.key,
                kind=finding.kind or kind,
                today=today,
                **fields,
            )
        result.append(item)
    if item_list.status != ItemList.Status.ISSUED and not item_list.needs_approval:
        services.list_issue(item_list=item_list, actor=actor, today=today)
        for item in result:
            item.refresh_from_db()
    return result


def list_of_source(source_record, user) -> ItemList | None:
    """The list raised from ``source_record`` at its issuing organisation, if ``user`` may see it."""
    return (
        ItemList.objects.visible_to(user)
        .filter(source_type=_content_type(source_record), source_id=source_record.pk)
        .select_related("org")
        .first()
    )


def move_list(*, item_list: ItemList, to: str, actor, note: str = "", today: date | None = None) -> ItemList:
    """Move a list through the lists engine's steps, as its page's buttons do (submit, approve …).

    For a module that walks a list it raised with ``needs_approval=True`` through its approval
    without the page (the demo); every rule of the list's workflow applies (``ledger.rules``).
    """
    return services.list_move(item_list=item_list, to=to, actor=actor, note=note, today=today)


def items_of_source(source_record, user) -> QuerySet:
    """The items raised from ``source_record`` that ``user`` may see (for the source's own page)."""
    return (
        Item.objects.visible_to(user)
        .filter(source_type=_content_type(source_record), source_id=source_record.pk)
        .select_related("org")
        .order_by("item_list_id", "number")
    )


def items_of_sources(records, user) -> QuerySet:
    """The items raised from any of ``records`` (one model) that ``user`` may see, in one query.

    Each item's ``source_id`` names its record (a campaign's look-back reads all its talks at once).
    """
    records = list(records)
    if not records:
        return Item.objects.none()
    return (
        Item.objects.visible_to(user)
        .filter(source_type=_content_type(records[0]), source_id__in=[r.pk for r in records])
        .select_related("org")
        .order_by("source_id", "item_list_id", "number")
    )


def open_items_of(user, org) -> QuerySet:
    """The handed-down, not yet closed items of ``org`` itself that ``user`` may see (a talk notifies them)."""
    return Item.objects.visible_to(user).open().filter(org=org).order_by("deadline", "pk")


def can_supervise(user, cap: str, item: Item) -> bool:
    """True when ``user`` holds ``cap`` at the item's supervising organisation.

    Acts over an item that belong to its supervising side (an interview over an overdue item,
    an accountability decision) are checked there, never at the responsible organisation.
    """
    return rules.can_act(user, cap, item, rules.SUPERVISOR)


def item_for_user(user, pk) -> Item:
    """One item the user may see, or 404 (for modules that act on an item, e.g. recording an interview)."""
    return scoping.get_for_user(
        Item.objects.select_related("org", "item_list", "supervisor_org"), user, pk=pk
    )


@transaction.atomic
@dated
def link_record(*, item: Item, record, kind: str, actor, today: date | None = None) -> ItemLink:
    """Link a record of another module to an item (idempotent); the item page shows it through panels.

    ``today``: the day of the linking act when it is recorded afterwards (the demo's simulated months).
    """
    if kind not in ItemLink.Kind.values:
        raise ValueError(f"unknown link kind {kind!r}")
    link, _created = ItemLink.objects.get_or_create(
        item=item,
        record_type=_content_type(record),
        record_id=record.pk,
        defaults={
            "kind": kind,
            "created_by": actor if getattr(actor, "pk", None) else None,
            "created_at": _at(today) or timezone.now(),
        },
    )
    return link


def links_of_record(record) -> QuerySet:
    """The items a record is linked to (unscoped: the caller already scoped the record itself)."""
    return ItemLink.objects.filter(record_type=_content_type(record), record_id=record.pk).select_related(
        "item"
    )
