"""Indicators: one registry, figures per subtree in a fixed number of queries, and the page that shows them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from dangjian.core import indicators
from dangjian.core import params as core_params
from dangjian.core.indicators import Indicator, Period, subtree_rollup
from dangjian.ledger.models import Item
from dangjian.ledger.tests.builders import TODAY, handed_item, media, walk  # noqa: F401
from dangjian.orgs.models import Organisation
from dangjian.orgs.tests.factories import make_org

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]
S = Item.Status
NOVEMBER = Period.month(2026, 11)


def test_the_ledger_registers_its_figures_with_a_definition_and_a_unit():
    keys = {i.key for i in indicators.all_indicators()}
    assert {"ledger.open_items", "ledger.overdue_items", "ledger.closed_on_time_rate"} <= keys
    for indicator in indicators.all_indicators():
        assert str(indicator.description) and str(indicator.unit) and indicator.module


def test_a_second_indicator_under_a_known_key_is_refused():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        indicators.register(
            Indicator(key="ledger.open_items", label="x", description="x", unit="x", module="x", compute=len)
        )


def test_periods_parse_years_and_months_and_refuse_anything_else():
    assert Period.parse("2026") == Period(date(2026, 1, 1), date(2026, 12, 31), "2026")
    assert Period.parse("2026-02").end == date(2026, 2, 28)
    assert Period.parse("2026-01").previous() == Period.month(2025, 12)
    for bad in ("", "2026-13", "26-01", "2026/01", "abcd"):
        with pytest.raises(ValueError):
            Period.parse(bad)


def test_figures_count_the_whole_subtree_at_the_end_of_the_period(county, personas):
    overdue = handed_item(
        county, personas, deadline=TODAY - timedelta(days=1), today=TODAY - timedelta(days=30)
    )
    closed = walk(handed_item(county, personas, deadline=TODAY + timedelta(days=3)), S.CLOSED, personas)
    handed_item(county, personas, org=county.village_a2, deadline=TODAY + timedelta(days=30))
    orgs = [county.county, county.township_a, county.township_b, county.village_a1, county.village_a2]
    open_ = indicators.compute("ledger.open_items", orgs, NOVEMBER)
    assert open_ == {
        county.county.pk: 2,
        county.township_a.pk: 2,
        county.township_b.pk: 0,
        county.village_a1.pk: 1,
        county.village_a2.pk: 1,
    }
    assert indicators.compute("ledger.overdue_items", orgs, NOVEMBER)[county.village_a1.pk] == 1
    # Of the items due in November in A1 (the overdue one and the closed one), one was closed on time.
    rates = indicators.compute("ledger.closed_on_time_rate", orgs, NOVEMBER)
    assert rates[county.village_a1.pk] == 50.0
    assert rates[county.township_b.pk] is None  # nothing due: no figure, not 0 %
    # At the end of October only the first item had been handed down, and it was not yet overdue.
    october = Period.month(2026, 10)
    assert indicators.compute("ledger.open_items", orgs, october)[county.village_a1.pk] == 1
    assert indicators.compute("ledger.overdue_items", orgs, october)[county.village_a1.pk] == 0
    assert closed.closed_on == TODAY and overdue.deadline < TODAY


@pytest.mark.parametrize("n", [3, 300])
def test_a_figure_for_many_organisations_costs_one_query_per_depth(county, django_assert_num_queries, n):
    parent = county.township_a
    for i in range(n - 2):
        make_org(parent, f"中共测试{i}村支部委员会", short_name=f"测试{i}村")
    orgs = list(Organisation.objects.filter(path__subtree=parent.path, depth=parent.depth + 1))
    assert len(orgs) == n
    core_params.version()  # the rule parameters, read once and kept in the cache (part of a kept query's key)
    # A month's figure: the daily run's record read (one query), the rest worked out (one per depth).
    with django_assert_num_queries(2):
        indicators.compute("ledger.open_items", orgs, NOVEMBER)
    with django_assert_num_queries(3):  # two depths: the township and its villages
        indicators.compute("ledger.overdue_items", [parent, *orgs], NOVEMBER)
    with django_assert_num_queries(1):  # a year is never recorded
        indicators.compute("ledger.open_items", orgs, Period.year(2026))


def test_the_roll_up_helper_groups_rows_by_the_organisation_at_each_depth(county, personas):
    from django.db.models import Count

    handed_item(county, personas)
    handed_item(county, personas, org=county.village_a2)
    rows = subtree_rollup(
        Item.objects.all(), [county.township_a, county.village_a2, county.township_b], n=Count("pk")
    )
    assert rows[county.township_a.pk]["n"] == 2
    assert rows[county.village_a2.pk]["n"] == 1
    assert rows[county.township_b.pk]["n"] is None
    # Kept (compiled once per key and set of subtrees): the same answers, and the rows read afresh.
    orgs = [county.township_a, county.village_a2, county.township_b]
    kept = subtree_rollup(Item.objects.all(), orgs, key=("test.rollup", 1), n=Count("pk"))
    assert kept == rows
    handed_item(county, personas, org=county.village_a1)
    again = subtree_rollup(Item.objects.none(), orgs, key=("test.rollup", 1), n=Count("pk"))  # the kept query
    assert again[county.township_a.pk]["n"] == 3 and again[county.village_a2.pk]["n"] == 1


def test_an_indicator_asked_again_compiles_nothing_and_reads_its_rows_afresh(county, personas):
    """``compute_many`` keeps each indicator's roll-ups per indicator, period, day, rule parameters and
    organisations: a ranking's six months are not compiled again on every visit, yet a new item counts."""
    from dangjian.core.tests.spies import compiled_tables

    orgs = [county.township_a, county.township_b, county.village_a1]
    handed_item(county, personas)
    first = indicators.compute("ledger.open_items", orgs, Period.year(2026))
    handed_item(county, personas, org=county.village_a1)
    with compiled_tables() as compiled:
        again = indicators.compute("ledger.open_items", orgs, Period.year(2026))
    assert compiled == [], compiled
    assert first[county.township_a.pk] + 1 == again[county.township_a.pk] == 2
    assert again[county.village_a1.pk] == 2 and again[county.township_b.pk] == 0
    # Another period, other organisations, another indicator: their own queries, their own answers.
    with compiled_tables() as compiled:
        assert indicators.compute("ledger.open_items", orgs[:2], Period.year(2026)) == {
            county.township_a.pk: 2,
            county.township_b.pk: 0,
        }
        assert indicators.compute("ledger.open_items", orgs, Period.year(2025))[county.township_a.pk] == 0
        overdue = indicators.compute("ledger.overdue_items", orgs, Period.year(2026))
    assert overdue == indicators.get("ledger.overdue_items").compute(orgs, Period.year(2026))
    assert compiled == ["ledger_item"] * 5, compiled  # one per depth: 1 + 2 + 2


