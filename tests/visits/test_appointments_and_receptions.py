"""Appointments fill a slot up to its capacity; a reception opens or links a case the receiving leader owns."""

import pytest
from django.utils import timezone

import workflow
from cases import services as cs
from cases.choices import Channel
from cases.models import Case, TimelineEvent
from visits import services as vs
from visits.models import Appointment, Reception
from xinfang.errors import Conflict, NotFound, ValidationFailed

from .conftest import walk_to_replied


def person(name, id_number=""):
    return cs.PetitionerInput(name=name, id_number=id_number)


def test_booking_a_case_into_a_slot_takes_a_place_and_is_on_the_case_timeline(caseworker, slot, case):
    appointment = vs.appointment_book(actor=caseworker, slot=slot, case=case)

    assert (appointment.petitioner, appointment.topic, appointment.status) == (
        case.lead_petitioner, case.summary, "booked")
    assert TimelineEvent.objects.filter(case=case, kind="appointment", message__contains="县信访接待中心").exists()


def test_a_full_slot_refuses_another_booking_and_changes_nothing(caseworker, slot):
    vs.appointment_book(actor=caseworker, slot=slot, petitioner_data=person("甲"), topic="土地补偿")
    vs.appointment_book(actor=caseworker, slot=slot, petitioner_data=person("乙"), topic="工资拖欠")

    with pytest.raises(Conflict) as refused:
        vs.appointment_book(actor=caseworker, slot=slot, petitioner_data=person("丙"), topic="物业纠纷")

    assert refused.value.code == "slot_full"
    assert Appointment.objects.filter(slot=slot).count() == 2


def test_a_cancelled_booking_frees_its_place(caseworker, slot):
    first = vs.appointment_book(actor=caseworker, slot=slot, petitioner_data=person("甲"), topic="土地补偿")
    vs.appointment_book(actor=caseworker, slot=slot, petitioner_data=person("乙"), topic="工资拖欠")
    vs.appointment_cancel(actor=caseworker, appointment=first, reason="本人改期")

    third = vs.appointment_book(actor=caseworker, slot=slot, petitioner_data=person("丙"), topic="物业纠纷")
    assert third.status == "booked"


def test_one_person_cannot_be_booked_twice_into_one_slot_or_into_overlapping_slots(caseworker, slot, case, county):
    from datetime import timedelta

    vs.appointment_book(actor=caseworker, slot=slot, case=case)
    with pytest.raises(Conflict) as twice:
        vs.appointment_book(actor=caseworker, slot=slot, case=case)
    joint = vs.slot_create(actor=caseworker, data=vs.SlotInput(
        region=county.region, level=3, kind="joint", title="公检法司联合接访", place="县综治中心",
        starts_at=slot.starts_at + timedelta(hours=1), ends_at=slot.ends_at + timedelta(hours=1)))
    with pytest.raises(Conflict) as overlapping:
        vs.appointment_book(actor=caseworker, slot=joint, case=case)

    assert (twice.value.code, overlapping.value.code) == ("already_booked", "double_booked")
    assert Appointment.objects.count() == 1


def test_a_past_or_cancelled_slot_takes_no_booking(caseworker, slot, case):
    vs.slot_cancel(actor=caseworker, slot=slot, reason="领导参加防汛")
    with pytest.raises(Conflict) as refused:
        vs.appointment_book(actor=caseworker, slot=slot, case=case)
    assert refused.value.code == "slot_cancelled"


def test_another_countys_slot_does_not_exist_for_the_caseworker(other_caseworker, slot, other_categories):
    with pytest.raises(NotFound):
        vs.appointment_book(actor=other_caseworker, slot=slot, petitioner_data=person("甲"), topic="土地")


def test_a_reception_from_an_appointment_opens_a_case_the_leader_owns(caseworker, leader, slot, county, categories):
    appointment = vs.appointment_book(actor=caseworker, slot=slot, petitioner_data=person("刘大成"),
                                      topic="征地补偿款未到位")
    reception = workflow.reception_record(actor=caseworker, data=vs.ReceptionInput(
        leader=leader, received_at=timezone.now(), raised="反映村里征地补偿款两年未发放",
        decided="由县自然资源局牵头核查，15日内答复",
        slot=slot, appointment=appointment, category=categories["land"], region=county.villages[0]))

    case = Case.objects.get(pk=reception.case_id)
    assert (case.channel, case.owner, case.lead_petitioner.name) == (Channel.LEADER_RECEPTION, leader, "刘大成")
    assert reception.opened_case and reception.level == 3 and reception.place == "县信访接待中心"
    assert Appointment.objects.get(pk=appointment.pk).status == "attended"
    assert list(TimelineEvent.objects.filter(case=case).exclude(kind__startswith="deadline")
                .values_list("kind", flat=True)) == ["register", "owner", "appointment", "reception"]
    assert Appointment.objects.get(pk=appointment.pk).case == case


def test_a_reception_linking_an_open_case_makes_the_leader_its_owner(caseworker, leader, case):
    workflow.reception_record(actor=caseworker, data=vs.ReceptionInput(
        leader=leader, received_at=timezone.now(), raised="催问欠薪", decided="责成住建局一周内处理", case=case))

    assert Case.objects.get(pk=case.pk).owner == leader
    assert Reception.objects.get().opened_case is False


def test_a_reception_dated_in_the_future_is_refused_and_changes_nothing(caseworker, leader, case):
    with pytest.raises(ValidationFailed) as refused:
        workflow.reception_record(actor=caseworker, data=vs.ReceptionInput(
            leader=leader, received_at=timezone.now() + timezone.timedelta(days=1), raised="x", decided="y",
            case=case))
    assert "received_at" in refused.value.detail
    assert Case.objects.get(pk=case.pk).owner is None and not Reception.objects.exists()


def test_a_reception_by_someone_who_is_not_a_leader_is_refused(caseworker, unit_officer, case):
    with pytest.raises(ValidationFailed):
        workflow.reception_record(actor=caseworker, data=vs.ReceptionInput(
            leader=unit_officer, received_at=timezone.now(), raised="x", decided="y", case=case))
    assert not Reception.objects.exists()


def test_a_closed_case_is_not_linked_to_a_new_reception(caseworker, leader, unit_officer, county, case):
    case = walk_to_replied(case, caseworker, unit_officer, county.housing)
    case = workflow.case_evaluate(actor=caseworker, case=case, version=case.version, result="satisfied", method="phone")
    case = workflow.case_close(actor=caseworker, case=case, version=case.version)
    with pytest.raises(Conflict) as refused:
        workflow.reception_record(actor=caseworker, data=vs.ReceptionInput(
            leader=leader, received_at=timezone.now(), raised="x", decided="y", case=case))
    assert refused.value.code == "case_not_open"
