"""The county's categories and a registered letter to work on."""

import pytest
from django.utils import timezone

from cases.services import CaseInput, PetitionerInput, category_create
from workflow import case_register

# Valid resident ID numbers (GB 11643 checksums) for test petitioners.
ID_WANG = "340822199003157718"
ID_LI = "34082219920612000X"


@pytest.fixture
def categories(county):
    land = category_create(actor=None, county=county.region, name="征地拆迁")
    labour = category_create(actor=None, county=county.region, name="劳动社保")
    wages = category_create(actor=None, county=county.region, name="欠薪", parent=labour)
    legal = category_create(actor=None, county=county.region, name="涉法涉诉", is_litigation=True)
    return {"land": land, "labour": labour, "wages": wages, "legal": legal}


@pytest.fixture
def other_categories(other_county):
    return {"land": category_create(actor=None, county=other_county.region, name="征地拆迁")}


def letter_input(county, **overrides) -> CaseInput:
    data = {
        "channel": "letter",
        "received_at": timezone.now() - timezone.timedelta(hours=2),
        "petitioner": PetitionerInput(name="王建国", id_number=ID_WANG, phone="13805561234", address="城关镇第1村"),
        "summary": "反映城关镇某工地拖欠农民工工资三个月",
        "demands": "请求督促支付工资共计4.2万元",
        "region": county.villages[0],
    }
    data.update(overrides)
    return CaseInput(**data)


@pytest.fixture
def register(caseworker, county, categories):
    """Register a letter as the caseworker: ``register(**overrides)``."""

    def _register(**overrides):
        overrides.setdefault("category", categories["wages"])
        return case_register(actor=caseworker, data=letter_input(county, **overrides))

    return _register


@pytest.fixture
def case(register):
    return register()
