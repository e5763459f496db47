"""Every case carries its clocks: started and met by the workflow, moved by extensions and suspensions, kept on
the rule-set version the case started under, and every moved due date is on the timeline with why."""

from datetime import date, timedelta

import pytest
import time_machine

import workflow
from cases import services as cs
from cases.models import Case, TimelineEvent
from deadlines import services as ds
from deadlines.models import Deadline, RuleSet
from deadlines.selectors import deadline_state
from tests.factories import add_rule_set, set_milestone
from xinfang.errors import Conflict, NotPermitted
from xinfang.rules.models import RulesVersion

from .conftest import at

pytestmark = pytest.mark.django_db
D = date.fromisoformat


def clocks(case) -> dict[str, Deadline]:
    return {d.milestone.code: d for d in Deadline.objects.filter(case=case).select_related("milestone")
            .order_by("id")}


def walk_to_assigned(case, caseworker, unit):
    case = workflow.case_accept(actor=caseworker, case=case, version=case.version)
    return workflow.case_assign(actor=caseworker, case=case, version=case.version, lead_unit=unit)


def test_a_letter_received_before_the_spring_festival_must_be_decided_on_by_the_first_working_day_after(
        register, caseworker):
    with time_machine.travel(at("2026-02-01"), tick=False):
        case = register()

    decide = clocks(case)["decide"]
    assert (decide.started_on, decide.due_on) == (D("2026-02-01"), D("2026-02-24"))  # day 15 is in the holiday
    assert Case.objects.get(pk=case.pk).due_on == D("2026-02-24")


def test_a_first_petition_assigned_gets_the_3_7_21_clocks_and_the_statutory_60_days(register, caseworker, county):
    with time_machine.travel(at("2026-11-16"), tick=False):
        case = walk_to_assigned(register(), caseworker, county.housing)

    running = clocks(case)
    assert running["decide"].met_at is not None and not running["decide"].met_late
    assert {code: (d.due_on, d.unit_id) for code, d in running.items() if code != "decide"} == {
        "meet": (D("2026-11-19"), county.housing.pk),
        "feedback": (D("2026-11-23"), county.housing.pk),  # day 7 is Sunday 22nd
        "close21": (D("2026-12-07"), county.housing.pk),
        "handle": (D("2027-01-15"), county.housing.pk),  # adopted by the lead unit when it was assigned
    }
    assert running["handle"].calendar_unconfirmed is True  # 2027 is not published yet
    assert Case.objects.get(pk=case.pk).due_on == D("2026-11-19")


def test_a_repeat_petition_gets_no_3_7_21_clocks(register, caseworker, county):
    with time_machine.travel(at("2026-11-16"), tick=False):
        original = register()
        repeat = walk_to_assigned(register(repeat_of=original), caseworker, county.housing)

    assert set(clocks(repeat)) == {"decide", "handle"}


def test_meeting_late_meets_the_clock_and_says_it_was_late(register, caseworker, unit_officer, county):
    with time_machine.travel(at("2026-11-16"), tick=False):
        case = walk_to_assigned(register(), caseworker, county.housing)
    with time_machine.travel(at("2026-11-20"), tick=False):
        workflow.case_meet(actor=unit_officer, case=case, version=case.version)

    meet = clocks(case)["meet"]
    assert meet.met_late is True
    assert deadline_state(meet) == "met_late"
    assert TimelineEvent.objects.filter(case=case, kind="deadline_late").exists()


def test_an_approved_extension_moves_only_the_extendable_clocks_and_says_why(register, caseworker, unit_officer,
                                                                             county):
    with time_machine.travel(at("2026-11-16"), tick=False):
        case = walk_to_assigned(register(), caseworker, county.housing)
        extension = cs.extension_request(actor=unit_officer, case=case, days=10, reason="需要现场勘验")
        workflow.extension_decide(actor=caseworker, extension=extension, approve=True)

    running = clocks(case)
    assert running["close21"].due_on == D("2026-12-17")  # 21 + 10 calendar days from 16 November
    assert running["meet"].due_on == D("2026-11-19")  # not extendable
    moved = TimelineEvent.objects.filter(case=case, kind="deadline_moved").values_list("message", flat=True)
    assert any("2026-12-07" in m and "2026-12-17" in m and "批准延期10天" in m for m in moved)


