"""Writes of organisational life: meetings and attendance, monthly reports, evaluations, training, the
daily warning job. Every refusal is a ValidationError in Chinese and changes nothing."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import attachments, params, scoping, workflow
from dangjian.core.caps import Cap
from dangjian.core.exports import enumerate_names
from dangjian.ledger import door
from dangjian.notices.selectors import recipients_for_org
from dangjian.notices.services import notify
from dangjian.orgs.models import Organisation, Person

from . import params as orglife_params
from . import periods, selectors
from .apps import RECORD
from .models import (
    Amendment,
    Attendance,
    Course,
    CoverageCheck,
    CoverageTarget,
    Evaluation,
    EvaluationRound,
    FrequencyRule,
    Grade,
    Meeting,
    MeetingKind,
    MonthlyReport,
    MutualRating,
    Presence,
    TrainingRecord,
    rule_label,
)
from .rules import parent_of

R = MonthlyReport.Status


@dataclass(frozen=True)
class Mark:
    """One expected member's attendance as entered: present, absent (with a reason) or on leave."""

    presence: str
    reason: str = ""


# --------------------------------------------------------------------------- meetings


def _check_votes(*, kind, votes, declared_passed, voters_present, voters_entitled) -> None:
    """Quorum and majority (DOMAIN.md §2): a vote needs more than half of those entitled present, and
    passes only with more than half of those entitled in favour."""
    given = [v for v in votes if v is not None]
    if not given and declared_passed is None:
        return
    if len(given) != 3:
        raise ValidationError(_("Give the votes for, against and abstaining, or none of them."), code="votes")
    total = sum(given)
    if total > voters_present:
        raise ValidationError(
            _("%(n)s votes were cast but only %(m)s members entitled to vote were present.")
            % {"n": total, "m": voters_present},
            code="votes_exceed",
        )
    if voters_present * 2 <= voters_entitled:
        raise ValidationError(
            _("No quorum: %(p)s of %(e)s members entitled to vote were present; a vote needs more than half.")
            % {"p": voters_present, "e": voters_entitled},
            code="no_quorum",
        )
    if declared_passed and votes[0] * 2 <= voters_entitled:
        raise ValidationError(
            _(
                "%(f)s votes in favour are not more than half of the %(e)s members entitled to vote: "
                "the motion cannot be declared passed."
            )
            % {"f": votes[0], "e": voters_entitled},
            code="not_passed",
        )


def _attendance(org, kind, day, marks: dict[int, Mark]):
    """The expected list at the meeting's date checked against the marks; returns rows and counts."""
    expected = selectors.expected_on(org, kind, day)
    if kind == MeetingKind.COMMITTEE and not expected:
        raise ValidationError(
            _("%(org)s had no committee members on %(day)s: a committee meeting cannot be registered.")
            % {"org": org.label, "day": day.isoformat()},
            code="no_committee",
        )
    by_id = {e.person.pk: e for e in expected}
    strangers = [pk for pk in marks if pk not in by_id]
    if strangers:
        names = Person.objects.filter(pk__in=strangers).values_list("name", flat=True)
        raise ValidationError(
            _(
                "%(names)s was not on the roster of %(org)s on %(day)s; record them as attending "
                "non-members (列席) instead."
            )
            % {"names": enumerate_names(names) or "?", "org": org.label, "day": day.isoformat()},
            code="not_on_roster",
        )
    unmarked = [e.person.name for e in expected if e.person.pk not in marks]
    counts = {p: sum(1 for m in marks.values() if m.presence == p) for p in Presence.values}
    if unmarked:
        raise ValidationError(
            _(
                "Present (%(p)s), absent (%(a)s) and on leave (%(l)s) add up to %(sum)s, but %(e)s were "
                "expected: mark %(names)s."
            )
            % {
                "p": counts[Presence.PRESENT],
                "a": counts[Presence.ABSENT],
                "l": counts[Presence.LEAVE],
                "sum": sum(counts.values()),
                "e": len(expected),
                "names": enumerate_names(unmarked),
            },
            code="attendance_sum",
        )
    no_reason = [
        by_id[pk].person.name
        for pk, m in marks.items()
        if m.presence != Presence.PRESENT and not m.reason.strip()
    ]
    if no_reason:
        raise ValidationError(
            _("Give the reason of absence or leave for %(names)s.") % {"names": enumerate_names(no_reason)},
            code="reason",
        )
    rows = [(e, marks[e.person.pk]) for e in expected]
    summary = {
        "expected": len(expected),
        "present": counts[Presence.PRESENT],
        "voters_entitled": sum(1 for e in expected if e.voter),
        "voters_present": sum(1 for e, m in rows if e.voter and m.presence == Presence.PRESENT),
    }
    return rows, summary


