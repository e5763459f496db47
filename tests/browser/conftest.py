"""Browser tests: Playwright (the pip package) driving Debian's Chromium headless. Never a browser download."""

import os

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls made by the test itself are
# still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="session")
def browser(chromium_path_session):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path_session, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def chromium_path_session():
    from tests.conftest import CHROMIUM, missing

    if not os.path.exists(CHROMIUM):
        missing(f"Chromium at {CHROMIUM}")
    return CHROMIUM


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    yield page
    context.close()


from tests.cases.conftest import categories  # noqa: E402,F401 - the county's categories, for the case journeys
