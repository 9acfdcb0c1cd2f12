"""Writes of village governance. Each service checks the actor's right, refuses bad input with a
Chinese message and writes all or nothing; status moves go through ``core.workflow.transition``."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import attachments, calendar, scoping, workflow
from dangjian.core import params as core_params
from dangjian.orgs.models import Organisation, Post, PostKind

from . import params
from .models import (
    CADRE_POSTS,
    CheckIn,
    Decision,
    DecisionStep,
    FirstSecretaryPosting,
    Grid,
    GridCategory,
    GridHop,
    GridMatter,
    HolidayDuty,
    Leave,
    MajorMatterReport,
    OfficeRota,
    ReportKind,
    Step,
    WorkFile,
)
from .rules import (
    NEXT_STEP,
    STATE_AFTER_STEP,
    VCap,
    assembly_problems,
    can_keep,
    members_meeting_problems,
)


def _param(spec):
    return core_params.get(spec.key)


def _ensure(actor, cap, obj, message=None) -> None:
    if not scoping.can(actor, cap, obj):
        raise PermissionDenied(message or _("You are not allowed to do this here."))


def _actor(actor):
    return actor if getattr(actor, "pk", None) else None


# --- dictionaries: grid-matter categories, kinds of major matters ---

DICTIONARY_FIELDS = {
    GridCategory: ("name", "order", "active", "respond_days", "resolve_days"),
    ReportKind: ("name", "order", "active", "report_within_days"),
}


def _check_entry(model, org: Organisation | None, values: dict, pk=None) -> None:
    errors: dict[str, list] = {}
    name = (values.get("name") or "").strip()
    if not name:
        errors["name"] = [_("Please name the entry.")]
    else:
        # One name once wherever it can be chosen: above, at and below the keeping organisation.
        clash = model.objects.exclude(pk=pk).filter(name=name)
        if org is not None:
            clash = clash.filter(
                Q(org__isnull=True)
                | Q(org__path__in=[*org.ancestor_paths(), org.path])
                | Q(org__path__subtree=org.path)
            )
        if clash.exists():
            errors["name"] = [_("“%(name)s” is already in use here.") % {"name": name}]
    if model is GridCategory:
        respond, resolve = values.get("respond_days"), values.get("resolve_days")
        if not respond or respond < 1 or respond > 60:
            errors["respond_days"] = [_("The response limit is 1 to 60 working days.")]
        if not resolve or resolve < 1 or resolve > 60:
            errors["resolve_days"] = [_("The resolution limit is 1 to 60 working days.")]
        elif respond and resolve < respond:
            errors["resolve_days"] = [
                _(
                    "The resolution limit (%(resolve)s) cannot be shorter than the response limit (%(respond)s)."
                )
                % {"resolve": resolve, "respond": respond}
            ]
    if model is ReportKind:
        within = values.get("report_within_days")
        if within is not None and not 0 <= within <= 30:
            errors["report_within_days"] = [_("A matter is reported at the latest 30 days after it.")]
    if errors:
        raise ValidationError(errors)


# The shared entries a new installation starts with (migration 0002 installs the same).
SHARED_REPORT_KINDS = [
    ("外出（3天以上）", 10, None),
    ("婚丧嫁娶", 20, None),
    ("涉及集体资金", 30, None),
    ("突发事件", 40, 3),
    ("其他重大事项", 90, None),
]
SHARED_GRID_CATEGORIES = [
    ("邻里纠纷", 10, 1, 5),
    ("环境卫生", 20, 1, 5),
    ("安全隐患", 30, 1, 3),
    ("公共设施", 40, 1, 5),
    ("民生救助", 50, 1, 5),
    ("其他", 90, 1, 5),
]


@transaction.atomic
def dictionary_defaults_install() -> int:
    """Put back the shared entries that are missing (after ``manage.py flush``); returns how many were added."""
    added = 0
    for name, order, within in SHARED_REPORT_KINDS:
        added += ReportKind.objects.get_or_create(
            org=None, name=name, defaults={"order": order, "report_within_days": within}
        )[1]
    for name, order, respond, resolve in SHARED_GRID_CATEGORIES:
        added += GridCategory.objects.get_or_create(
            org=None, name=name, defaults={"order": order, "respond_days": respond, "resolve_days": resolve}
        )[1]
    return added


@transaction.atomic
def dictionary_entry_create(*, model, org: Organisation | None, actor, **values):
    """Add an entry to a dictionary: an organisation's own (its subtree uses it) or a shared one."""
    if not can_keep(actor, org):
        raise PermissionDenied(_("You are not allowed to do this here."))
    _check_entry(model, org, values)
    fields = {k: values[k] for k in DICTIONARY_FIELDS[model] if k in values}
    fields["name"] = fields["name"].strip()
    return model.objects.create(org=org, **fields)


