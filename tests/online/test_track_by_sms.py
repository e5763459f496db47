"""Following a petition with an SMS code instead of the phone's last four digits: the code goes to the phone on file,
opens the same half-hour page, and tells a stranger nothing about whether a query code exists."""

from django.test import Client
from rest_framework.test import APIClient

from xinfang import sms
from xinfang.org.models import AuditEvent
from xinfang.rules.services import rules_save

from .conftest import filed, last_code, solve
from .test_api import answered


def track_page(county):
    return f"/public/{county.region.code}/track/"


def ask_code(phone, county, query_code, page=None):
    page = page or phone.get(track_page(county)).content.decode()
    return phone.post(track_page(county), {"query_code": query_code, "action": "code", **solve(page)})


def open_with(phone, county, query_code, code, page=None):
    page = page or phone.get(track_page(county)).content.decode()
    return phone.post(track_page(county), {"query_code": query_code, "code": code, "action": "sms", **solve(page)})


def test_a_petitioner_opens_the_page_with_a_code_sent_to_the_phone_on_file(county, categories):
    filed(county, categories, query_code="ABCDE-FGH23")
    phone = Client()
    sent = ask_code(phone, county, "abcde fgh23")
    assert sent.status_code == 200 and "验证码已发送到您登记的手机" in sent.content.decode()
    assert sms.outbox[-1][0] == "13805561234"  # the phone on file, never one typed here
    opened = open_with(phone, county, "ABCDE-FGH23", last_code(), page=sent.content.decode())
    assert opened.status_code == 302 and opened["Location"].endswith("/mine/")
    assert "反映某工地拖欠农民工工资三个月" in phone.get(opened["Location"]).content.decode()
    assert AuditEvent.objects.filter(action="public.lookup", actor=None, ip_address="127.0.0.1",
                                     changes__by="sms").exists()
    assert open_with(Client(), county, "ABCDE-FGH23", last_code()).status_code == 404  # a code opens once


def test_an_unknown_query_code_gets_the_same_answer_and_no_message_is_sent(county, categories):
    filed(county, categories, query_code="ABCDE-FGH23")
    known = ask_code(Client(), county, "ABCDE-FGH23").content.decode()
    sms.outbox.clear()
    unknown = ask_code(Client(), county, "ZZZZZ-ZZZZZ")
    assert unknown.status_code == 200 and "验证码已发送到您登记的手机" in unknown.content.decode()
    assert not sms.outbox
    assert ("data-testid=\"code-sent\"" in known) and ("data-testid=\"code-sent\"" in unknown.content.decode())
    for query_code in ("ZZZZZ-ZZZZZ", "ABCDE-FGH23"):  # an unknown code and a wrong SMS code read alike
        refused = open_with(Client(), county, query_code, "123456")
        assert refused.status_code == 404 and "查询码或短信验证码不正确" in refused.content.decode()
    filed(county, categories, query_code="HJKLM-NPQ45", phone="13905569876")
    api = APIClient()
    base = f"/api/v1/public/{county.region.code}/"
    for query_code in ("HJKLM-NPQ45", "YYYYY-YYYYY"):  # the API's answer: 202 either way
        assert api.post(base + "lookup/codes/", {"query_code": query_code, **answered(api, base)},
                        format="json").status_code == 202


def test_a_code_sent_for_one_petition_does_not_open_another_of_the_same_phone(county, categories):
    filed(county, categories, query_code="ABCDE-FGH23")
    filed(county, categories, query_code="HJKLM-NPQ45", summary="反映小区物业乱收费")
    ask_code(Client(), county, "ABCDE-FGH23")
    assert open_with(Client(), county, "HJKLM-NPQ45", last_code()).status_code == 404


def test_codes_are_one_a_minute_per_query_code_known_or_not(county, categories):
    filed(county, categories, query_code="ABCDE-FGH23")
    for query_code in ("ABCDE-FGH23", "ZZZZZ-ZZZZZ"):
        phone = Client()
        assert ask_code(phone, county, query_code).status_code == 200
        again = ask_code(phone, county, query_code)
        assert again.status_code == 429 and "一分钟后再试" in again.content.decode()
    assert len(sms.outbox) == 1


