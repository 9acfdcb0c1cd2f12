"""Headless Chromium for the browser journeys (Playwright's sync API driving Debian's /usr/bin/chromium).

Loaded once for the whole suite from the root conftest (``pytest_plugins``): every module's journeys use
these fixtures by name, without importing them. One session-wide browser per test process — a second
``sync_playwright()`` in the same process fails ("Sync API inside the asyncio loop").

Without Chromium the journeys are skipped with the install command, except under CI=true,
where a missing browser is a failure. Screenshots go to BROWSER_SHOTS (default /tmp/dangjian-shots).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django would then refuse ORM calls from the
# test body (SynchronousOnlyOperation). The live server runs in its own thread and is unaffected.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
INSTALL_HINT = "未找到 Chromium：请运行 `apt-get install -y chromium fonts-noto-cjk` 后再运行浏览器测试。"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture(scope="session")
def shots_dir() -> Path:
    path = Path(os.environ.get("BROWSER_SHOTS", "/tmp/dangjian-shots"))
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but {CHROMIUM} is missing. {INSTALL_HINT}")
        pytest.skip(INSTALL_HINT)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def _new_page(browser, live_server, viewport, **options):
    context = browser.new_context(
        viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai", base_url=live_server.url, **options
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    return context, page


@pytest.fixture
def page(browser, live_server):
    """A desktop-sized page whose relative URLs go to the live server."""
    context, page = _new_page(browser, live_server, DESKTOP)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, live_server):
    """A phone-sized page (390×844, touch) on the live server."""
    context, page = _new_page(
        browser, live_server, PHONE, is_mobile=True, has_touch=True, device_scale_factor=2
    )
    yield page
    context.close()
