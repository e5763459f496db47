"""Writes of the visits app: schedules and slots, appointments, receptions, field visits, return visits and the
petitioner's one-time answer link, the three-month backlog promotion, meetings, duty rules and their reminders.

Each service checks who may act, validates its input before it writes anything, and changes the data in one
transaction; what concerns a case is written on the case's timeline in that same transaction.
"""

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from dateutil import rrule
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cases import services as case_services
from cases.choices import OPEN_STATUSES, CaseStatus, Channel, EvaluationMethod, Satisfaction
from cases.models import Case, Category, Evaluation, Petitioner
from deadlines import services as clocks
from deadlines.choices import ClockEvent, NotificationKind
from deadlines.models import Notification
from xinfang import personal_data, sms
from xinfang.celery import enqueue
from xinfang.dates import refuse_future
from xinfang.errors import (
    Conflict,
    NotFound,
    NotPermitted,
    ValidationFailed,
    full_clean_or_fail,
    invalid,
    require_perm,
    required_text,
)
from xinfang.org.choices import RegionLevel, Role
from xinfang.org.models import Region, Unit, User
from xinfang.org.scoping import scoped
from xinfang.org.services import audit_record, require_own_county, require_visible
from xinfang.rules.selectors import Rules, rules_for
from xinfang.workdays.selectors import calendar_for

from .choices import (
    HOLDING_PLACE,
    AppointmentStatus,
    DutyActivity,
    Frequency,
    LinkChannel,
    MeetingKind,
    Period,
    ReturnVisitStatus,
    SlotKind,
    VisitKind,
)
from .models import (
    AnswerLink,
    Appointment,
    CalendarFeed,
    Campaign,
    DutyRule,
    FieldVisit,
    Meeting,
    Reception,
    ReceptionSchedule,
    ReceptionSlot,
    ReturnVisit,
)
from .rules import VISIT_RULES
from .selectors import duty_compliance_rows, period_bounds

# Helpers --------------------------------------------------------------------------------------------------

def _county_of(region: Region) -> Region:
    """The county a region belongs to, or the region itself above county level (a city leader's schedule)."""
    return region.ancestor_at(RegionLevel.COUNTY) or region


def visit_settings_for(region: Region, on: date | None = None) -> Rules:
    """The county's visit settings in force on ``on`` (today): visits/rules.py. Above county level: the defaults."""
    return rules_for(region, VISIT_RULES.key, on)


def is_night(at: datetime, rules: Rules) -> bool:
    """A visit begun at or after the night hour, or before the morning hour, is a night visit (夜访)."""
    hour = timezone.localtime(at).hour
    return hour >= rules.night_from_hour or hour < rules.night_until_hour


