"""Small helpers every part of the ledger's services shares: dates, locks, notices, clean text."""

from __future__ import annotations

import functools
from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from dangjian.core import audit
from dangjian.core.workflow import STALE_MESSAGE
from dangjian.notices.selectors import recipients_for_org
from dangjian.notices.services import notify

from ..models import (
    ExtensionRequest,
    Item,
    ItemList,
)
from ..rules import is_proxy

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


def dated(service):
    """Audit what ``service`` writes as the act of its ``actor`` on its ``today``.

    A step back-dated with ``today`` (the demo, a daily job run for a past day) is then logged
    by whoever took it at that day's time, like its ``StatusChange``; a step taken now is logged
    as django-auditlog's middleware knows it.
    """

    @functools.wraps(service)
    def wrapper(*args, **kwargs):
        with audit.as_of(actor=kwargs.get("actor"), at=_at(kwargs.get("today"))):
            return service(*args, **kwargs)

    return wrapper


def _url(name: str, pk: int) -> str:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return ""


def item_url(item: Item) -> str:
    """The item page (empty while the pages are not installed)."""
    return _url("ledger:item_detail", item.pk)


def _notify_org(item: Item, org, cap: str, *, kind: str, text: str, event: str, actor=None) -> None:
    """Notify the users holding ``cap`` at ``org`` about ``item`` (idempotent per event).

    Only users who may open the item are told, and never ``actor`` about their own act.
    """
    actor_id = getattr(actor, "pk", None)
    notify(
        recipients=[u for u in recipients_for_org(org, cap, about=item.org) if u.pk != actor_id],
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


def proxy_fields(item: Item, actor, today: date | None) -> dict:
    """The 代录 mark for a rectifying step entered by somebody without a role at the responsible organisation.

    Such a step is allowed (a superior entering data on a village's behalf) but recorded on the
    item with who and when; ``rules.rectifier_ids`` then bars that person from verifying it.
    """
    if not is_proxy(item, actor):
        return {}
    return {"proxy_by": actor, "proxy_at": _at(today) or timezone.now()}


def mark_proxy(item: Item, actor, today: date | None) -> None:
    """Save the 代录 mark on ``item`` (a locked row) when ``actor`` enters a step on its behalf."""
    mark = proxy_fields(item, actor, today)
    if mark:
        for name, value in mark.items():
            setattr(item, name, value)
        item.save(update_fields=list(mark))
