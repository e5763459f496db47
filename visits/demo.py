"""The demo county's visits (seed_demo): reception rules at the five levels, a joint reception day, duty rules, and
the last weeks' receptions, field and night visits, meetings and return visits. Written through the services (except
the return visits of the bulk-generated demo cases), so the demo shows what the product does. Runs once per county.
"""

import random
from datetime import date, time, timedelta

from django.db import transaction
from django.utils import timezone

from cases.choices import OPEN_STATUSES, CaseStatus
from cases.models import Case
from deadlines.choices import ClockEvent
from deadlines.models import Deadline
from xinfang.errors import Conflict
from xinfang.org.choices import RegionLevel, Role
from xinfang.org.models import Region, Unit, User

from . import services as vs
from .choices import ReturnVisitStatus
from .models import ReceptionSchedule, ReceptionSlot, ReturnVisit


def _user(username: str) -> User:
    return User.objects.get(username=username)


@transaction.atomic
def seed_visits(*, county: Region, seed: int) -> None:
    """Reception rules, duty rules and recent activity for the demo county; nothing when it already has rules."""
    if ReceptionSchedule.objects.filter(region__path__startswith=county.path).exists():
        return
    rng = random.Random(seed)
    clerk = _user("caseworker")
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())

    def rule(leader, region, level, title, place, weekday, start, end, actor=clerk, **extra):
        vs.schedule_create(actor=actor, data=vs.ScheduleInput(
            region=region, level=level, leader=leader, title=title, place=place, weekday=weekday,
            start_time=time(*start), end_time=time(*end), starts_on=monday - timedelta(weeks=8), **extra))

    centre = "县信访接待中心"
    rule(_user("magistrate"), county, RegionLevel.COUNTY, "县长开门接访", centre, 3, (14, 30), (17, 30))
    rule(_user("secretary"), county, RegionLevel.COUNTY, "县委书记接访日", centre, 0, (9, 0), (11, 30),
         frequency="monthly", week_of_month=1)
    rule(_user("leader"), county, RegionLevel.COUNTY, "分管副县长接访", centre, 1, (9, 0), (12, 0), interval=2)
    legal = list(Unit.objects.filter(region=county, name__in=["县人民法院", "县人民检察院", "县公安局", "县司法局"]))
    rule(None, county, RegionLevel.COUNTY, "公检法司联合接访（专家门诊）", "县综治中心", 3, (9, 0), (11, 30),
         kind="joint", departments=legal, capacity=15)
    # The city's own rule (entered by the city; the demo has no city clerk, so the system administrator).
    rule(_user("cityleader"), county.parent, RegionLevel.CITY, "市级领导定期接访", "安庆市人民来访接待中心", 2, (9, 0),
         (12, 0), frequency="monthly", week_of_month=3, actor=_user("root"))
    for i, township in enumerate(Region.objects.filter(parent=county).order_by("code")[:5], start=1):
        rule(_user(f"town{i:02d}"), township, RegionLevel.TOWNSHIP, f"{township.name}领导坐班接访",
             f"{township.name}综治中心", (i - 1) % 5, (8, 30), (17, 30), kind="duty", capacity=20)

    admin = _user("admin")
    for data in [
        vs.DutyRuleInput(name="信访专员每周至少下访走访2次", role=Role.FIELD_CADRE, activity="field_visit",
                         period="week", minimum=2),
        vs.DutyRuleInput(name="信访专员每月至少参加1次调度会", role=Role.FIELD_CADRE, activity="meeting",
                         meeting_kind="dispatch", period="month", minimum=1, remind_days_before_end=5),
        vs.DutyRuleInput(name="县级领导每月至少接访1次", role=Role.LEADER, leader_level=RegionLevel.COUNTY,
                         activity="reception", period="month", minimum=1, remind_days_before_end=5),
    ]:
        vs.duty_rule_create(actor=admin, county=county, data=data)

    _recent_activity(county=county, clerk=clerk, rng=rng, today=today)
    _the_weeks_around_today(county=county, clerk=clerk, rng=rng, today=today)
    _return_visits_for_replied_cases(county=county, clerk=clerk)