@transaction.atomic
def dictionary_entry_update(*, entry, actor, **values):
    """Change an entry (records that use it keep it; an entry no longer in use is only hidden from forms)."""
    model = type(entry)
    entry = model.objects.select_for_update(of=("self",)).select_related("org").get(pk=entry.pk)
    if not can_keep(actor, entry.org):
        raise PermissionDenied(_("You are not allowed to do this here."))
    _check_entry(
        model, entry.org, {f: getattr(entry, f) for f in DICTIONARY_FIELDS[model]} | values, pk=entry.pk
    )
    changed = []
    for name in DICTIONARY_FIELDS[model]:
        if name in values:
            setattr(entry, name, values[name].strip() if name == "name" else values[name])
            changed.append(name)
    entry.save(update_fields=changed)
    return entry


# --- duty: rota, holiday duty, check-in ---


def _ensure_cadre_post(post: Post, day: date) -> None:
    if post.kind not in CADRE_POSTS or post.started_on > day or (post.ended_on and post.ended_on <= day):
        raise ValidationError(_("This post is not a current village cadre's post."))


@transaction.atomic
def rota_set(*, post: Post, weekdays: list[int], actor, today: date | None = None) -> list[OfficeRota]:
    """Set the weekdays of a cadre's office hours (坐班) from today on; the old rota ends yesterday."""
    _ensure(actor, VCap.MANAGE_CADRES, post)
    today = today or timezone.localdate()
    _ensure_cadre_post(post, today)
    weekdays = sorted({int(w) for w in weekdays})
    if any(w < 1 or w > 5 for w in weekdays):
        raise ValidationError({"weekdays": [_("Office hours are kept Monday to Friday.")]})
    current = OfficeRota.objects.filter(org=post.org, person=post.person, active_until__isnull=True)
    current.filter(active_from__gte=today).delete()
    current.update(active_until=today - timedelta(days=1))
    return [
        OfficeRota.objects.create(org=post.org, person=post.person, weekday=w, active_from=today)
        for w in weekdays
    ]


@transaction.atomic
def holiday_duty_generate(*, org: Organisation, year: int, actor, today: date | None = None) -> int:
    """Share the statutory holidays of ``year`` (from the official calendar) among the village's cadres, in turn.

    Days already assigned are kept; returns the number of days newly assigned.
    """
    _ensure(actor, VCap.MANAGE_CADRES, org)
    today = today or timezone.localdate()
    try:
        periods = calendar.statutory_holidays(year)
    except calendar.HolidaysUnknown as exc:
        raise ValidationError({"year": [str(exc)]}) from exc
    people = list(
        Post.objects.filter(org=org, kind__in=CADRE_POSTS)
        .current(today)
        .exclude(kind=PostKind.GRID_MEMBER)
        .order_by("kind", "person__name")
        .values_list("person_id", flat=True)
        .distinct()
    )
    people = list(dict.fromkeys(people))
    if not people:
        raise ValidationError(_("The village has no cadres to put on holiday duty."))
    taken = set(HolidayDuty.objects.filter(org=org, day__year=year).values_list("day", flat=True))
    rows, turn = [], 0
    for period in periods:
        for day in period.days:
            if day.year != year or day in taken:
                continue
            rows.append(
                HolidayDuty(org=org, person_id=people[turn % len(people)], day=day, holiday=period.name)
            )
            turn += 1
    HolidayDuty.objects.bulk_create(rows)
    return len(rows)


@transaction.atomic
def checkin_record(
    *, post: Post, actor, at: datetime | None = None, location: str = "", photo=None
) -> CheckIn:
    """A cadre checks in on duty (到岗打卡) for himself: once a day, within the configured hours."""
    at = at or timezone.now()
    local = timezone.localtime(at)
    day = local.date()
    if getattr(actor, "person_id", None) != post.person_id:
        raise ValidationError(_("You can only check in for yourself."))
    _ensure_cadre_post(post, day)
    opens, closes = _param(params.CHECKIN_FROM_HOUR), _param(params.CHECKIN_UNTIL_HOUR)
    if not opens <= local.hour < closes:
        raise ValidationError(
            _("Check-in is open from %(opens)s:00 to %(closes)s:00.") % {"opens": opens, "closes": closes}
        )
    if CheckIn.objects.filter(person=post.person, day=day).exists():
        raise ValidationError(_("You have already checked in today."))
    try:
        with transaction.atomic():
            checkin = CheckIn.objects.create(
                org=post.org, person=post.person, day=day, at=at, location=(location or "").strip()[:120]
            )
    except IntegrityError as exc:  # two taps at once
        raise ValidationError(_("You have already checked in today.")) from exc
    if photo:
        attachments.attach(
            owner=checkin, files=[photo], actor=actor, purpose="checkin", extensions="jpg,jpeg,png,webp"
        )
    return checkin


