"""Pages of organisational life: real form posts, refusals shown on the page, roll-ups, exports, pinned queries."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from dangjian.core import indicators
from dangjian.core.indicators import Period

from .. import selectors, services
from ..models import RULE_KINDS, Attendance, Evaluation, Meeting, MeetingKind, MonthlyReport, TrainingRecord
from ..periods import month_end
from .factories import held, mutual_done, staff_branch

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
YESTERDAY = TODAY - timedelta(days=1)
LAST_MONTH = (TODAY.replace(day=1) - timedelta(days=1)).replace(day=1)


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def branch(county):
    return staff_branch(county.village_a1)


def _meeting_post(org, people, **extra) -> dict:
    data = {
        "org": org.pk,
        "kind": "committee",
        "starts_at": f"{YESTERDAY.isoformat()}T19:30",
        "topic": "研究发展党员",
        "votes_for": "3",
        "votes_against": "0",
        "votes_abstain": "0",
        "declared_passed": "on",
    }
    data.update({f"p_{p.pk}": "present" for p in people})
    data.update(extra)
    return data


def test_the_secretary_registers_a_committee_meeting_with_attendance_and_a_vote(
    client, county, personas, branch
):
    client.force_login(personas.village_a1)
    step = client.get(
        reverse("orglife:meeting_create"),
        {"org": county.village_a1.pk, "kind": "committee", "starts_at": f"{YESTERDAY}T19:30"},
    )
    # The expected list is the committee on that day: three names, and the rest of the roster not.
    assert [e.person.name for e, _m in step.context["rows"]] == [
        p.name for p in sorted(branch[:3], key=lambda p: p.name_pinyin)
    ]
    from dangjian.core.tests.files import upload

    data = _meeting_post(county.village_a1, branch[:3]) | {"files": [upload("会议照片.png")]}
    response = client.post(reverse("orglife:meeting_create"), data)
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "orglife:meeting_detail", args=[meeting.pk]
    )
    assert (meeting.expected, meeting.present, meeting.votes_for, meeting.declared_passed) == (3, 3, 3, True)
    page = text(client.get(reverse("orglife:meeting_detail", args=[meeting.pk])))
    from dangjian.core.models import Attachment

    assert Attachment.objects.count() == 1, list(Attachment.objects.values())
    assert "赞成 3、反对 0、弃权 0" in page and branch[0].name in page and "会议照片.png" in page


def test_a_refused_meeting_shows_the_chinese_reason_and_writes_nothing(client, county, personas, branch):
    client.force_login(personas.village_a1)
    outsider_data = _meeting_post(county.village_a1, branch[:3], votes_for="4")
    response = client.post(reverse("orglife:meeting_create"), outsider_data)
    assert response.status_code == 200
    assert "表决票数（4）超过了到会有表决权的党员人数（3）" in text(response)
    assert not Meeting.objects.exists() and not Attendance.objects.exists()


def test_a_secretary_cannot_name_another_branch(client, county, personas, branch):
    client.force_login(personas.village_a1)
    response = client.post(reverse("orglife:meeting_create"), _meeting_post(county.village_a2, []))
    assert response.status_code == 200 and not Meeting.objects.exists()


def test_the_meeting_list_runs_a_fixed_number_of_queries(
    client, county, personas, branch, django_assert_num_queries
):
    client.force_login(personas.county_admin)
    for i in range(3):
        held(
            county.village_a1,
            personas.county_admin,
            MeetingKind.THEME_DAY,
            day=YESTERDAY - timedelta(days=i),
            people=branch,
        )
    client.get(reverse("orglife:meeting_list"))
    with django_assert_num_queries(MEETING_LIST_QUERIES):
        client.get(reverse("orglife:meeting_list"))
    for i in range(3, 33):
        held(
            county.village_a1,
            personas.county_admin,
            MeetingKind.THEME_DAY,
            day=YESTERDAY - timedelta(days=i),
            people=branch,
        )
    with django_assert_num_queries(MEETING_LIST_QUERIES):
        response = client.get(reverse("orglife:meeting_list"))
    assert len(response.context["page"]) == 33


MEETING_LIST_QUERIES = 5
COMPLIANCE_QUERIES = 9


def _county_with_meetings(county, personas, n_branches, *, more=False):
    """A1 (unless ``more``) and new villages under A; each holds last month's theme day."""
    from dangjian.orgs.tests.factories import make_org

    first = 100 if more else 3
    villages = ([] if more else [county.village_a1]) + [
        make_org(county.township_a, f"中共A{i}村支部委员会", short_name=f"A{i}村党支部")
        for i in range(first, first + n_branches - (0 if more else 1))
    ]
    for v in villages:
        people = staff_branch(v, names=("一", "二", "三"), prefix=f"{v.pk}号")
        held(
            v, personas.county_admin, MeetingKind.THEME_DAY, day=LAST_MONTH + timedelta(days=2), people=people
        )
    return villages


