"""Leak-walk rows of organisational life: meetings, reports, evaluations, training (see core/tests/leakwalk.py)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from dangjian.core.tests.leakwalk import (
    api_action,
    api_detail,
    api_list,
    create,
    detail,
    export,
    page,
    session_holds,
    write,
)

VILLAGES = ("village_a1", "village_a2", "village_b1")


def _yesterday():
    return timezone.localdate() - timedelta(days=1)


def _last_month():
    return (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)


def _marks(org, kind, day) -> dict:
    from dangjian.orglife import selectors

    return {f"p_{e.person.pk}": "present" for e in selectors.expected_on(org, kind, day)}


def _meeting(world, key):
    from dangjian.orglife import services
    from dangjian.orglife.services import Mark
    from dangjian.orglife.tests.factories import at

    org, day = world.orgs[key], _yesterday()
    world.get("person", key)
    from dangjian.orglife import selectors

    marks = {e.person.pk: Mark("present") for e in selectors.expected_on(org, "general_meeting", day)}
    topic = f"党员大会议题·{key}"
    meeting = services.meeting_register(
        org=org, actor=world.admin, kind="general_meeting", starts_at=at(day, 9), topic=topic, marks=marks
    )
    return meeting, [topic]


def _planned(world, key):
    from dangjian.orglife import services
    from dangjian.orglife.tests.factories import at

    topic = f"计划党课·{key}"
    meeting = services.meeting_register(
        org=world.orgs[key],
        actor=world.admin,
        kind="lesson",
        starts_at=at(timezone.localdate() + timedelta(days=5), 15),
        topic=topic,
        planned=True,
    )
    return meeting, [topic]


def _report(world, key, *, state="submitted"):
    if key not in VILLAGES:
        return None
    from dangjian.orglife import services

    report = services.report_compile(org=world.orgs[key], month=_last_month(), actor=world.admin)
    remarks = f"月报备注·{state}·{key}"
    if state == "draft":
        return report, []
    services.report_submit(report=report, actor=world.admin, remarks=remarks)
    if state == "approved":
        services.report_review(report=report, actor=world.personas["county_admin"], approve=True)
    return report, [remarks]


def _draft_report(world, key):
    # A draft of the month before last: the submitted report of last month is another record.
    if key not in VILLAGES:
        return None
    from dangjian.orglife import services

    month = (_last_month() - timedelta(days=1)).replace(day=1)
    return services.report_compile(org=world.orgs[key], month=month, actor=world.admin), []


def _approved_report(world, key):
    if key not in VILLAGES:
        return None
    from dangjian.orglife import services

    month = (_last_month() - timedelta(days=40)).replace(day=1)
    report = services.report_compile(org=world.orgs[key], month=month, actor=world.admin)
    remarks = f"已审核月报·{key}"
    services.report_submit(report=report, actor=world.admin, remarks=remarks)
    services.report_review(report=report, actor=world.personas["county_admin"], approve=True)
    return report, [remarks]


def _evaluation(world, key):
    from dangjian.orglife import services
    from dangjian.orglife.tests.factories import mutual_done

    world.get("person", key)
    mutual_done(world.orgs[key], world.admin, timezone.localdate().year)
    text = f"个人自评·{key}"
    evaluation = services.evaluation_record(
        org=world.orgs[key],
        actor=world.admin,
        year=timezone.localdate().year,
        person=world.get("person", key),
        grade="qualified",
        self_assessment=text,
    )
    return evaluation, [text]


def _sheet_data(org, rater, year) -> dict | None:
    """A complete mutual-assessment sheet of ``rater``: every other member of ``org`` rated 合格."""
    from datetime import date

    from dangjian.orglife import selectors

    day = min(date(year, 12, 31), timezone.localdate())
    others = [e.person for e in selectors.roster_on(org, day) if e.person.pk != rater.pk]
    if not others:
        return None
    return {"org": org.pk, "year": year, "rater": rater.pk, **{f"g_{p.pk}": "qualified" for p in others}}


def _second_member(client, world, org, key) -> None:
    """Somebody for the world's member to rate (a branch of one has nobody)."""
    from dangjian.orgs.tests.factories import make_person

    make_person(org, f"互评党员·{key}")


