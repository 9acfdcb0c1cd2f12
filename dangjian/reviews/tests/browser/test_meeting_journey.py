"""The meeting in a real browser: the host opens scoring, two phones vote with their codes, the big
screen's counts rise without reloading, the host closes, the ranking appears, a problem list goes down."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from conftest import PASSWORD
from dangjian.ledger import door
from dangjian.reviews import services
from dangjian.reviews.models import Ballot
from dangjian.reviews.services import GroupSpec

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_a_meeting_from_the_first_ballot_to_the_hand_over(
    browser, page, live_server, personas, county, shots_dir
):
    host = personas.county_admin
    session = services.session_create(
        org=county.county, actor=host, year=2026, title="2026年度述职评议会", held_on=timezone.localdate()
    )
    services.sheet_update(
        session=session,
        actor=host,
        groups=[GroupSpec("党代表", 100, 2, 2)],
        indicators=[],
        grade_points={"good": 100, "fairly_good": 80, "average": 60, "poor": 40},
        thresholds={"good": 90, "fairly_good": 80, "average": 60},
    )
    for org in (county.township_a, county.township_b):
        services.reporter_add(session=session, org=org, secretary=f"{org.label}书记", actor=host)
    services.credentials_issue(session=session, actor=host)
    services.session_open(session=session, actor=host)
    codes = list(session.credentials.values_list("code", flat=True))

    page.goto(reverse("login"))
    page.get_by_label("用户名").fill("zzb")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="我的工作")).to_be_visible()
    page.goto(reverse("reviews:session_detail", args=[session.pk]))
    page.screenshot(path=str(shots_dir / "reviews-console.png"), full_page=True)

    screen_context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    screen = screen_context.new_page()
    screen.goto(reverse("reviews:screen", args=[session.screen_token]))
    expect(screen.get_by_test_id("screen-waiting")).to_be_visible()

    # The host opens scoring on the first reporter; the big screen follows without a reload.
    page.get_by_test_id("scoring-open").first.click()
    expect(screen.get_by_test_id("screen-current")).to_contain_text("A镇党委")

    phones = []
    for code, grade in zip(codes, ("好", "较好"), strict=True):
        context = browser.new_context(
            base_url=live_server.url, viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN"
        )
        phone = context.new_page()
        phone.goto(reverse("reviews:vote_entry"))
        phone.get_by_label("测评码").fill(f"{code[:5]}-{code[5:]}")
        phone.get_by_role("button", name="打开测评票").click()
        expect(phone.get_by_test_id("vote-reporter")).to_contain_text("A镇党委")
        phone.get_by_text(grade, exact=True).click()
        phone.get_by_test_id("vote-submit").click()
        expect(phone.get_by_test_id("vote-done")).to_be_visible()
        phones.append((context, phone))
    phones[0][1].screenshot(path=str(shots_dir / "reviews-phone-ballot.png"))
    expect(screen.locator('[data-group="党代表"]')).to_have_attribute("data-received", "2")
    screen.screenshot(path=str(shots_dir / "reviews-big-screen.png"))

    # A second ballot from the same phone is refused with a clear message.
    phone = phones[0][1]
    phone.goto(reverse("reviews:vote", args=[codes[0]]))
    expect(phone.get_by_test_id("vote-voted")).to_be_visible()

    page.reload()
    page.get_by_test_id("scoring-close").click()
    page.get_by_test_id("scoring-open").first.click()
    for (_context, phone), grade in zip(phones, ("一般", "差"), strict=True):
        phone.goto(reverse("reviews:vote", args=[codes[phones.index((_context, phone))]]))
        expect(phone.get_by_test_id("vote-reporter")).to_contain_text("B镇党委")
        phone.get_by_text(grade, exact=True).click()
        phone.get_by_test_id("vote-submit").click()
        expect(phone.get_by_test_id("vote-done")).to_be_visible()
    page.get_by_test_id("scoring-close").click()
    page.get_by_test_id("close-session").click()
    expect(page.get_by_test_id("session-status")).to_have_text("已闭会")
    assert Ballot.objects.count() == 4

    expect(screen.get_by_test_id("screen-results")).to_contain_text("A镇党委")
    page.get_by_test_id("results-link").click()
    expect(page.get_by_test_id("results-table").locator("tr[data-rank='1']")).to_contain_text("A镇党委")
    page.screenshot(path=str(shots_dir / "reviews-results.png"), full_page=True)

    # The problem list goes down to township A through the ledger.
    page.get_by_role("link", name="A镇党委").first.click()
    page.get_by_test_id("hand-over").click()
    page.locator("#id_problems").fill("党员冬春训流于形式")
    page.locator("#id_deadline").fill((timezone.localdate() + timedelta(days=60)).isoformat())
    page.get_by_role("button", name="交办").click()
    expect(page.get_by_test_id("handed")).to_contain_text("党员冬春训流于形式")
    reporter = session.reporters.get(org=county.township_a)
    assert door.items_of_source(reporter, host).get().org_id == county.township_a.pk
    for context, _phone in phones:
        context.close()
    screen_context.close()
