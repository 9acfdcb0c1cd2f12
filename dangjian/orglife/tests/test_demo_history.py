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