# --- leave ---


def _leave_level(post: Post, starts_on: date, ends_on: date) -> str:
    long = (ends_on - starts_on).days + 1 > _param(params.LEAVE_TOWNSHIP_DAYS)
    is_secretary = (
        Post.objects.filter(org=post.org, person=post.person, kind=PostKind.SECRETARY)
        .current(starts_on)
        .exists()
    )
    return Leave.Level.TOWNSHIP if long or is_secretary else Leave.Level.VILLAGE


@transaction.atomic
def leave_request(*, post: Post, starts_on: date, ends_on: date, reason: str, actor) -> Leave:
    """A cadre asks for leave (or the village secretary enters it for him, 代录)."""
    if getattr(actor, "person_id", None) != post.person_id:
        _ensure(actor, VCap.MANAGE_CADRES, post, _("You may ask for leave only for yourself."))
    errors: dict[str, list] = {}
    if not (reason or "").strip():
        errors.setdefault("reason", []).append(_("Please give the reason for the leave."))
    if starts_on and ends_on and ends_on < starts_on:
        errors.setdefault("ends_on", []).append(_("The leave cannot end before it starts."))
    if errors:
        raise ValidationError(errors)
    _ensure_cadre_post(post, starts_on)
    overlapping = (
        Leave.objects.select_for_update()
        .filter(person=post.person, starts_on__lte=ends_on, ends_on__gte=starts_on)
        .filter(status__in=[Leave.Status.REQUESTED, Leave.Status.APPROVED])
        .first()
    )
    if overlapping is not None:
        raise ValidationError(
            _("This leave overlaps the leave from %(start)s to %(end)s.")
            % {"start": overlapping.starts_on.isoformat(), "end": overlapping.ends_on.isoformat()}
        )
    return Leave.objects.create(
        org=post.org,
        person=post.person,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason.strip()[:200],
        level=_leave_level(post, starts_on, ends_on),
        requested_by=_actor(actor),
    )


def leave_move(
    *, leave: Leave, to: str, actor, note: str = "", returned_on: date | None = None, version=None
):
    """Approve, refuse or record the return of a leave (through the workflow table)."""
    fields = {"returned_on": returned_on} if to == Leave.Status.RETURNED else {}
    return workflow.transition(
        obj=leave, to=to, actor=actor, note=note, fields=fields, expected_version=version
    )


# --- major-matter reports ---


def _is_late(kind: ReportKind, occurs_on: date, filed_on: date) -> bool:
    """A kind reported after the fact (an emergency) within its days; every other kind before the matter."""
    if kind.report_within_days is not None:
        return (filed_on - occurs_on).days > kind.report_within_days
    return filed_on > occurs_on


def _in_dictionary(entry, model, org: Organisation) -> bool:
    """True when ``entry`` is an active entry of ``model`` that applies at ``org``."""
    return (
        isinstance(entry, model) and model.objects.applying_to(org).filter(pk=entry.pk, active=True).exists()
    )


@transaction.atomic
def report_file(
    *, post: Post, kind: ReportKind, occurs_on: date, description: str, actor, today: date | None = None
) -> MajorMatterReport:
    """A cadre files a major-matter report (重大事项报告) to the township; a late filing is flagged."""
    if getattr(actor, "person_id", None) != post.person_id:
        _ensure(actor, VCap.MANAGE_CADRES, post, _("You may file reports only for yourself."))
    today = today or timezone.localdate()
    errors: dict[str, list] = {}
    if not _in_dictionary(kind, ReportKind, post.org):
        errors["kind"] = [_("Please choose the kind of matter.")]
    if not (description or "").strip():
        errors["description"] = [_("Please describe the matter.")]
    elif kind.report_within_days is not None and occurs_on and occurs_on > today:
        errors["occurs_on"] = [_("%(kind)s: the matter cannot be dated in the future.") % {"kind": kind.name}]
    if errors:
        raise ValidationError(errors)
    _ensure_cadre_post(post, today)
    return MajorMatterReport.objects.create(
        org=post.org,
        person=post.person,
        kind=kind,
        description=description.strip(),
        occurs_on=occurs_on,
        filed_on=today,
        late=_is_late(kind, occurs_on, today),
        filed_by=_actor(actor),
    )


