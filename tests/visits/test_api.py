"""A REST client plans receptions and books petitioners into them, records receptions, field visits, return visits
and meetings, keeps the county's duty rules and reads compliance and statistics; another county's rows do not
exist for it, and every refusal has a code."""

from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.utils import timezone

import workflow
from cases import services as cs
from cases.models import Case
from visits import services as vs
from visits.models import Appointment, FieldVisit, Reception, ReceptionSlot, ReturnVisit

from .conftest import at, walk_to_replied

pytestmark = pytest.mark.django_db


def person(name):
    return cs.PetitionerInput(name=name)


def tomorrow_at(hour, minute=0):
    return timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=1), time(hour, minute)))


def just_now():
    """A moment ago, but never before this week began (a weekly rule counts this week's visits only)."""
    now = timezone.now()
    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    return max(now - timedelta(minutes=10), timezone.make_aware(datetime.combine(monday, time())))


def slot_body(county, leader, **overrides):
    body = {"region": county.region.pk, "level": 3, "leader": leader.pk, "title": "县长开门接访",
            "place": "县信访接待中心", "starts_at": tomorrow_at(9).isoformat(), "ends_at": tomorrow_at(11).isoformat(),
            "capacity": 3, "departments": [county.housing.pk]}
    return {**body, **overrides}


def reception_body(leader, **overrides):
    body = {"leader": leader.pk, "received_at": (timezone.now() - timedelta(hours=1)).isoformat(),
            "raised": "反映村里征地补偿款两年未发放", "decided": "由县自然资源局牵头核查，15日内答复"}
    return {**body, **overrides}


@pytest.fixture
def replied(case, caseworker, unit_officer, county):
    with time_machine.travel(at("2026-11-16"), tick=False):
        return walk_to_replied(case, caseworker, unit_officer, county.housing)


# Slots and bookings --------------------------------------------------------------------------------------------

def test_the_slot_list_shows_places_booked_and_left(api_as, caseworker, slot):
    vs.appointment_book(actor=caseworker, slot=slot, petitioner_data=person("甲"), topic="土地补偿")

    body = api_as(caseworker).get("/api/v1/reception-slots/").json()

    assert body["count"] == 1
    row = body["results"][0]
    assert (row["id"], row["leader_name"], row["capacity"], row["n_booked"], row["places_left"]) == (
        slot.pk, "王县长", 2, 1, 1)


def test_the_slot_list_filters_by_kind_and_leader(api_as, caseworker, county, leader, slot):
    vs.slot_create(actor=caseworker, data=vs.SlotInput(
        region=county.region, level=3, kind="joint", title="公检法司联合接访", place="县综治中心",
        starts_at=slot.starts_at, ends_at=slot.ends_at))
    api = api_as(caseworker)

    joint = api.get("/api/v1/reception-slots/?kind=joint").json()
    by_leader = api.get(f"/api/v1/reception-slots/?leader={leader.pk}").json()

    assert [r["title"] for r in joint["results"]] == ["公检法司联合接访"]
    assert [r["id"] for r in by_leader["results"]] == [slot.pk]


def test_creating_a_slot_returns_it_with_its_departments(api_as, caseworker, county, leader):
    response = api_as(caseworker).post("/api/v1/reception-slots/", slot_body(county, leader), format="json")

    assert response.status_code == 201
    body = response.json()
    assert body["departments"] == [{"id": county.housing.pk, "name": county.housing.name}]
    assert (body["n_booked"], body["places_left"], body["kind"]) == (0, 3, "regular")


def test_a_slot_overlapping_the_leaders_other_reception_answers_409_and_saves_nothing(api_as, caseworker, county,
                                                                                       leader, slot):
    overlapping = slot_body(county, leader, starts_at=tomorrow_at(15).isoformat(),
                            ends_at=tomorrow_at(18).isoformat())

    response = api_as(caseworker).post("/api/v1/reception-slots/", overlapping, format="json")

    assert response.status_code == 409
    assert (response.json()["code"], response.json()["detail"]) == ("slot_overlap", {"slot": slot.pk})
    assert list(ReceptionSlot.objects.values_list("pk", flat=True)) == [slot.pk]


