"""Return visits: scheduled by the reply, due by the county's clock, done by visit, phone or the petitioner's own
one-time link; still unsatisfied three months on, the case becomes a backlog case."""

from datetime import date

import pytest
import time_machine
from django.utils import timezone

import workflow
from cases.models import Case, TimelineEvent
from dossiers import services as dossier_services
from visits import selectors as vsel
from visits import services as vs
from visits.models import AnswerLink, FieldVisit, ReturnVisit
from xinfang import personal_data, sms
from xinfang.errors import Conflict, NotFound, ValidationFailed
from xinfang.rules.services import rules_save

from .conftest import at, walk_to_replied


@pytest.fixture
def replied(case, caseworker, unit_officer, county):
    with time_machine.travel(at("2026-11-16"), tick=False):
        return walk_to_replied(case, caseworker, unit_officer, county.housing)


def test_a_reply_schedules_the_return_visit_for_the_registering_caseworker_due_in_ten_days(replied, caseworker):
    visit = ReturnVisit.objects.get(case=replied)

    assert (visit.status, visit.round, visit.assignee) == ("pending", 1, caseworker)
    assert visit.deadline.due_on == date(2026, 11, 26)  # the default 答复后回访 milestone: 10 calendar days
    assert list(vsel.my_return_visits(user=caseworker)) == [visit]


def test_a_return_visit_at_home_records_satisfaction_a_field_visit_and_lets_the_case_close(replied, caseworker):
    with time_machine.travel(at("2026-11-20", 19), tick=False):
        visit = workflow.return_visit_record(actor=caseworker, case=replied, result="satisfied", method="visit",
                                       note="信访人表示工资已到账")
        case = workflow.case_close(actor=caseworker, case=Case.objects.get(pk=replied.pk),
                             version=Case.objects.get(pk=replied.pk).version)

    assert (visit.status, visit.evaluation.result, visit.done_by) == ("done", "satisfied", caseworker)
    home = FieldVisit.objects.get(pk=visit.field_visit_id)
    assert (home.kind, home.is_night, list(home.cases.all())) == ("return_home", True, [case])
    assert case.status == "closed"
    assert not visit.deadline.__class__.objects.get(pk=visit.deadline_id).met_late


def test_unsatisfied_sends_the_case_back_to_be_handled_and_the_next_reply_schedules_round_two(
        replied, caseworker, unit_officer):
    with time_machine.travel(at("2026-11-18"), tick=False):
        workflow.return_visit_record(actor=caseworker, case=replied, result="unsatisfied", method="phone",
                               note="认为补发金额不足")
    case = Case.objects.get(pk=replied.pk)
    assert (case.status, case.first_unsatisfied_at) == ("handling", at("2026-11-18"))

    case = workflow.case_reply(actor=unit_officer, case=case, version=case.version, text="已补足差额。")
    assert list(ReturnVisit.objects.filter(case=case).values_list("round", "status")) == [(1, "done"),
                                                                                            (2, "pending")]


def test_unsatisfied_without_the_petitioners_view_is_refused(replied, caseworker):
    with pytest.raises(ValidationFailed):
        workflow.return_visit_record(actor=caseworker, case=replied, result="unsatisfied", method="phone")
    assert Case.objects.get(pk=replied.pk).status == "replied"


def test_a_return_visit_on_a_case_not_yet_replied_is_refused(case, caseworker):
    with pytest.raises(Conflict) as refused:
        workflow.return_visit_record(actor=caseworker, case=case, result="satisfied", method="phone")
    assert refused.value.code == "not_replied"
    assert not case.evaluations.exists()


def test_a_return_visit_dated_in_the_future_is_refused(replied, caseworker):
    with pytest.raises(ValidationFailed):
        workflow.return_visit_record(actor=caseworker, case=replied, result="satisfied", method="phone",
                               visited_at=timezone.now() + timezone.timedelta(days=2))
    assert ReturnVisit.objects.get(case=replied).status == "pending"


def test_evaluating_from_the_case_page_also_completes_the_return_visit(replied, caseworker):
    workflow.case_evaluate(actor=caseworker, case=replied, version=replied.version, result="basic", method="phone")
    assert ReturnVisit.objects.get(case=replied).status == "done"


def test_an_appeal_withdraws_the_pending_return_visit(replied, caseworker, county):
    from xinfang.org.services import unit_create

    city_bureau = unit_create(name="安庆市信访局", kind="petition_bureau", region=county.city)
    workflow.case_request_appeal(actor=caseworker, case=replied, version=replied.version, kind="review",
                           reviewing_unit=city_bureau, reason="不服答复")
    visit = ReturnVisit.objects.get(case=replied)
    assert visit.status == "cancelled"
    assert visit.deadline.__class__.objects.get(pk=visit.deadline_id).stopped_at is not None  # no card for it


# The petitioner's one-time link ---------------------------------------------------------------------------

