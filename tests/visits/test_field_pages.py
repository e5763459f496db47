"""The field-work pages: a cadre records a (night) visit on the phone, the caseworker works the return visits, the
petitioner answers through the one-time link printed on the reply letter, and the reports show who fell short."""

import re
from datetime import datetime, time, timedelta

import pytest
from django.test import Client
from django.utils import timezone

import workflow
from cases.models import Case
from visits import services as vs
from visits.models import AnswerLink, FieldVisit, ReturnVisit
from xinfang.rules.models import RulesVersion
from xinfang.rules.services import rules_save

from .conftest import walk_to_replied

pytestmark = pytest.mark.django_db


def local(day, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def field_form(county, caseworker, when: datetime, **overrides) -> dict:
    data = {"kind": "household", "visited_at": timezone.localtime(when).strftime("%Y-%m-%dT%H:%M"),
            "region": county.villages[0].pk, "cadres": [caseworker.pk], "household": "王建国家",
            "summary": "了解工资支付进展", "issues_found": "", "case_numbers": ""}
    data.update(overrides)
    return data


def row(html: str, marker: str) -> str:
    match = re.search(rf"<tr[^>]*{re.escape(marker)}.*?</tr>", html, re.S)
    assert match, f"no row with {marker}"
    return match.group(0)


@pytest.fixture
def replied(case, caseworker, unit_officer, county):
    return walk_to_replied(case, caseworker, unit_officer, county.housing)


def record_visit(actor, county, when, cadres=(), cases=()) -> FieldVisit:
    return vs.field_visit_record(actor=actor, data=vs.FieldVisitInput(
        kind="down", region=county.villages[0], visited_at=when, summary="走访了解情况", cadres=list(cadres),
        cases=list(cases)))


# Field visits ---------------------------------------------------------------------------------------------

def test_a_visit_recorded_on_the_phone_form_at_eight_last_night_is_a_night_visit(client_as, caseworker, county,
                                                                                  case):
    yesterday_evening = local(timezone.localdate() - timedelta(days=1), 20)
    client = client_as(caseworker)

    response = client.post("/visits/field/new/", field_form(county, caseworker, yesterday_evening,
                                                            case_numbers=case.number), follow=True)

    visit = FieldVisit.objects.get()
    assert visit.is_night and visit.visited_at == yesterday_evening and list(visit.cases.all()) == [case]
    html = response.content.decode()
    assert "计为夜访" in html and 'data-testid="night"' in html
    assert 'data-testid="night"' in row(client.get("/visits/field/").content.decode(), f'data-visit="{visit.pk}"')


def test_the_phone_form_defaults_to_now_and_to_me(client_as, caseworker):
    html = client_as(caseworker).get("/visits/field/new/").content.decode()

    assert 'type="datetime-local"' in html and timezone.localtime().strftime("%Y-%m-%dT") in html
    assert re.search(rf'<option value="{caseworker.pk}" selected>', html)


def test_a_visit_dated_in_the_future_shows_the_error_and_saves_nothing(client_as, caseworker, county):
    tomorrow = timezone.now() + timedelta(days=1)

    response = client_as(caseworker).post("/visits/field/new/", field_form(county, caseworker, tomorrow))

    assert response.status_code == 400
    assert "走访时间不能晚于现在" in response.content.decode()
    assert not FieldVisit.objects.exists()


def test_an_unknown_case_number_on_the_form_saves_nothing(client_as, caseworker, county):
    response = client_as(caseworker).post("/visits/field/new/", field_form(
        county, caseworker, timezone.now() - timedelta(hours=1), case_numbers="XF-NO-SUCH"))

    assert response.status_code == 400 and "XF-NO-SUCH" in response.content.decode()
    assert not FieldVisit.objects.exists()


def test_the_field_visit_list_shows_the_month_s_summary_by_cadre(client_as, caseworker, commissioner, county):
    record_visit(caseworker, county, timezone.now() - timedelta(minutes=30), cadres=[caseworker, commissioner])

    html = client_as(caseworker).get("/visits/field/").content.decode()

    by_cadre = re.search(r'data-testid="by-cadre".*?</table>', html, re.S).group(0)
    assert "孙专员" in by_cadre and "张信访" in by_cadre


def test_the_field_visit_list_runs_in_a_fixed_number_of_queries(client_as, caseworker, commissioner, county,
                                                                 register, django_assert_max_num_queries):
    cases = [register() for _ in range(3)]
    for i in range(8):
        record_visit(caseworker, county, timezone.now() - timedelta(hours=i + 1), cadres=[caseworker, commissioner],
                     cases=cases[: i % 3 + 1])
    client = client_as(caseworker)

    with django_assert_max_num_queries(16):
        response = client.get("/visits/field/")

    assert response.status_code == 200
    assert response.content.decode().count("data-visit=") == 8


def test_another_county_s_caseworker_gets_404_on_a_field_visit(client_as, caseworker, other_caseworker, county):
    visit = record_visit(caseworker, county, timezone.now() - timedelta(hours=1))

    assert client_as(other_caseworker).get(f"/visits/field/{visit.pk}/").status_code == 404


# Return visits --------------------------------------------------------------------------------------------

def test_the_return_visit_list_shows_the_caseworker_s_pending_visit_after_a_reply(client_as, caseworker, replied):
    visit = ReturnVisit.objects.get(case=replied)

    html = client_as(caseworker).get("/visits/return-visits/").content.decode()

    mine = row(html, f'data-return-visit="{visit.pk}"')
    assert replied.number in mine and "王建国" in mine
    assert "发送评价短信" in mine and "打印答复告知书（二维码）" in mine and "记录回访" in mine
    assert visit.deadline.due_on.isoformat() in mine


def test_recording_the_return_visit_on_its_page_closes_the_loop(client_as, caseworker, replied):
    visit = ReturnVisit.objects.get(case=replied)

    response = client_as(caseworker).post(f"/visits/return-visits/{visit.pk}/record/", {
        "result": "satisfied", "method": "phone", "note": "工资已到账",
        "visited_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")})

    assert response.status_code == 302 and response["Location"] == f"/cases/{replied.pk}/"
    case = Case.objects.get(pk=replied.pk)
    assert case.satisfaction == "satisfied" and case.evaluations.get().method == "phone"
    assert ReturnVisit.objects.get(pk=visit.pk).status == "done"


