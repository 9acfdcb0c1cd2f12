"""The development procedure's rules (DOMAIN.md §3): one workflow table for the 25 steps, and the
time rules and particulars each step is checked against. Every number is a rule parameter (params.py).

A refusal names the rule and the dates, so that a branch secretary knows what to correct.
"""

from __future__ import annotations

import calendar as _calendar
from datetime import date, timedelta
from functools import partial

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.core import calendar, params
from dangjian.core.workflow import Transition

from .models import (
    FINISHED,
    STEP_BY_NUMBER,
    STOPPABLE,
    ConversionOutcome,
    DevelopmentFile,
    FileStatus,
    StepRecord,
)


class DevelCap:
    """The module's capabilities."""

    DEVELOP = "develop"  # record the branch's steps of a development file
    APPROVE = "approve_development"  # file, pre-review and approve as the higher committee
    SET_QUOTA = "set_quota"  # divide the yearly development quota among the organisations below


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it has no such day)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, _calendar.monthrange(year, month)[1]))


def fmt(day: date | None) -> str:
    return day.strftime("%Y-%m-%d") if day else "—"


def step_name(number: int) -> str:
    return _("step %(n)s “%(label)s”") % {"n": number, "label": STEP_BY_NUMBER[number].label}


def parent_of(org):
    """The organisation just above ``org`` (None for the root)."""
    from dangjian.orgs.models import Organisation

    if org.depth <= 1:
        return None
    return Organisation.objects.filter(path=org.path[: -Organisation.steplen]).first()


def children_of(org):
    from dangjian.orgs.models import Organisation

    return Organisation.objects.filter(path__startswith=org.path, depth=org.depth + 1)


def higher_org(file: DevelopmentFile):
    """The higher committee of the file's branch: it files, pre-reviews and approves."""
    return parent_of(file.org) or file.org


def recorder_of(file: DevelopmentFile, number: int):
    """The user who recorded the latest record of step ``number`` (None when nobody did)."""
    record = StepRecord.objects.filter(file=file, number=number).order_by("-done_on", "-pk").first()
    return record.recorded_by_id if record else None


def _not_the_recorder(approved: int, file: DevelopmentFile, actor) -> None:
    if getattr(actor, "pk", None) and recorder_of(file, approved) == actor.pk:
        raise ValidationError(
            _("You recorded %(step)s yourself; it must be approved by somebody else.")
            % {"step": step_name(approved)},
            code="same_person",
        )


def _dates_in_order(
    number: int, file: DevelopmentFile, actor, note: str = "", last_step_on=None, **fields
) -> None:
    """Every step: not in the future, not before the step before it."""
    if last_step_on is None:
        raise ValidationError(_("Please give the date of the step."))
    from django.utils import timezone

    if last_step_on > timezone.localdate():
        raise ValidationError(
            _("The date of %(step)s (%(date)s) cannot be after today.")
            % {"step": step_name(number), "date": fmt(last_step_on)}
        )
    if last_step_on < file.last_step_on:
        raise ValidationError(
            _("The date of %(step)s (%(date)s) cannot be before the previous step (%(previous)s).")
            % {"step": step_name(number), "date": fmt(last_step_on), "previous": fmt(file.last_step_on)}
        )


def _move(number: int) -> Transition:
    step = STEP_BY_NUMBER[number]
    return Transition(
        label=step.label,
        cap=DevelCap.APPROVE if step.higher else DevelCap.DEVELOP,
        at=higher_org if step.higher else None,
        who=partial(_not_the_recorder, step.approves) if step.approves else None,
        guard=partial(_dates_in_order, number),
    )