def test_a_suspended_clock_resumes_with_the_lost_days_added(register, caseworker, unit_officer, county):
    with time_machine.travel(at("2026-11-16"), tick=False):
        case = walk_to_assigned(register(), caseworker, county.housing)
        suspension = ds.suspension_request(actor=unit_officer, case=case, reason="等待信访人补充材料")
    with time_machine.travel(at("2026-11-17"), tick=False):
        ds.suspension_decide(actor=caseworker, suspension=suspension, approve=True)
        assert Case.objects.get(pk=case.pk).due_on is None  # nothing is running while suspended
        assert deadline_state(clocks(case)["meet"]) == "suspended"
    with time_machine.travel(at("2026-11-24"), tick=False):
        ds.suspension_end(actor=unit_officer, suspension=suspension)

    meet = clocks(case)["meet"]
    assert meet.suspended_days == 7  # 17th → 24th
    assert meet.due_on == D("2026-11-26")  # 19 November + 7 days
    assert Case.objects.get(pk=case.pk).due_on == D("2026-11-26")
    assert TimelineEvent.objects.filter(case=case, kind="deadline_moved", message__contains="中止计时").exists()


def test_a_second_open_suspension_is_refused(register, caseworker, unit_officer, county):
    case = walk_to_assigned(register(), caseworker, county.housing)
    ds.suspension_request(actor=unit_officer, case=case, reason="等待鉴定")

    with pytest.raises(Conflict) as exc:
        ds.suspension_request(actor=unit_officer, case=case, reason="再次申请")
    assert exc.value.code == "suspension_open"


def test_only_an_approver_may_approve_a_suspension(register, caseworker, unit_officer, county):
    case = walk_to_assigned(register(), caseworker, county.housing)
    suspension = ds.suspension_request(actor=unit_officer, case=case, reason="等待鉴定")

    with pytest.raises(NotPermitted):
        ds.suspension_decide(actor=unit_officer, suspension=suspension, approve=True)


def test_re_assignment_restarts_the_unit_s_clock_but_not_the_statutory_60_days(register, caseworker, unit_officer,
                                                                              county):
    with time_machine.travel(at("2026-11-16"), tick=False):
        case = walk_to_assigned(register(), caseworker, county.housing)
    with time_machine.travel(at("2026-11-18"), tick=False):
        case = workflow.case_return(actor=unit_officer, case=case, version=case.version, reason="不属于本单位职责")
        case = workflow.case_assign(actor=caseworker, case=case, version=case.version,
                                    lead_unit=county.township_government)

    meets = list(Deadline.objects.filter(case=case, milestone__code="meet").order_by("id"))
    assert [(m.unit_id, m.stopped_at is not None) for m in meets] == [
        (county.housing.pk, True), (county.township_government.pk, False)]
    assert meets[1].due_on == D("2026-11-21") + timedelta(days=2)  # 3 days from the 18th: Saturday → Monday 23
    handle = Deadline.objects.get(case=case, milestone__code="handle")
    assert (handle.started_on, handle.unit_id) == (D("2026-11-16"), county.township_government.pk)


def test_an_assisting_unit_has_its_own_clock_met_by_its_report(register, caseworker, county, django_user_model):
    from tests.factories import make_person

    assistant = make_person("sun.assist", county.township_government, ["unit_officer"], name="孙协办")
    case = workflow.case_accept(actor=caseworker, case=register(), version=1)
    case = workflow.case_assign(actor=caseworker, case=case, version=case.version, lead_unit=county.housing,
                          assist_units=[county.township_government])
    assist = Deadline.objects.get(case=case, milestone__code="assist")
    assert assist.unit_id == county.township_government.pk

    workflow.assignment_report(actor=assistant, case=case, report="已核实工地欠薪人数")

    assist.refresh_from_db()
    assert assist.met_at is not None


def test_closing_a_case_stops_every_clock_still_running(register, caseworker, unit_officer, county):
    case = walk_to_assigned(register(), caseworker, county.housing)
    case = workflow.case_meet(actor=unit_officer, case=case, version=case.version)
    case = workflow.case_reply(actor=unit_officer, case=case, version=case.version, text="已督促支付")
    case = workflow.case_evaluate(actor=caseworker, case=case, version=case.version, result="satisfied", method="phone")
    case = workflow.case_close(actor=caseworker, case=case, version=case.version)

    running = Deadline.objects.filter(case=case, met_at__isnull=True, stopped_at__isnull=True)
    assert not running.exists()
    assert Case.objects.get(pk=case.pk).due_on is None
    assert clocks(case)["feedback"].stop_reason == "已办结"


