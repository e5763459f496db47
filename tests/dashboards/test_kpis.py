"""Every KPI of the dashboard on the fixed county (tests/dashboards/conftest.py), worked out by hand, and every
figure's drill-down listing exactly the cases it counts.

November 2026, county A (today is 25 November; every clock was due on 20 November):

| case | channel | first? | decide clock | reply clock | status, satisfaction | other |
| C1 | letter | first | on time | on time | closed, satisfied | |
| C2 | visit | first | on time | late | closed, basic | |
| C3 | online | first | late | on time | closed, satisfied | re-handled once |
| C4 | letter | repeat | on time | overdue | handling | 河口镇, 住建局 |
| C5 | letter | first | running, not yet due | — | registered | |
| C6 | visit | first | overdue | — | registered | 河口镇, 越级 |
| C7 | online | first | on time | — | not accepted | |
| C8 | visit | repeat | on time | on time | closed, satisfied | appealed (复查), 赴省, 住建局 |
| C9 | hotline | first | on time | on time | replied, not yet evaluated | |
| C10 | letter | first | on time | on time | closed, unsatisfied | 进京 |

- 及时受理率: due = decided (C1–C4, C7–C10: 8) + overdue (C6) = 9; on time = 9 − C3 (late) − C6 = 7 → 77.78.
- 按期办结率: due = replied (C1, C2, C3, C8, C9, C10) + overdue (C4) = 7; on time = 7 − C2 − C4 = 5 → 71.43.
- 化解率: handled = 10 − C7 = 9; resolved (closed and satisfied or basic) = C1, C2, C3, C8 = 4 → 44.44.
- 一次性化解率: resolved without re-handling or appeal = C1, C2 → 2 / 9 = 22.22.
- 群众满意率: evaluated = C1, C2, C3, C8, C10 = 5; satisfied or basic = 4 → 80.00.
- 初信初访化解率: first and handled = C1, C2, C3, C5, C6, C9, C10 = 7; resolved = C1, C2, C3 → 42.86.
  Letter: C1, C5, C10 → 1/3 = 33.33; visit: C2, C6 → 1/2 = 50.00; online: C3 (C7 not accepted) → 1/1 = 100.00.
- 重复信访率: 2 of 10 → 20.00.
October 2026 (环比): P1, first, resolved → 化解率 100, 重复信访率 0. November 2025 (同比): Y1 unresolved → 化解率 0.
"""

from decimal import Decimal

import pytest

from dashboards import selectors
from dashboards.measures import COUNTED, KPIS
from dashboards.models import CaseRollup

pytestmark = pytest.mark.django_db

NOVEMBER = selectors.Period(selectors.date(2026, 11, 1), selectors.date(2026, 11, 1))


def figures(user, region, period=NOVEMBER):
    return selectors.dashboard(user=user, region=region, period=period)


def kpi(data, code):
    return next(k for k in data["kpis"] if k["code"] == code)


EXPECTED = {
    "timely_acceptance": (7, 9, "77.78"),
    "closed_on_time": (5, 7, "71.43"),
    "resolution": (4, 9, "44.44"),
    "first_time_resolution": (2, 9, "22.22"),
    "satisfaction": (4, 5, "80.00"),
    "first_resolution": (3, 7, "42.86"),
    "repeat_rate": (2, 10, "20.00"),
}


def test_every_kpi_of_the_month_matches_the_hand_count(arranged, county, leader):
    data = figures(leader, county.region)
    for code, (numerator, denominator, value) in EXPECTED.items():
        item = kpi(data, code)
        assert (item["numerator"], item["denominator"], item["value"]) == (numerator, denominator, Decimal(value)), code


def test_first_petition_resolution_is_also_given_by_letter_visit_and_online(arranged, county, leader):
    channels = {c["channel"]: (c["numerator"], c["denominator"], c["value"])
                for c in kpi(figures(leader, county.region), "first_resolution")["channels"]}
    assert channels == {"letter": (1, 3, Decimal("33.33")), "visit": (1, 2, Decimal("50.00")),
                        "online": (1, 1, Decimal("100.00"))}


def test_month_on_month_and_year_on_year_are_in_percentage_points(arranged, county, leader):
    data = figures(leader, county.region)
    resolution = kpi(data, "resolution")
    assert (resolution["previous"], resolution["mom"]) == (Decimal("100.00"), Decimal("-55.56"))
    assert (resolution["year_ago"], resolution["yoy"]) == (Decimal("0.00"), Decimal("44.44"))
    repeat = kpi(data, "repeat_rate")
    assert (repeat["previous"], repeat["mom"]) == (Decimal("0.00"), Decimal("20.00"))


def test_counts_change_in_per_cent_and_a_rate_with_nothing_to_count_is_unknown(arranged, county, leader):
    counts = {c["code"]: c for c in figures(leader, county.region)["counts"]}
    assert (counts["received"]["value"], counts["received"]["previous"], counts["received"]["mom"]) == (
        10, 1, Decimal("900.00"))
    assert (counts["skip_level"]["value"], counts["to_province"]["value"], counts["to_beijing"]["value"]) == (1, 1, 1)
    assert counts["skip_level"]["mom"] is None  # from nothing: no percentage
    december = selectors.Period(selectors.date(2026, 12, 1), selectors.date(2026, 12, 1))
    assert kpi(figures(leader, county.region, december), "resolution")["value"] is None