DEVELOPMENT: dict[tuple[str, str], Transition] = {
    (f"s{n - 1:02d}", f"s{n:02d}"): _move(n) for n in range(2, 26) if n not in (23, 24)
}
DEVELOPMENT.update(
    {
        (FileStatus.S22, FileStatus.S23): _move(23),  # the vote: convert, extend or cancel
        (FileStatus.S23, FileStatus.S24): _move(24),  # conversion approved
        (FileStatus.S23, FileStatus.EXTENDED): _move(24),  # extension approved by the higher committee
        (FileStatus.S23, FileStatus.CANCELLED): _move(24),  # cancellation approved
        (FileStatus.EXTENDED, FileStatus.S22): _move(22),  # application at the end of the extension
    }
)
STOP = Transition(label=gettext_lazy("Stop developing"), cap=DevelCap.DEVELOP, note_required=True)
DEVELOPMENT.update({(status, FileStatus.STOPPED): STOP for status in STOPPABLE})
DEVELOPMENT = {(str(a), str(b)): rule for (a, b), rule in DEVELOPMENT.items()}

WORKFLOWS = {DevelopmentFile: DEVELOPMENT}


def target_status(file: DevelopmentFile, number: int, outcome: str = "") -> str:
    """The state a file moves to when step ``number`` is recorded: the higher committee's approval of a
    conversion vote (step 24) converts, extends the probation or cancels it, as the branch voted."""
    if number == 24 and file.outcome == ConversionOutcome.CANCEL:
        return FileStatus.CANCELLED
    if number == 24 and file.outcome == ConversionOutcome.EXTEND:
        return FileStatus.EXTENDED
    return f"s{number:02d}"


def next_step(file: DevelopmentFile) -> int | None:
    """The number of the step that comes next, None when the file is finished."""
    if file.status == FileStatus.EXTENDED:
        return 22
    if file.status in FINISHED:
        return None
    return file.step + 1


def check_order(file: DevelopmentFile, number: int) -> None:
    expected = next_step(file)
    if expected != number:
        if file.status == FileStatus.STOPPED:
            raise ValidationError(
                _("Development of this applicant was stopped on %(date)s; no more steps can be recorded.")
                % {"date": fmt(file.stopped_on)},
                code="stopped",
            )
        if expected is None:
            raise ValidationError(_("This file is finished; no more steps can be recorded."))
        raise ValidationError(
            _("Steps go in order: the next step of this file is %(next)s, not %(step)s.")
            % {"next": step_name(expected), "step": step_name(number)},
            code="out_of_order",
        )


def notice_working_days(starts_on: date, ends_on: date) -> int:
    """Working days of a public notice, both ends included (core.calendar: holidays and 调休)."""
    return calendar.working_days_between(starts_on - timedelta(days=1), ends_on)


def check_notice_period(starts_on: date, ends_on: date) -> None:
    minimum = params.get("devel.notice_min_working_days")
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The notice cannot end before it starts.")})
    days = notice_working_days(starts_on, ends_on)
    if days < minimum:
        raise ValidationError(
            {
                "ends_on": _(
                    "A public notice lasts at least %(min)s working days; %(start)s to %(end)s has only %(days)s."
                )
                % {"min": minimum, "start": fmt(starts_on), "end": fmt(ends_on), "days": days}
            },
            code="notice_too_short",
        )


def _check_notice(file: DevelopmentFile, number: int, done_on: date) -> None:
    notices = [n for n in file.public_notices.all() if n.before_step == number]
    if not notices:
        raise ValidationError(
            _("%(step)s needs a public notice of at least %(min)s working days first; none is recorded.")
            % {"step": step_name(number), "min": params.get("devel.notice_min_working_days")},
            code="no_notice",
        )
    notice = max(notices, key=lambda n: n.ends_on)
    check_notice_period(notice.starts_on, notice.ends_on)
    if notice.ends_on >= done_on:
        raise ValidationError(
            _("The public notice runs until %(end)s; %(step)s can only be done after it (not on %(date)s).")
            % {"end": fmt(notice.ends_on), "step": step_name(number), "date": fmt(done_on)},
            code="notice_running",
        )


