"""What the public side must hold against a person who is not who they say, a script, or a race."""

import base64
import io
import re

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cases.models import Case, Petitioner
from online.models import Submission
from workflow import case_accept, case_divert
from workflow.online import submission_register
from xinfang import sms

from .conftest import last_code, petition, send_in, solve
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