def test_the_compliance_roll_up_runs_the_same_queries_for_3_and_30_branches(
    client, county, personas, django_assert_num_queries
):
    client.force_login(personas.county_admin)
    _county_with_meetings(county, personas, 3)
    url = reverse("orglife:compliance") + f"?org={county.township_a.pk}"
    client.get(url)
    with django_assert_num_queries(COMPLIANCE_QUERIES):
        client.get(url)
    _county_with_meetings(county, personas, 30, more=True)
    with django_assert_num_queries(COMPLIANCE_QUERIES):
        response = client.get(url)
    assert len(response.context["rows"]) == 2 + 2 + 30  # A1, A2 and the new villages


def test_the_roll_up_counts_met_and_missed_periods_per_subtree(county, personas):
    villages = _county_with_meetings(county, personas, 2)
    rows = selectors.rollup(
        [county.county, county.township_a, county.township_b], LAST_MONTH, month_end(LAST_MONTH)
    )
    by_org = {r.org.pk: r for r in rows}
    a = by_org[county.township_a.pk]
    # A1, A2 and the new village: theme day met twice (A1, new), missed once (A2); committee missed by all three.
    assert a.branches == 3
    assert a.missed["theme_day"] == 1 and a.missed["committee"] == 3
    assert by_org[county.county.pk].branches == 4  # B1 too
    assert by_org[county.township_b.pk].met == 0
    assert len(villages) == 2
    # The page's "missed" badges: each kind with any, in the order of the rules, with its number.
    labels = dict(RULE_KINDS)
    assert {(labels["committee"], 3), (labels["theme_day"], 1)} <= set(a.missed_by_kind)


def test_the_roll_up_page_shows_each_missed_kind_once_with_its_number(client, county, personas):
    _county_with_meetings(county, personas, 2)
    client.force_login(personas.county_admin)
    month = f"{LAST_MONTH:%Y-%m}"
    html = client.get(
        reverse("orglife:compliance") + f"?org={county.county.pk}&month={month}"
    ).content.decode()
    row = html.split(f'data-org="{county.township_a.pk}"', 1)[1].split("</tr>", 1)[0]
    committee = str(dict(RULE_KINDS)["committee"])
    theme_day = str(dict(RULE_KINDS)["theme_day"])
    assert f"{committee} 3</span>" in row and f"{theme_day} 1</span>" in row
    assert row.count(f"{committee} ") == 1 and row.count(f"{theme_day} ") == 1
    kinds = [k for k, _label in RULE_KINDS]
    first, second = sorted(["committee", "theme_day"], key=kinds.index)
    assert row.index(str(dict(RULE_KINDS)[first])) < row.index(str(dict(RULE_KINDS)[second]))


def test_the_indicator_reads_the_same_roll_up(county, personas):
    _county_with_meetings(county, personas, 1)
    period = Period.month(LAST_MONTH.year, LAST_MONTH.month)
    values = indicators.compute(
        "orglife.meeting_completion_rate", [county.village_a1, county.village_a2], period
    )
    rules_due = len(selectors.compliance([county.village_a1], period.start, period.end)[county.village_a1.pk])
    met = sum(
        d.met
        for d in selectors.compliance([county.village_a1], period.start, period.end)[county.village_a1.pk]
    )
    assert values[county.village_a1.pk] == round(100.0 * met / rules_due, 1) and met == 1
    assert values[county.village_a2.pk] == 0.0


