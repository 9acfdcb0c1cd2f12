"""Writes of the development module: open a file, record steps and public notices, set quotas, remind."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import attachments, audit, params, scoping, workflow
from dangjian.orgs import services as org_services
from dangjian.orgs.models import MemberCategory, Organisation, Person

from . import rules, selectors
from .models import (
    FINISHED,
    NOTICE_STEPS,
    STOPPABLE,
    ConversionOutcome,
    DevelopmentFile,
    FileStatus,
    PublicNotice,
    Quota,
    StepRecord,
)
from .rules import DevelCap

DOCUMENT_TYPES = ("pdf", "jpg", "jpeg", "png", "doc", "docx")


@transaction.atomic
def file_open(
    *,
    org: Organisation,
    actor,
    name: str,
    id_number: str,
    applied_on: date,
    files=(),
    ethnicity: str = "汉族",
    education: str = "",
    job: str = "",
    phone: str = "",
) -> DevelopmentFile:
    """Open an applicant's file at the branch from an application (step 1), the person put on the roster
    as a non-member (their ID number stored encrypted and shown masked, by ``orgs.services``)."""
    if not scoping.can(actor, DevelCap.DEVELOP, org):
        raise PermissionDenied(_("You are not allowed to do this here."))
    if applied_on > timezone.localdate():
        raise ValidationError({"applied_on": _("The date of application cannot be after today.")})
    try:
        fields = org_services.id_fields(id_number)
    except ValidationError as exc:
        raise ValidationError({"id_number": exc.messages}) from exc
    rules.check_age(fields["birth_date"], applied_on)
    if not files:
        raise ValidationError({"files": _("Please attach the written application (a scan).")})
    existing = Person.objects.select_related("org").filter(id_digest=fields["id_digest"]).first()
    if existing is not None:
        if existing.category != MemberCategory.NON_MEMBER:
            raise ValidationError(
                {
                    "id_number": _(
                        "This person is already a Party member on the roster; no application can be opened."
                    )
                }
                if Person.objects.visible_to(actor).filter(pk=existing.pk).exists()
                else {"id_number": str(org_services.UNREGISTRABLE_ID)}
            )
        if existing.org_id != org.pk or not Person.objects.visible_to(actor).filter(pk=existing.pk).exists():
            raise ValidationError(
                {"id_number": org_services.duplicate_refusal(existing=existing, actor=actor, org=org)}
            )
        if (
            DevelopmentFile.objects.filter(person=existing)
            .exclude(status__in=[FileStatus.CANCELLED, FileStatus.STOPPED])
            .exists()
        ):
            raise ValidationError({"id_number": _("This person already has a development file.")})
        person = existing
    else:
        person = org_services.person_create(
            org=org,
            actor=actor,
            id_number=id_number,
            name=name,
            ethnicity=ethnicity or "汉族",
            education=education,
            job=job,
            phone=phone,
            category=MemberCategory.NON_MEMBER,
        )
    file = DevelopmentFile.objects.create(
        org=org, person=person, applied_on=applied_on, last_step_on=applied_on, created_by=_user(actor)
    )
    record = StepRecord.objects.create(
        file=file, number=1, done_on=applied_on, body=org.name, people=person.name, recorded_by=_user(actor)
    )
    _attach(record, files, actor)
    return file


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


def _attach(record: StepRecord, files, actor) -> None:
    if files:
        attachments.attach(
            owner=record.file,
            files=files,
            actor=actor,
            purpose=f"step{record.number}",
            extensions=DOCUMENT_TYPES,
        )


@transaction.atomic
def step_record(
    *,
    file: DevelopmentFile,
    number: int,
    actor,
    done_on: date,
    body: str = "",
    people: str = "",
    note: str = "",
    files=(),
    sponsor_1: Person | None = None,
    sponsor_2: Person | None = None,
    training_days: int | None = None,
    training_hours: int | None = None,
    entitled: int | None = None,
    present: int | None = None,
    votes_for: int | None = None,
    outcome: str = "",
    extension_months: int | None = None,
    extended_limit: bool = False,
    expected_version: int | None = None,
) -> StepRecord:
    """Record step ``number`` of a file: checked against the order, the time rules and the particulars,
    then the file moves on (core.workflow); approvals put the person on the roster and use the quota."""
    file = DevelopmentFile.objects.select_related("org", "person").get(pk=file.pk)
    rules.check_order(file, number)
    to = rules.target_status(file, number, outcome)
    rule = workflow.rules_for(file)[(file.status, to)]
    if not workflow.has_right(rule, file, actor):
        raise PermissionDenied(_("You are not allowed to do this here."))
    data = {
        "done_on": done_on,
        "people": (people or "").strip(),
        "note": (note or "").strip(),
        "sponsor_1": sponsor_1,
        "sponsor_2": sponsor_2,
        "training_days": training_days,
        "training_hours": training_hours,
        "entitled": entitled,
        "present": present,
        "votes_for": votes_for,
        "outcome": outcome,
        "extension_months": extension_months,
        "extended_limit": extended_limit,
    }
    if rule.who is not None:
        rule.who(file, actor)
    rules.check_step(file, number, data, files=files)
    fields = {"last_step_on": done_on, **_file_fields(file, number, data)}
    if number == params.get("devel.quota_step"):
        selectors.check_quota(file.org, done_on.year)
        fields["quota_year"] = done_on.year
    workflow.transition(obj=file, to=to, actor=actor, fields=fields, expected_version=expected_version)
    record = StepRecord.objects.create(
        file=file,
        number=number,
        done_on=done_on,
        body=(body or "").strip()[:120] or (rules.higher_org(file) if rule.at else file.org).name,
        recorded_by=_user(actor),
        **{k: v for k, v in data.items() if k not in ("done_on", "outcome")},
        outcome=outcome or "",
    )
    _attach(record, files, actor)
    _roster(file, number, to, actor)
    return record


def _file_fields(file: DevelopmentFile, number: int, data: dict) -> dict:
    """The dates the file keeps for the rules of the later steps."""
    done_on = data["done_on"]
    if number == 2:
        return {"talked_on": done_on}
    if number == 3:
        return {"activist_on": done_on}
    if number == 6:
        return {"last_assessment_on": done_on}
    if number == 7:
        return {"candidate_on": done_on}
    if number == 15:
        return {
            "vote_on": done_on,
            "probation_ends_on": rules.add_months(done_on, params.get("devel.probation_months")),
        }
    if number == 17:
        return {"admitted_on": done_on}
    if number == 23:
        return {"conversion_vote_on": done_on, "outcome": data["outcome"]}
    if number == 24 and file.outcome == ConversionOutcome.CONVERT:
        return {"converted_on": file.probation_ends_on}
    if number == 24 and file.outcome == ConversionOutcome.EXTEND:
        # The branch voted the length; the extension runs only once the higher committee approves it.
        months = (
            StepRecord.objects.filter(file=file, number=23)
            .order_by("-done_on", "-pk")
            .values_list("extension_months", flat=True)
            .first()
        )
        return {
            "extensions": file.extensions + 1,
            "probation_ends_on": rules.add_months(file.probation_ends_on, months),
        }
    if number == 24:
        return {"end_reason": data["note"][:200]}
    return {}


def _roster(file: DevelopmentFile, number: int, to: str, actor) -> None:
    """Approval of step 17 makes a probationary member, of step 24 a full member or a non-member again."""
    person = Person.objects.get(pk=file.person_id)
    if number == 17:
        org_services.person_update(
            person=person,
            actor=actor,
            category=MemberCategory.PROBATIONARY,
            joined_on=file.vote_on,
            converted_on=None,
        )
    elif number == 24 and to == FileStatus.EXTENDED:
        audit.log_event(
            person,
            event=_("Probation extended until %(date)s (approved by the higher committee)")
            % {"date": rules.fmt(file.probation_ends_on)},
            actor=actor,
        )
    elif number == 24 and to == FileStatus.CANCELLED:
        org_services.person_update(
            person=person, actor=actor, category=MemberCategory.NON_MEMBER, joined_on=None, converted_on=None
        )
        audit.log_event(
            person,
            event=_("Probationary membership cancelled: %(reason)s") % {"reason": file.end_reason or "—"},
            actor=actor,
        )
    elif number == 24:
        org_services.person_update(
            person=person,
            actor=actor,
            category=MemberCategory.FULL,
            joined_on=file.vote_on,
            converted_on=file.probation_ends_on,
        )


@transaction.atomic
def file_stop(
    *, file: DevelopmentFile, actor, reason: str, done_on: date, expected_version: int | None = None
) -> DevelopmentFile:
    """Stop developing an applicant (停止发展) at any step before admission, with the reason: the file leaves
    the pipeline, gives back any quota place it held, and the stop is kept in its history."""
    file = DevelopmentFile.objects.select_related("org", "person").get(pk=file.pk)
    if not workflow.has_right(rules.STOP, file, actor):
        raise PermissionDenied(_("You are not allowed to do this here."))
    if file.status not in STOPPABLE:
        if file.status in FINISHED:
            raise ValidationError(
                _("This file is already closed (%(status)s); it cannot be stopped.")
                % {"status": file.get_status_display()},
                code="finished",
            )
        raise ValidationError(
            _(
                "%(name)s is already a probationary member: development cannot be stopped any more; the"
                " probationary membership is cancelled by a vote of the branch and the higher committee's approval."
            )
            % {"name": file.person.name},
            code="admitted",
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Please give the reason for stopping the development.")})
    if done_on is None or done_on > timezone.localdate() or done_on < file.last_step_on:
        raise ValidationError(
            {
                "done_on": _("The date must lie between the last step (%(date)s) and today.")
                % {"date": rules.fmt(file.last_step_on)}
            }
        )
    workflow.transition(
        obj=file,
        to=FileStatus.STOPPED,
        actor=actor,
        note=reason,
        expected_version=expected_version,
        fields={
            "stopped_on": done_on,
            "stopped_step": file.step,
            "end_reason": reason[:200],
            "quota_year": None,  # nobody was admitted: a place taken at the quota step goes back
        },
    )
    file.refresh_from_db()
    return file


@transaction.atomic
def assessment_record(
    *, file: DevelopmentFile, actor, done_on: date, people: str = "", note: str = "", files=()
) -> StepRecord:
    """A further half-yearly assessment of an activist (step 6 is recorded again while the file waits for step 7)."""
    file = DevelopmentFile.objects.select_related("org").get(pk=file.pk)
    if not scoping.can(actor, DevelCap.DEVELOP, file):
        raise PermissionDenied(_("You are not allowed to do this here."))
    if file.status != FileStatus.S06:
        raise ValidationError(_("Further assessments are recorded after step 6 and before step 7."))
    if done_on > timezone.localdate() or done_on < file.last_step_on:
        raise ValidationError(
            {
                "done_on": _("The date must lie between the last step (%(date)s) and today.")
                % {"date": rules.fmt(file.last_step_on)}
            }
        )
    if not (note or "").strip():
        raise ValidationError({"note": _("Please record the branch's assessment.")})
    file.last_step_on = file.last_assessment_on = done_on
    file.save(update_fields=["last_step_on", "last_assessment_on"])
    record = StepRecord.objects.create(
        file=file,
        number=6,
        done_on=done_on,
        body=file.org.name,
        people=people.strip()[:200],
        note=note.strip(),
        recorded_by=_user(actor),
    )
    _attach(record, files, actor)
    return record


def notice_record(
    *,
    file: DevelopmentFile,
    actor,
    before_step: int,
    place: str,
    starts_on: date,
    ends_on: date,
    outcome: str = "",
) -> PublicNotice:
    """Record a public notice (公示) before steps 7, 12, 15 or 23; one shorter than the minimum is refused
    (and the refusal is written in the file's history)."""
    file = DevelopmentFile.objects.select_related("org").get(pk=file.pk)
    if not scoping.can(actor, DevelCap.DEVELOP, file):
        raise PermissionDenied(_("You are not allowed to do this here."))
    if file.status in FINISHED:
        raise ValidationError(_("This file is finished; no more steps can be recorded."), code="finished")
    upcoming = [n for n in NOTICE_STEPS if n > (file.step if file.status != FileStatus.EXTENDED else 21)]
    if not upcoming or before_step != upcoming[0]:
        raise ValidationError(
            {"before_step": _("A public notice is recorded before the next notice step of the file.")}
        )
    if not (place or "").strip():
        raise ValidationError({"place": _("Please say where the notice was published.")})
    if starts_on < file.last_step_on:
        raise ValidationError(
            {
                "starts_on": _("The notice cannot start before the last step (%(date)s).")
                % {"date": rules.fmt(file.last_step_on)}
            }
        )
    try:
        rules.check_notice_period(starts_on, ends_on)
    except ValidationError as exc:
        reason = "；".join(exc.messages)
        audit.log_event(
            file,
            event=str(rules.REFUSED_NOTICE)
            % {"start": rules.fmt(starts_on), "end": rules.fmt(ends_on), "reason": reason},
            actor=actor,
        )
        raise
    return PublicNotice.objects.create(
        file=file,
        before_step=before_step,
        place=place.strip()[:120],
        starts_on=starts_on,
        ends_on=ends_on,
        outcome=(outcome or "").strip()[:200],
        recorded_by=_user(actor),
    )


@transaction.atomic
def quota_set(*, org: Organisation, year: int, number: int, actor) -> Quota:
    """Set an organisation's development quota for a year: by the organisation above it, never more than
    that one received, never less than already used or divided further down."""
    parent = rules.parent_of(org)
    if (
        not scoping.can(actor, DevelCap.SET_QUOTA, parent or org)
        or not Organisation.objects.visible_to(actor).filter(pk=org.pk).exists()
    ):
        raise PermissionDenied(_("You are not allowed to do this here."))
    if number is None or number < 0:
        raise ValidationError({"number": _("The quota is a number of people, 0 or more.")})
    if parent is not None:
        received = Quota.objects.filter(org=parent, year=year).first()
        if received is not None:
            siblings = sum(
                Quota.objects.filter(org__in=rules.children_of(parent), year=year)
                .exclude(org=org)
                .values_list("number", flat=True)
            )
            if siblings + number > received.number:
                raise ValidationError(
                    {
                        "number": _(
                            "%(parent)s received %(total)s for %(year)s and has given %(given)s to others;"
                            " at most %(left)s remain."
                        )
                        % {
                            "parent": parent.label,
                            "total": received.number,
                            "year": year,
                            "given": siblings,
                            "left": max(received.number - siblings, 0),
                        }
                    },
                    code="quota_exceeds_parent",
                )
    below = sum(
        Quota.objects.filter(org__in=rules.children_of(org), year=year).values_list("number", flat=True)
    )
    used = selectors.used_in(org, year)
    if number < max(below, used):
        raise ValidationError(
            {
                "number": _(
                    "%(year)s: %(used)s already developed and %(below)s divided among the organisations below;"
                    " the quota cannot be less."
                )
                % {"year": year, "used": used, "below": below}
            },
            code="quota_below_use",
        )
    quota, _created = Quota.objects.update_or_create(
        org=org, year=year, defaults={"number": number, "set_by": _user(actor), "set_at": timezone.now()}
    )
    return quota


def daily_run(*, today: date | None = None) -> dict:
    """Remind branches and townships of talks and approvals about to be missed, and of those missed (once each)."""
    from dangjian.notices.selectors import recipients_for_org
    from dangjian.notices.services import notify

    today = today or timezone.localdate()
    sent = 0
    for file, rule, due in selectors.reminders(today):
        org = rules.higher_org(file) if rule == "approval" else file.org
        cap = DevelCap.APPROVE if rule == "approval" else DevelCap.DEVELOP
        overdue = due < today
        text = (
            _("Development file of %(name)s (%(org)s): %(what)s was due on %(due)s and is overdue.")
            if overdue
            else _("Development file of %(name)s (%(org)s): %(what)s is due by %(due)s.")
        ) % {
            "name": file.person.name,
            "org": file.org.label,
            "what": selectors.RULE_LABELS[rule],
            "due": rules.fmt(due),
        }
        rows = notify(
            recipients=recipients_for_org(org, cap),
            kind="devel",
            text=text,
            url=reverse("devel:file_detail", args=[file.pk]),
            key=f"devel:{file.pk}:{rule}:{due.isoformat()}:{'late' if overdue else 'soon'}",
        )
        sent += len(rows)
    return {"reminders": sent}
