"""Reads of the development module: due dates, the pipeline, quotas down the tree, reminders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db.models import Case, CharField, Count, F, Q, Value, When, Window
from django.db.models.functions import RowNumber, Substr
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.core import params
from dangjian.core.indicators import subtree_rollup
from dangjian.orgs.models import Organisation

from . import rules
from .models import STEPS, DevelopmentFile, FileStatus, Quota, StageKind, step_of

RULE_LABELS = {
    "talk": gettext_lazy("the talk with the applicant"),
    "assessment": gettext_lazy("the half-yearly assessment of the activist"),
    "approval": gettext_lazy("the higher committee's approval"),
    "conversion": gettext_lazy("the conversion vote at the end of probation"),
}
ACTIVIST = {FileStatus.S03, FileStatus.S04, FileStatus.S05, FileStatus.S06}
PROBATION = {
    FileStatus.S17,
    FileStatus.S18,
    FileStatus.S19,
    FileStatus.S20,
    FileStatus.S21,
    FileStatus.S22,
    FileStatus.EXTENDED,
}


def time_limits() -> dict[str, int]:
    """The months each running rule allows (read once per page, not once per file)."""
    return {
        "talk": params.get("devel.talk_within_months"),
        "assessment": params.get("devel.assessment_every_months"),
        "approval": params.get("devel.approval_within_months"),
    }


def due_of(file, limits: dict[str, int] | None = None) -> tuple[str, date] | None:
    """The next time rule of the file and the day it falls due (None when no rule runs)."""
    limits = limits or time_limits()
    status = file.status
    if status == FileStatus.S01:
        return "talk", rules.add_months(file.applied_on, limits["talk"])
    if status in ACTIVIST and file.activist_on:
        since = file.last_assessment_on or file.activist_on
        return "assessment", rules.add_months(since, limits["assessment"])
    if status in (FileStatus.S15, FileStatus.S16) and file.vote_on:
        return "approval", rules.add_months(file.vote_on, limits["approval"])
    if status == FileStatus.S23 and file.conversion_vote_on:
        return "approval", rules.add_months(file.conversion_vote_on, limits["approval"])
    if status in PROBATION and file.probation_ends_on:
        return "conversion", file.probation_ends_on
    return None


def _start_limit(today: date, months: int) -> date:
    """The earliest start day whose due day (``months`` later, rules.add_months) is not before ``today``:
    a rule is overdue exactly when its start day is before this one (add_months never goes backwards)."""
    day = rules.add_months(today, -months)
    while rules.add_months(day - timedelta(days=1), months) >= today:
        day -= timedelta(days=1)
    while rules.add_months(day, months) < today:
        day += timedelta(days=1)
    return day


def overdue_q(today: date, limits: dict[str, int] | None = None) -> Q:
    """The files whose next time rule (due_of) fell due before ``today``, as a filter the database applies."""
    limits = limits or time_limits()
    talk, assessment, approval = (_start_limit(today, limits[k]) for k in ("talk", "assessment", "approval"))
    return (
        Q(status=FileStatus.S01, applied_on__lt=talk)
        | Q(status__in=ACTIVIST, last_assessment_on__lt=assessment)
        | Q(status__in=ACTIVIST, last_assessment_on__isnull=True, activist_on__lt=assessment)
        | Q(status__in=[FileStatus.S15, FileStatus.S16], vote_on__lt=approval)
        | Q(status=FileStatus.S23, conversion_vote_on__lt=approval)
        | Q(status__in=PROBATION, probation_ends_on__lt=today)
    )


@dataclass
class FileRow:
    file: DevelopmentFile
    rule: str | None
    due: date | None
    overdue: bool
    soon: bool

    @property
    def rule_label(self) -> str:
        return str(RULE_LABELS[self.rule]) if self.rule else ""


def file_row(file: DevelopmentFile, today: date) -> FileRow:
    due = due_of(file)
    rule, day = due if due else (None, None)
    window = params.get("devel.remind_talk_days" if rule == "talk" else "devel.remind_approval_days")
    return FileRow(
        file=file,
        rule=rule,
        due=day,
        overdue=bool(day and day < today),
        soon=bool(day and today <= day and (day - today).days <= window),
    )


def due_soon(user, today: date, limit: int = 10) -> tuple[list[FileRow], int]:
    """The talks and approvals falling due within their reminder window or already missed: the ``limit``
    due first, and how many there are in all (two queries, whatever the number of files).

    A rule falls due ``limit`` months after its start day and add_months never goes backwards, so "due on or
    before D" is "started before ``_start_limit(D + 1 day)``": chosen in SQL, numbered within each rule by
    start day, and the first ``limit`` of each rule sorted by due day here.
    """
    limits = time_limits()
    talk_by = today + timedelta(days=params.get("devel.remind_talk_days") + 1)
    approval_by = today + timedelta(days=params.get("devel.remind_approval_days") + 1)
    talk_before = _start_limit(talk_by, limits["talk"])
    approval_before = _start_limit(approval_by, limits["approval"])
    voted = [FileStatus.S15, FileStatus.S16]
    start = Case(
        When(status=FileStatus.S01, then=F("applied_on")),
        When(status__in=voted, then=F("vote_on")),
        default=F("conversion_vote_on"),
    )
    rule = Case(
        When(status=FileStatus.S01, then=Value("talk")), default=Value("approval"), output_field=CharField()
    )
    chosen = (
        DevelopmentFile.objects.visible_to(user)
        .filter(
            Q(status=FileStatus.S01, applied_on__lt=talk_before)
            | Q(status__in=voted, vote_on__lt=approval_before)
            | Q(status=FileStatus.S23, conversion_vote_on__lt=approval_before)
        )
        .annotate(
            place=Window(RowNumber(), partition_by=[rule], order_by=[start.asc(), F("pk").asc()]),
            in_all=Window(Count("pk")),
        )
        .filter(place__lte=limit)
        .values_list("pk", "in_all")
    )
    # Numbered on the files' own columns, then the few chosen read with their person and organisation: joined
    # first, a city's 1 800 files due were each read with their person before all but twenty were dropped.
    chosen = list(chosen)
    if not chosen:
        return [], 0
    files = files_for(user).in_bulk([pk for pk, _n in chosen])
    rows = [file_row(files[pk], today) for pk, _n in chosen if pk in files]
    return sorted(rows, key=lambda r: (r.due, r.file.pk))[:limit], chosen[0][1]


def files_for(user, org: Organisation | None = None):
    """The files the user may see, in ``org``'s subtree when given, with what their rows show."""
    qs = DevelopmentFile.objects.visible_to(user).select_related("org", "person")
    if org is not None:
        qs = qs.filter(org__path__subtree=org.path)
    return qs


