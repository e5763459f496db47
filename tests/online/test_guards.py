"""What the public side must hold against a person who is not who they say, a script, or a race."""

import base64
import io
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from cases.models import Case, Petitioner
from online.models import Notice, NoticeCounter, Submission
from online.services import notice_issue
from workflow import case_accept, case_divert
from workflow.online import public_withdraw, submission_register
from xinfang import sms
from xinfang.errors import Conflict
from xinfang.rules.services import rules_save

from .conftest import filed, last_code, petition, replied, send_in, solve
from .test_api import answered
from .test_public import query_code_of, track


def test_an_id_number_typed_online_never_takes_over_the_registered_persons_phone(client, county, categories,
                                                                                 register, caseworker):
    known = register().lead_petitioner  # 王建国, on file with his own phone
    send_in(client, county, petition(county, categories, phone="13905569999", address="别处"))
    submission = Submission.objects.get()
    staff = Client()
    staff.force_login(caseworker, backend="django.contrib.auth.backends.ModelBackend")
    page = staff.get(f"/online/{submission.pk}/").content.decode()
    assert "网上填写的电话与已登记的不同" in page
    case = submission_register(actor=caseworker, submission=submission)
    known.refresh_from_db()
    assert case.lead_petitioner == known and known.phone_plain == "13805561234" and known.address != "别处"


def test_a_challenge_holds_no_answer_and_is_used_up_by_a_wrong_one(client, county, categories):
    base = f"/public/{county.region.code}/track/"
    page = client.get(base).content.decode()
    challenge = solve(page)
    payload = challenge["challenge_token"].split(":")[0]
    assert re.fullmatch(r'"[0-9a-f]{24}"', base64.urlsafe_b64decode(payload + "==").decode())  # a nonce, no sum
    wrong = str(int(challenge["challenge"]) + 1)
    assert client.post(base, {"query_code": "AAAAA-AAAAA", "last_four": "1234", "challenge": wrong,
                              "challenge_token": challenge["challenge_token"]}).status_code == 400
    again = client.post(base, {"query_code": "AAAAA-AAAAA", "last_four": "1234", **challenge})
    assert again.status_code == 400 and "请正确回答验证问题" in again.content.decode()
    odd = client.post(base, {"query_code": "x", "last_four": "12345", "challenge": "²",
                             "challenge_token": solve(client.get(base).content.decode())["challenge_token"]})
    assert odd.status_code == 400  # a digit that is not 0-9: refused, not a 500


def test_an_sms_code_is_compared_at_most_the_countys_number_of_times(client, county, categories):
    base = f"/public/{county.region.code}/submit/"
    data = petition(county, categories)
    client.post(base, {**data, **solve(client.get(base).content.decode()), "action": "code"})
    code = last_code()
    for _try in range(5):
        client.post(base, {**data, **solve(client.get(base).content.decode()), "code": "000000"})
    late = client.post(base, {**data, **solve(client.get(base).content.decode()), "code": code})
    assert late.status_code == 400 and "验证码不正确或已过期" in late.content.decode()
    assert not Submission.objects.exists()


def test_a_query_code_is_read_without_its_hyphen_and_a_diverted_case_says_so(client, county, categories, caseworker):
    code = query_code_of(client, send_in(client, county, petition(county, categories)))
    case = submission_register(actor=caseworker, submission=Submission.objects.get())
    case = case_accept(actor=caseworker, case=case, version=case.version)
    case_divert(actor=caseworker, case=case, version=case.version, reason="属于诉讼程序，请向法院起诉。")
    phone = Client()
    assert track(phone, county, code.replace("-", "").lower()).status_code == 302
    page = phone.get(f"/public/{county.region.code}/mine/").content.decode()
    assert "请通过法定途径解决" in page and "向法院起诉" in page


def test_the_caseworkers_decisions_are_only_the_three_and_the_queue_reads_in_a_fixed_number_of_queries(
        county, categories, caseworker):
    for n in range(3):
        send_in(Client(), county, petition(county, categories, phone=f"1390556{n:04d}",
                                           summary=f"反映第{n}件事"))
    staff = Client()
    staff.force_login(caseworker, backend="django.contrib.auth.backends.ModelBackend")
    submission = Submission.objects.first()
    staff.post(f"/online/{submission.pk}/decide/", {"action": "refuze"})
    assert Submission.objects.get(pk=submission.pk).state == "pending" and not Case.objects.exists()
    with CaptureQueriesContext(connection) as three:
        staff.get("/online/")
    sms.outbox.clear()
    for n in range(3, 9):
        send_in(Client(), county, petition(county, categories, phone=f"1390556{n:04d}",
                                           summary=f"反映第{n}件事"))
    with CaptureQueriesContext(connection) as nine:
        staff.get("/online/")
    assert len(nine) == len(three)


def test_material_is_capped_for_a_petition(client, county, categories):
    send_in(client, county, petition(county, categories))
    base = f"/public/{county.region.code}/mine/material/"

    def photos(n):
        out = []
        for i in range(n):
            f = io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
            f.name = f"{i}.png"
            out.append(f)
        return out

    for _round in range(3):
        client.post(base, {"files": photos(10)})
    response = client.post(base, {"files": photos(1)}, follow=True)
    assert "材料最多 30 份" in response.content.decode()
    assert Submission.objects.get().materials.count() == 30
    assert Petitioner.objects.count() == 0  # nothing registered yet


