"""Appointments (约访): writes the bookings of petitioners into reception slots (Appointment), within the slot's
capacity and without a person's overlapping bookings, and their cancellation and no-show; a booking that concerns a
case says so on the case's timeline. ``_appointment_set`` is the one booked-to-other change, also used when a slot is
cancelled (schedule.py) and when a booking is received (receptions.py)."""


from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import services as case_services
from cases.models import Case, Petitioner
from xinfang.errors import Conflict, full_clean_or_fail, invalid, require_perm, required_text
from xinfang.org.choices import RegionLevel
from xinfang.org.models import User
from xinfang.org.services import require_visible

from ..choices import HOLDING_PLACE, AppointmentStatus
from ..models import Appointment, ReceptionSlot
from ._common import _county_of


@transaction.atomic
def appointment_book(*, actor: User, slot: ReceptionSlot, topic: str = "", case: Case | None = None,
                     petitioner: Petitioner | None = None,
                     petitioner_data: "case_services.PetitionerInput | None" = None, head_count: int = 1
                     ) -> Appointment:
    """Book a petitioner, or a case's lead petitioner, into a slot. The slot's capacity holds (its row is locked
    while places are counted); a person holds one booking per slot and none at an overlapping time."""
    require_perm(actor, "visits.add_appointment")
    require_visible(actor, slot, _("未找到该接访时段。"), "slot_not_found")
    if case is not None:
        require_visible(actor, case, _("未找到该信访事项。"), "case_not_found")
        petitioner = petitioner or case.lead_petitioner
        topic = topic or case.summary
    if head_count < 1:
        raise invalid("head_count", _("人数至少为1。"))
    topic = required_text(topic, "topic", _("请填写反映事项。"))
    if petitioner is not None:
        require_visible(actor, petitioner, _("未找到该信访人。"), "petitioner_not_found")
    elif petitioner_data is not None:
        county = _county_of(slot.region) if slot.region.level >= RegionLevel.COUNTY else None
        county = county or (actor.unit.region.ancestor_at(RegionLevel.COUNTY) if actor.unit_id else None)
        if county is None:
            raise invalid("petitioner", _("请在县级及以下登记信访人。"))
        petitioner = case_services.petitioner_upsert(actor=actor, county=county, data=petitioner_data)
    else:
        raise invalid("petitioner", _("请选择信访人或信访事项。"))

    slot = ReceptionSlot.objects.select_for_update().get(pk=slot.pk)
    # The person's row too: two clerks booking one person into two overlapping slots at once queue here.
    Petitioner.objects.select_for_update().filter(pk=petitioner.pk).exists()
    if slot.cancelled_at is not None:
        raise Conflict(_("该接访时段已取消。"), code="slot_cancelled")
    if slot.ends_at <= timezone.now():
        raise Conflict(_("该接访时段已结束，不能预约。"), code="slot_past")
    holding = slot.appointments.filter(status__in=HOLDING_PLACE)
    if holding.filter(petitioner=petitioner).exists():
        raise Conflict(_("该信访人已预约此接访时段。"), code="already_booked")
    if holding.count() >= slot.capacity:
        raise Conflict(_("该接访时段已约满（%(n)s批次）。") % {"n": slot.capacity}, code="slot_full",
                       detail={"capacity": slot.capacity})
    clash = (Appointment.objects.filter(petitioner=petitioner, status=AppointmentStatus.BOOKED,
                                        slot__starts_at__lt=slot.ends_at, slot__ends_at__gt=slot.starts_at)
             .exclude(slot=slot).select_related("slot").first())
    if clash is not None:
        raise Conflict(_("该信访人在同一时间已预约“%(slot)s”。") % {"slot": clash.slot.title}, code="double_booked",
                       detail={"appointment": clash.pk})
    appointment = Appointment(slot=slot, petitioner=petitioner, case=case, head_count=head_count, topic=topic[:300],
                              booked_by=actor)
    full_clean_or_fail(appointment)
    try:
        with transaction.atomic():
            appointment.save()
    except IntegrityError as exc:  # the partial unique index: a concurrent booking of the same person
        raise Conflict(_("该信访人已预约此接访时段。"), code="already_booked") from exc
    if case is not None:
        case_services.timeline_event(case, actor, "appointment", _("预约%(leader)s %(when)s 接访（%(place)s）。") % {
            "leader": slot.leader.display_name if slot.leader_id else slot.title,
            "when": f"{timezone.localtime(slot.starts_at):%Y-%m-%d %H:%M}", "place": slot.place})
    return appointment


def _appointment_set(appointment: Appointment, status: str, actor: User, message: str) -> None:
    if not Appointment.objects.filter(pk=appointment.pk, status=AppointmentStatus.BOOKED).update(
            status=status, cancelled_at=timezone.now() if status == AppointmentStatus.CANCELLED else None):
        raise Conflict(_("该预约已不是“已预约”状态。"), code="appointment_not_booked")
    appointment.refresh_from_db()
    if appointment.case_id:
        case_services.timeline_event(appointment.case, actor, "appointment", message)


@transaction.atomic
def appointment_cancel(*, actor: User, appointment: Appointment, reason: str = "") -> Appointment:
    """Cancel a booking (its place is freed)."""
    require_perm(actor, "visits.add_appointment")
    require_visible(actor, appointment)
    _appointment_set(appointment, AppointmentStatus.CANCELLED, actor,
                     _("取消预约：%(reason)s") % {"reason": reason.strip() or "-"})
    return appointment


@transaction.atomic
def appointment_no_show(*, actor: User, appointment: Appointment) -> Appointment:
    """The petitioner did not come."""
    require_perm(actor, "visits.add_appointment")
    require_visible(actor, appointment)
    if appointment.slot.starts_at > timezone.now():
        raise Conflict(_("接访尚未开始，不能登记未到。"), code="slot_not_started")
    _appointment_set(appointment, AppointmentStatus.NO_SHOW, actor, _("预约接访未到。"))
    return appointment
