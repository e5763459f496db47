"""Jurisdiction: what a person of county A may see of county A and of county B."""

import pytest

from tests.factories import make_person
from xinfang.org import selectors
from xinfang.org.models import Region, Unit
from xinfang.org.scoping import scoped

pytestmark = pytest.mark.django_db


def test_caseworker_sees_the_subtree_of_their_county_and_nothing_of_the_neighbour(caseworker, county, other_county):
    codes = set(selectors.region_list(user=caseworker).values_list("code", flat=True))

    assert county.region.code in codes
    assert {v.code for v in county.villages} <= codes
    assert other_county.region.code not in codes
    assert county.city.code not in codes  # the city above is not in a county caseworker's jurisdiction


def test_units_of_another_county_are_out_of_scope(caseworker, county, other_county):
    units = set(selectors.unit_list(user=caseworker))

    assert county.housing in units and county.township_government in units
    assert other_county.housing not in units


def test_a_unit_officer_sees_only_their_own_unit_and_its_people(unit_officer, county):
    assert list(selectors.unit_list(user=unit_officer)) == [county.housing]
    assert set(selectors.user_list(user=unit_officer)) == {unit_officer}


def test_a_city_leader_sees_every_county_of_the_city(county, other_county):
    city_bureau = Unit.objects.create(name="安庆市信访局", kind="petition_bureau", region=county.city)
    city_leader = make_person("city.leader", city_bureau, ["leader"], leader_level=2)

    codes = set(selectors.region_list(user=city_leader).values_list("code", flat=True))

    assert {county.region.code, other_county.region.code} <= codes


def test_a_user_without_a_unit_sees_nothing(county):
    drifter = make_person("drifter", None, ["caseworker"])

    assert not selectors.region_list(user=drifter).exists()
    assert not selectors.unit_list(user=drifter).exists()


def test_a_superuser_sees_everything(county, other_county, django_user_model):
    root = django_user_model.objects.create_superuser("root", password="x")

    assert scoped(Region.objects.all(), root).count() == Region.objects.count()


def test_the_subtree_of_a_county_is_one_query(county, django_assert_num_queries):
    with django_assert_num_queries(1):
        names = list(county.region.subtree().values_list("name", flat=True))

    assert len(names) == 1 + 2 + 4


def test_county_b_unit_page_is_404_for_a_county_a_caseworker(client_as, caseworker, county, other_county):
    client = client_as(caseworker)

    assert client.get(f"/org/units/{county.housing.pk}/").status_code == 200
    response = client.get(f"/org/units/{other_county.housing.pk}/")

    assert response.status_code == 404
    assert "不在您的辖区范围内" in response.content.decode()


def test_county_b_region_page_is_404_for_a_county_a_caseworker(client_as, caseworker, other_county):
    response = client_as(caseworker).get(f"/org/regions/{other_county.region.code}/")

    assert response.status_code == 404


@pytest.mark.parametrize("path", ["units/{unit}/", "regions/{region}/", "users/{user}/"])
def test_county_b_objects_are_404_through_the_api(api_as, caseworker, other_caseworker, other_county, path):
    url = "/api/v1/" + path.format(unit=other_county.housing.pk, region=other_county.region.code,
                                    user=other_caseworker.pk)

    response = api_as(caseworker).get(url)

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_the_api_list_of_units_leaves_out_county_b(api_as, caseworker, county, other_county):
    names = {u["name"] for u in api_as(caseworker).get("/api/v1/units/?page_size=200").json()["results"]}

    assert county.housing.name in names
    assert other_county.housing.name not in names


def test_a_case_of_county_b_assigned_to_a_county_a_unit_is_seen_there_and_nothing_else_of_county_b(
        county, other_county, caseworker, unit_officer):
    """The city may assign a county-B case to a county-A unit: its people see that case (by the unit), and the
    county-A caseworker's other rows stay county A's (by the county)."""
    from cases.models import Assignment, Case, Category, Petitioner

    city_clerk = make_person("city.clerk", Unit.objects.create(name="市信访局", kind="petition_bureau",
                                                               region=county.city), ["caseworker"])

    def case_in(c, **fields):
        return Case.objects.create(
            number=f"{c.region.code[:6]}-2026-{Case.objects.count() + 1:06d}", county=c.region, channel="letter",
            received_at="2026-11-10T09:00+08:00", lead_petitioner=Petitioner.objects.create(county=c.region, name="甲"),
            category=Category.objects.create(county=c.region, name=f"类别{Case.objects.count()}"), summary="事项",
            region=c.villages[0], registered_by=city_clerk, **fields)

    own, other, assigned = case_in(county), case_in(other_county), case_in(other_county, lead_unit=county.housing)
    assert set(scoped(Case.objects.all(), caseworker)) == {own}
    assert set(scoped(Case.objects.all(), unit_officer)) == {assigned}

    Assignment.objects.create(case=other, unit=county.bureau, role="assist", assigned_by=city_clerk)
    fresh = type(caseworker).objects.get(pk=caseworker.pk)  # what the scope knows is kept per request (user object)
    assert set(scoped(Case.objects.all(), fresh)) == {own, other}
    assert set(scoped(Case.objects.all(), city_clerk)) == {own, other, assigned}
