"""Appeals: review (复查) by the next level up, then re-review (复核), after which the matter is final."""

import pytest

from cases.choices import CaseStatus
from tests.factories import make_person
from workflow import (
    case_accept,
    case_assign,
    case_decide_appeal,
    case_evaluate,
    case_meet,
    case_reply,
    case_request_appeal,
)
from xinfang.errors import Conflict, NotPermitted, ValidationFailed
from xinfang.org.models import Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def city_bureau(county):
    return Unit.objects.create(name="安庆市信访局", kind="petition_bureau", region=county.city)


@pytest.fixture
def city_caseworker(city_bureau):
    return make_person("city.caseworker", city_bureau, ["caseworker"])


def replied_unsatisfied(case, caseworker, unit_officer, county):
    case = case_accept(actor=caseworker, case=case, version=case.version)
    case = case_assign(actor=caseworker, case=case, version=case.version, lead_unit=county.housing)
    case = case_meet(actor=unit_officer, case=case, version=case.version)
    case = case_reply(actor=unit_officer, case=case, version=case.version, text="不予支持")
    case = case_evaluate(actor=caseworker, case=case, version=case.version, result="unsatisfied", method="visit")
    return case_reply(actor=unit_officer, case=case, version=case.version, text="维持原答复")


def test_review_then_re_review_makes_the_matter_final_and_a_new_petition_is_not_accepted(
        case, caseworker, unit_officer, county, city_bureau, city_caseworker, register):
    case = replied_unsatisfied(case, caseworker, unit_officer, county)

    case_request_appeal(actor=caseworker, case=case, version=case.version, kind="review",
                        reviewing_unit=city_bureau, reason="对答复不服")
    case.refresh_from_db()
    assert case.status == CaseStatus.REVIEWING
    case_decide_appeal(actor=city_caseworker, case=case, version=case.version, outcome="upheld",
                       decision="维持原处理意见")
    case.refresh_from_db()
    case_request_appeal(actor=caseworker, case=case, version=case.version, kind="re_review",
                        reviewing_unit=city_bureau, reason="对复查意见不服")
    case.refresh_from_db()
    case_decide_appeal(actor=city_caseworker, case=case, version=case.version, outcome="upheld",
                       decision="复核维持，终结")
    case.refresh_from_db()

    assert case.status == CaseStatus.CLOSED and case.is_final
    again = register()  # the same petitioner, the same category
    with pytest.raises(Conflict) as exc:
        case_accept(actor=caseworker, case=again, version=again.version)
    assert exc.value.code == "final_after_re_review"
    assert case.number in str(exc.value.message)


def test_re_review_before_review_is_refused(case, caseworker, unit_officer, county, city_bureau):
    case = replied_unsatisfied(case, caseworker, unit_officer, county)

    with pytest.raises(Conflict):
        case_request_appeal(actor=caseworker, case=case, version=case.version, kind="re_review",
                            reviewing_unit=city_bureau, reason="直接复核")

    case.refresh_from_db()
    assert case.status == CaseStatus.REPLIED


def test_a_review_must_go_to_a_body_above(case, caseworker, unit_officer, county):
    case = replied_unsatisfied(case, caseworker, unit_officer, county)

    with pytest.raises(ValidationFailed) as exc:
        case_request_appeal(actor=caseworker, case=case, version=case.version, kind="review",
                            reviewing_unit=county.bureau, reason="对答复不服")

    assert exc.value.code == "reviewing_unit_not_above"


def test_only_the_reviewing_body_decides(case, caseworker, unit_officer, county, city_bureau):
    case = replied_unsatisfied(case, caseworker, unit_officer, county)
    case_request_appeal(actor=caseworker, case=case, version=case.version, kind="review",
                        reviewing_unit=city_bureau, reason="对答复不服")
    case.refresh_from_db()

    with pytest.raises(NotPermitted):
        case_decide_appeal(actor=caseworker, case=case, version=case.version, outcome="changed", decision="撤销")

    case.refresh_from_db()
    assert case.status == CaseStatus.REVIEWING


def test_the_intake_lookup_warns_of_a_final_matter(client_as, caseworker, case, county, categories):
    from cases.models import Case

    Case.objects.filter(pk=case.pk).update(is_final=True, status="closed")

    html = client_as(caseworker).get("/cases/new/lookup/", {
        "petitioner_id_number": case.lead_petitioner.id_number_plain, "category": categories["wages"].pk,
    }).content.decode()

    assert "依规不再受理" in html and case.number in html