def report_move(*, report: MajorMatterReport, to: str, actor, note: str = "", version=None):
    """A township's move on a report (acknowledging it), through the workflow table."""
    return workflow.transition(obj=report, to=to, actor=actor, note=note, expected_version=version)


def report_acknowledge(*, report: MajorMatterReport, actor, note: str = "", version=None):
    return report_move(
        report=report, to=MajorMatterReport.Status.ACKNOWLEDGED, actor=actor, note=note, version=version
    )


# --- first secretaries and work files ---


@transaction.atomic
def posting_create(
    *, post: Post, sending_unit: str, started_on: date, ends_on: date | None, actor
) -> FirstSecretaryPosting:
    """Record where a first secretary comes from and for how long."""
    _ensure(actor, VCap.MANAGE_CADRES, post)
    errors: dict[str, list] = {}
    if post.kind != PostKind.FIRST_SECRETARY:
        errors["__all__"] = [_("Only a first secretary's post has a posting.")]
    if not (sending_unit or "").strip():
        errors["sending_unit"] = [_("Please name the sending unit.")]
    if ends_on and ends_on < started_on:
        errors["ends_on"] = [_("The posting cannot end before it starts.")]
    if errors:
        raise ValidationError(errors)
    return FirstSecretaryPosting.objects.create(
        org=post.org,
        person=post.person,
        sending_unit=sending_unit.strip()[:120],
        started_on=started_on,
        ends_on=ends_on,
        created_by=_actor(actor),
    )


WORK_FILE_FIELDS = (
    "targets",
    "commitments",
    "grade",
    "evaluation",
    "remuneration",
    "remuneration_paid_on",
    "rewards",
    "sanctions",
)


@transaction.atomic
def work_file_save(*, post: Post, year: int, actor, today: date | None = None, **values) -> WorkFile:
    """Create or update a cadre's work file (工作档案) of one year."""
    _ensure(actor, VCap.MANAGE_CADRES, post)
    today = today or timezone.localdate()
    errors: dict[str, list] = {}
    if year < 2000 or year > today.year:
        errors["year"] = [_("The year must be between 2000 and this year.")]
    amount = values.get("remuneration")
    if amount is not None and Decimal(amount) < 0:
        errors["remuneration"] = [_("The remuneration cannot be negative.")]
    paid_on = values.get("remuneration_paid_on")
    if paid_on and paid_on > today:
        errors["remuneration_paid_on"] = [_("The payment cannot be dated in the future.")]
    if errors:
        raise ValidationError(errors)
    work_file, _created = WorkFile.objects.get_or_create(org=post.org, person=post.person, year=year)
    for name in WORK_FILE_FIELDS:
        if name in values:
            setattr(work_file, name, values[name] if values[name] is not None else getattr(work_file, name))
    if values.get("remuneration") is None:
        work_file.remuneration = None
    work_file.updated_by = _actor(actor)
    work_file.save()
    return work_file


# --- 四议两公开 ---


@transaction.atomic
def decision_create(*, org: Organisation, title: str, category: str, amount, actor) -> Decision:
    """Register a village decision that is to go through 四议两公开."""
    _ensure(actor, VCap.RECORD_DECISION, org)
    errors: dict[str, list] = {}
    if not (title or "").strip():
        errors["title"] = [_("Please give the decision's title.")]
    if amount is not None and Decimal(amount) < 0:
        errors["amount"] = [_("The amount cannot be negative.")]
    if errors:
        raise ValidationError(errors)
    return Decision.objects.create(
        org=org, title=title.strip()[:200], category=category, amount=amount or 0, created_by=_actor(actor)
    )


def _needs_township_review(decision: Decision) -> bool:
    return decision.amount > Decimal(_param(params.DECISION_REVIEW_AMOUNT))


