"""A caseworker narrows the case list on a desktop and on a phone: status chips, the unit found by 住建, clean URLs,
removable chips, a saved filter; and assigns a case to the unit found by 住建."""

from urllib.parse import parse_qsl, urlsplit

import pytest

from cases.models import SavedFilter
from tests.browser.conftest import PHONE, shot
from tests.browser.test_case_journey import login
from workflow import case_accept, case_assign

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def assigned(caseworker, county, register):
    """Three letters: one assigned to the housing bureau, one accepted, one just registered."""
    housing = register(summary="反映小区电梯长期停运无人维修")
    case_accept(actor=caseworker, case=housing, version=housing.version)
    housing.refresh_from_db()
    case_assign(actor=caseworker, case=housing, version=housing.version, lead_unit=county.housing)
    accepted = register(summary="反映村道路灯损坏")
    case_accept(actor=caseworker, case=accepted, version=accepted.version)
    return {"housing": housing, "accepted": accepted, "registered": register(summary="反映拖欠工资")}


def query(page) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(page.url).query, keep_blank_values=True)


def listed(page) -> set[str]:
    rows = page.locator("[data-testid=case-table] tbody tr[data-case]")
    return {rows.nth(i).get_attribute("data-case") for i in range(rows.count())}


def test_a_caseworker_filters_by_status_and_a_unit_found_by_its_short_name(page, caseworker, county, assigned):
    login(page, "zhang.caseworker")
    page.goto(page.base_url + "/cases/")
    filters = page.get_by_test_id("case-filters")
    assert not page.get_by_test_id("more-filters").is_visible()  # the rest waits behind 更多筛选

    filters.get_by_test_id("status-chips").get_by_text("已交办", exact=True).click()
    filters.get_by_role("button", name="更多筛选").click()
    picker = filters.get_by_label("查找主办单位")
    picker.fill("住建")
    unit = filters.get_by_label("主办单位", exact=True)
    page.wait_for_function("() => document.querySelector('#id_unit').options.length > 1")
    assert unit.locator("option").nth(1).inner_text() == "怀宁县住房和城乡建设局"
    unit.select_option(label="怀宁县住房和城乡建设局")
    shot(page, "case-filters-more")
    filters.get_by_role("button", name="筛选", exact=True).click()
    page.wait_for_url("**/cases/?status=*")

    # Only what was chosen is in the URL, and the list shows it as chips.
    assert query(page) == [("status", "assigned"), ("unit", str(county.housing.pk))]
    assert listed(page) == {assigned["housing"].number}
    chips = page.get_by_test_id("filter-chips")
    assert "状态：已交办" in chips.inner_text() and "主办单位：怀宁县住房和城乡建设局" in chips.inner_text()
    assert unit.locator("option:checked").inner_text() == "怀宁县住房和城乡建设局"
    shot(page, "case-filters-chips")

    # Saved as a filter of their own, then one condition taken away.
    saved = page.get_by_test_id("saved-filters")
    saved.get_by_label("筛选名称").fill("住建局在办")
    saved.get_by_role("button", name="保存当前筛选").click()
    page.wait_for_load_state()
    assert SavedFilter.objects.get(user=caseworker).query == f"status=assigned&unit={county.housing.pk}"
    page.get_by_label("去掉条件 状态：已交办").click()
    page.wait_for_url("**/cases/?unit=*")
    assert query(page) == [("unit", str(county.housing.pk))]

    page.goto(page.base_url + "/cases/")
    assert len(listed(page)) == 3
    page.get_by_test_id("saved-filters").get_by_role("link", name="住建局在办").click()
    page.wait_for_url("**/cases/?status=*")
    assert listed(page) == {assigned["housing"].number}

    # The export says it is working while the ledger is made, and is not started twice.
    export = page.get_by_test_id("export-ledger")
    with page.expect_download() as download:
        export.click()
    assert export.get_attribute("aria-busy") == "true" and "正在生成台账" in export.inner_text()
    assert download.value.suggested_filename.endswith(".xlsx")


def test_the_assignment_form_finds_the_housing_bureau_by_zhujian(page, caseworker, county, assigned):
    case = assigned["accepted"]
    login(page, "zhang.caseworker")
    page.goto(page.base_url + f"/cases/{case.pk}/")
    actions = page.locator("section", has_text="可办理的操作")
    actions.locator("summary", has_text="交办").first.click()
    form = actions.locator("details[open] form")

    form.get_by_label("搜索主办单位").fill("住建")
    page.wait_for_function(
        "() => document.querySelector('#assign-lead_unit').options[1]?.text === '怀宁县住房和城乡建设局'")
    form.locator("[name=lead_unit]").select_option(label="怀宁县住房和城乡建设局")
    shot(page, "assign-zhujian")
    form.get_by_role("button", name="确认交办").click()
    page.wait_for_load_state()

    case.refresh_from_db()
    assert case.lead_unit_id == county.housing.pk


def test_on_a_phone_the_filters_fit_and_the_status_chips_work(browser, live_server, caseworker, county, assigned):
    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    login(page, "zhang.caseworker")
    page.goto(page.base_url + "/cases/")

    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    search = page.get_by_test_id("case-filters").get_by_label("搜索")
    assert search.bounding_box()["width"] > 300  # the search box takes the phone's width
    page.get_by_test_id("status-chips").get_by_text("待受理", exact=True).tap()
    page.get_by_test_id("case-filters").get_by_role("button", name="筛选", exact=True).tap()
    page.wait_for_url("**/cases/?status=registered")

    assert query(page) == [("status", "registered")]
    assert listed(page) == {assigned["registered"].number}
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "case-filters-phone")
    context.close()