def test_booking_a_case_into_a_slot_returns_the_appointment(api_as, caseworker, slot, case):
    response = api_as(caseworker).post(f"/api/v1/reception-slots/{slot.pk}/book/", {"case": case.pk},
                                       format="json")

    assert response.status_code == 201
    body = response.json()
    assert (body["slot"], body["case_number"], body["petitioner_name"], body["topic"], body["status"]) == (
        slot.pk, case.number, "王建国", case.summary, "booked")


def test_booking_a_full_slot_answers_409_slot_full_and_books_nobody(api_as, caseworker, slot):
    api = api_as(caseworker)
    for name in ("甲", "乙"):
        api.post(f"/api/v1/reception-slots/{slot.pk}/book/", {"petitioner_name": name, "topic": "土地补偿"},
                 format="json")

    response = api.post(f"/api/v1/reception-slots/{slot.pk}/book/", {"petitioner_name": "丙", "topic": "物业纠纷"},
                        format="json")

    assert response.status_code == 409
    assert (response.json()["code"], response.json()["detail"]) == ("slot_full", {"capacity": 2})
    assert sorted(Appointment.objects.values_list("petitioner__name", flat=True)) == ["乙", "甲"]


def test_booking_without_a_petitioner_or_case_is_refused_with_400(api_as, caseworker, slot):
    response = api_as(caseworker).post(f"/api/v1/reception-slots/{slot.pk}/book/", {"topic": "土地补偿"},
                                       format="json")

    assert (response.status_code, response.json()["code"]) == (400, "invalid")
    assert "petitioner" in response.json()["detail"]


def test_cancelling_a_slot_cancels_its_bookings(api_as, caseworker, slot):
    appointment = vs.appointment_book(actor=caseworker, slot=slot, petitioner_data=person("甲"), topic="土地补偿")

    response = api_as(caseworker).post(f"/api/v1/reception-slots/{slot.pk}/cancel/", {"reason": "领导参加防汛"},
                                       format="json")

    assert response.status_code == 200
    assert (response.json()["is_cancelled"], response.json()["cancel_reason"]) == (True, "领导参加防汛")
    assert Appointment.objects.get(pk=appointment.pk).status == "cancelled"


def test_another_countys_caseworker_neither_reads_nor_books_the_slot(api_as, other_caseworker, slot):
    api = api_as(other_caseworker)

    assert api.get("/api/v1/reception-slots/").json()["count"] == 0
    response = api.get(f"/api/v1/reception-slots/{slot.pk}/")
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    booking = api.post(f"/api/v1/reception-slots/{slot.pk}/book/", {"petitioner_name": "甲", "topic": "土地"},
                       format="json")
    assert booking.status_code == 404
    assert not Appointment.objects.exists()


def test_a_unit_officer_without_the_view_permission_cannot_list_appointments(api_as, unit_officer):
    response = api_as(unit_officer).get("/api/v1/appointments/")

    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")


def test_the_slot_list_runs_a_fixed_number_of_queries(api_as, caseworker, county, leader, slot,
                                                      django_assert_max_num_queries):
    api = api_as(caseworker)
    api.get("/api/v1/reception-slots/")  # warm the caller's permission cache
    for day in range(2, 7):
        other = vs.slot_create(actor=caseworker, data=vs.SlotInput(
            region=county.region, level=3, title=f"接访{day}", place="县信访接待中心", leader=leader,
            starts_at=slot.starts_at + timedelta(days=day), ends_at=slot.ends_at + timedelta(days=day),
            departments=[county.housing, county.government]))
        vs.appointment_book(actor=caseworker, slot=other, petitioner_data=person(f"甲{day}"), topic="土地补偿")

    with django_assert_max_num_queries(3):
        body = api.get("/api/v1/reception-slots/").json()

    assert body["count"] == 6
    assert all(len(r["departments"]) == 2 and r["n_booked"] == 1 for r in body["results"][1:])


