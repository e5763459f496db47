"""The lists a cadre or a leader works from, on a 390-px phone: each row is a card that fits the screen, its values
named by their column's label, and no column headers; on a desktop the same lists are tables with their headers."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

import workflow
from cases.services import PetitionerInput
from dossiers import services as ds
from tests.browser.conftest import PHONE, shot
from tests.browser.test_case_journey import login
from tests.cases.conftest import register  # noqa: F401 - registers a letter as the caseworker
from tests.visits.conftest import walk_to_replied
from visits import services as vs

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}

# (name, who looks, the list's address, its table, the case a card is looked at for, a column label shown in it)
TABLES = [
    ("my-work", "li.officer", "/cases/mine/", "case-table", "overdue", "状态"),
    ("cases", "zhang.caseworker", "/cases/", "case-table", "overdue", "状态"),
    ("receptions", "zhang.caseworker", "/visits/receptions/", "reception-table", "overdue", "信访事项"),
    ("field-visits", "zhang.caseworker", "/visits/field/", "field-table", "overdue", "相关事项"),
    ("return-visits", "zhang.caseworker", "/visits/return-visits/", "return-visit-table", "replied", "状态"),
    ("backlog-board", "zhang.caseworker", "/dossiers/", "dossier-table", "overdue", "阶段"),
    ("my-dossiers", "wang.leader", "/dossiers/mine/", "owned-table", "overdue", "办理状态"),
    ("cards", "zhang.caseworker", "/deadlines/cards/", "card-table", "overdue", "信访事项"),
]


@pytest.fixture
def lists(register, caseworker, unit_officer, leader, county):  # noqa: F811 - the fixture imported above
    """Something on every list: a letter assigned to the housing bureau ten days ago (its meeting overdue, so the
    sweep has raised a red card and notified the unit), which 王县长 received at his reception and designated as a
    backlog case, and which a field visit looked into; and a second letter replied to, waiting for its return
    visit."""
    with time_machine.travel(timezone.now() - timedelta(days=10), tick=False):
        case = workflow.case_accept(actor=caseworker, case=register(), version=1)
        case = workflow.case_assign(actor=caseworker, case=case, version=case.version, lead_unit=county.housing)
    workflow.sweep()
    workflow.reception_record(actor=caseworker, data=vs.ReceptionInput(
        leader=leader, received_at=timezone.now() - timedelta(hours=1), raised="催问拖欠的农民工工资",
        decided="责成县住建局一周内督促施工方支付", case=case))
    vs.field_visit_record(actor=caseworker, data=vs.FieldVisitInput(
        kind="down", region=county.villages[0], visited_at=timezone.now() - timedelta(hours=3),
        summary="到工地了解工资支付进展", household="王建国家", cadres=[caseworker], cases=[case]))
    ds.dossier_designate(actor=leader, case=case, reason="多年重复信访，涉及住建、人社多个部门")
    other = register(petitioner=PetitionerInput(name="李秀英", phone="13905569876"), summary="反映小区路灯损坏")
    return {"overdue": case, "replied": walk_to_replied(other, caseworker, unit_officer, county.housing)}


def fits_the_phone(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]


def drawn_label(cell) -> str:
    """The label the stylesheet draws before a cell's value (text that inner_text() does not see), or ''."""
    content = cell.evaluate("e => getComputedStyle(e, '::before').content")
    return content.strip('"') if content not in ("none", "normal") else ""


@pytest.mark.parametrize(("name", "username", "url", "table", "case", "label"), TABLES, ids=[t[0] for t in TABLES])
def test_each_list_is_a_pile_of_cards_on_a_phone_and_a_table_on_a_desktop(page, lists, name, username, url, table,
                                                                          case, label):
    number = lists[case].number
    login(page, username)
    page.set_viewport_size(PHONE)
    page.goto(page.base_url + url)
    rows = page.locator(f"[data-testid={table}] tbody tr")
    assert rows.count() >= 1
    assert page.locator(f"[data-testid={table}] th").filter(visible=True).count() == 0
    assert fits_the_phone(page)
    for i in range(rows.count()):
        box = rows.nth(i).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (name, i, box)
    card = rows.filter(has_text=number).first
    assert card.get_by_text(number).first.is_visible()
    cell = card.locator(f'td[data-label="{label}"]')
    assert cell.is_visible() and drawn_label(cell) == label
    assert drawn_label(card.locator("td").first) == ""  # the card's title needs no label
    shot(page, f"phone-{name}")

    page.set_viewport_size(DESKTOP)
    assert page.locator(f"[data-testid={table}] thead th").first.is_visible()
    assert drawn_label(cell) == ""  # on a desktop the column's header names it
    shot(page, f"desktop-{name}")


def test_the_empty_list_reads_as_one_line_on_a_phone(page, caseworker):
    login(page, "zhang.caseworker")
    page.set_viewport_size(PHONE)
    page.goto(page.base_url + "/cases/")
    empty = page.locator("[data-testid=case-table] tbody tr")
    assert empty.count() == 1 and empty.inner_text().strip() == "没有符合条件的信访事项。"
    assert empty.is_visible() and fits_the_phone(page)
    shot(page, "phone-cases-empty")


def test_the_overdue_board_counts_each_unit_and_township_on_a_card_on_a_phone(page, lists, county):
    login(page, "zhang.caseworker")
    page.set_viewport_size(PHONE)
    page.goto(page.base_url + "/deadlines/board/")
    units = page.get_by_test_id("board-units")
    assert units.locator("th").filter(visible=True).count() == 0
    housing = units.locator("tbody tr", has_text=county.housing.name)
    assert housing.is_visible() and drawn_label(housing.locator("td").nth(2)) == "红牌"
    assert housing.bounding_box()["width"] <= PHONE["width"] and fits_the_phone(page)
    shot(page, "phone-overdue-board")

    page.set_viewport_size(DESKTOP)
    assert units.locator("thead th").first.is_visible()
    shot(page, "desktop-overdue-board")


def test_the_notifications_fit_the_phone(page, lists):
    login(page, "li.officer")
    page.set_viewport_size(PHONE)
    page.goto(page.base_url + "/deadlines/notifications/")
    items = page.locator("[data-testid=notifications] li")
    assert items.count() >= 1
    note = items.filter(has_text=lists["overdue"].number).first
    assert note.is_visible() and "红牌" in note.inner_text()
    for i in range(items.count()):
        box = items.nth(i).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (i, box)
    assert fits_the_phone(page)
    shot(page, "phone-notifications")
