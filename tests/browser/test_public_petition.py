"""In a real browser on a 390-px phone: a petitioner sends a petition in, a caseworker registers it and the unit
answers, and the petitioner finds it with the query code and rates the answer; and one who opens the page with an
SMS code instead of the phone's last four digits."""

import re
import uuid

import pytest

from cases.models import Case
from online.models import Submission
from tests.browser.conftest import PHONE, shot
from tests.browser.test_case_journey import login
from tests.online.conftest import answer, filed
from workflow import case_accept, case_assign, case_meet, case_reply
from xinfang import sms

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def own_cache(settings):
    """The cache (Redis in CI) under a prefix of the test's own: no earlier run's codes, minutes and counts per phone
    and address (the live server is this process), and no other test's flushed."""
    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}}


def answer_challenge(page):
    """Read the question (四加三等于几？) and type the sum, as the petitioner does."""
    question = page.locator("label[for=challenge]").inner_text()
    page.get_by_label(re.compile("验证问题")).fill(answer(question))


def test_a_petitioner_on_a_phone_sends_a_petition_in_and_rates_the_answer(browser, live_server, county, categories,
                                                                         caseworker, unit_officer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    sms.outbox.clear()
    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
    phone = context.new_page()
    phone.set_default_timeout(15_000)
    base = f"{live_server.url}/public/{county.region.code}/"
    phone.goto(base)
    shot(phone, "public-landing-phone")
    phone.get_by_test_id("go-submit").click()

    phone.get_by_label("姓名").fill("王建国")
    phone.get_by_label("身份证号码").fill("340822199003157719")  # a wrong check digit
    phone.get_by_label("手机号码").fill("12345")
    answer_challenge(phone)
    phone.get_by_test_id("submit").click()
    page = phone.content()
    assert "校验位不正确" in page and "电话号码无效" in page and "请写明事实和理由" in page  # all at once
    shot(phone, "public-submit-errors-phone")

    phone.get_by_label("身份证号码").fill("340822199003157718")
    phone.get_by_label("手机号码").fill("13805561234")
    phone.get_by_label("问题发生地").select_option(label=county.villages[0].name)
    phone.get_by_label("事项类别").select_option(label="欠薪")
    phone.get_by_label("反映事项").fill("反映某工地拖欠农民工工资三个月")
    phone.get_by_label("事实和理由").fill("2026年8月至10月在城关镇某工地务工，工资至今未付。")
    phone.get_by_label("诉求").fill("请求督促支付工资4.2万元。")
    answer_challenge(phone)
    phone.get_by_test_id("send-code").click()
    phone.get_by_test_id("code-sent").wait_for()
    code = re.search(r"验证码是 (\d{6})", sms.outbox[-1][1]).group(1)
    phone.get_by_label("短信验证码").fill(code)
    phone.get_by_label(re.compile("本人承诺")).check()
    answer_challenge(phone)
    phone.get_by_test_id("submit").click()
    query_code = phone.get_by_test_id("query-code").inner_text().strip()
    shot(phone, "public-submitted-phone")
    assert Submission.objects.get().state == "pending"

    desk = browser.new_page(viewport={"width": 1280, "height": 900})
    desk.base_url = live_server.url
    login(desk, caseworker.username)
    desk.get_by_role("link", name="网上信访").click()
    desk.get_by_role("link", name="反映某工地拖欠农民工工资三个月").click()
    shot(desk, "online-submission-desktop")
    desk.get_by_test_id("register").click()
    desk.wait_for_url("**/cases/*/")
    case = Case.objects.get()
    assert case.channel == "online"
    case = case_accept(actor=caseworker, case=case, version=case.version)
    case = case_assign(actor=caseworker, case=case, version=case.version, lead_unit=county.housing)
    case = case_meet(actor=unit_officer, case=case, version=case.version)
    case_reply(actor=unit_officer, case=case, version=case.version, text="已督促施工方于12月底前结清工资。")
    desk.close()

    context.clear_cookies()
    phone.goto(base + "track/")
    phone.get_by_label("查询码").fill(query_code)
    phone.get_by_label("手机号后四位").fill("1234")
    answer_challenge(phone)
    phone.get_by_test_id("track-submit").click()
    assert phone.get_by_test_id("public-status").inner_text() == "已答复"
    assert "已督促施工方" in phone.get_by_test_id("public-reply").inner_text()
    shot(phone, "public-mine-phone")
    phone.get_by_test_id("doc-reply").click()
    assert "信访事项处理意见书" in phone.get_by_test_id("document").inner_text()
    shot(phone, "public-reply-document-phone")
    phone.go_back()
    phone.locator("label[for=result-satisfied]").click()
    phone.get_by_test_id("rate-submit").click()
    assert "感谢您的评价" in phone.content()
    shot(phone, "public-rated-phone")
    case.refresh_from_db()
    assert case.satisfaction == "satisfied"
    context.close()


def test_a_petitioner_on_a_phone_opens_the_page_with_an_sms_code(browser, live_server, county, categories):
    sms.outbox.clear()
    filed(county, categories, query_code="ABCDE-FGH23")
    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
    phone = context.new_page()
    phone.set_default_timeout(15_000)
    phone.goto(f"{live_server.url}/public/{county.region.code}/track/")
    phone.get_by_label("查询码").fill("ABCDE-FGH23")
    answer_challenge(phone)
    phone.get_by_test_id("track-send-code").click()
    phone.get_by_test_id("code-sent").wait_for()
    assert phone.get_by_label("查询码").input_value() == "ABCDE-FGH23"  # kept for the second step
    shot(phone, "public-track-sms-phone")
    phone.get_by_label("短信验证码").fill(re.search(r"验证码是 (\d{6})", sms.outbox[-1][1]).group(1))
    answer_challenge(phone)
    phone.get_by_test_id("track-by-code").click()
    assert phone.get_by_test_id("public-status").inner_text() == "已提交，等待登记"
    context.close()
