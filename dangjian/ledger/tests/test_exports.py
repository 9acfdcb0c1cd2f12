"""The ledger (台账) page and its .xlsx export: filters, scope, standard columns, fixed query counts."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

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


HEADER_ROW = 3  # title, then 填报单位 / 截至日期 / 制表人 / 审核人, then the header


def rows_of(response) -> list[list]:
    """The header and the data rows (the title block above them left out)."""
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    return [list(r) for r in book.active.iter_rows(min_row=HEADER_ROW, values_only=True)]


def by_title(rows) -> dict[str, dict]:
    header = rows[0]
    return {r[header.index("问题描述")]: dict(zip(header, r, strict=True)) for r in rows[1:]}


def test_the_export_has_the_standard_columns_in_the_standard_order(client, personas, world):
    login(client, personas.township_a)
    rows = rows_of(client.get(reverse("ledger:ledger_export")))
    assert rows[0] == [
        "序号",
        "清单名称",
        "问题来源",
        "问题描述",
        "整改目标",
        "整改措施",
        "责任领导",
        "责任单位",
        "责任人",
        "交办日期",
        "原整改时限",
        "延期情况",
        "整改时限",
        "整改进展",
        "完成情况",
        "办理状态",
        "逾期天数",
        "佐证材料",
        "申请销号日期",
        "销号日期",
        "销号情况",
        "审核人",
        "回头看结果",
        "约谈 / 问责情况",
        "代录",
        "备注",
    ]
    assert rows[0] == STANDARD_HEADERS


def test_the_export_holds_exactly_the_filtered_rows_of_my_subtree(client, personas, county, world):
    login(client, personas.township_a)
    rows = rows_of(client.get(reverse("ledger:ledger_export")))
    assert sorted(by_title(rows)) == ["A1村阵地标识不规范", "A2村会议记录缺失"]
    assert [r[0] for r in rows[1:]] == [1, 2]  # one running 序号
    rows = rows_of(client.get(reverse("ledger:ledger_export") + f"?org={county.village_a2.pk}"))
    assert list(by_title(rows)) == ["A2村会议记录缺失"]
    rows = rows_of(client.get(reverse("ledger:ledger_export") + "?light=yellow"))
    assert list(by_title(rows)) == ["A2村会议记录缺失"]
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
    rows = by_title(rows_of(client.get(reverse("ledger:ledger_export"))))
    closed = rows["A1村阵地标识不规范"]
    assert closed["整改措施"] == "统一制作标识" and closed["责任单位"] == "中共A1村支部委员会"
    assert closed["责任人"] == "张三" and closed["清单名称"] == "A镇党建问题清单"
    assert "标识已安装" in closed["整改进展"] and closed["完成情况"] == "已整改销号"
    assert closed["佐证材料"] == "现场.jpg" and closed["办理状态"] == "已销号"
    assert closed["销号情况"] == f"已销号（{TODAY.isoformat()}）" and closed["审核人"] == "A镇书记"
    assert closed["逾期天数"] is None
    pending = rows["A2村会议记录缺失"]
    assert pending["完成情况"] == "申请延期" and pending["延期情况"] == "申请延期待审批"
    assert pending["问题来源"] == "上级交办" and pending["办理状态"] == "待签收"


def test_the_export_is_a_ledger_an_office_files(client, personas, county, world):
    """Title block, real dates, frozen header repeated on every A4 landscape page, page numbers."""
    login(client, personas.township_a)
    response = client.get(reverse("ledger:ledger_export") + f"?item_list={world.list_a.pk}")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "中共A镇委员会整改落实情况台账"
    facts = sheet["A2"].value
    for word in (
        "填报单位：中共A镇委员会",
        "清单：A镇党建问题清单",
        "截至日期：",
        "制表人：A镇书记",
        "审核人：",
    ):
        assert word in facts, word
    assert "A1:Z1" in {str(r) for r in sheet.merged_cells.ranges}
    header = [c.value for c in sheet[HEADER_ROW]]
    row = {h: c for h, c in zip(header, sheet[HEADER_ROW + 1], strict=True)}
    assert row["序号"].value == 1
    assert type(row["交办日期"].value) is datetime and row["交办日期"].number_format == "yyyy-mm-dd"
    assert type(row["整改时限"].value) is datetime and type(row["原整改时限"].value) is datetime
    assert sheet.freeze_panes == f"A{HEADER_ROW + 1}"
    assert sheet.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9
    assert sheet.page_setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert "&P" in sheet.oddFooter.center.text and "&N" in sheet.oddFooter.center.text


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


# session, the user with its grants, count (too big for a request?), the title block's organisation, items,
# evidence and accountability prefetches, session save (3: savepoint, update, release); the ledger
# page adds: organisations offered by the filter, categories (filter form), the header badge
EXPORT_QUERIES = 7
LEDGER_QUERIES = 7


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


def test_the_ledger_prints_from_a_replaceable_word_template(client, personas, world):
    from docx import Document

    login(client, personas.township_a)
    page = text(client.get(reverse("ledger:ledger")))
    assert 'data-testid="ledger-word"' in page and 'class="signature-block"' in page
    response = client.get(reverse("ledger:ledger_document"))
    assert response.status_code == 200
    doc = Document(io.BytesIO(response.content))
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "中共A镇委员会整改落实情况台账" in body and "制表人：A镇书记" in body and "盖章" in body
    cells = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    assert cells[0][:2] == ["序号", "问题描述"]
    assert sorted(r[1] for r in cells[1:]) == ["A1村阵地标识不规范", "A2村会议记录缺失"]
    assert doc.sections[0].orientation == 1  # landscape


def test_the_print_stylesheet_hides_filters_and_keeps_lights():
    from pathlib import Path

    css = (Path(__file__).resolve().parents[2] / "static/css/dangjian.css").read_text()
    printing = css.split("@media print", 1)[1]
    assert '[data-testid="ledger-filter"]' in printing and "print-color-adjust: exact" in printing
    assert ".signature-block { display: flex" in printing
