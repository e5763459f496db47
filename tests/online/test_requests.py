"""The petitioner's requests on a registered case, handled at the desk: a withdrawal answered with what was done, a
review request registered as 复查 through the case's own appeal step (or answered with why not) — each leaves the
queue, and the petitioner reads the outcome on the query page."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cases.choices import CaseStatus
from cases.models import Appeal
from online.models import Submission
from tests.factories import make_person
from workflow import case_request_appeal
from workflow.online import public_request_review, public_withdraw, request_answer
from xinfang.errors import Conflict
from xinfang.org.models import AuditEvent, Unit

from .conftest import filed, replied, solve


@pytest.fixture
def city_bureau(county):
    return Unit.objects.create(name="安庆市信访局", kind="petition_bureau", region=county.city)


@pytest.fixture
def desk(caseworker):
    staff = Client()
    staff.force_login(caseworker, backend="django.contrib.auth.backends.ModelBackend")
    return staff


def petitioner_page(county, query_code="ABCDE-FGH23") -> str:
    phone = Client()
    base = f"/public/{county.region.code}/track/"
    phone.post(base, {"query_code": query_code, "last_four": "1234", **solve(phone.get(base).content.decode())})
    return phone.get(f"/public/{county.region.code}/mine/").content.decode()


def asked_to_withdraw(county, categories, caseworker, unit_officer):
    submission = filed(county, categories)
    replied(submission, caseworker, unit_officer, county)
    return public_withdraw(submission=Submission.objects.get(pk=submission.pk), reason="已与施工方和解")


def asked_for_review(county, categories, caseworker, unit_officer):
    submission = filed(county, categories)
    replied(submission, caseworker, unit_officer, county, text="不予支持。")
    return public_request_review(submission=Submission.objects.get(pk=submission.pk), reason="对处理意见不服")


def test_the_caseworker_answers_a_withdrawal_and_the_petitioner_reads_it(county, categories, caseworker,
                                                                         unit_officer, desk):
    submission = asked_to_withdraw(county, categories, caseworker, unit_officer)
    assert "已与施工方和解" in desk.get("/online/").content.decode()
    assert "已申请撤回，等待工作人员处理" in petitioner_page(county)
    desk.post(f"/online/{submission.pk}/answer/", {"action": "withdraw", "answer": "  "})
    assert Submission.objects.get().withdraw_answered_at is None  # no answer, nothing changes

    page = desk.get(f"/online/{submission.pk}/").content.decode()
    assert 'data-testid="withdraw-request"' in page
    done = desk.post(f"/online/{submission.pk}/answer/", {"action": "withdraw", "answer": "同意撤回，本事项终止办理。"})
    assert done.status_code == 302
    assert "已与施工方和解" not in desk.get("/online/").content.decode()  # gone from the queue
    mine = petitioner_page(county)
    assert "撤回申请的处理结果" in mine and "同意撤回，本事项终止办理。" in mine and "等待工作人员处理" not in mine
    case = Submission.objects.get().case
    assert case.events.filter(kind="public_withdraw_answer", actor=caseworker).exists()
    assert AuditEvent.objects.filter(action="online.withdraw_answer", actor=caseworker,
                                     ip_address="127.0.0.1").exists()


def test_a_review_request_is_registered_as_a_review_with_the_petitioners_reason(county, categories, caseworker,
                                                                                unit_officer, desk, city_bureau):
    submission = asked_for_review(county, categories, caseworker, unit_officer)
    page = desk.get(f"/online/{submission.pk}/").content.decode()
    assert 'data-testid="review-request"' in page and "安庆市信访局" in page  # the bodies above, to choose from
    desk.post(f"/online/{submission.pk}/answer/", {"action": "review_register", "reviewing_unit": city_bureau.pk})
    appeal = Appeal.objects.get()
    assert appeal.kind == "review" and appeal.reason == "对处理意见不服" and appeal.registered_by == caseworker
    assert appeal.case.status == CaseStatus.REVIEWING
    assert "对处理意见不服" not in desk.get("/online/").content.decode()
    mine = petitioner_page(county)
    assert "复查中" in mine and "已转安庆市信访局复查。" in mine


def test_a_review_body_that_is_not_above_the_case_or_is_nonsense_registers_nothing(county, categories, caseworker,
                                                                                   unit_officer, desk):
    submission = asked_for_review(county, categories, caseworker, unit_officer)
    for unit in (county.housing.pk, "²", "", "99999999999999999999"):
        response = desk.post(f"/online/{submission.pk}/answer/", {"action": "review_register", "reviewing_unit": unit},
                             follow=True)
        assert response.status_code == 200 and "请选择复查机关" in response.content.decode()
    assert not Appeal.objects.exists() and Submission.objects.get().review_answered_at is None
    assert "对处理意见不服" in desk.get("/online/").content.decode()


def test_a_review_request_that_is_not_registered_here_is_answered_with_why(county, categories, caseworker,
                                                                           unit_officer, desk):
    submission = asked_for_review(county, categories, caseworker, unit_officer)
    desk.post(f"/online/{submission.pk}/answer/", {"action": "review", "answer": "请持处理意见书直接向市信访局申请。"})
    assert not Appeal.objects.exists()
    assert "对处理意见不服" not in desk.get("/online/").content.decode()
    assert "请持处理意见书直接向市信访局申请。" in petitioner_page(county)


def test_a_request_is_answered_once(county, categories, caseworker, unit_officer):
    submission = asked_to_withdraw(county, categories, caseworker, unit_officer)
    request_answer(actor=caseworker, submission=submission, kind="withdraw", answer="同意撤回。")
    with pytest.raises(Conflict) as answered:
        request_answer(actor=caseworker, submission=submission, kind="withdraw", answer="再答一次")
    assert answered.value.code == "request_answered"
    with pytest.raises(Conflict) as none:
        request_answer(actor=caseworker, submission=submission, kind="review", answer="没有复查申请")
    assert none.value.code == "no_request"
    assert Submission.objects.get().withdraw_answer == "同意撤回。"


def test_a_review_registered_on_the_case_page_leaves_the_queue_too(county, categories, caseworker, unit_officer,
                                                                   desk, city_bureau):
    submission = asked_for_review(county, categories, caseworker, unit_officer)
    case = submission.case
    case.refresh_from_db()
    case_request_appeal(actor=caseworker, case=case, version=case.version, kind="review",
                        reviewing_unit=city_bureau, reason="信访人网上申请")
    assert "对处理意见不服" not in desk.get("/online/").content.decode()
    assert "等待工作人员处理" not in petitioner_page(county)


def test_staff_of_another_county_cannot_answer_a_request(county, categories, caseworker, unit_officer,
                                                         other_county):
    submission = asked_to_withdraw(county, categories, caseworker, unit_officer)
    other = Client()
    other.force_login(make_person("chen.other", other_county.bureau, ["caseworker"]),
                      backend="django.contrib.auth.backends.ModelBackend")
    assert other.post(f"/online/{submission.pk}/answer/", {"action": "withdraw", "answer": "同意"}).status_code == 404
    assert Submission.objects.get().withdraw_answered_at is None


def test_the_queue_with_requests_reads_in_a_fixed_number_of_queries(county, categories, caseworker, unit_officer,
                                                                    desk):
    def requests(first, n):
        for i in range(first, first + n):
            submission = filed(county, categories, query_code=f"QUEUE-{'ABCDEFGHJK'[i]}AAAA",
                               phone=f"1390556{i:04d}", summary=f"反映第{i}件事")
            replied(submission, caseworker, unit_officer, county)
            submission = Submission.objects.get(pk=submission.pk)
            public_withdraw(submission=submission, reason=f"第{i}件撤回")
            public_request_review(submission=Submission.objects.get(pk=submission.pk), reason=f"第{i}件复查")

    requests(0, 2)
    with CaptureQueriesContext(connection) as two:
        desk.get("/online/")
    requests(2, 4)
    with CaptureQueriesContext(connection) as six:
        page = desk.get("/online/").content.decode()
    assert "第5件复查" in page and len(six) == len(two)
