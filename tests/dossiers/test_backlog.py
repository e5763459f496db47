"""How a case becomes a backlog case, and the dossier's life: owners (双包案), plan and measures whose lateness raises
cards, 提级会审, sign-off, 销号 and relapse."""

from datetime import date, timedelta

import pytest
import time_machine
from django.utils import timezone

import workflow
from cases import services as cs
from cases.models import Case
from deadlines.models import Card
from dossiers import services as dossier_services
from dossiers import services as ds
from dossiers.models import Dossier
from xinfang.errors import Conflict, NotPermitted, ValidationFailed
from xinfang.rules.services import rules_save

from .conftest import at, ready

# Becoming backlog ---------------------------------------------------------------------------------------------

def test_a_leader_designates_a_case_with_a_reason(dossier, case, leader):
    assert (dossier.source, dossier.stage, dossier.opened_by) == ("designated", "opened", leader)
    assert Case.objects.get(pk=case.pk).backlog_source == "designated"
    assert case.events.filter(kind="dossier_open", message__contains="多年重复信访").exists()


def test_designation_needs_a_reason_and_a_leader(case, leader, caseworker):
    with pytest.raises(ValidationFailed):
        ds.dossier_designate(actor=leader, case=case, reason=" ")
    with pytest.raises(NotPermitted):
        ds.dossier_designate(actor=caseworker, case=case, reason="x")
    assert not Dossier.objects.exists()


def test_a_case_is_backlog_once(dossier, case, leader):
    with pytest.raises(Conflict) as again:
        ds.dossier_designate(actor=leader, case=case, reason="再次")
    assert again.value.code == "already_backlog"


def test_a_central_batch_assigned_as_backlog_opens_a_dossier_for_each_case(register, caseworker):
    batch = [register(channel="from_above", upper_source="central", upper_batch="2026年第3批") for _ in range(3)]
    register(channel="from_above", upper_source="central", upper_batch="2026年第4批")

    assert ds.batch_from_above(actor=caseworker, upper_source="central", batch="2026年第3批") == 3
    assert set(Dossier.objects.values_list("case_id", "source", "source_batch")) == {
        (c.pk, "from_above", "2026年第3批") for c in batch}


def test_a_single_case_from_above_becomes_backlog_and_an_ordinary_one_cannot(register, caseworker, case):
    above = register(channel="from_above", upper_source="city", upper_batch="市交办2026-11")
    assert ds.dossier_from_above(actor=caseworker, case=above).source_batch == "市交办2026-11"
    with pytest.raises(ValidationFailed):
        ds.dossier_from_above(actor=caseworker, case=case)


def test_the_three_month_unsatisfied_rule_opens_the_dossier_with_the_owning_leader(case, caseworker, unit_officer,
                                                                                  leader, county):
    with time_machine.travel(at("2026-11-16"), tick=False):
        case = workflow.case_accept(actor=caseworker, case=case, version=case.version)
        case = workflow.case_assign(actor=caseworker, case=case, version=case.version, lead_unit=county.housing)
        case = cs.case_set_owner(actor=caseworker, case=case, owner=leader, reason="包案")
        case = workflow.case_meet(actor=unit_officer, case=case, version=case.version)
        case = workflow.case_reply(actor=unit_officer, case=case, version=case.version, text="答复")
        workflow.return_visit_record(actor=caseworker, case=case, result="unsatisfied", method="phone", note="不认可")
    with time_machine.travel(at("2027-02-17", 9), tick=False):
        assert dossier_services.backlog_promote() == 1

    dossier = Dossier.objects.get(case=case)
    assert (dossier.source, dossier.stage) == ("unsatisfied", "opened")
    assert list(dossier.owners.values_list("user", "role")) == [(leader.pk, "primary")]


# Owners and the plan ------------------------------------------------------------------------------------------

def test_a_city_assigned_case_needs_two_owning_leaders_where_the_county_says_so(register, caseworker, county_admin,
                                                                               county, leader, deputy):
    rules_save(actor=county_admin, county=county.region, key="backlog", values={"dual_owner_sources": ["city"]},
               reason="市信联办交办的实行双包案")
    dossier = ds.dossier_from_above(actor=caseworker, case=register(channel="from_above", upper_source="city"))

    with pytest.raises(ValidationFailed) as single:
        ds.owners_set(actor=caseworker, dossier=dossier, primary=leader)
    ds.owners_set(actor=caseworker, dossier=dossier, primary=leader, second=deputy)

    assert "双包案" in str(single.value.message)
    assert list(dossier.owners.values_list("user", "role")) == [(leader.pk, "primary"), (deputy.pk, "second")]
    assert Case.objects.get(pk=dossier.case_id).owner == leader