def _aware(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


# Schedules and slots --------------------------------------------------------------------------------------

@dataclass
class ScheduleInput:
    region: Region
    level: int
    title: str
    place: str
    weekday: int
    start_time: time
    end_time: time
    starts_on: date
    leader: User | None = None
    kind: str = SlotKind.REGULAR
    departments: list[Unit] = field(default_factory=list)
    capacity: int = 10
    frequency: str = Frequency.WEEKLY
    interval: int = 1
    week_of_month: int | None = None
    ends_on: date | None = None
    skip_holidays: bool = True
    is_public: bool = True


def schedule_dates(schedule: ReceptionSchedule, start: date, end: date) -> list[date]:
    """The dates ``schedule`` falls on between ``start`` and ``end`` (both included): every n-th week on its
    weekday, or the n-th (or last) weekday of every n-th month; without the county's rest days if it skips them."""
    weekday = rrule.weekday(schedule.weekday)
    if schedule.frequency == Frequency.MONTHLY:
        rule = rrule.rrule(rrule.MONTHLY, interval=schedule.interval, byweekday=weekday(schedule.week_of_month),
                           dtstart=datetime.combine(schedule.starts_on, time()))
    else:
        rule = rrule.rrule(rrule.WEEKLY, interval=schedule.interval, byweekday=weekday,
                           dtstart=datetime.combine(schedule.starts_on, time()))
    last = min(end, schedule.ends_on) if schedule.ends_on else end
    first = max(start, schedule.starts_on)
    if last < first:
        return []
    days = [d.date() for d in rule.between(datetime.combine(first, time()), datetime.combine(last, time()), inc=True)]
    if schedule.skip_holidays and days:
        calendar = calendar_for(_county_of(schedule.region).pk)
        days = [d for d in days if calendar.is_workday(d)]
    return days


def _leader_clashes(leader: User, starts_at: datetime, ends_at: datetime, *, exclude_schedule=None):
    """The leader's live slots that overlap [starts_at, ends_at)."""
    qs = ReceptionSlot.objects.filter(leader=leader, cancelled_at__isnull=True, starts_at__lt=ends_at,
                                      ends_at__gt=starts_at)
    if exclude_schedule is not None:
        qs = qs.exclude(schedule=exclude_schedule, starts_at=starts_at)
    return qs


def _lock_leader(leader: User | None) -> None:
    """Serialise slot writes per leader, so two clerks cannot book one leader twice at one time."""
    if leader is not None:
        list(User.objects.select_for_update().filter(pk=leader.pk).values_list("pk"))


def _require_own_region(actor: User, region: Region) -> None:
    """Slots and rules are seen from below (a county sees the city's), but only written within the actor's own
    jurisdiction: a county clerk cannot cancel a city leader's reception day."""
    if not scoped(Region.objects.filter(pk=region.pk), actor).exists():
        raise NotPermitted(_("只能调整本辖区的接访安排。"), code="region_out_of_jurisdiction")


def _check_place(actor: User, region: Region, leader: User | None, departments) -> None:
    if not scoped(Region.objects.filter(pk=region.pk), actor).exists():
        raise invalid("region", _("接访区划不在您的辖区内。"))
    if leader is not None and not scoped(User.objects.filter(pk=leader.pk, is_active=True), actor).exists():
        raise invalid("leader", _("接访领导不在您的辖区内。"))
    visible_units = scoped(Unit.objects.filter(pk__in=[u.pk for u in departments]), actor).count()
    if visible_units != len({u.pk for u in departments}):
        raise invalid("departments", _("参加部门不在您的辖区内。"))


@transaction.atomic
def schedule_create(*, actor: User, data: ScheduleInput) -> ReceptionSchedule:
    """A recurring reception rule, expanded at once ``schedule_horizon_weeks`` ahead. A date on which the leader
    already receives elsewhere refuses the whole rule (nothing is saved), naming the clashing dates."""
    require_perm(actor, "visits.manage_schedule")
    _check_place(actor, data.region, data.leader, data.departments)
    if data.kind in (SlotKind.REGULAR, SlotKind.DUTY) and data.leader is None:
        raise invalid("leader", _("领导接访和坐班接访须指定接访领导。"))
    if data.level not in RegionLevel.values:
        raise invalid("level", _("请选择接访层级。"))
    if data.frequency == Frequency.MONTHLY and data.week_of_month is None:
        raise invalid("week_of_month", _("每月的规则须指定第几个星期几。"))
    if data.frequency == Frequency.WEEKLY:
        data.week_of_month = None
    schedule = ReceptionSchedule(
        region=data.region, level=data.level, kind=data.kind, leader=data.leader, title=data.title.strip(),
        place=data.place.strip(), capacity=data.capacity, frequency=data.frequency, interval=data.interval,
        weekday=data.weekday, week_of_month=data.week_of_month, start_time=data.start_time, end_time=data.end_time,
        starts_on=data.starts_on, ends_on=data.ends_on, skip_holidays=data.skip_holidays, is_public=data.is_public,
        created_by=actor)
    full_clean_or_fail(schedule)
    if schedule.interval < 1:
        raise invalid("interval", _("间隔至少为1。"))
    if schedule.ends_on and schedule.ends_on < schedule.starts_on:
        raise invalid("ends_on", _("截止日期不能早于起始日期。"))
    schedule.save()
    schedule.departments.set(data.departments)
    schedule_expand(schedule=schedule, strict=True)
    audit_record(actor=actor, action="schedule.create", obj=schedule, region=schedule.region)
    return schedule


def schedule_expand(*, schedule: ReceptionSchedule, until: date | None = None, strict: bool = False) -> int:
    """Create the rule's missing dated slots from today to ``until`` (default: the county's horizon). Idempotent:
    a slot that exists is left alone (unique schedule + start). A date on which the leader already receives
    elsewhere is refused (``strict``, when the rule is created) or skipped (the daily extension). Returns the
    number of slots created."""
    today = timezone.localdate()
    horizon = until or today + timedelta(weeks=visit_settings_for(schedule.region).schedule_horizon_weeks)
    days = schedule_dates(schedule, today, horizon)
    if not days:
        return 0
    _lock_leader(schedule.leader)
    existing = set(schedule.slots.filter(starts_at__date__gte=today - timedelta(days=1)).values_list("starts_at",
                                                                                                      flat=True))
    wanted, clashes = [], []
    for day in days:
        starts_at, ends_at = _aware(day, schedule.start_time), _aware(day, schedule.end_time)
        if starts_at in existing or starts_at < timezone.now():
            continue
        if schedule.leader is not None and _leader_clashes(schedule.leader, starts_at, ends_at).exists():
            clashes.append(day)
            continue
        wanted.append(schedule_slot(schedule, day))
    if clashes and strict:
        dates = "、".join(d.isoformat() for d in clashes)
        raise Conflict(_("接访领导在以下日期的同一时间已有接访安排：%(dates)s。") % {"dates": dates},
                       code="slot_overlap", detail={"dates": [d.isoformat() for d in clashes]})
    before = schedule.slots.count()
    ReceptionSlot.objects.bulk_create(wanted, ignore_conflicts=True)
    created = schedule.slots.count() - before
    departments = list(schedule.departments.all())
    if departments:
        created_ids = list(schedule.slots.filter(starts_at__in=[s.starts_at for s in wanted])
                           .values_list("pk", flat=True))
        through = ReceptionSlot.departments.through
        through.objects.bulk_create([through(receptionslot_id=slot_id, unit_id=unit.pk)
                                     for slot_id in created_ids for unit in departments], ignore_conflicts=True)
    return created


def schedule_slot(schedule: ReceptionSchedule, day: date) -> ReceptionSlot:
    """The rule's session on ``day`` (unsaved), as the rule's expansion writes it."""
    return ReceptionSlot(
        schedule=schedule, region=schedule.region, level=schedule.level, kind=schedule.kind, leader=schedule.leader,
        title=schedule.title, place=schedule.place, starts_at=_aware(day, schedule.start_time),
        ends_at=_aware(day, schedule.end_time), capacity=schedule.capacity, is_public=schedule.is_public,
        created_by=schedule.created_by)


def schedules_extend() -> int:
    """Beat, daily: keep every active rule's slots generated to the county's horizon (see schedule_expand)."""
    total = 0
    today = timezone.localdate()
    for schedule in ReceptionSchedule.objects.filter(is_active=True).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=today)).select_related("region", "leader"):
        with transaction.atomic():
            total += schedule_expand(schedule=schedule)
    return total


