"""Accountability decisions (问责) taken over an item, in the terms of the 问责条例 (2019)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import (
    Accountability,
    Item,
)
from ..rules import INSPECT, SUPERVISOR, ensure_can_act
from ._common import (
    _clean_text,
    _today,
    dated,
)

A = Accountability


def _check(
    *,
    item: Item,
    target: str,
    forms: list[str],
    person_name: str,
    target_org,
    body: str,
    facts: str,
    outcome: str,
    decided_on: date | None,
    today: date,
) -> None:
    errors: dict[str, list] = {}

    def add(field: str, message) -> None:
        errors.setdefault(field, []).append(message)

    if target not in A.Target.values:
        add("target", _("Please choose whether a leading cadre or a party organisation is held accountable."))
    if outcome not in A.Outcome.values:
        add("outcome", _("Please choose the outcome."))
    allowed = A.FORMS_FOR.get(target, ())
    wrong = [f for f in forms if f not in allowed]
    if target in A.Target.values and wrong:
        labels = dict(A.Form.choices)
        add(
            "forms",
            _("“%(forms)s” is not a form of accountability for %(target)s; allowed: %(allowed)s.")
            % {
                "forms": "、".join(str(labels.get(f, f)) for f in wrong),
                "target": A.Target(target).label,
                "allowed": "、".join(str(labels[f]) for f in allowed),
            },
        )
    if outcome in A.FORMLESS_OUTCOMES and forms:
        add(
            "forms",
            _("“%(outcome)s” imposes no form of accountability: leave the forms empty.")
            % {"outcome": A.Outcome(outcome).label},
        )
    elif outcome in A.Outcome.values and outcome not in A.FORMLESS_OUTCOMES and not forms:
        add("forms", _("Please choose at least one form of accountability."))
    if target == A.Target.CADRE and not person_name:
        add("person_name", _("Please name the leading cadre held accountable."))
    if target == A.Target.ORGANISATION:
        if target_org is None:
            add("target_org", _("Please choose the party organisation held accountable."))
        elif not item.org.path.startswith(target_org.path):
            add(
                "target_org",
                _("The organisation held accountable must be the responsible organisation or one above it."),
            )
    if body not in A.Body.values:
        add(
            "body",
            _(
                "Please choose the deciding body (party committee, discipline commission or organisation department)."
            ),
        )
    if not facts:
        add("facts", _("Please state the facts."))
    if decided_on is None or decided_on > today:
        add("decided_on", _("The decision date cannot be in the future."))
    if errors:
        raise ValidationError(errors)


@dated
@transaction.atomic
def accountability_record(
    *,
    item: Item,
    actor,
    decided_on: date,
    target: str = A.Target.CADRE,
    forms: Sequence[str] = (),
    person_name: str = "",
    person=None,
    target_org=None,
    body: str = "",
    facts: str = "",
    outcome: str = A.Outcome.ACCOUNTABLE,
    document_number: str = "",
    today: date | None = None,
) -> Accountability:
    """Record an accountability decision (问责) over an item; the supervising side records it.

    ``forms`` may combine several of those the regulation allows for the target (a leading
    cadre: 通报、诫勉、组织调整或者组织处理、纪律处分; an organisation: 检查、通报、改组); an
    outcome of 免予问责, 容错纠错 or 澄清正名 is recorded as such, with no form.
    """
    ensure_can_act(actor, INSPECT, item, SUPERVISOR)
    forms = list(dict.fromkeys(forms or ()))
    person_name = _clean_text(person_name)[:60]
    facts = _clean_text(facts)
    _check(
        item=item,
        target=target,
        forms=forms,
        person_name=person_name,
        target_org=target_org,
        body=body,
        facts=facts,
        outcome=outcome,
        decided_on=decided_on,
        today=_today(today),
    )
    is_cadre = target == A.Target.CADRE
    return Accountability.objects.create(
        item=item,
        target=target,
        forms=forms,
        person_name=person_name if is_cadre else "",
        person=person if is_cadre else None,
        target_org=None if is_cadre else target_org,
        body=body,
        facts=facts,
        outcome=outcome,
        decided_on=decided_on,
        document_number=_clean_text(document_number)[:60],
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