def test_the_training_coverage_indicator_counts_members_reaching_the_target(county, personas, branch):
    course = services.course_create(
        org=county.township_a,
        actor=personas.township_a,
        title="轮训",
        kind="rotation",
        starts_on=date(TODAY.year, 1, 2),
        ends_on=date(TODAY.year, 1, 6),
        hours=Decimal("40"),
    )
    services.training_record(course=course, actor=personas.township_a, entries=[(branch[0], Decimal("40"))])
    values = indicators.compute(
        "orglife.training_coverage_rate",
        [county.village_a1, county.township_a, county.township_b],
        Period.year(TODAY.year),
    )
    assert values[county.village_a1.pk] == 20.0 and values[county.township_a.pk] == 20.0
    assert values[county.township_b.pk] is None  # no members: no figure


def test_the_report_journey_through_the_pages(client, county, personas, branch):
    held(
        county.village_a1,
        personas.village_a1,
        MeetingKind.THEME_DAY,
        day=LAST_MONTH + timedelta(days=5),
        people=branch,
    )
    client.force_login(personas.village_a1)
    client.post(
        reverse("orglife:report_compile"), {"org": county.village_a1.pk, "month": LAST_MONTH.isoformat()}
    )
    report = MonthlyReport.objects.get()
    client.post(reverse("orglife:report_submit", args=[report.pk]), {"remarks": "按时开展"})
    again = client.post(reverse("orglife:report_submit", args=[report.pk]), {"remarks": "再次"}, follow=True)
    assert "该月报已提交，不能重复报送" in text(again)
    client.force_login(personas.township_a)
    detail = client.get(reverse("orglife:report_detail", args=[report.pk]))
    assert detail.context["can_review"] and "按时开展" in text(detail)
    client.post(
        reverse("orglife:report_review", args=[report.pk]), {"decision": "return", "opinion": "补充党课记录"}
    )
    report.refresh_from_db()
    assert report.status == "returned" and report.opinion == "补充党课记录"
    client.force_login(personas.village_a1)
    client.post(reverse("orglife:report_submit", args=[report.pk]), {"remarks": "已补充"})
    client.force_login(personas.township_a)
    client.post(reverse("orglife:report_review", args=[report.pk]), {"decision": "approve", "opinion": ""})
    report.refresh_from_db()
    assert report.status == "approved"
    # Missed rules become ledger items in one action, at the township's side.
    client.post(
        reverse("orglife:report_items", args=[report.pk]),
        {"deadline": (TODAY + timedelta(days=30)).isoformat()},
    )
    from dangjian.ledger import door

    titles = [i.title for i in door.items_of_source(report, personas.township_a)]
    assert any("支委会未按期开展" in t for t in titles)


def test_the_secretary_cannot_review_her_own_branch(client, county, personas):
    report = services.report_compile(org=county.village_a1, month=LAST_MONTH, actor=personas.village_a1)
    services.report_submit(report=report, actor=personas.village_a1)
    client.force_login(personas.village_a1)
    response = client.post(
        reverse("orglife:report_review", args=[report.pk]), {"decision": "approve", "opinion": ""}
    )
    assert response.status_code == 403
    assert MonthlyReport.objects.get().status == "submitted"


def test_the_meeting_ledger_exports_in_the_users_scope(client, county, personas, branch):
    held(county.village_a1, personas.county_admin, people=branch, topic="甲村会议")
    people_b = staff_branch(county.village_b1, names=("乙一", "乙二", "乙三"))
    held(county.village_b1, personas.county_admin, people=people_b, topic="乙村会议")
    client.force_login(personas.township_a)
    response = client.get(reverse("orglife:meeting_export"), {"year": YESTERDAY.year})
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0][0] == "组织" and [r[7] for r in rows[1:]] == ["甲村会议"]


def test_the_evaluation_page_grades_a_member_and_refuses_over_the_limit(client, county, personas, branch):
    client.force_login(personas.village_a1)
    mutual_done(county.village_a1, personas.village_a1, TODAY.year)
    url = reverse("orglife:evaluation_list") + f"?org={county.village_a1.pk}&year={TODAY.year}"
    data = {
        "org": county.village_a1.pk,
        "year": TODAY.year,
        "grade": "excellent",
        "poll_excellent": 3,
        "poll_qualified": 2,
        "poll_basic": 0,
        "poll_unqualified": 0,
    }
    response = client.post(url, {**data, "person": branch[0].pk})
    assert response.status_code == 302 and Evaluation.objects.get().person == branch[0]
    # Five members: 20 % allows one excellent grade.
    response = client.post(url, {**data, "person": branch[1].pk})
    assert response.status_code == 200 and "本支部 5 名党员最多 1 名，已评定 1 名" in text(response)
    assert Evaluation.objects.count() == 1
    page = client.get(url)
    assert branch[0] not in page.context["roster"] and branch[1] in page.context["roster"]


