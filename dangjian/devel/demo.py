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
from .models import STEP_BY_NUMBER, ConversionOutcome, DevelopmentFile

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
        if number == 23 and outcome != ConversionOutcome.CONVERT and file.status == "extended":
            break
    return file


def citizen_id(birth: date, seq: int, *, male: bool, area: str = "360325") -> str:
    code = f"{seq % 500 * 2 + (1 if male else 0):03d}"
    first17 = f"{area}{birth:%Y%m%d}{code}"
    return first17 + id_check_char(first17)


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
    (23, 5, ConversionOutcome.EXTEND),
    (25, 10, None),
    (24, 3, ConversionOutcome.CANCEL),
]


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
        birth = applied_on - timedelta(days=rng.randrange(19 * 365, 45 * 365))
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
        villages = villages[:3]
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
                    advance(
                        file,
                        step,
                        branch=branch,
                        higher=higher,
                        sponsors=sponsors,
                        outcome=outcome or ConversionOutcome.CONVERT,
                        extension_months=extension,
                    )
                except ValidationError as exc:  # a quota used up: the file waits before approval
                    ctx.out(f"  devel: {village.label} stopped: {'；'.join(exc.messages)}")
                made += 1
    ctx.out(f"  devel: {made} development files")


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