STATUS_STAGE = {
    **{step.code: step.stage for step in STEPS},
    FileStatus.EXTENDED.value: StageKind.CONVERSION.value,
    FileStatus.CANCELLED.value: 0,
    FileStatus.STOPPED.value: 0,
}
CLOSED = (FileStatus.CANCELLED.value, FileStatus.STOPPED.value)  # shown apart from the five stages


def stage_of_status(status: str) -> int:
    """The stage (1–5) of a file in ``status``, 0 for a cancelled or stopped one."""
    return STATUS_STAGE[status]


def stage_statuses(stage: int) -> list[str]:
    return [s for s in FileStatus.values if stage_of_status(s) == stage]


def pipeline(user, org: Organisation | None, today: date, children: list | None = None) -> dict:
    """Files per stage and overdue per stage, in all and for each of ``children`` (the organisations just
    below the one shown), from one query over the few fields the time rules read."""

    def empty() -> dict:
        return {
            value: {"value": value, "label": label, "count": 0, "overdue": 0}
            for value, label in StageKind.choices
        }

    stages = empty()
    by_child = {child.path: {"org": child, "stages": empty(), "overdue": 0} for child in children or []}
    width = len(children[0].path) if children else 0
    closed = {FileStatus.CANCELLED.value: 0, FileStatus.STOPPED.value: 0}
    overdue = 0
    # Counted in the database, grouped by the organisation below and the step: a few hundred rows whatever
    # the number of files (city scale: ~20 000), the overdue ones by the same rules as due_of (overdue_q).
    branch = Substr("org__path", 1, width) if width else Value("", output_field=CharField())
    rows = (
        files_for(user, org)
        .order_by()
        .annotate(branch=branch)
        .values("branch", "status")
        .annotate(n=Count("pk"), late=Count("pk", filter=overdue_q(today)))
    )
    for values in rows:
        path, status, n, late = values["branch"], values["status"], values["n"], values["late"]
        stage = stage_of_status(status)
        if not stage:
            closed[status] += n
            continue
        overdue += late
        for bucket in (stages, (by_child.get(path) or {}).get("stages")):
            if bucket is not None:
                bucket[stage]["count"] += n
                bucket[stage]["overdue"] += late
        if path in by_child:
            by_child[path]["overdue"] += late
    children_rows = [
        {
            **row,
            "stages": list(row["stages"].values()),
            "total": sum(s["count"] for s in row["stages"].values()),
        }
        for row in by_child.values()
    ]
    return {
        "stages": list(stages.values()),
        "cancelled": closed[FileStatus.CANCELLED],
        "stopped": closed[FileStatus.STOPPED],
        "overdue": overdue,
        "children": children_rows,
    }


