"""The pages a county petition office uses for leaders' receptions: the week and month schedule, a slot with its
bookings, recurring rules, recording a reception, the leader's calendar feed and the public schedule."""

import re
from datetime import datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from icalendar import Calendar

import workflow
from cases import services as cs
from cases.models import Case
from tests.cases.conftest import ID_WANG
from tests.factories import make_person
from visits import services as vs
from visits.models import Appointment, Reception, ReceptionSchedule, ReceptionSlot

pytestmark = pytest.mark.django_db

PHONE = "13805561234"


def day_of(slot) -> str:
    return timezone.localdate(slot.starts_at).isoformat()


def cell(html: str, day: str) -> str:
    """The calendar cell of ``day`` (YYYY-MM-DD) on the week or month view."""
    match = re.search(rf'<section[^>]*data-day="{day}".*?</section>', html, re.S)
    assert match, f"no cell for {day}"
    return match.group(0)


def book(caseworker, slot, name, **extra):
    return vs.appointment_book(actor=caseworker, slot=slot, topic=extra.pop("topic", "土地补偿"),
                               petitioner_data=cs.PetitionerInput(name=name, **extra))


def make_slots(caseworker, county, n: int):
    """``n`` slots on the day after tomorrow, each with its own leader and a department."""
    day = timezone.localdate() + timedelta(days=2)
    slots = []
    for i in range(n):
        leader = make_person(f"leader{i}", county.government, ["leader"], name=f"领导{i}", leader_level=3)
        slots.append(vs.slot_create(actor=caseworker, data=vs.SlotInput(
            region=county.region, level=3, title=f"接访{i}", place="县信访接待中心", leader=leader,
            departments=[county.housing],
            starts_at=timezone.make_aware(datetime.combine(day, time(8 + i, 0))),
            ends_at=timezone.make_aware(datetime.combine(day, time(8 + i, 50))))))
    return slots


# The week and month views ---------------------------------------------------------------------------------------

def test_the_week_view_shows_the_slot_with_its_leader_place_level_and_places(client_as, caseworker, slot):
    response = client_as(caseworker).get("/visits/", {"day": day_of(slot)})

    assert response.status_code == 200
    card = cell(response.content.decode(), day_of(slot))
    assert f'data-slot="{slot.pk}"' in card
    assert "14:30–17:30" in card and "王县长" in card and "县长开门接访" in card and "县信访接待中心" in card
    assert "县级领导开门接访" in card and "已约 0/2" in card


def test_the_week_runs_monday_to_sunday_and_moves_by_a_week(client_as, caseworker):
    html = client_as(caseworker).get("/visits/", {"day": "2026-11-19"}).content.decode()  # a Thursday

    days = re.findall(r'<section[^>]*data-day="([\d-]+)"', html)
    assert days == [f"2026-11-{d}" for d in range(16, 23)]
    assert 'data-testid="prev" href="?day=2026-11-09' in html and 'data-testid="next" href="?day=2026-11-23' in html


def test_the_month_view_is_a_grid_with_the_slot_in_its_day(client_as, caseworker, slot):
    html = client_as(caseworker).get("/visits/", {"view": "month", "day": day_of(slot)}).content.decode()

    assert 'data-testid="month"' in html
    assert f'data-slot="{slot.pk}"' in cell(html, day_of(slot))
    assert len(re.findall(r'<section[^>]*data-day=', html)) % 7 == 0  # whole weeks, Monday to Sunday


def test_a_cancelled_slot_is_struck_through_and_the_page_prints_without_buttons(client_as, caseworker, slot):
    vs.slot_cancel(actor=caseworker, slot=slot, reason="领导出差")

    html = client_as(caseworker).get("/visits/", {"day": day_of(slot)}).content.decode()

    assert "is-cancelled" in cell(html, day_of(slot)) and "已取消" in cell(html, day_of(slot))
    assert "@media print" in html and 'data-testid="print"' in html


def test_the_schedule_filters_by_leader(client_as, caseworker, county, slot):
    other = make_slots(caseworker, county, 1)[0]

    html = client_as(caseworker).get("/visits/", {"day": day_of(other), "leader": other.leader_id}).content.decode()

    assert f'data-slot="{other.pk}"' in html and f'data-slot="{slot.pk}"' not in html


