"""Accountability decisions (问责) taken over an item."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dangjian.core import scoping

from ..models import (
    Accountability,
    Item,
)
from ..rules import INSPECT
from ._common import (
    _clean_text,
    _today,
)


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
