"""The browser fixtures of the core journeys (headless Chromium, phone-sized pages) for village journeys."""

from dangjian.core.tests.browser.conftest import browser, phone_page, shots_dir  # noqa: F401
