"""A township secretary on a phone picks the villages to hand an item to in the organisation tree (390 px)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from dangjian.core.tests.browser.test_ledger_journey import log_in
from dangjian.ledger import services
from dangjian.ledger.models import Item

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_township_picks_targets_in_the_tree_on_a_phone(phone_page, personas, county, shots_dir):
    page = phone_page
    item_list = services.list_create(
        org=county.township_a, title="阵地建设问题清单", actor=personas.township_a
    )
    log_in(page, "ta_sec")
    page.goto(reverse("ledger:item_add", args=[item_list.pk]))
    tree = page.get_by_test_id("org-tree")
    expect(tree).to_be_visible()
    chosen = tree.locator("[data-org-tree-chosen]")
    expect(chosen).to_have_text("0")
    a1 = tree.locator(f'input[name=orgs][value="{county.village_a1.pk}"]')
    a2 = tree.locator(f'input[name=orgs][value="{county.village_a2.pk}"]')
    all_villages = tree.locator(f'input[name=whole][value="{county.township_a.pk}:rural"]')

    # Typing pinyin initials keeps the matching village and the way to it.
    tree.get_by_label("筛选组织").fill("a2c")
    expect(a2).to_be_visible()
    expect(a1).to_be_hidden()
    tree.get_by_label("筛选组织").fill("")
    expect(a1).to_be_visible()

    # "All villages" of the township chooses both; leaving one out unticks it again.
    all_villages.check()
    expect(chosen).to_have_text("2")
    expect(a1).to_be_checked()
    expect(a2).to_be_checked()
    a1.uncheck()
    expect(chosen).to_have_text("1")
    expect(all_villages).not_to_be_checked()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(shots_dir / "ledger-target-tree-phone.png"), full_page=True)

    page.locator("#id_title").fill("活动场所标识不统一")
    page.locator("#id_deadline").fill((timezone.localdate() + timedelta(days=30)).isoformat())
    page.get_by_role("button", name="添加该事项").click()
    expect(page.get_by_text("已添加 1 个事项。")).to_be_visible()
    assert list(Item.objects.filter(title="活动场所标识不统一").values_list("org", flat=True)) == [
        county.village_a2.pk
    ]