def test_a_refused_grade_for_one_branch_does_not_become_the_list_of_every_grade(
    client, county, personas, branch
):
    """A post names its branch in its body, not in the query string: the grades listed under it are that
    branch's, and the kept list's key names the branch, so the next visit without one lists every grade
    (keyed by the query string alone, it listed only the posted branch's from then on)."""
    year = TODAY.year
    polls = {"poll_excellent": 0, "poll_qualified": 5, "poll_basic": 0, "poll_unqualified": 0}
    for org, people in ((county.village_a1, branch), (county.village_b1, staff_branch(county.village_b1))):
        mutual_done(org, personas.county_admin, year)
        services.evaluation_record(
            org=org, actor=personas.county_admin, year=year, person=people[0], grade="qualified", **polls
        )
    client.force_login(personas.county_admin)
    url = reverse("orglife:evaluation_list") + f"?year={year}"
    refused = client.post(url, {"org": county.village_a1.pk, "year": year, "grade": "qualified", **polls})
    assert refused.status_code == 200 and {e.org for e in refused.context["page"]} == {county.village_a1}
    every = client.get(url)
    assert {e.org for e in every.context["page"]} == {county.village_a1, county.village_b1}


def test_the_list_of_every_grade_builds_no_grading_form(client, county, personas, branch):
    """Without a branch chosen the page lists grades and says to open a branch; the grading form (its
    organisation choices a query to build) is built only for a branch or a post."""
    client.force_login(personas.county_admin)
    page = client.get(reverse("orglife:evaluation_list"))
    assert page.status_code == 200 and page.context["form"] is None
    assert 'data-testid="evaluation-form"' not in text(page)
    assert page.context["page"] is not None


def test_the_coverage_page_lists_who_is_missing_for_each_target(client, county, personas, branch):
    course = services.course_create(
        org=county.township_a,
        actor=personas.township_a,
        title="书记轮训",
        kind="rotation",
        starts_on=date(TODAY.year, 1, 2),
        ends_on=date(TODAY.year, 1, 6),
        hours=Decimal("40"),
    )
    services.training_record(course=course, actor=personas.township_a, entries=[(branch[0], Decimal("40"))])
    client.force_login(personas.township_a)
    response = client.get(
        reverse("orglife:training_coverage"), {"org": county.township_a.pk, "year": TODAY.year}
    )
    by_label = {c.target.label: c for c, _check in response.context["targets"]}
    members = by_label["党员每年集中学习培训不少于32学时"]
    assert [p.name for p in members.reached] == [branch[0].name] and len(members.missing) == 4
    secretaries = by_label["党组织书记每年至少参加1次集中培训"]
    assert [p.name for p in secretaries.people] == [branch[0].name] and secretaries.rate == 100.0
    assert "5 人中 1 人达标" in text(response)


@pytest.mark.parametrize(
    "name", ["MeetingForm", "ReportCompileForm", "EvaluationForm", "MutualSheetForm", "CourseForm"]
)
def test_the_organisation_select_of_each_form_is_styled_like_its_other_fields(county, personas, name):
    from .. import forms as orglife_forms

    form = getattr(orglife_forms, name)(user=personas.township_a)
    assert form.fields["org"].widget.attrs.get("class") == "form-select"
    assert 'class="form-select"' in str(form["org"])


def test_the_course_page_records_hours_for_a_branch(client, county, personas, branch):
    course = services.course_create(
        org=county.township_a,
        actor=personas.township_a,
        title="专题讲座",
        kind="lecture",
        starts_on=YESTERDAY,
        ends_on=YESTERDAY,
        hours=Decimal("3"),
    )
    client.force_login(personas.township_a)
    page = client.get(reverse("orglife:course_detail", args=[course.pk]), {"branch": county.village_a1.pk})
    assert len(page.context["candidates"]) == 5
    client.post(
        reverse("orglife:course_detail", args=[course.pk]),
        {f"h_{branch[0].pk}": "3", f"h_{branch[1].pk}": "4"},
    )
    assert not TrainingRecord.objects.exists()  # 4 > 3 hours: all or none
    client.post(
        reverse("orglife:course_detail", args=[course.pk]),
        {f"h_{branch[0].pk}": "3", f"h_{branch[1].pk}": "2.5"},
    )
    assert TrainingRecord.objects.count() == 2


