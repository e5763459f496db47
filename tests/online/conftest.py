"""The petitioner on the public pages: a phone that receives codes (the memory SMS gateway), and the steps to send
a petition in as a person would."""

import re
import uuid

import pytest

from tests.cases.conftest import ID_WANG, categories, register  # noqa: F401 - fixtures
from xinfang import sms


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