def _check_time(*, starts_at: datetime, planned: bool) -> None:
    now = timezone.now()
    if not planned and starts_at > now:
        raise ValidationError(
            _("The meeting's time is in the future: save it as planned, and register it once it is held."),
            code="future",
        )
    if planned and starts_at <= now:
        raise ValidationError(
            _("A planned meeting must lie ahead; register a past meeting as held."), code="planned_past"
        )


def _check_duplicate(*, org, kind, starts_at, exclude_pk=None) -> None:
    qs = Meeting.objects.filter(org=org, kind=kind, starts_at=starts_at)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        raise ValidationError(
            _("%(org)s already has a %(kind)s registered at this date and time.")
            % {"org": org.label, "kind": rule_label(kind)},
            code="duplicate",
        )


MINUTES_FIELDS = (
    "place",
    "chair",
    "recorder",
    "topic",
    "key_points",
    "decisions",
    "lecturer",
    "lesson_title",
    "observers",
)


def _minutes(kind, fields: dict, marks, org, day, votes, declared_passed) -> tuple[dict, list]:
    if kind == MeetingKind.LESSON and not (fields.get("lecturer") or "").strip():
        raise ValidationError(_("A party lesson needs its lecturer."), code="lecturer")
    rows, summary = _attendance(org, kind, day, marks)
    lecturer_id = fields.get("lecturer_person_id")
    if lecturer_id and kind != MeetingKind.LESSON:
        lecturer_id = None
    if lecturer_id and lecturer_id not in {e.person.pk for e, _m in rows}:
        raise ValidationError(
            _("The lecturer chosen from the roster was not a member of %(org)s on %(day)s.")
            % {"org": org.label, "day": day.isoformat()},
            code="lecturer_person",
        )
    _check_votes(
        kind=kind,
        votes=votes,
        declared_passed=declared_passed,
        voters_present=summary["voters_present"],
        voters_entitled=summary["voters_entitled"],
    )
    values = {name: fields.get(name, "") or "" for name in MINUTES_FIELDS}
    values.update(summary)
    values.update(
        lecturer_person_id=lecturer_id or None,
        votes_for=votes[0],
        votes_against=votes[1],
        votes_abstain=votes[2],
        declared_passed=declared_passed,
    )
    return values, rows


def _write_attendance(meeting, rows) -> None:
    Attendance.objects.bulk_create(
        [
            Attendance(
                meeting=meeting, person=e.person, presence=m.presence, reason=m.reason.strip(), voter=e.voter
            )
            for e, m in rows
        ]
    )


@transaction.atomic
def meeting_register(
    *,
    org: Organisation,
    actor,
    kind: str,
    starts_at: datetime,
    topic: str,
    planned: bool = False,
    marks: dict[int, Mark] | None = None,
    votes: tuple = (None, None, None),
    declared_passed: bool | None = None,
    files=(),
    **fields,
) -> Meeting:
    """Register a meeting: planned ahead (time, place, topic), or held with minutes, attendance and files."""
    scoping.ensure_can(actor, RECORD, org)
    _check_time(starts_at=starts_at, planned=planned)
    _check_duplicate(org=org, kind=kind, starts_at=starts_at)
    day = timezone.localtime(starts_at).date()
    if planned:
        values = {name: fields.get(name, "") or "" for name in MINUTES_FIELDS}
        meeting = Meeting.objects.create(
            org=org,
            kind=kind,
            status=Meeting.Status.PLANNED,
            starts_at=starts_at,
            recorded_by=actor,
            **{**values, "topic": topic},
        )
        if files:
            attachments.attach(owner=meeting, files=files, actor=actor, purpose="minutes")
        return meeting
    values, rows = _minutes(kind, {**fields, "topic": topic}, marks or {}, org, day, votes, declared_passed)
    meeting = Meeting.objects.create(
        org=org, kind=kind, status=Meeting.Status.HELD, starts_at=starts_at, recorded_by=actor, **values
    )
    _write_attendance(meeting, rows)
    if files:
        attachments.attach(owner=meeting, files=files, actor=actor, purpose="minutes")
    return meeting


