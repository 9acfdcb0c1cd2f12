"""Reads that shape the evaluation pages, the big screen and the exports."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Count
from django.utils.translation import gettext as _

from dangjian.ledger import door

from .models import Ballot, Comment, Grade, Question, Reporter, Result, ReviewSession

# A list marker at the start of a line ("1. ", "2、", "(3) ", "- "), not the text's own digits ("2025年…").
NUMBERING = re.compile(r"^\s*(?:[(（]?\d{1,2}[.、)）]|[-·•])\s*")


@dataclass(frozen=True)
class GroupProgress:
    name: str
    received: int
    expected: int

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.received / self.expected)) if self.expected else 0


def progress(session: ReviewSession, reporter: Reporter | None) -> list[GroupProgress]:
    """Ballots received / expected per rater group on one reporter (two queries)."""
    if reporter is None:
        return []
    counts = dict(
        Ballot.objects.filter(reporter=reporter)
        .values("group_id")
        .annotate(n=Count("pk"))
        .values_list("group_id", "n")
    )
    return [GroupProgress(g.name, counts.get(g.pk, 0), g.expected) for g in session.groups.all()]


def sheet_scores_text(ballot_scores: dict, names: dict[str, str]) -> str:
    return "；".join(f"{names.get(k, k)}={v}" for k, v in ballot_scores.items())


def ballot_export_rows(session: ReviewSession) -> list[tuple[str, ...]]:
    """The anonymised ballots: serial, reporter's place, group, grade, scores, points, comment, organisation.

    No credential and no time: a ballot cannot be traced to the card (or the person) that cast it.
    The digest printed on the results page is ``scoring.digest`` of these rows (all but the last column).
    """
    names = {str(pk): name for pk, name in session.indicators.values_list("pk", "name")}
    grade_labels = dict(Grade.choices)
    rows = []
    for b in (
        Ballot.objects.filter(reporter__session=session)
        .select_related("reporter__org", "group")
        .order_by("reporter__position", "reporter_id", "group__position", "serial")
    ):
        rows.append(
            (
                b.serial,
                str(b.reporter.position),
                b.group.name,
                str(grade_labels.get(b.grade, "")),
                sheet_scores_text(b.scores, names),
                str(b.points),
                b.comment,
                b.reporter.org.label,  # for reading only: an organisation may be renamed later
            )
        )
    return rows


def results_for(session: ReviewSession, user):
    """The results of the session the user may see (all of them for the host's side, their own for a reporter)."""
    return (
        Result.objects.visible_to(user)
        .filter(reporter__session=session)
        .select_related("reporter__org")
        .order_by("rank", "reporter__position")
    )


def charts(results) -> dict:
    """ECharts options: the ranking bar and the distribution of overall grades."""
    ranked = [r for r in results if r.total is not None]
    labels = dict(Grade.choices)
    counts = {g: 0 for g in Grade.values}
    for r in results:
        if r.grade:
            counts[r.grade] += 1
    return {
        "ranking": {
            "tooltip": {},
            "grid": {"left": 110, "right": 20, "top": 10, "bottom": 20},
            "xAxis": {"type": "value", "max": 100},
            "yAxis": {"type": "category", "inverse": True, "data": [r.reporter.org.label for r in ranked]},
            "series": [{"type": "bar", "data": [float(r.total) for r in ranked], "label": {"show": True}}],
        },
        "grades": {
            "tooltip": {},
            "legend": {"bottom": 0},
            "series": [
                {
                    "type": "pie",
                    "radius": "60%",
                    "label": {"formatter": "{b} {c}"},
                    "data": [{"name": str(labels[g]), "value": n} for g, n in counts.items() if n],
                }
            ],
        },
    }


def previous_items(reporter: Reporter, user):
    """Last year's handed-down items of the same organisation by the same host, with their closure state."""
    previous = (
        Reporter.objects.visible_to(user)
        .filter(
            org_id=reporter.org_id,
            session__org_id=reporter.session.org_id,
            session__year=reporter.session.year - 1,
        )
        .first()
    )
    if previous is None:
        return None, []
    return previous, list(door.items_of_source(previous, user))


def hand_over_candidates(reporter: Reporter, user) -> list[str]:
    """The problems to offer for hand-over: the self-reported ones, the questions, the comments."""
    lines = [NUMBERING.sub("", line).strip() for line in reporter.problems.splitlines()]
    lines = [line for line in lines if line]
    lines += [q.question for q in Question.objects.visible_to(user).filter(reporter=reporter)]
    lines += [c.text for c in Comment.objects.visible_to(user).filter(reporter=reporter)]
    return list(dict.fromkeys(lines))


def org_panel(request, org):
    """The organisation's yearly record of evaluations (a panel on the organisation page)."""
    results = list(
        Result.objects.visible_to(request.user)
        .filter(reporter__org=org, reporter__session__status=ReviewSession.Status.CLOSED)
        .select_related("reporter__session")
        .order_by("-reporter__session__year", "-pk")
    )
    return {"review_results": results} if results else None


def result_notice(session: ReviewSession, results) -> dict:
    """The context of the Word 评议结果通报 (document kind ``reviews.result_notice``)."""
    from django.utils import timezone

    groups = "、".join(f"{g.name}{g.weight}%" for g in session.groups.all())
    return {
        "title": session.title,
        "host": session.org.name,
        "year": session.year,
        "held_on": session.held_on,
        "venue": session.venue,
        "reporter_count": len(results),
        "rows": [
            {
                "rank": r.rank or "—",
                "org": r.reporter.org.name,
                "secretary": r.reporter.secretary,
                "total": str(r.total) if r.total is not None else "—",
                "grade": r.get_grade_display() or "—",
            }
            for r in results
        ],
        "digest": session.digest,
        "method": _(
            "Weighted by rater group (%(groups)s); a group below its minimum number of ballots is left "
            "out and the other weights are re-normalised."
        )
        % {"groups": groups},
        "printed_on": timezone.localdate(),
    }
