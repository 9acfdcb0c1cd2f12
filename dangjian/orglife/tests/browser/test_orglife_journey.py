"""三会一课 in a real browser: a committee meeting with a vote, the monthly report returned, corrected and
approved, and the county's roll-up showing the branch compliant for the month."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from conftest import PASSWORD
from dangjian.orglife.models import MeetingKind, MonthlyReport
from dangjian.orglife.tests.factories import held, staff_branch, write_default_rules

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def default_rules(db):
    """The frequency rules and training targets are rows written by data migrations; an earlier
    transactional test in the same process flushes them, so they are written again (idempotent)."""
    write_default_rules()


def log_in(page, username: str) -> None:
    page.context.clear_cookies()
    page.goto(reverse("login"))
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="我的工作")).to_be_visible()


def test_a_committee_meeting_goes_into_the_monthly_report_and_the_county_roll_up(
    page, personas, county, shots_dir
):
    month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    people = staff_branch(county.village_a1)
    held(
        county.village_a1,
        personas.village_a1,
        MeetingKind.THEME_DAY,
        day=month + timedelta(days=2),
        people=people,
    )

    # The secretary registers the committee meeting: the expected list is the committee on that day.
    log_in(page, "a1_sec")
    page.goto(reverse("orglife:meeting_create"))
    step = page.get_by_test_id("meeting-step1")
    step.locator("#id_org").select_option(str(county.village_a1.pk))
    step.locator("#id_kind").select_option("committee")
    step.locator("#id_starts_at").fill(f"{month + timedelta(days=9)}T19:30")
    step.get_by_role("button", name="下一步").click()
    form = page.get_by_test_id("meeting-form")
    expect(form.get_by_test_id("attendance-table").locator("tbody tr")).to_have_count(3)
    form.locator("#id_topic").fill("研究确定入党积极分子")
    form.locator("#id_votes_for").fill("3")
    form.locator("#id_votes_against").fill("0")
    form.locator("#id_votes_abstain").fill("0")
    form.locator("#id_declared_passed").check()
    form.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("meeting-vote")).to_contain_text("赞成 3、反对 0、弃权 0")
    page.screenshot(path=str(shots_dir / "orglife-meeting.png"), full_page=True)

    # The monthly report is compiled from the records and submitted.
    page.goto(reverse("orglife:report_list") + f"?month={month:%Y-%m}")
    compile_form = page.get_by_test_id("report-compile")
    compile_form.locator("#id_org").select_option(str(county.village_a1.pk))
    compile_form.locator("#id_month").fill(month.isoformat())
    compile_form.get_by_role("button", name="生成月报").click()
    expect(page.get_by_test_id("report-figures")).to_contain_text("支委会")
    page.get_by_test_id("report-submit").locator("textarea").fill("本月按要求开展")
    page.get_by_role("button", name="报送乡镇党委").click()
    expect(page.get_by_test_id("report-status")).to_contain_text("已提交")
    report = MonthlyReport.objects.get()

    # The township returns it with an opinion.
    log_in(page, "ta_sec")
    page.goto(reverse("orglife:report_detail", args=[report.pk]))
    review = page.get_by_test_id("report-review")
    review.get_by_label("退回").check()
    review.locator("textarea").fill("请补充党课安排")
    review.get_by_role("button", name="提交审核").click()
    expect(page.get_by_test_id("report-status")).to_contain_text("退回")
    expect(page.get_by_test_id("report-opinion")).to_contain_text("请补充党课安排")

    # The secretary corrects and resubmits; the township approves.
    log_in(page, "a1_sec")
    page.goto(reverse("orglife:report_detail", args=[report.pk]))
    page.get_by_test_id("report-submit").locator("textarea").fill("已补充：党课安排在下月第一周")
    page.get_by_role("button", name="报送乡镇党委").click()
    expect(page.get_by_test_id("report-status")).to_contain_text("已提交")
    log_in(page, "ta_sec")
    page.goto(reverse("orglife:report_detail", args=[report.pk]))
    review = page.get_by_test_id("report-review")
    review.get_by_label("同意").check()
    review.get_by_role("button", name="提交审核").click()
    expect(page.get_by_test_id("report-status")).to_contain_text("乡镇已审核")

    # The county's roll-up for the month: township A at 50 % (A2 held nothing), A1 compliant on drill-down.
    log_in(page, "zzb")
    page.goto(reverse("orglife:compliance") + f"?month={month:%Y-%m}")
    row_a = page.locator(f"[data-testid=compliance-row][data-org='{county.township_a.pk}']")
    expect(row_a).to_have_attribute("data-rate", "50.0")
    row_a.get_by_role("link", name="A镇党委").click()
    row_a1 = page.locator(f"[data-testid=compliance-row][data-org='{county.village_a1.pk}']")
    expect(row_a1).to_have_attribute("data-rate", "100.0")
    page.screenshot(path=str(shots_dir / "orglife-compliance.png"), full_page=True)