@transaction.atomic
def schedule_deactivate(*, actor: User, schedule: ReceptionSchedule) -> ReceptionSchedule:
    """Stop a rule: no more slots are generated, and its future slots that nobody booked are cancelled."""
    require_perm(actor, "visits.manage_schedule")
    require_visible(actor, schedule)
    _require_own_region(actor, schedule.region)
    ReceptionSchedule.objects.filter(pk=schedule.pk).update(is_active=False)
    booked = Appointment.objects.filter(slot__schedule=schedule, status__in=HOLDING_PLACE).values("slot")
    (ReceptionSlot.objects.filter(schedule=schedule, starts_at__gt=timezone.now(), cancelled_at__isnull=True)
     .exclude(pk__in=booked).update(cancelled_at=timezone.now(), cancel_reason=gettext_noop("日程规则已停用")))
    schedule.refresh_from_db()
    audit_record(actor=actor, action="schedule.deactivate", obj=schedule, region=schedule.region)
    return schedule


@dataclass
class SlotInput:
    region: Region
    level: int
    title: str
    place: str
    starts_at: datetime
    ends_at: datetime
    leader: User | None = None
    kind: str = SlotKind.REGULAR
    departments: list[Unit] = field(default_factory=list)
    capacity: int = 10
    is_public: bool = True


@transaction.atomic
def slot_create(*, actor: User, data: SlotInput) -> ReceptionSlot:
    """A one-off reception slot. The leader may not receive twice at one time (409 slot_overlap)."""
    require_perm(actor, "visits.manage_schedule")
    _check_place(actor, data.region, data.leader, data.departments)
    if data.kind in (SlotKind.REGULAR, SlotKind.DUTY) and data.leader is None:
        raise invalid("leader", _("领导接访和坐班接访须指定接访领导。"))
    slot = ReceptionSlot(region=data.region, level=data.level, kind=data.kind, leader=data.leader,
                         title=data.title.strip(), place=data.place.strip(), starts_at=data.starts_at,
                         ends_at=data.ends_at, capacity=data.capacity, is_public=data.is_public, created_by=actor)
    full_clean_or_fail(slot)
    _lock_leader(data.leader)
    if data.leader is not None and _leader_clashes(data.leader, data.starts_at, data.ends_at).exists():
        clash = _leader_clashes(data.leader, data.starts_at, data.ends_at).first()
        raise Conflict(_("接访领导在该时间已有接访安排（%(slot)s）。") % {
            "slot": f"{clash.title} {timezone.localtime(clash.starts_at):%Y-%m-%d %H:%M}"},
            code="slot_overlap", detail={"slot": clash.pk})
    slot.save()
    slot.departments.set(data.departments)
    audit_record(actor=actor, action="slot.create", obj=slot, region=slot.region)
    return slot