def _round(world, key):
    """A branch's democratic evaluation three years ago, its mutual assessment under way (one sheet in)."""
    from dangjian.orglife import services

    year = timezone.localdate().year - 3
    rater = world.get("person", key)
    if rater is None:
        return None
    _second_member(None, world, world.orgs[key], key)
    data = _sheet_data(world.orgs[key], rater, year)
    grades = {int(k[2:]): v for k, v in data.items() if k.startswith("g_")}
    services.mutual_sheet(org=world.orgs[key], actor=world.admin, year=year, rater=rater, grades=grades)
    from dangjian.orglife.models import EvaluationRound

    return EvaluationRound.objects.get(org=world.orgs[key], year=year), []


def _coverage_check(world, key):
    """Last year's members still short of the yearly hours, handed down as ledger items."""
    if key not in VILLAGES:
        return None
    from dangjian.orglife import services
    from dangjian.orglife.models import Audience, CoverageTarget

    world.get("person", key)
    target = CoverageTarget.objects.filter(audience=Audience.MEMBERS, active=True).first()
    items = services.coverage_raise_items(
        org=world.orgs[key],
        target=target,
        year=timezone.localdate().year - 1,
        actor=world.admin,
        deadline=timezone.localdate() + timedelta(days=30),
    )
    return items[0].source_record, []


def _course(world, key):
    from dangjian.orglife import services

    title = f"培训班·{key}"
    course = services.course_create(
        org=world.orgs[key],
        actor=world.admin,
        title=title,
        kind="lecture",
        starts_on=_yesterday(),
        ends_on=_yesterday(),
        hours=Decimal("4"),
    )
    return course, [title]


def _training(world, key):
    from dangjian.orglife import services

    title = f"已登记培训·{key}"
    course = services.course_create(
        org=world.orgs[key],
        actor=world.admin,
        title=title,
        kind="remote",
        starts_on=_yesterday(),
        ends_on=_yesterday(),
        hours=Decimal("3"),
    )
    record = services.training_record(
        course=course, actor=world.admin, entries=[(world.get("person", key), Decimal("3"))]
    )[0]
    return record, [title]


def _attendance(world, key):
    row = world.get("meeting", key).attendance.order_by("pk").first()
    return (row, []) if row is not None else None


OBJECTS = {
    "meeting": _meeting,
    "attendance": _attendance,
    "planned_meeting": _planned,
    "report": _report,
    "draft_report": _draft_report,
    "approved_report": _approved_report,
    "evaluation": _evaluation,
    "evaluation_round": _round,
    "coverage_check": _coverage_check,
    "course": _course,
    "training": _training,
}


def _new_meeting(world, org, key) -> dict:
    day = _yesterday()
    return {
        "org": org.pk,
        "kind": "theme_day",
        "starts_at": f"{day.isoformat()}T10:30",
        "topic": "走查主题党日",
        "place": "党员活动室",
        **_marks(org, "theme_day", day),
    }


def _hold(world, meeting, key) -> dict:
    day = _yesterday()
    return {
        "kind": "lesson",
        "starts_at": f"{day.isoformat()}T14:00",
        "topic": "走查党课",
        "lecturer": "支部书记",
        **_marks(meeting.org, "lesson", day),
    }


def _compile(world, org, key) -> dict:
    return {"org": org.pk, "month": timezone.localdate().replace(day=1).isoformat()}


def _new_evaluation(world, org, key) -> dict | None:
    person = world.get("person", key)
    if person is None:
        return None
    return {
        "org": org.pk,
        "year": timezone.localdate().year - 1,
        "person": person.pk,
        "grade": "qualified",
        "poll_excellent": 0,
        "poll_qualified": 0,
        "poll_basic": 0,
        "poll_unqualified": 0,
    }


def _close_last_year(client, world, org, key) -> None:
    """Grades follow the mutual assessment: last year's is done and closed before the grade is posted."""
    from dangjian.orglife.tests.factories import mutual_done

    mutual_done(org, world.admin, timezone.localdate().year - 1)


def _new_sheet(world, org, key) -> dict | None:
    person = world.get("person", key)
    if person is None:
        return None
    return _sheet_data(org, person, timezone.localdate().year - 2)


def _coverage_items(world, org, key) -> dict | None:
    from dangjian.orglife.models import Audience, CoverageTarget

    target = CoverageTarget.objects.filter(audience=Audience.MEMBERS, active=True).first()
    return {
        "org": org.pk,
        "year": timezone.localdate().year,
        "target": target.pk,
        "deadline": (timezone.localdate() + timedelta(days=30)).isoformat(),
    }


def _new_course(world, org, key) -> dict:
    day = _yesterday().isoformat()
    return {
        "org": org.pk,
        "title": "走查培训",
        "kind": "lecture",
        "starts_on": day,
        "ends_on": day,
        "hours": "2",
    }


