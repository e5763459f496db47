"""In a real browser: the security administrator, on a phone, signs in with two factors and shortens the idle
timeout; a caseworker sees the warning a minute before it and stays signed in; the audit administrator checks the
chain. (SHOTS=<folder> keeps a screenshot of each page.)"""

import pytest

from tests.browser.conftest import PHONE, shot, sign_in_with_two_factors
from tests.factories import PASSWORD
from xinfang.org.models import AuditEvent
from xinfang.rules.selectors import rules_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_security_administrator_on_a_phone_shortens_the_idle_timeout(page, security_admin, county, caseworker):
    page.set_viewport_size(PHONE)
    sign_in_with_two_factors(page, security_admin)

    page.goto(page.base_url + "/settings/security/")
    shot(page, "security-rules-phone")
    page.get_by_label("无操作自动退出").fill("3")
    page.get_by_label("修改理由").fill("测评整改")
    page.get_by_role("button", name="保存").first.click()
    assert "无操作自动退出应在5至240之间。" in page.content()
    assert rules_for(county.region, "security").idle_timeout_minutes == 15  # nothing saved
    page.get_by_label("无操作自动退出").fill("10")
    page.get_by_label("修改理由").fill("测评整改")
    page.get_by_role("button", name="保存").first.click()
    page.wait_for_url("**/settings/security/")

    assert rules_for(county.region, "security").idle_timeout_minutes == 10
    assert page.get_by_role("alert").first.inner_text().startswith("已保存密码与登录规则第1版")
    page.get_by_label("展开导航").click()  # the phone's menu: one's own name leads to one's account security
    page.get_by_test_id("whoami").click()
    shot(page, "account-phone")
    assert "已绑定手机验证器" in page.get_by_test_id("two-factor-card").inner_text()
    page.goto(page.base_url + f"/org/users/{caseworker.pk}/roles/")
    page.get_by_label("审计管理员").check()
    page.get_by_role("button", name="保存").click()
    shot(page, "roles-refused-phone")
    assert "三员分立" in page.get_by_test_id("roles-error").inner_text()


def test_a_caseworker_is_warned_a_minute_before_the_idle_timeout_and_stays(page, caseworker):
    page.clock.install()
    page.goto(page.base_url + "/login/")
    page.get_by_label("用户名").fill(caseworker.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(page.base_url + "/")
    warning = page.get_by_test_id("idle-warning")
    assert not warning.is_visible()

    page.clock.fast_forward("14:05")  # the county's 15 minutes, less one
    warning.wait_for(state="visible")
    shot(page, "idle-warning")
    with page.expect_response("**/account/keepalive/") as kept:
        page.get_by_role("button", name="继续使用").click()

    assert kept.value.status == 204
    warning.wait_for(state="hidden")
    assert "/login/" not in page.url


def test_the_audit_administrator_checks_the_chain_and_searches_by_person(page, audit_admin, caseworker):
    sign_in_with_two_factors(page, audit_admin)
    page.goto(page.base_url + "/org/audit/")
    page.get_by_test_id("audit-verify").click()

    assert "审计链完整" in page.get_by_role("alert").first.inner_text()
    page.get_by_label("操作人").fill(audit_admin.username)
    page.get_by_role("button", name="筛选").click()
    shot(page, "audit-search")
    assert "audit.verify" in page.locator("table").inner_text()
    assert AuditEvent.objects.filter(action="audit.verify", actor=audit_admin).count() == 1
    page.set_viewport_size(PHONE)
    shot(page, "audit-search-phone")
