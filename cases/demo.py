"""Deterministic demo and load data for cases: realistic petitions in every state, written in bulk.

Used by ``seed_demo`` (a few thousand cases) and by ``generate_cases`` for the benchmarks (100,000 and more).
Rows are built in Python and inserted with ``bulk_create`` in batches: the workflow services are for real
users; here we need volume, with the same invariants (numbers, timestamps, assignments) the services keep.
"""

import random
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from faker import Faker
from stdnum.cn import ric

from deadlines.models import Deadline
from deadlines.services import compute_dates, default_rule_set
from xinfang import personal_data
from xinfang.org.choices import RegionLevel, UnitKind
from xinfang.org.models import TOWNSHIP_PATH_LENGTH, Region, Unit, User
from xinfang.workdays.selectors import calendar_for

from .choices import (
    OPEN_STATUSES,
    AppealKind,
    AppealOutcome,
    AssignmentRole,
    CaseStatus,
    Channel,
    Satisfaction,
    UpperSource,
)
from .models import Appeal, Assignment, Case, CaseCounter, CasePetitioner, Category, Petitioner, TimelineEvent
from .services import case_settings_for

S = CaseStatus
OPEN = set(OPEN_STATUSES)

CATEGORY_TREE = [
    ("征地拆迁", False, ["征地补偿", "房屋拆迁安置"]),
    ("劳动社保", False, ["拖欠农民工工资", "社会保险", "劳动关系"]),
    ("城乡建设", False, ["住房保障", "工程质量", "市政设施"]),
    ("物业纠纷", False, []),
    ("农村农业", False, ["土地承包", "农村宅基地", "惠农补贴"]),
    ("环境保护", False, ["噪声污染", "水污染", "大气污染"]),
    ("教育医疗", False, []),
    ("民政救助", False, []),
    ("涉法涉诉", True, []),
]
SUMMARIES = {
    "征地补偿": ["反映{place}征地补偿款未足额发放", "对{place}土地征收补偿标准有异议"],
    "房屋拆迁安置": ["反映{place}拆迁安置房迟迟未交付", "要求落实{place}拆迁过渡费"],
    "拖欠农民工工资": ["反映{place}某建筑工地拖欠农民工工资{n}个月", "讨要{place}某厂拖欠工资共计{n}万元"],
    "社会保险": ["反映单位未为其缴纳养老保险", "咨询被征地农民养老保险待遇"],
    "劳动关系": ["反映被单位无故辞退要求经济补偿", "反映工伤认定后未获赔偿"],
    "住房保障": ["申请公租房未获批准", "反映廉租房分配不公"],
    "工程质量": ["反映{place}新建小区房屋漏水开裂", "反映{place}道路施工质量问题"],
    "市政设施": ["反映{place}路灯长期损坏", "要求修复{place}排水管网"],
    "物业纠纷": ["反映{place}小区物业服务差、乱收费", "业主与物业公司因停车费产生纠纷"],
    "土地承包": ["反映{place}土地承包经营权被侵占", "对{place}土地流转租金分配有异议"],
    "农村宅基地": ["反映{place}宅基地被邻居侵占", "申请宅基地建房未获审批"],
    "惠农补贴": ["反映{place}耕地地力保护补贴未发放", "反映低保及惠农补贴被冒领"],
    "噪声污染": ["反映{place}某厂夜间生产噪声扰民", "反映{place}广场舞噪声扰民"],
    "水污染": ["反映{place}养殖场污水直排河道", "反映{place}河道垃圾堆积发臭"],
    "大气污染": ["反映{place}砖厂烟尘污染", "反映{place}秸秆焚烧"],
    "教育医疗": ["反映子女入学难问题", "对医疗纠纷处理结果不满"],
    "民政救助": ["申请低保未获批准", "反映困难群众临时救助未落实"],
    "涉法涉诉": ["对法院民事判决不服", "反映案件执行不到位"],
}
CHANNEL_WEIGHTS = [
    (Channel.LETTER, 14), (Channel.VISIT, 22), (Channel.ONLINE, 24), (Channel.HOTLINE, 26),
    (Channel.LEADER_RECEPTION, 5), (Channel.FIELD_VISIT, 4), (Channel.PROXY, 3), (Channel.FROM_ABOVE, 2),
]
STATUS_WEIGHTS = [
    (S.CLOSED, 55), (S.REGISTERED, 4), (S.ACCEPTED, 4), (S.ASSIGNED, 8), (S.HANDLING, 10), (S.REPLIED, 7),
    (S.NOT_ACCEPTED, 4), (S.FORWARDED, 3), (S.DIVERTED, 2), (S.REVIEWING, 2), (S.RE_REVIEWING, 1),
]


