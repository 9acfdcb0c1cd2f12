"""四议两公开: the six steps in order, dated in order, quorums and pass thresholds at the boundary."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.core import params
from dangjian.core.models import StatusChange
from dangjian.village import selectors, services
from dangjian.village.models import Decision, DecisionStep

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 20)
S = Decision.Status


@pytest.fixture
def decision(county, personas):
    return services.decision_create(
        org=county.village_a1, title="修建村道", category="project", amount=200000, actor=personas.village_a1
    )


def step(decision, number, day, actor, **data):
    return services.decision_record_step(
        decision=decision, step=number, held_on=day, actor=actor, today=TODAY, **data
    )


def meeting(expected, present, votes_for, against=0, abstain=0, **extra):
    return {
        "expected": expected,
        "present": present,
        "votes_for": votes_for,
        "votes_against": against,
        "votes_abstain": abstain,
        **extra,
    }


def publication(start, days):
    return {
        "published_where": "村务公开栏",
        "published_from": start,
        "published_until": start + timedelta(days=days - 1),
    }


def walk_to_reviewed(decision, actor):
    step(decision, 1, date(2026, 11, 1), actor)
    step(decision, 2, date(2026, 11, 2), actor)
    step(decision, 3, date(2026, 11, 3), actor, **meeting(40, 30, 25))


def test_a_decision_walks_all_six_steps_in_order(decision, personas):
    actor = personas.village_a1
    walk_to_reviewed(decision, actor)
    step(decision, 4, date(2026, 11, 5), actor, **meeting(30, 20, 11))
    step(decision, 5, date(2026, 11, 6), actor, **publication(date(2026, 11, 6), 7))
    services.decision_implemented(
        decision=decision, implemented_on=date(2026, 11, 14), actor=actor, today=TODAY
    )
    step(decision, 6, date(2026, 11, 15), actor, **publication(date(2026, 11, 15), 7))
    decision.refresh_from_db()
    assert decision.status == S.COMPLETED
    assert list(decision.steps.values_list("step", flat=True)) == [1, 2, 3, 4, 5, 6]
    assert list(
        StatusChange.objects.filter(object_id=decision.pk, content_type__model="decision").values_list(
            "new", flat=True
        )
    ) == [S.PROPOSED, S.CONSULTED, S.REVIEWED, S.DECIDED, S.DISCLOSED, S.COMPLETED]


def test_a_step_out_of_order_is_refused(decision, personas):
    with pytest.raises(ValidationError) as exc:
        step(decision, 3, date(2026, 11, 1), personas.village_a1, **meeting(40, 30, 25))
    assert exc.value.messages == ["各环节须按顺序登记：下一环节是“党支部提议”，不是“党员大会审议”。"]
    assert not DecisionStep.objects.exists()


def test_a_step_dated_before_the_previous_one_or_in_the_future_is_refused(decision, personas):
    step(decision, 1, date(2026, 11, 5), personas.village_a1)
    with pytest.raises(ValidationError) as exc:
        step(decision, 2, date(2026, 11, 4), personas.village_a1)
    assert exc.value.message_dict == {"held_on": ["本环节日期不能早于上一环节（2026-11-05）。"]}
    with pytest.raises(ValidationError) as exc:
        step(decision, 2, TODAY + timedelta(days=1), personas.village_a1)
    assert exc.value.message_dict == {"held_on": ["环节日期不能晚于今天。"]}
    step(decision, 2, date(2026, 11, 5), personas.village_a1)  # the same day as the proposal is allowed
    decision.refresh_from_db()
    assert decision.status == S.CONSULTED


def test_the_party_members_meeting_needs_more_than_half_present(decision, personas):
    actor = personas.village_a1
    step(decision, 1, date(2026, 11, 1), actor)
    step(decision, 2, date(2026, 11, 2), actor)
    with pytest.raises(ValidationError) as exc:
        step(decision, 3, date(2026, 11, 3), actor, **meeting(40, 20, 20))
    assert exc.value.message_dict == {
        "present": ["党员大会须有半数以上党员到会（应到40人，至少21人），实到20人。"]
    }
    step(decision, 3, date(2026, 11, 3), actor, **meeting(40, 21, 21))
    decision.refresh_from_db()
    assert decision.status == S.REVIEWED


def test_the_members_meeting_passes_with_more_than_half_of_those_entitled(decision, personas):
    actor = personas.village_a1
    step(decision, 1, date(2026, 11, 1), actor)
    step(decision, 2, date(2026, 11, 2), actor)
    # 40 entitled, 30 present, 20 for: a majority of those present but not of those entitled → not passed.
    record = step(decision, 3, date(2026, 11, 3), actor, **meeting(40, 30, 20, 8, 2))
    decision.refresh_from_db()
    assert (record.passed, decision.status) == (False, S.REJECTED)
    with pytest.raises(ValidationError) as exc:
        step(decision, 4, date(2026, 11, 4), actor, **meeting(30, 30, 30))
    assert exc.value.messages == ["该事项已没有需要登记的环节。"]


@pytest.mark.parametrize(("present", "accepted"), [(20, True), (19, False)])
def test_the_representatives_meeting_needs_two_thirds_present(decision, personas, present, accepted):
    actor = personas.village_a1
    walk_to_reviewed(decision, actor)
    if accepted:
        step(decision, 4, date(2026, 11, 5), actor, **meeting(30, present, present))
        decision.refresh_from_db()
        assert decision.status == S.DECIDED
        return
    with pytest.raises(ValidationError) as exc:
        step(decision, 4, date(2026, 11, 5), actor, **meeting(30, present, present))
    assert exc.value.message_dict == {
        "present": ["村民代表会议须有三分之二以上组成人员参加（应到30人，至少20人），实到19人。"]
    }
    assert decision.steps.count() == 3


@pytest.mark.parametrize(("votes_for", "status"), [(11, S.DECIDED), (10, S.REJECTED)])
def test_the_representatives_meeting_passes_with_more_than_half_of_those_present(
    decision, personas, votes_for, status
):
    actor = personas.village_a1
    walk_to_reviewed(decision, actor)
    step(decision, 4, date(2026, 11, 5), actor, **meeting(30, 20, votes_for, 20 - votes_for))
    decision.refresh_from_db()
    assert decision.status == status


def test_a_villagers_meeting_needs_more_than_half_of_the_adult_villagers(decision, personas):
    actor = personas.village_a1
    walk_to_reviewed(decision, actor)
    with pytest.raises(ValidationError) as exc:
        step(decision, 4, date(2026, 11, 5), actor, **meeting(600, 300, 300, assembly="villagers"))
    assert "至少301人" in exc.value.messages[0]
    step(decision, 4, date(2026, 11, 5), actor, **meeting(600, 301, 200, assembly="villagers"))
    decision.refresh_from_db()
    assert decision.status == S.DECIDED


def test_votes_beyond_those_present_and_more_present_than_entitled_are_refused(decision, personas):
    actor = personas.village_a1
    walk_to_reviewed(decision, actor)
    with pytest.raises(ValidationError) as exc:
        step(decision, 4, date(2026, 11, 5), actor, **meeting(30, 25, 20, 4, 2))
    assert exc.value.message_dict == {"votes_for": ["共投26票，但实到只有25人。"]}
    with pytest.raises(ValidationError) as exc:
        step(decision, 4, date(2026, 11, 5), actor, **meeting(30, 31, 20))
    assert exc.value.message_dict == {"present": ["实到31人，多于应到的30人。"]}
    assert decision.steps.count() == 3


def test_a_disclosure_shorter_than_the_minimum_is_refused(decision, personas):
    actor = personas.village_a1
    walk_to_reviewed(decision, actor)
    step(decision, 4, date(2026, 11, 5), actor, **meeting(30, 20, 15))
    with pytest.raises(ValidationError) as exc:
        step(decision, 5, date(2026, 11, 6), actor, **publication(date(2026, 11, 6), 6))
    assert exc.value.message_dict == {"published_until": ["公开时间不少于7天，本次只有6天。"]}
    step(decision, 5, date(2026, 11, 6), actor, **publication(date(2026, 11, 6), 7))
    decision.refresh_from_db()
    assert decision.status == S.DISCLOSED


def test_large_decisions_need_the_townships_review_by_someone_who_recorded_no_step(county, personas):
    big = services.decision_create(
        org=county.village_a1,
        title="集体厂房出租",
        category="project",
        amount=900000,
        actor=personas.village_a1,
    )
    walk_to_reviewed(big, personas.village_a1)
    with pytest.raises(ValidationError) as exc:
        step(big, 4, date(2026, 11, 5), personas.village_a1, **meeting(30, 25, 20))
    assert exc.value.messages == ["金额超过500000元的事项须经乡镇审核后方可提交村民（代表）会议决议。"]
    with pytest.raises(PermissionDenied):
        services.decision_review(decision=big, actor=personas.village_a1)
    with pytest.raises(PermissionDenied):
        services.decision_review(decision=big, actor=personas.township_b)
    services.decision_review(decision=big, actor=personas.township_a)
    step(big, 4, date(2026, 11, 5), personas.village_a1, **meeting(30, 25, 20))
    big.refresh_from_db()
    assert big.status == S.DECIDED


def test_a_township_that_recorded_a_step_does_not_review(county, personas):
    big = services.decision_create(
        org=county.village_a1, title="土地流转", category="land", amount=900000, actor=personas.admin
    )
    walk_to_reviewed(big, personas.admin)
    with pytest.raises(ValidationError) as exc:
        services.decision_review(decision=big, actor=personas.admin)
    assert exc.value.messages == ["登记过本村决策环节的人不能审核该事项。"]


def test_stuck_decisions_and_missing_result_disclosures_are_found(decision, personas):
    assert params.get("village.decision_stuck_days") == 30
    from django.utils import timezone

    today = timezone.localdate()
    assert list(Decision.objects.filter(selectors.stuck_q(today + timedelta(days=31)))) == [decision]
    assert not Decision.objects.filter(selectors.stuck_q(today)).exists()
    done = services.decision_create(
        org=decision.org, title="危房改造补助", category="subsidy", amount=30000, actor=personas.village_a1
    )
    day = today - timedelta(days=60)
    for n, data in (
        (1, {}),
        (2, {}),
        (3, meeting(10, 8, 8)),
        (4, meeting(30, 20, 15)),
        (5, publication(day, 7)),
    ):
        services.decision_record_step(decision=done, step=n, held_on=day, actor=personas.village_a1, **data)
    services.decision_implemented(
        decision=done, implemented_on=day + timedelta(days=10), actor=personas.village_a1
    )
    missing = Decision.objects.filter(selectors.results_missing_q(today))
    assert list(missing) == [done]


def test_results_are_published_only_after_the_implementation(decision, personas):
    actor = personas.village_a1
    walk_to_reviewed(decision, actor)
    step(decision, 4, date(2026, 11, 5), actor, **meeting(30, 20, 15))
    step(decision, 5, date(2026, 11, 6), actor, **publication(date(2026, 11, 6), 7))
    with pytest.raises(ValidationError) as exc:
        step(decision, 6, date(2026, 11, 15), actor, **publication(date(2026, 11, 15), 7))
    assert exc.value.messages == ["请先登记实施情况，再公开实施结果。"]
    with pytest.raises(ValidationError) as exc:
        services.decision_implemented(
            decision=decision, implemented_on=date(2026, 11, 5), actor=actor, today=TODAY
        )
    assert exc.value.messages == ["实施日期不能早于决议公开日期。"]


def test_a_member_cannot_record_steps(decision, personas):
    with pytest.raises(PermissionDenied):
        step(decision, 1, date(2026, 11, 1), personas.member)
    with pytest.raises(PermissionDenied):
        step(decision, 1, date(2026, 11, 1), personas.township_b)
