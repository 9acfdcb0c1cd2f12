"""The count: group averages, weights re-normalised over the groups that met their quorum, the
overall grade, the rank and the digest over all ballots. Pure functions (no database), so that
anyone can recount a session from its anonymised ballot export and get the same figures.

Formula (shown in words beside every result)::

    total = Σ (average of group g × weight of g) ÷ Σ (weight of g), over the groups g whose
            number of ballots reached their minimum (quorum); groups below it do not count.

A ballot's points are 0–100: the grade's points on a grade sheet, or the indicator points as a
share of the sheet's maximum on an indicator sheet.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from .models import Grade

TWO_PLACES = Decimal("0.01")
GRADE_ORDER = [Grade.GOOD, Grade.FAIRLY_GOOD, Grade.AVERAGE, Grade.POOR]


def rounded(value: Decimal) -> Decimal:
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


@dataclass
class GroupTally:
    """The ballots of one rater group on one reporter."""

    name: str
    weight: int
    expected: int
    quorum: int
    points: list[Decimal] = field(default_factory=list)
    grades: Counter = field(default_factory=Counter)

    @property
    def count(self) -> int:
        return len(self.points)

    @property
    def met(self) -> bool:
        """A group counts when it has at least its minimum number of ballots (and at least one)."""
        return self.count >= max(self.quorum, 1)

    @property
    def average(self) -> Decimal | None:
        if not self.points:
            return None
        return rounded(sum(self.points, Decimal(0)) / len(self.points))

    def shares(self) -> list[tuple[str, int, int]]:
        """(grade, ballots, percent of the group's ballots) for each grade, in sheet order."""
        if not self.count:
            return []
        return [
            (str(g), self.grades[g], round(100 * self.grades[g] / self.count))
            for g in GRADE_ORDER
            if self.grades[g]
        ]

    def as_row(self) -> dict:
        average = self.average
        return {
            "name": self.name,
            "weight": self.weight,
            "expected": self.expected,
            "quorum": self.quorum,
            "count": self.count,
            "met": self.met,
            "average": str(average) if average is not None else None,
            "grades": {str(g): n for g, n in self.grades.items()},
        }


@dataclass
class Outcome:
    total: Decimal | None
    grade: str
    groups: list[GroupTally]
    formula: str


def weighted_total(groups: Sequence[GroupTally]) -> Decimal | None:
    """Σ average × weight ÷ Σ weight over the groups that met their quorum; None when none did."""
    counted = [g for g in groups if g.met]
    weights = sum(g.weight for g in counted)
    if not counted or not weights:
        return None
    return rounded(sum((g.average * g.weight for g in counted), Decimal(0)) / weights)


def overall_grade(total: Decimal | None, thresholds: dict) -> str:
    """The overall grade of a total by the session's lowest totals (好 ≥ good, 较好 ≥ fairly good …)."""
    if total is None:
        return ""
    for grade in (Grade.GOOD, Grade.FAIRLY_GOOD, Grade.AVERAGE):
        if total >= Decimal(str(thresholds[grade])):
            return grade
    return Grade.POOR


def formula_text(groups: Sequence[GroupTally], total: Decimal | None) -> str:
    """How the total came about, in words, with the figures."""
    counted = [g for g in groups if g.met]
    parts = []
    if counted:
        terms = " + ".join(f"{g.average}×{g.weight}%" for g in counted)
        weights = sum(g.weight for g in counted)
        parts.append(
            _("Weighted total = (%(terms)s) ÷ %(weights)s%% = %(total)s")
            % {"terms": terms, "weights": weights, "total": total}
        )
        if weights != 100:
            parts.append(
                _(
                    "The weights were re-normalised over the groups that reached their minimum (%(weights)s%%)."
                )
                % {"weights": weights}
            )
    else:
        parts.append(_("No rater group reached its minimum number of ballots: there is no total."))
    for g in groups:
        if not g.met:
            parts.append(
                _("%(group)s: %(count)s ballots, below the minimum of %(quorum)s — not counted.")
                % {"group": g.name, "count": g.count, "quorum": max(g.quorum, 1)}
            )
    return " ".join(parts)


def outcome(groups: Sequence[GroupTally], thresholds: dict) -> Outcome:
    total = weighted_total(groups)
    return Outcome(total, overall_grade(total, thresholds), list(groups), formula_text(groups, total))


def ranks(totals: Iterable[tuple[object, Decimal | None]]) -> dict[object, int | None]:
    """Competition ranking (1, 1, 3) by total, highest first; reporters without a total are unranked."""
    ordered = sorted(((k, t) for k, t in totals if t is not None), key=lambda kt: kt[1], reverse=True)
    result: dict[object, int | None] = {k: None for k, t in totals if t is None}
    previous, rank = None, 0
    for i, (key, total) in enumerate(ordered, start=1):
        if total != previous:
            rank, previous = i, total
        result[key] = rank
    return result


# The columns of the anonymised ballot export the digest covers: every frozen one (the last column,
# the organisation's current name, is there for reading and may change with a renaming).
DIGEST_WIDTH = 7


def digest(rows: Iterable[Sequence]) -> str:
    """SHA-256 over the anonymised ballot rows (as exported, as text, in any order)."""
    lines = sorted(
        json.dumps(["" if c is None else str(c) for c in row[:DIGEST_WIDTH]], ensure_ascii=False)
        for row in rows
    )
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()
