"""Reception schedules (接访日程): writes the recurring reception rules (ReceptionSchedule) and the dated slots they
expand into (ReceptionSlot), each day ahead to the county's horizon, the one-off slots and their cancellation (whose
bookings are cancelled with them, through appointments.py), and the 集中接访 campaigns with one slot in every county.
A leader never receives twice at one time; slots are written only within the actor's own jurisdiction."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from dateutil import rrule
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from xinfang.errors import Conflict, NotPermitted, full_clean_or_fail, invalid, require_perm, required_text
from xinfang.org.choices import RegionLevel
from xinfang.org.models import Region, Unit, User
from xinfang.org.scoping import scoped
from xinfang.org.services import audit_record, require_visible
from xinfang.workdays.selectors import calendar_for

from ..choices import HOLDING_PLACE, AppointmentStatus, Frequency, SlotKind
from ..models import Appointment, Campaign, ReceptionSchedule, ReceptionSlot
from ._common import _county_of, visit_settings_for
from .appointments import _appointment_set


def _aware(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


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
