"""Dossier fixtures: the county's case fixtures, a second leader, a commissioner, and a designated backlog case."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from dossiers import services as ds
from tests.cases.conftest import case, categories, other_categories, register  # noqa: F401 — shared fixtures
from tests.factories import make_person

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=SHANGHAI)


@pytest.fixture
def deputy(county):
    """A second county leader, for 双包案."""
    return make_person("liu.deputy", county.government, ["leader"], name="刘副县长", leader_level=3)


@pytest.fixture
def commissioner(county):
    return make_person("sun.cadre", county.township_government, ["field_cadre"], name="孙专员")


@pytest.fixture
def dossier(case, leader):  # noqa: F811 - the case fixture, used
    """王县长 designates the letter as a backlog case."""
    return ds.dossier_designate(actor=leader, case=case, reason="多年重复信访，涉及多个部门")


def ready(dossier, caseworker, leader, officer, due_on):
    """Owners, a task force, one measure and the 三包: the plan can be put in force."""
    ds.owners_set(actor=caseworker, dossier=dossier, primary=leader)
    ds.member_add(actor=caseworker, dossier=dossier, user=officer, role="head")
    ds.plan_update(actor=caseworker, dossier=dossier, plan="一案一策", facts="查清欠薪事实", difficulty="协调支付",
                   persuasion="耐心释法")
    return ds.measure_add(actor=caseworker, dossier=dossier, owner=officer, action="督促施工方支付工资",
                          due_on=due_on)
