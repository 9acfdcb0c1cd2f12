"""On a phone: a village secretary checks in and asks for leave; the township approves it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from conftest import PASSWORD
from dangjian.core import params
from dangjian.village.models import CheckIn, Leave
from dangjian.village.tests.builders import build_cadres

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username: str) -> None:
    page.context.clear_cookies()
    page.goto(reverse("login"))
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="我的工作")).to_be_visible()


def test_a_cadre_checks_in_and_asks_for_leave_on_a_phone_and_the_township_approves(
    phone_page, personas, county, shots_dir
):
    build_cadres(county, personas)
    params.set_value("village.checkin_from_hour", 0)
    params.set_value("village.checkin_until_hour", 24)
    page = phone_page
    log_in(page, "a1_sec")
    page.goto(reverse("village:my_duty"))
    page.get_by_test_id("checkin-button").click()
    expect(page.get_by_test_id("checked-in")).to_be_visible()
    assert CheckIn.objects.filter(person__name="赵书记").count() == 1

    page.get_by_role("link", name="请假").first.click()
    start = timezone.localdate() + timedelta(days=10)
    page.locator("#id_starts_on").fill(start.isoformat())
    page.locator("#id_ends_on").fill((start + timedelta(days=1)).isoformat())
    page.locator("#id_reason").fill("参加市委党校培训")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("status")).to_have_text("待审批")
    expect(page.get_by_test_id("move-approved")).to_have_count(0)  # nobody approves his own leave
    page.screenshot(path=str(shots_dir / "village-leave-requested-phone.png"), full_page=True)

    leave = Leave.objects.get()
    log_in(page, "ta_sec")
    page.goto(reverse("village:leave_detail", args=[leave.pk]))
    page.get_by_test_id("move-button-approved").click()
    expect(page.get_by_test_id("status")).to_have_text("已同意")
    leave.refresh_from_db()
    assert leave.status == Leave.Status.APPROVED
    # On a phone the page is no wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