def ensure_categories(county: Region) -> list[Category]:
    """The county's default category tree; returns the leaves (or childless roots) cases are filed under."""
    leaves = []
    for order, (name, litigation, children) in enumerate(CATEGORY_TREE):
        root, _created = Category.objects.get_or_create(county=county, parent=None, name=name,
                                                        defaults={"is_litigation": litigation,
                                                                  "sort_order": order})
        if not children:
            leaves.append(root)
        for child_order, child in enumerate(children):
            leaf, _created = Category.objects.get_or_create(county=county, parent=root, name=child,
                                                            defaults={"sort_order": child_order})
            leaves.append(leaf)
    return leaves


def _id_number(rng: random.Random, county_code: str) -> str:
    """A valid ID number of someone born in the county. The checker knows which codes existed on which birth dates;
    a county whose code is newer than anyone generated (潜山市 340882, since 2018) lends its people 怀宁县's."""
    for attempt in range(200):
        place = county_code[:6] if attempt < 100 else "340822"
        birth = datetime(1940, 1, 1) + timedelta(days=rng.randint(0, 60 * 365))
        base = f"{place}{birth:%Y%m%d}{rng.randint(0, 999):03d}"
        number = base + ric.calc_check_digit(base + "0")
        if ric.is_valid(number):
            return number
    raise ValueError(f"no valid ID number for {county_code}")


def _weighted(rng, weights):
    items, w = zip(*weights, strict=True)
    return rng.choices(items, weights=w)[0]


