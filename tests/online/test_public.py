"""The petitioner's own pages: send a petition in from a phone, follow it with the query code, read the documents
owed, add material, rate the answer, ask for a review — and the caseworker's queue where it is registered."""

import io
import re

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from django.utils.timezone import localtime

from cases.models import Case
from online.models import Submission
from tests.factories import make_person
from workflow import case_accept, case_assign, case_meet, case_reply
from workflow.online import submission_register
from xinfang import sms
from xinfang.org.models import AuditEvent
from xinfang.rules.services import rules_save

from .conftest import filed, petition, replied, send_in, solve


def track(client, county, code, last_four="1234"):
    page = client.get(f"/public/{county.region.code}/track/").content.decode()
    return client.post(f"/public/{county.region.code}/track/", {"query_code": code, "last_four": last_four,
                                                                 **solve(page)})


def photo(name="现场.png"):
    data = io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    data.name = name
    return data


def test_a_petitioner_sends_a_petition_in_and_follows_it_to_the_answer(client, county, categories, caseworker,
                                                                       unit_officer,
                                                                       django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = send_in(client, county, petition(county, categories), files=[photo()])
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    code = re.search(r'data-testid="query-code">([A-Z0-9-]+)<', page).group(1)
    assert code in sms.outbox[-1][1]  # the query code by SMS too
    submission = Submission.objects.get()
    assert submission.state == "pending" and submission.materials.count() == 1
    assert "王建国" not in submission.id_number and submission.id_masked.startswith("340822")

    # The caseworker finds it in the intake queue, marked 网上信访, and registers it.
    staff = Client()
    staff.force_login(caseworker, backend="django.contrib.auth.backends.ModelBackend")
    assert "反映某工地拖欠农民工工资三个月" in staff.get("/online/").content.decode()
    assert staff.post(f"/online/{submission.pk}/decide/", {"action": "register"}).status_code == 302
    case = Case.objects.get()
    assert case.channel == "online" and case.lead_petitioner.name == "王建国"
    assert case.attachments.get().uploaded_by is None  # the petitioner's own photo, on the case

    # Another phone (a new session) looks it up with the code and the phone's last four digits.
    phone = Client()
    assert track(phone, county, code, "9999").status_code == 404
    assert track(phone, county, code).status_code == 302
    mine = phone.get(f"/public/{county.region.code}/mine/").content.decode()
    assert "已登记，等待受理" in mine and "张信访" not in mine  # no officer's name

    case = case_accept(actor=caseworker, case=case, version=case.version)
    case = case_assign(actor=caseworker, case=case, version=case.version, lead_unit=county.housing)
    case = case_meet(actor=unit_officer, case=case, version=case.version)
    case_reply(actor=unit_officer, case=case, version=case.version, text="已督促施工方于12月底前结清工资。")
    mine = phone.get(f"/public/{county.region.code}/mine/").content.decode()
    assert "已答复" in mine and "已督促施工方" in mine and county.housing.name in mine
    assert "李承办" not in mine  # the county does not show officers' names
    notice = phone.get(f"/public/{county.region.code}/mine/documents/accepted/").content.decode()
    assert "信访事项受理告知书" in notice and case.number in notice
    number = re.search(r"怀信受字〔(\d{4})〕(\d+)号", notice)  # the county's own sequence of notices
    assert number and number.groups() == (str(localtime(case.accepted_at).year), "1")
    again = phone.get(f"/public/{county.region.code}/mine/documents/accepted/").content.decode()
    assert number.group(0) in again  # issued once, the same number every time
    opinion = phone.get(f"/public/{county.region.code}/mine/documents/reply/").content.decode()
    assert "处理意见书" in opinion and "30日内" in opinion
    pdf = phone.get(f"/public/{county.region.code}/mine/documents/reply/?format=pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert phone.get(f"/public/{county.region.code}/mine/documents/not_accepted/").status_code == 404

    # 不满意 goes back to be handled, as a return visit's does; rating twice is refused.
    phone.post(f"/public/{county.region.code}/mine/rate/", {"result": "unsatisfied", "note": "工资还没到账"})
    case.refresh_from_db()
    assert case.status == "handling" and case.satisfaction == "unsatisfied"
    assert AuditEvent.objects.filter(action="public.rate", actor=None, ip_address="127.0.0.1").exists()


def test_every_error_of_the_form_is_shown_at_once_and_nothing_is_created(client, county, categories):
    bad = petition(county, categories, id_number="340822199003157719", name="", summary="", promised="")
    response = send_in(client, county, bad, files=[io.BytesIO(b"MZ\x90\x00 not a picture")])
    page = response.content.decode()
    assert response.status_code == 400
    for message in ("请填写姓名", "校验位不正确", "请用一句话概括", "请确认所反映的情况属实"):
        assert message in page, message
    assert not Submission.objects.exists() and not Case.objects.exists()


def test_a_wrong_code_or_a_missing_challenge_is_refused(client, county, categories):
    base = f"/public/{county.region.code}/submit/"
    no_challenge = client.post(base, {**petition(county, categories), "action": "code"})
    assert no_challenge.status_code == 400 and "请正确回答验证问题" in no_challenge.content.decode()
    assert not sms.outbox
    page = client.get(base).content.decode()
    client.post(base, {**petition(county, categories), **solve(page), "action": "code"})
    page = client.get(base).content.decode()
    wrong = client.post(base, {**petition(county, categories), **solve(page), "code": "000000", "action": "submit"})
    assert wrong.status_code == 400 and "验证码不正确或已过期" in wrong.content.decode()
    again = client.post(base, {**petition(county, categories), **solve(page), "action": "code"})
    assert "请正确回答验证问题" in again.content.decode()  # a challenge is answered once
    assert not Submission.objects.exists()


def query_code_of(client, response) -> str:
    page = client.get(response["Location"]).content.decode()
    return re.search(r'data-testid="query-code">([A-Z0-9-]+)<', page).group(1)


def test_codes_are_one_a_minute_and_lookups_lock_after_wrong_digits_then_reset(client, county, categories,
                                                                               county_admin):
    base = f"/public/{county.region.code}/submit/"
    first = client.post(base, {**petition(county, categories), **solve(client.get(base).content.decode()),
                               "action": "code"})
    second = client.post(base, {**petition(county, categories), **solve(client.get(base).content.decode()),
                                "action": "code"})
    assert first.status_code == 200 and second.status_code == 429 and "一分钟后再试" in second.content.decode()
    assert len(sms.outbox) == 1

    petitioner = Client()
    code = query_code_of(petitioner, send_in(petitioner, county, petition(county, categories, phone="13905561111")))
    phone = Client()
    for _attempt in range(4):
        assert track(phone, county, code, "0000").status_code == 404
    assert track(phone, county, code, "1111").status_code == 302  # right at the fifth: the count starts again
    for _attempt in range(5):
        track(phone, county, code, "0000")
    locked = track(phone, county, code, "1111")
    assert locked.status_code == 429 and "查询错误次数过多" in locked.content.decode()
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=31)):
        assert track(phone, county, code, "1111").status_code == 302  # the lock is over

    rules_save(actor=county_admin, county=county.region, key="online", values={"lookups_per_ip_per_hour": 3},
               reason="测试")
    elsewhere = Client(REMOTE_ADDR="10.20.30.40")  # a fresh address, with the county's new limit
    statuses = [track(elsewhere, county, "AAAAA-AAAAA", "0000").status_code for _ in range(4)]
    assert statuses == [404, 404, 404, 429]  # the address's lookups this hour


