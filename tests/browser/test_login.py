"""A caseworker opens the product in a real browser, logs in through the login page and sees the Chinese home."""

import pytest

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
    assert "怀宁县信访局" in page.get_by_test_id("whoami").inner_text()
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


def test_a_county_admin_issues_an_api_token_in_the_browser(page, county_admin, county):
    page.goto(page.base_url + "/login/")
    page.get_by_label("用户名").fill("zhao.admin")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(page.base_url + "/")

    page.get_by_role("button", name="设置").click()
    page.get_by_role("link", name="接口客户端").first.click()
    page.get_by_label("客户端名称").fill("12345热线平台")
    page.get_by_label("所属单位").select_option(label=county.bureau.name)
    page.get_by_role("button", name="创建并生成令牌").click()

    token = page.get_by_test_id("token").inner_text().strip()
    assert len(token) >= 40
    page.get_by_role("link", name="返回接口客户端列表").click()
    assert "12345热线平台" in page.get_by_test_id("api-clients").inner_text()
    assert token not in page.content()
