"""The Content-Security-Policy breaks nothing the pages do (issue 7, finding 15): no violation in the browser.

Chromium reports every blocked script, style or connection on the console; the pages with
htmx, charts (ECharts) and the API docs (Swagger UI) are walked and must report none.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from .test_journeys import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_main_pages_run_under_the_policy_without_a_single_violation(page, personas, county, people):
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    log_in(page, "ta_sec")
    for url in (reverse("orgs:tree"), reverse("orgs:person_list"), reverse("ledger:rollup"), "/api/docs/"):
        response = page.goto(url)
        assert response is not None and "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
    page.goto(reverse("orgs:person_list"))
    search = page.get_by_test_id("person-filter").get_by_role("searchbox")  # not the header search
    search.fill("zs")
    search.press("Enter")
    expect(page.locator("#person-results")).to_contain_text("张三")
    assert violations == []