def timeline(file: DevelopmentFile, records: list, today: date) -> list[dict]:
    """The 25 steps of a file: done (dates), next (with its due day, overdue or not), or not yet."""
    done: dict[int, list] = {}
    for record in records:
        done.setdefault(record.number, []).append(record)
    nxt = rules.next_step(file)
    due = due_of(file)
    result = []
    for step in STEPS:
        entry = {"step": step, "records": done.get(step.number, []), "state": "todo", "due": None}
        if step.number == nxt:
            entry["state"] = "next"
        elif step.number in done:
            entry["state"] = "done"
        if due and entry["state"] in ("next", "done") and _rule_step(due[0], file) == step.number:
            entry["due"] = due[1]
            entry["overdue"] = due[1] < today
        result.append(entry)
    return result


def _rule_step(rule: str, file: DevelopmentFile) -> int:
    return {"talk": 2, "assessment": 6, "conversion": 23}.get(
        rule, 24 if file.status == FileStatus.S23 else 17
    )


# --------------------------------------------------------------------------- quotas


def used_in(org: Organisation, year: int) -> int:
    """Quota used in ``org``'s subtree in ``year`` (files whose quota step was approved that year)."""
    return DevelopmentFile.objects.filter(org__path__subtree=org.path, quota_year=year).count()


def check_quota(branch: Organisation, year: int) -> None:
    """Refuse an approval beyond the quota of the branch or of any organisation above it."""
    chain = Organisation.objects.filter(path__in=[*branch.ancestor_paths(), branch.path])
    quotas = list(Quota.objects.filter(org__in=chain, year=year).select_related("org"))
    if not quotas:
        raise ValidationError(
            _("No development quota for %(year)s has been set for %(org)s or above it.")
            % {"year": year, "org": branch.label},
            code="no_quota",
        )
    for quota in quotas:
        used = used_in(quota.org, year)
        if used >= quota.number:
            raise ValidationError(
                _("The development quota of %(org)s for %(year)s is used up (%(used)s of %(number)s).")
                % {"org": quota.org.label, "year": year, "used": used, "number": quota.number},
                code="quota_used_up",
            )


def pipeline_q() -> Q:
    """Files past the committee review whose quota is not yet used: the candidates in the pipeline."""
    past = [s for s in FileStatus.values if step_of(s) >= 12 and s != FileStatus.CANCELLED]
    return Q(status__in=past, quota_year__isnull=True)


def candidates_q() -> Q:
    """Files from the candidate stage on that still wait for admission."""
    return Q(status__in=[s for s in FileStatus.values if 7 <= step_of(s) < params.get("devel.quota_step")])


def quota_rows(user, org: Organisation, year: int) -> list[dict]:
    """The organisation and the organisations just below it: allocated, used, in the pipeline, left."""
    children = list(
        Organisation.objects.visible_to(user)
        .current()
        .filter(path__startswith=org.path, depth=org.depth + 1)
        .order_by("path")
    )
    orgs = [org, *children]
    allocated = dict(Quota.objects.filter(org__in=orgs, year=year).values_list("org_id", "number"))
    counts = subtree_rollup(
        DevelopmentFile.objects.visible_to(user),
        orgs,
        used=Count("pk", filter=Q(quota_year=year)),
        pipeline=Count("pk", filter=pipeline_q()),
        candidates=Count("pk", filter=candidates_q()),
    )
    rows = []
    for o in orgs:
        c = counts.get(o.pk, {})
        number = allocated.get(o.pk)
        used = c.get("used") or 0
        rows.append(
            {
                "org": o,
                "allocated": number,
                "used": used,
                "pipeline": c.get("pipeline") or 0,
                "candidates": c.get("candidates") or 0,
                "left": None if number is None else number - used,
                "warn_zero": o is not org and not number and (c.get("candidates") or 0) > 0,
                "own": o is org,
            }
        )
    return rows


STRUCTURE = (
    "devel.admitted",
    "devel.women_share",
    "devel.young_share",
    "devel.college_share",
    "devel.farmer_worker_share",
)


def structure(user, org: Organisation, year: int) -> list[dict] | None:
    """The structure of those admitted in ``org``'s subtree in ``year`` (the registered indicators), shown
    only to users who may see the whole subtree (figures count it all)."""
    from dangjian.core import indicators, scoping

    if not scoping.sees_whole_subtree(user, org):
        return None
    period = indicators.Period.year(year)
    result = []
    for key in STRUCTURE:
        indicator = indicators.get(key)
        result.append(
            {
                "key": key,
                "label": indicator.label,
                "unit": indicator.unit,
                "value": indicators.compute(key, [org], period)[org.pk],
            }
        )
    return result


