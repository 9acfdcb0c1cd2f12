"""Reads of the development module: due dates, the pipeline, quotas down the tree, reminders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
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


def due_of(file: DevelopmentFile) -> tuple[str, date] | None:
    """The next time rule of the file and the day it falls due (None when no rule runs)."""
    status = file.status
    if status == FileStatus.S01:
        return "talk", rules.add_months(file.applied_on, params.get("devel.talk_within_months"))
    if status in ACTIVIST and file.activist_on:
        since = file.last_assessment_on or file.activist_on
        return "assessment", rules.add_months(since, params.get("devel.assessment_every_months"))
    if status in (FileStatus.S15, FileStatus.S16) and file.vote_on:
        return "approval", rules.add_months(file.vote_on, params.get("devel.approval_within_months"))
    if status == FileStatus.S23 and file.conversion_vote_on:
        return "approval", rules.add_months(
            file.conversion_vote_on, params.get("devel.approval_within_months")
        )
    if status in PROBATION and file.probation_ends_on:
        return "conversion", file.probation_ends_on
    return None


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


def files_for(user, org: Organisation | None = None):
    """The files the user may see, in ``org``'s subtree when given, with what their rows show."""
    qs = DevelopmentFile.objects.visible_to(user).select_related("org", "person")
    if org is not None:
        qs = qs.filter(org__path__subtree=org.path)
    return qs


DUE_FIELDS = (
    "status",
    "applied_on",
    "activist_on",
    "last_assessment_on",
    "vote_on",
    "conversion_vote_on",
    "probation_ends_on",
)


def stage_of_status(status: str) -> int:
    """The stage (1–5) of a file in ``status``, 0 for a cancelled one."""
    if status == FileStatus.CANCELLED:
        return 0
    if status == FileStatus.EXTENDED:
        return StageKind.CONVERSION
    return next(s.stage for s in STEPS if s.code == status)


def stage_statuses(stage: int) -> list[str]:
    return [s for s in FileStatus.values if stage_of_status(s) == stage]


def pipeline(user, org: Organisation | None, today: date) -> dict:
    """Files per stage and overdue per stage, from one query over the few fields the time rules read."""
    stages = {
        value: {"value": value, "label": label, "count": 0, "overdue": 0}
        for value, label in StageKind.choices
    }
    cancelled = overdue = 0
    for values in files_for(user, org).order_by().values(*DUE_FIELDS).iterator(chunk_size=5000):
        stage = stage_of_status(values["status"])
        if not stage:
            cancelled += 1
            continue
        due = due_of(DevelopmentFile(**values))
        late = bool(due and due[1] < today)
        stages[stage]["count"] += 1
        stages[stage]["overdue"] += int(late)
        overdue += int(late)
    return {"stages": list(stages.values()), "cancelled": cancelled, "overdue": overdue}


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


def reminders(today: date | None = None):
    """(file, rule, due) of talks and approvals about to be missed or missed: the daily job's reminders."""
    today = today or timezone.localdate()
    statuses = [FileStatus.S01, FileStatus.S15, FileStatus.S16, FileStatus.S23]
    for file in DevelopmentFile.objects.filter(status__in=statuses).select_related("org", "person"):
        row = file_row(file, today)
        if row.rule and (row.soon or row.overdue):
            yield file, row.rule, row.due
