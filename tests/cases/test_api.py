"""A REST client runs a petition through the API, and gets machine-readable refusals."""

import pytest
from django.utils import timezone

from cases.models import Case, PersonalDataAccess
from tests.cases.conftest import ID_WANG

pytestmark = pytest.mark.django_db


def intake_body(county, categories, **overrides):
    body = {
        "channel": "hotline",
        "received_at": (timezone.now() - timezone.timedelta(hours=1)).isoformat(),
        "petitioner": {"name": "王建国", "id_number": ID_WANG, "phone": "13805561234"},
        "category": categories["wages"].pk,
        "summary": "某工地拖欠农民工工资",
        "demands": "请求支付工资",
        "region": county.villages[0].code,
        "external_system": "12345",
        "external_id": "GD20261122001",
    }
    body.update(overrides)
    return body


def post(api, case_id, action, **data):
    return api.post(f"/api/v1/cases/{case_id}/{action}/", data, format="json")


def test_a_rest_client_runs_a_petition_from_intake_to_closure(api_as, caseworker, unit_officer, county, categories):
    api, officer = api_as(caseworker), api_as(unit_officer)

    created = api.post("/api/v1/cases/", intake_body(county, categories), format="json")
    assert created.status_code == 201, created.json()
    case = created.json()
    assert case["petitioners"][0]["id_number"] == "340822********7718"
    assert case["petitioners"][0]["phone"] == "138****1234"

    steps = [
        (api, "accept", {}),
        (api, "assign", {"lead_unit": county.housing.pk, "assist_units": [county.township_government.pk],
                         "tasks": "3日内见面"}),
        (officer, "meet", {"note": "已见面"}),
        (officer, "feedback", {"note": "正在协调"}),
        (officer, "reply", {"text": "工资已全额支付"}),
        (api, "evaluate", {"result": "basic", "method": "phone"}),
        (api, "close", {}),
    ]
    for client, action, data in steps:
        response = post(client, case["id"], action, version=case["version"], **data)
        assert response.status_code == 200, (action, response.json())
        case = response.json()

    assert case["status"] == "closed"
    assert [e["kind"] for e in case["timeline"] if not e["kind"].startswith("deadline_")] == [
        "register", "accept", "assign", "meet", "feedback", "reply", "evaluate", "close"]
    # The clocks ran alongside: every one met on time, none left running.
    assert {d["milestone"]: d["state"] for d in case["deadlines"]} == {
        "决定是否受理": "met", "3日内见面": "met", "7日内反馈": "met", "21日内办结": "met", "60日内办结": "met",
        "协办意见报送": "stopped",  # the assisting unit never reported; closing the case stopped its clock
        "答复后回访": "met"}


def test_pushing_the_same_work_order_twice_creates_one_case(api_as, caseworker, county, categories):
    api = api_as(caseworker)
    first = api.post("/api/v1/cases/", intake_body(county, categories), format="json")

    second = api.post("/api/v1/cases/", intake_body(county, categories), format="json")

    assert second.status_code == 409
    assert second.json()["code"] == "duplicate_external_id"
    assert second.json()["detail"]["case_number"] == first.json()["number"]
    assert Case.objects.count() == 1


@pytest.mark.parametrize(("field", "value", "code"), [
    ("petitioner", {"name": "王建国", "id_number": "340822199003157719"}, "invalid_id_number"),
    ("petitioner", {"name": "王建国", "phone": "12345"}, "invalid_phone"),
    ("category", 999999, "invalid"),
    ("channel", "pigeon", "invalid"),
    ("region", "110101000000", "invalid"),
])
def test_bad_intake_gets_a_400_with_a_code_and_saves_nothing(api_as, caseworker, county, categories, field, value,
                                                             code):
    response = api_as(caseworker).post("/api/v1/cases/", intake_body(county, categories, **{field: value}),
                                       format="json")

    assert response.status_code == 400
    assert response.json()["code"] == code
    assert not Case.objects.exists()


def test_another_countys_category_is_refused(api_as, caseworker, county, categories, other_categories):
    response = api_as(caseworker).post(
        "/api/v1/cases/", intake_body(county, categories, category=other_categories["land"].pk), format="json")

    assert response.status_code == 400
    assert not Case.objects.exists()


def test_a_step_out_of_order_is_a_409_with_a_code(api_as, caseworker, case):
    response = post(api_as(caseworker), case.pk, "close", version=case.version)

    assert response.status_code == 409
    assert response.json()["code"] == "transition_not_allowed"
    assert Case.objects.get(pk=case.pk).status == "registered"


