"""The petitioner on the public pages: a phone that receives codes (the memory SMS gateway), and the steps to send
a petition in as a person would."""

import re
import uuid

import pytest

from online.models import Submission
from online.services import query_hash
from tests.cases.conftest import ID_WANG, categories, register  # noqa: F401 - fixtures
from workflow import case_accept, case_assign, case_meet, case_reply
from workflow.online import submission_register
from xinfang import personal_data, sms


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Files under the test's folder; the SMS outbox empty; the cache (Redis in CI) under a key prefix of the
    test's own, so one test's codes and counters are not another's (and no test flushes the others')."""
    settings.MEDIA_ROOT = tmp_path
    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}}
    sms.outbox.clear()
    return tmp_path


NUMERALS = "零一二三四五六七八九十"


def answer(question: str) -> str:
    """A challenge's question (四加三等于几？) answered as a person reading it would."""
    a, b = re.search(r"(.)加(.)等于几", question).groups()
    return str(NUMERALS.index(a) + NUMERALS.index(b))


def solve(page: str) -> dict:
    """The challenge of a page, answered from its question."""
    token = re.search(r'name="challenge_token" value="([^"]+)"', page).group(1)
    return {"challenge_token": token, "challenge": answer(page)}


def last_code() -> str:
    return re.search(r"验证码是 (\d{6})", sms.outbox[-1][1]).group(1)


def petition(county, cats, **overrides) -> dict:
    data = {"name": "王建国", "id_number": ID_WANG, "phone": "13805561234", "region": county.villages[0].pk,
            "category": cats["wages"].pk, "summary": "反映某工地拖欠农民工工资三个月",
            "facts": "2026年8月至10月在城关镇某工地务工，工资至今未付。", "demands": "请求督促支付工资4.2万元。",
            "promised": "on"}
    data.update(overrides)
    return data


def send_in(client, county, data, files=()):
    """Ask for a code, then send the petition with it; returns the response of the send."""
    base = f"/public/{county.region.code}/submit/"
    page = client.get(base).content.decode()
    response = client.post(base, {**data, **solve(page), "action": "code"})
    assert response.status_code == 200, response.content.decode()[:3000]
    form = {**data, **solve(response.content.decode()), "code": last_code(), "action": "submit"}
    if files:
        form["files"] = list(files)
    return client.post(base, form)


def filed(county, cats, *, query_code="ABCDE-FGH23", phone="13805561234", id_number=ID_WANG, **fields):
    """A petition sent in some time ago (its submit code long gone) whose query code the petitioner holds."""
    values = {"name": "王建国", "summary": "反映某工地拖欠农民工工资三个月", "facts": "工资至今未付。",
              "demands": "请求督促支付工资。", **fields}
    return Submission.objects.create(
        county=county.region, region=county.villages[0], category=cats["wages"], promised=True,
        id_number=personal_data.encrypt(id_number), id_hash=personal_data.lookup_hash(id_number),
        id_masked=personal_data.mask_id_number(id_number), phone=personal_data.encrypt(phone),
        phone_hash=personal_data.lookup_hash(phone), phone_masked=personal_data.mask_phone(phone),
        query_hash=query_hash(query_code), **values)


def replied(submission, caseworker, unit_officer, county, text="已督促施工方于12月底前结清工资。"):
    """The submission registered, accepted, assigned to the housing bureau, met and answered."""
    case = submission_register(actor=caseworker, submission=submission)
    case = case_accept(actor=caseworker, case=case, version=case.version)
    case = case_assign(actor=caseworker, case=case, version=case.version, lead_unit=county.housing)
    case = case_meet(actor=unit_officer, case=case, version=case.version)
    return case_reply(actor=unit_officer, case=case, version=case.version, text=text)
