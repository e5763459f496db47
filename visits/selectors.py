"""Reads of the visits app. Every queryset starts from ``scoped``; counts and statistics are GROUP BY queries, never
a Python loop over rows."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from cases.choices import Channel
from cases.models import Case
from deadlines.choices import ClockEvent
from deadlines.models import Deadline, Milestone
from xinfang.dates import day_range
from xinfang.org.choices import RegionLevel, Role
from xinfang.org.models import Region, User
from xinfang.org.scoping import scoped
from xinfang.org.selectors import user_county
from xinfang.rules.selectors import rules_for

from .choices import HOLDING_PLACE, DutyActivity, Period, ReturnVisitStatus
from .models import (
    Appointment,
    CalendarFeed,
    Campaign,
    FieldVisit,
    Meeting,
    Reception,
    ReceptionSchedule,
    ReceptionSlot,
    ReturnVisit,
)
from .rules import DUTY_RULES


def period_bounds(period: str, day: date) -> tuple[date, date]:
    """The week (Monday to Sunday), month or quarter that contains ``day``, as first and last day."""
    if period == Period.WEEK:
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=6)
    if period == Period.QUARTER:
        first_month = (day.month - 1) // 3 * 3 + 1
        start = date(day.year, first_month, 1)
    else:
        start = day.replace(day=1)
        first_month = day.month
    months = 3 if period == Period.QUARTER else 1
    year, month = divmod(first_month - 1 + months, 12)
    return start, date(day.year + year, month + 1, 1) - timedelta(days=1)


# Schedules and slots --------------------------------------------------------------------------------------

def schedule_list(*, user):
    return scoped(ReceptionSchedule.objects.select_related("region", "leader").prefetch_related("departments"), user)


def campaign_list(*, user):
    return scoped(Campaign.objects.select_related("region"), user)


def slot_list(*, user):
    """Slots the user may see (their region's subtree and the levels above), with the number of places taken."""
    return scoped(
        ReceptionSlot.objects.select_related("region", "leader", "leader__unit").prefetch_related("departments")
        .annotate(n_booked=Count("appointments", filter=Q(appointments__status__in=HOLDING_PLACE)))
        .order_by("starts_at", "id"),  # the annotation drops the model's default order
        user,
    )


def slots_between(*, user, start: date, end: date, leader: User | None = None):
    """The week or month views: live and cancelled slots from ``start`` to ``end``, in time order."""
    lo, hi = day_range(start, end)
    qs = slot_list(user=user).filter(starts_at__gte=lo, starts_at__lt=hi).order_by("starts_at", "id")
    return qs.filter(leader=leader) if leader is not None else qs


def public_slots(*, county: Region, start: date, end: date):
    """The public schedule of a county: its public live slots and those of the regions above it (a city leader's
    reception serves the county too). No personal data: leader, time, place, topic, departments."""
    lo, hi = day_range(start, end)
    regions = Q(region__path__startswith=county.path) | Q(region__code__in=county.ancestor_codes)
    return (ReceptionSlot.objects.filter(regions, is_public=True, cancelled_at__isnull=True, starts_at__gte=lo,
                                         starts_at__lt=hi)
            .select_related("region", "leader").prefetch_related("departments").order_by("starts_at", "id"))


def leader_feed_slots(*, leader: User, since: date):
    """A leader's own slots for their ICS feed (cancelled ones included, so calendar apps remove them)."""
    lo, _hi = day_range(since, since)
    return (ReceptionSlot.objects.filter(leader=leader, starts_at__gte=lo).select_related("region")
            .prefetch_related("departments").order_by("starts_at"))


def appointment_list(*, user):
    return scoped(Appointment.objects.select_related("slot", "slot__leader", "petitioner", "case", "booked_by"),
                  user)


# Receptions, field visits, return visits, meetings --------------------------------------------------------

def reception_list(*, user):
    return scoped(Reception.objects.select_related("leader", "region", "petitioner", "case__owner", "slot",
                                                   "recorded_by"), user)


def field_visit_list(*, user):
    return scoped(FieldVisit.objects.select_related("region", "petitioner", "recorded_by")
                  .prefetch_related("cadres", "cases"), user)


def field_visit_summary(*, user, start: date, end: date) -> dict:
    """Field visits of a period by township and by cadre: visits and night visits (two GROUP BY queries)."""
    lo, hi = day_range(start, end)
    visits = scoped(FieldVisit.objects.filter(visited_at__gte=lo, visited_at__lt=hi), user).order_by()
    by_region = list(visits.values("region__path").annotate(n=Count("id"), night=Count("id", filter=Q(is_night=True))))
    townships: dict[str, dict] = {}
    for row in by_region:
        parts = row["region__path"].strip("/").split("/")
        code = parts[RegionLevel.TOWNSHIP - 1] if len(parts) >= RegionLevel.TOWNSHIP else parts[-1]
        bucket = townships.setdefault(code, {"code": code, "n": 0, "night": 0})
        bucket["n"] += row["n"]
        bucket["night"] += row["night"]
    names = dict(Region.objects.filter(code__in=townships).values_list("code", "name"))
    regions = sorted(({**v, "name": names.get(k, k)} for k, v in townships.items()), key=lambda r: (-r["n"], r["code"]))
    through = FieldVisit.cadres.through
    by_cadre = list(through.objects.filter(fieldvisit__in=visits.values("pk")).values("user_id", "user__name",
                                                                                      "user__username")
                    .annotate(n=Count("fieldvisit_id"), night=Count("fieldvisit_id",
                                                                    filter=Q(fieldvisit__is_night=True)))
                    .order_by("-n", "user_id"))
    totals = visits.aggregate(n=Count("id"), night=Count("id", filter=Q(is_night=True)))
    return {"by_region": regions, "by_cadre": by_cadre, "totals": totals}


def return_visit_list(*, user):
    return scoped(ReturnVisit.objects.select_related("case", "case__lead_petitioner", "case__region", "assignee",
                                                     "deadline", "evaluation", "done_by"), user)


def my_return_visits(*, user):
    """Pending return visits the user is responsible for, earliest due first (the work list)."""
    return (return_visit_list(user=user).filter(status=ReturnVisitStatus.PENDING, assignee=user)
            .order_by(F("deadline__due_on").asc(nulls_last=True), "scheduled_at", "id"))


def meeting_list(*, user):
    return scoped(Meeting.objects.select_related("region", "chair", "recorded_by")
                  .prefetch_related("attendees", "cases"), user)


# Duty rules and compliance --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Duty:
    """One duty rule of a county as a version of its settings holds it (visits.rules.DUTY_RULES); ``key`` is its
    number, the same through all its versions."""

    county: Region
    key: int
    name: str
    role: str
    activity: str
    period: str
    minimum: int
    leader_level: int | None = None
    meeting_kind: str = ""
    remind_days_before_end: int = 2

    @classmethod
    def of(cls, county: Region, record: dict) -> "Duty":
        level = record.get("leader_level")
        return cls(county=county, key=record["key"], name=record["name"], role=record["role"],
                   activity=record["activity"], period=record["period"], minimum=record["minimum"],
                   leader_level=int(level) if level else None, meeting_kind=record.get("meeting_kind") or "",
                   remind_days_before_end=record.get("remind_days_before_end", 2))

    def get_role_display(self) -> str:
        return str(Role(self.role).label) if self.role in Role.values else self.role

    def get_activity_display(self) -> str:
        return str(DutyActivity(self.activity).label) if self.activity in DutyActivity.values else self.activity

    def get_period_display(self) -> str:
        return str(Period(self.period).label) if self.period in Period.values else self.period


def duties_in_force(county: Region, day: date) -> list[Duty]:
    """The county's duty rules as the version in force on ``day`` has them."""
    return [Duty.of(county, record) for record in rules_for(county, DUTY_RULES.key, day).rules]


def duty_people(rule: Duty):
    """The active people of the rule's county who hold its role (and leader level)."""
    people = User.objects.filter(is_active=True, groups__name=rule.role,
                                 unit__region__path__startswith=rule.county.path)
    if rule.leader_level:
        people = people.filter(leader_level=rule.leader_level)
    return people


def _activity_counts(rule: Duty, people, lo: datetime, hi: datetime) -> dict[int, int]:
    """How many times each person did the rule's activity in [lo, hi): one GROUP BY query."""
    ids = people.values("pk")
    if rule.activity in (DutyActivity.FIELD_VISIT, DutyActivity.NIGHT_VISIT):
        through = FieldVisit.cadres.through
        rows = through.objects.filter(user_id__in=ids, fieldvisit__visited_at__gte=lo, fieldvisit__visited_at__lt=hi)
        if rule.activity == DutyActivity.NIGHT_VISIT:
            rows = rows.filter(fieldvisit__is_night=True)
        return dict(rows.values("user_id").annotate(n=Count("fieldvisit_id")).values_list("user_id", "n"))
    if rule.activity == DutyActivity.RECEPTION:
        rows = Reception.objects.filter(leader_id__in=ids, received_at__gte=lo, received_at__lt=hi)
        return dict(rows.values("leader_id").annotate(n=Count("id")).values_list("leader_id", "n"))
    if rule.activity == DutyActivity.MEETING:
        through = Meeting.attendees.through
        rows = through.objects.filter(user_id__in=ids, meeting__held_at__gte=lo, meeting__held_at__lt=hi)
        if rule.meeting_kind:
            rows = rows.filter(meeting__kind=rule.meeting_kind)
        return dict(rows.values("user_id").annotate(n=Count("meeting_id")).values_list("user_id", "n"))
    rows = ReturnVisit.objects.filter(done_by_id__in=ids, status=ReturnVisitStatus.DONE, done_at__gte=lo,
                                      done_at__lt=hi)
    return dict(rows.values("done_by_id").annotate(n=Count("id")).values_list("done_by_id", "n"))


def duty_compliance_rows(*, rule: Duty, start: date, end: date, user=None) -> list[dict]:
    """Each person under ``rule`` (of those ``user`` may see, when given) with what they did from ``start`` to
    ``end`` (two queries)."""
    people = duty_people(rule)
    if user is not None:
        people = people.filter(pk__in=scoped(User.objects.all(), user).values("pk"))
    lo, hi = day_range(start, end)
    counts = _activity_counts(rule, people, lo, hi)
    rows = []
    for person in people.select_related("unit").order_by("unit__sort_order", "unit__name", "username"):
        done = counts.get(person.pk, 0)
        rows.append({"user_id": person.pk, "user": person, "unit": person.unit, "done": done,
                     "minimum": rule.minimum, "short": max(rule.minimum - done, 0), "met": done >= rule.minimum})
    return rows


def duty_compliance(*, user, county: Region, day: date) -> list[dict]:
    """The compliance report: for every rule of the user's county in force on ``day``, its period around ``day`` and
    each person the user may see (a township leader: their township's people) against the minimum."""
    own = user_county(user)
    if own is None or own.pk != county.pk:  # another county's
        return []
    report = []
    for rule in duties_in_force(county, day):
        start, end = period_bounds(rule.period, day)
        rows = duty_compliance_rows(rule=rule, start=start, end=end, user=user)
        report.append({"rule": rule, "start": start, "end": end, "rows": rows,
                       "n_short": sum(1 for r in rows if not r["met"])})
    return report


# Statistics -----------------------------------------------------------------------------------------------

STATS_MAX_DAYS = 366 * 5  # the longest period the statistics cover in one request (pages and API)


def _share(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 2) if whole else None


def visit_stats(*, user, start: date, end: date) -> dict:
    """The visits statistics of a period, each a GROUP BY over the user's jurisdiction:

    - receptions by level and by month, in batches (批次: receptions) and persons (人次: their head counts);
    - the share of the period's cases opened at leader receptions (channel 领导接访, by received date);
    - field visits and night visits by month;
    - return visits due in the period (their clock's due date) against those done, and done on time;
    - skip-level (越级), 赴省 and 进京 petitions by month (received date).
    """
    lo, hi = day_range(start, end)
    receptions = scoped(Reception.objects.filter(received_at__gte=lo, received_at__lt=hi), user).order_by()
    by_level = {row["level"]: row for row in receptions.values("level").annotate(batches=Count("id"),
                                                                                 persons=Sum("head_count"))}
    levels = [{"level": level, "label": RegionLevel(level).label, "batches": by_level.get(level, {}).get("batches", 0),
               "persons": by_level.get(level, {}).get("persons") or 0} for level in RegionLevel.values]
    tz = timezone.get_current_timezone()
    reception_months = list(receptions.annotate(month=TruncMonth("received_at", tzinfo=tz)).values("month")
                            .annotate(batches=Count("id"), persons=Sum("head_count")).order_by("month"))

    cases = scoped(Case.objects.filter(received_at__gte=lo, received_at__lt=hi), user).order_by()
    case_counts = cases.aggregate(total=Count("id"), at_reception=Count("id", filter=Q(
        channel=Channel.LEADER_RECEPTION)))
    skip_months = list(cases.filter(Q(is_skip_level=True) | Q(is_to_province=True) | Q(is_to_beijing=True))
                       .annotate(month=TruncMonth("received_at", tzinfo=tz)).values("month")
                       .annotate(skip_level=Count("id", filter=Q(is_skip_level=True)),
                                 to_province=Count("id", filter=Q(is_to_province=True)),
                                 to_beijing=Count("id", filter=Q(is_to_beijing=True))).order_by("month"))

    visits = scoped(FieldVisit.objects.filter(visited_at__gte=lo, visited_at__lt=hi), user).order_by()
    visit_months = list(visits.annotate(month=TruncMonth("visited_at", tzinfo=tz)).values("month")
                        .annotate(n=Count("id"), night=Count("id", filter=Q(is_night=True))).order_by("month"))
    visit_totals = visits.aggregate(n=Count("id"), night=Count("id", filter=Q(is_night=True)))

    # Return visits are the cases' 答复后回访 clocks (the milestones that end with the evaluation): due in the period,
    # met (done) and met on time; a withdrawn one (an appeal) is stopped and not counted.
    clocks = scoped(Deadline.objects.filter(milestone__in=Milestone.objects.filter(end_event=ClockEvent.EVALUATED),
                                            due_on__gte=start, due_on__lte=end, stopped_at__isnull=True),
                    user).order_by()
    rv = clocks.aggregate(due=Count("id"), done=Count("id", filter=Q(met_at__isnull=False)),
                          on_time=Count("id", filter=Q(met_at__isnull=False, met_late=False)))
    return {
        "start": start, "end": end,
        "receptions": {"by_level": levels, "by_month": reception_months,
                       "batches": sum(r["batches"] for r in levels), "persons": sum(r["persons"] for r in levels)},
        "cases": {**case_counts, "share_at_reception": _share(case_counts["at_reception"], case_counts["total"])},
        "field_visits": {**visit_totals, "by_month": visit_months},
        "return_visits": {**rv, "done_rate": _share(rv["done"], rv["due"]), "on_time_rate": _share(rv["on_time"],
                                                                                                   rv["due"])},
        "skip_level": skip_months,
    }



# Pages of schedules and receptions (views/schedule.py) ------------------------------------------------------

def leader_choices(*, user, also: User | None = None):
    """Active leaders (``leader_level`` set) in the user's jurisdiction for the forms' leader select, plus ``also``
    (a city leader receiving at a county slot is outside the county's jurisdiction yet records there)."""
    in_scope = scoped(User.objects.filter(is_active=True, is_service_account=False, leader_level__isnull=False), user)
    qs = User.objects.filter(Q(pk__in=in_scope.values("pk")) | Q(pk=also.pk if also else None))
    return qs.select_related("unit").order_by("leader_level", "unit__sort_order", "name", "username")


def feed_owner(*, token: str) -> User | None:
    """The active user whose private ICS address carries ``token`` (the feed has no login)."""
    feed = CalendarFeed.objects.select_related("user").filter(token=token or "", user__is_active=True).first()
    return feed.user if feed else None


def public_county(*, code: str) -> Region | None:
    """A county by its 12-digit code, for its public schedule; other levels are not published."""
    return Region.objects.filter(code=code, level=RegionLevel.COUNTY).first()


def own_region_ids(*, user, region_ids) -> set[int]:
    """Of ``region_ids``, those in the user's own jurisdiction (not merely seen from below): where they may cancel a
    slot or stop a rule (services.schedule._require_own_region)."""
    return set(scoped(Region.objects.filter(pk__in=set(region_ids)), user).values_list("pk", flat=True))
