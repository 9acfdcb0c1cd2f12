"""On a phone: a grid worker registers a matter and routes it up; the township hands it back to the
community, which handles it and feeds the result back to the reporter."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from dangjian.village import services
from dangjian.village.models import GridHop, GridMatter

from .test_duty_journey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_grid_matter_is_registered_routed_handled_and_answered_on_a_phone(
    phone_page, personas, county, shots_dir
):
    # A transactional test starts from emptied tables: the shared entries the migration installs are put back.
    services.dictionary_defaults_install()
    services.grid_create(
        org=county.village_a1, name="第一网格", area="一组至三组", members=[], actor=personas.admin
    )
    page = phone_page
    log_in(page, "a1_sec")
    page.goto(reverse("village:matter_list"))
    page.get_by_test_id("grids").get_by_role("link").first.click()
    page.locator("#id_title").fill("小区电梯停运三天")
    page.locator("#id_source").select_option("resident")
    page.locator("#id_category").select_option(label="公共设施")
    page.locator("#id_location").fill("幸福小区3栋")
    page.locator("#id_reporter_name").fill("王女士")
    page.locator("#id_reporter_phone").fill("13912345678")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("status")).to_have_text("已登记")
    expect(page.get_by_text("139****5678")).to_be_visible()  # the reporter's phone is masked

    # 流转交办: up to the township, which needs to bring in the lift's maintenance company.
    page.locator("#id_to_org").select_option(label=county.township_a.label)
    page.locator("#id_reason").fill("涉及维保单位，需镇里协调")
    page.get_by_role("button", name="流转交办").click()
    expect(page.get_by_test_id("handler")).to_have_text(county.township_a.label)
    matter = GridMatter.objects.get()

    log_in(page, "ta_sec")
    page.goto(reverse("village:matter_detail", args=[matter.pk]))
    page.locator("#id_to_org").select_option(label=county.village_a1.label)
    page.locator("#id_reason").fill("已约谈维保单位，交社区督促落实")
    page.get_by_role("button", name="流转交办").click()
    expect(page.get_by_test_id("handler")).to_have_text(county.village_a1.label)

    # 协调处置 and 结果反馈 by the community.
    log_in(page, "a1_sec")
    page.goto(reverse("village:matter_detail", args=[matter.pk]))
    page.get_by_test_id("move-button-handling").click()
    expect(page.get_by_test_id("status")).to_have_text("处置中")
    page.get_by_test_id("move-resolved").locator("textarea[name=measures]").fill(
        "维保单位更换曳引机，电梯恢复运行"
    )
    page.get_by_test_id("move-button-resolved").click()
    expect(page.get_by_test_id("status")).to_have_text("已处置")
    answer = page.get_by_test_id("move-answered")
    answer.locator("input[name=feedback_how]").fill("电话回访")
    answer.locator("select[name=satisfaction]").select_option("satisfied")
    page.get_by_test_id("move-button-answered").click()
    expect(page.get_by_test_id("status")).to_have_text("已反馈")
    page.screenshot(path=str(shots_dir / "village-grid-matter-answered-phone.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    matter.refresh_from_db()
    assert (matter.status, matter.satisfaction, matter.handler_org) == (
        GridMatter.Status.ANSWERED,
        "satisfied",
        county.village_a1,
    )
    assert list(GridHop.objects.order_by("at").values_list("to_org", flat=True)) == [
        county.township_a.pk,
        county.village_a1.pk,
    ]
