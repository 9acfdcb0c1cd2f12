"""The organisational-life part of the demo county: three months of 三会一课 in the first township's villages
(some branches falling behind), a planned meeting, monthly reports in every state, an evaluation and training."""

from __future__ import annotations

import contextlib
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from dangjian.core.demo import DemoContext

from . import selectors, services
from .models import CoverageTarget, EvaluationRound, Grade, MeetingKind, Presence
from .services import Mark

TOPICS = {
    MeetingKind.COMMITTEE: ["研究本月党建重点工作", "讨论发展党员人选", "部署人居环境整治"],
    MeetingKind.THEME_DAY: ["重温入党誓词", "志愿服务进农户", "学习党章党规"],
    MeetingKind.GENERAL_MEETING: ["通报季度党建工作", "评议党员先锋作用"],
    MeetingKind.LESSON: ["学习贯彻党的二十届三中全会精神", "乡村振兴与基层治理"],
}


_ZONE = timezone.get_default_timezone  # cached by Django


def _at(day: date, hour: int) -> datetime:
    # In the project's time zone, named once (asking for the active one, a context-local lookup, on each of
    # a county's thousands of meetings was 7 % of a province county's build).
    return timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=hour), _ZONE())


def _held(ctx, org, actor, kind, day, hour=9):
    expected = selectors.expected_on(org, kind, day)
    if not expected:
        return None
    marks = {}
    for e in expected:
        roll = ctx.rng.random()
        if roll < 0.08:
            marks[e.person.pk] = Mark(Presence.LEAVE, ctx.rng.choice(["外出务工", "生病住院", "家中有事"]))
        elif roll < 0.12:
            marks[e.person.pk] = Mark(Presence.ABSENT, "未说明原因，已谈话提醒")
        else:
            marks[e.person.pk] = Mark(Presence.PRESENT)
    extra = {}
    if kind == MeetingKind.LESSON:
        # The secretary gives the lesson when the branch has one on the roster that day.
        secretary = selectors.secretary_on(org, day)
        extra = {"lecturer": "支部书记", "lesson_title": ctx.rng.choice(TOPICS[kind])}
        if secretary is not None and secretary.pk in marks:
            extra.update(lecturer=secretary.name, lecturer_person_id=secretary.pk)
    return services.meeting_register(
        org=org,
        actor=actor,
        kind=kind,
        starts_at=_at(day, hour),
        topic=ctx.rng.choice(TOPICS[kind]),
        place="村党群服务中心",
        chair="支部书记",
        recorder="组织委员",
        marks=marks,
        **extra,
    )


def _month_start(day: date, back: int) -> date:
    first = day.replace(day=1)
    for _ in range(back):
        first = (first - timedelta(days=1)).replace(day=1)
    return first


