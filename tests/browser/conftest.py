"""Browser tests: Playwright (the pip package) driving Debian's Chromium headless. Never a browser download."""

import os

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

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


from tests.cases.conftest import categories, register  # noqa: E402,F401 - the county's categories, for the case journeys
from tests.exchange.conftest import receiver  # noqa: E402,F401 - a subscriber's server on 127.0.0.1

PHONE = {"width": 390, "height": 844}


def shot(page, name):
    """A screenshot of the page when SHOTS=<folder> is set (to look at what a test walked through)."""
    if os.environ.get("SHOTS"):
        page.screenshot(path=os.path.join(os.environ["SHOTS"], f"{name}.png"), full_page=True)


def sign_in_with_two_factors(page, user):
    """Sign in as one of the roles the county asks two factors of: bind an authenticator, see the recovery codes."""
    from tests.factories import PASSWORD

    page.goto(page.base_url + "/login/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/account/two-factor/")
    shot(page, f"two-factor-{user.username}")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    page.get_by_label("验证码").fill(f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=6):06d}")
    page.get_by_role("button", name="确认绑定").click()
    shot(page, f"recovery-{user.username}")
    page.get_by_role("link", name="我已保存，继续").click()
    page.wait_for_url(page.base_url + "/")