# Rules are data, versioned ---------------------------------------------------------------------------------

def test_switching_the_3_7_21_rule_off_publishes_a_new_version_and_running_cases_keep_theirs(
        register, caseworker, county_admin, county):
    before = walk_to_assigned(register(), caseworker, county.housing)
    old = before.rule_set

    for code in ("meet", "feedback", "close21"):
        set_milestone(county_admin, county.region, code, {"is_active": False})
    after = walk_to_assigned(register(summary="另一件来信"), caseworker, county.housing)

    new = Case.objects.get(pk=after.pk).rule_set
    assert (old.lineage, new.lineage, old.version, new.version) == (1, 1, 1, 2)
    assert Case.objects.get(pk=before.pk).rule_set_id == old.pk
    assert set(clocks(before)) == {"decide", "meet", "feedback", "close21", "handle"}
    assert set(clocks(after)) == {"decide", "handle"}
    assert RulesVersion.objects.filter(county=county.region, group="deadlines").count() == 3


def test_cases_registered_under_unchanged_rules_share_one_rule_set(register, county_admin, county):
    first = register()
    set_milestone(county_admin, county.region, "handle", {"days": 45})
    set_milestone(county_admin, county.region, "handle", {"days": 60})  # back as it was
    second = register(summary="另一件来信")

    assert second.rule_set_id == first.rule_set_id
    assert RuleSet.objects.filter(county=county.region, lineage=1).count() == 1


def test_a_stricter_rule_set_governs_leader_received_cases(register, county_admin, county):
    strict = add_rule_set(county_admin, county.region, {"name": "领导接访件", "priority": 10,
                                                         "channels": ["leader_reception"]})
    set_milestone(county_admin, county.region, "decide", {"days": 3}, rule_set=strict)

    case = register(channel="leader_reception")
    letter = register(summary="普通来信")

    assert (case.rule_set.lineage, case.rule_set.name) == (strict, "领导接访件")
    assert clocks(case)["decide"].milestone.days == 3
    assert letter.rule_set.lineage == 1 and clocks(letter)["decide"].milestone.days == 15


def test_a_county_admin_may_not_edit_another_county_s_rules(other_county, county_admin):
    with pytest.raises(NotPermitted):
        set_milestone(county_admin, other_county.region, "handle", {"days": 10})


def test_a_milestone_with_bad_numbers_is_refused_and_nothing_changes(county_admin, county):
    from xinfang.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as refused:
        set_milestone(county_admin, county.region, "handle", {"days": 0})
    assert set(refused.value.detail) == {"days"}
    assert not RulesVersion.objects.filter(group="deadlines").exists()
    assert ds.default_rule_set(county.region).milestones.get(code="handle").days == 60


# The calendar is a fact: open cases follow it ----------------------------------------------------------------

def test_a_holiday_added_later_moves_running_due_dates(register, caseworker, county_admin, county,
                                                       django_capture_on_commit_callbacks):
    from xinfang.celery import app

    with time_machine.travel(at("2026-11-16"), tick=False):
        case = walk_to_assigned(register(), caseworker, county.housing)
        app.conf.task_always_eager = True
        try:
            with django_capture_on_commit_callbacks(execute=True):
                workflow.calendar_day_set(actor=county_admin, county=county.region, day=D("2026-11-19"),
                                          is_workday=False, name="县庆放假")
        finally:
            app.conf.task_always_eager = False

    assert clocks(case)["meet"].due_on == D("2026-11-20")
    assert Case.objects.get(pk=case.pk).due_on == D("2026-11-20")
    assert TimelineEvent.objects.filter(case=case, kind="deadline_moved", message__contains="工作日历").exists()


def test_a_yellow_threshold_as_a_share_of_the_time_elapsed(register, caseworker, county_admin, county):
    with time_machine.travel(at("2026-11-16"), tick=False):
        set_milestone(county_admin, county.region, "handle", {"warn_percent": 80})
        case = walk_to_assigned(register(), caseworker, county.housing)

    handle = clocks(case)["handle"]
    assert handle.due_on == D("2027-01-15")
    # 80 % of the 60 days is day 48, Sunday 3 January 2027: the warning starts on the next working day.
    assert handle.warn_on == D("2027-01-04")


