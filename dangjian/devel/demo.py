"""The development module's part of the demo county: files in every stage, through the services.

Every file is walked step by step with ``advance`` (the same rules as the pages: dates, notices,
sponsors, votes, quotas), dated back from the demo's reference day. The county shows overdue
talks, a public notice refused as too short (in the file's history), an extended probation, a
cancelled probationary membership, and one township whose quota is nearly used up.
"""

from __future__ import annotations

import contextlib
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from dangjian.core.demo import DemoContext
from dangjian.orgs.models import Education, Job, MemberCategory, Person
from dangjian.orgs.validators import id_check_char

from . import rules, services
from .models import STEP_BY_NUMBER, ConversionOutcome, DevelopmentFile, Quota, StepRecord

# Days after the application on which each step is done (every time rule met with room to spare).
OFFSETS = {
    1: 0,
    2: 10,
    3: 20,
    4: 25,
    5: 30,
    6: 150,
    7: 400,
    8: 405,
    9: 410,
    10: 430,
    11: 440,
    12: 475,
    13: 480,
    14: 485,
    15: 520,
    16: 530,
    17: 540,
    18: 550,
    19: 560,
    20: 570,
    21: 700,
    22: 880,
    23: 915,
    24: 930,
    25: 940,
}
NOTICES = {7: (370, 395), 12: (445, 470), 15: (490, 515), 23: (886, 910)}
EXTRA_ASSESSMENT = 300
NOTICE_PLACE = "村务公开栏及党员微信群"
# Applicants are 23 to 45 on applying (the county's roster holds nobody born after 2003).
APPLICANT_MIN_AGE_DAYS = 23 * 366


def scan(name: str) -> SimpleUploadedFile:
    """A small PDF standing in for a scanned document."""
    return SimpleUploadedFile(
        name, b"%PDF-1.4\n% scan\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf"
    )


def particulars(
    number: int, *, sponsors=(), outcome: str = ConversionOutcome.CONVERT, extension_months=None, entitled=21
) -> dict:
    """Valid particulars of step ``number`` (a scan where the step needs one)."""
    data: dict = {}
    if number in (2, 16):
        data["people"] = "支部书记" if number == 2 else "镇党委组织委员"
    if number == 5:
        data["people"] = "培养联系人甲、培养联系人乙"
    if number == 9:
        data["sponsor_1"], data["sponsor_2"] = sponsors
    if number == 10:
        data["note"] = "经函调和外调，本人及主要社会关系政治历史清楚，政治审查合格。"
    if number == 11:
        data["training_days"], data["training_hours"] = 3, 24
    if number in (15, 23):
        data.update(entitled=entitled, present=entitled - 2, votes_for=entitled - 3)
    if number == 23:
        data["outcome"] = outcome
        data["extension_months"] = extension_months
    if number == 24 and outcome == ConversionOutcome.CANCEL:
        data["note"] = "预备期间不履行党员义务，经教育仍无转变，取消预备党员资格。"
    if STEP_BY_NUMBER[number].document:
        data["files"] = [scan(f"第{number}步材料.pdf")]
    return data


def advance(
    file: DevelopmentFile,
    to_step: int,
    *,
    branch,
    higher,
    sponsors=(),
    outcome=ConversionOutcome.CONVERT,
    extension_months=None,
) -> DevelopmentFile:
    """Walk ``file`` from its current step up to ``to_step``, dated from its application (OFFSETS)."""
    while (number := rules.next_step(file)) is not None and number <= to_step:
        day = file.applied_on + timedelta(days=OFFSETS[number])
        if number == 7:
            services.assessment_record(
                file=file,
                actor=branch,
                done_on=file.applied_on + timedelta(days=EXTRA_ASSESSMENT),
                note="表现良好，继续培养。",
                files=[scan("入党积极分子考察登记表.pdf")],
            )
        if number in NOTICES:
            start, end = NOTICES[number]
            services.notice_record(
                file=file,
                actor=branch,
                before_step=number,
                place=NOTICE_PLACE,
                starts_on=file.applied_on + timedelta(days=start),
                ends_on=file.applied_on + timedelta(days=end),
                outcome="公示期间未收到反映",
            )
        services.step_record(
            file=file,
            number=number,
            actor=higher if STEP_BY_NUMBER[number].higher else branch,
            done_on=day,
            **particulars(number, sponsors=sponsors, outcome=outcome, extension_months=extension_months),
        )
        file.refresh_from_db()
        if number == 24 and file.status == "extended":
            break
    return file