def test_the_week_view_runs_the_same_few_queries_for_one_slot_or_six(client_as, caseworker, county,
                                                                     django_assert_max_num_queries):
    first = make_slots(caseworker, county, 1)
    client = client_as(caseworker)
    with CaptureQueriesContext(connection) as one:
        client.get("/visits/", {"day": day_of(first[0])})
    for i in range(1, 6):
        leader = make_person(f"more{i}", county.government, ["leader"], name=f"副县长{i}", leader_level=3)
        vs.slot_create(actor=caseworker, data=vs.SlotInput(
            region=county.region, level=3, title=f"接访{i}", place="县信访接待中心", leader=leader,
            departments=[county.housing, county.bureau],
            starts_at=first[0].starts_at + timedelta(hours=i), ends_at=first[0].ends_at + timedelta(hours=i)))

    with django_assert_max_num_queries(len(one.captured_queries)):
        html = client.get("/visits/", {"day": day_of(first[0])}).content.decode()

    assert html.count("data-slot=") == 6
    assert len(one.captured_queries) <= 15


# A slot, its bookings ---------------------------------------------------------------------------------------------

def test_booking_a_person_through_the_slot_page_takes_a_place(client_as, caseworker, slot):
    client = client_as(caseworker)

    response = client.post(f"/visits/slots/{slot.pk}/book/", {
        "petitioner_name": "王建国", "petitioner_id_number": ID_WANG, "petitioner_phone": PHONE,
        "topic": "反映征地补偿款未到位", "head_count": 2})

    assert response.status_code == 302 and response["Location"] == f"/visits/slots/{slot.pk}/"
    appointment = Appointment.objects.get(slot=slot)
    assert (appointment.petitioner.name, appointment.head_count, appointment.status) == ("王建国", 2, "booked")
    html = client.get(response["Location"]).content.decode()
    assert "已为王建国预约本时段接访" in html and "已约 1/2 批次" in html and "王建国" in html
    assert ID_WANG not in html and PHONE not in html  # names only: never the ID number or the phone


def test_booking_a_registered_case_by_its_number(client_as, caseworker, slot, case):
    response = client_as(caseworker).post(f"/visits/slots/{slot.pk}/book/", {"case_number": case.number,
                                                                              "head_count": 1})

    assert response.status_code == 302
    appointment = Appointment.objects.get(slot=slot)
    assert (appointment.case, appointment.petitioner, appointment.topic) == (case, case.lead_petitioner, case.summary)


def test_a_full_slot_shows_the_chinese_refusal_and_nothing_changes(client_as, caseworker, slot):
    book(caseworker, slot, "甲")
    book(caseworker, slot, "乙")

    response = client_as(caseworker).post(f"/visits/slots/{slot.pk}/book/", {
        "petitioner_name": "丙", "topic": "物业纠纷", "head_count": 1})

    assert response.status_code == 409
    html = response.content.decode()
    assert "该接访时段已约满（2批次）。" in html
    assert 'value="丙"' in html  # what was typed is kept
    assert Appointment.objects.filter(slot=slot).count() == 2


def test_a_booking_without_a_case_or_a_name_is_refused_in_chinese(client_as, caseworker, slot):
    response = client_as(caseworker).post(f"/visits/slots/{slot.pk}/book/", {"topic": "物业纠纷", "head_count": 1})

    assert response.status_code == 400 and "请填写信访事项编号，或填写信访人姓名。" in response.content.decode()
    assert not Appointment.objects.exists()


def test_cancelling_a_booking_from_the_slot_page_frees_its_place(client_as, caseworker, slot):
    appointment = book(caseworker, slot, "甲")

    response = client_as(caseworker).post(f"/visits/appointments/{appointment.pk}/cancel/")

    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == "cancelled"


def test_cancelling_the_slot_needs_a_reason_and_cancels_its_bookings(client_as, caseworker, slot):
    appointment = book(caseworker, slot, "甲")
    client = client_as(caseworker)

    refused = client.post(f"/visits/slots/{slot.pk}/cancel/", {"reason": ""}, follow=True)
    assert "请填写取消原因。" in refused.content.decode()
    client.post(f"/visits/slots/{slot.pk}/cancel/", {"reason": "领导临时出差"})

    slot.refresh_from_db()
    appointment.refresh_from_db()
    assert (slot.is_cancelled, slot.cancel_reason, appointment.status) == (True, "领导临时出差", "cancelled")