def _check_meeting(step: int, data: dict) -> tuple[dict, bool]:
    """Field errors of a meeting's numbers, and whether the proposal passed."""
    errors: dict[str, list] = {}
    expected, present = data.get("expected"), data.get("present")
    votes = {k: data.get(k) for k in ("votes_for", "votes_against", "votes_abstain")}
    if not expected:
        errors["expected"] = [_("Please give how many were entitled to attend.")]
    if present is None:
        errors["present"] = [_("Please give how many were present.")]
    if any(v is None for v in votes.values()):
        errors["votes_for"] = [_("Please give the votes for, against and abstaining.")]
    if errors:
        return errors, False
    if present > expected:
        errors["present"] = [
            _("%(present)s present is more than the %(expected)s entitled to attend.")
            % {"present": present, "expected": expected}
        ]
        return errors, False
    cast = sum(votes.values())
    if cast > present:
        errors["votes_for"] = [
            _("%(cast)s votes were cast but only %(present)s were present.")
            % {"cast": cast, "present": present}
        ]
        return errors, False
    if step == Step.MEMBERS:
        problem, passed = members_meeting_problems(
            expected=expected, present=present, votes_for=votes["votes_for"]
        )
    else:
        problem, passed = assembly_problems(
            assembly=data.get("assembly") or DecisionStep.Assembly.REPRESENTATIVES,
            expected=expected,
            present=present,
            votes_for=votes["votes_for"],
        )
    if problem:
        errors["present"] = [problem]
    return errors, passed


def _check_publication(data: dict, held_on: date) -> dict:
    errors: dict[str, list] = {}
    where, start, until = data.get("published_where"), data.get("published_from"), data.get("published_until")
    if not (where or "").strip():
        errors["published_where"] = [_("Please say where it was published.")]
    if start is None or until is None:
        errors["published_until"] = [_("Please give the first and last day of publication.")]
        return errors
    if start < held_on:
        errors["published_from"] = [_("Publication cannot begin before the step's date.")]
    minimum = _param(params.DISCLOSURE_MIN_DAYS)
    days = (until - start).days + 1
    if days < minimum:
        errors["published_until"] = [
            _("A disclosure stays published at least %(min)s days; this one lasts %(days)s.")
            % {"min": minimum, "days": days}
        ]
    return errors


@transaction.atomic
def decision_record_step(
    *, decision: Decision, step: int, held_on: date, actor, files=(), today: date | None = None, **data
) -> DecisionStep:
    """Record the next of the six steps (四议两公开): in order, dated in order, quorums and votes checked.

    A meeting that meets its quorum but votes the proposal down is recorded, and the decision
    ends as not passed.
    """
    _ensure(actor, VCap.RECORD_DECISION, decision)
    today = today or timezone.localdate()
    original, decision = decision, Decision.objects.select_for_update().get(pk=decision.pk)
    expected_step = NEXT_STEP.get(decision.status)
    if expected_step is None:
        raise ValidationError(_("This decision has no further step to record."))
    if step != expected_step:
        raise ValidationError(
            _("Steps are recorded in order: the next step is “%(next)s”, not “%(step)s”.")
            % {"next": Step(expected_step).label, "step": Step(step).label if step in Step.values else step}
        )
    if (
        step == Step.VILLAGERS
        and decision.status == Decision.Status.REVIEWED
        and _needs_township_review(decision)
    ):
        raise ValidationError(
            _("Decisions above %(amount)s yuan need the township's review before the villagers decide.")
            % {"amount": _param(params.DECISION_REVIEW_AMOUNT)}
        )
    errors: dict[str, list] = {}
    previous = decision.steps.order_by("-step").first()
    if held_on is None:
        errors["held_on"] = [_("Please give the step's date.")]
    elif held_on > today:
        errors["held_on"] = [_("A step cannot be dated in the future.")]
    elif previous is not None and held_on < previous.held_on:
        errors["held_on"] = [
            _("This step cannot be dated before the previous step (%(date)s).")
            % {"date": previous.held_on.isoformat()}
        ]
    passed = True
    if step in (Step.MEMBERS, Step.VILLAGERS):
        meeting_errors, passed = _check_meeting(step, data)
        errors.update(meeting_errors)
    if step in (Step.DECISION_DISCLOSED, Step.RESULT_DISCLOSED) and held_on is not None:
        errors.update(_check_publication(data, held_on))
    if step == Step.RESULT_DISCLOSED and decision.implemented_on is None:
        errors.setdefault("__all__", []).append(_("Record the implementation before publishing its results."))
    if errors:
        raise ValidationError(errors)
    fields = (
        "assembly",
        "expected",
        "present",
        "votes_for",
        "votes_against",
        "votes_abstain",
        "minutes",
        "published_where",
        "published_from",
        "published_until",
    )
    record = DecisionStep.objects.create(
        decision=decision,
        step=step,
        held_on=held_on,
        passed=passed,
        recorded_by=_actor(actor),
        **{
            k: (data.get(k) if data.get(k) is not None else DecisionStep._meta.get_field(k).get_default())
            for k in fields
        },
    )
    if step == Step.VILLAGERS and not data.get("assembly"):
        record.assembly = DecisionStep.Assembly.REPRESENTATIVES
        record.save(update_fields=["assembly"])
    to = STATE_AFTER_STEP[step] if passed else Decision.Status.REJECTED
    workflow.transition(obj=decision, to=to, actor=actor, note=Step(step).label)
    for name in ("status", "version", "status_changed_at"):
        setattr(original, name, getattr(decision, name))
    if files:
        attachments.attach(owner=decision, files=files, actor=actor, purpose=f"step{step}")
    return record