def test_a_return_visit_already_recorded_is_not_recorded_again(client_as, caseworker, replied):
    visit = ReturnVisit.objects.get(case=replied)
    workflow.return_visit_record(actor=caseworker, case=replied, result="unsatisfied", method="phone", note="金额不足")

    response = client_as(caseworker).post(f"/visits/return-visits/{visit.pk}/record/", {
        "result": "satisfied", "method": "phone", "visited_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")})

    assert response.status_code == 404  # the page belongs to the pending visit, which this one no longer is
    assert Case.objects.get(pk=replied.pk).evaluations.count() == 1


def test_the_evaluation_sms_reports_the_masked_number(client_as, caseworker, replied):
    visit = ReturnVisit.objects.get(case=replied)

    response = client_as(caseworker).post(f"/visits/return-visits/{visit.pk}/link/", {"channel": "sms"}, follow=True)

    assert "已发送至 138****1234" in response.content.decode()
    assert AnswerLink.objects.get().sent_to == "138****1234"


def test_another_county_s_caseworker_gets_404_on_a_return_visit(client_as, other_caseworker, replied):
    visit = ReturnVisit.objects.get(case=replied)
    client = client_as(other_caseworker)

    assert client.get(f"/visits/return-visits/{visit.pk}/record/").status_code == 404
    assert client.post(f"/visits/return-visits/{visit.pk}/link/", {"channel": "sms"}).status_code == 404
    assert client.get(f"/visits/cases/{replied.pk}/reply-letter/").status_code == 404
    assert not AnswerLink.objects.exists()


# The reply letter and the petitioner's answer -------------------------------------------------------------

def test_the_reply_letter_carries_a_qr_code_of_a_fresh_one_time_link(client_as, caseworker, replied):
    client = client_as(caseworker)
    assert 'data-testid="make-qr"' in client.get(f"/visits/cases/{replied.pk}/reply-letter/").content.decode()
    assert not AnswerLink.objects.exists()  # reading the letter changes nothing

    html = client.post(f"/visits/cases/{replied.pk}/reply-letter/").content.decode()

    link = AnswerLink.objects.get()
    qr = re.search(r'data-testid="qr".*?</svg>', html, re.S).group(0)
    assert "<svg" in qr and link.channel == "qr"
    url = re.search(r'data-testid="answer-url">([^<]+)<', html).group(1)
    assert "/r/" in url and "经核查，已督促支付拖欠工资。" in html and replied.number in html


def test_the_petitioner_answers_once_on_the_public_page(caseworker, replied):
    _link, token = vs.answer_link_create(actor=caseworker, return_visit=ReturnVisit.objects.get(case=replied),
                                         channel="qr")
    petitioner = Client(enforce_csrf_checks=True)

    page = petitioner.get(f"/r/{token}/")
    html = page.content.decode()
    assert page.status_code == 200 and replied.number in html and "经核查，已督促支付拖欠工资。" in html
    assert "13805561234" not in html and "340822199003157718" not in html  # neither phone nor ID number
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)

    thanks = petitioner.post(f"/r/{token}/", {"csrfmiddlewaretoken": csrf, "result": "basic", "note": "基本解决"})

    assert thanks.status_code == 200 and "感谢您的评价" in thanks.content.decode()
    case = Case.objects.get(pk=replied.pk)
    assert (case.satisfaction, case.evaluations.get().method) == ("basic", "link")
    again = petitioner.get(f"/r/{token}/")
    assert again.status_code == 409 and "已使用" in again.content.decode()
    assert case.evaluations.count() == 1


