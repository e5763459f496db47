"""What the visits refuse at their edges: another region's slots, mismatched records, dates no one means, a township's
clerk working the county's register, the reprinted letter."""

from datetime import timedelta

import pytest
from django.utils import timezone

import workflow
from cases import services as cs
from tests.factories import make_person
from visits import services as vs
from visits.models import AnswerLink, Appointment, ReceptionSchedule, ReceptionSlot, ReturnVisit
from xinfang.errors import NotPermitted, ValidationFailed
from xinfang.org.services import unit_create
from xinfang.rules.services import rules_save

from .conftest import walk_to_replied


@pytest.fixture
def city_slot(county):
    """The city leader's reception tomorrow, arranged by the city's own petition bureau."""
    bureau = unit_create(name="安庆市信访局", kind="petition_bureau", region=county.city)
    clerk = make_person("city.clerk", bureau, ["caseworker"])
    city_leader = make_person("city.leader", bureau, ["leader"], leader_level=2)
    start = timezone.now() + timedelta(days=1)
    return vs.slot_create(actor=clerk, data=vs.SlotInput(
        region=county.city, level=2, title="市领导定期接访", place="市人民来访接待中心", leader=city_leader,
        starts_at=start, ends_at=start + timedelta(hours=3)))


def test_a_county_clerk_sees_the_city_slot_and_books_into_it_but_cannot_cancel_it(caseworker, city_slot, case,
                                                                                  client_as):
    appointment = vs.appointment_book(actor=caseworker, slot=city_slot, case=case)
    with pytest.raises(NotPermitted):
        vs.slot_cancel(actor=caseworker, slot=city_slot, reason="不想要了")

    page = client_as(caseworker).get(f"/visits/slots/{city_slot.pk}/").content.decode()
    client_as(caseworker).post(f"/visits/slots/{city_slot.pk}/cancel/", {"reason": "不想要了"})

    assert "确认取消" not in page
    assert ReceptionSlot.objects.get(pk=city_slot.pk).cancelled_at is None
    assert Appointment.objects.get(pk=appointment.pk).status == "booked"


def test_a_county_clerk_cannot_stop_the_citys_recurring_rule(caseworker, city_slot, county):
    from datetime import date, time

    rule = vs.schedule_create(actor=city_slot.created_by, data=vs.ScheduleInput(
        region=county.city, level=2, title="市领导接访日", place="市人民来访接待中心", weekday=2, start_time=time(9),
        end_time=time(12), starts_on=date(2026, 1, 1), leader=None, kind="joint"))
    with pytest.raises(NotPermitted):
        vs.schedule_deactivate(actor=caseworker, schedule=rule)
    assert ReceptionSchedule.objects.get(pk=rule.pk).is_active


def test_a_township_clerk_books_a_county_petitioner_and_sees_the_booking(county, slot, case, api_as):
    clerk = make_person("town.clerk", county.township_government, ["caseworker"])

    response = api_as(clerk).post(f"/api/v1/reception-slots/{slot.pk}/book/", {"case": case.pk}, format="json")

    assert response.status_code == 201, response.json()
    assert api_as(clerk).get("/api/v1/appointments/").json()["count"] == 1


def test_a_reception_cannot_attend_an_appointment_of_another_case(caseworker, leader, slot, register):
    booked, other = register(), register(summary="另一件事")
    appointment = vs.appointment_book(actor=caseworker, slot=slot, case=booked)
    with pytest.raises(ValidationFailed):
        workflow.reception_record(actor=caseworker, data=vs.ReceptionInput(
            leader=leader, received_at=timezone.now(), raised="x", decided="y", slot=slot, appointment=appointment,
            case=other))
    assert Appointment.objects.get(pk=appointment.pk).status == "booked"


def test_a_reprinted_letter_retires_the_last_qr_code(caseworker, unit_officer, county, case):
    replied = walk_to_replied(case, caseworker, unit_officer, county.housing)
    visit = ReturnVisit.objects.get(case=replied)
    _first, old = vs.answer_link_create(actor=caseworker, return_visit=visit, channel="qr")
    _second, new = vs.answer_link_create(actor=caseworker, return_visit=visit, channel="qr")

    from xinfang.errors import Conflict

    with pytest.raises(Conflict) as refused:
        workflow.answer_link_submit(token=old, result="satisfied")
    assert refused.value.code == "link_expired"
    workflow.answer_link_submit(token=new, result="satisfied")
    assert AnswerLink.objects.filter(used_at__isnull=False).count() == 1


def test_without_an_sms_gateway_the_link_is_refused_and_the_qr_code_suggested(caseworker, unit_officer, county, case,
                                                                             settings):
    settings.SMS_BACKEND = ""
    replied = walk_to_replied(case, caseworker, unit_officer, county.housing)
    with pytest.raises(ValidationFailed) as refused:
        vs.answer_link_create(actor=caseworker, return_visit=ReturnVisit.objects.get(case=replied), channel="sms")
    assert "二维码" in refused.value.message and not AnswerLink.objects.exists()


@pytest.mark.parametrize("url", [
    "/visits/?day=9999-12-31", "/visits/?view=month&day=9999-12-31", "/visits/?day=0001-01-01",
    "/visits/duty/compliance/?day=9999-12-31", "/visits/stats/?start=9999-12-01&end=9999-12-31",
    "/visits/field/?visited_after=9999-12-01&visited_before=9999-12-31",
    "/visits/receptions/?received_before=0001-01-01",
])
def test_dates_no_one_means_get_a_message_not_an_error(client_as, caseworker, url):
    response = client_as(caseworker).get(url)
    assert response.status_code in (200, 400)


@pytest.mark.parametrize("url", [
    "/api/v1/visit-stats/?end=9999-12-31", "/api/v1/duty-compliance/?day=9999-12-31",
    "/api/v1/field-visits/?visited_before=9999-12-31", "/api/v1/visit-stats/?start=2020-01-01&end=2026-06-30",
])
def test_the_api_refuses_dates_no_one_means_with_400(api_as, caseworker, url):
    response = api_as(caseworker).get(url)
    assert response.status_code == 400 and response.json()["code"] == "invalid"


def test_a_township_leader_sees_the_compliance_of_the_township_people_only(county_admin, county, commissioner):
    from visits import selectors as vsel

    town_leader = make_person("town.head", county.township_government, ["leader"], leader_level=4)
    town_cadre = make_person("town.cadre", county.township_government, ["field_cadre"])
    rules_save(actor=county_admin, county=county.region, key="duty", reason="制度", values={"rules": [{
        "name": "信访专员每周至少下访走访2次", "role": "field_cadre", "activity": "field_visit", "period": "week",
        "minimum": 2}]})

    (entry,) = vsel.duty_compliance(user=town_leader, county=county.region, day=timezone.localdate())
    assert [r["user"] for r in entry["rows"]] == [town_cadre]
    assert commissioner not in [r["user"] for r in entry["rows"]]


def test_two_cases_of_one_person_are_booked_once_per_time(caseworker, slot, register):
    first = register()
    again = workflow.case_register(actor=caseworker, data=cs.CaseInput(
        channel="visit", received_at=timezone.now(), petitioner=cs.PetitionerInput(name="王建国"),
        category=first.category, summary="另一件事", region=first.region, lead=first.lead_petitioner))
    vs.appointment_book(actor=caseworker, slot=slot, case=first)
    from xinfang.errors import Conflict

    with pytest.raises(Conflict):
        vs.appointment_book(actor=caseworker, slot=slot, case=again)
