"""A caseworker's day on the case page: the case printed for the paper file (masked as the page masks, recorded as an
export, within the county), the next and previous case of their my-work list, and the page's shortcut hooks."""

import re

import pytest
from django.utils import timezone

import workflow
from cases.models import Attachment
from tests.cases.conftest import ID_WANG
from xinfang.org.models import AuditEvent

pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


def replied(case, caseworker, county):
    """The case accepted, assigned to the housing bureau with the township assisting, met and replied to."""
    case = workflow.case_accept(actor=caseworker, case=case, version=case.version)
    case = workflow.case_assign(actor=caseworker, case=case, version=case.version, lead_unit=county.housing,
                                assist_units=[county.township_government])
    case = workflow.case_meet(actor=caseworker, case=case, version=case.version, note="与信访人见面")
    return workflow.case_reply(actor=caseworker, case=case, version=case.version, text="已督促施工方支付拖欠工资。")


# The print view -------------------------------------------------------------------------------------------------

def test_the_printed_case_carries_what_the_file_needs_masked_and_without_the_navigation(
        client_as, caseworker, case, county):
    case = replied(case, caseworker, county)
    Attachment.objects.create(case=case, file="cases/2026/12/letter.pdf", name="来信扫描件.pdf", size=2048,
                              content_type="application/pdf")

    page = html(client_as(caseworker).get(f"/cases/{case.pk}/print/"))

    assert f'data-testid="case-number">{case.number}<' in page
    assert "340822********7718" in page and ID_WANG not in page
    assert "138****1234" in page and "13805561234" not in page
    for text in ("来信", "欠薪", "反映城关镇某工地拖欠农民工工资三个月", "请求督促支付工资共计4.2万元",
                 "怀宁县住房和城乡建设局", "怀宁县城关镇党委政府", "已答复", "已督促施工方支付拖欠工资。",
                 "答复后回访", "第1次回访", "来信扫描件.pdf", "张信访 于"):
        assert text in page, text
    assert "app-navbar" not in page and "<nav" not in page
    assert 'data-print' in page and "js/app.js" in page  # the print button, hidden when printing (d-print-none)


def test_printing_a_case_is_recorded_as_an_export(client_as, caseworker, case, county):
    client_as(caseworker).get(f"/cases/{case.pk}/print/")

    event = AuditEvent.objects.get(action="cases.print.export")
    assert (event.actor, event.object_id, event.object_repr, event.region) == (
        caseworker, str(case.pk), case.number, county.bureau.region)


def test_another_county_s_caseworker_cannot_print_the_case(client_as, other_caseworker, case):
    assert client_as(other_caseworker).get(f"/cases/{case.pk}/print/").status_code == 404
    assert not AuditEvent.objects.filter(action="cases.print.export").exists()


def test_the_print_view_costs_a_bounded_number_of_queries(client_as, caseworker, case, county,
                                                          django_assert_max_num_queries):
    case = replied(case, caseworker, county)
    for n in range(5):
        Attachment.objects.create(case=case, file=f"cases/2026/12/{n}.pdf", name=f"材料{n}.pdf", size=1,
                                  content_type="application/pdf")
    client = client_as(caseworker)
    client.get(f"/cases/{case.pk}/print/")

    with django_assert_max_num_queries(30):  # the case file (as its page), the return visits' results, the audit row
        response = client.get(f"/cases/{case.pk}/print/")

    assert response.status_code == 200


def test_the_case_page_links_to_its_print_view(client_as, caseworker, case):
    page = html(client_as(caseworker).get(f"/cases/{case.pk}/"))

    assert f'href="/cases/{case.pk}/print/" data-shortcut="p"' in page


# Next and previous case ----------------------------------------------------------------------------------------

def three_waiting(register):
    """Three letters waiting for the caseworker's decision, received an hour apart: all due the same day, so the
    oldest comes first."""
    now = timezone.now()
    return [register(received_at=now - timezone.timedelta(hours=hours)) for hours in (5, 4, 3)]


def test_next_goes_to_the_next_case_of_my_work_and_previous_back(client_as, caseworker, register):
    first, second, third = three_waiting(register)
    client = client_as(caseworker)

    assert client.get(f"/cases/{first.pk}/next/").url == f"/cases/{second.pk}/"
    assert client.get(f"/cases/{second.pk}/next/").url == f"/cases/{third.pk}/"
    assert client.get(f"/cases/{third.pk}/previous/").url == f"/cases/{second.pk}/"
    assert client.get(f"/cases/{second.pk}/previous/").url == f"/cases/{first.pk}/"


def test_after_the_last_case_of_my_work_the_caseworker_stays_and_is_told(client_as, caseworker, register):
    *_, last = three_waiting(register)

    response = client_as(caseworker).get(f"/cases/{last.pk}/next/", follow=True)

    assert response.redirect_chain == [(f"/cases/{last.pk}/", 302)]
    assert "“我的待办”中没有下一件了。" in html(response)


def test_next_skips_cases_that_do_not_wait_for_the_user(client_as, caseworker, register, county):
    first, second, third = three_waiting(register)
    workflow.case_accept(actor=caseworker, case=second, version=second.version)
    second.refresh_from_db()
    workflow.case_assign(actor=caseworker, case=second, version=second.version, lead_unit=county.housing)

    assert client_as(caseworker).get(f"/cases/{first.pk}/next/").url == f"/cases/{third.pk}/"


def test_another_county_s_case_has_no_neighbours_to_show(client_as, other_caseworker, case):
    assert client_as(other_caseworker).get(f"/cases/{case.pk}/next/").status_code == 404


# The shortcuts' hooks on the case page ----------------------------------------------------------------------------

def test_the_case_page_offers_the_shortcuts_and_their_help(client_as, caseworker, case):
    page = html(client_as(caseworker).get(f"/cases/{case.pk}/"))

    assert re.search(r'href="/cases/\d+/next/" data-shortcut="j"', page)
    assert re.search(r'href="/cases/\d+/previous/" data-shortcut="k"', page)
    assert "快捷键：" in page and 'id="shortcut-help"' in page
    assert "js/shortcuts.js" in page