def _hours(world, course, key) -> dict:
    return {f"h_{world.get('person', key).pk}": "2"}


def _rule(world, org, key) -> dict:
    from dangjian.orglife.models import FrequencyRule

    rule = FrequencyRule.objects.get(kind="committee", org_kind="")
    return {"rule": rule.pk, "period": "month", "times": 2, "active": "on"}


def signin_file(people_hours) -> dict:
    """A sign-in sheet (the template's columns) naming ``(person, hours)`` rows, as an upload."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["姓名", "身份证号", "学时"])
    for person, hours in people_hours:
        book.active.append([person.name, "", hours])
    buffer = io.BytesIO()
    book.save(buffer)
    return {"file": SimpleUploadedFile("签到表.xlsx", buffer.getvalue())}


def _signin(world, course, key) -> dict:
    return signin_file([(world.get("person", key), 2)])


def _upload_signin(client, world, course, key) -> None:
    from django.urls import reverse

    client.post(reverse("orglife:signin_upload", args=[course.pk]), _signin(world, course, key))


def _refreshed(response, client) -> bool:
    """Compiling again writes the same figures when nothing changed: the redirect to the report says it ran."""
    return response.status_code == 302 and "/orglife/reports/" in response.get("Location", "")


ROUTES = {
    "orglife:meeting_list": page("meeting"),
    "orglife:meeting_calendar": page("meeting", query={"month": _yesterday().strftime("%Y-%m")}),
    "orglife:meeting_create": create("org", _new_meeting, obj="org"),
    "orglife:meeting_detail": detail(("meeting", "planned_meeting")),
    "orglife:meeting_hold": write("planned_meeting", _hold),
    "orglife:meeting_export": export("meeting"),
    "orglife:compliance": page("org", outside_query={"org": "org"}),
    "orglife:compliance_export": export("org"),
    "orglife:rules": create(None, _rule, allowed=("admin",)),
    "orglife:report_list": page("report", query={"month": _last_month().strftime("%Y-%m")}),
    "orglife:report_compile": create("org", _compile, obj="org"),
    "orglife:report_detail": detail(("report", "draft_report", "approved_report")),
    "orglife:report_refresh": write("draft_report", lambda w, r, k: {}, accepted=_refreshed),
    "orglife:report_submit": write("draft_report", lambda w, r, k: {"remarks": "走查报送"}),
    "orglife:report_review": write("report", lambda w, r, k: {"decision": "return", "opinion": "走查退回"}),
    "orglife:report_amend": write("approved_report", lambda w, r, k: {"text": "走查更正"}),
    "orglife:report_items": write(
        "report", lambda w, r, k: {"deadline": (timezone.localdate() + timedelta(days=30)).isoformat()}
    ),
    "orglife:evaluation_list": create(
        "org", _new_evaluation, obj=("org", "evaluation"), prepare=_close_last_year
    ),
    "orglife:evaluation_detail": detail("evaluation"),
    "orglife:evaluation_mutual": create(
        "org", _new_sheet, outside_query={"org": "org"}, prepare=_second_member
    ),
    "orglife:evaluation_close": write("evaluation_round", lambda w, r, k: {}),
    "orglife:course_list": create("org", _new_course, obj=("org", "course")),
    "orglife:course_detail": write("course", _hours),
    "orglife:signin_upload": write("course", _signin, accepted=session_holds("import_pending")),
    "orglife:signin_confirm": write("course", lambda w, c, k: {}, prepare=_upload_signin),
    "orglife:signin_template": detail("course"),
    "orglife:training_coverage": page(outside_query={"org": "org"}),
    "orglife:coverage_items": create("org", _coverage_items),
    "orglife:coverage_check": detail("coverage_check"),
    "orglife:training_export": export("training"),
    "orglife:person_training": detail("person"),
    "orglife-meeting-list": api_list("meeting"),
    "orglife-meeting-detail": api_detail(("meeting", "planned_meeting")),
    "orglife-attendance-list": api_list("person"),
    "orglife-attendance-detail": api_detail("attendance"),
    "orglife-report-list": api_list("report"),
    "orglife-report-detail": api_detail(("report", "draft_report", "approved_report")),
    "orglife-report-move": api_action("report", lambda w, r, k: {"to": "returned", "note": "接口退回"}),
    "orglife-course-list": api_list("course"),
    "orglife-course-detail": api_detail("course"),
    "orglife-training-list": api_list("training"),
    "orglife-training-detail": api_detail("training"),
}