@transaction.atomic
def meeting_hold(
    *,
    meeting: Meeting,
    actor,
    starts_at: datetime,
    topic: str,
    marks: dict[int, Mark],
    votes: tuple = (None, None, None),
    declared_passed: bool | None = None,
    files=(),
    **fields,
) -> Meeting:
    """Register a planned meeting as held, with its minutes, attendance and files."""
    _check_time(starts_at=starts_at, planned=False)
    _check_duplicate(org=meeting.org, kind=meeting.kind, starts_at=starts_at, exclude_pk=meeting.pk)
    day = timezone.localtime(starts_at).date()
    values, rows = _minutes(
        meeting.kind, {**fields, "topic": topic}, marks, meeting.org, day, votes, declared_passed
    )
    values.update(starts_at=starts_at, topic=topic)
    meeting = workflow.transition(obj=meeting, to=Meeting.Status.HELD, actor=actor, fields=values)
    _write_attendance(meeting, rows)
    if files:
        attachments.attach(owner=meeting, files=files, actor=actor, purpose="minutes")
    return meeting


# --------------------------------------------------------------------------- frequency rules


def rule_update(*, rule: FrequencyRule, actor, period: str, times: int, active: bool) -> FrequencyRule:
    """Change one row of the frequency table (administrators)."""
    scoping.ensure_can(actor, Cap.ADMINISTER)
    if times > 31:
        raise ValidationError(_("At most 31 meetings per period."), code="times")
    rule.period, rule.times, rule.active = period, times, active
    rule.save(update_fields=["period", "times", "active"])
    return rule


def rule_override(*, actor, kind: str, org_kind: str, period: str, times: int) -> FrequencyRule:
    """Add the row of one organisation kind that differs from the general rule (administrators)."""
    scoping.ensure_can(actor, Cap.ADMINISTER)
    if FrequencyRule.objects.filter(kind=kind, org_kind=org_kind).exists():
        raise ValidationError(
            _("This organisation kind already has its own row for %(kind)s: change that row.")
            % {"kind": rule_label(kind)},
            code="duplicate_rule",
        )
    return FrequencyRule.objects.create(kind=kind, org_kind=org_kind, period=period, times=times, active=True)


def target_update(
    *,
    target: CoverageTarget,
    actor,
    min_courses: int,
    min_hours: Decimal,
    course_kinds: list[str],
    active: bool,
) -> CoverageTarget:
    """Change one training target (administrators)."""
    scoping.ensure_can(actor, Cap.ADMINISTER)
    if not min_courses and not min_hours:
        raise ValidationError(_("A target needs at least one course or some hours."), code="empty_target")
    target.min_courses, target.min_hours, target.active = min_courses, min_hours, active
    target.course_kinds = ",".join(course_kinds)
    target.save(update_fields=["min_courses", "min_hours", "course_kinds", "active"])
    return target


# --------------------------------------------------------------------------- monthly reports


def _first_of_month(day: date) -> date:
    return day.replace(day=1)


@transaction.atomic
def report_compile(*, org: Organisation, month: date, actor, today: date | None = None) -> MonthlyReport:
    """The draft report of ``org`` for ``month``, created or recompiled from the records."""
    scoping.ensure_can(actor, RECORD, org)
    today = today or timezone.localdate()
    month = _first_of_month(month)
    if month > today:
        raise ValidationError(_("A report cannot be compiled for a month that has not begun."), code="future")
    report, _created = MonthlyReport.objects.select_for_update().get_or_create(org=org, month=month)
    if report.status in (R.SUBMITTED, R.APPROVED):
        raise ValidationError(
            _("This report is %(status)s and can no longer be changed.")
            % {"status": report.get_status_display()},
            code="frozen",
        )
    report.figures = selectors.report_figures(org, month, today=today)
    report.save(update_fields=["figures"])
    return report


