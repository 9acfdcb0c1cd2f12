"""One definition per figure: the roll-up page, its export, the ranking, the API and the indicator agree."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from dangjian.core import indicators
from dangjian.core import params as core_params
from dangjian.core.indicators import Period
from dangjian.ledger.figures import FIGURES
from dangjian.ledger.models import Item, ItemList

pytestmark = pytest.mark.django_db
S = Item.Status


@pytest.fixture
def items(county):
    """Items written in their states: A镇 3 of 5 on time (one closed early), B镇 1 of 2."""
    today = timezone.localdate()
    lists = {
        org: ItemList.objects.create(org=org, title="清单", status=ItemList.Status.ISSUED, issued_on=today)
        for org in (county.township_a, county.township_b)
    }
    n = iter(range(1, 100))

    def add(org, status, deadline_days, **fields):
        parent = county.township_a if org.path.startswith(county.township_a.path) else county.township_b
        return Item.objects.create(
            item_list=lists[parent],
            number=next(n),
            title="问题",
            org=org,
            supervisor_org=parent,
            issued_on=today - timedelta(days=90),
            deadline=None if deadline_days is None else today + timedelta(days=deadline_days),
            status=status,
            **fields,
        )

    a1, a2, b1 = county.village_a1, county.village_a2, county.village_b1
    add(a1, S.CLOSED, -30, closed_on=today - timedelta(days=31))
    add(a1, S.CLOSED, -20, closed_on=today - timedelta(days=25))
    add(a2, S.CLOSED, 40, closed_on=today - timedelta(days=2))  # closed early: due, and on time
    add(a2, S.CLOSED, -20, closed_on=today - timedelta(days=3), closed_late=True)
    add(a2, S.RECTIFYING, -5)
    add(a2, S.RECTIFYING, 30)  # not due yet: not counted
    add(b1, S.CLOSED, -10, closed_on=today - timedelta(days=11))
    add(b1, S.RECTIFYING, -1)
    add(b1, S.RECTIFYING, None, long_term=True)


def _rates_on_page(client, county) -> dict[int, float | None]:
    response = client.get(reverse("ledger:rollup") + f"?org={county.county.pk}")
    return {row.org.pk: row.on_time_rate for row in response.context["rows"]}, response


def test_the_on_time_rate_is_one_figure_on_the_page_export_ranking_api_and_indicator(
    client, personas, county, items
):
    core_params.set_value("ledger.ranking_min_items", 1)
    client.force_login(personas.county_admin)
    page, response = _rates_on_page(client, county)
    assert page == {county.township_a.pk: 60.0, county.township_b.pk: 50.0}

    ranking = {r.row.org.pk: r.score for r in response.context["ranking"]}
    assert ranking == page

    sheet = load_workbook(
        io.BytesIO(client.get(reverse("ledger:rollup_export") + f"?org={county.county.pk}").content)
    ).active
    rows = list(sheet.iter_rows(min_row=3, values_only=True))  # below the title block
    rate_col = rows[0].index("按期销号率（%）")
    by_name = {r[0]: r[rate_col] for r in rows[1:]}
    assert by_name == {
        "中共A镇委员会": 60.0,
        "中共B镇委员会": 50.0,
        "合计": pytest.approx(4 / 7 * 100, abs=0.05),
    }

    api = client.get("/api/ledger-rollup/", {"org": county.county.pk}).json()
    assert {r["org_id"]: r["on_time_rate"] for r in api["rows"]} == page
    assert {r["org_id"]: r["score"] for r in api["ranking"]} == page
    assert [f["key"] for f in api["figures"]] == [f.key for f in FIGURES]

    to_date = Period(date(2000, 1, 1), timezone.localdate(), "to date")
    values = indicators.compute("ledger.closed_on_time_rate", [county.township_a, county.township_b], to_date)
    assert values == page


def test_the_overdue_count_is_one_figure_on_the_page_api_and_indicator(client, personas, county, items):
    client.force_login(personas.county_admin)
    response = client.get(reverse("ledger:rollup") + f"?org={county.county.pk}")
    page = {row.org.pk: row.overdue for row in response.context["rows"]}
    assert page == {county.township_a.pk: 1, county.township_b.pk: 1}
    api = client.get("/api/ledger-rollup/", {"org": county.county.pk}).json()
    assert {r["org_id"]: r["overdue"] for r in api["rows"]} == page
    today = timezone.localdate()
    values = indicators.compute(
        "ledger.overdue_items", [county.township_a, county.township_b], Period(today, today, "")
    )
    assert values == page


def test_every_figure_is_named_and_explained_next_to_the_table_with_a_total_row(
    client, personas, county, items
):
    client.force_login(personas.county_admin)
    body = client.get(reverse("ledger:rollup") + f"?org={county.county.pk}").content.decode()
    assert 'data-testid="rollup-total"' in body and "合计" in body
    for figure in FIGURES:
        assert str(figure.definition) in body
    assert "按期销号 ÷ 应销号" in body


def test_levels_are_named_by_their_organisations_never_by_a_number(client, personas, county, items):
    client.force_login(personas.county_admin)
    body = client.get(reverse("ledger:pressure")).content.decode()
    assert "村（社区）及支部级" in body and "第 3 级" not in body and 'data-testid="level-total"' in body


def _sheet(response):
    return load_workbook(io.BytesIO(response.content)).active


def test_the_roll_up_ranking_and_escalation_list_export_as_filed_sheets(client, personas, county, items):
    core_params.set_value("ledger.ranking_min_items", 1)
    core_params.set_value("ledger.escalate_after_days", 0)
    client.force_login(personas.county_admin)
    query = f"?org={county.county.pk}"

    rollup = _sheet(client.get(reverse("ledger:rollup_export") + query))
    assert rollup["A1"].value == f"{county.county.name}整改情况统计表"
    assert "制表人：组织部干事" in rollup["A2"].value and "审核人：" in rollup["A2"].value
    assert rollup.freeze_panes == "A4" and rollup.page_setup.orientation == "landscape"
    assert [c.value for c in rollup[4]][0] == "中共A镇委员会" and rollup["A6"].value == "合计"

    ranking = _sheet(client.get(reverse("ledger:ranking_export") + query))
    assert "排名" in ranking["A1"].value and "按期销号 ÷ 应销号" in ranking["A2"].value
    header = [c.value for c in ranking[3]]
    rows = [[c.value for c in r] for r in ranking.iter_rows(min_row=4)]
    assert header[:2] == ["名次", "组织"]
    assert [(r[0], r[1], r[header.index("按期销号率（%）")]) for r in rows] == [
        (1, "中共A镇委员会", 60.0),
        (2, "中共B镇委员会", 50.0),
    ]

    escalation = _sheet(client.get(reverse("ledger:escalations_export")))
    assert "督办" in escalation["A1"].value
    header = [c.value for c in escalation[3]]
    rows = [dict(zip(header, [c.value for c in r], strict=True)) for r in escalation.iter_rows(min_row=4)]
    assert sorted(r["逾期天数"] for r in rows) == [1, 5]
    assert [r["序号"] for r in rows] == [1, 2]
    assert all(isinstance(r["整改时限"], datetime) for r in rows)
