"""The count itself: weights, quorum and re-normalisation, grade thresholds, ranking, digest."""

from __future__ import annotations

from decimal import Decimal

from dangjian.reviews import scoring
from dangjian.reviews.scoring import GroupTally

THRESHOLDS = {"good": 90, "fairly_good": 80, "average": 60}


def tally(name, weight, points, quorum=2, expected=5):
    return GroupTally(name, weight, expected, quorum, [Decimal(p) for p in points])


def test_the_total_weights_each_group_average():
    groups = [tally("常委", 60, [100, 80]), tally("代表", 40, [60, 60])]
    # 90 × 60 % + 60 × 40 % = 54 + 24 = 78
    assert scoring.weighted_total(groups) == Decimal("78.00")


def test_a_group_below_its_quorum_is_left_out_and_the_weights_renormalised():
    groups = [tally("常委", 50, [100, 100]), tally("代表", 30, [80, 80]), tally("群众", 20, [40], quorum=3)]
    # (100 × 50 + 80 × 30) ÷ 80 = 92.5
    outcome = scoring.outcome(groups, THRESHOLDS)
    assert outcome.total == Decimal("92.50")
    assert outcome.grade == "good"
    assert "群众" in outcome.formula and "不计入" in outcome.formula and "80%" in outcome.formula


def test_no_group_at_quorum_gives_no_total_and_no_grade():
    outcome = scoring.outcome([tally("常委", 100, [90], quorum=2)], THRESHOLDS)
    assert outcome.total is None and outcome.grade == ""


def test_a_group_without_ballots_never_counts_even_with_quorum_zero():
    groups = [tally("常委", 50, [70, 70]), tally("群众", 50, [], quorum=0)]
    assert scoring.weighted_total(groups) == Decimal("70.00")


def test_grade_thresholds_include_their_lower_bound():
    grade = scoring.overall_grade
    assert grade(Decimal("90"), THRESHOLDS) == "good"
    assert grade(Decimal("89.99"), THRESHOLDS) == "fairly_good"
    assert grade(Decimal("80"), THRESHOLDS) == "fairly_good"
    assert grade(Decimal("60"), THRESHOLDS) == "average"
    assert grade(Decimal("59.99"), THRESHOLDS) == "poor"


def test_ties_share_a_rank_and_the_next_rank_is_skipped():
    ranks = scoring.ranks([("a", Decimal("90")), ("b", Decimal("95")), ("c", Decimal("90")), ("d", None)])
    assert ranks == {"b": 1, "a": 2, "c": 2, "d": None}


def test_grade_shares_are_percentages_of_the_group():
    group = tally("代表", 100, [100, 100, 80])
    group.grades.update({"good": 2, "fairly_good": 1})
    assert group.shares() == [("good", 2, 67), ("fairly_good", 1, 33)]


def test_the_digest_ignores_row_order_and_the_organisation_name_but_not_a_vote():
    rows = [("s1", "1", "常委", "好", "", "100", "", "A镇"), ("s2", "1", "常委", "差", "", "40", "", "A镇")]
    base = scoring.digest(rows)
    assert scoring.digest(list(reversed(rows))) == base
    assert scoring.digest([(*r[:7], "改名后") for r in rows]) == base
    assert scoring.digest([rows[0], ("s2", "1", "常委", "好", "", "100", "", "A镇")]) != base
