"""Under the Content-Security-Policy (``script-src 'self'``) the pages' small behaviours come from static/js/app.js:
a confirm-protected form asks first, the print, copy and language controls work, and the browser refuses nothing."""

import pytest

from visits.models import CalendarFeed

from .test_case_journey import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def csp_refusals(page) -> list[str]:
    """The console messages in which Chromium reports a script or handler the policy refused, from now on."""
    refusals = []
    page.on("console", lambda message: refusals.append(message.text)
            if "Content Security Policy" in message.text else None)
    return refusals


def test_regenerating_the_calendar_address_asks_first_and_goes_ahead_only_when_accepted(page, leader):
    refusals = csp_refusals(page)
    login(page, "wang.leader")
    page.goto(page.base_url + "/visits/calendar/")
    address = page.get_by_test_id("feed-url").input_value()
    regenerate = page.get_by_role("button", name="重新生成订阅地址")
    asked = []

    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    regenerate.click()
    page.wait_for_timeout(500)  # time for a submission the declined confirm should have stopped

    assert asked == ["重新生成后，原订阅地址将失效。确定？"]
    assert CalendarFeed.objects.get(user=leader).token in address
    assert page.get_by_test_id("feed-url").input_value() == address

    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        regenerate.click()

    assert page.get_by_role("alert").first.inner_text() == "已生成新的订阅地址，原地址已失效。"
    new_address = page.get_by_test_id("feed-url").input_value()
    assert new_address != address and CalendarFeed.objects.get(user=leader).token in new_address
    assert refusals == []


def test_the_print_copy_and_language_controls_work_without_inline_script(page, leader):
    refusals = csp_refusals(page)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=page.base_url)
    login(page, "wang.leader")

    page.goto(page.base_url + "/visits/stats/")
    page.wait_for_function("() => document.querySelector('#chart-levels canvas') !== null")  # static/js/visits_stats.js
    assert page.locator("#chart-levels").bounding_box()["height"] == 260  # the chart's height, now in app.css
    page.evaluate("() => { window.print = () => { window.printed = (window.printed || 0) + 1; }; }")  # no dialog
    page.get_by_role("button", name="打印").click()
    assert page.evaluate("window.printed") == 1

    page.goto(page.base_url + "/visits/calendar/")
    page.get_by_role("button", name="复制").click()
    assert page.evaluate("navigator.clipboard.readText()") == page.get_by_test_id("feed-url").input_value()

    with page.expect_navigation():
        page.get_by_label("语言").select_option("en")
    assert page.evaluate("document.documentElement.lang") == "en"
    assert refusals == []