@transaction.atomic
def slot_cancel(*, actor: User, slot: ReceptionSlot, reason: str) -> ReceptionSlot:
    """Cancel a slot with a reason; its bookings are cancelled with it (and the cases say so)."""
    require_perm(actor, "visits.manage_schedule")
    require_visible(actor, slot)
    _require_own_region(actor, slot.region)
    reason = required_text(reason, "reason", _("请填写取消原因。"))
    if not ReceptionSlot.objects.filter(pk=slot.pk, cancelled_at__isnull=True).update(
            cancelled_at=timezone.now(), cancel_reason=reason[:200]):
        raise Conflict(_("该接访时段已取消。"), code="slot_cancelled")
    for appointment in slot.appointments.filter(status=AppointmentStatus.BOOKED).select_related("case"):
        _appointment_set(appointment, AppointmentStatus.CANCELLED, actor,
                         _("接访时段取消：%(reason)s") % {"reason": reason})
    slot.refresh_from_db()
    audit_record(actor=actor, action="slot.cancel", obj=slot, region=slot.region, changes={"reason": reason})
    return slot


@transaction.atomic
def campaign_create(*, actor: User, region: Region, title: str, topic: str, starts_at: datetime, ends_at: datetime,
                    place: str, capacity: int = 20) -> Campaign:
    """集中接访: one slot at the same time in every county under ``region`` (or in ``region`` if it is a county)."""
    require_perm(actor, "visits.manage_schedule")
    _check_place(actor, region, None, [])
    if region.level > RegionLevel.COUNTY:
        raise invalid("region", _("集中接访由县级及以上组织。"))
    campaign = Campaign(region=region, title=title.strip(), topic=topic.strip(), starts_at=starts_at,
                        ends_at=ends_at, created_by=actor)
    full_clean_or_fail(campaign)
    if ends_at <= starts_at:
        raise invalid("ends_at", _("结束时间应晚于开始时间。"))
    campaign.save()
    counties = Region.objects.filter(path__startswith=region.path, level=RegionLevel.COUNTY).order_by("path")
    slots = [ReceptionSlot(campaign=campaign, region=county, level=RegionLevel.COUNTY, kind=SlotKind.CAMPAIGN,
                           title=campaign.title, place=place.strip() or campaign.title, starts_at=starts_at,
                           ends_at=ends_at, capacity=capacity, created_by=actor) for county in counties]
    for slot in slots:
        full_clean_or_fail(slot)
    ReceptionSlot.objects.bulk_create(slots)
    audit_record(actor=actor, action="campaign.create", obj=campaign, region=region,
                 changes={"counties": len(slots)})
    return campaign


# Appointments (约访) ---------------------------------------------------------------------------------------

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


# Receptions -----------------------------------------------------------------------------------------------

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


# Field visits ---------------------------------------------------------------------------------------------

@dataclass
class FieldVisitInput:
    kind: str
    region: Region
    visited_at: datetime
    summary: str
    cadres: list[User] = field(default_factory=list)
    issues_found: str = ""
    household: str = ""
    petitioner: Petitioner | None = None
    cases: list[Case] = field(default_factory=list)


@transaction.atomic
def field_visit_record(*, actor: User, data: FieldVisitInput) -> FieldVisit:
    """Record a field visit by one or several cadres (the recorder when none is named). It is a night visit when it
    began within the county's night hours."""
    require_perm(actor, "visits.record_field_visit")
    if data.kind not in VisitKind.values:
        raise invalid("kind", _("请选择走访类型。"))
    refuse_future(data.visited_at, "visited_at", _("走访时间不能晚于现在。"))
    if not (data.summary or "").strip():
        raise invalid("summary", _("请填写走访情况。"))
    if not scoped(Region.objects.filter(pk=data.region.pk), actor).exists():
        raise invalid("region", _("走访地点不在您的辖区内。"))
    cadres = {u.pk: u for u in (data.cadres or [actor])}
    if scoped(User.objects.filter(pk__in=cadres, is_active=True), actor).count() != len(cadres):
        raise invalid("cadres", _("走访干部不在您的辖区内。"))
    case_ids = {c.pk for c in data.cases}
    if scoped(Case.objects.filter(pk__in=case_ids), actor).count() != len(case_ids):
        raise NotFound(_("未找到相关信访事项。"), code="case_not_found")
    if data.petitioner is not None:
        require_visible(actor, data.petitioner, _("未找到该信访人。"), "petitioner_not_found")
    night = is_night(data.visited_at, visit_settings_for(data.region, timezone.localdate(data.visited_at)))
    visit = FieldVisit(kind=data.kind, region=data.region, visited_at=data.visited_at, is_night=night,
                       household=data.household.strip(), petitioner=data.petitioner, summary=data.summary.strip(),
                       issues_found=data.issues_found.strip(), recorded_by=actor)
    full_clean_or_fail(visit)
    visit.save()
    visit.cadres.set(list(cadres.values()))
    visit.cases.set(list(case_ids))
    for case in data.cases:
        case_services.timeline_event(case, actor, "field_visit", _("%(kind)s%(night)s：%(summary)s") % {
            "kind": visit.get_kind_display(), "night": _("（夜访）") if visit.is_night else "",
            "summary": visit.summary[:200]})
    return visit