def _check_vote(data: dict) -> None:
    entitled, present, votes_for = data.get("entitled"), data.get("present"), data.get("votes_for")
    if not entitled or present is None or votes_for is None:
        raise ValidationError(
            _("Please give the members entitled to vote, those present and the votes for."),
            code="vote_missing",
        )
    if present > entitled or votes_for > present:
        raise ValidationError(
            _("More present than entitled, or more votes than present: please check the figures."),
            code="vote_figures",
        )
    if present * 2 <= entitled:
        raise ValidationError(
            _(
                "No quorum: %(present)s of %(entitled)s members entitled to vote were present;"
                " more than half must be present for a vote."
            )
            % {"present": present, "entitled": entitled},
            code="no_quorum",
        )
    if votes_for * 2 <= entitled:
        raise ValidationError(
            _(
                "Not passed: %(votes)s votes for out of %(entitled)s members entitled to vote;"
                " a resolution needs more than half of those entitled to vote."
            )
            % {"votes": votes_for, "entitled": entitled},
            code="not_passed",
        )


def _check_sponsors(file: DevelopmentFile, data: dict) -> None:
    from dangjian.orgs.models import MemberCategory, Standing

    sponsors = [s for s in (data.get("sponsor_1"), data.get("sponsor_2")) if s is not None]
    if len(sponsors) < 2:
        raise ValidationError(_("Two sponsors (入党介绍人) are needed."), code="sponsors_missing")
    if sponsors[0].pk == sponsors[1].pk:
        raise ValidationError(_("The two sponsors must be two different people."), code="sponsor_twice")
    for sponsor in sponsors:
        if sponsor.pk == file.person_id:
            raise ValidationError(_("The applicant cannot sponsor themself."), code="sponsor_self")
        if (
            sponsor.category != MemberCategory.FULL
            or sponsor.status != "active"
            or sponsor.standing != Standing.NORMAL
        ):
            raise ValidationError(
                _("%(name)s is not a full member in good standing; sponsors must be full members.")
                % {"name": sponsor.name},
                code="sponsor_not_full",
            )


def check_step(file: DevelopmentFile, number: int, data: dict, *, files=()) -> None:
    """The time rules and particulars of step ``number`` for this file (ValidationError when broken)."""
    done_on: date = data["done_on"]
    step = STEP_BY_NUMBER[number]
    if number == 2:
        due = add_months(file.applied_on, params.get("devel.talk_within_months"))
        if not data.get("people"):
            raise ValidationError({"people": _("Please name who talked with the applicant.")})
        if done_on > due:
            raise ValidationError(
                _(
                    "The talk must be held within %(months)s month(s) of the application:"
                    " applied on %(applied)s, due by %(due)s, not %(date)s."
                )
                % {
                    "months": params.get("devel.talk_within_months"),
                    "applied": fmt(file.applied_on),
                    "due": fmt(due),
                    "date": fmt(done_on),
                },
                code="talk_late",
            )
    if number == 5 and not data.get("people"):
        raise ValidationError({"people": _("Please name the one or two contacts (培养联系人).")})
    if number == 7:
        earliest = add_months(file.activist_on, params.get("devel.activist_min_months"))
        if done_on < earliest:
            raise ValidationError(
                _(
                    "An activist becomes a candidate after at least %(months)s months: activist since"
                    " %(since)s, so not before %(earliest)s (not %(date)s)."
                )
                % {
                    "months": params.get("devel.activist_min_months"),
                    "since": fmt(file.activist_on),
                    "earliest": fmt(earliest),
                    "date": fmt(done_on),
                },
                code="activist_too_short",
            )
        _check_assessments(file, done_on)
    if number == 9:
        _check_sponsors(file, data)
    if number == 10 and not (data.get("note") or "").strip():
        raise ValidationError({"note": _("Please give the conclusion of the political review.")})
    if number == 11:
        days, hours = data.get("training_days") or 0, data.get("training_hours") or 0
        min_days, min_hours = params.get("devel.training_min_days"), params.get("devel.training_min_hours")
        if days < min_days and hours < min_hours:
            raise ValidationError(
                _(
                    "Concentrated training lasts at least %(days)s days or %(hours)s class hours;"
                    " recorded: %(d)s days, %(h)s hours."
                )
                % {"days": min_days, "hours": min_hours, "d": days, "h": hours},
                code="training_short",
            )
    if number == 12 and not file.steps.filter(number=10).exists():
        raise ValidationError(_("The political review must be concluded before the committee review."))
    if step.notice:
        _check_notice(file, number, done_on)
    if number in (15, 23):
        _check_vote(data)
    if number == 23:
        _check_conversion_vote(file, data, done_on)
    if number == 24 and file.outcome == ConversionOutcome.CANCEL and not (data.get("note") or "").strip():
        raise ValidationError(
            {"note": _("Please give the reason for cancelling the probationary membership.")}
        )
    if number == 24 and file.outcome == ConversionOutcome.EXTEND and file.extensions >= 1:
        raise ValidationError(
            _("The probation was extended once already; it can be extended only once."),
            code="second_extension",
        )
    if number in (17, 24):
        vote_on = file.vote_on if number == 17 else file.conversion_vote_on
        months = params.get(
            "devel.approval_extended_months" if data.get("extended_limit") else "devel.approval_within_months"
        )
        due = add_months(vote_on, months)
        if done_on > due:
            raise ValidationError(
                _(
                    "The higher committee approves within %(months)s months of the branch vote: vote on"
                    " %(vote)s, due by %(due)s, not %(date)s."
                )
                % {"months": months, "vote": fmt(vote_on), "due": fmt(due), "date": fmt(done_on)},
                code="approval_late",
            )
    if step.document and not files:
        raise ValidationError(
            {
                "files": _("%(step)s needs the %(document)s (a scan) attached.")
                % {"step": step_name(number), "document": step.document}
            },
            code="document_missing",
        )