def citizen_id(birth: date, seq: int, *, male: bool, area: str = "360325") -> str:
    code = f"{seq % 500 * 2 + (1 if male else 0):03d}"
    first17 = f"{area}{birth:%Y%m%d}{code}"
    return first17 + id_check_char(first17)


STOP = "stop"  # a PLAN outcome: development stopped after the step reached
# (step reached, days since that step, outcome): the files of one village, oldest first.
PLAN = [
    (1, 45, None),  # talk overdue
    (1, 3, None),  # talk due soon
    (2, 20, None),
    (6, 60, None),
    (9, 10, None),
    (13, 5, None),
    (15, 70, None),  # approval due soon
    (17, 30, None),
    (21, 40, None),
    (23, 5, ConversionOutcome.EXTEND),  # extension voted, waiting for the higher committee
    (24, 20, ConversionOutcome.EXTEND),  # extension approved
    (25, 10, None),
    (24, 3, ConversionOutcome.CANCEL),
    (6, 25, STOP),  # development stopped while an activist
    (13, 12, STOP),  # development stopped after the pre-review
]
STOP_REASONS = (
    "考察期间参与非法宗教活动，政治上不合格，经支部委员会研究停止发展。",
    "本人表示暂缓入党，经支部委员会研究停止发展。",
    "政审发现隐瞒重要个人情况，不宜继续发展。",
)


class _People:
    """Applicants with realistic names and valid, unused ID numbers."""

    def __init__(self, ctx: DemoContext):
        from dangjian.orgs.demo.names import FEMALE_CHARS, MALE_CHARS, SURNAME_LIST

        self.rng, self.seq = ctx.rng, 0
        self.surnames, self.male, self.female = SURNAME_LIST, MALE_CHARS, FEMALE_CHARS

    def one(self, applied_on: date) -> dict:
        rng = self.rng
        male = rng.random() < 0.55
        chars = self.male if male else self.female
        name = rng.choice(self.surnames) + "".join(rng.choice(chars) for _ in range(rng.choice((1, 2))))
        birth = applied_on - timedelta(days=rng.randrange(APPLICANT_MIN_AGE_DAYS, 45 * 365))
        while True:
            self.seq += 1
            number = citizen_id(birth, 400 + self.seq, male=male)
            from dangjian.core import crypto

            if not Person.objects.filter(id_digest=crypto.digest(number)).exists():
                break
        return {
            "name": name,
            "id_number": number,
            "education": rng.choice(
                [Education.HIGH_SCHOOL, Education.COLLEGE, Education.BACHELOR, Education.JUNIOR]
            ),
            "job": rng.choice(
                [Job.FARMER, Job.FARMER, Job.WORKER, Job.ENTERPRISE_STAFF, Job.TEACHER, Job.OTHER]
            ),
        }


# The test suite's scales walk the plan in one village per township: every stage and named case, in a third
# of the time (each file goes step by step through the services).
VILLAGES_PER_TOWNSHIP = {"tiny": 1, "tiny_province": 1}