def decision_review(*, decision: Decision, actor, note: str = "", version=None):
    """The township reviews a large decision before the villagers decide."""
    return workflow.transition(
        obj=decision, to=Decision.Status.TOWNSHIP_REVIEWED, actor=actor, note=note, expected_version=version
    )


@transaction.atomic
def decision_implemented(
    *, decision: Decision, implemented_on: date, actor, today: date | None = None
) -> Decision:
    """Record when a published decision was carried out (its results are to be disclosed after)."""
    _ensure(actor, VCap.RECORD_DECISION, decision)
    today = today or timezone.localdate()
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if decision.status != Decision.Status.DISCLOSED:
        raise ValidationError(_("Only a published decision can be recorded as implemented."))
    disclosed = decision.steps.filter(step=Step.DECISION_DISCLOSED).first()
    if implemented_on > today:
        raise ValidationError({"implemented_on": [_("The implementation cannot be dated in the future.")]})
    if disclosed and implemented_on < disclosed.held_on:
        raise ValidationError(
            {"implemented_on": [_("The implementation cannot be dated before the decision was published.")]}
        )
    decision.implemented_on = implemented_on
    decision.save(update_fields=["implemented_on"])
    return decision


# --- grid matters ---


@transaction.atomic
def grid_create(*, org: Organisation, name: str, area: str, members, actor) -> Grid:
    """Draw a grid (网格) in a community or village and name its grid members."""
    _ensure(actor, VCap.MANAGE_CADRES, org)
    if not (name or "").strip():
        raise ValidationError({"name": [_("Please name the grid.")]})
    if Grid.objects.filter(org=org, name=name.strip()).exists():
        raise ValidationError({"name": [_("This village already has a grid of that name.")]})
    members = list(members or [])
    if any(not scoping.org_of(m).path.startswith(org.path) for m in members):
        raise ValidationError({"members": [_("Grid members are people of this village.")]})
    grid = Grid.objects.create(org=org, name=name.strip()[:60], area=(area or "").strip()[:200])
    grid.members.set(members)
    return grid


@transaction.atomic
def grid_update(*, grid: Grid, area: str, members, actor) -> Grid:
    """Change a grid's area and its grid members (the whole list)."""
    _ensure(actor, VCap.MANAGE_CADRES, grid.org)
    members = list(members or [])
    if any(not scoping.org_of(m).path.startswith(grid.org.path) for m in members):
        raise ValidationError({"members": [_("Grid members are people of this village.")]})
    grid.area = (area or "").strip()[:200]
    grid.save(update_fields=["area"])
    grid.members.set(members)
    return grid


def _deadlines(registered_on: date, category: GridCategory, complex_matter: bool) -> tuple[date, date]:
    """The category's time limits; a complex matter has the longer of its category's and the complex limit."""
    resolve_days = category.resolve_days
    if complex_matter:
        resolve_days = max(resolve_days, _param(params.GRID_RESOLVE_COMPLEX_DAYS))
    return (
        calendar.add_working_days(registered_on, category.respond_days),
        calendar.add_working_days(registered_on, resolve_days),
    )


@transaction.atomic
def matter_register(*, grid: Grid, actor, today: date | None = None, **data) -> GridMatter:
    """Register a grid matter; its time limits follow from the day and whether it is complex."""
    _ensure(actor, VCap.HANDLE_GRID, grid)
    today = today or timezone.localdate()
    registered_on = data.get("registered_on") or today
    errors: dict[str, list] = {}
    if not (data.get("title") or "").strip():
        errors["title"] = [_("Please say what the matter is.")]
    if registered_on > today:
        errors["registered_on"] = [_("A matter cannot be registered in the future.")]
    phone = (data.get("reporter_phone") or "").strip()
    if phone and not phone.replace("-", "").isdigit():
        errors["reporter_phone"] = [_("A phone number has digits only.")]
    category = data.get("category")
    if not _in_dictionary(category, GridCategory, grid.org):
        errors["category"] = [_("Please choose the category of the matter.")]
    if errors:
        raise ValidationError(errors)
    respond_by, resolve_by = _deadlines(registered_on, category, bool(data.get("complex")))
    return GridMatter.objects.create(
        org=grid.org,
        grid=grid,
        handler_org=grid.org,
        source=data["source"],
        category=category,
        complex=bool(data.get("complex")),
        title=data["title"].strip()[:200],
        description=(data.get("description") or "").strip(),
        location=(data.get("location") or "").strip()[:120],
        reporter_name=(data.get("reporter_name") or "").strip()[:40],
        reporter_phone=phone[:20],
        registered_on=registered_on,
        respond_by=respond_by,
        resolve_by=resolve_by,
        registered_by=_actor(actor),
    )