def test_the_organisation_page_shows_the_panel(client, county, personas, branch):
    held(county.village_a1, personas.county_admin, people=branch, topic="面板会议")
    client.force_login(personas.township_a)
    page = text(client.get(reverse("orgs:org_detail", args=[county.village_a1.pk])))
    assert 'data-testid="orglife-panel"' in page and "面板会议" in page
    client.force_login(personas.member)
    page = text(client.get(reverse("orgs:org_detail", args=[county.village_a1.pk])))
    assert "面板会议" not in page


def test_the_calendar_shows_planned_and_held_meetings_by_day(client, county, personas, branch):
    later = TODAY + timedelta(days=3)
    services.meeting_register(
        org=county.village_a1,
        actor=personas.village_a1,
        kind="lesson",
        starts_at=timezone.make_aware(timezone.datetime(later.year, later.month, later.day, 15)),
        topic="计划中的党课",
        planned=True,
    )
    client.force_login(personas.village_a1)
    response = client.get(reverse("orglife:meeting_calendar"), {"month": later.strftime("%Y-%m")})
    assert [[m.topic for m in ms] for d, ms in response.context["days"]] == [["计划中的党课"]]
    assert response.context["days"][0][0] == later.day
    client.force_login(personas.township_b)
    response = client.get(reverse("orglife:meeting_calendar"), {"month": later.strftime("%Y-%m")})
    assert response.context["days"] == [] and "计划中的党课" not in text(response)


def test_the_report_list_names_the_branches_that_have_not_submitted(client, county, personas):
    report = services.report_compile(org=county.village_a1, month=LAST_MONTH, actor=personas.village_a1)
    services.report_submit(report=report, actor=personas.village_a1)
    services.report_compile(org=county.village_a2, month=LAST_MONTH, actor=personas.township_a)
    client.force_login(personas.township_a)
    response = client.get(reverse("orglife:report_list"), {"month": LAST_MONTH.strftime("%Y-%m")})
    assert response.context["missing"] == ["A2村党支部"]
    assert ("已提交", 1) in [(str(label), n) for label, n in response.context["counts"]]
    client.force_login(personas.county_admin)
    response = client.get(reverse("orglife:report_list"), {"month": LAST_MONTH.strftime("%Y-%m")})
    assert sorted(response.context["missing"]) == ["A2村党支部", "B1村党支部"]


def test_the_report_list_compiles_its_queries_once_and_reads_each_visit_s_reports(client, county, personas):
    """The reports, the branches owing theirs and their number are kept queries (per user, scope and month):
    a second visit builds and compiles none of them, nor the form's organisation choices (``OrgChoiceField(key=)``),
    yet shows a report submitted since."""
    from dangjian.core.tests.spies import compiled_tables

    month = {"month": LAST_MONTH.strftime("%Y-%m")}
    client.force_login(personas.township_a)
    assert client.get(reverse("orglife:report_list"), month).context["missing"] == [
        "A1村党支部",
        "A2村党支部",
    ]
    report = services.report_compile(org=county.village_a1, month=LAST_MONTH, actor=personas.village_a1)
    services.report_submit(report=report, actor=personas.village_a1)
    with (
        compiled_tables() as compiled,
        mock.patch.object(selectors, "owing_reports", wraps=selectors.owing_reports) as owing,
    ):
        response = client.get(reverse("orglife:report_list"), month)
    assert response.context["missing"] == ["A2村党支部"] and [r.pk for r in response.context["reports"]] == [
        report.pk
    ]
    assert "orglife_monthlyreport" not in compiled and "orgs_organisation" not in compiled, compiled
    assert not owing.called  # nor is the owing branches' ORM query built, only to be thrown away
    client.force_login(personas.township_b)
    response = client.get(reverse("orglife:report_list"), month)
    assert response.context["missing"] == ["B1村党支部"] and response.context["reports"] == []


