"""Village cadres: duty arithmetic across holidays and 调休, check-in, leave, reports, first secretaries."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from dangjian.core.indicators import Period
from dangjian.core.models import Parameter
from dangjian.village import selectors, services
from dangjian.village.indicators import duty_compliance, first_secretary_short_months, late_reports
from dangjian.village.models import CheckIn, HolidayDuty, Leave, MajorMatterReport, OfficeRota

from .builders import build_cadres, report_kind

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def cadres(county, personas):
    return build_cadres(county, personas)


def at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=TZ)


def rota(post, *weekdays, since=date(2026, 1, 1)):
    for w in weekdays:
        OfficeRota.objects.create(org=post.org, person=post.person, weekday=w, active_from=since)


def village_rows(user, day, org):
    return {r.name: r for r in selectors.rota_day(user, day, [org])[0].rows}


# --- who is due ---


def test_a_working_saturday_takes_the_monday_rota_and_a_holiday_only_the_holiday_duty(
    cadres, county, personas
):
    rota(cadres.secretary_a1, 1)  # Monday
    rota(cadres.director_a1, 4)  # Thursday
    HolidayDuty.objects.create(
        org=county.village_a1, person=cadres.first_secretary_a1.person, day=date(2026, 10, 1)
    )
    saturday_worked = village_rows(personas.admin, date(2026, 10, 10), county.village_a1)  # 调休上班
    assert (saturday_worked["赵书记"].due, saturday_worked["钱主任"].due) == (True, False)
    national_day = village_rows(personas.admin, date(2026, 10, 1), county.village_a1)  # a Thursday, a holiday
    assert (national_day["钱主任"].due, national_day["孙第一书记"].due) == (False, True)
    plain_saturday = village_rows(personas.admin, date(2026, 10, 17), county.village_a1)
    assert not any(r.due for r in plain_saturday.values())


def test_the_rota_day_separates_checked_in_on_leave_and_missing(cadres, county, personas):
    monday = date(2026, 11, 2)
    rota(cadres.secretary_a1, 1)
    rota(cadres.director_a1, 1)
    rota(cadres.first_secretary_a1, 1)
    CheckIn.objects.create(
        org=county.village_a1, person=cadres.secretary_a1.person, day=monday, at=at(monday)
    )
    Leave.objects.create(
        org=county.village_a1,
        person=cadres.director_a1.person,
        starts_on=monday,
        ends_on=monday,
        reason="病假",
        level="village",
        status=Leave.Status.APPROVED,
    )
    day = selectors.rota_day(personas.township_a, monday, [county.village_a1])[0]
    assert (day.due, day.checked, day.on_leave, day.missing) == (3, 1, 1, 1)
    assert [r.name for r in day.rows if r.missing] == ["孙第一书记"]


def test_duty_compliance_counts_holidays_and_makeup_days_and_leaves_out_leave(cadres, county):
    # 2026-09-28 (Mon) … 2026-10-11 (Sun): working days Sep 28–30, Oct 8 (Thu), Oct 9 (Fri) and
    # Oct 10 (Sat, 调休: the Monday rota); Oct 1–7 are the National Day holiday.
    rota(cadres.secretary_a1, 1, 2, 3, 4, 5)
    HolidayDuty.objects.create(
        org=county.village_a1, person=cadres.secretary_a1.person, day=date(2026, 10, 3)
    )
    for day in (date(2026, 9, 28), date(2026, 9, 29), date(2026, 10, 3), date(2026, 10, 10)):
        CheckIn.objects.create(org=county.village_a1, person=cadres.secretary_a1.person, day=day, at=at(day))
    Leave.objects.create(
        org=county.village_a1,
        person=cadres.secretary_a1.person,
        starts_on=date(2026, 9, 30),
        ends_on=date(2026, 9, 30),
        reason="事假",
        level="township",
        status=Leave.Status.RETURNED,
        returned_on=date(2026, 10, 1),
    )
    period = Period(date(2026, 9, 28), date(2026, 10, 11), "x")
    # due: Sep 28, 29, Oct 3 (holiday duty), Oct 8, 9, 10 = 6 (Sep 30 on leave); checked 4 → 66.7 %.
    assert duty_compliance([county.village_a1, county.township_a, county.township_b], period) == {
        county.village_a1.pk: 66.7,
        county.township_a.pk: 66.7,
        county.township_b.pk: None,
    }


# --- check-in ---


def test_a_cadre_checks_in_once_a_day_within_the_window(cadres, personas):
    day = date(2026, 11, 3)
    checkin = services.checkin_record(post=cadres.secretary_a1, actor=personas.village_a1, at=at(day, 8))
    assert (checkin.day, checkin.person_id) == (day, cadres.secretary_a1.person_id)
    with pytest.raises(ValidationError) as exc:
        services.checkin_record(post=cadres.secretary_a1, actor=personas.village_a1, at=at(day, 10))
    assert exc.value.messages == ["今天已经打过卡了。"]
    assert CheckIn.objects.count() == 1


def test_checking_in_for_someone_else_or_outside_the_window_is_refused(cadres, personas):
    day = date(2026, 11, 3)
    with pytest.raises(ValidationError) as exc:
        services.checkin_record(post=cadres.director_a1, actor=personas.village_a1, at=at(day))
    assert exc.value.messages == ["只能为本人打卡。"]
    with pytest.raises(ValidationError) as exc:
        services.checkin_record(post=cadres.secretary_a1, actor=personas.village_a1, at=at(day, 22))
    assert exc.value.messages == ["打卡时间为7:00至19:00。"]
    Parameter.objects.create(key="village.checkin_until_hour", value=23)
    from dangjian.core import params

    params.clear_cache()
    assert services.checkin_record(post=cadres.secretary_a1, actor=personas.village_a1, at=at(day, 22))
    assert CheckIn.objects.count() == 1


# --- leave ---


def test_leave_is_approved_by_the_village_secretary_or_the_township_and_returned(cadres, personas):
    short = services.leave_request(
        post=cadres.director_a1,
        starts_on=date(2026, 11, 9),
        ends_on=date(2026, 11, 10),
        reason="看病",
        actor=personas.village_a1,
    )
    assert short.level == Leave.Level.VILLAGE
    services.leave_move(leave=short, to=Leave.Status.APPROVED, actor=personas.township_a)
    services.leave_move(
        leave=short, to=Leave.Status.RETURNED, actor=personas.village_a1, returned_on=date(2026, 11, 10)
    )
    short.refresh_from_db()
    assert (short.status, short.returned_on) == (Leave.Status.RETURNED, date(2026, 11, 10))

    own = services.leave_request(
        post=cadres.secretary_a1,
        starts_on=date(2026, 11, 16),
        ends_on=date(2026, 11, 16),
        reason="外出学习",
        actor=personas.village_a1,
    )
    assert own.level == Leave.Level.TOWNSHIP  # a secretary's own leave goes to the township
    with pytest.raises((PermissionDenied, ValidationError)):
        services.leave_move(leave=own, to=Leave.Status.APPROVED, actor=personas.village_a1)
    with pytest.raises(PermissionDenied):
        services.leave_move(leave=own, to=Leave.Status.APPROVED, actor=personas.township_b)
    services.leave_move(leave=own, to=Leave.Status.REFUSED, actor=personas.township_a, note="换届期间不准假")
    own.refresh_from_db()
    assert own.status == Leave.Status.REFUSED


def test_nobody_approves_a_leave_they_asked_for(cadres, personas):
    leave = services.leave_request(
        post=cadres.director_a1,
        starts_on=date(2026, 11, 9),
        ends_on=date(2026, 11, 9),
        reason="事假",
        actor=personas.village_a1,
    )
    with pytest.raises(ValidationError) as exc:
        services.leave_move(leave=leave, to=Leave.Status.APPROVED, actor=personas.village_a1)
    assert exc.value.messages == ["不能审批本人申请或本人的请假。"]
    leave.refresh_from_db()
    assert leave.status == Leave.Status.REQUESTED


def test_long_leave_goes_to_the_township(cadres, personas):
    leave = services.leave_request(
        post=cadres.director_a1,
        starts_on=date(2026, 11, 9),
        ends_on=date(2026, 11, 12),
        reason="住院",
        actor=personas.village_a1,
    )
    assert leave.level == Leave.Level.TOWNSHIP


def test_overlapping_or_backwards_leave_is_refused(cadres, personas):
    services.leave_request(
        post=cadres.director_a1,
        starts_on=date(2026, 11, 9),
        ends_on=date(2026, 11, 11),
        reason="事假",
        actor=personas.village_a1,
    )
    with pytest.raises(ValidationError) as exc:
        services.leave_request(
            post=cadres.director_a1,
            starts_on=date(2026, 11, 11),
            ends_on=date(2026, 11, 12),
            reason="事假",
            actor=personas.village_a1,
        )
    assert exc.value.messages == ["与2026-11-09至2026-11-11的请假时间重叠。"]
    with pytest.raises(ValidationError) as exc:
        services.leave_request(
            post=cadres.director_a1,
            starts_on=date(2026, 11, 20),
            ends_on=date(2026, 11, 19),
            reason="事假",
            actor=personas.village_a1,
        )
    assert exc.value.message_dict == {"ends_on": ["请假结束日期不能早于开始日期。"]}
    assert Leave.objects.count() == 1


def test_a_cadre_may_not_ask_leave_for_another_without_the_right(cadres, personas, county):
    from .builders import make_cadre

    other = make_cadre(county.village_a1, "周委员")
    personas.member.person = other.person
    personas.member.save(update_fields=["person"])
    with pytest.raises(PermissionDenied):
        services.leave_request(
            post=cadres.director_a1,
            starts_on=date(2026, 11, 9),
            ends_on=date(2026, 11, 9),
            reason="x",
            actor=personas.member,
        )
    own = services.leave_request(
        post=other,
        starts_on=date(2026, 11, 9),
        ends_on=date(2026, 11, 9),
        reason="家中有事",
        actor=personas.member,
    )
    assert own.requested_by == personas.member


def test_unreturned_leave_is_flagged_after_its_end(cadres, personas, county):
    leave = services.leave_request(
        post=cadres.director_a1,
        starts_on=date(2026, 11, 2),
        ends_on=date(2026, 11, 3),
        reason="事假",
        actor=personas.village_a1,
    )
    services.leave_move(leave=leave, to=Leave.Status.APPROVED, actor=personas.township_a)
    leave.refresh_from_db()
    assert leave.unreturned(date(2026, 11, 4)) and not leave.unreturned(date(2026, 11, 3))
    assert list(Leave.objects.filter(selectors.unreturned_q(date(2026, 11, 4)))) == [leave]


# --- major-matter reports ---


def test_reports_are_late_when_filed_after_the_matter_and_emergencies_after_three_days(
    cadres, personas, county
):
    today = date(2026, 11, 20)
    on_time = services.report_file(
        post=cadres.director_a1,
        kind=report_kind("外出（3天以上）"),
        occurs_on=date(2026, 11, 25),
        description="赴外省务工考察一周",
        actor=personas.village_a1,
        today=today,
    )
    late = services.report_file(
        post=cadres.director_a1,
        kind=report_kind("婚丧嫁娶"),
        occurs_on=date(2026, 11, 19),
        description="儿子结婚",
        actor=personas.village_a1,
        today=today,
    )
    emergency_ok = services.report_file(
        post=cadres.director_a1,
        kind=report_kind("突发事件"),
        occurs_on=date(2026, 11, 17),
        description="山体滑坡",
        actor=personas.village_a1,
        today=today,
    )
    emergency_late = services.report_file(
        post=cadres.director_a1,
        kind=report_kind("突发事件"),
        occurs_on=date(2026, 11, 16),
        description="火情",
        actor=personas.village_a1,
        today=today,
    )
    assert [r.late for r in (on_time, late, emergency_ok, emergency_late)] == [False, True, False, True]
    t = county.township_a
    assert late_reports([t], Period(date(2026, 11, 1), date(2026, 11, 30), "m")) == {t.pk: 2}


def test_an_emergency_dated_in_the_future_is_refused(cadres, personas):
    with pytest.raises(ValidationError) as exc:
        services.report_file(
            post=cadres.director_a1,
            kind=report_kind("突发事件"),
            occurs_on=date(2026, 11, 21),
            description="x",
            actor=personas.village_a1,
            today=date(2026, 11, 20),
        )
    assert exc.value.message_dict == {"occurs_on": ["突发事件的日期不能晚于今天。"]}
    assert not MajorMatterReport.objects.exists()


def test_the_township_acknowledges_a_report_but_not_its_filer(cadres, personas):
    report = services.report_file(
        post=cadres.secretary_a1,
        kind=report_kind("涉及集体资金"),
        occurs_on=timezone.localdate() + timedelta(days=3),
        description="村集体资金出借",
        actor=personas.village_a1,
    )
    with pytest.raises(PermissionDenied):
        services.report_acknowledge(report=report, actor=personas.village_a1)
    services.report_acknowledge(report=report, actor=personas.township_a)
    report.refresh_from_db()
    assert report.status == MajorMatterReport.Status.ACKNOWLEDGED


# --- first secretaries ---


def test_a_first_secretary_under_the_minimum_in_a_whole_month_is_flagged(cadres, personas, county):
    posting = services.posting_create(
        post=cadres.first_secretary_a1,
        sending_unit="县农业农村局",
        started_on=date(2026, 9, 15),
        ends_on=None,
        actor=personas.township_a,
    )
    person = cadres.first_secretary_a1.person
    october = [date(2026, 10, d) for d in range(8, 28)]  # 20 days
    for day in october:
        CheckIn.objects.create(org=county.village_a1, person=person, day=day, at=at(day))
    for day in [date(2026, 11, d) for d in range(2, 21)]:  # 19 days
        CheckIn.objects.create(org=county.village_a1, person=person, day=day, at=at(day))
    months = selectors.presence([posting], [(2026, 9), (2026, 10), (2026, 11)])[posting.pk]
    # September: posting began mid-month (not judged); October: exactly 20 (enough); November: 19 (short).
    assert [(m.days_on_post, m.required, m.short) for m in months][1:] == [(20, 20, False), (19, 20, True)]
    assert months[0].required is None
    period = Period(date(2026, 9, 1), date(2026, 11, 30), "q")
    if timezone.localdate() > date(2026, 11, 30):
        assert first_secretary_short_months([county.township_a], period) == {county.township_a.pk: 1}


def test_only_a_first_secretarys_post_has_a_posting(cadres, personas):
    with pytest.raises(ValidationError) as exc:
        services.posting_create(
            post=cadres.director_a1,
            sending_unit="县委办",
            started_on=date(2026, 1, 1),
            ends_on=None,
            actor=personas.township_a,
        )
    assert exc.value.messages == ["只有第一书记的职务才有派驻记录。"]


def test_holiday_duty_is_shared_over_the_years_statutory_holidays(cadres, personas, county):
    n = services.holiday_duty_generate(org=county.village_a1, year=2026, actor=personas.village_a1)
    days = list(HolidayDuty.objects.filter(org=county.village_a1).order_by("day"))
    assert n == len(days) == 33  # the official 2026 arrangement: 3+9+3+5+3+3+7 days off
    assert {d.person_id for d in days} == {
        cadres.secretary_a1.person_id,
        cadres.director_a1.person_id,
        cadres.first_secretary_a1.person_id,
    }
    assert services.holiday_duty_generate(org=county.village_a1, year=2026, actor=personas.village_a1) == 0


def test_the_daily_job_tells_the_county_of_a_short_month_and_the_approver_of_unreturned_leave_once(
    cadres, personas, county
):
    from dangjian.notices.models import Notice

    services.posting_create(
        post=cadres.first_secretary_a1,
        sending_unit="县财政局",
        started_on=date(2026, 9, 1),
        ends_on=None,
        actor=personas.township_a,
    )
    for d in range(1, 16):  # 15 days on post in October
        day = date(2026, 10, d)
        CheckIn.objects.create(
            org=county.village_a1, person=cadres.first_secretary_a1.person, day=day, at=at(day)
        )
    leave = services.leave_request(
        post=cadres.director_a1,
        starts_on=date(2026, 10, 20),
        ends_on=date(2026, 10, 21),
        reason="事假",
        actor=personas.village_a1,
    )
    services.leave_move(leave=leave, to=Leave.Status.APPROVED, actor=personas.township_a)
    counts = services.daily_run(today=date(2026, 11, 3))
    assert counts == {"first secretaries under the minimum": 1, "unreturned leave": 1}
    assert services.daily_run(today=date(2026, 11, 3)) == {
        "first secretaries under the minimum": 0,
        "unreturned leave": 0,
    }
    to_county = Notice.objects.get(kind="village_first_secretary")
    assert to_county.recipient == personas.county_admin
    assert to_county.text == "第一书记孙第一书记（A1村党支部）2026-10在岗15天，低于每月最低20天。"
    # A two-day leave of a cadre is the village secretary's to follow.
    assert set(
        Notice.objects.filter(kind="village_leave_unreturned").values_list("recipient__username", flat=True)
    ) == {
        "a1_sec",
    }


def test_a_work_files_commitments_become_ledger_items_of_the_village_once(cadres, personas, county):
    from dangjian.ledger.models import Item

    work_file = services.work_file_save(
        post=cadres.director_a1,
        year=2026,
        actor=personas.village_a1,
        today=date(2026, 3, 1),
        commitments="1. 硬化组道1.2公里\n2. 新建便民桥1座\n",
    )
    with pytest.raises(PermissionDenied):
        services.work_file_commitments_to_ledger(
            work_file=work_file, actor=personas.village_a1, today=date(2026, 3, 2)
        )
    items = services.work_file_commitments_to_ledger(
        work_file=work_file, actor=personas.township_a, today=date(2026, 3, 2)
    )
    again = services.work_file_commitments_to_ledger(
        work_file=work_file, actor=personas.township_a, today=date(2026, 3, 2)
    )
    assert [i.pk for i in items] == [i.pk for i in again] and Item.objects.count() == 2
    assert [(i.title, i.org, i.deadline) for i in items] == [
        ("钱主任的承诺事项：硬化组道1.2公里", county.village_a1, date(2026, 12, 31)),
        ("钱主任的承诺事项：新建便民桥1座", county.village_a1, date(2026, 12, 31)),
    ]
    empty = services.work_file_save(
        post=cadres.secretary_a1, year=2026, actor=personas.village_a1, today=date(2026, 3, 1)
    )
    with pytest.raises(ValidationError) as exc:
        services.work_file_commitments_to_ledger(
            work_file=empty, actor=personas.township_a, today=date(2026, 3, 2)
        )
    assert exc.value.messages == ["工作档案中没有承诺事项。"]
