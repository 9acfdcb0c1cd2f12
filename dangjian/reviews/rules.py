"""Workflow tables of duty-report evaluation and their guards.

A session is prepared (draft), held (live) and closed; closing freezes it. During the meeting
the host opens and closes scoring on one reporter at a time. Every move is the host's: the
capability ``host_review`` at the session's host organisation.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.core.workflow import Transition

from .models import Reporter, ReviewSession

HOST = "host_review"
FILE_REPORT = "file_report"

S, R = ReviewSession.Status, Reporter.Status


def check_weights(weights) -> None:
    """The groups' weights must total exactly 100 %."""
    total = sum(weights)
    if total != 100:
        raise ValidationError(
            _("The weights of the rater groups must total 100%%; they total %(total)s%%.") % {"total": total},
            code="weights",
        )


def _ready_to_open(session: ReviewSession, actor, **fields) -> None:
    groups = list(session.groups.all())
    if not groups:
        raise ValidationError(_("Set up the rater groups before opening the session."), code="no_groups")
    check_weights(g.weight for g in groups)
    if session.sheet_kind == ReviewSession.SheetKind.INDICATORS and not session.indicators.exists():
        raise ValidationError(_("The score sheet has no indicators yet."), code="no_indicators")
    if not session.reporters.exists():
        raise ValidationError(_("Add the reporters before opening the session."), code="no_reporters")
    if not session.credentials.filter(revoked_at__isnull=True).exists():
        raise ValidationError(
            _("Issue the ballot credentials before opening the session."), code="no_credentials"
        )


def _ready_to_close(session: ReviewSession, actor, **fields) -> None:
    if session.reporters.filter(status=R.SCORING).exists():
        raise ValidationError(_("Close the scoring of the current reporter first."), code="scoring")
    waiting = [str(r) for r in session.reporters.filter(status=R.WAITING).select_related("org")]
    if waiting:
        raise ValidationError(
            _("These reporters have not been scored yet: %(names)s.") % {"names": "、".join(waiting)},
            code="waiting",
        )


def _may_open_scoring(reporter: Reporter, actor, **fields) -> None:
    if reporter.session.status != S.LIVE:
        raise ValidationError(
            _("Scoring can be opened only while the session is in progress."), code="not_live"
        )
    other = reporter.session.reporters.filter(status=R.SCORING).exclude(pk=reporter.pk).first()
    if other is not None:
        raise ValidationError(
            _("Scoring is still open for %(name)s; close it first.") % {"name": other}, code="other_scoring"
        )


def _session_org(reporter: Reporter):
    return reporter.session.org


SESSION = {
    (S.DRAFT, S.LIVE): Transition(gettext_lazy("Open the session"), cap=HOST, guard=_ready_to_open),
    (S.LIVE, S.CLOSED): Transition(gettext_lazy("Close and freeze"), cap=HOST, guard=_ready_to_close),
}
REPORTER = {
    (R.WAITING, R.SCORING): Transition(
        gettext_lazy("Open scoring"), cap=HOST, at=_session_org, guard=_may_open_scoring
    ),
    (R.SCORING, R.SCORED): Transition(gettext_lazy("Close scoring"), cap=HOST, at=_session_org),
}

WORKFLOWS = {ReviewSession: SESSION, Reporter: REPORTER}