# Schedules and campaigns ---------------------------------------------------------------------------------------

def test_a_weekly_rule_generates_its_slots_and_deactivating_it_cancels_them(api_as, caseworker, county, leader):
    api = api_as(caseworker)
    rule = {"region": county.region.pk, "level": 3, "leader": leader.pk, "title": "县长接访日",
            "place": "县信访接待中心", "weekday": 3, "start_time": "14:30", "end_time": "17:30",
            "starts_on": (timezone.localdate() + timedelta(days=1)).isoformat()}

    created = api.post("/api/v1/reception-schedules/", rule, format="json")

    assert created.status_code == 201
    schedule_id = created.json()["id"]
    live = api.get(f"/api/v1/reception-slots/?leader={leader.pk}&cancelled=false").json()["count"]
    assert live >= 5  # eight weeks of Thursdays, less any holidays
    stopped = api.post(f"/api/v1/reception-schedules/{schedule_id}/deactivate/")
    assert stopped.json()["is_active"] is False
    assert api.get(f"/api/v1/reception-slots/?leader={leader.pk}&cancelled=false").json()["count"] == 0


def test_a_rule_naming_another_countys_leader_is_refused_with_400(api_as, caseworker, county, other_county):
    from tests.factories import make_person

    stranger = make_person("qian.leader", other_county.government, ["leader"], name="钱县长", leader_level=3)
    rule = {"region": county.region.pk, "level": 3, "leader": stranger.pk, "title": "县长接访日",
            "place": "县信访接待中心", "weekday": 3, "start_time": "14:30", "end_time": "17:30",
            "starts_on": timezone.localdate().isoformat()}

    response = api_as(caseworker).post("/api/v1/reception-schedules/", rule, format="json")

    assert (response.status_code, response.json()["code"]) == (400, "invalid")
    assert "leader" in response.json()["detail"]


def test_a_city_campaign_opens_a_slot_in_each_county_and_the_county_sees_its_own(api_as, caseworker, county,
                                                                                 other_county):
    from tests.factories import make_person
    from xinfang.org.services import unit_create

    city_bureau = unit_create(name="安庆市信访局", kind="petition_bureau", region=county.city)
    city_clerk = make_person("city.clerk", city_bureau, ["caseworker"])
    body = {"region": county.city.pk, "title": "欠薪问题集中接访", "topic": "农民工工资", "place": "各县信访接待中心",
            "starts_at": tomorrow_at(9).isoformat(), "ends_at": tomorrow_at(12).isoformat()}

    response = api_as(city_clerk).post("/api/v1/campaigns/", body, format="json")

    assert response.status_code == 201
    assert ReceptionSlot.objects.filter(campaign_id=response.json()["id"]).count() == 2
    mine = api_as(caseworker).get("/api/v1/reception-slots/?kind=campaign").json()["results"]
    assert [r["region"] for r in mine] == [county.region.pk]
    assert [c["title"] for c in api_as(caseworker).get("/api/v1/campaigns/").json()["results"]] == ["欠薪问题集中接访"]


def test_a_county_caseworker_may_not_organise_a_city_campaign(api_as, caseworker, county):
    body = {"region": county.city.pk, "title": "欠薪问题集中接访", "starts_at": tomorrow_at(9).isoformat(),
            "ends_at": tomorrow_at(12).isoformat()}

    response = api_as(caseworker).post("/api/v1/campaigns/", body, format="json")

    assert (response.status_code, response.json()["code"]) == (400, "invalid")
    assert not ReceptionSlot.objects.exists()


# Appointments --------------------------------------------------------------------------------------------------