def test_the_phones_own_limit_holds_a_code_back_without_saying_so(county, categories, county_admin):
    rules_save(actor=county_admin, county=county.region, key="online", values={"codes_per_phone_per_hour": 1},
               reason="测试")
    filed(county, categories, query_code="ABCDE-FGH23")
    filed(county, categories, query_code="HJKLM-NPQ45")  # the same phone, another petition
    assert ask_code(Client(), county, "ABCDE-FGH23").status_code == 200
    held = ask_code(Client(), county, "HJKLM-NPQ45")  # within the phone's minute and over its hour
    assert held.status_code == 200 and "验证码已发送到您登记的手机" in held.content.decode()
    assert len(sms.outbox) == 1
    assert AuditEvent.objects.filter(action="public.track_code_held").exists()


def test_wrong_sms_codes_count_with_wrong_digits_and_lock_the_query_code(county, categories):
    filed(county, categories, query_code="ABCDE-FGH23")
    phone = Client()
    ask_code(phone, county, "ABCDE-FGH23")
    code = last_code()
    for _try in range(5):
        assert open_with(phone, county, "ABCDE-FGH23", "000000").status_code == 404
    locked = open_with(phone, county, "ABCDE-FGH23", code)
    assert locked.status_code == 429 and "查询错误次数过多" in locked.content.decode()
    refused = ask_code(Client(), county, "ABCDE-FGH23")  # no new code for a locked query code
    assert refused.status_code == 429


def test_digits_typed_in_full_width_are_read_as_digits(county, categories):
    filed(county, categories, query_code="ABCDE-FGH23")
    phone = Client()
    page = phone.get(track_page(county)).content.decode()
    opened = phone.post(track_page(county), {"query_code": "ＡＢＣＤＥ－ＦＧＨ２３", "last_four": "１２３４",
                                             **solve(page)})
    assert opened.status_code == 302
    page = phone.get(track_page(county)).content.decode()
    other = phone.post(track_page(county), {"query_code": "ABCDE-FGH23", "last_four": "一二三四", **solve(page)})
    assert other.status_code == 404  # not digits: wrong, like any wrong four (no error from the comparison)


def test_a_mini_program_looks_up_with_an_sms_code(county, categories):
    filed(county, categories, query_code="ABCDE-FGH23")
    api = APIClient()
    base = f"/api/v1/public/{county.region.code}/"
    assert api.post(base + "lookup/codes/", {"query_code": "ABCDE-FGH23", **answered(api, base)},
                    format="json").status_code == 202
    both = api.post(base + "lookup/", {"query_code": "ABCDE-FGH23", "last_four": "1234", "code": last_code(),
                                       **answered(api, base)}, format="json")
    neither = api.post(base + "lookup/", {"query_code": "ABCDE-FGH23", **answered(api, base)}, format="json")
    assert both.status_code == neither.status_code == 400 and both.json()["code"] == "invalid"
    found = api.post(base + "lookup/", {"query_code": "ABCDE-FGH23", "code": last_code(), **answered(api, base)},
                     format="json")
    assert found.status_code == 200 and found.json()["status"]["label"] == "已提交，等待登记"
    mine = api.get(base + "mine/", HTTP_X_QUERY_TOKEN=found.json()["token"])
    assert mine.status_code == 200 and mine.json()["label"] == "已提交，等待登记"
    wrong = api.post(base + "lookup/", {"query_code": "ABCDE-FGH23", "code": "000000", **answered(api, base)},
                     format="json")
    assert wrong.status_code == 404 and wrong.json()["code"] == "not_found"


def test_a_query_code_of_another_county_opens_nothing_here_and_sends_nothing(county, categories, other_county):
    filed(other_county, categories, query_code="ABCDE-FGH23")
    assert ask_code(Client(), county, "ABCDE-FGH23").status_code == 200 and not sms.outbox
    phone = Client()
    page = phone.get(track_page(county)).content.decode()
    digits = phone.post(track_page(county), {"query_code": "ABCDE-FGH23", "last_four": "1234", **solve(page)})
    assert digits.status_code == 404
    page = phone.get(track_page(other_county)).content.decode()
    home = phone.post(track_page(other_county), {"query_code": "ABCDE-FGH23", "last_four": "1234", **solve(page)})
    assert home.status_code == 302  # in its own county it opens