def test_the_report_list_counts_every_branch_not_submitted_names_the_first_and_keeps_its_title_plain(
    client, county, personas, monkeypatch
):
    """The page names the first branches (a county owes ~700 reports) and says how many more; the count
    is every branch, not the names shown; the browser title and the heading are words, not the list."""
    from .. import views

    monkeypatch.setattr(views, "MISSING_SHOWN", 1)
    client.force_login(personas.county_admin)
    response = client.get(reverse("orglife:report_list"), {"month": LAST_MONTH.strftime("%Y-%m")})
    body = text(response)
    assert response.context["missing"] == ["A1村党支部"]
    assert response.context["missing_total"] == 3 and "未报送 <b>3</b>" in body
    assert "另有 2 个" in response.content.decode()
    title = response.content.decode().split("<title>", 1)[1].split("</title>", 1)[0]
    assert "尚未报送" not in title and "<div" not in title
    assert response.content.decode().count('data-testid="report-missing"') == 1


def test_an_administrator_adds_a_rule_for_one_organisation_kind(client, county, personas):
    from ..models import FrequencyRule

    client.force_login(personas.admin)
    data = {"kind": "general_meeting", "org_kind": "joint_branch", "period": "month", "times": 1}
    client.post(reverse("orglife:rules"), data)
    assert selectors.rules_by_org_kind()["joint_branch"]["general_meeting"] == ("month", 1)
    assert selectors.rules_by_org_kind()["branch"]["general_meeting"] == ("quarter", 1)
    again = client.post(reverse("orglife:rules"), data, follow=True)
    assert (
        "已有单独规定" in text(again) and FrequencyRule.objects.filter(org_kind="joint_branch").count() == 1
    )
    client.force_login(personas.county_admin)
    assert client.post(reverse("orglife:rules"), {**data, "org_kind": "general_branch"}).status_code == 403


def _many(county, personas, n):
    """``n`` villages under A, each with three members, a held theme day last month, a submitted report,
    a grade and training hours."""
    from dangjian.orgs.tests.factories import make_org

    course = services.course_create(
        org=county.township_a,
        actor=personas.township_a,
        title=f"轮训{n}",
        kind="rotation",
        starts_on=LAST_MONTH,
        ends_on=LAST_MONTH,
        hours=Decimal("8"),
    )
    for i in range(n):
        v = make_org(county.township_a, f"中共N{n}-{i}村支部委员会", short_name=f"N{n}-{i}村党支部")
        people = staff_branch(v, names=("一", "二", "三"), prefix=f"{v.pk}号")
        held(
            v, personas.county_admin, MeetingKind.THEME_DAY, day=LAST_MONTH + timedelta(days=2), people=people
        )
        report = services.report_compile(org=v, month=LAST_MONTH, actor=personas.county_admin)
        services.report_submit(report=report, actor=personas.county_admin)
        mutual_done(v, personas.county_admin, TODAY.year)
        services.evaluation_record(
            org=v, actor=personas.county_admin, year=TODAY.year, person=people[0], grade="qualified"
        )
        services.training_record(
            course=course, actor=personas.county_admin, entries=[(p, Decimal("8")) for p in people]
        )


@pytest.mark.parametrize(
    ("name", "query", "expected"),
    [
        ("orglife:report_list", lambda c: {"month": LAST_MONTH.strftime("%Y-%m")}, 6),
        # The evaluations and the courses are paged: a count and the page's rows.
        ("orglife:evaluation_list", lambda c: {"year": TODAY.year}, 5),
        ("orglife:course_list", lambda c: {"year": LAST_MONTH.year}, 6),
        ("orglife:meeting_calendar", lambda c: {"month": LAST_MONTH.strftime("%Y-%m")}, 4),
        ("orglife:training_coverage", lambda c: {"org": c.township_a.pk, "year": LAST_MONTH.year}, 10),
        ("orglife:meeting_export", lambda c: {"year": LAST_MONTH.year}, 3),
        ("orglife:training_export", lambda c: {"year": LAST_MONTH.year}, 3),
        ("orglife:compliance_export", lambda c: {"year": LAST_MONTH.year}, 7),
    ],
)
def test_lists_and_exports_run_a_fixed_number_of_queries(
    client, county, personas, django_assert_num_queries, name, query, expected
):
    client.force_login(personas.county_admin)
    _many(county, personas, 3)
    url = reverse(name)
    client.get(url, query(county))
    with django_assert_num_queries(expected):
        client.get(url, query(county))
    _many(county, personas, 30)
    with django_assert_num_queries(expected):
        response = client.get(url, query(county))
    assert response.status_code == 200
