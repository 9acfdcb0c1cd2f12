"""Look-back (回头看): scheduling closed items, confirming, and reopening relapsed ones for a new round."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError

from dangjian.core.models import StatusChange
from dangjian.ledger import services
from dangjian.ledger.models import Evidence, Item, Recheck

from .builders import TODAY, handed_item, issued_list, media, pdf, walk  # noqa: F401

S = Item.Status
pytestmark = pytest.mark.usefixtures("media")


def closed_item(county, personas, **kwargs):
    return walk(handed_item(county, personas, **kwargs), S.CLOSED, personas)


def test_only_closed_items_can_be_scheduled(county, personas):
    item = walk(handed_item(county, personas), S.RECTIFYING, personas)
    with pytest.raises(ValidationError) as exc:
        services.recheck_schedule(actor=personas.township_a, item=item, scheduled_on=TODAY, today=TODAY)
    assert exc.value.messages == ["只有已销号的事项才能开展回头看。"]
    assert not Recheck.objects.exists()


def test_a_relapse_reopens_the_item_for_round_two_and_keeps_both_rounds_in_history(county, personas):
    item = closed_item(county, personas, deadline=TODAY + timedelta(days=1))
    (check,) = services.recheck_schedule(actor=personas.inspector, item=item, scheduled_on=TODAY, today=TODAY)
    with pytest.raises(ValidationError) as exc:
        services.recheck_record(
            recheck=check,
            actor=personas.inspector,
            result="relapsed",
            note="又未开会",
            new_deadline=TODAY,
            today=TODAY,
        )
    assert exc.value.message_dict == {"new_deadline": ["问题反弹的事项须设定晚于今天的新整改时限。"]}
    item.refresh_from_db()
    assert (item.status, item.round) == (S.CLOSED, 1)

    services.recheck_record(
        recheck=check,
        actor=personas.inspector,
        result="relapsed",
        note="近两月又未召开支委会",
        files=[pdf("暗访记录.pdf")],
        new_deadline=TODAY + timedelta(days=30),
        today=TODAY,
    )
    item.refresh_from_db()
    assert item.status == S.RECTIFYING
    assert item.round == 2
    assert item.deadline == TODAY + timedelta(days=30)
    assert (item.closed_on, item.closed_by, item.closed_late, item.percent) == (None, None, False, 0)
    steps = list(
        StatusChange.objects.filter(content_type=ContentType.objects.get_for_model(Item), object_id=item.pk)
        .order_by("pk")
        .values_list("old", "new")
    )
    assert steps == [
        ("draft", "handed_down"),
        ("handed_down", "acknowledged"),
        ("acknowledged", "rectifying"),
        ("rectifying", "closure_requested"),
        ("closure_requested", "closed"),
        ("closed", "rectifying"),
    ]
    check.refresh_from_db()
    assert (check.round, check.result, check.done_on) == (1, "relapsed", TODAY)
    assert Evidence.objects.filter(item=item, purpose="recheck", recheck=check, round=1).count() == 1
    assert personas.village_a1.notices.filter(kind="item_reopened").count() == 1

    # Round two needs its own closure evidence and can be closed again (requested late this time).
    walk_round_two = services.item_request_closure(
        item=item, actor=personas.village_a1, files=[pdf()], today=TODAY + timedelta(days=31)
    )
    assert Evidence.objects.filter(item=item, purpose="closure", round=2).count() == 1
    item = services.item_verify(
        item=walk_round_two, actor=personas.township_a, today=TODAY + timedelta(days=31)
    )
    assert (item.round, item.closed_late) == (2, True)


def test_a_confirmed_look_back_leaves_the_item_closed(county, personas):
    item = closed_item(county, personas)
    (check,) = services.recheck_schedule(actor=personas.inspector, item=item, scheduled_on=TODAY, today=TODAY)
    services.recheck_record(
        recheck=check, actor=personas.inspector, result="confirmed", note="整改到位", today=TODAY
    )
    item.refresh_from_db()
    assert (item.status, item.round) == (S.CLOSED, 1)
    with pytest.raises(ValidationError) as exc:
        services.recheck_record(recheck=check, actor=personas.inspector, result="confirmed", today=TODAY)
    assert exc.value.messages == ["该回头看结果已经登记。"]


def test_a_second_look_back_of_the_same_item_cannot_be_scheduled_while_one_waits(county, personas):
    item = closed_item(county, personas)
    services.recheck_schedule(actor=personas.inspector, item=item, scheduled_on=TODAY, today=TODAY)
    with pytest.raises(ValidationError) as exc:
        services.recheck_schedule(actor=personas.inspector, item=item, scheduled_on=TODAY, today=TODAY)
    assert exc.value.messages == ["该事项已安排回头看。"]


def test_a_whole_list_can_be_sampled_or_checked_entirely(county, personas):
    item_list = issued_list(county, personas)
    items = [
        services.item_create(
            item_list=item_list,
            org=county.village_a1,
            title=f"问题{i}",
            actor=personas.township_a,
            deadline=TODAY + timedelta(days=9),
        )
        for i in range(5)
    ]
    services.list_issue(item_list=item_list, actor=personas.township_a, today=TODAY)
    for item in items[:4]:
        item.refresh_from_db()
        walk(item, S.CLOSED, personas)
    sample = services.recheck_schedule(
        actor=personas.inspector,
        item_list=item_list,
        scheduled_on=TODAY,
        sample=2,
        rng=random.Random(1),
        today=TODAY,
    )
    assert len(sample) == 2
    assert {r.item.status for r in sample} == {S.CLOSED}
    rest = services.recheck_schedule(
        actor=personas.inspector, item_list=item_list, scheduled_on=TODAY, today=TODAY
    )
    assert len(rest) == 2  # the two not sampled; the open item is never checked
    assert set(Recheck.objects.values_list("item_id", flat=True)) == {i.pk for i in items[:4]}
    with pytest.raises(ValidationError) as exc:
        services.recheck_schedule(
            actor=personas.inspector, item_list=item_list, scheduled_on=TODAY, today=TODAY
        )
    assert exc.value.messages == ["该清单没有可回头看的已销号事项。"]
