"""The petition workflow through its services: from the first letter to closure, and every refusal."""

from datetime import timedelta

import pytest

from cases.choices import CaseStatus
from cases.models import Assignment, Case, TimelineEvent
from cases.services import extension_request
from workflow import (
    case_accept,
    case_assign,
    case_close,
    case_divert,
    case_evaluate,
    case_feedback,
    case_forward,
    case_meet,
    case_not_accept,
    case_reply,
    case_return,
    extension_decide,
)
from xinfang.errors import Conflict, NotFound, NotPermitted, ValidationFailed

pytestmark = pytest.mark.django_db


def test_a_letter_runs_from_registration_to_closure(case, caseworker, unit_officer, county):
    assert case.number.startswith("340822-") and case.number.endswith("-000001")
    assert case.status == CaseStatus.REGISTERED

    case = case_accept(actor=caseworker, case=case, version=case.version)
    case = case_assign(actor=caseworker, case=case, version=case.version, lead_unit=county.housing,
                       assist_units=[county.township_government], tasks="三日内与信访人见面")
    case = case_meet(actor=unit_officer, case=case, version=case.version, note="在住建局接待室见面")
    case = case_feedback(actor=unit_officer, case=case, version=case.version, note="已约谈施工方")
    case = case_reply(actor=unit_officer, case=case, version=case.version, text="施工方已于本周支付全部工资。")
    case = case_evaluate(actor=caseworker, case=case, version=case.version, result="satisfied", method="phone")
    case = case_close(actor=caseworker, case=case, version=case.version)

    assert case.status == CaseStatus.CLOSED
    assert case.first_unit == county.housing and case.lead_unit == county.housing
    assert case.met_at and case.feedback_at and case.replied_at and case.closed_at
    kinds = list(TimelineEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert [k for k in kinds if not k.startswith("deadline_")] == [
        "register", "accept", "assign", "meet", "feedback", "reply", "evaluate", "close"]
    assert kinds.count("deadline_start") == 4  # from receipt, acceptance, assignment and the reply (return visit)
    assert TimelineEvent.objects.get(case=case, kind="accept").changes["status"] == ["registered", "accepted"]
    assert set(Assignment.objects.filter(case=case).values_list("role", flat=True)) == {"lead", "assist"}


def test_case_numbers_count_up_per_county_and_year(register):
    first, second = register(), register()

    assert int(second.number[-6:]) == int(first.number[-6:]) + 1


def test_replying_before_meeting_is_refused_and_changes_nothing(case, caseworker, county):
    case = case_accept(actor=caseworker, case=case, version=case.version)

    with pytest.raises(Conflict) as exc:
        case_reply(actor=caseworker, case=case, version=case.version, text="答复")

    assert exc.value.code == "transition_not_allowed"
    assert str(exc.value.message) == "当前状态为“待交办”，不能答复。"
    assert Case.objects.get(pk=case.pk).status == CaseStatus.ACCEPTED
    assert not TimelineEvent.objects.filter(case=case, kind="reply").exists()


@pytest.mark.parametrize("action", ["assign", "meet", "feedback", "reply", "close", "return"])
def test_every_step_out_of_order_on_a_registered_case_is_refused(case, caseworker, county, action):
    calls = {
        "assign": lambda: case_assign(actor=caseworker, case=case, version=case.version, lead_unit=county.housing),
        "meet": lambda: case_meet(actor=caseworker, case=case, version=case.version),
        "feedback": lambda: case_feedback(actor=caseworker, case=case, version=case.version, note="x"),
        "reply": lambda: case_reply(actor=caseworker, case=case, version=case.version, text="x"),
        "close": lambda: case_close(actor=caseworker, case=case, version=case.version),
        "return": lambda: case_return(actor=caseworker, case=case, version=case.version, reason="x"),
    }

    with pytest.raises((Conflict, NotPermitted)):
        calls[action]()

    assert Case.objects.get(pk=case.pk).status == CaseStatus.REGISTERED
    assert Case.objects.get(pk=case.pk).version == case.version


def test_a_stale_version_is_refused_so_no_update_is_lost(case, caseworker):
    stale = Case.objects.get(pk=case.pk)
    case_accept(actor=caseworker, case=case, version=case.version)

    with pytest.raises(Conflict) as exc:
        case_not_accept(actor=caseworker, case=stale, version=stale.version, reason="不属于信访事项")

    assert exc.value.code == "stale_version"
    assert Case.objects.get(pk=case.pk).status == CaseStatus.ACCEPTED


def test_not_accepting_needs_a_reason(case, caseworker):
    with pytest.raises(ValidationFailed) as exc:
        case_not_accept(actor=caseworker, case=case, version=case.version, reason="  ")

    assert "reason" in exc.value.detail
    assert Case.objects.get(pk=case.pk).status == CaseStatus.REGISTERED


def test_forwarding_names_the_competent_body(case, caseworker):
    case = case_forward(actor=caseworker, case=case, version=case.version, to_body="县人民法院", reason="属诉讼事项")

    assert case.status == CaseStatus.FORWARDED and case.forwarded_to == "县人民法院"


def test_a_litigation_matter_is_diverted_not_accepted(register, caseworker, categories):
    case = register(category=categories["legal"])

    with pytest.raises(Conflict) as exc:
        case_accept(actor=caseworker, case=case, version=case.version)
    case = case_divert(actor=caseworker, case=case, version=case.version, reason="已告知通过诉讼途径解决")

    assert exc.value.code == "litigation_matter"
    assert case.status == CaseStatus.DIVERTED


def test_a_unit_officer_may_not_accept_cases(case, unit_officer):
    with pytest.raises(NotPermitted):
        case_accept(actor=unit_officer, case=case, version=case.version)


def test_a_case_of_another_county_does_not_exist_for_the_caseworker(case, other_caseworker):
    with pytest.raises(NotFound):
        case_accept(actor=other_caseworker, case=case, version=case.version)


def test_an_officer_of_another_unit_may_not_record_handling(case, caseworker, county):
    from tests.factories import make_person

    case = case_accept(actor=caseworker, case=case, version=case.version)
    case = case_assign(actor=caseworker, case=case, version=case.version, lead_unit=county.housing)
    outsider = make_person("assist.officer", county.township_government, ["unit_officer"])

    with pytest.raises((NotPermitted, NotFound)):
        case_meet(actor=outsider, case=case, version=case.version)


def assigned(case, caseworker, county):
    case = case_accept(actor=caseworker, case=case, version=case.version)
    return case_assign(actor=caseworker, case=case, version=case.version, lead_unit=county.housing)


def test_a_misassigned_case_is_returned_and_rerouted_and_the_first_unit_stays_answerable(case, caseworker,
                                                                                         unit_officer, county):
    case = assigned(case, caseworker, county)

    case = case_return(actor=unit_officer, case=case, version=case.version, reason="属人社部门职责")
    assert case.status == CaseStatus.ACCEPTED and case.lead_unit is None
    case = case_assign(actor=caseworker, case=case, version=case.version, lead_unit=county.government)

    assert case.lead_unit == county.government
    assert case.first_unit == county.housing
    returned = Assignment.objects.get(case=case, unit=county.housing)
    assert returned.return_reason == "属人社部门职责" and not returned.is_active


def test_returning_after_the_window_is_refused(case, caseworker, unit_officer, county):
    import time_machine

    case = assigned(case, caseworker, county)

    with time_machine.travel(case.assigned_at + timedelta(days=6)), pytest.raises(Conflict) as exc:
        case_return(actor=unit_officer, case=case, version=case.version, reason="不属本单位")

    assert exc.value.code == "return_window_passed"
    assert Case.objects.get(pk=case.pk).status == CaseStatus.ASSIGNED


def test_an_unsatisfied_return_visit_sends_the_case_back_to_be_handled_again(case, caseworker, unit_officer,
                                                                             county):
    case = assigned(case, caseworker, county)
    case = case_meet(actor=unit_officer, case=case, version=case.version)
    case = case_reply(actor=unit_officer, case=case, version=case.version, text="答复")

    case = case_evaluate(actor=caseworker, case=case, version=case.version, result="unsatisfied", method="visit",
                         note="认为赔偿标准过低")

    assert case.status == CaseStatus.HANDLING and case.rehandle_count == 1
    with pytest.raises(Conflict):
        case_close(actor=caseworker, case=case, version=case.version)


def test_closing_without_a_satisfied_return_visit_is_refused(case, caseworker, unit_officer, county):
    case = assigned(case, caseworker, county)
    case = case_meet(actor=unit_officer, case=case, version=case.version)
    case = case_reply(actor=unit_officer, case=case, version=case.version, text="答复")

    with pytest.raises(Conflict) as exc:
        case_close(actor=caseworker, case=case, version=case.version)

    assert exc.value.code == "not_evaluated"


def test_an_extension_is_asked_once_and_approved_by_a_leader(case, caseworker, unit_officer, leader, county):
    case = assigned(case, caseworker, county)

    extension = extension_request(actor=unit_officer, case=case, days=30, reason="需要司法鉴定")
    extension = extension_decide(actor=leader, extension=extension, approve=True)

    assert extension.status == "approved"
    with pytest.raises(Conflict) as exc:
        extension_request(actor=unit_officer, case=case, days=10, reason="再延")
    assert exc.value.code == "extension_limit"


def test_an_extension_longer_than_the_county_allows_is_refused(case, caseworker, unit_officer, county):
    case = assigned(case, caseworker, county)

    with pytest.raises(ValidationFailed):
        extension_request(actor=unit_officer, case=case, days=45, reason="太复杂")
