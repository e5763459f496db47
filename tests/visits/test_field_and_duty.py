"""Field and night visits, meetings, and duty rules: who fell short of what, and the reminder before the period
ends."""

from datetime import date

import pytest
import time_machine
from django.utils import timezone

import workflow
from deadlines.models import Notification
from tests.factories import make_person
from visits import selectors as vsel
from visits import services as vs
from visits.models import FieldVisit
from xinfang.errors import NotPermitted, ValidationFailed
from xinfang.rules.models import RulesVersion
from xinfang.rules.services import rules_save, rules_save_record

from .conftest import at


def visit(actor, county, when, **overrides):
    data = {"kind": "household", "region": county.villages[0], "visited_at": when, "summary": "走访了解村民诉求"}
    data.update(overrides)
    return vs.field_visit_record(actor=actor, data=vs.FieldVisitInput(**data))


# Night visits ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("hour", "minute", "night"), [
    (17, 59, False), (18, 0, True), (22, 30, True), (5, 59, True), (6, 0, False), (10, 0, False)])
def test_a_visit_begun_after_six_in_the_evening_or_before_six_in_the_morning_is_a_night_visit(
        commissioner, county, hour, minute, night):
    with time_machine.travel(at("2026-11-21", 23, 30), tick=False):
        recorded = visit(commissioner, county, at("2026-11-20", hour, minute))
    assert recorded.is_night is night


def test_the_county_sets_its_night_hour_and_visits_already_recorded_keep_their_flag(commissioner, county_admin,
                                                                                    county):
    with time_machine.travel(at("2026-11-21", 23), tick=False):
        before = visit(commissioner, county, at("2026-11-20", 19, 30))
        rules_save(actor=county_admin, county=county.region, key="visits", values={"night_from_hour": 20},
                   reason="夏令时作息")
        after = visit(commissioner, county, at("2026-11-21", 19, 30))

    assert (FieldVisit.objects.get(pk=before.pk).is_night, after.is_night) == (True, False)


def test_a_visit_by_several_cadres_is_linked_to_its_cases(commissioner, caseworker, county, case):
    recorded = visit(commissioner, county, timezone.now() - timezone.timedelta(hours=1), kind="with_case",
                     cadres=[commissioner, caseworker], cases=[case])
    assert set(recorded.cadres.all()) == {commissioner, caseworker}
    assert case.events.filter(kind="field_visit", message__contains="带案下访").exists()


def test_a_visit_dated_in_the_future_is_refused_and_nothing_is_saved(commissioner, county):
    with pytest.raises(ValidationFailed) as refused:
        visit(commissioner, county, timezone.now() + timezone.timedelta(hours=2))
    assert "visited_at" in refused.value.detail
    assert not FieldVisit.objects.exists()


def test_a_cadre_or_case_of_another_county_is_refused(commissioner, county, other_caseworker):
    with pytest.raises(ValidationFailed):
        visit(commissioner, county, timezone.now(), cadres=[other_caseworker])
    assert not FieldVisit.objects.exists()


def test_a_unit_officer_may_not_record_field_visits(unit_officer, county):
    with pytest.raises(NotPermitted):
        visit(unit_officer, county, timezone.now())


def test_the_summary_counts_visits_and_night_visits_by_township_and_cadre(commissioner, caseworker, county):
    with time_machine.travel(at("2026-11-21", 23), tick=False):
        visit(commissioner, county, at("2026-11-20", 20))
        visit(commissioner, county, at("2026-11-19", 10), region=county.villages[2])
        visit(caseworker, county, at("2026-11-18", 9))
        summary = vsel.field_visit_summary(user=caseworker, start=date(2026, 11, 1), end=date(2026, 11, 30))

    assert summary["totals"] == {"n": 3, "night": 1}
    assert [(r["name"], r["n"], r["night"]) for r in summary["by_region"]] == [
        ("怀宁县城关镇", 2, 1), ("怀宁县河口镇", 1, 0)]
    assert [(r["user_id"], r["n"], r["night"]) for r in summary["by_cadre"]] == [
        (commissioner.pk, 2, 1), (caseworker.pk, 1, 0)]


