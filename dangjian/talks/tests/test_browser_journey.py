"""A political talk in a real browser: the township starts a campaign, talks with a village secretary
(two problems notified, one commitment), closes the talk, and the village sees its new list."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from conftest import PASSWORD
from dangjian.ledger.models import Item
from dangjian.talks.models import TalkCampaign, TalkRecord

from .builders import TODAY, secretaries

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username: str) -> None:
    page.context.clear_cookies()
    page.goto(reverse("login"))
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="我的工作")).to_be_visible()


def test_a_township_talks_with_a_secretary_and_the_village_sees_its_new_list(
    page, personas, county, shots_dir
):
    sec_a1, _sec_a2, _sec_b1, _member = secretaries(county)

    log_in(page, "ta_sec")
    page.goto(reverse("talks:campaign_create"))
    page.locator("#id_org").select_option(str(county.township_a.pk))
    page.locator("#id_title").fill("换届后村书记政治谈话")
    page.locator("#id_starts_on").fill((TODAY - timedelta(days=3)).isoformat())
    page.locator("#id_ends_on").fill((TODAY + timedelta(days=10)).isoformat())
    page.locator("#id_talker").fill("镇党委书记、镇纪委书记")
    page.locator("#id_target_mode").select_option("secretaries")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("coverage")).to_have_text("0 / 2")
    campaign = TalkCampaign.objects.get()

    page.get_by_role("link", name="安排谈话").click()
    page.locator("#id_held_on").fill(TODAY.isoformat())
    page.locator("#id_talkees").select_option([str(sec_a1.pk)])
    page.get_by_role("button", name="保存").click()
    talk = TalkRecord.objects.get()
    expect(page.get_by_test_id("talk-status")).to_have_text("准备中")

    for title, days in (("“三会一课”记录不全", 30), ("村务公开不及时", 20)):
        page.locator("#problem_source").select_option("special")
        page.locator("#problem_title").fill(title)
        page.locator("#problem_deadline").fill((TODAY + timedelta(days=days)).isoformat())
        page.get_by_role("button", name="添加问题").click()
    expect(page.get_by_test_id("problems").locator(".list-group-item")).to_have_count(2)
    page.locator("#commitment_text").fill("一个月内整改到位")
    page.locator("#commitment_deadline").fill((TODAY + timedelta(days=30)).isoformat())
    page.get_by_role("button", name="添加承诺").click()
    page.locator("#close_content").fill("听取汇报，通报问题，提出整改要求。")
    page.locator("#close_statement").fill("坚决整改。")
    page.get_by_test_id("close-talk").click()
    expect(page.get_by_test_id("talk-status")).to_have_text("已谈话")
    expect(page.get_by_test_id("handed-over").locator("a")).to_have_count(3)
    page.screenshot(path=str(shots_dir / "talk-closed.png"), full_page=True)

    page.goto(reverse("talks:campaign_detail", args=[campaign.pk]))
    expect(page.get_by_test_id("coverage")).to_have_text("1 / 2")

    log_in(page, "a1_sec")
    page.goto(reverse("ledger:ledger"))
    expect(page.get_by_text("村务公开不及时")).to_be_visible()
    expect(page.get_by_text("一个月内整改到位")).to_be_visible()
    assert Item.objects.filter(source_id=talk.pk, org=county.village_a1).count() == 3
