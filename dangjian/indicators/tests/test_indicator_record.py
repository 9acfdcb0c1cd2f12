"""The daily run's record of past months' figures (``core.IndicatorRecord``): what it holds, when it is
written again and when it is kept, and that ``indicators.compute`` reads it instead of counting again."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import override_settings

from dangjian.core import demo as core_demo
from dangjian.core import indicators
from dangjian.core.indicators import Period
from dangjian.core.models import IndicatorRecord
from dangjian.core.tasks import run_daily
from dangjian.ledger.tests.builders import handed_item

pytestmark = pytest.mark.django_db

# The county fixture: the county holds six organisations, township A three, township B two. With three as
# the least, the county and township A are recorded, township B is worked out live.
SMALL_COUNTY = override_settings(
    INDICATOR_RECORD_MIN_ORGS=3, INDICATOR_RECORD_MONTHS=3, INDICATOR_SETTLE_DAYS=10
)
SEPTEMBER, OCTOBER = Period.month(2026, 9), Period.month(2026, 10)
NOV_5 = date(2026, 11, 5)  # October ended five days ago (still settling); September is settled


def _orgs(county):
    return [county.county, county.township_a, county.township_b]


@SMALL_COUNTY
def test_the_record_holds_each_indicators_months_for_the_large_subtrees_and_equals_the_live_figures(
    county, personas
):
    handed_item(county, personas, today=date(2026, 9, 10))
    assert {o.pk for o in indicators.recorded_orgs()} == {county.county.pk, county.township_a.pk}
    counted = indicators.record(today=NOV_5)
    keys = [i.key for i in indicators.all_indicators()]
    assert counted == {"indicator_figures": len(keys) * 3 * 2}
    assert IndicatorRecord.objects.count() == len(keys) * 3 * 2
    assert set(IndicatorRecord.objects.values_list("start", flat=True)) == {
        date(2026, 8, 1),
        date(2026, 9, 1),
        date(2026, 10, 1),
    }
    for key in keys:
        for period in (SEPTEMBER, OCTOBER):
            live = indicators.get(key).compute(_orgs(county), period)
            assert indicators.compute(key, _orgs(county), period) == {
                o.pk: live.get(o.pk) for o in _orgs(county)
            }
    assert indicators.compute("ledger.open_items", _orgs(county), SEPTEMBER) == {
        county.county.pk: 1,
        county.township_a.pk: 1,
        county.township_b.pk: 0,
    }


@SMALL_COUNTY
def test_a_recorded_month_is_read_in_one_query_without_counting_again(
    county, personas, django_assert_num_queries
):
    handed_item(county, personas, today=date(2026, 9, 10))
    indicators.record(today=NOV_5)
    with django_assert_num_queries(1):
        values = indicators.compute("ledger.open_items", [county.county, county.township_a], SEPTEMBER)
    assert values == {county.county.pk: 1, county.township_a.pk: 1}
    # A ranking's months at once: one read for all of them.
    with django_assert_num_queries(1):
        many = indicators.compute_many(
            ["ledger.open_items", "ledger.overdue_items"], [county.county], [SEPTEMBER, OCTOBER]
        )
    assert many["ledger.open_items", OCTOBER] == {county.county.pk: 1}


@SMALL_COUNTY
def test_a_settling_month_is_worked_out_again_each_night_and_a_settled_one_is_kept(county, personas):
    handed_item(county, personas, today=date(2026, 9, 10))
    indicators.record(today=NOV_5)
    # Registered late, dated in September: October (settling) counts it from the next run on; September
    # (settled) keeps its figure, where the live count would change.
    handed_item(county, personas, today=date(2026, 9, 20))
    again = indicators.record(today=date(2026, 11, 6))
    assert again == {"indicator_figures": len(indicators.all_indicators()) * 1 * 2}  # October only
    orgs = [county.county, county.township_a, county.township_b]
    assert indicators.compute("ledger.open_items", orgs, OCTOBER) == {
        county.county.pk: 2,
        county.township_a.pk: 2,
        county.township_b.pk: 0,
    }
    assert indicators.compute("ledger.open_items", orgs, SEPTEMBER)[county.county.pk] == 1
    assert indicators.get("ledger.open_items").compute(orgs, SEPTEMBER)[county.county.pk] == 2
    # Once settled, a second run the same night or later writes nothing and doubles nothing.
    assert indicators.record(today=date(2026, 11, 20)) == {"indicator_figures": 0}
    assert IndicatorRecord.objects.count() == len(indicators.all_indicators()) * 3 * 2


@SMALL_COUNTY
def test_an_organisation_moved_since_the_record_is_worked_out_live(county, personas):
    handed_item(county, personas, today=date(2026, 9, 10))
    indicators.record(today=NOV_5)
    handed_item(county, personas, today=date(2026, 9, 20))
    IndicatorRecord.objects.filter(org=county.township_a).update(path=county.township_b.path + "0001")
    values = indicators.compute("ledger.open_items", [county.county, county.township_a], SEPTEMBER)
    assert values == {county.county.pk: 1, county.township_a.pk: 2}


@override_settings(INDICATOR_RECORD_MIN_ORGS=100, INDICATOR_RECORD_MONTHS=3)
def test_small_subtrees_are_not_recorded(county, personas):
    assert indicators.recorded_orgs() == []
    assert indicators.record(today=NOV_5) == {"indicator_figures": 0}
    assert not IndicatorRecord.objects.exists()


@SMALL_COUNTY
def test_the_daily_run_records_and_the_demo_finishes_with_the_record(county, personas):
    handed_item(county, personas, today=date(2026, 9, 10))
    result = run_daily(today=NOV_5)
    assert result["indicators.indicator_figures"] == len(indicators.all_indicators()) * 3 * 2
    assert ("indicators", indicators.record_now) in core_demo.finishers()


@SMALL_COUNTY
def test_the_page_says_how_a_months_figures_are_kept(client, county, personas):
    from django.urls import reverse

    client.force_login(personas.county_admin)
    url = reverse("indicators:index")
    month = client.get(url, {"key": "ledger.open_items", "period": "2026-10"}).content.decode()
    assert "每晚核查为下辖组织不少于 3 个的组织记录该月数字：月末后 10 天内每晚重算" in month
    year = client.get(url, {"key": "ledger.open_items", "period": "2026"}).content.decode()
    assert 'data-testid="record-note"' not in year


@SMALL_COUNTY
def test_a_record_run_works_out_the_meetings_roll_up_once_for_its_two_figures(county, personas, monkeypatch):
    from dangjian.orglife import selectors as orglife_selectors

    calls = []
    real = orglife_selectors.rollup

    def counted(*args, **kwargs):
        calls.append(args[1:])
        return real(*args, **kwargs)

    monkeypatch.setattr(orglife_selectors, "rollup", counted)
    indicators.record(today=NOV_5)
    assert len(calls) == 3  # one a month for 会议完成率 and 达标支部, not two
    calls.clear()
    keys = ["orglife.meeting_completion_rate", "orglife.compliant_branches"]
    indicators.compute_many(keys, [county.township_b], [Period.year(2026)])
    assert len(calls) == 2  # outside a record run nothing is kept between figures
