"""Each rule of the development procedure at its boundary, and every refusal in Chinese with nothing written."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from dangjian.devel import demo, services
from dangjian.devel.models import DevelopmentFile, FileStatus, PublicNotice, StepRecord
from dangjian.devel.rules import add_months, notice_working_days
from dangjian.orgs.models import Person
from dangjian.orgs.tests.factories import make_id, make_person

from .helpers import open_file, quotas, sponsors, walk

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def refused(fn, text, **kw):
    with pytest.raises(ValidationError) as exc:
        fn(**kw)
    message = " ".join(exc.value.messages)
    assert text in message, message
    return message


def step(file, number, actor, day, **data):
    return services.step_record(file=file, number=number, actor=actor, done_on=day, **data)


# ---------------------------------------------------------------- opening a file


def test_an_applicant_under_18_on_the_day_of_application_is_refused(county, personas):
    applied_on = TODAY() - timedelta(days=30)
    birth = applied_on.replace(year=applied_on.year - 18) + timedelta(days=1)
    refused(
        services.file_open,
        "申请入党须年满18周岁",
        org=county.village_a1,
        actor=personas.village_a1,
        name="少年",
        id_number=make_id(birth),
        applied_on=applied_on,
        files=[demo.scan("a.pdf")],
    )
    assert not DevelopmentFile.objects.exists()
    # Eighteen exactly on that day is old enough.
    file = open_file(
        county.village_a1, personas.village_a1, applied_on=applied_on, birth=birth - timedelta(days=1)
    )
    assert file.status == FileStatus.S01


def test_an_applicant_already_a_member_is_refused(county, personas):
    member_id = make_id(date(1990, 1, 1))
    from dangjian.orgs import services as org_services

    org_services.person_create(
        org=county.village_a1,
        actor=personas.village_a1,
        id_number=member_id,
        name="老党员",
        joined_on=date(2015, 7, 1),
        converted_on=date(2016, 7, 1),
    )
    refused(
        services.file_open,
        "已是党员名册中的党员",
        org=county.village_a1,
        actor=personas.village_a1,
        name="老党员",
        id_number=member_id,
        applied_on=TODAY(),
        files=[demo.scan("a.pdf")],
    )
    assert not DevelopmentFile.objects.exists()


def test_the_written_application_must_be_attached(county, personas):
    refused(
        services.file_open,
        "请上传入党申请书",
        org=county.village_a1,
        actor=personas.village_a1,
        name="孙",
        id_number=make_id(date(1999, 1, 1)),
        applied_on=TODAY(),
        files=[],
    )
    assert not Person.objects.filter(name="孙").exists()


def test_the_id_number_is_shown_masked_on_the_file_page(county, personas, client):
    number = make_id(date(1999, 2, 3))
    file = services.file_open(
        org=county.village_a1,
        actor=personas.village_a1,
        name="周申请",
        id_number=number,
        applied_on=TODAY(),
        files=[demo.scan("a.pdf")],
    )
    client.force_login(personas.township_a)
    body = client.get(f"/devel/{file.pk}/").content.decode()
    assert number not in body
    assert Person.objects.get(pk=file.person_id).id_masked in body


# ---------------------------------------------------------------- order and dates


def test_a_step_out_of_order_is_refused(county, personas):
    file = open_file(county.village_a1, personas.village_a1)
    refused(step, "须按步骤顺序进行", file=file, number=3, actor=personas.village_a1, day=file.applied_on)
    assert file.steps.count() == 1


def test_a_step_dated_before_the_previous_one_is_refused(county, personas):
    file = open_file(county.village_a1, personas.village_a1)
    msg = refused(
        step,
        "不能早于上一步骤",
        file=file,
        number=2,
        actor=personas.village_a1,
        day=file.applied_on - timedelta(days=1),
        people="书记",
    )
    assert str(file.applied_on) in msg
    assert DevelopmentFile.objects.get(pk=file.pk).status == FileStatus.S01


def test_the_talk_within_one_month_passes_on_the_last_day_and_fails_a_day_later(county, personas):
    applied_on = TODAY() - timedelta(days=90)
    late = open_file(county.village_a1, personas.village_a1, applied_on=applied_on, name="迟")
    due = add_months(applied_on, 1)
    msg = refused(
        step,
        "1个月内应派人谈话",
        file=late,
        number=2,
        actor=personas.village_a1,
        day=due + timedelta(days=1),
        people="书记",
    )
    assert str(due) in msg and str(applied_on) in msg
    step(late, 2, personas.village_a1, due, people="书记")
    assert DevelopmentFile.objects.get(pk=late.pk).talked_on == due


def _activist(county, personas, people):
    """A file at step 6 whose activist date is known, and a notice that ended in time for step 7."""
    file = walk(open_file(county.village_a1, personas.village_a1), 6, personas, people)
    services.notice_record(
        file=file,
        actor=personas.village_a1,
        before_step=7,
        place="公开栏",
        starts_on=file.applied_on + timedelta(days=330),
        ends_on=file.applied_on + timedelta(days=350),
    )
    services.assessment_record(
        file=file,
        actor=personas.village_a1,
        done_on=file.applied_on + timedelta(days=300),
        note="好",
        files=[demo.scan("考察表.pdf")],
    )
    file.refresh_from_db()
    return file


def test_one_year_as_activist_exactly_passes_and_one_day_less_fails(county, personas):
    people = sponsors(county.village_a1)
    file = _activist(county, personas, people)
    year = add_months(file.activist_on, 12)
    msg = refused(
        step, "培养教育和考察", file=file, number=7, actor=personas.village_a1, day=year - timedelta(days=1)
    )
    assert str(year) in msg
    step(file, 7, personas.village_a1, year)
    assert DevelopmentFile.objects.get(pk=file.pk).candidate_on == year
    from dangjian.core.models import Attachment

    assert Attachment.objects.filter(purpose="step6", name="考察表.pdf").exists()


def test_an_activist_not_assessed_for_over_six_months_cannot_become_a_candidate(county, personas):
    people = sponsors(county.village_a1)
    file = walk(
        open_file(county.village_a1, personas.village_a1), 6, personas, people
    )  # assessed at +150 only
    services.notice_record(
        file=file,
        actor=personas.village_a1,
        before_step=7,
        place="公开栏",
        starts_on=file.applied_on + timedelta(days=360),
        ends_on=file.applied_on + timedelta(days=380),
    )
    refused(
        step,
        "每6个月对入党积极分子进行一次考察",
        file=file,
        number=7,
        actor=personas.village_a1,
        day=file.applied_on + timedelta(days=400),
    )


def test_the_next_assessment_due_exactly_six_months_on_passes_and_one_day_later_fails(county, personas):
    people = sponsors(county.village_a1)
    file = _activist(county, personas, people)
    last = max(file.steps.filter(number=6).values_list("done_on", flat=True))
    due = add_months(last, 6)
    assert due >= add_months(file.activist_on, 12)  # only the assessment rule is at stake here
    msg = refused(
        step,
        "每6个月对入党积极分子进行一次考察",
        file=file,
        number=7,
        actor=personas.village_a1,
        day=due + timedelta(days=1),
    )
    assert str(due) in msg
    assert DevelopmentFile.objects.get(pk=file.pk).status == FileStatus.S06
    step(file, 7, personas.village_a1, due)
    assert DevelopmentFile.objects.get(pk=file.pk).candidate_on == due


# ---------------------------------------------------------------- notices


def test_a_notice_shorter_than_five_working_days_across_a_holiday_is_refused_and_noted(county, personas):
    # National Day 2025: 1–8 October off, Saturday 11 October a working day (调休).
    assert notice_working_days(date(2025, 9, 29), date(2025, 10, 10)) == 4
    assert notice_working_days(date(2025, 9, 29), date(2025, 10, 11)) == 5
    file = open_file(county.village_a1, personas.village_a1, applied_on=date(2025, 9, 1))
    msg = refused(
        services.notice_record,
        "公示期不少于5个工作日",
        file=file,
        actor=personas.village_a1,
        before_step=7,
        place="公开栏",
        starts_on=date(2025, 9, 29),
        ends_on=date(2025, 10, 10),
    )
    assert "只有4个工作日" in msg
    assert not PublicNotice.objects.exists()
    from auditlog.models import LogEntry

    events = [
        (e.additional_data or {}).get("event", "")
        for e in LogEntry.objects.filter(object_pk=str(file.pk), content_type__model="developmentfile")
    ]
    assert any("拒绝记录2025-09-29至2025-10-10的公示" in e for e in events), events
    services.notice_record(
        file=file,
        actor=personas.village_a1,
        before_step=7,
        place="公开栏",
        starts_on=date(2025, 9, 29),
        ends_on=date(2025, 10, 11),
    )
    assert PublicNotice.objects.count() == 1


def test_a_step_after_a_notice_needs_the_notice_ended(county, personas):
    people = sponsors(county.village_a1)
    file = walk(open_file(county.village_a1, personas.village_a1), 6, personas, people)
    services.assessment_record(
        file=file, actor=personas.village_a1, done_on=file.applied_on + timedelta(days=300), note="好"
    )
    refused(
        step,
        "前须进行不少于5个工作日的公示",
        file=file,
        number=7,
        actor=personas.village_a1,
        day=file.applied_on + timedelta(days=400),
    )
    services.notice_record(
        file=file,
        actor=personas.village_a1,
        before_step=7,
        place="公开栏",
        starts_on=file.applied_on + timedelta(days=390),
        ends_on=file.applied_on + timedelta(days=400),
    )
    refused(
        step,
        "须在公示期满后进行",
        file=file,
        number=7,
        actor=personas.village_a1,
        day=file.applied_on + timedelta(days=400),
    )


# ---------------------------------------------------------------- sponsors, training, votes, approval, documents


@pytest.fixture
def at_step_8(county, personas):
    people = sponsors(county.village_a1)
    return walk(open_file(county.village_a1, personas.village_a1), 8, personas, people), people


def test_sponsors_must_be_two_different_full_members(county, personas, at_step_8):
    file, people = at_step_8
    day = file.applied_on + timedelta(days=410)
    probationary = make_person(
        county.village_a1, "吴预备", category="probationary", joined_on=date(2026, 1, 5)
    )
    outsider = make_person(county.village_a1, "郑群众", category="non_member", joined_on=None)
    a = personas.village_a1
    refused(
        step,
        "须由正式党员担任",
        file=file,
        number=9,
        actor=a,
        day=day,
        sponsor_1=people[0],
        sponsor_2=probationary,
    )
    refused(
        step,
        "须由正式党员担任",
        file=file,
        number=9,
        actor=a,
        day=day,
        sponsor_1=outsider,
        sponsor_2=people[0],
    )
    refused(
        step, "不能是同一人", file=file, number=9, actor=a, day=day, sponsor_1=people[0], sponsor_2=people[0]
    )
    assert not file.steps.filter(number=9).exists()
    step(file, 9, a, day, sponsor_1=people[0], sponsor_2=people[1])


def test_training_needs_three_days_or_24_hours(county, personas, at_step_8):
    file, people = at_step_8
    walk(file, 10, personas, people)
    day = file.applied_on + timedelta(days=440)
    a, scan = personas.village_a1, [demo.scan("c.pdf")]
    refused(
        step,
        "不少于3天或24个学时",
        file=file,
        number=11,
        actor=a,
        day=day,
        training_days=2,
        training_hours=23,
        files=scan,
    )
    step(file, 11, a, day, training_days=0, training_hours=24, files=[demo.scan("c.pdf")])


def test_a_step_that_needs_a_document_is_refused_without_it(county, personas, at_step_8):
    file, people = at_step_8
    walk(file, 9, personas, people)
    refused(
        step,
        "须上传政治审查结论材料",
        file=file,
        number=10,
        actor=personas.village_a1,
        day=file.applied_on + timedelta(days=430),
        note="合格",
    )
    assert not file.steps.filter(number=10).exists()


@pytest.fixture
def at_step_14(county, personas):
    quotas(county, personas)
    people = sponsors(county.village_a1)
    file = walk(open_file(county.village_a1, personas.village_a1), 14, personas, people)
    services.notice_record(
        file=file,
        actor=personas.village_a1,
        before_step=15,
        place="公开栏",
        starts_on=file.applied_on + timedelta(days=490),
        ends_on=file.applied_on + timedelta(days=515),
    )
    return file, people


def test_the_vote_needs_a_quorum_and_more_than_half_of_those_entitled(personas, at_step_14):
    file, _ = at_step_14
    day, a = file.applied_on + timedelta(days=520), personas.village_a1

    def vote(present, votes):
        return dict(entitled=20, present=present, votes_for=votes, files=[demo.scan("m.pdf")])

    refused(step, "未达到法定人数", file=file, number=15, actor=a, day=day, **vote(10, 10))
    refused(step, "未获通过", file=file, number=15, actor=a, day=day, **vote(15, 10))
    assert DevelopmentFile.objects.get(pk=file.pk).status == FileStatus.S14
    step(file, 15, a, day, **vote(11, 11))
    file.refresh_from_db()
    assert file.status == FileStatus.S15
    assert file.probation_ends_on == add_months(day, 12)


def test_approval_later_than_three_months_needs_an_extension(personas, at_step_14):
    file, people = at_step_14
    walk(file, 16, personas, people)
    file.refresh_from_db()
    due = add_months(file.vote_on, 3)
    msg = refused(
        step, "3个月内审批", file=file, number=17, actor=personas.township_a, day=due + timedelta(days=1)
    )
    assert str(due) in msg
    step(file, 17, personas.township_a, due + timedelta(days=1), extended_limit=True)
    assert DevelopmentFile.objects.get(pk=file.pk).status == FileStatus.S17


def test_approval_exactly_three_months_after_the_vote_passes_without_an_extension(personas, at_step_14):
    file, people = at_step_14
    walk(file, 16, personas, people)
    file.refresh_from_db()
    step(file, 17, personas.township_a, add_months(file.vote_on, 3))
    assert DevelopmentFile.objects.get(pk=file.pk).status == FileStatus.S17


def test_a_branch_secretary_cannot_approve(personas, at_step_14):
    from django.core.exceptions import PermissionDenied

    file, people = at_step_14
    walk(file, 16, personas, people)
    file.refresh_from_db()
    with pytest.raises(PermissionDenied):
        step(file, 17, personas.village_a1, file.vote_on + timedelta(days=5))
    assert not StepRecord.objects.filter(file=file, number=17).exists()


def test_a_document_of_the_wrong_type_is_refused_and_nothing_is_written(county, personas):
    from django.core.files.uploadedfile import SimpleUploadedFile

    text = SimpleUploadedFile("申请书.exe", b"MZ\x90\x00binary", content_type="application/octet-stream")
    with pytest.raises(ValidationError):
        services.file_open(
            org=county.village_a1,
            actor=personas.village_a1,
            name="错类型",
            id_number=make_id(date(1999, 1, 1)),
            applied_on=TODAY(),
            files=[text],
        )
    assert not DevelopmentFile.objects.exists() and not Person.objects.filter(name="错类型").exists()


def test_a_cancellation_is_approved_only_with_its_reason(county, personas):
    quotas(county, personas)
    people = sponsors(county.village_a1)
    file = walk(open_file(county.village_a1, personas.village_a1), 23, personas, people, outcome="cancel")
    assert file.status == FileStatus.S23 and file.outcome == "cancel"
    day = file.conversion_vote_on + timedelta(days=10)
    refused(step, "请填写取消预备党员资格的原因", file=file, number=24, actor=personas.township_a, day=day)
    assert DevelopmentFile.objects.get(pk=file.pk).status == FileStatus.S23
    step(file, 24, personas.township_a, day, note="经教育仍不履行党员义务")
    assert DevelopmentFile.objects.get(pk=file.pk).status == FileStatus.CANCELLED
