"""On a phone: the township approves a file the branch walked to the vote, and the new probationary member
appears in the roster while the township's quota drops by one."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from conftest import PASSWORD
from dangjian.devel.models import DevelopmentFile, FileStatus
from dangjian.devel.tests.helpers import open_file, quotas, sponsors, walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_township_approves_on_a_phone_and_the_member_is_on_the_roster(
    phone_page, personas, county, shots_dir
):
    page = phone_page
    quotas(county, personas, number=2)
    people = sponsors(county.village_a1)
    file = walk(open_file(county.village_a1, personas.village_a1, name="林预备"), 16, personas, people)

    page.goto(reverse("login"))
    page.get_by_label("用户名").fill("ta_sec")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(reverse("devel:file_detail", args=[file.pk]))
    expect(page.get_by_test_id("id-masked")).to_have_text(file.person.id_masked)
    expect(page.locator('[data-step="17"]')).to_have_attribute("data-state", "next")
    page.get_by_test_id("record-step").click()
    page.locator("#id_done_on").fill((file.vote_on + timedelta(days=20)).isoformat())
    page.get_by_role("button", name="保存").click()
    expect(page.locator('[data-step="17"]')).to_have_attribute("data-state", "done")
    page.screenshot(path=shots_dir / "devel-approved-phone.png", full_page=True)
    file.refresh_from_db()
    assert (
        file.status == FileStatus.S17
        and DevelopmentFile.objects.filter(quota_year=file.admitted_on.year).count() == 1
    )

    page.goto(reverse("orgs:person_detail", args=[file.person_id]))
    expect(page.locator("body")).to_contain_text("预备党员")
    page.goto(reverse("devel:quotas") + f"?org={county.township_a.pk}&year={file.admitted_on.year}")
    row = page.locator(f'tr[data-org="{county.township_a.pk}"]')
    expect(row).to_have_attribute("data-used", "1")
