"""The API's common ground: authentication, the one error shape, pagination, the schema and its docs."""

import pytest

from tests.factories import make_person

pytestmark = pytest.mark.django_db


def test_an_anonymous_caller_gets_401_or_403_in_the_error_shape(client):
    response = client.get("/api/v1/units/")

    assert response.status_code in (401, 403)
    body = response.json()
    assert set(body) == {"code", "message", "detail"}
    assert body["code"] == "not_authenticated"


def test_me_tells_a_caseworker_who_they_are(api_as, caseworker):
    body = api_as(caseworker).get("/api/v1/me/").json()

    assert body["username"] == "zhang.caseworker"
    assert body["roles"] == ["caseworker"]


def test_page_size_is_capped(api_as, caseworker, county, settings):
    for i in range(5):
        make_person(f"p{i}", county.bureau, ["caseworker"])
    settings.API_MAX_PAGE_SIZE = 200

    body = api_as(caseworker).get("/api/v1/regions/?page_size=100000").json()

    assert body["count"] == 7
    assert len(body["results"]) == 7
    from xinfang.api.pagination import StandardPagination

    assert StandardPagination.max_page_size == 200


def test_regions_filter_by_level_and_subtree(api_as, caseworker, county):
    api = api_as(caseworker)

    townships = api.get("/api/v1/regions/?level=4").json()["results"]
    under = api.get(f"/api/v1/regions/?under={county.townships[0].code}").json()["results"]

    assert {r["code"] for r in townships} == {t.code for t in county.townships}
    assert {r["code"] for r in under} == {county.townships[0].code, *(v.code for v in county.villages[:2])}


def test_an_unknown_filter_value_is_a_400_in_the_error_shape(api_as, caseworker):
    response = api_as(caseworker).get("/api/v1/regions/?level=9")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "level" in response.json()["detail"]


def test_the_user_list_runs_a_fixed_number_of_queries(api_as, caseworker, county, django_assert_max_num_queries):
    api = api_as(caseworker)
    api.get("/api/v1/users/")  # warm the permission cache of the session user
    for i in range(30):
        make_person(f"extra{i}", county.housing, ["unit_officer"])

    with django_assert_max_num_queries(6):
        body = api.get("/api/v1/users/?page_size=100").json()

    assert body["count"] == 31


def test_the_openapi_schema_describes_the_read_endpoints(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"/api/v1/regions/", "/api/v1/units/", "/api/v1/users/", "/api/v1/me/"} <= set(paths)


def test_swagger_ui_is_served_from_our_own_static_files(client):
    html = client.get("/api/docs/").content.decode()

    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn" not in html.lower()


def test_the_schema_generates_without_a_single_warning(tmp_path):
    from django.core.management import call_command

    call_command("spectacular", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))

    assert "CaseStatusEnum" in (tmp_path / "schema.yml").read_text()