# Return visits --------------------------------------------------------------------------------------------

def _return_visit_clock(case: Case):
    """The case's running clock that ends with the return visit (the 答复后回访 milestone), if its rules have one."""
    return (case.deadlines.filter(milestone__end_event=ClockEvent.EVALUATED, met_at__isnull=True,
                                  stopped_at__isnull=True).order_by("-started_at", "-id").first())


def return_visit_schedule(*, case: Case, actor: User | None) -> ReturnVisit:
    """On a reply: schedule the return visit, due by the county's 答复后回访 clock, for the caseworker who registered
    the case (reassignable). Called by cases.services.case_reply inside its transaction."""
    ReturnVisit.objects.filter(case=case, status=ReturnVisitStatus.PENDING).update(
        status=ReturnVisitStatus.CANCELLED, cancelled_reason=gettext_noop("重新答复"))
    registrar = case.registered_by
    assignee = registrar if registrar.is_active and registrar.has_perm("visits.change_returnvisit") else None
    return ReturnVisit.objects.create(case=case, round=case.return_visits.count() + 1,
                                      deadline=_return_visit_clock(case), assignee=assignee)


def return_visit_cancel(*, case: Case, reason: str) -> int:
    """The case left 已答复 without a return visit (an appeal): its pending task is withdrawn, and so is the clock
    that waited for it (no card for a return visit nobody will make)."""
    clocks.clock_stop(case=case, at=timezone.now(), reason=reason, end_event=ClockEvent.EVALUATED)
    return ReturnVisit.objects.filter(case=case, status=ReturnVisitStatus.PENDING).update(
        status=ReturnVisitStatus.CANCELLED, cancelled_reason=reason)


def return_visit_evaluated(*, case: Case, evaluation: Evaluation, actor: User | None,
                           field_visit: FieldVisit | None = None) -> tuple[ReturnVisit, bool]:
    """An evaluation was recorded on the case (from the case page, the return-visit list or the petitioner's link):
    the pending return visit is done. A case replied before return visits were scheduled gets a done one. Returns
    the visit and whether it had been scheduled (only a scheduled visit done earns points: workflow)."""
    visit = ReturnVisit.objects.select_for_update().filter(case=case, status=ReturnVisitStatus.PENDING).first()
    scheduled = visit is not None
    if visit is None:
        visit = ReturnVisit(case=case, round=case.return_visits.count() + 1, deadline=None)
    visit.status = ReturnVisitStatus.DONE
    visit.evaluation = evaluation
    visit.done_at = evaluation.recorded_at
    visit.done_by = actor
    visit.field_visit = field_visit
    visit.save()
    return visit, scheduled


@transaction.atomic
def return_visit_record(*, actor: User, case: Case, result: str, method: str, note: str = "",
                        visited_at: datetime | None = None) -> tuple[Case, Evaluation, FieldVisit | None]:
    """Record a return visit on a replied case: by visit (also a 上门回访 field visit) or by phone. The result drives
    the case (不满意: handled again; workflow.return_visit_record). A case not yet replied is refused (409
    not_replied). Returns the case, its evaluation and the field visit made, if any."""
    require_visible(actor, case, _("未找到该信访事项。"), "case_not_found")
    if not (actor.has_perm("visits.change_returnvisit") or actor.has_perm("cases.handle_case")):
        raise NotPermitted()
    if method not in (EvaluationMethod.VISIT, EvaluationMethod.PHONE):
        raise invalid("method", _("请选择上门回访或电话回访。"))
    visited_at = visited_at or timezone.now()
    refuse_future(visited_at, "visited_at", _("回访时间不能晚于现在。"))
    if case.status != CaseStatus.REPLIED:
        raise Conflict(_("该事项当前为“%(status)s”，尚未答复，不能回访。") % {"status": case.get_status_display()},
                       code="not_replied")
    note = (note or "").strip()
    if result == Satisfaction.UNSATISFIED and not note:
        raise invalid("note", _("不满意的，请记录信访人的意见。"))
    visit = None
    if method == EvaluationMethod.VISIT:
        visit = FieldVisit.objects.create(
            kind=VisitKind.RETURN_HOME, region=case.region, visited_at=visited_at,
            is_night=is_night(visited_at, visit_settings_for(case.region, timezone.localdate(visited_at))),
            petitioner=case.lead_petitioner,
            household=case.lead_petitioner.name, summary=note or Satisfaction(result).label, recorded_by=actor)
        visit.cadres.set([actor])
        visit.cases.set([case])
    case, evaluation = case_services.record_evaluation(case=case, actor=actor, version=case.version, result=result,
                                                       method=method, note=note, at=visited_at)
    return case, evaluation, visit