def test_a_query_code_never_opens_another_persons_case(client, county, categories):
    mine = query_code_of(client, send_in(client, county, petition(county, categories)))
    other = Client()
    theirs = query_code_of(other, send_in(other, county, petition(
        county, categories, name="李秀英", id_number="34082219920612000X", phone="13905569876",
        summary="反映小区物业乱收费")))
    assert Submission.objects.count() == 2
    # My code with their digits, their code with mine: nothing, and the same words as for a code that does not exist.
    for code, digits in ((mine, "9876"), (theirs, "1234")):
        response = track(Client(), county, code, digits)
        assert response.status_code == 404 and "查询码或手机号后四位不正确" in response.content.decode()
    looking = Client()
    assert track(looking, county, theirs, "9876").status_code == 302
    page = looking.get(f"/public/{county.region.code}/mine/").content.decode()
    assert "反映小区物业乱收费" in page and "拖欠农民工工资" not in page and "王建国" not in page
    someone = Client()
    response = track(someone, county, "ZZZZZ-ZZZZZ", "1234")
    assert response.status_code == 404 and "查询码或手机号后四位不正确" in response.content.decode()
    assert someone.get(f"/public/{county.region.code}/mine/")["Location"].endswith("/track/")


def test_staff_of_another_county_cannot_see_or_register_it(client, county, categories, other_county):
    send_in(client, county, petition(county, categories))
    submission = Submission.objects.get()
    other = make_person("chen.other", other_county.bureau, ["caseworker"])
    staff = Client()
    staff.force_login(other, backend="django.contrib.auth.backends.ModelBackend")
    assert staff.get(f"/online/{submission.pk}/").status_code == 404
    assert staff.post(f"/online/{submission.pk}/decide/", {"action": "register"}).status_code == 404
    assert "反映某工地" not in staff.get("/online/").content.decode()
    submission.refresh_from_db()
    assert submission.state == "pending"