def report_submit(
    *, report: MonthlyReport, actor, remarks: str = "", today: date | None = None
) -> MonthlyReport:
    """Submit the report to the township: the figures are compiled once more and frozen."""
    today = today or timezone.localdate()
    if report.status == R.SUBMITTED:
        raise ValidationError(_("This report has already been submitted."), code="twice")
    if report.status == R.APPROVED:
        raise ValidationError(_("This report has been approved and can no longer be changed."), code="frozen")
    if periods.month_end(report.month) >= today:
        raise ValidationError(
            _("The month has not ended yet: submit its report from the 1st of next month."), code="early"
        )
    return workflow.transition(
        obj=report,
        to=R.SUBMITTED,
        actor=actor,
        fields={
            "figures": selectors.report_figures(report.org, report.month, today=today),
            "remarks": remarks,
            "submitted_on": today,
            "submitted_by": actor,
            "late": today > selectors.report_due_on(report.month),
        },
    )


def report_review(*, report: MonthlyReport, actor, approve: bool, opinion: str = "") -> MonthlyReport:
    """The township approves the report (it is frozen) or returns it with an opinion."""
    if report.status != R.SUBMITTED:
        raise ValidationError(_("Only a submitted report can be reviewed."), code="not_submitted")
    return workflow.transition(
        obj=report,
        to=R.APPROVED if approve else R.RETURNED,
        actor=actor,
        note=opinion,
        fields={"opinion": opinion, "reviewed_by": actor},
    )


def report_amend(*, report: MonthlyReport, actor, text: str) -> Amendment:
    """A correction of an approved report, recorded beside the frozen figures."""
    scoping.ensure_can(actor, RECORD, report)
    if report.status != R.APPROVED:
        raise ValidationError(
            _("Only an approved report takes amendments; correct a draft directly."), code="not_approved"
        )
    if not text.strip():
        raise ValidationError(_("Say what is corrected."), code="empty")
    return Amendment.objects.create(report=report, text=text.strip(), actor=actor)


def report_raise_items(*, report: MonthlyReport, actor, deadline: date) -> list:
    """Turn the periods the report shows as missed into ledger items for the branch (one action)."""
    missed = [d for d in report.figures.get("dues", []) if d["state"] == periods.State.MISSED]
    if not missed:
        raise ValidationError(_("The report shows no missed meeting."), code="nothing")
    findings = [
        door.Finding(
            title=_("%(kind)s not held as required (%(period)s)")
            % {"kind": rule_label(d["kind"]), "period": d["period"]},
            key=f"{d['kind']}:{d['period']}",
            deadline=deadline,
        )
        for d in missed
    ]
    issuer = parent_of(report.org)
    return door.items_from_source(
        source_record=report,
        issuer=issuer,
        org=report.org,
        findings=findings,
        actor=actor,
        title=_("Organisational life check: %(report)s") % {"report": report},
    )


# --------------------------------------------------------------------------- democratic evaluation

STEPS_IN_ORDER = "自我评价 → 互评 → 民主测评 → 评定等次"


def _evaluation_year(year: int, today: date) -> None:
    if year > today.year:
        raise ValidationError(_("The evaluation year has not begun."), code="future")


