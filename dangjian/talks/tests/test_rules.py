"""Regulation rules of the talk kinds (诫勉, 函询) and who may read which talk (DOMAIN.md §7)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.core import calendar
from dangjian.talks import services
from dangjian.talks.models import TalkRecord

from .builders import TODAY, build_talks, plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def talks(county, personas):
    return build_talks(county, personas)


def _standalone(county, personas, talks, kind, actor=None, **extra):
    return services.talk_plan(
        organiser=county.township_a,
        kind=kind,
        held_on=extra.pop("held_on", TODAY - timedelta(days=3)),
        talker="县纪委书记",
        talkees=[talks.sec_a1],
        actor=actor or personas.county_admin,
        **extra,
    )


def test_an_admonishment_closes_only_with_the_written_explanation_and_the_heads_signature(
    county, personas, talks
):
    talk = _standalone(county, personas, talks, "admonition")
    with pytest.raises(ValidationError) as exc:
        services.talk_close(talk=talk, actor=personas.county_admin, content="诫勉谈话")
    assert exc.value.message_dict == {
        "explanation": ["诫勉谈话须附谈话对象的书面说明。"],
        "head_signed_by": ["诫勉谈话须有单位主要负责人签字及签字日期。"],
    }
    services.talk_close(
        talk=talk,
        actor=personas.county_admin,
        content="诫勉谈话",
        explanation="本人对问题认识如下……",
        head_signed_by="王书记",
        head_signed_on=TODAY,
    )
    services.filing_record(talk=talk, actor=personas.county_admin, discipline_on=TODAY, org_dept_on=None)
    with pytest.raises(ValidationError) as exc:
        services.filing_record(
            talk=talk, actor=personas.county_admin, discipline_on=TODAY - timedelta(days=1), org_dept_on=None
        )
    assert exc.value.message_dict == {"discipline_on": ["该备案已登记；如需更正请添加补充说明。"]}
    talk.refresh_from_db()
    assert (talk.filed_discipline_on, talk.filed_org_dept_on) == (TODAY, None)


def test_a_township_without_the_discipline_right_cannot_organise_an_admonishment(county, personas, talks):
    with pytest.raises(PermissionDenied):
        _standalone(county, personas, talks, "admonition", actor=personas.township_a)
    assert not TalkRecord.objects.exists()


def test_a_letter_is_due_in_fifteen_working_days_and_a_late_reply_needs_a_reason(county, personas, talks):
    sent = TODAY - timedelta(days=40)
    with pytest.raises(ValidationError) as exc:
        _standalone(county, personas, talks, "letter", held_on=sent)
    assert exc.value.message_dict == {"letter": ["谈话函询须填写函询内容。"]}
    talk = _standalone(
        county, personas, talks, "letter", held_on=sent, letter="请就村集体资产出租问题作出书面说明。"
    )
    assert talk.reply_due_on == calendar.add_working_days(sent, 15)
    late = talk.reply_due_on + timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        services.talk_close(
            talk=talk, actor=personas.county_admin, content="函询内容", reply="说明", replied_on=late
        )
    assert exc.value.message_dict == {
        "late_reason": [f"回复晚于回复期限（{talk.reply_due_on}），请填写逾期原因。"]
    }
    talk.refresh_from_db()
    assert talk.status == "planned"
    services.talk_close(
        talk=talk,
        actor=personas.county_admin,
        content="函询内容",
        reply="说明",
        replied_on=late,
        late_reason="外出学习",
    )
    talk.refresh_from_db()
    assert (talk.status, talk.late_reason) == ("closed", "外出学习")


def _visible(talk, personas) -> dict:
    return {
        name: TalkRecord.objects.visible_to(user).filter(pk=talk.pk).exists()
        for name, user in personas.all().items()
    }


def test_a_political_talk_is_read_by_its_organisers_superiors_and_its_talkee_only(county, personas, talks):
    talk = plan(talks, personas)
    assert _visible(talk, personas) == {
        "admin": True,
        "county_admin": True,
        "township_a": True,
        "inspector": True,
        "village_a1": True,  # the talkee's own account (赵一)
        "member": False,
        "township_b": False,
    }


def test_a_village_secretary_cannot_see_another_secretarys_talk(county, personas, talks):
    other = plan(talks, personas, person=talks.sec_a2)
    assert not TalkRecord.objects.visible_to(personas.village_a1).filter(pk=other.pk).exists()


def test_admonishments_are_read_by_discipline_and_organisation_roles_only(county, personas, talks):
    talk = _standalone(county, personas, talks, "admonition")
    assert _visible(talk, personas) == {
        "admin": True,
        "county_admin": True,
        "inspector": True,
        "township_a": False,
        "village_a1": False,  # not even the talkee
        "member": False,
        "township_b": False,
    }


def test_a_talker_with_an_account_reads_the_talk_without_the_talk_right(county, personas, talks):
    from dangjian.accounts.models import RoleAssignment, User

    leader = User.objects.create_user(username="zhenzhang", password="x", display_name="镇长")
    RoleAssignment.objects.create(user=leader, role="member", org=county.township_a, include_subtree=False)
    talk = plan(talks, personas)
    assert not TalkRecord.objects.visible_to(leader).filter(pk=talk.pk).exists()
    talk.talkers.add(leader)
    assert TalkRecord.objects.visible_to(leader).filter(pk=talk.pk).exists()


def test_a_campaigns_state_words_are_its_own_not_the_ledgers():
    """The ledger's "Open"/"Closed" read 未销号/已销号; a campaign is 进行中/已结束 (a context keeps them apart)."""
    from django.utils import translation

    from dangjian.talks.models import TalkCampaign

    with translation.override("zh-hans"):
        assert str(TalkCampaign.Status.OPEN.label) == "进行中"
        assert str(TalkCampaign.Status.CLOSED.label) == "已结束"
