"""Writes of duty-report evaluation: preparing a session, the written reports, the meeting
(scoring, questions, comments), anonymous ballots, closing (results frozen, digest) and the
hand-over of the problems to the ledger.

Nothing changes after a session is closed; the score sheet cannot change after the first ballot.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import attachments, scoping, workflow
from dangjian.core.caps import Cap
from dangjian.ledger import door

from . import params, scoring
from .models import (
    Ballot,
    BallotReceipt,
    Comment,
    Credential,
    Grade,
    Question,
    RaterGroup,
    Reporter,
    Result,
    ReviewSession,
    SheetIndicator,
)
from .rules import FILE_REPORT, HOST, check_weights

S, R = ReviewSession.Status, Reporter.Status


def _refuse_if_closed(session: ReviewSession) -> None:
    if session.status == S.CLOSED:
        raise ValidationError(_("The session is closed: nothing can be changed any more."), code="closed")


def _locked(session: ReviewSession) -> ReviewSession:
    """The session row locked for this transaction (so that a close and a change never interleave)."""
    return ReviewSession.objects.select_for_update().get(pk=session.pk)


# ------------------------------------------------------------------ preparing


@transaction.atomic
def session_create(
    *,
    org,
    actor,
    year: int,
    title: str,
    held_on: date,
    venue: str = "",
    sheet_kind: str = ReviewSession.SheetKind.GRADES,
    with_comment: bool = False,
) -> ReviewSession:
    """Create a session hosted by ``org``, starting from the default grade points and thresholds."""
    scoping.ensure_can(actor, HOST, org)
    if not (title or "").strip():
        raise ValidationError({"title": _("Please give the session a title.")})
    return ReviewSession.objects.create(
        org=org,
        year=year,
        title=title.strip(),
        held_on=held_on,
        venue=(venue or "").strip(),
        sheet_kind=sheet_kind,
        with_comment=with_comment,
        grade_points=params.default_points(),
        thresholds=params.default_thresholds(),
        created_by=actor,
    )


@transaction.atomic
def session_update(
    *, session: ReviewSession, actor, title: str, held_on: date, venue: str = "", with_comment: bool = False
) -> ReviewSession:
    """Change the session's title, date, venue and whether raters may comment (until it is closed).

    Whether raters may add a comment is part of the score sheet: it cannot change after the first ballot.
    """
    scoping.ensure_can(actor, HOST, session)
    session = _locked(session)
    _refuse_if_closed(session)
    if not (title or "").strip():
        raise ValidationError({"title": _("Please give the session a title.")})
    if with_comment != session.with_comment and Ballot.objects.filter(reporter__session=session).exists():
        raise ValidationError(
            {"with_comment": _("Ballots have been cast: the score sheet can no longer be changed.")}
        )
    session.title, session.held_on, session.venue = title.strip(), held_on, (venue or "").strip()
    session.with_comment = with_comment
    session.version += 1
    session.save(update_fields=["title", "held_on", "venue", "with_comment", "version"])
    return session


@dataclass(frozen=True)
class GroupSpec:
    name: str
    weight: int
    expected: int
    quorum: int


@dataclass(frozen=True)
class IndicatorSpec:
    name: str
    max_points: int


def _check_sheet(session, groups, indicators, grade_points, thresholds) -> None:
    errors: list[str] = []
    names = [g.name.strip() for g in groups]
    if not groups:
        errors.append(_("Give at least one rater group."))
    if any(not n for n in names) or len(set(names)) != len(names):
        errors.append(_("Every rater group needs a name of its own."))
    for g in groups:
        if g.expected < 1:
            errors.append(_("%(group)s: expect at least one rater.") % {"group": g.name})
        if g.quorum > g.expected:
            errors.append(
                _("%(group)s: the minimum (%(quorum)s) cannot exceed the expected raters (%(expected)s).")
                % {"group": g.name, "quorum": g.quorum, "expected": g.expected}
            )
    try:
        check_weights(g.weight for g in groups)
    except ValidationError as exc:
        errors.extend(exc.messages)
    if session.sheet_kind == ReviewSession.SheetKind.INDICATORS:
        if not indicators:
            errors.append(_("An indicator sheet needs at least one indicator."))
        if any(i.max_points < 1 or not i.name.strip() for i in indicators):
            errors.append(_("Every indicator needs a name and a maximum of at least 1 point."))
    points = [grade_points.get(g) for g in scoring.GRADE_ORDER]
    if any(p is None or not 0 <= p <= 100 for p in points):
        errors.append(_("The points of each grade must lie between 0 and 100."))
    elif points != sorted(points, reverse=True):
        errors.append(_("A better grade cannot be worth fewer points than a worse one."))
    limits = [thresholds.get(g) for g in (Grade.GOOD, Grade.FAIRLY_GOOD, Grade.AVERAGE)]
    if any(t is None or not 0 <= t <= 100 for t in limits) or not limits[0] > limits[1] > limits[2]:
        errors.append(_("The lowest totals must lie between 0 and 100 and fall from Good to Average."))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def sheet_update(
    *,
    session: ReviewSession,
    actor,
    groups: list[GroupSpec],
    indicators: list[IndicatorSpec],
    grade_points: dict,
    thresholds: dict,
) -> ReviewSession:
    """Set the score sheet: rater groups (weights total 100 %), indicators, grade points, thresholds.

    Refused once a ballot has been cast (ballots already counted would change meaning).
    A group kept under the same name keeps its credentials; a group dropped loses them.
    """
    scoping.ensure_can(actor, HOST, session)
    session = _locked(session)
    _refuse_if_closed(session)
    if Ballot.objects.filter(reporter__session=session).exists():
        raise ValidationError(
            _("Ballots have been cast: the score sheet can no longer be changed."), code="sheet_frozen"
        )
    _check_sheet(session, groups, indicators, grade_points, thresholds)
    existing = {g.name: g for g in session.groups.all()}
    keep = set()
    for position, spec in enumerate(groups):
        group = existing.get(spec.name.strip()) or RaterGroup(session=session, name=spec.name.strip())
        group.weight, group.expected, group.quorum, group.position = (
            spec.weight,
            spec.expected,
            spec.quorum,
            position,
        )
        group.save()
        keep.add(group.pk)
    session.groups.exclude(pk__in=keep).delete()
    session.indicators.all().delete()
    SheetIndicator.objects.bulk_create(
        SheetIndicator(session=session, name=i.name.strip(), max_points=i.max_points, position=n)
        for n, i in enumerate(indicators)
    )
    session.grade_points = {str(g): int(grade_points[g]) for g in scoring.GRADE_ORDER}
    session.thresholds = {str(g): int(thresholds[g]) for g in (Grade.GOOD, Grade.FAIRLY_GOOD, Grade.AVERAGE)}
    session.version += 1
    session.save(update_fields=["grade_points", "thresholds", "version"])
    return session


@transaction.atomic
def reporter_add(*, session: ReviewSession, org, secretary: str, actor) -> Reporter:
    """Add an organisation below the host (and its secretary) to the reporters, last in order."""
    scoping.ensure_can(actor, HOST, session)
    session = _locked(session)
    _refuse_if_closed(session)
    if org.pk == session.org_id or not org.path.startswith(session.org.path):
        raise ValidationError({"org": _("Only organisations below the host organisation can report.")})
    if not (secretary or "").strip():
        raise ValidationError({"secretary": _("Please name the secretary who reports.")})
    if session.reporters.filter(org=org).exists():
        raise ValidationError({"org": _("This organisation already reports in this session.")})
    last = session.reporters.aggregate(m=Max("position"))["m"]
    return Reporter.objects.create(
        session=session, org=org, secretary=secretary.strip(), position=(last or 0) + 1
    )


@transaction.atomic
def reporter_move(*, reporter: Reporter, up: bool, actor) -> Reporter:
    """Move a reporter one place earlier or later in the order of speaking."""
    session = reporter.session
    scoping.ensure_can(actor, HOST, session)
    _refuse_if_closed(_locked(session))
    ordered = list(session.reporters.order_by("position", "pk"))
    for n, r in enumerate(ordered):
        r.position = n + 1
    i = next(n for n, r in enumerate(ordered) if r.pk == reporter.pk)
    j = i - 1 if up else i + 1
    if 0 <= j < len(ordered):
        ordered[i].position, ordered[j].position = ordered[j].position, ordered[i].position
    Reporter.objects.bulk_update(ordered, ["position"])
    return ordered[i]


@transaction.atomic
def report_file(
    *, reporter: Reporter, actor, achievements: str, problems: str, plans: str, files=()
) -> Reporter:
    """File (or refile) the written report in its three parts, with attachments, for the reporter's organisation."""
    scoping.ensure_can(actor, FILE_REPORT, reporter)
    _refuse_if_closed(_locked(reporter.session))
    errors = {}
    for name, value, message in (
        ("achievements", achievements, _("Please describe the achievements.")),
        ("problems", problems, _("Please list the problems found.")),
        ("plans", plans, _("Please give the plans for next year.")),
    ):
        if not (value or "").strip():
            errors[name] = [message]
    if errors:
        raise ValidationError(errors)
    reporter.achievements, reporter.problems, reporter.plans = (
        achievements.strip(),
        problems.strip(),
        plans.strip(),
    )
    reporter.filed_at, reporter.filed_by = timezone.now(), actor
    reporter.save(update_fields=["achievements", "problems", "plans", "filed_at", "filed_by"])
    if files:
        attachments.attach(owner=reporter, files=files, actor=actor, purpose="report")
    return reporter