def test_a_cancelled_appointment_leaves_the_booked_list(api_as, caseworker, slot):
    first = vs.appointment_book(actor=caseworker, slot=slot, petitioner_data=person("甲"), topic="土地补偿")
    vs.appointment_book(actor=caseworker, slot=slot, petitioner_data=person("乙"), topic="工资拖欠")
    api = api_as(caseworker)

    response = api.post(f"/api/v1/appointments/{first.pk}/cancel/", {"reason": "本人改期"}, format="json")

    assert response.json()["status"] == "cancelled"
    booked = api.get(f"/api/v1/appointments/?slot={slot.pk}&status=booked").json()["results"]
    assert [a["petitioner_name"] for a in booked] == ["乙"]


def test_a_no_show_before_the_slot_begins_answers_409(api_as, caseworker, slot):
    appointment = vs.appointment_book(actor=caseworker, slot=slot, petitioner_data=person("甲"), topic="土地补偿")

    response = api_as(caseworker).post(f"/api/v1/appointments/{appointment.pk}/no-show/")

    assert (response.status_code, response.json()["code"]) == (409, "slot_not_started")
    assert Appointment.objects.get(pk=appointment.pk).status == "booked"


def test_a_no_show_after_the_slot_began_is_recorded(api_as, caseworker, slot):
    appointment = vs.appointment_book(actor=caseworker, slot=slot, petitioner_data=person("甲"), topic="土地补偿")

    with time_machine.travel(slot.starts_at + timedelta(hours=1)):
        response = api_as(caseworker).post(f"/api/v1/appointments/{appointment.pk}/no-show/")

    assert (response.status_code, response.json()["status"]) == (200, "no_show")


# Receptions ----------------------------------------------------------------------------------------------------

def test_a_reception_that_opens_a_case_makes_the_leader_its_owner(api_as, caseworker, leader, county, categories):
    body = reception_body(leader, category=categories["land"].pk, region=county.villages[0].pk,
                          petitioner_name="刘大成", head_count=3)

    response = api_as(caseworker).post("/api/v1/receptions/", body, format="json")

    assert response.status_code == 201
    reception = response.json()
    case = Case.objects.get(pk=reception["case"])
    assert (reception["case_number"], reception["case_owner"], reception["case_owner_name"]) == (
        case.number, leader.pk, "王县长")
    assert (case.owner, case.channel, case.lead_petitioner.name) == (leader, "leader_reception", "刘大成")
    assert reception["opened_case"] is True


def test_a_reception_from_an_appointment_marks_it_attended(api_as, caseworker, leader, slot, case):
    appointment = vs.appointment_book(actor=caseworker, slot=slot, case=case)

    response = api_as(caseworker).post("/api/v1/receptions/", reception_body(
        leader, slot=slot.pk, appointment=appointment.pk), format="json")

    assert response.status_code == 201
    assert (response.json()["case"], response.json()["place"], response.json()["opened_case"]) == (
        case.pk, "县信访接待中心", False)
    assert Appointment.objects.get(pk=appointment.pk).status == "attended"


def test_a_reception_dated_in_the_future_answers_400_and_saves_nothing(api_as, caseworker, leader, case):
    body = reception_body(leader, case=case.pk, received_at=(timezone.now() + timedelta(days=1)).isoformat())

    response = api_as(caseworker).post("/api/v1/receptions/", body, format="json")

    assert (response.status_code, response.json()["code"]) == (400, "invalid")
    assert "received_at" in response.json()["detail"]
    assert not Reception.objects.exists()
    assert Case.objects.get(pk=case.pk).owner is None


def test_the_reception_list_filters_by_opened_case(api_as, caseworker, leader, county, categories, case):
    api = api_as(caseworker)
    api.post("/api/v1/receptions/", reception_body(leader, case=case.pk), format="json")
    api.post("/api/v1/receptions/", reception_body(leader, category=categories["land"].pk,
                                                   region=county.villages[0].pk, petitioner_name="刘大成"),
             format="json")

    opened = api.get("/api/v1/receptions/?opened_case=true").json()
    linked = api.get(f"/api/v1/receptions/?case={case.pk}").json()

    assert [r["petitioner_name"] for r in opened["results"]] == ["刘大成"]
    assert [r["case_number"] for r in linked["results"]] == [case.number]