def test_pdfs_are_limited_per_petition_and_per_address_and_the_printable_page_is_not(
        county, categories, caseworker, unit_officer, county_admin):
    rules_save(actor=county_admin, county=county.region, key="online",
               values={"pdfs_per_petition_per_hour": 2, "pdfs_per_ip_per_hour": 3}, reason="测试")
    replied(filed(county, categories), caseworker, unit_officer, county)
    replied(filed(county, categories, query_code="HJKLM-NPQ45", phone="13905569876", name="李秀英",
                  id_number="34082219920612000X"), caseworker, unit_officer, county)
    mine, theirs = Client(), Client()
    assert track(mine, county, "ABCDE-FGH23").status_code == 302
    assert track(theirs, county, "HJKLM-NPQ45", "9876").status_code == 302
    reply = f"/public/{county.region.code}/mine/documents/reply/"
    assert [mine.get(reply + "?format=pdf").status_code for _ in range(3)] == [200, 200, 429]
    assert "生成PDF过于频繁" in mine.get(reply + "?format=pdf").content.decode()
    assert mine.get(reply).status_code == 200  # the printable page, as often as wanted
    assert theirs.get(reply + "?format=pdf").status_code == 429  # the same address: over its three
    api = APIClient()
    base = f"/api/v1/public/{county.region.code}/"
    found = api.post(base + "lookup/", {"query_code": "HJKLM-NPQ45", "last_four": "9876", **answered(api, base)},
                     format="json").json()
    limited = api.get(base + "mine/documents/reply/", HTTP_X_QUERY_TOKEN=found["token"])
    assert limited.status_code == 429 and limited.json()["code"] == "rate_limited"


def test_an_address_gets_the_countys_number_of_challenges_an_hour(client, county, county_admin):
    rules_save(actor=county_admin, county=county.region, key="online", values={"challenges_per_ip_per_hour": 10},
               reason="测试")
    base = f"/public/{county.region.code}/track/"
    assert all(client.get(base).status_code == 200 for _ in range(10))
    refused = client.get(base)
    assert refused.status_code == 429 and 'data-testid="challenge-refused"' in refused.content.decode()
    assert 'name="challenge_token"' not in refused.content.decode()
    answered_api = APIClient().post(f"/api/v1/public/{county.region.code}/challenge/")
    assert answered_api.status_code == 429 and answered_api.json()["code"] == "rate_limited"


def test_strange_input_to_the_api_is_refused_with_a_code_never_a_server_error(county, categories):
    filed(county, categories)
    api = APIClient()
    base = f"/api/v1/public/{county.region.code}/"
    sent = [
        api.post(base + "lookup/", [1, 2], format="json"),
        api.post(base + "lookup/", {"query_code": {"a": 1}, "last_four": [1]}, format="json"),
        api.post(base + "lookup/codes/", {"query_code": None, **answered(api, base)}, format="json"),
        api.post(base + "lookup/codes/", {"query_code": " - ", **answered(api, base)}, format="json"),
        api.post(base + "codes/", {"phone": True}, format="json"),
        api.post(base + "submissions/", {"region": "1e9", "files": "x", "promised": "maybe"}, format="json"),
        api.post(base + "lookup/", {"query_code": "ABCDE-FGH23", "last_four": "一二三四", **answered(api, base)},
                 format="json"),
    ]
    assert [r.status_code for r in sent] == [400, 400, 400, 400, 400, 400, 404]
    assert all(r.json()["code"] in ("invalid", "not_found") for r in sent)
    token = api.post(base + "lookup/", {"query_code": "ABCDE-FGH23", "last_four": "１２３４", **answered(api, base)},
                     format="json").json()["token"]
    for path, body in (("mine/rate/", {"result": ["satisfied"]}), ("mine/materials/", {"files": ["x"]}),
                       ("mine/withdraw/", {"reason": {"a": 1}}), ("mine/review/", "[]")):
        response = api.post(base + path, body, format="json", HTTP_X_QUERY_TOKEN=token)
        assert response.status_code == 400 and response.json()["code"] == "invalid", (path, response.json())
    assert Submission.objects.get().state == "pending" and not Submission.objects.get().materials.exists()


def test_the_track_form_with_a_button_that_does_not_exist_is_refused(client, county):
    base = f"/public/{county.region.code}/track/"
    response = client.post(base, {"query_code": "ABCDE-FGH23", "action": "delete", **solve(client.get(base)
                                                                                              .content.decode())})
    assert response.status_code == 400 and "请按提示填写" in response.content.decode()


def test_a_withdrawal_that_meets_a_registration_is_a_conflict_and_changes_nothing(county, categories, caseworker):
    stale = filed(county, categories)
    submission_register(actor=caseworker, submission=stale)  # registered while the petitioner's page was open
    with pytest.raises(Conflict) as refused:
        public_withdraw(submission=stale, reason="不想反映了")
    assert refused.value.code == "not_pending"
    assert Submission.objects.get().state == "registered" and not Submission.objects.get().withdrawn_at


def test_a_notice_issued_by_another_request_at_the_same_moment_keeps_its_one_number(
        county, categories, caseworker, monkeypatch):
    case = submission_register(actor=caseworker, submission=filed(county, categories))
    case = case_accept(actor=caseworker, case=case, version=case.version)
    real = NoticeCounter.objects.get_or_create
    others = []

    def the_other_request_first(**kwargs):  # the page and its PDF, opened at once: the other one numbers it first
        made = real(**kwargs)
        if not others:
            others.append(None)  # (the other request's own call goes straight through)
            others[0] = notice_issue(case=case, kind="accepted", on=case.accepted_at)
        return made

    monkeypatch.setattr(NoticeCounter.objects, "get_or_create", the_other_request_first)
    notice = notice_issue(case=case, kind="accepted", on=case.accepted_at)
    assert notice == others[0] == Notice.objects.get(case=case) and NoticeCounter.objects.get(kind="accepted").last == 1
