"""The deadline pages that caseworkers, unit officers and leaders use: the clocks on the case page, the badges on
every list, the overdue board, the red/yellow list, suspensions, supervision documents and the bell."""

import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

import workflow
from deadlines import services as ds
from deadlines.models import Card, Deadline, Notification, Supervision, Suspension

from .conftest import at

pytestmark = pytest.mark.django_db

ASSIGNED_ON = "2026-11-16"  # a Monday: 见面 due on the 19th, 反馈 on the 23rd
OVERDUE_ON = "2026-11-20"  # 见面 is a day late (red), 反馈 is due on the next working day (yellow)


def assigned(register, caseworker, unit, **overrides):
    with time_machine.travel(at(ASSIGNED_ON), tick=False):
        case = workflow.case_accept(actor=caseworker, case=register(**overrides), version=1)
        return workflow.case_assign(actor=caseworker, case=case, version=case.version, lead_unit=unit)


def on_overdue_day():
    return time_machine.travel(at(OVERDUE_ON), tick=False)


def row(html: str, marker: str) -> str:
    """The table row (or list item) of ``html`` that carries ``marker``."""
    match = re.search(rf"<(tr|li)[^>]*{re.escape(marker)}.*?</\1>", html, re.S)
    assert match, f"no row with {marker}"
    return match.group(0)


def badge(html: str) -> str | None:
    match = re.search(r'data-testid="card-badge" data-colour="(\w+)"', html)
    return match.group(1) if match else None


# The case page ------------------------------------------------------------------------------------------------

def test_the_case_page_shows_the_clocks_and_a_red_badge_before_any_sweep_runs(client_as, register, caseworker,
                                                                               county):
    case = assigned(register, caseworker, county.housing)

    with on_overdue_day():
        html = client_as(caseworker).get(f"/cases/{case.pk}/").content.decode()

    assert not Card.objects.exists()
    assert badge(html) == "red"
    meet = row(html, 'data-milestone="meet"')
    assert "3日内见面" in meet and county.housing.name in meet and "2026-11-19" in meet and "已超期" in meet
    assert "即将到期" in row(html, 'data-milestone="feedback"')
    assert "按时完成" in row(html, 'data-milestone="decide"')
    assert "日历未确认" in row(html, 'data-milestone="handle"')  # due in 2027, whose holidays nobody entered


def test_the_case_page_offers_the_deadline_actions_through_the_action_form(client_as, register, caseworker, county):
    case = assigned(register, caseworker, county.housing)

    html = client_as(caseworker).get(f"/cases/{case.pk}/").content.decode()

    assert 'data-action="request_suspension"' in html and 'data-action="supervise"' in html
    assert 'name="respond_by"' in html and '<option value="letter">督办函</option>' in html


def test_an_assisting_unit_s_officer_is_offered_the_assist_report(client, register, caseworker, county):
    from tests.factories import make_person

    officer = make_person("zhou.township", county.township_government, ["unit_officer"], name="周乡镇")
    case = workflow.case_accept(actor=caseworker, case=register(), version=1)
    case = workflow.case_assign(actor=caseworker, case=case, version=case.version, lead_unit=county.housing,
                          assist_units=[county.township_government])
    client.force_login(officer, backend="django.contrib.auth.backends.ModelBackend")

    html = client.get(f"/cases/{case.pk}/").content.decode()

    assert 'data-action="assist_report"' in html and 'name="report"' in html
    assert "协办意见报送" in row(html, 'data-milestone="assist"') and county.township_government.name in html


def test_the_card_history_shows_raised_and_cleared_cards_with_the_reason(client_as, register, caseworker,
                                                                         unit_officer, county):
    case = assigned(register, caseworker, county.housing)
    with on_overdue_day():
        workflow.sweep()
        workflow.case_meet(actor=unit_officer, case=case, version=case.version)
        workflow.sweep()
        html = client_as(caseworker).get(f"/cases/{case.pk}/").content.decode()

    history = html.split('data-testid="cards"')[1].split("</section>")[0]
    assert "红牌" in history and "已按节点办理" in history and "超期完成" in html


# Lists ----------------------------------------------------------------------------------------------------

