"""A caseworker opens the product in a real browser, logs in through the login page and sees the Chinese home."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_caseworker_logs_in_through_the_real_login_page_and_sees_the_chinese_home(page, caseworker):
    page.goto(page.base_url + "/")

    assert "/login/" in page.url
    page.get_by_label("用户名").fill("zhang.caseworker")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()

    page.wait_for_url(page.base_url + "/")
    assert page.title() == "工作台 · 信访通"
    assert page.get_by_role("heading", name="您好，张信访").is_visible()
    assert "张信访" in page.get_by_test_id("whoami").inner_text()
    page.set_viewport_size({"width": 1440, "height": 900})  # a wide screen shows the unit and the roles too
    assert "怀宁县信访局" in page.get_by_test_id("whoami").inner_text()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name="组织").click()  # a dropdown of the navigation bar
    assert page.get_by_role("link", name="行政区划").is_visible()
    # Vendored static files are served (no CDN): Bootstrap styled the navigation bar.
    assert page.evaluate("getComputedStyle(document.querySelector('nav')).display") == "flex"


def test_a_wrong_password_keeps_the_caseworker_on_the_login_page_with_a_chinese_message(page, caseworker):
    page.goto(page.base_url + "/login/")
    page.get_by_label("用户名").fill("zhang.caseworker")
    page.get_by_label("密码").fill("wrong-password")
    page.get_by_role("button", name="登录").click()

    assert page.get_by_role("alert").inner_text() == "用户名或密码不正确，请重新输入。"
    assert "/login/" in page.url


def test_the_system_administrator_binds_an_authenticator_then_issues_an_api_token(page, system_admin, county):
    """三员分立 with two factors: the first login asks for an authenticator (its QR code and key), its code, and shows
    the recovery codes once; then the token, with its expiry and scope."""
    page.goto(page.base_url + "/login/")
    page.get_by_label("用户名").fill("sun.sysadmin")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/account/two-factor/")
    assert page.get_by_test_id("totp-qr").locator("svg").is_visible()
    device = TOTPDevice.objects.get(user=system_admin, confirmed=False)
    page.get_by_label("验证码").fill(f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=6):06d}")
    page.get_by_role("button", name="确认绑定").click()
    assert len(page.get_by_test_id("recovery-codes").locator("li").all()) == 10
    page.get_by_role("link", name="我已保存，继续").click()
    page.wait_for_url(page.base_url + "/")

    page.get_by_role("button", name="设置").click()
    page.get_by_role("link", name="接口客户端").first.click()
    page.get_by_label("客户端名称").fill("12345热线平台")
    page.get_by_label("所属单位").select_option(label=county.bureau.name)
    page.get_by_label("权限范围").select_option(label="读写")
    page.get_by_label("有效期（天）").fill("30")
    page.get_by_role("button", name="创建并生成令牌").click()

    token = page.get_by_test_id("token").inner_text().strip()
    assert len(token) >= 40
    page.get_by_role("link", name="返回接口客户端列表").click()
    listed = page.get_by_test_id("api-clients").inner_text()
    assert "12345热线平台" in listed and "读写" in listed
    assert token not in page.content()