def test_another_countys_caseworker_gets_404_on_the_reception(api_as, caseworker, other_caseworker, leader, case):
    reception = workflow.reception_record(actor=caseworker, data=vs.ReceptionInput(
        leader=leader, received_at=timezone.now(), raised="催问欠薪", decided="责成住建局一周内处理", case=case))

    response = api_as(other_caseworker).get(f"/api/v1/receptions/{reception.pk}/")

    assert (response.status_code, response.json()["code"]) == (404, "not_found")


def test_the_reception_list_runs_a_fixed_number_of_queries(api_as, caseworker, leader, register,
                                                           django_assert_max_num_queries):
    api = api_as(caseworker)
    api.get("/api/v1/receptions/")  # warm the caller's permission cache
    for i in range(5):
        case = register(summary=f"反映欠薪问题{i}")
        workflow.reception_record(actor=caseworker, data=vs.ReceptionInput(
            leader=leader, received_at=timezone.now(), raised="催问欠薪", decided="责成住建局一周内处理", case=case))

    with django_assert_max_num_queries(2):
        body = api.get("/api/v1/receptions/").json()

    assert body["count"] == 5
    assert {r["case_owner_name"] for r in body["results"]} == {"王县长"}


# Field visits and meetings -------------------------------------------------------------------------------------

def test_a_visit_begun_at_half_past_seven_in_the_evening_is_a_night_visit(api_as, commissioner, county, case):
    body = {"kind": "with_case", "region": county.townships[0].pk, "visited_at": at("2026-11-20", 19, 30).isoformat(),
            "summary": "带案走访信访人家中", "cases": [case.pk]}

    with time_machine.travel(at("2026-11-20", 21), tick=False):
        response = api_as(commissioner).post("/api/v1/field-visits/", body, format="json")

    assert response.status_code == 201
    visit = response.json()
    assert (visit["is_night"], visit["cadres"], visit["cases"]) == (
        True, [{"id": commissioner.pk, "name": "孙专员"}], [{"id": case.pk, "number": case.number}])
    night = api_as(commissioner).get("/api/v1/field-visits/?night=true").json()
    assert [v["id"] for v in night["results"]] == [visit["id"]]


def test_a_field_visit_dated_in_the_future_answers_400_and_saves_nothing(api_as, commissioner, county):
    body = {"kind": "down", "region": county.townships[0].pk,
            "visited_at": (timezone.now() + timedelta(days=1)).isoformat(), "summary": "下访"}

    response = api_as(commissioner).post("/api/v1/field-visits/", body, format="json")

    assert (response.status_code, response.json()["code"]) == (400, "invalid")
    assert "visited_at" in response.json()["detail"]
    assert not FieldVisit.objects.exists()


def test_a_meeting_is_recorded_and_listed_by_kind(api_as, caseworker, leader, county, case):
    api = api_as(caseworker)
    body = {"region": county.region.pk, "kind": "dispatch", "title": "信访工作调度会",
            "held_at": (timezone.now() - timedelta(hours=2)).isoformat(), "decisions": "欠薪问题本月底前化解",
            "attendees": [caseworker.pk], "chair": leader.pk, "cases": [case.pk]}

    response = api.post("/api/v1/meetings/", body, format="json")

    assert response.status_code == 201
    assert {a["id"] for a in response.json()["attendees"]} == {caseworker.pk, leader.pk}
    assert api.get("/api/v1/meetings/?kind=dispatch").json()["count"] == 1
    assert api.get("/api/v1/meetings/?kind=joint").json()["count"] == 0


# Return visits -------------------------------------------------------------------------------------------------

