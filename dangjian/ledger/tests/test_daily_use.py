"""Daily use: the item page on a phone, bulk 签收 / 核验 / 退回, 催办, handing down with a summary."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from dangjian.core import audit
from dangjian.ledger import services
from dangjian.ledger.models import Item, ItemList
from dangjian.notices.models import Notice

from .builders import TODAY, S, handed_item, media, walk  # noqa: F401

pytestmark = pytest.mark.usefixtures("media")


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _two_items(county, personas):
    item_list = services.list_create(org=county.township_a, title="党建问题清单", actor=personas.township_a)
    items = [
        services.item_create(
            item_list=item_list,
            org=county.village_a1,
            title=title,
            actor=personas.township_a,
            deadline=timezone.localdate() + timedelta(days=30),
        )
        for title in ("阵地标识不规范", "党员活动室管理混乱")
    ]
    services.item_create(
        item_list=item_list,
        org=county.village_a2,
        title="会议记录缺失",
        actor=personas.township_a,
        deadline=timezone.localdate() + timedelta(days=30),
    )
    return item_list, items


# ------------------------------------------------------------------ handing down


def test_handing_down_asks_with_a_summary_then_says_what_it_did(client, county, personas):
    item_list, _items = _two_items(county, personas)
    client.force_login(personas.township_a)
    url = reverse("ledger:list_transition", args=[item_list.pk])
    response = client.post(url, {"to": "issued", "version": item_list.version})
    body = response.content.decode()
    assert response.status_code == 200 and "向 2 个单位下发 3 项？" in body
    assert "中共A1村支部委员会" in body
    item_list.refresh_from_db()
    assert item_list.status == ItemList.Status.DRAFT  # nothing happened yet
    response = client.post(url, {"to": "issued", "version": item_list.version, "confirmed": "1"})
    item_list.refresh_from_db()
    assert item_list.status == ItemList.Status.ISSUED
    assert _messages(response) == ["已向 2 个单位下发 3 项。"]


def test_someone_who_may_not_hand_down_sees_no_summary(client, county, personas):
    item_list, _items = _two_items(county, personas)
    services.list_issue(item_list=item_list, actor=personas.township_a)
    client.force_login(personas.village_a1)
    response = client.post(
        reverse("ledger:list_transition", args=[item_list.pk]), {"to": "issued", "version": 0}
    )
    assert "下发" not in response.content.decode() or response.status_code != 200


# ------------------------------------------------------------------ bulk 签收


def test_a_village_acknowledges_several_new_items_at_once(client, county, personas):
    item_list, items = _two_items(county, personas)
    services.list_issue(item_list=item_list, actor=personas.township_a)
    client.force_login(personas.village_a1)
    home = client.get(reverse("home")).content.decode()
    assert 'data-testid="queue-to_acknowledge" data-count="2"' in home
    assert home.count('data-testid="to-acknowledge"') == 2  # new items marked 待签收
    assert "text-truncate" not in home.split('data-testid="my-work-block"')[1].split("</div>\n</div>")[0]
    page = client.get(reverse("ledger:queue_to_acknowledge")).content.decode()
    assert page.count('data-testid="queue-row"') == 2
    response = client.post(reverse("ledger:queue_to_acknowledge"), {"items": [i.pk for i in items]})
    assert {i.status for i in Item.objects.filter(pk__in=[i.pk for i in items])} == {S.ACKNOWLEDGED}
    assert _messages(response) == ["已签收 2 项。"]


def test_bulk_acknowledging_is_all_or_nothing_and_never_reaches_outside(client, county, personas):
    item_list, items = _two_items(county, personas)
    services.list_issue(item_list=item_list, actor=personas.township_a)
    other = Item.objects.get(org=county.village_a2)
    client.force_login(personas.village_a1)
    response = client.post(reverse("ledger:queue_to_acknowledge"), {"items": [items[0].pk, other.pk]})
    assert response.status_code == 404
    assert set(Item.objects.values_list("status", flat=True)) == {S.HANDED_DOWN}
    response = client.post(reverse("ledger:queue_to_acknowledge"), {"items": []}, follow=True)
    assert "请至少选择一项。" in _messages(response)


# ------------------------------------------------------------------ the 待核验 queue


def _requested(county, personas, n=2):
    return [walk(handed_item(county, personas), S.CLOSURE_REQUESTED, personas) for _ in range(n)]


def test_a_township_verifies_several_closures_at_once(client, county, personas):
    items = _requested(county, personas)
    client.force_login(personas.township_a)
    home = client.get(reverse("home")).content.decode()
    assert 'data-testid="queue-to_verify" data-count="2"' in home
    page = client.get(reverse("ledger:queue_to_verify")).content.decode()
    assert 'data-testid="bulk-verify"' in page and 'data-testid="bulk-return"' in page
    response = client.post(
        reverse("ledger:queue_to_verify"), {"items": [i.pk for i in items], "action": "verify"}
    )
    assert _messages(response) == ["已核验销号 2 项。"]
    assert {i.status for i in Item.objects.filter(pk__in=[i.pk for i in items])} == {S.CLOSED}
    assert {i.closed_by for i in Item.objects.filter(pk__in=[i.pk for i in items])} == {personas.township_a}


def test_returning_several_closures_needs_a_reason_and_tells_each(client, county, personas):
    items = _requested(county, personas)
    client.force_login(personas.township_a)
    url = reverse("ledger:queue_to_verify")
    response = client.post(url, {"items": [i.pk for i in items], "action": "return", "note": " "})
    assert "请填写理由。" in _messages(response)
    assert {i.status for i in Item.objects.filter(pk__in=[i.pk for i in items])} == {S.CLOSURE_REQUESTED}
    response = client.post(
        url, {"items": [i.pk for i in items], "action": "return", "note": "佐证材料不全。"}
    )
    assert {i.status for i in Item.objects.filter(pk__in=[i.pk for i in items])} == {S.RETURNED}
    assert Notice.objects.filter(recipient=personas.village_a1, kind="item_returned").count() == 2


# ------------------------------------------------------------------ 催办


def test_urging_is_recorded_on_the_item_and_tells_the_village_not_the_urger(client, county, personas):
    item = handed_item(county, personas)
    client.force_login(personas.township_a)
    response = client.post(reverse("ledger:item_urge", args=[item.pk]), {"note": "请本周内报送整改措施。"})
    assert _messages(response) == ["已向A1村党支部催办。"]
    notice = Notice.objects.get(recipient=personas.village_a1, kind="item_urged")
    assert "请本周内报送整改措施" in notice.text
    assert not Notice.objects.filter(recipient=personas.township_a, kind="item_urged").exists()
    texts = [e.text for e in audit.timeline(item, viewer=personas.county_admin)]
    assert any("催办" in t for t in texts)


def test_the_rectifying_side_cannot_urge_itself(client, county, personas):
    item = handed_item(county, personas)
    client.force_login(personas.village_a1)
    response = client.post(reverse("ledger:item_urge", args=[item.pk]), {"note": ""})
    assert response.status_code == 403
    assert not Notice.objects.filter(kind="item_urged").exists()


# ------------------------------------------------------------------ the item page


def test_the_item_page_puts_the_due_action_and_the_return_reason_first(client, county, personas):
    item = walk(handed_item(county, personas), S.RETURNED, personas)
    client.force_login(personas.village_a1)
    body = client.get(reverse("ledger:item_detail", args=[item.pk])).content.decode()
    moves, facts = body.index('data-testid="item-moves"'), body.index('data-testid="item-facts"')
    assert moves < facts
    note = re.search(r'data-testid="return-note">(.*?)</div>', body, re.S).group(1)
    assert "佐证材料不全" in note
    # The due move is open, the others fold away; the progress form folds too.
    assert re.search(r'<details class="[^"]*move"[^>]* open data-testid="move-block-closure_requested"', body)
    assert 'data-testid="progress-form-block"' in body


def test_verifying_and_returning_look_different_and_say_what_happened(client, county, personas):
    item = walk(handed_item(county, personas), S.CLOSURE_REQUESTED, personas)
    client.force_login(personas.township_a)
    body = client.get(reverse("ledger:item_detail", args=[item.pk])).content.decode()
    verify = re.search(r'class="btn ([^"]+)"[^>]*data-testid="move-button-closed"', body).group(1)
    back = re.search(r'class="btn ([^"]+)"[^>]*data-testid="move-button-returned"', body).group(1)
    assert "btn-success" in verify and "btn-outline-danger" in back
    response = client.post(
        reverse("ledger:item_transition", args=[item.pk]),
        {"to": "closed", "version": item.version, "note": ""},
    )
    assert _messages(response) == [f"已核验销号：{item.title}。"]


def test_an_item_goes_to_all_villages_of_a_township_in_one_pick(client, county, personas):
    from dangjian.ledger.models import ItemGroup

    item_list = services.list_create(
        org=county.township_a, title="阵地建设问题清单", actor=personas.township_a
    )
    client.force_login(personas.township_a)
    url = reverse("ledger:item_add", args=[item_list.pk])
    page = client.get(url).content.decode()
    assert f'value="{county.township_a.pk}:"' in page
    response = client.post(
        url,
        {
            "whole": [f"{county.township_a.pk}:"],
            "title": "活动场所标识不统一",
            "deadline": (TODAY + timedelta(days=400)).isoformat(),
        },
    )
    assert response.status_code == 302
    assert set(item_list.items.values_list("org", flat=True)) == {county.village_a1.pk, county.village_a2.pk}
    assert ItemGroup.objects.filter(item_list=item_list).count() == 1
    response = client.post(url, {"title": "无对象", "deadline": (TODAY + timedelta(days=400)).isoformat()})
    assert "请至少选择一个责任单位。" in response.content.decode()


def test_the_supervising_side_sees_no_rectifying_forms_unless_it_enters_them_on_behalf(
    client, county, personas
):
    item = walk(handed_item(county, personas), S.ACKNOWLEDGED, personas)
    url = reverse("ledger:item_detail", args=[item.pk])
    client.force_login(personas.township_a)
    body = client.get(url).content.decode()
    assert 'data-testid="move-rectifying"' not in body and 'data-testid="progress-form-block"' not in body
    assert 'data-testid="proxy-link"' in body and 'data-testid="urge-form"' in body
    body = client.get(url, {"proxy": "1"}).content.decode()
    assert 'data-testid="move-rectifying"' in body and 'data-testid="proxy-mode"' in body
    client.force_login(personas.village_a1)
    body = client.get(url).content.decode()
    assert 'data-testid="move-rectifying"' in body and 'data-testid="proxy-link"' not in body


def test_the_queue_page_is_read_afresh_in_the_same_number_of_queries_whatever_it_holds(
    client, county, personas
):
    """Its two queries are compiled once and kept (per user, scope, day): what they read is never kept."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("ledger:queue_to_verify")
    items = _requested(county, personas, n=1)
    client.force_login(personas.township_a)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        page = client.get(url).content.decode()
    assert page.count('data-testid="queue-row"') == 1 and 'data-count="1"' in page
    items += _requested(county, personas, n=2)
    with CaptureQueriesContext(connection) as three:
        page = client.get(url).content.decode()
    assert page.count('data-testid="queue-row"') == 3 and 'data-count="3"' in page
    assert len(three.captured_queries) == len(one.captured_queries)
    client.post(url, {"items": [i.pk for i in items], "action": "verify"})
    page = client.get(url).content.decode()
    assert 'data-testid="queue-row"' not in page and 'data-count="0"' in page
