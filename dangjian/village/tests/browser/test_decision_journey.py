"""On a phone: a village secretary walks a decision through the six steps of 四议两公开."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from dangjian.village.models import Decision, DecisionStep

from .test_duty_journey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def record_step(page, **fields) -> None:
    form = page.get_by_test_id("step-form")
    for name, value in fields.items():
        form.locator(f"#id_{name}").fill(str(value))
    form.get_by_role("button", name="登记本环节").click()


def test_a_decision_walks_all_six_steps_on_a_phone(phone_page, personas, county, shots_dir):
    today = timezone.localdate()
    week = (today + timedelta(days=6)).isoformat()
    page = phone_page
    log_in(page, "a1_sec")
    page.goto(reverse("village:decision_list"))
    page.get_by_role("link", name=f"{county.village_a1.label}新建决策事项").click()
    page.locator("#id_title").fill("村集体光伏发电项目")
    page.locator("#id_category").select_option("project")
    page.locator("#id_amount").fill("80000")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("status")).to_have_text("已登记")

    record_step(page, minutes="支委会研究提出光伏项目初步方案")  # 1 党支部提议
    record_step(page, minutes="两委联席会议商议，形成决议草案")  # 2 两委商议
    # 3 党员大会审议: 30 members, 25 present, 22 for — a quorum and a majority of all members.
    record_step(page, expected=30, present=25, votes_for=22, votes_against=2, votes_abstain=1)
    # 4 村民代表会议决议: 45 representatives, exactly two thirds (30) present, 28 for.
    record_step(page, expected=45, present=30, votes_for=28, votes_against=1, votes_abstain=1)
    expect(page.get_by_test_id("status")).to_have_text("村民（代表）会议已决议")
    # 5 决议公开, seven days on the village's notice board.
    record_step(page, published_where="村务公开栏", published_from=today.isoformat(), published_until=week)
    expect(page.get_by_test_id("status")).to_have_text("决议公开")
    page.get_by_test_id("implemented-form").locator("#id_implemented_on").fill(today.isoformat())
    page.get_by_test_id("implemented-form").get_by_role("button", name="保存").click()
    # 6 实施结果公开.
    record_step(page, published_where="村务公开栏", published_from=today.isoformat(), published_until=week)
    expect(page.get_by_test_id("status")).to_have_text("实施结果公开")
    expect(page.get_by_test_id("step")).to_have_count(6)
    page.screenshot(path=str(shots_dir / "village-decision-six-steps-phone.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    decision = Decision.objects.get()
    assert decision.status == Decision.Status.COMPLETED
    assert list(DecisionStep.objects.order_by("step").values_list("step", flat=True)) == [1, 2, 3, 4, 5, 6]