# ------------------------------------------------------------------ credentials


@transaction.atomic
def credentials_issue(*, session: ReviewSession, actor) -> int:
    """Create the missing credentials: one per expected rater seat of each group. Returns how many."""
    scoping.ensure_can(actor, HOST, session)
    session = _locked(session)
    _refuse_if_closed(session)
    groups = list(session.groups.all())
    if not groups:
        raise ValidationError(_("Set up the rater groups before issuing credentials."), code="no_groups")
    active = defaultdict(int)
    for group_id in session.credentials.filter(revoked_at__isnull=True).values_list("group_id", flat=True):
        active[group_id] += 1
    new = [
        Credential(session=session, group=g)
        for g in groups
        for _n in range(max(g.expected - active[g.pk], 0))
    ]
    Credential.objects.bulk_create(new)
    return len(new)


@transaction.atomic
def credential_revoke(*, credential: Credential, actor) -> Credential:
    """Revoke a credential (a lost card): it yields no more ballots; ballots already cast stay."""
    scoping.ensure_can(actor, HOST, credential)
    _refuse_if_closed(_locked(credential.session))
    if credential.revoked_at is not None:
        raise ValidationError(_("This credential has already been revoked."), code="revoked")
    credential.revoked_at = timezone.now()
    credential.save(update_fields=["revoked_at"])
    return credential


