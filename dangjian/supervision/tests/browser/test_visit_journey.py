"""An inspector records an unannounced visit on a phone with two findings; the village then sees two items."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from conftest import PASSWORD
from dangjian.supervision import services
from dangjian.supervision.models import Visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username: str) -> None:
    page.context.clear_cookies()
    page.goto(reverse("login"))
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="我的工作")).to_be_visible()


def test_an_inspector_records_a_visit_on_a_phone_and_the_village_sees_two_items(
    phone_page, personas, county, shots_dir
):
    page = phone_page
    plan = services.plan_create(
        org=county.county,
        month=timezone.localdate(),
        theme="村级党建督查暗访",
        team="王明（县委组织部）\n李华（县纪委监委）",
        checklist="坐班在岗\n台账规范",
        targets=[county.village_a1, county.village_a2],
        actor=personas.inspector,
    )
    services.plan_start(plan=plan, actor=personas.inspector)

    log_in(page, "inspector")
    page.goto(reverse("supervision:plan_detail", args=[plan.pk]))
    page.get_by_test_id("visit-create").click()
    page.locator("#id_org").select_option(str(county.village_a1.pk))
    page.locator("#id_inspectors").fill("王明、李华")
    page.locator("#id_score_0").fill("6")
    page.locator("#id_score_1").fill("9")
    page.locator("#id_findings").fill("书记不在岗，坐班表未公示\n三会一课记录不全")
    page.locator("#id_deadline").fill((timezone.localdate() + timedelta(days=15)).isoformat())
    page.screenshot(path=shots_dir / "supervision-visit-phone.png", full_page=True)
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("visit-score")).to_have_text("75.0")
    page.get_by_test_id("visit-submit").click()
    expect(page.get_by_test_id("visit-status")).to_have_text("问题已交办")
    assert Visit.objects.get().status == Visit.Status.SUBMITTED

    log_in(page, "a1_sec")
    page.goto(reverse("ledger:ledger"))
    expect(page.get_by_text("书记不在岗，坐班表未公示").first).to_be_visible()
    expect(page.get_by_text("三会一课记录不全").first).to_be_visible()
    page.goto(reverse("supervision:plan_list"))
    expect(page.get_by_test_id("visit-row")).to_have_count(1)
    page.screenshot(path=shots_dir / "supervision-village-visits.png", full_page=True)
