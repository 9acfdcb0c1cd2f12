"""The browser fixtures of the core journeys (headless Chromium, phone and desktop pages)."""

from dangjian.core.tests.browser.conftest import browser, page, phone_page, shots_dir  # noqa: F401