def test_a_refusal_reads_to_the_petitioner_with_its_reason(client, county, categories, caseworker):
    code = query_code_of(client, send_in(client, county, petition(county, categories)))
    submission = Submission.objects.get()
    staff = Client()
    staff.force_login(caseworker, backend="django.contrib.auth.backends.ModelBackend")
    refused = staff.post(f"/online/{submission.pk}/decide/", {"action": "refuse", "reason": ""})
    assert refused.status_code == 302 and Submission.objects.get().state == "pending"  # no reason, no refusal
    staff.post(f"/online/{submission.pk}/decide/",
               {"action": "refuse", "reason": "属劳动仲裁受理范围，请向县劳动人事争议仲裁院申请。"})
    phone = Client()
    track(phone, county, code)
    mine = phone.get(f"/public/{county.region.code}/mine/").content.decode()
    assert "不予登记" in mine and "劳动人事争议仲裁院" in mine


def test_a_pending_petition_is_withdrawn_and_material_added(client, county, categories):
    send_in(client, county, petition(county, categories))
    base = f"/public/{county.region.code}/mine/"
    client.post(base + "material/", {"files": [photo("补充.png")]})
    assert Submission.objects.get().materials.count() == 1
    client.post(base + "withdraw/", {"reason": ""})
    assert Submission.objects.get().state == "pending"
    client.post(base + "withdraw/", {"reason": "已自行协商解决"})
    submission = Submission.objects.get()
    assert submission.state == "withdrawn" and "已撤回" in client.get(base).content.decode()


@pytest.mark.parametrize("days_after_reply, allowed", [(5, True), (31, False)])
def test_a_review_is_asked_for_within_the_window_after_the_reply(client, county, categories, caseworker,
                                                                 unit_officer, days_after_reply, allowed):
    code = query_code_of(client, send_in(client, county, petition(county, categories)))
    case = submission_register(actor=caseworker, submission=Submission.objects.get())
    case = case_accept(actor=caseworker, case=case, version=case.version)
    case = case_assign(actor=caseworker, case=case, version=case.version, lead_unit=county.housing)
    case = case_meet(actor=unit_officer, case=case, version=case.version)
    case_reply(actor=unit_officer, case=case, version=case.version, text="不予支持。")
    with time_machine.travel(timezone.now() + timezone.timedelta(days=days_after_reply)):
        phone = Client()
        assert track(phone, county, code).status_code == 302
        assert ("提交复查申请" in phone.get(f"/public/{county.region.code}/mine/").content.decode()) is allowed
        phone.post(f"/public/{county.region.code}/mine/review/", {"reason": "对处理意见不服"})
    submission = Submission.objects.get()
    assert bool(submission.review_requested_at) is allowed
    if allowed:
        staff = Client()
        staff.force_login(caseworker, backend="django.contrib.auth.backends.ModelBackend")
        assert "对处理意见不服" in staff.get("/online/").content.decode()  # waiting for the caseworker


def test_a_later_change_of_the_review_window_does_not_move_a_deadline_already_told(
        client, county, categories, caseworker, unit_officer, county_admin):
    submission = filed(county, categories)
    replied(submission, caseworker, unit_officer, county, text="不予支持。")
    rules_save(actor=county_admin, county=county.region, key="online", values={"review_window_days": 10},
               reason="测试", valid_from=timezone.localdate() + timezone.timedelta(days=1))
    with time_machine.travel(timezone.now() + timezone.timedelta(days=15)):
        phone = Client()
        assert track(phone, county, "ABCDE-FGH23").status_code == 302
        opinion = phone.get(f"/public/{county.region.code}/mine/documents/reply/").content.decode()
        assert "30日内" in opinion  # as the 处理意见书 told it on the reply's day
        phone.post(f"/public/{county.region.code}/mine/review/", {"reason": "对处理意见不服"})
    assert Submission.objects.get().review_requested_at is not None
