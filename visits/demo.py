"""The demo county's visits (seed_demo): reception rules at the five levels, a joint reception day, duty rules, and
the last weeks' receptions, field and night visits, meetings and return visits. Written through the services (except
the return visits of the bulk-generated demo cases), so the demo shows what the product does. The rules and the
history are written once per county; the days around today on every run (``make run`` seeds first), so a demo
restarted days after it was seeded shows its own week.
"""

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

import workflow
from cases.choices import OPEN_STATUSES, CaseStatus
from cases.models import Case
from deadlines.choices import ClockEvent
from deadlines.models import Deadline
from xinfang.errors import Conflict
from xinfang.org.choices import RegionLevel, Role
from xinfang.org.models import Region, Unit, User
from xinfang.rules.services import rules_save

from . import services as vs
from .choices import AppointmentStatus, ReturnVisitStatus
from .models import FieldVisit, ReceptionSchedule, ReceptionSlot, ReturnVisit
from .rules import DUTY_RULES


def _user(username: str) -> User:
    return User.objects.get(username=username)


@transaction.atomic
def seed_visits(*, county: Region, seed: int) -> None:
    """Reception rules, duty rules and the last weeks' activity for the demo county (once), then the days around
    today (every run: see ``_around_today``)."""
    clerk = _user("caseworker")
    today = timezone.localdate()
    if not ReceptionSchedule.objects.filter(region__path__startswith=county.path).exists():
        _rules_and_history(county=county, clerk=clerk, rng=random.Random(seed), today=today)
    _around_today(county=county, clerk=clerk, seed=seed, today=today)


def _rules_and_history(*, county: Region, clerk: User, rng: random.Random, today: date) -> None:
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

    duty_rules = [
        {"name": "信访专员每周至少下访走访2次", "role": Role.FIELD_CADRE, "activity": "field_visit", "period": "week",
         "minimum": 2},
        {"name": "信访专员每月至少参加1次调度会", "role": Role.FIELD_CADRE, "activity": "meeting",
         "meeting_kind": "dispatch", "period": "month", "minimum": 1, "remind_days_before_end": 5},
        {"name": "县级领导每月至少接访1次", "role": Role.LEADER, "leader_level": str(RegionLevel.COUNTY.value),
         "activity": "reception", "period": "month", "minimum": 1, "remind_days_before_end": 5},
    ]
    rules_save(actor=_user("admin"), county=county, key=DUTY_RULES.key, values={"rules": duty_rules},
               reason="县信访工作领导小组印发工作制度")

    _recent_activity(county=county, clerk=clerk, rng=rng, today=today)
    _return_visits_for_replied_cases(county=county, clerk=clerk)


def _around_today(*, county: Region, clerk: User, seed: int, today: date) -> None:
    """The days around today, on every run, so the demo is alive in the week it is (re)started: the rules' sessions
    of the last seven days held, with receptions recorded at them, the next two weeks' sessions generated with
    petitioners booked into some, and field and night visits on each of the last three days.

    Safe to run twice: a session is written once (rule + start), a held session without receptions gets them, a
    session to come without bookings gets them, a day without visits gets them. What a session or a day gets
    follows from the seed and its date alone, so re-seeding on the same day changes nothing and seeding days later
    adds only the new days."""
    now = timezone.now()
    schedules = list(ReceptionSchedule.objects.filter(region__path__startswith=county.path, is_active=True)
                     .select_related("region", "leader").order_by("pk"))
    # Cases nobody owns yet: received at a session (the leader owns them then), or booked into one.
    pool = list(Case.objects.filter(county=county, status__in=OPEN_STATUSES, owner__isnull=True)
                .exclude(appointments__status=AppointmentStatus.BOOKED).select_related("lead_petitioner")
                .order_by("-received_at", "pk")[:160])
    walk_ins, bookings = iter(pool[::2]), iter(pool[1::2])

    for schedule in schedules:
        vs.schedule_expand(schedule=schedule)  # the sessions to come (beat does this daily once it runs)
        # Rules expand forwards only (a session is generated before it starts): the past week's sessions are
        # written here as the expansion would have written them then.
        for day in vs.schedule_dates(schedule, today - timedelta(days=7), today):
            session = vs.schedule_slot(schedule, day)
            if session.starts_at >= now:
                continue
            slot = ReceptionSlot.objects.filter(schedule=schedule, starts_at=session.starts_at).first()
            if slot is None:
                session.save()
                session.departments.set(schedule.departments.all())
                slot = session
            _held(slot=slot, clerk=clerk, walk_ins=walk_ins, now=now,
                  rng=random.Random(f"{seed}:held:{schedule.title}:{day.isoformat()}"))

    upcoming = (ReceptionSlot.objects.filter(region__path__startswith=county.path, cancelled_at__isnull=True,
                                             starts_at__gt=now, starts_at__lte=now + timedelta(days=14))
                .exclude(appointments__isnull=False).order_by("starts_at", "pk"))
    for slot in upcoming:
        rng = random.Random(f"{seed}:booked:{slot.title}:{timezone.localdate(slot.starts_at).isoformat()}")
        for _ in range(rng.choice([0, 1, 2, 2, 3])):
            case = next(bookings, None)
            if case is None:
                break
            try:
                vs.appointment_book(actor=clerk, slot=slot, case=case)
            except Conflict:  # the petitioner is booked elsewhere at that time: another session
                continue

    _field_days(county=county, seed=seed, today=today)