@transaction.atomic
def return_visit_assign(*, actor: User, return_visit: ReturnVisit, assignee: User) -> ReturnVisit:
    """Give a pending return visit to another person in the jurisdiction (a commissioner, a grid worker)."""
    require_perm(actor, "cases.route_case")
    require_visible(actor, return_visit)
    if not scoped(User.objects.filter(pk=assignee.pk, is_active=True), actor).exists() \
            or not assignee.has_perm("visits.change_returnvisit"):
        raise invalid("assignee", _("请选择辖区内可以回访的人员。"))
    if not ReturnVisit.objects.filter(pk=return_visit.pk, status=ReturnVisitStatus.PENDING).update(assignee=assignee):
        raise Conflict(_("该回访已完成或已撤销。"), code="return_visit_closed")
    return_visit.refresh_from_db()
    case_services.timeline_event(return_visit.case, actor, "return_visit_assign",
                         _("回访交由%(name)s负责。") % {"name": assignee.display_name})
    return return_visit


# The petitioner's one-time answer link ----------------------------------------------------------------------

def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def answer_url(token: str) -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") + reverse("answer", args=[token])


@transaction.atomic
def answer_link_create(*, actor: User, return_visit: ReturnVisit, channel: str) -> tuple[AnswerLink, str]:
    """A one-time link for the petitioner to answer the return visit. By SMS it is sent to the lead petitioner's
    phone (after commit, by Celery); as a QR code it is printed on the reply letter. Returns the link and its token,
    which is never stored (only its hash)."""
    require_visible(actor, return_visit)
    if not (actor.has_perm("visits.change_returnvisit") or actor.has_perm("cases.handle_case")):
        raise NotPermitted()
    if return_visit.status != ReturnVisitStatus.PENDING or return_visit.case.status != CaseStatus.REPLIED:
        raise Conflict(_("该回访已完成或已撤销。"), code="return_visit_closed")
    if channel not in LinkChannel.values:
        raise invalid("channel", _("请选择短信或二维码。"))
    phone = ""
    if channel == LinkChannel.SMS:
        phone = return_visit.case.lead_petitioner.phone_plain
        if not phone:
            raise invalid("channel", _("信访人没有登记电话，请改用二维码。"))
    if channel == LinkChannel.SMS and not settings.SMS_BACKEND:
        raise invalid("channel", _("本系统未配置短信网关，请改用二维码。"))
    if channel == LinkChannel.QR:
        # A reprinted letter replaces the last one: only the newest QR code works.
        AnswerLink.objects.filter(return_visit=return_visit, channel=LinkChannel.QR, used_at__isnull=True,
                                  expires_at__gt=timezone.now()).update(expires_at=timezone.now())
    token = secrets.token_urlsafe(24)
    days = visit_settings_for(return_visit.case.region).answer_link_days
    link = AnswerLink.objects.create(
        return_visit=return_visit, token_hash=_token_hash(token), channel=channel,
        sent_to=personal_data.mask_phone(phone) if phone else "", created_by=actor,
        expires_at=timezone.now() + timedelta(days=days))
    case = return_visit.case
    if phone:
        # The task gets the link's id and the token encrypted: no phone number or live link waits in the broker.
        enqueue("visits.tasks.send_answer_sms", link.pk, personal_data.encrypt(token))
    case_services.timeline_event(case, actor, "answer_link", _("生成评价链接（%(channel)s）%(to)s。") % {
        "channel": LinkChannel(channel).label, "to": link.sent_to})
    return link, token


def answer_sms_send(*, link_id: int, sealed_token: str) -> bool:
    """Send the SMS of an answer link (Celery, after the link was committed). Nothing is sent for a link that is no
    longer open. Returns whether a message went out."""
    link = AnswerLink.objects.select_related("return_visit__case__lead_petitioner").filter(pk=link_id).first()
    if answer_link_state(link) != "open":
        return False
    case = link.return_visit.case
    days = max((link.expires_at - link.created_at).days, 1)
    text = _("【信访通】您反映的事项（%(number)s）已答复，请对办理结果作出评价：%(url)s"
             "（%(days)s天内有效，仅可使用一次）") % {
        "number": case.number, "url": answer_url(personal_data.decrypt(sealed_token)), "days": days}
    sms.send_sms(case.lead_petitioner.phone_plain, text)
    return True


def answer_link_state(link: AnswerLink | None) -> str:
    """'missing', 'used', 'expired', 'closed' (the return visit was done another way) or 'open'."""
    if link is None:
        return "missing"
    if link.used_at is not None:
        return "used"
    if link.expires_at <= timezone.now():
        return "expired"
    if link.return_visit.status != ReturnVisitStatus.PENDING or link.return_visit.case.status != CaseStatus.REPLIED:
        return "closed"
    return "open"


