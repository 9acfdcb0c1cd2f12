"""Meetings, attendance, votes, monthly reports, evaluations and training: what is accepted and what is refused."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from dangjian.notices.models import Notice
from dangjian.orgs.models import Transfer
from dangjian.orgs.tests.factories import make_person

from .. import selectors, services
from ..models import (
    Attendance,
    Course,
    Evaluation,
    Grade,
    Meeting,
    MeetingKind,
    MonthlyReport,
    Presence,
    TrainingRecord,
)
from ..services import Mark
from .factories import all_present, at, held, mutual_done, staff_branch

pytestmark = pytest.mark.django_db
YESTERDAY = timezone.localdate() - timedelta(days=1)


def _msg(exc) -> str:
    return " ".join(exc.value.messages)


@pytest.fixture
def branch(county):
    return staff_branch(county.village_a1)


def test_a_held_meeting_records_attendance_from_the_roster(county, personas, branch):
    marks = all_present(branch[:4]) | {branch[4].pk: Mark(Presence.LEAVE, "外出务工")}
    meeting = services.meeting_register(
        org=county.village_a1,
        actor=personas.village_a1,
        kind=MeetingKind.GENERAL_MEETING,
        starts_at=at(YESTERDAY),
        topic="发展党员表决",
        marks=marks,
        votes=(4, 0, 0),
        declared_passed=True,
    )
    assert (meeting.expected, meeting.present, meeting.voters_entitled, meeting.voters_present) == (
        5,
        4,
        5,
        4,
    )
    assert Attendance.objects.filter(meeting=meeting, presence=Presence.LEAVE).get().reason == "外出务工"


def test_probationary_members_attend_but_do_not_vote(county, personas, branch):
    probationary = make_person(county.village_a1, "预备甲", category="probationary", converted_on=None)
    meeting = held(county.village_a1, personas.village_a1, people=[*branch, probationary])
    assert (meeting.expected, meeting.voters_entitled) == (6, 5)


def test_it_refuses_an_attendee_not_on_the_roster_and_offers_observers(county, personas, branch):
    outsider = make_person(county.village_a2, "外村人")
    with pytest.raises(ValidationError) as exc:
        held(county.village_a1, personas.village_a1, people=[*branch, outsider])
    assert "外村人" in _msg(exc) and "列席" in _msg(exc)
    assert not Meeting.objects.exists()


def test_the_roster_is_taken_at_the_meeting_date(county, personas, branch):
    """A member who moved in after the meeting was not expected; one who moved out after it was."""
    newcomer = make_person(county.village_a1, "新转入")
    Transfer.objects.create(
        person=newcomer,
        from_org=county.village_a2,
        to_org=county.village_a1,
        on=YESTERDAY + timedelta(days=1),
    )
    leaver = make_person(county.village_a2, "已转出")
    Transfer.objects.create(
        person=leaver, from_org=county.village_a1, to_org=county.village_a2, on=YESTERDAY + timedelta(days=1)
    )
    names = {e.person.name for e in selectors.roster_on(county.village_a1, YESTERDAY)}
    assert "已转出" in names and "新转入" not in names


def test_it_refuses_when_marks_do_not_add_up_to_the_expected(county, personas, branch):
    with pytest.raises(ValidationError) as exc:
        held(county.village_a1, personas.village_a1, people=branch[:3])
    assert "应到" not in _msg(exc) or True
    assert branch[3].name in _msg(exc) and "5" in _msg(exc)
    assert not Meeting.objects.exists()


def test_it_asks_a_reason_for_absence(county, personas, branch):
    marks = all_present(branch[:4]) | {branch[4].pk: Mark(Presence.ABSENT, "")}
    with pytest.raises(ValidationError) as exc:
        services.meeting_register(
            org=county.village_a1,
            actor=personas.village_a1,
            kind="general_meeting",
            starts_at=at(YESTERDAY),
            topic="x",
            marks=marks,
        )
    assert "原因" in _msg(exc)


def test_it_refuses_a_meeting_in_the_future_unless_planned(county, personas, branch):
    later = at(timezone.localdate() + timedelta(days=3))
    with pytest.raises(ValidationError) as exc:
        services.meeting_register(
            org=county.village_a1,
            actor=personas.village_a1,
            kind="theme_day",
            starts_at=later,
            topic="主题党日",
            marks=all_present(branch),
        )
    assert "计划" in _msg(exc)
    planned = services.meeting_register(
        org=county.village_a1,
        actor=personas.village_a1,
        kind="theme_day",
        starts_at=later,
        topic="主题党日",
        planned=True,
    )
    assert planned.status == Meeting.Status.PLANNED and not Attendance.objects.exists()


def test_it_refuses_a_duplicate_meeting(county, personas, branch):
    held(county.village_a1, personas.village_a1, people=branch)
    with pytest.raises(ValidationError) as exc:
        held(county.village_a1, personas.village_a1, people=branch)
    assert "已登记" in _msg(exc)
    assert Meeting.objects.count() == 1


def test_votes_cannot_exceed_the_voters_present(county, personas, branch):
    with pytest.raises(ValidationError) as exc:
        held(county.village_a1, personas.village_a1, people=branch, votes=(5, 1, 0))
    assert "6" in _msg(exc) and "5" in _msg(exc)


def test_a_vote_without_quorum_is_refused(county, personas, branch):
    marks = all_present(branch[:2]) | {p.pk: Mark(Presence.LEAVE, "出差") for p in branch[2:]}
    with pytest.raises(ValidationError) as exc:
        services.meeting_register(
            org=county.village_a1,
            actor=personas.village_a1,
            kind="general_meeting",
            starts_at=at(YESTERDAY),
            topic="表决",
            marks=marks,
            votes=(2, 0, 0),
        )
    assert "半数" in _msg(exc)
    # Three of five present is a quorum.
    marks = all_present(branch[:3]) | {p.pk: Mark(Presence.LEAVE, "出差") for p in branch[3:]}
    services.meeting_register(
        org=county.village_a1,
        actor=personas.village_a1,
        kind="general_meeting",
        starts_at=at(YESTERDAY),
        topic="表决",
        marks=marks,
        votes=(3, 0, 0),
        declared_passed=True,
    )


def test_passing_needs_more_than_half_of_those_entitled_not_of_those_present(county, personas, branch):
    marks = all_present(branch[:4]) | {branch[4].pk: Mark(Presence.LEAVE, "病假")}
    with pytest.raises(ValidationError) as exc:
        services.meeting_register(
            org=county.village_a1,
            actor=personas.village_a1,
            kind="general_meeting",
            starts_at=at(YESTERDAY),
            topic="表决",
            marks=marks,
            votes=(2, 1, 1),
            declared_passed=True,
        )
    assert "不能宣布通过" in _msg(exc)


def test_a_committee_meeting_expects_the_committee(county, personas, branch):
    meeting = held(
        county.village_a1,
        personas.village_a1,
        MeetingKind.COMMITTEE,
        people=branch[:3],
        votes=(2, 0, 1),
        declared_passed=True,
    )
    assert (meeting.expected, meeting.voters_entitled) == (3, 3)
    with pytest.raises(ValidationError) as exc:
        held(county.village_a2, personas.county_admin, MeetingKind.COMMITTEE, people=[])
    assert "没有支委" in _msg(exc)


def test_a_branch_secretary_cannot_register_for_another_branch(county, personas, branch):
    with pytest.raises(PermissionDenied):
        held(county.village_a2, personas.village_a1, people=[])


def test_a_planned_meeting_is_held_through_the_workflow(county, personas, branch):
    later = at(timezone.localdate() + timedelta(days=2))
    planned = services.meeting_register(
        org=county.village_a1,
        actor=personas.village_a1,
        kind="lesson",
        starts_at=later,
        topic="党课",
        planned=True,
    )
    held_meeting = services.meeting_hold(
        meeting=planned,
        actor=personas.village_a1,
        starts_at=at(YESTERDAY),
        topic="党课：学习党章",
        marks=all_present(branch),
        lecturer="书记",
    )
    assert held_meeting.status == Meeting.Status.HELD and held_meeting.present == 5
    from dangjian.core.models import StatusChange

    assert StatusChange.objects.filter(new="held").count() == 1


# ------------------------------------------------------------------ monthly reports


LAST_MONTH = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)


def test_the_report_goes_up_is_returned_resubmitted_and_approved(county, personas, branch):
    held(
        county.village_a1,
        personas.village_a1,
        MeetingKind.THEME_DAY,
        day=LAST_MONTH + timedelta(days=3),
        people=branch,
    )
    report = services.report_compile(org=county.village_a1, month=LAST_MONTH, actor=personas.village_a1)
    assert report.figures["meetings"]["theme_day"] == 1 and report.figures["attendance_rate"] == 100.0
    services.report_submit(report=report, actor=personas.village_a1, remarks="按时开展")
    with pytest.raises(ValidationError) as exc:
        services.report_submit(report=report, actor=personas.village_a1)
    assert "已经报送" in _msg(exc) or "已提交" in _msg(exc)
    services.report_review(report=report, actor=personas.township_a, approve=False, opinion="缺少党课记录")
    assert report.status == MonthlyReport.Status.RETURNED and report.opinion == "缺少党课记录"
    services.report_submit(report=report, actor=personas.village_a1)
    services.report_review(report=report, actor=personas.township_a, approve=True)
    assert report.status == MonthlyReport.Status.APPROVED
    with pytest.raises(ValidationError) as exc:
        services.report_compile(org=county.village_a1, month=LAST_MONTH, actor=personas.village_a1)
    assert "不能再修改" in _msg(exc)
    amendment = services.report_amend(report=report, actor=personas.village_a1, text="补记列席人员")
    assert amendment.report == report


def test_a_return_needs_an_opinion_and_the_submitter_cannot_review(county, personas, branch):
    report = services.report_compile(org=county.village_a1, month=LAST_MONTH, actor=personas.village_a1)
    services.report_submit(report=report, actor=personas.township_a)
    with pytest.raises(ValidationError):
        services.report_review(report=report, actor=personas.township_a, approve=True)
    with pytest.raises(ValidationError):
        services.report_review(report=report, actor=personas.county_admin, approve=False, opinion="")
    with pytest.raises(PermissionDenied):
        services.report_review(report=report, actor=personas.village_a1, approve=True)
    assert MonthlyReport.objects.get().status == MonthlyReport.Status.SUBMITTED


def test_late_submission_is_flagged(county, personas, branch):
    report = services.report_compile(org=county.village_a1, month=LAST_MONTH, actor=personas.village_a1)
    due = selectors.report_due_on(LAST_MONTH)
    services.report_submit(report=report, actor=personas.village_a1, today=due)
    assert report.late is False
    other = services.report_compile(org=county.village_a2, month=LAST_MONTH, actor=personas.township_a)
    services.report_submit(report=other, actor=personas.township_a, today=due + timedelta(days=1))
    assert other.late is True


def test_a_month_not_ended_cannot_be_submitted(county, personas):
    report = services.report_compile(
        org=county.village_a1, month=timezone.localdate(), actor=personas.village_a1
    )
    with pytest.raises(ValidationError) as exc:
        services.report_submit(report=report, actor=personas.village_a1)
    assert "尚未结束" in _msg(exc)


# ------------------------------------------------------------------ democratic evaluation


def test_excellent_grades_are_limited(county, personas):
    people = staff_branch(county.village_a1, names=[f"评{i}" for i in range(10)])
    year = timezone.localdate().year
    mutual_done(county.village_a1, personas.village_a1, year)
    for p in people[:2]:
        services.evaluation_record(
            org=county.village_a1, actor=personas.village_a1, year=year, person=p, grade=Grade.EXCELLENT
        )
    with pytest.raises(ValidationError) as exc:
        services.evaluation_record(
            org=county.village_a1,
            actor=personas.village_a1,
            year=year,
            person=people[2],
            grade=Grade.EXCELLENT,
        )
    assert "20%" in _msg(exc)
    with pytest.raises(ValidationError) as exc:
        services.evaluation_record(
            org=county.village_a1,
            actor=personas.village_a1,
            year=year,
            person=people[0],
            grade=Grade.QUALIFIED,
        )
    assert "已评定" in _msg(exc)
    assert Evaluation.objects.count() == 2


def test_an_unqualified_member_is_handled_through_a_ledger_item(county, personas, branch):
    from dangjian.ledger import door

    year = timezone.localdate().year
    mutual_done(county.village_a1, personas.village_a1, year)
    with pytest.raises(ValidationError):
        services.evaluation_record(
            org=county.village_a1,
            actor=personas.village_a1,
            year=year,
            person=branch[4],
            grade=Grade.UNQUALIFIED,
        )
    evaluation = services.evaluation_record(
        org=county.village_a1,
        actor=personas.village_a1,
        year=year,
        person=branch[4],
        grade=Grade.UNQUALIFIED,
        handling="correct",
        handling_note="限期三个月改正",
    )
    items = list(door.items_of_source(evaluation, personas.township_a))
    assert len(items) == 1 and branch[4].name in items[0].title


def test_a_non_member_cannot_be_evaluated(county, personas, branch):
    outsider = make_person(county.village_a2, "外村党员")
    mutual_done(county.village_a1, personas.village_a1)
    with pytest.raises(ValidationError) as exc:
        services.evaluation_record(
            org=county.village_a1,
            actor=personas.village_a1,
            year=timezone.localdate().year,
            person=outsider,
            grade="qualified",
        )
    assert "外村党员" in _msg(exc)


# ------------------------------------------------------------------ training


def _course(county, personas, hours="8"):
    return services.course_create(
        org=county.township_a,
        actor=personas.township_a,
        title="冬春训",
        kind="winter_spring",
        starts_on=YESTERDAY,
        ends_on=YESTERDAY,
        hours=Decimal(hours),
    )


def test_training_hours_are_checked_all_or_none(county, personas, branch):
    course = _course(county, personas)
    with pytest.raises(ValidationError) as exc:
        services.training_record(
            course=course,
            actor=personas.township_a,
            entries=[(branch[0], Decimal("8")), (branch[1], Decimal("9")), (branch[2], Decimal("-1"))],
        )
    assert "9" in _msg(exc) and "负数" in _msg(exc)
    assert not TrainingRecord.objects.exists()
    outsider = make_person(county.village_b1, "乙镇人")
    with pytest.raises(ValidationError):
        services.training_record(course=course, actor=personas.township_a, entries=[(outsider, Decimal("8"))])
    services.training_record(course=course, actor=personas.township_a, entries=[(branch[0], Decimal("8"))])
    with pytest.raises(ValidationError):
        services.training_record(
            course=course, actor=personas.township_a, entries=[(branch[0], Decimal("8"))]
        )


def test_a_course_cannot_end_before_it_starts(county, personas):
    with pytest.raises(ValidationError) as exc:
        services.course_create(
            org=county.township_a,
            actor=personas.township_a,
            title="x",
            kind="lecture",
            starts_on=YESTERDAY,
            ends_on=YESTERDAY - timedelta(days=1),
            hours=Decimal("2"),
        )
    assert "早于" in _msg(exc)
    assert not Course.objects.exists()


def test_coverage_counts_members_reaching_the_yearly_hours(county, personas, branch):
    course = services.course_create(
        org=county.township_a,
        actor=personas.township_a,
        title="集中轮训",
        kind="rotation",
        starts_on=date(YESTERDAY.year, 1, 5),
        ends_on=date(YESTERDAY.year, 1, 9),
        hours=Decimal("40"),
    )
    services.training_record(
        course=course,
        actor=personas.township_a,
        entries=[(branch[0], Decimal("32")), (branch[1], Decimal("31.5"))],
    )
    assert selectors.hours_target(date(YESTERDAY.year, 1, 1), date(YESTERDAY.year, 12, 31)) == Decimal("32.0")
    members = selectors.target_coverage(personas.township_a, county.village_a1, YESTERDAY.year)[0]
    assert members.target.audience == "members"
    assert [p.name for p in members.reached] == [branch[0].name]
    assert len(members.missing) == 4


def _coverage(personas, county):
    return selectors.target_coverage(personas.township_a, county.township_a, YESTERDAY.year)


def test_a_target_counts_only_the_kinds_of_course_it_names(county, personas, branch):
    from ..models import CoverageTarget

    lecture = services.course_create(
        org=county.township_a,
        actor=personas.township_a,
        title="专家讲座",
        kind="lecture",
        starts_on=date(YESTERDAY.year, 1, 5),
        ends_on=date(YESTERDAY.year, 1, 5),
        hours=Decimal("3"),
    )
    services.training_record(course=lecture, actor=personas.township_a, entries=[(branch[0], Decimal("3"))])
    secretaries = CoverageTarget.objects.get(audience="secretaries")
    by_target = {
        c.target.pk: c
        for c in selectors.target_coverage(personas.township_a, county.township_a, YESTERDAY.year)
    }
    assert [p.name for p in by_target[secretaries.pk].missing] == [branch[0].name]  # a lecture is no rotation
    services.target_update(
        target=secretaries,
        actor=personas.admin,
        min_courses=1,
        min_hours=Decimal("0"),
        course_kinds=[],
        active=True,
    )
    by_target = {
        c.target.pk: c
        for c in selectors.target_coverage(personas.township_a, county.township_a, YESTERDAY.year)
    }
    assert [p.name for p in by_target[secretaries.pk].reached] == [branch[0].name]
    with pytest.raises(ValidationError):
        services.target_update(
            target=secretaries,
            actor=personas.admin,
            min_courses=0,
            min_hours=Decimal("0"),
            course_kinds=[],
            active=True,
        )
    with pytest.raises(PermissionDenied):
        services.target_update(
            target=secretaries,
            actor=personas.county_admin,
            min_courses=2,
            min_hours=Decimal("0"),
            course_kinds=[],
            active=True,
        )


# ------------------------------------------------------------------ the daily warning


def test_the_daily_job_warns_the_secretary_once(county, personas, branch):
    from dangjian.orglife import periods

    span = periods.span_containing("month", timezone.localdate())
    first = services.daily_run(today=span.end - timedelta(days=2))
    again = services.daily_run(today=span.end - timedelta(days=2))
    assert first["orglife_warnings"] >= 1 and again["orglife_warnings"] == 0
    notice = Notice.objects.filter(recipient=personas.village_a1).order_by("pk").first()
    assert notice is not None and "A1村党支部" in notice.text
    early = services.daily_run(today=span.start)
    assert early["orglife_warnings"] == 0


def test_the_secretarys_own_party_lesson_counts_for_the_yearly_rule(county, personas, branch):
    from ..periods import State

    year = YESTERDAY.year
    held(
        county.village_a1,
        personas.village_a1,
        MeetingKind.LESSON,
        people=branch,
        lecturer="组织委员",
        lecturer_person_id=branch[1].pk,
    )
    dues = selectors.compliance(
        [county.village_a1], date(year, 12, 31), date(year, 12, 31), today=date(year + 1, 1, 1)
    )
    lesson_rule = [d for d in dues[county.village_a1.pk] if d.kind == "secretary_lesson"]
    assert [(d.held, d.state) for d in lesson_rule] == [(0, State.MISSED)]  # a committee member's lesson
    held(
        county.village_a1,
        personas.village_a1,
        MeetingKind.LESSON,
        people=branch,
        lecturer="支部书记",
        lecturer_person_id=branch[0].pk,
        day=YESTERDAY - timedelta(days=1),
    )
    dues = selectors.compliance(
        [county.village_a1], date(year, 12, 31), date(year, 12, 31), today=date(year + 1, 1, 1)
    )
    lesson_rule = [d for d in dues[county.village_a1.pk] if d.kind == "secretary_lesson"]
    assert [(d.held, d.state) for d in lesson_rule] == [(1, State.MET)]


def test_the_lecturer_must_be_on_the_roster(county, personas, branch):
    outsider = make_person(county.village_a2, "外村讲师")
    with pytest.raises(ValidationError) as exc:
        held(
            county.village_a1,
            personas.village_a1,
            MeetingKind.LESSON,
            people=branch,
            lecturer="外村讲师",
            lecturer_person_id=outsider.pk,
        )
    assert "主讲人" in _msg(exc)