def _held(*, slot: ReceptionSlot, clerk: User, walk_ins, now: datetime, rng: random.Random) -> None:
    """A session that has begun, and has no receptions yet, gets them: its booked petitioners, then walk-ins, one
    every forty minutes from a quarter past the start, as many as have begun by now. A joint session (no leader)
    records none: a reception is a leader's."""
    if slot.leader_id is None or slot.receptions.exists():
        return
    booked = [a for a in slot.appointments.filter(status=AppointmentStatus.BOOKED).select_related("case")
              .order_by("booked_at", "pk") if a.case is not None and a.case.status in OPEN_STATUSES]
    for n in range(max(len(booked), rng.randint(1, 3))):
        received_at = slot.starts_at + timedelta(minutes=15 + 40 * n)
        if received_at >= min(now, slot.ends_at):
            return
        appointment = booked[n] if n < len(booked) else None
        case = appointment.case if appointment else next(walk_ins, None)
        if case is None:
            return
        workflow.reception_record(actor=clerk, data=vs.ReceptionInput(
            leader=slot.leader, slot=slot, appointment=appointment, received_at=received_at, raised=case.summary,
            decided="现场交办主办单位，限期答复，包案领导跟踪督办。", place=slot.place, case=case,
            head_count=case.head_count))


def _field_days(*, county: Region, seed: int, today: date) -> None:
    """Each of the last three days has daytime field visits and a night visit (驻村夜访): those it lacks are added."""
    villages = list(Region.objects.filter(path__startswith=county.path, level=RegionLevel.VILLAGE).order_by("code"))
    commissioners = list(User.objects.filter(username__startswith="commissioner", unit__region__parent=county)
                         .select_related("unit__region").order_by("username"))
    if not (villages and commissioners):
        return
    for day in (today - timedelta(days=n) for n in (3, 2, 1)):
        lo = timezone.make_aware(datetime.combine(day, time()))
        that_day = FieldVisit.objects.filter(region__path__startswith=county.path, visited_at__gte=lo,
                                             visited_at__lt=lo + timedelta(days=1))
        rng = random.Random(f"{seed}:field:{day.isoformat()}")
        hours = sorted(rng.sample([9, 10, 14, 15, 16], rng.randint(2, 3)))
        night = rng.choice([19, 20])
        if that_day.filter(is_night=False).exists():
            hours = []
        if not that_day.filter(is_night=True).exists():
            hours.append(night)
        for hour in hours:
            commissioner = rng.choice(commissioners)
            own = [v for v in villages if v.path.startswith(commissioner.unit.region.path)] or villages
            vs.field_visit_record(actor=commissioner, data=vs.FieldVisitInput(
                kind="household" if hour >= 19 else rng.choice(["household", "down", "with_case"]),
                region=rng.choice(own), visited_at=timezone.make_aware(datetime.combine(day, time(hour, 30))),
                cadres=[commissioner], household=f"{rng.choice('王李张刘陈杨黄吴')}某某家",
                summary="驻村夜访，拉家常听民声。" if hour >= 19 else "入户走访，了解群众诉求，宣传信访法治化。",
                issues_found=rng.choice(["", "反映村道损坏", "反映低保评定", "邻里宅基地纠纷"])))


def _recent_activity(*, county: Region, clerk: User, rng: random.Random, today: date) -> None:
    now = timezone.now()
    open_cases = list(Case.objects.filter(county=county, status__in=OPEN_STATUSES, owner__isnull=True)
                      .order_by("-received_at")[:40])
    leaders = [_user(name) for name in ("magistrate", "secretary", "leader")]
    for case in open_cases[:12]:
        leader = rng.choice(leaders)
        when = timezone.localtime(now - timedelta(days=rng.randint(1, 50))).replace(
            hour=rng.choice([9, 10, 15, 16]), minute=rng.choice([0, 20, 40]))
        workflow.reception_record(actor=clerk, data=vs.ReceptionInput(
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