# Duty rules -----------------------------------------------------------------------------------------------------

TWO_VISITS_A_WEEK = {"name": "信访专员每周至少下访走访2次", "role": "field_cadre", "activity": "field_visit",
                     "period": "week", "minimum": 2}


def duty_rule(actor, county, record, path="rules"):
    """The county admin adds a duty rule (path "rules") or changes one ("rules/<key>") on the settings page."""
    return rules_save_record(actor=actor, county=county.region, key="duty", path=path, record=record,
                             reason="县信访工作领导小组会议决定")


@pytest.fixture
def second_commissioner(county):
    return make_person("zhou.cadre", county.township_government, ["field_cadre"], name="周专员")


def test_the_compliance_report_shows_who_fell_short_of_two_visits_a_week(county_admin, caseworker, commissioner,
                                                                         second_commissioner, county):
    with time_machine.travel(at("2026-11-16", 8), tick=False):
        duty_rule(county_admin, county, TWO_VISITS_A_WEEK)
    with time_machine.travel(at("2026-11-20", 21), tick=False):
        visit(commissioner, county, at("2026-11-17", 10))
        visit(commissioner, county, at("2026-11-19", 20))
        visit(second_commissioner, county, at("2026-11-18", 15), region=county.villages[1])
        visit(second_commissioner, county, at("2026-11-09", 15))  # the week before does not count
        report = vsel.duty_compliance(user=caseworker, county=county.region, day=date(2026, 11, 20))

    (entry,) = report
    assert (entry["start"], entry["end"], entry["n_short"]) == (date(2026, 11, 16), date(2026, 11, 22), 1)
    assert {r["user"].username: (r["done"], r["short"], r["met"]) for r in entry["rows"]} == {
        "sun.cadre": (2, 0, True), "zhou.cadre": (1, 1, False)}


def test_county_leaders_receive_at_least_once_a_month(county_admin, caseworker, leader, county, case):
    duty_rule(county_admin, county, {"name": "县级领导每月至少接访1次", "role": "leader", "leader_level": "3",
                                     "activity": "reception", "period": "month", "minimum": 1})
    (entry,) = vsel.duty_compliance(user=caseworker, county=county.region, day=timezone.localdate())
    assert [(r["user"], r["done"]) for r in entry["rows"]] == [(leader, 0)]

    workflow.reception_record(actor=caseworker, data=vs.ReceptionInput(
        leader=leader, received_at=timezone.now(), raised="欠薪", decided="督促住建局办理", case=case))
    (entry,) = vsel.duty_compliance(user=caseworker, county=county.region, day=timezone.localdate())
    assert [(r["user"], r["done"], r["met"]) for r in entry["rows"]] == [(leader, 1, True)]


def test_one_dispatch_meeting_a_month_counts_dispatch_meetings_only(county_admin, caseworker, commissioner, county):
    with time_machine.travel(at("2026-11-01", 8), tick=False):
        duty_rule(county_admin, county, {"name": "每月至少参加1次调度会", "role": "field_cadre", "activity": "meeting",
                                         "meeting_kind": "dispatch", "period": "month", "minimum": 1})
    with time_machine.travel(at("2026-11-20", 17), tick=False):
        vs.meeting_record(actor=caseworker, data=vs.MeetingInput(
            region=county.region, kind="joint", title="联席会议", held_at=at("2026-11-10", 9),
            decisions="分工落实", attendees=[commissioner]))
        first = vsel.duty_compliance(user=caseworker, county=county.region, day=date(2026, 11, 20))
        vs.meeting_record(actor=caseworker, data=vs.MeetingInput(
            region=county.region, kind="dispatch", title="11月信访工作调度会", held_at=at("2026-11-19", 9),
            decisions="逐件调度积案", attendees=[commissioner]))
        second = vsel.duty_compliance(user=caseworker, county=county.region, day=date(2026, 11, 20))

    assert [r["done"] for r in first[0]["rows"]] == [0]
    assert [r["done"] for r in second[0]["rows"]] == [1]


