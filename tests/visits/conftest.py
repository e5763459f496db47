"""Visit fixtures: the county's case fixtures, a commissioner and a leader's reception slot, and a case walked to
its reply."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

import workflow
from tests.cases.conftest import case, categories, other_categories, register  # noqa: F401 — shared fixtures
from tests.factories import make_person
from visits import services as vs

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: str, hour: int = 10, minute: int = 0) -> datetime:
    """A moment on a local date: at('2026-11-19', 15)."""
    return datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=SHANGHAI)


@pytest.fixture
def commissioner(county):
    """A petition commissioner (信访专员) working the townships."""
    return make_person("sun.cadre", county.bureau, ["field_cadre"], name="孙专员")


@pytest.fixture
def slot(caseworker, county, leader):
    """The county leader's reception tomorrow afternoon at the county reception centre, two places."""
    day = timezone.localdate() + timedelta(days=1)
    return vs.slot_create(actor=caseworker, data=vs.SlotInput(
        region=county.region, level=3, title="县长开门接访", place="县信访接待中心",
        starts_at=timezone.make_aware(datetime.combine(day, time(14, 30))),
        ends_at=timezone.make_aware(datetime.combine(day, time(17, 30))), leader=leader, capacity=2))


def walk_to_replied(case, caseworker, officer, unit):  # noqa: F811 - a case, not the fixture
    """Accept, assign to ``unit``, meet and reply as its officer."""
    case = workflow.case_accept(actor=caseworker, case=case, version=case.version)
    case = workflow.case_assign(actor=caseworker, case=case, version=case.version, lead_unit=unit)
    case = workflow.case_meet(actor=officer, case=case, version=case.version)
    return workflow.case_reply(actor=officer, case=case, version=case.version, text="经核查，已督促支付拖欠工资。")
