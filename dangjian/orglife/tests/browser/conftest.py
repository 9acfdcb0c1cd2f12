"""The shared headless-Chromium fixtures of core's browser journeys, for this module's journey."""

from dangjian.core.tests.browser.conftest import browser, page, shots_dir  # noqa: F401
