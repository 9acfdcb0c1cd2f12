"""The browser fixtures of the core's journeys (headless Chromium on the live server), reused here."""

from dangjian.core.tests.browser.conftest import browser, page, phone_page, shots_dir  # noqa: F401