def test_the_slot_page_offers_recording_a_reception_for_each_booking(client_as, caseworker, slot):
    appointment = book(caseworker, slot, "甲")

    html = client_as(caseworker).get(f"/visits/slots/{slot.pk}/").content.decode()

    assert f"/visits/receptions/new/?appointment={appointment.pk}" in html


def test_another_countys_caseworker_gets_404_on_the_slot_and_its_booking(client_as, other_caseworker, slot):
    client = client_as(other_caseworker)

    assert client.get(f"/visits/slots/{slot.pk}/").status_code == 404
    assert client.post(f"/visits/slots/{slot.pk}/book/", {"petitioner_name": "丙", "topic": "x"}).status_code == 404
    assert not Appointment.objects.exists()


def test_a_unit_officer_sees_the_schedule_but_may_not_book(client_as, unit_officer, slot):
    client = client_as(unit_officer)

    assert client.get(f"/visits/slots/{slot.pk}/").status_code == 200
    assert client.post(f"/visits/slots/{slot.pk}/book/", {"petitioner_name": "丙", "topic": "x"}).status_code == 403


# Rules and one-off slots ----------------------------------------------------------------------------------------

def test_a_rule_that_clashes_with_the_leaders_reception_names_the_dates_and_saves_nothing(client_as, caseworker,
                                                                                        county, leader, slot):
    day = timezone.localdate(slot.starts_at)

    response = client_as(caseworker).post("/visits/rules/", {
        "region": county.region.pk, "level": 3, "kind": "regular", "leader": leader.pk, "title": "县长接访日",
        "place": "县信访接待中心", "capacity": 10, "frequency": "weekly", "interval": 1, "weekday": day.weekday(),
        "start_time": "15:00", "end_time": "16:00", "starts_on": timezone.localdate().isoformat(),
        "is_public": "on"})

    assert response.status_code == 400
    html = response.content.decode()
    assert "接访领导在以下日期的同一时间已有接访安排" in html and day.isoformat() in html
    assert not ReceptionSchedule.objects.exists()


def test_a_one_off_slot_is_created_from_the_page(client_as, caseworker, county, leader):
    day = (timezone.localdate() + timedelta(days=3)).isoformat()

    response = client_as(caseworker).post("/visits/slots/new/", {
        "region": county.region.pk, "level": 3, "kind": "regular", "leader": leader.pk, "title": "县长开门接访",
        "place": "县信访接待中心", "capacity": 5, "day": day, "start_time": "09:00", "end_time": "11:30",
        "departments": [county.housing.pk], "is_public": "on"})

    slot = ReceptionSlot.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/visits/slots/{slot.pk}/"
    assert (timezone.localtime(slot.starts_at).strftime("%H:%M"), slot.capacity) == ("09:00", 5)
    assert list(slot.departments.all()) == [county.housing]


# Receptions -----------------------------------------------------------------------------------------------------

def test_recording_a_reception_from_an_appointment_opens_a_case_the_leader_owns(client_as, caseworker, leader, slot,
                                                                                county, categories):
    appointment = book(caseworker, slot, "王建国", topic="征地补偿款未到位")
    client = client_as(caseworker)
    form = client.get("/visits/receptions/new/", {"appointment": appointment.pk}).content.decode()
    assert "征地补偿款未到位" in form and f'value="{appointment.pk}"' in form

    response = client.post("/visits/receptions/new/", {
        "appointment": appointment.pk, "slot": slot.pk, "leader": leader.pk,
        "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "place": "县信访接待中心", "head_count": 1,
        "raised": "征地补偿款未到位", "decided": "责成住建局十日内核实答复", "category": categories["land"].pk,
        "region": county.villages[0].pk}, follow=True)

    reception = Reception.objects.get()
    case = reception.case
    assert response.redirect_chain == [(f"/cases/{case.pk}/", 302)]
    assert (case.owner, case.channel, case.lead_petitioner.name) == (leader, "leader_reception", "王建国")
    assert reception.opened_case and reception.appointment == appointment
    appointment.refresh_from_db()
    assert appointment.status == "attended"
    assert "已记录接访" in response.content.decode() and "包案" in response.content.decode()