def build(ctx: DemoContext) -> None:
    """Meetings, reports, an evaluation and training for the villages of the first township."""
    users = ctx.data["users"]
    admin, secretary, township = users["admin"], users["village_a1"], users["township_a"]
    today = min(ctx.data.get("reference_day") or timezone.localdate(), timezone.localdate())
    gaokeng = ctx.data["gaokeng"]
    villages = [v for v in ctx.data["villages"] if v.path.startswith(gaokeng.path)][:12]
    meetings = 0
    for i, village in enumerate(villages):
        diligent = i % 4 != 3  # every fourth branch falls behind: no committee meeting, no party lesson
        for back in (3, 2, 1):
            first = _month_start(today, back)
            kinds = [MeetingKind.THEME_DAY] + ([MeetingKind.COMMITTEE] if diligent else [])
            if first.month in (3, 6, 9, 12) or back == 1:
                kinds += [MeetingKind.GENERAL_MEETING] + ([MeetingKind.LESSON] if diligent else [])
            for j, kind in enumerate(kinds):
                meetings += bool(_held(ctx, village, admin, kind, first + timedelta(days=4 + 3 * j), 9 + j))
    home = ctx.data["gaokeng_village"]
    services.meeting_register(
        org=home,
        actor=secretary,
        kind=MeetingKind.LESSON,
        starts_at=_at(timezone.localdate() + timedelta(days=6), 15),
        topic="书记讲党课：传承红色基因",
        place="村党群服务中心",
        lecturer="支部书记",
        planned=True,
    )
    # Monthly reports of last month in every state.
    month = _month_start(today, 1)
    reports = {}
    for state, village in zip(
        ("approved", "returned", "submitted", "draft"),
        [home, *[v for v in ctx.data["villages"] if v.pk != home.pk][:3]],
        strict=False,
    ):
        report = services.report_compile(org=village, month=month, actor=admin, today=today)
        reports[state] = report
        if state == "draft":
            continue
        submitter = secretary if village.pk == home.pk else admin
        services.report_submit(
            report=report, actor=submitter, remarks="本月按计划开展组织生活。", today=today
        )
        if state == "approved":
            services.report_review(report=report, actor=township, approve=True, opinion="")
        elif state == "returned":
            services.report_review(
                report=report, actor=township, approve=False, opinion="党课记录不完整，请补充后重新报送。"
            )
    # Democratic evaluation of last year in the home branch: every member's mutual sheet, the step closed,
    # then the grades; this year's mutual assessment is under way (half the sheets in).
    year = today.year - 1
    roster = selectors.roster_on(home, date(year, 12, 31))
    _mutual_sheets(ctx, home, admin, year, roster, today=today)
    services.mutual_close(evaluation_round=EvaluationRound.objects.get(org=home, year=year), actor=admin)
    current = selectors.roster_on(home, today)
    _mutual_sheets(ctx, home, admin, today.year, current[: len(current) // 2], roster=current, today=today)
    excellent = 0
    for n, entry in enumerate(roster):
        grade = Grade.QUALIFIED
        if n % 6 == 0 and excellent + 1 <= len(roster) // 5:
            grade, excellent = Grade.EXCELLENT, excellent + 1
        elif n == len(roster) - 2 and len(roster) > 5:
            grade = Grade.BASIC
        handling = {}
        if n == len(roster) - 1 and len(roster) > 5:
            # One member graded unqualified: corrected within a time limit, followed as a ledger item.
            grade = Grade.UNQUALIFIED
            handling = {
                "handling": "correct",
                "handling_note": "长期不参加组织生活，限期三个月改正，由支部书记谈话帮教。",
            }
        services.evaluation_record(
            org=home,
            actor=admin,
            year=year,
            person=entry.person,
            grade=grade,
            poll_qualified=len(roster) - 1,
            today=today,
            **handling,
        )
    # Training: a county winter-spring course and the township's rotation.
    course = services.course_create(
        org=gaokeng,
        actor=admin,
        title="农村党员冬春训",
        kind="winter_spring",
        starts_on=date(today.year, 1, 10),
        ends_on=date(today.year, 1, 14),
        hours=Decimal("32"),
        audience="全镇农村党员",
    )
    people = [e.person for e in selectors.roster_on(home, today)]
    entries = [(p, Decimal("32") if k % 3 else Decimal("24")) for k, p in enumerate(people)]
    if entries:
        services.training_record(course=course, actor=admin, entries=entries)
    # The township's check of its training coverage: village cadres without a training this year handed down.
    target = CoverageTarget.objects.filter(active=True, audience="village_cadres").order_by("pk").first()
    if target is not None:
        with contextlib.suppress(ValidationError):  # nobody missing: nothing to hand down
            services.coverage_raise_items(
                org=gaokeng,
                target=target,
                year=today.year,
                actor=admin,
                deadline=today + timedelta(days=45),
                today=today,  # the simulated day: items and their audit entries are dated then
            )
    ctx.out(f"  orglife: {meetings} meetings, {len(reports)} monthly reports, {len(roster)} evaluations")


def _mutual_sheets(ctx, org, actor, year, raters, *, roster=None, today):
    """Mutual-assessment sheets (互评) of ``raters``: each grades every other member, mostly 合格."""
    members = [e.person for e in (roster if roster is not None else raters)]
    for entry in raters:
        grades = {}
        for person in members:
            if person.pk == entry.person.pk:
                continue
            roll = ctx.rng.random()
            grades[person.pk] = (
                Grade.EXCELLENT if roll < 0.25 else Grade.BASIC if roll > 0.95 else Grade.QUALIFIED
            )
        if grades:
            services.mutual_sheet(
                org=org, actor=actor, year=year, rater=entry.person, grades=grades, today=today
            )


def build_county(ctx: DemoContext) -> None:
    """The ``county`` step: two years of meetings in every branch of a further county, and its courses."""
    n = build_history(
        years=2, today=ctx.data["reference_day"], seed=ctx.rng.randrange(10**9), under=ctx.data["county"].path
    )
    ctx.out(f"  orglife: {n} meetings in two years")


def build_history(*, years: int = 2, today: date | None = None, seed: int = 2026, under: str = "") -> int:
    """Bulk history for benchmarks: ``years`` of meetings in every current branch (most rules met, some
    missed) and a yearly course per township with hours for most members. Returns the meetings written.

    Written with ``bulk_create`` (no attendance rows; the meeting's counts are filled in), so a city-scale
    county gets two years in seconds; run once on a database without such history. ``under`` limits it
    to one subtree (the path of its top).
    """
    import random

    from dangjian.orgs.models import Organisation, OrgKind, Person

    from .models import Course, Meeting, TrainingRecord

    rng = random.Random(seed)
    today = today or timezone.localdate()
    first = date(today.year - years, today.month, 1)
    current = Organisation.objects.current().filter(path__startswith=under)
    branches = list(current.filter(kind__in=selectors.BRANCH_KIND_VALUES).only("id"))
    rows, n = [], 0
    month = first
    while month < today.replace(day=1):
        quarter_end = month.month in (3, 6, 9, 12)
        for branch in branches:
            kinds = [MeetingKind.THEME_DAY, MeetingKind.COMMITTEE]
            if quarter_end:
                kinds += [MeetingKind.GENERAL_MEETING, MeetingKind.LESSON]
            if month.month == 12:
                kinds += [MeetingKind.LIFE_MEETING, MeetingKind.EVALUATION]
            for j, kind in enumerate(kinds):
                if rng.random() < 0.08:  # a meeting missed now and then
                    continue
                expected = rng.randint(8, 40)
                present = expected - rng.randint(0, 4)
                rows.append(
                    Meeting(
                        org_id=branch.pk,
                        kind=kind,
                        status=Meeting.Status.HELD,
                        starts_at=_at(month + timedelta(days=3 + 2 * j), 9 + j),
                        topic=rng.choice(TOPICS.get(kind, ["学习贯彻会议精神"])),
                        expected=expected,
                        present=present,
                        voters_entitled=expected,
                        voters_present=present,
                    )
                )
            if len(rows) >= 5000:
                n += len(Meeting.objects.bulk_create(rows, ignore_conflicts=True))
                rows = []
        month = (month + timedelta(days=32)).replace(day=1)
    n += len(Meeting.objects.bulk_create(rows, ignore_conflicts=True))
    for year in range(first.year, today.year + 1):
        for township in current.filter(kind=OrgKind.TOWNSHIP_COMMITTEE):
            course = Course.objects.create(
                org=township,
                title=f"{year}年农村党员冬春训",
                kind="winter_spring",
                starts_on=date(year, 1, 10),
                ends_on=date(year, 1, 14),
                hours=Decimal("32"),
            )
            people = (
                Person.objects.members()
                .filter(org__path__startswith=township.path)
                .values_list("pk", flat=True)
            )
            TrainingRecord.objects.bulk_create(
                [
                    TrainingRecord(course=course, person_id=pk, hours=Decimal("32"), on=course.ends_on)
                    for pk in people.iterator()
                    if rng.random() < 0.85
                ],
                batch_size=5000,
            )
    return n