# Suspension and the rest of the workflow ---------------------------------------------------------------------

def suspended(case, unit_officer, caseworker):
    suspension = ds.suspension_request(actor=unit_officer if case.lead_unit_id else caseworker, case=case,
                                       reason="等待信访人补充材料")
    return ds.suspension_decide(actor=caseworker, suspension=suspension, approve=True)


def test_a_clock_met_while_suspended_counts_the_lost_days_before_judging_it_late(register, caseworker,
                                                                                 unit_officer, county):
    with time_machine.travel(at("2026-11-16"), tick=False):
        case = walk_to_assigned(register(), caseworker, county.housing)  # meet due 19th
    with time_machine.travel(at("2026-11-17"), tick=False):
        suspended(case, unit_officer, caseworker)
    with time_machine.travel(at("2026-11-25"), tick=False):
        workflow.case_meet(actor=unit_officer, case=Case.objects.get(pk=case.pk), version=case.version)

    meet = clocks(case)["meet"]
    assert (meet.suspended_days, meet.met_late) == (8, False)  # due 27th once the 8 lost days count


def test_clocks_that_start_during_a_suspension_start_suspended(register, caseworker, unit_officer, county):
    with time_machine.travel(at("2026-11-16"), tick=False):
        case = workflow.case_accept(actor=caseworker, case=register(), version=1)
        suspended(case, unit_officer, caseworker)
        case = workflow.case_assign(actor=caseworker, case=Case.objects.get(pk=case.pk), version=case.version,
                              lead_unit=county.housing)

    assert all(d.suspended_since == D("2026-11-16") for d in clocks(case).values() if d.met_at is None)
    assert Case.objects.get(pk=case.pk).due_on is None


def test_closing_a_case_ends_its_suspension(register, caseworker, unit_officer, county):
    case = walk_to_assigned(register(), caseworker, county.housing)
    suspended(case, unit_officer, caseworker)
    case = Case.objects.get(pk=case.pk)
    case = workflow.case_meet(actor=unit_officer, case=case, version=case.version)
    case = workflow.case_reply(actor=unit_officer, case=case, version=case.version, text="已督促支付")
    case = workflow.case_evaluate(actor=caseworker, case=case, version=case.version, result="satisfied", method="phone")
    workflow.case_close(actor=caseworker, case=case, version=case.version)

    assert list(case.suspensions.values_list("status", flat=True)) == ["ended"]


def test_the_acceptance_clock_is_the_petition_bureau_s_whoever_registered_the_case(register, county, categories):
    from tests.factories import make_person

    cadre = make_person("qian.cadre", county.township_government, ["field_cadre"], name="钱专员")
    case = workflow.case_register(actor=cadre, data=__import__("tests.cases.conftest", fromlist=["letter_input"])
                            .letter_input(county, category=categories["wages"]))

    assert clocks(case)["decide"].unit_id == county.bureau.pk


def test_the_default_rules_are_written_in_the_site_s_language_whoever_triggers_them(county):
    from django.utils import translation

    with translation.override("en"):
        rule_set = ds.default_rule_set(county.region)

    assert rule_set.name == "信访工作条例（默认）"
    assert rule_set.milestones.get(code="meet").name == "3日内见面"


def test_a_reply_schedules_the_return_visit_and_recording_it_meets_the_clock(register, caseworker, unit_officer,
                                                                             county):
    with time_machine.travel(at("2026-11-16"), tick=False):
        case = walk_to_assigned(register(), caseworker, county.housing)
        case = workflow.case_meet(actor=unit_officer, case=case, version=case.version)
        case = workflow.case_reply(actor=unit_officer, case=case, version=case.version, text="已督促支付")
    visit = clocks(case)["return_visit"]
    assert (visit.due_on, visit.unit_id) == (D("2026-11-26"), county.bureau.pk)

    with time_machine.travel(at("2026-11-20"), tick=False):
        workflow.case_evaluate(actor=caseworker, case=case, version=case.version, result="satisfied", method="phone")

    visit.refresh_from_db()
    assert visit.met_at is not None and not visit.met_late