def test_the_petitioner_answers_once_through_the_link_sent_by_sms(replied, caseworker,
                                                                  django_capture_on_commit_callbacks):
    from xinfang.celery import app

    sms.outbox.clear()
    visit = ReturnVisit.objects.get(case=replied)
    app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            link, token = vs.answer_link_create(actor=caseworker, return_visit=visit, channel="sms")
    finally:
        app.conf.task_always_eager = False

    phone, text = sms.outbox[-1]
    assert phone == "13805561234" and token in text and replied.number in text
    assert link.sent_to == "138****1234" and link.token_hash != token

    workflow.answer_link_submit(token=token, result="satisfied", note="满意")
    case = Case.objects.get(pk=replied.pk)
    assert (case.satisfaction, case.evaluations.get().method) == ("satisfied", "link")
    assert ReturnVisit.objects.get(pk=visit.pk).status == "done"

    with pytest.raises(Conflict) as again:
        workflow.answer_link_submit(token=token, result="unsatisfied")
    assert again.value.code == "link_used"
    assert case.evaluations.count() == 1


def test_an_expired_or_unknown_link_is_refused(replied, caseworker):
    visit = ReturnVisit.objects.get(case=replied)
    with time_machine.travel(at("2026-11-17"), tick=False):
        _link, token = vs.answer_link_create(actor=caseworker, return_visit=visit, channel="qr")
    with time_machine.travel(at("2026-12-03"), tick=False), pytest.raises(Conflict) as expired:
        workflow.answer_link_submit(token=token, result="satisfied")
    with pytest.raises(NotFound):
        workflow.answer_link_submit(token="not-a-token", result="satisfied")

    assert expired.value.code == "link_expired"
    assert AnswerLink.objects.get().used_at is None
    assert Case.objects.get(pk=replied.pk).status == "replied"


def test_a_link_is_closed_once_the_return_visit_was_done_another_way(replied, caseworker):
    visit = ReturnVisit.objects.get(case=replied)
    _link, token = vs.answer_link_create(actor=caseworker, return_visit=visit, channel="qr")
    workflow.return_visit_record(actor=caseworker, case=replied, result="basic", method="phone")

    with pytest.raises(Conflict) as refused:
        workflow.answer_link_submit(token=token, result="unsatisfied")
    assert refused.value.code == "already_answered"


# Three months unsatisfied → backlog ---------------------------------------------------------------------------

def test_a_case_still_unsatisfied_three_months_after_the_first_unsatisfied_result_becomes_backlog(
        replied, caseworker, unit_officer, case):
    with time_machine.travel(at("2026-11-18"), tick=False):
        workflow.return_visit_record(actor=caseworker, case=replied, result="unsatisfied", method="phone",
                                     note="不认可")
    with time_machine.travel(at("2027-02-17"), tick=False):
        assert dossier_services.backlog_promote() == 0  # a day short of three months
    with time_machine.travel(at("2027-02-18", 11), tick=False):
        assert dossier_services.backlog_promote() == 1
        assert dossier_services.backlog_promote() == 0  # idempotent

    promoted = Case.objects.get(pk=replied.pk)
    assert promoted.backlog_source == "unsatisfied" and promoted.backlog_at == at("2027-02-18", 11)
    assert TimelineEvent.objects.filter(case=promoted, kind="backlog").count() == 1


def test_a_case_satisfied_at_its_second_return_visit_is_not_promoted(replied, caseworker, unit_officer):
    with time_machine.travel(at("2026-11-18"), tick=False):
        workflow.return_visit_record(actor=caseworker, case=replied, result="unsatisfied", method="phone",
                                     note="不认可")
        case = Case.objects.get(pk=replied.pk)
        case = workflow.case_reply(actor=unit_officer, case=case, version=case.version, text="补充答复")
        workflow.return_visit_record(actor=caseworker, case=case, result="satisfied", method="phone")
    with time_machine.travel(at("2027-03-01"), tick=False):
        assert dossier_services.backlog_promote() == 0
    assert Case.objects.get(pk=replied.pk).backlog_at is None


def test_the_county_sets_the_months(replied, caseworker, county_admin, county):
    rules_save(actor=county_admin, county=county.region, key="visits", values={"backlog_after_months": 1},
               reason="县联席会议决定")
    with time_machine.travel(at("2026-11-18"), tick=False):
        workflow.return_visit_record(actor=caseworker, case=replied, result="unsatisfied", method="phone",
                                     note="不认可")
    with time_machine.travel(at("2026-12-18", 12), tick=False):
        assert dossier_services.backlog_promote() == 1


def test_the_answer_sms_is_sent_once_however_often_its_task_runs(replied, caseworker, client_as, system_admin):
    from xinfang.exchange.models import Message

    sms.outbox.clear()
    visit = ReturnVisit.objects.get(case=replied)
    link, token = vs.answer_link_create(actor=caseworker, return_visit=visit, channel="sms")
    sealed = personal_data.encrypt(token)

    assert vs.answer_sms_send(link_id=link.pk, sealed_token=sealed) is True
    assert vs.answer_sms_send(link_id=link.pk, sealed_token=sealed) is True  # a retry of the task: already sent

    assert len(sms.outbox) == 1
    message = Message.objects.get(key=f"answer_link:{link.pk}")
    assert (message.state, message.attempts, message.to_masked) == ("sent", 1, "138****1234")
    assert token not in message.body_encrypted  # the live link is kept encrypted
    page = client_as(system_admin).get("/exchange/messages/").content.decode()
    assert "138****1234" in page and "已发送" in page
