"""The browser fixtures of the core journeys (headless Chromium, desktop and phone pages), reused here."""

from dangjian.core.tests.browser.conftest import browser, page, shots_dir  # noqa: F401