def reminders(today: date | None = None):
    """(file, rule, due) of talks and approvals about to be missed or missed: the daily job's reminders."""
    today = today or timezone.localdate()
    statuses = [FileStatus.S01, FileStatus.S15, FileStatus.S16, FileStatus.S23]
    for file in DevelopmentFile.objects.filter(status__in=statuses).select_related("org", "person"):
        row = file_row(file, today)
        if row.rule and (row.soon or row.overdue):
            yield file, row.rule, row.due


# --------------------------------------------------------------------------- Word documents

NOTICE_PURPOSE = {
    7: gettext_lazy("chosen as a candidate for Party membership"),
    12: gettext_lazy("admitted as a probationary member (after the committee review)"),
    15: gettext_lazy("admitted as a probationary member"),
    23: gettext_lazy("converted to full membership"),
}
REPLY = {
    13: (
        gettext_lazy("Pre-review opinion"),
        gettext_lazy("the candidate's materials"),
        gettext_lazy(
            "the pre-review is passed; the branch may proceed with the application form and the general meeting."
        ),
    ),
    17: (
        gettext_lazy("Approval of admission"),
        gettext_lazy("admission as a probationary member"),
        gettext_lazy(
            "it is approved that the comrade is admitted as a probationary member;"
            " the probation runs until %(end)s."
        ),
    ),
    24: (gettext_lazy("Approval of conversion"), gettext_lazy("conversion to full membership"), ""),
}


def _higher(file):
    return rules.higher_org(file)


def notice_document(file: DevelopmentFile, notice) -> dict:
    """The context of the public notice (devel.public_notice)."""
    person = file.person
    return {
        "title": _("Public notice on %(name)s") % {"name": person.name},
        "org": file.org.name,
        "higher_org": _higher(file).name,
        "purpose": str(NOTICE_PURPOSE[notice.before_step]),
        "name": person.name,
        "sex": person.get_sex_display(),
        "ethnicity": person.ethnicity,
        "born": f"{person.birth_date:%Y.%m}",
        "education": person.get_education_display(),
        "applied_on": file.applied_on,
        "activist_on": file.activist_on,
        "candidate_on": file.candidate_on,
        "starts_on": notice.starts_on,
        "ends_on": notice.ends_on,
        "working_days": rules.notice_working_days(notice.starts_on, notice.ends_on),
        "place": notice.place,
        "printed_on": timezone.localdate(),
    }


def reply_document(file: DevelopmentFile, record) -> dict:
    """The context of the higher committee's reply (devel.approval_reply) for step 13, 17 or 24."""
    title, subject, decision = REPLY[record.number]
    vote = (
        file.steps.filter(number={13: 12, 17: 15, 24: 23}[record.number]).order_by("-done_on", "-pk").first()
    )
    if record.number == 24:
        decision = (
            _("it is approved that the comrade is converted to full membership from %(end)s.")
            % {"end": rules.fmt(file.probation_ends_on)}
            if file.status not in (FileStatus.CANCELLED, FileStatus.EXTENDED)
            else _("it is approved that the comrade's probationary membership is cancelled.")
            if file.status == FileStatus.CANCELLED
            else _("it is approved that the comrade's probation is extended until %(end)s.")
            % {"end": rules.fmt(file.probation_ends_on)}
        )
    elif record.number == 17:
        decision = str(decision) % {"end": rules.fmt(file.probation_ends_on)}
    return {
        "title": str(title),
        "org": file.org.name,
        "higher_org": _higher(file).name,
        "name": file.person.name,
        "subject": str(subject),
        "vote_on": vote.done_on if vote else None,
        "entitled": vote.entitled if vote else None,
        "present": vote.present if vote else None,
        "votes_for": vote.votes_for if vote else None,
        "done_on": record.done_on,
        "decision": str(decision),
        "particulars": record.note,
    }


def index_document(file: DevelopmentFile, records: list, documents: list) -> dict:
    """The context of the file index (devel.file_index): every step with its dates and its documents."""
    by_step: dict[int, list] = {}
    for record in records:
        by_step.setdefault(record.number, []).append(record.done_on)
    names: dict[str, list] = {}
    for attachment in documents:
        names.setdefault(attachment.purpose, []).append(attachment.name)
    steps = [
        {
            "number": step.number,
            "label": str(step.label),
            "dates": "、".join(rules.fmt(d) for d in by_step.get(step.number, [])),
            "documents": "、".join(names.get(f"step{step.number}", [])),
        }
        for step in STEPS
    ]
    return {
        "org": file.org.name,
        "name": file.person.name,
        "id_masked": file.person.id_masked,
        "status": file.get_status_display(),
        "steps": steps,
        "printed_on": timezone.localdate(),
    }
