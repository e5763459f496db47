"""The dashboards' fixed county: ten cases received in November 2026, one in October, one in November 2025, each
with the clocks and outcomes that decide its KPIs (values worked out by hand in test_kpis.py)."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from cases.models import Appeal, Case, Category, Petitioner
from dashboards.services import rollups_rebuild
from deadlines.models import Deadline, Milestone
from deadlines.services import default_rule_set
from tests.factories import make_person

TZ = ZoneInfo("Asia/Shanghai")
TODAY = datetime(2026, 11, 25, 10, tzinfo=TZ)
NOV = datetime(2026, 11, 10, 9, tzinfo=TZ)
SEQ = iter(range(1, 100_000))


@pytest.fixture
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


@dataclass
class Arranged:
    cases: dict
    wages: Category
    land: Category


def make_case(county, caseworker, *, category, received=NOV, channel="letter", region=None, **fields) -> Case:
    person = Petitioner.objects.create(county=county.region, name="信访人")
    return Case.objects.create(
        number=f"{county.region.code[:6]}-{received.year}-{next(SEQ):06d}", county=county.region, channel=channel,
        received_at=received, lead_petitioner=person, category=category, summary="反映问题", registered_by=caseworker,
        region=region or county.villages[0], rule_set=default_rule_set(county.region), **fields)


def clock(case: Case, code: str, *, due: date, met: date | None = None, late: bool = False) -> Deadline:
    """One of the case's clocks: due on ``due``; met on ``met`` (late or not), or still running."""
    milestone = Milestone.objects.get(rule_set=default_rule_set(case.county), code=code)
    started = case.received_at
    return Deadline.objects.create(
        case=case, milestone=milestone, started_at=started, started_on=started.date(), due_on=due,
        warn_on=due - timedelta(days=1), escalate_on=due + timedelta(days=3),
        met_at=datetime.combine(met, datetime.min.time(), tzinfo=TZ) if met else None, met_late=late)


ON_TIME = date(2026, 11, 12)
LATE = date(2026, 11, 24)
DUE = date(2026, 11, 20)  # the limit of every clock below, passed by "today" (25 November)
NOT_YET = date(2026, 11, 30)


def arrange(county, caseworker, other_county=None) -> Arranged:
    """The fixed county (see the module docstring); rollups rebuilt at the end, as Celery would."""
    wages = Category.objects.create(county=county.region, name="欠薪")
    land = Category.objects.create(county=county.region, name="征地拆迁")
    c = {}

    def case(name, *, decide=None, reply=None, **fields):
        fields.setdefault("category", wages)
        c[name] = make_case(county, caseworker, **fields)
        for code, spec in (("decide", decide), ("handle", reply)):
            if spec == "on_time":
                clock(c[name], code, due=DUE, met=ON_TIME)
            elif spec == "late":
                clock(c[name], code, due=DUE, met=LATE, late=True)
            elif spec == "overdue":
                clock(c[name], code, due=DUE)
            elif spec == "running":
                clock(c[name], code, due=NOT_YET)
        return c[name]

    closed = {"status": "closed"}
    case("C1", channel="letter", decide="on_time", reply="on_time", satisfaction="satisfied", **closed)
    case("C2", channel="visit", decide="on_time", reply="late", satisfaction="basic", **closed)
    case("C3", channel="online", decide="late", reply="on_time", satisfaction="satisfied", rehandle_count=1,
         category=land, **closed)
    case("C4", channel="letter", decide="on_time", reply="overdue", status="handling", is_repeat=True,
         repeat_of=c["C1"], lead_unit=county.housing, region=county.villages[2])
    case("C5", channel="letter", decide="running")
    case("C6", channel="visit", decide="overdue", is_skip_level=True, region=county.villages[2])
    case("C7", channel="online", decide="on_time", status="not_accepted")
    case("C8", channel="visit", decide="on_time", reply="on_time", satisfaction="satisfied", is_repeat=True,
         repeat_of=c["C2"], is_to_province=True, lead_unit=county.housing, **closed)
    Appeal.objects.create(case=c["C8"], kind="review", reviewing_unit=county.government, reason="不服",
                          registered_by=caseworker, outcome="upheld", decided_at=TODAY)
    case("C9", channel="hotline", decide="on_time", reply="on_time", status="replied")
    case("C10", channel="letter", decide="on_time", reply="on_time", satisfaction="unsatisfied", is_to_beijing=True,
         **closed)
    # 环比: October 2026, one first petition resolved. 同比: November 2025, one first petition not resolved.
    case("P1", received=datetime(2026, 10, 8, 9, tzinfo=TZ), decide="on_time", reply="on_time",
         satisfaction="satisfied", **closed)
    case("Y1", received=datetime(2025, 11, 8, 9, tzinfo=TZ), decide="on_time", reply="on_time",
         satisfaction="unsatisfied", **closed)
    if other_county is not None:  # never counted in county A
        other = make_person("other.clerk", other_county.bureau, ["caseworker"])
        make_case(other_county, other, category=Category.objects.create(county=other_county.region, name="欠薪"),
                  region=other_county.villages[0], status="closed", satisfaction="satisfied")
    rollups_rebuild()
    return Arranged(cases=c, wages=wages, land=land)


@pytest.fixture
def arranged(frozen, county, other_county, caseworker):
    return arrange(county, caseworker, other_county)


@pytest.fixture
def township_leader(county):
    return make_person("town.leader", county.township_government, ["leader"], name="镇书记", leader_level=4)


@pytest.fixture
def city_leader(county):
    from xinfang.org.services import unit_create

    bureau = unit_create(name="安庆市信访局", kind="petition_bureau", region=county.city)
    return make_person("city.leader", bureau, ["leader"], name="市局长", leader_level=2)
