"""A scope with more organisations than a select can list: the organisation field is a search box."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from conftest import PASSWORD
from dangjian.orgs import forms as org_forms
from dangjian.orgs.models import Organisation
from dangjian.orgs.tests.factories import make_org

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_county_moves_a_branch_by_typing_part_of_the_new_parents_name(
    page, personas, county, monkeypatch, shots_dir
):
    monkeypatch.setattr(org_forms, "OPTIONS_MAX", 2)  # the county's six organisations are "too many"
    branch = make_org(county.township_a, "中共迁移党支部")
    page.goto(reverse("login"))
    page.get_by_label("用户名").fill("zzb")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(reverse("orgs:org_move", args=[branch.pk]))
    form = page.get_by_test_id("org-move-form")
    expect(form.locator("select[data-org-search] option")).to_have_count(1)  # nothing listed
    form.locator(".ts-control input").fill("B镇")
    option = page.locator(".ts-dropdown .option", has_text="B镇党委")
    expect(option).to_be_visible()
    expect(page.locator(".ts-dropdown .option", has_text="A镇党委")).to_have_count(0)
    page.screenshot(path=shots_dir / "orgs-picker-search.png", full_page=True)
    option.click()
    form.get_by_role("button", name="调整隶属关系").click()
    expect(page.get_by_text("已调整隶属关系。")).to_be_visible()
    branch.refresh_from_db()
    assert branch.path[: -Organisation.steplen] == county.township_b.path  # now under township B