def test_the_case_list_shows_the_badge_and_filters_by_red_card(client_as, register, caseworker, county):
    overdue = assigned(register, caseworker, county.housing)
    with on_overdue_day():
        fresh = register(summary="刚收到的来信")
        client = client_as(caseworker)
        everything = client.get("/cases/").content.decode()
        red = client.get("/cases/?card=red&ordering=due_on").content.decode()

    assert badge(row(everything, f'data-case="{overdue.number}"')) == "red"
    assert badge(row(everything, f'data-case="{fresh.number}"')) is None
    assert "2026-11-19" in row(everything, f'data-case="{overdue.number}"')  # the due date column
    assert 'name="card"' in everything and "紧急程度（到期日）" in everything
    assert overdue.number in red and fresh.number not in red


def test_my_work_shows_the_badge_most_urgent_first(client_as, register, caseworker, unit_officer, county):
    case = assigned(register, caseworker, county.housing)

    with on_overdue_day():
        html = client_as(unit_officer).get("/cases/mine/").content.decode()

    assert badge(row(html, f'data-case="{case.number}"')) == "red"


# The overdue board ------------------------------------------------------------------------------------------

def test_the_board_counts_current_cards_by_unit_and_township_after_a_sweep(client_as, register, caseworker, leader,
                                                                           county):
    assigned(register, caseworker, county.housing)
    with on_overdue_day():
        workflow.sweep()
        html = client_as(leader).get("/deadlines/board/").content.decode()

    housing = row(html, f'data-unit="{county.housing.pk}"')
    assert f'?unit={county.housing.pk}&amp;colour=red">1</a>' in housing
    assert f'?unit={county.housing.pk}&amp;colour=yellow">1</a>' in housing
    township = row(html, f'data-region="{county.townships[0].code}"')
    assert county.townships[0].name in township and f'?region={county.townships[0].code}&amp;colour=red">1<' in township


def test_the_board_is_closed_to_a_unit_officer(client_as, unit_officer):
    assert client_as(unit_officer).get("/deadlines/board/").status_code == 403


# The red/yellow list ----------------------------------------------------------------------------------------

def test_the_card_list_shows_the_jurisdictions_current_cards_to_a_leader_and_the_unit_s_to_its_officer(
        client_as, register, caseworker, leader, unit_officer, county):
    case = assigned(register, caseworker, county.housing)
    with on_overdue_day():
        workflow.sweep()
        for person in (leader, unit_officer):
            html = client_as(person).get("/deadlines/cards/").content.decode()
            assert case.number in html and "3日内见面" in html
            assert "共 2 条" in html  # the red 见面 and the yellow 反馈
        red_only = client_as(leader).get(f"/deadlines/cards/?colour=red&unit={county.housing.pk}").content.decode()

    assert "共 1 条" in red_only


def test_another_countys_caseworker_sees_no_cards_and_their_case_links_are_404(client_as, register, caseworker,
                                                                               other_caseworker, county):
    case = assigned(register, caseworker, county.housing)
    with on_overdue_day():
        workflow.sweep()
        client = client_as(other_caseworker)
        html = client.get("/deadlines/cards/").content.decode()
        by_case = client.get(f"/deadlines/cards/?case={case.pk}").content.decode()
        case_page = client.get(f"/cases/{case.pk}/")

    assert Card.objects.filter(case=case).exists()
    assert "没有符合条件的红黄牌" in html and case.number not in html
    assert "共 0 条" in by_case
    assert case_page.status_code == 404


def test_the_card_list_costs_the_same_queries_for_one_card_and_for_many(client_as, register, caseworker, leader,
                                                                        county, django_assert_max_num_queries):
    assigned(register, caseworker, county.housing)
    with on_overdue_day():
        workflow.sweep()
        client = client_as(leader)
        client.get("/deadlines/cards/?colour=red")
        with CaptureQueriesContext(connection) as one:
            assert "共 1 条" in client.get("/deadlines/cards/?colour=red").content.decode()
    for _ in range(6):
        assigned(register, caseworker, county.housing)
    with on_overdue_day():
        workflow.sweep()
        with django_assert_max_num_queries(len(one)):
            assert "共 7 条" in client.get("/deadlines/cards/?colour=red").content.decode()


def test_a_bad_filter_on_the_card_list_says_so_in_chinese(client_as, leader):
    html = client_as(leader).get("/deadlines/cards/?unit=abc").content.decode()

    assert "筛选条件有误" in html and "责任单位" in html


