"""Campaigns, the two stages of a talk, the hand-over through the ledger's door, and every refusal."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.ledger import door
from dangjian.ledger.models import Item
from dangjian.ledger.tests.builders import handed_item
from dangjian.talks import selectors, services
from dangjian.talks.models import Addendum, Commitment, NotifiedProblem, TalkCampaign, TalkRecord

from .builders import TODAY, build_talks, plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def talks(county, personas):
    return build_talks(county, personas)


def test_a_campaign_over_secretaries_targets_the_secretaries_of_the_subtree_only(talks):
    assert set(talks.campaign.targets.all()) == {talks.sec_a1, talks.sec_a2}


def test_a_campaign_window_ending_before_it_starts_is_refused(county, personas, talks):
    with pytest.raises(ValidationError) as exc:
        services.campaign_create(
            org=county.township_a,
            title="x",
            starts_on=TODAY,
            ends_on=TODAY - timedelta(days=1),
            talker="镇党委书记",
            target_mode="secretaries",
            actor=personas.township_a,
        )
    assert exc.value.message_dict == {"ends_on": ["谈话窗口的结束日期不能早于开始日期。"]}
    assert TalkCampaign.objects.count() == 1


def test_picked_targets_outside_the_organiser_are_refused(county, personas, talks):
    with pytest.raises(ValidationError) as exc:
        services.campaign_create(
            org=county.township_a,
            title="x",
            starts_on=TODAY,
            ends_on=TODAY,
            talker="镇党委书记",
            target_mode="picked",
            targets=[talks.sec_b1],
            actor=personas.township_a,
        )
    assert exc.value.message_dict == {"targets": ["孙三不属于A镇党委。"]}


def test_a_village_secretary_cannot_start_a_campaign(county, personas, talks):
    with pytest.raises(PermissionDenied):
        services.campaign_create(
            org=county.village_a1,
            title="x",
            starts_on=TODAY,
            ends_on=TODAY,
            talker="x",
            target_mode="picked",
            targets=[talks.member_a1],
            actor=personas.village_a1,
        )


def test_a_talk_dated_outside_the_window_is_refused(personas, talks):
    with pytest.raises(ValidationError) as exc:
        plan(talks, personas, held_on=TODAY - timedelta(days=11))
    assert "谈话日期须在谈话计划的时间窗口内" in exc.value.message_dict["held_on"][0]
    assert not TalkRecord.objects.exists()


def test_a_talkee_outside_the_targets_is_refused(personas, talks):
    with pytest.raises(ValidationError) as exc:
        plan(talks, personas, person=talks.member_a1)
    assert exc.value.message_dict == {"talkees": ["李四不在本次谈话计划的谈话对象中。"]}
    assert not TalkRecord.objects.exists()


def test_a_collective_talk_with_no_talkees_is_refused(personas, talks):
    with pytest.raises(ValidationError) as exc:
        plan(talks, personas, talkees=[], collective=True)
    assert exc.value.message_dict == {"talkees": ["集体谈话须选择谈话对象。"]}


def test_an_individual_talk_belongs_to_the_talkees_organisation(county, personas, talks):
    talk = plan(talks, personas)
    assert (talk.org, talk.organiser, talk.status, talk.talkee) == (
        county.village_a1,
        county.township_a,
        "planned",
        "赵一",
    )


def _prepared(county, personas, talks):
    talk = plan(talks, personas)
    existing = handed_item(county, personas)
    services.problem_add(talk=talk, actor=personas.township_a, source="patrol", item=existing)
    services.problem_add(
        talk=talk,
        actor=personas.township_a,
        source="special",
        title="三会一课记录不全",
        deadline=TODAY + timedelta(days=30),
    )
    services.problem_add(
        talk=talk,
        actor=personas.township_a,
        source="daily",
        title="村务公开不及时",
        deadline=TODAY + timedelta(days=15),
    )
    services.commitment_add(
        talk=talk, actor=personas.township_a, text="一个月内补齐会议记录", deadline=TODAY + timedelta(days=30)
    )
    services.comment_add(talk=talk, actor=personas.township_a, leader="镇长", text="汇报实在，问题找得准。")
    return talk, existing


def test_closing_hands_the_new_problems_and_the_commitment_to_the_village_once(county, personas, talks):
    talk, existing = _prepared(county, personas, talks)
    items = services.talk_close(
        talk=talk, actor=personas.township_a, content="谈话内容", statement="坚决整改"
    )
    assert sorted((i.title, i.kind, i.org_id, i.status) for i in items) == [
        ("一个月内补齐会议记录", "task", county.village_a1.pk, "handed_down"),
        ("三会一课记录不全", "problem", county.village_a1.pk, "handed_down"),
        ("村务公开不及时", "problem", county.village_a1.pk, "handed_down"),
    ]
    assert {i.item_list.org_id for i in items} == {county.township_a.pk}
    # The open item notified is linked to the talk, not copied.
    assert list(door.links_of_record(talk).values_list("item_id", flat=True)) == [existing.pk]
    with pytest.raises(ValidationError) as exc:
        services.talk_close(talk=talk, actor=personas.township_a, content="再次结束")
    assert "谈话已结束" in exc.value.messages[0]
    assert Item.objects.filter(source_id=talk.pk, source_type__model="talkrecord").count() == 3
    # The village sees its new list (the talk's source word) among its items.
    seen = set(
        Item.objects.visible_to(personas.village_a1).filter(source="talk").values_list("title", flat=True)
    )
    assert seen == {"三会一课记录不全", "村务公开不及时", "一个月内补齐会议记录"}


def test_closing_without_a_record_is_refused_and_hands_nothing_over(county, personas, talks):
    talk, _existing = _prepared(county, personas, talks)
    with pytest.raises(ValidationError) as exc:
        services.talk_close(talk=talk, actor=personas.township_a, content="  ")
    assert exc.value.message_dict == {"content": ["结束谈话前请填写谈话记录。"]}
    talk.refresh_from_db()
    assert talk.status == "planned" and not Item.objects.filter(source="talk").exists()


def test_a_closed_talk_takes_only_addenda(county, personas, talks):
    talk, _existing = _prepared(county, personas, talks)
    services.talk_close(talk=talk, actor=personas.township_a, content="谈话内容")
    talk.refresh_from_db()
    for call in (
        lambda: services.problem_add(
            talk=talk,
            actor=personas.township_a,
            source="daily",
            title="x",
            deadline=TODAY + timedelta(days=9),
        ),
        lambda: services.commitment_add(
            talk=talk, actor=personas.township_a, text="x", deadline=TODAY + timedelta(days=9)
        ),
        lambda: services.comment_add(talk=talk, actor=personas.township_a, leader="x", text="y"),
    ):
        with pytest.raises(ValidationError) as exc:
            call()
        assert exc.value.messages == ["谈话已结束，记录不能再修改；请添加补充说明。"]
    assert NotifiedProblem.objects.count() == 3 and Commitment.objects.count() == 1
    note = services.addendum_add(talk=talk, actor=personas.township_a, text="补充：已约定月底回访。")
    assert (note.author, Addendum.objects.count()) == (personas.township_a, 1)


def test_a_new_problem_needs_a_deadline_after_the_talk(personas, talks):
    talk = plan(talks, personas)
    with pytest.raises(ValidationError) as exc:
        services.problem_add(
            talk=talk, actor=personas.township_a, source="daily", title="x", deadline=talk.held_on
        )
    assert exc.value.message_dict == {"deadline": ["整改时限须晚于谈话日期。"]}
    assert not NotifiedProblem.objects.exists()


def test_only_open_items_of_the_talkees_organisation_can_be_notified(county, personas, talks):
    talk = plan(talks, personas)
    other = handed_item(county, personas, org=county.village_a2)
    with pytest.raises(ValidationError) as exc:
        services.problem_add(talk=talk, actor=personas.township_a, source="daily", item=other)
    assert exc.value.message_dict == {"item": ["只能通报被谈话人所在组织未销号的问题。"]}


def test_coverage_counts_closed_individual_talks_of_targets(county, personas, talks):
    assert selectors.coverage_counts(talks.campaign) == (0, 2)
    talk = plan(talks, personas)
    assert selectors.coverage_counts(talks.campaign) == (0, 2)
    services.talk_close(talk=talk, actor=personas.township_a, content="谈话内容")
    # A collective talk (stage 2) with both does not count as an individual talk.
    collective = plan(talks, personas, talkees=[talks.sec_a1, talks.sec_a2], collective=True)
    services.talk_close(talk=collective, actor=personas.township_a, content="集体谈话")
    assert selectors.coverage_counts(talks.campaign) == (1, 2)
    rows = selectors.coverage(talks.campaign)
    assert [(r.person.name, r.talked) for r in rows] == [("赵一", True), ("钱二", False)]
    assert [(e["org"], e["talked"], e["not_yet"]) for e in selectors.coverage_by_org(rows)] == [
        (county.village_a1, 1, 0),
        (county.village_a2, 0, 1),
    ]


def test_look_back_flags_talkees_whose_items_show_no_progress(county, personas, talks):
    talk, _existing = _prepared(county, personas, talks)
    services.talk_close(talk=talk, actor=personas.township_a, content="谈话内容")
    rows = selectors.coverage(talks.campaign, personas.township_a, with_items=True)
    assert [len(r.items) for r in rows] == [3, 0]
    assert len(rows[0].stalled) == 3
    Item.objects.filter(title="村务公开不及时").update(percent=50)
    rows = selectors.coverage(talks.campaign, personas.township_a, with_items=True)
    assert sorted(i.title for i in rows[0].stalled) == ["一个月内补齐会议记录", "三会一课记录不全"]
    campaign = services.campaign_look_back(campaign=talks.campaign, actor=personas.township_a)
    assert campaign.looked_back_on == TODAY


def test_a_campaign_cannot_close_while_a_talk_is_being_prepared(personas, talks):
    talk = plan(talks, personas)
    with pytest.raises(ValidationError) as exc:
        services.campaign_close(campaign=talks.campaign, actor=personas.township_a)
    assert exc.value.messages == ["请先结束或取消仍在准备中的谈话。"]
    services.talk_cancel(talk=talk, actor=personas.township_a, note="对象调整")
    assert services.campaign_close(campaign=talks.campaign, actor=personas.township_a).status == "closed"
    with pytest.raises(ValidationError):
        plan(talks, personas, person=talks.sec_a2)


def test_a_collective_talks_commitment_becomes_a_task_of_each_talkees_organisation(county, personas, talks):
    together = plan(talks, personas, talkees=[talks.sec_a1, talks.sec_a2], collective=True)
    services.commitment_add(
        talk=together,
        actor=personas.township_a,
        text="年底前书面报告整改情况",
        deadline=TODAY + timedelta(days=20),
    )
    with pytest.raises(ValidationError) as exc:
        services.problem_add(
            talk=together,
            actor=personas.township_a,
            source="daily",
            title="x",
            deadline=TODAY + timedelta(days=9),
        )
    assert exc.value.message_dict == {"title": ["问题清单在个别谈话中交付；集体谈话只记录表态承诺。"]}
    items = services.talk_close(talk=together, actor=personas.township_a, content="集体谈话")
    assert sorted((i.org_id, i.kind, i.responsible_leader) for i in items) == [
        (county.village_a1.pk, "task", "赵一"),
        (county.village_a2.pk, "task", "钱二"),
    ]


def test_a_campaign_over_department_heads_targets_the_secretaries_of_agencies_and_institutions(
    county, personas, talks
):
    from datetime import date

    from dangjian.orgs.models import Post, PostKind
    from dangjian.orgs.tests.factories import make_org, make_person

    bureau = make_org(
        county.county, "中共县农业农村局机关支部委员会", short_name="农业农村局支部", sector="agency"
    )
    head = make_person(bureau, "周局长", birth=date(1972, 2, 2))
    Post.objects.create(org=bureau, person=head, kind=PostKind.SECRETARY, started_on=date(2023, 1, 1))
    campaign = services.campaign_create(
        org=county.county,
        title="部门党组织书记谈话",
        starts_on=TODAY,
        ends_on=TODAY + timedelta(days=10),
        talker="县委书记",
        target_mode="department_heads",
        actor=personas.county_admin,
    )
    assert list(campaign.targets.all()) == [head]
    with pytest.raises(ValidationError) as exc:
        services.campaign_create(
            org=county.township_a,
            title="x",
            starts_on=TODAY,
            ends_on=TODAY,
            talker="x",
            target_mode="department_heads",
            actor=personas.township_a,
        )
    assert exc.value.message_dict == {"target_mode": ["A镇党委下属党组织中没有在任书记。"]}


def test_preparation_rows_can_be_removed_until_the_talk_is_closed(county, personas, talks):
    talk = plan(talks, personas)
    problem = services.problem_add(
        talk=talk,
        actor=personas.township_a,
        source="daily",
        title="误录的问题",
        deadline=TODAY + timedelta(days=9),
    )
    kept = services.commitment_add(
        talk=talk, actor=personas.township_a, text="承诺", deadline=TODAY + timedelta(days=9)
    )
    services.preparation_row_remove(row=problem, actor=personas.township_a)
    assert not NotifiedProblem.objects.exists()
    services.talk_close(talk=talk, actor=personas.township_a, content="谈话")
    kept.refresh_from_db()
    with pytest.raises(ValidationError):
        services.preparation_row_remove(row=kept, actor=personas.township_a)
    assert Commitment.objects.filter(pk=kept.pk).exists()


def test_seed_000s_four_topics_are_installed_and_editable_in_the_admin(client, personas):
    from django.urls import reverse

    from dangjian.talks.models import TalkTopic

    assert list(TalkTopic.objects.values_list("name", flat=True)) == [
        "学习贯彻政治理论",
        "解决群众根本利益",
        "正确对待运用公权",
        "落实组织路线",
    ]
    client.force_login(personas.admin)
    assert client.get(reverse("admin:talks_talktopic_changelist")).status_code == 200