def test_my_return_visits_show_their_due_date(api_as, replied, caseworker, county_admin):
    visit = ReturnVisit.objects.get(case=replied)

    mine = api_as(caseworker).get("/api/v1/return-visits/?mine=true").json()
    theirs = api_as(county_admin).get("/api/v1/return-visits/?mine=true").json()

    assert [(r["id"], r["case_number"], r["due_on"], r["status"]) for r in mine["results"]] == [
        (visit.pk, replied.number, "2026-11-26", "pending")]
    assert theirs["count"] == 0


def test_recording_a_return_visit_by_phone_completes_it(api_as, replied, caseworker):
    response = api_as(caseworker).post("/api/v1/return-visits/record/", {
        "case": replied.pk, "result": "satisfied", "method": "phone", "note": "信访人表示工资已到账"}, format="json")

    assert response.status_code == 201
    assert (response.json()["status"], response.json()["result"], response.json()["done_by"]) == (
        "done", "satisfied", "张信访")


def test_a_return_visit_on_a_case_not_yet_replied_answers_409(api_as, caseworker, case):
    response = api_as(caseworker).post("/api/v1/return-visits/record/", {
        "case": case.pk, "result": "satisfied", "method": "phone"}, format="json")

    assert (response.status_code, response.json()["code"]) == (409, "not_replied")
    assert not ReturnVisit.objects.exists()


def test_a_return_visit_is_given_to_the_commissioner(api_as, replied, caseworker, commissioner):
    visit = ReturnVisit.objects.get(case=replied)

    response = api_as(caseworker).post(f"/api/v1/return-visits/{visit.pk}/assign/", {"assignee": commissioner.pk},
                                       format="json")

    assert (response.json()["assignee"], response.json()["assignee_name"]) == (commissioner.pk, "孙专员")
    assert api_as(commissioner).get("/api/v1/return-visits/?mine=true").json()["count"] == 1


def test_a_qr_link_shows_its_url_once_and_an_sms_link_never(api_as, replied, caseworker):
    visit = ReturnVisit.objects.get(case=replied)
    api = api_as(caseworker)

    qr = api.post(f"/api/v1/return-visits/{visit.pk}/link/", {"channel": "qr"}, format="json")
    sms = api.post(f"/api/v1/return-visits/{visit.pk}/link/", {"channel": "sms"}, format="json")

    assert qr.status_code == sms.status_code == 201
    assert qr.json()["url"].startswith("http") and "/r/" in qr.json()["url"]
    assert (sms.json()["url"], sms.json()["sent_to"]) == (None, "138****1234")
    assert sms.json()["expires_at"]


def test_another_countys_caseworker_gets_404_on_the_return_visit(api_as, replied, other_caseworker):
    visit = ReturnVisit.objects.get(case=replied)
    api = api_as(other_caseworker)

    assert api.get(f"/api/v1/return-visits/{visit.pk}/").status_code == 404
    link = api.post(f"/api/v1/return-visits/{visit.pk}/link/", {"channel": "qr"}, format="json")
    assert (link.status_code, link.json()["code"]) == (404, "not_found")


# Duty rules, compliance, statistics, settings ------------------------------------------------------------------

RULE = {"name": "信访专员每周走访", "role": "field_cadre", "activity": "field_visit", "period": "week", "minimum": 2}


def post_rule(api, record, path="rules"):
    """The duty rules are county settings: a new rule is the next version of the list (/api/v1/rules/duty/)."""
    values = api.get("/api/v1/rules/duty/").json()["values"]
    if path == "rules":
        values["rules"].append(record)
    else:
        values["rules"] = [{**r, **record} if r["key"] == int(path.split("/")[1]) else r for r in values["rules"]]
    return api.post("/api/v1/rules/duty/", {"values": values, "reason": "制度"}, format="json")


