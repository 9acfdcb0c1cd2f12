"""Workflow tables of supervision and assessment, with their guards (core.workflow)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.core.caps import Cap
from dangjian.core.workflow import Transition

from .models import Assessment, Briefing, InspectionPlan, Rating, Visit, WeakOrg

BRIEF, RATE, CONFIRM_RATING = "brief", "rate", "confirm_rating"


def _not_the_author(briefing, actor) -> None:
    """A briefing is issued by somebody other than the one who compiled it."""
    if briefing.created_by_id == getattr(actor, "pk", None):
        raise ValidationError(_("A briefing is published by somebody other than its author."), code="author")


def _not_the_author_reviewing(briefing, actor) -> None:
    """A briefing is reviewed by somebody other than the one who compiled it."""
    if briefing.created_by_id == getattr(actor, "pk", None):
        raise ValidationError(_("A briefing is reviewed by somebody other than its author."), code="author")


def _not_the_rater(rating, actor) -> None:
    """The county confirms a rating the township made; the rater never confirms it."""
    if rating.rated_by_id == getattr(actor, "pk", None):
        raise ValidationError(_("Whoever rated an organisation does not confirm the rating."), code="rater")


def _not_the_flagger(weak, actor) -> None:
    """Whoever flagged an organisation does not lift the flag."""
    if weak.created_by_id == getattr(actor, "pk", None):
        raise ValidationError(_("Whoever flagged an organisation does not lift the flag."), code="flagger")


def _plan_org(visit):
    return visit.plan.org


def _not_the_compiler(assessment, actor) -> None:
    """Results are confirmed by somebody other than the one who set up the assessment."""
    if assessment.created_by_id == getattr(actor, "pk", None):
        raise ValidationError(
            _("The results are confirmed by somebody other than whoever set up the assessment."),
            code="author",
        )


WORKFLOWS = {
    Assessment: {
        ("draft", "confirmed"): Transition(
            label=gettext_lazy("Confirm the results"), cap=BRIEF, who=_not_the_compiler
        ),
    },
    InspectionPlan: {
        ("draft", "active"): Transition(label=gettext_lazy("Start the inspection"), cap=Cap.INSPECT),
        ("active", "closed"): Transition(label=gettext_lazy("Finish the inspection"), cap=Cap.INSPECT),
    },
    Visit: {
        ("draft", "submitted"): Transition(
            label=gettext_lazy("Hand the findings down"), cap=Cap.INSPECT, at=_plan_org
        ),
    },
    Briefing: {
        ("draft", "reviewed"): Transition(
            label=gettext_lazy("Mark as reviewed"), cap=BRIEF, who=_not_the_author_reviewing
        ),
        ("reviewed", "published"): Transition(label=gettext_lazy("Issue"), cap=BRIEF, who=_not_the_author),
        ("reviewed", "draft"): Transition(
            label=gettext_lazy("Return to draft"), cap=BRIEF, note_required=True
        ),
    },
    Rating: {
        ("self_assessed", "rated"): Transition(label=gettext_lazy("Rate"), cap=RATE),
        ("rated", "confirmed"): Transition(
            label=gettext_lazy("Confirm"), cap=CONFIRM_RATING, who=_not_the_rater
        ),
        ("rated", "self_assessed"): Transition(
            label=gettext_lazy("Return to the township"), cap=CONFIRM_RATING, note_required=True
        ),
    },
    WeakOrg: {
        ("flagged", "rectifying"): Transition(
            label=gettext_lazy("Hand down the rectification list"), cap=RATE
        ),
        ("rectifying", "lifted"): Transition(
            label=gettext_lazy("Lift the flag"), cap=CONFIRM_RATING, who=_not_the_flagger
        ),
    },
}
