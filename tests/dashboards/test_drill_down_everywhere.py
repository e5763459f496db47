"""Every figure of the dashboard equals the number of rows of the list it links to — not on a county arranged for the
purpose (test_kpis.py does that by hand) but over the demo county as ``seed_demo`` builds it and over counties
``generate_city`` generates, for the year so far, last month, the last twelve months, a township and the city.

A figure and its list are two computations (the monthly rollups against the live case list's filters); if one of
them drifts — a measure defined twice, a month boundary in the wrong time zone, a township row counted twice — a
leader would click 45 and see 44 cases. This test finds that."""

from datetime import date

import pytest
from django.core.management import call_command
from django.utils import timezone

from dashboards import selectors
from xinfang.org.models import Region, User

pytestmark = pytest.mark.django_db

DEMO_COUNTY, GENERATED_COUNTY, CITY = "340822000000", "340802000000", "340800000000"


@pytest.fixture
def demo_city(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", "--cases", "400")
    call_command("generate_city", "--count", "2000", "--years", "2")  # 200 cases in each of the ten counties


def figures(data: dict):
    """(what, figure, API path with the figure's query) for every figure on the page that links to a list."""
    for k in data["kpis"]:
        yield f"{k['code']} numerator", k["numerator"], f"cases/?{k['numerator_cases']}"
        yield f"{k['code']} denominator", k["denominator"], f"cases/?{k['denominator_cases']}"
        for c in k["channels"]:
            yield f"{k['code']} {c['channel']}", c["numerator"], f"cases/?{c['numerator_cases']}"
            yield f"{k['code']} {c['channel']} of", c["denominator"], f"cases/?{c['denominator_cases']}"
    for c in data.get("counts", []):
        yield f"count {c['code']}", c["value"], f"cases/?{c['cases']}"
    for c in data.get("channels", []):
        yield f"channel {c['channel']}", c["received"], f"cases/?{c['cases']}"
    for table in ("regions", "categories", "units"):
        for row in data.get(table, []):
            if row["cases"]:
                yield f"{table} {row['label']}", row["received"], f"cases/?{row['cases']}"
    trend = data.get("trend")
    if trend:
        for month, n, query in zip(trend["months"], trend["received"], trend["cases"], strict=True):
            yield f"trend {month}", n, f"cases/?{query}"
        for month, n, query in zip(trend["months"], trend["skip_level"], trend["skip_level_cases"], strict=True):
            yield f"越级 {month}", n, f"cases/?{query}"
    if "cards" in data:
        yield "red cards", data["cards"]["red"], f"cases/?{data['cards']['red_cases']}"
        yield "yellow cards", data["cards"]["yellow"], f"cases/?{data['cards']['yellow_cases']}"
        for u in data["cards"]["units"]:
            yield f"red cards of {u['unit']}", u["red"], f"cases/?{u['cases']}"
        yield "backlog", data["backlog"]["total"], f"dossiers/?{data['backlog']['dossiers']}"
        for s in data["backlog"]["stages"]:
            yield f"backlog {s['stage']}", s["n"], f"dossiers/?{s['dossiers']}"
        receptions = data["receptions"]
        for level in receptions["levels"]:
            yield f"receptions level {level['level']}", level["batches"], f"receptions/?{level['receptions']}"
        yield "field visits", receptions["field_visits"], f"field-visits/?{receptions['field_visit_query']}"
        yield "night visits", receptions["night_visits"], f"field-visits/?{receptions['night_visit_query']}"


def mismatches(api, user, region: Region, period: selectors.Period) -> tuple[int, list]:
    data = selectors.dashboard(user=user, region=region, period=period)
    checked, wrong = 0, []
    for what, figure, path in figures(data):
        response = api.get(f"/api/v1/{path}")
        assert response.status_code == 200, (what, path, response.content[:300])
        checked += 1
        if response.data["count"] != figure:
            wrong.append((what, figure, response.data["count"], path))
    return checked, wrong


def periods(today: date) -> list[selectors.Period]:
    this_month = today.replace(day=1)
    last = selectors._add_months(this_month, -1)
    return [selectors.parse_period(None, None, today),  # 本年
            selectors.Period(last, last),  # 上月
            selectors.Period(selectors._add_months(this_month, -11), this_month)]  # 近12个月


def test_every_figure_of_the_demo_county_a_generated_county_and_the_city_is_the_length_of_its_list(
        demo_city, api_as):
    """One seeding (it is the slow part) for every region and period; 县直's row of a township was found here: a
    township's dashboard labelled the whole township 县级（县直）事项 and linked to its county-level matters only."""
    leader, city_leader = User.objects.get(username="leader"), User.objects.get(username="cityleader")
    county = Region.objects.get(code=DEMO_COUNTY)
    township = Region.objects.filter(parent=county).order_by("code").first()
    checked = 0
    for user, region in ((leader, county), (leader, township), (city_leader, Region.objects.get(code=GENERATED_COUNTY)),
                         (city_leader, Region.objects.get(code=CITY))):
        api = api_as(user)
        for period in periods(timezone.localdate()):
            n, wrong = mismatches(api, user, region, period)
            assert wrong == [], (region.name, period.label(), wrong)
            checked += n
        year = selectors.dashboard(user=user, region=region, period=periods(timezone.localdate())[2])
        assert next(c for c in year["counts"] if c["code"] == "received")["value"] > 0, region.name
    assert checked > 500  # the walk saw the pages' figures, not empty dashboards