# Suspensions ------------------------------------------------------------------------------------------------

def test_a_caseworker_approves_a_suspension_on_the_page_and_the_clock_shows_it(client_as, register, caseworker,
                                                                               unit_officer, county):
    case = assigned(register, caseworker, county.housing)
    with time_machine.travel(at("2026-11-17"), tick=False):
        client_as(unit_officer).post(f"/cases/{case.pk}/act/request-suspension/", {"reason": "等待信访人补充材料"})
        suspension = Suspension.objects.get(case=case)
        html = client_as(caseworker).post(f"/deadlines/suspensions/{suspension.pk}/decide/",
                                          {"approve": "1", "note": "同意"}, follow=True).content.decode()

    assert "已批准中止计时" in html
    assert "中止计时" in row(html, 'data-milestone="meet"')
    assert badge(html) is None
    assert Deadline.objects.filter(case=case, suspended_since__isnull=False).exists()
    assert "恢复计时" in html


def test_resuming_on_the_page_restarts_the_clock(client_as, register, caseworker, unit_officer, county):
    case = assigned(register, caseworker, county.housing)
    with time_machine.travel(at("2026-11-17"), tick=False):
        suspension = ds.suspension_request(actor=unit_officer, case=case, reason="等待鉴定")
        ds.suspension_decide(actor=caseworker, suspension=suspension, approve=True)
    with time_machine.travel(at("2026-11-24"), tick=False):
        html = client_as(unit_officer).post(f"/deadlines/suspensions/{suspension.pk}/end/", follow=True
                                            ).content.decode()

    assert "已恢复计时" in html
    assert "中止7天" in row(html, 'data-milestone="meet"')
    assert Suspension.objects.get(pk=suspension.pk).status == "ended"


def test_a_unit_officer_may_not_approve_a_suspension_and_nothing_changes(client_as, register, caseworker,
                                                                         unit_officer, county):
    case = assigned(register, caseworker, county.housing)
    suspension = ds.suspension_request(actor=unit_officer, case=case, reason="等待鉴定")

    html = client_as(unit_officer).post(f"/deadlines/suspensions/{suspension.pk}/decide/", {"approve": "1"},
                                        follow=True).content.decode()

    assert "您没有执行此操作的权限" in html
    assert Suspension.objects.get(pk=suspension.pk).status == "pending"


def test_another_countys_suspension_is_404(client_as, register, caseworker, unit_officer, other_caseworker, county):
    case = assigned(register, caseworker, county.housing)
    suspension = ds.suspension_request(actor=unit_officer, case=case, reason="等待鉴定")

    response = client_as(other_caseworker).post(f"/deadlines/suspensions/{suspension.pk}/decide/", {"approve": "1"})

    assert response.status_code == 404
    assert Suspension.objects.get(pk=suspension.pk).status == "pending"


# Supervision ------------------------------------------------------------------------------------------------

def issue_letter(client, case, respond_by="2026-11-25"):
    return client.post(f"/cases/{case.pk}/act/supervise/", {
        "version": case.version, "kind": "letter", "content": "请于三日内与信访人见面并报告", "respond_by": respond_by},
        follow=True)


def test_a_unit_officer_acknowledges_and_responds_to_a_letter_and_the_printable_page_shows_its_number(
        client_as, register, caseworker, unit_officer, county):
    case = assigned(register, caseworker, county.housing)
    with on_overdue_day():
        assert "已督办" in issue_letter(client_as(caseworker), case).content.decode()
        letter = Supervision.objects.get(case=case)
        officer = client_as(unit_officer)
        case_page = officer.get(f"/cases/{case.pk}/").content.decode()
        acknowledged = officer.post(f"/deadlines/supervisions/{letter.pk}/acknowledge/", follow=True).content.decode()
        responded = officer.post(f"/deadlines/supervisions/{letter.pk}/respond/",
                                 {"response": "已与信访人见面，正在协调施工方"}, follow=True).content.decode()
        sheet = officer.get(f"/deadlines/supervisions/{letter.pk}/").content.decode()

    assert f"/deadlines/supervisions/{letter.pk}/acknowledge/" in case_page
    assert f"已签收{letter.number}" in acknowledged
    assert f"已回复{letter.number}" in responded
    letter.refresh_from_db()
    assert letter.acknowledged_by == unit_officer and letter.response == "已与信访人见面，正在协调施工方"
    assert letter.number in sheet and "督办函" in sheet and case.number in sheet and "2026年11月25日" in sheet
    assert "已与信访人见面" in sheet and "data-print" in sheet


