"""The issue's whole journey in a real browser: the branch secretary opens a file from an application and walks it
through the steps (notices, the extra assessment, sponsors, training, the vote), the township files, pre-reviews
and approves, the applicant appears in the roster as a probationary member and the township's quota left drops by
one. Every step is typed into the pages; nothing is written behind the browser's back."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from conftest import PASSWORD
from dangjian.devel import demo
from dangjian.devel.models import STEP_BY_NUMBER, DevelopmentFile, FileStatus
from dangjian.devel.tests.helpers import WALK_DAYS, quotas, sponsors
from dangjian.orgs.models import Person
from dangjian.orgs.tests.factories import make_id

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAME = "陈向党"


def _signed_in(browser, live_server, username: str):
    context = browser.new_context(
        viewport={"width": 1366, "height": 900},
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        base_url=live_server.url,
    )
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.goto(reverse("login"))
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="我的工作")).to_be_visible()
    return context, page


def _save(page) -> None:
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("step-timeline")).to_be_visible()


def _fill_step(page, number: int, day, people, scan_path) -> None:
    page.locator("#id_done_on").fill(day.isoformat())
    for name, value in demo.particulars(number, sponsors=people).items():
        if name == "files":
            page.locator("#id_files").set_input_files(str(scan_path))
        elif name in ("sponsor_1", "sponsor_2"):
            page.locator(f"#id_{name}").select_option(str(value.pk))
        elif name == "outcome":
            page.locator("#id_outcome").select_option(value)
        elif value is not None:
            page.locator(f"#id_{name}").fill(str(value))


def test_a_branch_walks_a_file_to_admission_in_the_browser_and_the_township_approves(
    browser, live_server, personas, county, shots_dir, tmp_path
):
    quotas(county, personas, number=3)
    people = sponsors(county.village_a1)
    applied_on = timezone.localdate() - timedelta(days=WALK_DAYS)
    scan_path = tmp_path / "扫描件.pdf"
    scan_path.write_bytes(demo.scan("x.pdf").read())
    branch_ctx, branch = _signed_in(browser, live_server, "a1_sec")
    township_ctx, township = _signed_in(browser, live_server, "ta_sec")
    try:
        # The branch opens the file from the written application.
        branch.goto(reverse("devel:pipeline"))
        branch.get_by_role("link", name="新建档案").click()
        branch.locator("#id_org").select_option(str(county.village_a1.pk))
        branch.locator("#id_name").fill(NAME)
        branch.locator("#id_id_number").fill(make_id(applied_on.replace(year=1996)))
        branch.locator("#id_applied_on").fill(applied_on.isoformat())
        branch.locator("#id_job").select_option("worker")
        branch.locator("#id_files").set_input_files(str(scan_path))
        _save(branch)
        file = DevelopmentFile.objects.get()
        expect(branch.locator('[data-step="1"]')).to_have_attribute("data-state", "done")
        expect(branch.locator('[data-step="2"]')).to_have_attribute("data-state", "next")

        for number in range(2, 17):
            day = applied_on + timedelta(days=demo.OFFSETS[number])
            # Steps of the higher committee are done by the township, the others by the branch.
            page = township if STEP_BY_NUMBER[number].higher else branch
            page.goto(reverse("devel:file_detail", args=[file.pk]))
            if number == 7:
                page.get_by_role("link", name="记录考察").click()
                page.locator("#id_done_on").fill(
                    (applied_on + timedelta(days=demo.EXTRA_ASSESSMENT)).isoformat()
                )
                page.locator("#id_note").fill("表现良好，继续培养。")
                page.locator("#id_files").set_input_files(str(scan_path))
                _save(page)
            if number in demo.NOTICES:
                start, end = demo.NOTICES[number]
                page.get_by_role("link", name="记录公示").click()
                page.locator("#id_before_step").select_option(str(number))
                page.locator("#id_place").fill("村务公开栏")
                page.locator("#id_starts_on").fill((applied_on + timedelta(days=start)).isoformat())
                page.locator("#id_ends_on").fill((applied_on + timedelta(days=end)).isoformat())
                _save(page)
            page.get_by_test_id("record-step").click()
            _fill_step(page, number, day, people, scan_path)
            _save(page)
            expect(page.locator(f'[data-step="{number}"]')).to_have_attribute("data-state", "done")
        branch.screenshot(path=str(shots_dir / "devel-walked-to-vote.png"), full_page=True)

        # The branch has no button for the approval: it belongs to the township.
        branch.goto(reverse("devel:file_detail", args=[file.pk]))
        expect(branch.locator('[data-step="17"]')).to_have_attribute("data-state", "next")
        expect(branch.get_by_test_id("record-step")).to_have_count(0)

        file.refresh_from_db()
        year = (file.vote_on + timedelta(days=20)).year
        quota_url = reverse("devel:quotas") + f"?org={county.township_a.pk}&year={year}"
        township.goto(quota_url)
        row = township.locator(f'tr[data-org="{county.township_a.pk}"]')
        expect(row).to_have_attribute("data-used", "0")
        expect(row).to_have_attribute("data-left", "3")
        expect(row).to_have_attribute("data-pipeline", "1")

        township.goto(reverse("devel:file_detail", args=[file.pk]))
        township.get_by_test_id("record-step").click()
        township.locator("#id_done_on").fill((file.vote_on + timedelta(days=20)).isoformat())
        _save(township)
        expect(township.locator('[data-step="17"]')).to_have_attribute("data-state", "done")
        file.refresh_from_db()
        assert file.status == FileStatus.S17

        # The applicant is on the roster as a probationary member, dated from the branch vote.
        township.goto(reverse("orgs:person_detail", args=[file.person_id]))
        expect(township.locator("body")).to_contain_text(NAME)
        expect(township.locator("body")).to_contain_text("预备党员")
        person = Person.objects.get(pk=file.person_id)
        assert person.category == "probationary" and person.joined_on == file.vote_on

        township.goto(quota_url)
        row = township.locator(f'tr[data-org="{county.township_a.pk}"]')
        expect(row).to_have_attribute("data-used", "1")
        expect(row).to_have_attribute("data-left", "2")
        expect(row).to_have_attribute("data-pipeline", "0")
        township.screenshot(path=str(shots_dir / "devel-quota-after-approval.png"), full_page=True)
    finally:
        branch_ctx.close()
        township_ctx.close()