def _check_assessments(file: DevelopmentFile, until: date) -> None:
    """An activist is assessed at least every N months from becoming an activist until chosen as a candidate."""
    every = params.get("devel.assessment_every_months")
    dates = sorted(file.steps.filter(number=6).values_list("done_on", flat=True))
    previous = file.activist_on
    for day in [*dates, until]:
        due = add_months(previous, every)
        if day > due:
            raise ValidationError(
                _(
                    "An activist is assessed at least every %(months)s months: after %(previous)s the next"
                    " assessment was due by %(due)s, but none is recorded until %(date)s."
                )
                % {"months": every, "previous": fmt(previous), "due": fmt(due), "date": fmt(day)},
                code="assessment_gap",
            )
        previous = day


def _check_conversion_vote(file: DevelopmentFile, data: dict, done_on: date) -> None:
    outcome = data.get("outcome")
    if outcome not in ConversionOutcome.values:
        raise ValidationError({"outcome": _("Please choose the outcome of the vote.")})
    if outcome != ConversionOutcome.CANCEL and done_on < file.probation_ends_on:
        raise ValidationError(
            _(
                "The probation runs until %(end)s; the conversion vote cannot be held before it (not on %(date)s)."
            )
            % {"end": fmt(file.probation_ends_on), "date": fmt(done_on)},
            code="probation_running",
        )
    if outcome == ConversionOutcome.EXTEND:
        if file.extensions >= 1:
            raise ValidationError(
                _("The probation was extended once already; it can be extended only once."),
                code="second_extension",
            )
        months = data.get("extension_months") or 0
        low, high = params.get("devel.extension_min_months"), params.get("devel.extension_max_months")
        if not low <= months <= high:
            raise ValidationError(
                {
                    "extension_months": _("An extension lasts %(low)s to %(high)s months.")
                    % {"low": low, "high": high}
                },
                code="extension_length",
            )


def check_age(birth_date: date, applied_on: date) -> None:
    minimum = params.get("devel.min_age")
    try:
        adult_on = birth_date.replace(year=birth_date.year + minimum)
    except ValueError:  # 29 February
        adult_on = birth_date.replace(year=birth_date.year + minimum, day=28)
    if applied_on < adult_on:
        # The birth date itself is part of the ID number: say only the rule (docs/personal-data.md).
        raise ValidationError(
            {
                "applied_on": _(
                    "An applicant must be at least %(age)s years old on the date of application (%(date)s)."
                )
                % {"age": minimum, "date": fmt(applied_on)}
            },
            code="too_young",
        )


REFUSED_NOTICE = gettext_lazy("Refused a public notice from %(start)s to %(end)s: %(reason)s")
