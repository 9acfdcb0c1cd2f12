"""Workflow tables of organisational life: a planned meeting is held; a monthly report goes up and is reviewed."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.core.workflow import Transition

from .apps import RECORD, REVIEW
from .models import Meeting, MonthlyReport

R = MonthlyReport.Status


def parent_of(org):
    """The organisation directly above ``org`` (itself at the root)."""
    if org.depth <= 1:
        return org
    return type(org).objects.filter(path=org.path[: -org.steplen]).first() or org


def reviewing_org(report):
    """The township (the report's parent organisation) holds the right to review it."""
    return parent_of(report.org)


def not_the_submitter(report, actor) -> None:
    """Whoever submitted a report never reviews it (separation of duties)."""
    if report.submitted_by_id is not None and report.submitted_by_id == actor.pk:
        raise ValidationError(
            _("You submitted this report; somebody else must review it."), code="own_report"
        )


MEETING_TABLE = {
    (Meeting.Status.PLANNED, Meeting.Status.HELD): Transition(
        label=gettext_lazy("Register as held"), cap=RECORD
    ),
}

REPORT_TABLE = {
    (R.DRAFT, R.SUBMITTED): Transition(label=gettext_lazy("Submit"), cap=RECORD),
    (R.RETURNED, R.SUBMITTED): Transition(label=gettext_lazy("Resubmit"), cap=RECORD),
    (R.SUBMITTED, R.APPROVED): Transition(
        label=gettext_lazy("Approve"), cap=REVIEW, at=reviewing_org, who=not_the_submitter
    ),
    (R.SUBMITTED, R.RETURNED): Transition(
        label=gettext_lazy("Return"), cap=REVIEW, at=reviewing_org, who=not_the_submitter, note_required=True
    ),
}

WORKFLOWS = {Meeting: MEETING_TABLE, MonthlyReport: REPORT_TABLE}