def test_a_stale_version_is_a_409(api_as, caseworker, case):
    api = api_as(caseworker)
    post(api, case.pk, "accept", version=case.version)

    response = post(api, case.pk, "not-accept", version=case.version, reason="重复")

    assert response.status_code == 409
    assert response.json()["code"] == "stale_version"


def test_a_missing_version_is_a_400(api_as, caseworker, case):
    response = api_as(caseworker).post(f"/api/v1/cases/{case.pk}/accept/", {}, format="json")

    assert response.status_code == 400
    assert "version" in response.json()["detail"]


def test_another_countys_case_is_404_for_reads_and_actions(api_as, other_caseworker, case):
    api = api_as(other_caseworker)

    assert api.get(f"/api/v1/cases/{case.pk}/").status_code == 404
    assert post(api, case.pk, "accept", version=case.version).status_code == 404
    assert api.get("/api/v1/cases/").json()["count"] == 0


def test_revealing_personal_data_is_logged(api_as, caseworker, case):
    petitioner = case.lead_petitioner

    response = api_as(caseworker).post(f"/api/v1/petitioners/{petitioner.pk}/reveal/")

    assert response.json() == {"id_number": ID_WANG, "phone": "13805561234"}
    log = PersonalDataAccess.objects.get()
    assert (log.user, log.petitioner, log.channel) == (caseworker, petitioner, "api")


def test_a_unit_officer_may_not_reveal_personal_data(api_as, caseworker, unit_officer, county, case):
    from workflow import case_accept, case_assign

    case = case_accept(actor=caseworker, case=case, version=case.version)
    case_assign(actor=caseworker, case=case, version=case.version, lead_unit=county.housing)

    response = api_as(unit_officer).post(f"/api/v1/petitioners/{case.lead_petitioner_id}/reveal/")

    assert response.status_code in (403, 404)
    assert not PersonalDataAccess.objects.exists()


def test_personal_data_is_encrypted_at_rest(case):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone FROM cases_petitioner WHERE id = %s", [case.lead_petitioner_id])
        id_number, phone = cursor.fetchone()

    assert ID_WANG not in id_number and "13805561234" not in phone


def test_the_case_list_runs_a_fixed_number_of_queries(api_as, caseworker, register, django_assert_max_num_queries):
    api = api_as(caseworker)
    register()
    api.get("/api/v1/cases/")
    for _ in range(15):
        register()

    with django_assert_max_num_queries(4):
        body = api.get("/api/v1/cases/?page_size=100").json()

    assert body["count"] == 16


def test_the_case_detail_runs_a_fixed_number_of_queries(api_as, caseworker, case, django_assert_max_num_queries):
    api = api_as(caseworker)
    api.get(f"/api/v1/cases/{case.pk}/")

    with django_assert_max_num_queries(16):
        response = api.get(f"/api/v1/cases/{case.pk}/")

    assert response.json()["number"] == case.number


def test_filters_and_search(api_as, caseworker, register, categories):
    api = api_as(caseworker)
    wages = register()
    land = register(category=categories["land"], summary="征地补偿款未发放", channel="visit", head_count=6)

    assert [c["number"] for c in api.get("/api/v1/cases/?channel=visit").json()["results"]] == [land.number]
    assert [c["number"] for c in api.get("/api/v1/cases/?is_collective=true").json()["results"]] == [land.number]
    assert [c["number"] for c in api.get("/api/v1/cases/?q=补偿款").json()["results"]] == [land.number]
    assert [c["number"] for c in api.get(f"/api/v1/cases/?q={wages.number}").json()["results"]] == [wages.number]
    assert api.get(f"/api/v1/cases/?q={ID_WANG}").json()["count"] == 2
    labour_parent = categories["labour"].pk
    assert [c["number"] for c in api.get(f"/api/v1/cases/?category={labour_parent}").json()["results"]] == [
        wages.number]


def test_the_schema_documents_every_case_action():
    from django.test import Client

    paths = Client().get("/api/schema/", HTTP_ACCEPT="application/json").json()["paths"]

    for action in ["accept", "not-accept", "assign", "meet", "feedback", "reply", "evaluate", "close", "return",
                   "request-review", "request-re-review", "decide-appeal", "request-extension"]:
        assert f"/api/v1/cases/{{id}}/{action}/" in paths, action