def test_changing_a_rule_starts_a_new_version_and_past_periods_keep_the_old_one(county_admin, caseworker,
                                                                                commissioner, county):
    with time_machine.travel(at("2026-11-02", 8), tick=False):
        first = duty_rule(county_admin, county, TWO_VISITS_A_WEEK)
    with time_machine.travel(at("2026-11-16", 8), tick=False):
        new = duty_rule(county_admin, county, {"name": "信访专员每周至少下访走访3次", "minimum": 3}, path="rules/1")

    assert (first.valid_from, new.valid_from, new.version) == (date(2026, 11, 2), date(2026, 11, 16), 2)
    assert [r["key"] for r in new.values["rules"]] == [1]  # the same rule, its next version
    old_week = vsel.duty_compliance(user=caseworker, county=county.region, day=date(2026, 11, 10))
    new_week = vsel.duty_compliance(user=caseworker, county=county.region, day=date(2026, 11, 17))
    assert [e["rule"].minimum for e in old_week] == [2] and [e["rule"].minimum for e in new_week] == [3]
    assert [e["rule"].key for e in old_week] == [e["rule"].key for e in new_week] == [1]
    assert [e["rule"].key for e in old_week] == [e["rule"].key for e in new_week] == [1]


def test_those_falling_short_are_reminded_once_near_the_end_of_the_week(county_admin, commissioner,
                                                                        second_commissioner, county):
    with time_machine.travel(at("2026-11-16", 8), tick=False):
        duty_rule(county_admin, county, TWO_VISITS_A_WEEK)
        visit(commissioner, county, at("2026-11-16", 7))
        visit(commissioner, county, at("2026-11-16", 7, 30))
    with time_machine.travel(at("2026-11-18", 9), tick=False):
        assert vs.duty_reminders() == 0  # Wednesday: too early to remind
    with time_machine.travel(at("2026-11-20", 9), tick=False):
        vs.duty_reminders()
        vs.duty_reminders()  # a second run adds nothing

    (note,) = Notification.objects.filter(kind="duty")
    assert note.user == second_commissioner and note.data["done"] == 0 and note.data["minimum"] == 2


def test_only_the_county_admin_sets_duty_rules_and_a_bad_rule_is_refused(caseworker, county_admin, county):
    with pytest.raises(NotPermitted):
        duty_rule(caseworker, county, TWO_VISITS_A_WEEK)
    with pytest.raises(ValidationFailed) as too_few:
        duty_rule(county_admin, county, {**TWO_VISITS_A_WEEK, "minimum": 0})
    with pytest.raises(ValidationFailed) as not_a_meeting:
        duty_rule(county_admin, county, {**TWO_VISITS_A_WEEK, "meeting_kind": "dispatch"})
    assert set(too_few.value.detail) == {"minimum"} and set(not_a_meeting.value.detail) == {"meeting_kind"}
    assert not RulesVersion.objects.filter(group="duty").exists()


def test_another_countys_compliance_is_empty_for_the_caseworker(other_caseworker, county):
    assert vsel.duty_compliance(user=other_caseworker, county=county.region, day=timezone.localdate()) == []


def test_a_meeting_in_the_future_or_with_strangers_is_refused(caseworker, county, other_caseworker, case):
    with pytest.raises(ValidationFailed):
        vs.meeting_record(actor=caseworker, data=vs.MeetingInput(
            region=county.region, kind="dispatch", title="调度会", held_at=timezone.now() + timezone.timedelta(days=1),
            decisions="x", attendees=[caseworker]))
    with pytest.raises(ValidationFailed):
        vs.meeting_record(actor=caseworker, data=vs.MeetingInput(
            region=county.region, kind="dispatch", title="调度会", held_at=timezone.now(), decisions="x",
            attendees=[other_caseworker]))
    from visits.models import Meeting

    assert not Meeting.objects.exists()
