"""Interviews (约谈) recorded over ledger items, and who may read talk records."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.ledger.models import Item, ItemList
from dangjian.ledger.tests.builders import TODAY
from dangjian.talks.models import TalkKind, TalkRecord
from dangjian.talks.services import talk_record_interview


@pytest.fixture
def item(county):
    item_list = ItemList.objects.create(org=county.township_a, title="清单", status=ItemList.Status.ISSUED)
    return Item.objects.create(
        item_list=item_list,
        number=1,
        title="逾期未整改",
        org=county.village_a1,
        supervisor_org=county.township_a,
        issued_on=TODAY - timedelta(days=40),
        deadline=TODAY - timedelta(days=20),
        status=Item.Status.RECTIFYING,
    )


def test_an_interview_is_a_talk_record_of_the_items_organisation(item, personas):
    talk = talk_record_interview(
        item=item,
        talker="镇党委书记",
        talkee="A1村书记",
        held_on=TODAY,
        content="就整改逾期进行约谈。",
        actor=personas.township_a,
    )
    assert (talk.kind, talk.org_id, talk.item_id, talk.recorded_by) == (
        TalkKind.INTERVIEW,
        item.org_id,
        item.pk,
        personas.township_a,
    )


def test_an_interview_without_content_or_dated_in_the_future_is_refused(item, personas):
    with pytest.raises(ValidationError) as exc:
        talk_record_interview(
            item=item,
            talker="镇党委书记",
            talkee="",
            held_on=TODAY + timedelta(days=1),
            content=" ",
            actor=personas.township_a,
            today=TODAY,
        )
    assert exc.value.message_dict == {
        "talkee": ["请填写被约谈人。"],
        "held_on": ["谈话日期不能晚于今天。"],
        "content": ["请填写谈话内容。"],
    }
    assert not TalkRecord.objects.exists()


def test_a_branch_secretary_cannot_record_an_interview(item, personas):
    with pytest.raises(PermissionDenied):
        talk_record_interview(
            item=item, talker="x", talkee="y", held_on=TODAY, content="z", actor=personas.village_a1
        )


def test_talk_records_are_visible_to_superiors_with_inspect_and_the_recorder_only(item, personas):
    talk = talk_record_interview(
        item=item,
        talker="镇党委书记",
        talkee="A1村书记",
        held_on=TODAY,
        content="约谈",
        actor=personas.township_a,
    )
    visible = {
        name: TalkRecord.objects.visible_to(user).filter(pk=talk.pk).exists()
        for name, user in personas.all().items()
    }
    assert visible == {
        "admin": True,
        "county_admin": True,
        "township_a": True,
        "inspector": True,
        # The branch secretary and the member see the organisation, but not talks about its people.
        "village_a1": False,
        "member": False,
        "township_b": False,
    }