def test_the_public_page_refuses_a_post_without_the_csrf_token(caseworker, replied):
    _link, token = vs.answer_link_create(actor=caseworker, return_visit=ReturnVisit.objects.get(case=replied),
                                         channel="qr")

    response = Client(enforce_csrf_checks=True).post(f"/r/{token}/", {"result": "satisfied"})

    assert response.status_code == 403
    assert AnswerLink.objects.get().used_at is None


def test_an_unknown_link_says_so_in_chinese_without_an_error(client):
    response = client.get("/r/not-a-real-token/")

    assert response.status_code == 404 and "评价链接无效" in response.content.decode()


# Duty compliance and statistics ---------------------------------------------------------------------------

def test_the_compliance_page_shows_a_commissioner_short_of_two_visits_a_week(client_as, caseworker, county_admin,
                                                                             commissioner, county):
    rules_save(actor=county_admin, county=county.region, key="duty", reason="制度", values={"rules": [{
        "name": "专员每周下访两次", "role": "field_cadre", "activity": "field_visit", "period": "week", "minimum": 2}]})
    record_visit(caseworker, county, timezone.now() - timedelta(minutes=10), cadres=[commissioner])

    html = client_as(caseworker).get("/visits/duty/compliance/").content.decode()

    person = row(html, 'data-person="sun.cadre"')
    assert 'data-met="0"' in person and "差1次" in person and "table-danger" in person
    assert "专员每周下访两次" in html


def test_a_duty_rule_created_on_the_settings_page_is_in_force_from_today(client_as, county_admin, caseworker):
    assert client_as(county_admin).get("/visits/duty/").url == "/settings/duty/"  # the old address leads there
    response = client_as(county_admin).post("/settings/duty/records/rules/", {
        "name": "领导每月接访", "role": "leader", "leader_level": "3", "activity": "reception", "meeting_kind": "",
        "period": "month", "minimum": "1", "remind_days_before_end": "3", "reason": "县委信访工作联席会议决定",
        "base_version": "0"}, follow=True)

    html = response.content.decode()
    assert "已保存工作制度第1版" in html and "领导每月接访" in html
    version = RulesVersion.objects.get(group="duty")
    assert (version.valid_from, version.created_by) == (timezone.localdate(), county_admin)
    assert version.values["rules"] == [{"key": 1, "name": "领导每月接访", "role": "leader", "leader_level": "3",
                                        "activity": "reception", "meeting_kind": "", "period": "month",
                                        "minimum": 1, "remind_days_before_end": 3}]
    compliance = client_as(caseworker).get("/visits/duty/compliance/").content.decode()
    section = re.search(r'<section[^>]*data-rule="1".*?</section>', compliance, re.S)
    assert section and "领导每月接访" in section.group(0)


def test_the_stats_page_counts_a_leader_s_reception_in_batches_and_persons(client_as, caseworker, leader, case):
    workflow.reception_record(actor=caseworker, data=vs.ReceptionInput(
        leader=leader, received_at=timezone.now() - timedelta(minutes=30), raised="反映欠薪", decided="责成住建局督促",
        case=case, head_count=3))

    response = client_as(caseworker).get("/visits/stats/")

    county_row = row(response.content.decode(), 'data-level="3"')
    assert re.findall(r">(\d+)</td>", county_row) == ["1", "3"]
    assert 'id="stats-data"' in response.content.decode()


def test_bad_dates_on_the_stats_page_give_a_chinese_message(client_as, caseworker):
    response = client_as(caseworker).get("/visits/stats/?start=2026-13-40&end=x")

    assert response.status_code == 400 and "日期格式有误" in response.content.decode()


def test_the_county_admin_changes_the_night_hours(client_as, county_admin, county):
    response = client_as(county_admin).post("/settings/visits/", {
        "night_from_hour": "19", "night_until_hour": "6", "backlog_after_months": "3", "answer_link_days": "15",
        "schedule_horizon_weeks": "8", "reason": "冬季作息"})

    assert response.status_code == 302
    assert vs.visit_settings_for(county.region).night_from_hour == 19


def test_a_meeting_recorded_on_the_page_lists_its_attendees_and_cases(client_as, caseworker, leader, county, case):
    response = client_as(caseworker).post("/visits/meetings/new/", {
        "kind": "dispatch", "title": "欠薪问题调度会", "region": county.region.pk, "chair": leader.pk,
        "attendees": [caseworker.pk, leader.pk], "decisions": "住建局一周内督促清欠", "place": "县信访局会议室",
        "held_at": timezone.localtime(timezone.now() - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "case_numbers": case.number}, follow=True)

    html = response.content.decode()
    assert "已记录会议“欠薪问题调度会”" in html and case.number in html and "王县长" in html
    assert case.events.filter(kind="meeting").exists()