def build(ctx: DemoContext) -> None:
    """Quotas for this year, and a dozen files in each of a few villages of the first two townships."""
    from dangjian.orgs.demo._common import reference_day

    users = ctx.data.get("users") or {}
    townships = ctx.data.get("townships") or []
    if not users or not townships:
        return
    today = reference_day()
    county = rules.parent_of(townships[0])
    county_admin, admin = users["county_admin"], users["admin"]
    people = _People(ctx)
    villages_by_township = {}
    for village in ctx.data.get("villages", []):
        villages_by_township.setdefault(village.path[: -village.steplen], []).append(village)
    made = 0
    pairs = [
        (ctx.data.get("gaokeng"), users["township_a"]),
        (ctx.data.get("township_b"), users["township_b"]),
    ]
    for t_index, (township, township_user) in enumerate(pairs):
        if township is None:
            continue
        villages = villages_by_township.get(township.path, [])
        home = ctx.data.get("gaokeng_village")
        villages = ([home] if home in villages else []) + [v for v in villages if v != home]
        villages = villages[: VILLAGES_PER_TOWNSHIP.get(ctx.scale, 3)]
        if not villages:
            continue
        # The county divides its quota between the two townships; the first township's quota for this
        # year is nearly used up (one place left), the second's has room.
        for year in range(today.year - 3, today.year + 1):
            shares = [4] * len(villages) if t_index or year != today.year else [2] * (len(villages) - 1) + [3]
            if t_index == 0:
                services.quota_set(org=county, year=year, number=60, actor=admin)
            services.quota_set(org=township, year=year, number=sum(shares), actor=county_admin)
            for village, share in zip(villages, shares, strict=True):
                services.quota_set(org=village, year=year, number=share, actor=township_user)
        for village in villages:
            sponsors = list(
                Person.objects.filter(org=village, category=MemberCategory.FULL, status="active").order_by(
                    "pk"
                )[:2]
            )
            if len(sponsors) < 2:
                continue
            for step, since, outcome in PLAN:
                extension = 6 if outcome == ConversionOutcome.EXTEND else None
                applied_on = today - timedelta(days=OFFSETS[step] + since)
                try:
                    # The branch secretary of the demo village records its own steps and the township
                    # approves; elsewhere the township records for its branches (代录) and the county approves.
                    branch, higher = (
                        (users["village_a1"], township_user)
                        if village == home
                        else (township_user, county_admin)
                    )
                    file = services.file_open(
                        org=village,
                        actor=branch,
                        applied_on=applied_on,
                        files=[scan("入党申请书.pdf")],
                        **people.one(applied_on),
                    )
                    if step == 1 and since > 40 and made == 0:
                        _refused_notice(file, branch)
                    file = advance(
                        file,
                        step,
                        branch=branch,
                        higher=higher,
                        sponsors=sponsors,
                        outcome=outcome if outcome and outcome != STOP else ConversionOutcome.CONVERT,
                        extension_months=extension,
                    )
                    if outcome == STOP:
                        services.file_stop(
                            file=file,
                            actor=branch,
                            reason=ctx.rng.choice(STOP_REASONS),
                            done_on=file.last_step_on + timedelta(days=since // 2),
                        )
                except ValidationError as exc:  # a quota used up: the file waits before approval
                    ctx.out(f"  devel: {village.label} stopped: {'；'.join(exc.messages)}")
                made += 1
    ctx.out(f"  devel: {made} development files")
    build_bulk(ctx)


def _refused_notice(file: DevelopmentFile, actor) -> None:
    """A notice of three working days, refused (the refusal stays in the file's history)."""
    start = file.applied_on
    with contextlib.suppress(ValidationError):
        services.notice_record(
            file=file,
            actor=actor,
            before_step=7,
            place=NOTICE_PLACE,
            starts_on=start,
            ends_on=rules.calendar.add_working_days(start, 2),
        )


# ------------------------------------------------------------------ city scale: files in bulk

BULK_FILES = {"tiny_province": 20, "city": 20_000, "province": 60_000}
BULK_AREA = "360398"  # an area code no other demo step uses, so the applicants' ID numbers are all new
# How often a file stands at each step (many applicants and activists, fewer further on).
STEP_WEIGHTS = {1: 8, 2: 6, 3: 4, 4: 3, 5: 3, 6: 12, 7: 3, 8: 2, 9: 2, 10: 2, 11: 2, 12: 2, 13: 2, 14: 1, 15: 2,
                16: 1, 17: 3, 18: 2, 19: 2, 20: 2, 21: 6, 22: 2, 23: 1, 24: 2, 25: 12}  # fmt: skip


def build_county(ctx: DemoContext) -> None:
    """The ``county`` step: a further county's share of the bulk files. Their applicants' IDs carry the
    county's own area code in sequence numbers its members never reach, so no county needs another's."""
    build_bulk(ctx, area=ctx.data["area"], seq_from=300)


def build_bulk(
    ctx: DemoContext,
    *,
    total: int | None = None,
    today: date | None = None,
    area: str = BULK_AREA,
    seq_from: int = 0,
) -> int:
    """Files in every step spread over the county's branches (``BULK_FILES`` shared out among the counties),
    written in bulk with their step records and workflow history, dated as ``advance`` would have; the
    quotas of this year cover them."""
    from django.db import transaction

    from dangjian.core import workflow
    from dangjian.core.exports import insert_rows
    from dangjian.orgs import services as org_services
    from dangjian.orgs.demo._common import reference_day
    from dangjian.orgs.models import Organisation

    if total is None:
        total = BULK_FILES.get(ctx.scale, 0) // ctx.data.get("county_count", 1)
    branch_ids = ctx.data.get("branch_ids") or []
    if not total or not branch_ids:
        return 0
    today = today or reference_day()
    rng = ctx.rng
    branches = list(Organisation.objects.filter(pk__in=branch_ids).order_by("path"))
    actor = ctx.data.get("users", {}).get("county_admin")
    steps, weights = list(STEP_WEIGHTS), list(STEP_WEIGHTS.values())
    people = _People(ctx)
    used_ids: set[str] = set()
    plans = []
    for i in range(total):
        branch = branches[i % len(branches)]
        step = rng.choices(steps, weights)[0]
        applied_on = today - timedelta(days=OFFSETS[step] + rng.randrange(1, 90))
        data = people.one(applied_on)
        birth = applied_on - timedelta(days=rng.randrange(APPLICANT_MIN_AGE_DAYS, 45 * 365))
        while True:
            number = citizen_id(birth, rng.randrange(seq_from, 500), male=rng.random() < 0.55, area=area)
            if number not in used_ids:
                used_ids.add(number)
                break
            birth -= timedelta(days=1)
        plans.append((branch, step, applied_on, data["name"], number, data))
    with transaction.atomic():
        persons = []
        for branch, step, applied_on, name, number, data in plans:
            vote_on = applied_on + timedelta(days=OFFSETS[15])
            member = {}
            if step >= 17:
                member = {"category": MemberCategory.PROBATIONARY, "joined_on": vote_on}
            if step >= 24:
                member = {
                    "category": MemberCategory.FULL,
                    "joined_on": vote_on,
                    "converted_on": rules.add_months(vote_on, 12),
                }
            persons.append(
                org_services.build_person(
                    org=branch,
                    id_number=number,
                    name=name,
                    education=data["education"],
                    job=data["job"],
                    **(member or {"category": MemberCategory.NON_MEMBER}),
                )
            )
        insert_rows(Person, persons)
        from dangjian.core import crypto

        by_digest = dict(
            Person.objects.filter(id_digest__in=[crypto.digest(p[4]) for p in plans]).values_list(
                "id_digest", "pk"
            )
        )
        files = [
            _bulk_file(
                branch,
                by_digest[crypto.digest(number)],
                step,
                applied_on,
                actor,
                stopped=_bulk_stopped(i, step),
            )
            for i, (branch, step, applied_on, _name, number, _data) in enumerate(plans)
        ]
        insert_rows(DevelopmentFile, files)
        saved = list(
            DevelopmentFile.objects.filter(person_id__in=by_digest.values())
            .select_related("org")
            .order_by("pk")
        )
        records, history = [], []
        for file in saved:
            reached = file.stopped_step or file.step
            for number in range(1, reached + 1):
                done_on = file.applied_on + timedelta(days=OFFSETS[number])
                records.append(
                    StepRecord(
                        file=file, number=number, done_on=done_on, body=file.org.name, recorded_by=actor
                    )
                )
                if number > 1:
                    at = timezone_at(done_on)
                    history.append((file, f"s{number - 1:02d}", f"s{number:02d}", actor, at, ""))
            if file.stopped_on:
                history.append(
                    (file, f"s{reached:02d}", "stopped", actor, timezone_at(file.stopped_on), file.end_reason)
                )
        insert_rows(StepRecord, records)
        workflow.record_history(history)
        _bulk_quotas(saved, today.year, actor)
    ctx.out(f"  devel: {len(saved)} development files in bulk")
    return len(saved)


def timezone_at(day: date):
    from datetime import datetime, time

    from django.utils import timezone

    return timezone.make_aware(datetime.combine(day, time(10)))


def _bulk_stopped(i: int, step: int) -> bool:
    """About one file in 25 that had not reached admission was stopped (停止发展) after its last step."""
    return step <= 16 and i % 25 == 7


def _bulk_file(
    branch, person_id: int, step: int, applied_on: date, actor, *, stopped: bool = False
) -> DevelopmentFile:
    def on(n: int) -> date | None:
        return applied_on + timedelta(days=OFFSETS[n]) if step >= n else None

    vote_on = on(15)
    probation_ends_on = rules.add_months(vote_on, 12) if vote_on else None
    admitted_on = on(17)
    return DevelopmentFile(
        org=branch,
        person_id=person_id,
        applied_on=applied_on,
        status="stopped" if stopped else f"s{step:02d}",
        last_step_on=on(step),
        stopped_on=on(step) + timedelta(days=1) if stopped else None,  # the last step is a day ago at least
        stopped_step=step if stopped else None,
        end_reason=STOP_REASONS[step % len(STOP_REASONS)] if stopped else "",
        talked_on=on(2),
        activist_on=on(3),
        last_assessment_on=on(6),
        candidate_on=on(7),
        vote_on=vote_on,
        probation_ends_on=probation_ends_on,
        conversion_vote_on=on(23),
        outcome=ConversionOutcome.CONVERT if step >= 23 else "",
        admitted_on=admitted_on,
        quota_year=admitted_on.year if admitted_on else None,
        converted_on=probation_ends_on if step >= 24 else None,
        created_by=actor,
    )


def _bulk_quotas(files: list, year: int, actor) -> None:
    """Raise this year's quotas to cover the bulk files admitted this year and those in the pipeline (one place
    to spare per branch), added up the tree so that no organisation divides more than it received."""
    from django.db.models import F

    from dangjian.orgs.models import Organisation

    steplen = Organisation.steplen
    added: dict[str, int] = {}
    for file in files:
        if file.quota_year == year or (file.step >= 12 and file.quota_year is None):
            added[file.org.path] = added.get(file.org.path, 1) + 1
    totals: dict[str, int] = {}
    for path, n in added.items():
        for depth in range(1, len(path) // steplen + 1):
            totals[path[: depth * steplen]] = totals.get(path[: depth * steplen], 0) + n
    orgs = dict(Organisation.objects.filter(path__in=totals).values_list("path", "pk"))
    existing = set(Quota.objects.filter(org_id__in=orgs.values(), year=year).values_list("org_id", flat=True))
    for path, n in totals.items():
        if orgs[path] in existing:
            Quota.objects.filter(org_id=orgs[path], year=year).update(number=F("number") + n)
    Quota.objects.bulk_create(
        [
            Quota(org_id=orgs[path], year=year, number=n, set_by=actor)
            for path, n in totals.items()
            if orgs[path] not in existing
        ],
        batch_size=2000,
    )
