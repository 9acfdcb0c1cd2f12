"""The benchmark scales' two years of organisational life for every branch (``orglife.demo.build_history``)."""

from __future__ import annotations

import pytest

from ..models import TrainingRecord


@pytest.mark.django_db
def test_the_benchmark_history_fills_two_years_for_every_branch(county, personas):
    from datetime import date

    from dangjian.orgs.tests.factories import make_person

    from .. import selectors
    from ..demo import build_history

    make_person(county.village_a1, "冬训学员")
    written = build_history(years=2, today=date(2026, 11, 15))
    # Three branches × 24 months × at least the two monthly meetings, less the few missed on purpose.
    assert written > 3 * 24 * 2 * 0.8
    rows = selectors.rollup([county.county], date(2025, 1, 1), date(2025, 12, 31), today=date(2026, 11, 15))
    assert rows[0].branches == 3 and 60 < rows[0].rate < 100
    assert TrainingRecord.objects.filter(on__year=2025).count() <= 1


@pytest.mark.django_db
def test_a_wide_rollup_reads_its_branches_round_by_round_with_the_same_sums(county, personas, monkeypatch):
    """A province's branches are judged a round at a time (bounded memory); the sums are those of one round."""
    from datetime import date

    from .. import selectors
    from ..demo import build_history

    build_history(years=2, today=date(2026, 11, 15))
    orgs = [county.county, county.township_a, county.township_b]
    span = (date(2025, 1, 1), date(2025, 12, 31))
    whole = selectors.rollup(orgs, *span, today=date(2026, 11, 15), branches=selectors.branches_under(orgs))
    rounds = []
    real_compliance = selectors.compliance

    def compliance(branches, *args, **kwargs):
        rounds.append(len(branches))
        return real_compliance(branches, *args, **kwargs)

    monkeypatch.setattr(selectors, "BRANCH_CHUNK", 2)
    monkeypatch.setattr(selectors, "compliance", compliance)
    chunked = selectors.rollup(orgs, *span, today=date(2026, 11, 15))
    assert rounds == [2, 1]
    fields = ("branches", "met", "decided", "compliant_branches", "missed")
    assert [[getattr(r, f) for f in fields] for r in chunked] == [
        [getattr(r, f) for f in fields] for r in whole
    ]
    assert whole[0].decided > 0 and whole[0].missed
