"""A caseworker's day in the browser: the case page's keyboard shortcuts (j / k, r, a, p, ?), the case printed for the
paper file, and the county admin loading a year's holidays from the calendar data."""

import pytest
from django.utils import timezone

import workflow
from tests.browser.conftest import PHONE, shot
from tests.browser.test_case_journey import login
from xinfang.workdays.calendar import package_years

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def day_of_cases(caseworker, county, register):
    """Two accepted letters waiting for the caseworker to assign them (the older first in 我的待办), and a third
    the housing bureau has met the petitioner on, ready for the reply."""
    now = timezone.now()
    first, second, handling = (
        workflow.case_accept(actor=caseworker, case=register(received_at=now - timezone.timedelta(hours=h)), version=1)
        for h in (5, 4, 3))
    handling = workflow.case_assign(actor=caseworker, case=handling, version=handling.version,
                                    lead_unit=county.housing)
    handling = workflow.case_meet(actor=caseworker, case=handling, version=handling.version, note="见面")
    return first, second, handling


def focused_in(page, action: str) -> bool:
    return page.evaluate(f"() => Boolean(document.activeElement.closest(\"details[data-action='{action}']\"))")


def test_a_opens_the_assign_form_j_goes_to_the_next_case_and_typing_an_a_does_nothing(page, day_of_cases):
    first, second, _handling = day_of_cases
    login(page, "zhang.caseworker")
    page.goto(page.base_url + f"/cases/{first.pk}/")
    assign = page.locator("details[data-action='assign']")
    shot(page, "tools-case-page")

    # Typing in a field is typing: the reason of 导入法律程序 takes the letter, the assign form stays shut.
    page.locator("details[data-action='divert'] > summary").click()
    page.locator("#divert-reason").type("a")
    assert page.locator("#divert-reason").input_value() == "a"
    assert assign.get_attribute("open") is None
    page.locator("details[data-action='divert'] > summary").click()
    page.locator("h1").click()  # out of the field

    page.keyboard.press("a")
    assert assign.get_attribute("open") is not None
    assert focused_in(page, "assign")
    assert page.evaluate("() => document.activeElement.value") == ""  # the letter opened the form, was not typed
    shot(page, "tools-assign-open")

    page.keyboard.press("Control+j")  # a browser's own shortcut is left alone
    assert page.url.endswith(f"/cases/{first.pk}/")
    page.locator("h1").click()
    page.keyboard.press("j")
    page.wait_for_url(f"**/cases/{second.pk}/")
    assert page.get_by_test_id("case-number").inner_text() == second.number
    page.keyboard.press("k")
    page.wait_for_url(f"**/cases/{first.pk}/")


def test_r_opens_the_reply_when_the_case_can_be_replied_to_and_says_so_when_not(page, day_of_cases):
    first, _second, handling = day_of_cases
    login(page, "zhang.caseworker")
    page.goto(page.base_url + f"/cases/{first.pk}/")

    page.keyboard.press("r")
    assert page.get_by_test_id("shortcut-status").inner_text() == "当前状态下您不能答复该事项。"

    page.goto(page.base_url + f"/cases/{handling.pk}/")
    page.keyboard.press("r")
    assert page.locator("details[data-action='reply']").get_attribute("open") is not None
    assert focused_in(page, "reply")
    page.keyboard.type("经核实")  # the focused reply takes what follows
    assert page.locator("#reply-text").input_value() == "经核实"
    shot(page, "tools-reply-open")


def test_question_mark_shows_the_shortcuts(page, day_of_cases):
    first, *_ = day_of_cases
    login(page, "zhang.caseworker")
    page.goto(page.base_url + f"/cases/{first.pk}/")
    assert page.get_by_test_id("shortcut-hint").inner_text() == "快捷键：?"

    page.keyboard.press("?")
    help_ = page.get_by_test_id("shortcut-help")
    help_.wait_for(state="visible")
    for text in ("键盘快捷键", "下一件", "打开“答复”表单", "打开“交办”表单", "打印办理单"):
        assert text in help_.inner_text()
    page.wait_for_function("() => Boolean(document.activeElement.closest('#shortcut-help'))")  # shown, focused
    shot(page, "tools-help")
    page.keyboard.press("Escape")
    help_.wait_for(state="hidden")

    page.set_viewport_size(PHONE)
    page.get_by_test_id("shortcut-hint").click()
    page.wait_for_function("() => Boolean(document.activeElement.closest('#shortcut-help'))")
    shot(page, "tools-help-phone")


def test_p_prints_the_case_masked_and_without_the_navigation(page, day_of_cases):
    first, *_ = day_of_cases
    login(page, "zhang.caseworker")
    page.goto(page.base_url + f"/cases/{first.pk}/")

    page.keyboard.press("p")
    page.wait_for_url(f"**/cases/{first.pk}/print/")

    assert page.get_by_test_id("case-number").inner_text() == first.number
    petitioners = page.get_by_test_id("print-petitioners").inner_text()
    assert "138****1234" in petitioners and "13805561234" not in page.content()
    assert page.locator(".app-navbar, nav").count() == 0
    assert page.get_by_test_id("print").is_visible()
    shot(page, "tools-print")
    page.emulate_media(media="print")
    assert not page.get_by_test_id("print").is_visible()  # the button is not on the paper
    shot(page, "tools-print-paper")
    page.emulate_media(media="screen")
    page.set_viewport_size(PHONE)
    shot(page, "tools-print-phone")


def test_the_county_admin_loads_the_year_from_the_calendar_data(page, county_admin):
    today = timezone.localdate()
    known = [y for y in (today.year, today.year + 1) if y in package_years()]
    if not known:
        pytest.skip("the installed chinese-calendar knows neither this year nor the next")
    year = known[-1]
    login(page, "zhao.admin")
    page.goto(page.base_url + "/deadlines/calendar/")
    line = page.get_by_test_id(f"year-{year}")
    assert line.get_attribute("data-state") == "to_load"
    shot(page, "tools-calendar-before")

    line.get_by_role("button", name=f"从日历数据载入{year}年节假日").click()
    page.wait_for_load_state()

    assert f"已从日历数据载入 {year} 年的法定节假日和调休上班日" in page.get_by_role("alert").first.inner_text()
    line = page.get_by_test_id(f"year-{year}")
    assert line.get_attribute("data-state") == "loaded"
    assert "已从日历数据载入" in line.inner_text()
    assert line.get_by_role("button").count() == 0
    shot(page, "tools-calendar-loaded")
    page.set_viewport_size(PHONE)
    shot(page, "tools-calendar-phone")
