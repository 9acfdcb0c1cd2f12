"""Workflow tables of organisational life: a planned meeting is held; a monthly report goes up and is reviewed;
a branch's democratic evaluation moves from the mutual assessment to the poll and grading."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.core.workflow import Transition

from .apps import RECORD, REVIEW
from .models import EvaluationRound, Meeting, MonthlyReport, MutualRating
from .selectors import roster_on

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


def mutual_done(evaluation_round, actor, **fields) -> None:
    """The mutual assessment closes once somebody has rated (a branch of one member has nobody to rate)."""
    if MutualRating.objects.filter(round=evaluation_round).exists():
        return
    if len(roster_on(evaluation_round.org, evaluation_round.closing_day())) > 1:
        raise ValidationError(
            _("No member has handed in a mutual assessment yet: record the sheets before closing the step."),
            code="no_sheets",
        )


ROUND_TABLE = {
    (EvaluationRound.Status.MUTUAL, EvaluationRound.Status.GRADING): Transition(
        label=gettext_lazy("Close the mutual assessment"), cap=RECORD, guard=mutual_done
    ),
}

WORKFLOWS = {Meeting: MEETING_TABLE, MonthlyReport: REPORT_TABLE, EvaluationRound: ROUND_TABLE}
