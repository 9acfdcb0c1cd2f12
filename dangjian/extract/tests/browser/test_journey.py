"""Paste a speech, correct one unit and one deadline, save it as a list, submit it; another officer approves
and hands it down: the list appears with its quotes linked."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from conftest import PASSWORD
from dangjian.extract.models import Extraction
from dangjian.ledger.models import Item

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SPEECH = (
    "在全县基层党建推进会上的讲话\n"
    "今年以来，全县基层党建工作取得了明显成效。\n"
    "一是各乡镇要对照问题清单逐项整改，年底前完成。\n"
    "二是A1村党支部要尽快补齐活动阵地短板。"
)


def log_in(page, username: str) -> None:
    page.goto(reverse("login"))
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="我的工作")).to_be_visible()


def test_a_clerk_turns_a_speech_into_a_list_that_another_approves(phone_page, personas, county, shots_dir):
    page = phone_page
    log_in(page, "zzb")
    page.goto(reverse("extract:extraction_create"))
    page.locator("#id_title").fill("推进会讲话")
    page.locator("#id_text").fill(SPEECH)
    page.get_by_role("button", name="提取任务").click()
    expect(page.get_by_text("识别出 2 条任务和问题")).to_be_visible()
    page.screenshot(path=shots_dir / "extract-review-phone.png", full_page=True)

    # Row 2: the unit corrected to village A2, the vague "尽快" given a date.
    deadline = (timezone.localdate() + timedelta(days=15)).isoformat()
    row = page.locator("[data-draft='2']")
    row.locator("select[name=orgs]").select_option([str(county.village_a2.pk)])
    row.locator("input[name=deadline]").fill(deadline)
    row.get_by_role("button", name="保存").click()
    expect(page.get_by_text("第 2 条已保存。")).to_be_visible()

    # Saving makes a draft list on the list page: submitted for approval, never approved by its author.
    page.get_by_test_id("save-list").click()
    expect(page.get_by_text("已将 3 项存为清单草稿，请在本页提交审核。")).to_be_visible()
    page.get_by_test_id("list-move-pending_approval").click()
    expect(page.get_by_text("已提交审核。")).to_be_visible()
    expect(page.get_by_test_id("list-move-issued")).to_have_count(0)
    item = Item.objects.get(org=county.village_a2)
    assert item.status == Item.Status.DRAFT and item.item_list.get_source_display() == "讲话"
    extraction = Extraction.objects.get()
    page.goto(reverse("extract:extraction_detail", args=[extraction.pk]))
    expect(page.get_by_test_id("extraction-status")).to_have_text("已存为清单")
    expect(page.get_by_test_id("list-status")).to_have_text("待审核")

    # Another officer who may hand down at the county approves it.
    page.context.clear_cookies()
    log_in(page, "sysadmin")
    page.goto(reverse("ledger:list_detail", args=[item.item_list_id]))
    page.get_by_test_id("list-move-issued").click()
    expect(page.get_by_test_id("issue-question")).to_have_text("向 3 个单位下发 3 项？")
    page.get_by_test_id("issue-confirm-button").click()
    expect(page.get_by_text("已向 3 个单位下发 3 项。")).to_be_visible()
    item.refresh_from_db()
    assert item.status == Item.Status.HANDED_DOWN
    assert item.deadline.isoformat() == deadline and "尽快补齐活动阵地短板" in item.description

    page.goto(reverse("extract:extraction_detail", args=[extraction.pk]))
    expect(page.get_by_test_id("list-status")).to_have_text("已下发")
    page.get_by_test_id("list-items").get_by_role("link", name="A2村党支部").click()
    link = page.locator(f"a[href='{reverse('extract:extraction_detail', args=[extraction.pk])}']").first
    expect(link).to_be_visible()


SELECT_PASSAGE = """(wanted) => {
    const text = document.querySelector('[data-testid="speech-text"]');
    const walker = document.createTreeWalker(text, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const at = node.data.indexOf(wanted);
        if (at >= 0) {
            const range = document.createRange();
            range.setStart(node, at);
            range.setEnd(node, at + wanted.length);
            const selection = window.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
            return true;
        }
    }
    return false;
}"""


def test_selecting_a_passage_in_the_text_fills_the_field_and_adds_it_as_a_task(phone_page, personas, county):
    page = phone_page
    page.goto(reverse("login"))
    page.get_by_label("用户名").fill("zzb")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(reverse("extract:extraction_create"))
    page.locator("#id_title").fill("推进会讲话")
    page.locator("#id_text").fill(SPEECH)
    page.get_by_role("button", name="提取任务").click()
    expect(page.get_by_text("识别出 2 条任务和问题")).to_be_visible()

    # The page's script listens from DOMContentLoaded: the text can be visible before (a loaded machine).
    page.wait_for_load_state("load")
    wanted = "全县基层党建工作取得了明显成效"
    assert page.evaluate(SELECT_PASSAGE, wanted)
    field = page.get_by_test_id("passage-form").locator("textarea[name=quote]")
    expect(field).to_have_value(wanted)
    page.get_by_test_id("passage-form").locator("button").click()
    expect(page.get_by_text("已添加第 3 条。")).to_be_visible()
    assert Extraction.objects.get().drafts.filter(number=3, quote=wanted).exists()
