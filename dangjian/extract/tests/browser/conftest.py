"""The shared headless Chromium fixtures of the browser journeys."""

from dangjian.core.tests.browser.conftest import browser, page, phone_page, shots_dir  # noqa: F401
