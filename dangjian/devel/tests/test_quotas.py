"""Quotas down the tree (county → township → branch) and the daily reminders."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from dangjian.devel import services
from dangjian.devel.models import Quota
from dangjian.devel.selectors import quota_rows
from dangjian.notices.models import Notice

from .helpers import open_file, quotas, sponsors, walk, walk_as

pytestmark = pytest.mark.django_db
YEAR = 2026


def test_a_township_never_divides_more_than_it_received(county, personas):
    services.quota_set(org=county.township_a, year=YEAR, number=5, actor=personas.county_admin)
    services.quota_set(org=county.village_a1, year=YEAR, number=3, actor=personas.township_a)
    with pytest.raises(ValidationError) as exc:
        services.quota_set(org=county.village_a2, year=YEAR, number=3, actor=personas.township_a)
    assert "最多还能分配2名" in " ".join(exc.value.messages)
    assert not Quota.objects.filter(org=county.village_a2).exists()
    services.quota_set(org=county.village_a2, year=YEAR, number=2, actor=personas.township_a)
    # Nor can the county take back below what the township divided.
    with pytest.raises(ValidationError) as exc:
        services.quota_set(org=county.township_a, year=YEAR, number=4, actor=personas.county_admin)
    assert "已向下级分配5名" in " ".join(exc.value.messages)


def test_a_branch_cannot_set_its_own_quota_nor_a_township_another_townships(county, personas):
    with pytest.raises(PermissionDenied):
        services.quota_set(org=county.village_a1, year=YEAR, number=3, actor=personas.village_a1)
    with pytest.raises(PermissionDenied):
        services.quota_set(org=county.village_b1, year=YEAR, number=3, actor=personas.township_a)
    assert not Quota.objects.exists()


def test_quota_rows_show_allocated_used_and_pipeline_down_the_tree(county, personas):
    quotas(county, personas, number=4)
    people = sponsors(county.village_a1)
    admitted = walk(open_file(county.village_a1, personas.village_a1, name="甲"), 17, personas, people)
    walk(open_file(county.village_a1, personas.village_a1, name="乙"), 13, personas, people)
    year = admitted.admitted_on.year
    services.quota_set(org=county.village_a1, year=year, number=3, actor=personas.township_a)
    rows = {r["org"].pk: r for r in quota_rows(personas.township_a, county.township_a, year)}
    assert rows[county.township_a.pk]["allocated"] == 4
    assert rows[county.township_a.pk]["used"] == 1 and rows[county.township_a.pk]["left"] == 3
    assert rows[county.village_a1.pk]["allocated"] == 3 and rows[county.village_a1.pk]["used"] == 1
    assert rows[county.village_a1.pk]["pipeline"] == 1
    assert rows[county.village_a2.pk]["allocated"] is None and rows[county.village_a2.pk]["used"] == 0
    # A branch with candidates and no share gets a warning.
    other = open_file(county.village_a2, personas.township_a, name="丙")
    walk_as(other, 7, personas.township_a, personas.county_admin, sponsors(county.village_a2))
    rows = {r["org"].pk: r for r in quota_rows(personas.township_a, county.township_a, year)}
    assert rows[county.village_a2.pk]["warn_zero"] and not rows[county.village_a1.pk]["warn_zero"]


def test_reminders_go_to_the_branch_once_and_again_when_overdue(county, personas):
    today = timezone.localdate()
    file = open_file(county.village_a1, personas.village_a1, applied_on=today - timedelta(days=27))
    assert services.daily_run(today=today)["reminders"] == 1
    assert services.daily_run(today=today)["reminders"] == 0
    notice = Notice.objects.get(recipient=personas.village_a1)
    assert "与入党申请人谈话" in notice.text and file.person.name in notice.text
    assert services.daily_run(today=today + timedelta(days=10))["reminders"] == 1
    assert "已超期" in Notice.objects.filter(recipient=personas.village_a1).first().text
    assert not Notice.objects.filter(recipient=personas.township_b).exists()


def test_the_quota_can_be_consumed_at_the_committee_review_instead(county, personas):
    from dangjian.core import params
    from dangjian.devel.models import FileStatus

    params.set_value("devel.quota_step", 12)
    try:
        quotas(county, personas, number=1)
        people = sponsors(county.village_a1)
        first = walk(open_file(county.village_a1, personas.village_a1, name="甲"), 12, personas, people)
        assert first.quota_year == first.last_step_on.year
        second = walk(open_file(county.village_a1, personas.village_a1, name="乙"), 11, personas, people)
        with pytest.raises(ValidationError) as exc:
            walk(second, 12, personas, people)
        assert "发展指标已用完" in " ".join(exc.value.messages)
        second.refresh_from_db()
        assert second.status == FileStatus.S11 and second.quota_year is None
    finally:
        params.set_value("devel.quota_step", 17)


def test_the_structure_indicators_count_those_admitted_in_the_period(county, personas):
    from dangjian.core import indicators
    from dangjian.core.indicators import Period

    quotas(county, personas)
    people = sponsors(county.village_a1)
    woman = open_file(county.village_a1, personas.village_a1, name="女甲", male=False)
    man = open_file(county.village_a1, personas.village_a1, name="男乙", job="farmer")
    for file in (woman, man):
        walk(file, 17, personas, people)
    woman.refresh_from_db()
    period = Period.year(woman.admitted_on.year)
    orgs = [county.county, county.township_a, county.township_b]
    assert indicators.compute("devel.admitted", orgs, period) == {
        county.county.pk: 2,
        county.township_a.pk: 2,
        county.township_b.pk: 0,
    }
    assert indicators.compute("devel.women_share", orgs, period)[county.township_a.pk] == 50.0
    assert indicators.compute("devel.women_share", orgs, period)[county.township_b.pk] is None
    assert indicators.compute("devel.farmer_worker_share", orgs, period)[county.township_a.pk] == 50.0
    assert indicators.compute("devel.young_share", orgs, period)[county.township_a.pk] == 100.0