def test_the_county_admin_adds_a_duty_rule_and_a_caseworker_may_not(api_as, county_admin, caseworker, county):
    created = post_rule(api_as(county_admin), RULE)
    refused = post_rule(api_as(caseworker), RULE)

    assert created.status_code == 201
    assert (created.json()["version"], created.json()["values"]["rules"][0]["key"]) == (1, 1)
    assert (refused.status_code, refused.json()["code"]) == (403, "permission_denied")


def test_changing_a_duty_rule_publishes_a_new_version_of_the_same_rule(api_as, county_admin):
    yesterday = timezone.localdate() - timedelta(days=1)
    with time_machine.travel(at(yesterday.isoformat()), tick=False):
        post_rule(api_as(county_admin), RULE)

    response = post_rule(api_as(county_admin), {"minimum": 3}, path="rules/1")

    new = response.json()
    assert response.status_code == 201
    assert (new["version"], new["valid_from"]) == (2, timezone.localdate().isoformat())
    assert [(r["key"], r["minimum"], r["name"]) for r in new["values"]["rules"]] == [(1, 3, RULE["name"])]
    assert [c["label"] for c in new["changes"]] == ["工作制度 · 信访专员每周走访 · 最少次数"]


def test_a_bad_duty_rule_is_refused_with_the_field_named(api_as, county_admin):
    response = post_rule(api_as(county_admin), {**RULE, "period": "decade"})

    assert (response.status_code, response.json()["code"]) == (400, "invalid")
    assert response.json()["detail"]["rules"] == ["第1条（信访专员每周走访）：考核周期：请从给出的选项中选择。"]


def test_compliance_shows_the_commissioner_one_visit_short(api_as, county_admin, caseworker, commissioner, county):
    post_rule(api_as(county_admin), RULE)
    vs.field_visit_record(actor=commissioner, data=vs.FieldVisitInput(
        kind="down", region=county.townships[0], visited_at=just_now(), summary="下访"))

    report = api_as(caseworker).get("/api/v1/duty-compliance/").json()

    assert [r["rule"]["name"] for r in report] == [RULE["name"]]
    assert report[0]["rows"] == [{"user_id": commissioner.pk, "user_name": "孙专员", "unit": county.bureau.pk,
                                  "unit_name": county.bureau.name, "done": 1, "minimum": 2, "short": 1,
                                  "met": False}]
    assert report[0]["n_short"] == 1


def test_statistics_count_this_months_receptions_by_level(api_as, caseworker, leader, case):
    workflow.reception_record(actor=caseworker, data=vs.ReceptionInput(
        leader=leader, received_at=timezone.now(), raised="催问欠薪", decided="责成住建局一周内处理", case=case,
        head_count=4))

    body = api_as(caseworker).get("/api/v1/visit-stats/").json()

    assert body["start"] == timezone.localdate().replace(day=1).isoformat()
    county_level = next(r for r in body["receptions"]["by_level"] if r["level"] == 3)
    assert (county_level["batches"], county_level["persons"]) == (1, 4)
    assert (body["receptions"]["batches"], body["cases"]["total"]) == (1, 1)


def test_statistics_refuse_a_date_that_is_not_one(api_as, caseworker):
    response = api_as(caseworker).get("/api/v1/visit-stats/?start=2026-13-01")

    assert (response.status_code, response.json()["code"]) == (400, "invalid")
    assert "start" in response.json()["detail"]


def test_the_county_admin_changes_the_night_hour(api_as, county_admin, caseworker):
    api = api_as(county_admin)

    before = api.get("/api/v1/rules/visits/").json()["values"]
    after = api.post("/api/v1/rules/visits/", {"values": {"night_from_hour": 20}, "reason": "夏令时"},
                     format="json").json()["values"]

    assert (before["night_from_hour"], after["night_from_hour"], after["answer_link_days"]) == (18, 20, 15)
    refused = api_as(caseworker).get("/api/v1/rules/visits/")
    assert (refused.status_code, refused.json()["code"]) == (403, "permission_denied")
