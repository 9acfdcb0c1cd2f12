"""A back-dated step is audited by whoever took it on its own day; a step taken now is audited now (point 18)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from dangjian.core import audit
from dangjian.ledger import services
from dangjian.ledger.models import Item

from .builders import handed_item

pytestmark = pytest.mark.django_db


def _entries(item):
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Item), object_pk=str(item.pk)
    ).order_by("pk")


def test_a_back_dated_acknowledgement_is_logged_by_the_village_on_that_day(county, personas):
    past = timezone.localdate() - timedelta(days=40)
    item = handed_item(county, personas, today=past)
    before = _entries(item).count()
    services.item_acknowledge(item=item, actor=personas.village_a1, today=past + timedelta(days=2))
    entry = _entries(item)[before]
    assert entry.actor == personas.village_a1
    assert entry.timestamp == timezone.make_aware(datetime.combine(past + timedelta(days=2), time(10, 0)))
    # The hand-down itself: by the township, on the day the list was issued.
    handed = [e for e in _entries(item) if "status" in (e.changes_dict or {})][0]
    assert handed.actor == personas.township_a and timezone.localdate(handed.timestamp) == past


def test_a_step_taken_now_is_logged_now_and_nested_uses_keep_the_outer_day(county, personas):
    item = handed_item(county, personas, today=timezone.localdate())
    started = timezone.now()
    services.item_acknowledge(item=item, actor=personas.village_a1)
    assert _entries(item).last().timestamp >= started
    day = timezone.make_aware(datetime(2026, 3, 1, 10))
    with audit.as_of(actor=personas.township_a, at=day):
        with audit.as_of(actor=personas.village_a1):
            audit.log_event(item, event="inner")
        audit.log_event(item, event="outer")
    inner, outer = _entries(item).order_by("-pk")[:2][::-1]
    assert (inner.actor, inner.timestamp) == (personas.village_a1, day)
    assert (outer.actor, outer.timestamp) == (personas.township_a, day)
