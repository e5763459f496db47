"""The dashboard page and /api/v1/dashboard/ as leaders use them: the figures, the links behind them, the definitions,
jurisdiction (another county's region is 404), bad periods (400, nothing else changes) and a fixed number of
queries whatever the data."""

from datetime import datetime

import pytest

from dashboards.services import rollups_rebuild
from tests.dashboards.conftest import TZ, make_case
from tests.factories import make_person

pytestmark = pytest.mark.django_db

NOVEMBER = "start=2026-11&end=2026-11"


def test_the_leader_sees_each_kpi_with_its_definition_and_links_to_its_cases(arranged, county, leader, client_as):
    response = client_as(leader).get(f"/dashboard/?{NOVEMBER}")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<div class="stat fs-4 fw-semibold" data-testid="kpi-timely_acceptance">77.78%</div>' in page
    assert 'data-testid="kpi-resolution">44.44%</div>' in page
    assert "按时作出受理决定的件数 ÷ 应受理件数" in page  # the tooltip and the definitions list
    assert (f'href="/cases/?region={county.region.code}&amp;received_after=2026-11-01&amp;received_before=2026-11-30'
            f'&amp;measure=decided_on_time"') in page
    assert "数据更新于" in page
    assert "环比" in page and "同比" in page


def test_the_drill_down_page_lists_the_cases_of_the_figure(arranged, county, leader, client_as):
    client = client_as(leader)
    page = client.get(f"/cases/?region={county.region.code}&received_after=2026-11-01&received_before=2026-11-30"
                      "&measure=resolved").content.decode()
    for name in ("C1", "C2", "C3", "C8"):
        assert arranged.cases[name].number in page
    for name in ("C4", "C9", "C10"):
        assert arranged.cases[name].number not in page
    assert "统计口径：已化解" in page  # the measure is named, with a link that drops it
    assert (f'href="?region={county.region.code}&amp;received_after=2026-11-01&amp;received_before=2026-11-30"'
            in page)


def test_the_page_and_the_api_run_a_fixed_number_of_queries_whatever_the_data(
        arranged, county, caseworker, leader, client_as, api_as, django_assert_num_queries):
    client, api = client_as(leader), api_as(leader)
    client.get(f"/dashboard/?{NOVEMBER}")
    api.get(f"/api/v1/dashboard/?{NOVEMBER}")  # warm up: the user's permissions are then cached
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as page_queries:
        client.get(f"/dashboard/?{NOVEMBER}")
    with CaptureQueriesContext(connection) as api_queries:
        api.get(f"/api/v1/dashboard/?{NOVEMBER}")
    for month in range(1, 12):  # thirty more cases over the year, in more channels, categories and units
        for channel in ("letter", "visit", "online"):
            make_case(county, caseworker, category=arranged.land, channel=channel, lead_unit=county.housing,
                      received=datetime(2026, month, 3, tzinfo=TZ), region=county.villages[month % 4])
    rollups_rebuild()
    with django_assert_num_queries(len(page_queries)):
        assert client.get(f"/dashboard/?{NOVEMBER}").status_code == 200
    with django_assert_num_queries(len(api_queries)):
        assert api.get(f"/api/v1/dashboard/?{NOVEMBER}").status_code == 200
    assert len(page_queries) <= 30


def test_a_leader_switches_to_a_township_and_back(arranged, county, leader, client_as):
    client = client_as(leader)
    page = client.get(f"/dashboard/?region={county.townships[1].code}&{NOVEMBER}").content.decode()
    assert 'data-testid="count-received">2</a>' in page  # 河口镇: C4 and C6
    assert 'data-testid="count-received">10</a>' in client.get(f"/dashboard/?{NOVEMBER}").content.decode()


def test_another_countys_region_does_not_exist_for_the_user(arranged, county, other_caseworker, client_as, api_as):
    assert client_as(other_caseworker).get(f"/dashboard/?region={county.region.code}").status_code == 404
    response = api_as(other_caseworker).get(f"/api/v1/dashboard/?region={county.townships[0].code}")
    assert response.status_code == 404
    assert response.data["code"] == "region_not_found"


def test_a_unit_officer_has_no_dashboard_of_a_region(arranged, unit_officer, client_as, api_as):
    assert client_as(unit_officer).get("/dashboard/").status_code == 403
    response = api_as(unit_officer).get("/api/v1/dashboard/kpis/")
    assert (response.status_code, response.data["code"]) == (403, "permission_denied")


@pytest.mark.parametrize("query, message", [
    ("start=2026-13&end=2026-13", "月份格式有误"),
    ("start=2026-11&end=2026-01", "截止月份不能早于起始月份"),
    ("start=2010-01&end=2026-11", "统计区间不能超过五年"),
    ("start=1999-01", "月份应在2000年至2099年之间"),
])
def test_a_bad_period_is_refused_with_a_chinese_message(arranged, leader, client_as, api_as, query, message):
    response = client_as(leader).get(f"/dashboard/?{query}")
    assert response.status_code == 400
    assert message in response.content.decode()
    answer = api_as(leader).get(f"/api/v1/dashboard/?{query}")
    assert answer.status_code == 400
    assert answer.data["code"] in ("invalid_period", "invalid")


def test_a_malformed_region_code_is_no_region_on_the_page(arranged, leader, client_as):
    for code in ("34082", "340822000000' OR 1=1", "３４０８２２０００"):
        assert client_as(leader).get(f"/dashboard/?region={code}").status_code == 404
    assert client_as(leader).get("/dashboard/?region=%00").status_code == 400  # refused before any look-up


def test_a_malformed_region_code_is_bad_input_in_the_api(arranged, leader, api_as):
    response = api_as(leader).get("/api/v1/dashboard/?region=34082'--")
    assert response.status_code == 400
    assert "region" in response.data["detail"]


def test_the_api_gives_bi_tools_the_same_figures(arranged, county, leader, api_as):
    response = api_as(leader).get(f"/api/v1/dashboard/kpis/?{NOVEMBER}")
    assert response.status_code == 200
    kpis = {k["code"]: k for k in response.json()["kpis"]}
    assert kpis["closed_on_time"]["value"] == 71.43
    assert kpis["closed_on_time"]["numerator_cases"].endswith("measure=replied_on_time")
    assert response.json()["freshness"]["stale_months"] == 0
    full = api_as(leader).get(f"/api/v1/dashboard/?{NOVEMBER}").json()
    assert full["region"]["code"] == county.region.code
    assert [m for m in full["trend"]["months"]][-1] == "2026-11"
    assert full["cards"]["red"] == 0  # the arrangement's cases carry no stored due date


def test_the_dashboard_is_in_the_schema_and_the_navigation(arranged, leader, client_as, api_as):
    schema = api_as(leader).get("/api/schema/").content.decode()
    assert "/api/v1/dashboard/" in schema and "/api/v1/dashboard/kpis/" in schema
    assert 'href="/dashboard/"' in client_as(leader).get("/").content.decode()
    clerk = make_person("bureau.clerk", leader.unit, ["unit_officer"])
    assert 'href="/dashboard/"' not in client_as(clerk).get("/").content.decode()


def test_a_village_leader_is_told_the_dashboard_stops_at_townships(arranged, county, client_as):
    from xinfang.org.services import unit_create

    committee = unit_create(name="第一村村委会", kind="village", region=county.villages[0])
    head = make_person("village.head", committee, ["leader"], leader_level=5)
    response = client_as(head).get("/dashboard/")
    assert response.status_code == 403
    assert "驾驶舱统计到乡镇（街道）一级" in response.content.decode()