def test_two_roll_ups_asked_at_one_line_are_kept_apart(county, personas):
    """The key of a roll-up inside ``compute_many`` counts the roll-ups asked at each line of the indicator:
    one line asked twice with different querysets (a loop) is two queries, not the first one twice."""
    from django.db.models import Count

    handed_item(county, personas)
    handed_item(county, personas, org=county.village_a2)
    walk(handed_item(county, personas), S.CLOSED, personas)

    def by_status(orgs, period):
        totals = {}
        for status in (S.CLOSED, S.HANDED_DOWN):
            rows = subtree_rollup(Item.objects.filter(status=status), orgs, n=Count("pk"))
            totals[status] = {pk: row["n"] or 0 for pk, row in rows.items()}
        return {org.pk: (totals[S.CLOSED][org.pk], totals[S.HANDED_DOWN][org.pk]) for org in orgs}

    test_indicator = Indicator(
        key="test.by_status", label="x", description="x", unit="x", module="test", compute=by_status
    )
    indicators.register(test_indicator)
    try:
        for _twice in range(2):
            values = indicators.compute("test.by_status", [county.township_a], Period.year(2026))
            assert values == {county.township_a.pk: (1, 2)}
    finally:
        from dangjian.core import registry

        registry.indicators.pop("test.by_status")


def _page(client, user, **params):
    client.force_login(user)
    return client.get(reverse("indicators:index"), params)


def test_the_page_lists_every_indicator_with_its_definition(client, personas):
    body = _page(client, personas.township_a).content.decode()
    assert "ledger.closed_on_time_rate" in body
    assert str(indicators.get("ledger.closed_on_time_rate").description) in body


def test_the_page_shows_one_figure_for_the_children_with_the_parent_as_total(client, county, personas):
    handed_item(county, personas, deadline=TODAY - timedelta(days=1), today=TODAY - timedelta(days=20))
    response = _page(
        client, personas.county_admin, key="ledger.overdue_items", period="2026-11", org=county.township_a.pk
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "A1村党支部" in body and "A2村党支部" in body
    assert 'data-testid="indicator-total"' in body
    total = response.context["total"]
    assert total.org == county.township_a and total.value == 1
    assert [r.value for r in response.context["rows"]] == [1, 0]


def test_another_townships_figures_are_not_found(client, county, personas):
    response = _page(client, personas.township_b, key="ledger.open_items", org=county.township_a.pk)
    assert response.status_code == 404


def test_an_unknown_indicator_or_period_shows_the_catalogue_or_this_month(client, county, personas):
    response = _page(client, personas.township_a, key="no.such", period="2026-99")
    assert response.status_code == 200 and response.context["chosen"] is None
    response = _page(client, personas.township_a, key="ledger.open_items", period="2026-99")
    assert response.context["period"] == Period.month(date.today().year, date.today().month)
