"""A county admin changes a county rule in the browser: the rules page shows what is in force, the form saves the
next version with its reason, the history says what each version changed, two versions are compared, and an old one
is restored as a new version. On a 390-px phone the same page stacks into one column."""

import tempfile
from pathlib import Path

import pytest

from tests.browser.test_case_journey import login
from xinfang.rules.models import RulesVersion

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The rules page after a rollback, for a person to look at (/tmp/rules_desktop.png, /tmp/rules_phone.png here).
SCREENSHOTS = Path(tempfile.gettempdir())


def save(page, values: dict, reason: str):
    form = page.get_by_test_id("rules-form")
    for name, value in values.items():
        form.locator(f"[name={name}]").fill(str(value))
    form.locator("[name=reason]").fill(reason)
    form.get_by_role("button", name="保存新版本").click()


def test_a_county_admin_changes_compares_and_restores_the_visit_rules(page, county_admin, county):
    login(page, "zhao.admin")
    page.goto(page.base_url + "/settings/")
    visits = page.get_by_test_id("rules-summary-visits")
    assert "默认规则" in visits.inner_text() and "18时" in visits.inner_text()
    visits.get_by_role("link", name="修改规则、查看历史版本").click()

    save(page, {"night_from_hour": 19}, "冬季作息：晚七点后计夜访")
    assert "已保存接访走访规则第1版" in page.locator(".alert").first.inner_text()
    save(page, {"night_from_hour": 20, "answer_link_days": 30}, "夏季作息")
    history = page.get_by_test_id("history").inner_text()
    assert "第2版" in history and "夏季作息" in history and "评价链接有效期：15天 → 30天" in history

    # A value out of bounds is refused on the form, and nothing is saved.
    save(page, {"night_from_hour": 30}, "试试")
    assert page.get_by_test_id("form-errors").is_visible()
    assert RulesVersion.objects.filter(county=county.region, group="visits").count() == 2

    page.goto(page.base_url + "/settings/visits/")
    compare = page.get_by_test_id("compare-form")
    compare.locator("[name=a]").select_option("1")
    compare.locator("[name=b]").select_option("2")
    compare.get_by_role("button", name="比较").click()
    comparison = page.get_by_test_id("comparison").inner_text()
    assert "第1版与第2版的不同" in comparison and "19时" in comparison and "20时" in comparison

    restore = page.locator("form", has=page.get_by_role("button", name="恢复第1版"))
    restore.locator("[name=reason]").fill("恢复冬季作息")
    restore.get_by_role("button", name="恢复第1版").click()
    assert "已恢复第1版的规则，保存为第3版" in page.locator(".alert").first.inner_text()
    summary = page.get_by_test_id("rules-summary-visits").inner_text()
    assert "第3版" in summary and "19时" in summary
    page.screenshot(path=SCREENSHOTS / "rules_desktop.png", full_page=True)

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=SCREENSHOTS / "rules_phone.png", full_page=True)
