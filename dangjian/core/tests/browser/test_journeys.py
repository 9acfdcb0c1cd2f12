"""Journeys a person takes through the platform, in a real (headless) browser."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username: str) -> None:
    page.goto(reverse("login"))
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="我的工作")).to_be_visible()


def test_a_township_secretary_finds_a_member_by_pinyin_initials(page, personas, county, people, shots_dir):
    log_in(page, "ta_sec")

    page.goto(reverse("orgs:tree"))
    tree = page.locator(".page-body")
    expect(tree).to_contain_text(county.township_a.name)
    expect(tree).to_contain_text(county.village_a1.name)
    expect(tree).not_to_contain_text(county.township_b.name)
    page.screenshot(path=shots_dir / "tree-desktop.png", full_page=True)

    page.goto(reverse("orgs:person_list"))
    search = page.get_by_test_id("person-filter").get_by_role("searchbox")  # not the header search
    search.fill("zs")
    search.press("Enter")
    expect(page).to_have_url(re.compile(r"q=zs"))
    results = page.locator("#person-results")
    expect(results).to_contain_text("张三")
    expect(results).not_to_contain_text("李四")  # another village of A, filtered out by the search
    expect(results).not_to_contain_text("王五")  # township B: never visible
    page.screenshot(path=shots_dir / "members-desktop.png", full_page=True)

    results.get_by_role("link", name="张三").first.click()
    expect(page.get_by_role("heading", name="张三")).to_be_visible()
    id_box = page.get_by_test_id("person-id")
    expect(id_box).to_contain_text(people["a1"].id_masked)
    assert "*" in people["a1"].id_masked
    full = people["a1"].id_masked[:6]
    expect(id_box).to_contain_text(full)
    page.screenshot(path=shots_dir / "person-desktop.png", full_page=True)


def test_the_member_list_and_tree_work_on_a_phone(phone_page, personas, county, people, shots_dir):
    page = phone_page
    page.goto(reverse("login"))
    expect(page.get_by_role("heading", name="登录党建工作责任制平台")).to_be_visible()
    page.screenshot(path=shots_dir / "login-phone.png")
    log_in(page, "ta_sec")
    page.goto(reverse("orgs:tree"))
    expect(page.locator(".page-body")).to_contain_text(county.township_a.name)
    page.screenshot(path=shots_dir / "tree-phone.png", full_page=True)

    page.goto(reverse("orgs:person_list") + "?q=zs")
    expect(page.locator("#person-results")).to_contain_text("张三")
    # Nothing wider than the screen: the table scrolls inside its card, the page does not.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1
    page.screenshot(path=shots_dir / "members-phone.png", full_page=True)

    # The sidebar folds into the menu button and opens on a tap.
    menu = page.get_by_role("button", name="菜单")
    expect(menu).to_be_visible()
    menu.click()
    expect(page.locator("#sidebar-menu")).to_be_visible()
    page.screenshot(path=shots_dir / "menu-phone.png")


@pytest.mark.parametrize("fixture", ["page", "phone_page"])
def test_the_unread_badge_sits_inside_the_header_and_reads_99_plus(request, fixture, personas):
    from dangjian.core.nav import BADGE_MAX
    from dangjian.notices.models import Notice
    from dangjian.notices.services import notify

    page = request.getfixturevalue(fixture)
    for n in range(BADGE_MAX + 5):
        notify(recipients=[personas.township_a], kind="item_escalated", text=f"待阅通知{n}", key=f"badge-{n}")
    assert Notice.objects.filter(recipient=personas.township_a, read_at__isnull=True).count() > BADGE_MAX
    log_in(page, "ta_sec")
    badge = page.get_by_test_id("badge-notices")
    expect(badge).to_have_text(f"{BADGE_MAX}+")
    box, header = badge.bounding_box(), page.locator("header.navbar").first.bounding_box()
    # Whole inside the header bar (it was half above the page's top edge).
    assert box["y"] >= header["y"] and box["y"] + box["height"] <= header["y"] + header["height"]
    # Light text on the red pill (it was the body's dark grey).
    colour = page.evaluate("el => getComputedStyle(el).color", badge.element_handle())
    channels = [float(c) for c in re.findall(r"[\d.]+", colour)[:3]]
    assert min(channels) > 200 or (colour.startswith("oklch") and channels[0] > 0.9), colour