def test_the_plan_is_put_in_force_only_when_the_five_ones_are_complete(dossier, caseworker, leader, unit_officer):
    with pytest.raises(ValidationFailed) as incomplete:
        ds.dossier_start(actor=caseworker, dossier=dossier)
    assert incomplete.value.code == "plan_incomplete" and "专班成员" in incomplete.value.detail["missing"]

    ready(dossier, caseworker, leader, unit_officer, timezone.localdate() + timedelta(days=10))
    assert ds.dossier_start(actor=caseworker, dossier=dossier).stage == "resolving"


def test_an_overdue_measure_raises_a_card_on_its_owners_unit(dossier, caseworker, leader, unit_officer, county):
    with time_machine.travel(at("2026-11-16"), tick=False):
        measure = ready(dossier, caseworker, leader, unit_officer, date(2026, 11, 26))
        ds.dossier_start(actor=caseworker, dossier=dossier)
    assert measure.deadline.due_on == date(2026, 11, 26)

    with time_machine.travel(at("2026-11-27", 9), tick=False):
        workflow.sweep()
    card = Card.objects.get(deadline=measure.deadline, cleared_at__isnull=True)
    assert (card.colour, card.unit) == ("red", county.housing)

    with time_machine.travel(at("2026-11-28", 9), tick=False):
        ds.measure_done(actor=unit_officer, measure=measure, note="工资已付清")
    card.refresh_from_db()
    assert card.cleared_at is not None and card.clear_reason == "met"


# Progress to 销号 ----------------------------------------------------------------------------------------------

@pytest.fixture
def resolving(dossier, caseworker, leader, unit_officer):
    measure = ready(dossier, caseworker, leader, unit_officer, timezone.localdate() + timedelta(days=10))
    ds.dossier_start(actor=caseworker, dossier=dossier)
    dossier.measure = measure
    return dossier


def test_a_joint_review_one_level_up_and_its_outcome(resolving, caseworker, county):
    escalation = ds.escalation_request(actor=caseworker, dossier=resolving, reason="涉及跨县土地权属")
    assert (Dossier.objects.get(pk=resolving.pk).stage, escalation.to_region) == ("escalated", county.city)

    ds.escalation_record(actor=caseworker, escalation=escalation, outcome="由市自然资源局牵头确权")
    assert Dossier.objects.get(pk=resolving.pk).stage == "resolving"
    assert resolving.case.events.filter(kind="dossier_escalation", message__contains="牵头确权").exists()


def test_sign_off_needs_every_measure_done_and_closure_needs_an_owning_leader(resolving, caseworker, leader,
                                                                              unit_officer, deputy):
    with pytest.raises(Conflict) as open_measures:
        ds.sign_off(actor=caseworker, dossier=resolving, petitioner_stopped=True, note="验收")
    ds.measure_done(actor=unit_officer, measure=resolving.measure)
    sign = ds.sign_off(actor=caseworker, dossier=resolving, petitioner_stopped=True, note="已息诉罢访",
                       agreement="双方签订化解协议")
    with pytest.raises(NotPermitted):
        workflow.dossier_close(actor=deputy, dossier=resolving)
    closed = workflow.dossier_close(actor=leader, dossier=resolving, note="同意销号")

    assert open_measures.value.code == "measures_open"
    assert sign.petitioner_stopped and sign.agreement == "双方签订化解协议"
    assert (closed.stage, closed.progress, closed.closed_by) == ("closed", 100, leader)


def test_the_petitioner_coming_back_on_the_same_matter_reopens_the_dossier_as_a_relapse(resolving, caseworker,
                                                                                       leader, unit_officer,
                                                                                       register):
    ds.measure_done(actor=unit_officer, measure=resolving.measure)
    ds.sign_off(actor=caseworker, dossier=resolving, petitioner_stopped=True, note="验收")
    workflow.dossier_close(actor=leader, dossier=resolving)

    again = register(repeat_of=resolving.case, summary="工资问题再次反映")

    reopened = Dossier.objects.get(pk=resolving.pk)
    assert (reopened.stage, reopened.relapse_count, reopened.closed_at) == ("resolving", 1, None)
    assert again.events.filter(kind="dossier_relapse").exists()


def test_a_repeat_of_a_live_dossier_is_no_relapse(dossier, register):
    register(repeat_of=dossier.case)
    assert Dossier.objects.get(pk=dossier.pk).relapse_count == 0


def test_another_countys_caseworker_cannot_touch_the_dossier(dossier, other_caseworker):
    from xinfang.errors import NotFound

    with pytest.raises(NotFound):
        ds.plan_update(actor=other_caseworker, dossier=dossier, plan="x", facts="", difficulty="", persuasion="")