@transaction.atomic
def mutual_sheet(
    *, org: Organisation, actor, year: int, rater: Person, grades: dict[int, str], today: date | None = None
) -> list[MutualRating]:
    """One member's mutual-assessment sheet (互评): a grade for every other member of the branch (all or none)."""
    scoping.ensure_can(actor, RECORD, org)
    today = today or timezone.localdate()
    _evaluation_year(year, today)
    evaluation_round, _created = EvaluationRound.objects.select_for_update().get_or_create(org=org, year=year)
    if evaluation_round.status != EvaluationRound.Status.MUTUAL:
        raise ValidationError(
            _(
                "The mutual assessment of %(org)s for %(year)s is closed; the branch is grading now "
                "(the steps run in order: %(steps)s)."
            )
            % {"org": org.label, "year": year, "steps": STEPS_IN_ORDER},
            code="closed",
        )
    roster = {e.person.pk: e.person for e in selectors.roster_on(org, evaluation_round.closing_day(today))}
    if rater.pk not in roster:
        raise ValidationError(
            _("%(name)s was not a member of %(org)s in %(year)s.")
            % {"name": rater.name, "org": org.label, "year": year},
            code="not_on_roster",
        )
    if rater.pk in grades:
        raise ValidationError(
            _("%(name)s cannot rate themself in the mutual assessment.") % {"name": rater.name},
            code="self",
        )
    if MutualRating.objects.filter(round=evaluation_round, rater=rater).exists():
        raise ValidationError(
            _("%(name)s has already handed in a mutual assessment for %(year)s; a member rates only once.")
            % {"name": rater.name, "year": year},
            code="twice",
        )
    strangers = [pk for pk in grades if pk not in roster]
    if strangers:
        names = Person.objects.filter(pk__in=strangers).values_list("name", flat=True)
        raise ValidationError(
            _("%(names)s was not a member of %(org)s in %(year)s and cannot be rated.")
            % {"names": enumerate_names(names) or "?", "org": org.label, "year": year},
            code="ratee_not_on_roster",
        )
    bad = [roster[pk].name for pk, grade in grades.items() if grade not in Grade.values]
    if bad:
        raise ValidationError(
            _("Choose a grade for %(names)s.") % {"names": enumerate_names(bad)}, code="grade"
        )
    unrated = [p.name for pk, p in roster.items() if pk != rater.pk and pk not in grades]
    if unrated:
        raise ValidationError(
            _("Each member rates every other member: %(names)s still lack a grade from %(rater)s.")
            % {"names": enumerate_names(unrated), "rater": rater.name},
            code="incomplete",
        )
    if not grades:
        raise ValidationError(_("%(org)s has nobody else to rate.") % {"org": org.label}, code="nobody")
    return MutualRating.objects.bulk_create(
        [
            MutualRating(
                round=evaluation_round, rater=rater, ratee=roster[pk], grade=grade, recorded_by=actor
            )
            for pk, grade in grades.items()
        ]
    )


def mutual_close(*, evaluation_round: EvaluationRound, actor) -> EvaluationRound:
    """Close the branch's mutual assessment: no more sheets; the poll and grades may be entered."""
    if evaluation_round.status != EvaluationRound.Status.MUTUAL:
        raise ValidationError(_("The mutual assessment is already closed."), code="closed")
    return workflow.transition(obj=evaluation_round, to=EvaluationRound.Status.GRADING, actor=actor)


def _grading_round(org: Organisation, year: int) -> EvaluationRound:
    evaluation_round = EvaluationRound.objects.filter(org=org, year=year).first()
    if evaluation_round is None or evaluation_round.status != EvaluationRound.Status.GRADING:
        raise ValidationError(
            _(
                "%(org)s has not closed its mutual assessment for %(year)s: grades follow it "
                "(the steps run in order: %(steps)s)."
            )
            % {"org": org.label, "year": year, "steps": STEPS_IN_ORDER},
            code="mutual_open",
        )
    return evaluation_round