def route_targets(matter: GridMatter, actor):
    """Where a matter may be routed: organisations in the router's scope, and up its own chain
    (the community's township and county), which a village cannot open but must be able to call on."""
    path = matter.org.path
    above = [path[:i] for i in range(4, len(path), 4)]
    visible = Organisation.objects.visible_to(actor, ignore_focus=True).values("pk")
    return Organisation.objects.filter(dissolved_on__isnull=True).filter(
        Q(pk__in=visible) | Q(path__in=above)
    )


@transaction.atomic
def matter_route(*, matter: GridMatter, to_org: Organisation, reason: str, actor, version=None) -> GridHop:
    """Route a matter (流转交办) within the router's scope or up the matter's own chain; each hop is recorded."""
    if not route_targets(matter, actor).filter(pk=to_org.pk).exists():
        raise ValidationError(
            {"to_org": [_("You can route a matter only to an organisation in your scope.")]}
        )
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Please say why the matter is routed.")]})
    if to_org.pk == matter.handler_org_id:
        raise ValidationError({"to_org": [_("The matter is already with this organisation.")]})
    from_org_id = matter.handler_org_id
    workflow.transition(
        obj=matter,
        to=GridMatter.Status.ROUTED,
        actor=actor,
        note=reason.strip(),
        fields={"handler_org": to_org},
        expected_version=version,
    )
    return GridHop.objects.create(
        matter=matter,
        from_org_id=from_org_id,
        to_org=to_org,
        reason=reason.strip()[:200],
        actor=_actor(actor),
    )


def matter_move(*, matter: GridMatter, to: str, actor, note: str = "", version=None, today=None, **data):
    """Accept, record handling, record feedback, close or reopen a matter (through the workflow table)."""
    today = today or timezone.localdate()
    fields: dict = {}
    S = GridMatter.Status
    if to == S.HANDLING and matter.status in (S.REGISTERED, S.ROUTED) and matter.responded_on is None:
        fields["responded_on"] = today
    elif to == S.RESOLVED:
        fields = {"measures": (data.get("measures") or "").strip(), "resolved_on": data.get("resolved_on")}
        if fields["resolved_on"] and fields["resolved_on"] > today:
            raise ValidationError({"resolved_on": [_("The handling cannot be dated in the future.")]})
    elif to == S.ANSWERED:
        fields = {
            "feedback_how": (data.get("feedback_how") or "").strip()[:60],
            "feedback_on": data.get("feedback_on"),
            "satisfaction": data.get("satisfaction") or "",
        }
        if fields["feedback_on"] and fields["feedback_on"] > today:
            raise ValidationError({"feedback_on": [_("The answer cannot be dated in the future.")]})
    elif to == S.CLOSED and matter.satisfaction == "unsatisfied" and not note.strip():
        raise ValidationError(_("An unsatisfied reporter's matter is closed only with a reason."))
    return workflow.transition(
        obj=matter, to=to, actor=actor, note=note, fields=fields, expected_version=version
    )


def matter_to_ledger(*, matter: GridMatter, actor, deadline: date, today: date | None = None):
    """督查问效: an overdue or unsatisfied matter becomes a ledger item of its community, through the ledger's door.

    The item is handed down by the township above the community (the actor needs the right to raise
    items there); raising the same matter again returns the same item.
    """
    from dangjian.core.caps import Cap
    from dangjian.ledger import door

    from .selectors import issuer_of, overdue_matter_q

    today = today or timezone.localdate()
    matter = GridMatter.objects.select_related("org").get(pk=matter.pk)
    overdue = GridMatter.objects.filter(pk=matter.pk).filter(overdue_matter_q(today)).exists()
    if matter.status == GridMatter.Status.CLOSED or not (overdue or matter.satisfaction == "unsatisfied"):
        raise ValidationError(
            _("Only an overdue matter or one whose reporter is unsatisfied goes to the ledger.")
        )
    if deadline is None or deadline <= today:
        raise ValidationError({"deadline": [_("The deadline must be after today.")]})
    issuer = issuer_of(matter)
    if not scoping.can(actor, Cap.INSPECT, issuer):
        raise PermissionDenied(_("You are not allowed to do this here."))
    finding = door.Finding(
        title=_("Grid matter not settled: %(title)s") % {"title": matter.title},
        key=f"grid-matter-{matter.pk}",
        deadline=deadline,
        description=matter.description or matter.title,
    )
    return door.items_from_source(
        source_record=matter, issuer=issuer, org=matter.org, findings=[finding], actor=actor, today=today
    )[0]