@transaction.atomic
def generate_cases(*, county: Region, count: int, seed: int = 2026, registered_by: User | None = None,
                   years: float = 3, batch_size: int = 2000, status_weights=None, now: datetime | None = None) -> int:
    """Insert ``count`` cases for ``county`` deterministically (same seed, same data), with their clocks as the
    workflow would have started and met them. Returns the count. ``status_weights`` overrides the mix of
    states (the sweep benchmark asks for open cases only); ``now`` is the newest receipt (default: now)."""
    rng = random.Random(seed)
    rule_set = default_rule_set(county)
    clock_builder = _ClockBuilder(county, rule_set, registered_by)
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    leaves = ensure_categories(county)
    places = list(Region.objects.filter(path__startswith=county.path, level__gte=RegionLevel.TOWNSHIP))
    units = list(Unit.objects.filter(region__path__startswith=county.path, is_active=True).select_related("region")
                 .exclude(kind__in=[UnitKind.PETITION_BUREAU, UnitKind.VILLAGE]))
    units_by_path = {u.region.path: u for u in units if u.kind == UnitKind.TOWNSHIP}
    registered_by = registered_by or User.objects.filter(unit__region=county).order_by("pk").first()
    if not places or not units or registered_by is None:
        raise ValueError("the county needs townships, units and a user first (run seed_demo)")
    clock_builder.registered_by = registered_by

    petitioner_count = max(1, count // 3)
    petitioners = []
    for _ in range(petitioner_count):
        id_number = _id_number(rng, county.code) if rng.random() < 0.85 else ""
        phone = f"1{rng.choice('3589')}{rng.randint(0, 999999999):09d}"
        petitioner = Petitioner(county=county, name=fake.name(), address=fake.street_address(),
                                region=rng.choice(places))
        petitioner.id_number = personal_data.encrypt(id_number)
        petitioner.id_hash = personal_data.lookup_hash(id_number)
        petitioner.id_masked = personal_data.mask_id_number(id_number) if id_number else ""
        petitioner.phone = personal_data.encrypt(phone)
        petitioner.phone_hash = personal_data.lookup_hash(phone)
        petitioner.phone_masked = personal_data.mask_phone(phone)
        petitioners.append(petitioner)
    # Duplicate random ID numbers are astronomically rare but would break the one-person constraint.
    seen = set(Petitioner.objects.filter(county=county).exclude(id_hash="").values_list("id_hash", flat=True))
    unique = []
    for p in petitioners:
        if p.id_hash and p.id_hash in seen:
            continue
        seen.add(p.id_hash)
        unique.append(p)
    petitioners = Petitioner.objects.bulk_create(unique, batch_size=batch_size)

    now = now or timezone.now()
    start = now - timedelta(days=int(365 * years))
    span = int((now - start).total_seconds()) - 3 * 86400
    counters = dict(CaseCounter.objects.filter(county=county).values_list("year", "last"))
    # All receipt times first, in order, so that numbers follow receipt across batches.
    times = sorted(start + timedelta(seconds=rng.randint(0, span)) for _ in range(count))
    created = 0
    last_case_of = {}
    collective_at = case_settings_for(county).collective_head_count
    while created < count:
        n = min(batch_size, count - created)
        drafts = [_draft_case(rng, county, received, now, leaves, places, units, units_by_path, petitioners,
                              registered_by, status_weights or STATUS_WEIGHTS, collective_at)
                  for received in times[created:created + n]]
        for case, _petitioner, _status in drafts:
            year = timezone.localtime(case.received_at).year
            counters[year] = counters.get(year, 0) + 1
            case.number = f"{county.code[:6]}-{year}-{counters[year]:06d}"
        for case, _petitioner, _status in drafts:
            case.rule_set = rule_set
        cases = Case.objects.bulk_create([d[0] for d in drafts], batch_size=batch_size)
        # Half of a petitioner's later petitions are repeats of their previous one, in this batch or an earlier one.
        repeats = []
        for case, petitioner, _status in drafts:
            earlier = last_case_of.get(petitioner.pk)
            if earlier is not None and rng.random() < 0.5:
                case.is_repeat, case.repeat_of_id = True, earlier
                repeats.append(case)
            last_case_of[petitioner.pk] = case.pk
        Case.objects.bulk_update(repeats, ["is_repeat", "repeat_of"], batch_size=batch_size)
        CasePetitioner.objects.bulk_create(
            [CasePetitioner(case=c, petitioner_id=c.lead_petitioner_id, is_lead=True) for c in cases],
            batch_size=batch_size)
        Assignment.objects.bulk_create(
            [Assignment(case=c, unit_id=c.lead_unit_id, role=AssignmentRole.LEAD, assigned_by=registered_by,
                        assigned_at=c.assigned_at) for c in cases if c.lead_unit_id],
            batch_size=batch_size)
        TimelineEvent.objects.bulk_create(
            [TimelineEvent(case=c, actor=registered_by, kind="register", at=c.registered_at,
                           message=f"登记为{c.get_channel_display()}，编号 {c.number}。（演示数据）")
             for c in cases],
            batch_size=batch_size)
        _appeals_for(county, cases, registered_by)
        clock_builder.build(cases, now)
        created += n
    for year, last in counters.items():
        CaseCounter.objects.update_or_create(county=county, year=year, defaults={"last": last})
    return created


def _appeals_for(county, cases, registered_by):
    """Cases under review or re-review carry their appeal records (reviewed by the city's bodies)."""
    under_review = [c for c in cases if c.status in (S.REVIEWING, S.RE_REVIEWING)]
    if not under_review:
        return
    reviewer = Unit.objects.filter(region__code__in=county.ancestor_codes).exclude(region=county).order_by(
        "-region__level").first()
    if reviewer is None:
        return
    appeals = []
    for c in under_review:
        appeals.append(Appeal(case=c, kind=AppealKind.REVIEW, reviewing_unit=reviewer, registered_by=registered_by,
                              reason="对答复意见不服", requested_at=c.replied_at,
                              **({"outcome": AppealOutcome.UPHELD, "decision": "维持原处理意见。",
                                  "decided_at": c.replied_at} if c.status == S.RE_REVIEWING else {})))
        if c.status == S.RE_REVIEWING:
            appeals.append(Appeal(case=c, kind=AppealKind.RE_REVIEW, reviewing_unit=reviewer,
                                  registered_by=registered_by, reason="对复查意见不服", requested_at=c.replied_at))
    Appeal.objects.bulk_create(appeals)


def _draft_case(rng, county, received, now, leaves, places, units, units_by_path, petitioners, registered_by,
                status_weights, collective_at):
    category = rng.choice(leaves)
    status = _weighted(rng, status_weights)
    if (now - received).days > 120 and status in OPEN and rng.random() < 0.97:
        status = S.CLOSED  # old petitions are almost all settled; a few linger (the backlog of issue #6)
    if category.is_litigation and status not in (S.REGISTERED, S.DIVERTED):
        status = S.DIVERTED
    place = rng.choice(places)
    petitioner = rng.choice(petitioners)
    head_count = 1 if rng.random() < 0.9 else rng.randint(2, 30)
    channel = _weighted(rng, CHANNEL_WEIGHTS)
    summary = rng.choice(SUMMARIES[category.name]).format(place=place.name, n=rng.randint(2, 12))
    step = lambda days: min(now, received + timedelta(days=days, hours=rng.randint(0, 8)))  # noqa: E731
    case = Case(
        county=county, channel=channel, received_at=received, status=status, lead_petitioner=petitioner,
        head_count=head_count, is_collective=head_count >= collective_at, category=category, summary=summary,
        demands=summary + "，请求有关部门依法依规处理。", region=place, registered_by=registered_by,
        registered_at=received, is_skip_level=rng.random() < 0.06, is_to_province=rng.random() < 0.02,
        is_to_beijing=rng.random() < 0.005,
        upper_source=rng.choice(UpperSource.values) if channel == Channel.FROM_ABOVE else "",
    )
    if status in (S.NOT_ACCEPTED, S.FORWARDED, S.DIVERTED):
        case.closed_at = step(rng.randint(1, 10))
        case.outcome_reason = "依法不属于信访事项受理范围" if status == S.NOT_ACCEPTED else "属法定途径解决事项"
        case.forwarded_to = "县人民法院" if status == S.FORWARDED else ""
        return case, petitioner, status
    if status == S.REGISTERED:
        return case, petitioner, status
    # Most units keep the 3/7/21-day and 60-day limits; some are late (the red cards of the demo).
    late = rng.random() < 0.15
    accepted = rng.randint(0, 5)
    case.accepted_at = step(accepted)
    if status == S.ACCEPTED:
        return case, petitioner, status
    # Most matters go to the township they lie in; the rest to a department (as 交办 works in practice).
    township = units_by_path.get(place.path[:TOWNSHIP_PATH_LENGTH])
    unit = township if township is not None and rng.random() < 0.55 else rng.choice(units)
    case.lead_unit = case.first_unit = unit
    assigned = accepted + rng.randint(0, 3)
    case.assigned_at = step(assigned)
    if status == S.ASSIGNED:
        return case, petitioner, status
    case.met_at = step(assigned + rng.randint(0, 6 if late else 2))
    case.feedback_at = step(assigned + rng.randint(3, 12 if late else 6)) if rng.random() < 0.9 else None
    if status == S.HANDLING:
        return case, petitioner, status
    case.replied_at = step(assigned + rng.randint(8, 70 if late else 20))
    case.reply_text = "经调查核实，已依法依规作出处理，详见处理意见书。"
    case.satisfaction = _weighted(rng, [(Satisfaction.SATISFIED, 70), (Satisfaction.BASIC, 20),
                                        (Satisfaction.UNSATISFIED, 10)])
    if status == S.REPLIED:
        case.satisfaction = ""
        return case, petitioner, status
    if status in (S.REVIEWING, S.RE_REVIEWING):
        case.satisfaction = Satisfaction.UNSATISFIED
        return case, petitioner, status
    if case.satisfaction == Satisfaction.UNSATISFIED:
        case.satisfaction = Satisfaction.BASIC
    case.closed_at = step(assigned + rng.randint(25, 90))
    return case, petitioner, status


class _ClockBuilder:
    """The clocks of bulk-made cases, replayed from their timestamps the way deadlines.services.clock_event
    starts and meets them (one code path for the dates: deadlines.services.compute_dates)."""

    def __init__(self, county, rule_set, registered_by):
        self.county, self.rule_set, self.registered_by = county, rule_set, registered_by
        self.milestones = [m for m in rule_set.milestones.all() if m.is_active and m.party != "assist"]
        self.cal = calendar_for(county.pk)
        self._dates = {}

    def _events(self, case) -> dict:
        decided = case.accepted_at or (case.closed_at if case.status in (S.NOT_ACCEPTED, S.FORWARDED, S.DIVERTED)
                                       else None)
        appeal = case.replied_at if case.status in (S.REVIEWING, S.RE_REVIEWING) else None
        return {"received": case.received_at, "decided": decided, "accepted": case.accepted_at,
                "assigned": case.assigned_at, "met": case.met_at, "feedback": case.feedback_at,
                "replied": case.replied_at, "closed": case.closed_at,
                "evaluated": case.closed_at if case.satisfaction else None,
                "review_requested": appeal if case.status == S.REVIEWING else None,
                "re_review_requested": appeal if case.status == S.RE_REVIEWING else None}

    def build(self, cases, now) -> None:
        rows = []
        for case in cases:
            events = self._events(case)
            for m in self.milestones:
                started_at = events.get(m.start_event)
                if started_at is None or (m.applies_to == "first" and case.is_repeat) or (
                        m.applies_to == "repeat" and not case.is_repeat):
                    continue
                unit_id = self.registered_by.unit_id if m.party == "office" else case.lead_unit_id
                d = Deadline(case=case, milestone=m, unit_id=unit_id, started_at=started_at,
                             started_on=timezone.localtime(started_at).date())
                key = (d.started_on, m.pk)
                if key not in self._dates:
                    compute_dates(d, m, self.rule_set, self.cal)
                    self._dates[key] = (d.due_on, d.warn_on, d.red2_on, d.escalate_on, d.calendar_unconfirmed)
                d.due_on, d.warn_on, d.red2_on, d.escalate_on, d.calendar_unconfirmed = self._dates[key]
                ended = events.get(m.end_event)
                if ended is not None and ended >= started_at:
                    d.met_at = ended
                    d.met_late = timezone.localtime(ended).date() > d.due_on
                elif case.status not in OPEN:
                    d.stopped_at, d.stop_reason = case.closed_at or now, "已办结"
                rows.append(d)
        Deadline.objects.bulk_create(rows, batch_size=5000)
        # The cases' earliest running dates, as refresh_case_due would store them (computed here from the rows in
        # hand: a correlated UPDATE inside this one long transaction would plan on stale statistics).
        earliest = {}
        for d in rows:
            if d.met_at is None and d.stopped_at is None:
                due, warn = earliest.get(d.case_id, (d.due_on, d.warn_on))
                earliest[d.case_id] = (min(due, d.due_on), min(warn, d.warn_on))
        changed = [c for c in cases if c.pk in earliest]
        for c in changed:
            c.due_on, c.warn_on = earliest[c.pk]
        Case.objects.bulk_update(changed, ["due_on", "warn_on"], batch_size=2000)


def county_has_cases(county: Region) -> bool:
    return Case.objects.filter(county=county).exists()