def answer_link_find(token: str) -> AnswerLink | None:
    return (AnswerLink.objects.select_related("return_visit__case").filter(token_hash=_token_hash(token or ""))
            .first())


ANSWER_REFUSALS = {
    "missing": (NotFound, gettext_noop("评价链接无效。"), "link_not_found"),
    "used": (Conflict, gettext_noop("该评价链接已使用过。"), "link_used"),
    "expired": (Conflict, gettext_noop("该评价链接已过期，请联系信访部门。"), "link_expired"),
    "closed": (Conflict, gettext_noop("该事项已完成回访，感谢您的评价。"), "already_answered"),
}


def answer_link_claim(*, token: str, result: str, note: str = "") -> tuple[Case, Evaluation]:
    """The petitioner's own answer (信访人自评), recorded as the case's evaluation (workflow.answer_link_submit
    follows it through). The link works once: it is claimed by a conditional UPDATE, so two submissions at once
    record one evaluation. Call inside a transaction."""
    link = answer_link_find(token)
    state = answer_link_state(link)
    if state != "open":
        error, message, code = ANSWER_REFUSALS[state]
        raise error(_(message), code=code)
    if result not in Satisfaction.values:
        raise invalid("result", _("请选择满意、基本满意或不满意。"))
    if not AnswerLink.objects.filter(pk=link.pk, used_at__isnull=True).update(used_at=timezone.now()):
        raise Conflict(_(ANSWER_REFUSALS["used"][1]), code="link_used")
    case = Case.objects.select_for_update().get(pk=link.return_visit.case_id)
    return case_services.record_evaluation(case=case, actor=None, version=case.version, result=result,
                                           method=EvaluationMethod.LINK, note=(note or "")[:500])


# Meetings -------------------------------------------------------------------------------------------------

@dataclass
class MeetingInput:
    region: Region
    kind: str
    title: str
    held_at: datetime
    decisions: str
    attendees: list[User]
    place: str = ""
    chair: User | None = None
    cases: list[Case] = field(default_factory=list)


@transaction.atomic
def meeting_record(*, actor: User, data: MeetingInput) -> Meeting:
    """Record a meeting that was held (调度会 …): attendees, decisions, the cases discussed (on their timelines)."""
    require_perm(actor, "visits.add_meeting")
    if data.kind not in MeetingKind.values:
        raise invalid("kind", _("请选择会议类型。"))
    refuse_future(data.held_at, "held_at", _("召开时间不能晚于现在。"))
    if not scoped(Region.objects.filter(pk=data.region.pk), actor).exists():
        raise invalid("region", _("区划不在您的辖区内。"))
    people = {u.pk for u in data.attendees} | ({data.chair.pk} if data.chair else set())
    if not data.attendees:
        raise invalid("attendees", _("请选择参会人员。"))
    if scoped(User.objects.filter(pk__in=people), actor).count() != len(people):
        raise invalid("attendees", _("参会人员不在您的辖区内。"))
    case_ids = {c.pk for c in data.cases}
    if scoped(Case.objects.filter(pk__in=case_ids), actor).count() != len(case_ids):
        raise NotFound(_("未找到研究的信访事项。"), code="case_not_found")
    meeting = Meeting(region=data.region, kind=data.kind, title=data.title.strip(), held_at=data.held_at,
                      place=data.place.strip(), chair=data.chair, decisions=data.decisions.strip(), recorded_by=actor)
    full_clean_or_fail(meeting)
    meeting.save()
    meeting.attendees.set(list(people))
    meeting.cases.set(list(case_ids))
    for case in data.cases:
        case_services.timeline_event(case, actor, "meeting", _("%(kind)s“%(title)s”研究：%(decisions)s") % {
            "kind": meeting.get_kind_display(), "title": meeting.title, "decisions": meeting.decisions[:200]})
    return meeting


# Duty rules -----------------------------------------------------------------------------------------------

@dataclass
class DutyRuleInput:
    name: str
    role: str
    activity: str
    period: str
    minimum: int
    leader_level: int | None = None
    meeting_kind: str = ""
    remind_days_before_end: int = 2


DUTY_FIELDS = ("name", "role", "leader_level", "activity", "meeting_kind", "period", "minimum",
               "remind_days_before_end")