@transaction.atomic
def evaluation_record(
    *,
    org: Organisation,
    actor,
    year: int,
    person: Person,
    grade: str,
    handling: str = "",
    handling_note: str = "",
    self_assessment: str = "",
    poll_excellent: int = 0,
    poll_qualified: int = 0,
    poll_basic: int = 0,
    poll_unqualified: int = 0,
    today: date | None = None,
) -> Evaluation:
    """Record one member's poll and grade in the year's democratic evaluation of the branch, once the branch has
    closed its mutual assessment; the member's mutual tallies are kept with the grade."""
    scoping.ensure_can(actor, RECORD, org)
    today = today or timezone.localdate()
    _evaluation_year(year, today)
    evaluation_round = _grading_round(org, year)
    day = evaluation_round.closing_day(today)
    roster = selectors.roster_on(org, day)
    if person.pk not in {e.person.pk for e in roster}:
        raise ValidationError(
            _("%(name)s was not a member of %(org)s in %(year)s.")
            % {"name": person.name, "org": org.label, "year": year},
            code="not_on_roster",
        )
    if Evaluation.objects.filter(year=year, person=person).exists():
        raise ValidationError(
            _("%(name)s has already been graded for %(year)s.") % {"name": person.name, "year": year},
            code="duplicate",
        )
    polls = (poll_excellent, poll_qualified, poll_basic, poll_unqualified)
    if sum(polls) > len(roster):
        raise ValidationError(
            _("The poll counts add up to %(n)s, more than the %(m)s members of the branch.")
            % {"n": sum(polls), "m": len(roster)},
            code="poll",
        )
    if grade == Grade.UNQUALIFIED and not handling:
        raise ValidationError(
            _(
                "A member graded unqualified needs a handling decision (correction, persuasion to leave, removal)."
            ),
            code="handling",
        )
    if grade != Grade.UNQUALIFIED and handling:
        raise ValidationError(_("Only a member graded unqualified is handled."), code="handling")
    if grade == Grade.EXCELLENT:
        percent = params.get(orglife_params.EXCELLENT_MAX_PERCENT.key)
        limit = math.floor(len(roster) * percent / 100)
        already = Evaluation.objects.filter(org=org, year=year, grade=Grade.EXCELLENT).count()
        if already + 1 > limit:
            raise ValidationError(
                _(
                    "At most %(percent)s%% of the members may be graded excellent: %(limit)s of %(n)s in this "
                    "branch, and %(already)s already are."
                )
                % {"percent": percent, "limit": limit, "n": len(roster), "already": already},
                code="excellent_limit",
            )
    tallies = selectors.mutual_tallies(evaluation_round).get(person.pk, {})
    evaluation = Evaluation.objects.create(
        **{f"mutual_{grade}": tallies.get(grade, 0) for grade in Grade.values},
        org=org,
        year=year,
        person=person,
        grade=grade,
        handling=handling,
        handling_note=handling_note,
        self_assessment=self_assessment,
        poll_excellent=poll_excellent,
        poll_qualified=poll_qualified,
        poll_basic=poll_basic,
        poll_unqualified=poll_unqualified,
        recorded_by=actor,
    )
    if grade == Grade.UNQUALIFIED:
        door.items_from_source(
            source_record=evaluation,
            issuer=org,
            org=org,
            actor=actor,
            title=_("Handling of members graded unqualified, %(year)s") % {"year": year},
            findings=[
                door.Finding(
                    title=_("%(name)s graded unqualified: %(handling)s")
                    % {"name": person.name, "handling": evaluation.get_handling_display()},
                    key=f"handling:{person.pk}",
                    person=person,
                    description=handling_note,
                    deadline_days=90,
                )
            ],
            today=today,
        )
    return evaluation


# --------------------------------------------------------------------------- training


def course_create(
    *,
    org: Organisation,
    actor,
    title: str,
    kind: str,
    starts_on: date,
    ends_on: date,
    hours: Decimal,
    audience: str = "",
    materials: str = "",
) -> Course:
    """Register a training course organised by ``org``."""
    scoping.ensure_can(actor, RECORD, org)
    if ends_on < starts_on:
        raise ValidationError(_("The last day is before the first day."), code="dates")
    if hours is None or hours <= 0:
        raise ValidationError(_("A course lasts more than zero hours."), code="hours")
    return Course.objects.create(
        org=org,
        title=title,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        hours=hours,
        audience=audience,
        materials=materials,
        recorded_by=actor,
    )


@transaction.atomic
def training_record(*, course: Course, actor, entries: list[tuple[Person, Decimal]]) -> list[TrainingRecord]:
    """Hours earned on ``course`` by each person (all or none)."""
    scoping.ensure_can(actor, RECORD, course)
    problems = []
    already = set(TrainingRecord.objects.filter(course=course).values_list("person_id", flat=True))
    seen = set()
    paths = dict(Person.objects.filter(pk__in=[p.pk for p, _h in entries]).values_list("pk", "org__path"))
    for person, hours in entries:
        if hours is None or hours < 0:
            problems.append(_("%(name)s: hours cannot be negative.") % {"name": person.name})
        elif hours > course.hours:
            problems.append(
                _("%(name)s: %(h)s hours is more than the course's %(c)s.")
                % {"name": person.name, "h": hours, "c": course.hours}
            )
        if person.pk in already or person.pk in seen:
            problems.append(_("%(name)s is already recorded on this course.") % {"name": person.name})
        if not paths.get(person.pk, "").startswith(course.org.path) or not person.is_member:
            problems.append(
                _("%(name)s is not a member of %(org)s or the organisations below it.")
                % {"name": person.name, "org": course.org.label}
            )
        seen.add(person.pk)
    if problems:
        raise ValidationError(problems)
    return TrainingRecord.objects.bulk_create(
        [TrainingRecord(course=course, person=p, hours=h, on=course.ends_on) for p, h in entries]
    )