def test_an_empty_response_shows_a_chinese_error_and_changes_nothing(client_as, register, caseworker, unit_officer,
                                                                     county):
    case = assigned(register, caseworker, county.housing)
    with on_overdue_day():
        letter = ds.supervision_issue(actor=caseworker, case=case, kind="letter", content="请尽快见面",
                                      respond_by=at("2026-11-25").date())
        html = client_as(unit_officer).post(f"/deadlines/supervisions/{letter.pk}/respond/", {"response": "  "},
                                            follow=True).content.decode()

    assert "请填写办理情况。" in html
    letter.refresh_from_db()
    assert letter.responded_at is None and letter.acknowledged_at is None and letter.response == ""


def test_only_the_supervised_unit_gets_the_response_form(client_as, register, caseworker, county):
    case = assigned(register, caseworker, county.housing)
    letter = ds.supervision_issue(actor=caseworker, case=case, kind="reminder", content="请尽快见面",
                                  respond_by=at("2030-01-01").date())

    html = client_as(caseworker).get(f"/cases/{case.pk}/").content.decode()

    assert letter.number in html and f"/deadlines/supervisions/{letter.pk}/respond/" not in html


def test_another_countys_supervision_is_404(client_as, register, caseworker, other_caseworker, county):
    case = assigned(register, caseworker, county.housing)
    letter = ds.supervision_issue(actor=caseworker, case=case, kind="letter", content="请尽快见面",
                                  respond_by=at("2030-01-01").date())
    client = client_as(other_caseworker)

    assert client.get(f"/deadlines/supervisions/{letter.pk}/").status_code == 404
    assert client.post(f"/deadlines/supervisions/{letter.pk}/acknowledge/").status_code == 404
    assert letter.number not in client.get("/deadlines/supervisions/").content.decode()


def test_the_supervision_list_filters_unanswered_documents(client_as, register, caseworker, county):
    case = assigned(register, caseworker, county.housing)
    letter = ds.supervision_issue(actor=caseworker, case=case, kind="letter", content="请尽快见面",
                                  respond_by=at("2030-01-01").date())
    client = client_as(caseworker)

    assert letter.number in client.get("/deadlines/supervisions/?answered=false").content.decode()
    assert letter.number not in client.get("/deadlines/supervisions/?answered=true").content.decode()


# Notifications ----------------------------------------------------------------------------------------------

def bell_count(html: str) -> int:
    match = re.search(r'data-testid="bell-count">(\d+)<', html)
    return int(match.group(1)) if match else 0


def test_the_bell_shows_the_unread_count_and_mark_read_clears_it(client_as, register, caseworker, unit_officer,
                                                                county):
    case = assigned(register, caseworker, county.housing)
    letter = ds.supervision_issue(actor=caseworker, case=case, kind="letter", content="请尽快见面",
                                  respond_by=at("2030-01-01").date())
    client = client_as(unit_officer)

    assert bell_count(client.get("/").content.decode()) == 1
    listed = client.get("/deadlines/notifications/").content.decode()
    assert f"督办函 {letter.number}：{case.number}" in listed and f"/cases/{case.pk}/" in listed
    cleared = client.post("/deadlines/notifications/read/", follow=True).content.decode()

    assert bell_count(cleared) == 0
    assert not Notification.objects.filter(user=unit_officer, read_at__isnull=True).exists()


def test_the_bell_costs_one_query_and_none_when_logged_out(client_as, client, caseworker):
    assert 'data-testid="bell"' not in client.get("/login/").content.decode()
    logged_in = client_as(caseworker)
    logged_in.get("/")

    with CaptureQueriesContext(connection) as queries:
        logged_in.get("/")

    assert sum("deadlines_notification" in q["sql"] for q in queries.captured_queries) == 1


def test_marking_notifications_read_with_a_malformed_id_is_a_message_not_an_error(client_as, unit_officer):
    response = client_as(unit_officer).post("/deadlines/notifications/read/", {"id": "²"}, follow=True)

    assert response.status_code == 200
    assert "通知编号有误" in response.content.decode()