def _the_weeks_around_today(*, county: Region, clerk: User, rng: random.Random, today: date) -> None:
    """The schedule the day the demo is seeded: the rules' sessions of the last seven days held, with receptions
    recorded at them, and the sessions of the next two weeks with petitioners booked. Rules expand forwards only
    (a session is generated before it starts), so the past week's sessions are written here as expansion would
    have written them then."""
    now = timezone.now()
    pool = list(Case.objects.filter(county=county, status__in=OPEN_STATUSES, owner__isnull=True)
                .order_by("-received_at", "pk")[:120])
    cases, bookings = iter(pool[::2]), iter(pool[1::2])  # received at a session (its leader's now), or booked
    schedules = ReceptionSchedule.objects.filter(region__path__startswith=county.path).order_by("pk")
    for schedule in schedules:
        for day in vs.schedule_dates(schedule, today - timedelta(days=7), today):
            slot = vs.schedule_slot(schedule, day)
            if slot.starts_at >= now:
                continue  # to come: the rule's expansion made it
            slot.save()
            starts_at = slot.starts_at
            if slot.leader is None:
                continue
            for n in range(rng.randint(1, 3)):
                received_at = starts_at + timedelta(minutes=15 + 40 * n)
                case = next(cases, None) if received_at < now else None
                if case is None:
                    break
                vs.reception_record(actor=clerk, data=vs.ReceptionInput(
                    leader=slot.leader, slot=slot, received_at=received_at,
                    raised=case.summary, decided="现场交办主办单位，限期答复，包案领导跟踪督办。", place=slot.place,
                    case=case, head_count=case.head_count))
    upcoming = ReceptionSlot.objects.filter(region__path__startswith=county.path, starts_at__gt=now,
                                            starts_at__lte=now + timedelta(days=14)).order_by("starts_at", "pk")
    for slot in upcoming:
        for _ in range(rng.randint(0, 3)):
            case = next(bookings, None)
            if case is None:
                return
            try:
                vs.appointment_book(actor=clerk, slot=slot, case=case)
            except Conflict:  # the petitioner is booked elsewhere at that time: another day
                continue


def _recent_activity(*, county: Region, clerk: User, rng: random.Random, today: date) -> None:
    now = timezone.now()
    open_cases = list(Case.objects.filter(county=county, status__in=OPEN_STATUSES, owner__isnull=True)
                      .order_by("-received_at")[:40])
    leaders = [_user(name) for name in ("magistrate", "secretary", "leader")]
    for case in open_cases[:12]:
        leader = rng.choice(leaders)
        when = timezone.localtime(now - timedelta(days=rng.randint(1, 50))).replace(
            hour=rng.choice([9, 10, 15, 16]), minute=rng.choice([0, 20, 40]))
        vs.reception_record(actor=clerk, data=vs.ReceptionInput(
            leader=leader, received_at=when, raised=case.summary, decided="责成主办单位限期办理，包案领导跟踪督办。",
            place="县信访接待中心", case=case, head_count=case.head_count))

    villages = list(Region.objects.filter(path__startswith=county.path, level=RegionLevel.VILLAGE).order_by("code"))
    commissioners = list(User.objects.filter(username__startswith="commissioner").select_related("unit__region"))
    kinds = ["household", "household", "down", "with_case"]
    for commissioner in commissioners:
        own = [v for v in villages if v.path.startswith(commissioner.unit.region.path)] or villages
        for _ in range(rng.randint(6, 14)):
            hour = rng.choice([9, 10, 14, 15, 16, 19, 20])
            when = timezone.localtime(now - timedelta(days=rng.randint(1, 56))).replace(hour=hour,
                                                                             minute=rng.choice([0, 15, 30]))
            vs.field_visit_record(actor=commissioner, data=vs.FieldVisitInput(
                kind=rng.choice(kinds), region=rng.choice(own), visited_at=when, cadres=[commissioner],
                household=f"{rng.choice('王李张刘陈杨黄吴')}某某家", summary="入户走访，了解群众诉求，宣传信访法治化。",
                issues_found=rng.choice(["", "反映村道损坏", "反映低保评定", "邻里宅基地纠纷"])))

    for weeks_ago in (1, 5):
        vs.meeting_record(actor=clerk, data=vs.MeetingInput(
            region=county, kind="dispatch", title="全县信访工作调度会", held_at=now - timedelta(weeks=weeks_ago),
            place="县政府三楼会议室", chair=_user("magistrate"), attendees=[clerk, *commissioners[:8]],
            decisions="逐件调度重点信访事项，明确包案领导和办结时限。", cases=open_cases[12:16]))


def _return_visits_for_replied_cases(*, county: Region, clerk: User) -> None:
    """The bulk-generated demo cases skipped the reply service: give their replied ones a pending return visit."""
    replied = Case.objects.filter(county=county, status=CaseStatus.REPLIED).exclude(
        return_visits__status=ReturnVisitStatus.PENDING)
    clocks = dict(Deadline.objects.filter(case__in=replied, milestone__end_event=ClockEvent.EVALUATED,
                                          met_at__isnull=True, stopped_at__isnull=True).values_list("case_id", "pk"))
    ReturnVisit.objects.bulk_create([ReturnVisit(case_id=pk, deadline_id=clocks.get(pk), assignee=clerk)
                                     for pk in replied.values_list("pk", flat=True)])
