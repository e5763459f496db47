"""环比 and 同比 as a leader reads them: a month against the month before, a quarter against the quarter before, a
run of months against the same number of months before, and the same months a year earlier for 同比 — but a year
(or the year so far) and any run of twelve months or more have no 环比: it would be last year again. A period that
cannot be shown (reversed, in the future, another county's region) is refused with the form and a Chinese message,
never with other figures that would pass for the ones asked for.

The county is the fixed one of conftest.py (today 25 November 2026): ten cases in November 2026, P1 in October
2026 (resolved), Y1 in November 2025 (not resolved).
"""

from datetime import date, datetime

import pytest

from dashboards import selectors
from dashboards.services import rollups_rebuild
from tests.dashboards.conftest import TZ, make_case

pytestmark = pytest.mark.django_db


def month(text: str) -> date:
    year, m = text.split("-")
    return date(int(year), int(m), 1)


def period(start: str, end: str) -> selectors.Period:
    return selectors.Period(month(start), month(end))


@pytest.mark.parametrize("start, end, kind, previous, year_ago", [
    ("2026-11", "2026-11", "month", "2026-10", "2025-11"),
    ("2026-01", "2026-01", "month", "2025-12", "2025-01"),
    ("2026-10", "2026-12", "quarter", "2026-07 – 2026-09", "2025-10 – 2025-12"),
    ("2026-01", "2026-03", "quarter", "2025-10 – 2025-12", "2025-01 – 2025-03"),
    ("2026-05", "2026-08", "range", "2026-01 – 2026-04", "2025-05 – 2025-08"),
    ("2026-02", "2026-03", "range", "2025-12 – 2026-01", "2025-02 – 2025-03"),
    ("2025-12", "2026-02", "range", "2025-09 – 2025-11", "2024-12 – 2025-02"),  # three months, not a quarter
    ("2026-01", "2026-12", "year", None, "2025-01 – 2025-12"),
    ("2026-01", "2026-11", "year", None, "2025-01 – 2025-11"),  # the year so far
    ("2025-12", "2026-11", "range", None, "2024-12 – 2025-11"),  # twelve months: the period before is the year ago
    ("2024-01", "2026-11", "range", None, "2023-01 – 2025-11"),
])
def test_each_kind_of_period_is_compared_with_the_right_months(start, end, kind, previous, year_ago):
    p = period(start, end)
    assert p.kind == kind
    assert (p.previous().label() if p.previous() else None) == previous
    assert p.year_ago().label() == year_ago
    assert p.has_previous == (previous is not None)


def test_the_year_so_far_has_no_month_on_month_change_only_year_on_year(arranged, county, leader, client_as, api_as):
    """本年 in November: January–November 2026 against January–November 2025. 化解率 = (4 + P1) / (9 + P1) = 50.00
    against Y1's 0.00 a year earlier."""
    answer = api_as(leader).get("/api/v1/dashboard/?start=2026-01&end=2026-11").json()

    assert (answer["period"]["kind"], answer["period"]["has_previous"], answer["period"]["previous"]) == (
        "year", False, None)
    resolution = next(k for k in answer["kpis"] if k["code"] == "resolution")
    assert (resolution["value"], resolution["previous"], resolution["mom"]) == (50.0, None, None)
    assert (resolution["year_ago"], resolution["yoy"]) == (0.0, 50.0)
    assert all(k["mom"] is None for k in answer["kpis"])
    received = next(c for c in answer["counts"] if c["code"] == "received")
    assert (received["value"], received["previous"], received["mom"], received["year_ago"], received["yoy"]) == (
        11, None, None, 1, 1000.0)
    assert all(row["mom"] is None for row in answer["regions"] + answer["categories"] + answer["units"])

    page = client_as(leader).get("/dashboard/?start=2026-01&end=2026-11").content.decode()
    assert "年度及一年以上的区间不作环比" in page
    assert 'data-testid="kpi-resolution">50.00%</div>' in page
    assert "环比 —" not in page  # no empty comparison on the cards
    assert "<th class=\"text-end\">环比</th>" not in page  # nor a column of dashes in the breakdowns


def test_a_run_of_months_is_compared_with_as_many_months_just_before(arranged, county, caseworker, leader, api_as):
    """October–November 2026 (11 cases) against August–September (one case added in September): +1000.00%;
    同比 October–November 2025: Y1."""
    make_case(county, caseworker, category=arranged.wages, received=datetime(2026, 9, 15, 9, tzinfo=TZ))
    rollups_rebuild()

    answer = api_as(leader).get("/api/v1/dashboard/?start=2026-10&end=2026-11").json()

    assert (answer["period"]["previous"], answer["period"]["year_ago"]) == ("2026-08 – 2026-09", "2025-10 – 2025-11")
    received = next(c for c in answer["counts"] if c["code"] == "received")
    assert (received["value"], received["previous"], received["mom"]) == (11, 1, 1000.0)
    assert (received["year_ago"], received["yoy"]) == (1, 1000.0)
    regions = {r["label"]: (r["received"], r["previous"]) for r in answer["regions"]}
    assert regions["怀宁县城关镇"] == (9, 1)  # 8 in November, P1 in October; the September case


def test_a_quarter_is_compared_with_the_quarter_before(arranged, county, leader):
    data = selectors.dashboard(user=leader, region=county.region, period=period("2026-10", "2026-12"))
    assert (data["period"]["previous"], data["period"]["year_ago"]) == ("2026-07 – 2026-09", "2025-10 – 2025-12")
    received = next(c for c in data["counts"] if c["code"] == "received")
    assert (received["value"], received["previous"], received["year_ago"]) == (11, 0, 1)


def test_a_month_that_has_not_come_yet_is_refused(arranged, leader, client_as, api_as):
    answer = api_as(leader).get("/api/v1/dashboard/kpis/?start=2026-11&end=2026-12")
    assert (answer.status_code, answer.data["code"]) == (400, "period_in_future")

    response = client_as(leader).get("/dashboard/?start=2026-12&end=2026-12")
    page = response.content.decode()
    assert response.status_code == 400
    assert "统计区间不能晚于本月（2026-11）" in page
    assert 'data-testid="kpi-' not in page and 'data-testid="count-received"' not in page  # no figures at all


def test_a_reversed_period_shows_the_form_the_message_and_no_figures(arranged, leader, client_as):
    response = client_as(leader).get("/dashboard/?start=2026-11&end=2026-01")
    page = response.content.decode()
    assert response.status_code == 400
    assert 'data-testid="dashboard-error"' in page and "截止月份不能早于起始月份" in page
    assert 'value="2026-11"' in page and 'value="2026-01"' in page  # what the leader typed, to correct it
    assert 'data-testid="kpi-resolution"' not in page and "dash-data" not in page


def test_another_countys_region_is_not_found_with_a_chinese_message(arranged, county, other_caseworker, client_as):
    response = client_as(other_caseworker).get(f"/dashboard/?region={county.region.code}")
    page = response.content.decode()
    assert response.status_code == 404
    assert "未找到该行政区划" in page
    assert county.region.name not in page  # nothing of county A, not even its name
    assert 'data-testid="kpi-' not in page
