"""The demo contributor builds lists and items in every state through the services."""

from __future__ import annotations

import random

import pytest
from django.db.models import Count

from dangjian.core import demo
from dangjian.ledger import demo as ledger_demo
from dangjian.ledger.models import (
    Accountability,
    Escalation,
    ExtensionRequest,
    Item,
    ItemList,
    Recheck,
    RollupSnapshot,
)
from dangjian.talks.models import TalkRecord

from .builders import media  # noqa: F401

S = Item.Status


@pytest.mark.usefixtures("media")
def test_the_tiny_demo_has_lists_and_items_in_every_state(db):
    ctx = demo.DemoContext(scale="tiny", seed=2026, rng=random.Random(2026), out=lambda s: None)
    for _key, build in demo.contributors():
        build(ctx)
    assert set(ItemList.objects.values_list("status", flat=True)) == set(ItemList.Status.values)
    statuses = dict(Item.objects.values_list("status").annotate(n=Count("pk")).order_by())
    assert set(statuses) == set(S.values)
    assert Item.objects.filter(status=S.CLOSED, closed_late=True).exists()
    assert Item.objects.filter(status=S.CLOSED, closed_late=False).exists()
    assert Item.objects.filter(long_term=True).exists()
    assert Item.objects.filter(round=2).exists()
    assert set(ExtensionRequest.objects.values_list("status", flat=True)) == set(
        ExtensionRequest.Status.values
    )
    assert {"confirmed", "relapsed"} <= set(Recheck.objects.values_list("result", flat=True))
    assert Escalation.objects.exists()
    assert TalkRecord.objects.filter(kind="interview", item__isnull=False).exists()
    assert Accountability.objects.exists()
    assert RollupSnapshot.objects.exists()
    lights = set(Item.objects.with_light(ctx.data["reference_day"]).values_list("light", flat=True))
    assert lights == {"green", "yellow", "red", "none"}


@pytest.mark.usefixtures("media")
def test_bulk_items_are_inserted_without_status_history(db):
    from dangjian.core.models import StatusChange

    ctx = demo.DemoContext(scale="tiny", seed=7, rng=random.Random(7), out=lambda s: None)
    for key, build in demo.contributors():
        if key != "ledger":
            build(ctx)
    changes = StatusChange.objects.count()
    written = ledger_demo.build_bulk(ctx, 40)
    assert written == 40
    assert Item.objects.count() == written
    assert StatusChange.objects.count() == changes
    assert not Item.objects.filter(status=S.CLOSED, closed_on__isnull=True).exists()
