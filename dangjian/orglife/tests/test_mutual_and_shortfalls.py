"""The mutual assessment (互评) before the grades, and training shortfalls handed down as ledger items
(sources 组织生活 and 教育培训): what is accepted and what is refused."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from dangjian.ledger import door
from dangjian.orgs.tests.factories import make_person

from .. import services
from ..models import CoverageCheck, CoverageTarget, Evaluation, EvaluationRound, Grade, MutualRating
from .factories import mutual_done, staff_branch

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
YEAR = TODAY.year


def _msg(exc) -> str:
    return " ".join(exc.value.messages)


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def branch(county):
    return staff_branch(county.village_a1)


def _sheet(county, personas, rater, people, grade=Grade.QUALIFIED):
    grades = {p.pk: grade for p in people if p.pk != rater.pk}
    return services.mutual_sheet(
        org=county.village_a1, actor=personas.village_a1, year=YEAR, rater=rater, grades=grades
    )


# ------------------------------------------------------------------ mutual assessment


def test_members_rate_each_other_and_the_tallies_go_with_the_grade(county, personas, branch):
    # Two members rate 甲一 excellent, the other two qualified.
    for i, rater in enumerate(branch[1:]):
        grades = {p.pk: Grade.QUALIFIED for p in branch if p.pk != rater.pk}
        grades[branch[0].pk] = Grade.EXCELLENT if i < 2 else Grade.QUALIFIED
        services.mutual_sheet(
            org=county.village_a1, actor=personas.village_a1, year=YEAR, rater=rater, grades=grades
        )
    _sheet(county, personas, branch[0], branch, Grade.BASIC)
    assert MutualRating.objects.count() == 5 * 4
    evaluation_round = EvaluationRound.objects.get(org=county.village_a1, year=YEAR)
    services.mutual_close(evaluation_round=evaluation_round, actor=personas.village_a1)
    first = services.evaluation_record(
        org=county.village_a1, actor=personas.village_a1, year=YEAR, person=branch[0], grade=Grade.QUALIFIED
    )
    assert (first.mutual_excellent, first.mutual_qualified, first.mutual_basic) == (2, 2, 0)
    second = services.evaluation_record(
        org=county.village_a1, actor=personas.village_a1, year=YEAR, person=branch[1], grade=Grade.QUALIFIED
    )
    assert (second.mutual_qualified, second.mutual_basic, second.mutual_unqualified) == (3, 1, 0)


def test_a_member_cannot_rate_themself(county, personas, branch):
    # A complete sheet with the member's own line filled in too.
    grades = {p.pk: Grade.QUALIFIED for p in branch}
    with pytest.raises(ValidationError) as exc:
        services.mutual_sheet(
            org=county.village_a1, actor=personas.village_a1, year=YEAR, rater=branch[1], grades=grades
        )
    assert "甲二不能给自己评价" in _msg(exc)
    assert MutualRating.objects.filter(rater=branch[1]).count() == 0


def test_a_member_rates_only_once(county, personas, branch):
    _sheet(county, personas, branch[0], branch)
    with pytest.raises(ValidationError) as exc:
        _sheet(county, personas, branch[0], branch, Grade.EXCELLENT)
    assert "甲一已提交" in _msg(exc) and "只能互评一次" in _msg(exc)
    assert MutualRating.objects.count() == 4
    assert not MutualRating.objects.filter(grade=Grade.EXCELLENT).exists()


def test_a_sheet_rates_every_other_member_of_the_branch(county, personas, branch):
    with pytest.raises(ValidationError) as exc:
        _sheet(county, personas, branch[0], branch[:3])
    assert "甲四、甲五" in _msg(exc)
    outsider = make_person(county.village_a2, "外村党员")
    with pytest.raises(ValidationError) as exc:
        _sheet(county, personas, branch[0], [*branch, outsider])
    assert "外村党员" in _msg(exc)
    with pytest.raises(ValidationError) as exc:
        _sheet(county, personas, outsider, branch)
    assert "外村党员" in _msg(exc)
    assert not MutualRating.objects.exists()


def test_a_sheet_needs_a_known_grade_and_somebody_to_rate(county, personas, branch):
    grades = {p.pk: Grade.QUALIFIED for p in branch[1:]} | {branch[2].pk: "perfect"}
    with pytest.raises(ValidationError) as exc:
        services.mutual_sheet(
            org=county.village_a1, actor=personas.village_a1, year=YEAR, rater=branch[0], grades=grades
        )
    assert "请为甲三选择等次" in _msg(exc)
    alone = make_person(county.village_b1, "独户党员")
    with pytest.raises(ValidationError) as exc:
        services.mutual_sheet(org=county.village_b1, actor=personas.admin, year=YEAR, rater=alone, grades={})
    assert "没有其他党员可供互评" in _msg(exc)
    assert not MutualRating.objects.exists()


def test_grades_wait_for_the_mutual_assessment_and_no_sheet_follows_them(county, personas, branch):
    def grade():
        return services.evaluation_record(
            org=county.village_a1,
            actor=personas.village_a1,
            year=YEAR,
            person=branch[0],
            grade=Grade.QUALIFIED,
        )

    with pytest.raises(ValidationError) as exc:
        grade()
    assert "尚未结束互评" in _msg(exc)
    _sheet(county, personas, branch[0], branch)
    with pytest.raises(ValidationError):
        grade()  # the mutual step is still open
    assert not Evaluation.objects.exists()
    evaluation_round = EvaluationRound.objects.get()
    services.mutual_close(evaluation_round=evaluation_round, actor=personas.village_a1)
    grade()
    with pytest.raises(ValidationError) as exc:
        _sheet(county, personas, branch[1], branch)
    assert "互评已结束" in _msg(exc)
    with pytest.raises(ValidationError):
        services.mutual_close(evaluation_round=evaluation_round, actor=personas.village_a1)
    assert MutualRating.objects.count() == 4


def test_the_mutual_assessment_closes_only_after_a_sheet(county, personas, branch):
    evaluation_round = EvaluationRound.objects.create(org=county.village_a1, year=YEAR)
    with pytest.raises(ValidationError) as exc:
        services.mutual_close(evaluation_round=evaluation_round, actor=personas.village_a1)
    assert "尚无党员提交互评" in _msg(exc)
    evaluation_round.refresh_from_db()
    assert evaluation_round.status == EvaluationRound.Status.MUTUAL


def test_only_the_branch_and_its_superiors_record_sheets(county, personas, branch):
    with pytest.raises(PermissionDenied):
        services.mutual_sheet(
            org=county.village_a1,
            actor=personas.township_b,
            year=YEAR,
            rater=branch[0],
            grades={p.pk: Grade.QUALIFIED for p in branch[1:]},
        )
    with pytest.raises(ValidationError) as exc:
        services.mutual_sheet(
            org=county.village_a1,
            actor=personas.village_a1,
            year=YEAR + 1,
            rater=branch[0],
            grades={p.pk: Grade.QUALIFIED for p in branch[1:]},
        )
    assert "尚未开始" in _msg(exc)
    assert not MutualRating.objects.exists()


def test_the_mutual_page_records_sheets_refuses_self_rating_and_closes(client, county, personas, branch):
    client.force_login(personas.village_a1)
    url = reverse("orglife:evaluation_mutual") + f"?org={county.village_a1.pk}&year={YEAR}"
    base = {"org": county.village_a1.pk, "year": YEAR, "rater": branch[0].pk}
    grades = {f"g_{p.pk}": "qualified" for p in branch[1:]}
    response = client.post(url, {**base, **grades, f"g_{branch[0].pk}": "excellent"})
    assert response.status_code == 200 and "甲一不能给自己评价" in text(response)
    assert not MutualRating.objects.exists()
    response = client.post(url, {**base, **grades})
    assert response.status_code == 302 and MutualRating.objects.count() == 4
    response = client.post(url, {**base, **grades})
    assert response.status_code == 200 and "只能互评一次" in text(response)
    page = client.get(url)
    assert [p.name for p in page.context["pending"]] == ["甲二", "甲三", "甲四", "甲五"]
    assert 'data-testid="mutual-form"' in text(page)
    # Grading waits: the evaluation page points to the mutual step.
    listing = client.get(reverse("orglife:evaluation_list"), {"org": county.village_a1.pk, "year": YEAR})
    assert 'data-testid="evaluation-mutual-first"' in text(listing)
    assert 'data-testid="evaluation-form"' not in text(listing)
    evaluation_round = EvaluationRound.objects.get()
    response = client.post(reverse("orglife:evaluation_close", args=[evaluation_round.pk]))
    assert response.status_code == 302
    evaluation_round.refresh_from_db()
    assert evaluation_round.status == EvaluationRound.Status.GRADING
    listing = client.get(reverse("orglife:evaluation_list"), {"org": county.village_a1.pk, "year": YEAR})
    assert 'data-testid="evaluation-form"' in text(listing)
    page = client.get(url)
    assert 'data-testid="mutual-form"' not in text(page) and 'data-testid="mutual-close"' not in text(page)


def test_another_township_cannot_close_a_branch_round(client, county, personas, branch):
    _sheet(county, personas, branch[0], branch)
    evaluation_round = EvaluationRound.objects.get()
    client.force_login(personas.township_b)
    response = client.post(reverse("orglife:evaluation_close", args=[evaluation_round.pk]))
    assert response.status_code == 404
    evaluation_round.refresh_from_db()
    assert evaluation_round.status == EvaluationRound.Status.MUTUAL


# ------------------------------------------------------------------ ledger sources


def test_an_unqualified_member_is_followed_under_the_source_organisational_life(county, personas, branch):
    mutual_done(county.village_a1, personas.village_a1, YEAR)
    evaluation = services.evaluation_record(
        org=county.village_a1,
        actor=personas.village_a1,
        year=YEAR,
        person=branch[4],
        grade=Grade.UNQUALIFIED,
        handling="correct",
    )
    item = door.items_of_source(evaluation, personas.township_a).get()
    assert item.item_list.source == "orglife" and item.item_list.get_source_display() == "组织生活"


# ------------------------------------------------------------------ training shortfalls


def _members_target():
    return CoverageTarget.objects.get(audience="members")


def _trained(county, personas, people):
    course = services.course_create(
        org=county.township_a,
        actor=personas.township_a,
        title="冬春训",
        kind="winter_spring",
        starts_on=date(YEAR, 1, 2),
        ends_on=date(YEAR, 1, 6),
        hours=Decimal("40"),
    )
    services.training_record(
        course=course, actor=personas.township_a, entries=[(p, Decimal("40")) for p in people]
    )


def test_who_is_still_missing_becomes_one_item_per_organisation(county, personas, branch):
    others = staff_branch(county.village_a2, names=("乙一", "乙二"), committee=1)
    _trained(county, personas, [branch[0], others[0]])
    deadline = TODAY + timedelta(days=30)
    items = services.coverage_raise_items(
        org=county.township_a,
        target=_members_target(),
        year=YEAR,
        actor=personas.township_a,
        deadline=deadline,
    )
    by_org = {i.org_id: i for i in items}
    assert set(by_org) == {county.village_a1.pk, county.village_a2.pk}
    assert "甲二、甲三、甲四、甲五" in by_org[county.village_a1.pk].description
    assert "乙二" in by_org[county.village_a2.pk].description and "4 人" in by_org[county.village_a1.pk].title
    item_list = items[0].item_list
    assert item_list.source == "training" and item_list.get_source_display() == "教育培训"
    assert item_list.org_id == county.township_a.pk and item_list.status == "issued"
    check = CoverageCheck.objects.get()
    assert check.missing == 5 and check.year == YEAR
    # One action, idempotent: pressing again hands down nothing new.
    again = services.coverage_raise_items(
        org=county.township_a,
        target=_members_target(),
        year=YEAR,
        actor=personas.township_a,
        deadline=deadline,
    )
    assert {i.pk for i in again} == {i.pk for i in items} and CoverageCheck.objects.count() == 1


def test_training_shortfalls_are_refused_when_there_is_nothing_or_no_right(county, personas, branch):
    target = _members_target()
    deadline = TODAY + timedelta(days=30)
    with pytest.raises(PermissionDenied):
        services.coverage_raise_items(
            org=county.village_a1, target=target, year=YEAR, actor=personas.village_a1, deadline=deadline
        )
    with pytest.raises(ValidationError) as exc:
        services.coverage_raise_items(
            org=county.township_a, target=target, year=YEAR, actor=personas.township_a, deadline=TODAY
        )
    assert "整改时限" in _msg(exc)  # the word of the form's field
    with pytest.raises(ValidationError) as exc:
        services.coverage_raise_items(
            org=county.township_a, target=target, year=YEAR + 1, actor=personas.township_a, deadline=deadline
        )
    assert "尚未开始" in _msg(exc)
    _trained(county, personas, branch)
    with pytest.raises(ValidationError) as exc:
        services.coverage_raise_items(
            org=county.township_a, target=target, year=YEAR, actor=personas.township_a, deadline=deadline
        )
    assert "没有未达标" in _msg(exc)
    target.active = False
    target.save()
    with pytest.raises(ValidationError) as exc:
        services.coverage_raise_items(
            org=county.township_a, target=target, year=YEAR, actor=personas.township_a, deadline=deadline
        )
    assert "未启用" in _msg(exc)
    assert not CoverageCheck.objects.exists()


def test_the_coverage_page_hands_down_the_missing_and_the_ledger_shows_the_source(
    client, county, personas, branch
):
    target = _members_target()
    client.force_login(personas.township_a)
    page = client.get(reverse("orglife:training_coverage"), {"org": county.township_a.pk, "year": YEAR})
    assert 'data-testid="coverage-items"' in text(page)
    response = client.post(
        reverse("orglife:coverage_items"),
        {
            "org": county.township_a.pk,
            "year": YEAR,
            "target": target.pk,
            "deadline": (TODAY + timedelta(days=20)).isoformat(),
        },
    )
    assert response.status_code == 302
    check = CoverageCheck.objects.get()
    page = client.get(reverse("orglife:training_coverage"), {"org": county.township_a.pk, "year": YEAR})
    assert reverse("orglife:coverage_check", args=[check.pk]) in text(page)
    detail = client.get(reverse("orglife:coverage_check", args=[check.pk]))
    assert detail.status_code == 200 and text(detail).count('data-testid="check-item"') == 1
    ledger = client.get(reverse("ledger:ledger"), {"source": "training"})
    assert "党员每年集中学习培训不少于32学时" in text(ledger) and "教育培训" in text(ledger)
    # A branch secretary sees no button and may not post it.
    client.force_login(personas.village_a1)
    page = client.get(reverse("orglife:training_coverage"), {"org": county.village_a1.pk, "year": YEAR})
    assert 'data-testid="coverage-items"' not in text(page)
    response = client.post(
        reverse("orglife:coverage_items"),
        {
            "org": county.village_a1.pk,
            "year": YEAR,
            "target": target.pk,
            "deadline": (TODAY + timedelta(days=20)).isoformat(),
        },
    )
    assert response.status_code == 403 and CoverageCheck.objects.count() == 1


def test_the_mutual_page_runs_the_same_queries_for_5_and_30_members(
    client, county, personas, django_assert_num_queries
):
    def sheets(people):
        for rater in people[:3]:
            _sheet(county, personas, rater, people)

    client.force_login(personas.village_a1)
    url = reverse("orglife:evaluation_mutual")
    query = {"org": county.village_a1.pk, "year": YEAR}
    sheets(staff_branch(county.village_a1))
    client.get(url, query)
    with django_assert_num_queries(MUTUAL_PAGE_QUERIES):
        client.get(url, query)
    more = staff_branch(county.village_b1, names=[f"乙{i}" for i in range(30)], committee=0)
    for person in more:  # moved in: the branch's roll grows to 35
        person.org = county.village_a1
        person.save(update_fields=["org"])
    with django_assert_num_queries(MUTUAL_PAGE_QUERIES):
        response = client.get(url, query)
    assert len(response.context["rows"]) == 35


MUTUAL_PAGE_QUERIES = 10