def test_every_kpi_drills_down_to_exactly_the_cases_it_counts(arranged, county, leader, api_as):
    api = api_as(leader)
    data = figures(leader, county.region)
    for item in data["kpis"]:
        for side in ("numerator", "denominator"):
            response = api.get(f"/api/v1/cases/?{item[side + '_cases']}")
            assert response.status_code == 200
            assert response.data["count"] == item[side], (item["code"], side)
        for channel in item["channels"]:
            assert api.get(f"/api/v1/cases/?{channel['numerator_cases']}").data["count"] == channel["numerator"]


def test_breakdowns_by_channel_category_region_and_unit_drill_down_too(arranged, county, leader, api_as):
    api = api_as(leader)
    data = figures(leader, county.region)
    rows = ([(c["received"], c["cases"]) for c in data["channels"]]
            + [(r["received"], r["cases"]) for r in data["categories"] + data["regions"] + data["units"] if r["cases"]])
    for received, query in rows:
        assert api.get(f"/api/v1/cases/?{query}").data["count"] == received, query
    assert {r["label"]: r["received"] for r in data["regions"]} == {"怀宁县城关镇": 8, "怀宁县河口镇": 2}
    assert {r["label"]: r["received"] for r in data["categories"]} == {"欠薪": 9, "征地拆迁": 1}
    assert {r["label"]: r["received"] for r in data["units"]} == {"未交办": 8, county.housing.name: 2}


def test_a_township_leader_sees_only_the_township_and_a_city_leader_the_whole_city(
        arranged, county, other_county, township_leader, city_leader):
    township = selectors.dashboard_region(township_leader)
    assert township == county.townships[0]
    assert kpi(figures(township_leader, township), "repeat_rate")["denominator"] == 8
    city = selectors.dashboard_region(city_leader)
    data = figures(city_leader, city)
    assert kpi(data, "repeat_rate")["denominator"] == 11  # county A's ten and county B's one
    assert {r["label"]: r["received"] for r in data["regions"]} == {county.region.name: 10, other_county.region.name: 1}


def test_the_rollups_hold_one_column_per_measure():
    columns = {f.name for f in CaseRollup._meta.get_fields()} - {"id", "county", "month", "area", "dimension", "key",
                                                                  "whole_county"}
    assert columns == set(COUNTED)
    assert {k.numerator for k in KPIS} | {k.denominator for k in KPIS} <= set(COUNTED)


def test_the_whole_county_rows_are_the_sums_of_the_township_rows(arranged):
    from django.db.models import Sum

    for dimension in ("channel", "category", "unit"):
        towns = CaseRollup.objects.filter(whole_county=False, dimension=dimension).aggregate(
            **{c: Sum(c) for c in COUNTED})
        whole = CaseRollup.objects.filter(whole_county=True, dimension=dimension).aggregate(
            **{c: Sum(c) for c in COUNTED})
        assert towns == whole
        assert whole["received"] == 13  # November's ten, October's and last November's, county B's one


def test_the_rates_of_the_breakdowns_link_to_their_numerators(arranged, county, leader, api_as):
    api = api_as(leader)
    data = figures(leader, county.region)
    category = next(r for r in data["categories"] if r["label"] == "欠薪")  # 9 cases; resolved C1, C2, C8
    assert category["resolution"] == Decimal("37.50")  # 3 of the 8 handled (C7 was not accepted)
    assert api.get(f"/api/v1/cases/?{category['resolution_cases']}").data["count"] == 3
    letter = next(c for c in data["channels"] if c["channel"] == "letter")  # C1, C4, C5, C10: C1 resolved
    assert api.get(f"/api/v1/cases/?{letter['resolution_cases']}").data["count"] == 1


def test_a_matter_of_the_county_itself_has_its_own_row_among_the_townships(arranged, county, caseworker, leader,
                                                                          api_as):
    from dashboards.services import rollups_rebuild
    from tests.dashboards.conftest import make_case

    make_case(county, caseworker, category=arranged.wages, region=county.region)
    rollups_rebuild()
    rows = {r["label"]: r for r in figures(leader, county.region)["regions"]}
    assert rows["县级（县直）事项"]["received"] == 1
    assert api_as(leader).get(f"/api/v1/cases/?{rows['县级（县直）事项']['cases']}").data["count"] == 1
    assert rows["怀宁县城关镇"]["received"] == 8


def test_the_largest_categories_regions_and_units_have_monthly_series(arranged, county, leader):
    data = figures(leader, county.region)
    months = data["trend"]["months"]
    assert months[-1] == "2026-11" and len(months) == 12
    wages = next(s for s in data["series"]["categories"] if s["label"] == "欠薪")
    assert (wages["data"][-2], wages["data"][-1]) == (1, 9)  # October's P1; November's nine
    hekou = next(s for s in data["series"]["regions"] if s["label"] == "怀宁县河口镇")
    assert hekou["data"][-1] == 2
    assert [s["label"] for s in data["series"]["units"]] == [county.housing.name]  # "not yet assigned" has no line
