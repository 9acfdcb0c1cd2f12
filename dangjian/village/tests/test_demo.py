"""The demo county gets village governance records in every state, through the services."""

from __future__ import annotations

from django.db.models import F

from dangjian.core.indicators import Period
from dangjian.village import selectors
from dangjian.village.indicators import duty_compliance
from dangjian.village.models import (
    CheckIn,
    Decision,
    DecisionStep,
    GridHop,
    GridMatter,
    Leave,
    MajorMatterReport,
)


def test_the_demo_has_duty_leave_reports_decisions_and_grid_matters_in_every_state(tiny_demo):
    day = tiny_demo.data["reference_day"]
    assert CheckIn.objects.count() > 200
    assert set(Leave.objects.values_list("status", flat=True)) == set(Leave.Status.values)
    assert Leave.objects.filter(selectors.unreturned_q(day)).exists()
    assert set(MajorMatterReport.objects.values_list("status", flat=True)) == set(
        MajorMatterReport.Status.values
    )
    assert MajorMatterReport.objects.filter(late=True).count() >= 2
    assert set(Decision.objects.values_list("status", flat=True)) == set(Decision.Status.values)
    assert Decision.objects.filter(selectors.stuck_q(day)).exists()
    assert DecisionStep.objects.filter(passed=False).exists()
    assert set(GridMatter.objects.values_list("status", flat=True)) == set(GridMatter.Status.values)
    assert GridHop.objects.exists() and GridMatter.objects.filter(satisfaction="unsatisfied").exists()
    postings, months, presence = selectors.first_secretaries(tiny_demo.data["users"]["admin"], day)
    flags = [m.short for p in postings for m in presence[p.pk]]
    assert any(flags) and not all(m.short for p in postings for m in presence[p.pk] if m.required)
    county = tiny_demo.data["county"]
    rate = duty_compliance([county], Period(day.replace(day=1), day, "m"))[county.pk]
    assert rate is not None and 50 < rate < 100


def test_the_benchmark_scales_give_every_village_duty_and_a_year_of_grid_matters(tiny_demo):
    from dangjian.village.demo import VillageBulk
    from dangjian.village.models import Grid

    before = GridMatter.objects.count()
    bulk = VillageBulk(tiny_demo, done=set())
    bulk.duty(20)
    bulk.grids(6)
    villages = tiny_demo.data["villages"]
    assert bulk.count["bulk grid matters"] == 6 * len(villages) == GridMatter.objects.count() - before
    assert Grid.objects.filter(name__endswith="片区网格").count() == 2 * len(villages)
    bulk_matters = GridMatter.objects.filter(grid__name__endswith="片区网格")
    assert not bulk_matters.filter(resolve_by__lt=F("registered_on")).exists()
    assert not bulk_matters.filter(status="closed", resolved_on__isnull=True).exists()
    assert bulk.count["bulk check-ins"] > 0 and bulk.count["bulk rota"] > 0