def _duty_validate(rule: DutyRule) -> None:
    errors = {}
    if rule.role not in Role.values:
        errors["role"] = [_("请选择适用角色。")]
    if rule.activity not in DutyActivity.values:
        errors["activity"] = [_("请选择考核内容。")]
    if rule.period not in Period.values:
        errors["period"] = [_("请选择考核周期。")]
    if rule.meeting_kind and rule.activity != DutyActivity.MEETING:
        errors["meeting_kind"] = [_("只有“参加会议”可以指定会议类型。")]
    if errors:
        raise ValidationFailed(_("提交的数据有误。"), code="invalid", detail=errors)
    full_clean_or_fail(rule)


@transaction.atomic
def duty_rule_create(*, actor: User, county: Region, data: DutyRuleInput) -> DutyRule:
    """A county admin adds a duty rule, in force from today."""
    require_own_county(actor=actor, county=county, permission="visits.add_dutyrule")
    rule = DutyRule(county=county, valid_from=timezone.localdate(), created_by=actor,
                    **{name: getattr(data, name) for name in DUTY_FIELDS})
    rule.name = rule.name.strip()
    _duty_validate(rule)
    rule.save()
    DutyRule.objects.filter(pk=rule.pk).update(lineage=rule.pk)
    rule.lineage = rule.pk
    audit_record(actor=actor, action="duty_rule.create", obj=rule, region=county)
    return rule


@transaction.atomic
def duty_rule_update(*, actor: User, rule: DutyRule, data: DutyRuleInput) -> DutyRule:
    """Change a duty rule: the current version ends yesterday and the new one starts today (a version begun today is
    changed in place), so the periods already past are still judged by the rule that was in force."""
    require_own_county(actor=actor, county=rule.county, permission="visits.change_dutyrule")
    rule = DutyRule.objects.select_for_update().get(pk=rule.pk)
    if rule.valid_until is not None:
        raise Conflict(_("该规则已停用或已有新版本。"), code="rule_retired")
    today = timezone.localdate()
    before = {name: getattr(rule, name) for name in DUTY_FIELDS}
    values = {name: getattr(data, name) for name in DUTY_FIELDS}
    if rule.valid_from >= today:
        target = rule
    else:
        DutyRule.objects.filter(pk=rule.pk).update(valid_until=today - timedelta(days=1))
        target = DutyRule(county=rule.county, lineage=rule.lineage, valid_from=today, created_by=actor)
    for name, value in values.items():
        setattr(target, name, value)
    target.name = target.name.strip()
    _duty_validate(target)
    target.save()
    audit_record(actor=actor, action="duty_rule.update", obj=target, region=rule.county,
                 changes={k: [before[k], values[k]] for k in values if before[k] != values[k]})
    return target


@transaction.atomic
def duty_rule_retire(*, actor: User, rule: DutyRule) -> DutyRule:
    """Stop a duty rule from today on (its history stays)."""
    require_own_county(actor=actor, county=rule.county, permission="visits.change_dutyrule")
    today = timezone.localdate()
    if not DutyRule.objects.filter(pk=rule.pk, valid_until__isnull=True).update(
            valid_until=max(today - timedelta(days=1), rule.valid_from)):
        raise Conflict(_("该规则已停用或已有新版本。"), code="rule_retired")
    rule.refresh_from_db()
    audit_record(actor=actor, action="duty_rule.retire", obj=rule, region=rule.county)
    return rule


def duty_reminders(*, today: date | None = None) -> int:
    """Beat, daily: near the end of each rule's period, remind those still short of it (one notification per person,
    rule and period: safe to run twice)."""

    today = today or timezone.localdate()
    notes = []
    for rule in DutyRule.objects.filter(valid_from__lte=today).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=today)).select_related("county"):
        start, end = period_bounds(rule.period, today)
        if (end - today).days > rule.remind_days_before_end:
            continue
        for row in duty_compliance_rows(rule=rule, start=start, end=end):
            if row["done"] >= rule.minimum:
                continue
            notes.append(Notification(
                user_id=row["user_id"], kind=NotificationKind.DUTY, key=f"duty:{rule.pk}:{start.isoformat()}",
                data={"rule": rule.name, "done": row["done"], "minimum": rule.minimum, "start": start.isoformat(),
                      "end": end.isoformat()}))
    Notification.objects.bulk_create(notes, ignore_conflicts=True)
    return len(notes)


# Calendar feeds -------------------------------------------------------------------------------------------

@transaction.atomic
def calendar_feed_token(*, actor: User, regenerate: bool = False) -> CalendarFeed:
    """The actor's private ICS address (created on first use; ``regenerate`` retires the old one)."""
    feed = CalendarFeed.objects.select_for_update().filter(user=actor).first()
    if feed is None:
        return CalendarFeed.objects.create(user=actor, token=secrets.token_urlsafe(32))
    if regenerate:
        feed.token = secrets.token_urlsafe(32)
        feed.save(update_fields=["token"])
        audit_record(actor=actor, action="calendar_feed.regenerate", obj=feed)
    return feed