def daily_run(*, today: date | None = None) -> dict:
    """The daily job: tell the county organisation department of first secretaries under the monthly
    minimum last month, and the approvers of leave not returned from. Safe to run twice (keyed notices)."""
    from django.urls import reverse

    from dangjian.notices.selectors import recipients_for_org
    from dangjian.notices.services import notify
    from dangjian.orgs.models import OrgKind

    from .rules import leave_cap
    from .selectors import presence, unreturned_q

    today = today or timezone.localdate()
    last_month_end = today.replace(day=1) - timedelta(days=1)
    month = (last_month_end.year, last_month_end.month)
    postings = list(
        FirstSecretaryPosting.objects.filter(started_on__lte=last_month_end.replace(day=1))
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=last_month_end))
        .select_related("org", "person")
    )
    short = 0
    counties: dict[str, Organisation | None] = {}
    for posting in postings:
        rows = presence([posting], [month]).get(posting.pk, [])
        if not rows or not rows[0].short:
            continue
        path = posting.org.path
        if path not in counties:
            counties[path] = (
                Organisation.objects.filter(
                    path__in=posting.org.ancestor_paths(), kind=OrgKind.COUNTY_COMMITTEE
                )
                .order_by("-depth")
                .first()
            )
        county = counties[path]
        if county is None:
            continue
        text = _(
            "First secretary %(name)s (%(village)s) was on post %(days)s days in %(month)s, "
            "under the minimum of %(min)s."
        ) % {
            "name": posting.person.name,
            "village": posting.org.label,
            "days": rows[0].days_on_post,
            "month": f"{month[0]}-{month[1]:02d}",
            "min": rows[0].required,
        }
        short += len(
            notify(
                recipients=recipients_for_org(county, VCap.OVERSEE),
                kind="village_first_secretary",
                text=text,
                url=reverse("village:first_secretaries"),
                key=f"village-fs-{posting.pk}-{month[0]}-{month[1]:02d}",
            )
        )
    unreturned = 0
    for leave in Leave.objects.filter(unreturned_q(today)).select_related("org", "person"):
        text = _("%(name)s (%(village)s) has not recorded the return from leave that ended on %(end)s.") % {
            "name": leave.person.name,
            "village": leave.org.label,
            "end": leave.ends_on.isoformat(),
        }
        unreturned += len(
            notify(
                recipients=recipients_for_org(leave.org, leave_cap(leave)),
                kind="village_leave_unreturned",
                text=text,
                url=reverse("village:leave_detail", args=[leave.pk]),
                key=f"village-leave-unreturned-{leave.pk}",
            )
        )
    return {"first secretaries under the minimum": short, "unreturned leave": unreturned}


@transaction.atomic
def work_file_commitments_to_ledger(*, work_file: WorkFile, actor, today: date | None = None) -> list:
    """Track a cadre's commitments (承诺事项, one a line) as ledger items of his village, due at the year's end.

    Handed down by the township above the village through the ledger's door; raising again
    returns the same items (one key per commitment line).
    """
    from dangjian.core.caps import Cap
    from dangjian.ledger import door

    today = today or timezone.localdate()
    lines = [line.strip(" 　·-•0123456789.、") for line in (work_file.commitments or "").splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        raise ValidationError(_("The work file records no commitments."))
    deadline = date(work_file.year, 12, 31)
    if deadline <= today:
        raise ValidationError(
            _("The year of this work file is over; its commitments can no longer be tracked.")
        )
    issuer = Organisation.objects.filter(path=work_file.org.path[:-4]).first() or work_file.org
    if not scoping.can(actor, Cap.HAND_DOWN, issuer):
        raise PermissionDenied(_("You are not allowed to do this here."))
    findings = [
        door.Finding(
            title=_("Commitment of %(name)s: %(text)s") % {"name": work_file.person.name, "text": line[:150]},
            key=f"commitment-{n}",
            deadline=deadline,
            responsible_person=work_file.person.name,
        )
        for n, line in enumerate(lines, start=1)
    ]
    return door.items_from_source(
        source_record=work_file,
        issuer=issuer,
        org=work_file.org,
        findings=findings,
        actor=actor,
        kind="task",
        today=today,
    )
