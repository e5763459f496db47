"""An overdue case in the browser: the caseworker sees its red badge, issues a 督办函 and prints it; the unit
officer finds it behind the bell, signs for it and answers."""

import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone

import workflow
from deadlines.models import Notification, Supervision
from tests.browser.test_case_journey import act, login
from tests.cases.conftest import register  # noqa: F401 - registers a letter as the caseworker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The case page with its clocks, badge and letter, for a person to look at (/tmp/deadlines_case.png here).
SCREENSHOT = Path(tempfile.gettempdir()) / "deadlines_case.png"


@pytest.fixture
def overdue_case(register, caseworker, unit_officer, county):  # noqa: F811 - the fixture imported above
    """A letter assigned to the housing bureau ten days ago: its 3-day meeting is overdue, and the sweep (run
    now, in the test process, before the browser starts) has raised the cards and notified the unit."""
    with time_machine.travel(timezone.now() - timedelta(days=10), tick=False):
        case = workflow.case_accept(actor=caseworker, case=register(), version=1)
        case = workflow.case_assign(actor=caseworker, case=case, version=case.version, lead_unit=county.housing)
    workflow.sweep()
    return case


def test_an_overdue_case_is_supervised_printed_signed_for_and_answered(page, overdue_case, caseworker, unit_officer,
                                                                      county):
    case = overdue_case
    login(page, "zhang.caseworker")
    page.goto(page.base_url + "/cases/")
    row = page.locator(f'tr[data-case="{case.number}"]')
    assert row.get_by_test_id("card-badge").inner_text() == "红牌"

    row.get_by_role("link", name=case.number).click()
    assert page.get_by_test_id("card-badge").first.get_attribute("data-colour") == "red"
    assert "已超期" in page.locator('[data-milestone="meet"]').inner_text()

    respond_by = (timezone.localdate() + timedelta(days=3)).isoformat()
    act(page, "督办", {"kind": "督办函", "content": "请三日内与信访人见面并书面报告办理情况", "respond_by": respond_by})
    letter = Supervision.objects.get(case=case)
    panel = page.get_by_test_id("supervisions")
    assert letter.number in panel.inner_text()
    page.screenshot(path=SCREENSHOT, full_page=True)

    panel.get_by_role("link", name=letter.number).click()
    assert page.get_by_test_id("supervision-number").inner_text() == letter.number
    sheet = page.get_by_test_id("supervision-sheet").inner_text()
    assert "督办函" in sheet and county.housing.name in sheet and case.number in sheet
    page.emulate_media(media="print")
    assert not page.locator("nav.app-navbar").is_visible()
    assert not page.get_by_test_id("print").is_visible()
    page.emulate_media(media="screen")

    login(page, "li.officer")
    unread = Notification.objects.filter(user=unit_officer, read_at__isnull=True).count()
    assert unread >= 2  # the meeting's red card and the letter
    assert page.get_by_test_id("bell-count").inner_text() == str(unread)
    page.get_by_test_id("bell").click()
    page.get_by_role("link", name=f"督办函 {letter.number}").click()

    supervision = page.locator(f'[data-supervision="{letter.number}"]')
    supervision.get_by_role("button", name="签收").click()
    assert page.get_by_role("alert").first.inner_text() == f"已签收{letter.number}。"
    supervision.get_by_label("办理情况").fill("已与信访人见面，正在协调施工方支付工资")
    supervision.get_by_role("button", name="回复督办").click()
    assert page.get_by_role("alert").first.inner_text() == f"已回复{letter.number}。"
    assert "已回复" in page.locator(f'[data-supervision="{letter.number}"]').inner_text()

    page.get_by_test_id("bell").click()
    page.get_by_role("button", name="全部标为已读").click()
    assert page.get_by_test_id("bell-count").count() == 0
    letter.refresh_from_db()
    assert letter.acknowledged_by == unit_officer and letter.responded_by == unit_officer
