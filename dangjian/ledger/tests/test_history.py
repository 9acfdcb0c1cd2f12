"""An item's history reads as sentences: step names, status words, names and dates; no code, no None, no id."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from dangjian.core import audit
from dangjian.ledger import services

from .builders import S, handed_item, media, walk  # noqa: F401

pytestmark = pytest.mark.usefixtures("media")

CODES = [s.value for s in S] + ["None", "closed_by", "closure_requested_on", "True", "False"]


def _history(client, item) -> str:
    body = client.get(reverse("ledger:item_detail", args=[item.pk])).content.decode()
    part = body.split('data-testid="timeline"', 1)[1].split("</ul>", 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", part))


def test_an_items_history_names_each_step_with_status_words_people_and_dates(client, county, personas):
    item = walk(handed_item(county, personas), S.RETURNED, personas)
    item = services.item_request_closure(item=item, actor=personas.village_a1, note="已补齐会议记录。")
    item = services.item_verify(item=item, actor=personas.township_a)
    client.force_login(personas.county_admin)
    text = _history(client, item)
    for word in (
        "签收",
        "报送整改措施",
        "退回",
        "申请销号 → 退回",
        "佐证材料不全",
        "核验销号",
        "A镇书记",
        "A1村书记",
    ):
        assert word in text, word
    assert "申请销号日期" in text and "2026-11-22" in text
    for code in CODES:
        assert re.search(rf"(?<![A-Za-z_]){re.escape(code)}(?![A-Za-z_])", text) is None, code
    # The verifier (审核人) is named, never given by id.
    assert re.search(r"审核人 ：— → A镇书记", text)


def test_a_step_and_the_fields_it_wrote_are_one_line_not_two(county, personas):
    item = walk(handed_item(county, personas), S.CLOSURE_REQUESTED, personas)
    entries = audit.timeline(item, viewer=personas.county_admin)
    status_rows = [c for e in entries if e.kind != "create" for c in e.changes if c[0] == "状态"]
    assert status_rows == []
    request = [e for e in entries if e.kind == "status" and e.text == "整改中 → 申请销号"]
    assert len(request) == 1 and request[0].actor == personas.village_a1
    assert [c[0] for c in request[0].changes] == ["申请销号日期"]
