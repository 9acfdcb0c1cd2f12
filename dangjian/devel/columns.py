"""The columns of the development ledger (.xlsx): one row per file, as a township files it."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from dangjian.core.exports import Column, render_date


def _date(attr: str):
    return lambda row: render_date(getattr(row.file, attr))


def _stage(file) -> str:
    from .models import FileStatus, StageKind

    if file.status in (FileStatus.CANCELLED, FileStatus.STOPPED):
        return str(file.get_status_display())
    return str(StageKind(file.stage or StageKind.CONVERSION).label)


LEDGER_COLUMNS = [
    Column(_("Branch"), "file__org__name", render=lambda r: r.file.org.name, width=28),
    Column(_("Name"), "name", render=lambda r: r.file.person.name, width=10),
    Column(_("Sex"), "sex", render=lambda r: r.file.person.get_sex_display(), width=6),
    Column(_("Ethnicity"), "ethnicity", render=lambda r: r.file.person.ethnicity, width=8),
    Column(_("Citizen ID"), "id", render=lambda r: r.file.person.id_masked, width=20),
    Column(_("Education"), "education", render=lambda r: r.file.person.get_education_display(), width=12),
    Column(_("Job"), "job", render=lambda r: r.file.person.get_job_display(), width=14),
    Column(_("Date of application"), "applied_on", render=_date("applied_on")),
    Column(_("Activist since"), "activist_on", render=_date("activist_on")),
    Column(_("Candidate since"), "candidate_on", render=_date("candidate_on")),
    Column(_("Admission vote"), "vote_on", render=_date("vote_on")),
    Column(_("Admitted on"), "admitted_on", render=_date("admitted_on")),
    Column(_("End of probation"), "probation_ends_on", render=_date("probation_ends_on")),
    Column(_("Full member since"), "converted_on", render=_date("converted_on")),
    Column(_("Stage"), "stage", render=lambda r: _stage(r.file), width=12),
    Column(_("Current step"), "status", render=lambda r: r.file.get_status_display(), width=30),
    Column(_("Next rule"), "rule", render=lambda r: r.rule_label, width=24),
    Column(_("Due on"), "due", render=lambda r: render_date(r.due)),
    Column(_("Overdue"), "overdue", render=lambda r: str(_("Yes")) if r.overdue else "", width=8),
    Column(_("Development stopped on"), "stopped_on", render=_date("stopped_on")),
    Column(_("Reason for ending"), "end_reason", render=lambda r: r.file.end_reason, width=30),
]
