"""Handing down: targets are picked in a searchable tree scoped to the user's subtree (issue 8, point 12)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dangjian.ledger import services
from dangjian.ledger.models import Item

pytestmark = pytest.mark.django_db


def _list(county, personas):
    return services.list_create(org=county.township_a, title="阵地建设问题清单", actor=personas.township_a)


def _later() -> str:
    return (timezone.localdate() + timedelta(days=60)).isoformat()


def test_the_tree_shows_only_my_subtree_with_pinyin_keys_and_a_township_s_all_villages_box(
    client, county, personas
):
    item_list = _list(county, personas)
    client.force_login(personas.township_a)
    page = client.get(reverse("ledger:item_add", args=[item_list.pk])).content.decode()
    assert 'data-testid="org-tree"' in page and "orgs/org_tree.js" in page
    boxes = set(re.findall(r'name="orgs" value="(\d+)"', page))
    assert boxes == {str(county.township_a.pk), str(county.village_a1.pk), str(county.village_a2.pk)}
    assert "B1村党支部" not in page and "B镇党委" not in page
    assert 'data-search="a1村党支部 中共a1村支部委员会 a1cdzb zga1czbwyh"' in page
    assert f'name="whole" value="{county.township_a.pk}:rural"' in page
    assert f'name="whole" value="{county.township_a.pk}:community"' not in page  # no community below it
    assert '<label class="form-label" for="id_orgs_filter">责任单位</label>' in page


@pytest.mark.parametrize("field", ["orgs", "whole"])
def test_an_organisation_outside_my_subtree_posted_by_hand_is_refused_and_nothing_is_written(
    client, county, personas, field
):
    item_list = _list(county, personas)
    client.force_login(personas.township_a)
    outside = county.village_b1.pk if field == "orgs" else f"{county.township_b.pk}:rural"
    response = client.post(
        reverse("ledger:item_add", args=[item_list.pk]),
        {field: [outside], "title": "越权下发", "deadline": _later()},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert re.findall(r"invalid-feedback d-block\">([^<]*)<", body) == ["所选单位不在您可下发的范围内。"]
    assert not Item.objects.filter(title="越权下发").exists()


def test_a_township_s_all_villages_box_hands_the_pasted_items_to_each_village(client, county, personas):
    item_list = _list(county, personas)
    client.force_login(personas.township_a)
    response = client.post(
        reverse("ledger:items_paste", args=[item_list.pk]),
        {
            "whole": [f"{county.township_a.pk}:rural"],
            "text": "1. 标识不统一\n2. 制度未上墙",
            "deadline": _later(),
        },
    )
    assert response.status_code == 302
    assert set(item_list.items.values_list("org__short_name", "title")) == {
        ("A1村党支部", "标识不统一"),
        ("A1村党支部", "制度未上墙"),
        ("A2村党支部", "标识不统一"),
        ("A2村党支部", "制度未上墙"),
    }
    response = client.post(
        reverse("ledger:items_paste", args=[item_list.pk]), {"text": "无对象", "deadline": _later()}
    )
    assert "请至少选择一个责任单位。" in response.content.decode()


def test_a_refused_form_shows_the_tree_with_the_choice_kept(client, county, personas):
    item_list = _list(county, personas)
    client.force_login(personas.township_a)
    body = client.post(
        reverse("ledger:item_add", args=[item_list.pk]),
        {"orgs": [county.village_a1.pk], "whole": [f"{county.township_a.pk}:rural"], "title": ""},
    ).content.decode()
    assert f'value="{county.village_a1.pk}" data-org-box checked' in body
    assert f'value="{county.township_a.pk}:rural" data-org-whole="rural" checked' in body
    assert not Item.objects.exists()
