"""The ledger (台账) page and its .xlsx export: filters, scope, standard columns, fixed query counts."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from dangjian.core.tests.files import upload
from dangjian.ledger import services
from dangjian.ledger.columns import STANDARD_HEADERS

from .test_pages import TODAY, _make_items, build_world, login, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas, county):
    return build_world(personas, county)


def rows_of(response) -> list[list]:
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    return [list(r) for r in book.active.iter_rows(values_only=True)]


def test_the_export_has_the_standard_columns_in_the_standard_order(client, personas, world):
    login(client, personas.township_a)
    rows = rows_of(client.get(reverse("ledger:ledger_export")))
    assert rows[0] == [
        "序号",
        "问题来源",
        "问题描述",
        "整改目标",
        "整改措施",
        "责任领导",
        "责任单位",
        "责任人",
        "整改时限",
        "整改进展",
        "完成情况",
        "佐证材料",
        "销号情况",
        "审核人",
        "代录",
        "备注",
    ]
    assert rows[0] == STANDARD_HEADERS


def test_the_export_holds_exactly_the_filtered_rows_of_my_subtree(client, personas, county, world):
    login(client, personas.township_a)
    rows = rows_of(client.get(reverse("ledger:ledger_export")))
    assert sorted(r[2] for r in rows[1:]) == ["A1村阵地标识不规范", "A2村会议记录缺失"]
    rows = rows_of(client.get(reverse("ledger:ledger_export") + f"?org={county.village_a2.pk}"))
    assert [r[2] for r in rows[1:]] == ["A2村会议记录缺失"]
    rows = rows_of(client.get(reverse("ledger:ledger_export") + "?light=yellow"))
    assert [r[2] for r in rows[1:]] == ["A2村会议记录缺失"]
    rows = rows_of(client.get(reverse("ledger:ledger_export") + f"?org={county.village_b1.pk}"))
    assert rows[1:] == []


def test_the_export_writes_the_published_status_words_progress_and_evidence(client, personas, world):
    a1, a2 = world.item_a1, world.item_a2
    va, ta = personas.village_a1, personas.township_a
    services.item_acknowledge(item=a1, actor=va)
    services.item_file_measures(item=a1, actor=va, measures="统一制作标识")
    services.progress_add(
        item=a1,
        actor=va,
        on=TODAY,
        text="标识已安装",
        percent=100,
        files=[upload("现场.jpg")],
    )
    services.item_request_closure(item=a1, actor=va)
    services.item_verify(item=a1, actor=ta)
    services.extension_request(item=a2, actor=ta, requested_to=a2.deadline + timedelta(days=9), reason="汛期")
    login(client, personas.township_a)
    rows = {r[2]: r for r in rows_of(client.get(reverse("ledger:ledger_export")))[1:]}
    closed = rows["A1村阵地标识不规范"]
    assert closed[4] == "统一制作标识" and closed[6] == "中共A1村支部委员会" and closed[7] == "张三"
    assert "标识已安装" in closed[9] and closed[10] == "已整改销号" and closed[11] == "现场.jpg"
    assert closed[12] == f"已销号（{TODAY.isoformat()}）"
    assert rows["A2村会议记录缺失"][10] == "申请延期"
    assert rows["A2村会议记录缺失"][1] == "上级交办"


def test_the_export_runs_the_same_number_of_queries_for_3_and_30_items(
    client, personas, county, world, django_assert_num_queries
):
    login(client, personas.township_a)
    _make_items(personas, county, 3)
    with django_assert_num_queries(EXPORT_QUERIES):
        small = client.get(reverse("ledger:ledger_export"))
    _make_items(personas, county, 30)
    with django_assert_num_queries(EXPORT_QUERIES):
        large = client.get(reverse("ledger:ledger_export"))
    assert len(rows_of(small)) == 1 + 2 + 3 and len(rows_of(large)) == 1 + 2 + 33


# session, user, grants, count (too big for a request?), items, evidence prefetch, session save
# (3: savepoint, update, release); the ledger page adds: organisations offered by the filter, categories
# (filter form), the header badge (once per request)
EXPORT_QUERIES = 9
LEDGER_QUERIES = 11


def test_the_ledger_page_shows_my_items_with_lights_and_filters(client, personas, county, world):
    login(client, personas.township_a)
    page = text(client.get(reverse("ledger:ledger")))
    assert "A1村阵地标识不规范" in page and "A2村会议记录缺失" in page and "B1村党费收缴滞后" not in page
    assert 'data-light="yellow"' in page and 'data-light="green"' in page
    partial = client.get(reverse("ledger:ledger") + "?light=yellow", HTTP_HX_REQUEST="true")
    body = text(partial)
    assert "<html" not in body and "A2村会议记录缺失" in body and "A1村阵地标识不规范" not in body


def test_the_ledger_for_an_organisation_outside_my_subtree_is_empty(client, personas, county, world):
    login(client, personas.township_a)
    page = text(client.get(reverse("ledger:ledger") + f"?org={county.village_b1.pk}"))
    assert "B1村党费收缴滞后" not in page and "A1村阵地标识不规范" not in page


def test_the_ledger_page_runs_the_same_number_of_queries_for_3_and_30_items(
    client, personas, county, world, django_assert_num_queries
):
    login(client, personas.township_a)
    _make_items(personas, county, 3)
    client.get(reverse("ledger:ledger"))  # warms the rule-parameter cache
    with django_assert_num_queries(LEDGER_QUERIES):
        client.get(reverse("ledger:ledger"))
    _make_items(personas, county, 30)
    with django_assert_num_queries(LEDGER_QUERIES):
        page = client.get(reverse("ledger:ledger"))
    assert "批量事项30-29" in text(page)


def test_anonymous_visitors_cannot_export(client, world):
    response = client.get(reverse("ledger:ledger_export"))
    assert response.status_code == 302
