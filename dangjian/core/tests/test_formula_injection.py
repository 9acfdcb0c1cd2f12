"""Text that looks like a formula is exported as text (issue 7, finding 7).

Every export goes through ``core.exports.xlsx_bytes``; a text cell starting with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return is stored as a string with Excel's quote prefix, so
Excel and WPS never evaluate it, and the value itself is unchanged.
"""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from dangjian.core.exports import Column, xlsx_bytes
from dangjian.ledger import services as ledger
from dangjian.ledger.tests.builders import TODAY, issued_list
from dangjian.orgs.tests.factories import make_person

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://x","y")'
PAYLOADS = [HYPERLINK, "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)", "\t=1+1", "\r=1+1"]


def _cells(content: bytes, value: str) -> list:
    sheet = load_workbook(io.BytesIO(content)).active
    # A carriage return comes back as itself when the writer escaped it (_x000D_), else as a line feed.
    wanted = {value, value.replace("\r", "\n")}
    return [cell for row in sheet.iter_rows() for cell in row if cell.value in wanted]


def _assert_inert(content: bytes, value: str) -> None:
    cells = _cells(content, value)
    assert cells, f"{value!r} is not in the export"
    for cell in cells:
        assert cell.data_type == "s", f"{value!r} was written as {cell.data_type!r}, not as text"
        assert cell.quotePrefix, f"{value!r} has no quote prefix: Excel would evaluate it once edited"


def test_a_ledger_item_titled_like_a_formula_is_exported_as_text(client, county, personas):
    item_list = issued_list(county, personas)
    ledger.item_create(
        item_list=item_list,
        org=county.village_a1,
        title=HYPERLINK,
        actor=personas.township_a,
        deadline=TODAY + timedelta(days=30),
        today=TODAY,
    )
    ledger.list_issue(item_list=item_list, actor=personas.township_a, today=TODAY)
    client.force_login(personas.township_a)
    response = client.get(reverse("ledger:ledger_export"))
    assert response.status_code == 200
    _assert_inert(response.content, HYPERLINK)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_members_free_text_field_is_exported_as_text(client, county, personas, payload):
    person = make_person(county.village_a1, "张三", address=payload)
    client.force_login(personas.township_a)
    response = client.get(reverse("orgs:person_export"))
    assert response.status_code == 200
    _assert_inert(response.content, person.address)


def test_ordinary_text_and_numbers_are_written_as_they_are():
    columns = [Column("标题", "title"), Column("数量", "count")]
    content = xlsx_bytes(columns, [{"title": "组织生活不规范", "count": -5}, {"title": "1-2 月", "count": 3}])
    sheet = load_workbook(io.BytesIO(content)).active
    (title, count), (second, _three) = (list(row) for row in sheet.iter_rows(min_row=2))
    assert (title.value, title.data_type, title.quotePrefix) == ("组织生活不规范", "s", False)
    assert (count.value, count.data_type) == (-5, "n")
    assert (second.value, second.quotePrefix) == ("1-2 月", False)