# ------------------------------------------------------------------ the meeting


def session_open(*, session: ReviewSession, actor) -> ReviewSession:
    """Open the meeting: the sheet, the reporters and the credentials must be ready."""
    return workflow.transition(obj=session, to=S.LIVE, actor=actor)


@transaction.atomic
def scoring_open(*, reporter: Reporter, actor) -> Reporter:
    """Make ``reporter`` the current reporter and open scoring on them."""
    reporter = workflow.transition(obj=reporter, to=R.SCORING, actor=actor)
    ReviewSession.objects.filter(pk=reporter.session_id).update(current_reporter=reporter)
    return reporter


def scoring_close(*, reporter: Reporter, actor) -> Reporter:
    """Close scoring on the current reporter: their credentials yield no more ballots for them."""
    return workflow.transition(obj=reporter, to=R.SCORED, actor=actor)


@transaction.atomic
def question_add(*, reporter: Reporter, actor, asker_role: str, question: str, answer: str = "") -> Question:
    """Record an on-site question (质询) put to a reporter, and the answer given."""
    scoping.ensure_can(actor, HOST, reporter.session)
    session = _locked(reporter.session)
    _refuse_if_closed(session)
    if session.status != S.LIVE:
        raise ValidationError(_("Questions are recorded during the meeting."), code="not_live")
    errors = {}
    if not (asker_role or "").strip():
        errors["asker_role"] = [_("Please say who asked (their role).")]
    if not (question or "").strip():
        errors["question"] = [_("Please write down the question.")]
    if errors:
        raise ValidationError(errors)
    return Question.objects.create(
        reporter=reporter,
        asker_role=asker_role.strip(),
        question=question.strip(),
        answer=(answer or "").strip(),
        recorded_by=actor,
    )


