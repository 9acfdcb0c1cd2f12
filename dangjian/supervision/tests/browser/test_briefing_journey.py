"""The county reviews and issues a monthly briefing (somebody other than its author) and downloads it as Word."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from dangjian.supervision import services
from dangjian.supervision.models import Briefing

from .test_visit_journey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_county_publishes_a_monthly_briefing_and_downloads_it(page, personas, county, shots_dir):
    from docx import Document

    ranking_set = services.ranking_set_save(
        org=county.county,
        name="七项重点工作",
        items=[{"key": "ledger.open_items", "weight": 100}],
        actor=personas.county_admin,
    )
    briefing = services.briefing_create(
        org=county.county,
        month=timezone.localdate(),
        title="基层党建工作月度通报",
        ranking_set=ranking_set,
        summary="本月各乡镇扎实推进基层党建工作。",
        actor=personas.county_admin,
    )

    log_in(page, "sysadmin")
    page.goto(reverse("supervision:briefing_detail", args=[briefing.pk]))
    expect(page.get_by_test_id("briefing-status")).to_have_text("草稿")
    page.get_by_test_id("briefing-review").click()
    expect(page.get_by_test_id("briefing-status")).to_have_text("已审核")
    page.get_by_test_id("briefing-publish").click()
    expect(page.get_by_test_id("briefing-status")).to_have_text("已印发")
    number = Briefing.objects.get().number
    expect(page.get_by_test_id("briefing-number")).to_have_text(number)
    page.screenshot(path=shots_dir / "supervision-briefing-published.png", full_page=True)
    with page.expect_download() as download:
        page.get_by_test_id("briefing-docx").click()
    data = download.value.path().read_bytes()
    text = "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
    assert number in text and "本月各乡镇扎实推进基层党建工作。" in text