@transaction.atomic
def coverage_raise_items(
    *, org: Organisation, target: CoverageTarget, year: int, actor, deadline: date, today: date | None = None
) -> list:
    """Hand down who is still missing a training target in ``org``'s subtree as ledger items (教育培训).

    One item per organisation concerned, naming its people; pressing again adds items only for
    organisations not handed down yet (the ledger's door is idempotent per organisation).
    """
    scoping.ensure_can(actor, Cap.INSPECT, org)
    today = today or timezone.localdate()
    if year > today.year:
        raise ValidationError(_("The year has not begun."), code="future")
    if not target.active:
        raise ValidationError(_("This training target is not checked."), code="inactive")
    if deadline <= today:
        raise ValidationError(_("The deadline must lie ahead."), code="deadline")
    coverage = selectors.target_coverage(actor, org, year, targets=[target])[0]
    if not coverage.missing:
        raise ValidationError(
            _("Nobody in %(org)s is missing %(target)s in %(year)s.")
            % {"org": org.label, "target": target.label, "year": year},
            code="nothing",
        )
    check, _created = CoverageCheck.objects.get_or_create(org=org, year=year, target=target)
    check.missing, check.checked_by, check.checked_at = len(coverage.missing), actor, timezone.now()
    check.save(update_fields=["missing", "checked_by", "checked_at"])
    by_org: dict[int, list[Person]] = {}
    for person in coverage.missing:
        by_org.setdefault(person.org_id, []).append(person)
    findings = [
        door.Finding(
            title=_("%(target)s not reached in %(year)s: %(n)s people")
            % {"target": target.label, "year": year, "n": len(people)},
            key=f"org:{org_id}",
            org=people[0].org,
            description=_("Still missing: %(names)s.") % {"names": enumerate_names([p.name for p in people])},
            deadline=deadline,
        )
        for org_id, people in by_org.items()
    ]
    return door.items_from_source(
        source_record=check,
        issuer=org,
        org=org,
        findings=findings,
        actor=actor,
        title=_("Training coverage check: %(check)s") % {"check": check},
        today=today,
    )


# --------------------------------------------------------------------------- the daily job


def daily_run(*, today: date) -> dict[str, int]:
    """Warn each branch secretary of required meetings still missing N days before their period ends.

    Idempotent: each warning has a key (branch, kind, period), so a second run warns nobody twice.
    """
    days = params.get(orglife_params.WARN_DAYS.key)
    branches = list(Organisation.objects.current().filter(kind__in=selectors.BRANCH_KIND_VALUES))
    rules = selectors.rules_by_org_kind()
    counts = selectors.held_counts([b.pk for b in branches], date(today.year, 1, 1), today)
    warned = 0
    for branch in branches:
        for kind, (period, times) in rules.get(branch.kind, {}).items():
            span = periods.span_containing(period, today)
            if (span.end - today).days > days or not periods.owes(branch, span):
                continue
            held = sum(counts.get(branch.pk, {}).get((kind, m), 0) for m in span.months())
            if held >= times:
                continue
            text = _("%(org)s: the %(kind)s of %(period)s is still missing; the period ends on %(end)s.") % {
                "org": branch.label,
                "kind": rule_label(kind),
                "period": span.label,
                "end": span.end.isoformat(),
            }
            sent = notify(
                recipients=recipients_for_org(branch, RECORD),
                kind="orglife",
                text=text,
                url=reverse("orglife:meeting_list") + f"?org={branch.pk}",
                key=f"orglife:{branch.pk}:{kind}:{span.label}",
            )
            warned += bool(sent)
    return {"orglife_warnings": warned}