def test_a_reception_without_a_case_or_category_is_refused_and_saves_nothing(client_as, caseworker, leader):
    response = client_as(caseworker).post("/visits/receptions/new/", {
        "leader": leader.pk, "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "head_count": 1,
        "raised": "反映问题", "decided": "处理意见", "petitioner_name": "丙"})

    assert response.status_code == 400 and "登记新事项须选择类别和问题属地。" in response.content.decode()
    assert not Reception.objects.exists() and not Case.objects.exists()


def test_the_reception_list_and_page_show_the_reception(client_as, caseworker, leader, case):
    reception = workflow.reception_record(actor=caseworker, data=vs.ReceptionInput(
        leader=leader, received_at=timezone.now(), raised="欠薪三个月", decided="督促支付", case=case))
    client = client_as(caseworker)

    listed = client.get("/visits/receptions/", {"leader": leader.pk}).content.decode()
    page = client.get(f"/visits/receptions/{reception.pk}/").content.decode()

    assert f'data-reception="{reception.pk}"' in listed and case.number in listed
    assert "督促支付" in page and "由王县长包案" in page


# The leader's calendar feed and the public schedule ---------------------------------------------------------------

def test_the_ics_feed_carries_the_leaders_slot_without_login(client, caseworker, leader, slot):
    token = vs.calendar_feed_token(actor=leader).token
    vs.slot_cancel(actor=caseworker, slot=vs.slot_create(actor=caseworker, data=vs.SlotInput(
        region=slot.region, level=3, title="取消的接访", place="县信访接待中心", leader=leader,
        starts_at=slot.starts_at + timedelta(days=1), ends_at=slot.ends_at + timedelta(days=1))), reason="出差")

    response = client.get(f"/visits/ics/{token}.ics")

    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    events = {str(e["SUMMARY"]): e for e in Calendar.from_ical(response.content).walk("VEVENT")}
    event = events["县长开门接访"]
    assert str(event["LOCATION"]) == "县信访接待中心" and str(event["UID"]) == f"reception-slot-{slot.pk}@xinfang"
    assert event.decoded("DTSTART") == slot.starts_at and event["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert str(event["STATUS"]) == "CONFIRMED" and str(events["取消的接访"]["STATUS"]) == "CANCELLED"


def test_an_unknown_or_retired_feed_token_is_404(client, leader):
    old = vs.calendar_feed_token(actor=leader).token
    vs.calendar_feed_token(actor=leader, regenerate=True)

    assert client.get("/visits/ics/not-a-token.ics").status_code == 404
    assert client.get(f"/visits/ics/{old}.ics").status_code == 404


def test_the_leaders_calendar_page_shows_their_slots_and_subscription_address(client_as, leader, slot):
    html = client_as(leader).get("/visits/calendar/").content.decode()

    token = vs.calendar_feed_token(actor=leader).token
    assert f'data-slot="{slot.pk}"' in html and f"/visits/ics/{token}.ics" in html


def test_the_public_schedule_needs_no_login_and_shows_no_personal_data(client, caseworker, county, slot):
    book(caseworker, slot, "王建国", id_number=ID_WANG, phone=PHONE)

    response = client.get(f"/public/schedule/{county.region.code}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-slot="{slot.pk}"' in html and "王县长" in html and "县信访接待中心" in html
    assert "王建国" not in html and ID_WANG not in html and PHONE not in html


def test_the_public_schedule_leaves_out_private_and_cancelled_slots(client, caseworker, county, leader, slot):
    private = vs.slot_create(actor=caseworker, data=vs.SlotInput(
        region=county.region, level=3, title="内部接访", place="县委", leader=leader, is_public=False,
        starts_at=slot.starts_at + timedelta(days=1), ends_at=slot.ends_at + timedelta(days=1)))
    vs.slot_cancel(actor=caseworker, slot=slot, reason="出差")

    html = client.get(f"/public/schedule/{county.region.code}/").content.decode()

    assert f'data-slot="{slot.pk}"' not in html and f'data-slot="{private.pk}"' not in html


def test_the_public_schedule_of_an_unknown_code_or_a_township_is_404(client, county):
    assert client.get("/public/schedule/999999999999/").status_code == 404
    assert client.get(f"/public/schedule/{county.townships[0].code}/").status_code == 404
