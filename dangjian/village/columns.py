"""Spreadsheet columns of village governance: the ledgers a township files (core.exports)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.core.exports import Column, render_date, xlsx_bytes

from .models import Step


def _display(attr):
    return lambda obj: getattr(obj, f"get_{attr}_display")()


LEAVE_COLUMNS = [
    Column(_("Village"), "org__label", width=22),
    Column(_("Cadre"), "person__name"),
    Column(_("From"), "starts_on"),
    Column(_("Until"), "ends_on"),
    Column(_("Days"), "days", width=8),
    Column(_("Reason for leave"), "reason", width=30),
    Column(_("Approved by"), "level", render=_display("level")),
    Column(_("Status"), "status", render=_display("status")),
    Column(_("Back on"), "returned_on"),
    Column(
        _("Not back after the end"),
        "unreturned",
        render=lambda leave: leave.unreturned(timezone.localdate()),
        width=10,
    ),
]


def leave_xlsx(queryset) -> bytes:
    return xlsx_bytes(LEAVE_COLUMNS, queryset.iterator(chunk_size=2000), title=_("Leave"))


REPORT_COLUMNS = [
    Column(_("Village"), "org__label", width=22),
    Column(_("Cadre"), "person__name"),
    Column(_("Kind"), "kind__name", width=20),
    Column(_("Date of the matter"), "occurs_on"),
    Column(_("Filed on"), "filed_on"),
    Column(_("Filed late"), "late", width=10),
    Column(_("Description"), "description", width=40),
    Column(_("Status"), "status", render=_display("status")),
]


def report_xlsx(queryset) -> bytes:
    return xlsx_bytes(REPORT_COLUMNS, queryset.iterator(chunk_size=2000), title=_("Major-matter reports"))


def _step_date(number: int):
    def render(decision):
        for step in decision.steps.all():
            if step.step == number:
                return render_date(step.held_on)
        return ""

    return render


DECISION_COLUMNS = [
    Column(_("Village"), "org__label", width=22),
    Column(_("Title"), "title", width=30),
    Column(_("Category"), "category", render=_display("category")),
    Column(_("Amount (yuan)"), "amount"),
    Column(_("Status"), "status", render=_display("status"), width=18),
    *[Column(Step(n).label, f"step{n}", render=_step_date(n), width=14) for n in Step.values],
    Column(_("Implemented on"), "implemented_on"),
]


def decision_xlsx(queryset) -> bytes:
    return xlsx_bytes(DECISION_COLUMNS, queryset, title=_("四议两公开"))


MATTER_COLUMNS = [
    Column(_("Community or village"), "org__label", width=22),
    Column(_("Grid"), "grid__name"),
    Column(_("Matter"), "title", width=30),
    Column(_("Source"), "source", render=_display("source")),
    Column(_("Category"), "category__name"),
    Column(_("Location"), "location"),
    Column(_("Reporter"), "reporter_name"),
    Column(_("Reporter's phone"), "reporter_phone", render=lambda m: m.reporter_phone_masked),
    Column(_("Registered on"), "registered_on"),
    Column(_("Handled by"), "handler_org__label", width=22),
    Column(_("Resolve by"), "resolve_by"),
    Column(_("Handled on"), "resolved_on"),
    Column(_("Measures"), "measures", width=30),
    Column(_("Satisfaction"), "satisfaction", render=_display("satisfaction")),
    Column(_("Status"), "status", render=_display("status")),
]


def matter_xlsx(queryset) -> bytes:
    return xlsx_bytes(MATTER_COLUMNS, queryset.iterator(chunk_size=2000), title=_("Grid matters"))


def work_file_xlsx(work_file) -> bytes:
    """One cadre's work file as a two-column record (item, content)."""
    rows = [
        (_("Village"), work_file.org.label),
        (_("Cadre"), work_file.person.name),
        (_("Year"), work_file.year),
        (_("Annual targets"), work_file.targets),
        (_("Commitments"), work_file.commitments),
        (_("Assessment grade"), work_file.get_grade_display()),
        (_("Evaluation result"), work_file.evaluation),
        (_("Remuneration paid (yuan)"), work_file.remuneration if work_file.remuneration is not None else ""),
        (_("Remuneration paid on"), render_date(work_file.remuneration_paid_on)),
        (_("Rewards"), work_file.rewards),
        (_("Sanctions"), work_file.sanctions),
    ]
    columns = [
        Column(_("Item"), "item", render=lambda r: str(r[0]), width=24),
        Column(_("Content"), "content", render=lambda r: r[1], width=60),
    ]
    return xlsx_bytes(columns, rows, title=_("Work file"))
