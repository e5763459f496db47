"""Leaders' receptions (领导接访): writes the Reception row, opening a new case (channel 领导接访) or linking an open
one, makes the receiving leader the case's owner (谁接访谁包案) and marks a booked appointment attended. The clocks of
a case it opens and the leader's points are workflow.reception_record's."""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from cases import services as case_services
from cases.choices import OPEN_STATUSES, Channel
from cases.models import Case, Category, Petitioner
from xinfang.dates import refuse_future
from xinfang.errors import Conflict, full_clean_or_fail, invalid, require_perm
from xinfang.org.choices import RegionLevel, Role
from xinfang.org.models import Region, User
from xinfang.org.scoping import scoped
from xinfang.org.services import require_visible

from ..choices import AppointmentStatus
from ..models import Appointment, Reception, ReceptionSlot
from .appointments import _appointment_set


@dataclass
class ReceptionInput:
    leader: User
    received_at: datetime
    raised: str
    decided: str
    place: str = ""
    region: Region | None = None
    head_count: int = 1
    slot: ReceptionSlot | None = None
    appointment: Appointment | None = None
    case: Case | None = None  # link an existing case …
    petitioner: Petitioner | None = None
    petitioner_data: "case_services.PetitionerInput | None" = None
    category: Category | None = None  # … or open a new one (channel 领导接访)
    summary: str = ""
    is_skip_level: bool = False


def _is_leader(user: User) -> bool:
    return user.leader_level is not None or Role.LEADER in user.role_codes()


@transaction.atomic
def reception_record(*, actor: User, data: ReceptionInput) -> Reception:
    """Record a leader's reception. It opens a new case (channel 领导接访) or links an existing open one, and the
    receiving leader becomes the case's owner (谁接访谁包案). A booked appointment is marked attended.
    A case it opens is registered here; its clocks and the leader's points are workflow.reception_record's."""
    require_perm(actor, "visits.add_reception")
    refuse_future(data.received_at, "received_at", _("接访时间不能晚于现在。"))
    raised, decided = (data.raised or "").strip(), (data.decided or "").strip()
    if not raised:
        raise invalid("raised", _("请填写反映问题。"))
    if not decided:
        raise invalid("decided", _("请填写处理意见。"))
    if data.head_count < 1:
        raise invalid("head_count", _("人数至少为1。"))
    slot, appointment, leader = data.slot, data.appointment, data.leader
    if appointment is not None:
        require_visible(actor, appointment, _("未找到该预约。"), "appointment_not_found")
        if appointment.status != AppointmentStatus.BOOKED:
            raise Conflict(_("该预约已不是“已预约”状态。"), code="appointment_not_booked")
        slot = slot or appointment.slot
        if appointment.slot_id != slot.pk:
            raise invalid("appointment", _("该预约不属于此接访时段。"))
    if slot is not None:
        require_visible(actor, slot, _("未找到该接访时段。"), "slot_not_found")
    # A leader from above (a city leader's slot) is known through the slot; others must be in the jurisdiction.
    if not (slot is not None and slot.leader_id == leader.pk) and not scoped(
            User.objects.filter(pk=leader.pk), actor).exists():
        raise invalid("leader", _("接访领导不在您的辖区内。"))
    if not _is_leader(leader):
        raise invalid("leader", _("“%(name)s”不是领导，不能记为接访领导。") % {"name": leader.display_name})

    if appointment is not None and appointment.case_id and data.case is not None \
            and appointment.case_id != data.case.pk:
        raise invalid("case", _("该预约属于信访事项 %(number)s，不能记入其他事项。") % {
            "number": appointment.case.number})
    case, opened = data.case or (appointment.case if appointment else None), False
    if case is not None:
        require_visible(actor, case, _("未找到该信访事项。"), "case_not_found")
        if case.status not in OPEN_STATUSES:
            raise Conflict(_("该事项已%(status)s，请登记新的信访事项。") % {"status": case.get_status_display()},
                           code="case_not_open")
        petitioner = case.lead_petitioner
    else:
        if data.category is None or data.region is None:
            raise invalid("category", _("登记新事项须选择类别和问题属地。"))
        petitioner = data.petitioner or (appointment.petitioner if appointment else None)
        if petitioner is not None:
            require_visible(actor, petitioner, _("未找到该信访人。"), "petitioner_not_found")
        elif data.petitioner_data is None:
            raise invalid("petitioner", _("请填写信访人。"))
        case = case_services.case_register(actor=actor, data=case_services.CaseInput(
            channel=Channel.LEADER_RECEPTION, received_at=data.received_at, lead=petitioner,
            petitioner=data.petitioner_data or case_services.PetitionerInput(name=petitioner.name),
            category=data.category, summary=(data.summary or raised)[:300], demands=raised, region=data.region,
            head_count=max(data.head_count, 1), is_skip_level=data.is_skip_level))
        petitioner, opened = case.lead_petitioner, True

    case = case_services.case_set_owner(actor=actor, case=case, owner=leader, reason=_("谁接访谁包案"))
    if appointment is not None:
        if appointment.case_id is None:  # a walk-in booking: the appointment now belongs to the case it opened
            Appointment.objects.filter(pk=appointment.pk).update(case=case)
            appointment.case = case
        _appointment_set(appointment, AppointmentStatus.ATTENDED, actor, _("已按预约接待。"))
    level = (slot.level if slot is not None else None) or leader.leader_level or RegionLevel.COUNTY
    reception = Reception(
        leader=leader, level=level, slot=slot, appointment=appointment, region=data.region or case.region,
        received_at=data.received_at, place=(data.place or (slot.place if slot else "")).strip() or "-",
        petitioner=petitioner, head_count=data.head_count, raised=raised, decided=decided, case=case,
        opened_case=opened, recorded_by=actor)
    full_clean_or_fail(reception)
    reception.save()
    case_services.timeline_event(case, actor, "reception", _("%(leader)s接访：%(decided)s") % {
        "leader": leader.display_name, "decided": decided[:200]})
    return reception
