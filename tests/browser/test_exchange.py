"""In a real browser: the system administrator subscribes the county's data platform, sees the signing secret once,
and reads the delivery log of the first event on a phone."""

import pytest

from tests.browser.conftest import PHONE, shot, sign_in_with_two_factors
from xinfang.exchange import services
from xinfang.exchange.models import Subscriber

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_system_administrator_subscribes_a_platform_and_reads_its_log(page, system_admin, county, register,
                                                                         receiver):
    sign_in_with_two_factors(page, system_admin)
    page.get_by_role("button", name="设置").click()
    page.get_by_role("link", name="事件订阅").click()
    page.get_by_role("button", name="创建并生成签名密钥").click()
    assert "请填写名称" in page.content()  # nothing chosen: every field says what it lacks
    page.get_by_label("名称").fill("县政务数据共享平台")
    page.get_by_label("接收地址").fill(receiver.url)
    page.get_by_label("事项登记").check()
    page.get_by_label("事项办结").check()
    page.get_by_role("button", name="创建并生成签名密钥").click()
    secret = page.get_by_test_id("secret").inner_text().strip()
    assert len(secret) >= 40 and Subscriber.objects.get().secret == secret

    register()
    services.deliveries_run()
    page.get_by_role("link", name="查看订阅").click()
    page.set_viewport_size(PHONE)
    page.reload()
    shot(page, "subscriber-phone")

    assert "200" in page.get_by_test_id("delivery-log").inner_text()
    assert secret not in page.content()
    page.goto(page.base_url + "/exchange/subscribers/")
    shot(page, "subscribers-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    shot(page, "subscribers-desktop")
