"""A list item's whole life in a real browser: handed down, rectified, returned, verified, relapsed, reopened."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from conftest import PASSWORD
from dangjian.ledger.models import Evidence, Item, ItemList, Recheck

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username: str) -> None:
    page.context.clear_cookies()
    page.goto(reverse("login"))
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="我的工作")).to_be_visible()


def move(page, to: str, *, note: str = "", measures: str | None = None, file: tuple | None = None) -> None:
    """Fill and submit the small form of one move on the item page (unfolding it when it is folded)."""
    block = page.get_by_test_id(f"move-block-{to}")
    if block.count() and block.get_attribute("open") is None:
        block.locator("summary").click()
    form = page.get_by_test_id(f"move-{to}")
    if measures is not None:
        form.locator("textarea[name=measures]").fill(measures)
    if file is not None:
        name, data = file
        form.locator("input[name=files]").set_input_files(
            [{"name": name, "mimeType": "application/pdf", "buffer": data}]
        )
    if note:
        form.locator("textarea[name=note]").fill(note)
    form.get_by_test_id(f"move-button-{to}").click()


def status_is(page, label: str) -> None:
    expect(page.get_by_test_id("item-status")).to_have_text(label)


def test_an_item_goes_from_hand_down_through_return_and_verification_to_a_relapse(
    page, personas, county, shots_dir
):
    today = timezone.localdate()

    # The township creates a list and hands one item to village A1.
    log_in(page, "ta_sec")
    page.goto(reverse("ledger:list_create"))
    page.locator("#id_org").select_option(str(county.township_a.pk))
    page.locator("#id_title").fill("2026年党建述职问题清单")
    page.get_by_role("button", name="创建").click()
    expect(page.get_by_role("heading", name="2026年党建述职问题清单")).to_be_visible()
    page.get_by_role("link", name="添加事项").click()
    page.get_by_test_id("org-tree").locator(f'input[name=orgs][value="{county.village_a1.pk}"]').check()
    page.locator("#id_title").fill("村级活动场所标识不统一")
    page.locator("#id_deadline").fill((today + timedelta(days=20)).isoformat())
    page.get_by_role("button", name="添加该事项").click()
    page.get_by_test_id("list-move-issued").click()
    expect(page.get_by_test_id("issue-question")).to_have_text("向 1 个单位下发 1 项？")
    page.get_by_test_id("issue-confirm-button").click()
    expect(page.get_by_text("已向 1 个单位下发 1 项。")).to_be_visible()
    expect(page.get_by_test_id("list-moves")).to_have_count(0)  # nothing left to do with an issued list
    assert ItemList.objects.get(title="2026年党建述职问题清单").status == ItemList.Status.ISSUED
    item = Item.objects.get(title="村级活动场所标识不统一")
    assert item.status == Item.Status.HANDED_DOWN

    # The village acknowledges, files measures and requests closure with a file.
    log_in(page, "a1_sec")
    expect(page.get_by_test_id("my-work-block")).to_contain_text("村级活动场所标识不统一")
    page.goto(reverse("ledger:item_detail", args=[item.pk]))
    move(page, "acknowledged")
    status_is(page, "已签收")
    move(page, "rectifying", measures="统一制作并悬挂标识牌")
    status_is(page, "整改中")
    expect(page.get_by_test_id("item-measures")).to_contain_text("统一制作并悬挂标识牌")
    move(page, "closure_requested", note="已完成", file=("整改照片.pdf", b"%PDF-1.4 first"))
    status_is(page, "申请销号")
    page.screenshot(path=shots_dir / "item-closure-requested.png", full_page=True)

    # The township returns it with a reason.
    log_in(page, "ta_sec")
    page.goto(reverse("ledger:item_detail", args=[item.pk]))
    move(page, "returned", note="照片不清晰，请补充")
    status_is(page, "退回")

    # The village requests closure again with a better file.
    log_in(page, "a1_sec")
    page.goto(reverse("ledger:item_detail", args=[item.pk]))
    expect(page.get_by_test_id("timeline")).to_contain_text("照片不清晰，请补充")
    move(page, "closure_requested", file=("补充照片.pdf", b"%PDF-1.4 second"))
    status_is(page, "申请销号")
    assert Evidence.objects.filter(item=item, purpose="closure").count() == 2

    # The township verifies the closure, then schedules a look-back.
    log_in(page, "ta_sec")
    page.goto(reverse("ledger:item_detail", args=[item.pk]))
    move(page, "closed", note="核验属实")
    status_is(page, "已销号")
    schedule = page.get_by_test_id("recheck-schedule")
    schedule.locator("input[name=scheduled_on]").fill(today.isoformat())
    schedule.get_by_role("button", name="安排回头看").click()
    expect(page.get_by_test_id("recheck-record")).to_be_visible()
    assert Recheck.objects.filter(item=item).count() == 1

    # The look-back finds the problem again: the item reopens with a new deadline, round 2.
    record = page.get_by_test_id("recheck-record")
    record.locator("select[name=result]").select_option("relapsed")
    record.locator("textarea[name=note]").fill("标识牌已损坏未修复")
    record.locator("input[name=new_deadline]").fill((today + timedelta(days=15)).isoformat())
    record.get_by_role("button", name="登记回头看结果").click()
    status_is(page, "整改中")
    expect(page.get_by_test_id("item-deadline")).to_contain_text((today + timedelta(days=15)).isoformat())
    expect(page.get_by_test_id("recheck-list")).to_contain_text("问题反弹")
    page.screenshot(path=shots_dir / "item-reopened.png", full_page=True)
    item.refresh_from_db()
    assert item.status == Item.Status.RECTIFYING and item.round == 2


def test_a_village_secretary_on_a_phone_sees_the_due_action_first(phone_page, personas, county, shots_dir):
    """390 px wide: the home rows wrap (no title cut short) and the item page opens on the move that is due."""
    from dangjian.ledger import services

    title = "村级组织活动场所“六有”不全，党旗、书报和制度牌未配齐"
    item_list = services.list_create(
        org=county.township_a, title="阵地建设问题清单", actor=personas.township_a
    )
    item = services.item_create(
        item_list=item_list,
        org=county.village_a1,
        title=title,
        actor=personas.township_a,
        deadline=timezone.localdate() + timedelta(days=20),
    )
    services.list_issue(item_list=item_list, actor=personas.township_a)
    page = phone_page
    log_in(page, "a1_sec")
    row = page.get_by_test_id("work-row").filter(has_text="制度牌未配齐")
    expect(row).to_be_visible()
    expect(row.get_by_test_id("to-acknowledge")).to_be_visible()
    assert row.bounding_box()["width"] <= 390
    page.screenshot(path=shots_dir / "phone-home.png", full_page=True)
    page.goto(reverse("ledger:item_detail", args=[item.pk]))
    button = page.get_by_test_id("move-button-acknowledged")
    expect(button).to_be_visible()
    box = button.bounding_box()
    assert box["y"] + box["height"] <= 844 * 1.5, box  # within the first screen and a half, not 5 000 px down
    facts = page.get_by_test_id("item-facts").bounding_box()
    assert box["y"] < facts["y"]
    page.screenshot(path=shots_dir / "phone-item.png", full_page=True)
    button.click()
    expect(page.get_by_text(f"已签收：{title}。")).to_be_visible()