@transaction.atomic
def comment_add(*, reporter: Reporter, actor, commenter: str, text: str) -> Comment:
    """Record the presiding secretary's comment (点评) on a reporter."""
    scoping.ensure_can(actor, HOST, reporter.session)
    session = _locked(reporter.session)
    _refuse_if_closed(session)
    if session.status != S.LIVE:
        raise ValidationError(_("Comments are recorded during the meeting."), code="not_live")
    errors = {}
    if not (commenter or "").strip():
        errors["commenter"] = [_("Please say who commented.")]
    if not (text or "").strip():
        errors["text"] = [_("Please write down the comment.")]
    if errors:
        raise ValidationError(errors)
    return Comment.objects.create(
        reporter=reporter, commenter=commenter.strip(), text=text.strip(), recorded_by=actor
    )


# ------------------------------------------------------------------ ballots


def normalise_code(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def credential_by_code(code: str) -> Credential | None:
    """The credential of a code as typed or scanned (dashes and case ignored), or None."""
    code = normalise_code(code)
    if not code:
        return None
    return Credential.objects.select_related("session", "group").filter(code=code).first()


def ballot_points(session: ReviewSession, *, grade: str, scores: dict) -> tuple[str, dict, Decimal]:
    """Check a ballot against the session's sheet; return (grade, scores, points 0–100)."""
    if session.sheet_kind == ReviewSession.SheetKind.GRADES:
        if grade not in session.grade_points:
            raise ValidationError(_("Please choose one of the grades on the score sheet."), code="grade")
        return grade, {}, Decimal(session.grade_points[grade])
    indicators = list(session.indicators.all())
    clean = {}
    for ind in indicators:
        raw = scores.get(str(ind.pk))
        if raw in (None, ""):
            raise ValidationError(
                _("Please score every indicator: “%(name)s” is missing.") % {"name": ind.name}, code="missing"
            )
        try:
            value = Decimal(str(raw))
        except ArithmeticError:
            value = None
        if value is None or not value.is_finite() or value < 0 or value > ind.max_points:
            raise ValidationError(
                _("“%(name)s” takes 0 to %(max)s points.") % {"name": ind.name, "max": ind.max_points},
                code="range",
            )
        clean[str(ind.pk)] = str(scoring.rounded(value))
    maximum = sum(i.max_points for i in indicators)
    total = sum((Decimal(v) for v in clean.values()), Decimal(0))
    return "", clean, scoring.rounded(total * 100 / maximum)


def ballot_submit(
    *, code: str, reporter_id: int, grade: str = "", scores: dict | None = None, comment: str = ""
) -> Ballot:
    """Cast one anonymous ballot with a credential on the reporter now being scored.

    Refused, with nothing written: an unknown or revoked code; a session not in progress; a
    reporter not being scored now (before opening or after closing); a second ballot of the same
    credential on the same reporter (also when two arrive at the same moment: the database's
    unique constraint decides); a grade or score outside the sheet.
    """
    credential = credential_by_code(code)
    if credential is None:
        raise ValidationError(_("This code is not a valid ballot credential."), code="unknown")
    if credential.revoked_at is not None:
        raise ValidationError(_("This credential has been revoked."), code="revoked")
    session = credential.session
    reporter = session.reporters.filter(pk=reporter_id).select_related("org").first()
    if session.status == S.CLOSED:
        raise ValidationError(_("The session is closed: ballots are no longer accepted."), code="closed")
    if session.status != S.LIVE or reporter is None or reporter.status == R.WAITING:
        raise ValidationError(
            _("Scoring has not been opened yet; please wait for the host."), code="not_open"
        )
    if reporter.status == R.SCORED:
        raise ValidationError(_("Scoring on this reporter has been closed."), code="scoring_closed")
    grade, clean, points = ballot_points(session, grade=grade, scores=scores or {})
    if not session.with_comment:
        comment = ""
    try:
        with transaction.atomic():
            # The reporter row is read again under lock, so a ballot never lands after scoring closed.
            locked = Reporter.objects.select_for_update().get(pk=reporter.pk)
            if locked.status != R.SCORING:
                raise ValidationError(_("Scoring on this reporter has been closed."), code="scoring_closed")
            BallotReceipt.objects.create(credential=credential, reporter=reporter)
            return Ballot.objects.create(
                reporter=reporter,
                group=credential.group,
                grade=grade,
                scores=clean,
                points=points,
                comment=(comment or "").strip()[:500],
            )
    except IntegrityError:
        raise ValidationError(
            _("This credential has already voted on this reporter: one ballot per rater and reporter."),
            code="second_ballot",
        ) from None


def has_voted(credential: Credential, reporter: Reporter) -> bool:
    return BallotReceipt.objects.filter(credential=credential, reporter=reporter).exists()


# ------------------------------------------------------------------ closing


def tallies(session: ReviewSession) -> dict[int, list[scoring.GroupTally]]:
    """Per reporter id, the tally of each rater group (two queries)."""
    groups = list(session.groups.all())
    result = {
        r_id: [scoring.GroupTally(g.name, g.weight, g.expected, g.quorum) for g in groups]
        for r_id in session.reporters.values_list("pk", flat=True)
    }
    index = {g.pk: n for n, g in enumerate(groups)}
    for reporter_id, group_id, grade, points in Ballot.objects.filter(reporter__session=session).values_list(
        "reporter_id", "group_id", "grade", "points"
    ):
        tally = result[reporter_id][index[group_id]]
        tally.points.append(points)
        if grade:
            tally.grades[grade] += 1
    return result


def ballot_rows(session: ReviewSession):
    """The anonymised ballots as exported (no credential, no time): the digest is computed over these."""
    from .selectors import ballot_export_rows

    return ballot_export_rows(session)


@transaction.atomic
def session_close(*, session: ReviewSession, actor) -> ReviewSession:
    """Close the session: count every reporter, rank them, write the results and the digest, freeze."""
    _locked(session)
    per_reporter = tallies(session)
    outcomes = {r_id: scoring.outcome(t, session.thresholds) for r_id, t in per_reporter.items()}
    ranking = scoring.ranks((r_id, o.total) for r_id, o in outcomes.items())
    digest = scoring.digest(ballot_rows(session))
    session = workflow.transition(
        obj=session,
        to=S.CLOSED,
        actor=actor,
        fields={"digest": digest, "closed_at": timezone.now(), "current_reporter": None},
    )
    Result.objects.bulk_create(
        Result(
            reporter_id=r_id,
            total=o.total,
            grade=o.grade,
            rank=ranking[r_id],
            groups=[g.as_row() for g in o.groups],
            formula=o.formula,
        )
        for r_id, o in outcomes.items()
    )
    return session


# ------------------------------------------------------------------ hand-over (交办)


def finding_key(title: str) -> str:
    """The same problem text handed over twice is one item (the ledger's door is idempotent by key)."""
    return hashlib.sha256(title.strip().encode("utf-8")).hexdigest()[:24]


@transaction.atomic
def problems_hand_over(
    *, reporter: Reporter, actor, titles: list[str], deadline: date, today: date | None = None
):
    """Hand the reporter's problem list to their organisation through the ledger's door (source 述职评议)."""
    session = ReviewSession.objects.select_related("org").get(pk=reporter.session_id)
    today = today or timezone.localdate()
    scoping.ensure_can(actor, Cap.HAND_DOWN, session.org)
    if session.status != S.CLOSED:
        raise ValidationError(_("Problems are handed over after the session is closed."), code="not_closed")
    titles = list(dict.fromkeys(t.strip()[:200] for t in titles if t and t.strip()))
    if not titles:
        raise ValidationError({"problems": _("There are no problems to hand over.")})
    if deadline is None or deadline <= today:
        raise ValidationError({"deadline": _("The deadline must be after today.")})
    findings = [
        door.Finding(
            title=t,
            key=finding_key(t),
            deadline=deadline,
            responsible_leader=reporter.secretary,
            remarks=_("Raised at %(session)s") % {"session": session.title},
        )
        for t in titles
    ]
    return door.items_from_source(
        source_record=reporter,
        issuer=session.org,
        org=reporter.org,
        findings=findings,
        actor=actor,
        title=_("%(session)s: problem list of %(org)s")
        % {"session": session.title, "org": reporter.org.label},
        today=today,
    )
