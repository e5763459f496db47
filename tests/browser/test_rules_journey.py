"""A county admin changes a county rule in the browser: the rules page shows what is in force, the form saves the
next version with its reason, the history says what each version changed, two versions are compared, and an old one
is restored as a new version. On a 390-px phone the same page stacks into one column."""

import tempfile
from pathlib import Path

import pytest

from tests.browser.test_case_journey import login
from tests.cases.conftest import register  # noqa: F401 - registers a letter as the caseworker
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


def test_a_county_admin_changes_the_colour_bands_and_weights_of_the_index(page, county_admin, caseworker, county):
    login(page, "zhao.admin")
    page.goto(page.base_url + "/settings/index/")
    form = page.get_by_test_id("rules-form")
    bands = form.get_by_test_id("bands")
    assert bands.locator("tbody tr").count() == 10
    # Four bands of 25 % instead of five of 20 %: the fifth row is cleared, and 初信初访 weighs 30.
    for row, (name, share) in enumerate([("绿", 25), ("蓝", 25), ("黄", 25), ("红", 25)]):
        bands.locator(f"[name=bands_{row * 3}]").fill(name)
        bands.locator(f"[name=bands_{row * 3 + 2}]").fill(str(share))
    bands.locator("[name=bands_12]").fill("")
    bands.locator("[name=bands_14]").fill("")
    bands.locator("[name=bands_10]").evaluate("e => { e.value = '#c62828'; }")  # the fourth row's colour: red
    form.get_by_label("初信初访化解").fill("30")
    form.locator("[name=reason]").fill("县联席会议：四色管理")
    form.get_by_role("button", name="保存新版本").click()

    assert "已保存信访指数规则第1版" in page.locator(".alert").first.inner_text()
    summary = page.get_by_test_id("rules-summary-index").inner_text()
    assert "绿 25%、蓝 25%、黄 25%、红 25%" in summary and "初信初访化解 30" in summary
    history = page.get_by_test_id("history").inner_text()
    assert "五色分档：绿 20%、蓝 20%、黄 20%、橙 20%、红 20% → 绿 25%、蓝 25%、黄 25%、红 25%" in history
    page.screenshot(path=SCREENSHOTS / "index_rules_desktop.png", full_page=True)

    # Shares that do not add up to 100 are refused beside the table, and nothing is saved.
    page.get_by_test_id("rules-form").get_by_test_id("bands").locator("[name=bands_2]").fill("40")
    page.get_by_test_id("rules-form").locator("[name=reason]").fill("试试")
    page.get_by_test_id("rules-form").get_by_role("button", name="保存新版本").click()
    assert "各色档比例之和须为100" in page.get_by_test_id("rules-form").inner_text()
    assert RulesVersion.objects.filter(county=county.region, group="index").count() == 1

    # A caseworker reads the rules behind the ranking, on a phone, and cannot change them.
    page.context.clear_cookies()
    login(page, "zhang.caseworker")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(page.base_url + "/settings/index/")
    assert "绿 25%" in page.get_by_test_id("rules-summary-index").inner_text()
    assert page.get_by_test_id("rules-form").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=SCREENSHOTS / "index_rules_phone.png", full_page=True)


def test_a_county_admin_shortens_a_milestone_and_adds_a_rule_set_one_record_at_a_time(
        page, county_admin, caseworker, county, register):  # noqa: F811 - the fixture imported above
    running = register()  # a case already running under the statutory rules keeps them
    login(page, "zhao.admin")
    page.goto(page.base_url + "/settings/")
    page.get_by_test_id("rules-summary-deadlines").get_by_role("link", name="修改规则、查看历史版本").click()
    page.get_by_role("link", name="信访工作条例（默认）").click()
    page.get_by_role("link", name="3日内见面").click()

    form = page.get_by_test_id("record-form")
    form.get_by_label("时限（天）").fill("2")
    form.get_by_label("工作日", exact=True).check()
    form.locator("[name=reason]").fill("县联席会议：2个工作日内见面")
    form.get_by_role("button", name="保存新版本").click()
    assert "已保存时限规则第1版" in page.locator(".alert").first.inner_text()
    assert "交办 → 见面 · 2 工作日" in page.get_by_test_id("records-milestones").inner_text()

    # A bad number is refused beside the field, and nothing is saved.
    page.get_by_role("link", name="3日内见面").click()
    form = page.get_by_test_id("record-form")
    form.get_by_label("时限（天）").fill("400")
    form.locator("[name=reason]").fill("试试")
    form.get_by_role("button", name="保存新版本").click()
    assert "时限应在1至365之间" in form.inner_text()
    assert RulesVersion.objects.filter(county=county.region, group="deadlines").count() == 1

    # A stricter rule set for leader receptions, added from the list.
    page.goto(page.base_url + "/settings/deadlines/")
    page.get_by_test_id("add-rule_sets").click()
    form = page.get_by_test_id("record-form")
    form.get_by_label("规则名称").fill("领导接访事项")
    form.get_by_label("优先级").fill("10")
    form.get_by_label("领导接访", exact=True).check()
    form.locator("[name=reason]").fill("领导接访件从严")
    form.get_by_role("button", name="保存新版本").click()
    records = page.get_by_test_id("records-rule_sets").inner_text()
    assert "领导接访事项" in records and "适用：领导接访" in records
    history = page.get_by_test_id("history").inner_text()
    assert "第2版" in history and "时限规则 · 信访工作条例（默认） · 时限节点 · 3日内见面 · 时限：3天 → 2天" in history
    page.screenshot(path=SCREENSHOTS / "deadline_rules_desktop.png", full_page=True)

    assert register(channel="leader_reception", summary="领导接访件").rule_set.name == "领导接访事项"
    assert running.rule_set.milestones.get(code="meet").days == 3

    # A caseworker reads the rules on a phone and cannot change them.
    page.context.clear_cookies()
    login(page, "zhang.caseworker")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(page.base_url + "/settings/deadlines/records/rule_sets/1/")
    assert "交办 → 见面 · 2 工作日" in page.content()
    assert page.get_by_test_id("record-form").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=SCREENSHOTS / "deadline_rules_phone.png", full_page=True)
